"""Indicators stated as two lists, the targets first and the actuals after ("项目年度绩效目标：培训教师200人次，
新建校舍12个。实际完成：培训教师215人次，新建校舍12个。"): each list runs from its head (rules/indicators.yaml
`lists`) to the end of its sentence or to the other list's head, and an indicator is a name both lists give
a figure for. A name in one list only is no row: nothing says the two figures are one indicator's.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from pipeline.document import Block
from pipeline.facts import Evidence

_SENTENCE_END = regex.compile(r"[。！!？?\n]")
_SPACE = regex.compile(r"\s+")


@lru_cache(maxsize=4)
def _compiled(target_head: str, actual_head: str, item: str) -> tuple[regex.Pattern, regex.Pattern, regex.Pattern]:
    return regex.compile(target_head), regex.compile(actual_head), regex.compile(item)


def list_rx(lists) -> tuple[regex.Pattern, regex.Pattern, regex.Pattern]:
    return _compiled(lists.target_head, lists.actual_head, lists.item)


def _items(key: str, start: int, stop: int, item_rx: regex.Pattern) -> dict[str, tuple[int, int, int, int]]:
    """name -> (name start, name end, figure start, figure end) for the items of one list."""
    out: dict[str, tuple[int, int, int, int]] = {}
    pos = start
    while pos < stop:
        m = item_rx.match(key, pos, stop)
        if m is None:
            break
        name = _SPACE.sub("", m.group("name"))
        out.setdefault(name, (m.start("name"), m.end("name"), *m.span("qty")))
        pos = m.end()
        while pos < stop and key[pos] in "，,；;、 ":
            pos += 1
    return out


def list_indicators(block: Block, lists) -> list:
    from pipeline.extract.indicators import Indicator, _unquote

    key = block.key if block.key is not None else block.text
    text = block.text
    head_t, head_a, item_rx = list_rx(lists)
    out = []
    for t in head_t.finditer(key):
        a = head_a.search(key, t.end())
        if a is None:
            continue
        end_t = _SENTENCE_END.search(key, t.end(), a.start())
        targets = _items(key, t.end(), end_t.start() if end_t else a.start(), item_rx)
        end_a = _SENTENCE_END.search(key, a.end())
        actuals = _items(key, a.end(), end_a.start() if end_a else len(key), item_rx)
        if len(targets) < 1 or len(actuals) < 1:
            continue
        for name, (n0, n1, t0, t1) in targets.items():
            hit = actuals.get(name)
            if hit is None:
                continue
            a0, a1 = hit[2], hit[3]
            ind = Indicator(
                name=_unquote(text[n0:n1].strip()) or name,
                evidence=Evidence.of(block, n0, t1),
                target_text=text[t0:t1].strip(),
                actual_text=text[a0:a1].strip(),
                target_ev=Evidence.of(block, t0, t1),
                actual_ev=Evidence.of(block, a0, a1),
                rule="indicators:lists",
            )
            ind.extra["span"] = (n0, a1)
            out.append(ind)
    return out
