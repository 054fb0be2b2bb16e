"""Row-level arithmetic and scoring (rulebook B.1-4, B.1-7, B.1-8, B.2-13, B.2-15, B.2-17): weights adding up
to the full marks, rates of a whole within 100%, shares of a partition adding up to 100%, qualitative scores
within their level's interval, scores on rows with no actual, and totals re-based over 不适用 rows.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import regex

from pipeline.checks.arithmetic import full_marks, points
from pipeline.checks.base import CheckRule, Context, check, evidence_of
from pipeline.checks.indicators import quoted, unit_word
from pipeline.checks.numbers import Printed, dec, fmt
from pipeline.quantity import find_quantities

_SPACE = regex.compile(r"\s")
_SENTENCE = regex.compile(r"[^。；;！!？?\n]+")
# Every percentage the quantity rules read is printed with one of these (%, ％, ﹪, ‰, 百分之, 百分比)
_PERCENT_MARK = regex.compile(r"[%％﹪‰百]")


def _bare(text: str | None) -> str:
    return _SPACE.sub("", text or "")


def _level1_restarts(inds: list[dict]) -> bool:
    """Rows whose 一级 names come back after another (产出 … 满意度, 产出 …): two tables read as one."""
    seen: list[str] = []
    for ind in inds:
        level1 = ind.get("level1")
        if not level1:
            continue
        if seen and level1 != seen[-1] and level1 in seen:
            return True
        if not seen or level1 != seen[-1]:
            seen.append(level1)
    return False


# -- ARITH-WEIGHT-100 ----------------------------------------------------------------------------------------

@check("ARITH-WEIGHT-100")
def weight_total(ctx: Context, rule: CheckRule):
    """Σ indicator weights + the 预算执行率 weight, and Σ 一级 weights, against the full marks."""
    limit = full_marks(ctx, rule)
    inds = ctx.record.get("indicators", [])
    exec_dim = ctx.dimension("预算执行率")
    exec_w = points((exec_dim or {}).get("weight"))
    weights = [points(i.get("weight")) for i in inds]
    if (
        len(inds) >= rule.params["min_rows"]
        and exec_w is not None
        # a 预算执行率 分值 of half the full marks or more is the form's total typed into the funds row
        and exec_w.value < limit * dec(rule.params["max_exec_share"])
        and all(w is not None for w in weights)
        and not ctx.record.get("other_projects")
        and not _level1_restarts(inds)
    ):
        s = exec_w.value + sum((w.value for w in weights), Decimal(0))
        level1 = {i.get("level1") or "" for i in inds}
        whole = all(any(l.startswith(n) for l in level1) for n in rule.params["short_needs_level1"])
        if s - limit > dec(rule.params["tolerance"]) or (whole and limit - s > dec(rule.params["tolerance"])):
            yield ctx.finding(
                rule,
                "indicators_over" if s > limit else "indicators_short",
                msg={"weight": fmt(exec_w.value), "parts": "＋".join(fmt(w.value) for w in weights), "sum": fmt(s), "full": fmt(limit), "diff": fmt(abs(s - limit))},
                evidence=[evidence_of(exec_dim.get("weight"))] + [evidence_of(i.get("weight")) for i in inds],
                expected=limit,
                stated=s,
                facts={"rows": {i["name"]: w.value for i, w in zip(inds, weights)}, "exec_weight": exec_w.value},
            )
    yield from _dimension_weights(ctx, rule, limit)


def _dimension_weights(ctx: Context, rule: CheckRule, limit: Decimal):
    dims = ctx.record.get("score", {}).get("dimensions", [])
    names = [d["name"] for d in dims]
    framework = ctx.record.get("score", {}).get("framework")
    four = framework == "four-dimension" and len(dims) == 4
    table = sorted(names) == sorted(rule.params["self_table_dimensions"])
    if not (four or table) or any(points(d.get("weight")) is None for d in dims):
        return
    weights = [points(d["weight"]) for d in dims]
    s = sum((w.value for w in weights), Decimal(0))
    if abs(s - limit) <= dec(rule.params["tolerance"]):
        return
    yield ctx.finding(
        rule,
        "dimensions",
        msg={"parts": "＋".join(f"{d['name']}{fmt(w.value)}" for d, w in zip(dims, weights)), "sum": fmt(s), "full": fmt(limit), "diff": fmt(abs(s - limit))},
        evidence=[evidence_of(d.get("weight")) for d in dims],
        expected=limit,
        stated=s,
        facts={"dimensions": {d["name"]: w.value for d, w in zip(dims, weights)}},
    )


# -- ARITH-RATE-BOUNDS ---------------------------------------------------------------------------------------

@check("ARITH-RATE-BOUNDS")
def rate_bounds(ctx: Context, rule: CheckRule):
    """A rate of a whole (合格率, 满意度, 覆盖率 …) whose actual is above 100%."""
    for ind in ctx.record.get("indicators", []):
        name = _bare(ind.get("name"))
        actual, target = ind.get("actual") or {}, ind.get("target") or {}
        if not name.endswith(tuple(rule.params["suffixes"])) or any(w in name for w in rule.params["exclude_words"]):
            continue
        if actual.get("value") is None or actual.get("qualitative") or actual.get("op") not in (None, "="):
            continue
        a_unit = unit_word(actual)
        t_percent = target.get("kind") == "percent" or unit_word(target) == "%"
        if not (a_unit == "%" or (not a_unit and t_percent)):
            continue
        value = Printed.of_fact({"value": actual["value"], "text": actual.get("text")})
        if value is None or value.lo <= 100:
            continue
        yield ctx.finding(
            rule,
            "actual",
            msg={"name": ind["name"], "actual": quoted(actual), "target": quoted(target)},
            evidence=[ind.get("evidence"), evidence_of(ind.get("score"))],
            expected=Decimal(100),
            stated=value.value,
            facts={"indicator": ind["name"]},
        )


# -- SCORE-QUAL-BAND -----------------------------------------------------------------------------------------

@check("SCORE-QUAL-BAND")
def qual_band(ctx: Context, rule: CheckRule):
    """A 定性 row whose actual is one of the three official levels, scored outside that level's interval
    of its weight (A.6: 80%(含)–100%, 60%(含)–80%, 0–60%)."""
    levels = sorted(rule.params["levels"], key=lambda lv: -len(lv["text"]))
    tol = dec(rule.params["tolerance"])
    for ind in ctx.record.get("indicators", []):
        text = regex.sub(r"^[≥≤=＝═:：]+", "", _bare(quoted(ind.get("actual"))))
        level = next((lv for lv in levels if text.startswith(lv["text"])), None)
        score, weight = points(ind.get("score")), points(ind.get("weight"))
        if level is None or score is None or weight is None or weight.value <= 0:
            continue
        lo, hi = dec(level["min"]) * weight.value, dec(level["max"]) * weight.value
        top = dec(level["max"]) >= 1
        below = score.value < lo - tol
        above = score.value > hi + tol if top else score.value >= hi
        if not (below or above):
            continue
        interval = f"{fmt(dec(level['min']) * 100)}%{'(含)' if dec(level['min']) > 0 else ''}–{fmt(dec(level['max']) * 100)}%"
        yield ctx.finding(
            rule,
            "outside",
            msg={"name": ind["name"], "level": level["text"], "interval": interval, "weight": fmt(weight.value), "lo": fmt(lo), "hi": fmt(hi), "stated": fmt(score.value)},
            evidence=[ind.get("evidence"), evidence_of(ind.get("score")), evidence_of(ind.get("weight"))],
            expected=[lo, hi],
            stated=score.value,
            facts={"indicator": ind["name"], "level": level["text"]},
        )


# -- SCORE-MISSING-ACTUAL ------------------------------------------------------------------------------------

@check("SCORE-MISSING-ACTUAL")
def missing_actual(ctx: Context, rule: CheckRule):
    """A row scored above zero whose 实际完成值 is a dash or a slash: nothing shows what was done."""
    for ind in ctx.record.get("indicators", []):
        actual = ind.get("actual")
        score = points(ind.get("score"))
        if actual is None or score is None or score.value <= 0:
            continue
        if _bare(actual.get("text")) not in rule.params["empty_values"]:
            continue
        yield ctx.finding(
            rule,
            "empty",
            msg={"name": ind["name"], "target": quoted(ind.get("target")), "actual": _bare(actual.get("text")) or "空白", "stated": fmt(score.value)},
            evidence=[ind.get("evidence"), evidence_of(ind.get("score"))],
            expected=Decimal(0),
            stated=score.value,
            facts={"indicator": ind["name"]},
        )


# -- SCORE-NA-REBASE -----------------------------------------------------------------------------------------

def _not_applicable(ind: dict, words: list[str]) -> bool:
    return any(_bare(quoted(ind.get(k))) in words for k in ("actual", "target", "score"))


@check("SCORE-NA-REBASE")
def na_rebase(ctx: Context, rule: CheckRule):
    """Rows marked 不适用: the total should be Σ applicable scores ÷ Σ applicable weights × full marks."""
    words = rule.params["na_words"]
    inds = ctx.record.get("indicators", [])
    na = [i for i in inds if _not_applicable(i, words)]
    total = points(ctx.fact("score", "total"))
    if not na or total is None:
        return
    rows = [i for i in inds if i not in na]
    exec_dim = ctx.dimension("预算执行率")
    parts = [(i.get("weight"), i.get("score")) for i in rows]
    if exec_dim:
        parts.append((exec_dim.get("weight"), exec_dim.get("score")))
    if len(rows) < 2 or any(points(w) is None or points(s) is None for w, s in parts):
        return
    limit = full_marks(ctx, rule)
    w_sum = sum((points(w).value for w, _ in parts), Decimal(0))
    s_sum = sum((points(s).value for _, s in parts), Decimal(0))
    if w_sum <= 0 or w_sum >= limit:
        return  # the applicable weights already make up the full marks: nothing to re-base
    expected = s_sum / w_sum * limit
    if abs(expected - total.value) <= dec(rule.params["tolerance"]) + total.half_ulp:
        return
    yield ctx.finding(
        rule,
        "not_rebased",
        msg={"rows": "、".join(f"“{i['name']}”" for i in na), "s_sum": fmt(s_sum), "w_sum": fmt(w_sum), "full": fmt(limit), "expected": fmt(expected), "stated": fmt(total.value)},
        evidence=[evidence_of(ctx.fact("score", "total"))] + [i.get("evidence") for i in na],
        expected=round(expected, 2),
        stated=total.value,
        facts={"not_applicable": [i["name"] for i in na], "applicable_weight": w_sum, "applicable_score": s_sum},
    )


# -- ARITH-NARRATIVE-PERCENTAGES -----------------------------------------------------------------------------

def _evidence(block, start: int, end: int) -> dict:
    s, e = block.norm.raw_span(start, end) if block.norm is not None else (start, end)
    return {"quote": block.raw[s:e], "page": block.page, "block": block.index, "start": s, "end": e}


@check("ARITH-NARRATIVE-PERCENTAGES")
def narrative_percentages(ctx: Context, rule: CheckRule):
    """The shares of one partition stated in one sentence ("满意占X%，基本满意占Y%，不满意占Z%") against 100%."""
    if ctx.doc is None:
        return
    groups = list(zip(rule.params["groups"], _group_patterns(tuple(tuple(g["words"]) for g in rule.params["groups"]))))
    window = rule.params["max_label_chars"]
    for block in ctx.doc.blocks:
        if block.kind == "table":
            continue
        key = block.key or block.text
        if not _PERCENT_MARK.search(key):
            continue  # no percentage in the block (most blocks)
        for sent in _SENTENCE.finditer(key):
            if not _PERCENT_MARK.search(sent.group(0)):
                continue  # no percentage in the sentence, no share (most sentences)
            if not any(sum(w in sent.group(0) for w in g["words"]) >= 2 for g in rule.params["groups"]):
                continue  # two categories of one group are needed for a partition: its figures are not read
            quantities = find_quantities(sent.group(0))
            for group, pattern in groups:
                found = _shares(key, sent.start(), sent.end(), pattern, window, quantities)
                if found is None:
                    continue
                shares, span = found
                if any(w in key[span[0] : span[1]] for w in rule.params["subset_words"]):
                    continue  # "满意95%，其中基本满意10%": nested, not a partition
                s = sum((p.value for _, p in shares), Decimal(0))
                slack = max(sum((p.half_ulp for _, p in shares), Decimal(0)), dec(rule.params["tolerance"]))
                complete = all(w in {c for c, _ in shares} for w in group["complete"])
                if s > 100 + slack or (complete and s < 100 - slack):
                    yield ctx.finding(
                        rule,
                        "sum",
                        msg={"parts": "、".join(f"{c}{fmt(p.value)}%" for c, p in shares), "sum": fmt(s) + "%", "diff": fmt(abs(s - 100))},
                        evidence=[_evidence(block, *span)],
                        expected=Decimal(100),
                        stated=s,
                        facts={"group": group["name"], "shares": {c: p.value for c, p in shares}},
                    )


@lru_cache(maxsize=16)
def _group_patterns(groups: tuple[tuple[str, ...], ...]) -> list[regex.Pattern]:
    """Each group's category words (the longest first), not followed by 度 or 率; compiled once per catalogue."""
    return [regex.compile("(?:" + "|".join(sorted(map(regex.escape, words), key=len, reverse=True)) + ")(?![度率])") for words in groups]


def _shares(text: str, start: int, end: int, pattern: regex.Pattern, window: int, quantities: list):
    """(category, share) for each percentage of the sentence led by a category word of the group, when at
    least two distinct categories are given once each; and the span they cover."""
    sentence = text[start:end]
    shares, prev, first, last = [], 0, None, None
    for q in quantities:
        window_text = sentence[max(prev, q.start - window) : q.start]
        window_start = q.start - len(window_text)
        prev = q.end
        if q.kind != "percent" or q.value is None or q.op not in (None, "="):
            continue
        words = list(pattern.finditer(window_text))
        if not words:
            continue
        shares.append((words[0].group(0), Printed.of_fact({"value": q.value, "text": q.text})))
        if first is None:
            first = start + window_start + words[0].start()
        last = start + q.end
    cats = [c for c, _ in shares]
    if len(set(cats)) < 2 or len(set(cats)) != len(cats):
        return None
    return shares, (first, last)
