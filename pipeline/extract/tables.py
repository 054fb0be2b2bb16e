"""The funds block and the total row of a 绩效自评表, in whatever shape the table arrived.

Funds: a header line naming the columns (年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分), then rows
led by a row label (年度资金总额, 其中：当年财政拨款 …). A row's values may be separate cells, space-separated,
glued together ("56.4856.4855.911099.0%9.9"), fewer than the columns (only two of three amounts), or printed
in a block of value lines after a block of row labels. Rules: ``rules/tables.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import regex
from pydantic import BaseModel

from pipeline.document import Document
from pipeline.extract.cells import Tok, filled, lines_of
from pipeline.facts import Mention
from pipeline.literals import may_match, required
from pipeline.quantity import parse_quantity
from pipeline.ruleset import load, schema


class Column(BaseModel):
    id: str
    pattern: str


class RowRule(BaseModel):
    id: str
    pattern: str


class FundsDecodeRules(BaseModel):
    anchor: str
    total_anchor: str
    stop: str
    between: str
    header_weight: str
    hints: list[Column]
    templates: dict[str, list[str]]
    gated: dict[str, dict[str, list[str]]] = {}
    support: dict[str, float | list[int]]
    examples: list[dict]


class NatureRule(BaseModel):
    id: str
    whole: str
    parts: str


class FundsRules(BaseModel):
    decode: FundsDecodeRules
    columns: list[Column]
    min_columns: int
    rows: list[RowRule]
    natures: list[NatureRule] = []
    nature_lead: str = ""
    nature_window: int = 12
    nature_examples: list[dict] = []
    unit: str
    default_unit: str
    implausible_wan: int
    grouped_yuan_digits: int
    examples: list[dict]


class GluedStreamRules(BaseModel):
    min_chars: int
    min_levels: int
    pair: str
    name_cut: str
    name_lead: str
    min_name: int
    max_name: int
    examples: list[dict]


class IndicatorRules(BaseModel):
    columns: list[Column]
    min_columns: int
    level1: str
    level2: str
    level_weight: str
    template_reason: str
    op_kind: str
    method_cell: str
    name_number: str
    glued_stream: GluedStreamRules


class DimensionTableRules(BaseModel):
    requires: list[str]
    excludes: list[str]
    total_row: str
    grade_row: str
    row_head: str  # flattened: the heading over the dimensions' names
    names: str  # flattened: the names a row may have (the frameworks' dimensions)
    share: str  # flattened: a dimension's weight as a share in its own cell after its name ("（80%）")


class TotalRules(BaseModel):
    pattern: str
    scale_pattern: str  # a row label that is the total only beside the form's scale: "合计 | 100 | 94.5"
    grade_label: str
    grade_band: str  # a cell after a grade word that bounds its scores: the row is a scheme's, not a claim
    cell_label: str


class GradeRules(BaseModel):
    words: dict[str, str]


@schema("tables.yaml")
class TableRules(BaseModel):
    version: int
    funds: FundsRules
    indicators: IndicatorRules
    dimension_table: DimensionTableRules
    total: TotalRules
    grades: GradeRules
    empty: str

    model_config = {"ignored_types": (cached_property,)}

    @cached_property
    def rx(self) -> dict[str, regex.Pattern]:
        f, i = self.funds, self.indicators
        return {
            "funds_cols": regex.compile("|".join(f"(?P<{c.id}>{c.pattern})" for c in f.columns)),
            "funds_row": regex.compile("|".join(f"(?P<{r.id}>{r.pattern})" for r in f.rows)),
            "decode_anchor": regex.compile(f.decode.anchor),
            "decode_total": regex.compile(f.decode.total_anchor),
            "decode_stop": regex.compile(f.decode.stop),
            "decode_between": regex.compile(f.decode.between),
            "decode_weight": regex.compile(f.decode.header_weight),
            "unit": regex.compile(f.unit),
            "ind_cols": regex.compile("|".join(f"(?P<{c.id}>{c.pattern})" for c in i.columns)),
            "level1": regex.compile(i.level1),
            "level2": regex.compile(i.level2),
            "level_weight": regex.compile(i.level_weight),
            "level1_weighted": regex.compile(f"(?:{i.level1})(?:{i.level_weight})?"),
            "template_reason": regex.compile(i.template_reason),
            # a split's label at a cell's start (after 其中：), then a colon or its figure
            "nature": regex.compile(
                rf"(?:^|(?<={self.funds.nature_lead})|(?<=\s))(?P<label>"
                + "|".join(f"{n.whole}|{n.parts}" for n in self.funds.natures)
                + r")(?:[：:]\s*|(?=\d))(?P<figure>\d[\d,]*(?:\.\d+)?)?(?![\d.])"
            ),
            "op_kind": regex.compile(i.op_kind),
            "method_cell": regex.compile(i.method_cell),
            "total": regex.compile(self.total.pattern),
            "total_scale": regex.compile(self.total.scale_pattern),
            "dim_total_row": regex.compile(self.dimension_table.total_row),
            "dim_grade_row": regex.compile(self.dimension_table.grade_row),
            "dim_row_head": regex.compile(self.dimension_table.row_head),
            "dim_names": regex.compile(self.dimension_table.names),
            "dim_share": regex.compile(self.dimension_table.share),
            "name_number": regex.compile(self.indicators.name_number),
            "glued_pair": regex.compile(self.indicators.glued_stream.pair),
            "glued_cut": regex.compile(self.indicators.glued_stream.name_cut),
            "glued_lead": regex.compile(self.indicators.glued_stream.name_lead),
            "grade_label": regex.compile(self.total.grade_label),
            "grade_band": regex.compile(self.total.grade_band),
            "total_cell_label": regex.compile(self.total.cell_label),
            "grade": regex.compile("|".join(sorted(map(regex.escape, self.grades.words), key=len, reverse=True))),
            "empty": regex.compile(self.empty),
        }

    def check(self) -> list[tuple[tuple, str]]:
        try:
            self.rx  # noqa: B018 - compiling is the check
        except regex.error as exc:
            return [((), f"a pattern does not compile: {exc}")]
        problems = []
        for i, ex in enumerate(self.funds.examples):
            got: list[str] = []
            add_columns(got, set(), header_marks(ex["line"], self.rx["funds_cols"]))
            if got != ex["columns"]:
                problems.append((("funds", "examples", i), f"gives {got}, expected {ex['columns']}"))
        from pipeline.extract.cells import lines_of
        from pipeline.normalize import text_block

        from pipeline.extract.glued_rows import stream_rows

        for i, ex in enumerate(self.indicators.glued_stream.examples):
            block = text_block(ex["text"])
            got = [[name, block.text[slice(*t)], block.text[slice(*a)]] for name, _, _, _, t, a in stream_rows(block, self)]
            if got != ex["rows"]:
                problems.append((("indicators", "glued_stream", "examples", i), f"gives {got}, expected {ex['rows']}"))
        for i, ex in enumerate(self.funds.nature_examples):
            doc = Document("(rule example)", "txt", [text_block(ex["text"])])
            got = [[row["kind"].split(":")[1], row["row"], row["cells"]["amount"]["text"]] for row in nature_rows(lines_of(doc), "万元", self)]
            if got != ex["rows"]:
                problems.append((("funds", "nature_examples", i), f"gives {got}, expected {ex['rows']}"))
        for i, ex in enumerate(self.funds.decode.examples):
            doc = Document("(rule example)", "txt", [text_block(ex["line"])])
            found = decoded_row(lines_of(doc), self)
            got = {c: p.text for c, p in found[1].pieces.items()} if found else None
            if got != ex["values"]:
                problems.append((("funds", "decode", "examples", i), f"gives {got}, expected {ex['values']}"))
        return problems


def rules() -> TableRules:
    return load("tables.yaml")


_SPACES_BARS = regex.compile(r"\s+|\|")
_PARENS = regex.compile(r"[（(][^（()）]*[）)]")


def header_columns(key: str, rx: regex.Pattern) -> list[str]:
    return [c for c, _ in header_marks(key, rx)]


def header_marks(key: str, rx: regex.Pattern) -> list[tuple[str, bool]]:
    """The columns a header line names, each with whether its name carries the unit in brackets right
    after it ("年度预算数（万元）")."""
    squeezed = _SPACES_BARS.sub("", key)
    if not may_match(required(rx.pattern), squeezed):
        return []  # no column's name in it (most lines)
    return [(m.lastgroup, bool(_UNIT_AFTER.match(squeezed, m.end()))) for m in rx.finditer(squeezed)]


def add_columns(cols: list[str], grouping: set[str], marks: list[tuple[str, bool]]) -> None:
    """The funds header's columns in order, adding one header line's ``marks``. A header names each column
    once ("执行率 执行率权重 执行率得分" squeezed repeats 执行率); but a column first named with the unit
    ("年度预算数（万元） | 年初预算 | 调整后预算数") was the heading over the money columns, and the column is
    where it is named again. ``grouping`` holds the columns so named, across the header's lines."""
    for c, with_unit in marks:
        if c not in cols:
            cols.append(c)
            if with_unit:
                grouping.add(c)
        elif c in grouping:
            cols.remove(c)
            cols.append(c)
            grouping.discard(c)


