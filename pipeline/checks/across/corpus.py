"""The corpus checks of rulebook B.9 that a batch's records allow.

Reports are grouped by unit key and year (:mod:`pipeline.checks.across.names`); a project is matched by
its project key and year. Money is compared in yuan as Decimal; scores and rates as printed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import regex

from pipeline.checks.across import Batch, across, collect
from pipeline.checks.across.names import project_key, unit_key
from pipeline.checks.base import CheckRule, Context, Finding, check
from pipeline.checks.numbers import dec

SELF_KINDS = ("self-report", "self-table")
REVIEW_KINDS = ("evaluation-report",)
DEPT_KINDS = ("dept-overall",)
OUTPUT, BENEFIT = ("产出",), ("效益",)

Found = Iterator[tuple[int, Finding, dict]]


def value(fact: object) -> Decimal | None:
    return number(fact.get("value") if isinstance(fact, dict) else None)


def number(v: object) -> Decimal | None:
    """A fact's JSON value as Decimal (None for none, a boolean or no number)."""
    if v is None or isinstance(v, bool):
        return None
    try:
        return dec(v)
    except (ArithmeticError, ValueError, TypeError):
        return None


def name(rec: dict | Report) -> str:
    return Path(str(rec.get("file") if isinstance(rec, dict) else rec.file)).name


def _fmt(d: Decimal, places: int = 2) -> str:
    q = d.quantize(Decimal(1).scaleb(-places))
    return format(q.normalize(), "f") if q == q.to_integral() else format(q, "f")


class Report(NamedTuple):
    """What the corpus checks compare of one counted report; its record is read again for a finding.
    Facts are kept as their JSON values (a number object is a quarter of a Decimal) and read by
    :func:`number` when compared."""

    file: str
    unit: str | None  # unit_key
    year: object
    kind: str | None
    project: str | None  # project_key
    total: object
    budget: object  # the full year's budget, else the initial one (as a unit's projects are summed)
    spent: object
    rate: object  # the stated execution rate
    unmet: tuple  # (indicator index, name, level2, completion %, deduction share %) of unmet indicators


@collect("CORPUS-ALL-FULL", "CORPUS-SELF-VS-REVIEW", "CORPUS-INCONSISTENT-DEDUCTION", "CORPUS-SAMPLE-BIAS",
         "CORPUS-SUM-TIE")
def _keep(batch: Batch, i: int, rec: dict) -> None:
    """Each counted report as the corpus checks compare it (:class:`Report`), if any check can use it."""
    meta = rec.get("meta") or {}
    kind = meta.get("kind")
    unmet = tuple(
        (j, ind.get("name"), ind["level2"], *got)
        for j, ind in enumerate(rec.get("indicators") or [])
        if (got := _unmet(ind)) and ind.get("level2")
    )
    names = batch.shared.setdefault("corpus names", {})  # one string for each unit and project key
    unit, project = unit_key(rec), project_key(rec)
    unit, project = names.setdefault(unit, unit), names.setdefault(project, project)
    if not ((unit and kind in SELF_KINDS + REVIEW_KINDS + DEPT_KINDS) or (project and kind in SELF_KINDS + REVIEW_KINDS)
            or unmet):
        return
    b = rec.get("budget") or {}
    raw = lambda fact: fact.get("value") if isinstance(fact, dict) else None  # noqa: E731
    budget = raw(b.get("full_year")) if value(b.get("full_year")) else raw(b.get("initial"))
    total = raw((rec.get("score") or {}).get("total"))
    batch.shared.setdefault("corpus", {})[i] = Report(
        rec.get("file"), unit, meta.get("year"), kind, project, total, budget, raw(b.get("spent")),
        raw(b.get("execution_rate")), unmet)


def _reports(batch: Batch) -> dict[int, Report]:
    return batch.shared.get("corpus", {})


def _by_unit_year(batch: Batch, kinds: tuple[str, ...]) -> dict[tuple[str, object], list[int]]:
    groups: dict[tuple[str, object], list[int]] = defaultdict(list)
    for i, rep in _reports(batch).items():
        if rep.unit and rep.kind in kinds:
            groups[(rep.unit, rep.year)].append(i)
    return groups


def _evidence(fact: object) -> list[dict]:
    ev = fact.get("evidence") if isinstance(fact, dict) else None
    return [ev] if isinstance(ev, dict) else []


@across("CORPUS-ALL-FULL")
def all_full(batch: Batch, r: CheckRule) -> Found:
    full = dec(r.params["full"])
    reports = _reports(batch)
    for (unit, year), members in sorted(_by_unit_year(batch, SELF_KINDS).items(), key=str):
        scored = [i for i in members if number(reports[i].total) is not None]
        if len(scored) < int(r.params["min_reports"]) or len(scored) != len(members):
            continue
        if any(number(reports[i].total) != full for i in scored):
            continue
        files = [reports[i].file for i in scored]
        msg = {"unit": batch.read(scored[0])["meta"].get("unit") or unit, "year": year or "",
               "count": len(scored), "files": "、".join(Path(str(f)).name for f in files)}
        for i, rec in batch.records(scored):
            f = Context(rec, None).finding(r, "all_full", msg, _evidence(rec["score"]["total"]),
                                           stated=len(scored), facts={"unit": unit, "year": year})
            yield i, f, {"involves": [x for x in files if x != rec.get("file")]}


