"""Headings, repeats, the section tree and tags on the two seed reports."""

from __future__ import annotations

from helpers import DEVSET, SEED000, SEED001
from pipeline.parse import parse_file


def _doc(path):
    parsed = parse_file(path)
    assert parsed.status == "ok", parsed.error
    return parsed.doc


def _heading(doc, text):
    return [b for b in doc.blocks if b.kind == "heading" and b.text == text]


def test_seed001_repeated_headings_are_recognised() -> None:
    doc = _doc(SEED001.with_suffix(".txt"))
    first, again = _heading(doc, "（一）项目概况")
    assert (first.level, first.numbering, first.title, first.repeat_of) == (2, "（一）", "项目概况", None)
    assert again.repeat_of == first.index
    bare = _heading(doc, "基本情况")[0]  # printed again without its number
    top = _heading(doc, "一、基本情况")[0]
    assert bare.repeat_of == top.index and bare.level == 1
    longer = _heading(doc, "三、综合评价情况及评价结论（附相关评分表）")[0]
    assert longer.repeat_of == _heading(doc, "三、综合评价情况及评价结论")[0].index
    repeats = [b for b in doc.blocks if b.repeat_of is not None]
    assert len(repeats) == 14


def test_seed001_tree_and_tags() -> None:
    doc = _doc(SEED001.with_suffix(".txt"))
    para = next(b for b in doc.blocks if b.text.startswith("预算编制较为详细"))
    section = doc.blocks[para.section]
    assert section.text == "（2）预算执行率"
    assert doc.blocks[section.section].text == "1.资金管理"
    assert para.tags == ["指标分析", "资金"]
    conclusion = next(b for b in doc.blocks if b.text.startswith("运用绩效评价组制定的评价指标体系"))
    assert conclusion.tags == ["评价结论"]
    indicator = next(b for b in doc.blocks if b.text.startswith("指标3：资格认证人数"))
    assert doc.blocks[indicator.section].text == "①数量指标："
    assert indicator.tags == ["指标分析", "产出"]
    satisfaction = next(b for b in doc.blocks if b.text.startswith("指标1：全区退休人员满意度"))
    assert "满意度" in satisfaction.tags
    # Numbered paragraphs that are sentences are not headings.
    step = next(b for b in doc.blocks if b.text.startswith("1.前期准备。"))
    assert step.kind == "paragraph"
    advice = next(b for b in doc.blocks if b.text.startswith("5.进一步加强对绩效管理工作的组织领导"))
    assert advice.kind == "paragraph" and advice.tags == ["建议"]


def test_seed000_title_and_problem_sections() -> None:
    doc = _doc(SEED000.with_suffix(".txt"))
    titles = [b.text for b in doc.blocks if b.kind == "title"]
    assert titles == ["国有企业退休人员社会化管理专项补助资金", "支出绩效自评报告"]
    problems = next(b for b in doc.blocks if b.text.startswith("1.项目实施过程中治理面积较广"))
    assert problems.tags == ["问题"]  # narrowed from "五、主要经验及做法、存在的问题和建议"
    experience = next(b for b in doc.blocks if b.text.startswith("1.我单位组建了绩效工作领导小组"))
    assert experience.tags == ["经验"]
    result = next(b for b in doc.blocks if b.text.startswith("我单位2023年国有企业退体人员"))
    assert result.tags == ["评价结论"] and doc.blocks[result.section].text == "1.评价结果"


def test_traditional_script_headings() -> None:
    doc = _doc(DEVSET / "reports" / "D008.txt")
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert len(headings) == 4 and all(h[:2] in ("一、", "二、", "三、", "四、") for h in headings)


SITE_PAGE = """澜江新区管理委员会
政府信息公开
您的位置:首页 >详细内容
全文检索
索引号: -2022-00000040 发布机构:
生效日期: 2022-11-18 废止日期:
文 号: 所属主题: 其他公开事项
2021年1月-10月外贸发展奖励专项资金绩效评价报告
来源: 发布时间:2022-11-18 浏览次数: 【字体:
一、项目名称及项目资金
（一）项目名称:2021年1月-10月外贸发展奖励专项资金项目
（二）项目金额:共计943.23万元。
"""


def test_a_title_below_a_government_sites_own_lines(tmp_path) -> None:
    # seven lines of the site (fields, breadcrumb, navigation words) before the report's title: the title is
    # found, its span of months names the year, and the heading "项目名称及项目资金" is no project name
    from pipeline.record import extract_record

    path = tmp_path / "page.txt"
    path.write_text(SITE_PAGE, encoding="utf-8")
    doc = _doc(path)
    titles = [b.text for b in doc.blocks if b.kind == "title"]
    assert titles == ["2021年1月-10月外贸发展奖励专项资金绩效评价报告"]
    meta = extract_record(parse_file(path))["meta"]
    assert (meta["year"], meta["kind"], meta["project"]) == (2021, "evaluation-report", "2021年1月-10月外贸发展奖励专项资金项目")


def test_a_span_of_months_in_a_sentence_standing_for_the_title_names_no_year(tmp_path) -> None:
    from pipeline.record import extract_record

    path = tmp_path / "page.txt"
    path.write_text("根据有关办法，评价组于2024年3月至5月对该贷款项目开展了绩效评价，现将评价情况报告如下。\n一、项目概况\n", encoding="utf-8")
    assert extract_record(parse_file(path))["meta"]["year"] is None
