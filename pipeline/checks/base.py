"""The check framework: the catalogue (``rules/checks.yaml``), scoring profiles (``rules/profiles/``), the
context a check reads, and the findings it returns.

A check is a function registered under its rulebook id. It reads the extracted record (and the document,
for text it must quote), and yields findings through ``ctx.finding``, which takes the message template,
severity and source from the catalogue, so a check can be switched off or re-graded there without code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

import regex
import yaml
from pydantic import BaseModel, Field, ValidationError

from pipeline.checks.numbers import Printed, dec
from pipeline.document import Document
from pipeline.facts import jsonable
from pipeline.incomplete import Incomplete
from pipeline.limits import limit_hit
from pipeline.ruleset import RULES_DIR, Problem, RulesError, load, schema, yaml_load

log = logging.getLogger(__name__)

Severity = Literal["error", "warning", "info"]


class CheckRule(BaseModel):
    id: str
    title: str
    family: str
    severity: Severity
    enabled: bool = True
    source: str
    params: dict[str, Any] = Field(default_factory=dict)
    # message templates by variant; "{name}" placeholders are filled by the check
    messages: dict[str, str] = Field(min_length=1)
    # a variant may carry its own severity ("last_digit: info")
    severities: dict[str, Severity] = Field(default_factory=dict)


class Identity(BaseModel):
    # rules (regex on a fact's ``rule``) whose reading leaves open what the figure is: whose total, which
    # column, which project. A finding that cites such a fact is at most a warning.
    uncertain_rules: str
    note: str


@schema("checks.yaml")
class Catalogue(BaseModel):
    version: int
    identity: Identity
    checks: list[CheckRule]

    def check(self) -> list[tuple[tuple, str]]:
        problems = []
        seen = set()
        for i, c in enumerate(self.checks):
            if c.id in seen:
                problems.append((("checks", i, "id"), f"duplicate check id {c.id}"))
            seen.add(c.id)
            for variant in c.severities:
                if variant not in c.messages:
                    problems.append((("checks", i, "severities", variant), "a severity for a variant with no message"))
        return problems


class Profile(BaseModel):
    id: str
    title: str
    applies: dict[str, list[str | None]] = Field(default_factory=dict)
    exec_weight: Decimal | None = None  # the 预算执行率 item's points, when the framework scores it
    exec_cap: bool = True
    denominators: list[str]  # budget fields a stated 预算执行率 may be computed against
    bands: list[tuple[str, Decimal, Decimal]]
    overcompletion: Decimal = Decimal("1.3")
    source: str


def catalogue() -> Catalogue:
    return load("checks.yaml")


@cache
def profiles(rules_dir: Path = RULES_DIR) -> tuple[Profile, ...]:
    out = []
    problems = []
    for path in sorted((rules_dir / "profiles").glob("*.yaml")):
        try:
            out.append(Profile.model_validate(yaml_load(path.read_text(encoding="utf-8"))))
        except (ValidationError, yaml.YAMLError) as exc:
            problems.append(Problem(f"profiles/{path.name}", 1, None, "(profile)", str(exc).splitlines()[0]))
    if problems:
        raise RulesError(problems)
    return tuple(out)


@dataclass
class Finding:
    check: str
    severity: str
    message: str
    expected: Any = None
    stated: Any = None
    grade_changing: bool = False
    evidence: list[dict] = field(default_factory=list)
    source: str = ""
    facts: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "expected": jsonable(self.expected),
            "stated": jsonable(self.stated),
            "grade_changing": self.grade_changing,
            "evidence": self.evidence,
            "source": self.source,
            "facts": jsonable(self.facts),
        }


CheckFn = Callable[["Context", CheckRule], Iterable[Finding]]
REGISTRY: dict[str, CheckFn] = {}


def check(check_id: str) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        REGISTRY[check_id] = fn
        return fn

    return register


class Context:
    """What a check reads: the record, the document, the profiles that fit the report."""

    def __init__(self, record: dict, doc: Document | None, forced_profile: str | None = None):
        self.record = record
        self.doc = doc
        self.profiles = fitting_profiles(record, forced_profile)
        self.identity = catalogue().identity
        self.uncertain = _uncertain_spans(record, regex.compile(self.identity.uncertain_rules))
        # what several checks derive from the same document (the report's sectors …): derived once, by name
        self.shared: dict[str, Any] = {}

    # -- facts -----------------------------------------------------------------------------------
    def fact(self, *path: str) -> dict | None:
        node: Any = self.record
        for key in path:
            if not isinstance(node, dict):
                return None
            node = node.get(key)
        return node if isinstance(node, dict) else None

    def printed(self, *path: str) -> Printed | None:
        return Printed.of_fact(self.fact(*path))

    def named(self, field: str) -> tuple[Printed, dict] | None:
        """A budget figure read by a label that names it: not taken from another figure ("资金已全部到位"
        standing for the budget), not a loose reading, not an unqualified amount (安排…资金, 计划投资) that
        may be one of several budgets. What a check needs to hold two figures against each other in words."""
        fact = self.fact("budget", field)
        rule = (fact or {}).get("rule") or ""
        if not fact or "same-as-budget" in rule or rule.endswith(":uncertain") or rule.startswith("fields:budget.stated"):
            return None
        p = Printed.of_fact(fact)
        return (p, fact) if p is not None and p.value > 0 else None

    def dimension(self, name: str) -> dict | None:
        return next((d for d in self.record.get("score", {}).get("dimensions", []) if d["name"] == name), None)

    @property
    def bands(self) -> list[tuple[str, Decimal, Decimal]] | None:
        """The grade bands the report itself declares, if it prints a full scheme."""
        declared = self.record.get("score", {}).get("bands") or []
        if len({b["grade"] for b in declared}) >= 3:
            return [(b["grade"], dec(b["min"]), dec(b["max"])) for b in declared]
        return None

    def band_sets(self) -> list[tuple[str, list[tuple[str, Decimal, Decimal]]]]:
        """(profile id, bands) for every fitting profile; a declared scheme replaces them all."""
        if self.bands:
            return [("report", self.bands)]
        sets = [(p.id, [(g, dec(lo), dec(hi)) for g, lo, hi in p.bands]) for p in self.profiles]
        # the report grading other scores by one scheme ("乙区81分，良好") rules out the schemes that grade
        # them otherwise; the claim under test is no evidence about its own scheme
        used = [(v, g) for v, g in self.graded_scores() if not self._is_claim(v)]
        kept = [(pid, bands) for pid, bands in sets if all(band_of(v, bands) in (None, g) for v, g in used)]
        return kept or sets

    def graded_scores(self) -> list[tuple[Decimal, str]]:
        """Every score the text pairs with a grade (:func:`pipeline.extract.scores.graded_scores`)."""
        if "graded_scores" not in self.shared:
            from pipeline.extract.scores import graded_scores

            blocks = self.doc.blocks if self.doc is not None else []
            self.shared["graded_scores"] = [p for b in blocks if b.kind in ("paragraph", "heading") for p in graded_scores(b)]
        return self.shared["graded_scores"]

    def _is_claim(self, value: Decimal) -> bool:
        total = self.fact("score", "total")
        return total is not None and dec(total["value"]) == value

    # -- findings --------------------------------------------------------------------------------
    def finding(
        self,
        rule: CheckRule,
        variant: str,
        msg: dict[str, Any],
        evidence: Iterable[dict | None] = (),
        expected: Any = None,
        stated: Any = None,
        grade_changing: bool = False,
        facts: dict | None = None,
        uncertain: bool = False,
    ) -> Finding:
        """A finding of ``rule``: ``msg`` fills the variant's message template (with rule params too).

        An error that cites a fact of uncertain identity (or that the check calls ``uncertain``) is given
        as a warning, with a note saying why."""
        template = rule.messages.get(variant) or next(iter(rule.messages.values()))
        try:
            message = template.format(**{**rule.params, **msg})
        except (KeyError, IndexError) as exc:  # a template naming a value the check does not give
            message = template + f"（模板缺少 {exc}）"
        severity = rule.severities.get(variant, rule.severity)
        cited = [e for e in evidence if e]
        if severity == "error" and (uncertain or any(_span(e) in self.uncertain for e in cited)):
            severity = "warning"
            message += self.identity.note
        return Finding(
            check=rule.id,
            severity=severity,
            message=f"[{rule.id}] {message}",
            expected=expected,
            stated=stated,
            grade_changing=grade_changing,
            evidence=cited,
            source=rule.source,
            facts=facts or {},
        )


def _span(ev: dict) -> tuple:
    return (ev.get("block"), ev.get("start"), ev.get("end"))


def _uncertain_spans(record: dict, rx: regex.Pattern) -> set[tuple]:
    """Where the record's facts of uncertain identity are printed (every mention of them)."""
    facts: list[dict] = [f for f in (record.get("budget") or {}).values() if isinstance(f, dict)]
    score = record.get("score") or {}
    facts += [score.get(k) for k in ("total", "grade", "total_weight") if isinstance(score.get(k), dict)]
    for d in score.get("dimensions") or []:
        facts += [d.get(k) for k in ("weight", "score", "rate") if isinstance(d.get(k), dict)]
    out: set[tuple] = set()
    for f in facts:
        for m in [f] + list(f.get("mentions") or []):
            if m.get("rule") and rx.search(m["rule"]) and m.get("evidence"):
                out.add(_span(m["evidence"]))
    for ind in record.get("indicators") or []:
        if rx.search(ind.get("rule") or ""):
            for k in ("target", "actual", "weight", "score", "completion"):
                node = ind.get(k)
                if isinstance(node, dict) and node.get("evidence"):
                    out.add(_span(node["evidence"]))
            if ind.get("evidence"):
                out.add(_span(ind["evidence"]))
    return out


