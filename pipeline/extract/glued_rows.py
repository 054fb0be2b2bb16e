"""Indicator rows glued into one run of text, as doc-sharing sites print a form.

Such a site keeps the cells' text and drops every separator: "数量指标资助学生人数3018301850质量指标职业技术能力
鉴定达标率98%98%时效指标…", often with a stray space where a cell wrapped ("储备粮管理专户管 理率100%100%").
No column can be found; what marks a row is its pair of figures, the target and the actual, printed alike:
the same unit after both ("100%100%", "2370人2370人", "0起0起"), or one figure twice ("30183018"). The name
is the text since the previous row, after the last level name in it. Rows whose actual is a word ("100%无")
or differs in unit are not read: without the pair nothing says where the name ends.
"""

from __future__ import annotations

import regex

from pipeline.document import Block
from pipeline.extract.tables import TableRules
from pipeline.facts import Evidence

_SPACE_IN_WORDS = regex.compile(r"(?<=[\p{Han}])\s+(?=[\p{Han}\d%])|(?<=[\d%])\s+(?=[\p{Han}])")


def _squeezed(text: str) -> tuple[str, list[int]]:
    """The text without the spaces a wrapped cell left inside words, and each kept character's offset."""
    drop = set()
    for m in _SPACE_IN_WORDS.finditer(text):
        drop.update(range(m.start(), m.end()))
    idx = [i for i in range(len(text)) if i not in drop]
    return "".join(text[i] for i in idx), idx


def stream_rows(block: Block, r: TableRules):
    """(name, target, actual, (start, end) of name, target and actual in the block) for each row of a block
    that glues a form's indicator rows together; nothing for a block that is not one."""
    g = r.indicators.glued_stream
    text = block.key if block.key is not None else block.text
    if len(text) < g.min_chars:
        return []
    s, idx = _squeezed(text)
    levels = list(r.rx["level1"].finditer(s)) + list(r.rx["level2"].finditer(s))
    if len({m.start() for m in levels}) < g.min_levels:
        return []
    pair, cut, lead = regex.compile(g.pair), regex.compile(g.name_cut), regex.compile(g.name_lead)
    out = []
    prev = 0
    for m in pair.finditer(s):
        segment = s[prev : m.start()]
        prev = m.end()
        # the name starts after the last level name or header word before it
        start = 0
        for c in cut.finditer(segment):
            start = c.end()
        name_start = m.start() - len(segment) + start
        lm = lead.match(s, name_start)
        if lm:
            name_start = lm.end()
        name = s[name_start : m.start()]
        if not (g.min_name <= len(name) <= g.max_name) or not regex.search(r"\p{Han}{2}", name) or regex.search(r"[。；;，,]", name):
            continue
        if r.rx["funds_row"].search(name):
            continue  # the funds rows glued before the indicators ("年度资金总额593.27593.27")

        def span(a: int, b: int) -> tuple[int, int]:
            return idx[a], idx[b - 1] + 1

        printed = "".join(block.text[i] for i in idx[name_start : m.start()])  # as printed, without the wrap spaces
        out.append((printed, span(name_start, m.start()), span(*m.span("t")), span(*m.span("a"))))
    return out


def levels_before(block: Block, r: TableRules, pos: int) -> tuple[str | None, str | None]:
    """The level-1 and level-2 names last printed before ``pos`` of the block (a row's merged cells)."""
    text = block.key if block.key is not None else block.text
    s, idx = _squeezed(text)
    cut = next((k for k, i in enumerate(idx) if i >= pos), len(s))
    found = []
    for key in ("level1", "level2"):
        last = None
        for m in r.rx[key].finditer(s, 0, cut):
            last = m
        found.append(last)
    l1, l2 = found
    if l1 is not None and l2 is not None and l2.start() < l1.start():
        l2 = None  # a level-2 name before the latest level-1 belongs to the previous group
    return (l1.group(0) if l1 else None), (l2.group(0) if l2 else None)


def evidence(block: Block, span: tuple[int, int]) -> Evidence:
    return Evidence.of(block, *span)
