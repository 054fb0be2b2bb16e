"""Chinese quantities: amounts, rates, scores, counts, ranges and comparators, with their spans.

The words, units and shapes are data (``rules/quantities.yaml``); this module only holds how the fragments
compose (comparator, number, unit, range, postfix comparator) and turns a match into a :class:`Quantity`.

Money keeps the value and unit as printed (``yuan`` converts exactly); other kinds are scaled to their base
unit (12.4万人 is 124000 人). Document numbers, dates, years, list numbering, masked and code-like numbers
and corrupted number tokens are masked out first, so they never yield a value.

>>> parse_quantity("662.77万元").yuan
Decimal('6627700')
>>> q = parse_quantity("≥95%")
>>> q.op, q.value, q.unit, q.kind
('>=', Decimal('95'), '%', 'percent')
>>> parse_quantity("叁拾伍万贰仟元整").yuan
Decimal('352000')
>>> [(q.text, q.start, q.end) for q in find_quantities("截至2023年12月31日，已使用151.08万元，无结余")]
[('151.08万元', 17, 25)]
>>> find_quantities("财预〔2020〕10号")
[]
"""

from __future__ import annotations

import decimal
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from itertools import pairwise
from typing import Literal

import regex
from pydantic import BaseModel, Field, field_validator, model_validator

from pipeline.literals import Prefilter, may_match, required
from pipeline.ruleset import load, schema

Op = Literal[">=", "<=", ">", "<", "="]
Kind = Literal["money", "percent", "points", "count", "score", "number", "qualitative", "range", "date"]

# Masked characters: what an exclusion rule matched can no longer take part in a quantity.
_MASK = "\uffff"
# Decimal arithmetic here only multiplies printed numbers by powers of ten; this precision keeps it exact.
_CTX = decimal.Context(prec=80, traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])
_MAX_DIGITS = 30  # a longer number is no amount; shorter ones stay exact under _CTX
_FLAGS = regex.ASCII  # \d is [0-9] and \s is ASCII white space; the Chinese characters are spelled out


@dataclass(frozen=True)
class Quantity:
    """One quantity as stated. ``text == source[start:end]``.

    value: money as printed (unit 万元 → value in 万元); any other kind scaled to its base unit.
    factor: for money, the yuan per printed unit (万元 → 10000).
    """

    value: Decimal | None
    unit: str | None
    op: Op | None
    kind: Kind
    text: str
    start: int
    end: int
    low: Decimal | None = None
    high: Decimal | None = None
    qualitative: bool = False
    per: str | None = None
    factor: Decimal | None = field(default=None, repr=False)

    @property
    def yuan(self) -> Decimal | None:
        """A money value in yuan, exactly (``None`` for any other kind or a range).

        >>> parse_quantity("1.36亿元").yuan, parse_quantity("148.6500万元").yuan
        (Decimal('136000000'), Decimal('1486500'))
        """
        if self.kind != "money" or self.value is None or self.factor is None:
            return None
        return _tidy(_CTX.multiply(self.value, self.factor))


def _tidy(d: Decimal) -> Decimal:
    """148.6500 × 10000 is printed 1486500, 0.3 × 0.1 is 0.03."""
    if d == d.to_integral_value(context=_CTX):
        return d.quantize(Decimal(1), context=_CTX)
    return d.normalize(_CTX)


# -- schema ---------------------------------------------------------------------------------------------------


class Expect(BaseModel):
    """One example: the text, and what the parser must find in it.

    find (default): find_quantities(text) has a quantity at ``span`` (or, without span, its first one) whose
    given fields equal these; ``count`` is the number of quantities found. parse: the same for
    parse_quantity(text). Fields left out are not compared; ``op: null`` demands no comparator.
    """

    text: str
    call: Literal["find", "parse"] = "find"
    default_unit: str | None = None
    span: tuple[int, int] | None = None
    count: int | None = None
    kind: Kind | None = None
    value: Decimal | None = None
    unit: str | None = None
    op: Op | None = None
    yuan: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    per: str | None = None
    qualitative: bool | None = None


class Counter(BaseModel):
    """A text that must yield nothing (or, with ``kind``, nothing of that kind; e.g. no money)."""

    text: str
    call: Literal["find", "parse"] = "find"
    default_unit: str | None = None
    kind: Kind | None = None


class Checked(BaseModel):
    examples: list[Expect] = Field(default_factory=list)
    counterexamples: list[Counter] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_examples(self) -> Checked:
        if not self.examples and not self.counterexamples:
            raise ValueError("a rule needs examples or counterexamples")
        return self


def _words(v):
    """A word list is a list (factor 1 each) or a mapping word → factor."""
    if isinstance(v, list):
        return {w: 1 for w in v}
    return v


