"""The 自评表 in every flattening real sites produce (scripts/table_shapes.py): a fixed sample of synthetic
tables, each template in each flattening with and without the noise real pages add, read right; and the
shapes that sample found, one test each with the values asserted."""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.parse import parse_file
from pipeline.record import extract_record

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import table_shapes  # noqa: E402


@pytest.mark.parametrize("noise", ["none", "all"])
@pytest.mark.parametrize("how", table_shapes.FLATTENINGS)
@pytest.mark.parametrize("template", table_shapes.TEMPLATES)
def test_every_flattening_reads_the_headline_facts(template, how, noise):
    rng = random.Random(f"test-{template}-{how}-{noise}")
    for _ in range(3):
        table = table_shapes.MAKERS[template](rng)
        if table_shapes.ambiguous(table, how):
            continue
        text = table_shapes.add_noise(table, noise, how)
        result = table_shapes.compare(table, table_shapes.read(text))
        assert all(v == "right" for v in result.values()), f"{result}\n{text}"


def record(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "form.txt"
    path.write_text(text, encoding="utf-8")
    return extract_record(parse_file(path))


def value(rec: dict, section: str, name: str):
    node = rec[section][name]
    return None if node is None else Decimal(str(node["value"]))


HEADER = "项目资金（万元）年初预算数全年预算数全年执行数分值执行率得分\n"


def test_spaced_total_label_in_a_pipe_table_is_the_total_row(tmp_path):
    # the label spaced out to fill its cell is the 年度资金总额 row, not a row to skip: without it the
    # 其中 row gave the budget and the rate was lost
    text = (
        "2022年度项目支出绩效自评表\n"
        "| 项目资金（万元） | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
        "| | 年 度 资 金 总 额 | 120.00 | 150.00 | 135.00 | 10 | 90.00% | 9.00 |\n"
        "| | 其中：当年财政拨款 | 100.00 | 130.00 | 120.00 | — | | — |\n"
    )
    rec = record(tmp_path, text)
    assert value(rec, "budget", "initial") == Decimal("1200000")
    assert value(rec, "budget", "full_year") == Decimal("1500000")
    assert value(rec, "budget", "spent") == Decimal("1350000")
    assert value(rec, "budget", "execution_rate") == Decimal("90.00")
    assert rec["budget"]["full_year"]["rule"] == "tables:funds:total:full_year"
    # the evidence quotes the cell as printed, spaces included
    assert rec["budget"]["full_year"]["evidence"]["quote"] == "150.00"


def test_whole_yuan_amounts_glued_without_separators_are_cut_by_arithmetic(tmp_path):
    # three equal whole amounts, the 分值, the rate and the score in one run of digits: the header's columns
    # cannot cut it (the last figure "10" is no amount), the decoder can
    rec = record(tmp_path, "2021年度项目支出绩效自评表\n" + HEADER + "年度资金总额19435194351943510100%10\n")
    assert value(rec, "budget", "full_year") == Decimal("194350000")
    assert value(rec, "budget", "spent") == Decimal("194350000")
    assert value(rec, "budget", "execution_rate") == Decimal("100")
    assert rec["budget"]["spent"]["rule"].startswith("tables:funds:decoded:national")


def test_amounts_with_their_unit_glued_into_the_total_row_are_decoded(tmp_path):
    # "万元" printed after each amount of the glued total row: read by the decoder, not from the 其中 row
    text = (
        "2020年度项目支出绩效自评表\n" + HEADER
        + "年度资金总额3374.50万元3374.50万元3206.00万元1095.01%9.50\n"
        + "其中：当年财政拨款3374.503374.503206.00——\n"
    )
    rec = record(tmp_path, text)
    assert value(rec, "budget", "initial") == Decimal("33745000")
    assert value(rec, "budget", "full_year") == Decimal("33745000")
    assert value(rec, "budget", "spent") == Decimal("32060000")
    assert value(rec, "budget", "execution_rate") == Decimal("95.01")
    assert rec["budget"]["spent"]["evidence"]["quote"] == "3206.00"


def test_spaced_label_glued_to_its_figures(tmp_path):
    text = "2019年度项目支出绩效自评表\n" + HEADER + "年 度 资 金 总 额80.0080.0072.001090.00%9.00\n总 分10092.50\n"
    rec = record(tmp_path, text)
    assert value(rec, "budget", "full_year") == Decimal("800000")
    assert value(rec, "budget", "spent") == Decimal("720000")
    assert value(rec, "score", "total") == Decimal("92.50")


def test_a_whole_number_fraction_does_not_confirm_three_quarters(tmp_path):
    # a distribution table's 合计 row (3020 = 1520 + 360 + 1140) followed by a row number "1": read as a
    # funds row, "1" as a fraction held for 1140 ÷ 1520 = 0.75; a fraction printed whole confirms only ≈ 1.00
    text = (
        "2023年资金下达情况\n序号\n地  区\n小计\n一般项目\n(万元)\n重点项目\n(万元)\n绩效奖励\n(万元)\n"
        "合  计\n3020\n1520\n360\n1140\n1\n市本级\n150\n"
    )
    rec = record(tmp_path, text)
    assert value(rec, "budget", "spent") is None
    assert value(rec, "budget", "execution_rate") is None


def _indicator(rec: dict, name: str) -> dict:
    found = [i for i in rec["indicators"] if i["name"] == name]
    assert found, [i["name"] for i in rec["indicators"]]
    return found[0]


INDICATOR_HEADER = "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及\n改进措施\n"


def test_level_cell_wrapped_onto_the_next_line_is_one_row_again(tmp_path):
    # the 二级 cell wrapped ("服务对象满意" / "度指标"), and the header's last cell too: the row is read whole,
    # and the header's leftover words are not glued to a later indicator's name
    text = (
        "2023年度项目支出绩效自评表\n" + INDICATOR_HEADER
        + "产出指标 数量指标 维修路灯数量 ≥120盏 126盏 30 30\n"
        + "满意度指标 服务对象满意\n度指标 沿线居民满意度 ≥90% 92% 10 10\n"
    )
    rec = record(tmp_path, text)
    ind = _indicator(rec, "沿线居民满意度")
    assert (ind["level1"], ind["level2"]) == ("满意度指标", "服务对象满意度指标")
    assert (ind["target"]["text"], ind["actual"]["text"], ind["weight"]["value"], ind["score"]["value"]) == ("≥90%", "92%", 10, 10)


def test_level_printed_one_character_per_line(tmp_path):
    text = (
        "2023年度项目支出绩效自评表\n" + INDICATOR_HEADER
        + "产\n出\n指\n标 数量指标 放映场次 ≥60场 64场 20 20\n"
        + "效\n益\n指\n标 社会效益\n指标 观影群众人次 ≥3万人次 3.2万人次 10 10\n"
    )
    rec = record(tmp_path, text)
    first = _indicator(rec, "放映场次")
    assert (first["level1"], first["level2"], first["target"]["text"]) == ("产出指标", "数量指标", "≥60场")
    second = _indicator(rec, "观影群众人次")
    assert (second["level1"], second["level2"]) == ("效益指标", "社会效益指标")
    assert (second["actual"]["text"], second["score"]["value"]) == ("3.2万人次", 10)


def test_effect_level_without_its_wrapped_suffix(tmp_path):
    # "社会效益" with its "指标" wrapped below the row: the level, not part of the indicator's name
    text = (
        "2019年度项目支出绩效自评表\n" + INDICATOR_HEADER
        + "产出指标 成本指标 单位运行成本 ≤40万元 38万元 20 20\n"
        + "效益指标 社会效益 审批办结效率 ≥85% ≥85% 15 15\n指标\n"
    )
    rec = record(tmp_path, text)
    ind = _indicator(rec, "审批办结效率")
    assert ind["level2"] == "社会效益"
    assert (ind["weight"]["value"], ind["score"]["value"]) == (15, 15)


def test_grade_on_its_own_row_of_a_pipe_table(tmp_path):
    text = "2022年度项目支出绩效自评表\n| 总分 | | | | | 100 | 93.50 | |\n| 自评等级 | 优 |\n"
    rec = record(tmp_path, text)
    assert value(rec, "score", "total") == Decimal("93.50")
    assert rec["score"]["grade"]["value"] == "优"
    assert rec["score"]["grade"]["rule"] == "tables:total:grade"


def test_rate_printed_as_a_fraction_in_a_table_row(tmp_path):
    # 0.9100 under 执行率 where 71435.4550 ÷ 78500.5000 = 0.91: the rate is 91%, not 0.91%
    text = (
        "2021年度项目支出绩效自评表\n"
        "| 项目资金（万元） | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
        "| | 年度资金总额 | 78500.5000 | 78500.5000 | 71435.4550 | 10 | 0.9100 | 9.10 |\n"
    )
    rec = record(tmp_path, text)
    assert value(rec, "budget", "execution_rate") == Decimal("91")
    assert rec["budget"]["execution_rate"]["rule"] == "tables:funds:total:rate:fraction"


def test_fraction_rate_with_the_initial_column_left_empty(tmp_path):
    # the empty 年初 cell dropped by the flattening: five figures for six columns are cut by arithmetic
    rec = record(tmp_path, "2020年度项目支出绩效自评表\n" + HEADER.replace("（万元）", "（万元） ")
                 + "年度资金总额 25294.73 25294.73 10 1.0000 10\n")
    assert value(rec, "budget", "initial") is None
    assert value(rec, "budget", "full_year") == Decimal("252947300")
    assert value(rec, "budget", "spent") == Decimal("252947300")
    assert value(rec, "budget", "execution_rate") == Decimal("100")


def test_a_rate_printed_without_decimals_confirms_no_reading_alone(tmp_path):
    # "79907990431554.01%": 7990 | 7990 | 4315 | 54.01% (4315 ÷ 7990 = 54.01%), not 79907990 | 431554.0 | 1%
    # (0.54% rounds to 1% only because "1%" is so coarse)
    text = (
        "2018年度项目支出绩效自评表\n项目资金（万元）预算安排情况（调整后）到位数执行数预算执行进度\n"
        "年度资金总额79907990431554.01%\n"
    )
    rec = record(tmp_path, text)
    assert value(rec, "budget", "full_year") == Decimal("79900000")
    assert value(rec, "budget", "received") == Decimal("79900000")
    assert value(rec, "budget", "spent") == Decimal("43150000")
    assert value(rec, "budget", "execution_rate") == Decimal("54.01")


@pytest.mark.parametrize(
    "row, name, target, actual, weight, score",
    [
        ("群众出行便利度有效提升有效提升1010", "群众出行便利度", "有效提升", "有效提升", 10, 10),
        ("管护制度健全情况健全基本健全53管护人员不足", "管护制度健全情况", "健全", "基本健全", 5, 3),
        ("工程完工时间2022年11月底前2022年11月55", "工程完工时间", "2022年11月底前", "2022年11月", 5, 5),
    ],
)
def test_glued_indicator_rows_in_words(tmp_path, row, name, target, actual, weight, score):
    rec = record(tmp_path, "2022年度项目支出绩效自评表\n" + INDICATOR_HEADER + "产出指标时效指标" + row + "\n")
    ind = _indicator(rec, name)
    assert (ind["target"]["text"], ind["actual"]["text"]) == (target, actual)
    assert (ind["weight"]["value"], ind["score"]["value"]) == (weight, score)


def test_indicator_rows_glued_into_one_run_of_text(tmp_path):
    # a doc-sharing site's copy of a form: every separator dropped, stray spaces where cells wrapped, the
    # funds rows glued in front; each row is found by its pair of figures printed alike
    text = (
        "2022年度项目支出绩效自评表\n"
        "1、项目资金(万元)年初预算数全年预算数全年执行数年度资金总额86.5086.5086.50绩效指标一级指标二级指标三级指标"
        "年度指标值实际完成值产出指标(50分)数量指标维修农村公路里程42公里42公里质量指标工程验收合格 率100%100%"
        "时效指标工程完工及时率95%98%效益指标社会效益指标群众出行便利度提升明显提升明显满意度指标沿线群众满意度90%93%\n"
    )
    rec = record(tmp_path, text)
    rows = {i["name"]: (i["target"]["text"], i["actual"]["text"]) for i in rec["indicators"] if i["rule"] == "tables:indicator:glued-stream"}
    assert rows == {
        "维修农村公路里程": ("42公里", "42公里"),
        "工程验收合格率": ("100%", "100%"),  # the wrap space left out of the name
        "工程完工及时率": ("95%", "98%"),
        "沿线群众满意度": ("90%", "93%"),
    }
    ind = _indicator(rec, "工程完工及时率")
    assert ind["target"]["value"] == 95 and ind["actual"]["value"] == 98
    assert (ind["level1"], ind["level2"]) == ("产出指标", "时效指标")
    assert ind["evidence"]["quote"] == "工程完工及时率95%98%"
    assert _indicator(rec, "工程验收合格率")["evidence"]["quote"] == "工程验收合格 率100%100%"  # as printed


def test_a_weight_and_score_pair_is_no_target_and_actual(tmp_path):
    # "1010" after a name is the row's 分值 and 得分, and "2020年" a year: neither is a row's figures
    text = (
        "2020年度项目支出绩效自评表\n"
        "数量指标建设普通省道二级公路里程2020年完成质量指标建设符合验收要求1010时效指标按期完成投资1010\n"
    )
    rec = record(tmp_path, text)
    assert not [i for i in rec["indicators"] if i["rule"] == "tables:indicator:glued-stream"]


def test_the_forms_numbering_placeholder_is_no_part_of_the_name(tmp_path):
    text = "2021年度项目支出绩效自评表\n" + INDICATOR_HEADER + "产出指标 数量指标 指标1:新建村道 820m 820m 20 20\n指标2：硬化晒场 1200平方米 1200平方米 10 10\n"
    rec = record(tmp_path, text)
    assert _indicator(rec, "新建村道")["target"]["text"] == "820m"
    assert _indicator(rec, "硬化晒场")["actual"]["text"] == "1200平方米"


@pytest.mark.parametrize("row", ["合计 120.00 108.00 90.00% 10 9.00", "合计120.00108.0090.00%109.00"])
def test_a_form_that_prints_the_weight_after_the_rate(tmp_path, row):
    # "执行率 分值" are two columns, not the one "执行率权重"; a percentage never lands in the 分值 column
    # (read so, 10 would have been the score and SCORE-EXEC a false error)
    rec = record(tmp_path, f"2022年度项目支出绩效自评表\n资金（万元） 预算数 执行数 执行率 分值 得分\n{row}\n")
    assert value(rec, "budget", "full_year") == Decimal("1200000")
    assert value(rec, "budget", "spent") == Decimal("1080000")
    assert value(rec, "budget", "execution_rate") == Decimal("90.00")
    assert not [f for f in rec["findings"] if f["check"] == "SCORE-EXEC"]


# The generator's rows that miss their target lose a point or two whatever the shortfall, as real forms
# often do: those are findings the figures state. Nothing else in a generated table contradicts itself.
_STATED_BY_GENERATOR = {"SCORE-QUANT-POS", "SCORE-QUANT-NEG"}


@pytest.mark.parametrize("how", table_shapes.FLATTENINGS)
@pytest.mark.parametrize("template", table_shapes.TEMPLATES)
def test_a_consistent_table_gives_no_error_in_any_flattening(template, how):
    for noise in ("none", "all"):
        rng = random.Random(f"fa-{template}-{how}-{noise}")
        for _ in range(2):
            table = table_shapes.MAKERS[template](rng)
            rec = table_shapes.read(table_shapes.add_noise(table, noise, how))
            errors = [f"{f['check']}: {f['message']}" for f in rec["findings"] if f["severity"] == "error" and f["check"] not in _STATED_BY_GENERATOR]
            assert not errors


def test_deviation_reason_of_a_row_printed_one_cell_per_line(tmp_path):
    cells = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施",
             "产出指标", "数量指标", "培训人次", "≥300人次", "320人次", "20", "20",
             "质量指标", "结业考核合格率", "≥95%", "91%", "20", "18", "部分学员缺考", "成本指标", "人均培训成本", "≤800元", "760元", "20", "20"]
    rec = record(tmp_path, "2023年度项目支出绩效自评表\n" + "\n".join(cells) + "\n")
    assert _indicator(rec, "结业考核合格率")["deviation_reason"] == "部分学员缺考"
    assert _indicator(rec, "培训人次")["deviation_reason"] is None
    assert _indicator(rec, "人均培训成本")["target"]["text"] == "≤800元"
    assert not [f for f in rec["findings"] if f["check"] == "NARR-DEVIATION-REASON"]


