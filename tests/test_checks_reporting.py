"""Reporting checks (rulebook §B.4-24/25/28/29, §B.6-45/46, §B.7-49/50) on the seed reports, the devset
excerpts and altered copies of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import DEVSET, SEED001, CONSISTENT, altered_copy

from pipeline.checks.base import catalogue
from pipeline.checks.reporting import ReportingRules
from pipeline.checks.reporting import rules as reporting_rules
from pipeline.parse import parse_file
from pipeline.record import extract_record

MINE = (
    "BUDGET-LOW-EXEC-REASON",
    "BUDGET-ADJUSTMENT-UNEXPLAINED",
    "BUDGET-COST-OPERATOR",
    "BUDGET-COST-VS-EXEC",
    "NARR-COUNTS",
    "NARR-PROBLEM-ADVICE-PAIRING",
    "COMP-ZERO-SCORE-REASON",
    "COMP-SIGNOFF",
)


def findings(path) -> list[dict]:
    return [f for f in extract_record(parse_file(path))["findings"] if f["check"] in MINE]


def of(found: list[dict], check: str, severity: str | None = None) -> list[dict]:
    return [f for f in found if f["check"] == check and (severity is None or f["severity"] == severity)]


def devset(name: str) -> Path:
    return DEVSET / "reports" / f"{name}.txt"


def altered(tmp_path: Path, source: Path, replacements: list[tuple[str, str]]) -> Path:
    return altered_copy(source, tmp_path, replacements)


SEED = SEED001.with_suffix(".txt")


@pytest.fixture(scope="module")
def seed001() -> list[dict]:
    return findings(SEED)


def test_catalogue_and_rules():
    ids = {c.id for c in catalogue().checks}
    assert set(MINE) <= ids
    assert isinstance(reporting_rules(), ReportingRules)
    assert reporting_rules().check() == []


@pytest.mark.parametrize("name", CONSISTENT)
def test_quiet_on_consistent_excerpts(name):
    assert findings(devset(name)) == []


# -- BUDGET-LOW-EXEC-REASON ---------------------------------------------------------------------------


def test_low_exec_without_reason(seed001):
    # 2.52% with "项目资金支出总体能够按照预算执行" and no reason near the figure or in the funds sections
    found = of(seed001, "BUDGET-LOW-EXEC-REASON", "warning")
    assert len(found) == 1 and "2.52%" in found[0]["message"]
    assert found[0]["evidence"]


def test_low_exec_reason_removed(tmp_path):
    assert of(findings(devset("D001")), "BUDGET-LOW-EXEC-REASON") == []  # 87.8% with its reason
    path = altered(tmp_path, devset("D001"), [("执行率未达到100%的主要原因是：部分乡镇沟渠修复工程于12月下旬完成验收，尾款按合同约定在质保期满后支付。", "")])
    found = of(findings(path), "BUDGET-LOW-EXEC-REASON", "warning")
    assert len(found) == 1 and "87.8%" in found[0]["message"]


# -- BUDGET-ADJUSTMENT-UNEXPLAINED ----------------------------------------------------------------


def test_adjustment_unexplained(tmp_path):
    path = altered(tmp_path, devset("D001"), [("调整预算后为148.6500 万元（调减部分用于县级防汛应急调度）", "全年预算数148.6500 万元")])
    found = of(findings(path), "BUDGET-ADJUSTMENT-UNEXPLAINED", "warning")
    assert len(found) == 1 and "160万元" in found[0]["message"] and "148.65万元" in found[0]["message"]


def test_adjustment_explained_quiet():
    for name in ("D001", "D039"):
        assert of(findings(devset(name)), "BUDGET-ADJUSTMENT-UNEXPLAINED") == []


# -- BUDGET-COST-OPERATOR / BUDGET-COST-VS-EXEC -------------------------------------------------------


def test_cost_operator(tmp_path, seed001):
    assert of(seed001, "BUDGET-COST-OPERATOR") == []
    path = altered(tmp_path, SEED, [("指标1：活动每人的标准，指标值：260元/人/年", "指标1：活动每人的标准，指标值：≥260元/人/年")])
    found = of(findings(path), "BUDGET-COST-OPERATOR", "warning")
    assert len(found) == 1 and "活动每人的标准" in found[0]["message"]


def test_cost_vs_exec(tmp_path, seed001):
    assert of(seed001, "BUDGET-COST-VS-EXEC") == []  # 260元/人/年 is a per-unit cost
    path = altered(
        tmp_path,
        SEED,
        [("指标1：活动每人的标准，指标值：260元/人/年，实际完成值：260元/人/年", "指标1：项目总成本，指标值：≤662.77万元，实际完成值：662.77万元")],
    )
    found = of(findings(path), "BUDGET-COST-VS-EXEC", "warning")
    assert len(found) == 1 and "16.67万元" in found[0]["message"]


# -- NARR-COUNTS --------------------------------------------------------------------------------------


def test_counts(tmp_path, seed001):
    assert of(seed001, "NARR-COUNTS") == []  # 9 产出 and 2 效益 rows, as declared
    path = altered(tmp_path, SEED, [("由9个三级指标构成", "由7个三级指标构成")])
    found = of(findings(path), "NARR-COUNTS", "warning")
    assert len(found) == 1 and "产出" in found[0]["message"] and found[0]["expected"] == 9 and found[0]["stated"] == 7


# -- NARR-PROBLEM-ADVICE-PAIRING ------------------------------------------------------------------


def test_problem_advice_pairing(tmp_path, seed001):
    assert of(seed001, "NARR-PROBLEM-ADVICE-PAIRING") == []  # 2 problems, 5 pieces of advice
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("2.因轮岗"))
    lines.insert(start + 1, "3.部分项目资金拨付进度滞后，资金支出缓慢。")
    drop = ("2.专门设定", "3.进一步规范", "4.进一步完善", "5.进一步加强")
    lines = [line for line in lines if not line.startswith(drop)]
    path = tmp_path / "pairing.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    found = of(findings(path), "NARR-PROBLEM-ADVICE-PAIRING", "info")
    assert len(found) == 1 and found[0]["expected"] == 3 and found[0]["stated"] == 1


# -- COMP-ZERO-SCORE-REASON -----------------------------------------------------------------------


def test_zero_score_without_reason(tmp_path):
    path = altered(tmp_path, devset("D010"), [("时效指标抽检结果公布及时率≥95%98.6%1515", "时效指标抽检结果公布及时率≥95%80%150")])
    found = of(findings(path), "COMP-ZERO-SCORE-REASON", "warning")
    assert len(found) == 1 and "抽检结果公布及时率" in found[0]["message"]


# -- COMP-SIGNOFF ---------------------------------------------------------------------------------


def test_signoff(tmp_path, seed001):
    found = of(seed001, "COMP-SIGNOFF", "info")
    assert len(found) == 1
    path = altered(tmp_path, SEED, [("本项目无其他需说明的问题。", "本项目无其他需说明的问题。\n\n（单位盖章）\n2023年3月15日")])
    assert of(findings(path), "COMP-SIGNOFF") == []


def test_counts_unmet_understated(tmp_path):
    base = [("项目产出类指标包括产出数量、产出质量、产出时效、三方面的内容，", "项目产出类指标包括产出数量、产出质量、产出时效、三方面的内容，9个产出指标中1个未完成，")]
    assert of(findings(altered(tmp_path, SEED, base)), "NARR-COUNTS") == []  # 资金拨付及时率 is the one
    path = altered(
        tmp_path,
        SEED,
        base + [("指标1：活动按期完成率，指标值：100%，实际完成值：100%", "指标1：活动按期完成率，指标值：100%，实际完成值：80%")],
    )
    found = of(findings(path), "NARR-COUNTS", "warning")
    assert len(found) == 1 and "活动按期完成率" in found[0]["message"] and found[0]["expected"]["unmet"] == 2
