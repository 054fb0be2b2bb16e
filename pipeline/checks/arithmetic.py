"""Arithmetic (rulebook B.1): parts against their totals, scores against their weights, rates against their
operands. Every comparison allows for the rounding the printed figures carry (``numbers.Printed``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate

import regex

from pipeline.checks.base import CheckRule, Context, band_of, check, evidence_of
from pipeline.checks.indicators import compare, dimension_of, plain, squeeze
from pipeline.checks.numbers import Printed, dec, fmt, rate_agreement, sum_agrees, wan
from pipeline.checks.view import view
from pipeline.quantity import find_quantities
from pipeline.quantity import rules as quantity_rules

_SENTENCE = regex.compile(r"[^。]+")

AMOUNT_COLUMNS = {"initial": "年初预算数", "full_year": "全年预算数", "spent": "全年执行数"}
BUDGET_LABELS = {"initial": "年初预算数", "full_year": "全年预算数", "received": "实际到位资金", "spent": "全年执行数"}
# other_projects facts → the report-level budget fact they add up to (an unqualified 预算 is the full-year one)
PROJECT_FIELDS = {"budget.full_year": "full_year", "budget.stated": "full_year", "budget.initial": "initial", "budget.spent": "spent"}


# -- shared helpers ------------------------------------------------------------------------------------------

def points(fact: dict | None) -> Printed | None:
    """A score or weight as printed. A whole number is taken as exact: scoring systems keep two decimals
    and print the ones they keep, so "20" is 20.00 while "9.6" may stand for anything in [9.55, 9.65)."""
    p = Printed.of_fact(fact)
    if p is None:
        return None
    return Printed.exact(p.value) if p.half_ulp >= Decimal("0.5") else p


def full_marks(ctx: Context, rule: CheckRule) -> Decimal:
    """The form's total weight: the 总分 it prints, else the 百分制 the catalogue names."""
    stated = ctx.fact("score", "total_weight")
    return dec(stated["value"]) if stated and stated.get("value") is not None else dec(rule.params["full_marks"])


def band_change(ctx: Context, claimed: Decimal, recomputed: Decimal) -> tuple[str, str, str] | None:
    """(claimed grade, recomputed grade, the band scheme) under the first fitting band set where the two
    totals fall in different bands; None when none separates them (GRADE-EXEC-CEILING's reading)."""
    for _, bands in ctx.band_sets():
        a, b = band_of(claimed, bands), band_of(recomputed, bands)
        if a is not None and b is not None and a != b:
            scheme = "、".join(f"{g}≥{fmt(lo)}" for g, lo, _ in sorted(bands, key=lambda x: -x[1]) if lo > 0)
            return a, b, scheme
    return None


def impact_text(change: tuple[str, str, str] | None, lead: str) -> str:
    """The sentence that says the grade moves: "{lead}，在…的分档下属“良”档，而报告所述总分属“优”档…"."""
    if change is None:
        return ""
    return f"{lead}，在{change[2]}的分档下属“{change[1]}”档，而报告所述总分属“{change[0]}”档，等级随之改变，影响评价结论。"


def _slack(parts: list[Printed], total: Printed, rule: CheckRule) -> tuple[bool, Decimal, Decimal]:
    """sum_agrees with the catalogue's floor: the rulebook's ±0.01 on scores when all are exact."""
    _, s, slack = sum_agrees(parts, total)
    slack = max(slack, dec(rule.params["tolerance"]))
    return abs(s - total.value) <= slack, s, slack


def _overlaps(a: dict | None, b: dict | None) -> bool:
    return bool(a and b and a.get("block") == b.get("block") and a["start"] < b["end"] and b["start"] < a["end"])


# -- ARITH-FUND-ROWS -----------------------------------------------------------------------------------------

def _funds_tables(rows: list[dict]) -> Iterator[tuple[dict, list[dict]]]:
    """(total row, its part rows) for every funds block; a report may hold several tables. The parts
    follow their total (年度资金总额, then 其中 …), or, in forms that sum at the foot, come before it."""
    total, parts, above = None, [], []
    for row in rows:
        if row.get("kind") == "total":
            if total is not None:
                yield total, parts
            total, parts, above = row, above, []
        elif row.get("kind") == "part":
            (parts if total is not None else above).append(row)
    if total is not None:
        yield total, parts


def _amounts(row: dict) -> dict[str, dict]:
    cells = row.get("cells") or {}
    return {c: cells[c] for c in AMOUNT_COLUMNS if cells.get(c) and cells[c].get("value") is not None}


def _row_label(row: dict) -> str:
    label = regex.sub(r"^\s*其中\s*[：:]?", "", row.get("row") or "")
    return regex.split(r"[\d—\-\s|]", label, maxsplit=1)[0] or (row.get("row") or "")


def _row_values(cells: dict[str, dict]) -> str:
    return "、".join(f"{AMOUNT_COLUMNS[c]}{wan(dec(cell['value']))}" for c, cell in cells.items())


@check("ARITH-FUND-ROWS")
def fund_rows(ctx: Context, rule: CheckRule):
    """The 年度资金总额 row against its 其中 rows, per amount column."""
    for total, parts in _funds_tables(ctx.record.get("budget_table") or []):
        t_cells = _amounts(total)
        if not t_cells or not parts:
            continue
        if all(dec(c["value"]) == 0 for c in t_cells.values()):
            yield from _zero_total(ctx, rule, total, t_cells, parts)
            continue
        for col in AMOUNT_COLUMNS:
            yield from _column_sum(ctx, rule, col, t_cells, parts)
    yield from _natures(ctx, rule)


def _natures(ctx: Context, rule: CheckRule):
    """The 部门整体 form's splits of the year's funds (按收入性质分, 按支出性质分): each split's parts add up
    to its whole, and the whole is the 年度资金总额 row's money in one of its columns."""
    rows = ctx.record.get("budget_table") or []
    totals = [r for r in rows if r.get("kind") == "total"]
    t_cells = _amounts(totals[0]) if totals else {}
    for row in rows:
        kind = row.get("kind") or ""
        if not kind.startswith("nature:") or not (row.get("cells") or {}).get("amount"):
            continue
        nature = kind.split(":", 1)[1]
        whole_cell = row["cells"]["amount"]
        whole = Printed.of_fact(whole_cell)
        parts = [p for p in rows if p.get("kind") == f"nature-part:{nature}" and (p.get("cells") or {}).get("amount")]
        if len(parts) >= rule.params["min_parts"]:
            values = [Printed.of_fact(p["cells"]["amount"]) for p in parts]
            ok, s, _ = sum_agrees(values, whole)
            if not ok:
                yield ctx.finding(
                    rule,
                    "nature_parts",
                    msg={"whole_label": row["row"], "whole": wan(whole.value), "parts": "＋".join(f"{p['row']}{wan(v.value)}" for p, v in zip(parts, values)),
                         "parts_sum": wan(s), "diff": wan(abs(s - whole.value))},
                    evidence=[whole_cell.get("evidence")] + [p["cells"]["amount"].get("evidence") for p in parts],
                    expected=s,
                    stated=whole.value,
                    facts={"nature": nature},
                )
        if t_cells and whole.value:
            totals_printed = {c: Printed.of_fact(v) for c, v in t_cells.items()}
            if not any(sum_agrees([whole], t)[0] for t in totals_printed.values() if t is not None and t.value):
                nearest = min((abs(t.value - whole.value) for t in totals_printed.values() if t is not None), default=None)
                if nearest is None:
                    continue
                yield ctx.finding(
                    rule,
                    "nature_total",
                    msg={"whole_label": row["row"], "whole": wan(whole.value), "total_values": _row_values(t_cells), "diff": wan(nearest)},
                    evidence=[whole_cell.get("evidence")] + [c.get("evidence") for c in t_cells.values()],
                    expected={c: t.value for c, t in totals_printed.items() if t is not None},
                    stated=whole.value,
                    facts={"nature": nature},
                )