def test_no_execution_ceiling_on_a_form_whose_indicators_take_all_the_points(tmp_path):
    # the indicators' 分值 add up to 100 and no 预算执行率 分值 is printed: a 68% rate puts no ceiling on 99
    text = (
        "2021年度项目支出绩效自评表\n项目资金（万元） 预算安排情况（调整后） 到位数 执行数 预算执行进度\n"
        "年度资金总额 500.00 500.00 340.00 68.00%\n" + INDICATOR_HEADER
        + "产出指标 数量指标 新建机耕道 12公里 12公里 40 40\n产出指标 质量指标 验收合格率 100% 100% 30 30\n"
        + "满意度指标 服务对象满意度指标 群众满意度 ≥90% 95% 30 29\n总分 100 99\n"
    )
    rec = record(tmp_path, text)
    assert value(rec, "budget", "execution_rate") == Decimal("68.00")
    assert not [f for f in rec["findings"] if f["check"] == "GRADE-EXEC-CEILING"]


def test_a_sentence_after_a_level_name_is_no_glued_row(tmp_path):
    rec = record(tmp_path, "2022年度项目绩效自评报告\n数量指标：培训人次目标100人次，实际完成180人次，得20分。\n")
    assert [(i["name"], i["target"]["text"], i["actual"]["text"]) for i in rec["indicators"]] == [("培训人次", "100人次", "180人次")]
    assert not [f for f in rec["findings"] if f["check"] == "COMP-ZERO-SCORE-REASON"]


