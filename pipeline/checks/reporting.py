"""What a report owes its reader besides its figures (rulebook §B.4-24/25/28/29, §B.6-45/46, §B.7-49/50): the
reasons for a low 预算执行率 and for a budget adjustment, cost indicators that make sense as costs, counts
that match the lists they count, advice for every problem, a reason for every zero score, and a sign-off.

The words are data (``rules/reporting.yaml``). Every check here is a warning at most, and each one that asks
for something a full report must have stays quiet on a short text, which is often an excerpt.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property

import regex
from pydantic import BaseModel

from pipeline.checks.base import CheckRule, Context, check, evidence_of
from pipeline.checks.narrative import body_blocks, ev, key_of, text_block, unmet
from pipeline.checks.numbers import dec, fmt, wan
from pipeline.checks.view import view
from pipeline.document import Block
from pipeline.normalize import fold_script
from pipeline.ruleset import load, schema

# -- rules ----------------------------------------------------------------------------------------


class PhraseRule(BaseModel):
    examples: list[str] = []
    counterexamples: list[str] = []


class LowExecRules(PhraseRule):
    reason: str


class AdjustmentRules(PhraseRule):
    explained: str


class CostRules(PhraseRule):
    money_units: str
    per_unit: str
    total: str


class CountRules(PhraseRule):
    unmet: str


class ItemRules(PhraseRule):
    numbering: str
    inline: str
    section_heading: str


class ZeroScoreRules(PhraseRule):
    reason: str


class SignoffRules(PhraseRule):
    pattern: str


@schema("reporting.yaml")
class ReportingRules(BaseModel):
    version: int
    low_exec: LowExecRules
    adjustment: AdjustmentRules
    cost: CostRules
    counts: CountRules
    items: ItemRules
    zero_score: ZeroScoreRules
    signoff: SignoffRules

    model_config = {"ignored_types": (cached_property,)}

    @cached_property
    def rx(self) -> dict[str, regex.Pattern]:
        return {
            "exec_reason": regex.compile(self.low_exec.reason),
            "adjustment": regex.compile(self.adjustment.explained),
            "money_units": regex.compile(self.cost.money_units),
            "per_unit": regex.compile(self.cost.per_unit),
            "total": regex.compile(self.cost.total),
            "unmet_count": regex.compile(self.counts.unmet),
            "numbering": regex.compile(self.items.numbering),
            "inline": regex.compile(self.items.inline),
            "section_heading": regex.compile(self.items.section_heading),
            "zero_reason": regex.compile(self.zero_score.reason),
            "signoff": regex.compile(self.signoff.pattern, regex.M),
        }

    def check(self) -> list[tuple[tuple, str]]:
        try:
            self.rx  # noqa: B018 - compiling is the check
        except regex.error as exc:
            return [((), f"a pattern does not compile: {exc}")]
        problems: list[tuple[tuple, str]] = []
        for name, rx in (
            ("low_exec", "exec_reason"),
            ("adjustment", "adjustment"),
            ("cost", "total"),
            ("counts", "unmet_count"),
            ("items", "numbering"),
            ("zero_score", "zero_reason"),
            ("signoff", "signoff"),
        ):
            rule_set = getattr(self, name)
            for i, text in enumerate(rule_set.examples):
                if not self.rx[rx].search(key_of(text_block(text))):
                    problems.append(((name, "examples", i), f"{text!r} is not found"))
            for i, text in enumerate(rule_set.counterexamples):
                if self.rx[rx].search(key_of(text_block(text))):
                    problems.append(((name, "counterexamples", i), f"{text!r} is flagged"))
        return problems


def rules() -> ReportingRules:
    return load("reporting.yaml")


# -- helpers --------------------------------------------------------------------------------------


def _blocks(ctx: Context) -> list[Block]:
    return list(ctx.doc.blocks) if ctx.doc else []


def _block_of(ctx: Context, fact: dict | None) -> Block | None:
    e = evidence_of(fact)
    blocks = _blocks(ctx)
    if not e or e.get("block") is None or not 0 <= e["block"] < len(blocks):
        return None
    return blocks[e["block"]]


def _near(ctx: Context, facts: list[dict | None], after: int) -> list[Block]:
    """The blocks that hold ``facts``, each with the ``after`` blocks that follow it, and every block of a
    section on the funds (tagged 资金)."""
    blocks = _blocks(ctx)
    idx: set[int] = set()
    for f in facts:
        b = _block_of(ctx, f)
        if b is not None:
            idx.update(range(b.index, min(len(blocks), b.index + after + 1)))
    idx.update(b.index for b in blocks if "资金" in (b.tags or ()))
    return [blocks[i] for i in sorted(idx) if i < len(blocks)]


def _full_report(ctx: Context, rule: CheckRule) -> bool:
    return sum(len(b.text) for b in _blocks(ctx)) >= int(rule.params.get("full_report_chars", 3000))


def _is_cost(ind: dict) -> bool:
    return any("成本" in (ind.get(k) or "") for k in ("level1", "level2"))


def _money(q: dict | None, r: ReportingRules) -> Decimal | None:
    """A quantity in money, as a total (not per unit): its value in yuan."""
    if not q or q.get("qualitative") or q.get("value") is None or isinstance(q.get("value"), str):
        return None
    if not r.rx["money_units"].search(q.get("unit") or "") or r.rx["per_unit"].search(q.get("text") or ""):
        return None
    return dec(q["value"])


def _loose(fact: dict | None) -> bool:
    return ((fact or {}).get("rule") or "").endswith(":uncertain")


def _row(ind: dict) -> str:
    return "“" + (ind.get("name") or "（未命名）") + "”"


# -- B.4 budget -----------------------------------------------------------------------------------


@check("BUDGET-LOW-EXEC-REASON")
def low_exec_reason(ctx: Context, rule: CheckRule):
    """A 预算执行率 under ``min_rate`` with no reason in its paragraph, the next ones, or the sections on the
    funds."""
    rate_fact = ctx.fact("budget", "execution_rate")
    rate = ctx.printed("budget", "execution_rate")
    spent, full = ctx.printed("budget", "spent"), ctx.printed("budget", "full_year")
    if rate is not None:
        value = rate.value
    elif spent is not None and full is not None and full.value > 0 and not _loose(ctx.fact("budget", "full_year")):
        # a rate the report never states, computed on a budget read loosely (a works' 估算总投资, a sum 下达
        # once): the low rate may be the reading's, not the report's
        value = spent.value / full.value * 100
    else:
        return
    if value >= Decimal(str(rule.params.get("min_rate", 90))):
        return
    r = rules()
    facts = [rate_fact, ctx.fact("budget", "spent")]
    if any(r.rx["exec_reason"].search(key_of(b)) for b in _near(ctx, facts, int(rule.params.get("near_blocks", 1)))):
        return
    yield ctx.finding(
        rule,
        "no_reason",
        msg={"rate": fmt(value) + "%"},
        evidence=[evidence_of(rate_fact), evidence_of(ctx.fact("budget", "spent")), evidence_of(ctx.fact("budget", "full_year"))],
        stated=value,
        facts={"rate": value},
    )


@check("BUDGET-ADJUSTMENT-UNEXPLAINED")
def adjustment_unexplained(ctx: Context, rule: CheckRule):
    full, initial = ctx.printed("budget", "full_year"), ctx.printed("budget", "initial")
    if full is None or initial is None or (full.lo <= initial.hi and initial.lo <= full.hi):
        return
    r = rules()
    facts = [ctx.fact("budget", "full_year"), ctx.fact("budget", "initial")]
    for b in _near(ctx, facts, int(rule.params.get("near_blocks", 1))):
        if r.rx["adjustment"].search(key_of(b)):
            return
    yield ctx.finding(
        rule,
        "unexplained",
        msg={"full": wan(full.value), "initial": wan(initial.value), "diff": wan(abs(full.value - initial.value))},
        evidence=[evidence_of(f) for f in facts],
        expected=initial.value,
        stated=full.value,
        facts={"full_year": full.value, "initial": initial.value},
    )


@check("BUDGET-COST-OPERATOR")
def cost_operator(ctx: Context, rule: CheckRule):
    for ind in ctx.record.get("indicators", []):
        target = ind.get("target") or {}
        if _is_cost(ind) and target.get("op") in (">=", ">"):
            yield ctx.finding(
                rule,
                "floor",
                msg={"name": ind.get("name") or "", "target": target.get("text") or "", "op": "≥" if target["op"] == ">=" else ">"},
                evidence=[ind.get("evidence")],
                stated=target.get("text"),
                facts={"level2": ind.get("level2"), "op": target["op"]},
            )


@check("BUDGET-COST-VS-EXEC")
def cost_vs_exec(ctx: Context, rule: CheckRule):
    """A cost indicator's actual total in money against the budget (a cost above 全年预算数) and, when it is
    the project's total cost, against 全年执行数."""
    r = rules()
    full, spent = ctx.printed("budget", "full_year"), ctx.printed("budget", "spent")
    share = Decimal(str(rule.params.get("max_share", 10)))
    for ind in ctx.record.get("indicators", []):
        if not _is_cost(ind):
            continue
        actual = _money(ind.get("actual"), r)
        name = ind.get("name") or ""
        if actual is None or r.rx["per_unit"].search(fold_script(name)):
            continue
        base = {"name": name, "actual": wan(actual)}
        if full is not None and actual > full.hi:
            yield ctx.finding(
                rule,
                "over_budget",
                msg={**base, "budget": wan(full.value)},
                evidence=[ind.get("evidence"), evidence_of(ctx.fact("budget", "full_year"))],
                expected=full.value,
                stated=actual,
            )
        elif spent is not None and spent.value > 0 and r.rx["total"].search(fold_script(name)):
            diff = abs(actual - spent.value) / spent.value * 100
            if diff > share:
                yield ctx.finding(
                    rule,
                    "differs",
                    msg={**base, "spent": wan(spent.value), "share": fmt(diff) + "%"},
                    evidence=[ind.get("evidence"), evidence_of(ctx.fact("budget", "spent"))],
                    expected=spent.value,
                    stated=actual,
                )


