"""Shapes met in real published reports (issue 8), each in sentences written for this test: flattened funds
rows decoded by their form and arithmetic, labels in the cell before their figure, amounts before their
label, sums stated in prose, and findings that stay warnings when what a figure is cannot be known."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.parse import parse_file
from pipeline.record import extract_record


def _write(tmp_path: Path, text: str, name: str = "report.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def record(tmp_path: Path, text: str, name: str = "report.txt") -> dict:
    return extract_record(parse_file(_write(tmp_path, text, name)))


def fact(rec: dict, section: str, field: str) -> dict:
    node = rec[section][field]
    assert node is not None, f"{section}.{field} not found"
    return node


def findings(rec: dict, check: str) -> list[dict]:
    return [f for f in rec["findings"] if f["check"] == check]


# -- the funds row decoded by its template and arithmetic -------------------------------------------------

GLUED = """清河县2022年度项目支出绩效自评表
项目名称 乡村学校公用经费
项目资金(万元)年度资金总额年初预篡数调整预算数全年执行数(B)执行率(B/A)86.486.486.4100%年度总体目标
"""


def test_glued_row_under_damaged_headers_is_decoded_with_its_relation(tmp_path):
    rec = record(tmp_path, GLUED)
    spent = fact(rec, "budget", "spent")
    assert Decimal(str(spent["value"])) == Decimal("864000")
    assert Decimal(str(fact(rec, "budget", "initial")["value"])) == Decimal("864000")
    assert Decimal(str(fact(rec, "budget", "execution_rate")["value"])) == 100
    # the relation that confirmed the assignment is part of the evidence
    assert "执行率=执行数÷全年预算数" in spent["rule"] and spent["rule"].startswith("tables:funds:decoded")
    assert spent["evidence"]["quote"] == "86.4"


def test_one_cell_per_line_row_with_the_weight_in_the_header_and_a_fractional_rate(tmp_path):
    text = "\n".join(
        ["项目支出绩效自评表", "预算数(A)", "执行数(B)", "执行率(B/A)", "得分", "(20分*执行率)", "年度财政资金总额", "480", "62", "0.1", "2.6", "年度绩效目标"]
    )
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "budget", "full_year")["value"])) == Decimal("4800000")
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("620000")
    rate = fact(rec, "budget", "execution_rate")
    assert Decimal(str(rate["value"])) == 10 and rate["text"] == "0.1"  # 62/480 = 12.9%, printed as 0.1
    dims = {d["name"]: d for d in rec["score"]["dimensions"]}
    assert dims["预算执行率"]["weight"]["value"] == 20 and Decimal(str(dims["预算执行率"]["score"]["value"])) == Decimal("2.6")
    # 20 × 12.9% = 2.58 → 2.6: no SCORE-EXEC, and the fraction's precision keeps ARITH-EXEC-RATE quiet
    assert not [f for f in rec["findings"] if f["check"] in ("SCORE-EXEC", "ARITH-EXEC-RATE") and f["severity"] != "info"]


def test_arrival_columns_and_a_row_number(tmp_path):
    text = "资金投入情况\n年度资金总额(万元): 1 36.500000\n36.500000 36.500000 100.00% 21.900000 60.00%\n其中:中央财政资金 2 36.500000\n"
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("219000")
    assert Decimal(str(fact(rec, "budget", "received")["value"])) == Decimal("365000")
    assert "到位率=到位数÷预算数" in fact(rec, "budget", "spent")["rule"]


def test_a_lone_amount_after_an_anchor_is_not_cut_into_a_row(tmp_path):
    # "6812.45" could be read as 68 | 1 | 2.4 | 5 with a rate of 5: no % sign, no relation, no row
    rec = record(tmp_path, "2022年全县衔接资金全年预算数6,812.45万元，其中中央资金4,120.00万元。\n")
    assert Decimal(str(fact(rec, "budget", "full_year")["value"])) == Decimal("68124500")
    assert rec["budget"]["spent"] is None and rec["budget"]["execution_rate"] is None


def test_prose_with_commas_is_read_as_prose_not_as_a_row(tmp_path):
    rec = record(tmp_path, "（一）村道维护项目：全年预算数12.35万元，执行12.35万元，执行率100%，自评得分98.5分；\n（二）村级活动场所维修：全年预算数8.47万元，执行8.33万元，执行率98.35%，自评得分95.1分。\n")
    assert not [r for r in rec["budget_table"] if "decoded" in (r.get("rule") or "")]


def test_a_form_filled_in_yuan_under_a_wanyuan_header(tmp_path):
    text = "项目资金(万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n年度资金总额 128000000.00 128000000.00 128000000.00 10 100.0% 10\n"
    rec = record(tmp_path, text)
    # a 万元 reading would be 1.28万亿元: the amounts are yuan
    assert Decimal(str(fact(rec, "budget", "full_year")["value"])) == Decimal("128000000")


def test_a_remark_column_ends_the_row_and_the_method_column_is_no_score(tmp_path):
    text = "部门(单位)总体资金(万元) | 年初预算数(A) | 全年执行数(B) | 分值(10分) | 得分 | 得分计算方法 |\n年度资金总额: | 860.12 | 842.30 | 10 | 9.8 | 执行率*该指标分值 |\n"
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "budget", "initial")["value"])) == Decimal("8601200")
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("8423000")


# -- labels beside their figures ---------------------------------------------------------------------------

def test_label_cell_unit_cell_value_cell(tmp_path):
    text = "项目起止时间 |\n2021年1月起至2021年12月止 |\n计划安排资金 (万元) |\n96.5 |\n实际到位资金 (万元) |\n96.5 |\n实际支出 (万元) |\n88.24 |\n结余(万元) |\n8.26 |\n"
    rec = record(tmp_path, text)
    received = fact(rec, "budget", "received")
    assert Decimal(str(received["value"])) == Decimal("965000") and received["evidence"]["quote"] == "96.5"
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("882400")
    assert Decimal(str(fact(rec, "budget", "balance")["value"])) == Decimal("82600")


def test_a_label_before_a_row_of_figures_heads_columns(tmp_path):
    text = "经费控制情况(万元)\n2021年决算数\n2022年预算数\n2022年决算数\n支出总额\n1120.40\n1200.00\n1188.60\n"
    rec = record(tmp_path, text)
    assert rec["budget"]["spent"] is None  # 1120.40 is the previous year's, not this year's spending


def test_score_label_naming_its_unit_in_parentheses(tmp_path):
    rec = record(tmp_path, "部门整体绩效自评表 主管部门 县文化馆 自评总分(分)93.2 部门联系人 王某\n")
    assert Decimal(str(fact(rec, "score", "total")["value"])) == Decimal("93.2")


def test_amount_printed_before_its_label(tmp_path):
    rec = record(tmp_path, "经核实，其中26户共计41.3万元资金已全部拨付到位。\n")
    spent = fact(rec, "budget", "spent")
    assert Decimal(str(spent["value"])) == Decimal("413000") and spent["evidence"]["quote"] == "41.3万元资金已全部拨付到位"


def test_a_list_closed_by_its_total(tmp_path):
    rec = record(tmp_path, "2023年度省级下达我县农机购置补贴资金48万元，中央下达12万元，上年结余3.5万元，共计63.5万元。\n")
    budget = fact(rec, "budget", "full_year")
    assert Decimal(str(budget["value"])) == Decimal("635000") and budget["rule"].endswith(":sum")


def test_space_as_thousands_separator(tmp_path):
    rec = record(tmp_path, "评价期间内预算下拨金额共计54 440.73万元，实际执行金额46 766.90万元。\n")
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("467669000")


def test_grade_right_after_its_label_and_a_bare_total(tmp_path):
    rec = record(tmp_path, "各项指标合计，总得分92，综合评价结果为:优。\n")
    assert Decimal(str(fact(rec, "score", "total")["value"])) == 92
    assert fact(rec, "score", "grade")["value"] == "优"


def test_a_grade_counted_as_an_attribute_claims_nothing(tmp_path):
    rec = record(tmp_path, "本次重点评价的9个项目中，评价结果为“优”的项目有3个，涉及资金860万元；评价结果为“良”的项目有6个。\n")
    assert rec["score"]["grade"] is None


# -- contradictions and the identity of facts ----------------------------------------------------------------

def test_a_sum_in_prose_that_does_not_add_up(tmp_path):
    rec = record(tmp_path, "2022年项目共投入530.40万元，其中中央资金210.12万元、省级资金96.30万元、县级资金230.00万元。\n")
    [f] = findings(rec, "ARITH-SUBTOTAL")
    assert f["severity"] == "warning"
    assert Decimal(str(f["expected"])) == Decimal("5364200") and Decimal(str(f["stated"])) == Decimal("5304000")
    assert f["evidence"][0]["quote"] == "530.40万元"


def test_grades_of_many_items_are_a_list_not_a_contradiction(tmp_path):
    text = (
        "县财政局2022年度部门整体支出绩效自评报告\n部门整体自评得分93分，等级为“优”。\n"
        "所属项目中，甲项目等级为“优”，乙项目等级为“良”，丙项目等级为“中”，丁项目等级为“优”。\n"
    )
    rec = record(tmp_path, text)
    assert not [f for f in findings(rec, "GRADE-TEXT-TOTAL") if f["severity"] == "error"]


def test_a_row_that_lost_a_cell_is_not_guessed(tmp_path):
    text = (
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
        "产出指标 | 数量指标 | 发放人数 | ≥ | 120 | 人 | 126 | 30 | 30 |\n"
        "产出指标 | 质量指标 | 发放准确率 | = | 100 | % | 100 | 30 | 30 |\n"
        "效益指标 | 社会效益指标 | 群众知晓率 | ≥ | 90 | % | 92 | 30 | 30 |\n"
        "满意度指标 | 服务对象满意度指标 | 满意度 | ≥ | 95 | % | 95 | 10.00 |\n"
    )
    rec = record(tmp_path, text)
    # the short last row lost a cell: read from the right its 分值 would be 95 and its actual "%"; its
    # target cells (≥ | 95 | %) fix the target and the actual after them, and the one figure left is
    # either the 分值 or the 得分, so neither is taken: no weight above the whole form, no error on a guess
    rows = {i["name"]: i for i in rec["indicators"]}
    assert list(rows) == ["发放人数", "发放准确率", "群众知晓率", "满意度"]
    assert rows["满意度"]["target"]["text"] == "≥95%" and rows["满意度"]["actual"]["text"] == "95"
    assert rows["满意度"]["weight"] is None and rows["满意度"]["score"] is None
    assert not [f for f in rec["findings"] if f["severity"] == "error"]


def test_bare_target_and_actual_give_at_most_a_warning(tmp_path):
    text = (
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
        "产出指标 | 数量指标 | 冷库建设面积 | ≥1290平方米 | 1290平方米 | 20 | 20 |\n"
        "烘干设备购置及安装 | 450 | 18 | 20 | 20 |\n"
    )
    rec = record(tmp_path, text)
    found = findings(rec, "SCORE-QUANT-POS")
    assert found and all(f["severity"] == "warning" for f in found)


def test_a_row_without_its_target_cell_beside_rows_with_one_is_ragged(tmp_path):
    text = (
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
        "产出指标 | 数量指标 | 维修校舍面积 | ≥ | 800 | 平方米 | 860平方米 | 40 | 40 |\n"
        "产出指标 | 质量指标 | 工程验收合格率 | 100% | 60 | 60 |\n"
    )
    rec = record(tmp_path, text)
    ragged = {i["name"]: i["rule"] for i in rec["indicators"]}
    assert ragged == {"维修校舍面积": "tables:indicator", "工程验收合格率": "tables:indicator:ragged"}
    # weights 40 + 60 and the 预算执行率 row's default: whatever a check says of the ragged row is a warning
    assert not [f for f in rec["findings"] if f["severity"] == "error"]


def test_a_self_score_beside_a_reviewers_score_is_no_contradiction(tmp_path):
    text = "县农业农村局2022年度项目支出绩效评价报告\n单位自评总分98分，自评等级为优。\n经第三方复核，评价得分86.5分，评价等级为良。\n"
    rec = record(tmp_path, text)
    assert not findings(rec, "GRADE-TEXT-TOTAL")
    # in traditional script alike (自評 is read as 自评)
    text = "縣農業農村局2022年度項目支出績效評價報告\n單位自評總分98分，自評等級為優。\n經第三方復核，評價得分86.5分，評價等級為良。\n"
    assert not findings(record(tmp_path, text), "GRADE-TEXT-TOTAL")


def test_two_statements_of_the_reports_own_total_that_differ_are_an_error(tmp_path):
    text = "县农业农村局2022年度项目支出绩效自评报告\n本项目自评总分为92.5分。\n综上，本项目综合得分为95.5分，等级为优。\n"
    [f] = [f for f in findings(record(tmp_path, text), "GRADE-TEXT-TOTAL")]
    assert f["severity"] == "error" and "92.5" in f["message"] and "95.5" in f["message"]


def test_parts_listed_before_a_total_that_they_do_not_make(tmp_path):
    text = "2022年专项资金支出316.40万元，预算执行率61%，财政资金支出2419.50万元，预算执行率58%，总支出2939.90万元，执行率63%。\n"
    [f] = findings(record(tmp_path, text), "ARITH-SUBTOTAL")
    assert f["severity"] == "warning" and "2735.9万元" in f["message"] and "2939.9万元" in f["message"]
    assert Decimal(str(f["expected"])) == Decimal("27359000")


def test_parts_that_make_their_total_and_a_breakdown_in_parentheses_are_quiet(tmp_path):
    text = (
        "2023年度省级拨付我县农机购置补贴资金62万元，中央拨付16万元，上年度结余资金6.47万元，共计84.47万元。\n"
        "一批项目批复投资1200.50万元(其中建筑工程1100万元)，二批项目批复投资600万元(其中建筑工程580万元)。\n"
    )
    assert not findings(record(tmp_path, text), "ARITH-SUBTOTAL")


def test_a_funds_amount_broken_down_by_its_qizhong_is_the_whole(tmp_path):
    rec = record(tmp_path, "现将有关情况报告如下：2023年，全市食品安全监管补助资金68.5万元，其中，拨付市局10.5万元，拨付各县58万元。\n")
    budget = fact(rec, "budget", "full_year")
    # the parts add up to it (10.5 + 58 = 68.5): the arithmetic makes the whole certain
    assert Decimal(str(budget["value"])) == Decimal("685000") and budget["rule"].endswith(":whole:whole-sum")
    assert rec["budget"]["spent"] is None  # 拨付市局10.5万元 is a part of the whole, not the spending


def test_a_whole_whose_parts_do_not_add_up_stays_uncertain(tmp_path):
    rec = record(tmp_path, "2023年，全市食品安全监管补助资金68.5万元，其中，拨付市局10.5万元，拨付各县50万元。\n")
    budget = fact(rec, "budget", "full_year")
    assert Decimal(str(budget["value"])) == Decimal("685000") and budget["rule"].endswith(":whole:uncertain")


def test_a_list_with_parts_in_parentheses_is_closed_by_its_total(tmp_path):
    rec = record(tmp_path, "该项目分三批实施，一批批复投资300万元（其中设备120万元），二批批复投资250.5万元（其中设备80万元），"
                           "三批批复投资99.5万元，合计批复总投资650万元。\n")
    budget = fact(rec, "budget", "full_year")
    assert Decimal(str(budget["value"])) == Decimal("6500000") and budget["rule"].endswith(":sum")


def test_a_whole_opened_by_qizhong_outranks_a_labelled_part_later(tmp_path):
    rec = record(tmp_path, "2022年省财政厅分解下达全省非遗保护专项资金共5200万元，其中下达地市3100万元；省直单位2100万元。"
                           "省直单位项目有：一是省博物院，下达预算资金1300万元。\n")
    budget = fact(rec, "budget", "full_year")
    assert Decimal(str(budget["value"])) == Decimal("52000000") and budget["rule"].endswith(":whole-sum")
    assert budget["evidence"]["quote"].endswith("共5200万元")


def test_one_cell_per_line_indicator_rows_read_by_their_header(tmp_path):
    cells = ["年度绩效目标", "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分",
             "产出指标(40分)", "数量指标", "新建羊舍(≥平方米)", "120", "126", "4", "青贮池(≥立方米)", "80", "80", "3",
             "质量指标", "验收合格率", "100%", "100%", "5"]
    rec = record(tmp_path, "\n\n".join(cells) + "\n")
    rows = {i["name"]: (i["target"]["text"], i["actual"]["text"], i["score"]["value"]) for i in rec["indicators"]}
    assert rows == {"新建羊舍(≥平方米)": ("120", "126", 4), "青贮池(≥立方米)": ("80", "80", 3), "验收合格率": ("100%", "100%", 5)}
    assert all(i["rule"] == "tables:indicator:one-cell-per-line:header" for i in rec["indicators"])


def test_flattened_rows_of_a_form_without_weights_read_by_its_header(tmp_path):
    text = (
        "一级指标 二级指标 三级指标 年初目标值 实际完成值 得分\n"
        "产出指标 数量指标 培训农户人次 500 512 10\n"
        "产出指标 质量指标 培训合格率 95% 96% 10\n"
    )
    rec = record(tmp_path, text)
    rows = {i["name"]: (i["target"]["text"], i["actual"]["text"], i["score"]["value"], i["weight"]) for i in rec["indicators"]}
    assert rows == {"培训农户人次": ("500", "512", 10, None), "培训合格率": ("95%", "96%", 10, None)}


def test_a_unit_slip_is_settled_by_the_reports_other_figures_and_still_reported(tmp_path):
    text = "2024年农机购置补贴项目预算资金合计2089万元。全年预算数2089元，全年预算执行数合计2089万元。\n"
    rec = record(tmp_path, text)
    full = fact(rec, "budget", "full_year")
    assert Decimal(str(full["value"])) == Decimal("20890000") and full["rule"].endswith(":unit-by-others")
    assert full["text"] == "全年预算数2089元"  # the words as printed
    assert [f["severity"] for f in findings(rec, "ARITH-UNIT")] and all(f["severity"] == "warning" for f in findings(rec, "ARITH-UNIT"))


def test_a_total_after_a_comma_continues_the_clause_before_it(tmp_path):
    rec = record(tmp_path, "2021年，省财政下达我县2批农田水利补助资金（灌区部分），共计930万元。\n")
    budget = fact(rec, "budget", "full_year")
    assert Decimal(str(budget["value"])) == Decimal("9300000") and "共计930万元" in budget["evidence"]["quote"]


def test_a_label_cell_with_its_unit_glued_to_the_value_cell(tmp_path):
    cells = ["项目类型", "经常性项目(√)", "计划投资额", "(万元)356.20", "实际到位资金", "(万元)", "356.20", "实际使用情况", "(万元)", "340.15"]
    rec = record(tmp_path, "\n\n".join(cells) + "\n")
    assert Decimal(str(fact(rec, "budget", "full_year")["value"])) == Decimal("3562000")
    assert Decimal(str(fact(rec, "budget", "received")["value"])) == Decimal("3562000")
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("3401500")


def test_a_label_then_its_breakdowns_headings_then_its_whole(tmp_path):
    # the form prints each amount's sources as column headings between the label and the figures: the
    # first figure after them is the whole (uncertain: a blank total cell would leave a part's figure there)
    text = ("一、项目基本情况 项目实施单位 某县交通运输局 项目类型 计划投资额 (万元) 其中:中央财政 省财政 市县财政 其他 "
            "85.50 60.00 25.50 经常性项目( √ ) 一次性项目( ) 实际到位资金(万元) 其中:中央财政 省财政 市县财政 其他 "
            "80.20 60.00 20.20 实际使用情况(万元) 78.00\n")
    rec = record(tmp_path, text)
    budget, received = fact(rec, "budget", "full_year"), fact(rec, "budget", "received")
    assert Decimal(str(budget["value"])) == Decimal("855000") and budget["rule"] == "fields:budget.stated:cell:uncertain"
    assert budget["evidence"]["quote"] == "85.50"
    assert Decimal(str(received["value"])) == Decimal("802000") and received["rule"] == "fields:budget.received:cell:uncertain"
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("780000")


def test_headings_that_do_not_open_a_breakdown_leave_the_row_of_figures_unread(tmp_path):
    # "年度 | 预算 | 决算" after a label head columns of their own: no whole among them
    rec = record(tmp_path, "项目类型 计划投资额 (万元) 省财政 市县财政 60.00 25.50\n")
    assert rec["budget"]["full_year"] is None


def test_money_received_as_the_clauses_verb_before_an_attributive_allocation(tmp_path):
    rec = record(tmp_path, "一、资金情况\n2019年度，我局实际收到从上级部门分配到的体育彩票公益金总额为135968元。\n")
    received = fact(rec, "budget", "received")
    assert Decimal(str(received["value"])) == Decimal("135968") and received["rule"] == "fields:budget.received:clause:uncertain"
    assert rec["budget"]["full_year"] is None


def test_a_departments_income_from_the_finance_bureau_is_money_received(tmp_path):
    rec = record(tmp_path, "二、部门整体收入支出情况\n2020年度市级财政拨款收入64.02万元，其中：一般公共预算收入64.02万元。\n")
    received = fact(rec, "budget", "received")
    assert Decimal(str(received["value"])) == Decimal("640200") and received["rule"] == "fields:budget.received:uncertain"
    rec = record(tmp_path, "二、预算情况\n2021年年初预算财政拨款收入80万元。\n", name="planned.txt")
    assert rec["budget"]["received"] is None


def test_a_grade_in_the_cell_after_its_label_one_cell_per_line(tmp_path):
    rec = record(tmp_path, "自评得分 |\n87.5 |\n自评等级 |\n良好 |\n")
    grade = fact(rec, "score", "grade")
    assert grade["value"] == "良" and grade["evidence"]["quote"] == "良好" and grade["evidence"]["block"] == 3
    assert Decimal(str(fact(rec, "score", "total")["value"])) == Decimal("87.5")
    # a column of grade words under 等级 lists a scheme, not the report's grade; so does a grade with its band
    rec = record(tmp_path, "评分标准\n等级\n优\n良\n中\n差\n", name="scheme.txt")
    assert rec["score"]["grade"] is None
    rec = record(tmp_path, "评分标准\n评价等级 | 优 | 90分（含）以上\n评价等级 | 良 | 80-90分\n", name="bands.txt")
    assert rec["score"]["grade"] is None
    # the score and the grade on one row, each after its label
    rec = record(tmp_path, "四、评价结论\n绩效评价得分 | 86.5 | 评价等级 | 良\n", name="row.txt")
    assert fact(rec, "score", "grade")["value"] == "良" and Decimal(str(fact(rec, "score", "total")["value"])) == Decimal("86.5")


def test_the_units_own_grade_cell_beside_the_evaluators_grade_is_no_contradiction(tmp_path):
    text = "某项目绩效评价报告\n评价分值：86.5分，评价等级：良\n单位自评情况 |\n自评分值 |\n100 |\n自评等级 |\n优 |\n"
    rec = record(tmp_path, text)
    assert fact(rec, "score", "grade")["value"] == "良"  # the evaluator's, stated first
    assert {m["value"] for m in fact(rec, "score", "grade")["mentions"]} == {"良", "优"}
    assert not findings(rec, "GRADE-TEXT-TOTAL")


def test_a_label_wrapped_over_two_cells(tmp_path):
    rec = record(tmp_path, "自评等级 |\n良 |\n各级资金 投入总数 |\n88.60 |\n抽查资金总数 |\n88.60 |\n")
    budget = fact(rec, "budget", "full_year")
    assert Decimal(str(budget["value"])) == Decimal("886000") and budget["evidence"]["quote"].strip() == "88.60"


def test_a_unit_declared_before_the_label_on_its_line(tmp_path):
    rec = record(tmp_path, "妇幼保健补助资金合计(万元) 年度预算资金总额): 512.75\n其中:中央补助 300.00\n")
    assert Decimal(str(fact(rec, "budget", "full_year")["value"])) == Decimal("5127500")


def test_a_fund_named_as_the_subject_gives_its_amount_as_the_budget_uncertain(tmp_path):
    rec = record(tmp_path, "一、项目概况\n2021年度“农村饮水安全维修养护资金”86万元，用于全县供水工程维修。\n")
    budget = fact(rec, "budget", "full_year")
    assert Decimal(str(budget["value"])) == Decimal("860000") and budget["rule"].endswith(":fund:uncertain")


def test_a_fund_of_one_level_or_one_batch_is_not_the_budget(tmp_path):
    rec = record(tmp_path, "一、项目概况\n市级配套资金18万元，用于设备购置。第二批资金30万元，用于人员培训。\n")
    assert rec["budget"]["full_year"] is None


def test_a_funds_table_in_yuan_grouped_by_thousands_with_lost_glyphs(tmp_path):
    text = ("资金情况 | |||\n"
            "年初预算数 | 全年(调整)预算数 | 全年执行数 | 执行率 | 执行率权重 | 执行率得分 | |||\n"
            "年度总金额 | 1,250,000.00? | 1,310,400.00? | 1,205,568.00? | |||\n"
            "其中:财政拨款 | 1,250,000.00? | 1,310,400.00? | 1,205,568.00? | 92.00 | 10.00 | 9.20? | ||\n")
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "budget", "initial")["value"])) == Decimal("1250000")
    assert Decimal(str(fact(rec, "budget", "full_year")["value"])) == Decimal("1310400")
    spent = fact(rec, "budget", "spent")
    assert Decimal(str(spent["value"])) == Decimal("1205568") and spent["evidence"]["quote"].startswith("1,205,568.00")
    assert Decimal(str(fact(rec, "budget", "execution_rate")["value"])) == Decimal("92")


def test_a_part_row_whose_rate_contradicts_its_own_figures_is_a_warning(tmp_path):
    text = ("项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分\n"
            "年度资金总额 | 0 | 4.60 | 4.60 | 10 | 100% | 10\n"
            "其中：当年财政拨款 | 0 | 2.20 | 2.20 | — | 100% | —\n"
            "其他资金 | 0 | 2.40 | 2.40 | — | 0 | —\n")
    rec = record(tmp_path, text)
    rows = [f for f in rec["findings"] if f["check"] == "ARITH-EXEC-RATE"]
    assert len(rows) == 1 and rows[0]["severity"] == "warning"
    assert "其他资金" in rows[0]["message"] and Decimal(str(rows[0]["expected"])) == Decimal("100")


def test_the_outer_label_reads_a_figure_when_a_label_stands_inside_its_phrase(tmp_path):
    rec = record(tmp_path, "（二）项目资金情况。2022年度收到项目预算资金58.20万元，实际支付项目预算资金57.64万元。\n")
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("576400")
    assert Decimal(str(fact(rec, "budget", "received")["value"])) == Decimal("582000")  # 收到…, not a budget


def test_several_funds_listed_loosely_give_no_budget(tmp_path):
    text = ("1)县财〔2021〕12号下达2021年乡村公路养护资金35万元。\n\n"
            "2)县财〔2021〕30号下达2021年危桥改造补助资金120万元。\n\n"
            "3)县财〔2021〕41号下达2021年客运站运营补贴资金18万元。\n")
    rec = record(tmp_path, text)
    assert rec["budget"]["full_year"] is None


def test_several_funds_give_the_one_the_others_add_up_to(tmp_path):
    text = ("下达我县福利彩票公益金支持社会福利事业资金，合计305万元。\n\n"
            "其一，下达养老服务设施建设资金200万元。\n\n"
            "其二，下达儿童福利机构补助资金105万元。\n")
    rec = record(tmp_path, text)
    budget = fact(rec, "budget", "full_year")
    assert Decimal(str(budget["value"])) == Decimal("3050000") and budget["rule"].endswith(":whole-sum")


def test_an_amount_after_an_ascii_comma_and_its_completion_after_it(tmp_path):
    rec = record(tmp_path, "根据县委县政府慰问工作安排,6.2万元慰问经费于2021年1月全部使用完毕,共慰问155户。\n")
    spent = fact(rec, "budget", "spent")
    assert Decimal(str(spent["value"])) == Decimal("62000") and spent["evidence"]["quote"].startswith("6.2万元慰问经费")


def test_an_amount_then_when_it_was_received(tmp_path):
    rec = record(tmp_path, "本期政府专项债券800万元于2022年5月收到市财政拨款,并于当月拨付施工单位800万元。\n")
    assert Decimal(str(fact(rec, "budget", "received")["value"])) == Decimal("8000000")


def test_a_self_table_glued_after_its_labels_colon_is_decoded_by_its_arithmetic(tmp_path):
    text = ("2022年度项目支出绩效自评表\n项目名称:乡村学校少年宫运转补助\n"
            "项目资金(万元)年初预算数全年预算数全年执行数分值执行率得分\n"
            "年度资金总额:20202010100.00%10\n其中:当年财政拨款202020100.00%—\n总分10095\n")
    rec = record(tmp_path, text)
    spent = fact(rec, "budget", "spent")
    assert Decimal(str(spent["value"])) == Decimal("200000") and "执行率=执行数÷全年预算数" in spent["rule"]
    assert Decimal(str(fact(rec, "budget", "execution_rate")["value"])) == Decimal("100")
    assert Decimal(str(fact(rec, "score", "total")["value"])) == Decimal("95")


def test_a_funds_header_naming_plain_budget_and_spending_columns(tmp_path):
    text = ("项目支出绩效自评表\n项目名称 | 农村公路养护\n"
            "资金情况(万元) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分(20分*执行率)\n"
            "年度资金总额 | 120.5 | 108.45 | 90.00% | 18\n其中:财政拨款 | 120.5 | 108.45 | 90.00% | —\n")
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "budget", "full_year")["value"])) == Decimal("1205000")
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("1084500")
    assert Decimal(str(fact(rec, "budget", "execution_rate")["value"])) == Decimal("90")


@pytest.mark.parametrize(
    "text",
    [
        "项目支出绩效自评表\n年度资金总额 | 50万元 | 50万元 | 45万元 | 10 | 90% | 9\n总  分 | 100 | 91\n",
        "项目支出绩效自评表\n总 分\n\n100\n\n91\n",
        "项目支出绩效自评表\n年度资金 12.00 12.00 11.40 10 95.00% 9.50\n合计 100 91\n",
    ],
)
def test_the_forms_total_row_spaced_out_or_named_合计_beside_the_scale(tmp_path, text):
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "score", "total")["value"])) == Decimal("91")


def test_a_合计_row_of_the_funds_block_is_no_total_score(tmp_path):
    rec = record(tmp_path, "项目支出绩效自评表\n合计 50 50 45 10 90% 9\n")
    assert rec["score"]["total"] is None


def test_a_glued_funds_row_that_contradicts_itself_is_read_by_its_repeated_amounts(tmp_path):
    # 年初 = 全年 = 执行 = 2480 repeated, 分值 10, 执行率 76.5%, 得分 7.65: the rate cannot be 2480 ÷ 2480
    text = ("項目支出績效自評表\n項目資金(萬元)年初預算數全年預算數全年執行數分值執行率得分"
            "年度資金總額24802480248010 76.5%7.65\n")
    rec = record(tmp_path, text.replace("10 76.5%", "1076.5%"))
    spent = fact(rec, "budget", "spent")
    # the repeated amounts and 得分 = 10 × 76.5% confirm the reading; the rate contradicts the amounts
    assert Decimal(str(spent["value"])) == Decimal("24800000") and "各预算列同额" in spent["rule"]
    rates = [f for f in rec["findings"] if f["check"] == "ARITH-EXEC-RATE"]
    assert rates and rates[0]["severity"] == "error"


def test_a_self_contradicting_row_read_by_its_form_alone_gives_warnings(tmp_path):
    # 得分 8.6 fits neither the rate (10 × 76.5% = 7.65) nor the amounts: only the form says which is which
    text = ("項目支出績效自評表\n項目資金(萬元)年初預算數全年預算數全年執行數分值執行率得分"
            "年度資金總額2480248024801076.5%8.6\n")
    rec = record(tmp_path, text)
    spent = fact(rec, "budget", "spent")
    assert Decimal(str(spent["value"])) == Decimal("24800000") and spent["rule"].endswith(":uncertain")
    rates = [f for f in rec["findings"] if f["check"] == "ARITH-EXEC-RATE"]
    assert rates and rates[0]["severity"] == "warning"


def test_an_item_of_a_list_of_funds_is_not_the_budget(tmp_path):
    rec = record(tmp_path, "一、基本情况\n2022年财政预算我单位专项资金:免疫规划经费28.5万元、公共卫生监测经费12万元、健康教育经费6.3万元。\n")
    assert rec["budget"]["full_year"] is None


def test_a_loosely_read_amount_beside_a_labelled_initial_budget_is_not_the_full_year(tmp_path):
    rec = record(tmp_path, "2022年部门年初预算数2650.40万元，安排就业见习补助经费38.6万元，用于高校毕业生见习。\n")
    assert Decimal(str(fact(rec, "budget", "initial")["value"])) == Decimal("26504000")
    assert rec["budget"]["full_year"] is None


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("该项目年初预算安排资金42万元，实际到位资金42万元。", "initial", "420000"),
        ("预算执行率=实际支出/预算数×100%=27/30×100%=90%。", "execution_rate", "90"),
        ("截至12月底，全年资金支付进度为96.3%。", "execution_rate", "96.3"),
        ("年度预算资金：一般公共预算资金60万元；资金执行：58.2万元；预算执行率：97%。", "spent", "582000"),
        # money done, a budget set by the year's plan, money still unpaid
        ("实施农村公路提质改造工程32.5公里，完成总投资6880.5万元。", "spent", "68805000"),
        ("根据2023年度年初预算，安排地质灾害防治技术服务经费20万元。", "initial", "200000"),
        ("该项目资金实际执行43.65万元，尚余10.35万元未支付。", "balance", "103500"),
        ("全年资金支付1850万元，未支70万元，支付率96%。", "balance", "700000"),
        # a role word before 的 only qualifies the money; the whole of several funds' sizes; an information line
        ("2022年，我局共收到上级拨付的福利彩票公益金6万元，用于孤儿助学。", "received", "60000"),
        ("2023年度，我中心彩票公益金总规模521万元（包括中央、省级和市级彩票公益金）。", "full_year", "5210000"),
        ("项目投资：6万元", "full_year", "60000"),
    ],
)
def test_common_report_phrasings(tmp_path, text, field, value):
    rec = record(tmp_path, "一、项目基本情况\n" + text + "\n")
    assert Decimal(str(fact(rec, "budget", field)["value"])) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("按照自评指标体系，我局对该项目进行了打分，得分为93.5分。", "total", "93.5"),
        ("通过自评，该项目得92分，等级为“优”。", "total", "92"),
        ("项目绩效自评分为96分（优）。", "grade", "优"),
    ],
)
def test_common_score_phrasings(tmp_path, text, field, value):
    rec = record(tmp_path, "一、项目基本情况\n" + text + "\n")
    got = fact(rec, "score", field)["value"]
    assert (Decimal(str(got)) == Decimal(value)) if field == "total" else got == value


def test_a_funds_spending_is_outranked_by_the_total_spending(tmp_path):
    rec = record(tmp_path, "专项资金支出316.38万元，财政资金支出2419.45万元，总支出2939.83万元。\n")
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("29398300")


def test_indicator_rows_read_by_a_header_that_puts_the_weight_first(tmp_path):
    text = ("二级指标 | 三级指标 | 分值 | 年度指标值 | 全年实际值 | 得分 | 未完成原因及拟采取的改进措施 | |\n"
            "产 出 指 标 (50分) |\n"
            "数量指标 | 新建蔬菜大棚面积 | 20 | 12亩 | 12亩 | 20 | ||\n"
            "其中钢架大棚面积 | 8亩 | 8亩 | ||||\n"
            "补助养殖户数量 | 10 | 35户 | 33户 | 9 | ||\n"
            "质量指标 | ||||\n"
            "种苗成活率 | 5 | 95% | 97% | 5 | ||\n")
    rows = {i["name"]: i for i in record(tmp_path, text)["indicators"]}
    assert (rows["补助养殖户数量"]["target"]["text"], rows["补助养殖户数量"]["actual"]["text"]) == ("35户", "33户")
    assert Decimal(str(rows["补助养殖户数量"]["weight"]["value"])) == 10 and Decimal(str(rows["补助养殖户数量"]["score"]["value"])) == 9
    assert rows["种苗成活率"]["level1"] == "产出指标" and rows["新建蔬菜大棚面积"]["score"]["value"] == 20


def test_indicator_rows_one_cell_per_line_under_a_header_with_spaced_cells(tmp_path):
    cells = ["一级指标 |", "二级指标 |", "三级指标 |", "年度 指标值 |", "实际 完成值 |", "分值 |", "得分 |", "偏差原因分析及改进措施 |",
             "|||||", "产出指标 |", "数量指标 |", "培训人次 |", "300人次 |", "320人次 |", "20 |", "20 |", "|", "||||||",
             "群众知晓率 |", "90% |", "86% |", "10 |", "9 |", "|"]
    rows = {i["name"]: i for i in record(tmp_path, "\n".join(cells) + "\n")["indicators"]}
    assert rows["培训人次"]["actual"]["text"] == "320人次" and rows["群众知晓率"]["score"]["value"] == 9


@pytest.mark.parametrize(
    "ending",
    ["经综合评定，自评得分92分，等级为优。五、存在的问题和建议 无", "评价得分及绩效等级为(良)。五、存在的问题和建议 无"],
)
def test_no_problems_claimed_although_points_were_deducted(tmp_path, ending):
    rec = record(tmp_path, "一、项目基本情况\n2022年安排资金30万元，已支出30万元。\n" + ending + "\n")
    f = [f for f in rec["findings"] if f["check"] == "NARR-NO-PROBLEMS"]
    assert f and f[0]["severity"] == "warning"
    assert "被扣8分" in f[0]["message"] or "良" in f[0]["message"]


def test_no_problems_with_full_marks_is_quiet(tmp_path):
    rec = record(tmp_path, "一、项目基本情况\n经综合评定，自评得分100分，等级为优。五、存在的问题和建议 无\n")
    assert not [f for f in rec["findings"] if f["check"] == "NARR-NO-PROBLEMS"]


def test_the_forms_total_typed_into_the_funds_rows_weight_is_no_weight_slip(tmp_path):
    text = ("项目资金(万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分\n"
            "年度资金总额 | 50 | 50 | 45 | 100 | 90% | 96\n"
            "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分\n"
            "产出指标 | 数量指标 | 培训人次 | 300人次 | 320人次 | 30 | 30\n"
            "效益指标 | 社会效益指标 | 就业率 | 80% | 85% | 30 | 30\n"
            "满意度指标 | 服务对象满意度指标 | 学员满意度 | 90% | 95% | 30 | 30\n")
    rec = record(tmp_path, text)
    assert not [f for f in rec["findings"] if f["check"] == "ARITH-WEIGHT-100"]


def test_several_loosely_labelled_scores_give_no_total(tmp_path):
    text = ("一、评价结论\n甲镇项目自评得分93.5分，乙镇项目自评得分88分。\n\n各镇评价得分均已报县财政局备案。\n")
    assert record(tmp_path, text)["score"]["total"] is None


def test_one_loosely_labelled_score_is_the_total(tmp_path):
    assert Decimal(str(fact(record(tmp_path, "一、评价结论\n本项目自评得分93.5分。\n"), "score", "total")["value"])) == Decimal("93.5")


def test_figures_in_the_items_of_a_list_opened_by_以下_are_the_items(tmp_path):
    text = ("2021年共获得福彩公益金86.2万元，主要用于以下三个方面：\n\n"
            "1.老年福利类资金50.5万元，资金使用30.2万元。\n\n2.儿童福利类资金35.7万元，资金使用20.1万元。\n")
    rec = record(tmp_path, text)
    assert rec["budget"]["spent"] is None  # each item's spending is the item's


def test_the_report_opened_by_报告如下_is_no_list_of_parts(tmp_path):
    text = "现将自评情况报告如下：\n\n1、项目概况。本项目涉及资金42万元，用于设施运维。\n"
    assert Decimal(str(fact(record(tmp_path, text), "budget", "full_year")["value"])) == Decimal("420000")


def test_实际拨付_is_received_before_the_units_spending_and_spent_otherwise(tmp_path):
    rec = record(tmp_path, "本项目指标金额30万元，实际拨付金额30万元，实际支出28.5万元。\n")
    assert Decimal(str(fact(rec, "budget", "received")["value"])) == Decimal("300000")
    rec = record(tmp_path, "截至年底，实际拨付资金38.6万元，资金拨付率96.5%。\n", name="b.txt")
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("386000") and rec["budget"]["received"] is None


# -- a breakdown printed one item per line; a report heading of another year ---------------------------

LINE_LIST = """2023年度残疾人托养服务项目绩效自评表
残疾人托养服务补助资金(万元)
年度预算资金总额: 412.50
其中:中央补助 250.00
省级资金 120.00
县级资金(含上年结转结余) 41.50
其中:
"""


def test_breakdown_one_item_per_line_that_does_not_add_up(tmp_path):
    rec = record(tmp_path, LINE_LIST)
    found = findings(rec, "ARITH-SUBTOTAL")
    assert len(found) == 1
    f = found[0]
    # 250.00 + 120.00 + 41.50 = 411.50 ≠ 412.50, in 万元 by the heading above the list
    assert Decimal(str(f["expected"])) == Decimal("4115000") and Decimal(str(f["stated"])) == Decimal("4125000")
    assert [e["quote"] for e in f["evidence"]] == ["412.50", "250.00", "120.00", "41.50"]


def test_breakdown_one_item_per_line_that_adds_up_or_has_no_unit(tmp_path):
    assert not findings(record(tmp_path, LINE_LIST.replace("412.50", "411.50")), "ARITH-SUBTOTAL")
    # without a unit anywhere the figures may be counts: nothing is said
    assert not findings(record(tmp_path, LINE_LIST.replace("(万元)", "")), "ARITH-SUBTOTAL")


def test_report_heading_of_another_year_glued_into_the_first_paragraph(tmp_path):
    text = (
        "2021年度老年人健康服务项目绩效自评报告.docx\n"
        "《2021年度老年人健康服务项目绩效自评报告.docx》由会员分享,可在线阅读,更多相关《2021年度老年人健康服务项目绩效自评报告.docx》请在文库网上搜索。\n"
        "1、2022年度老年人健康服务项目绩效评价报告一、项目基本情况(一)项目概况。项目由县卫生健康局负责实施,"
        "为辖区65岁以上老年人提供健康体检和随访服务,覆盖全县各乡镇卫生院。\n"
    )
    rec = record(tmp_path, text)
    assert rec["meta"]["year"] is None
    found = findings(rec, "META-YEAR-CONFLICT")
    assert len(found) == 1 and found[0]["stated"]["title"] == 2021 and 2022 in found[0]["stated"]["captions"]


def test_the_reports_own_graded_scores_rule_out_a_band_scheme(tmp_path):
    # 81分 graded 良好 elsewhere in the report: the 80/70/60 scheme (81 → 优) is not the report's, so 85.6
    # claimed 优 contradicts the 90/80/60 bands it does use
    text = (
        "2020年度农村危房改造项目绩效评价报告\n"
        "各县区评价结果：甲县得分90分，优秀；乙区得分81分，良好。\n"
        "经综合评价，本项目绩效评价整体得分85.6分，评价等次为“优秀”。\n"
    )
    rec = record(tmp_path, text)
    found = findings(rec, "GRADE-BAND")
    assert len(found) == 1 and found[0]["expected"] == "良" and found[0]["stated"] == "优"
    # without the other graded scores, a fitting regional scheme (优 ≥ 80) may explain the claim: a warning
    # that names both schemes
    alone = record(tmp_path, text.replace("各县区评价结果：甲县得分90分，优秀；乙区得分81分，良好。\n", ""))
    assert [f["severity"] for f in findings(alone, "GRADE-BAND")] == ["warning"]
    assert "部分系统部署" in findings(alone, "GRADE-BAND")[0]["message"]
    assert "部分系统部署" not in found[0]["message"]


def test_funds_score_against_the_printed_rate_when_the_amounts_are_read_by_the_form(tmp_path):
    # 年初 = 全年 = 执行 = 35550 repeated (their ratio, 100%, contradicts the printed 82.12%): the amounts
    # are the form's guess, so the score is held to 分值 × the printed rate: 10 × 82.12% = 8.21 < 8.5
    text = "2020年度项目支出绩效自评表\n项目资金（万元）年初预算数全年预算数全年执行数分值执行率得分\n年度资金总额3555035550355501082.12%8.5\n"
    rec = record(tmp_path, text)
    found = findings(rec, "SCORE-EXEC")
    assert len(found) == 1
    assert Decimal(str(found[0]["expected"])) == Decimal("8.21") and Decimal(str(found[0]["stated"])) == Decimal("8.5")


# -- sums stated in prose, in the ways reports open a breakdown ----------------------------------------------

_HEAD = "2022年度农村饮水安全项目绩效自评报告\n一、项目基本情况\n"


@pytest.mark.parametrize(
    "sentence",
    [
        "项目共投入资金530.40万元，其中中央资金210.12万元、省级资金96.30万元、县级资金230.00万元。",
        "项目总投资530.40万元（中央资金210.12万元，省级资金96.30万元，县级资金230.00万元）。",
        "中央资金210.12万元，省级资金96.30万元，县级资金230.00万元，合计530.40万元。",
        "项目资金530.40万元，资金来源分别为中央210.12万元、省级96.30万元、县级230.00万元。",
        "项目资金530.40万元，包括中央资金210.12万元、省级资金96.30万元和县级资金230.00万元。",
        "项目总预算530.40万元，由中央资金210.12万元、省级资金96.30万元、县级资金230.00万元组成。",
        "共下达资金530.40万元。\n其中：中央资金210.12万元；\n省级资金96.30万元；\n县级资金230.00万元。",
        "全年实际支出530.40万元，其中人员经费210.12万元，公用经费96.30万元，项目支出230.00万元。",
    ],
)
def test_a_breakdown_that_does_not_add_up_in_every_opening(tmp_path, sentence):
    # 210.12 + 96.30 + 230.00 = 536.42, not 530.40
    rec = record(tmp_path, _HEAD + sentence + "\n")
    found = findings(rec, "ARITH-SUBTOTAL")
    assert len(found) == 1
    assert Decimal(str(found[0]["expected"])) == Decimal("5364200") and Decimal(str(found[0]["stated"])) == Decimal("5304000")


def test_a_spending_category_in_a_breakdown_is_no_budget(tmp_path):
    rec = record(tmp_path, _HEAD + "全年实际支出530.40万元，其中人员经费210.12万元，公用经费96.30万元，项目支出224.00万元。\n")
    assert rec["budget"]["full_year"] is None  # "公用经费96.30万元" was read as the budget
    assert not findings(rec, "ARITH-SUBTOTAL") and not findings(rec, "BUDGET-OVERSPEND")


def test_dimension_scores_of_the_whole_framework_against_the_total(tmp_path):
    # no weights printed, but 决策/过程/产出/效益 are the whole framework: 15 + 18 + 38 + 20 = 91, not 92
    rec = record(tmp_path, _HEAD + "项目自评得分92分，其中决策15分、过程18分、产出38分、效益20分。\n")
    found = findings(rec, "ARITH-TOTAL")
    assert len(found) == 1 and Decimal(str(found[0]["expected"])) == Decimal("91")
    # far short of the total (a dimension not scored in the text): nothing said
    rec = record(tmp_path, _HEAD + "项目自评得分92分，其中决策15分、过程18分、产出30分、效益20分。\n")
    assert not findings(rec, "ARITH-TOTAL")


def test_a_grade_only_a_deployments_bands_give_is_a_warning(tmp_path):
    # 85 is 良 in the usual 90/80/60 bands and 优 only in the 80/70/60 one some systems deploy
    rec = record(tmp_path, _HEAD + "经综合评价，项目自评得分85分，评价等级为优。\n")
    found = findings(rec, "GRADE-BAND")
    assert len(found) == 1 and found[0]["severity"] == "warning" and found[0]["expected"] == "良"
    assert "80" in found[0]["message"] and "90" in found[0]["message"]
    # the report's own scheme settles it: an error
    rec = record(tmp_path, _HEAD + "评价等级标准：90分以上为优，80-90分为良，60-80分为中，60分以下为差。项目自评得分85分，评价等级为优。\n")
    assert [f["severity"] for f in findings(rec, "GRADE-BAND")] == ["error"]
    # 92 is 优 in every scheme
    assert not findings(record(tmp_path, _HEAD + "项目自评得分92分，评价等级为优。\n"), "GRADE-BAND")


def test_the_amount_under_the_arrival_heading_is_what_arrived(tmp_path):
    # the template's "1.项目资金到位情况分析" reports the arrival, whatever verb its sentence uses
    text = (
        "2023年度农机购置补贴项目绩效自评报告\n二、绩效目标完成情况分析\n（一）资金投入情况分析\n1.项目资金到位情况分析\n"
        "2023年度省级拨付我区农机购置补贴资金48万元，中央拨付20万元，上年度结余资金5.5万元，共计73.5万元。\n"
        "2.项目资金执行情况分析\n全年实际使用补贴资金70.2万元。\n"
    )
    rec = record(tmp_path, text)
    received = fact(rec, "budget", "received")
    assert received["value"] == 735000 and received["rule"] == "fields:received:arrival-section:uncertain"
    assert fact(rec, "budget", "spent")["value"] == 702000
    # without the heading the same sentence states a budget only
    rec = record(tmp_path, text.replace("1.项目资金到位情况分析\n", ""))
    assert rec["budget"]["received"] is None


# -- the transfer-payment form: funds split by source, the 执行准确性 row ---------------------------------

TRANSFER = """2023年度中央转移支付区域绩效自评表
转移支付(项目)名称 | 乡镇文化站设备购置项目 | |
资金投入情况(万元) |
全年预算数(A) | 全年执行数(B) | 预算执行率(B/A×100%) |
年度资金总额: | 500 | {total_spent} | {rate} |
其中:中央财政资金 | 500 | {part_spent} | {rate} |
地方财政资金 | | | |
其他资金 | | | |
资金管理情况 | 情况说明 |
执行准确性 | 不存在执行数偏离预算数较多的问题 |
"""


def transfer(tmp_path: Path, total_spent: str, part_spent: str, rate: str) -> dict:
    return record(tmp_path, TRANSFER.format(total_spent=total_spent, part_spent=part_spent, rate=rate))


def test_source_rows_of_the_transfer_form_are_parts_and_the_blank_ones_are_kept(tmp_path):
    rec = transfer(tmp_path, "480.5", "480.5", "96.1%")
    rows = [(r["kind"], r["row"], r["cells"].get("spent", {}) and r["cells"]["spent"]["value"]) for r in rec["budget_table"]]
    assert rows == [("total", "年度资金总额:", 4805000), ("part", "其中:中央财政资金", 4805000), ("part", "地方财政资金", {}), ("part", "其他资金", {})]
    # the header's formula "B/A×100%" is no rate of 100%: the rate read is the row's, and nothing differs
    rate = fact(rec, "budget", "execution_rate")
    assert Decimal(str(rate["value"])) == Decimal("96.1") and all(Decimal(str(m["value"])) == Decimal("96.1") for m in rate["mentions"])
    assert findings(rec, "NARR-AMOUNTS") == [] and findings(rec, "ARITH-FUND-ROWS") == []


def test_total_against_its_only_filled_source_row(tmp_path):
    [f] = findings(transfer(tmp_path, "288.97", "288.9", "57.79%"), "ARITH-FUND-ROWS")
    # the blank rows may be a figure left out: a warning, naming the one row and the two blank ones
    assert f["severity"] == "warning" and "“中央财政资金”行填列，为288.9万元，其余2行空白，相差0.07万元" in f["message"]
    assert Decimal(str(f["expected"])) == Decimal("2889000") and Decimal(str(f["stated"])) == Decimal("2889700")
    # a source above the total is wrong whatever the blank rows hold
    [f] = findings(transfer(tmp_path, "288.9", "298.9", "57.78%"), "ARITH-FUND-ROWS")
    assert f["severity"] == "error" and "组成部分大于总额10万元" in f["message"]


def test_the_forms_execution_accuracy_row_against_a_low_rate(tmp_path):
    [f] = findings(transfer(tmp_path, "288.9", "288.9", "57.78%"), "NARR-OVERCLAIM-WORDS")
    assert "不存在执行数偏离预算数较多的问题" in f["message"] and "57.78%" in f["message"]
    assert findings(transfer(tmp_path, "480.5", "480.5", "96.1%"), "NARR-OVERCLAIM-WORDS") == []


def test_a_part_row_with_its_scored_columns_left_blank_keeps_its_amounts_in_order(tmp_path):
    rec = record(tmp_path, """2020年度项目支出绩效自评表