def test_source_rows_summed_at_the_foot_are_held_against_their_total(tmp_path):
    # 中央/省/市/县 rows first, 合计 last (forms that sum at the foot): 800 + 300 + 60 + 30 = 1190, not 1200
    rec = record(tmp_path, """2017年度专项资金绩效自评表
资金来源 | 预算数（万元） | 实际支出（万元） | 执行率 |
中央补助资金 | 800 | 760 | 95% |
省级资金 | 300 | 250 | 83.33% |
市级资金 | 60 | 40 | 66.67% |
县级资金 | 30 | 30 | 100% |
总计 | 1200 | 1080 | 90% |
""")
    assert (value(rec, "budget", "full_year"), value(rec, "budget", "spent")) == (Decimal("12000000"), Decimal("10800000"))
    [f] = [f for f in rec["findings"] if f["check"] == "ARITH-FUND-ROWS"]
    assert "合计1190万元" in f["message"] and Decimal(str(f["expected"])) == Decimal("11900000")
    # the same form whose rows do add up gives nothing, and 30万元 beside 300万元 is no unit slip
    rec = record(tmp_path, """2017年度专项资金绩效自评表
资金来源 | 预算数（万元） | 实际支出（万元） | 执行率 |
中央补助资金 | 800 | 760 | 95% |
省级资金 | 300 | 250 | 83.33% |
市级资金 | 70 | 40 | 57.14% |
县级资金 | 30 | 30 | 100% |
总计 | 1200 | 1080 | 90% |
""")
    assert [f["check"] for f in rec["findings"] if f["check"] in ("ARITH-FUND-ROWS", "ARITH-UNIT")] == []


