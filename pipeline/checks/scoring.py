"""Scoring recomputation (rulebook B.2): each claimed score against the score the standard's formula gives.

A claimed score is an error only when it exceeds the most lenient recomputation any fitting profile
allows (every denominator, cap and rounding of the printed operands). Whether an over-scoring moves the
grade is judged on the total with every such over-scoring of the report taken out: a finding that alone
moves the total by a few points may, with the others, take it across a band boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import regex

from pipeline.checks.arithmetic import band_change, impact_text, points
from pipeline.checks.base import CheckRule, Context, catalogue, check, evidence_of
from pipeline.checks.indicators import Comparison, compare, dimension_of, percent, quoted
from pipeline.checks.numbers import Printed, dec, fmt, ratio_percent


def _rule(check_id: str) -> CheckRule | None:
    return next((c for c in catalogue().checks if c.id == check_id and c.enabled), None)


# -- SCORE-EXEC ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExecScore:
    score: Printed
    score_fact: dict
    weight: Decimal
    rate: Decimal  # the stated rate (or the first recomputed one), percent
    rate_fact: dict | None
    expected: Decimal  # weight × min(rate, 1) from that rate
    lo: Decimal  # the least and the most any fitting profile and denominator allow
    hi: Decimal


def _exec_weight(ctx: Context) -> Decimal | None:
    """The 预算执行率 item's points as the report prints them, else the one every fitting profile gives."""
    dim = ctx.dimension("预算执行率") or {}
    stated = points(dim.get("weight"))
    if stated is not None:
        return stated.value
    given = {dec(p.exec_weight) for p in ctx.profiles if p.exec_weight is not None}
    return given.pop() if len(given) == 1 else None


def _exec_rates(ctx: Context) -> list[tuple[Decimal, Decimal, Decimal, dict | None]]:
    """(lo, point, hi, fact) of every reading of the execution rate: the stated rate, the funds table's
    rate cell, and 执行数 ÷ each denominator a fitting profile allows."""
    out = []
    stated = ctx.fact("budget", "execution_rate")
    for fact in [stated] + [r.get("cells", {}).get("rate") for r in ctx.record.get("budget_table") or [] if r.get("kind") == "total"]:
        p = Printed.of_fact(fact)
        if p is not None:
            out.append((p.lo, p.value, p.hi, fact))
    spent = ctx.printed("budget", "spent")
    if _uncertain(ctx.fact("budget", "spent")):
        return out  # amounts read by the form alone (their own arithmetic failed) are no reading of the rate
    for d in sorted({d for p in ctx.profiles for d in p.denominators}):
        if _uncertain(ctx.fact("budget", d)):
            continue
        den = ctx.printed("budget", d)
        r = ratio_percent(spent, den) if spent and den else None
        if r is not None:
            out.append((r[1], r[0], r[2], ctx.fact("budget", "spent")))
    return out


def _uncertain(fact: dict | None) -> bool:
    return bool(fact) and ":uncertain" in (fact.get("rule") or "")


def exec_score(ctx: Context) -> ExecScore | None:
    """The 预算执行率 score against 分值 × 执行率 (capped at the 分值 unless a fitting profile does not cap)."""
    dim = ctx.dimension("预算执行率") or {}
    score = points(dim.get("score"))
    if score is None or not ctx.profiles or any(p.exec_weight is None for p in ctx.profiles):
        return None  # a framework that does not score 预算执行率 as w × rate puts no formula on it
    weight, rates = _exec_weight(ctx), _exec_rates(ctx)
    if weight is None or not rates:
        return None

    def scored(rate: Decimal, cap: bool) -> Decimal:
        share = max(rate, Decimal(0)) / 100
        return weight * (min(share, Decimal(1)) if cap else share)

    caps = {p.exec_cap for p in ctx.profiles}
    lo = min(scored(r[0], cap) for r in rates for cap in caps)
    hi = max(scored(r[2], cap) for r in rates for cap in caps)
    _, point, _, fact = rates[0]
    return ExecScore(score, dim["score"], weight, point, fact, scored(point, True), lo, hi)


# -- SCORE-QUANT-POS, SCORE-QUANT-NEG -------------------------------------------------------------------------

@dataclass(frozen=True)
class QuantScore:
    comp: Comparison
    score: Printed
    weight: Decimal
    bound: bool  # the weight is not printed; ``weight`` is the most the dimension leaves for the row
    expected: Decimal  # the formula's score from the printed figures
    hi: Decimal  # the most any reading of the printed figures gives
    variant: str


def _weight_bound(ctx: Context, ind: dict) -> Decimal | None:
    """The most an unweighted row can be worth: its dimension's weight less what its sibling rows scored
    (each sibling's weight is at least its score, and the rows' weights add up to the dimension's)."""
    dim = dimension_of(ctx, ind)
    weight = points((dim or {}).get("weight"))
    if weight is None:
        return None
    siblings = [i for i in ctx.record.get("indicators", []) if i is not ind and dimension_of(ctx, i) is dim]
    taken = sum((points(i["score"]).lo for i in siblings if points(i.get("score")) is not None), Decimal(0))
    return weight.value - taken


