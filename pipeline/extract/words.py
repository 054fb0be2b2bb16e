"""Word-level checks where characters are not enough, with jieba's segmenter.

Between a label and its figure, "全年执行数16.67万元" may stretch to "实际发放见习补贴及带教费用571380元";
what matters is how many *words* stand between them and whether one of them turns the figure into something
else ("较上年增加16.67万元" is a difference, not the amount). A character regex cannot tell the word 较 from
the 较 inside 较为, or count words; the segmenter can.

jieba is called directly: spaCy's blank ``zh`` pipeline gave the same words (its tokenizer is jieba's
``cut``, realigned to the text) for 0.5 CPU-s of import. jieba's dictionary costs 0.6 CPU-s to load, so it is
loaded on the first gap that needs it: a gap with no more characters than the allowed words and no breaker
within reach cannot fail, whatever the segmentation (see :func:`gap_ok`).
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from functools import lru_cache


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary notice is not the user's business
    return jieba


def load() -> None:
    """Load the dictionary now (a batch's parent, before its workers fork)."""
    _jieba().initialize()


@lru_cache(maxsize=256)  # the blocks of one document, asked about once per label
def _words(text: str) -> tuple[tuple[str, int, int], ...]:
    """The words of ``text`` with their offsets; whitespace is no word."""
    return tuple((w, a, b) for w, a, b in _jieba().tokenize(text) if w.strip())


@lru_cache(maxsize=256)
def _ends(text: str) -> list[int]:
    """Where each word ends, so a gap is found by bisection: walking every word for every label and figure
    made a long paragraph quadratic (a 40,000-character line took 30 s)."""
    return [b for _, _, b in _words(text)]


def gap_words(text: str, start: int, end: int) -> list[str]:
    """The words that lie within text[start:end] (a word cut by either end counts as in the gap).

    >>> gap_words("全年执行数比上年增加16.67万元", 5, 10)
    ['比', '上年', '增加']
    """
    words = _words(text)
    ends = _ends(text)
    out = []
    i = bisect_right(ends, start)  # the first word that ends after ``start``
    while i < len(words) and words[i][1] < end:
        out.append(words[i][0])
        i += 1
    return out


def gap_ok(text: str, start: int, end: int, max_words: int, breakers: list[str]) -> bool:
    """Whether a label ending at ``start`` may own the figure starting at ``end``.

    >>> gap_ok("实际发放见习补贴及带教费用571380元", 4, 13, 6, ["较", "增加"])
    True
    >>> gap_ok("全年执行数比上年增加16.67万元", 5, 10, 6, ["较", "比", "增加"])
    False
    >>> gap_ok("预算编制较为详细，支出16.67万元", 2, 7, 6, ["较"])
    True
    >>> gap_ok("年初预算数：  662.77万元", 5, 8, 6, ["较"])  # decided without the segmenter
    True
    """
    # Every word in the gap holds at least one of its non-space characters, and a breaker word in the gap
    # lies within len(breaker) - 1 characters of it: when neither can happen, segmenting is not needed.
    reach = max((len(b) for b in breakers), default=1) - 1
    near = text[max(0, start - reach) : end + reach]
    if sum(not c.isspace() for c in text[start:end]) <= max_words and not any(b in near for b in breakers):
        return True
    found = gap_words(text, start, end)
    return len(found) <= max_words and not any(w in breakers for w in found)
