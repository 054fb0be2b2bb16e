"""The report's own identity: the evaluated year stated one way in the title and another in the body."""

from __future__ import annotations

from pipeline.checks.base import CheckRule, Context, check
from pipeline.checks.narrative import ev
from pipeline.extract.meta import rules as meta_rules
from pipeline.extract.meta import title_blocks


def _spans(ctx: Context, years: set[int], titles: bool) -> list[dict]:
    """Where the given years stand: in the title lines, or in the body (plans and problems left out)."""
    if ctx.doc is None:
        return []
    r = meta_rules()
    heads = title_blocks(ctx.doc)
    ignore = set(r.year.ignore_tags)
    out = []
    for b in heads if titles else [b for b in ctx.doc.blocks if b not in heads and not set(b.tags) & ignore]:
        text = b.text  # the year patterns read digits; a Chinese-numeral year is left without a quote
        for name in ("evaluated", "title_year") if titles else ("evaluated",):
            hits = [m for m in r.rx[name].finditer(text) if int(m.group(1)) in years]
            out.extend(ev(b, m.start(), m.end()) for m in hits)
            if hits:
                break
    return out


@check("META-YEAR-CONFLICT")
def year_conflict(ctx: Context, rule: CheckRule):
    conflict = ctx.record.get("meta", {}).get("year_conflict") or {}
    if not conflict or "period" in conflict:
        return  # an evaluation of several years names a period: not a contradiction
    body = {int(y): n for y, n in (conflict.get("body") or {}).items()}
    captions = set(conflict.get("captions") or [])
    stated = "；".join(f"正文{y}年度{n}处" for y, n in sorted(body.items()))
    if captions:
        stated += "；表格或附表标题为" + "、".join(f"{y}年度" for y in sorted(captions))
    if conflict.get("scope"):
        stated += "；正文所述评价对象为" + "、".join(f"{y}年度" for y in conflict["scope"])
    if "title" in conflict:
        title = conflict["title"]
        others = {y for y in body if y != title} | (captions - {title}) | set(conflict.get("scope") or [])
        yield ctx.finding(
            rule,
            "title",
            msg={"title": title, "body": stated},
            evidence=_spans(ctx, {title}, True)[:2] + _spans(ctx, others, False)[:4],
            expected=None,
            stated={"title": title, "body": body, "captions": sorted(captions)},
            facts={"year_conflict": conflict},
        )
    elif body:
        yield ctx.finding(
            rule,
            "body",
            msg={"body": stated},
            evidence=_spans(ctx, set(body), False)[:4],
            stated={"body": body},
            facts={"year_conflict": conflict},
        )
