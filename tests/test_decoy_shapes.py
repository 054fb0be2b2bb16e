"""Every decoy of scripts/decoy_shapes.py once each way (its own sentences, random figures): beside the
report's own figures, which are read as they are, and alone, when no headline fact may come of it; and the
decoys the sweep taught, with the values asserted."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.parse import parse_file
from pipeline.record import extract_record

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import decoy_shapes  # noqa: E402


@pytest.mark.parametrize("decoy", decoy_shapes.DECOYS, ids=lambda d: d.id)
def test_every_decoy_is_left_out(decoy):
    beside, alone, notes = decoy_shapes.score_decoy(decoy, n=2, seed=7, verbose=True)
    assert (beside, alone) == (2, 2), notes


def record(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return extract_record(parse_file(path))


def test_money_dated_to_another_year_is_not_the_reports(tmp_path):
    text = ("2021年度乡村道路养护项目绩效自评报告\n一、项目基本情况\n2020年该项目预算300.00万元，实际支出296.50万元。\n"
            "二、资金使用情况\n2021年该项目全年预算数320.00万元，实际支出318.40万元，预算执行率99.50%。\n")
    rec = record(tmp_path, text)
    assert Decimal(str(rec["budget"]["full_year"]["value"])) == Decimal("3200000")
    assert Decimal(str(rec["budget"]["spent"]["value"])) == Decimal("3184000")
    assert rec["budget"]["spent"]["evidence"]["quote"] == "实际支出318.40万元"
    # alone, last year's figures give no budget; last year's carry-over is this year's money all the same
    alone = record(tmp_path, "2021年度乡村道路养护项目绩效自评报告\n一、项目基本情况\n2020年该项目预算300.00万元，实际支出296.50万元。\n")
    assert alone["budget"]["full_year"] is None and alone["budget"]["spent"] is None
    carried = record(tmp_path, "2021年度乡村道路养护项目绩效自评报告\n二、资金情况\n上年结转资金20.00万元，本年全年预算数320.00万元。\n")
    assert Decimal(str(carried["budget"]["full_year"]["value"])) == Decimal("3200000")


def test_money_of_another_scope_in_its_sentence_is_not_the_reports(tmp_path):
    head = "2022年度高标准农田建设项目绩效自评报告\n一、项目基本情况\n"
    for sentence in ("“十四五”以来，全县累计投入该类资金5200.00万元。", "近三年来，县财政共投入资金860.00万元。",
                     "全县实现一般公共预算收入35600.00万元，同比增长6.2%。", "审计发现违规使用资金12.00万元，已整改到位。"):
        rec = record(tmp_path, head + sentence + "\n")
        assert all(rec["budget"][f] is None for f in ("initial", "full_year", "received", "spent")), sentence
    # misuse denied in the same sentence leaves its money the report's own
    rec = record(tmp_path, head + "项目资金管理规范，未发现违规使用情况，全年实际支出资金50.00万元。\n")
    assert Decimal(str(rec["budget"]["spent"]["value"])) == Decimal("500000")


def test_money_counted_since_an_earlier_year_is_several_years_money(tmp_path):
    text = ("2023年度衔接推进乡村振兴补助资金绩效自评报告\n一、基本情况\n2021年以来，全市累计投入各级财政衔接资金22.11亿元。\n"
            "二、资金情况\n2023年全年预算数8600.00万元，实际支出8512.40万元。\n")
    rec = record(tmp_path, text)
    assert Decimal(str(rec["budget"]["full_year"]["value"])) == Decimal("86000000")
    alone = record(tmp_path, "2023年度衔接推进乡村振兴补助资金绩效自评报告\n一、基本情况\n2021年以来，全市累计投入各级财政衔接资金22.11亿元。\n")
    assert alone["budget"]["full_year"] is None
    # in traditional script alike (以來 is read as 以来), the year inside the sentence
    trad = record(tmp_path, "2023年度銜接推進鄉村振興補助資金績效自評報告\n一、基本情況\n全市自2021年實施以來，累計投入各級財政銜接資金22.11億元。\n")
    assert trad["budget"]["full_year"] is None


def test_money_of_a_facility_built_in_an_earlier_year_is_its_constructions(tmp_path):
    head = "2020年度体育场馆免费开放补助资金绩效自评报告\n一、项目基本情况\n"
    built = "县体育中心于2014年建成，投资总额2380.00万元，占地面积26000平方米。\n"
    alone = record(tmp_path, head + built)
    assert alone["budget"]["full_year"] is None and alone["budget"]["initial"] is None
    own = record(tmp_path, head + built + "二、资金情况\n2020年下达补助资金45.00万元，实际支出44.10万元。\n")
    assert Decimal(str(own["budget"]["full_year"]["value"])) == Decimal("450000")
    assert Decimal(str(own["budget"]["spent"]["value"])) == Decimal("441000")
    # built in the evaluated year, its investment is this year's money
    same = record(tmp_path, "2020年度村级综合服务中心建设项目绩效自评报告\n一、基本情况\n服务中心于2020年建成，项目总投资120.00万元。\n")
    assert Decimal(str(same["budget"]["full_year"]["value"])) == Decimal("1200000")
