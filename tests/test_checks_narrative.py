"""Narrative, completeness, copy-paste and year checks (rulebook §B.6–B.8) on the seed reports, the devset
excerpts and altered copies of the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from helpers import DEVSET, SEED000, SEED001, CONSISTENT, altered_copy

from pipeline.checks.base import catalogue
from pipeline.checks.copy import TopicRules, foreign_funds, foreign_topics
from pipeline.checks.copy import rules as topic_rules
from pipeline.checks.narrative import NarrativeRules, claims_in, has_reason, text_block, unmet
from pipeline.checks.narrative import rules as narrative_rules
from pipeline.parse import parse_file
from pipeline.record import extract_record

MINE = (
    "NARR-AMOUNTS",
    "NARR-OVERCLAIM-WORDS",
    "NARR-SATISFACTION-BASIS",
    "NARR-NO-PROBLEMS",
    "NARR-DEVIATION-REASON",
    "COMP-REQUIRED-FIELDS",
    "COMP-NO-TARGETS",
    "COPY-REPEATED-SENTENCE",
    "COPY-FOREIGN-TEXT",
    "META-YEAR-CONFLICT",
)


def findings(path) -> list[dict]:
    return [f for f in extract_record(parse_file(path))["findings"] if f["check"] in MINE]


def of(found: list[dict], check: str, severity: str | None = None) -> list[dict]:
    return [f for f in found if f["check"] == check and (severity is None or f["severity"] == severity)]


def devset(name: str) -> Path:
    return DEVSET / "reports" / f"{name}.txt"


def altered(tmp_path: Path, seed: Path, replacements: list[tuple[str, str]]) -> Path:
    return altered_copy(seed.with_suffix(".txt"), tmp_path, replacements)


@pytest.fixture(scope="module")
def seed000() -> list[dict]:
    return findings(SEED000.with_suffix(".txt"))


@pytest.fixture(scope="module")
def seed001() -> list[dict]:
    return findings(SEED001.with_suffix(".txt"))


# -- the catalogue and the rules files ------------------------------------------------------------


def test_no_error_severity() -> None:
    """A narrative reading is never impossible under every profile: warnings and info only."""
    rules = {c.id: c for c in catalogue().checks}
    for check_id in MINE:
        rule = rules[check_id]
        assert rule.severity != "error", check_id
        assert "error" not in rule.severities.values(), check_id


def test_rule_examples_hold() -> None:
    assert narrative_rules().check() == []
    assert topic_rules().check() == []


def test_a_broken_example_is_reported() -> None:
    data = narrative_rules().model_dump()
    data["overclaim"]["counterexamples"].append("各项绩效目标全面完成。")
    data["satisfaction"]["examples"].append("满意度95%，经问卷调查得出。")
    problems = NarrativeRules.model_validate(data).check()
    assert {p[0][:2] for p in problems} == {("overclaim", "counterexamples"), ("satisfaction", "examples")}
    data = topic_rules().model_dump()
    data["topics"][0]["home"].append("no-such-sector")
    assert TopicRules.model_validate(data).check()


def test_claims_are_read_in_their_clause() -> None:
    kinds = lambda text: [c.kind for c in claims_in(text_block(text))]
    assert kinds("资金已全部拨付到户，各项目标全面完成。") == ["money", "completion"]
    assert kinds("确保年底前全部完成。") == []  # a goal
    assert kinds("部分项目未能如期完成。") == []  # a negation
    assert kinds("待全部完成后支付尾款。") == []  # a condition
    assert kinds("资金已全部拨付到位。") == []  # the money arrived: says nothing about spending


def test_unmet_reads_the_comparator() -> None:
    q = lambda text, value, op=None, unit=None: {"text": text, "value": value, "op": op, "unit": unit, "kind": "count"}
    assert unmet({"name": "建成", "target": q("10个", 10, unit="个"), "actual": q("8个", 8, unit="个")})
    assert not unmet({"name": "建成", "target": q("≥10个", 10, ">=", "个"), "actual": q("12个", 12, unit="个")})
    assert unmet({"name": "响应时间", "target": q("≤24小时", 24, "<=", "小时"), "actual": q("30小时", 30, unit="小时")})
    assert not unmet({"name": "单价", "level2": "成本指标", "target": q("260元", 260, unit="元"), "actual": q("250元", 250, unit="元")})
    assert not unmet({"name": "x", "target": q("10个", 10, unit="个"), "actual": q("8人", 8, unit="人")})  # units differ
    # a glued row ("…二级公路32.1公里2020") cut without a unit to part its digits: the bare figures may be
    # the 分值 and 得分, so no miss is claimed; the same row with its units on both figures is read
    glued = "tables:indicator:glued"
    assert not unmet({"name": "建设公路", "rule": glued, "target": q("32.1公里", 32.1, unit="公里"), "actual": q("20", 20)})
    assert not unmet({"name": "验收", "rule": glued, "target": q("2", 2), "actual": q("0", 0)})
    assert unmet({"name": "建设公路", "rule": glued, "target": q("32.1公里", 32.1, unit="公里"), "actual": q("20公里", 20, unit="公里")})


# -- seed 001: 退休人员社会化管理, 预算执行率 2.52% ---------------------------------------------------


def test_seed001_amounts_disagree(seed001) -> None:
    (f,) = of(seed001, "NARR-AMOUNTS", "warning")
    assert "实际总投入662.77万元" in f["message"] and "全年执行数16.67万元" in f["message"]
    quotes = {e["quote"] for e in f["evidence"]}
    assert {"实际总投入662.77万元", "全年执行数16.67万元"} <= quotes


def test_seed001_overclaims_against_the_rate(seed001) -> None:
    found = of(seed001, "NARR-OVERCLAIM-WORDS", "warning")
    money = [f for f in found if "按计划进度执行" in f["message"]]
    assert money and "2.52%" in money[0]["message"]
    done = [f for f in found if "有效完成了本项目的工作目标" in f["message"]]
    assert done and "2.52%" in done[0]["message"] and "资金拨付及时率" in done[0]["message"]
    assert any(e["quote"] == "预算资金按计划进度执行" for e in money[0]["evidence"])


def test_seed001_repeated_sentences(seed001) -> None:
    adjacent = of(seed001, "COPY-REPEATED-SENTENCE", "warning")
    assert len(adjacent) == 1
    assert "年初目标设置不够精确导致出现偏差，在下一年度将更加严谨的去设置项目目标" in adjacent[0]["message"]
    repeated = of(seed001, "COPY-REPEATED-SENTENCE", "info")
    texts = " ".join(f["message"] for f in repeated)
    assert "项目资金使用符合相关的财务管理制度规定" in texts
    assert any("年初目标设置不够精确" in f["message"] and f["facts"]["count"] >= 4 for f in repeated)
    # headings printed twice by the layout are not sentences
    assert not any("项目过程情况" in f["message"] or "绩效评价工作过程" in f["message"] for f in repeated)


def test_seed001_foreign_topic(seed001) -> None:
    found = of(seed001, "COPY-FOREIGN-TEXT", "warning")
    assert len(found) == 1 and "食品安全" in found[0]["message"]
    assert "退休人员" in found[0]["message"]  # no project is named: the text's own subject is shown
    assert not of(seed001, "COMP-REQUIRED-FIELDS")  # four dimensions are scored


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_seed001_other_formats(suffix) -> None:
    found = findings(SEED001.with_suffix(suffix))
    assert of(found, "NARR-AMOUNTS", "warning")
    assert len(of(found, "NARR-OVERCLAIM-WORDS", "warning")) == 2
    assert len(of(found, "COPY-REPEATED-SENTENCE", "warning")) == 1
    assert any("食品安全" in f["message"] for f in of(found, "COPY-FOREIGN-TEXT"))


def test_a_sentence_pasted_forty_times_in_one_paragraph_is_one_repeat_with_its_count(tmp_path) -> None:
    # more often in one paragraph than max_in_chain: each place is paired with the next only (all pairs
    # were quadratic, and gave one "repeated twice" warning per length of the run, twenty here)
    sentence = "项目实施过程中严格执行资金管理办法，确保专款专用，切实提高资金使用效益。"
    path = tmp_path / "pasted.txt"
    path.write_text(f"2022年度项目支出绩效自评报告\n一、基本情况\n{sentence * 40}\n二、绩效目标\n{sentence}\n", encoding="utf-8")
    found = findings(path)
    (adjacent,) = of(found, "COPY-REPEATED-SENTENCE", "warning")
    assert "第3行同一段内“项目实施过程中严格执行资金管理办法，确保专款专用，切实提高资金使用效益”紧接着重复出现" in adjacent["message"]
    (repeated,) = of(found, "COPY-REPEATED-SENTENCE", "info")
    assert "出现41次（第3行×40、第5行）" in repeated["message"]


# -- seed 000: 100% executed, no breakdown, another fund's text ---------------------------------------


def test_seed000_no_breakdown(seed000) -> None:
    (f,) = of(seed000, "COMP-REQUIRED-FIELDS", "warning")
    assert "96" in f["message"]


def test_seed000_foreign_text(seed000) -> None:
    found = of(seed000, "COPY-FOREIGN-TEXT", "warning")
    messages = " ".join(f["message"] for f in found)
    assert "创建全省民族团结进步示范街道专项资金" in messages
    assert "民族团结进步示范创建工作专项资金" in messages
    assert any("民族团结" in f["message"] and "领域" in f["message"] for f in found)
    assert any("治理面积" in f["message"] for f in found)
    assert not any("退休人员" in q for f in found for q in [e["quote"] for e in f["evidence"]])


def test_seed000_is_quiet_where_it_agrees(seed000) -> None:
    for check_id in ("NARR-OVERCLAIM-WORDS", "NARR-SATISFACTION-BASIS", "NARR-AMOUNTS", "NARR-NO-PROBLEMS", "META-YEAR-CONFLICT"):
        assert not of(seed000, check_id), check_id
    assert not of(seed000, "COPY-REPEATED-SENTENCE", "warning")


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_seed000_other_formats(suffix) -> None:
    found = findings(SEED000.with_suffix(suffix))
    assert of(found, "COMP-REQUIRED-FIELDS", "warning")
    assert any("治理面积" in f["message"] for f in of(found, "COPY-FOREIGN-TEXT"))
    assert not of(found, "NARR-OVERCLAIM-WORDS")


# -- altered copies of the seeds ------------------------------------------------------------------


def test_paid_out_claim_against_a_balance(tmp_path) -> None:
    path = altered(tmp_path, SEED000, [("无结余。", "结余12.50万元。该项目资金已全部拨付。")])
    (f,) = of(findings(path), "NARR-OVERCLAIM-WORDS", "warning")
    assert "该项目资金已全部拨付" in f["message"] and "结余12.5万元" in f["message"]


def test_paid_out_claim_with_no_balance_is_quiet(tmp_path) -> None:
    path = altered(tmp_path, SEED000, [("无结余。", "无结余。该项目资金已全部拨付。")])
    assert not of(findings(path), "NARR-OVERCLAIM-WORDS")


def test_completion_claim_against_a_low_rate(tmp_path) -> None:
    path = altered(
        tmp_path,
        SEED000,
        [("已使用151.08万元，无结余。预算执行率达到100%。", "已使用51.08万元。预算执行率为33.81%。"), ("切实做到了用实、用好财政资金。", "各项工作任务圆满完成。")],
    )
    found = of(findings(path), "NARR-OVERCLAIM-WORDS", "warning")
    assert any("各项工作任务圆满完成" in f["message"] and "33.81%" in f["message"] for f in found)


def test_a_goal_is_no_claim(tmp_path) -> None:
    path = altered(tmp_path, SEED001, [("有效完成了本项目的工作目标", "力争全面完成本项目的工作目标")])
    messages = " ".join(f["message"] for f in of(findings(path), "NARR-OVERCLAIM-WORDS"))
    assert "力争" not in messages and "按计划进度执行" in messages


def test_satisfaction_from_no_complaints(tmp_path) -> None:
    path = altered(
        tmp_path,
        SEED000,
        [("通过受益对象满意度的问卷调查，国企退休人员及移交企业满意度均超过80%。", "全年未收到投诉，国企退休人员满意度按100%计。")],
    )
    (f,) = of(findings(path), "NARR-SATISFACTION-BASIS", "warning")
    assert "未收到投诉" in f["message"] and "100%" in f["message"]


def test_no_problems_against_an_unmet_indicator(tmp_path) -> None:
    path = altered(
        tmp_path,
        SEED001,
        [
            ("1.相关绩效管理方面专业知识的系统性学习有待加强。各项指标的设置要进一步优化、完善，主要在细化、量化上改进。在绩效自评过程中，由于部分人员缺乏相关绩效管理专业知识，自评价工作还存在自我审定的局限性，影响评价质量。\n", ""),
            ("2.因轮岗、调动、等因素使我单位绩效工作人员流动频繁，造成了工作衔接不到位的情况。", "暂无。"),
        ],
    )
    (f,) = of(findings(path), "NARR-NO-PROBLEMS", "warning")
    assert "暂无" in f["message"] and "资金拨付及时率" in f["message"] and "2.52%" in f["message"]


def test_no_problems_beside_a_total_below_full_marks(tmp_path) -> None:
    # every indicator met, but the report scores itself 96 of 100: four points were deducted somewhere
    path = altered(tmp_path, SEED000, [("（二）存在的问题\n", "（二）存在的问题\n\n暂无。\n")])
    (f,) = of(findings(path), "NARR-NO-PROBLEMS")
    assert f["severity"] == "warning" and "自评总分为96分，被扣4分" in f["message"]


def test_a_topic_the_report_dwells_on_is_its_own(tmp_path) -> None:
    path = altered(
        tmp_path,
        SEED001,
        [
            ("1.多进行有关绩效管理工作方面的培训。", "1.多进行有关绩效管理工作方面的培训。食品安全工作纳入考核。"),
            ("2.专门设定对绩效工作人员", "2.加强食品安全宣传。专门设定对绩效工作人员"),
        ],
    )
    assert not any("食品安全" in f["message"] for f in of(findings(path), "COPY-FOREIGN-TEXT"))


def test_consistent_amounts_are_quiet(tmp_path) -> None:
    path = altered(tmp_path, SEED001, [("实际总投入662.77万元", "实际到位662.77万元")])
    assert not of(findings(path), "NARR-AMOUNTS")


def test_unit_level_helpers() -> None:
    r = topic_rules()
    names = [f.name for f in foreign_funds("国有企业退休人员社会化管理专项补助资金", [text_block("明确创建全省民族团结进步示范街道专项资金使用范围。")], r)]
    assert names == ["创建全省民族团结进步示范街道专项资金"]
    topics = [t.id for t, _ in foreign_topics("学生资助项目", [text_block("学校食堂严格落实食品安全责任。")], r)]
    assert topics == []


# -- the devset -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, check_id, needle",
    [
        ("D003", "NARR-OVERCLAIM-WORDS", "36.55万元"),
        ("D023", "NARR-OVERCLAIM-WORDS", "实际8个"),
        ("D019", "NARR-SATISFACTION-BASIS", "未收到利用者投诉"),
        ("D030", "NARR-SATISFACTION-BASIS", "零信访"),
        ("D016", "META-YEAR-CONFLICT", "2022"),
        ("D027", "META-YEAR-CONFLICT", "2023"),
    ],
)
def test_planted(name, check_id, needle) -> None:
    found = of(findings(devset(name)), check_id, "warning")
    assert found and needle in found[0]["message"], found
    assert all(e.get("quote") for f in found for e in f["evidence"])


@pytest.mark.parametrize("name", ["D001", "D008", "D012", "D015", "D026", "D031", "D035", "D039"])
def test_surveyed_satisfaction_is_quiet(name) -> None:
    assert not of(findings(devset(name)), "NARR-SATISFACTION-BASIS")


@pytest.mark.parametrize("name", ["D013", "D032"])
def test_a_period_is_no_year_conflict(name) -> None:
    assert not of(findings(devset(name)), "META-YEAR-CONFLICT")


@pytest.mark.parametrize("name", CONSISTENT)
def test_consistent_excerpts_raise_no_warning(name) -> None:
    loud = [f for f in findings(devset(name)) if f["severity"] != "info"]
    assert loud == [], [f["message"] for f in loud]


def test_unmet_row_without_reason() -> None:
    found = findings(devset("D017"))
    (f,) = of(found, "NARR-DEVIATION-REASON", "warning")
    assert "农村生活污水治理率" in f["message"]
    assert not of(findings(devset("D002")), "NARR-DEVIATION-REASON")  # its deductions carry reasons


def test_template_text_is_no_reason() -> None:
    assert not has_reason({"deviation_reason": "（偏差原因：请填写未完成原因及改进措施）"})
    assert not has_reason({"deviation_reason": "—"})
    assert has_reason({"deviation_reason": "部分申请对象户籍已迁出本县，不符合救助条件。"})


def test_stated_absence_of_targets(tmp_path) -> None:
    path = altered(tmp_path, SEED000, [("2.设定符合实际情况的整体支出绩效目标", "2.本项目年初未编制绩效目标，今后将设定符合实际情况的整体支出绩效目标")])
    (f,) = of(findings(path), "COMP-NO-TARGETS", "warning")
    assert "未编制绩效目标" in f["message"]
    assert not of(findings(SEED000.with_suffix(".txt")), "COMP-NO-TARGETS")


def _dept_report(tmp_path: Path, unit: str) -> Path:
    text = (
        f"{unit}2023年度部门整体支出绩效自评报告\n\n一、部门基本情况\n{unit}内设综合股等股室，年末在职人员26人。\n\n"
        "二、预算执行情况\n2023年部门年初预算386.52万元，调整后预算402.18万元，全年支出395.07万元，预算执行率98.23%。\n\n"
        "三、履职效果\n全年完成档案数字化加工42万页，馆藏档案安全保管。配合开展森林防火宣传。\n\n"
        "四、自评结论\n部门整体支出绩效自评得分91.5分，等级为优。\n"
    )
    path = tmp_path / "dept.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_township_names_every_sector(tmp_path) -> None:
    assert not of(findings(_dept_report(tmp_path, "青岗县石桥镇人民政府")), "COPY-FOREIGN-TEXT")
    found = of(findings(_dept_report(tmp_path, "青岗县档案馆")), "COPY-FOREIGN-TEXT", "warning")
    assert [f["facts"]["topic"] for f in found] == ["森林草原防火"]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(["甲乙丙", "丁戊", "己庚辛壬", "", "癸", "ab"]), max_size=8), min_size=1, max_size=6),
    st.sampled_from([0, 1, 3, 5, 8]),
)
def test_repeated_places_are_those_of_the_pairs(blocks: list[list[str]], min_chars: int) -> None:
    """The grouped reading of repeated clauses gives what comparing every pair gives."""
    from pipeline.checks.copy import Token, repeated_places, repeated_runs

    tokens = [Token(b, 0, 0, text) for b, clauses in enumerate(blocks) for text in [*clauses, ""]]
    runs = repeated_runs(tokens, min_chars)
    by_text: dict = {}
    for i, j, n in runs:
        by_text.setdefault(tuple(t.text for t in tokens[i : i + n]), set()).update({i, j})
    adjacent, grouped = repeated_places(tokens, min_chars)
    assert sorted(set(adjacent)) == sorted({(i, j, n) for i, j, n in runs if j == i + n})
    assert grouped == by_text
