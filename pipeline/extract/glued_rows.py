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

_SPACE_IN_WORDS = regex.compile(r"(?<=[\p{Han}])\s+(?=[\p{Han}\d%])|(?<=[\d%])\s+(?=[\p{Han}])")


def _squeezed(text: str) -> tuple[str, list[int]]:
    """The text without the spaces a wrapped cell left inside words, and each kept character's offset."""
    drop = set()
    for m in _SPACE_IN_WORDS.finditer(text):
        drop.update(range(m.start(), m.end()))
    if not drop:  # most blocks: the text as it is, without a loop over its characters
        return text, list(range(len(text)))
    idx = [i for i in range(len(text)) if i not in drop]
    return "".join(text[i] for i in idx), idx


def _target_start(s: str, m: regex.Match) -> int:
    """Where the pair's target begins. A percentage above 100 beside an actual of at most 100, with no
    comparison before it, ran into a figure of the cell before it ("市民满意度调查290%100%": a 2, then 90%):
    its leading digits are cut until it is at most 100."""
    start, end = m.start("t"), m.end("t")
    t = s[start:end]
    if m.group("u") != "%" or not t[:1].isdigit():
        return start
    actual = s[m.start("a") : m.end("a")].rstrip("%")
    number = t.rstrip("%")
    if not regex.fullmatch(r"\d+(?:\.\d+)?", actual) or float(actual) > 100 or float(number) <= 100:
        return start
    for k in range(1, len(number.split(".")[0])):
        if float(number[k:]) <= 100 and number[k] != "0":
            return start + k
    return start


def stream_rows(block: Block, r: TableRules) -> list[tuple[str, str | None, str | None, tuple[int, int], tuple[int, int], tuple[int, int]]]:
    """The rows of a block that glues a form's indicator rows together, each as (name as printed, its
    level-1 and level-2 names, and the block spans of its name, target and actual); none for a block that
    is not one."""
    g = r.indicators.glued_stream
    text = block.key if block.key is not None else block.text
    if len(text) < g.min_chars:
        return []
    s, idx = _squeezed(text)
    level1 = [(m.start(), m.group(0)) for m in r.rx["level1"].finditer(s)]
    level2 = [(m.start(), m.group(0)) for m in r.rx["level2"].finditer(s)]
    if len({p for p, _ in level1 + level2}) < g.min_levels:
        return []
    out = []
    prev = 0
    for m in r.rx["glued_pair"].finditer(s):
        segment = s[prev : m.start()]
        prev = m.end()
        # the name starts after the last level name or header word before it
        start = 0
        for c in r.rx["glued_cut"].finditer(segment):
            start = c.end()
        name_start = m.start() - len(segment) + start
        lm = r.rx["glued_lead"].match(s, name_start)
        if lm:
            name_start = lm.end()
        name = s[name_start : m.start()]
        if not (g.min_name <= len(name) <= g.max_name) or not regex.search(r"\p{Han}{2}", name) or regex.search(r"[。；;，,]", name):
            continue
        if r.rx["funds_row"].search(name):
            continue  # the funds rows glued before the indicators ("年度资金总额593.27593.27")

        def span(a: int, b: int) -> tuple[int, int]:
            return idx[a], idx[b - 1] + 1

        # the levels are the merged cells last printed before the row; a level-2 before the latest
        # level-1 belongs to the previous group
        l1 = next((n for p, n in reversed(level1) if p < name_start), None)
        l1_at = next((p for p, _ in reversed(level1) if p < name_start), -1)
        l2 = next((n for p, n in reversed(level2) if l1_at < p < name_start), None)
        printed = "".join(block.text[i] for i in idx[name_start : m.start()])  # as printed, without the wrap spaces
        out.append((printed, l1, l2, span(name_start, m.start()), span(_target_start(s, m), m.end("t")), span(*m.span("a"))))
    return out
