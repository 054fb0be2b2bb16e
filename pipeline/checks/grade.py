"""The claimed grade against the total, the bands, the mentions elsewhere and the 预算执行率."""

from __future__ import annotations

from decimal import Decimal

import regex

from pipeline.checks.base import CheckRule, Context, band_of, check, evidence_of
from pipeline.checks.arithmetic import points
from pipeline.checks.numbers import Printed, dec, fmt
from pipeline.checks.view import view


def _scheme(bands: list[tuple[str, Decimal, Decimal]]) -> str:
    return "、".join(f"{g}≥{fmt(lo)}" for g, lo, _ in sorted(bands, key=lambda b: -b[1]) if lo > 0)


@check("GRADE-BAND")
def grade_band(ctx: Context, rule: CheckRule):
    total, grade = ctx.fact("score", "total"), ctx.fact("score", "grade")
    if not total or not grade:
        return
    t = dec(total["value"])
    sets = ctx.band_sets()
    expected = {pid: band_of(t, bands) for pid, bands in sets}
    wrong = {pid: g for pid, g in expected.items() if g is not None and g != grade["value"]}
    if not wrong:
        return
    declared = sets[0][0] == "report"
    # An error only when no fitting band scheme gives the claimed grade; when the national bands do not
    # but a deployment's do (80/70/60), a warning that names both, for the auditor to settle which applies
    variant = "declared" if declared else "profiles"
    explained = [pid for pid in expected if pid not in wrong]
    if explained:
        if rule.params["usual_scheme"] not in wrong:
            return  # the usual bands give the claimed grade
        variant = "regional"
    pid = rule.params["usual_scheme"] if variant == "regional" else next(iter(wrong))
    bands = dict(sets)[pid]
    other = dict(sets)[explained[0]] if explained else bands
    yield ctx.finding(
        rule,
        variant,
        msg={"scheme": _scheme(bands), "total": fmt(t), "expected": wrong[pid], "stated": grade["value"], "other": _scheme(other)},
        evidence=[evidence_of(grade), evidence_of(total)],
        expected=wrong[pid],
        stated=grade["value"],
        grade_changing=True,
        facts={"total": t, "bands": {g: [lo, hi] for g, lo, hi in bands}},
    )


@check("GRADE-TEXT-TOTAL")
def text_total(ctx: Context, rule: CheckRule):
    for key, variant in (("total", "total"), ("grade", "grade")):
        fact = ctx.fact("score", key)
        if not fact or len(fact.get("mentions") or []) < 2:
            continue
        mentions = fact["mentions"]
        if key == "total":
            printed = [Printed.of_fact(m) for m in mentions]
            lo = max(p.lo for p in printed)
            hi = min(p.hi for p in printed)
            if lo <= hi:
                continue  # every mention fits one value within its printed precision
        elif len({m["value"] for m in mentions}) == 1:
            continue
        elif len({m["value"] for m in mentions}) >= 3:
            continue  # 优, 良, 中 (and 差) named in turn: the grades of a list of items or the scheme, not claims
        if _self_and_review(ctx, mentions, rule):
            continue
        values = "；".join(f"“{m['evidence']['quote']}”" + (f"（第{m['evidence']['page']}页）" if m["evidence"].get("page") else "") for m in mentions)
        yield ctx.finding(
            rule,
            variant,
            msg={"values": values},
            evidence=[m["evidence"] for m in mentions],
            expected=fact["value"],
            stated=[m["value"] for m in mentions],
            grade_changing=key == "grade",
        )


def _self_and_review(ctx: Context, mentions: list[dict], rule: CheckRule) -> bool:
    """The unit's own score and a reviewer's are two statements by design ("单位自评100分…评价得分88.64分"):
    they differ without contradicting each other. True when every pair that differs is one of each."""
    def who(m: dict) -> str:
        ev = m["evidence"]
        words = m.get("text") or ev.get("quote") or ""
        if ctx.doc is not None and 0 <= ev.get("block", -1) < len(ctx.doc.blocks):
            v = view(ctx.doc.blocks[ev["block"]])  # (自評等級 in traditional script reads as 自评等级)
            start = v.at(ev["start"])
            words = v.text[max(0, start - 8) : v.at(ev["end"])]  # "自评等级为优"
            if start < 8 and ev["block"] > 0:  # a cell under its label's: "自评等级 |" then "优 |"
                words = view(ctx.doc.blocks[ev["block"] - 1]).text[-(8 - start) :] + words
        if regex.search(rule.params["self_words"], words):
            return "self"
        return "review" if regex.search(rule.params["review_words"], words) else "any"

    for i, a in enumerate(mentions):
        for b in mentions[i + 1 :]:
            if a["value"] != b["value"] and {who(a), who(b)} != {"self", "review"}:
                return False
    return True


