"""Narrative against numbers (rulebook §B.6): what the text says against what the report's own figures say.

The words are data (``rules/narrative.yaml``). A claim is read in its clause: a goal ("确保…全部完成"), a
negation ("未能如期完成") or a condition ("全部完成后") is not a claim. Every check here is a warning at
most: a text can be read more than one way, so none of them is impossible under every profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache

import regex
from pydantic import BaseModel

from pipeline.checks.base import CheckRule, Context, check, evidence_of
from pipeline.checks.numbers import Printed, dec, fmt, sum_agrees, wan
from pipeline.document import Block, Document
from pipeline.facts import Evidence
from pipeline.literals import may_match, required
from pipeline.normalize import fold_script, text_block  # noqa: F401  (text_block is re-exported for rules' examples)
from pipeline.ruleset import load, schema

# -- rules ----------------------------------------------------------------------------------------


class TextRules(BaseModel):
    sentence_end: str
    clause_end: str
    claim_clause_end: str
    numbering: str


class IndicatorRules(BaseModel):
    ceiling_levels: str


class OverclaimRules(BaseModel):
    money: str
    completion: str
    not_before: str
    not_after: str
    arrival: str
    arrival_part: str
    balance: str
    balance_excused: str
    intermediary: str
    goal_headings: str
    report_headings: str
    table_min_chars: int
    examples: list[dict]
    counterexamples: list[str]


class SatisfactionRules(BaseModel):
    subject: str
    figure: str
    complaints: str
    survey: str
    survey_negated: str
    examples: list[str]
    counterexamples: list[str]


class AmountRules(BaseModel):
    part_rules: str


class DeviationRules(BaseModel):
    template: str
    examples: list[str]
    counterexamples: list[str]


class NoTargetRules(BaseModel):
    pattern: str
    examples: list[str]
    counterexamples: list[str]


class NoProblemRules(BaseModel):
    block: str
    inline: str
    examples: list[str]
    counterexamples: list[str]


@schema("narrative.yaml")
class NarrativeRules(BaseModel):
    version: int
    text: TextRules
    indicators: IndicatorRules
    overclaim: OverclaimRules
    satisfaction: SatisfactionRules
    no_problems: NoProblemRules
    amounts: AmountRules
    deviation: DeviationRules
    no_targets: NoTargetRules

    model_config = {"ignored_types": (cached_property,)}

    @cached_property
    def rx(self) -> dict[str, regex.Pattern]:
        o, s, n = self.overclaim, self.satisfaction, self.no_problems
        return {
            "sentence_end": regex.compile(self.text.sentence_end),
            "clause_end": regex.compile(self.text.clause_end),
            "claim_clause_end": regex.compile(self.text.claim_clause_end),
            "numbering": regex.compile(self.text.numbering),
            "ceiling_levels": regex.compile(self.indicators.ceiling_levels),
            "figure": regex.compile(s.figure),
            "money": regex.compile(o.money),
            "completion": regex.compile(o.completion),
            "arrival": regex.compile(o.arrival),
            "arrival_part": regex.compile(o.arrival_part),
            "balance": regex.compile(o.balance),
            "balance_excused": regex.compile(o.balance_excused),
            "not_before": regex.compile(o.not_before),
            "not_after": regex.compile(o.not_after),
            "intermediary": regex.compile(o.intermediary),
            "goal_headings": regex.compile(o.goal_headings),
            "report_headings": regex.compile(o.report_headings),
            "subject": regex.compile(s.subject),
            "complaints": regex.compile(s.complaints),
            "survey": regex.compile(s.survey),
            "survey_negated": regex.compile(s.survey_negated),
            "none_block": regex.compile(n.block),
            "none_inline": regex.compile(n.inline),
            "part_rules": regex.compile(self.amounts.part_rules),
            "template": regex.compile(self.deviation.template),
            "no_targets": regex.compile(self.no_targets.pattern),
        }

    def check(self) -> list[tuple[tuple, str]]:
        try:
            self.rx  # noqa: B018 - compiling is the check
        except regex.error as exc:
            return [((), f"a pattern does not compile: {exc}")]
        problems: list[tuple[tuple, str]] = []
        o = self.overclaim
        for i, ex in enumerate(o.examples):
            got = sorted({c.kind for c in claims_in(text_block(ex["text"]), self)})
            if got != sorted(set(ex["claims"])):
                problems.append((("overclaim", "examples", i), f"finds {got}, expected {sorted(set(ex['claims']))}"))
        for i, text in enumerate(o.counterexamples):
            got = [c.quote for c in claims_in(text_block(text), self)]
            if got:
                problems.append((("overclaim", "counterexamples", i), f"{text!r} claims {got}"))
        for i, text in enumerate(self.satisfaction.examples):
            if not unfounded_satisfaction(text_block(text), self):
                problems.append((("satisfaction", "examples", i), f"{text!r} is not found"))
        for i, text in enumerate(self.satisfaction.counterexamples):
            if unfounded_satisfaction(text_block(text), self):
                problems.append((("satisfaction", "counterexamples", i), f"{text!r} is flagged"))
        for i, text in enumerate(self.no_problems.examples):
            if not no_problem_statements(text_block(text), self, in_section=True):
                problems.append((("no_problems", "examples", i), f"{text!r} is not found"))
        for i, text in enumerate(self.no_problems.counterexamples):
            if no_problem_statements(text_block(text), self, in_section=True):
                problems.append((("no_problems", "counterexamples", i), f"{text!r} is flagged"))
        for name, rx, rule_set in (("deviation", "template", self.deviation), ("no_targets", "no_targets", self.no_targets)):
            for i, text in enumerate(rule_set.examples):
                if not self.rx[rx].search(fold_script(text)):
                    problems.append(((name, "examples", i), f"{text!r} is not found"))
            for i, text in enumerate(rule_set.counterexamples):
                if self.rx[rx].search(fold_script(text)):
                    problems.append(((name, "counterexamples", i), f"{text!r} is flagged"))
        return problems


def rules() -> NarrativeRules:
    return load("narrative.yaml")


# -- text helpers ---------------------------------------------------------------------------------


def key_of(block: Block) -> str:
    return block.key if block.key is not None else block.text


@lru_cache(maxsize=4096)
def spans(text: str, end: regex.Pattern) -> tuple[tuple[int, int], ...]:
    """``text`` cut after every ``end`` match: [(start, end)), the separator kept with its span. Several
    checks cut the same blocks into the same sentences and clauses: each text is cut once."""
    out, start = [], 0
    for m in end.finditer(text):
        if m.end() > start:
            out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return tuple(out)


def enclosing(spans_: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return next(((a, b) for a, b in spans_ if a <= pos < b), (0, 0))


def trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    """The span without surrounding white space and the closing separator."""
    while a < b and text[a] in " \t\n":
        a += 1
    while b > a and text[b - 1] in " \t\n，,。；;！？!?：:":
        b -= 1
    for open_, close in (("（", "）"), ("(", ")")):  # a bracket the span does not open or close
        if b > a and text[b - 1] == close and open_ not in text[a : b - 1]:
            b -= 1
        if b > a and text[a] == open_ and close not in text[a + 1 : b]:
            a += 1
    return a, b


def ev(block: Block, a: int, b: int) -> dict:
    return Evidence.of(block, a, b).to_json()


def headings(doc: Document | None, block: Block) -> list[str]:
    """The titles of the headings that enclose ``block``, innermost first."""
    out, seen = [], set()
    idx = block.section
    while doc is not None and idx is not None and idx not in seen and 0 <= idx < len(doc.blocks):
        seen.add(idx)
        h = doc.blocks[idx]
        out.append(h.title or h.text)
        idx = h.section
    return out


def body_blocks(doc: Document | None) -> list[Block]:
    """Blocks of running text and tables: not the title, not headings."""
    return [b for b in (doc.blocks if doc else []) if b.kind in ("paragraph", "table")]


# -- figures the narrative is held against --------------------------------------------------------


def execution_rate(ctx: Context) -> tuple[Decimal, dict | None] | None:
    """The stated 预算执行率 in percent, else 执行数 ÷ 全年预算数 (or 年初预算数)."""
    rate = ctx.fact("budget", "execution_rate")
    if rate and rate.get("value") is not None:
        return dec(rate["value"]), rate
    spent = ctx.printed("budget", "spent")
    for field in ("full_year", "initial"):
        den = ctx.printed("budget", field)
        if spent is not None and den is not None and den.value > 0:
            return spent.value / den.value * 100, ctx.fact("budget", "spent")
    return None


def _number(q: dict | None) -> Decimal | None:
    if not q or q.get("qualitative") or q.get("value") is None or isinstance(q.get("value"), str):
        return None
    if q.get("kind") in ("date", "range", "qualitative"):
        return None
    return dec(q["value"])


def unmet(ind: dict) -> bool:
    """The indicator's actual value misses its target (both numbers in the same unit)."""
    target, actual = ind.get("target") or {}, ind.get("actual") or {}
    t, a = _number(target), _number(actual)
    if t is None or a is None:
        return False
    tu, au = target.get("unit"), actual.get("unit")
    if tu and au and tu != au:
        return False
    if (tu != au or not tu) and (ind.get("rule") or "").endswith(":glued"):
        # a glued row's digits cut without a unit to part them ("32.1公里 | 20", "2 | 0" of "…要求2020"): the
        # bare figures may be the 分值 and 得分, not the target and the actual
        return False
    op = target.get("op")
    if op is None:
        op = "<=" if rules().rx["ceiling_levels"].search(ind.get("level2") or "") else ">="
    if op in (">=", "="):
        return a < t
    if op == ">":
        return a <= t
    if op == "<=":
        return a > t
    if op == "<":
        return a >= t
    return False


