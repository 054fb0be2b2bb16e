"""Indicator logic (rulebook B.5): targets set too low, money counted as a quantity, hollow or copied values.

Also the comparison every indicator check shares: a target and an actual are compared only when both are
numbers in the same unit, and the comparator says which way is better. Qualitative, date and range targets
are not compared: no formula in the scoring standard applies to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import regex

from pipeline.checks.base import CheckRule, Context, check, evidence_of
from pipeline.checks.numbers import Printed, dec, fmt

POSITIVE = (">=", ">", "=")
REVERSE = ("<=", "<")
_NUMBER_TEXT = regex.compile(r"[\d.,，\s]+")
_COMPARATORS = regex.compile(r"[≥≤≧≦>=<＝﹦═＞＜]+|不少于|不低于|不高于|不超过|不多于|以上|以下|大于|小于|等于|达到")


@dataclass(frozen=True)
class Comparison:
    """A quantitative indicator: which way is better, and target and actual as printed."""

    ind: dict
    direction: str  # "positive" (≥ > = or a bare target read as one) or "reverse" (≤ <)
    target: Printed
    actual: Printed

    @property
    def ratio(self) -> Decimal:
        return self.actual.value / self.target.value

    @property
    def missed(self) -> bool:
        """The actual falls short of the target whatever its printed rounding (positive), or exceeds it
        (reverse)."""
        if self.direction == "positive":
            return self.actual.hi < self.target.lo
        return self.actual.lo > self.target.hi


def unit_word(q: dict) -> str:
    """The unit a quantity is stated in: the parsed unit, else the words after the number ("場")."""
    if q.get("unit"):
        return q["unit"]
    text = _COMPARATORS.sub("", q.get("text") or "")
    m = regex.search(r"\d[\d.,]*\s*(\S*)$", text)
    return m.group(1) if m else ""


def direction_of(ind: dict, params: dict) -> str | None:
    """The comparator's direction. A bare target ("10个", "100%") reads as "at least" only for the kinds
    where more is plainly better, and not for names that say it is a cost, a time or a bad event."""
    target = ind.get("target") or {}
    op = target.get("op")
    if op in POSITIVE:
        return "positive"
    if op in REVERSE:
        return "reverse"
    if op is not None or target.get("kind") not in params.get("bare_target_kinds", ()):
        return None
    label = (ind.get("name") or "") + (ind.get("level2") or "")
    if any(w in label for w in params.get("reverse_words", ())):
        return None
    return "positive"


def compare(ind: dict, params: dict) -> Comparison | None:
    """Target and actual of one indicator when both are numbers in the same unit; else None."""
    target, actual = ind.get("target") or {}, ind.get("actual") or {}
    if target.get("value") is None or actual.get("value") is None:
        return None
    if target.get("qualitative") or actual.get("qualitative") or target.get("kind") in ("range", "date", "qualitative"):
        return None
    if actual.get("op") not in (None, "="):
        return None  # "≥95%" as an actual is a bound, not a value
    t_unit, a_unit = unit_word(target), unit_word(actual)
    if a_unit and a_unit != t_unit:
        return None  # like units only; a bare actual ("93.1" under a 度量单位 column) takes the target's
    direction = direction_of(ind, params)
    t = Printed.of_fact({"value": target["value"], "text": target.get("text")})
    a = Printed.of_fact({"value": actual["value"], "text": actual.get("text")})
    if direction is None or t is None or a is None or t.value <= 0 or t.lo <= 0:
        return None
    return Comparison(ind, direction, t, a)


def percent(x: Decimal) -> str:
    return fmt(x * 100) + "%"


def quoted(q: dict | None) -> str:
    return (q or {}).get("text") or "—"


def plain(q: dict | None) -> str:
    """A value as printed without its comparator: "≥60000人" → "60000人"."""
    return _COMPARATORS.sub("", quoted(q)).strip() or quoted(q)


def _bare(text: str | None) -> str:
    """A value without comparators, borders and spaces, for comparing words."""
    return regex.sub(r"[\s|═=＝﹦≥≤≧≦><＞＜]", "", text or "")


@check("IND-TARGET-TOO-LOW")
def target_too_low(ctx: Context, rule: CheckRule):
    """actual ≥ ratio × target on a "more is better" indicator: S1 says a target set obviously too low
    should cost points, and a reviewer asks how the target was measured."""
    limit = dec(rule.params["ratio"])
    for ind in ctx.record.get("indicators", []):
        c = compare(ind, rule.params)
        if c is None or c.direction != "positive" or c.ratio < limit:
            continue
        yield ctx.finding(
            rule,
            "low",
            msg={"name": ind["name"], "target": quoted(ind["target"]), "actual": quoted(ind["actual"]), "ratio": percent(c.ratio), "limit": fmt(limit)},
            evidence=[ind.get("evidence")],
            expected=c.target.value,
            stated=c.actual.value,
            facts={"indicator": ind["name"], "ratio": round(c.ratio, 4)},
        )


@check("IND-QUANTITY-AS-MONEY")
def quantity_as_money(ctx: Context, rule: CheckRule):
    """A 数量指标 measured in money or as an execution/payment rate counts money, not public output."""
    for ind in ctx.record.get("indicators", []):
        if not any(w in (ind.get("level2") or "") for w in rule.params["level2_words"]):
            continue
        target = ind.get("target") or {}
        in_money = target.get("kind") == "money"
        named = any(w in ind["name"] for w in rule.params["money_words"]) and target.get("kind") not in ("count",)
        if not (in_money or named):
            continue
        yield ctx.finding(
            rule,
            "money",
            msg={"name": ind["name"], "target": quoted(target)},
            evidence=[ind.get("evidence")],
            stated=quoted(target),
            facts={"indicator": ind["name"]},
        )


@check("COPY-GENERIC-PHRASES")
def generic_phrases(ctx: Context, rule: CheckRule):
    """Many targets or actuals that are stock phrases ("效果明显") measure nothing; one is normal."""
    inds = ctx.record.get("indicators", [])
    phrases = set(rule.params["phrases"])
    hits = [i for i in inds if {_bare(quoted(i.get("target"))), _bare(quoted(i.get("actual")))} & phrases]
    if not inds or len(hits) < rule.params["min_count"] or Decimal(len(hits)) / len(inds) < dec(rule.params["min_share"]):
        return
    used = sorted({_bare(quoted(i.get(k))) for i in hits for k in ("target", "actual")} & phrases)
    yield ctx.finding(
        rule,
        "generic",
        msg={"count": len(hits), "total": len(inds), "phrases": "”“".join(used), "names": "、".join(i["name"] for i in hits)},
        evidence=[i.get("evidence") for i in hits],
        stated=len(hits),
        facts={"indicators": [i["name"] for i in hits], "phrases": used},
    )


def _exactly_met(ind: dict) -> bool:
    target, actual = ind.get("target") or {}, ind.get("actual") or {}
    if target.get("value") is not None and actual.get("value") is not None:
        same = dec(target["value"]) == dec(actual["value"])
    else:
        same = bool(_bare(target.get("text"))) and _bare(target.get("text")) == _bare(actual.get("text"))
    score, weight = Printed.of_fact(ind.get("score")), Printed.of_fact(ind.get("weight"))
    full = score is None or weight is None or score.value == weight.value
    return same and full


@check("IND-ALL-EXACTLY-MET")
def all_exactly_met(ctx: Context, rule: CheckRule):
    """Every actual equal to its target and every score full: often a form filled by copying the targets."""
    inds = ctx.record.get("indicators", [])
    if len(inds) < rule.params["min_count"] or not all(_exactly_met(i) for i in inds):
        return
    yield ctx.finding(
        rule,
        "all",
        msg={"count": len(inds)},
        evidence=[i.get("evidence") for i in inds],
        stated=len(inds),
        facts={"indicators": [i["name"] for i in inds]},
    )


def dimension_of(ctx: Context, ind: dict) -> dict | None:
    """The 一级 dimension an indicator belongs to: by its 一级 name, or, when the row names none, the
    dimension whose weight is stated in the same paragraph ("产出指标（50分）：…人数…得20分")."""
    dims = ctx.record.get("score", {}).get("dimensions", [])
    level1 = ind.get("level1") or ""
    if level1:
        return next((d for d in dims if level1.startswith(d["name"])), None)
    block = (ind.get("evidence") or {}).get("block")
    return next((d for d in dims if (evidence_of(d.get("weight")) or {}).get("block") == block), None)
