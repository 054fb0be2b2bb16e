"""The arithmetic, scoring and indicator checks (rulebook B.1, B.2, B.5) on the devset, the seed report,
altered copies of it, and small hand-made records for the cases no file exercises."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from helpers import DEVSET, SEED001, CONSISTENT

from pipeline.checks.base import REGISTRY, Context, catalogue
from pipeline.parse import parse_file
from pipeline.record import extract_record

MINE = (
    "ARITH-FUND-ROWS", "ARITH-TOTAL", "ARITH-SUBTOTAL", "ARITH-SCORE-BOUNDS", "ARITH-SCORE-RATE",
    "ARITH-COMPLETION-RATE", "SCORE-EXEC", "SCORE-QUANT-POS", "SCORE-QUANT-NEG", "SCORE-OVERCOMPLETION", "SCORE-ZERO-ACTUAL",
    "IND-TARGET-TOO-LOW", "IND-QUANTITY-AS-MONEY", "COPY-GENERIC-PHRASES", "IND-ALL-EXACTLY-MET",
)


def mine(path: Path) -> list[dict]:
    return [f for f in extract_record(parse_file(path))["findings"] if f["check"] in MINE]


def devset(excerpt: str) -> list[dict]:
    return mine(DEVSET / "reports" / f"{excerpt}.txt")


def altered(tmp_path: Path, old: str, new: str) -> Path:
    text = SEED001.with_suffix(".txt").read_text(encoding="utf-8")
    assert old in text, old
    out = tmp_path / "seed001_altered.txt"
    out.write_text(text.replace(old, new), encoding="utf-8")
    return out


def dec(x) -> Decimal:
    return Decimal(str(x))


def test_every_check_is_registered_and_catalogued() -> None:
    ids = {c.id for c in catalogue().checks}
    for check_id in MINE:
        assert check_id in REGISTRY and check_id in ids, check_id


# -- the devset: planted contradictions -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "excerpt, check, severity, expected, stated, grade_changing",
    [
        ("D007", "ARITH-FUND-ROWS", "error", None, None, False),  # [total-vs-parts] 0/0/0 vs 64/63.518/63.518
        ("D029", "ARITH-FUND-ROWS", "error", None, None, False),  # [total-vs-parts] 0 vs 486,000.00元
        ("D009", "SCORE-EXEC", "error", "4.13", "10", True),  # 10 of 10 at 41.26%; with the row below: 优 → 良
        ("D009", "SCORE-QUANT-POS", "error", "4.1", "10", True),  # 发放及时率 41% of 100%, weight ≤ 50 − 20 − 20
        ("D011", "ARITH-SUBTOTAL", "warning", "22029300", "22061500", False),  # 986.42 + 1,216.51 vs 2,206.15万元
        ("D013", "ARITH-TOTAL", "error", "88.1", "89.1", False),  # dims 13.5+21.8+31.2+21.6
        ("D017", "SCORE-QUANT-POS", "error", "13.35", "15", False),  # 35.6 < ≧40 scored 15/15
        ("D023", "SCORE-QUANT-POS", "error", "16", "20", False),  # 8个 of 10个 scored 20/20
        # D025's rows are space-separated text read by position: which cell is the 得分 is a reading, so
        # the sum is a warning (rules/checks.yaml identity)
        ("D025", "ARITH-TOTAL", "warning", "99.41", "98.41", False),  # 9.91+20+15+15+30+9.5
        ("D031", "ARITH-SCORE-BOUNDS", "error", "100", "101.5", False),  # total above 100
        ("D032", "ARITH-TOTAL", "error", "88.05", "86.05", False),  # dims 17.4+16.2+31.85+22.6
    ],
)
def test_planted(excerpt, check, severity, expected, stated, grade_changing) -> None:
    hits = [f for f in devset(excerpt) if f["check"] == check]
    assert len(hits) == 1, hits
    f = hits[0]
    assert f["severity"] == severity
    assert f["grade_changing"] is grade_changing
    if expected is not None:
        assert dec(f["expected"]) == Decimal(expected) and dec(f["stated"]) == Decimal(stated)
    assert f["evidence"] and all(e.get("quote") for e in f["evidence"])
    assert f["message"].startswith(f"[{check}] ") and f["source"]


def test_planted_overcompletion() -> None:
    d021 = [f for f in devset("D021") if f["check"] == "SCORE-OVERCOMPLETION"]
    assert [(f["severity"], f["facts"]["indicator"]) for f in d021] == [("warning", "农村公路养护里程")]
    assert "未说明偏差原因" in d021[0]["message"]  # the cell holds only the form's instruction
    d031 = {(f["check"], f["facts"]["indicator"]) for f in devset("D031") if f["severity"] == "warning"}
    assert ("SCORE-OVERCOMPLETION", "开展技术培训场次") in d031  # 58 vs 20场以上
    assert ("IND-TARGET-TOO-LOW", "开展技术培训场次") in d031


def test_generic_phrases_are_info() -> None:
    hits = [f for f in devset("D037") if f["check"] == "COPY-GENERIC-PHRASES"]
    assert [(f["severity"], f["stated"]) for f in hits] == [("info", 3)]


# -- the devset: consistent excerpts ----------------------------------------------------------------------------

@pytest.mark.parametrize("excerpt", CONSISTENT)
def test_consistent_excerpts_raise_no_alarm(excerpt) -> None:
    alarms = [(f["check"], f["message"]) for f in devset(excerpt) if f["severity"] in ("error", "warning")]
    assert alarms == []


def test_rounding_traps_stay_quiet() -> None:
    # D040: 12.35 + 8.47 + 5.19 = 26.01 against 26.02 is within three parts' rounding
    assert not [f for f in devset("D040") if f["check"] == "ARITH-SUBTOTAL"]
    # D035: "其中国家助学金96.60万元、免学费补助90.75万元，全年实际发放186.13万元" — the 发放 is no part
    assert not [f for f in devset("D035") if f["check"] == "ARITH-SUBTOTAL"]
    # D026: ≥130% with a real deviation reason
    assert not [f for f in devset("D026") if f["check"] == "SCORE-OVERCOMPLETION"]


# -- the seed report and altered copies -------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".txt", ".docx", ".pdf"])
def test_seed001_arithmetic_holds(suffix) -> None:
    found = mine(SEED001.with_suffix(suffix))
    # 20+16.1+35.13+20 = 91.23; 16.1/20 = 80.5%; 35.13/40 = 87.825% ("87.83%", "87.8%");
    # 87411/80000 = 109.26%, 80646/60000 = 134.41%, 12/4 = 300%
    assert not [f for f in found if f["check"].startswith("ARITH") or f["severity"] == "error"]
    over = sorted((f["facts"]["indicator"], f["severity"]) for f in found if f["check"] == "SCORE-OVERCOMPLETION")
    assert over == [("组织开展退休人员活动场次", "warning"), ("资格认证人数", "warning")]
    assert all("年初目标设置不够精确" in f["message"] for f in found if f["check"] == "SCORE-OVERCOMPLETION")
    low = [f for f in found if f["check"] == "IND-TARGET-TOO-LOW"]
    assert [(f["facts"]["indicator"], f["facts"]["ratio"]) for f in low] == [("组织开展退休人员活动场次", 3)]


@pytest.mark.parametrize(
    "old, new, check, severity, expected, stated, grade_changing",
    [
        ("得分为16.1分", "得分为17.1分", "ARITH-TOTAL", "error", "92.23", "91.23", False),
        ("总得分为91.23分", "总得分为89.23分", "ARITH-TOTAL", "error", "91.23", "89.23", True),
        ("得分率为 80.5%", "得分率为 82.5%", "ARITH-SCORE-RATE", "error", "80.5", "82.5", False),
        ("得分率为87.83%", "得分率为88.5%", "ARITH-SCORE-RATE", "error", "87.825", "88.5", False),
        ("实际得分35.13分，得分率为87.8%", "实际得分35.13分，得分率为88.5%", "ARITH-SCORE-RATE", "error", "87.825", "88.5", False),
        ("指标完成率134.41%", "指标完成率143.41%", "ARITH-COMPLETION-RATE", "warning", "134.41", "143.41", False),
    ],
)
def test_altered_seed_is_caught(tmp_path, old, new, check, severity, expected, stated, grade_changing) -> None:
    hits = [f for f in mine(altered(tmp_path, old, new)) if f["check"] == check]
    assert len(hits) == 1, hits
    f = hits[0]
    assert (f["severity"], f["grade_changing"]) == (severity, grade_changing)
    assert dec(f["expected"]) == Decimal(expected) and dec(f["stated"]) == Decimal(stated)
    if grade_changing:
        assert "属“优”档，而报告所述总分属“良”档" in f["message"]


def test_altered_seed_rate_quotes_the_changed_statement(tmp_path) -> None:
    path = altered(tmp_path, "实际得分35.13分，得分率为87.8%", "实际得分35.13分，得分率为88.5%")
    f = next(f for f in mine(path) if f["check"] == "ARITH-SCORE-RATE")
    assert "88.5" in f["evidence"][0]["quote"]


# -- hand-made records: cases no file exercises -----------------------------------------------------------------

def fact(value, text: str | None = None, block: int = 0, start: int = 0) -> dict:
    text = text if text is not None else str(value)
    return {"value": value, "text": text, "evidence": {"quote": text, "page": None, "block": block, "start": start, "end": start + len(text)}, "mentions": []}


def record(**parts) -> dict:
    rec = {
        "meta": {"kind": "self-table", "region": None},
        "budget": {k: None for k in ("initial", "full_year", "received", "spent", "execution_rate", "balance")},
        "budget_table": [],
        "score": {"total": None, "grade": None, "framework": "national-self-table", "dimensions": [], "bands": [], "counts": [], "total_weight": None},
        "indicators": [],
        "other_projects": [],
    }
    for key, value in parts.items():
        if key in ("total", "grade", "dimensions", "framework"):
            rec["score"][key] = value
        else:
            rec[key] = value
    return rec


def run(check_id: str, rec: dict, profile: str | None = None) -> list:
    rule = next(c for c in catalogue().checks if c.id == check_id)
    return list(REGISTRY[check_id](Context(rec, None, profile), rule))


def indicator(name, target, actual, weight=None, score=None, **extra) -> dict:
    def q(text, op, value, unit, kind):
        return {"op": op, "value": value, "unit": unit, "text": text, "qualitative": value is None, "kind": kind}

    return {
        "level1": extra.get("level1", "产出指标"), "level2": extra.get("level2", "数量指标"), "name": name,
        "target": q(*target), "actual": q(*actual),
        "completion": extra.get("completion"), "weight": fact(weight) if weight is not None else None,
        "score": fact(score) if score is not None else None, "deviation_reason": extra.get("reason"),
        "evidence": {"quote": name, "page": None, "block": 1, "start": 0, "end": len(name)}, "mentions": [],
    }


def test_projects_against_their_total() -> None:
    """A multi-project report whose project spending does not reach the stated total (devset D005's shape:
    405.30+297.16+86.40+121.86+278.00 = 1,188.72 against 已完成拨付1,198.72万元)."""
    spent = ["405.30", "297.16", "86.40", "121.86", "278.00"]
    projects = [{"project": f"项目{i}", "facts": {"budget.spent": fact(int(Decimal(s) * 10000), f"支出{s}万元", block=4 + i)}} for i, s in enumerate(spent)]
    rec = record(budget={"spent": fact(11987200, "已完成拨付1,198.72万元", block=3)}, other_projects=projects)
    [f] = run("ARITH-SUBTOTAL", rec)
    assert (f.severity, f.expected, f.stated) == ("warning", Decimal(11887200), Decimal(11987200))
    # a partial list far below the total is a subset, not a contradiction
    rec["other_projects"] = projects[:2]
    assert run("ARITH-SUBTOTAL", rec) == []


def test_fund_rows_that_do_not_add_up() -> None:
    def row(kind, label, full):
        return {"row": label, "kind": kind, "unit": "万元", "cells": {"full_year": fact(int(Decimal(full) * 10000), full)}}

    rows = [row("total", "年度资金总额", "100.00"), row("part", "其中：当年财政拨款", "80.00"), row("part", "上年结转资金", "15.00")]
    [f] = run("ARITH-FUND-ROWS", record(budget_table=rows))
    assert (f.severity, f.expected, f.stated) == ("error", Decimal(950000), Decimal(1000000))
    rows[2] = row("part", "上年结转资金", "20.00")
    assert run("ARITH-FUND-ROWS", record(budget_table=rows)) == []


def test_bounds_on_rows_and_the_exec_score() -> None:
    rec = record(indicators=[indicator("人数", ("≥100人", ">=", 100, "人", "count"), ("120人", None, 120, "人", "count"), 20, 22)])
    [f] = run("ARITH-SCORE-BOUNDS", rec)
    assert (f.severity, f.expected, f.stated) == ("error", Decimal(20), Decimal(22))
    exec_dim = {"name": "预算执行率", "weight": fact(10), "score": fact(10.5, "10.5"), "rate": None}
    overspent = record(dimensions=[exec_dim], budget={"execution_rate": fact(105, "105%")})
    assert [f.severity for f in run("ARITH-SCORE-BOUNDS", overspent)] == ["warning"]  # the uncapped profile fits
    assert [f.severity for f in run("ARITH-SCORE-BOUNDS", overspent, "national")] == ["error"]
    within = record(dimensions=[exec_dim], budget={"execution_rate": fact(95, "95%")})
    assert [f.severity for f in run("ARITH-SCORE-BOUNDS", within)] == ["error"]  # no profile scores 95% above 10


def test_reverse_indicator_over_its_target() -> None:
    row = indicator("人均成本", ("≤160万元", "<=", 160, "万元", "money"), ("386万元", None, 386, "万元", "money"), 15, 15, level2="成本指标")
    assert run("SCORE-QUANT-POS", record(indicators=[row])) == []
    [f] = run("SCORE-QUANT-NEG", record(indicators=[row]))
    assert f.severity == "error"
    row["score"] = fact(10.5, "10.5")  # the G3 reviewer's 10.5/15: above both formulas (0 and 6.2), a warning
    [f] = run("SCORE-QUANT-NEG", record(indicators=[row]))
    assert f.severity == "warning" and round(f.expected, 2) == Decimal("6.22")


def test_exec_score_below_the_formula_is_info() -> None:
    rec = record(
        budget={"execution_rate": fact(99.5, "99.5%"), "spent": None, "full_year": None},
        dimensions=[{"name": "预算执行率", "weight": fact(10), "score": fact(8), "rate": None}],
    )
    [f] = run("SCORE-EXEC", rec)
    assert (f.severity, f.expected) == ("info", Decimal("9.95"))


def test_overcompletion_with_a_reason_and_with_a_reduced_score() -> None:
    row = indicator("培训人次", ("≥100人次", ">=", 100, "人次", "count"), ("150人次", None, 150, "人次", "count"), 10, 10, reason="（偏差原因：请填写）")
    assert [f.facts["indicator"] for f in run("SCORE-OVERCOMPLETION", record(indicators=[row]))] == ["培训人次"]
    row["deviation_reason"] = "年中新增培训任务，需求超出年初预期"
    assert run("SCORE-OVERCOMPLETION", record(indicators=[row])) == []
    row["deviation_reason"], row["score"] = None, fact(9)
    assert run("SCORE-OVERCOMPLETION", record(indicators=[row])) == []


def test_worded_zero_actual_and_money_quantity() -> None:
    row = indicator("维修面积", ("2000㎡", None, None, None, "qualitative"), ("未开展", None, None, None, "qualitative"), 10, 6)
    assert [f.severity for f in run("SCORE-ZERO-ACTUAL", record(indicators=[row]))] == ["info"]
    money = indicator("卫片执法补助经费", ("=72890元", "=", 72890, "元", "money"), ("72890元", None, 72890, "元", "money"))
    assert [f.severity for f in run("IND-QUANTITY-AS-MONEY", record(indicators=[money]))] == ["warning"]
    count = indicator("发放补助资金人数", ("≥100人", ">=", 100, "人", "count"), ("100人", None, 100, "人", "count"))
    assert run("IND-QUANTITY-AS-MONEY", record(indicators=[count])) == []


def test_dimension_score_against_its_rows() -> None:
    rows = [
        indicator("人数", ("≥100人", ">=", 100, "人", "count"), ("100人", None, 100, "人", "count"), 30, 30),
        indicator("合格率", ("≥90%", ">=", 90, "%", "percent"), ("95%", None, 95, "%", "percent"), 20, 18),
    ]
    dim = {"name": "产出", "weight": fact(50), "score": fact(45), "rate": None}
    [f] = run("ARITH-SUBTOTAL", record(dimensions=[dim], indicators=rows))
    assert (f.severity, f.expected, f.stated) == ("error", 48, 45)
    dim["weight"] = fact(60)  # a row is missing: the rows are not the whole dimension
    assert run("ARITH-SUBTOTAL", record(dimensions=[dim], indicators=rows)) == []