def _zero_total(ctx: Context, rule: CheckRule, total: dict, t_cells: dict, parts: list[dict]):
    """A total row of zeros beside a part with money: the total was left unfilled, and the 执行率 and
    得分 the form computes from that row are void."""
    part = next((p for p in parts if any(dec(c["value"]) != 0 for c in _amounts(p).values())), None)
    if part is None:
        return
    p_cells = _amounts(part)
    cells = total.get("cells") or {}
    zeroed = [c for c in ("rate", "score") if cells.get(c) and cells[c].get("value") is not None and dec(cells[c]["value"]) == 0]
    consequence = "，表中据此算出的执行率和预算执行率得分也成了0" if zeroed else ""
    yield ctx.finding(
        rule,
        "zero_total",
        msg={"total_values": _row_values(t_cells), "part_label": _row_label(part), "part_values": _row_values(p_cells), "consequence": consequence},
        evidence=[c.get("evidence") for c in t_cells.values()] + [c.get("evidence") for c in p_cells.values()],
        expected={c: dec(v["value"]) for c, v in p_cells.items()},
        stated={c: dec(v["value"]) for c, v in t_cells.items()},
        facts={"part_row": part.get("row")},
    )


def _column_sum(ctx: Context, rule: CheckRule, col: str, t_cells: dict, parts: list[dict]):
    if col not in t_cells:
        return
    filled = [p for p in parts if col in _amounts(p)]
    if len(filled) == 1 and len(parts) >= 2:
        yield from _single_part(ctx, rule, col, t_cells, filled[0], len(parts) - 1)
        return
    if len(filled) < rule.params["min_parts"]:
        return
    total = Printed.of_fact(t_cells[col])
    values = [Printed.of_fact(p["cells"][col]) for p in filled]
    ok, s, slack = sum_agrees(values, total)
    if ok:
        return
    # a part that is itself the sum of others (财政资金 over 本级/上级) is a nesting, not a contradiction
    if any(abs(s - v.value - total.value) <= slack for v in values):
        return
    yield ctx.finding(
        rule,
        "sum",
        msg={"column": AMOUNT_COLUMNS[col], "total": wan(total.value), "parts": "＋".join(f"{_row_label(p)}{wan(v.value)}" for p, v in zip(filled, values)), "parts_sum": wan(s), "diff": wan(abs(s - total.value))},
        evidence=[t_cells[col].get("evidence")] + [p["cells"][col].get("evidence") for p in filled],
        expected=s,
        stated=total.value,
        facts={"column": col, "slack": slack},
    )


def _single_part(ctx: Context, rule: CheckRule, col: str, t_cells: dict, part: dict, blank: int):
    """The one 其中 row that fills a column, the others printed blank: the form reads blank as nil, so the
    total is that row; a part above the total is wrong whatever the blanks hold."""
    total = Printed.of_fact(t_cells[col])
    value = Printed.of_fact(part["cells"][col])
    if total is None or value is None:
        return
    ok, s, slack = sum_agrees([value], total)
    if ok:
        return
    variant = "part_above" if value.value > total.value else "single"
    yield ctx.finding(
        rule,
        variant,
        msg={"column": AMOUNT_COLUMNS[col], "total": wan(total.value), "part_label": _row_label(part), "part": wan(value.value), "blank": blank, "diff": wan(abs(value.value - total.value))},
        evidence=[t_cells[col].get("evidence"), part["cells"][col].get("evidence")],
        expected=value.value,
        stated=total.value,
        facts={"column": col, "slack": slack, "part_row": part.get("row")},
    )


# -- ARITH-TOTAL ---------------------------------------------------------------------------------------------

def _dimension_parts(ctx: Context, rule: CheckRule) -> list[tuple[dict, Printed]] | None:
    """The 一级 scores when they are the whole breakdown: every dimension weighed and scored, the weights
    adding up to the full marks, and no score that is really an indicator's (a line that opens with the
    dimension and goes on to its first indicator)."""
    dims = ctx.record.get("score", {}).get("dimensions", [])
    if len(dims) < 2 or any(not d.get("score") for d in dims):
        return None
    if any(not d.get("weight") for d in dims):
        if not _one_framework(dims, rule):
            return None
    elif sum(dec(d["weight"]["value"]) for d in dims) != full_marks(ctx, rule):
        return None
    ind_scores = [evidence_of(i.get("score")) for i in ctx.record.get("indicators", [])]
    if any(_overlaps(evidence_of(d["score"]), e) for d in dims for e in ind_scores):
        return None
    return [(d, points(d["score"])) for d in dims]


def _one_framework(dims: list[dict], rule: CheckRule) -> bool:
    """The dimensions scored are, in name, exactly the 一级指标 of one whole framework (决策, 过程, 产出, 效益)."""
    names = sorted(regex.sub(r"^(?:项目|部门)|(?:类)?(?:指标)?$", "", d["name"]) for d in dims)
    return any(sorted(f) == names for f in rule.params["frameworks"])


def _indicator_parts(ctx: Context, rule: CheckRule) -> list[tuple[str, dict, Printed]] | None:
    """预算执行率 score plus every indicator's score, when every row is weighed and scored and the weights
    (预算执行率's included) add up to the full marks; or the indicators' alone, on a form that gives the
    funds row no score and its indicators all the marks (the arrival variant)."""
    exec_dim = ctx.dimension("预算执行率")
    inds = ctx.record.get("indicators", [])
    if exec_dim and (not exec_dim.get("score") or not exec_dim.get("weight")) or len(inds) < 2:
        return None
    if any(not i.get("weight") or not i.get("score") for i in inds):
        return None
    head = [("预算执行率", exec_dim["score"], points(exec_dim["score"]))] if exec_dim else []
    weights = (dec(exec_dim["weight"]["value"]) if exec_dim else 0) + sum(dec(i["weight"]["value"]) for i in inds)
    if weights != full_marks(ctx, rule):
        return None
    return head + [(i["name"], i["score"], points(i["score"])) for i in inds]


@check("ARITH-TOTAL")
def total_sum(ctx: Context, rule: CheckRule):
    """The claimed total against Σ 一级 scores, and against 预算执行率 score + Σ indicator scores."""
    total_fact = ctx.fact("score", "total")
    total = points(total_fact)
    if total is None:
        return
    breakdowns = []
    dims = _dimension_parts(ctx, rule)
    if dims:
        breakdowns.append(("dimensions", [(d["name"], d["score"], p) for d, p in dims]))
    inds = _indicator_parts(ctx, rule)
    if inds:
        breakdowns.append(("indicators", inds))
    unweighed = dims is not None and any(not d.get("weight") for d, _ in dims)
    for variant, parts in breakdowns:
        ok, s, _ = _slack([p for _, _, p in parts], total, rule)
        if ok:
            continue
        if variant == "dimensions" and unweighed and total.value - s > dec(rule.params["shortfall_share"]) * total.value:
            continue  # far short of the total: a dimension the text does not score, not a wrong sum
        change = band_change(ctx, total.value, s)
        yield ctx.finding(
            rule,
            variant,
            msg={
                "stated": fmt(total.value),
                "parts": "＋".join(fmt(p.value) for _, _, p in parts),
                "expected": fmt(s),
                "diff": fmt(abs(s - total.value)),
                "impact": impact_text(change, f"按各部分之和{fmt(s)}分计"),
            },
            evidence=[evidence_of(total_fact)] + [evidence_of(f) for _, f, _ in parts],
            expected=s,
            stated=total.value,
            grade_changing=change is not None,
            facts={"parts": {name: p.value for name, _, p in parts}},
        )


# -- ARITH-SUBTOTAL ------------------------------------------------------------------------------------------

def _subtotal_fires(parts: list[Printed], total: Printed, rule: CheckRule) -> tuple[bool, Decimal, Decimal]:
    """Parts listed under a total may be a subset ("其中中央资金…" and nothing else). They contradict it
    when they add up to more than the total, or when two or more of them fall short by only a small share
    of it (a whole breakdown with a wrong figure, not a partial list)."""
    ok, s, slack = sum_agrees(parts, total)
    if ok:
        return False, s, slack
    if s > total.value + slack:
        return True, s, slack
    near = total.value - s <= dec(rule.params["shortfall_share"]) * total.value
    return len(parts) >= rule.params["min_parts"] and near, s, slack


