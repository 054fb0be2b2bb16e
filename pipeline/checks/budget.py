"""预算执行率 and the budget figures: the stated rate against its denominators, overspending, arrival."""

from __future__ import annotations

from decimal import Decimal

import regex

from pipeline.checks.base import CheckRule, Context, check, evidence_of
from pipeline.checks.numbers import Printed, dec, fmt, rate_agreement, ratio_percent, wan

_NUMBER = regex.compile(r"\d+(?:\.\d+)?")

_LABELS = {"full_year": "全年预算数", "initial": "年初预算数", "received": "实际到位资金"}


def _rate_against(ctx: Context, den_field: str) -> tuple[str | None, Printed | None]:
    stated, spent, den = ctx.printed("budget", "execution_rate"), ctx.printed("budget", "spent"), ctx.printed("budget", den_field)
    if stated is None or spent is None or den is None:
        return None, den
    return _agreement(stated, spent, den), den


def _agreement(stated: Printed, num: Printed, den: Printed) -> str | None:
    """rate_agreement, and "agrees" too when the stated rate lies within what the operands' own printed
    decimals allow: 0.0340亿元 ÷ 0.0540亿元 is anything from 62.85% to 63.08%, so a printed 63.00% holds. A
    figure printed whole ("2000万元") is taken as exact: budgets are set in round sums, and widening by half
    a 万元 would hide a truncated rate."""
    found = rate_agreement(stated, num, den)
    if found != "differs":
        return found  # (a truncated last digit stays one: an info, and the operands' rounding would hide it)
    num, den = (Printed.exact(p.value) if p.whole else p for p in (num, den))
    r = ratio_percent(num, den)
    return "agrees" if r is not None and r[1] <= stated.hi and stated.lo <= r[2] else found


@check("ARITH-EXEC-RATE")
def exec_rate(ctx: Context, rule: CheckRule):
    yield from _report_rate(ctx, rule)
    yield from _row_rates(ctx, rule)
    yield from _arrival_rate(ctx, rule)


def _arrival_rate(ctx: Context, rule: CheckRule):
    """The stated 到位率 against 实际到位资金 ÷ 预算 (全年, else 年初). A warning: the rate may be of a budget
    the report does not state (the sum 下达 by a higher level), and which one it means is not printed."""
    stated = ctx.printed("budget", "arrival_rate")
    named = ctx.named("received")
    # both figures read by labels that name them: a loosely read amount may be another fund's or a part's
    dens = [(d, found[0]) for d in ("full_year", "initial") for found in [ctx.named(d)] if found is not None]
    if not dens:
        # an unqualified budget read by a label of its own ("项目预算资金100万元") is what a 到位率 is of
        # when the report states no other (the finding stays a warning)
        full = ctx.fact("budget", "full_year") or {}
        p = Printed.of_fact(full) if (full.get("rule") or "").startswith("fields:budget.stated") and not full["rule"].endswith(":uncertain") else None
        dens = [("full_year", p)] if p is not None and p.value > 0 else []
    if stated is None or named is None or not dens:
        return
    got, received = named
    if any(_agreement(stated, got, p) in ("agrees", "last-digit") for _, p in dens):
        return
    d, den = dens[0]
    point, _, _ = ratio_percent(got, den)
    yield ctx.finding(
        rule,
        "arrival",
        msg={"stated": fmt(stated.value) + "%", "expected": fmt(point) + "%", "num": wan(got.value), "den_label": _LABELS[d], "den": wan(den.value)},
        evidence=[evidence_of(ctx.fact("budget", "arrival_rate")), evidence_of(received), evidence_of(ctx.fact("budget", d))],
        expected=round(point, 4),
        stated=stated.value,
        facts={"received": got.value, d: den.value},
    )