def test_beijing_form_without_full_year_column_reads_the_initial_budget(tmp_path):
    # the 2016 form prints only 年初预算数(A) and 全年执行数(B); glued, the two amounts could be 全年 and 执行
    # as on most forms, but the header names 年初 and no 全年 column
    text = (
        "2016年度项目支出绩效自评表\n"
        "项目资金（万元）年初预算数（A）全年执行数（B）分值执行率（B/A）得分得分计算方法\n"
        "年度资金总额120.50110.501091.70%9.17执行率×分值\n"
    )
    rec = record(tmp_path, text)
    assert value(rec, "budget", "initial") == Decimal("1205000")
    assert rec["budget"]["full_year"] is None
    assert value(rec, "budget", "spent") == Decimal("1105000")
    assert value(rec, "budget", "execution_rate") == Decimal("91.70")
    assert "initial-only" in rec["budget"]["initial"]["rule"]


def test_two_amounts_under_a_national_header_stay_full_year_and_spent(tmp_path):
    text = (
        "2021年度项目支出绩效自评表\n"
        "项目资金（万元）年初预算数全年预算数全年执行数分值执行率得分\n"
        "年度资金总额120.50110.501091.70%9.17\n"
    )
    rec = record(tmp_path, text)
    assert value(rec, "budget", "full_year") == Decimal("1205000")
    assert rec["budget"]["initial"] is None


def test_sichuan_rows_one_cell_per_line_with_kind_and_unit_cells(tmp_path):
    # 指标性质 and 度量单位 have cells of their own; blank cells are dropped, so rows differ in width and
    # several rows follow one level name: each row ends at its 权重 and 得分
    cells = [
        "2023年项目支出绩效自评表", "预算执行情况（万元）（10分）", "年初预算", "调整后预算数", "预算执行数",
        "预算执行率", "权重", "得分", "原因", "总额", "80.00", "100.00", "95.00", "95.00%", "10", "9.5",
        "绩效指标（90分）", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分",
        "未完成原因分析", "产出指标", "数量指标", "培训人次", "≥", "300", "人次", "320人次", "30", "30",
        "质量指标", "考核合格率", "=", "100", "%", "96%", "30", "27", "个别学员补考", "验收通过率", "=", "100",
        "%", "100%", "10", "10", "效益指标", "社会效益指标", "群众知晓度", "定性", "明显提高", "明显提高", "20", "20",
    ]
    rec = record(tmp_path, "\n".join(cells) + "\n")
    assert value(rec, "budget", "initial") == Decimal("800000")
    assert value(rec, "budget", "full_year") == Decimal("1000000")
    assert value(rec, "budget", "spent") == Decimal("950000")
    rows = {i["name"]: i for i in rec["indicators"]}
    assert rows["培训人次"]["target"]["text"] == "≥300人次"
    assert rows["考核合格率"]["actual"]["text"] == "96%"
    assert rows["考核合格率"]["score"]["value"] == 27
    assert rows["考核合格率"]["deviation_reason"] == "个别学员补考"
    assert rows["验收通过率"]["target"]["text"] == "=100%"
    assert rows["群众知晓度"]["target"]["text"] == "明显提高"


def test_method_cell_after_the_scores_is_no_deviation_reason(tmp_path):
    text = (
        "一级指标 二级指标 三级指标 年度指标值（A） 全年实际值（B） 分值 得分 得分计算方法 未完成原因分析\n"
        "产出指标 数量指标 培训人数 ≥200人 180人 20 18 B/A×分值 部分学员延期\n"
        "质量指标 合格率 100% 100% 20 20 B/A×分值\n"
    )
    rec = record(tmp_path, text)
    rows = {i["name"]: i for i in rec["indicators"]}
    assert rows["培训人数"]["deviation_reason"] == "部分学员延期"
    assert rows["培训人数"]["score"]["value"] == 18
    assert rows["合格率"].get("deviation_reason") is None
    assert rows["合格率"]["weight"]["value"] == 20


