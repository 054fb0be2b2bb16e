"""The words a pattern needs (pipeline.literals) never skip a text the pattern matches."""

from __future__ import annotations

from pathlib import Path

import regex
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import labelled
from pipeline.literals import LazyPatterns, Prefilter, alternation_spans, compile_all, may_match, required

ROOT = Path(__file__).resolve().parent.parent


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _rule_patterns() -> list[regex.Pattern]:
    """Every string of the rule files that compiles as a pattern and needs some word."""
    out = {}
    for path in sorted((ROOT / "rules").rglob("*.yaml")):
        for s in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            try:
                rx = regex.compile(s)
            except (regex.error, ValueError):
                continue
            if required(s):
                out[s] = rx
    return list(out.values())


PATTERNS = _rule_patterns()
TEXTS = [
    line
    for path in sorted([*(ROOT / "corpus").glob("*.txt"), *(ROOT / "tests/data/devset/reports").glob("*.txt")])
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def test_the_rules_have_patterns_and_texts_to_try() -> None:
    assert len(PATTERNS) > 300 and len(TEXTS) > 500


def test_a_text_without_the_words_has_no_match() -> None:
    for rx in PATTERNS:
        needs = required(rx.pattern)
        for text in TEXTS:
            if not may_match(needs, text):
                assert rx.search(text) is None, (rx.pattern, needs, text)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_random_text_from_a_pattern_own_characters(data) -> None:
    rx = data.draw(st.sampled_from(PATTERNS))
    alphabet = sorted(set(rx.pattern) - set("\\") | set("0123456789.%，。万元 "))
    text = data.draw(st.text(st.sampled_from(alphabet), max_size=40))
    for w in data.draw(st.lists(st.sampled_from(sorted(set().union(*required(rx.pattern)))), max_size=3)):
        text += w  # the needed words, so that matches are tried as well as skipped
    if not may_match(required(rx.pattern), text):
        assert rx.search(text) is None, (rx.pattern, text)


def test_the_prefilter_keeps_every_pattern_that_matches() -> None:
    f = Prefilter([rx.pattern for rx in PATTERNS])
    for text in TEXTS[::7]:
        kept = set(f.candidates(text))
        assert all(i in kept for i, rx in enumerate(PATTERNS) if rx.search(text)), text


def test_label_spans_are_those_of_the_alternation() -> None:
    r = labelled.rules()
    patterns, f, _ = r.label_filter
    for text in TEXTS:
        got = alternation_spans(patterns, f.candidates(text), text)
        assert got is None or got == [m.span() for m in r.any_label.finditer(text)], text


def test_what_is_not_read_requires_nothing() -> None:
    assert required(r"\p{Han}{2}") == ()  # the regex module's own syntax
    assert required(r"(?i)abc") == ()
    assert required(r"ab{e<=1}") == ()  # fuzzy matching, literal braces to the stdlib parser
    assert required(r"[[:alpha:]]x") == ()
    assert required(r"(预算)?") == ()
    assert required(r"预算|\d+") == ()  # one branch needs no word
    assert required(r"(预算)\1") == ()  # a group by its number: another group in an alternation


def test_the_prefilter_keeps_exactly_what_may_match_lets_through() -> None:
    f = Prefilter([rx.pattern for rx in PATTERNS])
    needs = [required(rx.pattern) for rx in PATTERNS]
    for text in TEXTS:
        assert f.candidates(text) == [i for i, n in enumerate(needs) if may_match(n, text)], text


_SOME = PATTERNS[::5]
_SOME_WORDS = sorted({w for rx in _SOME for s in required(rx.pattern) for w in s})
_SOME_FILTER = Prefilter([rx.pattern for rx in _SOME])  # built once: it is the examples that vary
_SOME_NEEDS = [required(rx.pattern) for rx in _SOME]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SOME_WORDS), max_size=6), st.text(st.sampled_from(sorted(set("".join(_SOME_WORDS)))), max_size=30))
def test_the_prefilter_on_words_run_together(words, glue) -> None:
    # overlapping and adjoining words are what a scan without overlap could pass over
    text = "".join(w + glue[: k % 4] for k, w in enumerate(words)) + glue
    assert _SOME_FILTER.candidates(text) == [i for i, need in enumerate(_SOME_NEEDS) if may_match(need, text)], text


def test_the_regex_module_own_groups_and_anchor_are_read_without_them() -> None:
    # a group name used twice and \G do not parse with the stdlib; without them the pattern matches no less
    assert required(r"(?P<t>预算)|(?P<t>执行)率") == (frozenset({"预算", "执行率"}),)
    assert required(r"\G[，,]\s*完成") == (frozenset({"完成"}), frozenset({"，", ","}))
    assert required(r"[(?P<x>]\G预算") == (frozenset({"预算"}), frozenset("(?P<x>"))  # a set is left as it is
    assert required(r"(?P<t>预算)(?|a|b)") == ()  # anything else of the regex module's still requires nothing


def test_compile_all_compiles_what_no_text_reached_yet() -> None:
    # a batch worker compiles every lazy pattern before its first document (pipeline/batch/worker.py)
    table = LazyPatterns([r"年初预算\d+", r"全年执行(?:数)?", r"(?<=自评)得分"])
    assert table[1].pattern == r"全年执行(?:数)?" and table._compiled[0] is None
    assert compile_all() >= 2
    assert all(rx is not None for rx in table._compiled)
    assert table[2].search("自评得分92分").group() == "得分"
    assert compile_all() == 0  # nothing left