# -- B.6 narrative --------------------------------------------------------------------------------

_DIMENSIONS = {"决策": ("决策",), "过程": ("过程", "管理"), "产出": ("产出",), "效益": ("效益", "满意度")}


def _dimension_of(ctx: Context, count: dict) -> str | None:
    """The first-level dimension a declared count belongs to: the dimension stated in the same sentence."""
    block = _block_of(ctx, count)
    if block is None:
        return None
    v = view(block)
    start = v.at((count.get("evidence") or {}).get("start") or 0)
    found = [(at, d) for d in _DIMENSIONS if (at := v.text.rfind(d, 0, start)) >= 0]
    return max(found)[1] if found else None


@check("NARR-COUNTS")
def counts(ctx: Context, rule: CheckRule):
    """Counts the text declares against the rows the report lists."""
    yield from _level_counts(ctx, rule)
    yield from _unmet_counts(ctx, rule)


def _level_counts(ctx: Context, rule: CheckRule):
    """"由N个三级指标构成" against the third-level rows the report lists under that dimension. Only a text
    that lists more rows than it declares is clearly wrong; fewer rows may be an incomplete list, unless the
    rows' weights add up to the dimension's weight."""
    rows = ctx.record.get("indicators", [])
    for count in ctx.record.get("score", {}).get("counts", []):
        if count.get("level") != "三级" or count.get("value") is None:
            continue
        dim = _dimension_of(ctx, count)
        if dim is None:
            continue
        mine = [i for i in rows if any(w in (i.get("level1") or "") for w in _DIMENSIONS[dim])]
        names = list(dict.fromkeys(fold_script(i.get("name") or "") for i in mine if i.get("name")))  # a row read twice counts once
        declared = int(count["value"])
        if not names or len(names) == declared:
            continue
        if len(names) < declared:
            dimension = ctx.dimension(dim)
            weight = ((dimension or {}).get("weight") or {}).get("value")
            weights = [((i.get("weight") or {}).get("value")) for i in mine]
            if weight is None or any(w is None for w in weights) or sum(dec(w) for w in weights) != dec(weight):
                continue
        yield ctx.finding(
            rule,
            "indicators",
            msg={"dimension": dim, "quote": count.get("text") or "", "rows": len(names), "names": "、".join(names[:12])},
            evidence=[evidence_of(count)] + [i.get("evidence") for i in mine[:5]],
            expected=len(names),
            stated=declared,
            facts={"dimension": dim, "rows": names},
        )