def test_form_shown_as_column_value_lines(tmp_path):
    # a site that renders the form as a list: each row's label, then "column：value" lines
    text = "\n".join([
        "2022年度项目支出绩效自评表", "项目资金（万元）", "年度资金总额", "年初预算数：80.00", "全年预算数：96.50",
        "全年执行数：90.71", "分值：10", "执行率：94.00%", "得分：9.40", "产出指标", "数量指标", "维修校舍面积",
        "年度指标值：≥1200平方米", "实际完成值：1260平方米", "分值：30", "得分：30", "质量指标", "验收合格率",
        "年度指标值：100%", "实际完成值：95%", "分值：20", "得分：18", "偏差原因分析及改进措施：两处返工",
        "总分", "分值：100", "得分：91.40", "自评等级", "优",
    ]) + "\n"
    rec = record(tmp_path, text)
    assert value(rec, "budget", "initial") == Decimal("800000")
    assert value(rec, "budget", "full_year") == Decimal("965000")
    assert value(rec, "budget", "spent") == Decimal("907100")
    assert value(rec, "budget", "execution_rate") == Decimal("94.00")
    assert value(rec, "score", "total") == Decimal("91.40")
    assert rec["score"]["grade"]["value"] == "优"
    rows = {i["name"]: i for i in rec["indicators"]}
    assert rows["维修校舍面积"]["target"]["text"] == "≥1200平方米"
    assert rows["维修校舍面积"]["actual"]["text"] == "1260平方米"
    assert rows["维修校舍面积"]["level2"] == "数量指标"
    assert rows["验收合格率"]["score"]["value"] == 18
    assert rows["验收合格率"]["deviation_reason"] == "两处返工"
    assert rows["验收合格率"]["rule"] == "tables:indicator:pairs"


def test_target_in_cells_of_its_own_fixes_a_row_with_one_score_column(tmp_path):
    # 指标性质 | 指标值 | 度量单位 | 完成值 | one score figure: the target cells fix where the actual is; the one
    # figure after it may be the 分值 or the 得分, so neither is taken
    text = (
        "一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 分值 |\n"
        "产出指标 | 成本指标 | 路灯维修成本 | ≤ | 8 | 万元 | 7.5 | 10 |\n"
        "效益指标 | 社会效益指标 | 夜间照明覆盖率 | ≥ | 95 | % | 97 | 20 |\n"
    )
    rec = record(tmp_path, text)
    rows = {i["name"]: i for i in rec["indicators"]}
    assert rows["路灯维修成本"]["target"]["text"] == "≤8万元"
    assert rows["路灯维修成本"]["actual"]["text"] == "7.5"
    assert rows["路灯维修成本"]["weight"] is None and rows["路灯维修成本"]["score"] is None
    assert rows["夜间照明覆盖率"]["target"]["text"] == "≥95%"
    assert rows["夜间照明覆盖率"]["actual"]["text"] == "97"
    assert rows["夜间照明覆盖率"]["rule"].endswith(":target-cells")


DEPARTMENT_FORM = "\n".join([
    "2023年度部门整体支出绩效自评表", "年度预算申请（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
    "年度资金总额", "640.00", "815.40", "815.40", "10", "100%", "10",
    "按收入性质分：815.40", "按支出性质分：{spending}",
    "其中：一般公共预算：702.10", "其中：基本支出：{basic}",
    "政府性基金拨款：60.30", "项目支出：392.15",
    "纳入专户管理的非税收入拨款：", "其他资金：{other}",
])


def test_department_form_splits_read_and_held_against_the_total(tmp_path):
    rec = record(tmp_path, DEPARTMENT_FORM.format(spending="787.40", basic="395.25", other="53.00") + "\n")
    natures = [(r["kind"], r["row"], r["cells"].get("amount", {}).get("value")) for r in rec["budget_table"] if r["kind"].startswith("nature")]
    assert natures[:4] == [
        ("nature:income", "按收入性质分", 8154000), ("nature:spending", "按支出性质分", 7874000),
        ("nature-part:income", "一般公共预算", 7021000), ("nature-part:spending", "基本支出", 3952500),
    ]
    messages = [f["message"] for f in rec["findings"] if f["check"] == "ARITH-FUND-ROWS"]
    # 按支出性质分 787.40 is none of the total row's 640.00 / 815.40: a warning that quotes both
    assert any("按支出性质分”为787.4万元" in m and "815.4万元" in m for m in messages)
    # the income parts 702.10 + 60.30 + 53.00 = 815.40 hold; the spending parts 395.25 + 392.15 = 787.40 hold
    assert not any("其下各项" in m for m in messages)
    [f] = [f for f in rec["findings"] if f["check"] == "ARITH-FUND-ROWS"]
    assert f["severity"] == "warning"
    assert f["stated"] == 7874000


def test_department_form_split_whose_parts_do_not_add_up(tmp_path):
    rec = record(tmp_path, DEPARTMENT_FORM.format(spending="815.40", basic="423.25", other="50.00") + "\n")
    findings = [f for f in rec["findings"] if f["check"] == "ARITH-FUND-ROWS"]
    # income: 702.10 + 60.30 + 50.00 = 812.40, not 815.40 (an error); spending: 423.25 + 392.15 = 815.40 holds
    assert len(findings) == 1
    [f] = findings
    assert f["severity"] == "error"
    assert f["expected"] == 8124000 and f["stated"] == 8154000
    assert "按收入性质分" in f["message"] and "812.4万元" in f["message"]