def _mentions(fact: dict | None) -> list[dict]:
    """The fact and each further place it is stated, once per place."""
    if not fact:
        return []
    seen, out = set(), []
    for m in [fact] + list(fact.get("mentions") or []):
        ev = m.get("evidence") or {}
        key = (ev.get("block"), ev.get("end"))
        if ev and key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _budget_spans(ctx: Context) -> list[dict]:
    """Where every budget figure of the record is stated: a figure read as another field is no part."""
    # kept on the context: asked once per stated figure, it made a report that repeats itself quadratic
    if "budget_spans" not in ctx.shared:
        ctx.shared["budget_spans"] = [m["evidence"] for f in ctx.record.get("budget", {}).values() for m in _mentions(f)]
    return ctx.shared["budget_spans"]


def _stated_over(ctx: Context, block: int, start: int, end: int) -> bool:
    """Whether a budget figure of the record is stated over [start, end) of a block. (The stated figure a
    breakdown follows ends before its parts begin, so it never counts.)"""
    index = ctx.shared.get("budget_span_index")
    if index is None:
        # per block: the spans' starts in order and the largest end so far, so one look-up is a bisection
        by_block: dict[int, list[tuple[int, int]]] = {}
        for e in _budget_spans(ctx):
            if e and e.get("start") is not None and e.get("end") is not None:
                by_block.setdefault(e.get("block"), []).append((e["start"], e["end"]))
        index = ctx.shared["budget_span_index"] = {b: ([s for s, _ in sorted(v)], list(accumulate((e for _, e in sorted(v)), max))) for b, v in by_block.items()}
    starts, max_end = index.get(block, ([], []))
    n = bisect_left(starts, end)  # the spans that start before the figure ends
    return n > 0 and max_end[n - 1] > start


def _opening(rule: CheckRule) -> regex.Pattern:
    """What opens a breakdown right after an amount: 其中, 包括, 分别为, 资金来源为, 由 …, or a parenthesis."""
    return _opening_rx(rule.params["openings"])


@lru_cache(maxsize=4)
def _after_amount_rx(openings: str) -> regex.Pattern:
    """An amount's unit (元, 万) with a breakdown's opening word (or parenthesis) close after it, in the same
    sentence or the next ("万元，其中", "万元。其中："); the match ends where the amount does."""
    return regex.compile(r"[元万](?=\s*[，,、。；;]?\s*(?:(?:" + openings + r")|[（(]))")


@lru_cache(maxsize=4)
def _opening_rx(openings: str) -> regex.Pattern:
    return regex.compile(r"\s*(?:[，,、]?\s*(?:" + openings + r")\s*[：:]?|[（(]\s*(?:其中\s*[：:]?)?)")


def _listed_parts(ctx: Context, mention: dict, rule: CheckRule) -> tuple[list[tuple[str, Printed, dict]], bool]:
    """The amounts a "其中A x万元、B y万元" lists right after a stated figure, and whether they are the whole
    list: an opening that enumerates (分别为, 具体是) and a list that runs to the end of its sentence. The
    list may open in the next sentence ("…530.40万元。其中：…") and run over semicolons ("中央…；省级…；
    县级…"), as real reports print it."""
    ev = mention["evidence"]
    block = ctx.doc.blocks[ev["block"]] if ctx.doc and 0 <= ev["block"] < len(ctx.doc.blocks) else None
    if block is None:
        return [], False
    v = view(block)
    raw = v.text
    after = v.at(ev["end"])
    carried = _CARRIED.match(raw, after)  # the amount ends its sentence and the next opens the list
    head = carried.end() if carried else after
    opening = _opening(rule).match(raw, head)
    if not opening:
        return [], False
    complete = bool(regex.search(rule.params["complete_openings"], opening.group(0)))
    stop = _LIST_END.search(raw, opening.end())
    end = stop.start() if stop else len(raw)
    if regex.match(r"\s*[（(]", raw[head:end]):
        close = _CLOSE.search(raw, opening.end(), end)  # "(其中建筑工程1975.775万元)": the list ends with its parenthesis
        end = close.start() if close else end
        # "279万元（甲资金81万元，乙资金161万元）": a breakdown in bare brackets right after its whole names all
        # of it, its items at any length, unless a rest is left unnamed ("（其中：办公费…，其余为劳务费）")
        bracketed = close is not None and not regex.search(rule.params["bracket_partial"], opening.group(0) + raw[opening.end() : opening.end() + 2])
        complete = complete or bracketed
    else:
        bracketed = False
    longest = rule.params["max_item_chars" if complete else "max_label_chars"]
    parts, prev, cut = [], opening.end(), False
    scale = _bare_scale(mention, raw, opening.end(), end)
    for q in find_quantities(raw[opening.end() : end]):
        start, stop_at = opening.end() + q.start, opening.end() + q.end
        if start < prev:
            continue  # inside a part's own breakdown
        # a part is an amount behind a short label; a rate, a count or a 结余 ends the list
        label = raw[prev:start]
        yuan = q.yuan if q.kind == "money" else _bare_money(q) if parts else None
        if yuan is None and q.kind == "number" and q.unit is None and q.value is not None and scale:
            # "共投入530.40万元，其中中央210.12、省级96.30、县级230.00": bare parts in the whole's unit
            yuan = q.value * scale
        cut = (
            yuan is None
            or len(_LABEL_FILLER.sub("", label)) > longest
            or _stops(label, rule)
            # "…；实际支出80万元" after a semicolon is the next statement, not the list's next item
            or bool(_SEMICOLON.match(label) and _families(label))
            # "…，全年实际发放186.13万元" is the next figure of the sentence, not a part
            or (_stated_over(ctx, ev["block"], *v.raw_span(start, stop_at)) and not _LIST_ITEM.match(label))
            or bool(parts and _nested_opening(rule.params["nested_openings"]).match(label))
        )
        if cut:
            break
        evidence = v.evidence(start, stop_at)
        parts.append((label.strip("，,、；;和及 ") or "其中", Printed.of_fact({"value": yuan, "text": q.text}), evidence))
        prev = stop_at
        nested = _NESTED.match(raw, stop_at, end)  # "商品和服务支出39.98万元（其中：办公费…）" breaks down that part
        if nested:
            prev = nested.end()
        share = _share_after(rule).match(raw, prev, end)  # "人员经费185.66万元，占3.42%；…": the part's share
        if share:
            prev = share.end()
    if carried and parts and _divides_the_whole(raw, v.at(ev["start"]), sum(p.value for _, p, _ in parts), rule):
        # "总投资157万元，其中：县级39.3万元，其他资金117.7万元。其中甲项目87万元，乙项目70万元": the next
        # sentence's 其中 divides the whole again (87 + 70 = 157), not the last part of the first division
        return [], False
    if bracketed and regex.search(r"[^\s，,、；;。）)]", raw[prev:end]):
        complete = False  # words after the last part name a rest of the whole
    whole = complete or _whole_by_labels([n for n, _, _ in parts], rule)
    return parts, whole and not cut


_BARE = regex.compile(r"(?<![\d.])\d+\.\d+(?![\d.]|\s*[%％万亿元个人户项次年月日])")
_WHOLE_UNIT = {"亿元": Decimal(10) ** 8, "万元": Decimal(10000), "万": Decimal(10000), "元": Decimal(1)}


def _bare_scale(mention: dict, raw: str, start: int, end: int) -> Decimal | None:
    """Yuan per bare number when a list's parts are printed without a unit: only when no part has one (every
    figure of the list a decimal number), in the unit of the whole they break down."""
    text = str(mention.get("text") or "")
    unit = next((u for u in _WHOLE_UNIT if text.endswith(u)), None)
    if unit is None:
        return None
    span = raw[start:end]
    bare = _BARE.findall(span)
    if len(bare) < 2 or len(regex.findall(r"\d+(?:\.\d+)?", span)) != len(bare):
        return None
    return _WHOLE_UNIT[unit]


@lru_cache(maxsize=16)
def _compiled(pattern: str) -> regex.Pattern:
    """A pattern made from a rule's parameters, compiled once (the regex module's own cache costs more)."""
    return regex.compile(pattern)


