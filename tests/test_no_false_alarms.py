"""No false alarms: consistent reports give no error finding.

An error says the report is arithmetically or logically impossible under every profile that fits it;
an auditor signs that. The consistent half of the devset and seed copies corrected to be consistent must
therefore produce none.
"""

from __future__ import annotations

import pytest

from helpers import CONSISTENT, DEVSET, SEED000, SEED001
from pipeline.parse import parse_file
from pipeline.record import extract_record


def errors(path, severities: tuple[str, ...] = ("error",)) -> list[str]:
    rec = extract_record(parse_file(path))
    return [f["message"] for f in rec["findings"] if f["severity"] in severities]


def test_the_devset_has_nineteen_consistent_excerpts() -> None:
    assert len(CONSISTENT) == 19


@pytest.mark.parametrize("excerpt", CONSISTENT)
def test_consistent_excerpt_has_no_error(excerpt: str) -> None:
    assert errors(DEVSET / "reports" / f"{excerpt}.txt") == []


@pytest.mark.parametrize("excerpt", CONSISTENT)
def test_consistent_excerpt_has_no_warning_either(excerpt: str) -> None:
    # the devset's consistent excerpts hold nothing an auditor would have to look at (README: 0 / 0)
    assert errors(DEVSET / "reports" / f"{excerpt}.txt", ("warning",)) == []


# Seed 001 with its figures made consistent: the money spent, the rate, the timeliness indicator.
SEED001_FIXES = [
    ("全年执行数16.67万元，预算执行率为2.52%", "全年执行数662.77万元，预算执行率为100%"),
    ("预算资金支出16.67万元，预算执行率为2.52%", "预算资金支出662.77万元，预算执行率为100%"),
    ("实际完成值：2.5%，指标完成率2.5%", "实际完成值：100%，指标完成率100%"),
]


@pytest.mark.parametrize("seed, fixes", [(SEED001, SEED001_FIXES), (SEED000, [])], ids=["seed001-corrected", "seed000"])
def test_consistent_seed_copy_has_no_error(tmp_path, seed, fixes) -> None:
    text = seed.with_suffix(".txt").read_text(encoding="utf-8")
    for old, new in fixes:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / seed.with_suffix(".txt").name
    path.write_text(text, encoding="utf-8")
    assert errors(path) == []
