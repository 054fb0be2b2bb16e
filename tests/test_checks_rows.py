"""The row checks (rulebook B.1-4, B.1-7, B.1-8, B.2-13, B.2-15, B.2-17) on altered copies of devset
excerpts, and their silence on the consistent excerpts and the seed reports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from helpers import DEVSET, SEED000, SEED001, CONSISTENT, altered_copy

from pipeline.parse import parse_file
from pipeline.record import extract_record

MINE = ("ARITH-WEIGHT-100", "ARITH-RATE-BOUNDS", "ARITH-NARRATIVE-PERCENTAGES", "SCORE-QUAL-BAND", "SCORE-MISSING-ACTUAL", "SCORE-NA-REBASE")


def mine(path: Path) -> list[dict]:
    return [f for f in extract_record(parse_file(path))["findings"] if f["check"] in MINE]


def altered(tmp_path: Path, excerpt: str, *swaps: tuple[str, str]) -> Path:
    return altered_copy(DEVSET / "reports" / f"{excerpt}.txt", tmp_path, swaps)


def only(findings: list[dict], check_id: str) -> dict:
    hits = [f for f in findings if f["check"] == check_id]
    assert len(hits) == 1, findings
    return hits[0]


def num(x) -> Decimal:
    return Decimal(str(x))


@pytest.mark.parametrize("excerpt", CONSISTENT)
def test_quiet_on_consistent_excerpts(excerpt):
    assert mine(DEVSET / "reports" / f"{excerpt}.txt") == []


@pytest.mark.parametrize("seed", [SEED000, SEED001])
def test_quiet_on_seeds(seed):
    assert mine(seed.with_suffix(".txt")) == []


def test_weights_over_full_marks(tmp_path):
    path = altered(tmp_path, "D010", ("抽检结果公布及时率≥95%98.6%1515", "抽检结果公布及时率≥95%98.6%2015"))
    f = only(mine(path), "ARITH-WEIGHT-100")
    # D010's cells are glued ("2015" is read as 分值 20, 得分 15): which digits are the 分值 is a reading, so
    # the finding is a warning that says so (rules/checks.yaml identity)
    assert f["severity"] == "warning" and "降为警告" in f["message"]
    assert num(f["expected"]) == 100 and num(f["stated"]) == 105
    assert "105分" in f["message"] and f["evidence"]


def test_dimension_weights_over_full_marks(tmp_path):
    path = altered(tmp_path, "D006", ("权重分别为20分、20分、40分、20分", "权重分别为20分、20分、40分、25分"))
    f = only(mine(path), "ARITH-WEIGHT-100")
    assert f["severity"] == "error"
    assert num(f["expected"]) == 100 and num(f["stated"]) == 105


def test_rate_of_a_whole_above_100(tmp_path):
    path = altered(tmp_path, "D010", ("食品安全监督抽检合格率≥95%97.3%3030", "食品安全监督抽检合格率≥95%103.2%3030"))
    f = only(mine(path), "ARITH-RATE-BOUNDS")
    assert f["severity"] == "warning" and "降为警告" in f["message"]  # glued cells, as above
    assert num(f["expected"]) == 100 and num(f["stated"]) == Decimal("103.2")
    assert "103.2%" in f["message"]


def test_a_100_percent_target_written_with_ge_is_fine():
    # D037: 案件办理合格率 ≥100百分比, actual 100%
    assert not [f for f in mine(DEVSET / "reports" / "D037.txt") if f["check"] == "ARITH-RATE-BOUNDS"]


def test_shares_of_a_partition(tmp_path):
    path = altered(tmp_path, "D010", ("总分10099.9优", "总分10099.9优\n问卷调查显示，满意占85%，基本满意占12%，不满意占5%。"))
    f = only(mine(path), "ARITH-NARRATIVE-PERCENTAGES")
    assert f["severity"] == "warning"
    assert num(f["expected"]) == 100 and num(f["stated"]) == 102
    assert f["evidence"][0]["quote"].startswith("满意占85%")


def test_partial_or_summing_shares_are_quiet(tmp_path):
    path = altered(
        tmp_path,
        "D010",
        ("总分10099.9优", "总分10099.9优\n问卷显示满意度为95%，其中满意占83%，基本满意占12%，不满意占5%。抽查中完全一致的占60%，基本一致的占30%。群众满意占95%，其中基本满意占10%。"),
    )
    assert mine(path) == []


@pytest.mark.parametrize(
    ("actual", "score", "lo", "hi"),
    [("达成年度指标", "7", 8, 10), ("部分达成年度指标并具有一定效果", "9", 6, 8), ("未达成年度指标且效果较差", "6", 0, 6)],
)
def test_qualitative_score_outside_its_level(tmp_path, actual, score, lo, hi):
    path = altered(tmp_path, "D037", ("执法程序规范性  达成预期指标  达成预期指标  10  9", f"执法程序规范性  达成年度指标  {actual}  10  {score}"))
    f = only(mine(path), "SCORE-QUAL-BAND")
    # a space-aligned row whose cells the header line names one by one (年度指标值 实际完成值 分值 得分): the
    # 分值 and 得分 cells are certain, so the finding is an error
    assert f["severity"] == "error" and "降为警告" not in f["message"]
    assert f["evidence"]
    assert [num(x) for x in f["expected"]] == [lo, hi] and num(f["stated"]) == num(score)


def test_qualitative_score_inside_its_level_is_quiet(tmp_path):
    path = altered(tmp_path, "D037", ("执法程序规范性  达成预期指标  达成预期指标  10  9", "执法程序规范性  达成年度指标  部分达成年度指标并具有一定效果  10  7"))
    assert mine(path) == []


def test_rate_that_may_exceed_100_is_quiet(tmp_path):
    path = altered(tmp_path, "D010", ("食品安全监督抽检合格率≥95%97.3%3030", "抽检覆盖增长率≥95%103.2%3030"))
    assert not [f for f in mine(path) if f["check"] == "ARITH-RATE-BOUNDS"]


def test_score_with_no_actual(tmp_path):
    path = altered(tmp_path, "D037", ("执法巡查次数  >=240次  252次  10  10", "执法巡查次数  >=240次  —  10  10"))
    f = only(mine(path), "SCORE-MISSING-ACTUAL")
    assert f["severity"] == "warning"
    assert num(f["expected"]) == 0 and num(f["stated"]) == 10


def test_not_applicable_row_and_total_not_rebased(tmp_path):
    path = altered(tmp_path, "D037", ("执法巡查次数  >=240次  252次  10  10", "执法巡查次数  不适用  不适用  10  0"), ("总分  100  95.5", "总分  100  85.5"))
    f = only(mine(path), "SCORE-NA-REBASE")
    assert f["severity"] == "warning"
    assert num(f["expected"]) == 95 and num(f["stated"]) == Decimal("85.5")


def test_not_applicable_row_with_rebased_total_is_quiet(tmp_path):
    path = altered(tmp_path, "D037", ("执法巡查次数  >=240次  252次  10  10", "执法巡查次数  不适用  不适用  10  0"), ("总分  100  95.5", "总分  100  95"))
    assert not [f for f in mine(path) if f["check"] == "SCORE-NA-REBASE"]