class UnitGroup(Checked):
    id: str
    kind: Literal["money", "percent", "points", "count", "score"]
    words: dict[str, Decimal] = Field(min_length=1)
    canonical: dict[str, str] = Field(default_factory=dict)
    base: str | None = None  # scaled kinds: the unit every word converts to (‰ → %); else the word itself
    magnitudes: bool = False  # 万/亿/千 may stand before the unit (万人, 万亩; 万元 for money)
    strong: bool = False  # a one-character Chinese numeral may carry this unit (五元, 三个百分点)
    integral: bool = False  # whole things: "2.126件" at a clause start is item 2 and 126件
    not_followed_by: str | None = None  # regex: the unit is not this word (分 in 分别)
    description: str = ""

    @field_validator("words", mode="before")
    @classmethod
    def _word_list(cls, v):
        return _words(v)


class Magnitudes(Checked):
    words: dict[str, Decimal] = Field(min_length=1)
    canonical: dict[str, str] = Field(default_factory=dict)
    description: str = ""


class MoreThan(Checked):
    words: list[str] = Field(min_length=1)
    op: Op
    description: str = ""


class Comparator(Checked):
    id: str
    position: Literal["prefix", "postfix"]
    op: Op
    words: list[str] = Field(min_length=1)
    inclusive_op: Op | None = None  # postfix with （含）
    exclusive_op: Op | None = None  # postfix with （不含）
    only_after: list[str] = Field(default_factory=list)  # postfix only after these units (24小时内)
    not_after: str | None = None  # regex: not a comparator after this (下达 is no 达)
    description: str = ""


class Exclusion(Checked):
    id: str
    role: Literal["mask", "date"] = "mask"
    pattern: str
    description: str = ""


class DateRules(BaseModel):
    suffix_ops: dict[str, Op]  # 前 → "<=": a date target "2020年11月底前"
    suffix: str  # regex: what may follow a date (底, 前, 以来 …) and belongs to it


class MoneyContext(Checked):
    window: int = Field(gt=0)
    keywords: list[str] = Field(min_length=1)
    description: str = ""


class ChineseNumerals(Checked):
    digits: dict[str, int]
    units: dict[str, int]
    big: dict[str, int]
    point: str
    zero: list[str]


class Qualitative(Checked):
    phrases: list[str] = Field(min_length=1)
    pattern: str
    whole_cell: list[str] = Field(default_factory=list)
    cell_trim: str = ""  # regex of characters trimmed around a whole cell


class Fold(BaseModel):
    table: dict[str, str] = Field(default_factory=dict)
    ranges: list[tuple[str, str, str]] = Field(default_factory=list)
    ocr: dict[str, str] = Field(default_factory=dict)  # letters read for digits, only where they touch digits
    ocr_pattern: str = ""

    @model_validator(mode="after")
    def _one_to_one(self) -> Fold:
        for k, v in list(self.table.items()) + list(self.ocr.items()):
            if len(k) != 1 or len(v) != 1:
                raise ValueError(f"folds keep positions: {k!r} -> {v!r} must be one character to one")
        for first, last, repl in self.ranges:
            if len(first) != 1 or len(last) != 1 or len(repl) != 1 or ord(first) > ord(last):
                raise ValueError(f"bad range {first!r}-{last!r} -> {repl!r}")
        return self


_OCR_RUN = frozenset("0123456789OoIl.")  # a figure as OCR may print it: digits, the letters it reads them as, a point


@schema("quantities.yaml")
class QuantityRules(BaseModel):
    version: int
    fragments: dict[str, str]
    fold: Fold
    chinese_numerals: ChineseNumerals
    magnitudes: Magnitudes
    more_than: MoreThan
    units: list[UnitGroup] = Field(min_length=1)
    per_words: list[str] = Field(min_length=1)
    comparators: list[Comparator] = Field(min_length=1)
    money_context: MoneyContext
    dates: DateRules
    exclusions: list[Exclusion] = Field(min_length=1)
    qualitative: Qualitative
    examples: list[Expect] = Field(default_factory=list)
    counterexamples: list[Counter] = Field(default_factory=list)

    model_config = {"ignored_types": (cached_property,)}

    @cached_property
    def grammar(self) -> _Grammar:
        return _Grammar(self)

    def check(self) -> list[tuple[tuple, str]]:
        problems: list[tuple[tuple, str]] = []
        seen: dict[str, str] = {}
        for i, g in enumerate(self.units):
            for w in g.words:
                if w in seen:
                    problems.append((("units", i, "words"), f"unit {w!r} is also in {seen[w]}"))
                seen[w] = g.id
        for i, g in enumerate(self.units):
            for w in g.words:
                for mag in self.magnitudes.words:
                    if w.startswith(mag):
                        problems.append(
                            (
                                ("units", i, "words"),
                                f"unit {w!r} starts with the magnitude {mag!r}: list {w[len(mag) :]!r}",
                            )
                        )
        for i, c in enumerate(self.comparators):
            if c.position == "prefix" and (c.inclusive_op or c.exclusive_op or c.only_after):
                problems.append(
                    (("comparators", i), "inclusive_op/exclusive_op/only_after are for postfixes")
                )
            for u in c.only_after:
                if u not in seen:
                    problems.append((("comparators", i, "only_after"), f"{u!r} is not a unit word"))
        ids = [x.id for x in self.exclusions] + [x.id for x in self.units] + [x.id for x in self.comparators]
        for dup in sorted({x for x in ids if ids.count(x) > 1}):
            problems.append((("exclusions",), f"duplicate rule id {dup}"))
        try:
            g = self.grammar
        except _GrammarError as exc:
            return problems + [(exc.loc, exc.msg)]
        broken = g._broken_fragment()  # one the grammar's patterns do not use
        if broken is not None:
            return problems + [(broken, "pattern does not compile")]
        if problems:
            return problems
        runs: list[tuple[tuple, Checked | QuantityRules]] = [((), self)]
        runs += [(("units", i), u) for i, u in enumerate(self.units)]
        runs += [(("comparators", i), c) for i, c in enumerate(self.comparators)]
        runs += [(("exclusions", i), e) for i, e in enumerate(self.exclusions)]
        runs += [(("magnitudes",), self.magnitudes), (("more_than",), self.more_than)]
        runs += [(("money_context",), self.money_context), (("chinese_numerals",), self.chinese_numerals)]
        runs += [(("qualitative",), self.qualitative)]
        for loc, rule in runs:
            for j, ex in enumerate(rule.examples):
                msg = _check_example(ex, g)
                if msg:
                    problems.append(((*loc, "examples", j), msg))
            for j, ce in enumerate(rule.counterexamples):
                msg = _check_counter(ce, g)
                if msg:
                    problems.append(((*loc, "counterexamples", j), msg))
        return problems


