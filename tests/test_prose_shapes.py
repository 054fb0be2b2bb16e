"""Every phrasing of scripts/prose_shapes.py read right once (its own sentences, random figures), and the
shapes it found, each with its value asserted."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.parse import parse_file
from pipeline.record import extract_record

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import prose_shapes  # noqa: E402


@pytest.mark.parametrize("phrasing", prose_shapes.PHRASINGS, ids=lambda p: p.id)
def test_every_phrasing_states_its_fact(phrasing):
    right, notes = prose_shapes.score_phrasing(phrasing, n=2, seed=7, verbose=True)
    assert right == 2, notes


def record(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return extract_record(parse_file(path))


def test_a_grade_quoted_across_a_line_break(tmp_path):
    rec = record(tmp_path, "2022年度项目绩效自评报告\n综合评定，本项目绩效评价等级为“\n良好”。\n")
    grade = rec["score"]["grade"]
    assert grade["value"] == "良"
    # one paragraph again, quoted as the reader joined it, at the line the quotation began
    assert grade["evidence"]["quote"].endswith("等级为“良好")


def test_an_open_quote_not_closed_on_the_next_line_stays_two_paragraphs(tmp_path):
    rec = record(tmp_path, "2022年度项目绩效自评报告\n标题为“\n\n良好的开端\n")
    assert rec["score"]["grade"] is None


def test_score_after_self_evaluation_result(tmp_path):
    rec = record(tmp_path, "2021年度项目绩效自评报告\n自评结果：86.5分。\n")
    assert Decimal(str(rec["score"]["total"]["value"])) == Decimal("86.5")


def test_completed_planned_investment_is_no_budget(tmp_path):
    rec = record(tmp_path, "2020年度农村公路项目绩效评价报告\n全年完成计划总投资3200万元，项目全部完工。\n")
    assert rec["budget"]["full_year"] is None
    rec = record(tmp_path, "2020年度农村公路项目绩效评价报告\n项目计划总投资3200万元，资金来源为县级财政。\n")
    assert rec["budget"]["full_year"]["value"] == 32000000


def test_consistent_reports_in_every_phrasing_give_no_finding():
    # budget, spending, rate, total and grade stated once each, in phrasings drawn at random, all consistent
    rng = __import__("random").Random(11)
    for _ in range(40):
        text, picked = prose_shapes.consistent_report(rng)
        rec = prose_shapes.read(text)
        bad = [f"{f['check']}: {f['message']}" for f in rec["findings"] if f["severity"] in ("error", "warning")]
        assert not bad, (sorted(picked), text)


@pytest.mark.parametrize("breakdown", prose_shapes.BREAKDOWNS, ids=lambda b: b.id)
def test_every_breakdown_phrasing_is_checked(breakdown):
    # one misprinted part is found, and the same sentence with figures that add up gives no finding
    found, silent, notes = prose_shapes.score_breakdown(breakdown, n=2, seed=7, verbose=True)
    assert (found, silent) == (2, 2), notes


def test_a_breakdown_in_the_next_sentence_over_semicolons(tmp_path):
    text = ("2022年度农村饮水安全项目绩效自评报告\n项目总投资530.40万元。其中：中央财政资金210.12万元；"
            "省级财政资金96.30万元；县级配套资金230.00万元。\n")
    [f] = [f for f in record(tmp_path, text)["findings"] if f["check"] == "ARITH-SUBTOTAL"]
    assert f["severity"] == "warning"
    assert Decimal(str(f["stated"])) == Decimal("5304000") and Decimal(str(f["expected"])) == Decimal("5364200")
    assert [e["quote"] for e in f["evidence"]] == ["项目总投资530.40万元", "210.12万元", "96.30万元", "230.00万元"]


def test_a_parts_own_breakdown_in_parentheses_is_not_more_parts(tmp_path):
    # 办公费 and 差旅费 break down 商品和服务支出; the three parts add up to the whole
    text = ("2022年度宣传经费项目绩效自评报告\n项目经费50万元，其中：商品和服务支出39.98万元（其中：办公费2.25万元、"
            "差旅费11.45万，其余为劳务费），资本性支出10.02万元。\n")
    assert not [f for f in record(tmp_path, text)["findings"] if f["check"] == "ARITH-SUBTOTAL"]


def test_last_years_carry_over_is_a_source_not_a_leftover(tmp_path):
    text = "2022年度项目绩效自评报告\n年度资金总额530.40万元，其中当年财政拨款410.12万元、上年结转资金130.00万元。\n"
    [f] = [f for f in record(tmp_path, text)["findings"] if f["check"] == "ARITH-SUBTOTAL"]
    assert Decimal(str(f["expected"])) == Decimal("5401200")


def test_a_list_that_enumerates_every_part_may_fall_short_by_any_amount(tmp_path):
    # 具体是 lists all the projects, so 300 + 250 + 150 = 700 against 820 is a contradiction; after 其中 the
    # same list may name only some of them, and a shortfall of 15% says nothing. Items may be named at length.
    text = ("2021年度文物保护专项资金绩效自评报告\n下达预算资金820万元。具体是：城墙修缮工程300万元；"
            "结构检测项目250万元；古籍数字化项目150万元。\n")
    [f] = [f for f in record(tmp_path, text)["findings"] if f["check"] == "ARITH-SUBTOTAL"]
    assert Decimal(str(f["stated"])) == Decimal("8200000") and Decimal(str(f["expected"])) == Decimal("7000000")
    assert [e["quote"] for e in f["evidence"]][1:] == ["300万元", "250万元", "150万元"]
    long_names = text.replace("城墙修缮工程", "城墙东段修缮展示工程项目").replace("古籍数字化项目", "馆藏古籍数字化保护项目")
    assert len([f for f in record(tmp_path, long_names)["findings"] if f["check"] == "ARITH-SUBTOTAL"]) == 1
    partial = text.replace("。具体是：", "，其中")
    assert "其中城墙修缮工程300万元；" in partial
    assert not [f for f in record(tmp_path, partial)["findings"] if f["check"] == "ARITH-SUBTOTAL"]


@pytest.mark.parametrize("line, total", [
    ("总分（100分） 95.5", "95.5"),  # the form's scale in brackets after its label, then the total
    ("总分（100分）：95.5分", "95.5"),
    ("自评总分(分)97.6", "97.6"),  # a unit in brackets is no scale
    ("总分（100分）", None),  # the scale alone is no total
])
def test_a_total_label_with_its_scale_in_brackets(tmp_path, line, total):
    rec = record(tmp_path, f"2022年度项目绩效自评表\n一级指标 分值 得分\n产出指标 50 48\n{line}\n")
    got = rec["score"]["total"]
    assert (None if got is None else str(Decimal(str(got["value"])))) == total


def test_a_leftover_dated_to_an_earlier_year_is_a_part_of_the_budget(tmp_path):
    # an earlier year's 结余 carried into this year's budget is a source like 上年结转; the year in its label
    # is no part of the label's length
    text = ("2019年度农机购置补贴项目绩效自评报告\n2019年度农机购置补贴资金预算数60万元，其中包括兵团补贴资金60万元，"
            "2018年度农机购置补贴结余资金12.664万元。\n")
    [f] = [f for f in record(tmp_path, text)["findings"] if f["check"] == "ARITH-SUBTOTAL"]
    assert Decimal(str(f["expected"])) == Decimal("726640") and Decimal(str(f["stated"])) == Decimal("600000")
    # this year's 结余 after the parts ends the list: it is what is left, not a source
    same_year = text.replace("2018年度农机购置补贴结余资金12.664万元", "年末结余资金12.664万元")
    assert not [f for f in record(tmp_path, same_year)["findings"] if f["check"] == "ARITH-SUBTOTAL"]


@pytest.mark.parametrize("sentence, product, stated", [
    ("按照每户2000元标准补助85户，合计18万元。", "170000", "180000"),
    ("补助标准为每亩10元，共补助面积5000亩，共计发放补贴5.5万元。", "50000", "55000"),
    ("慰问标准300元/人，慰问对象120人，共计4.6万元。", "36000", "46000"),
    ("按每人每年1200元的标准，为350名困难群众发放补助，共计发放40万元。", "420000", "400000"),
])
def test_a_standard_times_a_count_against_its_total(tmp_path, sentence, product, stated):
    rec = record(tmp_path, f"2022年度困难群众补助项目绩效自评报告\n{sentence}\n")
    [f] = [f for f in rec["findings"] if f["check"] == "ARITH-SUBTOTAL"]
    assert f["severity"] == "warning" and "标准×数量" in f["message"]
    assert Decimal(str(f["expected"])) == Decimal(product) and Decimal(str(f["stated"])) == Decimal(stated)
    # the total first, then the standard and the count it multiplies
    assert f["evidence"][0]["quote"].endswith("万元") and "元" in f["evidence"][1]["quote"]


@pytest.mark.parametrize("sentence", [
    "按照每户2000元标准补助85户，合计17万元。",  # it holds
    "慰问标准300元/人，慰问对象120人，共计3.6万元。",
    "按每人每月300元标准发放120人，共计43.2万元。",  # per month: the months are not stated beside it
    "按每人300元标准慰问120人，另购置慰问品2万元，共计5.6万元。",  # a second amount the total also holds
])
def test_a_standard_times_a_count_that_holds_or_cannot_be_held(tmp_path, sentence):
    rec = record(tmp_path, f"2022年度困难群众补助项目绩效自评报告\n{sentence}\n")
    assert not [f for f in rec["findings"] if f["check"] == "ARITH-SUBTOTAL"]


def test_a_parts_rate_after_the_whole_rate_is_no_restatement(tmp_path):
    # 80.04% is the 财政资金 part's rate, named after 其中: the record keeps 81.95% and NARR-AMOUNTS says nothing
    rec = record(tmp_path, "2021年度重大工程建设基金绩效自评报告\n截止年底，资金总额预算执行率为81.95%（其中财政资金预算执行率为80.04%）。\n")
    rate = rec["budget"]["execution_rate"]
    assert Decimal(str(rate["value"])) == Decimal("81.95") and not rate.get("mentions")
    assert not [f for f in rec["findings"] if f["check"] == "NARR-AMOUNTS"]


def test_budgeted_spending_is_no_spending(tmp_path):
    # "预算批复的总支出" and "预算批复基本支出" are the budget's; the 决算 figure is what was spent, and a budget's
    # kind ("一般公共预算支出") is spending like any other
    text = ("2019年度部门整体支出绩效自评报告\n2019年初财政对我局预算批复的总支出为1853.47万元，预算批复基本支出为241.77万元。\n"
            "2019年局机关总支出决算数为438.86万元，其中基本支出决算数为299.57万元。\n")
    assert record(tmp_path, text)["budget"]["spent"]["value"] == 4388600
    kind = record(tmp_path, "2020年度部门整体支出绩效自评报告\n2020年度涉及一般公共预算支出2827.90万元。\n")
    assert kind["budget"]["spent"]["value"] == 28279000


def test_the_initial_budget_a_years_budget_is_broken_into_is_the_reports_own(tmp_path):
    rec = record(tmp_path, "2022年度部门整体支出绩效自评报告\n2022年预算收入69.06万元，其中年初预算57.28万元，调整追加11.78万元。\n")
    assert rec["budget"]["initial"]["value"] == 572800 and rec["budget"]["full_year"]["value"] == 690600
    # a source after 其中 stays a part
    rec = record(tmp_path, "2022年度项目绩效自评报告\n全年预算100万元，其中中央资金60万元，县级配套40万元。\n")
    assert rec["budget"]["initial"] is None and rec["budget"]["received"] is None