def _of_kind(rows: list[dict], kind: str | None) -> list[dict]:
    if not kind:
        return rows
    return [i for i in rows if kind in (i.get("level2") or "") or kind in (i.get("level1") or "")]


def _unmet_counts(ctx: Context, rule: CheckRule):
    """"N个数量指标中M个未完成" against the rows of that kind: flagged only when the report lists more rows,
    or more rows that miss their target, than the sentence says (a list may be incomplete, not overfull)."""
    r = rules()
    rows = ctx.record.get("indicators", [])
    for b in body_blocks(ctx.doc):
        key = key_of(b)
        for m in r.rx["unmet_count"].finditer(key):
            n, kind, missed = int(m.group(1)), m.group(2), int(m.group(3))
            mine = _of_kind(rows, kind)
            names = list(dict.fromkeys(fold_script(i.get("name") or "") for i in mine if i.get("name")))
            failed = list(dict.fromkeys(fold_script(i.get("name") or "") for i in mine if i.get("name") and unmet(i)))
            if len(names) > n or len(failed) > missed:
                yield ctx.finding(
                    rule,
                    "unmet",
                    msg={"quote": b.text[m.start() : m.end()], "kind": kind or "", "rows": len(names), "failed": len(failed), "names": "、".join(failed[:12]) or "无"},
                    evidence=[ev(b, m.start(), m.end())] + [i.get("evidence") for i in mine if unmet(i)][:5],
                    expected={"rows": len(names), "unmet": len(failed)},
                    stated={"rows": n, "unmet": missed},
                    facts={"rows": names, "unmet": failed},
                )