def _reverse_hi(c: Comparison, weight: Decimal) -> tuple[Decimal, Decimal]:
    """A "less is better" row over its target: the larger of the two published formulas (linear to zero
    at twice the target; target ÷ actual), at the printed figures and at their most lenient reading."""
    a, t = c.actual.value, c.target.value
    point = max(max(Decimal(0), 1 - (a - t) / t), t / a) * weight
    a, t = c.actual.lo, c.target.hi
    hi = max(max(Decimal(0), 1 - (a - t) / t), t / a) * weight if a > 0 else weight
    return point, hi


def quant_scores(ctx: Context, params: dict) -> list[QuantScore]:
    """Rows whose claimed score exceeds what the standard gives for an unmet quantitative target."""
    tol = dec(params["tolerance"])
    out = []
    for ind in ctx.record.get("indicators", []):
        c = compare(ind, params)
        score = points(ind.get("score"))
        if c is None or score is None or not c.missed:
            continue
        weight = points(ind.get("weight"))
        bound = weight is None
        w = weight.value if weight is not None else _weight_bound(ctx, ind)
        if w is None or w <= 0 or score.value > w:
            continue  # a score above its weight is ARITH-SCORE-BOUNDS' finding
        if c.direction == "positive":
            expected = c.ratio * w
            hi = min(c.actual.hi / c.target.lo, Decimal(1)) * w
            variant = "bound" if bound else ("full" if score.value == w else "over")
        else:
            if bound:
                continue  # two formulas and an unknown weight: too loose to say
            expected, hi = _reverse_hi(c, w)
            variant = "reverse_full" if score.value == w else "reverse_over"
        if score.lo > hi + tol:
            out.append(QuantScore(c, score, w, bound, expected, hi, variant))
    return out


# -- the total after every over-scoring is taken out ---------------------------------------------------------

def rescored_total(ctx: Context) -> tuple[Decimal, Decimal] | None:
    """(claimed total, the most it can be once every impossible over-scoring is corrected)."""
    total = points(ctx.fact("score", "total"))
    if total is None:
        return None
    excess = Decimal(0)
    exec_rule = _rule("SCORE-EXEC")
    found = exec_score(ctx) if exec_rule else None
    if found is not None and found.score.lo > found.hi + dec(exec_rule.params["tolerance"]):
        excess += found.score.value - found.hi
    for quant_rule, reverse in ((_rule("SCORE-QUANT-POS"), False), (_rule("SCORE-QUANT-NEG"), True)):
        if quant_rule:
            for q in quant_scores(ctx, quant_rule.params):
                if _is_reverse(q) == reverse and quant_rule.severities.get(q.variant, quant_rule.severity) == "error":
                    excess += q.score.value - q.hi
    return total.value, total.value - excess


def _impact(ctx: Context) -> tuple[tuple[str, str, str] | None, Decimal | None, str]:
    found = rescored_total(ctx)
    if found is None:
        return None, None, ""
    claimed, recomputed = found
    change = band_change(ctx, claimed, recomputed)
    return change, recomputed, impact_text(change, f"扣除本报告各项多计得分后，总分至多{fmt(recomputed)}分（报告为{fmt(claimed)}分）")


@check("SCORE-EXEC")
def exec_check(ctx: Context, rule: CheckRule):
    found = exec_score(ctx)
    if found is None:
        return
    tol = dec(rule.params["tolerance"])
    if found.score.lo > found.hi + tol:
        variant, grade = "over", _impact(ctx)
    elif found.score.hi < found.lo - tol:
        variant, grade = "under", (None, None, "")
    else:
        return
    change, recomputed, impact = grade
    yield ctx.finding(
        rule,
        variant,
        msg={
            "rate": fmt(found.rate) + "%",
            "weight": fmt(found.weight),
            "expected": fmt(found.expected),
            "stated": fmt(found.score.value),
            "diff": fmt(abs(found.score.value - found.expected)),
            "impact": impact,
        },
        evidence=[evidence_of(found.score_fact), evidence_of(found.rate_fact)],
        expected=round(found.expected, 2),
        stated=found.score.value,
        grade_changing=change is not None,
        facts={"execution_rate": found.rate, "weight": found.weight, "most_allowed": round(found.hi, 4), "rescored_total": recomputed},
    )


def _is_reverse(q: QuantScore) -> bool:
    return q.comp.direction == "reverse"


@check("SCORE-QUANT-POS")
def quant_check(ctx: Context, rule: CheckRule):
    """A "more is better" row short of its target scored above the proportional score (B.2-11)."""
    yield from _quant_findings(ctx, rule, reverse=False)