_UNIT_AFTER = regex.compile(r"(?:数|金额)?[（(](?:万元|元|亿元)[）)]")


# -- values ----------------------------------------------------------------------------------------

_VALUE = regex.compile(r"^[≥≤<>=]?(?:[\d.,]+%?|—+|-+|/)+(?:万元|万|元|亿元|分)?$")
_HAS_DIGIT = regex.compile(r"\d")
POINTS = regex.compile(r"\d+(?:\.\d+)?分?")  # a 分值 or 得分 cell ("10", "9.5分")
# How one column's value is written when cells are glued together.
# (no figure is printed with a leading zero: "000%" is two cells cut in the wrong place)
_TYPED = {
    "weight": r"(?:10|5|20|15|30|[1-9]\d?)",
    "rate": r"(?:0|[1-9]\d{0,2})(?:\.\d{1,4})?%",
    "score": r"(?:100|[1-9]?\d)(?:\.\d{1,2})?",
}
_DASH = r"(?:—+|-|/)"


def is_value(tok: Tok) -> bool:
    return bool(_VALUE.match(tok.key)) and tok.key not in ("|",)


def _split_glued(tok: Tok, cols: list[str]) -> list[Tok | None] | None:
    """Cut a token holding several glued cells into one token per column (None where a dash stands). The
    amounts of a row print the same decimals; of the cuts that fit, the first whose 执行率 is its 执行数 ÷
    预算数 is kept ("9837.73827839.920679.69%" is 9837.7382 | 7839.9206 | 79.69%, not 9837.738 | 27839.920 |
    679.69%), or else the first that fits."""
    from pipeline.extract.funds_decode import _within

    text = tok.key
    fits = []
    for decimals in (2, 3, 4, 1):
        parts = []
        for c in cols:
            pat = rf"(?:0|[1-9]\d*)\.\d{{{decimals}}}" if c in ("initial", "full_year", "spent") else _TYPED.get(c, r"(?:0|[1-9]\d*)(?:\.\d+)?")
            parts.append(rf"(?:(?P<{c}>{pat})|{_DASH})?")
        m = regex.fullmatch("".join(parts), text)
        # a form prints the rate wherever it prints the 分值 or 得分: a cut that fills them and not the rate
        # has cut the rate's digits into something else
        scored = any(c in cols and m.group(c) for c in ("weight", "score")) if m else False
        if m and sum(1 for c in cols if m.group(c)) >= 2 and not ("rate" in cols and scored and not m.group("rate")):
            fits.append(m)
    for m in fits:
        base = m.group("full_year") if "full_year" in cols else None
        base = base or (m.group("initial") if "initial" in cols else None)
        spent = m.group("spent") if "spent" in cols else None
        rate = m.group("rate") if "rate" in cols else None
        if base and spent and rate and Decimal(base) and _within(Decimal(spent) / Decimal(base) * 100, rate.rstrip("%"), slack_units=1):
            return [tok.part(*m.span(c)) if m.group(c) else None for c in cols]
    if fits:
        m = fits[0]
        return [tok.part(*m.span(c)) if m.group(c) else None for c in cols]
    return None


