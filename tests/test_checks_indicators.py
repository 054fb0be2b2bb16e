"""The indicator checks of rulebook B.2-12, B.5 and B.8-52 on altered copies of devset excerpts: each fires on
the altered copy, and none warns on the consistent excerpts or the seed reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import DEVSET, SEED000, SEED001, CONSISTENT, altered_copy

from pipeline.parse import parse_file
from pipeline.record import extract_record

NEW = (
    "SCORE-QUANT-NEG", "IND-DUPLICATE", "IND-MISSING-TYPE", "COPY-TARGET-EQUALS-ACTUAL-TEXT",
    "IND-QUALITY-VS-QUANTITY", "IND-HOLLOW-QUANT", "IND-TIMELINESS-DATE",
)


def findings(path: Path, check: str | None = None) -> list[dict]:
    found = extract_record(parse_file(path))["findings"]
    return [f for f in found if (f["check"] == check if check else f["check"] in NEW)]


def altered(tmp_path: Path, excerpt: str, *edits: tuple[str, str]) -> Path:
    return altered_copy(DEVSET / "reports" / f"{excerpt}.txt", tmp_path, edits, count=1)


def test_reverse_row_over_its_target_is_score_quant_neg(tmp_path) -> None:
    path = altered(tmp_path, "D033", ("森林火灾受害率 ≦ 0.8‰ 0.12‰ 30 30", "森林火灾受害率 ≦ 0.8‰ 1.2‰ 30 30"))
    [f] = findings(path, "SCORE-QUANT-NEG")
    # a space-aligned row read by position: a warning, saying why
    assert f["severity"] == "warning" and "森林火灾受害率" in f["message"] and "降为警告" in f["message"]
    assert findings(path, "SCORE-QUANT-POS") == []


def test_duplicate_indicator_across_levels(tmp_path) -> None:
    row = "| 效益指标 | 生态效益指标 | 村庄人居环境 | ═ | 明显改善 |  | 明显改善 | 30 | 28 |  |"
    dup = "| 效益指标 | 社会效益指标 | 整治行政村数量 | ≧ | 12 | 个 | 12 | 10 | 10 |  |"
    path = altered(tmp_path, "D017", (row, row + "\n" + dup))
    [f] = findings(path, "IND-DUPLICATE")
    assert f["severity"] == "warning" and "整治行政村数量" in f["message"] and "效益指标" in f["message"]


def test_duplicate_indicator_in_a_table_of_one_line_per_row(tmp_path) -> None:
    row = "效益指标 生态效益指标 森林火灾受害率 ≦ 0.8‰ 0.12‰ 30 30"
    path = altered(tmp_path, "D033", (row, row + "\n满意度指标 服务对象满意度指标 购置防火物资批次 ≧ 3批 3批 10 10"))
    [f] = findings(path, "IND-DUPLICATE")
    assert f["severity"] == "warning" and "购置防火物资批次" in f["message"] and "满意度指标" in f["message"]


def test_table_without_quantity_row(tmp_path) -> None:
    path = altered(
        tmp_path, "D002",
        ("| 产出指标 | 数量指标 | 0-6岁", "| 产出指标 | 质量指标 | 0-6岁"),
        ("|  | 数量指标 | 65岁", "|  | 质量指标 | 65岁"),
    )
    [f] = findings(path, "IND-MISSING-TYPE")
    assert f["severity"] == "info" and "数量指标" in f["message"]


def test_qualitative_actuals_copied_from_targets(tmp_path) -> None:
    [f] = findings(DEVSET / "reports" / "D037.txt", "COPY-TARGET-EQUALS-ACTUAL-TEXT")
    assert f["severity"] == "info" and "执法工作机制" in f["message"]
    path = altered(tmp_path, "D037", ("效果明显  效果明显", "效果明显  市容秩序明显好转"), ("达成预期指标  达成预期指标", "达成预期指标  程序全部合规"))
    assert findings(path, "COPY-TARGET-EQUALS-ACTUAL-TEXT") == []  # one copied row left


def test_failed_quality_row_beside_full_quantity_row(tmp_path) -> None:
    path = altered(tmp_path, "D017", ("| 农村生活污水治理率 | ≧ | 40 | % | 35.6 | 15 | 15 |", "| 农村生活污水治理率 | ≧ | 40 | % | 未验收 | 15 | 0 |"))
    [f] = findings(path, "IND-QUALITY-VS-QUANTITY")
    assert f["severity"] == "warning" and "农村生活污水治理率" in f["message"] and "整治行政村数量" in f["message"]


def test_numeric_benefit_target_with_worded_actual(tmp_path) -> None:
    path = altered(tmp_path, "D002", ("| 居民健康素养水平 | ≥ | 25 | % | 26.3 |", "| 居民健康素养水平 | ≥ | 25 | % | 明显提升 |"))
    [f] = findings(path, "IND-HOLLOW-QUANT")
    assert f["severity"] == "info" and "居民健康素养水平" in f["message"]


def test_timeliness_row_past_its_deadline(tmp_path) -> None:
    path = altered(tmp_path, "D017", ("| 2021年11月 |  | 2021年11月 | 15 | 15 |", "| 2021年11月 |  | 2022年3月 | 15 | 15 |"))
    [f] = findings(path, "IND-TIMELINESS-DATE")
    assert f["severity"] == "warning" and "2022年3月" in f["message"] and "满分" in f["message"]


@pytest.mark.parametrize("excerpt", CONSISTENT)
def test_quiet_on_consistent_excerpts(excerpt: str) -> None:
    loud = [f["message"] for f in findings(DEVSET / "reports" / f"{excerpt}.txt") if f["severity"] != "info"]
    assert loud == []


@pytest.mark.parametrize("seed", [SEED000, SEED001])
def test_quiet_on_seed_reports(seed: Path) -> None:
    assert findings(seed.with_suffix(".txt")) == []