def _report_rate(ctx: Context, rule: CheckRule):
    """The stated rate against 执行数 ÷ 预算数, under every denominator a fitting profile allows; a rate
    that only another denominator explains is BUDGET-DENOMINATOR's finding, not this one's."""
    stated = ctx.printed("budget", "execution_rate")
    spent = ctx.printed("budget", "spent")
    if stated is None or spent is None:
        return
    allowed = {d for p in ctx.profiles for d in p.denominators}
    initial = ctx.fact("budget", "initial")
    if ctx.fact("budget", "full_year") is None and initial and str(initial.get("rule", "")).startswith("tables:funds"):
        # a form with no 全年预算数 column (Beijing 2016's) takes the rate on its 年初预算数; in prose a
        # 年初 figure beside a rate says nothing of the rate's base
        allowed.add("initial")
    results = {d: _rate_against(ctx, d) for d in ("full_year", "initial", "received")}
    if any(res == "agrees" for d, (res, _) in results.items()):
        return  # explained by some denominator; whether it is the right one is BUDGET-DENOMINATOR's question
    if _other_stated_budget(ctx, stated, spent) is not None:
        return  # the rate is of another budget the report states: BUDGET-DENOMINATOR says which
    tried = [d for d in ("full_year", "initial", "received") if d in allowed]
    if ctx.fact("budget", "full_year") is None:
        # the report states no 全年预算数, only the 年初 one or the funds that arrived: unless the budget was
        # adjusted during the year and the report leaves the adjusted figure out, the rate is of that base (a
        # warning, against each base in turn when none of them explains it)
        tried += [d for d in ("initial", "received") if d not in tried]
    for d in tried:
        res, den = results[d]
        if res is None:
            continue
        point, _, _ = ratio_percent(spent, den)
        variant = "last_digit" if res == "last-digit" else "differs" if d in allowed else "no_full_year"
        decimals = max(0, -stated.value.as_tuple().exponent) if isinstance(stated.value.as_tuple().exponent, int) else 2
        rounded = point.quantize(Decimal(1).scaleb(-decimals))
        yield ctx.finding(
            rule,
            variant,
            msg={
                "stated": fmt(stated.value) + "%",
                "expected": fmt(point, decimals + 2) + "%",
                "rounded": fmt(rounded, decimals) + "%",
                "num_label": "全年执行数",
                "num": wan(spent.value),
                "den_label": _LABELS[d],
                "den": wan(den.value),
            },
            evidence=[evidence_of(ctx.fact("budget", "execution_rate")), evidence_of(ctx.fact("budget", "spent")), evidence_of(ctx.fact("budget", d))],
            expected=round(point, 4),
            stated=stated.value,
            facts={"spent": spent.value, d: den.value},
        )
        return


def _unqualified_budget(ctx: Context) -> dict | None:
    """The record's budget when it was read by a label with no 全年/年初 ("收入预算…", "下达资金…"): one of
    possibly several budgets the report states, not the one the form means by name."""
    full = ctx.fact("budget", "full_year") or {}
    return full if (full.get("rule") or "").startswith("fields:budget.stated") else None


def _other_stated_budget(ctx: Context, stated: Printed, spent: Printed) -> dict | None:
    """Whether the rate is 执行数 ÷ another budget figure the report states, when the record's budget is
    one of several unqualified ones ("收入预算…", "支出预算…", with no 全年/年初 to say which the form
    means): the report computes its rate from one of them, and which one is not for the record to guess.
    A budget the report names as 全年预算数 is held to; beside a 年初 figure alone (no 全年预算数), the
    other budgets the report states are candidates too (an expenditure budget beside the 年初 income one)."""
    unqualified = _unqualified_budget(ctx) is not None
    if not unqualified and ctx.fact("budget", "full_year") is not None:
        return None
    candidates = [m for field in ("full_year", "initial", "received") for m in (ctx.fact("budget", field) or {}).get("mentions") or []] if unqualified else []
    candidates += ctx.record.get("stated_budgets") or []
    for m in candidates:
        den = Printed.of_fact(m)
        if den is not None and den.value > 0 and rate_agreement(stated, spent, den) == "agrees":
            return m
    return None


def _covered_by_another_stated_budget(ctx: Context, spent: Printed) -> bool:
    """Spending within another budget the report states, when the record's budget is one of several
    unqualified ones (an income budget beside the expenditure budget that was executed)."""
    full = _unqualified_budget(ctx)
    if full is None:
        return False
    others = [Printed.of_fact(m) for m in (full.get("mentions") or []) + (ctx.record.get("stated_budgets") or [])]
    return any(p is not None and p.value != Printed.of_fact(full).value and spent.lo <= p.hi for p in others)


def _row_rates(ctx: Context, rule: CheckRule):
    """Each 其中 row of the funds table that prints its own rate ("其他资金 1.8 1.8 0"), against its own
    执行数 ÷ 预算数. The score rests on the total row, so a part row's slip is a warning."""
    for row in ctx.record.get("budget_table") or []:
        cells = row.get("cells") or {}
        if row.get("kind") != "part" or not cells.get("rate") or not cells.get("spent"):
            continue
        stated, spent = Printed.of_fact(cells["rate"]), Printed.of_fact(cells["spent"])
        dens = [(d, Printed.of_fact(cells[d])) for d in ("full_year", "initial") if cells.get(d)]
        dens = [(d, p) for d, p in dens if p is not None and p.value > 0]
        if stated is None or spent is None or not dens:
            continue
        if any(rate_agreement(stated, spent, p) in ("agrees", "last-digit") for _, p in dens):
            continue
        d, den = dens[0]
        point, _, _ = ratio_percent(spent, den)
        yield ctx.finding(
            rule,
            "row",
            msg={"row": row.get("row") or "其中", "stated": fmt(stated.value) + "%", "expected": fmt(point) + "%",
                 "num": wan(spent.value), "den_label": _LABELS[d], "den": wan(den.value)},
            evidence=[cells["rate"].get("evidence"), cells["spent"].get("evidence"), cells[d].get("evidence")],
            expected=round(point, 4),
            stated=stated.value,
            facts={"spent": spent.value, d: den.value},
        )