def _share_after(rule: CheckRule) -> regex.Pattern:
    return _compiled(rule.params["share_after"])


def _whole_by_labels(labels: list[str], rule: CheckRule) -> bool:
    """Whether the parts' names say they are the whole list: every part a source of funds (中央, 省级, 县级 …),
    a division that has no other member (基本支出 and 项目支出), or a last part that is the rest (其他)."""
    if len(labels) < rule.params["min_parts"]:
        return False
    sets = rule.params["whole_sets"]
    if regex.search(sets["rest"], labels[-1]):
        return True
    if all(regex.search(sets["sources"], lab) for lab in labels):
        return True
    return any(all(any(regex.search(m, lab) for lab in labels) for m in members) and len(labels) == len(members)
               for members in sets["divisions"])


@lru_cache(maxsize=4)
def _nested_opening(words: str) -> regex.Pattern:
    return regex.compile(r"[\s，,、；;]*(?:" + words + ")")


def _bare_money(q) -> Decimal | None:
    """"…；救助站86万" closing a list of amounts: a number with 万/亿 and no unit is money among money."""
    if q.kind == "number" and q.unit is None and q.value is not None and q.text.endswith(tuple(quantity_rules().magnitudes.words)):
        return q.value
    return None


def _stops(label: str, rule: CheckRule) -> bool:
    """Whether a label ends a breakdown: a 结余, a 合计 that opens the clause, a rate. Last year's carry-over
    (上年结转) is a source of the year's funds, a part like any other; a part's own 共计 after its name
    ("其他用于扶贫的资金共计25.11亿元") is that part's amount."""
    bare = _compiled(rule.params["source_words"]).sub("", label)
    if _compiled(r"[\s，,、；;和及]*(?:" + "|".join(rule.params["total_stop_words"]) + ")").match(bare):
        return True
    return any(w in bare for w in rule.params["stop_words"])


# "…530.40万元。其中：" — the amount closes its sentence and the next one opens its breakdown
_CARRIED = regex.compile(r"\s*[。；;]\s*(?=其中|具体)")
# a breakdown runs to the end of its sentence; semicolons separate its items
_LIST_END = regex.compile(r"[。！!？?\n]")
_SEMICOLON = regex.compile(r"\s*[；;]")
_LIST_ITEM = regex.compile(r"\s*、")  # an enumeration comma: the next item of the list, whatever it names
_NESTED = regex.compile(r"\s*[（(][^）)]*[）)]")  # a part's own breakdown in brackets
_CLOSE = regex.compile(r"[）)]")
# what a part's label may hold beyond its name: separators, and the year the part is dated to ("2018年度…结余资金")
_LABEL_FILLER = regex.compile(r"[\s，,、；;和及]|(?:19|20)\d{2}年度?")


@check("ARITH-SUBTOTAL")
def subtotal(ctx: Context, rule: CheckRule):
    yield from _listed_subtotals(ctx, rule)
    yield from _prose_subtotals(ctx, rule)
    yield from _line_subtotals(ctx, rule)
    yield from _parallel_breakdowns(ctx, rule)
    yield from _totals_after_parts(ctx, rule)
    yield from _products(ctx, rule)
    yield from _table_columns(ctx, rule)
    yield from _project_subtotals(ctx, rule)
    yield from _dimension_subtotals(ctx, rule)
    yield from _count_subtotals(ctx, rule)


def _count_subtotals(ctx: Context, rule: CheckRule):
    """A count broken down right after it ("现有技术员4人，其中高级职称1人，中级职称5人"; "种植蔬菜5000亩，其中…"):
    parts of the same unit that add up to more than the whole. A shortfall is no contradiction (a 其中 often
    names some parts only), and parts of different kinds (女性, 脱贫户) may overlap: only disjoint-looking
    lists (every part a count of the whole's unit behind a short label) are held to it."""
    if ctx.doc is None:
        return
    c = rule.params["counts"]
    units, opening = set(c["units"]), _count_opening(c["openings"])
    for block in ctx.doc.blocks:
        if block.kind not in ("paragraph", "heading"):
            continue
        v = view(block)
        raw = v.text
        if not opening.search(raw):
            continue
        qs = find_quantities(raw)
        for k, whole in enumerate(qs):
            if whole.kind != "count" or whole.unit not in units or whole.value is None or whole.op is not None:
                continue
            head = opening.match(raw, whole.end, whole.end + 16)
            if not head:
                continue
            stop = _LIST_END.search(raw, head.end())
            end = stop.start() if stop else len(raw)
            parts, prev = [], head.end()
            for q in qs[k + 1 :]:
                if q.start >= end:
                    break
                label = raw[prev : q.start]
                if q.kind != "count" or q.unit != whole.unit or q.value is None or q.op is not None:
                    break
                if len(_LABEL_FILLER.sub("", label)) > c["max_label_chars"] or opening.search(label):
                    break
                parts.append(q)
                prev = q.end
            # 分别为 names every part: any difference contradicts the whole; 其中 may name some only
            complete = bool(regex.search(rule.params["complete_openings"], head.group(0)))
            total = sum(q.value for q in parts)
            if len(parts) < rule.params["min_parts"] or (total == whole.value if complete else total <= whole.value):
                continue
            if not _one_kind([raw[a.end if i else head.end() : q.start] for i, (a, q) in enumerate(zip([whole, *parts], parts))]):
                continue  # "其中女性300人，脱贫户250人": kinds that may overlap, not one division of the whole
            ev = lambda q: v.evidence(q.start, q.end)  # noqa: E731
            s = sum(q.value for q in parts)
            yield ctx.finding(
                rule,
                "counts",
                msg={"whole": whole.text, "parts": "、".join(q.text for q in parts), "parts_sum": f"{fmt(s)}{whole.unit}", "diff": f"{fmt(s - whole.value)}{whole.unit}"},
                evidence=[ev(whole)] + [ev(q) for q in parts],
                expected=s,
                stated=whole.value,
                facts={"unit": whole.unit, "parts": [q.value for q in parts]},
            )


def _one_kind(labels: list[str]) -> bool:
    """Whether the parts' labels name one division (高级职称 / 中级职称, 一类村 / 二类村, 男性 / 女性): they end
    alike, after their separators and verbs are set aside."""
    names = [_COUNT_LABEL_TAIL.sub("", _LABEL_FILLER.sub("", label)) for label in labels]
    return all(names) and len({n[-1] for n in names}) == 1


_COUNT_LABEL_TAIL = regex.compile(r"(?:为|有|是|达|共|计|约)+$")


@lru_cache(maxsize=4)
def _count_opening(words: str) -> regex.Pattern:
    # (the breakdown may open the next sentence: "…共1个。其中：行政单位1个，…")
    return regex.compile(r"\s*[，,。]?\s*(?:" + words + r")\s*[：:，,]?")


def _dimension_subtotals(ctx: Context, rule: CheckRule):
    """A 一级 score ("产出指标（50分）得45分") against its rows' scores, when the rows found are the whole
    dimension: each weighed and scored, their weights adding up to the dimension's (rulebook B.1-3)."""
    inds = ctx.record.get("indicators", [])
    for d in ctx.record.get("score", {}).get("dimensions", []):
        weight, score = points(d.get("weight")), points(d.get("score"))
        rows = [i for i in inds if dimension_of(ctx, i) is d]
        if weight is None or score is None or len(rows) < rule.params["min_parts"]:
            continue
        if any(points(i.get("weight")) is None or points(i.get("score")) is None for i in rows):
            continue
        if sum(points(i["weight"]).value for i in rows) != weight.value:
            continue
        ok, s, _ = _slack([points(i["score"]) for i in rows], score, rule)
        if ok:
            continue
        yield ctx.finding(
            rule,
            "dimension",
            msg={"name": d["name"], "weight": fmt(weight.value), "stated": fmt(score.value), "parts": "＋".join(fmt(points(i["score"]).value) for i in rows), "expected": fmt(s), "diff": fmt(abs(s - score.value))},
            evidence=[evidence_of(d.get("score"))] + [evidence_of(i.get("score")) for i in rows],
            expected=s,
            stated=score.value,
            facts={"dimension": d["name"], "rows": {i["name"]: points(i["score"]).value for i in rows}},
        )


