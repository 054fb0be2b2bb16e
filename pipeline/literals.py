"""The words a pattern cannot match without, so that a text lacking them is never scanned.

Most blocks of a report contain none of a given rule's words: a substring test costs far less than running
the regex over the block. The words are derived from the rules' own patterns when they are compiled (never
written by hand), and only where the derivation is sure; a pattern it cannot read (the ``regex`` module's
own syntax, case-insensitive matching) requires nothing and is always run.

>>> required(r"(?:年初)?预算(?:数|资金)?")
(frozenset({'预算'}),)
>>> sorted(required(r"执行率|(?:资金|预算)?完成率")[0])
['完成率', '执行率']
>>> required(r"\\d+"), required(r"\\p{Han}+"), required(r"(?:预算)?")
((), (), ())
>>> required(r"(?<=\\p{Han})\\([a-z]{1,7}\\)"), required(r"[\\p{Han}\\d]年")
((frozenset({'('}), frozenset({')'})), (frozenset({'年'}),))
>>> may_match(required("预算执行率"), "全年执行数95万元"), may_match((), "")
(False, True)
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_left
from functools import lru_cache
from re import _constants as C  # noqa: PLC2701 - the stdlib's own parse tree of a pattern
from re import _parser

_PROPERTY = re.compile(r"(?<!\\)((?:\\\\)*)\\[pP](?:\{[^{}]*\}|[A-Za-z])")
_MAX_CLASS = 16  # a character class wider than this is no word worth testing for
_MAX_SETS = 3  # the most telling requirements are kept: each more costs a test and rarely rules out more


@lru_cache(maxsize=None)
def required(pattern: str, flags: int = 0) -> tuple[frozenset[str], ...]:
    """Sets of words such that every match of ``pattern`` contains one word of each set (the most telling
    few); none when nothing is known to be required (then the pattern must always be run)."""
    if flags or "[:" in pattern or "(?V1" in pattern:  # POSIX classes and version 1 sets read differently
        return ()
    # a Unicode property (\p{Han}) requires no word: read as \w, which requires none either, in a set or not
    pattern = _PROPERTY.sub(lambda m: m.group(1) + r"\w", pattern)
    try:
        tree = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):  # the regex module's own syntax: \p{Han}, fuzzy …
        # a group name used twice and \G are the regex module's own too, and reading the pattern without
        # them (groups as plain groups, \G as no assertion at all) matches no less: what that reading needs,
        # the pattern needs
        relaxed = _relaxed(pattern)
        if relaxed is None:
            return ()
        try:
            tree = _parser.parse(relaxed)
        except (re.error, RecursionError, OverflowError):
            return ()
    if tree.state.flags & (re.IGNORECASE | re.VERBOSE):
        return ()
    try:
        return tuple(sorted(_seq(list(tree)), key=_telling)[:_MAX_SETS])
    except _Unsure:
        return ()


def _relaxed(pattern: str) -> str | None:
    """``pattern`` with its named groups made plain groups and its \\G anchors dropped, outside character
    sets; None when it has neither (or a set is left open)."""
    out: list[str] = []
    i, n, changed = 0, len(pattern), False
    while i < n:
        c = pattern[i]
        if c == "\\":
            if pattern.startswith("G", i + 1):
                out.append("(?:)")
                changed = True
            else:
                out.append(pattern[i : i + 2])
            i += 2
        elif c == "[":
            # a set runs to the first unescaped ] after its first member (which may be ] itself)
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            if j >= n:
                return None
            out.append(pattern[i : j + 1])
            i = j + 1
        elif pattern.startswith("(?P<", i):
            close = pattern.find(">", i)
            if close < 0:
                return None
            out.append("(?:")
            i = close + 1
            changed = True
        else:
            out.append(c)
            i += 1
    return "".join(out) if changed else None


class _Unsure(Exception):
    """The pattern holds something whose reading by the regex module may differ: nothing is required."""


def _telling(words: frozenset[str]) -> tuple[int, int, list[str]]:
    # long words first, few alternatives first, then an order that does not depend on hashing
    return -min(map(len, words)), len(words), sorted(words)


def _seq(items: list) -> set[frozenset[str]]:
    """Every match of a sequence contains a match of each of its items; literal characters in a row are
    one word."""
    out: set[frozenset[str]] = set()
    run: list[str] = []
    for op, av in items:
        if op is C.LITERAL:
            if chr(av) in "{}":  # a literal brace may be the regex module's fuzzy-matching syntax
                raise _Unsure
            run.append(chr(av))
            continue
        if run:
            out.add(frozenset(["".join(run)]))
            run = []
        out |= _item(op, av)
    if run:
        out.add(frozenset(["".join(run)]))
    return out


def _item(op, av) -> set[frozenset[str]]:
    if op is C.IN:
        got = _class(av)
        return {got} if got is not None else set()
    if op is C.BRANCH:
        # a match is a match of one branch: one word of each branch's most telling set
        union: set[str] = set()
        for branch in av[1]:
            got = _seq(list(branch))
            if not got:
                return set()
            union |= min(got, key=_telling)
        return {frozenset(union)}
    if op is C.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & (re.IGNORECASE | re.VERBOSE):
            raise _Unsure
        return _seq(list(sub))
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _high, sub = av
        got = _seq(list(sub))
        return got if low >= 1 else set()
    if op is C.ATOMIC_GROUP:
        return _seq(list(av))
    if op in (C.ASSERT, C.ASSERT_NOT):
        _direction, sub = av
        _seq(list(sub))  # only to find what the regex module may read differently inside
        return set()
    if op in (C.GROUPREF, C.GROUPREF_EXISTS):
        raise _Unsure  # a group's number means another group inside an alternation of patterns
    return set()  # ANY, AT, CATEGORY, NOT_LITERAL: no word is required


def _class(items: list) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            chars.add(chr(av))
        elif op is C.RANGE:
            low, high = av
            if high - low >= _MAX_CLASS:
                return None
            chars.update(chr(c) for c in range(low, high + 1))
        else:  # NEGATE, CATEGORY (\d, \s): too wide
            return None
        if len(chars) > _MAX_CLASS:
            return None
    return frozenset(chars)


def may_match(needs: tuple[frozenset[str], ...], text: str) -> bool:
    """Whether ``text`` may hold a match of a pattern that needs ``needs`` (:func:`required`)."""
    for words in needs:
        for w in words:
            if w in text:
                break
        else:
            return False
    return True


class Prefilter:
    """Which of many patterns a text may match: one scan of the text for the words the patterns need first
    (the stdlib's ``re`` over those words, far faster than the patterns themselves) gives every such word
    the text holds; the patterns with one of them are kept when they have a word of each of their other
    sets too: exactly the patterns :func:`may_match` lets through.

    >>> f = Prefilter(["预算执行率", "年初预算数?", r"\\d+万元", "执行"])
    >>> f.candidates("年初预算100万元"), f.candidates("执行率"), f.candidates("预算执行率为95%")
    ([1, 2], [3], [0, 3])
    """

    def __init__(self, patterns: list[str]):
        needs = [required(p) for p in patterns]
        self.always = [i for i, sets in enumerate(needs) if not sets]
        self.by_word: dict[str, list[int]] = {}
        for i, sets in enumerate(needs):
            for w in sorted(sets[0]) if sets else ():
                self.by_word.setdefault(w, []).append(i)
        self.rest = {i: sets[1:] for i, sets in enumerate(needs) if len(sets) > 1}
        self.needs = needs
        words = sorted(self.by_word, key=lambda w: (-len(w), w))
        self._find = re.compile(_trie(words)) if words else None
        # The scan finds, at each place, the longest word there, and goes on after it: a word it passes
        # over stands inside a word it found (so it is there too), or starts inside one and runs past its
        # end (then a substring test says whether it is there).
        known = set(words)
        ordered = sorted(words)
        self._inside: dict[str, frozenset[str]] = {}
        self._across: dict[str, tuple[str, ...]] = {}
        for w in words:
            inside = {w[a:b] for a in range(len(w)) for b in range(a + 1, len(w) + 1) if w[a:b] in known}
            across: set[str] = set()
            for k in range(1, len(w)):
                tail = w[k:]
                at = bisect_left(ordered, tail)
                while at < len(ordered) and ordered[at].startswith(tail):
                    if len(ordered[at]) > len(tail):
                        across.add(ordered[at])
                    at += 1
            self._inside[w] = frozenset(inside)
            self._across[w] = tuple(sorted(across))

    def present(self, text: str) -> set[str]:
        """Every word some pattern needs first that stands in ``text``."""
        found = set(self._find.findall(text)) if self._find is not None else ()
        out: set[str] = set()
        for w in found:
            out |= self._inside[w]
            for v in self._across[w]:
                if v in text:
                    out.add(v)
        return out

    def candidates(self, text: str) -> list[int]:
        """The patterns (by index, in order) that may match in ``text``."""
        present = self.present(text)
        if not present:
            return self.always
        ids = set(self.always)
        for w in present:
            ids.update(self.by_word[w])
        rest = self.rest
        return sorted(i for i in ids if i not in rest or may_match(rest[i], text))


def _trie(words: list[str]) -> str:
    """An alternation of ``words`` as a trie ("预算(?:执行率|数)?"): at each place it matches the longest of
    them, as the plain alternation ordered longest first does, with far less backtracking."""
    root: dict = {}
    for w in words:
        node = root
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(c) + build(node[c]) for c in sorted(node) if c]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")

    return build(root)


def alternation_spans(patterns: list, candidates: list[int], text: str) -> list[tuple[int, int]] | None:
    """The spans that ``finditer`` of the alternation ``(?:p0)|(?:p1)|…`` of the compiled ``patterns``
    gives on ``text``, found by running only the ``candidates`` (the patterns that may match, from a
    :class:`Prefilter` over the same patterns in the same order); None when a candidate requires nothing
    (it may match the empty string, which this does not follow: run the alternation itself).

    At each position the alternation takes the first branch that matches there, and goes on from the end
    of its match: the leftmost of the candidates' next matches, the lowest index among those starting there.
    """
    nxt: dict[int, object] = {}
    for i in candidates:
        if not required(patterns[i].pattern):
            return None
        m = patterns[i].search(text)
        if m is not None:
            nxt[i] = m
    out: list[tuple[int, int]] = []
    while nxt:
        first = min(nxt, key=lambda i: (nxt[i].start(), i))
        span = nxt[first].span()
        out.append(span)
        for i in list(nxt):
            if nxt[i].start() < span[1]:
                m = patterns[i].search(text, span[1])
                if m is None:
                    del nxt[i]
                else:
                    nxt[i] = m
    return out


def compile_all() -> int:
    """Compile every pattern of every :class:`LazyPatterns` made so far; the number compiled now. A batch
    worker does this before its first document: there the cost is start-up, not the first report's time."""
    done = 0
    for table in list(_LAZY):
        for i, rx in enumerate(table._compiled):
            if rx is None:
                table[i]
                done += 1
    return done


class LazyPatterns:
    """Patterns compiled the first time one is asked for. Beside a :class:`Prefilter` of the same patterns a
    pattern whose words no text has held yet has cost nothing: the ``regex`` module parses a pattern in
    Python (about 0.4 ms each), and `jixiao extract one.txt` would otherwise compile every prose rule before
    its first record."""

    def __init__(self, patterns: list[str]):
        self.patterns = patterns
        self._compiled: list = [None] * len(patterns)
        _LAZY.add(self)

    def __len__(self) -> int:
        return len(self.patterns)

    def __getitem__(self, i: int):
        rx = self._compiled[i]
        if rx is None:
            import regex

            rx = self._compiled[i] = regex.compile(self.patterns[i])
        return rx

    def __iter__(self):
        return (self[i] for i in range(len(self.patterns)))


_LAZY: weakref.WeakSet[LazyPatterns] = weakref.WeakSet()