def test_consistent_department_form_splits_give_no_finding(tmp_path):
    rec = record(tmp_path, DEPARTMENT_FORM.format(spending="815.40", basic="423.25", other="53.00") + "\n")
    assert [f for f in rec["findings"] if f["check"] == "ARITH-FUND-ROWS"] == []


def test_heading_with_the_unit_over_the_money_columns_is_no_column(tmp_path):
    # "年度预算数（万元）" heads 年初预算 | 调整后预算数 | 预算执行数: read as a column it shifted every figure
    # one column left (the 年初 0.00 taken as the full-year budget)
    text = (
        "部门预算项目支出绩效自评表（2023年度）\n"
        "| 预算执行情况（10分） | 年度预算数（万元） | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分 | 原因 |\n"
        "| 总额 | 0.00 | 25.80 | 24.51 | 95.00% | 10 | 9.5 | 执行率未达90%的应说明原因 |\n"
        "| 其中：财政资金 | 0.00 | 25.80 | 24.51 | 95.00% | / | / | |\n"
    )
    rec = record(tmp_path, text)
    assert value(rec, "budget", "initial") == Decimal("0")
    assert value(rec, "budget", "full_year") == Decimal("258000")
    assert value(rec, "budget", "spent") == Decimal("245100")
    assert value(rec, "budget", "execution_rate") == Decimal("95.00")
    assert rec["budget"]["full_year"]["rule"] == "tables:funds:total:full_year"


def test_nothing_spent_reads_the_budget_and_a_zero_rate(tmp_path):
    # a transfer that arrived late: 执行数 0 and 执行率 0 hold whatever the budget, so the row is read by
    # its header; a zero 得分 beside a zero rate confirms no 分值 either (it was read as 分值 1 before)
    cells = ["2021年度转移支付区域（项目）绩效目标自评表", "项目资金（万元）", "全年预算数（A）", "全年执行数（B）",
             "执行率（B/A）", "年度资金总额：", "1460.50", "0", "0", "其中：中央资金", "871", "0", "0", "地方资金",
             "589.50", "0", "0"]
    rec = record(tmp_path, "\n".join(cells) + "\n")
    assert value(rec, "budget", "full_year") == Decimal("14605000")
    assert value(rec, "budget", "spent") == Decimal("0")
    assert value(rec, "budget", "execution_rate") == Decimal("0")
    assert rec["budget"]["full_year"]["rule"] == "tables:funds:total:full_year"
    assert not [f for f in rec["findings"] if f["check"] == "ARITH-FUND-ROWS"]


def test_glued_cells_are_cut_where_the_rate_holds(tmp_path):
    # four decimals glued: cut at two or three decimals the rate would be 679.69%; the cut whose 执行率 is
    # 执行数 ÷ 预算数 is the row
    text = (
        "2022年度专项资金绩效自评表\n"
        "资金来源预算数（万元）实际支出（万元）执行率\n"
        "资金总额9837.73827839.920679.69%\n"
    )
    rec = record(tmp_path, text)
    assert value(rec, "budget", "full_year") == Decimal("98377382")
    assert value(rec, "budget", "spent") == Decimal("78399206")
    assert value(rec, "budget", "execution_rate") == Decimal("79.69")


def test_part_row_with_the_initial_left_out_keeps_its_amounts_in_their_columns(tmp_path):
    # "其中：当年财政拨款 | | 5192 | 0 | — | | —": with the blanks dropped, 5192 was taken for the 执行数
    # and the row held against the total as a part above it (a false ARITH-FUND-ROWS error)
    text = (
        "2023年度项目支出绩效自评表\n"
        "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
        "\t年度资金总额\t\t5192\t0\t10\t0.00%\t0.00\n"
        "\t其中：当年财政拨款\t\t5192\t0\t—\t\t—\n"
    )
    rec = record(tmp_path, text)
    part = next(r for r in rec["budget_table"] if r["kind"] == "part")
    assert part["cells"]["full_year"]["value"] == 51920000 and part["cells"]["spent"]["value"] == 0
    assert [f for f in rec["findings"] if f["check"] == "ARITH-FUND-ROWS"] == []


def test_glued_amounts_grouped_by_thousands(tmp_path):
    text = (
        "2024年度项目支出绩效自评表\n"
        "项目资金（元）年初预算数全年预算数全年执行数分值执行率得分\n"
        "年度资金总额598,550,100.00598,550,100.00556,651,593.001093.00%9.30\n"
    )
    rec = record(tmp_path, text)
    assert value(rec, "budget", "full_year") == Decimal("598550100.00")
    assert value(rec, "budget", "spent") == Decimal("556651593.00")
    assert value(rec, "budget", "execution_rate") == Decimal("93.00")


@pytest.mark.parametrize("row", ["120.00 150.00 135.00 10分 90.00% 9分", "120.00万元150.00万元135.00万元10分90.00%9.00分"])
def test_points_printed_with_their_unit(tmp_path, row):
    # "10分" and "9分" are the 预算执行率's 分值 and 得分; glued with their units the row still decodes
    text = f"2023年度项目支出绩效自评表\n项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n年度资金总额 {row}\n"
    rec = record(tmp_path, text)
    assert value(rec, "budget", "spent") == Decimal("1350000")
    [dim] = [d for d in rec["score"]["dimensions"] if d["name"] == "预算执行率"]
    assert dim["weight"]["value"] == 10 and dim["score"]["value"] == 9


def test_glued_row_whose_rate_lost_its_sign_is_not_guessed(tmp_path):
    # "…135.00109099": without a % sign the rate's digits could be cut anywhere; a cut that fills the 分值
    # and 得分 but not the rate (120.0015 | 0.0013 | 5.0010 | 90 | 99) is no reading
    text = "2023年度项目支出绩效自评表\n项目资金（万元）年初预算数全年预算数全年执行数分值执行率得分\n年度资金总额120.00150.00135.00109099\n"
    rec = record(tmp_path, text)
    assert all(rec["budget"][k] is None for k in ("initial", "full_year", "spent"))