def _listed_subtotals(ctx: Context, rule: CheckRule):
    """"全年支出2,206.15万元，其中基本支出986.42万元、项目支出1,216.51万元" — the parts against the figure."""
    for field in BUDGET_LABELS:
        for mention in _mentions(ctx.fact("budget", field)):
            yield from _parts_against(ctx, rule, mention, field)


def _prose_subtotals(ctx: Context, rule: CheckRule):
    """Any amount in running text that a "其中…" list breaks down ("共投入530.40万元，其中中央210.12万元、
    省级96.30万元、县级230.00万元"), whether or not it was read as one of the record's budget figures: the
    sum is the report's own statement, so its arithmetic can be checked without knowing what it is."""
    if ctx.doc is None:
        return
    checked = {(m["evidence"]["block"], m["evidence"]["end"]) for f in BUDGET_LABELS for m in _mentions(ctx.fact("budget", f))}
    opening = _opening(rule)
    after_amount = _after_amount_rx(rule.params["openings"])
    for block in ctx.doc.blocks:
        if block.kind not in ("paragraph", "heading"):
            continue
        # where an amount's unit is followed by a breakdown's opening word; most paragraphs have none, and
        # their figures need not be read (a colon or a parenthesis is common, right after 万元 it is not)
        v = view(block)
        ends = {m.end() for m in after_amount.finditer(v.text)}
        if not ends:
            continue
        for q in find_quantities(v.text):
            if q.end not in ends or q.kind != "money" or q.yuan is None or (block.index, v.raw_span(q.start, q.end)[1]) in checked:
                continue
            carried = _CARRIED.match(v.text, q.end)
            if not opening.match(v.text, carried.end() if carried else q.end):
                continue
            ev = v.evidence(q.start, q.end)
            yield from _parts_against(ctx, rule, {"value": q.yuan, "text": q.text, "evidence": ev}, None)


# an item line may be numbered ("1.中央资金…", "（2）省级资金…", "一是…")
_LABEL_AMOUNT = regex.compile(r"\s*(?:\d{1,2}\s*[.．、]|[（(]\s*\d{1,2}\s*[）)]|[一二三四五六七八九十]{1,2}\s*[、是])?\s*(?P<label>[^\d\s:：。；;，,][^\d:：。；;，,]{1,39}?)\s*[:：]?\s*(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>万元|元)?\s*[。；;，,]?\s*")
_UNIT_HEADING = regex.compile(r"[（(]\s*(万元|元)\s*[）)]")
# compiled once: asked of every paragraph, the regex module's cache lookup cost more than the match
_LINE_OPENING = regex.compile(r"\s*其中\s*[:：]?")
_IN_PARENS = regex.compile(r"[（(][^）)]*[）)]")


def _line_item(block, opening: bool) -> tuple[str, Decimal, str, str | None] | None:
    """A line that is one label and one amount ("市级资金 136.00", "其中:中央补助 166.00"): label, amount,
    the amount as printed, its unit. ``opening``: the line must open with 其中."""
    raw = view(block).text
    head = _LINE_OPENING.match(raw)
    if opening != bool(head):
        return None
    m = _LABEL_AMOUNT.fullmatch(raw, head.end() if head else 0)
    if not m:
        return None
    return m.group("label"), Decimal(m.group("amount")), m.group("amount"), m.group("unit")


@lru_cache(maxsize=4)
def _opened_line_rx(openings: str) -> regex.Pattern:
    """A sentence that states an amount and opens its breakdown on the lines below ("项目资金共计530.40万元，
    具体如下：", "…530.40万元。其中：")."""
    return regex.compile(r"(?P<label>.{0,60}?)(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>万元|元)\s*[，,。]?\s*(?:" + openings + r")\s*[:：]\s*")


def _whole_line(block, rule: CheckRule, whole_word: regex.Pattern) -> tuple[tuple[str, Decimal, str, str | None], bool] | None:
    """The line a breakdown's items follow: one label and one amount naming a whole ("年度预算资金总额:
    321.25"), or a sentence ending in 其中：/具体如下： (then the first item needs no 其中 of its own)."""
    whole = _line_item(block, opening=False)
    if whole is not None and whole_word.search(whole[0]):
        return whole, False
    m = _opened_line_rx(rule.params["openings"]).fullmatch(view(block).text)
    if m and not regex.search(r"\d", m.group("label")[-2:]):
        return (m.group("label"), Decimal(m.group("amount")), m.group("amount"), m.group("unit")), True
    return None


@dataclass(frozen=True)
class _LineBreakdown:
    """A whole and its items, one per line, in one unit."""

    block: object  # the whole's line
    whole: tuple  # (label, amount, as printed, unit)
    items: list  # [(block, (label, amount, as printed, unit))]
    scale: Decimal  # yuan per printed unit
    complete: bool = False  # the items are the whole list (分别为, 具体如下, sources of funds, closed by 合计)

    def printed(self, text: str) -> Printed:
        return Printed.of_fact({"value": Decimal(text) * self.scale, "text": text})

    @property
    def total(self) -> Printed:
        return self.printed(self.whole[2])

    @property
    def parts(self) -> list[Printed]:
        return [self.printed(item[2]) for _, item in self.items]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(_IN_PARENS.sub("", item[0]).strip() for _, item in self.items)


def _evidence_in(b, text: str) -> dict:
    v = view(b)
    start = v.text.rfind(text)
    return v.evidence(start, start + len(text))


def _line_breakdowns(ctx: Context, rule: CheckRule) -> list[_LineBreakdown]:
    """Every breakdown printed one item per line, as flattened forms print it: "年度预算资金总额: 321.25" then
    "其中:中央补助 166.00", "市级资金 136.00", "本级资金 20.25". The unit is the lines' own or the one a
    heading just above states ("(万元)"); without a unit the figures may not be money, and none is taken."""
    if ctx.doc is None:
        return []
    if "line_breakdowns" in ctx.shared:
        return ctx.shared["line_breakdowns"]
    out = ctx.shared["line_breakdowns"] = []
    blocks = [b for b in ctx.doc.blocks if b.kind in ("paragraph", "heading")]
    whole_word = regex.compile(rule.params["line_whole_words"])
    closing_word = regex.compile(rule.params["line_closing_words"])
    complete_word = regex.compile(rule.params["complete_openings"])
    for i, block in enumerate(blocks):
        closed = _closed_lines(blocks, i, rule, closing_word, whole_word)
        if closed is not None:
            out.append(closed)
        if i >= len(blocks) - 2:
            continue
        found = _whole_line(block, rule, whole_word)
        if found is None and _LINE_OPENING.match(view(blocks[i + 1]).text):
            # any one label and its amount that the next line breaks down with 其中 ("年初预算：150万元" then
            # "其中：人员经费：80万元"): its word need not name a whole
            line = _line_item(block, opening=False)
            found = (line, False) if line is not None else None
        if found is None:
            continue
        whole, opened = found
        first = _line_item(blocks[i + 1], opening=not opened)
        if first is None:
            continue
        items, k = [(blocks[i + 1], first)], i + 2
        while k < len(blocks):
            nxt = _line_item(blocks[k], opening=False)
            bare = _IN_PARENS.sub("", nxt[0]) if nxt else ""  # "本级资金(包括结转结余)" is a fund
            if nxt is None or whole_word.search(bare) or _stops(bare, rule):
                break
            items.append((blocks[k], nxt))
            k += 1
        if len(items) < rule.params["min_parts"]:
            continue
        units = {u for _, (_, _, _, u) in items} | {whole[3]}
        heading = next((m.group(1) for b in reversed(blocks[max(0, i - 2) : i + 1]) if (m := _UNIT_HEADING.search(view(b).text))), None)
        stated = units - {None}
        if len(stated) > 1 or (not stated and heading is None):
            continue
        unit = stated.pop() if stated else heading
        complete = (opened and bool(complete_word.search(view(block).text))) or _whole_by_labels([_IN_PARENS.sub("", it[0]) for _, it in items], rule)
        out.append(_LineBreakdown(block, whole, items, Decimal(10000) if unit == "万元" else Decimal(1), complete))
    return out