def _align(values: list[Tok], cols: list[str]) -> dict[str, Tok]:
    """Which column each value belongs to."""
    if len(values) == 1 and len(cols) > 1 and len(_HAS_DIGIT.findall(values[0].key)) > 1:
        split = _split_glued(values[0], cols)
        if split:
            return {c: t for c, t in zip(cols, split) if t is not None}
    if len(values) >= len(cols):
        return dict(zip(cols, values))
    # Fewer values than columns: the rate (with its % sign) anchors the columns around it; the scored
    # columns follow it, and missing amounts are the leading ones (年初预算数 is the one forms leave out).
    out: dict[str, Tok] = {}
    pct = next((k for k, v in enumerate(values) if v.key.endswith("%")), None)
    before, after = (values[:pct], values[pct + 1 :]) if pct is not None else (values, [])
    if pct is not None and "rate" in cols:
        out["rate"] = values[pct]
        for c, v in zip([c for c in cols[cols.index("rate") + 1 :]], after):
            out[c] = v
        head_cols = cols[: cols.index("rate")]
    else:
        head_cols = cols
    amount_cols = [c for c in head_cols if c in ("initial", "full_year", "spent")]
    blank = 0
    while blank < len(before) and not _HAS_DIGIT.search(before[len(before) - 1 - blank].key):
        blank += 1
    if pct is None and blank and 0 < len(before) - blank <= len(amount_cols):
        # "其中：当年财政拨款 58.01 58.01 48.15 — —": the amounts, then the scored columns left blank; with
        # fewer amounts than columns the missing ones are the leading ones ("其中：当年财政拨款 5192 0 — —")
        figures = before[: len(before) - blank]
        return dict(zip(amount_cols[len(amount_cols) - len(figures) :], figures))
    if before and "weight" in head_cols and len(before) > len(amount_cols) - 1 and regex.fullmatch(r"\d{1,2}", before[-1].key):
        if len(before) > 1 or not amount_cols:
            out["weight"] = before[-1]
            before = before[:-1]
    for c, v in zip(amount_cols[len(amount_cols) - len(before) :], before):
        out[c] = v
    return out


def _place(row: FundsRow, values: list[Tok], cols: list[str]) -> None:
    """The row's cells from its figures, and how many figures no column took."""
    row.cells = _align(values, cols)
    row.unplaced = max(0, len(values) - len(row.cells)) if len(values) > 1 else 0
    if any(c in row.cells and row.cells[c].key.endswith("%") for c in ("weight", "score", "initial", "full_year", "spent")):
        row.unplaced += 1  # a percentage is no 分值, 得分 or amount: the columns were guessed wrong


@dataclass
class FundsRow:
    label: Tok
    kind: str  # "total" | "part"
    cells: dict[str, Tok] = field(default_factory=dict)
    unplaced: int = 0  # figures of the row no column took: the header's reading of it is a guess


@dataclass
class Funds:
    unit: str
    columns: list[str]
    header: list[Tok]
    rows: list[FundsRow]
    # the total row printed figures the header's columns could not cut ("…万元…%…" glued): the row is
    # then read by the decoder, not by its parts
    unread_total: bool = False
    # 其中 rows printed with no figure ("地方财政资金 | | |"): the form says that source gave nothing, which
    # is what lets a total be held against its one filled part
    blank_parts: list[FundsRow] = field(default_factory=list)


def _header_at(lines: list[list[Tok]], i: int, r: TableRules) -> tuple[list[str], list[Tok], int] | None:
    """Columns named by the header that starts at line i (a header may run over several one-cell
    lines), the header's tokens, and the index of the first line after it."""
    rx = r.rx["funds_cols"]
    cols: list[str] = []
    grouping: set[str] = set()  # columns named by a cell with the unit, which may head the money columns
    toks: list[Tok] = []
    j = i
    while j < len(lines):
        joined = "".join(t.key for t in lines[j])
        if _HAS_DIGIT.search(_PARENS.sub("", joined)):
            break  # a header names columns ("分值(10分)" too); a line with figures is a row or a sentence
        line_cols = header_marks(joined, rx)
        if not line_cols and cols:
            break
        if not line_cols and j > i:
            break
        if not line_cols:
            return None
        add_columns(cols, grouping, line_cols)
        toks += lines[j]
        j += 1
        if len(lines[j - 1]) > 1:
            break  # a full header line
    if len(cols) < r.funds.min_columns or not {"initial", "full_year", "spent"} & set(cols):
        return None  # a funds header names money columns; "权重 得分 得分率" heads a dimension table
    return cols, toks, j


def find_funds(lines: list[list[Tok]], r: TableRules | None = None) -> Funds | None:
    r = r or rules()
    for i in range(len(lines)):
        found = _header_at(lines, i, r)
        if found is None:
            continue
        cols, header, j = found
        # The unit may stand in the label cell just before a header printed one cell per line.
        head_key = "".join(t.key for t in (lines[i - 1] if i else []) + header)
        um = r.rx["unit"].search(head_key)
        unit = um.group(1) if um else r.funds.default_unit
        rows, unread_total, blank = _rows(lines, j, cols, r)
        if rows:
            amounts = [t for row in rows for c, t in row.cells.items() if c in ("initial", "full_year", "spent")]
            printed = [t.evidence().quote for t in amounts]  # the thousands separators normalising removed
            return Funds(settled_unit(unit, [t.key for t in amounts], r, printed), cols, header, rows, unread_total, blank)
    return None