def below_weight(ind: dict) -> bool:
    w, s = ind.get("weight") or {}, ind.get("score") or {}
    if w.get("value") is None or s.get("value") is None:
        return False
    return dec(s["value"]) < dec(w["value"])


def _ind_text(ind: dict) -> str:
    return f"指标“{ind['name']}”目标{(ind.get('target') or {}).get('text') or '—'}、实际{(ind.get('actual') or {}).get('text') or '—'}"


# -- NARR-OVERCLAIM-WORDS -------------------------------------------------------------------------


CLAIM_KINDS = ("money", "completion", "arrival", "balance")


@dataclass
class Claim:
    kind: str  # "money" | "completion" | "arrival" | "balance"
    block: Block
    start: int  # the clause that holds the claim, in the block's normalised text
    end: int

    @property
    def quote(self) -> str:
        return self.block.text[self.start : self.end]


def claims_in(block: Block, r: NarrativeRules | None = None) -> list[Claim]:
    """Claims of full disbursement or completion in a block, each with the clause it stands in."""
    r = r or rules()
    rx = r.rx
    key = key_of(block)
    if not any(may_match(required(rx[kind].pattern), key) for kind in CLAIM_KINDS):
        return []  # no claim's words in it (most blocks)
    clauses = spans(key, rx["claim_clause_end"])
    out: list[Claim] = []
    seen: set[tuple[str, int]] = set()
    for kind in CLAIM_KINDS:
        for m in rx[kind].finditer(key):
            a, b = enclosing(clauses, m.start())
            if rx["not_before"].search(key, a, m.start()) or rx["not_after"].match(key[m.end() : m.end() + 3]):
                continue
            if kind == "money" and rx["intermediary"].search(key, m.start(), b):
                continue
            if kind == "arrival" and rx["arrival_part"].search(key, a, m.start()):
                continue  # one source arrived in full: the others may not have
            if kind == "balance" and rx["balance_excused"].search(key):
                continue  # what was not spent was carried over or returned: no 结余 is then true
            a, b = trimmed(key, a, b)
            if block.kind == "table" and b - a < r.overclaim.table_min_chars:
                continue  # a short cell is an indicator's value, not a statement about the project
            if (kind, a) in seen:
                continue
            seen.add((kind, a))
            out.append(Claim(kind, block, a, b))
    return out