项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分
年度资金总额 120.50 130.00 117.00 10 90% 9.00
其中：当年财政拨款 120.50 130.00 117.00 — —
上年结转资金 — —
""")
    part = next(r for r in rec["budget_table"] if r["row"].startswith("其中"))
    assert {c: v["value"] for c, v in part["cells"].items() if v} == {"initial": 1205000, "full_year": 1300000, "spent": 1170000}
    assert [f for f in rec["findings"] if f["check"] == "ARITH-FUND-ROWS"] == []


def test_the_last_heading_of_a_header_row_takes_no_figure_from_the_row_below(tmp_path):
    # "… | 自评得分 |" ends the header; the "1" below it is the first row's 序号, not a total score of 1
    rec = record(tmp_path, """2023年度部门整体支出绩效评价自评表
序号 | 一级指标 | 二级指标 | 指标分值 | 评分标准 | 自评得分 |
1 | 规划 | 工作计划 | 6 | 计划完整得满分 | 6 |
""")
    assert rec["score"]["total"] is None


def test_a_weight_glued_to_its_rate_is_no_execution_rate(tmp_path):
    rec = record(tmp_path, "部门整体支出绩效评价指标表\n资金执行15 预算完成率4100%得满分，每降低3%扣1分。\n")
    assert rec["budget"]["execution_rate"] is None


def test_a_rate_of_another_stated_budget_is_a_denominator_question_not_a_wrong_rate(tmp_path):
    # income budget, adjusted income, expenditure budget: the rate is of the last, which no 全年/年初 names
    rec = record(tmp_path, """某县民政局2021年度部门整体支出绩效自评报告