def _rows(lines: list[list[Tok]], j: int, cols: list[str], r: TableRules) -> tuple[list[FundsRow], bool, list[FundsRow]]:
    """Rows after the header, and whether the total row printed figures it could not cut. Labels with no
    values on their line take the value lines that follow: one label, all of them (one cell per line);
    k labels in a block, one value line each (or the values cut into k equal rows)."""
    rows: list[FundsRow] = []
    unread_total = False
    events: list[tuple[str, FundsRow | list[Tok]]] = []
    row_rx = r.rx["funds_row"]
    window = lines[j : j + 40]
    skip = False
    for n, line in enumerate(window):
        if skip:
            skip = False
            continue
        toks = [t for t in line if t.key.strip()]
        if not toks:
            continue
        first = toks[0]
        m = row_rx.match(first.key)
        wrapped = None if m else _wrapped_label(first, window[n + 1] if n + 1 < len(window) else [], row_rx)
        if wrapped is not None:
            # a label wrapped in its cell ("其中：当年财政" / "拨款 58.01 …"): one row, its figures on both lines
            m, tail, more = wrapped
            skip = True
            rest = [t for t in toks[1:] if t.key != first.key] + more
            lead_in = regex.match(r"[:：\s]*", tail.key).end() if tail is not None else 0
            glued = tail.part(lead_in, len(tail.text)) if tail is not None and lead_in < len(tail.key) else None
            values = ([glued] if glued is not None else []) + rest
        if m and wrapped is None:
            rest = [t for t in toks[1:] if t.key != first.key]  # "年度资金总额 年度资金总额 38.62 …"
            # the figures glued to the label, after its colon: "年度资金总额:20202010100.00%10"
            lead_in = regex.match(r"[:：\s]*", first.key[m.end() :]).end()
            glued = first.part(m.end() + lead_in, len(first.text)) if m.end() + lead_in < len(first.key) else None
            values = ([glued] if glued is not None else []) + rest
        if m:
            row = FundsRow(first, m.lastgroup or "part", {})
            rows.append(row)
            # the row's figures; a formula or remark in a last column ("执行率*该指标分值…") ends them
            lead = values[: next((k for k, v in enumerate(values) if not is_value(v)), len(values))]
            if lead:
                _place(row, lead, [c for c in cols if c != "method"])
            elif row.kind == "total" and values and _HAS_DIGIT.search(values[0].key):
                unread_total = True
            events.append(("label", row) if not row.cells else ("done", row))
            continue
        if all(is_value(t) for t in toks):
            events.append(("values", toks))
            continue
        if rows:
            break
    k = 0
    while k < len(events):
        if events[k][0] != "label":
            k += 1
            continue
        labels = []
        while k < len(events) and events[k][0] == "label":
            labels.append(events[k][1])
            k += 1
        value_lines = []
        while k < len(events) and events[k][0] == "values":
            value_lines.append(events[k][1])
            k += 1
        if len(labels) == 1:
            _place(labels[0], [t for v in value_lines for t in v], cols)
        elif len(value_lines) >= len(labels) and all(len(v) > 1 for v in value_lines[: len(labels)]):
            for row, values in zip(labels, value_lines):
                _place(row, values, cols)
        else:
            flat = [t for v in value_lines for t in v]
            size = max(1, len(flat) // len(labels))
            for n, row in enumerate(labels):
                _place(row, flat[n * size : (n + 1) * size], cols)
    return [row for row in rows if row.cells], unread_total, [row for row in rows if not row.cells and row.kind == "part"]


def _wrapped_label(first: Tok, nxt: list[Tok], row_rx: regex.Pattern) -> tuple[regex.Match, Tok | None, list[Tok]] | None:
    """A row label that wrapped onto the next line: the match over both pieces, what of the second piece
    follows the label (figures glued to it, or nothing), and the next line's other tokens. Only when the
    first piece names no row itself and the second starts none."""
    nxt = [t for t in nxt if t.key.strip()]
    if not nxt or is_value(nxt[0]) or row_rx.match(nxt[0].key) or _HAS_DIGIT.search(first.key):
        return None
    m = row_rx.match(first.key + nxt[0].key)
    if m is None or m.end() <= len(first.key):
        return None
    cut = m.end() - len(first.key)
    tail = nxt[0].part(cut, len(nxt[0].text)) if cut < len(nxt[0].key) else None
    return m, tail, nxt[1:]


def nature_rows(lines: list[list[Tok]], unit: str, r: TableRules | None = None) -> list[dict]:
    """The 部门整体 form's two splits of 年度资金总额 as budget_table rows: kind "nature:<id>" for the split's
    whole (按收入性质分) and "nature-part:<id>" for its parts, one figure each, in the order printed. A part
    label (基本支出, 项目支出: everyday words) counts only as a cell of its own, with a colon or a figure
    after it, within a few lines after a split's whole."""
    r = r or rules()
    if not r.funds.natures:
        return []
    out: list[dict] = []
    since_whole = None
    for line in lines:
        since_whole = None if since_whole is None or since_whole > r.funds.nature_window else since_whole + 1
        for tok in line:
            for m in r.rx["nature"].finditer(tok.key):
                nature, part = _nature_of(m.group("label"), r)
                if nature is None or (part and since_whole is None):
                    continue
                if not part:
                    since_whole = 0
                figure = m.group("figure")
                cells = {}
                if figure:
                    q = parse_quantity(figure, default_unit=unit)
                    if q is not None and q.value is not None and q.kind == "money":
                        piece = tok.part(*m.span("figure"))
                        cells["amount"] = {"value": q.yuan, "text": piece.text, "evidence": piece.evidence().to_json()}
                out.append({"row": m.group("label"), "kind": f"nature{'-part' if part else ''}:{nature}", "unit": unit, "cells": cells})
    return out


def _nature_of(label: str, r: TableRules) -> tuple[str | None, bool]:
    for n in r.funds.natures:
        if regex.fullmatch(n.whole, label):
            return n.id, False
        if regex.fullmatch(n.parts, label):
            return n.id, True
    return None, False


def _amount(tok: Tok, unit: str, empty: regex.Pattern):
    if empty.match(tok.key):
        return None
    q = parse_quantity(tok.text, default_unit=unit)
    if q is None or q.value is None:
        return None
    if q.start > 0 or q.end < len(tok.text.rstrip()):
        return None  # a cell of several glued figures is not the amount its last few digits make
    return q


def funds_rows(funds: Funds, r: TableRules) -> list[dict]:
    """The funds block as the record keeps it: one entry per row, each cell a Fact-like dict."""
    empty = r.rx["empty"]
    out = []
    for row in sorted(funds.rows + funds.blank_parts, key=lambda row: (row.label.block.index, row.label.start)):
        cells = {}
        for col, tok in row.cells.items():
            if empty.match(tok.key):
                cells[col] = None
                continue
            if col in ("initial", "full_year", "spent"):
                q = _amount(tok, funds.unit, empty)
                value = q.yuan if q is not None else None
            elif col == "rate":
                q = parse_quantity(tok.text, default_unit="%")
                value = q.value if q is not None and q.kind == "percent" else None
            else:
                value = Decimal(tok.key.rstrip("分")) if POINTS.fullmatch(tok.key) else None
            cells[col] = None if value is None else {"value": value, "text": tok.text, "evidence": tok.evidence().to_json()}
        out.append({"row": row.label.text, "kind": row.kind, "unit": funds.unit, "cells": cells})
    return out


def _main_row(funds: Funds, r: TableRules) -> FundsRow:
    """The row that carries the facts: the total row, or, when the total row is left at zero while a
    component row holds the money, the component row (the zero row is kept as a mention, for the checker)."""
    empty = r.rx["empty"]

    def has_amount(row: FundsRow) -> bool:
        return any(
            (q := _amount(row.cells[c], funds.unit, empty)) is not None and q.yuan
            for c in ("initial", "full_year", "spent") if c in row.cells
        )

    def zeroed(row: FundsRow) -> bool:
        return any((q := _amount(row.cells[c], funds.unit, empty)) is not None and q.yuan == 0
                   for c in ("initial", "full_year", "spent") if c in row.cells)

    totals = [row for row in funds.rows if row.kind == "total"]
    parts = [row for row in funds.rows if row.kind == "part"]
    main = totals[0] if totals else funds.rows[0]
    # (a total row whose figures were not read, glued past cutting, is not a total left at zero)
    if totals and not has_amount(main) and zeroed(main) and parts and has_amount(parts[0]):
        main = parts[0]
    return main


def funds_mentions(doc: Document, r: TableRules | None = None, lines: list[list[Tok]] | None = None, out_rows: list | None = None) -> list[Mention]:
    """Budget figures and the 预算执行率 score from the funds block (ranked before prose)."""
    r = r or rules()
    lines = lines if lines is not None else lines_of(doc)
    funds = find_funds(lines, r)
    if funds is None or not _trusted(funds, _main_row(funds, r), r):
        decoded_rows: list = []
        decoded = decoded_mentions(lines, r, decoded_rows)
        # the decoder's row must be the table's own total row when the table printed one: a row under the
        # header that decodes while the total row does not (its rate a slip) is a part's, read in the
        # total's place
        main = _main_row(funds, r) if funds is not None else None
        if decoded and (main is None or main.kind != "total" or _same_row(decoded, decoded_rows, main)):
            if out_rows is not None:
                out_rows.extend(decoded_rows)
            return decoded
        if funds is None:
            return []
    if out_rows is not None:
        out_rows.extend(funds_rows(funds, r))
    empty = r.rx["empty"]
    out: list[Mention] = []
    main = _main_row(funds, r)
    for row in funds.rows:
        rank = 5 if row is main else 45
        for col, field_id in (("initial", "budget.initial"), ("full_year", "budget.full_year"), ("spent", "budget.spent")):
            tok = row.cells.get(col)
            if tok is None:
                continue
            q = _amount(tok, funds.unit, empty)
            if q is not None and q.yuan is not None:
                out.append(Mention(field_id, q.yuan, tok.text, tok.evidence(), f"tables:funds:{row.kind}:{col}", rank))
        tok = row.cells.get("rate")
        if tok is not None and not empty.match(tok.key):
            q = parse_quantity(tok.text, default_unit="%")
            if q is not None and q.kind == "percent" and q.value is not None:
                value, rule = q.value, f"tables:funds:{row.kind}:rate"
                if _as_fraction(row, funds.unit, r):
                    value, rule = q.value * 100, rule + ":fraction"
                out.append(Mention("budget.execution_rate", value, tok.text, tok.evidence(), rule, rank))
        if row.kind == "total" or row is main:
            for col, field_id in (("weight", "dimension.exec.weight"), ("score", "dimension.exec.score")):
                tok = row.cells.get(col)
                if tok is not None and not empty.match(tok.key) and POINTS.fullmatch(tok.key):
                    out.append(Mention(field_id, Decimal(tok.key.rstrip("分")), tok.text, tok.evidence(), f"tables:funds:{col}", rank))
    return out


def _same_row(decoded: list[Mention], decoded_rows: list[dict], row: FundsRow) -> bool:
    """Whether the decoder read this row: after the row's own label, in the label's own line, or one of
    the row's own figures."""
    if decoded_rows and decoded_rows[0].get("row", "").strip("：: ") == row.label.text.strip("：: "):
        return True
    label = row.label.evidence()
    for m in decoded:
        if m.field.startswith("budget.") and m.evidence.block == label.block:
            a, b = sorted((label.start, m.evidence.start))
            if "\n" not in row.label.block.raw[a:b]:
                return True
    # or any of the figures the header placed in the row (in whatever column) is one the decoder read
    placed = {(e.block, e.start) for e in (t.evidence() for t in row.cells.values())}
    amounts = [m for m in decoded if m.field in ("budget.initial", "budget.full_year", "budget.spent")]
    return not placed or not amounts or any((m.evidence.block, m.evidence.start) in placed for m in amounts)


def settled_unit(unit: str, figures: list[str], r: TableRules, printed: list[str] = ()) -> str:
    """The header's unit, unless the figures cannot be in it: a 万元 header over 145000000.00 is a form
    filled in 元 (no county project spends a trillion yuan), and so is one over 3,724,055.00 (figures in
    万元 are not printed with seven digits grouped by thousands)."""
    if unit != "万元":
        return unit
    amounts = [Decimal(f) for f in figures if regex.fullmatch(r"\d+(?:\.\d+)?", f)]
    if amounts and max(amounts) >= Decimal(r.funds.implausible_wan):
        return "元"
    for text in printed:
        grouped = regex.search(r"(?<![\d,])\d{1,3}(?:,\d{3})+(?![\d,])", text)
        if grouped and len(grouped.group().replace(",", "")) >= r.funds.grouped_yuan_digits:
            return "元"
    return unit


def header_hints(text: str, r: TableRules) -> set[str]:
    squeezed = _SPACES_BARS.sub("", text)
    return {h.id for h in r.funds.decode.hints if regex.search(h.pattern, squeezed)}


def open_templates(r: TableRules, hints: set[str]) -> dict[str, list[str]]:
    """The templates a row under a header naming ``hints`` may take."""
    gated = r.funds.decode.gated
    return {
        name: cols
        for name, cols in r.funds.decode.templates.items()
        if name not in gated
        or (set(gated[name].get("named", [])) <= hints and not set(gated[name].get("unnamed", [])) & hints)
    }


def decoded_row(lines: list[list[Tok]], r: TableRules):
    """The first funds row that decodes by the form's templates and arithmetic: (anchor, Decoded, unit,
    the header token stating the 分值 or None)."""
    from pipeline.extract import funds_decode

    rx = r.rx
    # the funds row's own labels first; a 合计 row only when no such row decodes
    candidates = list(funds_decode.find_rows(lines, rx["decode_anchor"], rx["decode_stop"], rx["decode_between"]))
    candidates += list(funds_decode.find_rows(lines, rx["decode_total"], rx["decode_stop"], rx["decode_between"]))
    for anchor, figures, header in candidates:
        text = "".join(t.key for t in header)
        weight_tok = None
        wm = rx["decode_weight"].search(text)
        if wm:
            pos = 0
            for t in header:  # the header token that holds the stated 分值
                if pos <= wm.start(1) < pos + len(t.key):
                    weight_tok = t.part(wm.start(1) - pos, wm.end(1) - pos)
                pos += len(t.key)
        weight = Decimal(weight_tok.key) if weight_tok is not None else None
        hints = header_hints(text, r)
        found = funds_decode.decode(figures, open_templates(r, hints), hints, r.funds.decode.support, weight)
        if found is not None:
            um = rx["unit"].search(text)
            unit = settled_unit(um.group(1) if um else r.funds.default_unit, [p.text for p in found.pieces.values()], r)
            return anchor, found, unit, weight_tok
    return None


# the record's fields of the decoded columns (the arrival rate stays in the row of budget_table only)
_DECODED_FIELDS = {
    "initial": "budget.initial", "full_year": "budget.full_year", "received": "budget.received",
    "spent": "budget.spent", "rate": "budget.execution_rate", "weight": "dimension.exec.weight",
    "score": "dimension.exec.score",
}


def _trusted(funds: Funds, main: FundsRow, r: TableRules) -> bool:
    """A funds row read by its headers is trusted unless its own arithmetic fails (or it has no amounts)."""
    from pipeline.extract.funds_decode import _within

    empty = r.rx["empty"]
    if funds.unread_total or main.unplaced:
        return False
    vals = {}
    for c in ("initial", "full_year", "spent"):
        tok = main.cells.get(c)
        q = _amount(tok, funds.unit, empty) if tok is not None else None
        if q is not None and q.yuan:
            vals[c] = q.yuan
    if "spent" not in vals and not ({"initial", "full_year"} & vals.keys()):
        return False
    rate = main.cells.get("rate")
    base = vals.get("full_year") or vals.get("initial")
    if rate is None or empty.match(rate.key):
        return True
    if "spent" not in vals and base and _zero(main.cells.get("spent"), funds.unit, empty) and _zero(rate, "%", empty):
        return True  # nothing spent and a rate of zero: the row holds, whatever the budget
    if "spent" not in vals or not base:
        return False  # a rate with nothing to check it against: the decoder may read the row better
    if not regex.fullmatch(r"\d+(?:\.\d+)?%?", rate.key):
        return False
    return _within(vals["spent"] / base * 100, rate.key, slack_units=1) or _as_fraction(main, funds.unit, r)


def _zero(tok: Tok | None, unit: str, empty: regex.Pattern) -> bool:
    if tok is None or empty.match(tok.key):
        return False
    q = parse_quantity(tok.text, default_unit=unit)
    return q is not None and q.value is not None and q.value == 0 and q.start == 0


def _as_fraction(row: FundsRow, unit: str, r: TableRules) -> bool:
    """Whether the row's rate is printed as a fraction of one ("0.9100" for 91%): no % sign, and its own
    spending over its budget gives that fraction, not that percentage."""
    from pipeline.extract.funds_decode import _within

    rate = row.cells.get("rate")
    if rate is None or not regex.fullmatch(r"[01]\.\d{2,}|1", rate.key):
        return False
    empty = r.rx["empty"]
    amounts = {}
    for c in ("initial", "full_year", "spent"):
        tok = row.cells.get(c)
        q = _amount(tok, unit, empty) if tok is not None else None
        if q is not None and q.yuan:
            amounts[c] = q.yuan
    base = amounts.get("full_year") or amounts.get("initial")
    if "spent" not in amounts or not base:
        return False
    share = amounts["spent"] / base
    printed = f"{Decimal(rate.key):.2f}" if "." not in rate.key else rate.key
    return _within(share, printed, slack_units=1) and not _within(share * 100, rate.key, slack_units=1)


def decoded_mentions(lines: list[list[Tok]], r: TableRules, out_rows: list | None = None) -> list[Mention]:
    from pipeline.extract import funds_decode

    found = decoded_row(lines, r)
    if found is None:
        return []
    anchor, dec, unit, weight_tok = found
    rule = f"tables:funds:decoded:{dec.template}:{'+'.join(dec.relations)}"
    if (funds_decode.REPEATED in dec.relations and not any("执行率" in r for r in dec.relations)) or {funds_decode.HEADER_NAMED, funds_decode.HEADER_NEAR} & set(dec.relations):
        rule += ":uncertain"  # read by the form alone: a finding on it is at most a warning
    out: list[Mention] = []
    if weight_tok is not None and "weight" not in dec.pieces:
        out.append(Mention("dimension.exec.weight", Decimal(weight_tok.key), weight_tok.text, weight_tok.evidence(), rule, 5))
    cells = {}
    for col, piece in dec.pieces.items():
        tok = piece.tok.part(piece.a, piece.b)
        if r.rx["empty"].match(tok.key):
            cells[col] = None
            continue
        if funds_decode.KIND[col] == "amount":
            q = parse_quantity(tok.text, default_unit=unit)
            value = q.yuan if q is not None else None
        elif col == "rate" and dec.fraction:
            value = piece.value * 100  # "0.1" for (B/A): the rate as a fraction of one
        else:
            value = piece.value
        if value is None:
            continue
        cells[col] = {"value": value, "text": tok.text, "evidence": tok.evidence().to_json()}
        if col in _DECODED_FIELDS:
            out.append(Mention(_DECODED_FIELDS[col], value, tok.text, tok.evidence(), rule, 5))
    if out_rows is not None:
        out_rows.append({"row": anchor.text, "kind": "total", "unit": unit, "cells": cells, "rule": rule})
    return out


# -- the total row -----------------------------------------------------------------------------------

def grade_word(text: str, r: TableRules | None = None) -> str | None:
    r = r or rules()
    return r.grades.words.get(text)


def total_mentions(lines: list[list[Tok]], r: TableRules | None = None) -> list[Mention]:
    """总分 | 100 | 96.84 | 自评等级 | 优 ; 总分 100 98.41 ; 总分10099.9优."""
    r = r or rules()
    out: list[Mention] = []
    for i, line in enumerate(lines):
        toks = filled(line)
        if not toks:
            continue
        graded = [k + 1 for k in range(len(toks) - 1) if r.rx["grade_label"].fullmatch(toks[k].key.rstrip("：:"))
                  and toks[k + 1].key in r.grades.words
                  and not (k + 2 < len(toks) and (toks[k + 2].key in r.grades.words or r.rx["grade_band"].search(toks[k + 2].key)))]
        if graded and not r.rx["total"].match(toks[0].key):
            # the grade in the cell after its label: "自评等级 | 优", "绩效评价得分 | 86.5 | 评价等级 | 良" (not
            # "等级 | 优 | 良 | 中" or "评价等级 | 优 | 90分以上", a scheme's)
            g = toks[graded[0]]
            out.append(Mention("score.grade", r.grades.words[g.key], g.text, g.evidence(), "tables:total:grade", 5))
            if len(toks) == 2:
                continue
        if len(toks) == 1 and r.rx["grade_label"].fullmatch(toks[0].key.rstrip("：:")):
            # one cell per line: "自评等级 |" then "优 |"; not a column of grade words ("等级 | 优 | 良 | 中"),
            # which lists a scheme. Ranked as a claim in prose, not as a row that holds label and grade: in a
            # third party's report the unit's 自评等级 cell stands beside the evaluator's 评价等级, stated first
            nxt, after = (filled(lines[k]) if k < len(lines) else [] for k in (i + 1, i + 2))
            if len(nxt) == 1 and nxt[0].key in r.grades.words and not (len(after) == 1 and after[0].key in r.grades.words):
                out.append(Mention("score.grade", r.grades.words[nxt[0].key], nxt[0].text, nxt[0].evidence(), "tables:total:grade", 10))
            continue
        if not r.rx["total"].match(toks[0].key):
            # a space-flattened form runs its rows together on one line: "… 满意度 8 6 总分 100 78 评价等次 中"
            j = next((j for j in range(1, len(toks) - 1) if r.rx["total"].fullmatch(toks[j].key) and POINTS.fullmatch(toks[j + 1].key)), None)
            toks = toks[j:] if j is not None else toks
        m = r.rx["total"].match(toks[0].key)
        by_scale = m is None
        m = m or r.rx["total_scale"].fullmatch(toks[0].key)
        if not m:
            continue
        rest = toks[1:]
        if len(toks) == 1 and m.end() == len(toks[0].key):
            # one cell per line: the row goes on over the next lines' single cells
            for nxt in lines[i + 1 : i + 6]:
                if len(nxt) != 1:
                    break
                rest.append(nxt[0])
        if m.end() < len(toks[0].key):
            rest = [toks[0].part(m.end(), len(toks[0].text))] + rest
        rest = [t for t in rest if not r.rx["total"].fullmatch(t.key)]  # "总分 总分 100 99.33"
        numbers: list[Tok] = []
        grade: Tok | None = None
        for t in rest:
            lm = r.rx["total_cell_label"].match(t.key)
            if lm and lm.end() < len(t.key):
                t = t.part(lm.end(), len(t.text))
            if POINTS.fullmatch(t.key) and Decimal(t.key.rstrip("分")) <= 100:
                numbers.append(t)
            elif regex.fullmatch(r"(?:\d+(?:\.\d+)?)+\D{0,2}", t.key):
                # glued: "10099.9优" -> 100 | 99.9 | 优, "10095" -> 100 | 95
                g = regex.fullmatch(r"(100)((?:100|\d{1,2})(?:\.\d{1,2})?)(\D{0,2})", t.key)
                if g:
                    numbers += [t.part(*g.span(1)), t.part(*g.span(2))]
                    if g.group(3):
                        grade = t.part(*g.span(3))
            elif r.rx["grade"].fullmatch(t.key):
                grade = t
            elif r.rx["grade_label"].fullmatch(t.key):
                continue
            else:
                break
        if by_scale and not (len(numbers) == 2 and numbers[0].key.rstrip("分") == "100"):
            continue  # "合计 50 50 45 10 90% 9" is the funds row's total, not the score's
        if len(numbers) > 2 and all(n.key.rstrip("分") == "100" for n in numbers[:-1]):
            weight, score = numbers[0], numbers[-1]  # "总分 100 100 100 78": each level's 分值 column, then the score
        elif len(numbers) >= 2:
            weight, score = numbers[0], numbers[1]
        elif len(numbers) == 1 and not (numbers[0].key.rstrip("分") == "100" and grade is None):
            weight, score = None, numbers[0]
        else:
            continue
        value = Decimal(score.key.rstrip("分"))
        if any(m.field == "score.total" for m in out):
            # a second form's 总分 in one document belongs to another project's table
            out.append(Mention("other.score.total", value, score.text, score.evidence(), "tables:total", 5))
            continue
        out.append(Mention("score.total", value, score.text, score.evidence(), "tables:total", 5))
        if weight is not None:
            out.append(Mention("score.total_weight", Decimal(weight.key.rstrip("分")), weight.text, weight.evidence(), "tables:total", 5))
        if grade is not None and grade.key in r.grades.words:
            out.append(Mention("score.grade", r.grades.words[grade.key], grade.text, grade.evidence(), "tables:total", 5))
    return out


def column_map(line: list[Tok], rx: regex.Pattern) -> dict[int, str]:
    """For a header row of a real table: which column holds what (by the cell's column index)."""
    out: dict[int, str] = {}
    for t in line:
        if t.col is None:
            continue
        m = rx.search(regex.sub(r"\s+", "", t.key))
        if m and m.lastgroup not in out.values():
            out[t.col] = m.lastgroup
    return out


def dimension_table(lines: list[list[Tok]], r: TableRules | None = None) -> tuple[list[tuple[str, dict[str, Mention]]], list[Mention]]:
    """A real table of the dimensions: rows (name, {weight, score, rate}) and the total/grade rows' mentions."""
    r = r or rules()
    rows: list[tuple[str, dict[str, Mention]]] = []
    extra: list[Mention] = []
    cols: dict[int, str] = {}
    block = None
    for line in lines:
        toks = [t for t in line if t.key.strip()]
        if not toks or toks[0].col is None:
            cols = {}
            continue
        if not cols or toks[0].block is not block:
            found = column_map(toks, r.rx["ind_cols"])
            roles = set(found.values())
            if set(r.dimension_table.requires) <= roles and not roles & set(r.dimension_table.excludes):
                cols, block = found, toks[0].block
            else:
                cols = {}
            continue
        by = {cols.get(t.col): t for t in toks if t.col in cols}
        name = by.get("level1")
        if name is None:
            continue
        if r.rx["dim_grade_row"].fullmatch(name.key):
            grade = next((t for t in toks if t is not name and t.key in r.grades.words), None)
            if grade is not None:
                extra.append(Mention("score.grade", r.grades.words[grade.key], grade.text, grade.evidence(), "tables:dimension-table", 5))
            continue
        values: dict[str, Mention] = {}
        for role in ("weight", "score", "rate"):
            t = by.get(role)
            if t is None:
                continue
            m = _FIGURE_CELL.fullmatch(t.key)
            if m:
                values[role] = Mention(f"dimension.{role}", Decimal(m.group(1)), t.text, t.evidence(), "tables:dimension-table", 5)
        if r.rx["dim_total_row"].fullmatch(name.key):
            if "score" in values:
                extra.append(Mention("score.total", values["score"].value, values["score"].text, values["score"].evidence, "tables:dimension-table", 5))
            if "weight" in values:
                extra.append(Mention("score.total_weight", values["weight"].value, values["weight"].text, values["weight"].evidence, "tables:dimension-table", 5))
            continue
        if values:
            rows.append((name.text, values))
    flat_rows, flat_extra = _flat_dimension_table(lines, r)
    return rows + flat_rows, extra + flat_extra


_FIGURE_CELL = regex.compile(r"(\d+(?:\.\d+)?)\s*(%|分)?")
_HEADER_MAX = 6  # heading cells of a dimensions table: its level-1 column, 分值/权重, 得分, 得分率


def _flat_dimension_table(lines: list[list[Tok]], r: TableRules) -> tuple[list[tuple[str, dict[str, Mention]]], list[Mention]]:
    """The table of the dimensions as a site flattened it ("一级指标 | 分值 | 得分", then "决策 | 20 | 18" …
    "合计 | 100 | 95", a row a line or one cell a line): its header's headings in order, then rows of a
    dimension's name (a share in brackets may follow it: "目标完成程度 | （80%） | 80分 | 67分") and exactly as
    many figures as the header has figure columns, until a row breaks the shape (a blank cell dropped in
    flattening leaves a short row, which ends the table rather than shifting its figures). The total row
    gives the total and the sum of the weights."""
    stream = [t for line in lines if line and line[0].col is None for t in line if t.key.strip() and t.key.strip() != "|"]
    rows: list[tuple[str, dict[str, Mention]]] = []
    extra: list[Mention] = []
    i = 0
    while i < len(stream):
        if not r.rx["dim_row_head"].fullmatch(_SPACES_BARS.sub("", stream[i].key)):
            i += 1
            continue
        roles, k = [], i + 1
        while k < len(stream) and k - i <= _HEADER_MAX:
            m = r.rx["ind_cols"].search(_SPACES_BARS.sub("", stream[k].key))  # "实际得分", "权重(%)"
            if m is None or _HAS_DIGIT.search(stream[k].key):
                break
            roles.append(m.lastgroup)
            k += 1
        if "score" not in roles or len(set(roles)) != len(roles) or not set(roles) <= {"weight", "score", "rate"}:
            i += 1
            continue
        found: list[tuple[str, dict[str, Mention]]] = []
        total: list[Mention] = []
        while k < len(stream):
            name = stream[k]
            first = k + 2 if k + 1 < len(stream) and r.rx["dim_share"].fullmatch(stream[k + 1].key) else k + 1
            cells = stream[first : first + len(roles)]
            figures = [_FIGURE_CELL.fullmatch(c.key) for c in cells]
            if len(cells) < len(roles) or not all(figures) or _FIGURE_CELL.fullmatch(name.key):
                break
            values = {
                role: Mention(f"dimension.{role}", Decimal(f.group(1)), c.text, c.evidence(), "tables:dimension-table:flat", 5)
                for role, f, c in zip(roles, figures, cells)
            }
            if r.rx["dim_total_row"].fullmatch(name.key):
                if "score" in values:
                    total.append(Mention("score.total", values["score"].value, values["score"].text, values["score"].evidence, "tables:dimension-table:flat", 5))
                if "weight" in values:
                    total.append(Mention("score.total_weight", values["weight"].value, values["weight"].text, values["weight"].evidence, "tables:dimension-table:flat", 5))
                k = first + len(roles)
                break
            if not r.rx["dim_names"].fullmatch(_SPACES_BARS.sub("", name.key)):
                break
            found.append((name.text, values))
            k = first + len(roles)
        if len(found) >= 2:
            rows += found
            extra += total
        i = k if found else i + 1
    return rows, extra