def _in_goal_section(doc: Document | None, block: Block, r: NarrativeRules) -> bool:
    titles = headings(doc, block)
    if any(r.rx["report_headings"].search(t) for t in titles):
        return False
    return any(r.rx["goal_headings"].search(t) for t in titles)


def _quotes(claims: list[Claim]) -> str:
    seen: list[str] = []
    for c in claims:
        if c.quote not in seen:
            seen.append(c.quote)
    return "；".join(f"“{q}”" for q in seen[:4]) + ("等" if len(seen) > 4 else "")


@check("NARR-OVERCLAIM-WORDS")
def overclaim(ctx: Context, rule: CheckRule):
    """已全部完成 / 全部拨付 / 按计划进度执行 against an unmet indicator, a low rate or a stated 结余."""
    r = rules()
    claims: list[Claim] = []
    for b in body_blocks(ctx.doc):
        if "建议" in b.tags:
            continue
        found = claims_in(b, r)  # first: most blocks claim nothing, and their headings need no reading
        if found and not _in_goal_section(ctx.doc, b, r):
            claims += found
    if not claims:
        return
    rate = execution_rate(ctx)
    balance = ctx.printed("budget", "balance")
    missed = [i for i in ctx.record.get("indicators", []) if unmet(i)]
    money_min = dec(rule.params.get("money_min_rate", 90))
    done_min = dec(rule.params.get("completion_min_rate", 60))
    for kind in CLAIM_KINDS:
        mine = [c for c in claims if c.kind == kind]
        if not mine:
            continue
        why, evidence, facts = [], [], {}
        if kind in ("arrival", "balance"):
            short = _short_of(ctx, kind)
            if short is not None:
                why.append(short[0])
                evidence.extend(short[1])
                facts.update(short[2])
        if kind == "money" and balance is not None and balance.lo > 0:
            why.append(f"报告列明结余{wan(balance.value)}")
            evidence.append(evidence_of(ctx.fact("budget", "balance")))
            facts["balance"] = balance.value
        if kind == "completion" and missed:
            why.append("；".join(_ind_text(i) for i in missed[:3]) + "，并未完成")
            evidence.extend(i.get("evidence") for i in missed[:3])
            facts["unmet"] = [i["name"] for i in missed]
        limit = money_min if kind == "money" else done_min
        if kind in ("money", "completion") and rate is not None and rate[0] < limit:
            spent, full = ctx.printed("budget", "spent"), ctx.printed("budget", "full_year")
            figures = f"（执行{wan(spent.value)}，预算{wan(full.value)}）" if spent and full else ""
            why.append(f"预算执行率仅{fmt(rate[0])}%{figures}")
            evidence.append(evidence_of(rate[1]))
            facts["execution_rate"] = rate[0]
        if not why:
            continue
        yield ctx.finding(
            rule,
            kind,
            msg={"claim": _quotes(mine), "why": "；".join(why)},
            evidence=[ev(c.block, c.start, c.end) for c in mine[:6]] + evidence,
            stated=[c.quote for c in mine],
            facts=facts,
        )


