"""Every shape of scripts/indicator_shapes.py read right once (its own sentences, random figures), narrative
figures read as no row, and focused cases with the name, target, actual and evidence asserted."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from pipeline.parse import parse_file
from pipeline.record import extract_record

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import indicator_shapes  # noqa: E402


@pytest.mark.parametrize("shape", indicator_shapes.SHAPES, ids=lambda s: s.id)
def test_every_shape_is_read(shape):
    right, good, cells, extra, notes = indicator_shapes.score_shape(shape, n=2, seed=7, verbose=True)
    assert right == 2, notes
    assert extra == 0, notes


def test_narrative_figures_give_no_row():
    silent, notes = indicator_shapes.score_narrative(n=len(indicator_shapes.NARRATIVE) * 2, seed=3, verbose=True)
    assert silent == len(indicator_shapes.NARRATIVE) * 2, notes


def record(tmp_path: Path, body: str) -> dict:
    path = tmp_path / "report.txt"
    path.write_text(f"2023年度民生保障项目绩效自评报告\n一、绩效指标完成情况\n{body}\n", encoding="utf-8")
    return extract_record(parse_file(path))


def rows(rec: dict) -> dict[str, dict]:
    return {i["name"]: i for i in rec["indicators"]}


def text(node: dict | None) -> str | None:
    return None if node is None else node["text"]


def test_level_label_and_bare_target(tmp_path):
    rec = record(tmp_path, "数量指标：培训乡村医生200人次，实际完成215人次；新建村卫生室12个，实际完成12个。")
    got = rows(rec)
    assert (text(got["培训乡村医生"]["target"]), text(got["培训乡村医生"]["actual"])) == ("200人次", "215人次")
    assert (text(got["新建村卫生室"]["target"]), text(got["新建村卫生室"]["actual"])) == ("12个", "12个")
    assert got["培训乡村医生"]["level2"] == "数量指标"
    # the evidence quotes the row from its name to its actual, as printed
    assert got["培训乡村医生"]["evidence"]["quote"] == "培训乡村医生200人次，实际完成215人次"
    assert got["新建村卫生室"]["evidence"]["quote"] == "新建村卫生室12个，实际完成12个"


def test_numbered_target_and_actual_with_points_in_brackets(tmp_path):
    rec = record(tmp_path, "（1）受助学生人数：目标值≥3000人，实际完成3125人（分值10分，得分10分）。")
    row = rows(rec)["受助学生人数"]
    assert row["target"]["text"] == "≥3000人" and row["target"]["op"] == ">=" and row["target"]["value"] == 3000
    assert row["actual"]["text"] == "3125人" and row["actual"]["value"] == 3125
    assert row["weight"]["value"] == 10 and row["score"]["value"] == 10
    assert row["actual"] is not None and "分值" not in row["actual"]["text"]


def test_completion_of_a_target(tmp_path):
    rec = record(tmp_path, "资助家庭困难学生3125人，完成年度目标（3000人）的104.2%。")
    row = rows(rec)["资助家庭困难学生"]
    assert (text(row["target"]), text(row["actual"])) == ("3000人", "3125人")
    assert row["completion"]["value"] == 104.2


def test_rate_with_its_target_in_brackets(tmp_path):
    rec = record(tmp_path, "时效指标：补助资金拨付及时率达100%（目标≥95%）。")
    row = rows(rec)["补助资金拨付及时率"]
    assert (text(row["target"]), text(row["actual"])) == ("≥95%", "100%")
    assert row["level2"] == "时效指标"


def test_levels_glued_before_the_name_are_no_part_of_it(tmp_path):
    rec = record(tmp_path, "产出指标数量指标改造农村公路里程：目标不少于35公里，实际完成36.5公里。")
    row = rows(rec)["改造农村公路里程"]
    assert (row["level1"], row["level2"]) == ("产出指标", "数量指标")
    assert (text(row["target"]), text(row["actual"])) == ("不少于35公里", "36.5公里")


def test_target_and_actual_lists(tmp_path):
    rec = record(tmp_path, "项目年度绩效目标：维修山塘12座，培训农民300人次。实际完成：维修山塘12座，培训农民326人次。")
    got = rows(rec)
    assert (text(got["维修山塘"]["target"]), text(got["维修山塘"]["actual"])) == ("12座", "12座")
    assert (text(got["培训农民"]["target"]), text(got["培训农民"]["actual"])) == ("300人次", "326人次")
    assert got["培训农民"]["rule"] == "indicators:lists"


def test_several_indicators_sharing_one_value(tmp_path):
    rec = record(tmp_path, "社会效益指标：村道完好率、路灯亮灯率均达到100%。")
    got = rows(rec)
    assert text(got["村道完好率"]["actual"]) == "100%" and got["村道完好率"]["target"] is None
    assert text(got["路灯亮灯率"]["actual"]) == "100%"


def test_a_target_set_out_then_its_actual_in_the_results(tmp_path):
    rec = record(tmp_path, "（一）年度绩效目标\n数量指标：新建污水管网≥8公里；\n二、绩效目标完成情况\n数量指标：新建污水管网实际完成8.6公里。")
    row = rows(rec)["新建污水管网"]
    assert (text(row["target"]), text(row["actual"])) == ("≥8公里", "8.6公里")


@pytest.mark.parametrize("body", [
    "全年共开展活动12次，培训人员150人次，发放宣传资料3000份。",
    "截至年底，实际支出资金86.5万元，惠及群众3200人。",
    "项目预算100万元，实际完成95万元。",  # money of the project, not an indicator
    "项目目标是改善群众生活条件，全年共建成服务站6个。",
])
def test_figures_no_text_marks_as_an_indicator_give_no_row(tmp_path, body):
    assert record(tmp_path, body)["indicators"] == []


def test_a_result_that_exceeds_is_no_target(tmp_path):
    # "均超过80%" states what was achieved: no target read from it
    rec = record(tmp_path, "满意度指标：通过问卷调查，退休人员及移交企业满意度均超过80%。")
    assert all(i["target"] is None for i in rec["indicators"])


def test_a_prose_label_line_is_no_glued_table_row(tmp_path):
    rec = record(tmp_path, "数量指标：新增就业岗位数5897个，已完成。")
    assert [(i["name"], text(i["target"]), text(i["actual"])) for i in rec["indicators"]] == [("新增就业岗位数", None, "5897个")]


def test_shapes_with_other_seeds():
    rng = random.Random(2)
    for shape in rng.sample(indicator_shapes.SHAPES, 6):
        right, *_ , notes = indicator_shapes.score_shape(shape, n=3, seed=rng.randint(10, 99), verbose=True)
        assert right == 3, (shape.id, notes)


def test_a_figure_set_out_as_a_goal_is_the_target(tmp_path):
    rec = record(tmp_path, "（二）项目绩效目标设定情况\n质量指标：危房改造验收合格率100%；\n三、绩效目标完成情况\n质量指标：危房改造验收合格率实际完成100%。")
    row = rows(rec)["危房改造验收合格率"]
    assert (text(row["target"]), text(row["actual"])) == ("100%", "100%")


def test_target_words_that_name_the_indicator(tmp_path):
    rec = record(tmp_path, "2.计划培训家政服务人员260人次，实际培训家政服务人员284人次。")
    row = rows(rec)["培训家政服务人员"]
    assert (text(row["target"]), text(row["actual"])) == ("260人次", "284人次")


def test_figures_under_a_label_and_its_status(tmp_path):
    rec = record(tmp_path, "1.产出指标全部完成，走访慰问老党员86人，发放慰问品86份。")
    got = rows(rec)
    assert text(got["走访慰问老党员"]["actual"]) == "86人" and got["走访慰问老党员"]["target"] is None


@pytest.mark.parametrize("body", [
    "产出指标满分35分，得31.2分；效益指标满分25分，得21.6分。",  # points of a level, not rows
    "满意度指标：对受助对象开展电话回访，回访152人次，满意度97.5%。",  # the survey's count is no row
    "①数量指标：2023年，全县共有二级指标3个。",  # a year, an ordinal
    "1.产出指标完成情况：全年慰问困难群众110户，标准为每户400元。",  # a section's narrative
])
def test_figures_a_label_does_not_make_rows(tmp_path, body):
    names = [i["name"] for i in record(tmp_path, body)["indicators"]]
    assert names in ([], ["满意度"]), names
