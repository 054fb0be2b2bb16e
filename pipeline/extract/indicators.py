"""Indicator rows: level 1 / level 2 / name, target and actual as quantities, weight, score, reason.

From tables in any shape (``rules/tables.yaml``: columns and level names) and from prose
(``rules/indicators.yaml``). A table row is read from the right: the last two numbers are weight and score,
then the actual value, then the target (an operator, value and unit printed in separate cells are joined);
what is left after the level names is the indicator's name.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

import regex
from pydantic import BaseModel

from pipeline.document import Block, Document
from pipeline.extract.cells import Tok, filled, join_spaced
from pipeline.extract.tables import POINTS, TableRules, column_map, header_columns
from pipeline.extract.tables import rules as table_rules
from pipeline.facts import Evidence, Fact, jsonable
from pipeline.literals import LazyPatterns, Prefilter, required
from pipeline.quantity import parse_quantity
from pipeline.ruleset import load, schema

_SPACE_OR_PARENS = regex.compile(r"\s+|[（(][^（()）]*[）)]")
_DIGIT = regex.compile(r"\d")

_NUMBER = regex.compile(r"\d+(?:\.\d+)?")
_SCORING_WORDS = regex.compile(r"分值|权重|得分|[一二三]级指标|^(?:完成|实现|达到|合计|共计|总计)$")
# a verb between a name and its figure, no part of the name ("…合格证书学员有774人")
_NAME_TAIL = regex.compile(r"(?<=\p{Han}{2})(?:有|共计)$")
# a figure beside a space inside a name: table cells flattened onto one line, not a name in prose
_CELL_GAP = regex.compile(r"\d\s+\S|\S\s+\d")
_LOST_CHARS = regex.compile(r"[?？�]{2,}")
_LEVEL_NAME = regex.compile(r"(?:产出|效益|效果|数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|满意度)指标")
# the levels an item prints before its indicator's name, as rules/indicators.yaml's `levels` fragment reads them
_NAME_LEVELS = regex.compile(
    rf"^\s*(?:(?:{_LEVEL_NAME.pattern})(?:[（(]\d+(?:\.\d+)?分[）)])?(?:方面)?[：:—－\-/、\s]*)+(?:三级指标(?:名称)?[：:\s]*)?"
    r"|^\s*三级指标(?:名称)?[：:\s]*|^\s*指标\s*\d{1,2}\s*[：:]\s*"
)
_FIGURE = regex.compile(r"[≥≤<>=＞＜]?\s*\d")  # a cell that starts with a figure: 1.5亩, 95%, ≥90%
# an operator in a cell of its own, as a symbol or in words (a 指标方向 column: "大于等于 | 1 | 1 | 次")
_OP_ONLY = regex.compile(r"[≥≤<>=═]|[≥≤<>]=?|(?:大于|小于|不低于|不高于|不少于|不多于|不超过)(?:等于)?|等于")
_UNIT_ONLY = regex.compile(r"%|‰|[\p{Han}a-zA-Z/]{1,4}")


def _unit_cell(t: Tok) -> bool:
    """A cell that holds a unit alone (人, %, 公里), not an operator in words (等于, 大于等于)."""
    return bool(_UNIT_ONLY.fullmatch(t.key)) and not _OP_ONLY.fullmatch(t.key)
_GLUED_ROW = regex.compile(
    r"(?P<name>.+?)(?P<target>[≥≤<>=]?\d+(?:\.\d+)?(?:%|‰|[^\d\s≥≤<>=.%，,。；;：:]{1,4})?)(?P<actual>[≥≤<>=]?\d+(?:\.\d+)?(?:%|‰|[^\d\s≥≤<>=.%，,。；;：:]{1,4})?)(?P<ws>\d{2,6}(?:\.\d{1,2})?)"
    r"(?P<deviation>\s*[^\d\s][^\d]*)?"  # the 偏差原因 cell glued after the score ("1111管理不够到位")
)
_COMMON_WEIGHTS = {5, 10, 15, 20, 25, 30, 35, 40, 50, 60}
_DATE_CELL = r"20\d{2}年(?:\d{1,2}月)?[^\d\s]{0,6}?"
_GLUED_DATES = regex.compile(
    rf"(?P<name>.+?)(?P<target>{_DATE_CELL})(?P<actual>{_DATE_CELL})(?P<ws>\d{{2,6}}(?:\.\d{{1,2}})?)(?P<deviation>\s*[^\d\s][^\d]*)?"
)
_WORDED_TAIL = regex.compile(r"(?P<body>[^\d]+?)(?P<ws>\d{2,6}(?:\.\d{1,2})?)(?P<deviation>[^\d]*)")
# what every glued shape above needs: its weight and score, \d{2,6}
_TWO_DIGITS = regex.compile(r"\d\d")


class _Cut:
    """A match-like cut of a glued row found by repetition rather than by a pattern."""

    def __init__(self, spans: dict[str, tuple[int, int]]):
        self.spans = spans

    def group(self, name: str):
        a, b = self.spans.get(name, (-1, -1))
        return None if a < 0 else self.text[a:b]

    def start(self, name: str) -> int:
        return self.spans[name][0]

    def end(self, name: str) -> int:
        return self.spans[name][1]

    def span(self, name: str) -> tuple[int, int]:
        return self.spans[name]


def _glued_words(key: str) -> _Cut | None:
    """name + target + actual in words, glued: the actual repeats the target ("有效提升有效提升") or ends with
    it ("健全基本健全"); the longest such target of two characters or more, leaving a name of two or more."""
    m = _WORDED_TAIL.fullmatch(key)
    if not m:
        return None
    body, n = m.group("body"), len(m.group("body"))
    deviation = m.span("deviation") if m.group("deviation").strip() else (-1, -1)
    # (target size, actual size): the target repeated, then an actual that ends with the target
    for t, a in [(k, k) for k in range(n // 2, 1, -1)] + [(k, j) for k in range(n // 3, 1, -1) for j in range(k + 1, k + 5)]:
        start = n - a - t
        if start < 2:
            continue
        target, actual = body[start : n - a], body[n - a :]
        if actual.endswith(target):
            cut = _Cut({"name": (0, start), "target": (start, n - a), "actual": (n - a, n), "ws": m.span("ws"),
                        "deviation": deviation})
            cut.text = key
            return cut
    return None


class ProseRule(BaseModel):
    id: str
    pattern: str
    examples: list[dict]
    split: str | None = None  # the name group holds several names that share the values ("A、B均达到100%")
    same_unit: bool = False  # target and actual must state one unit (a bare target is read only beside its like)
    free_text: bool = False  # target and actual may be words ("逐步提高"): otherwise the row needs a {{num}} figure


class ListRules(BaseModel):
    """A list of targets then a list of actuals naming the same indicators (pipeline/extract/prose_rows.py)."""

    target_head: str
    actual_head: str
    item: str
    examples: list[dict] = []


_FRAGMENT = regex.compile(r"\{\{(\w+)\}\}")


def expand(pattern: str, defs: dict[str, str]) -> str:
    """``pattern`` with every {{fragment}} of ``defs`` written out (fragments may use fragments)."""
    for _ in range(8):
        if "{{" not in pattern:
            break
        pattern = _FRAGMENT.sub(lambda m: defs[m.group(1)], pattern)
    return pattern


@schema("indicators.yaml")
class IndicatorProseRules(BaseModel):
    version: int
    defs: dict[str, str] = {}
    not_name: str = ""
    prose: list[ProseRule]
    lists: ListRules | None = None
    goal_heading: str = ""
    result_heading: str = ""
    score_after: str
    weight_after: str
    deviation: str

    model_config = {"ignored_types": (cached_property,)}

    @cached_property
    def patterns(self) -> list[str]:
        return [expand(p.pattern, self.defs) for p in self.prose]

    @cached_property
    def rx(self) -> LazyPatterns:
        """The prose patterns in the order of :attr:`prose`, each compiled when a block first may hold it."""
        return LazyPatterns(self.patterns)

    @cached_property
    def not_name_rx(self) -> regex.Pattern | None:
        return regex.compile(self.not_name) if self.not_name else None

    @cached_property
    def section_rx(self) -> tuple[regex.Pattern | None, regex.Pattern | None]:
        return (regex.compile(self.goal_heading) if self.goal_heading else None,
                regex.compile(self.result_heading) if self.result_heading else None)

    @cached_property
    def figure_rx(self) -> regex.Pattern:
        """A figure as the patterns write it ({{num}}): a block without one holds no row of a pattern that
        needs a figure, and is not scanned for them (most paragraphs of a report state none)."""
        return regex.compile(expand("{{num}}", self.defs))

    @cached_property
    def prefilter(self) -> Prefilter:
        """Which prose patterns a block may hold, by one scan for all their words."""
        return Prefilter(self.patterns)

    @cached_property
    def deviation_rx(self) -> regex.Pattern:
        return regex.compile(self.deviation)

    @cached_property
    def after_rx(self) -> tuple[regex.Pattern, regex.Pattern]:
        return regex.compile(self.score_after), regex.compile(self.weight_after)

    def check(self) -> list[tuple[tuple, str]]:
        try:
            list(self.rx), self.deviation_rx, self.after_rx, self.not_name_rx, self.section_rx  # noqa: B018 - compiling is the check
            if self.lists is not None:
                from pipeline.extract.prose_rows import list_rx

                list_rx(self.lists)
        except (regex.error, KeyError) as exc:
            return [((), f"a pattern does not compile: {exc!r}")]
        from pipeline.extract.scores import _block

        problems = []
        for i, p in enumerate(self.prose):
            for j, ex in enumerate(p.examples):
                got = [(x.name, x.target_text or "", x.actual_text or "") for x in prose_indicators(_block(ex["text"]), self)]
                want = (ex["name"], ex["target"], ex["actual"])
                if not got or got[0] != want:
                    problems.append((("prose", i, "examples", j), f"gives {got[:1]}, expected {want}"))
        if self.lists is not None:
            from pipeline.extract.prose_rows import list_indicators

            for j, ex in enumerate(self.lists.examples):
                got = [(x.name, x.target_text or "", x.actual_text or "") for x in list_indicators(_block(ex["text"]), self.lists)]
                want = (ex["name"], ex["target"], ex["actual"])
                if not got or got[0] != want:
                    problems.append((("lists", "examples", j), f"gives {got[:1]}, expected {want}"))
        return problems


def rules() -> IndicatorProseRules:
    return load("indicators.yaml")


@dataclass
class Indicator:
    name: str
    evidence: Evidence
    level1: str | None = None
    level2: str | None = None
    target_text: str | None = None
    actual_text: str | None = None
    target_ev: Evidence | None = None
    actual_ev: Evidence | None = None
    completion: Fact | None = None
    weight: Fact | None = None
    score: Fact | None = None
    deviation_reason: str | None = None
    rule: str = ""
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        def qty(text: str | None, actual: bool = False) -> dict | None:
            if text is None:
                return None
            q = parse_quantity(text)
            if actual and q is not None and q.op == ">=" and q.text.startswith("达"):
                q = replace(q, op=None)  # "达到72.6%" states what was achieved; no comparator
            if q is None or (q.value is None and not q.qualitative and q.low is None):
                return {"op": None, "value": None, "unit": None, "text": text, "qualitative": True}
            return {
                "op": q.op,
                "value": jsonable(q.value),
                "unit": q.unit,
                "text": text,
                "qualitative": bool(q.qualitative or q.value is None),
                "kind": q.kind,
            }

        return {
            "level1": self.level1,
            "level2": self.level2,
            "name": self.name,
            "target": qty(self.target_text),
            "actual": qty(self.actual_text, actual=True),
            "completion": self.completion.to_json() if self.completion else None,
            "weight": self.weight.to_json() if self.weight else None,
            "score": self.score.to_json() if self.score else None,
            "deviation_reason": self.deviation_reason,
            "evidence": self.evidence.to_json(),
            "mentions": self.extra.get("mentions", []),
            "rule": self.rule,
        }


def _fact(tok: Tok, value: Decimal, rule: str) -> Fact:
    return Fact(value, tok.text, tok.evidence(), rule)


def split_weight_score(digits: str) -> tuple[int, int] | None:
    """How many digits of glued "2020" / "3028" / "109" are the weight and how many the score.

    >>> split_weight_score("2020"), split_weight_score("3028"), split_weight_score("109")
    ((2, 2), (2, 2), (2, 1))
    """
    best = None
    int_part = digits.split(".")[0]
    for cut in range(1, len(int_part)):
        w, s = digits[:cut], digits[cut:]
        if (len(w) > 1 and w.startswith("0")) or (len(s.split(".")[0]) > 1 and s.startswith("0")):
            continue
        wv, sv = Decimal(w), Decimal(s)
        if wv > 100 or sv > wv or wv == 0:
            continue
        # Prefer the usual weights, then the score nearest its weight.
        rank = (0 if int(wv) in _COMMON_WEIGHTS else 1, abs(wv - sv))
        if best is None or rank < best[0]:
            best = (rank, (cut, len(digits) - cut))
    return best[1] if best else None


# -- table rows -----------------------------------------------------------------------------------

def _is_number(tok: Tok) -> bool:
    return bool(POINTS.fullmatch(tok.key))


def _levels(toks: list[Tok], r: TableRules) -> tuple[str | None, str | None, Decimal | None, int]:
    """Level-1 / level-2 names at the start of a row (possibly broken over tokens: "产出 指标 (50分 )"),
    the level-1 weight printed with it, and how many tokens they take."""
    rx1, rx2, rxw = r.rx["level1"], r.rx["level2"], r.rx["level_weight"]
    if not (rx1.match(toks[0].key) or rx2.match(toks[0].key) or (len(toks) > 1 and rx1.match(toks[0].key + toks[1].key))):
        return None, None, None, 0
    level1 = level2 = weight = None
    n = 0
    joined = ""
    for k in range(min(len(toks), 6)):
        joined += toks[k].key
        m1 = r.rx["level1_weighted"].fullmatch(joined)
        if m1 and level1 is None and level2 is None:
            level1, n = rx1.match(joined).group(0), k + 1
            wm = rxw.search(joined)
            weight = Decimal(wm.group(1)) if wm else None
            continue
        if level1 is not None and rxw.fullmatch(joined[len(level1):]):
            wm = rxw.search(joined)
            weight, n = Decimal(wm.group(1)), k + 1
            continue
        if level2 is not None:
            # the longest name: "社会效益" then its wrapped "指标" is "社会效益指标"
            longer = level2 + toks[k].key
            if rx2.fullmatch(longer):
                level2, n = longer, k + 1
            break
        rest = joined[len("".join(t.key for t in toks[:n])):]
        if rx2.fullmatch(rest):
            level2, n = rest, k + 1
    return level1, level2, weight, n


def _row(toks: list[Tok], r: TableRules, rule: str) -> Indicator | None:
    """One indicator from the tokens that follow the level names, read from the right, or else by its
    target printed over 指标性质 | 指标值 | 度量单位 cells."""
    toks = filled(toks)
    return _row_from_right(toks, r, rule) or _row_by_target_cells(toks, r, rule)


def _row_by_target_cells(toks: list[Tok], r: TableRules, rule: str) -> Indicator | None:
    """A row whose target stands in cells of its own (operator, figure, unit: "= | 6 | 万元") is fixed by
    them: the name before, the actual right after, then the 分值 and 得分. A single figure after the actual
    is either of the two, and neither is taken (a form that prints one score column gives no name to it)."""
    k = next((i for i in range(1, len(toks) - 2) if _OP_ONLY.fullmatch(toks[i].key) and _NUMBER.fullmatch(toks[i + 1].key)), None)
    if k is None:
        return None
    end = k + 2
    if end < len(toks) and _unit_cell(toks[end]):
        end += 1
    if end >= len(toks) or _OP_ONLY.fullmatch(toks[end].key):
        return None
    name, target, actual, tail = toks[:k], toks[k:end], toks[end], toks[end + 1 :]
    if any(_is_number(t) for t in name) or len(tail) > 3 or (tail and not _is_number(tail[0])):
        return None
    weight = score = None
    if len(tail) >= 2 and _is_number(tail[1]):
        weight, score = tail[0], tail[1]
        tail = tail[2:]
    elif tail:
        tail = tail[1:]
    if tail and (_is_number(tail[0]) or len(tail) > 1):
        return None
    if weight is not None and (Decimal(weight.key.rstrip("分")) > 100 or Decimal(score.key.rstrip("分")) > Decimal(weight.key.rstrip("分"))):
        return None
    ind = Indicator(
        name="".join(t.text for t in name),
        evidence=_evidence(toks),
        target_text="".join(t.text for t in target),
        actual_text=actual.text,
        target_ev=_evidence(target),
        actual_ev=actual.evidence(),
        rule=rule + ":target-cells",
    )
    if weight is not None:
        ind.weight = _fact(weight, Decimal(weight.key.rstrip("分")), rule)
        ind.score = _fact(score, Decimal(score.key.rstrip("分")), rule)
    if tail:
        if r.rx["template_reason"].search(tail[0].key):
            ind.extra["template_reason"] = tail[0].text
        elif not r.rx["method_cell"].search(tail[0].key):
            ind.deviation_reason = tail[0].text
    ind.extra["cells"] = 4 if weight is not None else 2
    return ind


def _row_from_right(toks: list[Tok], r: TableRules, rule: str) -> Indicator | None:
    if not toks:
        return None
    deviation = None
    # after the 分值 and 得分: a 偏差原因, and on older forms a 得分计算方法 before it
    k = len(toks)
    while k > 0 and len(toks) - k < 2 and not _is_number(toks[k - 1]):
        k -= 1
    if k < len(toks) and k >= 3 and _is_number(toks[k - 1]) and _is_number(toks[k - 2]):
        reasons = [t for t in toks[k:] if not r.rx["method_cell"].search(t.key)]
        if len(toks) - k == 1 or len(reasons) < 2:
            deviation, toks = (reasons[-1] if reasons else None), toks[:k]
    if len(toks) >= 3 and _is_number(toks[-1]) and _is_number(toks[-2]):
        weight, score, rest = toks[-2], toks[-1], toks[:-2]
    elif len(toks) == 1:
        return _glued(toks[0], rule)
    else:
        return None
    if not rest:
        return None
    actual, rest = rest[-1], rest[:-1]
    if (_unit_cell(actual) and len(rest) >= 3
            and _NUMBER.fullmatch(rest[-1].key) and _NUMBER.fullmatch(rest[-2].key) and _OP_ONLY.fullmatch(rest[-3].key)):
        # "大于等于 | 1 | 1 | 次": the 计量单位 column after 实际完成值, printed apart from both figures
        actual, rest = rest[-1], rest[:-1]
    if _OP_ONLY.fullmatch(actual.key) or (_UNIT_ONLY.fullmatch(actual.key) and rest and _NUMBER.fullmatch(rest[-1].key)):
        return None  # "= | 4 | 万元 | 4 | 5": one figure fewer than the reading needs; which is which is a guess
    if Decimal(weight.key.rstrip("分")) > 100:
        return None  # no indicator weighs more than the whole form: these are amounts, not 分值
    target: list[Tok] = []
    if rest:
        # The target is the last cell, joined with an operator or unit printed in cells of their own.
        target = [rest[-1]]
        rest = rest[:-1]
        if _UNIT_ONLY.fullmatch(target[0].key) and rest and _NUMBER.fullmatch(rest[-1].key):
            target.insert(0, rest[-1])
            rest = rest[:-1]
        if rest and _OP_ONLY.fullmatch(rest[-1].key):
            target.insert(0, rest[-1])
            rest = rest[:-1]
        if rest and r.rx["op_kind"].search(rest[-1].key):
            rest = rest[:-1]  # the 指标性质 cell (定性, 正向 …) names no comparison
        if len(rest) > 1 and r.rx["op_kind"].search(rest[-1].key):
            rest = rest[:-1]  # nor does a second such cell before it (定量 | 正向), leaving the name
        if not rest:  # nothing left for the name: the single cell was the name
            rest, target = target, []
    if not rest:
        return None
    name_tok = rest
    name = "".join(t.text for t in name_tok)
    ev = _evidence(name_tok + target + [actual, weight, score])
    target_text = "".join(t.text for t in target) or None
    ind = Indicator(
        name=name,
        evidence=ev,
        target_text=target_text,
        actual_text=actual.text,
        target_ev=_evidence(target) if target else None,
        actual_ev=actual.evidence(),
        weight=_fact(weight, Decimal(weight.key.rstrip("分")), rule),
        score=_fact(score, Decimal(score.key.rstrip("分")), rule),
        rule=rule,
    )
    # logical cells (a target split over ≥ | 95 | % counts once), for _mark_ragged
    ind.extra["cells"] = 4 + (1 if target else 0)
    if deviation is not None and not r.rx["template_reason"].search(deviation.key):
        ind.deviation_reason = deviation.text
    elif deviation is not None:
        ind.extra["template_reason"] = deviation.text
    return ind


def _evidence(toks: list[Tok]) -> Evidence:
    """The span of the tokens when they stand in one block, else the first token (cells printed one per
    line are separate blocks; the row is then quoted by its first cell)."""
    first = toks[0]
    same = [t for t in toks if t.block is first.block]
    if len(same) == len(toks):
        return Evidence.of(first.block, min(t.start for t in toks), max(t.end for t in toks))
    return first.evidence()


def _glued(tok: Tok, rule: str) -> Indicator | None:
    """"食品安全监督抽检批次≥1200批次1268批次2020": name, target, actual, then weight and score glued.
    Targets in words have no figure to cut at: a date target ("2023年12月底前2023年12月") is cut at its
    year, and a worded one where the actual repeats it ("有效提升有效提升", "健全基本健全")."""
    if not _TWO_DIGITS.search(tok.key):
        return None  # each shape ends in the 分值 and 得分 glued, two digits at least (most paragraphs have none)
    # repetition and dates first: the figure pattern would cut a worded row's weight digits into a target
    m = _glued_words(tok.key) or _GLUED_DATES.fullmatch(tok.key) or _GLUED_ROW.fullmatch(tok.key)
    if not m or regex.search(r"[，,。；;]", tok.key[: m.end("name")]) or tok.key[:1] in "：:":
        return None  # a sentence ("数量指标：新建校舍12个，已完成"), not cells glued together
    cut = split_weight_score(m.group("ws"))
    if cut is None:
        return None
    ws0 = m.start("ws")
    weight = tok.part(ws0, ws0 + cut[0])
    score = tok.part(ws0 + cut[0], m.end("ws"))
    return Indicator(
        name=tok.text[: m.end("name")],
        evidence=tok.evidence(),
        target_text=tok.text[m.start("target") : m.end("target")],
        actual_text=tok.text[m.start("actual") : m.end("actual")],
        target_ev=tok.evidence(*m.span("target")),
        actual_ev=tok.evidence(*m.span("actual")),
        weight=_fact(weight, Decimal(weight.key), rule + ":glued"),
        score=_fact(score, Decimal(score.key), rule + ":glued"),
        rule=rule + ":glued",
        deviation_reason=m.group("deviation").strip() if m.group("deviation") else None,
    )


def _strip_glued_levels(tok: Tok, r: TableRules) -> tuple[str | None, str | None, Tok]:
    """"产出指标数量指标食品安全…" -> levels and the rest of the token."""
    level1 = level2 = None
    pos = 0
    m = r.rx["level1"].match(tok.key, pos)
    if m:
        level1, pos = m.group(0), m.end()
    m = r.rx["level2"].match(tok.key, pos)
    if m:
        level2, pos = m.group(0), m.end()
    return level1, level2, tok.part(pos, len(tok.text)) if pos else tok


def _by_columns(line: list[Tok], cols: dict[int, str], r: TableRules, rule: str) -> Indicator | None:
    """A row of a real table whose header named its columns."""
    cells: dict[str, list[Tok]] = {}
    for t in line:
        if t.col in cols and t.key.strip():
            cells.setdefault(cols[t.col], []).append(t)
    name = cells.get("name")
    if not name:
        return None
    return _from_cells(name, cells, line and [t for t in line if t.key.strip()] or name, r, rule)


def _printed_after(a: Tok, b: Tok) -> bool:
    """Whether cell ``a`` stands after cell ``b`` in its row: by column in a real table, else in the text."""
    if a.col is not None and b.col is not None:
        return a.col > b.col
    return (a.line, a.start) > (b.line, b.start)


def _from_cells(name: list[Tok], cells: dict[str, list[Tok]], row: list[Tok], r: TableRules, rule: str) -> Indicator:
    """An indicator from its cells by the column each stands in (op, target, unit, actual, weight, score,
    completion, deviation); ``row`` is what its evidence quotes."""
    ops = [t for t in cells.get("op", []) + cells.get("direction", []) if not r.rx["op_kind"].search(t.key.strip())]
    unit = cells.get("unit", [])
    if unit and cells.get("actual") and _printed_after(unit[0], cells["actual"][0]):
        unit = []  # a 计量单位 column after 实际完成值 is printed apart from both figures: neither is read with it
    target = ops + cells.get("target", []) + unit
    if "target" not in cells:
        target = []
    actual = cells.get("actual", [])
    ind = Indicator(
        name="".join(t.text for t in name),
        evidence=_evidence(row),
        target_text="".join(t.text for t in target) or None,
        actual_text="".join(t.text for t in actual) or None,
        target_ev=_evidence(target) if target else None,
        actual_ev=_evidence(actual) if actual else None,
        rule=rule,
    )
    for key in ("weight", "score"):
        tok = (cells.get(key) or [None])[0]
        if tok is not None and POINTS.fullmatch(tok.key):
            setattr(ind, key, _fact(tok, Decimal(tok.key.rstrip("分")), rule))
    tok = (cells.get("completion") or [None])[0]
    if tok is not None:
        q = parse_quantity(tok.text, default_unit="%")
        if q is not None and q.value is not None and q.kind == "percent":
            ind.completion = _fact(tok, q.value, rule)
    tok = (cells.get("deviation") or [None])[0]
    if tok is not None:
        if r.rx["template_reason"].search(tok.key):
            ind.extra["template_reason"] = tok.text
        else:
            ind.deviation_reason = tok.text
    return ind


def table_indicators(lines: list[list[Tok]], r: TableRules | None = None) -> list[Indicator]:
    """Indicator rows in table-shaped lines, in any of the shapes the module docstring lists."""
    r = r or table_rules()
    out: list[Indicator] = []
    cols: dict[int, str] = {}  # the header of the real table being read, by column index
    table_block = None
    level1 = level2 = None
    level1_weights: dict[str, Decimal] = {}
    pending: list[tuple[str | None, str | None, list[Tok]]] = []  # rows printed as names first, values later
    in_table = False
    single: list[Tok] = []  # one cell per line: tokens gathered until the next level name
    value_roles = _one_cell_header(lines, r)
    line_roles = _line_header(lines, r)
    paired, lines = _pair_rows(lines, r)
    out += paired
    for line in _rejoin_wrapped(lines, r):
        toks = join_spaced(filled(line))
        if not toks:
            continue
        joined = "".join(t.key for t in toks)
        if len(header_columns(joined, r.rx["ind_cols"])) >= r.indicators.min_columns and not any(_is_number(t) for t in toks):
            in_table, level1, level2, pending, single = True, None, None, [], []
            cols = column_map(toks, r.rx["ind_cols"]) if toks[0].col is not None else {}
            if not ({"name", "target", "actual"} & set(cols.values())):
                cols = {}
            table_block = toks[0].block if cols else None
            continue
        if cols and toks[0].block is not table_block:
            cols, table_block = {}, None
        if cols:
            if r.rx["total"].match(toks[0].key):
                continue
            for t in toks:
                role = cols.get(t.col)
                if role == "level1" and r.rx["level1"].match(t.key):
                    level1, level2 = r.rx["level1"].match(t.key).group(0), None
                    wm = r.rx["level_weight"].search(t.key)
                    if wm:
                        level1_weights[level1] = Decimal(wm.group(1))
                elif role == "level2" and t.key.strip():
                    level2 = t.text
            ind = _by_columns(toks, cols, r, "tables:indicator:columns")
            if ind is not None:
                ind.level1, ind.level2 = level1, level2
                out.append(ind)
            continue
        if r.rx["total"].match(toks[0].key):
            if single:
                out += _single_rows(single, r, level1_weights, value_roles)
                single = []
            in_table = False
            continue
        l1, l2, w1, n = _levels(toks, r)
        if n == 0 and len(toks) == 1:
            gl1, gl2, rest = _strip_glued_levels(toks[0], r)
            if gl1 or gl2:
                l1, l2, n = gl1, gl2, 0
                toks = [rest] if rest.key else []
        if l1 is None and l2 is None and not in_table:
            if single and len(toks) == 1:
                single.append(toks[0])
            continue
        in_table = True
        if l1:
            level1, level2 = l1, None
            if w1 is not None:
                level1_weights[l1] = w1
        if l2:
            level2 = l2
        rest = toks[n:]
        if len(line) == 1 and (l1 or l2) and not rest:
            single.append(toks[0])  # a level name alone on its line: one cell per line, or a label block
            continue
        if single and len(toks) == 1:
            single.append(toks[0])
            continue
        values_line = l1 is None and l2 is None and any(_is_number(t) for t in rest)
        ind = None
        if rest and line_roles and not (pending and values_line):
            # the header names the value columns ("分值 | 年度指标值 | 全年实际值 | 得分"): read the row by them first
            ind = _row_by_roles(rest, line_roles, "tables:indicator:header")
        if ind is None and not (pending and values_line) and rest:
            ind = _row(rest, r, "tables:indicator")
        if ind is None and rest and all(not _is_number(t) for t in rest):
            if len(rest) >= 2 and all(_FIGURE.match(t.key) for t in rest[1:]):
                continue  # a sub-row with its own figures ("其中桃树种植面积 | 1.5亩 | 1.5亩"), not a block of names
            pending.append((level1, level2, rest))  # names now, values in later lines
            continue
        if ind is None and rest and pending:
            # a value line of a block of values printed after a block of names
            name_l1, name_l2, name_toks = pending.pop(0)
            ind = _row(name_toks + rest, r, "tables:indicator:label-block")
            if ind is not None:
                ind.level1, ind.level2 = name_l1, name_l2
                out.append(ind)
            continue
        if ind is not None:
            ind.level1, ind.level2 = ind.level1 or level1, ind.level2 or level2
            out.append(ind)
            pending = []  # names left over before a row that reads on its own belong to no later values
    if single:
        out += _single_rows(single, r, level1_weights, value_roles)
    _mark_ragged(out)
    for ind in out:
        ind.extra["level1_weight"] = level1_weights.get(ind.level1 or "")
        # the form's numbering placeholder is not part of the name: "指标1：新建道路" is 新建道路
        numbered = r.rx["name_number"].match(ind.name)
        if numbered and numbered.end() < len(ind.name):
            ind.name = ind.name[numbered.end() :]
    return out


_PAIR = regex.compile(r"(?P<h>[^：:\d]{2,14})[：:]\s*(?P<v>\S.*)")
_PAIR_ROLES = ("op", "direction", "target", "unit", "actual", "weight", "score", "deviation")


def _pair_rows(lines: list[list[Tok]], r: TableRules) -> tuple[list[Indicator], list[list[Tok]]]:
    """Rows of a form shown as "column：value" lines under each indicator's name (sites that render a table
    as a list): the name alone on its line, then at least two lines naming value columns, a target or an
    actual among them and the 分值 or 得分. The lines read are left empty for the other shapes."""
    out: list[Indicator] = []
    lines = list(lines)
    level1 = level2 = None
    i = 0
    while i < len(lines):
        toks = filled(lines[i])
        if len(toks) == 1 and r.rx["level1"].fullmatch(toks[0].key) and not r.rx["level2"].fullmatch(toks[0].key):
            level1, level2 = toks[0].key, None
        elif len(toks) == 1 and r.rx["level2"].fullmatch(toks[0].key):
            level2 = toks[0].key
        cells: dict[str, Tok] = {}
        j = i + 1
        while j < len(lines):
            nxt = filled(lines[j])
            m = _PAIR.fullmatch(nxt[0].key) if len(nxt) == 1 else None
            role = _header_role(m.group("h"), r) if m else None
            if role not in _PAIR_ROLES or role in cells:
                break
            cells[role] = nxt[0].part(m.start("v"), len(nxt[0].text))
            j += 1
        name = toks[0] if len(toks) == 1 else None
        if (name is None or j - i < 3 or not ({"target", "actual"} & set(cells)) or not ({"weight", "score"} & set(cells))
                or _PAIR.fullmatch(name.key) or r.rx["level1"].fullmatch(name.key) or r.rx["level2"].fullmatch(name.key)):
            i += 1
            continue
        ind = _from_cells([name], {role: [tok] for role, tok in cells.items()}, [name, *cells.values()], r, "tables:indicator:pairs")
        ind.level1, ind.level2 = level1, level2
        out.append(ind)
        for k in range(i, j):
            lines[k] = []
        i = j
    return out, lines


def _rejoin_wrapped(lines: list[list[Tok]], r: TableRules) -> list[list[Tok]]:
    """A flattened row whose level cell wrapped onto the next line ("满意度指标 服务对象满意" then "度指标
    受益群众满意度 ≥90% …") is one row again: the line's last piece and the next line's first make a level
    name, and the second piece starts none ("社会效益" / "指标" too)."""
    rx1, rx2 = r.rx["level1"], r.rx["level2"]
    lines = _vertical_headings(lines, r)
    out: list[list[Tok]] = []
    i = 0
    while i < len(lines):
        line = filled(lines[i])
        nxt = filled(lines[i + 1]) if i + 1 < len(lines) else []
        if line and nxt and line[0].col is None and nxt[0].col is None and not any(_is_number(t) for t in line):
            a, b = line[-1].key, nxt[0].key
            if (rx1.fullmatch(a + b) or rx2.fullmatch(a + b)) and not (rx1.match(b) or rx2.match(b)):
                out.append(line + nxt)
                i += 2
                continue
        out.append(lines[i])
        i += 1
    return out


def _vertical_headings(lines: list[list[Tok]], r: TableRules) -> list[list[Tok]]:
    """A level cell printed one character per line ("产" "出" "指" "标 数量指标 …", a narrow merged cell
    flattened) is its level name again, at the start of the line its last character shares."""
    rx1, rx2 = r.rx["level1"], r.rx["level2"]

    def single(line: list[Tok]) -> bool:
        return len(line) >= 1 and len(line[0].key) == 1 and line[0].col is None and bool(regex.match(r"\p{Han}", line[0].key))

    out: list[list[Tok]] = []
    i = 0
    while i < len(lines):
        k = i
        while k < len(lines) and single(lines[k]) and len(lines[k]) == 1:
            k += 1
        if k - i >= 2:
            chars = [lines[j][0] for j in range(i, k)]
            tail = lines[k] if k < len(lines) and single(lines[k]) else []
            for word, used, rest in ((chars + tail[:1], k + 1, tail[1:]), (chars, k, None)):
                if not word or (rest is None and not chars):
                    continue
                joined = "".join(t.key for t in word)
                if rx1.fullmatch(joined) or rx2.fullmatch(joined):
                    first = word[0]
                    heading = Tok(joined, joined, first.block, first.start, first.end, first.line, None)
                    out.append([heading] + (rest or []))
                    i = used
                    break
            else:
                out.extend(lines[i:k])
                i = k
            continue
        out.append(lines[i])
        i += 1
    return out


def _mark_ragged(rows: list[Indicator]) -> None:
    """A row read from the right with fewer logical cells than its neighbours (no target where they have
    one) lost a cell somewhere: which figure is the 分值 is then a guess. Neighbours are the rows of one
    table: one table block, or flattened rows on consecutive lines."""
    read = sorted((ind for ind in rows if ind.rule == "tables:indicator" and "cells" in ind.extra), key=lambda i: i.evidence.block)
    groups: list[list[Indicator]] = []
    for ind in read:
        if groups and ind.evidence.block - groups[-1][-1].evidence.block <= 2:
            groups[-1].append(ind)
        else:
            groups.append([ind])
    for group in groups:
        widest = max(ind.extra["cells"] for ind in group)
        for ind in group:
            if ind.extra["cells"] < widest:
                ind.rule += ":ragged"
                for attr in ("weight", "score"):
                    fact = getattr(ind, attr, None)
                    if fact is not None:
                        fact.rule += ":ragged"
    for ind in rows:
        ind.extra.pop("cells", None)


def _one_cell_header(lines: list[list[Tok]], r: TableRules) -> list[str] | None:
    """The value columns a header printed one cell per line names, in order, after the indicator's name
    (一级指标 / 二级指标 / 三级指标 / 年初目标值 / 实际完成值 / 得分 → target, actual, score): the form's own
    template, which says how many figures each row carries and what they are."""
    roles: list[str] = []
    for line in lines:
        toks = filled(line)
        # a header cell wrapped or spaced inside its cell ("年度 指标值") arrives as several tokens
        role = _header_role("".join(t.key for t in toks), r) if 1 <= len(toks) <= 3 else None
        if role is None:
            if "name" in roles and len(roles) >= 4:
                break
            roles = []
            continue
        if role not in roles:
            roles.append(role)
    if "name" not in roles or len(roles) < 4:
        return None
    values = [x for x in roles[roles.index("name") + 1 :] if x != "deviation"]
    return values if values and set(values) <= {"target", "actual", "weight", "score"} else None


def _header_role(cell_text: Tok | str, r: TableRules) -> str | None:
    """The column a header cell names; a header cell is short and holds no figure ("年初目标值(A)", "得分")."""
    text = cell_text if isinstance(cell_text, str) else cell_text.key
    # what stands before the first bracket stays, less its white space: a sentence is too long by then
    # (every paragraph of a report is asked whether it is a header cell)
    cut = text.find("（"), text.find("(")
    head = text[: min((k for k in cut if k >= 0), default=len(text))]
    if len(head) > 12 and len("".join(head.split())) > 12:
        return None
    cell = _SPACE_OR_PARENS.sub("", text)
    m = r.rx["ind_cols"].search(cell) if cell and len(cell) <= 12 and not _DIGIT.search(cell) else None
    return m.lastgroup if m else None


def _line_header(lines: list[list[Tok]], r: TableRules) -> list[str] | None:
    """The value columns a header printed on one line names, after the indicator's name ("一级指标 二级指标
    三级指标 年初目标值 实际完成值 得分")."""
    for line in lines:
        toks = filled(line)
        if len(toks) < 4:
            continue
        roles = []
        for t in toks:
            role = _header_role(t, r)
            if role is None:
                break  # a long last cell ("未完成原因及拟采取的改进措施") ends the header, it names no value
            roles.append(role)
        if "name" in roles and len(roles) >= 4:
            values = [x for x in roles[roles.index("name") + 1 :] if x != "deviation"]
            if values and set(values) <= {"target", "actual", "weight", "score"}:
                return values
    return None


def _row_by_roles(toks: list[Tok], roles: list[str], rule: str) -> Indicator | None:
    """A row whose figures the header named: the last len(roles) cells are the values, the rest the name."""
    if len(toks) <= len(roles):
        return None
    name, values = toks[: -len(roles)], dict(zip(roles, toks[-len(roles) :]))
    if any(_is_number(t) or _OP_ONLY.fullmatch(t.key) or _UNIT_ONLY.fullmatch(t.key) and len(name) > 1 for t in name[1:]):
        return None  # more cells than the header names (a target split over ≥ | 90 | %): no guess
    if any(not POINTS.fullmatch(values[k].key) for k in ("weight", "score") if k in values):
        return None  # the row does not fit the header: no guess
    ind = Indicator(
        name="".join(t.text for t in name),
        evidence=_evidence(name + list(values.values())),
        target_text=values["target"].text if "target" in values else None,
        actual_text=values["actual"].text if "actual" in values else None,
        target_ev=values["target"].evidence() if "target" in values else None,
        actual_ev=values["actual"].evidence() if "actual" in values else None,
        rule=rule,
    )
    for key in ("weight", "score"):
        if key in values:
            setattr(ind, key, _fact(values[key], Decimal(values[key].key.rstrip("分")), rule))
    return ind


def _single_rows(toks: list[Tok], r: TableRules, weights: dict[str, Decimal], value_roles: list[str] | None = None) -> list[Indicator]:
    """Cells printed one per line: a row runs from one level name to the next. When the header printed
    above names the value columns, each row is read by them; otherwise from the right."""
    out = []
    level1 = level2 = None
    row: list[Tok] = []

    def flush() -> None:
        if row and value_roles:
            # rows of one level follow each other with no level name between them: cut them by the header
            width = 1 + len(value_roles)
            k = 0
            while k + width <= len(row):
                ind = None if _is_number(row[k]) else _row_by_roles(row[k : k + width], value_roles, "tables:indicator:one-cell-per-line:header")
                if ind is None:
                    k += 1  # not a row's start: move on a cell and try again
                    continue
                ind.level1, ind.level2 = level1, level2
                out.append(ind)
                k += width
                # a word after the row's figures, where no next row starts, is its 偏差原因 (the form's
                # last column, printed only when there is one)
                if (k < len(row) and not _is_number(row[k]) and _row_by_roles(row[k : k + width], value_roles, "") is None
                        and (k + 1 == len(row) or _row_by_roles(row[k + 1 : k + 1 + width], value_roles, "") is not None)):
                    reason = row[k].text
                    if r.rx["template_reason"].search(row[k].key):
                        ind.extra["template_reason"] = reason
                    else:
                        ind.deviation_reason = reason
                    k += 1
            return
        for cells in _cut_rows(row, r):
            ind = _row(cells, r, "tables:indicator:one-cell-per-line")
            if ind is not None:
                ind.level1, ind.level2 = level1, level2
                out.append(ind)

    for t in toks:
        if r.rx["level1"].fullmatch(t.key) and not r.rx["level2"].fullmatch(t.key):
            flush()
            row, level1 = [], t.key
        elif r.rx["level2"].fullmatch(t.key):
            flush()
            row, level2 = [], t.key
        else:
            row.append(t)
    flush()
    return out


def _cut_rows(toks: list[Tok], r: TableRules) -> list[list[Tok]]:
    """The cells between two level names cut into rows when they hold several: each row ends with its
    分值 and 得分 (two figures, with a name, a target and an actual before them), and a word after that pair
    is the row's 偏差原因 when another word, the next row's name, follows it. A form whose header names
    extra columns (指标性质, 度量单位) gives rows of varying width once its blank cells are dropped, so the
    rows are not cut by the header's width."""
    toks = filled(toks)
    rows: list[list[Tok]] = []
    start = i = 0
    while i + 1 < len(toks):
        pair = _is_number(toks[i]) and _is_number(toks[i + 1]) and (i + 2 == len(toks) or not _is_number(toks[i + 2]))
        if pair and i + 4 < len(toks) and _unit_cell(toks[i + 2]) and _is_number(toks[i + 3]) and _is_number(toks[i + 4]):
            pair = False  # "1 | 1 | 次 | 8 | 8": the target and the actual, their 计量单位, then the 分值 and 得分
        if not pair or i - start < 3:
            i += 1
            continue
        end = i + 2
        if (end + 1 < len(toks) and not _is_number(toks[end]) and not _is_number(toks[end + 1])
                and not _OP_ONLY.fullmatch(toks[end + 1].key) and not r.rx["op_kind"].search(toks[end + 1].key)):
            end += 1
        rows.append(toks[start:end])
        start = i = end
    if start < len(toks):
        if rows and len(toks) - start == 1 and not _is_number(toks[start]):
            rows[-1].append(toks[start])  # the last row's 偏差原因
        else:
            rows.append(toks[start:])
    return rows if len(rows) > 1 else [toks] if toks else []


# -- prose ------------------------------------------------------------------------------------------

def prose_indicators(block: Block, r: IndicatorProseRules | None = None) -> list[Indicator]:
    r = r or rules()
    key = block.key if block.key is not None else block.text
    text = block.text
    out: list[Indicator] = []
    # the spans rows were read from, kept in order (they never overlap): whether a match overlaps one is
    # a bisection, not a scan (a paragraph may hold thousands of rows)
    taken: list[tuple[int, int]] = []
    score_rx, weight_rx = r.after_rx
    figures = None  # whether the block holds a figure, asked once, when a pattern that needs one may match
    for k in r.prefilter.candidates(key):
        rule = r.prose[k]
        if not rule.free_text:
            if figures is None:
                figures = r.figure_rx.search(key) is not None
            if not figures:
                continue
        rx = r.rx[k]
        rule_id = rule.id
        for m in rx.finditer(key):
            end = max(m.end(g) for g in ("name", "target", "actual"))
            n = bisect_left(taken, (end,))
            if n and taken[n - 1][1] > m.start("name"):
                continue
            target_text = text[m.start("target") : m.end("target")].strip() or None
            actual_text = text[m.start("actual") : m.end("actual")].strip() or None
            unit = m.groupdict().get("unit")
            if unit:  # the row's unit in brackets after its name ("…数量(项),目标值2,完成值2"): the figures'
                target_text, actual_text = _with_unit(target_text, unit), _with_unit(actual_text, unit)
            if rule.same_unit and not _same_unit(target_text, actual_text):
                continue  # "计划200人，实际完成95万元": not one indicator's target and actual
            groups = m.groupdict()
            pieces = _name_pieces(m, rule.split)
            rows = []
            lead1, lead2 = _levels_of(key[m.start() : m.start("name")])
            if lead1 is None and lead2 is None:  # items after the first keep the label that opened the sentence
                lead1, lead2 = _levels_of(_sentence_lead(key, m.start()))
            if lead2 is not None and "满意度" in lead2 and not _is_share(target_text, actual_text):
                continue  # under a satisfaction label a count is the survey's ("回访152人次"), not a row
            for a, b in pieces:
                name, level1, level2 = _clean_name(text[a:b], key[a:b])
                level1, level2 = level1 or lead1, level2 or lead2
                labelled = level2 is not None or "指标" in key[m.start() : m.start("name")]
                if len(name) < 2 or (not labelled and r.not_name_rx is not None and r.not_name_rx.search(name)):
                    continue
                if _CELL_GAP.search(name):
                    continue  # "硬化道路 5719m 5": cells of a flattened table row, read as its rows are
                if _LEVEL_NAME.fullmatch(name) or _SCORING_WORDS.search(name):
                    continue  # a level's own figure ("产出指标40%") or how it is weighted, not an indicator
                ind = Indicator(
                    name=name,
                    level1=level1,
                    level2=level2,
                    evidence=Evidence.of(block, a, end),
                    target_text=target_text,
                    actual_text=actual_text,
                    target_ev=Evidence.of(block, *m.span("target")) if target_text else None,
                    actual_ev=Evidence.of(block, *m.span("actual")) if actual_text else None,
                    rule=f"indicators:{rule_id}",
                )
                if groups.get("completion"):
                    v = parse_quantity(groups["completion"])
                    if v is not None and v.value is not None:
                        ind.completion = Fact(v.value, groups["completion"], Evidence.of(block, *m.span("completion")), ind.rule)
                for field_name, after in (("score", score_rx), ("weight", weight_rx)):
                    if groups.get(field_name):  # the pattern's own 分值/得分 ("；分值：10分；得分：9分")
                        a2, b2 = m.span(field_name)
                    else:
                        hit = after.match(key, m.end("actual") if actual_text else end)
                        if not hit:
                            continue
                        a2, b2 = hit.span(field_name)
                    setattr(ind, field_name, Fact(Decimal(key[a2:b2]), text[a2:b2], Evidence.of(block, a2, b2), ind.rule))
                dev = r.deviation_rx.search(key, m.end())
                if dev:
                    ind.deviation_reason = text[dev.start("reason") : dev.end("reason")]
                rows.append(ind)
            if rows:
                insort(taken, (m.start("name"), end))
                out += rows
    if r.lists is not None:
        from pipeline.extract.prose_rows import list_indicators

        for ind in list_indicators(block, r.lists):
            a, b = ind.extra.pop("span")
            n = bisect_left(taken, (b,))
            if not (n and taken[n - 1][1] > a):
                out.append(ind)
    out.sort(key=lambda i: i.evidence.start)
    return out


def _with_unit(figure: str | None, unit: str) -> str | None:
    """A bare figure ("2", "≥90") with the unit its row names elsewhere; a figure with a unit or a word is kept."""
    return figure + unit.strip() if figure and _BARE_FIGURE.fullmatch(figure) else figure


_BARE_FIGURE = regex.compile(r"[≥≤><=]*\s*\d[\d,]*(?:\.\d+)?")


def _sentence_lead(key: str, pos: int) -> str:
    """The text of ``key``'s sentence before ``pos`` (where a level label may have opened it)."""
    start = max(key.rfind("。", 0, pos), key.rfind("\n", 0, pos), pos - 130)
    return key[start + 1 : pos]


def _is_share(target: str | None, actual: str | None) -> bool:
    """Whether the row's figures are shares (95%, 百分之九十) or words, as a satisfaction row's are."""
    for t in (target, actual):
        q = parse_quantity(t) if t else None
        if q is not None and q.value is not None and q.unit not in ("%", "‰"):
            return False
    return True


def _same_unit(target: str | None, actual: str | None) -> bool:
    t, a = parse_quantity(target or ""), parse_quantity(actual or "")
    return t is not None and a is not None and t.value is not None and a.value is not None and t.unit == a.unit


def _name_pieces(m, split: str | None) -> list[tuple[int, int]]:
    """The name group's span, or the spans of the names it lists (split at ``split``)."""
    a, b = m.span("name")
    if not split:
        return [(a, b)]
    pieces, pos = [], a
    for part in m.group("name").split(split):
        pieces.append((pos, pos + len(part)))
        pos += len(part) + len(split)
    return pieces


def _clean_name(name: str, key: str) -> tuple[str, str | None, str | None]:
    """An indicator's name without characters lost to a wrong encoding and without the levels printed before
    it ("产出指标数量指标受助学生人数", "数量指标：…", "三级指标…"), and those levels (一级, 二级)."""
    level1 = level2 = None
    lead = _NAME_LEVELS.match(key)
    if lead and lead.end() < len(key):
        level1, level2 = _levels_of(lead.group(0))
        name = name[lead.end() :]
    name = _LOST_CHARS.sub("", name).strip().strip("：:")
    name = _unquote(name)
    name = _NAME_TAIL.sub("", name)
    return name, level1, level2


def _unquote(name: str) -> str:
    """The name without a quotation mark that opens or closes nothing in it (“0-6”岁… keeps its pair)."""
    if name.startswith(("“", '"')) and not any(q in name[1:] for q in "”\""):
        name = name[1:]
    if name.endswith(("”", '"')) and not any(q in name[:-1] for q in "“\""):
        name = name[:-1]
    return name.strip()


def _levels_of(words: str) -> tuple[str | None, str | None]:
    """The 一级 and 二级 level names printed in ``words`` (the lead of an item: "2.产出指标数量指标")."""
    from pipeline.extract.tables import rules as trules

    tr = trules()
    level1 = level2 = None
    for found in _LEVEL_NAME.finditer(words):
        word = found.group(0)
        if tr.rx["level1"].fullmatch(word) and not tr.rx["level2"].fullmatch(word):
            level1 = word
        else:
            level2 = word
    return level1, level2


def _stream_indicators(block: Block, r: TableRules) -> list[Indicator]:
    """Rows of a form glued into one run of text (pipeline/extract/glued_rows.py): name, target and actual."""
    from pipeline.extract.glued_rows import stream_rows

    out = []
    for name, level1, level2, name_span, t, a in stream_rows(block, r):
        out.append(Indicator(
            name=name,
            level1=level1,
            level2=level2,
            evidence=Evidence.of(block, name_span[0], a[1]),
            target_text=block.text[slice(*t)],
            actual_text=block.text[slice(*a)],
            target_ev=Evidence.of(block, *t),
            actual_ev=Evidence.of(block, *a),
            rule="tables:indicator:glued-stream",
        ))
    return out


def document_indicators(doc: Document, lines: list[list[Tok]]) -> list[Indicator]:
    from pipeline.extract.tables import rules as trules

    found = table_indicators(lines, trules())
    r = rules()
    tr = trules()
    read = {ind.evidence.block for ind in found}
    for block in doc.blocks:
        if block.kind not in ("paragraph", "heading"):
            continue
        if block.index not in read:
            found += _stream_indicators(block, tr)
        goal = _in_goal_section(doc, block, r)
        for ind in prose_indicators(block, r):
            if goal and ind.target_text is None and ind.actual_text is not None:
                # a figure stated alone where the report sets out its goals is the target, not a result
                ind.target_text, ind.target_ev, ind.actual_text, ind.actual_ev = ind.actual_text, ind.actual_ev, None, None
            # Levels from the section: "①数量指标：" heading and the 产出/效益/满意度 tags above it, where the
            # row does not print its own ("数量指标：培训教师200人次…")
            head = doc.blocks[block.section] if block.section is not None else None
            if head is not None and ind.level2 is None:
                m2 = tr.rx["level2"].search(head.key or head.text)
                ind.level2 = m2.group(0) if m2 else None
            for tag, level1 in (("满意度", "满意度指标"), ("效益", "效益指标"), ("产出", "产出指标")):
                if tag in block.tags and ind.level1 is None:
                    ind.level1 = level1
                    break
            found.append(ind)
    return found


def _in_goal_section(doc: Document, block: Block, r: IndicatorProseRules) -> bool:
    """Whether the nearest heading above ``block`` that names goals or results names goals."""
    goal_rx, result_rx = r.section_rx
    if goal_rx is None:
        return False
    seen = 0
    at = block.section
    while at is not None and seen < 8:
        head = doc.blocks[at]
        title = head.key or head.text
        if result_rx is not None and result_rx.search(title):
            return False
        if goal_rx.search(title):
            return True
        at, seen = head.section, seen + 1
    return False