def _short_of(ctx: Context, kind: str) -> tuple[str, list, dict] | None:
    """Why a claim that the funds arrived in full (``arrival``) or left nothing over (``balance``) does not
    hold: 到位资金 below the budget; 执行数 below what arrived (or, failing that, the budget). Beyond the
    printed precision of both figures."""
    budget = ctx.named("full_year") or ctx.named("initial")
    received = ctx.named("received")
    if kind == "arrival":
        if budget is None or received is None or received[0].hi >= budget[0].lo:
            return None
        (r, rf), (b, bf) = received, budget
        share = fmt(r.value / b.value * 100)
        return (f"实际到位资金{wan(r.value)}，少于预算{wan(b.value)}（到位率{share}%）", [evidence_of(rf), evidence_of(bf)],
                {"received": r.value, "budget": b.value})
    spent = ctx.named("spent")
    base, label = (received, "实际到位资金") if received is not None else (budget, "预算")
    if spent is None or base is None or spent[0].hi >= base[0].lo:
        return None
    (sp, sf), (b, bf) = spent, base
    return (f"全年执行数{wan(sp.value)}，少于{label}{wan(b.value)}，应有{wan(b.value - sp.value)}未支出", [evidence_of(sf), evidence_of(bf)],
            {"spent": sp.value, "base": b.value})