def _items(blocks: list[Block], r: ReportingRules) -> int:
    """Numbered items among ``blocks`` (headings naming the section left out), else "一是…二是…" markers."""
    numbered = [b for b in blocks if r.rx["numbering"].match(key_of(b)) and not (b.kind == "heading" and r.rx["section_heading"].search(key_of(b)))]
    if numbered:
        return len(numbered)
    return sum(len(r.rx["inline"].findall(key_of(b))) for b in blocks)


@check("NARR-PROBLEM-ADVICE-PAIRING")
def problem_advice(ctx: Context, rule: CheckRule):
    r = rules()
    blocks = _blocks(ctx)
    problems = [b for b in blocks if "问题" in (b.tags or ()) and "建议" not in (b.tags or ()) and "经验" not in (b.tags or ())]
    advice = [b for b in blocks if "建议" in (b.tags or ()) and "问题" not in (b.tags or ())]
    if not problems or not advice:
        return  # no section of its own for one of them: nothing to pair
    n_problems, n_advice = _items(problems, r), _items(advice, r)
    if not n_advice and any(b.kind != "heading" for b in advice):
        n_advice = 1
    if n_problems and n_advice < n_problems - 1:
        heads = [b for b in problems + advice if b.kind == "heading"][:2]
        yield ctx.finding(
            rule,
            "fewer",
            msg={"problems": n_problems, "advice": n_advice},
            evidence=[ev(b, 0, len(b.text)) for b in heads],
            expected=n_problems,
            stated=n_advice,
        )


# -- B.7 completeness -----------------------------------------------------------------------------


@check("COMP-ZERO-SCORE-REASON")
def zero_score_reason(ctx: Context, rule: CheckRule):
    r = rules()
    zero = []
    for ind in ctx.record.get("indicators", []):
        score = (ind.get("score") or {}).get("value")
        if score is None or isinstance(score, str) or dec(score) != 0:
            continue
        said = " ".join(filter(None, [ind.get("deviation_reason") or "", (ind.get("evidence") or {}).get("quote") or ""]))
        block = _block_of(ctx, ind)
        if block is not None and block.kind != "table":
            said += " " + key_of(block)
        if not r.rx["zero_reason"].search(fold_script(said)):
            zero.append(ind)
    if zero:
        yield ctx.finding(
            rule,
            "zero",
            msg={"count": len(zero), "rows": "、".join(_row(i) for i in zero[:10])},
            evidence=[i.get("evidence") for i in zero[:5]],
            facts={"rows": [i.get("name") for i in zero]},
        )


@check("COMP-SIGNOFF")
def signoff(ctx: Context, rule: CheckRule):
    """A full report with no date of report, seal or person responsible at its head or its end."""
    if not _full_report(ctx, rule) or ctx.record.get("meta", {}).get("kind") not in ("self-report", "self-table", "evaluation-report", "dept-overall"):
        return
    r = rules()
    blocks = _blocks(ctx)
    head, tail = int(rule.params.get("head_blocks", 8)), int(rule.params.get("tail_blocks", 12))
    for b in blocks[:head] + blocks[-tail:]:
        if r.rx["signoff"].search(key_of(b)):
            return
    yield ctx.finding(rule, "missing", msg={}, evidence=[ev(blocks[-1], 0, len(blocks[-1].text))] if blocks else [])

