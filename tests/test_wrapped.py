"""A report saved from a PDF as text (every line broken at the page's width) reads as the report itself."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from helpers import SEED000, SEED001
from pipeline.parse import parse_file
from pipeline.readers.wrapped import display_width, join_wrapped, wrap_width
from pipeline.record import extract_record


def hard_wrap(text: str, width: int) -> str:
    """Each line cut where ``width`` display columns are full, as pdftotext cuts a page's lines."""
    out = []
    for line in text.splitlines():
        cur = ""
        for ch in line:
            if display_width(cur + ch) > width:
                out.append(cur)
                cur = ""
            cur += ch
        out.append(cur)
    return "\n".join(out) + "\n"


def _figures(rec: dict) -> dict:
    facts = {**rec["budget"], "total": rec["score"]["total"], "grade": rec["score"]["grade"]}
    return {k: (v or {}).get("value") for k, v in facts.items()}


@pytest.mark.parametrize("spacing", ["\n", "\n\n"])  # as printed, and a copy with a blank line after every line
def test_a_seed_broken_at_a_pages_width_reads_as_the_seed(tmp_path: Path, spacing: str) -> None:
    for seed in (SEED000, SEED001):
        text = seed.with_suffix(".txt").read_text(encoding="utf-8")
        path = tmp_path / f"{seed.stem}_wrapped.txt"
        path.write_text(hard_wrap(text, 60).replace("\n", spacing), encoding="utf-8")
        assert wrap_width(path.read_text(encoding="utf-8").splitlines()) is not None
        wrapped, whole = extract_record(parse_file(path)), extract_record(parse_file(seed.with_suffix(".txt")))
        assert _figures(wrapped) == _figures(whole)
        assert wrapped["meta"]["year"] == whole["meta"]["year"]


def test_a_figure_and_its_unit_on_two_lines_are_one_amount(tmp_path: Path) -> None:
    body = (
        "一、项目基本情况\n"
        "本项目由县农业农村局实施，主要用于全县高标准农田建设的工程监理、验收和后期\n"
        "管护工作。2023年度年初预算安排资金360.50万元，年中追加预算资金40万元，全年\n"
        "预算数为400.50万元。截至2023年12月31日，项目全年实际支出资金388.26万\n"
        "元，预算执行率为96.94%，未执行部分主要为质保金，将于2024年验收后支付给施\n"
        "工单位。项目按照批复的实施方案推进，已完成全部建设内容并通过县级初步验收，\n"
        "二、绩效自评结论\n"
        "经对照评分标准逐项打分，本项目绩效自评得分为93.50分，自评等级为优。项目决\n"
        "策、过程管理、产出和效益四个方面均达到预期，资金使用规范，群众满意度较高，\n"
        "工程质量经抽查全部合格，后续管护机制已经建立并落实到村，受益农户反映良好。\n"
    )
    path = tmp_path / "wrapped.txt"
    path.write_text("2023年度高标准农田建设项目绩效自评报告\n" + body, encoding="utf-8")
    rec = extract_record(parse_file(path))
    b = rec["budget"]
    assert Decimal(str(b["initial"]["value"])) == Decimal("3605000")
    assert Decimal(str(b["full_year"]["value"])) == Decimal("4005000")
    spent = b["spent"]
    assert Decimal(str(spent["value"])) == Decimal("3882600") and spent["evidence"]["quote"].endswith("388.26万元")
    assert Decimal(str(b["execution_rate"]["value"])) == Decimal("96.94")
    assert Decimal(str(rec["score"]["total"]["value"])) == Decimal("93.5") and rec["score"]["grade"]["value"] == "优"
    # the paragraph is one block, located by its first line; the heading after it stays a line of its own
    doc = parse_file(path).doc
    para = next(blk for blk in doc.blocks if "388.26" in blk.text)
    assert para.loc == {"line": 3} and "全年预算数为400.50万元" in para.text
    assert any(blk.text == "二、绩效自评结论" for blk in doc.blocks)


def test_a_paragraph_per_line_is_left_as_it_is() -> None:
    lines = SEED001.with_suffix(".txt").read_text(encoding="utf-8").splitlines()
    assert wrap_width(lines) is None
    assert join_wrapped(lines) == list(enumerate(lines, start=1))


def test_a_doc_sites_page_list_is_not_a_wrapped_paragraph(tmp_path: Path) -> None:
    # a copy's list of page images, each line as wide as the next: the page lines open a line of their own
    lines = []
    for n in range(1, 9):
        lines += [f"2022年度某县计划生育服务项目绩效自评报告全文.docx_第{n}页", f"第{n}页 / 共8页"]
    path = tmp_path / "pages.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    doc = parse_file(path).doc
    assert [b.text for b in doc.blocks] == lines


def test_a_paragraphs_last_piece_and_a_line_ending_on_a_colon_go_on(tmp_path: Path) -> None:
    # the page broke right before "%。", and a full line ended on 其中：; both pieces belong to the paragraph
    fill = "项目按计划推进各项工作均已完成资金管理规范" * 3
    rate = "全年预算执行率为96.94"
    first = fill[: 30 - len(rate)] + rate  # 30 Chinese characters and digits: as wide as the page below
    lines = [
        "2023年度某县农村公路养护项目绩效自评报告",
        "一、项目基本情况",
        *(fill[k : k + 30] for k in range(0, 90, 30)),
        "已全部完成年度养护任务，",
        "二、资金使用情况",
    ]
    body = [fill[:24] + "共下达资金400.50万元，其中：", "中央资金300万元，县级资金100.50万元。"]
    text = "\n".join(lines + [fill[:30], fill[:30], first, "%。"] + body + [fill[:30], "。"]) + "\n"
    path = tmp_path / "pieces.txt"
    path.write_text(text, encoding="utf-8")
    assert wrap_width(text.splitlines()) is not None
    blocks = [b.text for b in parse_file(path).doc.blocks]
    assert any(b.endswith(rate + "%。") for b in blocks)
    assert any("共下达资金400.50万元，其中：中央资金300万元，县级资金100.50万元。" in b for b in blocks)
    rec = extract_record(parse_file(path))
    assert Decimal(str(rec["budget"]["execution_rate"]["value"])) == Decimal("96.94")


def test_a_joined_paragraph_is_no_longer_than_a_line_may_be() -> None:
    # full lines and no full stop: without a bound the whole file would be one block
    lines = ["年初预算数为一百万元全年执行数为九十五万元执行率为百分之九十五" * 2] * 40
    joined = join_wrapped(lines, max_chars=500)
    assert len(joined) > 1 and all(len(text) < 500 for _, text in joined)
    assert "".join(text for _, text in joined) == "".join(lines)