@check("BUDGET-DENOMINATOR")
def denominator(ctx: Context, rule: CheckRule):
    """A rate that disagrees with 全年预算数 (or, when the report states none, its 年初 figure) but equals
    执行数 ÷ another base."""
    base = "full_year" if ctx.fact("budget", "full_year") is not None else "initial"
    full = ctx.printed("budget", base)
    spent = ctx.printed("budget", "spent")
    stated = ctx.printed("budget", "execution_rate")
    if full is None or spent is None or stated is None:
        return
    if _rate_against(ctx, base)[0] == "agrees":
        return
    point = ratio_percent(spent, full)
    other = _other_stated_budget(ctx, stated, spent)
    if other is not None:
        yield ctx.finding(
            rule,
            "stated",
            msg={
                "stated": fmt(stated.value) + "%",
                "expected": (fmt(point[0]) + "%") if point else "—",
                "num": wan(spent.value),
                "full_quote": f"“{evidence_of(ctx.fact('budget', base)).get('quote') or wan(full.value)}”",
                "den_quote": f"“{(other.get('evidence') or {}).get('quote') or other.get('text')}”",
            },
            evidence=[evidence_of(ctx.fact("budget", "execution_rate")), other.get("evidence"), evidence_of(ctx.fact("budget", base))],
            expected=round(point[0], 4) if point else None,
            stated=stated.value,
            facts={"spent": spent.value, base: full.value, "other_budget": dec(other["value"])},
        )
        return
    if base != "full_year":
        return  # the 年初 and 到位 bases below are weighed against a 全年预算数
    for d in ("initial", "received"):
        res, den = _rate_against(ctx, d)
        if res != "agrees" or den is None or den.value == full.value:
            continue
        yield ctx.finding(
            rule,
            d,
            msg={
                "stated": fmt(stated.value) + "%",
                "expected": (fmt(point[0]) + "%") if point else "—",
                "num": wan(spent.value),
                "den": wan(den.value),
                "full": wan(full.value),
                "direction": "抬高" if den.value < full.value else "压低",
            },
            evidence=[evidence_of(ctx.fact("budget", "execution_rate")), evidence_of(ctx.fact("budget", d)), evidence_of(ctx.fact("budget", "full_year"))],
            expected=round(point[0], 4) if point else None,
            stated=stated.value,
            facts={"spent": spent.value, d: den.value, "full_year": full.value},
        )
        return


@check("BUDGET-OVERSPEND")
def overspend(ctx: Context, rule: CheckRule):
    spent, full = ctx.printed("budget", "spent"), ctx.printed("budget", "full_year")
    if spent is None or full is None or full.value <= 0:
        return
    if spent.lo > full.hi:
        if _covered_by_another_stated_budget(ctx, spent):
            return
        received = ctx.printed("budget", "received")
        covered = received is not None and spent.lo <= received.hi
        yield ctx.finding(
            rule,
            "covered" if covered else "over",
            msg={
                "spent": wan(spent.value),
                "budget": wan(full.value),
                "rate": fmt(spent.value / full.value * 100) + "%",
                "received": wan(received.value) if received else "—",
            },
            evidence=[evidence_of(ctx.fact("budget", "spent")), evidence_of(ctx.fact("budget", "full_year"))],
            expected=full.value,
            stated=spent.value,
        )


@check("BUDGET-ARRIVAL")
def arrival(ctx: Context, rule: CheckRule):
    spent, received, full = ctx.printed("budget", "spent"), ctx.printed("budget", "received"), ctx.printed("budget", "full_year")
    if received is None:
        return
    if spent is not None and spent.lo > received.hi:
        yield ctx.finding(
            rule,
            "spent_over_received",
            msg={"spent": wan(spent.value), "received": wan(received.value)},
            evidence=[evidence_of(ctx.fact("budget", "spent")), evidence_of(ctx.fact("budget", "received"))],
            expected=received.value,
            stated=spent.value,
        )
    if full is not None and received.lo > full.hi:
        yield ctx.finding(
            rule,
            "received_over_budget",
            msg={"received": wan(received.value), "budget": wan(full.value)},
            evidence=[evidence_of(ctx.fact("budget", "received")), evidence_of(ctx.fact("budget", "full_year"))],
            expected=full.value,
            stated=received.value,
        )