# -- NARR-SATISFACTION-BASIS ----------------------------------------------------------------------


@dataclass
class Unfounded:
    block: Block
    start: int
    end: int
    basis: str
    figure: str | None


def _surveyed(key: str, clauses: list[tuple[int, int]], r: NarrativeRules) -> bool:
    """A survey word in ``key`` that is not negated within its clause."""
    for m in r.rx["survey"].finditer(key):
        a, _ = enclosing(clauses, m.start())
        if not r.rx["survey_negated"].search(key[a : m.start()]):
            return True
    return False


def unfounded_satisfaction(block: Block, r: NarrativeRules | None = None, others: list[Block] = ()) -> list[Unfounded]:
    """Sentences that give a satisfaction figure on the strength of no complaints, where neither the block
    nor another block about satisfaction (``others``) names a survey."""
    r = r or rules()
    rx = r.rx
    key = key_of(block)
    if not may_match(required(rx["subject"].pattern), key):
        return []  # no sentence of it names satisfaction (most blocks)
    clauses = spans(key, rx["clause_end"])
    if _surveyed(key, clauses, r):
        return []
    out = []
    for a, b in spans(key, rx["sentence_end"]):
        subject = rx["subject"].search(key, a, b)
        basis = rx["complaints"].search(key, a, b) if subject else None
        if not basis:
            continue
        figures = [m for m in rx["figure"].finditer(key, a, b) if m.start() > subject.start()]
        if not figures:
            continue
        # quote from the clause that names the satisfaction figure to the end of the sentence
        a = max(a, enclosing(spans(key, rx["claim_clause_end"]), subject.start())[0])
        a, b = trimmed(key, a, b)
        ba, bb = trimmed(key, *enclosing(clauses, basis.start()))
        out.append(Unfounded(block, a, b, block.text[ba:bb], block.text[figures[-1].start() : figures[-1].end()]))
    if out and any(_surveyed(key_of(o), spans(key_of(o), rx["clause_end"]), r) for o in others if rx["subject"].search(key_of(o))):
        return []  # the survey is described where the report discusses satisfaction elsewhere
    return out


@check("NARR-SATISFACTION-BASIS")
def satisfaction_basis(ctx: Context, rule: CheckRule):
    r = rules()
    body = body_blocks(ctx.doc)
    # the blocks about satisfaction that name a survey, found once: asking every block about every other
    # was quadratic in the report's length
    rx = r.rx
    surveyed = [o for o in body if rx["subject"].search(key_of(o)) and _surveyed(key_of(o), spans(key_of(o), rx["clause_end"]), r)]
    for b in body:
        for u in unfounded_satisfaction(b, r, [o for o in surveyed if o is not b]):
            yield ctx.finding(
                rule,
                "complaints",
                msg={"actual": u.figure, "basis": u.basis},
                evidence=[ev(u.block, u.start, u.end)],
                stated=u.figure,
                facts={"basis": u.basis},
            )


# -- NARR-NO-PROBLEMS -----------------------------------------------------------------------------


def no_problem_statements(block: Block, r: NarrativeRules | None = None, in_section: bool = False) -> list[tuple[int, int]]:
    """Spans saying the report found no problem: a whole block under a 问题 heading, or "存在问题：暂无"."""
    r = r or rules()
    key = key_of(block)
    if in_section and r.rx["none_block"].match(key):
        return [trimmed(key, 0, len(key))]
    return [trimmed(key, m.start(), m.end()) for m in r.rx["none_inline"].finditer(key)]


