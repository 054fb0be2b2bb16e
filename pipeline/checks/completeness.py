"""What a report must state before its claims can be checked (rulebook §B.7): the breakdown of a claimed
total, and the budget figures behind the 预算执行率.

A short text (under ``full_report_chars`` characters) is often a published summary or an excerpt, with the
score sheet issued separately; there a missing part is worth a look (info) rather than a warning.
"""

from __future__ import annotations

from pipeline.checks.base import CheckRule, Context, check, evidence_of
from pipeline.checks.narrative import enclosing, ev, spans, trimmed
from pipeline.checks.narrative import rules as narrative_rules
from pipeline.checks.numbers import dec, fmt

_REPORTS = ("self-report", "self-table", "evaluation-report", "dept-overall")


def _short(ctx: Context, rule: CheckRule) -> bool:
    length = sum(len(b.text) for b in ctx.doc.blocks) if ctx.doc else 0
    return length < int(rule.params.get("full_report_chars", 3000))


@check("COMP-REQUIRED-FIELDS")
def required_fields(ctx: Context, rule: CheckRule):
    rec = ctx.record
    total = ctx.fact("score", "total")
    short = "_short" if _short(ctx, rule) else ""
    dims = [d for d in rec.get("score", {}).get("dimensions", []) if (d.get("score") or {}).get("value") is not None]
    rows = [i for i in rec.get("indicators", []) if (i.get("score") or {}).get("value") is not None]
    if total and not dims and not rows:
        yield ctx.finding(
            rule,
            "no_breakdown" + short,
            msg={"total": fmt(dec(total["value"]))},
            evidence=[evidence_of(total), evidence_of(ctx.fact("score", "grade"))],
            stated=total["value"],
            facts={"dimensions": len(rec.get("score", {}).get("dimensions", [])), "indicators": len(rec.get("indicators", []))},
        )
    if rec.get("meta", {}).get("kind") not in _REPORTS:
        return
    budget = ctx.fact("budget", "full_year") or ctx.fact("budget", "initial")
    spent = ctx.fact("budget", "spent")
    missing = [label for label, fact in (("全年预算数", budget), ("全年执行数", spent)) if not fact]
    if missing:
        yield ctx.finding(
            rule,
            "no_budget" + short,
            msg={"missing": "、".join(missing)},
            evidence=[evidence_of(budget), evidence_of(spent), evidence_of(ctx.fact("budget", "execution_rate"))],
            facts={"missing": missing},
        )


@check("COMP-NO-TARGETS")
def no_targets(ctx: Context, rule: CheckRule):
    """The report says no performance targets were set: its indicators cannot have been scored against
    targets set at the start of the year."""
    r = narrative_rules()
    for b in ctx.doc.blocks if ctx.doc else []:
        m = r.rx["no_targets"].search(b.key or b.text)
        if m:
            a, e = trimmed(b.key or b.text, *enclosing(spans(b.key or b.text, r.rx["sentence_end"]), m.start()))
            yield ctx.finding(rule, "stated", msg={"sentence": b.text[a:e]}, evidence=[ev(b, a, e)], stated=b.text[a:e])
            return
