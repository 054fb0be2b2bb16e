"""The corpus checks of rulebook B.9 that a batch's records allow.

Reports are grouped by unit key and year (:mod:`pipeline.checks.across.names`); a project is matched by
its project key and year. Money is compared in yuan as Decimal; scores and rates as printed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import regex

from pipeline.checks.across import Batch, across
from pipeline.checks.across.names import project_key, unit_key
from pipeline.checks.base import CheckRule, Context, Finding, check
from pipeline.checks.numbers import dec

SELF_KINDS = ("self-report", "self-table")
REVIEW_KINDS = ("evaluation-report",)
DEPT_KINDS = ("dept-overall",)
OUTPUT, BENEFIT = ("产出",), ("效益",)

Found = Iterator[tuple[int, Finding, dict]]


def value(fact: object) -> Decimal | None:
    v = fact.get("value") if isinstance(fact, dict) else None
    if v is None or isinstance(v, bool):
        return None
    try:
        return dec(v)
    except (ArithmeticError, ValueError, TypeError):
        return None


def name(rec: dict) -> str:
    return Path(str(rec.get("file"))).name


def _fmt(d: Decimal, places: int = 2) -> str:
    q = d.quantize(Decimal(1).scaleb(-places))
    return format(q.normalize(), "f") if q == q.to_integral() else format(q, "f")


def _total(rec: dict) -> Decimal | None:
    return value((rec.get("score") or {}).get("total"))


def _kind(rec: dict) -> str | None:
    return (rec.get("meta") or {}).get("kind")


def _year(rec: dict) -> int | None:
    return (rec.get("meta") or {}).get("year")


def _budget(rec: dict) -> Decimal | None:
    b = rec.get("budget") or {}
    return value(b.get("full_year")) or value(b.get("initial"))


def _by_unit_year(batch: Batch, kinds: tuple[str, ...]) -> dict[tuple[str, int | None], list[int]]:
    groups: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for i in batch.counted:
        rec = batch.records[i]
        unit = unit_key(rec)
        if unit and _kind(rec) in kinds:
            groups[(unit, _year(rec))].append(i)
    return groups


def _evidence(fact: object) -> list[dict]:
    ev = fact.get("evidence") if isinstance(fact, dict) else None
    return [ev] if isinstance(ev, dict) else []


@across("CORPUS-ALL-FULL")
def all_full(batch: Batch, r: CheckRule) -> Found:
    full = dec(r.params["full"])
    for (unit, year), members in sorted(_by_unit_year(batch, SELF_KINDS).items(), key=str):
        scored = [i for i in members if _total(batch.records[i]) is not None]
        if len(scored) < int(r.params["min_reports"]) or len(scored) != len(members):
            continue
        if any(_total(batch.records[i]) != full for i in scored):
            continue
        files = [batch.records[i].get("file") for i in scored]
        msg = {"unit": batch.records[scored[0]]["meta"].get("unit") or unit, "year": year or "",
               "count": len(scored), "files": "、".join(Path(str(f)).name for f in files)}
        for i in scored:
            rec = batch.records[i]
            f = Context(rec, None).finding(r, "all_full", msg, _evidence(rec["score"]["total"]),
                                           stated=len(scored), facts={"unit": unit, "year": year})
            yield i, f, {"involves": [x for x in files if x != rec.get("file")]}


@across("CORPUS-SELF-VS-REVIEW")
def self_vs_review(batch: Batch, r: CheckRule) -> Found:
    reviews: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for i in batch.counted:
        rec = batch.records[i]
        if _kind(rec) in REVIEW_KINDS and project_key(rec) and _total(rec) is not None:
            reviews[(project_key(rec), _year(rec))].append(i)
    limit = dec(r.params["max_deviation"])
    for i in batch.counted:
        rec = batch.records[i]
        own = _total(rec)
        if _kind(rec) not in SELF_KINDS or not project_key(rec) or not own:
            continue
        for j in reviews.get((project_key(rec), _year(rec)), []):
            other = batch.records[j]
            theirs = _total(other)
            assert theirs is not None
            deviation = (own - theirs) / own * 100
            if abs(deviation) < limit:
                continue
            msg = {"self_score": _fmt(own), "review_file": name(other), "review_score": _fmt(theirs),
                   "deviation": _fmt(deviation, 1), "direction": "偏高" if deviation > 0 else "偏低"}
            f = Context(rec, None).finding(r, "deviation", msg, _evidence(rec["score"]["total"]),
                                           expected=theirs, stated=own, facts={"deviation": deviation})
            yield i, f, {"involves": [other.get("file")]}


def _unmet(ind: dict) -> tuple[Decimal, Decimal] | None:
    """(completion %, deduction share %) of an unmet, weighed and scored indicator."""
    completion, weight, score = value(ind.get("completion")), value(ind.get("weight")), value(ind.get("score"))
    if completion is None or weight is None or score is None or weight <= 0 or completion >= 100:
        return None
    if not Decimal(0) <= score <= weight:
        return None
    return completion, (weight - score) / weight * 100


@across("CORPUS-INCONSISTENT-DEDUCTION")
def inconsistent_deduction(batch: Batch, r: CheckRule) -> Found:
    spread, gap = dec(r.params["min_spread"]), dec(r.params["max_completion_gap"])
    by_class: dict[str, list[tuple[int, dict, Decimal, Decimal]]] = defaultdict(list)
    for i in batch.counted:
        for ind in batch.records[i].get("indicators") or []:
            got = _unmet(ind)
            if got and ind.get("level2"):
                by_class[ind["level2"]].append((i, ind, *got))
    reported: set[tuple[int, str]] = set()
    for level2, rows in sorted(by_class.items()):
        # the most and the least deducted of similar completions, in different reports
        rows.sort(key=lambda x: x[3])
        for lo in rows:
            for hi in reversed(rows):
                if hi[0] == lo[0] or hi[3] - lo[3] < spread or abs(hi[2] - lo[2]) > gap:
                    continue
                for own, other in ((lo, hi), (hi, lo)):
                    key = (own[0], own[1].get("name") or "")
                    if key in reported:
                        continue
                    reported.add(key)
                    rec, orec = batch.records[own[0]], batch.records[other[0]]
                    msg = {"name": own[1].get("name"), "level2": level2, "completion": _fmt(own[2], 1),
                           "share": _fmt(own[3], 0), "other_file": name(orec), "other_name": other[1].get("name"),
                           "other_completion": _fmt(other[2], 1), "other_share": _fmt(other[3], 0),
                           "spread": _fmt(abs(own[3] - other[3]), 0)}
                    ev = [own[1]["evidence"]] if isinstance(own[1].get("evidence"), dict) else []
                    f = Context(rec, None).finding(r, "spread", msg, ev, stated=own[3], expected=other[3])
                    yield own[0], f, {"involves": [orec.get("file")]}
                break


def _projects_of(batch: Batch) -> dict[tuple[str, int | None], list[int]]:
    return _by_unit_year(batch, SELF_KINDS + REVIEW_KINDS)


@across("CORPUS-SAMPLE-BIAS")
def sample_bias(batch: Batch, r: CheckRule) -> Found:
    projects = _projects_of(batch)
    for (unit, year), depts in sorted(_by_unit_year(batch, DEPT_KINDS).items(), key=str):
        sample = []
        for j in projects.get((unit, year), []):
            b = batch.records[j].get("budget") or {}
            budget, spent = _budget(batch.records[j]), value(b.get("spent"))
            if budget and spent is not None:
                sample.append((j, budget, spent))
        if len(sample) < int(r.params["min_projects"]):
            continue
        rate = sum(s for _, _, s in sample) / sum(b for _, b, _ in sample) * 100
        for i in depts:
            rec = batch.records[i]
            fact = (rec.get("budget") or {}).get("execution_rate")
            unit_rate = value(fact)
            if unit_rate is None or abs(unit_rate - rate) < dec(r.params["min_gap"]):
                continue
            msg = {"unit": rec["meta"].get("unit") or unit, "year": year or "", "unit_rate": _fmt(unit_rate),
                   "count": len(sample), "sample_rate": _fmt(rate), "gap": _fmt(abs(unit_rate - rate))}
            f = Context(rec, None).finding(r, "gap", msg, _evidence(fact), stated=unit_rate, expected=rate)
            yield i, f, {"involves": [batch.records[j].get("file") for j, _, _ in sample]}


@across("CORPUS-SUM-TIE")
def sum_tie(batch: Batch, r: CheckRule) -> Found:
    projects = _projects_of(batch)
    for (unit, year), depts in sorted(_by_unit_year(batch, DEPT_KINDS).items(), key=str):
        parts = [(j, _budget(batch.records[j])) for j in projects.get((unit, year), [])]
        parts = [(j, b) for j, b in parts if b is not None]
        if not parts:
            continue
        total_parts = sum(b for _, b in parts)
        for i in depts:
            rec = batch.records[i]
            total = _budget(rec)
            # the yuan of the last printed digit of 万元 with two decimals: rounding is no contradiction
            if total is None or total_parts <= total + 100 * len(parts):
                continue
            b = rec.get("budget") or {}
            fact = b.get("full_year") or b.get("initial")
            msg = {"unit": rec["meta"].get("unit") or unit, "year": year or "", "count": len(parts),
                   "parts": _fmt(total_parts / 10000), "total": _fmt(total / 10000)}
            f = Context(rec, None).finding(r, "exceeds", msg, _evidence(fact), stated=total, expected=total_parts)
            yield i, f, {"involves": [batch.records[j].get("file") for j, _ in parts]}


def _weight(ctx: Context, names: tuple[str, ...]) -> Decimal | None:
    found = [d for d in (ctx.record.get("score") or {}).get("dimensions") or [] if d.get("name") in names]
    return value(found[0].get("weight")) if found else None


@check("CORPUS-THIRD-PARTY-WEIGHTS")
def third_party_weights(ctx: Context, r: CheckRule) -> Iterator[Finding]:
    """Needs one report only, so it runs with the per-document checks."""
    meta = ctx.record.get("meta") or {}
    if meta.get("kind") not in REVIEW_KINDS + DEPT_KINDS:
        return
    if meta.get("kind") in DEPT_KINDS and regex.search(r.params["self_evaluation"], meta.get("title") or ""):
        return  # a department's own 自评 is no 部门评价 (财预〔2020〕10号 sets the 60% for evaluations)
    output, benefit = _weight(ctx, OUTPUT), _weight(ctx, BENEFIT)
    if output is None or benefit is None:
        return
    total = output + benefit
    if total >= dec(r.params["min_weight"]):
        return
    dims = {d.get("name"): d for d in (ctx.record.get("score") or {}).get("dimensions") or []}
    ev = _evidence(dims["产出"].get("weight")) + _evidence(dims["效益"].get("weight"))
    msg = {"total": _fmt(total), "output": _fmt(output), "benefit": _fmt(benefit)}
    yield ctx.finding(r, "low", msg, ev, stated=total, expected=dec(r.params["min_weight"]))