def evidence_of(fact: dict | None) -> dict | None:
    return (fact or {}).get("evidence")


def band_of(total: Decimal, bands: list[tuple[str, Decimal, Decimal]]) -> str | None:
    """The grade whose band holds the total; a lower bound belongs to its band ("(含)")."""
    for grade, lo, hi in sorted(bands, key=lambda b: -b[1]):
        if total >= lo and (total < hi or hi >= 100):
            return grade
    return None


def fitting_profiles(record: dict, forced: str | None = None) -> list[Profile]:
    all_profiles = profiles()
    if forced:
        chosen = [p for p in all_profiles if p.id == forced]
        if not chosen:
            raise ValueError(f"unknown profile {forced!r}; known: {', '.join(p.id for p in all_profiles)}")
        return chosen
    facts = {
        "framework": record.get("score", {}).get("framework"),
        "kind": record.get("meta", {}).get("kind"),
        "region": record.get("meta", {}).get("region"),
    }
    fit = [p for p in all_profiles if all(facts.get(k) in allowed for k, allowed in p.applies.items())]
    return fit or [p for p in all_profiles if p.id == "national"]


@dataclass
class ChecksRun:
    """The findings of one record's checks, and what stopped them when they did not all run."""

    findings: list[Finding]
    incomplete: Incomplete | None = None