def _closed_lines(blocks: list, i: int, rule: CheckRule, closing_word: regex.Pattern, whole_word: regex.Pattern) -> _LineBreakdown | None:
    """Items printed one per line and closed by their total on the line below them ("中央资金：120.00万元" …
    "合计：300.00万元"): the whole list, in the unit the lines print."""
    total = _line_item(blocks[i], opening=False)
    if total is None or not closing_word.fullmatch(total[0].strip()):
        return None
    items, k = [], i - 1
    while k >= 0:
        item = _line_item(blocks[k], opening=False)
        if item is None or whole_word.search(item[0]) or _stops(item[0], rule):
            break
        items.insert(0, (blocks[k], item))
        k -= 1
    units = {it[3] for _, it in items} | {total[3]}
    if len(items) < rule.params["min_parts"] or len(units) != 1 or None in units:
        return None
    return _LineBreakdown(blocks[i], total, items, Decimal(10000) if total[3] == "万元" else Decimal(1), True)


def _line_subtotals(ctx: Context, rule: CheckRule):
    """Each line breakdown's items against its whole."""
    for bd in _line_breakdowns(ctx, rule):
        total, parts = bd.total, bd.parts
        fires, s, _ = _subtotal_fires(parts, total, rule)
        if bd.complete:
            fires = not sum_agrees(parts, total)[0]
        if not fires or max(p.value for p in parts) > total.value:
            continue  # a part above the whole is no breakdown of it (the lines belong to something else)
        yield ctx.finding(
            rule,
            "parts",
            msg={"quote": bd.block.raw.strip(), "total": wan(total.value), "parts": "、".join(f"{lab}{wan(p.value)}" for (_, (lab, _, _, _)), p in zip(bd.items, parts)),
                 "parts_sum": wan(s), "diff": wan(abs(s - total.value))},
            evidence=[_evidence_in(bd.block, bd.whole[2])] + [_evidence_in(b, item[2]) for b, item in bd.items],
            expected=s,
            stated=total.value,
            facts={"field": None, "parts": {item[0]: p.value for (_, item), p in zip(bd.items, parts)}},
        )


def _parallel_breakdowns(ctx: Context, rule: CheckRule):
    """A transfer-payment form prints the 合计 breakdown and then each fund's, with the same lines (年度预算资金
    总额 / 其中:中央补助 / 市级资金 / 本级资金). When one breakdown's whole is the sum of the next ones' wholes,
    it is their 合计, and each of its lines must be the sum of the same line below (rulebook B.1-3)."""
    groups = _line_breakdowns(ctx, rule)
    for n, head in enumerate(groups):
        rest = [g for g in groups[n + 1 :] if g.labels == head.labels]
        # the funds right below, as many as add up to the head's whole
        below, acc = [], Decimal(0)
        for g in rest:
            below.append(g)
            acc += g.total.value
            if acc >= head.total.value:
                break
        if len(below) < rule.params["min_parts"]:
            continue
        ok, _, _ = sum_agrees([g.total for g in below], head.total)
        if not ok:
            continue  # not their 合计 (or its own whole is the slip: the line sums below say nothing then)
        for j, label in enumerate(head.labels):
            stated = head.parts[j]
            parts = [g.parts[j] for g in below]
            agree, s, _ = sum_agrees(parts, stated)
            if agree:
                continue
            yield ctx.finding(
                rule,
                "parallel",
                msg={"label": label, "total": wan(stated.value), "count": len(below), "parts": "＋".join(wan(p.value) for p in parts), "parts_sum": wan(s), "diff": wan(abs(s - stated.value))},
                evidence=[_evidence_in(head.items[j][0], head.items[j][1][2])] + [_evidence_in(g.items[j][0], g.items[j][1][2]) for g in below],
                expected=s,
                stated=stated.value,
                facts={"field": None, "label": label, "parts": [p.value for p in parts]},
            )


def _parts_against(ctx: Context, rule: CheckRule, mention: dict, field: str | None):
    """The finding, if the parts a 其中 lists after this stated amount contradict it."""
    total = Printed.of_fact(mention)
    parts, whole_list = _listed_parts(ctx, mention, rule)
    if total is None or not parts:
        return
    if max(p.value for _, p, _ in parts) > total.value and sum(p.value for _, p, _ in parts) != total.value * 10000:
        return  # a whole below one of its parts is a figure misread (a page break in "910.4⏎2、7万元"),
        # unless it is the parts' sum written in 元 for 万元, a slip the report itself makes
    fires, s, _ = _subtotal_fires([p for _, p, _ in parts], total, rule)
    if whole_list and len(parts) >= rule.params["min_parts"]:
        fires = not sum_agrees([p for _, p, _ in parts], total)[0]  # 分别为 lists them all: any shortfall counts
    if not fires:
        return
    yield ctx.finding(
        rule,
        "parts",
        msg={"quote": mention["evidence"]["quote"], "total": wan(total.value), "parts": "、".join(f"{n}{wan(p.value)}" for n, p, _ in parts), "parts_sum": wan(s), "diff": wan(abs(s - total.value))},
        evidence=[mention["evidence"]] + [e for _, _, e in parts],
        expected=s,
        stated=total.value,
        facts={"field": field, "parts": {n: p.value for n, p, _ in parts}},
    )


def _divides_the_whole(text: str, pos: int, total: Decimal, rule: CheckRule) -> bool:
    """Whether the amount at ``pos`` is a part of its sentence's own breakdown (an opening word before it)
    and ``total`` is exactly the whole that breakdown divides, the sentence's first amount."""
    start = max(text.rfind(c, 0, pos) for c in "。！!？?\n") + 1
    opening = _compiled(rule.params["openings"]).search(text, start, pos)
    if opening is None:
        return False
    whole = next((q for q in find_quantities(text[start : opening.start()]) if q.kind == "money" and q.yuan is not None), None)
    return whole is not None and whole.yuan == total


def _families(text: str) -> set[str]:
    """What money the words before an amount name (came in, went out, left), by the field labels; a
    budget's own label (年初预算, 全年预算) marks a statement of the whole, not a part."""
    from pipeline.extract.labelled import _FAMILY, rules as field_rules

    out = set()
    for f, patterns, _ in field_rules().compiled:
        if f.id in _FAMILY and any(rx.search(text) for rx, _ in patterns):
            out.add("whole" if f.id in ("budget.initial", "budget.full_year") else _FAMILY[f.id])
    return out