@pytest.mark.parametrize("template", ["national", "beijing", "hebei", "transfer", "sichuan"])
@pytest.mark.parametrize("how", ["space", "pipe", "cell-lines", "markdown"])
def test_a_planted_rate_slip_is_found(template, how):
    # the funds row's rate printed 7 points off its own 执行数 ÷ 预算数: found by ARITH-EXEC-RATE (or
    # BUDGET-DENOMINATOR), whatever the form and its flattening. Beijing's form has no 全年预算数 and takes
    # the rate on the 年初预算数; the arrival form's row, whose arithmetic no longer holds, is read by the
    # header that names each of its columns
    rng = random.Random(f"plant-rate-{template}-{how}")
    for _ in range(2):
        table = table_shapes.plant(table_shapes.MAKERS[template](rng), "rate", rng)
        rec = table_shapes.read(table_shapes.add_noise(table, "none", how))
        found = [f for f in rec["findings"] if f["check"] in table_shapes.PLANTS["rate"] and f["severity"] in ("error", "warning")]
        assert found, table_shapes.add_noise(table, "none", how)


def test_transfer_form_part_named_without_zijin_is_a_part(tmp_path):
    # "其中：中央补助" (no 资金) is the transfer form's own row: with 地方资金 it must add up to the total
    text = (
        "2023年度中央对地方转移支付区域绩效目标自评表\n"
        "项目资金（万元） 全年预算数（A） 全年执行数（B） 预算执行率（B/A）\n"
        "年度资金总额： 418.66 418.66 100%\n"
        "其中：中央补助 286.36 318.66 100%\n"
        "地方资金 100.00 100.00\n"
        "其他资金\n"
    )
    rec = record(tmp_path, text)
    [f] = [f for f in rec["findings"] if f["check"] == "ARITH-FUND-ROWS"]
    assert f["stated"] == 4186600 and f["expected"] == 3863600


def test_total_of_a_form_whose_indicators_carry_all_the_marks(tmp_path):
    # the arrival variant scores no funds row: its indicators' 分值 add up to 100, so their 得分 are the
    # whole of the 总分 (96 here), and a 总分 of 93 is an ARITH-TOTAL finding
    text = (
        "2023年度项目支出绩效自评表\n"
        "项目资金（万元） 预算安排情况（调整后） 到位数 执行数 预算执行进度\n"
        "年度资金总额 200.00 200.00 190.00 95.00%\n"
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施\n"
        "产出指标 数量指标 培训人数 ≥200人 215人 40 40\n"
        "质量指标 验收合格率 100% 96% 30 26 两处返工\n"
        "满意度指标 服务对象满意度指标 受益群众满意度 ≥90% 93% 30 30\n"
        "总分 100 93\n"
    )
    rec = record(tmp_path, text)
    [f] = [f for f in rec["findings"] if f["check"] == "ARITH-TOTAL"]
    assert f["stated"] == 93 and f["expected"] == 96


def test_a_source_row_is_not_read_in_place_of_a_total_whose_rate_is_a_slip(tmp_path):
    # the 合计 row's rate (7%) does not hold, so the header reading is not trusted; the decoder then found
    # the first source row under the header (nothing spent, rate 0: it holds) and read it as the project's
    text = (
        "2022年度专项资金绩效自评表\n"
        "资金来源\t预算数（万元）\t实际支出（万元）\t执行率\n"
        "中央补助资金\t140.96\t0\t0%\n"
        "省级资金\t14.10\t0\t0%\n"
        "合计\t155.06\t0\t7%\n"
    )
    rec = record(tmp_path, text)
    assert value(rec, "budget", "full_year") == Decimal("1550600")
    assert value(rec, "budget", "execution_rate") == Decimal("7")
    assert [f["check"] for f in rec["findings"] if f["check"] in ("ARITH-EXEC-RATE", "BUDGET-DENOMINATOR")]


def test_a_part_label_wrapped_in_its_cell_is_one_row(tmp_path):
    # "其中：当年财政" / "拨款 …": the label wrapped in its narrow cell; read apart, neither piece named a
    # row and the funds table ended there, so the short part row was never held against the total
    text = (
        "2023年度项目支出绩效自评表\n"
        "项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n"
        "年度资金总额 120.00 150.00 135.00 10 90.00% 9.00\n"
        "其中：当年财政\n"
        "拨款 120.00 135.00 135.00 — 100.00% —\n"
        "上年结转资金 — —\n"
        "其他资金 — —\n"
    )
    rec = record(tmp_path, text)
    part = next(r for r in rec["budget_table"] if r["kind"] == "part")
    assert part["row"] == "其中：当年财政" and part["cells"]["full_year"]["value"] == 1350000
    [f] = [f for f in rec["findings"] if f["check"] == "ARITH-FUND-ROWS"]
    assert f["stated"] == 1500000 and f["expected"] == 1350000


OLDER_FORM = """2018年度农村教师培训项目支出绩效自评报告
项目实施单位 县教师进修学校 主管部门 县教育局
项目资金（万元） 合计 中央财政 省财政 市县财政 其他
计划投资额 60.00 36.00 24.00
实际到位资金 60.00 60.00
实际使用情况 58.50 36.00 22.50
"""


@pytest.mark.parametrize("how", ["space", "cell-lines"])
def test_a_row_of_figures_under_a_whole_column_gives_its_first_figure(tmp_path, how):
    # the older national form: one row per amount under 合计 | 中央财政 | 省财政 …; blank source cells drop
    # out when the table is flattened, but the 合计 figure is always the first
    text = OLDER_FORM if how == "space" else "\n".join(c for line in OLDER_FORM.splitlines() for c in line.split(" ")) + "\n"
    path = tmp_path / "older.txt"
    path.write_text(text, encoding="utf-8")
    rec = extract_record(parse_file(path))
    budget = rec["budget"]
    assert (budget["full_year"]["value"], budget["received"]["value"], budget["spent"]["value"]) == (600000, 600000, 585000)
    assert budget["spent"]["evidence"]["quote"] == "58.50"
    lines = text.splitlines()
    assert lines[budget["spent"]["evidence"]["block"]].startswith(("实际使用情况", "58.50"))