@check("NARR-NO-PROBLEMS")
def no_problems(ctx: Context, rule: CheckRule):
    r = rules()
    found = []
    for b in ctx.doc.blocks if ctx.doc else []:
        section = "问题" in b.tags and b.kind in ("paragraph", "table")
        found.extend((b, a, e) for a, e in no_problem_statements(b, r, in_section=section))
    if not found:
        return
    why, evidence, facts = [], [], {}
    missed = [i for i in ctx.record.get("indicators", []) if unmet(i)]
    if missed:
        why.append("；".join(_ind_text(i) for i in missed[:3]) + "，未完成")
        evidence.extend(i.get("evidence") for i in missed[:3])
        facts["unmet"] = [i["name"] for i in missed]
    cut = [i for i in ctx.record.get("indicators", []) if below_weight(i) and i not in missed]
    if cut:
        names = "、".join(f"“{i['name']}”（{fmt(dec(i['score']['value']))}/{fmt(dec(i['weight']['value']))}分）" for i in cut[:3])
        why.append(f"指标{names}被扣分")
        evidence.extend(i.get("evidence") for i in cut[:3])
        facts["deducted"] = [i["name"] for i in cut]
    rate = execution_rate(ctx)
    if rate is not None and rate[0] < dec(rule.params.get("min_rate", 90)):
        why.append(f"预算执行率仅{fmt(rate[0])}%")
        evidence.append(evidence_of(rate[1]))
        facts["execution_rate"] = rate[0]
    total = ctx.fact("score", "total")
    scale = ctx.fact("score", "total_weight")
    full = dec(scale["value"]) if scale else dec(rule.params.get("full_marks", 100))
    grade = ctx.fact("score", "grade")
    if not cut and not total and grade and grade["value"] in rule.params.get("deducted_grades", []):
        why.append(f"报告自评等级为“{grade['value']}”，并非满分")  # a grade below the top: points were deducted
        evidence.append(evidence_of(grade))
        facts["grade"] = grade["value"]
    if not cut and total and dec(total["value"]) < full:
        # the report's own total below full marks: points were deducted somewhere, so something fell short
        why.append(f"报告自评总分为{fmt(dec(total['value']))}分，被扣{fmt(full - dec(total['value']))}分")
        evidence.append(evidence_of(total))
        facts["total"] = dec(total["value"])
    if not why:
        return
    b, a, e = found[0]
    yield ctx.finding(
        rule,
        "none",
        msg={"claim": b.text[a:e], "why": "；".join(why)},
        evidence=[ev(b, a, e)] + evidence,
        stated=b.text[a:e],
        facts=facts,
    )


# -- NARR-AMOUNTS ---------------------------------------------------------------------------------

_FIELDS = {
    "initial": "年初预算数",
    "full_year": "全年预算数",
    "received": "实际到位资金",
    "spent": "全年执行数",
    "balance": "结余",
    "execution_rate": "预算执行率",
}


def _show(m: dict) -> str:
    e = m.get("evidence") or {}
    where = f"（第{e['page']}页）" if e.get("page") else ""
    return f"“{e.get('quote') or m.get('text')}”{where}"


def _itemised(printed: list[tuple[dict, Printed]]) -> bool:
    """One distinct value equals the sum of the other distinct values (within their rounding)."""
    distinct: dict[Decimal, Printed] = {}
    for _, p in printed:
        distinct.setdefault(p.value, p)
    if len(distinct) < 3:
        return False
    for total in distinct.values():
        rest = [p for v, p in distinct.items() if v != total.value]
        if sum_agrees(rest, total)[0]:
            return True
    return False


_FIGURE_AT_END = regex.compile(r"[\d,，.．]+\s*(?:亿元|万元|元|%|％)?\s*$")
_LABEL_NOISE = regex.compile(r"[\s:：为是（）()]")


def _same_words(mentions: list[dict], ctx: Context) -> bool:
    """Whether every mention prints the same words before its figure, all under one heading: a list of
    items. (The same words in the body and again in the conclusion restate one figure.)"""
    labels = {_LABEL_NOISE.sub("", _FIGURE_AT_END.sub("", str(m.get("text") or ""))) for m in mentions}
    if len(labels) != 1 or "" in labels:
        return False
    blocks = {(m.get("evidence") or {}).get("block") for m in mentions}
    if ctx.doc is None or None in blocks:
        return False
    sections = {_heading_above(ctx.doc, b) for b in blocks}
    return len(sections) == 1