def _totals_after_parts(ctx: Context, rule: CheckRule):
    """Amounts listed and then closed by their total in one sentence ("专项资金支出316.38万元，…财政资金支出
    2419.45万元，…总支出2939.83万元"; "…62万元，…16万元，…6.47万元，共计84.47万元"): the parts must add up. Only
    when every part and the total name money of one kind (or none), and no 其中 makes the list a breakdown
    of something else."""
    if ctx.doc is None:
        return
    closing = regex.compile(rule.params["total_words"] + r"\s*(?:为|是|[：:])?\s*$")
    total_word = regex.compile(rule.params["total_words"])  # a sentence without one closes no list
    back = regex.compile(rule.params["back_reference"])
    for block in ctx.doc.blocks:
        if block.kind not in ("paragraph", "heading"):
            continue
        v = view(block)
        raw = v.text
        before: tuple[str, int] | None = None  # the sentence before, which a 以上…共计 closes
        for sentence in _SENTENCE.finditer(raw):
            text, base = sentence.group(0), sentence.start()
            previous, before = before, (text, base)
            if "其中" in text or not total_word.search(text):
                continue
            # (a standard per person or per household is a price, not a part: "每人300元…共计5.6万元")
            money = [q for q in find_quantities(text) if q.kind == "money" and q.yuan is not None and q.op is None and q.per is None]
            if back.match(text) and previous is not None and "其中" not in previous[0] and len(money) == 1:
                # "…资金80万元，…资金50万元，…资金30万元。以上资金共计150万元。": the sentence before is the list it closes
                listed = [q for q in find_quantities(previous[0]) if q.kind == "money" and q.yuan is not None and q.op is None and q.per is None]
                gap = base - previous[1]
                text, base = raw[previous[1] : base + len(text)], previous[1]
                money = listed + [replace(money[0], start=money[0].start + gap, end=money[0].end + gap)]
            for k, total in enumerate(money):
                if k < 2 or not closing.search(text[: total.start][-12:]):
                    continue
                parts = money[:k]
                prev = [0] + [q.end for q in parts]
                kinds = [_families(text[prev[i] : q.start]) for i, q in enumerate(parts)] + [_families(text[parts[-1].end : total.start])]
                named = set().union(*kinds)
                if len(named) > 1 or "whole" in named or any(w in text for w in rule.params["stop_words"] if w in ("结余", "余额", "剩余", "占")):
                    break
                printed = [Printed.of_fact({"value": q.yuan, "text": q.text}) for q in parts]
                whole = Printed.of_fact({"value": total.yuan, "text": total.text})
                ok, s, _ = sum_agrees(printed, whole)
                if ok:
                    break
                ev = lambda q: v.evidence(base + q.start, base + q.end)  # noqa: E731
                yield ctx.finding(
                    rule,
                    "listed_total",
                    msg={"parts": "、".join(wan(q.yuan) for q in parts), "parts_sum": wan(s), "total": wan(total.yuan), "diff": wan(abs(s - total.yuan)), "quote": v.printed(base + parts[0].start, base + total.end)[:80]},
                    evidence=[ev(total)] + [ev(q) for q in parts],
                    expected=s,
                    stated=total.yuan,
                    facts={"parts": [q.yuan for q in parts]},
                    uncertain=True,
                )
                break


def _table_columns(ctx: Context, rule: CheckRule):
    """A table's 合计 row against the rows above it, column by column ("甲村供水工程 | 120.00 | 110.00", "乙村…",
    "合计 | 210.00 | 185.00"), or against the rows below it when it comes first (the “三公”经费 table prints
    合计 under its header), for the columns of money the header names. Only where every row between the
    header and the 合计 prints a figure in that column, none is a 小计 or a 其中 row (nested sums), and no row
    names a source of funds (the funds block's sources are ARITH-FUND-ROWS')."""
    if ctx.doc is None:
        return
    p = rule.params["columns"]
    total_rx, money_rx, not_rx, skip_rx = (regex.compile(p[k]) for k in ("total_row", "money_header", "not_header", "skip_rows"))
    for block in ctx.doc.blocks:
        if block.kind != "table" or not block.cells:
            continue
        grid = {(c.row, c.col): c for c in block.cells if c.rowspan == 1 and c.colspan == 1}
        rows = sorted({c.row for c in block.cells})
        by_row: dict[int, list] = {}
        for (rr, _), c in grid.items():
            by_row.setdefault(rr, []).append(c)
        # (each row's cells looked up once: a table of 20,000 rows scanned the grid for every row)
        header = next((r for r in rows if len(by_row.get(r, ())) >= 2 and not any(_DIGIT.search(c.key or c.text) for c in by_row[r])), None)
        if header is None:
            continue
        columns = {c: cell for (r, c), cell in grid.items()
                   if r == header and money_rx.search(squeeze(cell.key or cell.text)) and not not_rx.search(cell.key or cell.text)}
        if not columns:
            continue
        unit = next((m.group(1) for cell in grid.values() if cell.row == header if (m := _UNIT_HEADING.search(cell.text))), "万元")
        scale = Decimal(10000) if unit == "万元" else Decimal(1)
        items: list[int] = []
        leading: int | None = None  # a 合计 row printed first, right under the header ("“三公”经费 | 合计 | …")
        for r in rows:
            if r <= header:
                continue
            label = _table_row_label(grid, r)
            first = grid.get((r, 0)) or grid.get((r, 1))
            if first is None or not total_rx.fullmatch(squeeze(first.key or first.text)):
                if regex.fullmatch(r"[-—:：\s|]*", label):
                    continue  # a Markdown separator row
                items.append(r)
                continue
            if not items and leading is None:
                leading = r
                continue
            if len(items) >= rule.params["min_parts"] and not any(skip_rx.search(_table_row_label(grid, i)) for i in items):
                yield from _column_sums(ctx, rule, block, grid, columns, items, r, scale)
            items, leading = [], None
        if leading is not None and len(items) >= rule.params["min_parts"] and not any(skip_rx.search(_table_row_label(grid, i)) for i in items):
            yield from _column_sums(ctx, rule, block, grid, columns, items, leading, scale)


def _table_row_label(grid: dict, r: int) -> str:
    return squeeze(" ".join((grid[(r, c)].key or grid[(r, c)].text) for c in (0, 1) if (r, c) in grid))


_DIGIT = regex.compile(r"\d")
_CELL_FIGURE = regex.compile(r"\s*(\d+(?:,\d{3})*(?:\.\d+)?)\s*(?:万元|元)?\s*")


def _column_sums(ctx: Context, rule: CheckRule, block, grid: dict, columns: dict, items: list[int], total_row: int, scale: Decimal):
    for c, head in columns.items():
        cells = [grid.get((r, c)) for r in items]
        whole = grid.get((total_row, c))
        figures = [_CELL_FIGURE.fullmatch(x.text) if x is not None else None for x in cells]
        stated = _CELL_FIGURE.fullmatch(whole.text) if whole is not None else None
        if stated is None or any(f is None for f in figures):
            continue  # a blank or a word in the column: what it holds is not a figure of each row

        def printed(m) -> Printed:
            return Printed.of_fact({"value": Decimal(m.group(1).replace(",", "")) * scale, "text": m.group(1)})

        parts, total = [printed(f) for f in figures], printed(stated)
        ok, s, _ = sum_agrees(parts, total)
        if ok:
            continue

        def ev(cell) -> dict:
            return {"quote": cell.text.strip(), "page": block.page, "block": block.index, "start": cell.start, "end": cell.end}

        yield ctx.finding(
            rule,
            "column" if total_row > items[-1] else "column_below",
            msg={"column": squeeze(head.text), "count": len(items), "parts": "＋".join(wan(x.value) for x in parts), "parts_sum": wan(s), "total": wan(total.value), "diff": wan(abs(s - total.value))},
            evidence=[ev(whole)] + [ev(x) for x in cells],
            expected=s,
            stated=total.value,
            facts={"column": squeeze(head.text), "rows": [_table_row_label(grid, r) for r in items]},
        )


def _products(ctx: Context, rule: CheckRule):
    """A standard times a count, closed by its total in one sentence ("按每户2000元标准补助85户，合计17万元";
    "慰问标准300元/人，慰问对象120人，共计3.6万元"): the total must be the product. Only a sentence with
    exactly one standard, one count of the standard's unit and one total (no second amount that the total
    could also hold), and a standard per one unit or per unit and year."""
    if ctx.doc is None:
        return
    p = rule.params["products"]
    same_unit = {u: group for group in p["unit_groups"] for u in group}
    closing = regex.compile(p["total_words"])
    for block in ctx.doc.blocks:
        if block.kind not in ("paragraph", "heading"):
            continue
        v = view(block)
        raw = v.text
        if not _PER_MARK.search(raw):
            continue
        for sentence in _SENTENCE_OR_SEMICOLON.finditer(raw):
            text, base = sentence.group(0), sentence.start()
            qs = find_quantities(text)
            if len(qs) != 3:
                continue
            standard, count, total = qs
            if standard.kind != "money" or standard.per is None or count.kind != "count" or total.kind != "money" or total.per is not None:
                continue
            per = standard.per.split("/")
            if len(per) > 2 or (len(per) == 2 and per[1] not in p["per_period"]):
                continue  # 每人每月: the months are not stated beside it
            if count.unit not in same_unit.get(per[0], (per[0],)):
                continue
            if not closing.search(text[count.end : total.start]) or standard.yuan is None or total.yuan is None:
                continue
            product = standard.yuan * count.value
            stated = Printed.of_fact({"value": total.yuan, "text": total.text})
            unit_price = Printed.of_fact({"value": standard.yuan, "text": standard.text})
            slack = stated.half_ulp + unit_price.half_ulp * count.value
            if abs(product - stated.value) <= slack:
                continue
            ev = lambda q: v.evidence(base + q.start, base + q.end)  # noqa: E731
            yield ctx.finding(
                rule,
                "product",
                msg={"standard": standard.text, "count": count.text, "product": wan(product), "total": wan(stated.value), "diff": wan(abs(product - stated.value))},
                evidence=[ev(total), ev(standard), ev(count)],
                expected=product,
                stated=stated.value,
                facts={"standard": standard.yuan, "count": count.value},
                uncertain=True,
            )