def _exec(ctx: Context) -> tuple[Decimal, dict] | None:
    """The execution rate in percent, stated or recomputed from 执行数/全年预算数."""
    rate = ctx.fact("budget", "execution_rate")
    if rate and rate.get("value") is not None:
        return dec(rate["value"]), rate
    spent, full = ctx.printed("budget", "spent"), ctx.printed("budget", "full_year")
    if spent and full and full.value > 0:
        return spent.value / full.value * 100, ctx.fact("budget", "spent")
    return None


def _indicators_take_all_points(ctx: Context) -> bool:
    """The indicator rows' 分值 add up to the full marks and no 预算执行率 分值 is printed: the form does not
    score the execution rate (transfer-payment and some regional forms)."""
    if points((ctx.dimension("预算执行率") or {}).get("weight")) is not None:
        return False
    weights = [points(i.get("weight")) for i in ctx.record.get("indicators", [])]
    if len(weights) < 3 or any(w is None for w in weights):
        return False
    full = points(ctx.fact("score", "total_weight"))
    return sum(w.value for w in weights) == (full.value if full is not None else Decimal(100))


@check("GRADE-EXEC-CEILING")
def exec_ceiling(ctx: Context, rule: CheckRule):
    """T ≤ (100 − w) + w × min(r, 1) wherever 预算执行率 is a scored block of w points."""
    total = ctx.fact("score", "total")
    found = _exec(ctx)
    if not total or found is None:
        return
    rate, rate_fact = found
    t = dec(total["value"])
    if rate >= 100:
        return  # the ceiling is then the full 100 points: a total above it is ARITH-SCORE-BOUNDS' finding
    if _indicators_take_all_points(ctx):
        return  # the form scores its indicators only: 预算执行率 is no block of points here
    ceilings = []
    for p in ctx.profiles:
        if p.exec_weight is None:
            return  # a framework that does not score 预算执行率 as a block puts no ceiling
        w = dec(p.exec_weight)
        r = min(rate / 100, Decimal(1)) if p.exec_cap else rate / 100
        ceilings.append((100 - w) + w * r)
    if not ceilings:
        return
    ceiling = max(ceilings)
    slack = Printed.of_fact(total).half_ulp
    if t - slack <= ceiling:
        return
    changing = any(band_of(ceiling, bands) != band_of(t, bands) for _, bands in ctx.band_sets())
    # the ceiling assumes the national form's 预算执行率 block; a report that prints neither that block nor
    # a form the catalogue knows (the older 项目决策/项目管理/项目绩效 form scores no such block) is a warning
    known = ctx.record.get("score", {}).get("framework") is not None or ctx.dimension("预算执行率") is not None
    yield ctx.finding(
        rule,
        "over" if known else "over_unknown_form",
        msg={"rate": fmt(rate) + "%", "ceiling": fmt(ceiling), "total": fmt(t), "diff": fmt(t - ceiling)},
        evidence=[evidence_of(total), evidence_of(rate_fact)],
        expected=round(ceiling, 2),
        stated=t,
        grade_changing=changing,
        facts={"execution_rate": rate, "ceiling": ceiling},
    )


@check("GRADE-PLAUSIBILITY")
def plausibility(ctx: Context, rule: CheckRule):
    total, grade = ctx.fact("score", "total"), ctx.fact("score", "grade")
    is_top = (grade and grade.get("value") == "优") or (total and dec(total["value"]) >= 90)
    if not is_top:
        return
    label = grade["value"] if grade else "优"
    found = _exec(ctx)
    if found is not None and found[0] < dec(rule.params.get("min_rate", 60)):
        rate, rate_fact = found
        yield ctx.finding(
            rule,
            "rate",
            msg={"grade": label, "total": fmt(dec(total["value"])) if total else "—", "rate": fmt(rate) + "%"},
            evidence=[evidence_of(grade or total), evidence_of(rate_fact)],
            expected=None,
            stated=label,
            facts={"execution_rate": rate},
        )
        return
    limit = dec(rule.params.get("min_timely_ratio", 0.6))
    for ind in ctx.record.get("indicators", []):
        if ind.get("level2") not in ("时效指标",) and "及时" not in ind["name"] and "拨付" not in ind["name"]:
            continue
        target, actual = ind.get("target") or {}, ind.get("actual") or {}
        if target.get("value") in (None, 0) or actual.get("value") is None or target.get("op") in ("<=", "<"):
            continue
        ratio = dec(actual["value"]) / dec(target["value"])
        if ratio < limit:
            yield ctx.finding(
                rule,
                "timely",
                msg={"grade": label, "total": fmt(dec(total["value"])) if total else "—", "name": ind["name"], "actual": actual.get("text"), "target": target.get("text")},
                evidence=[evidence_of(grade or total), ind.get("evidence")],
                stated=label,
                facts={"indicator": ind["name"], "ratio": ratio},
            )
            return