def test_a_row_of_figures_under_columns_of_years_stays_unread(tmp_path):
    # 2021年决算 | 2022年预算 | 2022年决算: no column is the whole, so the label heads them all
    text = OLDER_FORM.replace("合计 中央财政 省财政 市县财政 其他", "2021年决算数 2022年预算数 2022年决算数")
    text = text.replace("项目资金（万元）", "经费情况（万元）")
    path = tmp_path / "years.txt"
    path.write_text(text, encoding="utf-8")
    rec = extract_record(parse_file(path))
    assert rec["budget"]["full_year"] is None and rec["budget"]["spent"] is None


def test_the_execution_ceiling_on_a_form_that_prints_no_execution_block_is_a_warning(tmp_path):
    # 55.50 / 60.00 = 92.5%: under the national form's 10 points the total could be at most 99.25; this
    # form prints 项目决策/项目管理/项目绩效 and no 预算执行率 分值, so the ceiling may not apply
    text = OLDER_FORM.replace("58.50 36.00 22.50", "55.50 36.00 19.50") + "一级指标 分值 得分\n项目决策 20 20\n项目管理 25 25\n项目绩效 55 55\n总分 100 100\n评价等次 优秀\n"
    path = tmp_path / "older.txt"
    path.write_text(text, encoding="utf-8")
    found = [f for f in extract_record(parse_file(path))["findings"] if f["check"] == "GRADE-EXEC-CEILING"]
    assert [f["severity"] for f in found] == ["warning"]
    assert "请核对所用表式" in found[0]["message"] and Decimal(str(found[0]["expected"])) == Decimal("99.25")


def test_a_glued_percentage_above_100_beside_an_actual_of_100_lost_a_digit_to_the_cell_before(tmp_path):
    # "…满意度调查290%96%": the 2 is the cell before (a weight), the target 90%
    text = ("2020年度县级专项资金绩效目标自评表\n"
            "1、2020年度县级专项资金绩效目标自评表专项资金名称县级储备粮负责人张三\n"
            "2、产出指标数量指标储备粮轮换数量500吨520吨质量指标管理制度执行率100%100%\n"
            "3、满意度指标服务对象满意度指标安全事故发生数0起0起群众满意度调查290%96%说明无\n")
    path = tmp_path / "glued.txt"
    path.write_text(text, encoding="utf-8")
    rows = {i["name"]: (i["target"]["text"], i["actual"]["text"]) for i in extract_record(parse_file(path))["indicators"]}
    assert rows["群众满意度调查"] == ("90%", "96%")
    assert rows["管理制度执行率"] == ("100%", "100%") and rows["储备粮轮换数量"] == ("500吨", "520吨")


SHANDONG_HEADER = ["一级指标", "二级指标", "三级指标", "指标性质", "指标方向", "年度指标值", "实际完成值", "计量单位", "分值", "得分", "偏差原因分析及改进措施"]
SHANDONG_ROWS = [
    ["产出指标", "数量指标", "指标1：巡查次数（次）", "正向", "大于等于", "12", "14", "次", "20", "20", ""],
    ["", "质量指标", "指标1：巡查覆盖率", "正向", "等于", "100", "95", "%", "20", "18", "两个村因道路施工未巡查"],
]


@pytest.mark.parametrize("how", ["cell-lines", "pipe"])
def test_a_comparison_in_words_in_its_own_column_and_the_unit_after_the_actual(tmp_path, how):
    # 指标性质 (正向) names the indicator's kind, 指标方向 the comparison; the 计量单位 stands after the actual,
    # apart from both figures
    rows = [SHANDONG_HEADER, *SHANDONG_ROWS]
    if how == "pipe":
        body = "\n".join("| " + " | ".join(r) + " |" for r in rows)
    else:
        body = "\n".join(c for r in rows for c in r if c)
    rec = record(tmp_path, "2023年度项目支出绩效自评表\n" + body + "\n")
    first = _indicator(rec, "巡查次数（次）")  # the form's numbering placeholder (指标1：) is no part of the name
    assert (first["target"]["text"], first["actual"]["text"]) == ("大于等于12", "14")
    assert (first["weight"]["value"], first["score"]["value"]) == (20, 20)
    second = _indicator(rec, "巡查覆盖率")
    assert (second["target"]["text"], second["actual"]["text"], second["score"]["value"]) == ("等于100", "95", 18)
    assert second["deviation_reason"] == "两个村因道路施工未巡查"


def test_a_total_row_run_into_the_rows_before_it_with_each_levels_scale(tmp_path):
    # the older form flattened by spaces: the 总分 row on the same line as the last rows, its 分值 printed
    # once per level column (100 100 100) before the score
    text = "2019年度项目绩效评价报告\n项目效益 40 社会效益 8 6 可持续影响 8 8 服务对象满意度 8 6 总分 100 100 100 81.5 评价等次 良\n"
    rec = record(tmp_path, text)
    assert value(rec, "score", "total") == Decimal("81.5") and rec["score"]["grade"]["value"] == "良"


@pytest.mark.parametrize("row", ["| 总分 | 100分 | 92.5分 |", "| 绩效评价总分 | 100 | 92.5 |", "| 自评总得分 | 100 | 92.5 |"])
def test_a_total_row_with_its_scale_is_one_total(tmp_path, row):
    # the 分值 before the 得分 is the form's scale, not a second total stated elsewhere
    rec = record(tmp_path, "2022年度项目支出绩效自评表\n" + row + "\n")
    assert value(rec, "score", "total") == Decimal("92.5")
    assert [f["check"] for f in rec["findings"] if f["severity"] != "info"] == []