def _show(q: Quantity) -> str:
    parts = [f"{q.kind} {q.text!r}@{q.start}-{q.end}", f"value={q.value}", f"unit={q.unit}", f"op={q.op}"]
    if q.kind == "range":
        parts.append(f"{q.low}..{q.high}")
    if q.per:
        parts.append(f"per={q.per}")
    return " ".join(parts)


def _check_example(ex: Expect, g: _Grammar) -> str | None:
    if ex.call == "parse":
        q = parse_quantity(ex.text, ex.default_unit, g=g)
        found = [q] if q else []
    else:
        found = find_quantities(ex.text, ex.default_unit, g=g, qualitative=bool(ex.qualitative))
    if ex.count is not None and len(found) != ex.count:
        return f"finds {len(found)} quantities, expected {ex.count}: {[_show(q) for q in found]}"
    if ex.span is not None:
        found = [q for q in found if (q.start, q.end) == tuple(ex.span)]
        if not found:
            return f"finds no quantity at {list(ex.span)}: {[_show(q) for q in _all(ex, g)]}"
    if not found:
        return "finds nothing"
    q = found[0]
    for name in ("kind", "value", "unit", "op", "yuan", "low", "high", "per", "qualitative"):
        if name in ex.model_fields_set:
            want, got = getattr(ex, name), getattr(q, name)
            if want != got:
                return f"{name} is {got!r}, expected {want!r} ({_show(q)})"
    return None


def _all(ex: Expect, g: _Grammar) -> list[Quantity]:
    if ex.call == "parse":
        q = parse_quantity(ex.text, ex.default_unit, g=g)
        return [q] if q else []
    return find_quantities(ex.text, ex.default_unit, g=g)


def _check_counter(ce: Counter, g: _Grammar) -> str | None:
    if ce.call == "parse":
        q = parse_quantity(ce.text, ce.default_unit, g=g)
        found = [q] if q else []
    else:
        found = find_quantities(ce.text, ce.default_unit, g=g)
    if ce.kind:
        found = [q for q in found if q.kind == ce.kind]
    if found:
        return (
            f"must yield nothing{' of kind ' + ce.kind if ce.kind else ''}, finds {[_show(q) for q in found]}"
        )
    return None


# -- grammar ---------------------------------------------------------------------------------------------------


class _GrammarError(Exception):
    def __init__(self, loc: tuple, msg: str):
        super().__init__(msg)
        self.loc, self.msg = loc, msg


@dataclass(frozen=True)
class _Unit:
    group: UnitGroup
    factor: Decimal
    name: str  # canonical word


