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


# compiled once (asked of every indicator's values; the regex module's cache lookup is no cheaper than the sub)
_NOT_WORDS = regex.compile(r"[\s|═=＝﹦≥≤≧≦><＞＜]")
_SPACE = regex.compile(r"\s")


def _bare(text: str | None) -> str:
    """A value without comparators, borders and spaces, for comparing words."""
    return _NOT_WORDS.sub("", text or "")


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


# -- shared by the B.5 table checks below ---------------------------------------------------------------------

def squeeze(text: str | None) -> str:
    """The text without its whitespace (cells wrapped or spaced out by a flattening)."""
    return _SPACE.sub("", text or "")


def _level1_rank(level1: str | None) -> int | None:
    for rank, word in enumerate(("产出", "效益", "满意")):
        if word in (level1 or ""):
            return rank
    return None


def segments(inds: list[dict]) -> list[list[dict]]:
    """The rows cut into the tables they came from: a new table starts when the extraction rule changes
    or the 一级 names go back (产出 … 满意度, 产出 …: a second project's form in the same file)."""
    out: list[list[dict]] = []
    last_rank: int | None = None
    last_rule = object()
    for ind in inds:
        rank = _level1_rank(ind.get("level1"))
        if not out or ind.get("rule") != last_rule or (rank is not None and last_rank is not None and rank < last_rank):
            out.append([])
            last_rank = None
        out[-1].append(ind)
        last_rule = ind.get("rule")
        last_rank = rank if rank is not None else last_rank
    return out


def _is_full(ind: dict) -> bool:
    score, weight = Printed.of_fact(ind.get("score")), Printed.of_fact(ind.get("weight"))
    return score is not None and weight is not None and weight.value > 0 and score.value == weight.value


def _has_level2(ind: dict, words) -> bool:
    return any(w in (ind.get("level2") or "") for w in words)


# -- IND-DUPLICATE (B.5-31) -----------------------------------------------------------------------------------

_LEVEL1 = regex.compile(r"^[\s|]*(产出指标|效益指标|满意度指标)")


def _row_text(ctx: Context, mention: dict) -> str:
    """The line a mention stands in (a table printed one row per line quotes only from the name on)."""
    b = mention.get("block")
    if ctx.doc is not None and b is not None and 0 <= b < len(ctx.doc.blocks):
        return ctx.doc.blocks[b].text
    return mention.get("quote") or ""


def _table_twin(ctx: Context, ind: dict, mention: dict, params: dict) -> bool:
    """A further mention of a table row's name that is another row of the same table: in the same table
    block, or (a table printed one row per line) a nearby line that starts with 指标 cells."""
    ev = ind.get("evidence") or {}
    if not (ind.get("rule") or "").startswith("tables") or mention.get("block") is None or ev.get("block") is None:
        return False
    if mention["block"] == ev["block"]:
        return mention.get("start") != ev.get("start")
    near = abs(mention["block"] - ev["block"]) <= params["max_row_gap"]
    return near and bool(regex.match(r"^[\s|]*\S{0,8}指标[\s|]", _row_text(ctx, mention)))


@check("IND-DUPLICATE")
def duplicate(ctx: Context, rule: CheckRule):
    """The same 三级 indicator twice in one table: counted, weighted and scored twice. Extraction keeps one
    row per name and the other as a mention; a prose mention of a table row, or a row of another project's
    form elsewhere in the file, is not a second row of the same table."""
    for ind in ctx.record.get("indicators", []):
        if len(squeeze(ind.get("name"))) < rule.params["min_name_chars"]:
            continue
        for m in ind.get("mentions") or []:
            if not _table_twin(ctx, ind, m, rule.params):
                continue
            other = _LEVEL1.match(m.get("quote") or "") or _LEVEL1.match(_row_text(ctx, m))
            level1, second = ind.get("level1") or "", other.group(1) if other else ""
            across = bool(level1 and second and not level1.startswith(second[:2]))
            yield ctx.finding(
                rule,
                "across_levels" if across else "same_level",
                msg={"name": ind["name"], "first": level1 or "同一一级指标", "second": second or level1},
                evidence=[ind.get("evidence"), m],
                facts={"indicator": ind["name"], "level1": [level1 or None, second or None]},
            )
            break


# -- IND-MISSING-TYPE (B.5-32) --------------------------------------------------------------------------------

@check("IND-MISSING-TYPE")
def missing_type(ctx: Context, rule: CheckRule):
    """A self-evaluation table without a 数量 row, without a 质量 or 时效 row, or without a 满意度 row (and
    no note that its weight was moved to other indicators)."""
    framework = ctx.record.get("score", {}).get("framework")
    kind = ctx.record.get("meta", {}).get("kind")
    inds = ctx.record.get("indicators", [])
    if not (framework == "national-self-table" or kind == "self-table"):
        return
    if len(inds) < rule.params["min_rows"] or not all(i.get("level2") for i in inds):
        return  # a row without its 二级 name could be any type
    text = ctx.doc.text if ctx.doc else ""
    missing = []
    if not any(_has_level2(i, rule.params["quantity_words"]) for i in inds):
        missing.append("数量指标")
    if not any(_has_level2(i, rule.params["quality_words"]) for i in inds):
        missing.append("质量指标或时效指标")
    satisfied = any("满意" in (i.get("level1") or "") + (i.get("level2") or "") + (i.get("name") or "") for i in inds)
    if not satisfied and not regex.search(rule.params["reweighting_pattern"], squeeze(text)):
        missing.append("满意度指标")
    if not missing:
        return
    yield ctx.finding(
        rule,
        "missing",
        msg={"missing": "、".join(missing), "count": len(inds)},
        evidence=[inds[0].get("evidence")],
        facts={"missing": missing},
    )


