"""The checker's framework and its budget and grade checks, on real reports and on altered copies."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import DEVSET, SEED001, altered_copy
from pipeline.checks.base import band_of, catalogue, fitting_profiles, profiles
from pipeline.checks.numbers import Printed, rate_agreement
from pipeline.cli import app
from pipeline.parse import parse_file
from pipeline.record import extract_record


def findings(path, profile=None) -> list[dict]:
    return extract_record(parse_file(path), profile=profile)["findings"]


def by_check(path, profile=None) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in findings(path, profile):
        out.setdefault(f["check"], []).append(f)
    return out


def altered(tmp_path: Path, replacements: list[tuple[str, str]]) -> Path:
    return altered_copy(SEED001.with_suffix(".txt"), tmp_path, replacements)


# -- numbers --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "stated, num, den, expected",
    [
        ("87.83", "35.13", "40", "agrees"),  # 87.825 is the lower end of 87.83's interval
        ("87.8", "35.13", "40", "agrees"),
        ("88.5", "35.13", "40", "differs"),
        ("2.52", "16.67", "662.77", "agrees"),
        ("109.26", "87411", "80000", "agrees"),
        ("99.34", "186.13", "187.35", "last-digit"),  # 99.3487 rounds to 99.35
        ("95", "1850.1", "1920.4", "differs"),  # 96.34%: an integer rate one unit off is no truncation
        ("96", "1932", "2000", "last-digit"),  # 96.6% truncated, not rounded
        ("88.30", "102.36", "120.00", "differs"),
    ],
)
def test_rate_agreement(stated, num, den, expected) -> None:
    p = lambda s: Printed.of_fact({"value": float(s), "text": s})  # noqa: E731
    assert rate_agreement(p(stated), p(num), p(den)) == expected


def test_bands_include_their_lower_bound() -> None:
    national = next(p for p in profiles() if p.id == "national").bands
    bands = [(g, Decimal(lo), Decimal(hi)) for g, lo, hi in national]
    assert band_of(Decimal("80.00"), bands) == "良"
    assert band_of(Decimal("89.99"), bands) == "良"
    assert band_of(Decimal("90"), bands) == "优"
    assert band_of(Decimal("100"), bands) == "优"
    assert band_of(Decimal("59.9"), bands) == "差"


def test_profiles_fit_the_report() -> None:
    ids = lambda rec: {p.id for p in fitting_profiles(rec)}  # noqa: E731
    assert ids({"score": {"framework": "national-self-table"}, "meta": {}}) == {"national", "bands-80-70-60", "uncapped"}
    assert ids({"score": {"framework": "four-dimension"}, "meta": {}}) == {"four-dimension"}
    assert "sichuan" in ids({"score": {"framework": "national-self-table"}, "meta": {"region": "四川"}})
    assert [p.id for p in fitting_profiles({}, "beijing-2016")] == ["beijing-2016"]
    with pytest.raises(ValueError):
        fitting_profiles({}, "no-such-profile")


def test_catalogue_ids_are_the_rulebooks() -> None:
    ids = {c.id for c in catalogue().checks}
    assert {"ARITH-EXEC-RATE", "GRADE-BAND", "GRADE-EXEC-CEILING", "COPY-FOREIGN-TEXT"} <= ids
    for c in catalogue().checks:
        assert c.source and c.title and all(m for m in c.messages.values())


# -- execution rate ---------------------------------------------------------------------------------

def test_stated_rate_that_no_denominator_explains_is_an_error() -> None:
    f = by_check(DEVSET / "reports" / "D014.txt")["ARITH-EXEC-RATE"][0]
    assert f["severity"] == "error"
    assert f["stated"] == 88.3 and abs(f["expected"] - 85.3) < 0.01
    assert "102.36万元" in f["message"] and "120万元" in f["message"]
    assert {e["quote"] for e in f["evidence"]} >= {"120.00"} or f["evidence"]


def test_last_digit_rate_is_info() -> None:
    f = by_check(DEVSET / "reports" / "D035.txt")["ARITH-EXEC-RATE"][0]
    assert f["severity"] == "info" and "99.35%" in f["message"]


def test_rate_against_the_initial_budget_is_a_denominator_warning() -> None:
    checks = by_check(DEVSET / "reports" / "D003.txt")
    f = checks["BUDGET-DENOMINATOR"][0]
    assert f["severity"] == "warning" and "年初预算数313.36万元" in f["message"]
    assert "ARITH-EXEC-RATE" not in checks  # the rate is right for some denominator: no error


def test_seed001_rate_agrees() -> None:
    assert "ARITH-EXEC-RATE" not in by_check(SEED001.with_suffix(".txt"))


def test_changed_rate_in_a_seed_copy_is_caught(tmp_path) -> None:
    path = altered(tmp_path, [("预算执行率为2.52%", "预算执行率为3.52%")])
    f = by_check(path)["ARITH-EXEC-RATE"][0]
    assert f["severity"] == "error" and f["stated"] == 3.52


# -- grades -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("excerpt, stated, expected", [("D011", "优", "良"), ("D020", "良", "中")])
def test_grade_outside_the_reports_own_bands(excerpt, stated, expected) -> None:
    f = by_check(DEVSET / "reports" / f"{excerpt}.txt")["GRADE-BAND"][0]
    assert (f["severity"], f["stated"], f["expected"], f["grade_changing"]) == ("error", stated, expected, True)


def test_boundary_total_is_in_the_upper_band() -> None:
    assert "GRADE-BAND" not in by_check(DEVSET / "reports" / "D038.txt")  # 80.00 is 良


def test_changed_grade_word_in_a_seed_copy_is_caught(tmp_path) -> None:
    path = altered(tmp_path, [("属于“优”", "属于“良”")])
    f = by_check(path)["GRADE-BAND"][0]
    assert f["severity"] == "error" and f["expected"] == "优" and f["stated"] == "良"


def test_ceiling_from_the_execution_rate() -> None:
    f = by_check(DEVSET / "reports" / "D009.txt")["GRADE-EXEC-CEILING"][0]
    assert f["severity"] == "error" and f["expected"] == 94.13 and f["stated"] == 97.7
    assert not f["grade_changing"]  # 94.13 is still 优; the rescoring (SCORE-EXEC) is what changes the grade


def test_seed001_plausibility_without_a_ceiling() -> None:
    checks = by_check(SEED001.with_suffix(".txt"))
    f = checks["GRADE-PLAUSIBILITY"][0]
    assert f["severity"] == "warning" and "2.52%" in f["message"]
    # A four-dimension evaluation does not score 预算执行率 as a 10-point block: no ceiling applies ...
    assert "GRADE-EXEC-CEILING" not in checks
    # ... unless the auditor forces the national self-table profile.
    forced = by_check(SEED001.with_suffix(".txt"), profile="national")["GRADE-EXEC-CEILING"][0]
    assert forced["severity"] == "error" and forced["expected"] == 90.25


def test_findings_quote_the_report() -> None:
    for f in findings(SEED001.with_suffix(".pdf")):
        for ev in f["evidence"]:
            assert ev["quote"] and ev["block"] is not None and ev["page"] >= 1


# -- command line ---------------------------------------------------------------------------------

def test_check_command_prints_findings_with_quotes() -> None:
    result = CliRunner().invoke(app, ["check", str(SEED001.with_suffix(".pdf"))])
    assert result.exit_code == 0, result.output
    assert "[GRADE-PLAUSIBILITY]" in result.output and "第1页" in result.output


def test_rules_list_names_every_check() -> None:
    result = CliRunner().invoke(app, ["rules", "list"])
    assert result.exit_code == 0
    for c in catalogue().checks:
        assert c.id in result.output


def test_outputs_delivered_with_almost_nothing_spent() -> None:
    f = by_check(SEED001.with_suffix(".txt"))["BUDGET-SPEND-VS-OUTPUT"][0]
    assert f["severity"] == "warning" and f["stated"] == 2.52 and "6个数量/质量指标" in f["message"]
    assert "BUDGET-SPEND-VS-OUTPUT" not in by_check(SEED001.with_suffix(".txt").parent / "000_a4cf6914c4e43683.txt")


def test_same_digits_under_another_unit(tmp_path) -> None:
    seed000 = SEED001.with_suffix(".txt").parent / "000_a4cf6914c4e43683.txt"
    text = seed000.read_text(encoding="utf-8")
    path = tmp_path / "seed000.txt"
    # A correct conversion (1510800元 = 151.08万元) is no finding; a 元/万元 slip is.
    path.write_text(text.replace("已使用151.08万元", "已使用1510800元"), encoding="utf-8")
    assert "ARITH-UNIT" not in by_check(path)
    path.write_text(text.replace("已使用151.08万元", "已使用15108元"), encoding="utf-8")
    f = by_check(path)["ARITH-UNIT"][0]
    assert f["severity"] == "warning" and "100倍" in f["message"]


def test_indicator_of_another_sector(tmp_path) -> None:
    path = altered(tmp_path, [("指标1：开展退休人员慰问活动", "指标1：食品安全监督抽检批次")])
    f = by_check(path)["IND-RELEVANCE"][0]
    assert f["severity"] == "warning" and "食品安全监督抽检批次" in f["message"]
    assert "IND-RELEVANCE" not in by_check(SEED001.with_suffix(".txt"))


def test_indicator_under_the_wrong_level(tmp_path) -> None:
    path = altered(tmp_path, [("指标1：活动次数达标率", "指标1：活动通知发放及时率")])
    f = by_check(path)["IND-MISMATCHED-LEVELS"][0]
    assert (f["severity"], f["stated"], f["expected"]) == ("warning", "质量指标", "时效指标")
    assert "IND-MISMATCHED-LEVELS" not in by_check(SEED001.with_suffix(".txt"))