def _alt(words) -> str:
    """An alternation that tries longer words first (one that never matches when there are none)."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) or "(?!)"


def _cls(chars) -> str:
    return "".join(regex.escape(c) for c in sorted(set(chars)))


_REF = regex.compile(r"\{([a-z_]+)\}")


class _Grammar:
    """The compiled rules."""

    def __init__(self, r: QuantityRules):
        self.r = r
        cn = r.chinese_numerals
        self.cn_digits = cn.digits
        self.cn_units = {**cn.units, **cn.big}
        self.cn_big = cn.big
        self.cn_zero = set(cn.zero)
        self.units: dict[str, _Unit] = {}
        for g in r.units:
            for w, f in g.words.items():
                self.units[w] = _Unit(g, f, g.canonical.get(w, w))
        self.mags = r.magnitudes.words
        self.mag_names = r.magnitudes.canonical
        self.prefix_ops: dict[str, Comparator] = {}
        self.postfix_ops: dict[str, Comparator] = {}
        for c in r.comparators:
            for w in c.words:
                (self.prefix_ops if c.position == "prefix" else self.postfix_ops)[w] = c
        generated = {
            "cn_digit": _cls(cn.digits),
            "cn_char": _cls(list(cn.digits) + list(cn.units) + list(cn.big)),
            "cn_point": regex.escape(cn.point),
            "magnitude": _alt(r.magnitudes.words),
            "more_than": _alt(r.more_than.words),
            "unit": "|".join(self._unit_alts(r)),
            "integral_unit": _alt(w for g in r.units if g.integral for w in g.words),
            "per_word": _alt(list(r.per_words) + [w for g in r.units if g.kind == "count" for w in g.words]),
            "cmp_prefix": self._cmp_alt(self.prefix_ops),
            "cmp_postfix": self._cmp_alt(self.postfix_ops),
            "money_word": _alt(r.money_context.keywords),
        }
        frags = dict(r.fragments)
        for k in generated:
            if k in frags:
                raise _GrammarError(("fragments", k), f"{k} is generated from the rules; do not define it")
        frags.update(generated)
        self.frags = frags

        def compile_(pattern: str, loc: tuple) -> regex.Pattern:
            try:
                return regex.compile(self.expand(pattern, loc), _FLAGS)
            except regex.error as exc:
                raise _GrammarError(self._broken_fragment() or loc, f"pattern does not compile: {exc}") from None

        self.rx = compile_(
            "(?:(?P<pre>{cmp_prefix}){sp})?"
            "(?:(?P<perpre>{per_prefix}){sp})?"
            "(?:"
            "(?P<pp>{percent_prefix})(?P<pn>{number}|{cn_percent})"
            "|"
            "(?P<sign>{sign})?(?P<a>{num_left}{number}|{cn_number})"
            "(?:{sp}(?P<ma>{magnitude}))?(?P<mo>{more_than})?(?:{sp}(?P<ua>{unit}))?"
            "(?P<pa>{per})?(?P<ia>{inclusive}|{exclusive})?"
            "(?:{sp}(?P<sep>{range_sep}){sp}(?P<b>{number}|{cn_number})"
            "(?:{sp}(?P<mb>{magnitude}))?{sp}(?P<ub>{unit})(?P<pb>{per})?(?P<ib>{inclusive}|{exclusive})?)?"
            ")"
            "(?:{sp}(?P<post>{cmp_postfix}))?(?P<ic>{inclusive}|{exclusive})?",
            ("fragments",),
        )
        self.exclusive_rx = compile_("{exclusive}", ("fragments", "exclusive"))
        self.unit_rx = compile_(
            "(?P<ma>{magnitude})?(?P<ua>{unit})(?P<pa>{per})?|(?P<ma2>{magnitude})", ("units",)
        )
        self.year_rx = compile_("{year_bare}", ("fragments", "year_bare"))
        self.after_bare_rx = compile_("{latin_after}|{bare_blockers}", ("fragments", "bare_blockers"))
        self.per_sep_rx = compile_("{per_sep}", ("fragments", "per_sep"))
        self.sum_rx = compile_("{sum_join}", ("fragments", "sum_join"))
        kw_window = r.money_context.window
        self.money_rx = compile_(
            f"(?:{{money_word}})(?:(?!{{clause_end}}).){{0,{kw_window}}}\\Z", ("money_context",)
        )
        self.money_reach = kw_window + max(len(w) for w in r.money_context.keywords)
        self.date_suffix_rx = compile_("(?P<suf>" + r.dates.suffix + ")", ("dates", "suffix"))
        # each with the words it needs: most texts hold no date, code or document number to mask
        self.exclusions: list[tuple[Exclusion, regex.Pattern, tuple[frozenset[str], ...]]] = []
        for i, ex in enumerate(r.exclusions):
            rx = compile_(ex.pattern, ("exclusions", i, "pattern"))
            self.exclusions.append((ex, rx, required(rx.pattern)))
        # which exclusions a text may hold, by one scan for all their words instead of a substring test per
        # exclusion per text (a report's 70 texts to scan, 20 exclusions each). Masking only takes words
        # away, so what the masked text may hold the first text held too, unless a word holds the mask.
        self.exclusion_filter = (
            Prefilter([rx.pattern for _, rx, _ in self.exclusions])
            if not any(_MASK in w for _, _, needs in self.exclusions for words in needs for w in words)
            else None
        )
        q = r.qualitative
        self.qual_rx = compile_(_alt(q.phrases) + "|" + q.pattern, ("qualitative", "pattern"))
        self.cell_rx = compile_(
            "(?:{t})*(?P<w>{w})(?:{t})*".format(t=q.cell_trim or "(?!)", w=_alt(q.whole_cell) or "(?!)"),
            ("qualitative", "whole_cell"),
        )
        fold = dict(r.fold.table)
        for first, last, repl in r.fold.ranges:
            for k in range(ord(last) - ord(first) + 1):
                fold[chr(ord(first) + k)] = chr(ord(repl) + k)
        self.fold = str.maketrans(fold)
        # any character the fold replaces (the stdlib's character class: normalised text rarely has one)
        self.fold_any = re.compile("[" + "".join(map(re.escape, sorted(fold))) + "]") if fold else None
        self.ocr = str.maketrans(r.fold.ocr)
        # every value is read from ASCII digits or from Chinese numerals (value(), cn_value()): a text with
        # neither states no quantity, and the grammar is not run over it
        numerals = "".join(map(re.escape, sorted({*self.cn_digits, *self.cn_units})))
        self.numeral_any = re.compile(f"[0-9{numerals}]")
        self.ocr_rx = compile_(r.fold.ocr_pattern or "(?!)", ("fold", "ocr_pattern"))

    def _broken_fragment(self) -> tuple | None:
        """Where a pattern that does not compile went wrong: the first fragment that does not compile alone
        (looked for only then, and by `jixiao rules lint`: compiling each costs a start-up 20 ms)."""
        for k in self.r.fragments:
            try:
                regex.compile(self.expand("{" + k + "}", ("fragments", k)), _FLAGS)
            except regex.error:
                return ("fragments", k)
        return None

    @staticmethod
    def _cmp_alt(ops: dict[str, Comparator]) -> str:
        alts = []
        for w in sorted(ops, key=lambda w: (-len(w), w)):
            guard = f"(?<!{ops[w].not_after})" if ops[w].not_after else ""
            alts.append(guard + regex.escape(w))
        return "|".join(alts)

    def _unit_alts(self, r: QuantityRules) -> list[str]:
        words = []
        for g in r.units:
            tail = ""
            if g.not_followed_by:
                tail += f"(?!{g.not_followed_by})"
            for w in g.words:
                latin = "(?![A-Za-z])" if regex.search(r"[A-Za-z]$", w) else ""
                words.append((w, regex.escape(w) + tail + latin))
        words.sort(key=lambda x: (-len(x[0]), x[0]))
        return [p for _, p in words]

    def expand(self, pattern: str, loc: tuple, depth: int = 0) -> str:
        if depth > 12:
            raise _GrammarError(loc, "fragments refer to each other in a cycle")

        def sub(m: regex.Match) -> str:
            name = m.group(1)
            if name not in self.frags:
                raise _GrammarError(loc, f"unknown fragment {{{name}}}")
            return "(?:" + self.expand(self.frags[name], loc, depth + 1) + ")"

        return _REF.sub(sub, pattern)

    # -- numbers -------------------------------------------------------------------------------------------

    def cn_value(self, s: str) -> Decimal | None:
        """A Chinese numeral: 三十四万二千 → 342000, 九十二点五 → 92.5, 二〇二三 → 2023; None if ambiguous."""
        point = self.r.chinese_numerals.point
        whole, _, frac = s.partition(point)
        if any(c not in self.cn_digits for c in frac):
            return None
        if not whole:
            return None
        if all(c in self.cn_digits for c in whole):
            if len(whole) > 1 and not any(c in self.cn_zero for c in whole):
                return None  # 三四个 is "three or four", 一一 is "one by one"
            n = Decimal("".join(str(self.cn_digits[c]) for c in whole))
        else:
            total = section = 0
            num: int | None = None
            prev_digit = False
            prev_unit = 0
            last_big = 0
            for c in whole:
                if c in self.cn_digits:
                    d = self.cn_digits[c]
                    if prev_digit and num:
                        return None  # two digits in a row (三四十)
                    num, prev_digit = d, True
                    continue
                u = self.cn_units.get(c)
                if u is None:
                    return None
                if c in self.cn_big:
                    section += num or 0
                    if last_big and u > last_big:
                        total = (total + section) * u
                    else:
                        total += section * u
                    last_big = u
                    section = 0
                else:
                    section += (1 if num is None else num) * u
                num, prev_digit, prev_unit = None, False, u
            if num is not None and prev_digit and prev_unit >= 100 and whole[-2] not in self.cn_zero:
                num = num * prev_unit // 10  # 一万五 is 15000, 三千五 is 3500
            n = Decimal(total + section + (num or 0))
        if frac:
            n += Decimal("0." + "".join(str(self.cn_digits[c]) for c in frac))
        return n

    def value(self, s: str) -> tuple[Decimal | None, bool]:
        """(value, chinese?) of a number as written."""
        if s and s[0] in "0123456789":
            digits = s.replace(",", "")
            if len(digits) > _MAX_DIGITS:
                return None, False
            try:
                return Decimal(digits), False
            except decimal.DecimalException:
                return None, False
        if len(s) > _MAX_DIGITS:
            return None, True
        return self.cn_value(s), True

    # -- scanning ------------------------------------------------------------------------------------------

    def _ocr_repair(self, s: str, m) -> str:
        """The OCR letters of a match as digits, when the run of digits and such letters they stand in has
        at least as many digits as letters (2O22, I26, 1O); a run mostly of letters (IOI1I3 for 1011.13, its
        point lost too) is no figure that can be trusted, and stays as printed."""
        a, b = m.span()
        while a > 0 and s[a - 1] in _OCR_RUN:
            a -= 1
        while b < len(s) and s[b] in _OCR_RUN:
            b += 1
        digits = sum(ch.isdigit() for ch in s[a:b])
        return m.group(0).translate(self.ocr) if digits >= (b - a) - digits else m.group(0)

    def prepare(self, text: str) -> tuple[str, list[Quantity]]:
        """Fold characters one to one, repair OCR letters in numbers, then mask the exclusions.

        Returns the masked text (same length as ``text``) and the dates that were masked.
        """
        s = text.translate(self.fold) if self.fold_any is not None and self.fold_any.search(text) else text
        if len(s) != len(text):  # cannot happen with one-to-one folds; stay safe on any input
            s = text
        s = self.ocr_rx.sub(lambda m: self._ocr_repair(s, m), s)
        dates: list[Quantity] = []
        ruled_in = self.exclusion_filter.candidates(s) if self.exclusion_filter is not None else range(len(self.exclusions))
        for k in ruled_in:  # in the rules' order, as they mask one after another
            ex, rx, needs = self.exclusions[k]
            if not may_match(needs, s):
                continue
            spans = []
            for m in rx.finditer(s):
                if m.end() <= m.start():
                    continue
                a, b = m.span()
                if ex.role == "date":
                    op = None
                    suf = self.date_suffix_rx.match(s, b)
                    if suf and suf.end() > b:
                        b = suf.end()
                        op = next(
                            (o for w, o in self.r.dates.suffix_ops.items() if suf.group(0).endswith(w)), None
                        )
                    dates.append(Quantity(None, None, op, "date", text[a:b], a, b))
                spans.append((a, b))
            if spans:
                chars = list(s)
                for a, b in spans:
                    chars[a:b] = _MASK * (b - a)
                s = "".join(chars)
        return s, dates

    def unit_info(self, mag: str | None, unit: str | None) -> tuple[_Unit | None, Decimal, str]:
        """(unit, magnitude factor, magnitude name)."""
        f = self.mags.get(mag, Decimal(1)) if mag else Decimal(1)
        name = self.mag_names.get(mag, mag) if mag else ""
        return (self.units.get(unit) if unit else None), f, name

    def default(self, default_unit: str | None) -> tuple[_Unit | None, Decimal, str, str | None, str | None]:
        """A default unit (a table's 度量单位): (unit, magnitude factor, magnitude name, per, unknown word)."""
        if not default_unit or not isinstance(default_unit, str):
            return None, Decimal(1), "", None, None
        d = default_unit.translate(self.fold).strip()
        m = self.unit_rx.fullmatch(d)
        if not m:
            return None, Decimal(1), "", None, (d or None)
        if m.group("ma2"):
            return (
                None,
                self.mags[m.group("ma2")],
                self.mag_names.get(m.group("ma2"), m.group("ma2")),
                None,
                None,
            )
        u, f, name = self.unit_info(m.group("ma"), m.group("ua"))
        return u, f, name, _per(m.group("pa"), self), None

    def money_context(self, s: str, start: int) -> bool:
        # the text is scanned as printed; its words may be in traditional script ("補貼資金60萬")
        from pipeline.normalize import fold_script

        return bool(self.money_rx.search(fold_script(s[max(0, start - self.money_reach) : start])))


def _per(s: str | None, g: _Grammar) -> str | None:
    """/人/年 or 每人 → 人/年."""
    if not s:
        return None
    return g.per_sep_rx.sub("/", s).strip("/") or None


def _op_for_post(c: Comparator, marker: str | None, g: _Grammar) -> str:
    if marker:
        if g.exclusive_rx.fullmatch(marker):
            return c.exclusive_op or c.op
        return c.inclusive_op or c.op
    return c.op


def _build(m: regex.Match, s: str, text: str, default_unit: str | None, g: _Grammar) -> Quantity | None:
    """A Quantity from a grammar match, or None when the match is not one (the caller moves on)."""
    gd = m.groupdict()  # one call: a match names 19 groups and most are read here
    start = m.start()
    pre = g.prefix_ops[gd["pre"]].op if gd["pre"] else None
    per = _per(gd["perpre"], g)

    if gd["pn"] is not None:  # 百分之九十五点三
        v, _ = g.value(gd["pn"])
        if v is None:
            return None
        end = m.end("pn")
        post = None
        if gd["post"] and not g.postfix_ops[gd["post"]].only_after:
            post, end = _op_for_post(g.postfix_ops[gd["post"]], gd["ic"], g), m.end("post")
            end = m.end("ic") if gd["ic"] else end
        pct = next(u for u in g.units.values() if u.group.kind == "percent" and u.factor == 1)
        return Quantity(
            v, pct.group.base or pct.name, pre or post, "percent", text[start:end], start, end, per=per
        )

    a_text = gd["a"]
    a, a_cn = g.value(a_text)
    if a is None:
        return None
    if gd["sign"]:
        a = -a
    ua, ma = gd["ua"], gd["ma"]
    unit, magf, magname = g.unit_info(ma, ua)
    a_end = m.end("a")
    # Where the quantity itself ends (before any comparator after it).
    end = max(m.end(k) for k in ("a", "ma", "mo", "ua", "pa") if gd[k] is not None)
    per = per or _per(gd["pa"], g)

    # A Chinese numeral needs a unit (一致, 十分 are words), and one character needs a strong one (一次性,
    # 三人行, 十分重要); in a range (六十至八十分) the unit after the second number counts.
    cn_word = a_cn and ((unit is None and not ma) or (len(a_text) == 1 and not (unit and unit.group.strong)))
    if cn_word and gd["b"] is None:
        return None
    # 叁拾陆万元: the trailing 万 is the magnitude of the money unit
    if a_cn and unit and unit.group.kind == "money" and not ma and a_text[-1] in g.cn_big and len(a_text) > 1:
        inner, _ = g.value(a_text[:-1])
        if inner is not None:
            a, magf, magname = inner, g.mags[a_text[-1]], g.mag_names.get(a_text[-1], a_text[-1])

    if unit and ma and not unit.group.magnitudes:
        return None  # 5万% is not a quantity
    if unit is None and not ma:
        nxt = s[a_end : a_end + 1]
        if nxt and g.after_bare_rx.match(nxt):
            return None  # 5G, 139*, 9号, 10时
    op = pre
    if not op and gd["mo"]:
        op = g.r.more_than.op

    # A range: 80-90分, 5至10个, 80%～90%, 80分（含）至90分.
    if gd["b"] is not None:
        rq = _range(m, g, text, a, unit, magf, magname, start, per)
        if rq is not None:
            return rq
        # Not a range after all: the first number alone; the second is found on its own.
        if cn_word:
            return None
    elif gd["post"]:
        post_c = g.postfix_ops[gd["post"]]
        if not post_c.only_after or ua in post_c.only_after:
            if not op:
                op = _op_for_post(post_c, gd["ia"] or gd["ic"], g)
            end = m.end("ic") if gd["ic"] else m.end("post")

    try:
        return _quantity(a, unit, magf, magname, op, text, start, end, per, default_unit, g, s)
    except decimal.DecimalException:
        return None


def _quantity(a, unit, magf, magname, op, text, start, end, per, default_unit, g, s) -> Quantity | None:
    t = text[start:end]
    if unit is None:
        du, dmagf, dmagname, dper, unknown = g.default(default_unit)
        per = per or dper
        if magname:  # a magnitude alone: 402.18万
            if (du is not None and du.group.kind == "money") or (du is None and g.money_context(s, start)):
                money = _base_money(g)
                return Quantity(a, magname + money.name, op, "money", t, start, end, per=per, factor=magf)
            if du is not None:
                unit = du
            else:
                return Quantity(
                    _tidy(_CTX.multiply(a, magf)),
                    unknown,
                    op,
                    "count" if unknown else "number",
                    t,
                    start,
                    end,
                    per=per,
                )
        elif du is not None:
            unit, magf, magname = du, dmagf, dmagname
        elif unknown is not None:
            return Quantity(_tidy(a), unknown, op, "count", t, start, end, per=per)
        elif g.year_rx.fullmatch(t) and op is None:
            return Quantity(None, None, None, "date", t, start, end)  # a bare year
        else:
            return Quantity(_tidy(a), None, op, "number", t, start, end, per=per)
    grp = unit.group
    if grp.kind == "money":
        f = _CTX.multiply(magf, unit.factor)
        return Quantity(a, magname + unit.name, op, "money", t, start, end, per=per, factor=f)
    v = _tidy(_CTX.multiply(_CTX.multiply(a, magf), unit.factor))
    return Quantity(v, grp.base or unit.name, op, grp.kind, t, start, end, per=per)


def _base_money(g: _Grammar) -> _Unit:
    return next(u for u in g.units.values() if u.group.kind == "money" and u.factor == 1)


def _range(m, g, text, a, unit_a, magf_a, magname_a, start, per) -> Quantity | None:
    b, b_cn = g.value(m.group("b"))
    if b is None or (b_cn and len(m.group("b")) == 1 and not g.units[m.group("ub")].group.strong):
        return None
    if g.value(m.group("a"))[1] and len(m.group("a")) == 1 and not g.units[m.group("ub")].group.strong:
        return None
    unit_b, magf_b, magname_b = g.unit_info(m.group("mb"), m.group("ub"))
    if unit_b is None:
        return None
    if unit_a is not None and (unit_a.group.base or unit_a.name) != (unit_b.group.base or unit_b.name):
        return None  # 5小时-3天 is no range of one unit (80%～90百分比 is)
    if m.group("ma") is None and unit_a is None:
        magf_a, magname_a = magf_b, magname_b
    ua = unit_a or unit_b
    end = max(m.end(k) for k in ("b", "mb", "ub", "pb", "ib") if m.group(k) is not None)
    per = per or _per(m.group("pb"), g)
    try:
        if unit_b.group.kind == "money":
            if magname_a != magname_b:
                return None
            return Quantity(
                None,
                magname_b + unit_b.name,
                None,
                "range",
                text[start:end],
                start,
                end,
                low=a,
                high=b,
                per=per,
                factor=_CTX.multiply(magf_b, unit_b.factor),
            )
        lo = _tidy(_CTX.multiply(_CTX.multiply(a, magf_a), ua.factor))
        hi = _tidy(_CTX.multiply(_CTX.multiply(b, magf_b), unit_b.factor))
    except decimal.DecimalException:
        return None
    return Quantity(
        None,
        unit_b.group.base or unit_b.name,
        None,
        "range",
        text[start:end],
        start,
        end,
        low=lo,
        high=hi,
        per=per,
    )


# Extraction and the checks ask about the same blocks, sentences and cells many times over (a 20 KB report:
# 740 scans of 120 distinct texts); Quantity is frozen and the results are tuples, so they can be shared.
@lru_cache(maxsize=4096)
def _scan(text: str, default_unit: str | None, g: _Grammar) -> tuple[tuple[Quantity, ...], tuple[Quantity, ...]]:
    """(quantities, dates) in ``text``; quantities include bare years as kind "date"."""
    if not isinstance(text, str) or not text:
        return (), ()
    s, dates = g.prepare(text)
    if not g.numeral_any.search(s):
        return (), tuple(dates)
    out: list[Quantity] = []
    pos = 0
    while pos < len(s):
        m = g.rx.search(s, pos)
        if m is None:
            break
        try:
            q = _build(m, s, text, default_unit, g)
        except (decimal.DecimalException, KeyError, IndexError, ValueError):
            q = None
        if q is None or q.end <= q.start:
            pos = m.start() + 1
            continue
        out.append(q)
        pos = q.end
    return tuple(out), tuple(dates)


def _grammar(g: _Grammar | None) -> _Grammar:
    return g if g is not None else rules().grammar


def rules() -> QuantityRules:
    return load("quantities.yaml")


def find_quantities(
    text: str, default_unit: str | None = None, *, qualitative: bool = False, g: _Grammar | None = None
) -> list[Quantity]:
    """Every quantity stated in ``text``, in order, with spans into ``text``.

    Dates, years, document numbers, list numbering, masked numbers, codes and corrupted number tokens give
    nothing. ``default_unit`` is the unit of bare numbers (a table column's 度量单位). With
    ``qualitative=True`` the qualitative phrases (效果明显 …) are included.

    >>> [(q.kind, q.op, q.value, q.unit) for q in find_quantities("指标值：≥80000人，实际完成值：87411人，指标完成率109.26%")]
    [('count', '>=', Decimal('80000'), '人'), ('count', None, Decimal('87411'), '人'), ('percent', None, Decimal('109.26'), '%')]
    >>> find_quantities("2,96.6.51万元")
    []
    """
    g = _grammar(g)
    found, _ = _scan(text, default_unit, g)
    out = [q for q in found if q.kind != "date"]
    if qualitative and isinstance(text, str):
        taken = [(q.start, q.end) for q in out]
        for m in g.qual_rx.finditer(text):
            if m.end() > m.start() and not any(a < m.end() and m.start() < b for a, b in taken):
                out.append(
                    Quantity(
                        None, None, None, "qualitative", m.group(0), m.start(), m.end(), qualitative=True
                    )
                )
        out.sort(key=lambda q: q.start)
    return out


def parse_quantity(
    text: str, default_unit: str | None = None, *, g: _Grammar | None = None
) -> Quantity | None:
    """The quantity a single cell or short phrase states, or None.

    The first number with its unit and comparator; money terms joined by + are added up (in yuan); a cell
    with no number may state a date target (2020年11月底前: kind "date", op "<=") or a qualitative value.

    >>> q = parse_quantity("93.1", default_unit="%")
    >>> q.kind, q.value
    ('percent', Decimal('93.1'))
    >>> q = parse_quantity("2020年11月底前")
    >>> q.kind, q.op, q.value
    ('date', '<=', None)
    >>> parse_quantity("效果明显").qualitative
    True
    >>> parse_quantity("58万元 + 6400元").yuan
    Decimal('586400')
    """
    g = _grammar(g)
    if not isinstance(text, str):
        return None
    found, dates = _scan(text, default_unit, g)
    numeric = [q for q in found if q.kind != "date"]
    if numeric:
        total = _sum(numeric, text, g)
        return total or numeric[0]
    dated = sorted([*dates, *(q for q in found if q.kind == "date")], key=lambda q: q.start)
    if dated:
        return dated[0]
    m = g.cell_rx.fullmatch(text.strip())
    if m:
        off = len(text) - len(text.lstrip())
        a, b = m.span("w")
        return Quantity(None, None, None, "qualitative", m.group("w"), off + a, off + b, qualitative=True)
    m = g.qual_rx.search(text)
    if m and m.end() > m.start():
        return Quantity(None, None, None, "qualitative", m.group(0), m.start(), m.end(), qualitative=True)
    return None


def _sum(qs: list[Quantity], text: str, g: _Grammar) -> Quantity | None:
    """58万元 + 6400元 → 586400 元 when the cell is nothing but money terms joined by +."""
    if len(qs) < 2 or any(q.kind != "money" or q.yuan is None for q in qs):
        return None
    if text[: qs[0].start].strip() or text[qs[-1].end :].strip():
        return None
    for x, y in pairwise(qs):
        if not g.sum_rx.fullmatch(text[x.end : y.start]):
            return None
    total = sum((q.yuan for q in qs), Decimal(0))
    money = _base_money(g)
    a, b = qs[0].start, qs[-1].end
    return Quantity(_tidy(total), money.name, None, "money", text[a:b], a, b, factor=Decimal(1))
