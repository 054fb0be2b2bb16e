"""The quantity parser on phrases from reports: values, units, comparators, spans, and what yields nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import DEVSET
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import quantity
from pipeline.normalize import normalize_text
from pipeline.quantity import Quantity, find_quantities, parse_quantity
from pipeline.ruleset import RULES_DIR, validate_file

D = Decimal


def _q(q: Quantity) -> tuple:
    return (q.text, q.kind, q.value, q.unit, q.op)


# -- find_quantities: everything a sentence states, nothing more ---------------------------------------------

FIND = [
    ("该项目年初预算数662.77万元", [("662.77万元", "money", D("662.77"), "万元", None)]),
    ("预算执行率为2.52%", [("2.52%", "percent", D("2.52"), "%", None)]),
    (
        "指标值：≥2场，实际完成值：2场",
        [("≥2场", "count", D(2), "场", ">="), ("2场", "count", D(2), "场", None)],
    ),
    (
        "指标值：≥80000人，实际完成值：87411人，指标完成率109.26%",
        [
            ("≥80000人", "count", D(80000), "人", ">="),
            ("87411人", "count", D(87411), "人", None),
            ("109.26%", "percent", D("109.26"), "%", None),
        ],
    ),
    ("截至2023年12月31日，已使用151.08万元，无结余", [("151.08万元", "money", D("151.08"), "万元", None)]),
    ("总得分为91.23分", [("91.23分", "score", D("91.23"), "分", None)]),
    ("本项目自评得分九十二点五分，等级为优。", [("九十二点五分", "score", D("92.5"), "分", None)]),
    ("不少于300人", [("不少于300人", "count", D(300), "人", ">=")]),
    ("60分以下为差", [("60分以下", "score", D(60), "分", "<")]),
    ("总分90分（含）以上为“优”", [("90分（含）以上", "score", D(90), "分", ">=")]),
    ("设计受益人口12.4万人", [("12.4万人", "count", D(124000), "人", None)]),
    ("累计服务6412人次", [("6412人次", "count", D(6412), "人次", None)]),
    (
        "管护高标准农田面积2.63万亩，年度目标≥2.6万亩",
        [("2.63万亩", "count", D(26300), "亩", None), ("≥2.6万亩", "count", D(26000), "亩", ">=")],
    ),
    ("较上年提高95个百分点", [("95个百分点", "points", D(95), "百分点", None)]),
    ("实际满意度达百分之九十五点三", [("达百分之九十五点三", "percent", D("95.3"), "%", ">=")]),
    ("我校收到资金合计百分之二十五点三", [("百分之二十五点三", "percent", D("25.3"), "%", None)]),
    (
        "我局收到上级资金58万元及县级配套资金6400元，合计58.64万元",
        [
            ("58万元", "money", D(58), "万元", None),
            ("6400元", "money", D(6400), "元", None),
            ("58.64万元", "money", D("58.64"), "万元", None),
        ],
    ),
    ("调整后预算402.18万（年中追加）", [("402.18万", "money", D("402.18"), "万元", None)]),
    ("全县参保16.83万", [("16.83万", "number", D(168300), None, None)]),
    (
        "主要工作：1.组织召开全体会议1次、常委会议5次；2.126件提案全部按期办复",
        [
            ("1次", "count", D(1), "次", None),
            ("5次", "count", D(5), "次", None),
            ("126件", "count", D(126), "件", None),
        ],
    ),
    (
        "全年实际支出三十四万二千元，未支出的一万八千元",
        [("三十四万二千元", "money", D(342000), "元", None), ("一万八千元", "money", D(18000), "元", None)],
    ),
    ("本项目年初预算叁拾陆万元", [("叁拾陆万元", "money", D(36), "万元", None)]),
    (
        "数据质量抽查差错率0.3‰，小于1‰的控制目标",
        [("0.3‰", "percent", D("0.03"), "%", None), ("小于1‰", "percent", D("0.1"), "%", "<")],
    ),
    ("接收辖区退休人员超过385人", [("超过385人", "count", D(385), "人", ">")]),
    ("救助标准2000-3000元", []),  # checked below as a range
    (
        "满意度不低于90%，投诉率控制在5%以内",
        [("不低于90%", "percent", D(90), "%", ">="), ("控制在5%以内", "percent", D(5), "%", "<=")],
    ),
    ("为帮助离校未就业高校毕业生开发见习岗位I26个", [("I26个", "count", D(126), "个", None)]),
    ("全县应免畜禽存栏1,0.8.6.2万头（只），目标≥85万头（只）", [("≥85万头", "count", D(850000), "头", ">=")]),
    ("其中基本支出2,96.6.51万元，项目支出98.5.6万元", []),
    (
        "铺设输配水主管网86.5公里，新建水厂1座",
        [("86.5公里", "count", D("86.5"), "公里", None), ("1座", "count", D(1), "座", None)],
    ),
    (
        "结果公布及时率≥95%98.6%",
        [("≥95%", "percent", D(95), "%", ">="), ("98.6%", "percent", D("98.6"), "%", None)],
    ),
]


@pytest.mark.parametrize(
    "text,expected", [c for c in FIND if c[1]], ids=lambda c: c if isinstance(c, str) else None
)
def test_find_quantities(text: str, expected: list[tuple]) -> None:
    assert [_q(q) for q in find_quantities(text)] == expected


# -- spans --------------------------------------------------------------------------------------------------

SPANS = [
    ("该项目年初预算数662.77万元", (8, 16)),
    ("预算执行率为2.52%", (6, 11)),
    ("截至2023年12月31日，已使用151.08万元，无结余", (17, 25)),
    ("总投入1,236.45 万元", (3, 14)),  # raw text: thousands separator and a space before the unit
    ("2022年该项目年初批复预算160.00 万元", (14, 23)),
    ("指标值：≧2场", (4, 7)),
]


@pytest.mark.parametrize("text,span", SPANS)
def test_spans_point_into_the_input(text: str, span: tuple[int, int]) -> None:
    (q,) = find_quantities(text)
    assert (q.start, q.end) == span
    assert q.text == text[q.start : q.end]


# -- money in yuan ------------------------------------------------------------------------------------------

YUAN = [
    ("662.77万元", D(6627700)),
    ("148.6500万元", D(1486500)),
    ("148.6500 万元", D(1486500)),
    ("1.36亿元", D(136000000)),
    ("386.5千元", D(386500)),
    ("叁佰贰拾陆万元", D(3260000)),
    ("三十四万二千元", D(342000)),
    ("叁拾伍万贰仟元整", D(352000)),
    ("一万八千元", D(18000)),
    ("1,236.45 万元", D(12364500)),
    ("1,680,000.00元", D(1680000)),
    ("18,462.375万元", D(184623750)),
    ("571380元", D(571380)),
    ("58万元 + 6400元", D(586400)),
    ("５８．６４万元", D(586400)),  # full-width, not normalised
    ("63.518万元", D(635180)),
]


@pytest.mark.parametrize("text,yuan", YUAN)
def test_money_in_yuan(text: str, yuan: Decimal) -> None:
    q = parse_quantity(text)
    assert q is not None and q.kind == "money"
    assert q.yuan == yuan
    assert str(q.yuan) == str(yuan)  # exact and tidy: 6627700, not 6627700.00


def test_money_keeps_the_printed_value_and_unit() -> None:
    q = parse_quantity("148.6500万元")
    assert (q.value, str(q.value), q.unit) == (D("148.65"), "148.6500", "万元")


# -- parse_quantity: one cell -------------------------------------------------------------------------------

PARSE = [
    # text, default unit, (kind, value, unit, op)
    ("≥95%", None, ("percent", D(95), "%", ">=")),
    ("≧2场", None, ("count", D(2), "场", ">=")),
    (">=150件", None, ("count", D(150), "件", ">=")),
    ("≥100百分比", None, ("percent", D(100), "%", ">=")),
    ("=100%", None, ("percent", D(100), "%", "=")),
    ("≤24小时", None, ("count", D(24), "小时", "<=")),
    ("93.1", "%", ("percent", D("93.1"), "%", None)),
    ("19042", "人", ("count", D(19042), "人", None)),
    ("63.518", "万元", ("money", D("63.518"), "万元", None)),
    ("2023", "人", ("count", D(2023), "人", None)),  # with a unit a year-shaped number is a count
    ("12", "公顷", ("count", D(12), "公顷", None)),  # an unknown unit is kept as written
    ("百分之九十五", None, ("percent", D(95), "%", None)),
    ("百分之九十五点三", None, ("percent", D("95.3"), "%", None)),
    ("九十二点五分", None, ("score", D("92.5"), "分", None)),
    ("20场以上", None, ("count", D(20), "场", ">=")),
    ("60分（含）以下", None, ("score", D(60), "分", "<=")),
    ("90分以上（不含90分）", None, ("score", D(90), "分", ">")),
    ("不满90分", None, ("score", D(90), "分", "<")),
    ("实际达到72.6%", None, ("percent", D("72.6"), "%", ">=")),
    ("全年共下达150万元", None, ("money", D(150), "万元", None)),
    ("服务群众300余人", None, ("count", D(300), "人", ">")),
    ("增长率为-2.3%", None, ("percent", D("-2.3"), "%", None)),
]


@pytest.mark.parametrize("text,default_unit,expected", PARSE)
def test_parse_quantity(text: str, default_unit: str | None, expected: tuple) -> None:
    q = parse_quantity(text, default_unit=default_unit)
    assert q is not None
    assert (q.kind, q.value, q.unit, q.op) == expected
    assert q.text == text[q.start : q.end]


def test_per_unit_amounts() -> None:
    q = parse_quantity("260元/人/年")
    assert (q.kind, q.yuan, q.unit, q.per, q.text) == ("money", D(260), "元", "人/年", "260元/人/年")
    q = parse_quantity("救助标准为每人六千元")
    assert (q.yuan, q.per, q.text) == (D(6000), "人", "每人六千元")


RANGES = [
    ("80-90分", D(80), D(90), "分"),
    ("5至10个", D(5), D(10), "个"),
    ("80%～90%", D(80), D(90), "%"),
    ("80分（含）至90分", D(80), D(90), "分"),
    ("16-24岁", D(16), D(24), "岁"),
    ("1-2万人", D(10000), D(20000), "人"),
]


@pytest.mark.parametrize("text,low,high,unit", RANGES)
def test_ranges(text: str, low: Decimal, high: Decimal, unit: str) -> None:
    q = parse_quantity(text)
    assert (q.kind, q.low, q.high, q.unit, q.value, q.op) == ("range", low, high, unit, None, None)
    assert q.text == text


def test_money_range_keeps_the_printed_unit() -> None:
    (q,) = find_quantities("救助标准2000-3000元")
    assert (q.kind, q.low, q.high, q.unit, q.text) == ("range", D(2000), D(3000), "元", "2000-3000元")


def test_date_targets() -> None:
    q = parse_quantity("2020年11月底前")
    assert (q.kind, q.value, q.op, q.text) == ("date", None, "<=", "2020年11月底前")
    q = parse_quantity("2023年12月20日")
    assert (q.kind, q.op) == ("date", None)
    assert find_quantities("2020年11月底前完成") == []


@pytest.mark.parametrize(
    "text", ["效果明显", "达成预期指标", "严格执行相关制度规定", "明显改善", "逐步提高", "有所提高", "是"]
)
def test_qualitative_values(text: str) -> None:
    q = parse_quantity(text)
    assert q is not None and q.qualitative and q.kind == "qualitative" and q.value is None
    assert q.text == text[q.start : q.end]


def test_qualitative_phrases_only_on_request() -> None:
    text = "镇域市容秩序效果明显，群众满意度92.4%"
    assert [q.kind for q in find_quantities(text)] == ["percent"]
    assert [(q.kind, q.text) for q in find_quantities(text, qualitative=True)] == [
        ("qualitative", "效果明显"),
        ("percent", "92.4%"),
    ]


# -- nothing: document numbers, dates, numbering, codes, masks, corrupted tokens ------------------------------

NOTHING = [
    "财预〔2020〕10号",
    "乌财企（2022）54号",
    "金办发【2020】82号",
    "淇财绩〔2024〕3号",
    "受桂峰县财政局委托（桂财绩〔202311号)",
    "2023年12月31日",
    "2023年",
    "20xx年度残疾人康复救助项目",
    "2022.2023",
    "二〇二三年度",
    "于2024314日至48日对项目开展了绩效评价",
    "于20236-7月开展评价",
    "1.产出指标：",
    "2、绩效目标",
    "（3）时效指标",
    "联系电话139****6207",
    "53252423T000000102286-基本公共卫生服务项目补助资金",
    "340521-优抚对象短期疗养经费",
    "其中基本支出2,96.6.51万元",
    "项目支出98.5.6万元",
    "存栏1,0.8.6.2万头",
    "截至2O22年I2月3I日",
    "评价期间：2020年1月—2022年12月",
    "2021—2023",
    "发布时间：2022-05-11",
    "第七次全国人口普查",
    "工作十分到位，一次性救助",
    "OK，IT系统",
    "5G网络覆盖",
    "全县执行数（详见附表1）",
    "",
    "   ",
]


@pytest.mark.parametrize("text", NOTHING)
def test_yields_nothing(text: str) -> None:
    assert find_quantities(text) == []


@pytest.mark.parametrize("text", ["财预〔2020〕10号", "2,96.6.51万元", "139****6207", "", "abc", "——"])
def test_parse_yields_nothing(text: str) -> None:
    assert parse_quantity(text) is None


def test_ocr_letters_are_digits_only_next_to_digits() -> None:
    assert [_q(q) for q in find_quantities("组织见习人数目标≥120人，实际完成I26人")] == [
        ("≥120人", "count", D(120), "人", ">="),
        ("I26人", "count", D(126), "人", None),
    ]
    assert find_quantities("2O22年，CO2排放") == []


def test_raw_and_normalised_text_agree_on_devset_lines() -> None:
    """The parser is total on raw text and reads it as it reads the normalised text."""
    compared = 0
    for path in sorted((DEVSET / "reports").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            norm = normalize_text(line).text
            raw = [(q.kind, q.value, q.unit, q.op, q.low, q.high) for q in find_quantities(line)]
            nrm = [(q.kind, q.value, q.unit, q.op, q.low, q.high) for q in find_quantities(norm)]
            for q in find_quantities(line):
                assert q.text == line[q.start : q.end]
            assert raw == nrm, line
            compared += len(raw)
    assert compared > 500


def test_devset_corrupted_numbers_are_not_extracted() -> None:
    text = (DEVSET / "reports" / "D036.txt").read_text(encoding="utf-8")
    found = find_quantities(normalize_text(text).text)
    assert all("96.6" not in q.text and "98.5.6" not in q.text for q in found)
    assert [q.yuan for q in found if q.kind == "money" and q.yuan and q.yuan > 1000000] == [
        D(3865200),
        D(4021800),
        D(3950700),
    ]


# -- rules file ---------------------------------------------------------------------------------------------


def test_rules_file_is_valid_and_its_examples_hold() -> None:
    model, problems = validate_file(RULES_DIR / "quantities.yaml")
    assert problems == []
    assert isinstance(model, quantity.QuantityRules)
    n = sum(
        len(x.examples) + len(x.counterexamples)
        for x in [model, *model.units, *model.exclusions, *model.comparators]
    )
    assert n > 100


def _broken(tmp_path, old: str, new: str):
    text = (RULES_DIR / "quantities.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "quantities.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_wrong_example_is_reported_with_line_and_rule(tmp_path) -> None:
    path = _broken(
        tmp_path, 'span: [6, 11], kind: percent, value: "2.52"', 'span: [6, 11], kind: percent, value: "2.53"'
    )
    _, problems = validate_file(path)
    assert len(problems) == 1
    p = problems[0]
    line = next(i for i, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if '"2.53"' in l)
    assert (p.line, p.rule, p.field) == (line, "percent", "units.1.examples.0")
    assert "2.52" in p.message


def test_a_counterexample_that_yields_is_reported(tmp_path) -> None:
    path = _broken(tmp_path, '- {text: "财预〔2020〕10号"}', '- {text: "财预〔2020〕10号，共10人"}')
    _, problems = validate_file(path)
    assert len(problems) == 1
    p = problems[0]
    assert (p.rule, p.field) == ("document-number", "exclusions.0.counterexamples.0")
    assert "10人" in p.message


def test_a_bad_fragment_is_reported(tmp_path) -> None:
    path = _broken(tmp_path, "range_sep: '[-~至到—–]'", "range_sep: '[-~至到—–'")
    _, problems = validate_file(path)
    assert problems and any("range_sep" in p.field and "does not compile" in p.message for p in problems)
    path = _broken(tmp_path, "per_prefix: '(?:每(?:{per_word}))+", "per_prefix: '(?:每(?:{per_words}))+")
    _, problems = validate_file(path)
    assert problems and "unknown fragment {per_words}" in problems[0].message


def test_a_unit_starting_with_a_magnitude_is_refused(tmp_path) -> None:
    path = _broken(tmp_path, 'words: ["亩", "公顷"', 'words: ["亩", "万亩", "公顷"')
    _, problems = validate_file(path)
    assert any("starts with the magnitude" in p.message for p in problems)


# -- properties ---------------------------------------------------------------------------------------------

ALPHABET = st.sampled_from(
    list(
        "0123456789.,-~%‰元万亿千分人次个项≥≤<>=不低于以上下内至百分之点一二三四五六七八九十零〇年月日号〔〕（）()【】"
    )
    + list("：，。；、 \t\nOIlxX*/每余多含整第表附")
)
TEXT = st.one_of(st.text(max_size=80), st.text(alphabet=ALPHABET, max_size=60))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from([None, "万元", "%", "人", "元/人", "公顷", "", "万"]))
def test_total_and_spans_are_exact(text: str, default_unit: str | None) -> None:
    found = find_quantities(text, default_unit)
    last_end = 0
    for q in found:
        assert 0 <= q.start < q.end <= len(text)
        assert q.text == text[q.start : q.end]
        assert q.start >= last_end  # in order, never overlapping
        last_end = q.end
        assert q.kind in {"money", "percent", "points", "count", "score", "number", "range"}
        assert q.op in {None, ">=", "<=", ">", "<", "="}
        if q.kind == "money":
            assert q.yuan is not None
    for q in find_quantities(text, default_unit, qualitative=True):
        assert q.text == text[q.start : q.end]
    q = parse_quantity(text, default_unit)
    if q is not None:
        assert q.text == text[q.start : q.end] or q.kind == "money"  # a sum spans its terms


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False),
    st.sampled_from([("元", 1), ("万元", 10000), ("亿元", 100000000), ("千元", 1000)]),
    st.sampled_from(["", "项目预算", "全年执行数", "指标值：", "合计"]),
    st.sampled_from(["", "，", "。结余资金", "（含结转）"]),
)
def test_amounts_convert_exactly(amount: Decimal, unit: tuple[str, int], before: str, after: str) -> None:
    word, factor = unit
    printed = f"{amount:f}"
    text = f"{before}{printed}{word}{after}"
    (q,) = find_quantities(text)
    assert (q.start, q.end) == (len(before), len(before) + len(printed) + len(word))
    assert q.yuan == amount * factor
    assert q.value == amount and q.unit == word


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([("≥", ">="), ("不低于", ">="), ("≤", "<="), ("不超过", "<="), ("", None), ("=", "=")]),
    st.sampled_from(["%", "分", "人", "个"]),
)
def test_comparator_number_unit(amount: Decimal, cmp: tuple[str, str | None], unit: str) -> None:
    word, op = cmp
    if unit in ("人", "个"):
        # whole things: "1.25人" at the start of a clause is list item 1 and 25人 (list-numbering-glued)
        amount = amount.to_integral_value()
    q = parse_quantity(f"{word}{amount:f}{unit}")
    assert q.op == op and q.value == amount
    assert q.unit == unit