def _met(ind: dict) -> bool | None:
    """Whether an indicator's actual reaches its target (None when the row cannot be compared)."""
    target, actual = ind.get("target") or {}, ind.get("actual") or {}
    if target.get("value") is None or actual.get("value") is None or target.get("qualitative"):
        return None
    if (target.get("unit") or "") != (actual.get("unit") or target.get("unit") or ""):
        return None
    t, a = Decimal(str(target["value"])), Decimal(str(actual["value"]))
    if target.get("op") in ("<=", "<"):
        return a <= t
    return a >= t


@check("BUDGET-SPEND-VS-OUTPUT")
def spend_vs_output(ctx: Context, rule: CheckRule):
    """Hardly any money spent, yet every output delivered: one of the two is wrong."""
    rate_fact = ctx.fact("budget", "execution_rate")
    spent, full = ctx.printed("budget", "spent"), ctx.printed("budget", "full_year")
    if rate_fact and rate_fact.get("value") is not None:
        rate = Decimal(str(rate_fact["value"]))
    elif spent and full and full.value > 0:
        rate, rate_fact = spent.value / full.value * 100, ctx.fact("budget", "spent")
    else:
        return
    if rate >= Decimal(str(rule.params.get("max_rate", 30))):
        return
    outputs = [i for i in ctx.record.get("indicators", []) if i.get("level2") in ("数量指标", "质量指标")]
    verdicts = [_met(i) for i in outputs]
    known = [v for v in verdicts if v is not None]
    if len(known) < 2 or not all(known):
        return
    yield ctx.finding(
        rule,
        "low",
        msg={"rate": fmt(rate) + "%", "count": len(known)},
        evidence=[evidence_of(rate_fact)] + [i.get("evidence") for i, v in zip(outputs, verdicts) if v][:3],
        stated=rate,
        facts={"execution_rate": rate, "outputs_met": len(known)},
    )


def _money_figures(ctx: Context) -> list[tuple[Printed, dict, str]]:
    """Every money figure the record holds: budget facts and their mentions, money targets and actuals."""
    out = []
    for field in ("initial", "full_year", "received", "spent", "balance"):
        fact = ctx.fact("budget", field)
        for m in (fact or {}).get("mentions") or ([fact] if fact else []):
            if (m.get("rule") or "").endswith(":unit-by-others"):
                m = {**m, "value": dec(m["value"]) / 10000}  # the amount as printed, before the slip was settled
            p = Printed.of_fact(m)
            if p is not None:
                out.append((p, m.get("evidence"), m.get("text") or ""))
    for ind in ctx.record.get("indicators", []):
        for key in ("target", "actual"):
            q = ind.get(key) or {}
            if q.get("kind") == "money" and q.get("value") is not None and "/" not in (q.get("text") or ""):
                text = q["text"]
                scale = {"亿元": Decimal(100000000), "万元": Decimal(10000), "千元": Decimal(1000)}.get(q.get("unit") or "", Decimal(1))
                out.append((Printed.exact(Decimal(str(q["value"])) * scale), ind.get("evidence"), text))
    return out


def _digits(text: str) -> str:
    m = _NUMBER.search(text.replace(",", ""))
    return m.group(0).replace(".", "").strip("0") if m else ""


@check("ARITH-UNIT")
def unit_scale(ctx: Context, rule: CheckRule):
    """The same printed digits under two units that differ by a power of ten: a 元/万元 slip."""
    figures = [f for f in _money_figures(ctx) if f[0].value >= Decimal(str(rule.params.get("min_yuan", 1000)))]
    # Only figures with the same digits can pair, and a figure printed again adds no pair: the pairs are
    # taken among the first printing of each (text, value), grouped by digits (a report repeating one
    # sentence thousands of times made this quadratic)
    groups: dict[str, list[int]] = {}
    first: set[tuple[str, Decimal]] = set()
    min_digits = int(rule.params.get("min_digits", 1))
    for i, (a, _, text) in enumerate(figures):
        d = _digits(text)
        if len(d) >= min_digits and (text, a.value) not in first:
            first.add((text, a.value))
            groups.setdefault(d, []).append(i)
    pairs = sorted((i, j) for idx in groups.values() for k, i in enumerate(idx) for j in idx[k + 1 :])
    seen: set[tuple[str, str]] = set()
    for i, j in pairs:
        (a, ev_a, text_a), (b, ev_b, text_b) = figures[i], figures[j]
        if a.value == b.value:
            continue
        big, small = max(a.value, b.value), min(a.value, b.value)
        factor = big / small
        if factor < 10 or factor != 10 ** (len(str(int(factor))) - 1):
            continue
        key = tuple(sorted((text_a, text_b)))
        if key in seen:
            continue
        seen.add(key)
        yield ctx.finding(
            rule,
            "scale",
            msg={"a": text_a, "b": text_b, "factor": fmt(factor, 0)},
            evidence=[ev_a, ev_b],
            expected=small,
            stated=big,
        )