def check_record(record: dict, doc: Document | None, forced_profile: str | None = None) -> ChecksRun:
    """Every enabled, implemented check of the catalogue on one record.

    A check that crashes, or the per-document clock or memory limit firing in one, never passes for a
    check without findings: the run names it (and, for a limit, every check after it) as not run.
    """
    rules = [r for r in catalogue().checks if r.enabled and r.id in REGISTRY]
    out: list[Finding] = []
    crashed: list[str] = []
    first: BaseException | None = None
    try:
        ctx = Context(record, doc, forced_profile)
    except RulesError:
        raise
    except Exception as exc:  # MemoryError and the clock's E_TIMEOUT are Exceptions too
        return ChecksRun([], Incomplete.caught("checks", exc, [r.id for r in rules]))
    for k, rule in enumerate(rules):
        try:
            out.extend(REGISTRY[rule.id](ctx, rule))
        except RulesError:
            raise
        except Exception as exc:
            if limit_hit(exc):
                stopped = Incomplete.caught("checks", exc, crashed + [r.id for r in rules[k:]])
                return ChecksRun(_ordered(out), stopped)
            # one broken check must not lose the document's other findings, nor pass for a clean one
            log.warning("check %s failed on %s: %s: %s", rule.id, record.get("file"), type(exc).__name__, exc)
            crashed.append(rule.id)
            first = first or exc
    incomplete = Incomplete.caught("checks", first, crashed) if first is not None else None
    return ChecksRun(_ordered(out), incomplete)


def run_checks(record: dict, doc: Document | None, forced_profile: str | None = None) -> list[Finding]:
    """The findings of :func:`check_record`; raises when the checks did not all run."""
    run = check_record(record, doc, forced_profile)
    if run.incomplete is not None:
        raise RuntimeError(f"checks incomplete: {run.incomplete.detail}")
    return run.findings


def _ordered(out: list[Finding]) -> list[Finding]:
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(out, key=lambda f: (order[f.severity], f.check))
