"""The normalised text always leads back to the raw characters it came from."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize import normalize_text, rules
from pipeline.textmap import MappedText

# Characters that the normalisation steps act on, mixed with ordinary Chinese text.
ALPHABET = st.sampled_from(
    list("预算执行率为万元分优良，。（）：；“”")
    + list("0123456789.,%-+=<>|~ \t\n")
    + list("０１２３４５６７８９．％＞＜＝≧≦≥≤ＡＢａｂ\u3000\u200b\ufeff\xa0")
    + list("abcXYZ")
)
RAW = st.text(ALPHABET, max_size=80)
# What each normalisation step may turn a raw character into (beyond itself).
FOLD = {step_char: out for step in rules().steps if step.kind == "translate" for step_char, out in step.chars.items()}
DROPPABLE = set(" \t\n\r,\u3000\u200b\ufeff\xa0=")


@settings(max_examples=400, deadline=None)
@given(RAW)
def test_every_normalised_span_maps_into_the_raw_text(raw: str) -> None:
    t = normalize_text(raw)
    assert len(t.starts) == len(t.text) == len(t.ends)
    prev = 0
    for i in range(len(t.text)):
        s, e = t.starts[i], t.ends[i]
        assert 0 <= s < e <= len(raw), (raw, t.text, i)
        assert s >= prev  # the map never goes backwards
        prev = s
    for a in range(len(t.text) + 1):
        for b in range(a, min(len(t.text), a + 6) + 1):
            rs, re_ = t.raw_span(a, b)
            assert 0 <= rs <= re_ <= len(raw)


@settings(max_examples=400, deadline=None)
@given(RAW)
def test_each_character_comes_from_the_raw_characters_it_maps_to(raw: str) -> None:
    t = normalize_text(raw)
    for i, ch in enumerate(t.text):
        source = raw[t.starts[i] : t.ends[i]]
        folded = "".join(FOLD.get(c, c) for c in source)
        # A character is either copied (possibly folded) from its source, or a comparator/space made
        # from a run of source characters (">=" -> "≥", "\n" between Latin words -> " ").
        assert ch in folded or ch in "≥≤" and set(folded) & set("≥≤><=") or ch == " ", (raw, t.text, i, source)


@settings(max_examples=300, deadline=None)
@given(RAW)
def test_no_raw_character_is_lost_except_separators(raw: str) -> None:
    t = normalize_text(raw)
    covered = [False] * len(raw)
    for s, e in zip(t.starts, t.ends):
        for k in range(s, e):
            covered[k] = True
    lost = {raw[k] for k in range(len(raw)) if not covered[k]}
    assert lost <= DROPPABLE, (raw, t.text, lost)


def test_a_known_span_quotes_the_raw_text() -> None:
    raw = "全年执行数１６．６７ 万元，预算执行率\n为2.52%"
    t = normalize_text(raw)
    assert t.text == "全年执行数16.67万元，预算执行率为2.52%"
    i = t.text.index("16.67万元")
    s, e = t.raw_span(i, i + len("16.67万元"))
    assert raw[s:e] == "１６．６７ 万元"
    i = t.text.index("预算执行率为2.52%")
    s, e = t.raw_span(i, i + len("预算执行率为2.52%"))
    assert raw[s:e] == "预算执行率\n为2.52%"


def test_join_keeps_cells_apart() -> None:
    raw = "年度资金总额\t412.36\n其中"
    a = MappedText.identity("年度资金总额").shifted(0, len(raw))
    b = MappedText.identity("412.36").shifted(7, len(raw))
    c = MappedText.identity("其中").shifted(14, len(raw))
    joined = MappedText.join([(a, "\t"), (b, "\n"), (c, "")], len(raw))
    assert joined.text == raw
    i = joined.text.index("412.36")
    assert joined.raw_span(i, i + 6) == (7, 13)
