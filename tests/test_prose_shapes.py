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
