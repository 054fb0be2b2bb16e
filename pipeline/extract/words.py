"""Word-level checks where characters are not enough, with spaCy's blank Chinese pipeline (jieba segmenter).

Between a label and its figure, "全年执行数16.67万元" may stretch to "实际发放见习补贴及带教费用571380元";
what matters is how many *words* stand between them and whether one of them turns the figure into something
else ("较上年增加16.67万元" is a difference, not the amount). A character regex cannot tell the word 较 from
the 较 inside 较为, or count words; the segmenter can.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from functools import cache, lru_cache

import jieba
import spacy
from spacy.language import Language
from spacy.tokens import Doc

jieba.setLogLevel(logging.WARNING)  # its dictionary notice is not the user's business


@cache
def nlp() -> Language:
    """A blank Chinese pipeline with the jieba segmenter: tokenisation only, nothing downloaded."""
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


@lru_cache(maxsize=512)  # bounded: a worker reads thousands of documents
def _doc(text: str) -> Doc:
    return nlp()(text)


@lru_cache(maxsize=512)
def _tokens(text: str) -> tuple[list[int], list[int], list[str]]:
    """Starts, ends and texts of the block's words, so a gap is found by bisection: walking every token
    for every label and figure made a long paragraph quadratic (a 40,000-character line took 30 s)."""
    doc = _doc(text)
    return [t.idx for t in doc], [t.idx + len(t.text) for t in doc], [t.text for t in doc]


def gap_words(text: str, start: int, end: int) -> list[str]:
    """The words that lie within text[start:end] (a word cut by either end counts as in the gap).

    >>> gap_words("全年执行数比上年增加16.67万元", 5, 10)
    ['比', '上年', '增加']
    """
    starts, ends, words = _tokens(text)
    out = []
    i = bisect_right(ends, start)  # the first word that ends after ``start``
    while i < len(starts) and starts[i] < end:
        if words[i].strip():
            out.append(words[i])
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
    """
    found = gap_words(text, start, end)
    return len(found) <= max_words and not any(w in breakers for w in found)