_SENTENCE_OR_SEMICOLON = regex.compile(r"[^。；;！!？?\n]+")
_PER_MARK = regex.compile(r"每|/")


def _project_subtotals(ctx: Context, rule: CheckRule):
    """A multi-project report: each project's budget or spending against the report's stated total."""
    projects = ctx.record.get("other_projects") or []
    for key, field in PROJECT_FIELDS.items():
        listed = [(p, p["facts"][key]) for p in projects if (p.get("facts") or {}).get(key)]
        total_fact = ctx.fact("budget", field)
        total = Printed.of_fact(total_fact)
        if len(listed) < rule.params["min_parts"] or total is None:
            continue
        values = [Printed.of_fact(f) for _, f in listed]
        fires, s, _ = _subtotal_fires(values, total, rule)
        if not fires:
            continue
        yield ctx.finding(
            rule,
            "projects",
            msg={"label": BUDGET_LABELS[field], "field": BUDGET_LABELS[field], "total": wan(total.value), "parts": "＋".join(wan(v.value) for v in values), "parts_sum": wan(s), "diff": wan(abs(s - total.value)), "count": len(listed)},
            evidence=[evidence_of(total_fact)] + [evidence_of(f) for _, f in listed],
            expected=s,
            stated=total.value,
            facts={"field": field, "projects": {p.get("project"): v.value for (p, _), v in zip(listed, values)}},
        )


# -- ARITH-SCORE-BOUNDS --------------------------------------------------------------------------------------

@check("ARITH-SCORE-BOUNDS")
def score_bounds(ctx: Context, rule: CheckRule):
    """0 ≤ 得分 ≤ 分值 for every row and dimension, and the total within the full marks."""
    total_fact = ctx.fact("score", "total")
    total, limit = points(total_fact), full_marks(ctx, rule)
    if total is not None and total.lo > limit:
        yield ctx.finding(
            rule,
            "total",
            msg={"stated": fmt(total.value), "max_total": fmt(limit)},
            evidence=[evidence_of(total_fact)],
            expected=limit,
            stated=total.value,
            facts={"full_marks": limit},
        )
    for ind in ctx.record.get("indicators", []):
        yield from _row_bound(ctx, rule, "indicator", ind["name"], ind.get("score"), ind.get("weight"))
    uncapped = any(not p.exec_cap for p in ctx.profiles) and _overspent(ctx)
    for d in ctx.record.get("score", {}).get("dimensions", []):
        variant = "exec_uncapped" if d["name"] == "预算执行率" and uncapped else "dimension"
        yield from _row_bound(ctx, rule, variant, d["name"], d.get("score"), d.get("weight"))


def _overspent(ctx: Context) -> bool:
    """Whether some reading of the report puts 执行率 above 100%: only then can an uncapped profile score
    预算执行率 above its weight."""
    rate = ctx.printed("budget", "execution_rate")
    if rate is not None and rate.hi > 100:
        return True
    spent = ctx.printed("budget", "spent")
    dens = [ctx.printed("budget", d) for p in ctx.profiles for d in p.denominators]
    return spent is not None and any(den is not None and spent.hi > den.lo for den in dens)


def _row_bound(ctx: Context, rule: CheckRule, variant: str, name: str, score_fact: dict | None, weight_fact: dict | None):
    score, weight = points(score_fact), points(weight_fact)
    if score is None or weight is None or score.lo <= weight.hi:
        return
    yield ctx.finding(
        rule,
        variant,
        msg={"name": name, "score": fmt(score.value), "weight": fmt(weight.value), "diff": fmt(score.value - weight.value)},
        evidence=[evidence_of(score_fact), evidence_of(weight_fact)],
        expected=weight.value,
        stated=score.value,
        facts={"item": name},
    )


# -- ARITH-SCORE-RATE, ARITH-COMPLETION-RATE -----------------------------------------------------------------

def _near(fact: dict | None) -> Callable[[dict], dict | None]:
    """For a mention, the mention of ``fact`` stated last before it in the same block (the 得分 of "得分为
    16.1分，得分率为80.5%"; the first stated of those at one place), else the fact's resolved value. The
    fact's mentions are sorted by block and place once, so that a report stating many rates costs no more
    than their number."""
    by_block: dict = {}
    for k, m in enumerate(_mentions(fact)):
        by_block.setdefault((m.get("evidence") or {}).get("block"), []).append((m["evidence"]["start"], k, m))
    starts = {}
    for b, found in by_block.items():
        found.sort(key=lambda x: (x[0], x[1]))
        starts[b] = [x[0] for x in found]

    def near(mention: dict) -> dict | None:
        ev = mention.get("evidence") or {}
        at = starts.get(ev.get("block"))
        if not at:
            return fact
        pos = bisect_right(at, ev.get("start", 0))
        if pos == 0:
            return fact
        return by_block[ev.get("block")][bisect_left(at, at[pos - 1])][2]

    return near


@check("ARITH-SCORE-RATE")
def score_rate(ctx: Context, rule: CheckRule):
    """A dimension's stated 得分率 against 得分 ÷ 分值, wherever the report states the rate; each statement
    is read with the score stated beside it. One finding per dimension."""
    for d in ctx.record.get("score", {}).get("dimensions", []):
        near_score, near_weight = _near(d.get("score")), _near(d.get("weight"))
        for mention in _mentions(d.get("rate")):
            score_fact, weight_fact = near_score(mention), near_weight(mention)
            stated, score, weight = Printed.of_fact(mention), points(score_fact), points(weight_fact)
            if stated is None or score is None or weight is None or weight.value <= 0:
                continue
            result = rate_agreement(stated, score, weight)
            if result in (None, "agrees"):
                continue
            expected = score.value / weight.value * 100
            yield ctx.finding(
                rule,
                "last_digit" if result == "last-digit" else "differs",
                msg={"name": d["name"], "stated": fmt(stated.value) + "%", "score": fmt(score.value), "weight": fmt(weight.value), "expected": fmt(expected, 3) + "%"},
                evidence=[evidence_of(mention), evidence_of(score_fact), evidence_of(weight_fact)],
                expected=round(expected, 4),
                stated=stated.value,
                facts={"dimension": d["name"]},
            )
            break


@check("ARITH-COMPLETION-RATE")
def completion_rate(ctx: Context, rule: CheckRule):
    """An indicator's stated 完成率 against 实际值 ÷ 指标值. A rate capped at 100% when the target was
    exceeded, and target ÷ actual for a "less is better" row, are accepted readings."""
    for ind in ctx.record.get("indicators", []):
        stated = Printed.of_fact(ind.get("completion"))
        c = compare(ind, rule.params)
        if stated is None or c is None or c.actual.value <= 0:
            continue
        if stated.value == 100 and not c.missed:
            continue
        results = {rate_agreement(stated, c.actual, c.target), rate_agreement(stated, c.target, c.actual)}
        if "agrees" in results or None in results:
            continue
        expected = c.ratio * 100
        yield ctx.finding(
            rule,
            "last_digit" if "last-digit" in results else "differs",
            msg={"name": ind["name"], "stated": fmt(stated.value) + "%", "actual": plain(ind["actual"]), "target": plain(ind["target"]), "expected": fmt(expected, 3) + "%"},
            evidence=[evidence_of(ind.get("completion")), ind.get("evidence")],
            expected=round(expected, 4),
            stated=stated.value,
            facts={"indicator": ind["name"]},
        )