# -- COPY-TARGET-EQUALS-ACTUAL-TEXT (B.8-52) ------------------------------------------------------------------

def _qualitative(q: dict | None) -> bool:
    q = q or {}
    return bool(q.get("qualitative")) or q.get("kind") == "qualitative"


@check("COPY-TARGET-EQUALS-ACTUAL-TEXT")
def target_equals_actual_text(ctx: Context, rule: CheckRule):
    """Several qualitative rows whose actual repeats the target word for word: the form copied, not measured."""
    hits = []
    for ind in ctx.record.get("indicators", []):
        target, actual = ind.get("target") or {}, ind.get("actual") or {}
        if not (_qualitative(target) and _qualitative(actual)):
            continue
        t = _bare(target.get("text"))
        if len(t) >= rule.params["min_chars"] and not regex.search(r"\d", t) and t == _bare(actual.get("text")):
            hits.append(ind)
    if len(hits) < rule.params["min_count"]:
        return
    yield ctx.finding(
        rule,
        "copied",
        msg={"count": len(hits), "names": "、".join(f"{i['name']}（{_bare(i['target'].get('text'))}）" for i in hits)},
        evidence=[i.get("evidence") for i in hits],
        stated=len(hits),
        facts={"indicators": [i["name"] for i in hits]},
    )


# -- IND-QUALITY-VS-QUANTITY (B.5-37) -------------------------------------------------------------------------

@check("IND-QUALITY-VS-QUANTITY")
def quality_vs_quantity(ctx: Context, rule: CheckRule):
    """A 质量 row failed (scored 0, or not yet accepted) while a 数量 row of the same table scored full:
    output that did not pass its quality check should not count in full."""
    for seg in segments(ctx.record.get("indicators", [])):
        full = [i for i in seg if _has_level2(i, rule.params["quantity_words"]) and _is_full(i)]
        if not full:
            continue
        for ind in seg:
            if not _has_level2(ind, rule.params["quality_words"]):
                continue
            score = Printed.of_fact(ind.get("score"))
            actual = squeeze(quoted(ind.get("actual")))
            zero = score is not None and score.value == 0
            unaccepted = any(w in actual for w in rule.params["unaccepted_words"])
            if not (zero or unaccepted):
                continue
            yield ctx.finding(
                rule,
                "failed",
                msg={
                    "name": ind["name"],
                    "actual": quoted(ind.get("actual")),
                    "score": fmt(score.value) if score else "—",
                    "quantity": "、".join(f"{i['name']}（{fmt(Printed.of_fact(i['score']).value)}分）" for i in full),
                },
                evidence=[ind.get("evidence"), *(i.get("evidence") for i in full)],
                facts={"indicator": ind["name"], "quantity_rows": [i["name"] for i in full]},
            )


# -- IND-HOLLOW-QUANT (B.5-34) --------------------------------------------------------------------------------

@check("IND-HOLLOW-QUANT")
def hollow_quant(ctx: Context, rule: CheckRule):
    """An 效益 row with a numeric target ("≥95%") answered by words ("社会效益明显"): the target is not
    measured."""
    for ind in ctx.record.get("indicators", []):
        if not any(w in (ind.get("level1") or "") + (ind.get("level2") or "") for w in rule.params["level_words"]):
            continue
        target, actual = ind.get("target") or {}, ind.get("actual") or {}
        if target.get("value") is None or _qualitative(target) or target.get("kind") not in rule.params["target_kinds"]:
            continue
        text = squeeze(actual.get("text"))
        if actual.get("value") is not None or regex.search(r"\d", text) or not text:
            continue
        if not (_qualitative(actual) or any(w in text for w in rule.params["hollow_words"])):
            continue
        yield ctx.finding(
            rule,
            "hollow",
            msg={"name": ind["name"], "target": quoted(target), "actual": quoted(actual)},
            evidence=[ind.get("evidence")],
            facts={"indicator": ind["name"]},
        )


# -- IND-TIMELINESS-DATE (B.5-36) -----------------------------------------------------------------------------

_DATE = regex.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?")


def _date(text: str | None, deadline: bool) -> tuple[int, int, int] | None:
    """(year, month, day) of the first date in a text; a month without a day is its last day for a deadline
    ("11月底前") and its first day for an actual (the lenient reading)."""
    m = _DATE.search(squeeze(text))
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    day = int(m.group(3)) if m.group(3) else (31 if deadline else 1)
    return year, month, day


@check("IND-TIMELINESS-DATE")
def timeliness_date(ctx: Context, rule: CheckRule):
    """A 时效 row whose deadline is a date and whose actual is a later date."""
    for ind in ctx.record.get("indicators", []):
        if not (_has_level2(ind, rule.params["level2_words"]) or any(w in (ind.get("name") or "") for w in rule.params["name_words"])):
            continue
        target_text, actual_text = quoted(ind.get("target")), quoted(ind.get("actual"))
        op = (ind.get("target") or {}).get("op")
        if op in (">=", ">") or not any(w in squeeze(target_text) for w in rule.params["deadline_words"]) and op not in ("<=", "<"):
            continue  # only a deadline: "…前", "…底", or ≤ a date
        due, done = _date(target_text, True), _date(actual_text, False)
        if due is None or done is None or done <= due:
            continue
        full = _is_full(ind)
        yield ctx.finding(
            rule,
            "late_full" if full else "late",
            msg={"name": ind["name"], "target": target_text, "actual": actual_text, "stated": fmt(Printed.of_fact(ind["score"]).value) if full else ""},
            evidence=[ind.get("evidence"), evidence_of(ind.get("score"))],
            expected=target_text,
            stated=actual_text,
            facts={"indicator": ind["name"], "due": list(due), "done": list(done), "full_score": full},
        )