@check("SCORE-QUANT-NEG")
def quant_neg_check(ctx: Context, rule: CheckRule):
    """A "less is better" (≤ <) row over its target scored above both published formulas (B.2-12)."""
    yield from _quant_findings(ctx, rule, reverse=True)


def _quant_findings(ctx: Context, rule: CheckRule, reverse: bool):
    found = [q for q in quant_scores(ctx, rule.params) if _is_reverse(q) == reverse]
    if not found:
        return
    change, recomputed, impact = _impact(ctx)
    for q in found:
        ind = q.comp.ind
        error = rule.severities.get(q.variant, rule.severity) == "error"
        yield ctx.finding(
            rule,
            q.variant,
            msg={
                "name": ind["name"],
                "target": quoted(ind["target"]),
                "actual": quoted(ind["actual"]),
                "ratio": percent(q.comp.ratio),
                "weight": fmt(q.weight),
                "expected": fmt(q.expected),
                "stated": fmt(q.score.value),
                "diff": fmt(q.score.value - q.expected),
                "impact": impact if error else "",
            },
            evidence=[ind.get("evidence"), evidence_of(ind.get("score")), evidence_of(ind.get("weight"))],
            expected=round(q.expected, 2),
            stated=q.score.value,
            grade_changing=error and change is not None,
            facts={"indicator": ind["name"], "weight": q.weight, "weight_is_bound": q.bound, "most_allowed": round(q.hi, 4), "rescored_total": recomputed},
            uncertain=_bare_figures(ind),
        )


def _bare_figures(ind: dict) -> bool:
    """Target and actual both bare numbers in a row read by its shape ("| 550 | 20 | 9.3 | 9.3"): nothing
    says they are measured alike, or which cell is which."""
    if (ind.get("rule") or "").endswith(":columns"):
        return False
    return all(not ((ind.get(k) or {}).get("unit")) for k in ("target", "actual"))


# -- SCORE-OVERCOMPLETION, SCORE-ZERO-ACTUAL -----------------------------------------------------------------

def _reason_kind(reason: str | None, params: dict) -> str:
    """"none" (empty, a dash, or the form's own instruction left in), "target_low" (the reason says the
    target was set too low or imprecisely), or "given"."""
    text = regex.sub(r"\s", "", reason or "")
    if not text or text.strip("（）()") in params["empty_reasons"] or any(m in text for m in params["template_markers"]):
        return "none"
    if regex.search(params["target_low_pattern"], text):
        return "target_low"
    return "given"


@check("SCORE-OVERCOMPLETION")
def overcompletion(ctx: Context, rule: CheckRule):
    """actual ≥ the profile's over-completion ratio × target with full marks (or no score shown), and no
    reason or a reason admitting the target was set too low: S1 asks for the cause and a reduction."""
    limit = min(dec(p.overcompletion) for p in ctx.profiles)
    for ind in ctx.record.get("indicators", []):
        c = compare(ind, rule.params)
        if c is None or c.direction != "positive" or c.ratio < limit:
            continue
        score, weight = points(ind.get("score")), points(ind.get("weight"))
        if score is not None and (weight is None or score.value < weight.value):
            continue  # scored below the weight: a reduction may already have been made
        kind = _reason_kind(ind.get("deviation_reason"), rule.params)
        if kind == "given":
            continue
        score_text = f"仍得满分{fmt(score.value)}分" if score is not None else "报告未列出该指标得分，无从看出是否已按偏离度调减"
        yield ctx.finding(
            rule,
            "no_reason" if kind == "none" else "target_low",
            msg={"name": ind["name"], "target": quoted(ind["target"]), "actual": quoted(ind["actual"]), "ratio": percent(c.ratio), "threshold": percent(limit), "score_text": score_text, "reason": (ind.get("deviation_reason") or "").strip()},
            evidence=[ind.get("evidence"), evidence_of(ind.get("score"))],
            expected=c.target.value,
            stated=c.actual.value,
            facts={"indicator": ind["name"], "ratio": round(c.ratio, 4), "threshold": limit, "score": score.value if score else None},
        )


@check("SCORE-ZERO-ACTUAL")
def zero_actual(ctx: Context, rule: CheckRule):
    """A row whose actual says nothing was done ("未开展") yet scores points. A numeric 0 against a
    numeric target is SCORE-QUANT-POS' finding; this catches the worded ones."""
    for ind in ctx.record.get("indicators", []):
        actual = regex.sub(r"\s", "", quoted(ind.get("actual")))
        score = points(ind.get("score"))
        if score is None or score.value <= 0 or (ind.get("actual") or {}).get("value") is not None:
            continue
        if not any(actual.startswith(w) for w in rule.params["not_done_words"]):
            continue
        yield ctx.finding(
            rule,
            "text",
            msg={"name": ind["name"], "target": quoted(ind.get("target")), "actual": actual, "stated": fmt(score.value)},
            evidence=[ind.get("evidence"), evidence_of(ind.get("score"))],
            expected=Decimal(0),
            stated=score.value,
            facts={"indicator": ind["name"]},
        )