一、基本情况
2021年初本局收入预算为800.00万元，经调整，全年预算安排收入为950.00万元。2021年度批复支出预算1000.00万元，实际执行支出预算900.00万元，部门整体预算执行率为90.00%。
""")
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("9000000")
    # the 年初 income budget is the record's; the others stay listed for the denominator question
    assert Decimal(str(fact(rec, "budget", "initial")["value"])) == Decimal("8000000") and rec["budget"]["full_year"] is None
    assert {(b["field"], Decimal(str(b["value"]))) for b in rec["stated_budgets"]} >= {("budget.stated", Decimal("10000000"))}
    assert findings(rec, "ARITH-EXEC-RATE") == []
    [f] = findings(rec, "BUDGET-DENOMINATOR")
    assert f["severity"] == "warning" and "“预算1000.00万元”" in f["message"] and Decimal(str(f["facts"]["other_budget"])) == Decimal("10000000")
    assert findings(rec, "BUDGET-OVERSPEND") == []  # 900 is within the expenditure budget of 1000
    # a budget the report names as 全年预算数 is held to: the same rate against it is an error
    rec = record(tmp_path, "某县民政局2021年度项目支出绩效自评报告\n全年预算数800.00万元，另批复支出预算1000.00万元，全年执行数900.00万元，预算执行率为90.00%。\n")
    assert [f["severity"] for f in findings(rec, "ARITH-EXEC-RATE")] == ["error"]


# a transfer-payment form flattened: the 合计 breakdown, then each fund's with the same lines
PARALLEL = """2023年度计划生育转移支付项目绩效自评表
转移支付资金合计(万元) 年度预算资金总额: 900.50
其中:中央补助 600.00
市级资金 250.00
本级资金(包括结转结余) 50.50
奖励扶助补助资金(万元)
年度预算资金总额: 620.00
其中:中央补助 420.00
市级资金 170.00
本级资金(包括结转结余) 30.00
特别扶助补助资金(万元)
年度预算资金总额: 280.50
其中:中央补助 180.00
市级资金 81.00
本级资金(包括结转结余) 20.50
"""


def test_a_total_breakdown_against_the_same_lines_of_each_fund(tmp_path):
    found = findings(record(tmp_path, PARALLEL), "ARITH-SUBTOTAL")
    # 170.00 + 81.00 = 251.00 ≠ 250.00 on the 市级资金 line; the totals (620.00 + 280.50) and the other
    # lines add up. The 特别扶助 breakdown itself is off by the same 1.00 (180 + 81 + 20.5 = 281.5).
    assert len(found) == 2
    [f] = [f for f in found if "一行合计为" in f["message"]]
    assert Decimal(str(f["stated"])) == Decimal("2500000") and Decimal(str(f["expected"])) == Decimal("2510000")
    assert [e["quote"] for e in f["evidence"]] == ["250.00", "170.00", "81.00"]
    assert f["evidence"][0]["block"] < f["evidence"][1]["block"] < f["evidence"][2]["block"]


def test_parallel_breakdowns_that_add_up_say_nothing(tmp_path):
    text = PARALLEL.replace("市级资金 81.00", "市级资金 80.00")
    assert not findings(record(tmp_path, text), "ARITH-SUBTOTAL")


ITEM_TABLE = """2022年度农村饮水工程项目绩效自评报告
项目\t预算数（万元）\t执行数（万元）\t执行率
甲村供水工程\t120.00\t110.00\t91.67%
乙村供水工程\t80.00\t75.00\t93.75%
合计\t200.00\t185.00\t92.50%
"""


def test_a_tables_total_row_against_its_rows(tmp_path):
    assert not findings(record(tmp_path, ITEM_TABLE), "ARITH-SUBTOTAL")  # it adds up
    [f] = findings(record(tmp_path, ITEM_TABLE.replace("合计\t200.00\t185.00", "合计\t200.00\t195.00")), "ARITH-SUBTOTAL")
    # 110.00 + 75.00 = 185.00 ≠ 195.00 in the 执行数 column; the rates' column is no sum
    assert Decimal(str(f["stated"])) == Decimal("1950000") and Decimal(str(f["expected"])) == Decimal("1850000")
    assert [e["quote"] for e in f["evidence"]] == ["195.00", "110.00", "75.00"]
    assert "执行数" in f["message"]


def test_a_table_with_nested_sums_or_source_rows_is_left_to_other_checks(tmp_path):
    nested = ITEM_TABLE.replace("乙村供水工程\t80.00\t75.00\t93.75%\n", "乙村供水工程\t80.00\t75.00\t93.75%\n小计\t200.00\t185.00\t92.50%\n")
    assert not findings(record(tmp_path, nested.replace("合计\t200.00\t185.00", "合计\t200.00\t195.00")), "ARITH-SUBTOTAL")
    sources = ITEM_TABLE.replace("甲村供水工程", "中央资金").replace("乙村供水工程", "县级资金").replace("合计\t200.00\t185.00", "合计\t200.00\t195.00")
    assert not [f for f in findings(record(tmp_path, sources), "ARITH-SUBTOTAL") if "一栏合计" in f["message"]]


# -- lists, their totals and their nested breakdowns (sixth collection round) ------------------------------


def test_the_clause_that_closes_a_listed_breakdown_with_its_total_is_the_budget(tmp_path):
    text = (
        "2021年度农村污水治理项目支出绩效自评报告\n一、基本情况\n"
        "按照奖补办法分两批下达资金计划，具体为：《关于下达第一批补助资金的通知》（某财综〔2021〕12号），"
        "《关于下达第二批补助资金的通知》（某财综〔2021〕30号），共计下达彩票公益金3600万元。\n"
    )
    budget = fact(record(tmp_path, text), "budget", "full_year")
    assert Decimal(str(budget["value"])) == Decimal("36000000") and budget["text"] == "下达彩票公益金3600万元"
    # an item of such a list that states its own 共 is still an item, not the report's budget
    items = "2021年度农村污水治理项目支出绩效自评报告\n资金到位情况如下：甲镇共到位资金120万元，乙镇共到位资金80万元。\n"
    assert record(tmp_path, items)["budget"]["received"] is None


def test_an_economic_categorys_spending_is_never_the_spending(tmp_path):
    text = (
        "某县文化馆2023年部门整体支出绩效自评报告\n（三）部门整体收支情况\n"
        "2023年收入1250000.00元，其中财政拨款收入1200000.00元，其他收入50000.00元。\n"
        "基本支出812000.40元，其中工资福利支出790000.00元；商品和服务支出22000.40元，主要用于办公费。\n"
        "其他资本性支出8.02万元。\n"
    )
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "budget", "received")["value"])) == Decimal("1250000.00")
    assert rec["budget"]["spent"] is None


def test_a_parts_own_breakdown_after_it_is_not_read_as_more_parts_of_the_total(tmp_path):
    text = (
        "某局2022年部门整体支出绩效自评报告\n二、部门整体支出情况\n"
        "2022年局机关总支出决算数为3100.50万元，其中基本支出决算数为2100.30万元，包含工资福利支出1500.10万元；"
        "商品和服务支出400.20万元；对个人和家庭的补助150.00万元；其他资本性支出50.00万元。\n"
    )
    assert findings(record(tmp_path, text), "ARITH-SUBTOTAL") == []
    # without the nested opening the four categories are siblings of 基本支出 and the sum exceeds the total
    flat = text.replace("，包含工资福利支出", "、工资福利支出")
    assert [f["severity"] for f in findings(record(tmp_path, flat), "ARITH-SUBTOTAL")] == ["warning"]
    # the nested breakdown is checked against its own whole: 1500.10+400.20+150.00+0.00 = 2050.30, not 2100.30
    short = record(tmp_path, text.replace("其他资本性支出50.00万元", "其他资本性支出0.00万元"))
    (found,) = findings(short, "ARITH-SUBTOTAL")
    assert Decimal(str(found["expected"])) == Decimal("20503000") and Decimal(str(found["stated"])) == Decimal("21003000")


def test_a_label_cell_that_names_the_project_as_the_figures_owner(tmp_path):
    # one cell per line, as document sites print an evaluation report's 摘要 table; two labels left empty
    text = "某污水处理站运营项目绩效评价报告书\n摘要\n投资总额\n260万元\n财政专项资金\n实际到位金额\n项目实际支出金额\n231万元\n支出项目概况\n"
    rec = record(tmp_path, text)
    spent = fact(rec, "budget", "spent")
    assert Decimal(str(spent["value"])) == Decimal("2310000") and spent["rule"] == "fields:budget.spent:cell"
    assert spent["evidence"]["quote"] == "231万元"
    assert Decimal(str(fact(rec, "budget", "full_year")["value"])) == Decimal("2600000")


def test_numbered_fund_lines_with_their_own_money_are_sub_projects(tmp_path):
    # each numbered line names a fund with its amount right after and what of it arrived and was used: the
    # lines are the fund's parts, the budget is the one approved for the whole
    text = (
        "2019年城市照明专项资金绩效自评报告\n一、项目概况\n"
        "2019年市财政批复城市照明维护费3200万元，后调剂出井盖管控资金20万元。\n"
        "1. 城市照明维护费预算安排资金3180万元，项目实际到位资金共3180万元，项目实际使用资金共3180万元。\n"
        "2.井盖管控资金20万元，项目实际到位资金共20万元，项目实际使用资金共20万元。\n"
    )
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "budget", "full_year")["value"])) == Decimal("32000000")
    assert rec["budget"]["received"] is None and rec["budget"]["spent"] is None
    assert [p["project"] for p in rec["other_projects"]] == ["城市照明维护费预算安排资金", "井盖管控资金"]
    assert findings(rec, "NARR-AMOUNTS") == []
    # one project's numbered sections are no sub-projects: "2.项目资金使用情况。…" names no fund with its amount
    one = (
        "2019年城市照明专项资金绩效自评报告\n1.项目资金到位情况。年初预算3200万元，实际到位资金3200万元。\n"
        "2.项目资金使用情况。全年预算3200万元，实际支出3100万元，预算执行率96.88%。\n"
    )
    rec = record(tmp_path, one)
    assert rec["other_projects"] == [] and Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("31000000")


def test_a_departments_budget_execution_dimension_is_not_the_funds_rows_formula(tmp_path):
    # a 部门整体 framework's 预算执行 (30 points) gathers several indicators: its score is no 30 × 执行率
    text = (
        "某县民政局2023年度部门整体支出绩效自评报告\n（二）部门预决算情况\n"
        "2023年度年初预算收入1200.00万元，全年预算调整为1350.00万元。2023年度全年支出1296.00万元，预算执行率96.00%。\n"
        "经自评，本部门整体支出绩效自评得分93.5分，等级为优。其中：预算编制（20分）得18.5分，预算执行（30分）得29分，"
        "绩效管理（20分）得18分，履职效能（30分）得28分。\n"
    )
    rec = record(tmp_path, text)
    assert "dept-overall" in rec["profiles"]
    assert findings(rec, "SCORE-EXEC") == []
    # the same score on a project's 自评表 funds row is held to 分值 × 执行率
    table = ("2023年度项目支出绩效自评表\n| 项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
             "| 年度资金总额 | 1200 | 1350 | 1296 | 10 | 96% | 10 |\n")
    assert [f["severity"] for f in findings(record(tmp_path, table), "SCORE-EXEC")] == ["error"]


def test_an_evaluation_report_states_its_object_amount_before_the_verb(tmp_path):
    # a third-party report names what it evaluated, amount first: that amount is the project's budget
    text = (
        "某区城市排水管网运营项目绩效评价报告\n"
        "受区财政局委托，评价组对2023年度城市排水管网运营项目资金1250.50万元的使用和管理情况开展了绩效评价。\n"
        "截至2023年12月31日，项目实际支出1180.20万元。\n"
    )
    rec = record(tmp_path, text)
    budget = fact(rec, "budget", "full_year")
    assert Decimal(str(budget["value"])) == Decimal("12505000")
    assert budget["rule"] == "fields:budget.stated:after"
    assert budget["evidence"]["quote"].startswith("1250.50万元")


def test_the_first_of_a_list_of_funds_is_an_item_not_the_budget(tmp_path):
    # a verb's loose reading of the first fund of a list ("安排…经费40万元、…经费25万元、…") is one item: with no
    # total stated, the report states no budget of its own
    text = (
        "某县政协办公室2023年度项目支出绩效自评报告\n"
        "根据县委有关文件，每年安排委员视察调研经费40万元、委员培训经费25万元、文史资料编印经费12万元。\n"
        "项目按计划实施，委员满意度较高。\n"
    )
    rec = record(tmp_path, text)
    assert rec["budget"]["full_year"] is None and rec["budget"]["initial"] is None
    # a list of different figures is no list of funds: the budget is read
    other = "某县政协办公室2023年度项目支出绩效自评报告\n全年安排资金40万元、实际支出资金38.5万元，执行率96.25%。\n"
    assert Decimal(str(fact(record(tmp_path, other), "budget", "full_year")["value"])) == Decimal("400000")


def test_an_items_number_is_never_an_amount(tmp_path):
    # "下达情况1、…" is a heading and the number of its first item; the amount is in the item
    text = (
        "某镇2023年度雨露计划补助资金绩效自评报告\n一、绩效目标分解下达情况1、财政专项资金下达情况。"
        "2023年10月，收到县乡村振兴局拨付的雨露计划补助资金0.45万元，已全部发放到户。\n"
    )
    rec = record(tmp_path, text)
    assert rec["budget"]["full_year"] is None
    assert Decimal(str(fact(rec, "budget", "received")["value"])) == Decimal("4500")


def test_a_works_total_investment_is_the_budget_when_the_sums_handed_down_add_up_to_it(tmp_path):
    text = (
        "2022年度高标准农田建设项目绩效评价报告\n建设高标准农田3200亩，工程总投资1460万元。\n"
        "县财政于2022年3月下达1400万元，9月又下达60万元。截至年底实际支出1211.8万元。\n"
    )
    rec = record(tmp_path, text)
    budget = fact(rec, "budget", "full_year")
    assert Decimal(str(budget["value"])) == Decimal("14600000") and budget["rule"].endswith(":whole-sum")


def test_the_department_accounts_paragraph_per_project_is_a_sub_project(tmp_path):
    # the 部门决算 disclosure reports each project in its own paragraph ("X项目绩效目标完成情况综述。项目全年
    # 预算数…"), its number sometimes on the line before: the projects' figures are not the department's
    text = (
        "某县档案馆2022年度部门整体支出绩效自评报告\n本部门在2022年度部门决算中反映3个项目绩效目标实际完成情况。\n(1)\n"
        "档案数字化项目绩效目标完成情况综述。项目全年预算数12.5万元，执行数为12.5万元，完成预算的100%。\n"
        "(2)档案库房维护项目绩效目标完成情况综述。项目全年预算数6万元，执行数为5.4万元，完成预算的90%。\n"
        "(3)档案征集项目绩效目标完成情况综述。项目全年预算数3万元，执行数为3万元，完成预算的100%。\n"
    )
    rec = record(tmp_path, text)
    assert rec["budget"]["full_year"] is None and rec["budget"]["spent"] is None
    assert [p["project"] for p in rec["other_projects"]] == ["档案数字化", "档案库房维护", "档案征集"]


def test_an_investment_estimate_and_a_bond_stated_as_all_arrived_and_all_used(tmp_path):
    text = (
        "某县教育局2024年度幼儿园建设专项债券项目绩效自评报告\n该项目估算总投资3260万元。\n"
        "债券资金使用情况：2024年3月发行专项债券1500万元，全部已到位，全部已使用。\n"
    )
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "budget", "full_year")["value"])) == Decimal("32600000")
    assert Decimal(str(fact(rec, "budget", "received")["value"])) == Decimal("15000000")
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("15000000")
    # the rate the report never states, computed on a loosely read estimate, asks for no reason
    assert findings(rec, "BUDGET-LOW-EXEC-REASON") == []
    assert rec["meta"]["kind"] == "self-report"


@pytest.mark.parametrize(
    ("sentence", "total", "grade"),
    [
        ("项目绩效评价总分值100分，实际得分89分，等级为良。", "89", "良"),
        ("总分：100分 得分：91.5分 等级：优", "91.5", "优"),
        ("项目自评得分92分，绩效评价等级为A级（优秀）。", "92", "优"),
        ("经自评，该项目得分84分，达到良好等级。", "84", "良"),
        ("总分100分95.5分 自评等级 优", "95.5", "优"),
    ],
)
def test_a_score_after_its_scale_and_grades_by_letter_or_reached(tmp_path, sentence, total, grade):
    rec = record(tmp_path, "2023年度农村饮水安全项目绩效自评报告\n二、绩效自评结论\n" + sentence + "\n")
    assert Decimal(str(fact(rec, "score", "total")["value"])) == Decimal(total)
    assert fact(rec, "score", "grade")["value"] == grade


@pytest.mark.parametrize("body", ["项目总得分：93.5分（总分100分）。", "综合得分（100分）\n93.5\n"])
def test_the_scale_in_brackets_beside_a_total_is_no_second_total(tmp_path, body):
    # "（总分100分）" after a score and "综合得分（100分）" before one print the scale, not another total: no
    # GRADE-TEXT-TOTAL (it was an error for the first)
    rec = record(tmp_path, "2023年度农村饮水安全项目支出绩效自评报告\n" + body + "\n")
    assert Decimal(str(fact(rec, "score", "total")["value"])) == Decimal("93.5")
    assert findings(rec, "GRADE-TEXT-TOTAL") == []


def test_the_three_public_funds_and_economic_categories_state_no_budget_of_the_report(tmp_path):
    # every 部门决算 has a paragraph on the “三公” funds: their budget and spending are a category's
    text = (
        "某县审计局2023年度部门整体支出绩效自评报告\n"
        "2023年“三公”经费预算15.6万元，实际支出12.3万元，比预算减少3.3万元，下降21.15%。\n"
        "2023年基本支出预算420万元，实际支出415.6万元。\n"
        "2023年度部门预算收入总计860.5万元，全年支出842.3万元，预算执行率97.88%。\n"
    )
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("8423000")
    assert Decimal(str(fact(rec, "budget", "execution_rate")["value"])) == Decimal("97.88")
    quotes = [m["text"] for f in ("full_year", "initial", "spent") for m in ((rec["budget"][f] or {}).get("mentions") or [])]
    assert not any("12.3" in q or "15.6" in q or "415.6" in q or "420" in q for q in quotes)
    assert findings(rec, "BUDGET-LOW-EXEC-REASON") == []


def test_a_finance_bureaus_verified_allocation_is_what_arrived(tmp_path):
    text = (
        "关于区农业农村局2023年度农机购置补贴资金的重点绩效评价结果\n"
        "2023年区财政预算安排800.00万元。根据区农业农村局申请实际核拨960.50万元，区农业农村局实际支出960.50万元。\n"
    )
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "budget", "received")["value"])) == Decimal("9605000")
    # spending what arrived is no shortfall: more than the budget arrived, which is a note, not a warning
    assert [f["severity"] for f in findings(rec, "BUDGET-ARRIVAL")] == ["info"]
    assert [f["severity"] for f in findings(rec, "BUDGET-OVERSPEND")] == ["info"]


def test_the_last_row_of_an_evaluations_conclusion_table_is_its_total(tmp_path):
    text = (
        "某省农村污水治理示范项目绩效评价报告\n绩效评价结果\n"
        "评价准则 分值 实际得分 目标完成程度 (80%) 80分 70分 组织管理水平 (20%) 20分 17分 综合绩效 100分 87分\n"
    )
    total = fact(record(tmp_path, text), "score", "total")
    assert Decimal(str(total["value"])) == 87 and total["evidence"]["quote"] == "87分"


def test_a_title_that_names_its_project_in_brackets_after_a_breadcrumb(tmp_path):
    text = (
        "当前位置:首页 > 政务公开 > 财政资金 > 专项资金\n"
        "2024年度市级预算项目绩效自评报告(农产品质量安全检测专项经费)\n"
        "发布时间:2025-05-12 15:42 信息来源:某市农业农村局\n一、项目基本情况\n"
        "联合市财政局下达2023年度检测补助经费80万元，用于补助检测机构。\n"
    )
    meta = record(tmp_path, text)["meta"]
    assert meta["title"] == "2024年度市级预算项目绩效自评报告(农产品质量安全检测专项经费)"
    assert meta["year"] == 2024


def test_rows_printed_as_sentences_with_the_unit_after_the_name(tmp_path):
    # "1)NAME(项),目标值4,完成值24,分值10,得分10。": the unit in brackets is the figures'; a sixfold actual
    # scored in full with no reason is an overcompletion the report states
    text = (
        "2024年度市级预算项目绩效自评报告(标准化专项补助经费)\n二、绩效分析\n"
        "本项目绩效自评得分100分,等级为优。\n(一)产出指标\n1、数量指标\n"
        "1)主导制修订地方标准项目数量(项),目标值3,完成值3,分值10,得分10。\n"
        "2)奖励标准化示范企业(家),目标值4,完成值24,分值10,得分10。\n"
    )
    rec = record(tmp_path, text)
    rows = {i["name"]: i for i in rec["indicators"]}
    row = rows["奖励标准化示范企业"]
    assert (row["target"]["text"], row["actual"]["text"]) == ("4家", "24家")
    assert (row["weight"]["value"], row["score"]["value"]) == (10, 10)
    assert row["rule"] == "indicators:unit-then-values"
    over = findings(rec, "SCORE-OVERCOMPLETION")
    assert len(over) == 1 and "奖励标准化示范企业" in over[0]["message"] and "600%" in over[0]["message"]


def test_a_fund_the_project_draws_on_is_not_what_it_spent(tmp_path):
    # "使用中央奖补资金…万元" names the money the project uses as its source; its spending is stated apart
    text = (
        "某县2023年度农业产业强镇项目绩效自评报告\n一、项目概况\n"
        "本项目使用2023年中央农业产业发展资金（第二批）800万元，用于建设冷链仓储设施。\n"
    )
    rec = record(tmp_path, text)
    assert rec["budget"]["spent"] is None
    spent = "某县2023年度农业产业强镇项目绩效自评报告\n截至年底，项目共使用资金760万元，主要用于设备购置。\n"
    assert Decimal(str(fact(record(tmp_path, spent), "budget", "spent")["value"])) == Decimal("7600000")


def test_words_after_a_breakdowns_last_part_are_the_wholes(tmp_path):
    # "…其中中央资金100万元，县级配套50万元，已全部拨付到位": the last part is not what was spent
    text = "2023年度农村饮水安全项目绩效自评报告\n项目资金总额为150万元，其中中央资金100万元，县级配套50万元，已全部拨付到位。\n"
    rec = record(tmp_path, text)
    assert rec["budget"]["spent"] is None
    assert findings(rec, "BUDGET-LOW-EXEC-REASON") == []


def test_a_rate_as_a_share_of_a_budget_whose_amount_it_prints(tmp_path):
    text = "2023年度农村饮水安全项目绩效自评报告\n本年预算执行数为235.6万元，占全年预算数240万元的98.17%。\n"
    rate = fact(record(tmp_path, text), "budget", "execution_rate")
    assert Decimal(str(rate["value"])) == Decimal("98.17") and rate["evidence"]["quote"] == "占全年预算数240万元的98.17%"


def test_a_total_right_after_the_rate_is_not_the_rates_score(tmp_path):
    # "预算执行率为62%，自评得分95分": 自评得分 is the report's total, not the 预算执行率 row's score (it gave a
    # false SCORE-EXEC error: 95 points against 10 × 62%)
    text = "2023年度农村饮水安全项目支出绩效自评报告\n项目预算执行率为62%，自评得分95分，自评等级为优。\n"
    rec = record(tmp_path, text)
    assert rec["score"]["dimensions"] == []
    assert Decimal(str(fact(rec, "score", "total")["value"])) == 95
    assert findings(rec, "SCORE-EXEC") == []


def test_a_dimensions_points_right_after_its_name_then_its_score(tmp_path):
    text = "2023年度农村饮水安全项目绩效自评报告\n其中产出指标40分，得38分；效益指标30分，得31分；满意度指标10分，得10分。\n"
    rec = record(tmp_path, text)
    dims = {d["name"]: (d["weight"]["value"], d["score"]["value"]) for d in rec["score"]["dimensions"]}
    assert dims == {"产出": (40, 38), "效益": (30, 31), "满意度": (10, 10)}
    assert [f["severity"] for f in findings(rec, "ARITH-SCORE-BOUNDS")] == ["error"]


def test_an_arrival_rate_held_against_an_unqualified_budget_of_its_own_label(tmp_path):
    text = "2023年度农村饮水安全项目绩效自评报告\n项目预算资金100万元，实际到位资金80万元，资金到位率100%。\n"
    found = [f for f in findings(record(tmp_path, text), "ARITH-EXEC-RATE") if "到位率" in f["message"]]
    assert [f["severity"] for f in found] == ["warning"] and "80%" in found[0]["message"]
    # 按时到位率 is the timeliness indicator's target, no share that arrived
    target = "2023年度农村饮水安全项目绩效自评报告\n计划投资额110万元，实际到位资金84.74万元。效率指标：资金按时到位率为100%。\n"
    assert record(tmp_path, target)["budget"]["arrival_rate"] is None


def test_loans_a_bank_issues_are_not_the_projects_spending(tmp_path):
    text = (
        "2023年度妇女创业担保贷款贴息项目绩效自评报告\n2023年预算额度300万元，用于贷款贴息。"
        "全年带动发放妇女创业担保贷款1.2亿元，惠及妇女1500名。\n"
    )
    rec = record(tmp_path, text)
    assert rec["budget"]["spent"] is None
    assert findings(rec, "BUDGET-OVERSPEND") == []


def test_a_bare_year_after_a_doc_sites_long_preamble(tmp_path):
    # a doc-sharing site prints the file's facts and one line per page before the text: the year the text
    # opens with ("2016年预算额度…") is still in the opening, counted by characters, not lines
    preamble = ["省级财政专项资金绩效自评报告", "ID:840859", "大小:44.00 KB", "页数:8页", "时间:2017-09-16"]
    preamble += [f"省级财政专项资金绩效自评报告_第{i}页" for i in range(1, 9)]
    text = "\n".join(preamble) + "\n一、基本情况\n妇女创业担保贷款贴息专项资金由省妇联主管，2016年预算额度1300万元。\n"
    assert record(tmp_path, text)["meta"]["year"] == 2016


def test_a_budgets_expenditure_side_is_not_what_was_spent(tmp_path):
    # "部门预算收入X万元，支出X万元" states the budget's two sides; the spending is stated after
    text = "2023年度某局部门整体支出绩效自评报告\n2023年部门预算收入1056.2万元，支出1056.2万元。全年实际支出1023.5万元，预算执行率96.9%。\n"
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("10235000")
    assert findings(rec, "NARR-AMOUNTS") == []


def test_grades_named_in_turn_are_a_list_not_disagreeing_claims(tmp_path):
    # "…评为优…评为良…评为中…评为差": the scheme or a list of items' grades, no contradiction of the report's own
    text = (
        "2023年度部门项目绩效评价结果通报\n本次共评价项目12个，其中3个项目评为优，5个项目评为良，"
        "3个项目评为中，1个项目评为差。\n"
    )
    assert findings(record(tmp_path, text), "GRADE-TEXT-TOTAL") == []


def test_under_the_arrival_heading_only_a_total_is_what_arrived(tmp_path):
    head = "2023年度智慧交通平台建设项目绩效自评报告\n（一）资金到位情况\n"
    handed = record(tmp_path, head + "市财政局下达我局智慧交通平台建设项目经费168.00万元。\n")
    assert handed["budget"]["received"] is None
    assert Decimal(str(fact(handed, "budget", "full_year")["value"])) == Decimal("1680000")
    total = record(tmp_path, head + "省级下达50万元，市级下达34.47万元，共计84.47万元。\n")
    assert Decimal(str(fact(total, "budget", "received")["value"])) == Decimal("844700")


def test_money_arrived_after_its_approval_and_a_bare_use_rate_after_the_money(tmp_path):
    text = (
        "2023年度日常走访慰问项目绩效自评报告\n日常慰问经费25万元经年初预算审核通过后，2023年1月全部到账。\n"
        "我办已将慰问资金全部拨付至各单位，使用率100%。\n"
    )
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "budget", "received")["value"])) == Decimal("250000")
    assert Decimal(str(fact(rec, "budget", "execution_rate")["value"])) == 100
    # a facility's 使用率 is no rate of the money
    other = record(tmp_path, "2023年度体育场馆免费开放项目绩效自评报告\n全年开放300天，场馆使用率85%。\n")
    assert other["budget"]["execution_rate"] is None


def test_a_part_score_read_by_a_loose_total_label_and_grades_that_count_items(tmp_path):
    # "…绩效再评价得分8…": a total under 50 read by a label that may name a part is a part's score
    low = record(tmp_path, "2023年度林果产业项目绩效再评价报告\n大庄乡人民政府2023年林果上山上坡项目绩效再评价得分8\n")
    assert low["score"]["total"] is None
    # "单位自评结果“优秀”1812个": grades counting the projects that have them claim nothing
    counts = record(tmp_path, "关于2024年财政支出绩效评价结果的通报\n各单位上报项目自评2630个，单位自评结果“优秀”1812个、“良好”171个、“中”536个。\n")
    assert counts["score"]["grade"] is None


def test_money_said_to_have_arrived_after_its_amount(tmp_path):
    text = (
        "2023年度产业扶贫项目绩效自评报告\n县财政下达资金310万元，该项目310万元均已到位，已完成拨付310万元。\n"
        "带动受益脱贫户总收入32.5万元。\n"
    )
    rec = record(tmp_path, text)
    assert Decimal(str(fact(rec, "budget", "received")["value"])) == Decimal("3100000")
    assert findings(rec, "NARR-AMOUNTS") == [] and findings(rec, "BUDGET-ARRIVAL") == []
    # the last of several sums said to have all arrived is not what arrived
    several = record(tmp_path, "2023年度营养改善计划绩效评估报告\n中央膳食补助资金6890万元及地方配套经费1500万元均已到位。\n")
    assert several["budget"]["received"] is None


def test_an_audits_reduction_is_not_the_budget(tmp_path):
    text = "2023年度县审计局部门整体支出绩效自评报告\n全年共完成审计项目50个，投资审计核减项目资金2984.82万元，审减率12.5%。\n"
    assert record(tmp_path, text)["budget"]["full_year"] is None


def test_a_counts_parts_that_exceed_it(tmp_path):
    over = record(tmp_path, "2023年度畜牧品种改良项目绩效自评报告\n中心站现有技术员4人，其中高级职称1人，中级职称5人。\n")
    found = findings(over, "ARITH-SUBTOTAL")
    assert [f["severity"] for f in found] == ["warning"] and "合计6人" in found[0]["message"]
    # parts that add up, or kinds that may overlap (女性, 脱贫户), say nothing
    assert findings(record(tmp_path, "2023年度项目绩效自评报告\n现有技术员6人，其中高级职称1人，中级职称5人。\n"), "ARITH-SUBTOTAL") == []
    assert findings(record(tmp_path, "2023年度项目绩效自评报告\n共培训500人，其中女性300人，脱贫户250人。\n"), "ARITH-SUBTOTAL") == []


def test_no_unmet_target_claimed_beside_one(tmp_path):
    text = (
        "2022年度校园维修改造项目绩效自评报告\n二、绩效目标完成情况\n"
        "家长对项目实施的满意度,年初目标值≥95%,实际完成值94.60%,扣1分。\n三、未完成的绩效目标（无）\n"
    )
    rec = record(tmp_path, text)
    row = next(i for i in rec["indicators"] if i["name"].startswith("家长"))
    assert row["target"]["text"] == "≥95%"
    assert [f["severity"] for f in findings(rec, "NARR-NO-PROBLEMS")] == ["warning"]


def test_satisfaction_resting_on_praise(tmp_path):
    praise = record(tmp_path, "2023年度华文教育项目绩效自评报告\n服务对象满意度100%，各项工作受到学校及师生的一致好评。\n")
    found = findings(praise, "NARR-SATISFACTION-BASIS")
    assert [f["severity"] for f in found] == ["warning"] and "受到好评" in found[0]["message"]
    surveyed = record(tmp_path, "2023年度华文教育项目绩效自评报告\n经问卷调查，服务对象满意度96%，项目受到师生一致好评。\n")
    assert findings(surveyed, "NARR-SATISFACTION-BASIS") == []


def test_the_year_whose_targets_or_spending_are_evaluated_against_the_title(tmp_path):
    text = (
        "某市公安局2023年度信息系统维护费项目绩效自评报告\n一、项目基本情况\n"
        "2022年年度目标是充分利用视频监控技术手段，提高破案率。\n"
    )
    rec = record(tmp_path, text)
    assert rec["meta"]["year"] is None and rec["meta"]["year_conflict"]["scope"] == [2022]
    assert [f["severity"] for f in findings(rec, "META-YEAR-CONFLICT")] == ["warning"]


def test_a_finance_bureaus_payment_under_the_arrival_heading_is_what_arrived(tmp_path):
    text = ("2021年度森林抚育项目绩效自评报告\n二、项目资金情况分析\n1.项目资金到位情况分析\n"
            "2021年森林抚育1万亩，县财政局于2021年9月2日以（县财整合〔2021〕19号）文件拨付资金200万元。\n"
            "2.项目资金使用情况分析\n截至2021年12月31日，已支付项目资金196.56万元。\n")
    rec = record(tmp_path, text)
    received, spent = fact(rec, "budget", "received"), fact(rec, "budget", "spent")
    assert Decimal(str(received["value"])) == Decimal("2000000") and received["rule"].endswith(":uncertain")
    assert received["evidence"]["quote"].endswith("拨付资金200万元")
    assert Decimal(str(spent["value"])) == Decimal("1965600")


def test_glued_cells_under_a_header_that_names_them_whose_rate_slips_are_read_and_reported(tmp_path):
    # 47.68 ÷ 50 = 95.36%, printed 95.00%: no cut of "47.6895.00%" makes the arithmetic hold, but the header
    # names each column and one cut gives a rate near the printed one: that is the form's, its slip reported
    text = ("2023年项目支出绩效自评表\n项目资金 (万元)全年预算数全年执行数执行率\n年度资金总额50万元47.6895.00%\n"
            "其中:中央财政补助50万元47.6895.00%\n")
    rec = record(tmp_path, text)
    spent, rate = fact(rec, "budget", "spent"), fact(rec, "budget", "execution_rate")
    assert Decimal(str(spent["value"])) == Decimal("476800") and Decimal(str(rate["value"])) == Decimal("95")
    assert spent["rule"].endswith(":uncertain") and "执行率与算得相近" in spent["rule"]
    [f] = findings(rec, "ARITH-EXEC-RATE")
    assert f["severity"] == "warning" and "95.36%" in f["message"]


def test_bare_years_beside_a_span_of_years_name_no_evaluated_year(tmp_path):
    # no title year and no 年度: bare years in the opening name the year, unless the opening spans years
    one = record(tmp_path, "清洁取暖试点项目绩效考核情况\n2021年，全市完成清洁取暖改造4.6万户，项目通过考核。\n")
    assert one["meta"]["year"] == 2021
    span = record(tmp_path, "清洁取暖试点项目绩效考核情况\n2017年，我市入选试点城市。\n2017-2018年，全市完成清洁取暖改造4.6万户。\n")
    assert span["meta"]["year"] is None
    since = record(tmp_path, "再就业专项资金绩效自评报告书\n省财政从2003年起三年内，每年安排1.34亿元资金。\n")
    assert since["meta"]["year"] is None
    # a law's revision year names the law, not the year evaluated
    law = record(tmp_path, "征地补偿业务委托费绩效自评报告\n依据《土地管理法》（2019年修订）第四十八条，委托测算补偿费用20.00万元。\n")
    assert law["meta"]["year"] is None


def test_one_wording_with_several_values_under_one_heading_lists_items(tmp_path):
    head = "2022年度农村道路建设项目绩效自评报告\n二、资金使用情况\n"
    items = record(tmp_path, head + "甲村道路硬化工程已支付41.00万元，工程已完工。\n乙村桥梁维修工程已支付13.57万元，工程进度80%。\n")
    [f] = findings(items, "NARR-AMOUNTS")
    assert f["severity"] == "info" and "分项列举" in f["message"] and "[NARR-AMOUNTS]" in f["message"]
    # the same words in the conclusion restate the figure: two values are a contradiction
    restated = record(tmp_path, head + "全年预算120.00万元，实际支出96.00万元，预算执行率80%。\n三、自评结论\n项目预算执行率为92%，资金管理规范。\n")
    [g] = findings(restated, "NARR-AMOUNTS")
    assert g["severity"] == "warning" and "80%" in g["message"] and "92%" in g["message"]


def test_a_rate_in_each_of_several_numbered_items_is_each_items(tmp_path):
    text = ("2019年体育彩票公益金使用情况\n2019年，我局体育彩票公益金支出总额为57296.97元，结余78671.03元。具体资金用途如下：\n"
            "1.援建与维护公共体育场地618.97元，项目支出进度100%。\n2.支持运动队参加运动会10000元，项目支出进度100%。\n"
            "3.其他群众体育项目支出2000元，项目支出进度100%。\n")
    rec = record(tmp_path, text)
    assert rec["budget"]["execution_rate"] is None
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("57296.97")
    assert not findings(rec, "ARITH-EXEC-RATE")


# -- a lottery fund kept at the report's level, divided among those who spend it ---------------------------

def test_a_levels_retained_lottery_fund_is_its_budget_and_its_division_is_not_spending(tmp_path):
    text = ("关于2022年度南河县体育彩票公益金筹集使用情况的公告\n一、分配情况\n2022年本级留用32.50万元。"
            "其中体育部门支出26.00万元，教育部门支出6.50万元。\n二、使用情况\n用于群众体育支出31.4860万元，"
            "占总数的96.9%。\n")
    rec = record(tmp_path, text)
    budget = fact(rec, "budget", "full_year")
    assert Decimal(str(budget["value"])) == Decimal("325000")
    assert budget["evidence"]["quote"] == "本级留用32.50万元"
    # the two departments' shares add up to the whole: its division, not what was spent
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("314860")
    # a balance kept for later use is no budget
    kept = record(tmp_path, "2022年度南河县文化站免费开放经费自评报告\n一、资金情况\n结余留用资金3.20万元。\n")
    assert kept["budget"]["full_year"] is None and kept["budget"]["initial"] is None


# -- money received, as departments and lottery notices state it --------------------------------------------

def test_received_funds_named_in_full_with_a_budget_word_and_batch(tmp_path):
    rec = record(tmp_path, "一、资金情况\n截至年底，本中心收到2022年基本公共卫生服务补助资金预算（第二批）资金64.5万元，已全部使用。\n")
    received = fact(rec, "budget", "received")
    assert Decimal(str(received["value"])) == Decimal("645000") and received["rule"] == "fields:budget.received"
    assert rec["budget"]["full_year"] is None


def test_a_years_appropriation_and_a_lottery_fund_raised_are_money_received(tmp_path):
    rec = record(tmp_path, "二、部门整体支出情况\n2022年区财政拨款312.6万元，全年支出310.2万元。\n")
    assert Decimal(str(fact(rec, "budget", "received")["value"])) == Decimal("3126000")
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("3102000")
    raised = record(tmp_path, "一、筹集情况\n2021年全县共筹集福利彩票公益金512.6万元。\n", name="raised.txt")
    assert Decimal(str(fact(raised, "budget", "received")["value"])) == Decimal("5126000")
    # a forecast has raised nothing yet
    forecast = record(tmp_path, "三、下年计划\n预计2024年销售彩票9.6亿元，筹集公益金1.5亿元。\n", name="forecast.txt")
    assert forecast["budget"]["received"] is None


def test_funds_named_by_their_sources_and_closed_by_a_total_that_they_make(tmp_path):
    text = "一、项目概况\n该项资金包含省级配套补助资金17280元及州级补助资金28800元，合计共46080元。\n"
    rec = record(tmp_path, text)
    budget = fact(rec, "budget", "full_year")
    assert Decimal(str(budget["value"])) == Decimal("46080") and budget["rule"] == "fields:budget.stated:sources-sum"
    assert budget["evidence"]["quote"] == "合计共46080元"
    # uses are no sources, and a total the parts do not make is not read as the budget
    uses = record(tmp_path, "一、项目概况\n资金用于购置设备10万元，培训20万元，合计30万元。\n", name="uses.txt")
    assert uses["budget"]["full_year"] is None
    off = record(tmp_path, "一、项目概况\n中央资金48万元、省级资金12万元，合计61万元。\n", name="off.txt")
    assert off["budget"]["full_year"] is None


def test_a_departments_income_and_spending_tables_by_unit_give_their_wholes(tmp_path):
    cells = ["二、部门(单位)收支情况", "年度收入情况(万元)", "机构名称", "收入合计", "其中:", "上年结转", "公共财",
             "政拨款", "政府基金拨款", "其他", "收入", "东湖路小学", "865.20", "865.20",
             "部门(单位)年度支出和结余情况(万元)", "机构名称", "支出合计", "其中:", "基本支出", "项目支出",
             "当年结余", "东湖路小学", "850.10", "700.10", "150.00", "15.10"]
    rec = record(tmp_path, "\n\n".join(cells) + "\n")
    received, spent = fact(rec, "budget", "received"), fact(rec, "budget", "spent")
    assert Decimal(str(received["value"])) == Decimal("8652000") and received["rule"].endswith("column-total:uncertain")
    assert Decimal(str(spent["value"])) == Decimal("8501000")
    assert received["evidence"]["quote"] == "865.20"
    # a header with no row name before its first figure is some other table's: nothing is read
    bare = record(tmp_path, "\n\n".join(["机构名称", "收入合计", "865.20", "865.20"]) + "\n", name="bare.txt")
    assert bare["budget"]["received"] is None


def test_payments_read_only_by_their_verbs_are_a_list_not_the_reports_spending(tmp_path):
    payments = "一、资金使用情况\n1月发放春节慰问金3万元。\n9月支出助学金11.5万元。\n年底使用产业扶贫资金40万元。\n"
    assert record(tmp_path, payments)["budget"]["spent"] is None
    # the whole stated first, its payments after it adding up: the whole is what was spent
    rec = record(tmp_path, payments.replace("使用情况\n", "使用情况\n全年共支出资金54.5万元。\n"), name="whole.txt")
    assert Decimal(str(fact(rec, "budget", "spent")["value"])) == Decimal("545000")


# -- the dimensions' table, flattened -----------------------------------------------------------------------

def test_a_flattened_dimensions_table_gives_the_dimensions_and_its_total_row_is_checked(tmp_path):
    table = "一级指标 | 分值 | 得分\n决策 | 20 | 18\n过程 | 20 | 19\n产出 | 40 | 38\n效益 | 20 | 18\n合计 | 100 | {total}\n"
    rec = record(tmp_path, "三、评价结论\n" + table.format(total=93))
    dims = {d["name"]: (d["weight"]["value"], d["score"]["value"]) for d in rec["score"]["dimensions"]}
    assert dims == {"决策": (20, 18), "过程": (20, 19), "产出": (40, 38), "效益": (20, 18)}
    assert fact(rec, "score", "total")["value"] == 93
    assert not findings(rec, "ARITH-TOTAL")
    off = record(tmp_path, "三、评价结论\n" + table.format(total=95), name="off.txt")
    [f] = findings(off, "ARITH-TOTAL")
    assert f["severity"] == "error"
    # one cell a line, the older framework's names with their shares in brackets
    cells = ["评价准则", "分值", "实际得分", "目标完成程度", "（80%）", "80分", "67分", "组织管理水平", "（20%）", "20分", "16分", "综合绩效", "100分", "83分"]
    old = record(tmp_path, "绩效评价结果\n" + "\n".join(cells) + "\n", name="old.txt")
    assert {d["name"]: d["score"]["value"] for d in old["score"]["dimensions"]} == {"目标完成程度": 67, "组织管理水平": 16}
    assert fact(old, "score", "total")["value"] == 83
    # a row that lost a cell ends the table: its figures are not shifted into the wrong columns
    short = record(tmp_path, "一级指标 分值 得分\n决策 20 18\n过程 19\n产出 40 38\n", name="short.txt")
    assert short["score"]["dimensions"] == []


# -- sums a table or the next sentence states -----------------------------------------------------------

PROJECTS = "一、项目情况\n项目名称 | 预算数（万元） | 执行数（万元）\n农村公路养护 | 80 | 78\n危桥改造 | 50 | 50\n生命防护工程 | 30 | 29\n合计 | {budget} | 157\n"


def test_a_table_printed_with_bars_but_no_frame_is_a_table_and_its_total_row_is_checked(tmp_path):
    parsed = parse_file(_write(tmp_path, PROJECTS.format(budget=160)))
    [table] = [b for b in parsed.doc.blocks if b.kind == "table"]
    assert [(c.row, c.col, c.text) for c in table.cells[:3]] == [(0, 0, "项目名称"), (0, 1, "预算数（万元）"), (0, 2, "执行数（万元）")]
    assert not findings(extract_record(parsed), "ARITH-SUBTOTAL")
    [f] = findings(record(tmp_path, PROJECTS.format(budget=150), name="off.txt"), "ARITH-SUBTOTAL")
    assert f["severity"] == "warning" and "预算数" in f["message"] and "160万元" in f["message"] and "其上3行" in f["message"]


def test_a_total_row_printed_first_is_checked_against_the_rows_below_it(tmp_path):
    table = "“三公”经费（万元） | 预算数 | 决算数\n合计 | 12 | {spent}\n公务接待费 | 4 | 3.5\n公务用车运行维护费 | 8 | 6\n因公出国（境）费 | 0 | 0\n"
    assert not findings(record(tmp_path, "三、“三公”经费\n" + table.format(spent="9.5")), "ARITH-SUBTOTAL")
    [f] = findings(record(tmp_path, "三、“三公”经费\n" + table.format(spent="10.5"), name="off.txt"), "ARITH-SUBTOTAL")
    assert "其下3行" in f["message"] and "9.5万元" in f["message"] and "10.5万元" in f["message"]


def test_a_sentence_pointing_back_closes_the_list_of_the_sentence_before(tmp_path):
    text = "一、资金情况\n县财政安排道路养护资金80万元，危桥改造资金50万元，防护工程资金30万元。以上资金共计{total}万元。\n"
    assert not findings(record(tmp_path, text.format(total=160)), "ARITH-SUBTOTAL")
    [f] = findings(record(tmp_path, text.format(total=150), name="off.txt"), "ARITH-SUBTOTAL")
    assert "160万元" in f["message"] and "150万元" in f["message"]

