"""Properties of the quantity parser and the normaliser on any text (hypothesis): they never raise, and
every span maps back into the text it came from."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.normalize import normalize_text
from pipeline.quantity import find_quantities, parse_quantity

# Report-like text: digits (half- and full-width), Chinese numerals and units, separators, comparators,
# and the characters that broke stages before (surrogates, bidi marks, NUL, private use, long digit runs).
_PIECES = st.sampled_from([
    "年初预算数", "为", "万元", "亿元", "元", "%", "％", "分", "≥", "不少于", "以上", "，", "。", "（", "）", ".", ",",
    "１２３", "０．５", "百分之九十五点三", "一千二百", "壹佰万", "2023年", "财预〔2020〕10号", " ", "\n", "\t",
    "\ud800", "\u202e", "\x00", "\ue000", "\ufffd", "9" * 120, "1" * 40, "-", "+", "~", "至", "约",
])
report_text = st.one_of(
    st.lists(st.one_of(_PIECES, st.text(max_size=5), st.integers(0, 10**30).map(str)), max_size=30).map("".join),
    st.text(max_size=200),
)
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(report_text)
def test_find_quantities_never_raises_and_its_spans_are_the_text(text: str) -> None:
    for q in find_quantities(text):
        assert 0 <= q.start <= q.end <= len(text)
        assert text[q.start : q.end] == q.text
        if q.value is not None:
            assert q.value.is_finite()


@_SETTINGS
@given(report_text)
def test_parse_quantity_never_raises(text: str) -> None:
    q = parse_quantity(text)
    assert q is None or q.text in text or q.kind is not None


@_SETTINGS
@given(report_text)
def test_the_normaliser_never_raises_and_every_offset_maps_back(raw: str) -> None:
    norm = normalize_text(raw)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    for i in range(len(norm.text)):
        a, b = norm.raw_span(i, i + 1)
        assert 0 <= a <= b <= len(raw)
    a, b = norm.raw_span(0, len(norm.text))
    assert 0 <= a <= b <= len(raw)
