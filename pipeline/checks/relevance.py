"""Indicators that do not belong where they stand: another sector's indicator, or a 二级 that does not fit."""

from __future__ import annotations

import regex

from pipeline.checks.base import CheckRule, Context, check
from pipeline.checks.copy import report_sectors
from pipeline.checks.copy import rules as topic_rules
from pipeline.normalize import fold_script


@check("IND-RELEVANCE")
def relevance(ctx: Context, rule: CheckRule):
    """An indicator naming a sector the report is not about (G3 标准2: 指标设置跟项目无关)."""
    if ctx.doc is None or not ctx.record.get("indicators"):
        return
    r = topic_rules()
    mine = report_sectors(ctx, r)[2]
    if not mine:
        return  # nothing says what the report is about: nothing is foreign to it
    names, words = r.word_filter
    for ind in ctx.record["indicators"]:
        # Only the specific topics (食品安全, 民族团结, 治理面积 …) mark a foreign indicator: beneficiary groups
        # such as 儿童 or 老年人 belong to many sectors' indicators.
        name = fold_script(ind["name"])
        may = {names[i] for i in words.candidates(name)}  # the topics whose words the name holds
        theirs = {h for t in r.topics if "topic:" + t.id in may and r.rx["topic:" + t.id].search(name) for h in t.home}
        if theirs and not theirs & mine:
            yield ctx.finding(
                rule,
                "foreign",
                msg={"name": ind["name"], "sectors": "、".join(sorted(theirs)), "own": "、".join(sorted(mine))},
                evidence=[ind.get("evidence")],
                stated=ind["name"],
                facts={"indicator_sectors": sorted(theirs), "report_sectors": sorted(mine)},
            )


@check("IND-MISMATCHED-LEVELS")
def mismatched_levels(ctx: Context, rule: CheckRule):
    """A 三级 indicator whose wording belongs to another 二级: 时效 wording under 质量, 质量 wording under 时效."""
    words: dict[str, str] = rule.params.get("words", {})
    for ind in ctx.record.get("indicators", []):
        level2 = ind.get("level2")
        if not level2 or level2 not in words:
            continue
        for other, pattern in words.items():
            if other == level2 or not regex.search(pattern, ind["name"]):
                continue
            if regex.search(words[level2], ind["name"]):
                break  # its wording fits its own 二级 too
            yield ctx.finding(
                rule,
                "level",
                msg={"name": ind["name"], "level2": level2, "other": other},
                evidence=[ind.get("evidence")],
                stated=level2,
                expected=other,
            )
            break
