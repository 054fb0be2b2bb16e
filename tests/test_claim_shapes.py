"""Every shape of scripts/claim_shapes.py once each way (its own sentences, random figures): the slip found by
a check of its family, the consistent report left silent; and the shapes the sweep found, each with the
values and the evidence asserted."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.parse import parse_file
from pipeline.record import extract_record

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import claim_shapes  # noqa: E402


@pytest.mark.parametrize("shape", claim_shapes.SHAPES, ids=lambda s: s.id)
def test_every_shape_is_found_and_its_consistent_twin_left_silent(shape):
    found, silent, notes = claim_shapes.score_shape(shape, n=2, seed=7, verbose=True)
    assert (found, silent) == (2, 2), notes


def record(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return extract_record(parse_file(path))


def findings(rec: dict, check: str) -> list[dict]:
    return [f for f in rec["findings"] if f["check"] == check]


def quotes(f: dict) -> list[str]:
    return [e["quote"] for e in f["evidence"] if e]


HEAD = "2022年度乡村道路养护项目绩效自评报告\n一、项目基本情况\n该项目由县交通运输局负责实施。\n二、资金使用情况\n"


def test_funds_said_to_have_arrived_in_full_against_what_arrived(tmp_path):
    rec = record(tmp_path, HEAD + "项目全年预算120.00万元，实际到位资金96.00万元，资金已全部到位。\n")
    [f] = [f for f in findings(rec, "NARR-OVERCLAIM-WORDS") if "资金并未全部到位" in f["message"]]
    assert f["severity"] == "warning"
    assert quotes(f) == ["资金已全部到位", "实际到位资金96.00万元", "全年预算120.00万元"]
    assert Decimal(str(f["facts"]["received"])) == Decimal("960000") and Decimal(str(f["facts"]["budget"])) == Decimal("1200000")
    assert "到位率80%" in f["message"] and "[NARR-OVERCLAIM-WORDS]" in f["message"]
    # one source arriving in full says nothing of the others
    part = HEAD + "项目全年预算120.00万元，实际到位资金96.00万元，其中中央资金已全部到位。\n"
    assert not findings(record(tmp_path, part), "NARR-OVERCLAIM-WORDS")


def test_no_balance_against_what_was_spent_unless_carried_over(tmp_path):
    rec = record(tmp_path, HEAD + "全年预算120.00万元，截至12月31日实际支出98.40万元，资金无结余。\n")
    [f] = findings(rec, "NARR-OVERCLAIM-WORDS")
    assert "“无结余”的说法" in f["message"]
    assert quotes(f) == ["资金无结余", "实际支出98.40万元", "全年预算120.00万元"]
    assert Decimal(str(f["facts"]["spent"])) == Decimal("984000") and Decimal(str(f["facts"]["base"])) == Decimal("1200000")
    assert "应有21.6万元未支出" in f["message"]
    carried = HEAD + "全年预算120.00万元，截至12月31日实际支出98.40万元，剩余21.60万元结转下年使用，无结余。\n"
    assert not findings(record(tmp_path, carried), "NARR-OVERCLAIM-WORDS")


def test_paid_out_to_the_recipients_is_a_money_claim_arrival_is_not(tmp_path):
    paid = record(tmp_path, HEAD + "全年预算120.00万元，实际支出78.00万元，补贴资金已全部发放到位。\n")
    [f] = findings(paid, "NARR-OVERCLAIM-WORDS")
    assert quotes(f)[0] == "补贴资金已全部发放到位"
    assert Decimal(str(f["facts"]["execution_rate"])) == Decimal("65")
    arrived = record(tmp_path, HEAD + "全年预算120.00万元，实际支出78.00万元，上级资金已全部拨付到位。\n")
    assert not findings(arrived, "NARR-OVERCLAIM-WORDS")


def test_no_problems_after_a_lead_in_against_a_low_rate(tmp_path):
    text = HEAD + "全年预算200.00万元，实际支出110.00万元，预算执行率55.00%。\n三、存在的问题\n经自查，项目实施中未发现明显问题。\n"
    [f] = findings(record(tmp_path, text), "NARR-NO-PROBLEMS")
    assert quotes(f) == ["经自查，项目实施中未发现明显问题", "预算执行率55.00%"]
    assert Decimal(str(f["facts"]["execution_rate"])) == Decimal("55.00")
    listed = HEAD + "全年预算200.00万元，实际支出110.00万元，预算执行率55.00%。\n三、存在的问题\n1.部分乡镇报账不及时。\n除上述问题外，暂未发现其他问题。\n"
    assert not [f for f in findings(record(tmp_path, listed), "NARR-NO-PROBLEMS") if "除上述" in f["message"]]


def test_the_year_said_to_be_evaluated_against_the_title(tmp_path):
    text = "2021年度乡村道路养护项目绩效自评报告\n一、项目基本情况\n我局对2022年度乡村道路养护项目开展了绩效自评。\n全年预算120万元。\n"
    rec = record(tmp_path, text)
    assert rec["meta"]["year"] is None
    assert rec["meta"]["year_conflict"]["scope"] == [2022]
    [f] = findings(rec, "META-YEAR-CONFLICT")
    assert quotes(f) == ["2021年度", "2022年度"]
    assert "正文所述评价对象为2022年度" in f["message"]
    # a notice's name in 《》 is about the year it asks for, not what this report evaluates
    notice = text.replace("我局对2022年度乡村道路养护项目开展了绩效自评", "根据《关于开展2022年度预算绩效自评工作的通知》，我局开展了自评")
    assert record(tmp_path, notice)["meta"]["year"] == 2021


def test_an_arrival_rate_against_its_own_figures(tmp_path):
    rec = record(tmp_path, HEAD + "项目全年预算150.00万元，实际到位资金120.00万元，资金到位率90%。\n")
    assert Decimal(str(rec["budget"]["arrival_rate"]["value"])) == Decimal("90")
    [f] = findings(rec, "ARITH-EXEC-RATE")
    assert f["severity"] == "warning" and "资金到位率为90%" in f["message"]
    assert Decimal(str(f["expected"])) == Decimal("80") and Decimal(str(f["stated"])) == Decimal("90")
    assert quotes(f) == ["资金到位率90%", "实际到位资金120.00万元", "全年预算150.00万元"]
    # an indicator's target is no arrival rate of the report's
    target = record(tmp_path, HEAD + "资金到位率，指标值：100%，实际完成值：100%。\n")
    assert target["budget"]["arrival_rate"] is None


def test_full_marks_in_words_for_the_execution_rate(tmp_path):
    text = HEAD + "全年预算200.00万元，实际支出140.00万元。\n预算执行率（10分）：执行率70.00%，得满分。\n"
    rec = record(tmp_path, text)
    [dim] = [d for d in rec["score"]["dimensions"] if d["name"] == "预算执行率"]
    assert Decimal(str(dim["weight"]["value"])) == 10 and Decimal(str(dim["score"]["value"])) == 10
    assert dim["score"]["evidence"]["quote"] == "预算执行率（10分）：执行率70.00%，得满分"
    [f] = findings(rec, "SCORE-EXEC")
    assert Decimal(str(f["stated"])) == 10 and Decimal(str(f["expected"])) == 7


def test_the_execution_rate_before_its_score(tmp_path):
    rec = record(tmp_path, HEAD + "预算执行率为95.6%，得9.56分。\n")
    [dim] = [d for d in rec["score"]["dimensions"] if d["name"] == "预算执行率"]
    assert Decimal(str(dim["score"]["value"])) == Decimal("9.56") and dim["weight"] is None


def test_a_rate_within_its_operands_printed_decimals(tmp_path):
    # 0.0340亿元 ÷ 0.0540亿元 is 62.85% to 63.08% as printed: 63.00% holds
    rec = record(tmp_path, HEAD + "全年预算0.0540亿元，实际支出0.0340亿元，预算执行率63.00%。\n")
    assert not findings(rec, "ARITH-EXEC-RATE")
    # a budget printed whole is exact: 1157.97 ÷ 2000 = 57.8985%, so 57.89% is a truncated last digit
    rec = record(tmp_path, HEAD + "全年预算2000万元，实际支出1157.97万元，预算执行率57.89%。\n")
    [f] = findings(rec, "ARITH-EXEC-RATE")
    assert f["severity"] == "info" and "末位相差一个单位" in f["message"]


def test_a_rate_as_a_share_of_the_budget(tmp_path):
    rec = record(tmp_path, HEAD + "全年预算1692.00万元，截至年底实际支出1191.00万元，占全年预算的57.75%。\n")
    rate = rec["budget"]["execution_rate"]
    assert Decimal(str(rate["value"])) == Decimal("57.75") and rate["evidence"]["quote"] == "占全年预算的57.75%"
    [f] = findings(rec, "ARITH-EXEC-RATE")
    assert Decimal(str(f["expected"])) == Decimal("70.3901")
    part = record(tmp_path, HEAD + "全年预算1692.00万元，其中人员经费支出400.00万元，占全年预算的23.64%。\n")
    assert part["budget"]["execution_rate"] is None


def test_a_rate_on_the_initial_budget_alone_is_a_warning(tmp_path):
    text = HEAD + "年初预算安排资金200.00万元。\n截至12月31日，实际支出150.00万元。\n综上，该项目预算执行率为85.00%。\n"
    [f] = findings(record(tmp_path, text), "ARITH-EXEC-RATE")
    assert f["severity"] == "warning" and "报告未列全年（调整后）预算数" in f["message"]
    assert Decimal(str(f["expected"])) == Decimal("75")
    assert quotes(f) == ["预算执行率为85.00%", "实际支出150.00万元", "年初预算安排资金200.00万元"]