def _heading_above(doc, block: int) -> int:
    """The index of the nearest heading at or above a block (-1 when none)."""
    for k in range(min(block, len(doc.blocks) - 1), -1, -1):
        if doc.blocks[k].kind == "heading":
            return k
    return -1


@check("NARR-AMOUNTS")
def amounts(ctx: Context, rule: CheckRule):
    """A budget figure stated more than once with values no common rounding reconciles."""
    parts = rules().rx["part_rules"]
    for field, label in _FIELDS.items():
        fact = ctx.fact("budget", field)
        mentions = (fact or {}).get("mentions") or []
        # a loosely labelled figure may be a part or another fund's: it does not contradict the others
        printed = [(m, Printed.of_fact(m)) for m in mentions if not parts.search(m.get("rule") or "") and not (m.get("rule") or "").endswith(":uncertain")]
        printed = [(m, p) for m, p in printed if p is not None]
        if len(printed) < 2:
            continue
        lo = max(p.lo for _, p in printed)
        hi = min(p.hi for _, p in printed)
        if lo <= hi:
            continue  # one value lies within every mention's printed precision
        groups: dict[Decimal, list[dict]] = {}
        for m, p in printed:
            groups.setdefault(p.value, []).append(m)
        if _itemised(printed):
            continue  # the other figures add up to one of them: a total and its items, not one figure
        values = "；".join(
            "、".join(_show(m) for m in ms) + (f"（{len(ms)}处）" if len(ms) > 1 else "") for ms in groups.values()
        )
        # the same words before every value under one heading ("已支付41.00万元 … 已支付13.57万元") list items
        # of one kind, the likelier reading in a report on several projects or funds; different words for
        # one figure ("实际总投入662.77万元" against "全年执行数16.67万元"), or the same words in another section
        # (the conclusion restating the rate), are the contradiction
        yield ctx.finding(
            rule,
            "same_words" if _same_words([m for m, _ in printed], ctx) else "differs",
            msg={"field": label, "values": values},
            evidence=[m.get("evidence") for m, _ in printed],
            expected=fact.get("value"),
            stated=[m.get("value") for m, _ in printed],
            facts={"field": field},
        )


# -- NARR-DEVIATION-REASON ------------------------------------------------------------------------


def has_reason(ind: dict, r: NarrativeRules | None = None) -> bool:
    reason = (ind.get("deviation_reason") or "").strip()
    return bool(reason) and not (r or rules()).rx["template"].search(fold_script(reason))


@check("NARR-DEVIATION-REASON")
def deviation_reason(ctx: Context, rule: CheckRule):
    """A row of the self-evaluation form that misses its target, or loses points, with the 偏差原因 column
    empty (or holding the form's instructions). Only the form has that column: a narrative report may give
    its reasons in running text."""
    if ctx.record.get("meta", {}).get("kind") != "self-table":
        return
    r = rules()
    rows = [i for i in ctx.record.get("indicators", []) if not has_reason(i, r)]
    missed = [i for i in rows if unmet(i)]
    cut = [i for i in rows if below_weight(i) and i not in missed]
    if missed:
        yield ctx.finding(
            rule,
            "unmet",
            msg={"rows": "；".join(_ind_text(i) for i in missed[:4]), "count": len(missed)},
            evidence=[i.get("evidence") for i in missed[:6]],
            facts={"indicators": [i["name"] for i in missed]},
        )
    if cut:
        yield ctx.finding(
            rule,
            "deducted",
            msg={
                "rows": "；".join(f"“{i['name']}”{fmt(dec(i['score']['value']))}/{fmt(dec(i['weight']['value']))}分" for i in cut[:4]),
                "count": len(cut),
            },
            evidence=[i.get("evidence") for i in cut[:6]],
            facts={"indicators": [i["name"] for i in cut]},
        )