@across("CORPUS-SELF-VS-REVIEW")
def self_vs_review(batch: Batch, r: CheckRule) -> Found:
    reports = _reports(batch)
    reviews: dict[tuple[str, object], list[int]] = defaultdict(list)
    for i, rep in reports.items():
        if rep.kind in REVIEW_KINDS and rep.project and number(rep.total) is not None:
            reviews[(rep.project, rep.year)].append(i)
    limit = dec(r.params["max_deviation"])
    for i, rep in reports.items():
        own = number(rep.total)
        if rep.kind not in SELF_KINDS or not rep.project or not own:
            continue
        for j in reviews.get((rep.project, rep.year), []):
            other = reports[j]
            theirs = number(other.total)
            assert theirs is not None
            deviation = (own - theirs) / own * 100
            if abs(deviation) < limit:
                continue
            rec = batch.read(i)
            msg = {"self_score": _fmt(own), "review_file": name(other), "review_score": _fmt(theirs),
                   "deviation": _fmt(deviation, 1), "direction": "偏高" if deviation > 0 else "偏低"}
            f = Context(rec, None).finding(r, "deviation", msg, _evidence(rec["score"]["total"]),
                                           expected=theirs, stated=own, facts={"deviation": deviation})
            yield i, f, {"involves": [other.file]}


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
    reports = _reports(batch)
    # (report, indicator index, indicator name, completion, share) by the indicator's class
    by_class: dict[str, list[tuple[int, int, str | None, Decimal, Decimal]]] = defaultdict(list)
    for i, rep in reports.items():
        for j, ind_name, level2, completion, share in rep.unmet:
            by_class[level2].append((i, j, ind_name, completion, share))
    reported: set[tuple[int, str]] = set()
    for level2, rows in sorted(by_class.items()):
        # the most and the least deducted of similar completions, in different reports
        rows.sort(key=lambda x: x[4])
        for lo in rows:
            for hi in reversed(rows):
                if hi[0] == lo[0] or hi[4] - lo[4] < spread or abs(hi[3] - lo[3]) > gap:
                    continue
                for own, other in ((lo, hi), (hi, lo)):
                    key = (own[0], own[2] or "")
                    if key in reported:
                        continue
                    reported.add(key)
                    rec = batch.read(own[0])
                    ind = rec["indicators"][own[1]]
                    msg = {"name": own[2], "level2": level2, "completion": _fmt(own[3], 1),
                           "share": _fmt(own[4], 0), "other_file": name(reports[other[0]]), "other_name": other[2],
                           "other_completion": _fmt(other[3], 1), "other_share": _fmt(other[4], 0),
                           "spread": _fmt(abs(own[4] - other[4]), 0)}
                    ev = [ind["evidence"]] if isinstance(ind.get("evidence"), dict) else []
                    f = Context(rec, None).finding(r, "spread", msg, ev, stated=own[4], expected=other[4])
                    yield own[0], f, {"involves": [reports[other[0]].file]}
                break


def _projects_of(batch: Batch) -> dict[tuple[str, object], list[int]]:
    return _by_unit_year(batch, SELF_KINDS + REVIEW_KINDS)


@across("CORPUS-SAMPLE-BIAS")
def sample_bias(batch: Batch, r: CheckRule) -> Found:
    reports = _reports(batch)
    projects = _projects_of(batch)
    for (unit, year), depts in sorted(_by_unit_year(batch, DEPT_KINDS).items(), key=str):
        sample = []
        for j in projects.get((unit, year), []):
            budget, spent = number(reports[j].budget), number(reports[j].spent)
            if budget and spent is not None:
                sample.append((j, budget, spent))
        if len(sample) < int(r.params["min_projects"]):
            continue
        rate = sum(s for _, _, s in sample) / sum(b for _, b, _ in sample) * 100
        for i in depts:
            unit_rate = number(reports[i].rate)
            if unit_rate is None or abs(unit_rate - rate) < dec(r.params["min_gap"]):
                continue
            rec = batch.read(i)
            fact = (rec.get("budget") or {}).get("execution_rate")
            msg = {"unit": rec["meta"].get("unit") or unit, "year": year or "", "unit_rate": _fmt(unit_rate),
                   "count": len(sample), "sample_rate": _fmt(rate), "gap": _fmt(abs(unit_rate - rate))}
            f = Context(rec, None).finding(r, "gap", msg, _evidence(fact), stated=unit_rate, expected=rate)
            yield i, f, {"involves": [reports[j].file for j, _, _ in sample]}


@across("CORPUS-SUM-TIE")
def sum_tie(batch: Batch, r: CheckRule) -> Found:
    reports = _reports(batch)
    projects = _projects_of(batch)
    for (unit, year), depts in sorted(_by_unit_year(batch, DEPT_KINDS).items(), key=str):
        parts = [(j, number(reports[j].budget)) for j in projects.get((unit, year), [])]
        parts = [(j, b) for j, b in parts if b is not None]
        if not parts:
            continue
        total_parts = sum(b for _, b in parts)
        for i in depts:
            total = number(reports[i].budget)
            # the yuan of the last printed digit of 万元 with two decimals: rounding is no contradiction
            if total is None or total_parts <= total + 100 * len(parts):
                continue
            rec = batch.read(i)
            b = rec.get("budget") or {}
            fact = b.get("full_year") or b.get("initial")
            msg = {"unit": rec["meta"].get("unit") or unit, "year": year or "", "count": len(parts),
                   "parts": _fmt(total_parts / 10000), "total": _fmt(total / 10000)}
            f = Context(rec, None).finding(r, "exceeds", msg, _evidence(fact), stated=total, expected=total_parts)
            yield i, f, {"involves": [reports[j].file for j, _ in parts]}


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
