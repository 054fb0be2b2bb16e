"""Labelled figures in running text: "全年执行数16.67万元", "预算执行率为2.52%", "总得分为91.23分".

A field's label (``rules/fields.yaml``) links to the first quantity of the field's kind that follows within
a few characters of filler, with no sentence end, no other label and no other quantity in between. The
label is matched on the block's folded key; the value and the quote come from the text as printed.
"""

from __future__ import annotations

from bisect import bisect_left
from decimal import Decimal
from functools import cached_property

import regex
from pydantic import BaseModel, Field

from pipeline.document import Block, Document
from pipeline.extract import words
from pipeline.facts import Evidence, Mention
from pipeline.literals import Prefilter, alternation_spans, required
from pipeline.quantity import Quantity, find_quantities, parse_quantity
from pipeline.ruleset import load, schema


class Label(BaseModel):
    pattern: str
    rank: int = 50
    window: int | None = None
    # false for a label that may also name a part, a dimension or another project's figure: findings
    # that rest on it are at most warnings (rules/checks.yaml identity)
    certain: bool = True


class FieldExample(BaseModel):
    text: str
    value: Decimal
    quote: str | None = None  # the span the figure is quoted by, as printed


class FieldRule(BaseModel):
    id: str
    kind: str
    labels: list[Label] = Field(min_length=1)
    zero: str | None = None  # phrases that state the value is zero ("无结余")
    # a label printed after its figure ("41.3万元已拨付到位"): matched right after the amount
    after: str | None = None
    gap_veto: str | None = None  # words between label and figure that show it is not this field's value
    before_veto: str | None = None  # words right before the label that make the figure a part's ("基本支出年初预算")
    after_veto: str | None = None  # what follows the figure shows it is not this field's value
    same_as_budget: str | None = None  # phrases that state this amount equals the budget ("资金已全部到位")
    # the largest value the field takes; above it the figure ran into a neighbour ("预算完成率5100%": the
    # row's weight 5 glued to its 100%)
    max: Decimal | None = None
    examples: list[FieldExample] = Field(min_length=1)
    counterexamples: list[str] = Field(default_factory=list)


class Role(BaseModel):
    field: str
    verbs: str
    kind: str = "money"
    veto: str | None = None  # words anywhere in the clause that make it another figure (a dimension's score)
    before_veto: str | None = None  # words right before the role word that make it another figure ("预算批复的总支出")
    gap_veto: str | None = None  # the role word and what follows it to the figure, when that is another figure ("使用中央…资金")


class WholeBeforeParts(BaseModel):
    field: str
    names: str  # words in the clause that make the amount money of a fund
    after: str  # what follows a whole: its breakdown


class FundAmount(BaseModel):
    field: str
    before: str  # a fund's name ending right before the amount, the clause's subject
    rank: int  # below the role words: the loosest reading there is
    veto: str  # words in the clause that make the fund one source, batch or plan among several
    list_next: str  # what follows an amount that is one item of a list ("…经费36.4万元、非税成本17万元")


class ClauseRoles(BaseModel):
    """The last resort for an amount no label claims: the role word nearest before it in its clause."""
    whole_before_parts: WholeBeforeParts
    fund_amount: FundAmount
    clause: str  # what ends a clause
    rank: int
    min_total: int  # the least score read as a total this way
    scale_aside: str  # the form's scale in brackets right after a score ("（满分100分）"): no veto word
    scale_before: str  # between a score word and a figure: the figure is the word's scale ("综合得分（100分）")
    attributive: str  # after a role word: the word only qualifies the money, the clause's verb comes before it
    scope_list: str  # three or more dimensions in a row: what the whole evaluation covered, no one dimension
    roles: list[Role]
    veto: str  # words that make the amount a difference, a part, a plan or a price, not the field's
    examples: list[FieldExample | dict]


class Structure(BaseModel):
    """Words that say how amounts relate: a total closing a list, a list opened, an item of it."""
    total_mark: str  # before an amount that totals the amounts listed before it
    list_opened: str  # in a sentence: what follows are items ("…情况如下：")
    list_total: str  # before a label: its clause closes such a list with the total ("，共计下达…")
    category_part: str  # a 其中 part's whole clause: a category of its whole ("其中基本支出…，项目支出…")
    breakdown_opening: str  # after an amount: what opens its breakdown (其中, 包括, 分别为)
    cell_owner: str  # before a label in its cell: whose figure it is, the report's own ("项目实际支出金额")
    opens_list: str  # at a line's end: the numbered lines after it are items ("其中：")
    list_item: str  # how a numbered item starts
    arrival_total: str  # a mention's text ending in a total ("…共计84.47万元"): under 资金到位情况, what arrived
    arrival_payer: str  # under 资金到位情况, before a 拨付: a finance authority paying the unit (what arrived)
    category_subject: str  # a sentence's opening that makes its amounts an economic category's ("“三公”经费…")
    other_scope: str  # in a sentence before its figure: money of another scope (十四五以来, 近三年, 违规使用)
    dated_opening: str  # a sentence opening with a year (group year) or with 上年 (no year): whose money it is
    earlier_year: str  # in a sentence before its figure: money since, or built in, an earlier year (group year)
    project_item: str  # a line reporting one project of several; its name in group 1, 2 or 3
    list_next: str  # after an amount: the next fund of a list, with its own amount ("…50万元、培训经费60万元")
    whole_column: str  # a column heading over the whole of the columns after it ("合计 | 中央财政 | 省财政")
    breakdown_heads: str  # a cell after a label that heads its breakdown's columns ("其中:中央财政 | 省财政 | 其他")
    source_part: str  # before an amount, since the amount before it: a fund named by where it came from ("州级补助资金")
    row_name_head: str  # a table's first heading over the names of its rows ("机构名称")
    column_totals: dict[str, str]  # field -> the heading of a whole's column right after row_name_head ("收入合计")


@schema("fields.yaml")
class FieldRules(BaseModel):
    version: int
    window: int
    window_words: int
    breakers: list[str]
    stop: str
    operand_before: str
    fields: list[FieldRule]
    clause_roles: ClauseRoles
    structure: Structure

    model_config = {"ignored_types": (cached_property,)}

    @cached_property
    def compiled(self) -> list[tuple[FieldRule, list[tuple[regex.Pattern, Label]], regex.Pattern | None]]:
        return [
            (f, [(regex.compile(lab.pattern), lab) for lab in f.labels], regex.compile(f.zero) if f.zero else None)
            for f in self.fields
        ]

    @cached_property
    def whole_column_rx(self) -> regex.Pattern:
        return regex.compile(self.structure.whole_column)

    @cached_property
    def breakdown_heads_rx(self) -> regex.Pattern:
        return regex.compile(self.structure.breakdown_heads)

    @cached_property
    def any_label(self) -> regex.Pattern:
        return regex.compile("|".join(f"(?:{lab.pattern})" for f in self.fields for lab in f.labels))

    @cached_property
    def field_rx(self) -> dict[str, dict[str, regex.Pattern]]:
        """Each field's own patterns (its label after the figure, its vetoes), by field id and name."""
        out: dict[str, dict[str, regex.Pattern]] = {}
        for f in self.fields:
            own = {"after": f.after, "gap_veto": f.gap_veto, "before_veto": f.before_veto and f.before_veto + "$", "after_veto": f.after_veto}
            out[f.id] = {k: regex.compile(p) for k, p in own.items() if p}
        c = self.clause_roles
        out["clause_roles"] = {
            "whole_after": regex.compile(c.whole_before_parts.after),
            "whole_names": regex.compile(c.whole_before_parts.names),
            "fund_veto": regex.compile(c.fund_amount.veto),
            "fund_list_next": regex.compile(c.fund_amount.list_next),
            **{f"role_veto{i}": regex.compile(role.veto) for i, role in enumerate(c.roles) if role.veto},
            **{f"role_gap_veto{i}": regex.compile(role.gap_veto) for i, role in enumerate(c.roles) if role.gap_veto},
            "scale_aside": regex.compile(c.scale_aside),
            "scale_before": regex.compile(c.scale_before),
            "attributive": regex.compile(c.attributive),
            "scope_list": regex.compile(c.scope_list),
        }
        return out

    @cached_property
    def label_filter(self) -> tuple[list[regex.Pattern], Prefilter, list[tuple[int, regex.Pattern, Label]]]:
        """Every label pattern in the order of :attr:`any_label`'s branches, which of them a text may match
        (a block is scanned only for the labels whose words it holds), and each one's field (by index) and
        label."""
        owners = [(k, rx, lab) for k, (_, labels, _) in enumerate(self.compiled) for rx, lab in labels]
        patterns = [rx for _, rx, _ in owners]
        return patterns, Prefilter([rx.pattern for rx in patterns]), owners

    @cached_property
    def triggers(self) -> list[tuple[regex.Pattern, tuple]]:
        """The patterns other than labels that make a block worth reading (a label after its figure, a role
        verb, a fund's name, a zero phrase), each with the words it needs."""
        found = [self.any_after, self.role_rx[1], self.fund_rx[0]] + [z for _, _, z in self.compiled if z is not None]
        return [(rx, required(rx.pattern)) for rx in found]

    @cached_property
    def trigger_filter(self) -> Prefilter:
        """Which :attr:`triggers` a text may hold, by one scan for their words (most blocks hold none)."""
        return Prefilter([rx.pattern for rx, _ in self.triggers])

    @cached_property
    def any_after(self) -> regex.Pattern:
        """Where a label printed after its figure may stand (never, when no field has one)."""
        afters = [f"(?<=\\d(?:万元|元|亿元))(?:{f.after})" for f in self.fields if f.after]
        return regex.compile("|".join(afters) or r"(?!)")

    @cached_property
    def role_rx(self) -> tuple[regex.Pattern, regex.Pattern, regex.Pattern]:
        c = self.clause_roles
        verbs = regex.compile("|".join(f"(?P<r{i}>{role.verbs})" for i, role in enumerate(c.roles)))
        return regex.compile(c.clause), verbs, regex.compile(c.veto)

    @cached_property
    def clause_back_rx(self) -> regex.Pattern:
        """A clause boundary searched backwards from a figure (a long paragraph costs no more)."""
        return regex.compile("(?r)" + self.clause_roles.clause)

    @cached_property
    def fund_rx(self) -> tuple[regex.Pattern, regex.Pattern]:
        """(a fund's name before a figure anywhere, a fund's name ending a clause's prefix)"""
        before = self.clause_roles.fund_amount.before
        return regex.compile(before + r"\s*\d"), regex.compile(before + r"\s*$")

    @cached_property
    def structure_rx(self) -> dict[str, regex.Pattern]:
        st = self.structure
        return {
            # the mark may name what it totals: "合计批复总投资6222.4万元"
            "total_mark": regex.compile(st.total_mark + r"[^\d，,。；;：:()（）]{0,8}\s*$"),
            "list_opened": regex.compile(st.list_opened),
            "list_total": regex.compile(st.list_total),
            "category_part": regex.compile(st.category_part),
            "breakdown_opening": regex.compile(st.breakdown_opening),
            "cell_owner": regex.compile(st.cell_owner),
            "opens_list": regex.compile(st.opens_list + r"\s*$"),
            "list_item": regex.compile(st.list_item),
            "arrival_total": regex.compile(st.arrival_total),
            "arrival_payer": regex.compile(st.arrival_payer),
            "category_subject": regex.compile(st.category_subject),
            "other_scope": regex.compile(st.other_scope),
            "dated_opening": regex.compile(st.dated_opening),
            "earlier_year": regex.compile(st.earlier_year),
            "project_item": regex.compile(st.project_item),
            "list_next": regex.compile(st.list_next),
            "source_part": regex.compile(st.source_part),
            "row_name_head": regex.compile(st.row_name_head),
        }

    @cached_property
    def stop_rx(self) -> regex.Pattern:
        return regex.compile(self.stop)

    @cached_property
    def stop_back_rx(self) -> regex.Pattern:
        return regex.compile("(?r)" + self.stop)

    @cached_property
    def operand_rx(self) -> regex.Pattern:
        return regex.compile(self.operand_before + r"\s*$")

    def check(self) -> list[tuple[tuple, str]]:
        problems: list[tuple[tuple, str]] = []
        try:
            self.compiled, self.any_label, self.stop_rx, self.role_rx, self.structure_rx  # noqa: B018 - compiling is the check
        except regex.error as exc:
            return [((), f"a pattern does not compile: {exc}")]
        for i, f in enumerate(self.fields):
            for j, ex in enumerate(f.examples):
                # the mention of record, as resolve() picks it: best rank, then earliest
                found = sorted(mentions_in_text(ex.text, self, only=f.id), key=lambda m: (m.rank, m.evidence.start))
                got = [m.value for m in found]
                if not got or got[0] != ex.value:
                    problems.append((("fields", i, "examples", j), f"gives {got[:1]}, expected {ex.value}"))
                elif ex.quote is not None and found[0].evidence.quote != ex.quote:
                    problems.append((("fields", i, "examples", j), f"quotes {found[0].evidence.quote!r}, expected {ex.quote!r}"))
            for j, text in enumerate(f.counterexamples):
                got = [m.value for m in mentions_in_text(text, self, only=f.id)]
                if got:
                    problems.append((("fields", i, "counterexamples", j), f"{text!r} gives {got}"))
        for j, ex in enumerate(self.clause_roles.examples):
            ex = ex if isinstance(ex, dict) else ex.model_dump()
            found = sorted(mentions_in_text(ex["text"], self, only=ex["field"]), key=lambda m: (m.rank, m.evidence.start))
            if not found or found[0].value != Decimal(str(ex["value"])):
                problems.append((("clause_roles", "examples", j), f"gives {[m.value for m in found[:1]]}, expected {ex['value']} as {ex['field']}"))
        return problems


def rules() -> FieldRules:
    return load("fields.yaml")


def _value(q: Quantity, kind: str) -> Decimal | None:
    if kind == "money":
        return q.yuan
    return q.value


def _accepts(q: Quantity, kind: str, block_money_unit: bool) -> bool:
    # "预算执行率达到100%" states the figure: 达到 before an actual value is no comparator
    stated = q.op in (None, "=") or (q.op == ">=" and q.text.startswith("达"))
    if q.value is None or not stated:
        return False
    if kind == "money":
        return q.kind == "money"
    if kind == "percent":
        return q.kind == "percent"
    if kind == "score":
        return q.kind == "score"
    return q.kind == kind


# what money a figure is: what came in (budgets, receipts), what went out, what is left
_FAMILY = {"budget.initial": "in", "budget.full_year": "in", "budget.stated": "in", "budget.received": "in",
           "budget.spent": "out", "budget.balance": "left"}


def _start(q: Quantity) -> int:
    return q.start


def _part_rate(key: str, pos: int, quantities: list[Quantity], r: FieldRules) -> bool:
    """Whether a rate's label at pos names a part's rate after a rate stated before it in the sentence:
    "资金总额预算执行率为81.95%（其中财政资金预算执行率为80.04%）". A part's rate is no figure of the record's."""
    start = _sentence_start(key, pos, r)
    lo, hi = bisect_left(quantities, start, key=_start), bisect_left(quantities, pos, key=_start)
    before = [q for q in quantities[lo:hi] if q.end <= pos and q.kind == "percent"]
    return bool(before) and "其中" in key[before[-1].end : pos]


def _in_breakdown(key: str, pos: int, field: str | None, quantities: list[Quantity], r: FieldRules) -> bool:
    """Whether a label at pos names a part of an amount of its own kind stated before it in the same
    sentence: after a 其中 ("总收入1587.38万元，其中…预算收入165.16万元"), or inside the parentheses that
    follow it ("行动资金800万元（财政预算740万元，追加60万元）"). A part is no figure of the record's own;
    "收到…合计187.35万元，其中…，全年实际发放186.13万元" is spending, not a part of a receipt."""
    start = _sentence_start(key, pos, r)
    if r.structure_rx["list_opened"].search(key, key.rfind("。", 0, pos) + 1, pos):
        # "项目资金具体到位情况如下：甲项目到位资金629.5万元；…": each item is one part, but the clause that
        # closes the list with its total ("…；共计到位资金800万元") is the whole
        return not r.structure_rx["list_total"].search(key, max(0, pos - 12), pos)
    # "总收入318.67万元，比上年增加40.51万元。其中：一般预算内拨款…": a sentence that opens with 其中 breaks
    # down the amount the sentence before it states first
    lead = len(key[start:pos]) - len(key[start:pos].lstrip())
    carried = start > 0 and bool(r.structure_rx["breakdown_opening"].match(key, start + lead))
    if carried:
        start = _sentence_start(key, start - 1, r)
    lo, hi = bisect_left(quantities, start, key=_start), bisect_left(quantities, pos, key=_start)
    before = [q for q in quantities[lo:hi] if q.end <= pos and q.kind == "money"]
    if not before:
        return False
    tail = key[before[0].end : pos]
    opened = max(tail.rfind("("), tail.rfind("（"))
    if opened >= 0 and max(tail.rfind(")"), tail.rfind("）")) < opened:
        return True
    opened_by = list(r.structure_rx["breakdown_opening"].finditer(key, before[0].end, pos))
    if not opened_by:
        return False
    # the whole is the amount the 其中 follows; its label stands between it and the amount before
    k, k_end = opened_by[-1].span()
    wholes = [q for q in before if q.end <= k]
    if not wholes:
        return False
    whole = wholes[0] if carried else wholes[-1]
    head = key[max([q.end for q in before if q.end <= whole.start], default=start) : whole.start]
    if field is None:
        return True  # a part whose kind no word names belongs to whatever whole the 其中 breaks down
    named = {_FAMILY.get(f.id) for f, patterns, _ in r.compiled if any(rx.search(head) for rx, _ in patterns)} - {None}
    if not named or _FAMILY.get(field) in named:
        return True  # a whole of unnamed kind: assume it is the part's kind
    if _adds_up_to(whole, key, k_end, quantities):
        return True  # "本级留用19.00万元。其中体育部门支出15.2万元，财政部门支出3.8万元": its parts, whatever they are called
    # a part of another kind is a statement of its own ("其中，全年实际发放…"), unless it is a category of the
    # whole ("年初预算…，其中基本支出…，项目支出…": a share of the budget, not what was spent)
    clause = max(key.rfind(c, k, pos) for c in "，,、；;")
    m = r.structure_rx["category_part"].match(key, max(k_end, clause + 1))
    return bool(m and m.end() == pos)


def _adds_up_to(whole: Quantity, key: str, after: int, quantities: list[Quantity]) -> bool:
    """Whether the amounts from ``after`` to the end of that sentence, two or more, add up to ``whole``
    exactly: then they divide it, whatever the words between them say."""
    end = _FULL_STOP.search(key, after)
    end = end.start() if end else len(key)
    lo, hi = bisect_left(quantities, after, key=_start), bisect_left(quantities, end, key=_start)
    parts = [q.yuan for q in quantities[lo:hi] if q.kind == "money"]
    return len(parts) >= 2 and None not in parts and whole.yuan is not None and sum(parts) == whole.yuan


def _in_book_title(key: str, pos: int) -> bool:
    """Whether pos lies inside 《…》 (a document's name)."""
    opened = key.rfind("《", 0, pos)
    return opened >= 0 and key.rfind("》", opened, pos) < 0


# Patterns matched right after a figure ("…万元已全部到位", "…万元、培训经费…") are short: the text they are
# matched on is bounded so, since the regex module first looks for a pattern's required word in all the
# text after the position, which in a paragraph of thousands of figures is most of the paragraph each time
_NEAR = 80
_CLOSES = regex.compile(r"\s*[)）]")
_FULL_STOP = regex.compile(r"[。！!？?]")
_ANOTHER_FIGURE = regex.compile(r"[\s|]*\d")  # "总分 100 99.33" is a table row: 分值 then 得分
_ITEM_NUMBER = regex.compile(r"\d{1,2}、(?!\d)")  # "下达情况1、财政专项资金…": an item's number, never an amount
_BARE_SCORE_GAP = regex.compile(r"\s*(?:为|是)?\s*[:：]?\s*")
_UNIT_IN_PARENS = regex.compile(r"[（(]\s*(万元|元|亿元|%|分)\s*[）)]")


def _last(matches):
    found = None
    for found in matches:
        pass
    return found


def _bare_with_unit(q: Quantity, unit: str) -> Quantity | None:
    """A bare number under a label that names its unit in parentheses: "自评总分(分)97.6", "结余(万元) 0"."""
    if q.kind != "number" or q.value is None:
        return None
    if unit in ("万元", "元", "亿元"):
        return parse_quantity(q.text + unit)
    kind = {"%": "percent", "分": "score"}[unit]
    return Quantity(q.value, unit, None, kind, q.text, q.start, q.end)


def _bare_as_money(q: Quantity, money: list[Quantity]) -> Quantity | None:
    """A bare number where a money label stands ("执行数6655.0（详见附表1）") takes the unit of the
    amounts around it in the same block."""
    if q.kind != "number" or q.value is None or not money:
        return None
    unit_q = min(money, key=lambda m: abs(m.start - q.start))
    return Quantity(q.value, unit_q.unit, None, "money", q.text, q.start, q.end, factor=unit_q.factor)


def block_mentions(block: Block, r: FieldRules | None = None, only: str | None = None) -> list[Mention]:
    r = r or rules()
    key = block.key if block.key is not None else block.text
    text = block.text
    label_rxs, label_filter, owners = r.label_filter
    candidates = label_filter.candidates(key)
    labels = alternation_spans(label_rxs, candidates, key)
    if labels is None:
        labels = [m.span() for m in r.any_label.finditer(key)]
    if not labels and not any(r.triggers[i][0].search(key) for i in r.trigger_filter.candidates(key)):
        return []  # most paragraphs state no labelled figure: skip reading their numbers
    may_label: dict[int, list[tuple[regex.Pattern, Label]]] = {}  # by field, the labels the block may hold
    for i in candidates:
        k, rx, lab = owners[i]
        may_label.setdefault(k, []).append((rx, lab))
    quantities = [q for q in find_quantities(text) if q.value is not None or q.kind == "qualitative"]
    money = [q for q in quantities if q.kind == "money" and q.factor is not None]
    # looked up by position (a paragraph may hold thousands of figures and labels)
    q_starts = [q.start for q in quantities]
    label_starts = sorted(s for s, _ in labels)
    out: list[Mention] = []
    linked: dict[tuple[str, int], Mention] = {}  # one mention per field and figure: the best-ranked label, then the longest
    for k, (f, _, zero) in enumerate(r.compiled):
        if only is not None and f.id != only:
            continue
        own = r.field_rx[f.id]
        for rx, lab in may_label.get(k, ()):
            window = lab.window or r.window
            for m in rx.finditer(key):
                a, b = m.span()
                if _in_book_title(key, a):
                    continue  # 《…预算资金的通知》 names a document, it labels no figure
                n = bisect_left(q_starts, b)
                q = quantities[n] if n < len(quantities) else None
                if q is None or q.start - b > window:
                    continue
                gap = key[b : q.start]
                n = bisect_left(label_starts, b)
                if r.stop_rx.search(gap) or (n < len(label_starts) and label_starts[n] < q.start):
                    continue  # a sentence end or another label between this label and the figure
                if _CLOSES.match(gap) and max(key.rfind("(", 0, a), key.rfind("（", 0, a)) > max(key.rfind(")", 0, a), key.rfind("）", 0, a)):
                    continue  # the label stood inside parentheses: "受益农户收入(总收入) | 20" names an indicator
                if gap.strip() and not words.gap_ok(key, b, q.start, r.window_words, r.breakers):
                    continue
                if _other_role_after_comma(gap, f.id, r):
                    continue  # "资金已全部下达，发放到户118万元": the figure is the next clause's verb's
                if f.gap_veto and own["gap_veto"].search(gap):
                    continue
                if f.before_veto and own["before_veto"].search(key[max(0, a - 8) : a]):
                    continue
                if f.after_veto and own["after_veto"].match(key[q.end : q.end + 12]):
                    continue
                if r.operand_rx.search(key, max(0, q.start - 3), q.start):
                    continue  # a signed change or a formula's operand, not the amount
                if not lab.certain and f.kind == "money" and r.structure_rx["list_next"].match(key, q.end, q.end + _NEAR):
                    continue  # a verb's loose reading of the first of a list of funds: an item, not the whole
                if f.kind == "money" and _other_money(key, _sentence_start(key, a, r), q.start, r):
                    continue  # the sentence is about an economic category, the 三公 funds or another scope
                if f.kind == "score" and q.kind == "number" and q.op is None and _BARE_SCORE_GAP.fullmatch(gap) and q.value is not None and 0 <= q.value < 100 and not _ANOTHER_FIGURE.match(key, q.end):
                    # "总得分90，", "总分:83": a score label's own figure, its 分 left out (not a row of figures;
                    # not 100, the scale a 总分 cell states beside the score)
                    q = Quantity(q.value, "分", None, "score", q.text, q.start, q.end)
                if not _accepts(q, f.kind, bool(money)):
                    # the unit in the label's parentheses, or declared before it on its line ("合计(万元) 年度预算资金总额：1084.25")
                    unit = _UNIT_IN_PARENS.search(gap) or _last(_UNIT_IN_PARENS.finditer(key, _sentence_start(key, a, r), a))
                    bare = _bare_with_unit(q, unit.group(1)) if unit else None
                    if bare is not None and _accepts(bare, f.kind, bool(money)):
                        q = Quantity(bare.value, bare.unit, None, bare.kind, q.text, q.start, q.end, factor=bare.factor)
                    else:
                        q = _bare_as_money(q, money) if f.kind == "money" and not _ITEM_NUMBER.match(key, q.start) else None
                    if q is None:
                        continue
                value = _value(q, f.kind)
                if value is None or (f.max is not None and value > f.max):
                    continue
                if f.kind == "score" and value == 100 and _ANOTHER_FIGURE.match(key, q.end):
                    # "总分 | 100分 | 92.5分", "总分100分95.5分": the row's 分值 (the scale), then its 得分
                    k = bisect_left(q_starts, q.end)
                    nxt = quantities[k] if k < len(quantities) else None
                    if nxt is None or nxt.kind != "score" or not _ANOTHER_FIGURE.fullmatch(key, q.end, nxt.start + 1):
                        continue
                    q, value = nxt, _value(nxt, f.kind)
                    if value is None or value > 100:
                        continue
                rule = f"fields:{f.id}" if lab.certain else f"fields:{f.id}:uncertain"
                # (the 年初 budget a year's budget is broken into is the report's own: "预算收入69.06万元，其中年初预算
                # 57.28万元，调整追加11.78万元")
                part = (_in_breakdown(key, a, f.id, quantities, r) and f.id != "budget.initial") if f.kind == "money" else f.kind == "percent" and _part_rate(key, a, quantities, r)
                field = f"part.{f.id}" if part else f.id
                mention = Mention(field, value, text[a : q.end], Evidence.of(block, a, q.end), rule, lab.rank)
                prev = linked.get((field, q.start))
                if prev is None or (lab.rank, a) < (prev.rank, prev.evidence.start):
                    linked[(field, q.start)] = mention
        if f.after and (only is None or f.id == only):
            after = own["after"]
            for q in quantities:
                m = after.match(key, q.end, q.end + _NEAR)
                if m is None or not _accepts(q, f.kind, bool(money)) or r.stop_rx.search(key, q.end, m.end()):
                    continue
                if f.kind == "money" and _in_breakdown(key, q.start, None, quantities, r):
                    continue  # "…其中中央100万元，县级配套50万元，已全部拨付到位": the words are the whole's
                value = _value(q, f.kind)
                if value is not None and not any(x.field == f.id and x.value == value for x in linked.values()):
                    linked[(f.id, q.start)] = Mention(f.id, value, text[q.start : m.end()], Evidence.of(block, q.start, m.end()), f"fields:{f.id}:after", 25)
        if zero is not None:
            for m in zero.finditer(key):
                out.append(Mention(f.id, Decimal(0), text[m.start() : m.end()], Evidence.of(block, *m.span()), f"fields:{f.id}:zero", 30))
    # one label phrase states one figure: "收到…资金中…58万元及…6400元，合计58.64万元" is read by its 合计
    best: dict[tuple[str, int], Mention] = {}
    for m in linked.values():
        k = (m.field, m.evidence.start)
        if k not in best or m.rank < best[k].rank:
            best[k] = m
    # two labels read the same figure only when one stands inside the other's phrase. Money going out read
    # by the outer label ("实际支付项目预算资金63.75万元": 预算资金 names what was paid) is not also money coming
    # in; two readings of money coming in ("收到上级下达…资金合计") both hold
    outer: dict[int, Mention] = {}
    for m in best.values():
        if m.evidence.end not in outer or m.evidence.start < outer[m.evidence.end].evidence.start:
            outer[m.evidence.end] = m
    found = [
        m for m in best.values()
        if m is outer[m.evidence.end] or not (_FAMILY.get(outer[m.evidence.end].field) in ("out", "left") and _FAMILY.get(m.field) == "in")
    ]
    if only is None or only in {role.field for role in r.clause_roles.roles}:
        claimed = {m.evidence.end for m in found} | {m.evidence.end for m in out}
        found += _clause_roles(block, key, text, quantities, claimed, r, only)
    found += _summed_totals(found, quantities, key, block, r)
    if only is None or only == "budget.stated":
        found += _source_sums(found, quantities, key, block, r)
    return sorted(out + found, key=lambda m: (m.evidence.start, m.field))


def _clause_roles(block: Block, key: str, text: str, quantities: list[Quantity], claimed: set[int], r: FieldRules, only: str | None) -> list[Mention]:
    """Amounts no label claimed, read by the role word nearest before them in their clause: "省级拨付我区
    农机购置补贴资金62万元" is money given (budget), "培训教师1217人次，使用资金179.4万元" money spent. The amount
    must be the first after its role word, and nothing in between may make it a difference, a part or a
    price. Such readings are uncertain: a finding resting on one is at most a warning."""
    clause_rx, verbs, veto = r.role_rx
    c = r.clause_roles
    own = r.field_rx["clause_roles"]
    out: list[Mention] = []
    kinds = {role.kind for role in c.roles}
    money_starts = [x.start for x in quantities if x.kind == "money"]

    def money_in(lo: int, hi: int) -> bool:  # an amount starts in [lo, hi)
        n = bisect_left(money_starts, lo)
        return n < len(money_starts) and money_starts[n] < hi

    for q in quantities:
        if q.kind not in kinds | {"number"} or q.value is None or q.op not in (None, "="):
            continue
        ev = Evidence.of(block, q.start, q.end)
        if ev.end in claimed:
            continue
        if q.kind == "money" and _other_money(key, _sentence_start(key, q.start, r), q.start, r):
            continue  # an economic category's or the 三公 funds' amount (see block_mentions)
        before = r.clause_back_rx.search(key, 0, q.start)
        start = before.end() if before else 0
        prefix = key[start : q.start]
        if start and r.structure_rx["total_mark"].fullmatch(prefix.strip()) and key[start - 1] in "，,":
            # "下达我省3批…资金（水利部分），共计6800万元": the total continues the clause before it
            before = r.clause_back_rx.search(key, 0, start - 1)
            start = before.end() if before else 0
            prefix = key[start : q.start]
        hits = list(verbs.finditer(prefix))
        if not hits:
            # a fund's amount that a 其中 then breaks down is a whole: "药品监管补助资金55.4万元，其中，拨付…"
            whole = c.whole_before_parts
            if (only in (None, whole.field) and own["whole_after"].match(key[q.end : q.end + 4])
                    and own["whole_names"].search(prefix) and q.kind == "money" and q.yuan is not None
                    and not veto.search(prefix) and not _in_breakdown(key, q.start, whole.field, quantities, r)):
                a = start + own["whole_names"].search(prefix).start()
                out.append(Mention(whole.field, q.yuan, text[a : q.end], Evidence.of(block, a, q.end), f"fields:{whole.field}:whole:uncertain", c.rank))
                continue
            # a fund named as the clause's subject, its amount right after: "2022年度水利发展资金46万元，…"
            fund = c.fund_amount
            named = r.fund_rx[1].search(prefix)
            if (only in (None, fund.field) and named and q.kind == "money" and q.yuan is not None and not veto.search(prefix)
                    and not own["fund_veto"].search(prefix) and not own["fund_list_next"].match(key, q.end, q.end + _NEAR)
                    and not money_in(start, q.start)
                    and not _in_breakdown(key, q.start, None, quantities, r)):
                out.append(Mention(fund.field, q.yuan, text[start : q.end].strip(), Evidence.of(block, start + len(prefix) - len(prefix.lstrip()), q.end), f"fields:{fund.field}:fund:uncertain", fund.rank))
            continue
        last = hits[-1]
        if len(hits) > 1 and own["attributive"].match(prefix, last.end()):
            # "共收到上级拨付的福利彩票公益金6万元": a role word before 的 only qualifies the money; the
            # clause's verb is the one before it
            last = hits[-2]
        between = prefix[last.end() :]
        if veto.search(between) or veto.search(prefix[: last.start()][-6:]) or money_in(start + last.end(), q.start):
            continue
        role = c.roles[int(last.lastgroup[1:])]
        if role.before_veto and regex.search(f"(?:{role.before_veto})$", prefix[: last.start()]):
            continue
        if role.gap_veto and own[f"role_gap_veto{last.lastgroup[1:]}"].match(prefix, last.start()):
            continue  # the role word and what stands between it and the figure make it another figure
        field = role.field
        if only is not None and field != only:
            continue
        after = key[q.end : _clause_end(key, q.end, clause_rx)]
        if role.kind == "score" and own["scale_before"].fullmatch(between):
            continue
        if role.kind == "score":
            aside = own["scale_aside"].match(after)
            after = after[aside.end() :] if aside else after
        sentence = key[_sentence_start(key, q.start, r) : q.end] + after
        if role.kind == "score":
            # "从决策、过程、产出、效益四个方面进行评价，本项目得分89分": the dimensions listed are the scope
            sentence = own["scope_list"].sub(" ", sentence)
        if role.veto and own[f"role_veto{last.lastgroup[1:]}"].search(sentence):
            continue  # (a dimension is often named a clause earlier: "决策指标满分20分，得分为20分")
        if role.kind == "money":
            if q.kind != "money" or q.yuan is None or _in_breakdown(key, start + last.start(), field, quantities, r):
                continue
            value = q.yuan
        elif role.kind == "score":
            # "得分93.5分", or the bare figure right after the word ("综合评分92，")
            bare = q.kind == "number" and not between.strip() and 0 <= q.value < 100 and not _ANOTHER_FIGURE.match(key, q.end)
            # a total below the lowest band's floor is far rarer than a dimension's or an item's score
            if not (q.kind == "score" or bare) or not r.clause_roles.min_total <= q.value <= 100:
                continue
            value = q.value
        else:
            continue
        a = start + last.start()
        out.append(Mention(field, value, text[a : q.end], Evidence.of(block, a, q.end), f"fields:{field}:clause:uncertain", c.rank))
    return out


def _other_role_after_comma(gap: str, field: str, r: FieldRules) -> bool:
    """Whether the gap between a label and its figure opens a new clause whose role word gives the figure
    another role than the label's."""
    comma = max(gap.rfind("，"), gap.rfind(","))
    if comma < 0:
        return False
    hits = list(r.role_rx[1].finditer(gap, comma + 1))
    return bool(hits) and r.clause_roles.roles[int(hits[-1].lastgroup[1:])].field != field


def _other_money(key: str, start: int, pos: int, r: FieldRules) -> bool:
    """Whether the sentence from ``start`` up to a figure at ``pos`` is about money that is not the report's
    own: an economic category or the 三公 funds as its subject, or another scope (years since the 十四五
    began, the region's revenue, money an audit found misused)."""
    return bool(r.structure_rx["category_subject"].match(key, start) or r.structure_rx["other_scope"].search(key, start, pos))


def _sentence_start(key: str, pos: int, r: FieldRules) -> int:
    m = r.stop_back_rx.search(key, 0, pos)  # searched backwards from pos: a long paragraph costs no more
    return m.end() if m else 0


def _clause_end(key: str, pos: int, clause_rx: regex.Pattern) -> int:
    m = clause_rx.search(key, pos)
    return m.start() if m else len(key)


def _outside_parens(key: str, start: int, quantities: list[Quantity]) -> list[Quantity]:
    """The amounts from start on that stand outside parentheses opened after start: "3374.3万元（其中建筑
    工程3292万元）" lists 3374.3, not the part inside."""
    out, depth, pos = [], 0, start
    for q in quantities:
        if q.start < start:
            continue
        for ch in key[pos : q.start]:
            if ch in "(（":
                depth += 1
            elif ch in ")）" and depth:
                depth -= 1
        pos = q.start
        if depth == 0:
            out.append(q)
    return out


def adds_up(parts: list[Decimal], whole: Decimal) -> bool:
    """Σparts = whole (in yuan) within a cent of 万元 per part (the rounding of figures printed to two decimals).

    >>> adds_up([Decimal(93970000), Decimal(127740000)], Decimal(221710000))
    True
    """
    return abs(sum(parts, Decimal(0)) - whole) <= Decimal(100) * len(parts)


def _summed_totals(found: list[Mention], quantities: list[Quantity], key: str, block: Block, r: FieldRules) -> list[Mention]:
    """Amounts that the arithmetic shows to be a whole and its parts, in one sentence:
    - a list closed by its total ("省级拨付…62万元，中央拨付16万元，上年结余6.47万元，共计84.47万元"): when the
      listed amounts add up to the total, the total is the figure of the first amount's role;
    - a whole opened by 其中 ("共22171万元，其中下达地市9397万元；区直12774万元"): when the parts after the 其中
      add up to it, the whole is certain and outranks the loosely read amounts around it.
    Amounts inside parentheses are parts of the amount before them, not items of the list."""
    out: list[Mention] = []
    money = [q for q in quantities if q.kind == "money" and q.yuan is not None]
    by_end = {Evidence.of(block, q.start, q.end).end: q for q in money}  # a mention's evidence is quoted as printed
    mark = r.structure_rx["total_mark"]
    opens = r.field_rx["clause_roles"]["whole_after"]
    seen: set[int] = set()
    for m in found:
        q0 = by_end.get(m.evidence.end)
        if q0 is None or not m.field.startswith("budget.") or m.field == "budget.balance" or q0.start in seen:
            continue
        seen.add(q0.start)
        stop = r.stop_rx.search(key, q0.end)
        end = stop.start() if stop else len(key)
        if opens.match(key, q0.end, q0.end + _NEAR):
            if "其中" in key[_sentence_start(key, q0.start, r) : q0.start]:
                continue  # a part broken down further ("其中财政拨款支出1035.83万元，其中人员经费…") is no whole
            # the parts may run past a ；, never past a 。
            full = _FULL_STOP.search(key, q0.end)
            parts = [q for q in _outside_parens(key, q0.end, money) if q.start < (full.start() if full else len(key))]
            for n in range(2, len(parts) + 1):
                if adds_up([x.yuan for x in parts[:n]], q0.yuan):
                    rule = m.rule.removesuffix(":uncertain") + ":whole-sum"
                    out.append(Mention(m.field, m.value, m.text, m.evidence, rule, min(m.rank, 12)))
                    break
            continue
        if not m.rule.endswith(":uncertain"):
            continue
        listed = [q0]
        for q in _outside_parens(key, q0.end, money):
            if q.start >= end or q.start < q0.end:
                continue
            label = mark.search(key, listed[-1].end, q.start)
            if label and len(listed) >= 2:
                if adds_up([x.yuan for x in listed], q.yuan):
                    out.append(Mention(m.field, q.yuan, block.text[label.start() : q.end], Evidence.of(block, label.start(), q.end), f"{m.rule.removesuffix(':uncertain')}:sum", 21))
                break
            listed.append(q)
    return out


def _source_sums(found: list[Mention], quantities: list[Quantity], key: str, block: Block, r: FieldRules) -> list[Mention]:
    """A list of funds named by their sources and closed by its total, with no role word to read it ("该项资金
    包含省级配套资金1.728万元及州级补助资金2.88万元，合计4.608万元"): when the parts add up, the total is the
    money the project has, its stated budget. A list that a role word reads (spent, received) is
    _summed_totals' to close, and a total some label already reads keeps that reading. (Linear in the
    block's amounts: a paragraph may hold thousands.)"""
    money = _outside_parens(key, 0, [q for q in quantities if q.kind == "money" and q.yuan is not None])
    ends = [Evidence.of(block, q.start, q.end).end for q in money]
    read = {m.evidence.end for m in found}
    mark, source = r.structure_rx["total_mark"], r.structure_rx["source_part"]
    out: list[Mention] = []
    for k, total in enumerate(money):
        if k < 2 or ends[k] in read:
            continue
        label = mark.search(key, money[k - 1].end, total.start)
        if label is None:
            continue
        start = _sentence_start(key, total.start, r)
        parts: list[int] = []
        for n in range(k - 1, max(-1, k - 1 - _MAX_SOURCES), -1):
            q = money[n]
            lo = money[n - 1].end if n > 0 and money[n - 1].end > start else start
            if q.start < start or not source.search(key, lo, q.start):
                break
            parts.insert(0, n)
        if len(parts) >= 2 and adds_up([money[n].yuan for n in parts], total.yuan) and not any(ends[n] in read for n in parts):
            ev = Evidence.of(block, label.start(), total.end)
            out.append(Mention("budget.stated", total.yuan, block.text[label.start() : total.end], ev, "fields:budget.stated:sources-sum", 22))
    return out


_MAX_SOURCES = 12  # a fund's sources listed before their total: 中央, 省, 市, 县, 乡, 自筹 … never dozens


def mentions_in_text(text: str, r: FieldRules, only: str | None = None) -> list[Mention]:
    """Mentions in a lone sentence (for rule examples and tests)."""
    from pipeline.normalize import text_block

    return block_mentions(text_block(text), r, only)


def received_as_budget(doc: Document) -> tuple[str, Evidence] | None:
    """The first phrase saying the received funds equal the budget, with its evidence."""
    r = rules()
    rule = next((f for f in r.fields if f.id == "budget.received"), None)
    if rule is None or not rule.same_as_budget:
        return None
    rx = regex.compile(rule.same_as_budget)
    for block in doc.blocks:
        if block.kind not in ("paragraph", "heading"):
            continue
        m = rx.search(block.key if block.key is not None else block.text)
        if m:
            return block.text[m.start() : m.end()], Evidence.of(block, *m.span())
    return None


def document_mentions(doc: Document) -> list[Mention]:
    r = rules()
    out: list[Mention] = []
    for block in doc.blocks:
        if block.kind in ("paragraph", "heading"):
            out.extend(block_mentions(block, r))
    return out


_VALUE_CELL = regex.compile(r"\s*\d[\d.,]*\s*(?:万元|元|亿元|%|分)?\s*")
_DIGIT = regex.compile(r"\d")
_UNIT_THEN_VALUE = regex.compile(r"\s*[（(]\s*(?P<unit>万元|元|亿元|%|分)\s*[）)]\s*(?P<value>\d[\d.,]*)\s*")  # "(万元)18821.06"
_LABEL_CELL = regex.compile(r"^(?P<label>.+?)\s*(?:[（(]\s*(?P<unit>万元|元|亿元|%|分)\s*[）)])?\s*[:：]?$")
# _LABEL_CELL's tail, and the characters it is made of
_CELL_TAIL = regex.compile(r"\s*(?:[（(]\s*(?P<unit>万元|元|亿元|%|分)\s*[）)])?\s*[:：]?")
_CELL_TAIL_CHAR = regex.compile(r"[\s（()）万元亿%分:：]")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _label_cell(text: str) -> tuple[str, str | None] | None:
    """(label, unit) as _LABEL_CELL reads a cell: the shortest label that leaves a tail of a unit in
    parentheses and a colon. The lazy pattern tries its tail after every character of the cell; the tail
    can only begin where the cell's last run of tail characters begins, so only from there on is it tried.

    >>> _label_cell("实际到位资金 (万元)："), _label_cell("自评总分"), _label_cell("")
    (('实际到位资金', '万元'), ('自评总分', None), None)
    """
    if not _LINE_BREAKS.isdisjoint(text):  # where . stops and $ may match early: the pattern itself
        m = _LABEL_CELL.match(text)
        return (m.group("label"), m.group("unit")) if m else None
    start = len(text)
    while start > 0 and _CELL_TAIL_CHAR.match(text, start - 1):
        start -= 1
    for k in range(max(1, start), len(text) + 1):
        m = _CELL_TAIL.fullmatch(text, k)
        if m is not None:
            return text[:k], m.group("unit")
    return None


def _header_row(cells: list) -> bool:
    """A line of three or more cells, none with a figure: a table's column headings."""
    return len(cells) >= 3 and not any(_DIGIT.search(t.key) for t in cells)


def _breakdown_heads(toks: list, j: int, r: FieldRules) -> int:
    """How many cells from ``toks[j]`` on head the columns of the label's breakdown, printed between the
    label and its figures ("计划投资额 (万元) | 其中:中央财政 | 省财政 | 市县财政 | 其他 | 60.00 | 60.00"): the
    first figure after them is the label's whole. The first must open the breakdown (其中), and the run must
    end at a figure."""
    k = j
    while k < len(toks) and k - j < 8 and r.breakdown_heads_rx.fullmatch(toks[k].key.strip()) and (k > j or toks[k].key.lstrip().startswith("其中")):
        k += 1
    return k - j if k > j and k < len(toks) and _VALUE_CELL.fullmatch(toks[k].key) else 0


def _whole_column_above(toks: list, i: int, r: FieldRules) -> str | None:
    """When the table's header above the row that ``toks[i]`` labels opens its figures' columns with a
    whole's (合计, 总计), the unit it states ("项目资金（万元）") or 万元; else None. The header is the nearest
    run of three or more cells without a figure (its own line when it has one), the rows between it and
    this one each a label and its figures."""
    k, seen_rows = i - 1, 0
    while k >= 0 and seen_rows <= 4:
        if _VALUE_CELL.fullmatch(toks[k].key):
            k -= 1
            continue
        run = k
        while run >= 0 and not _VALUE_CELL.fullmatch(toks[run].key) and not _DIGIT.search(toks[run].key):
            run -= 1
        cells = toks[run + 1 : k + 1]
        same_line = [c for c in cells if c.line == cells[-1].line]
        if len(same_line) >= 3:
            cells = same_line  # a header printed on its own line, not the cells of the lines above it
        if len(cells) >= 3:
            p = next((n for n in range(len(cells) - 1, -1, -1) if r.whole_column_rx.fullmatch(cells[n].key.strip())), None)
            # the whole's column comes first, after at most the header's own label cell ("项目资金（万元）")
            if p is None or len(cells) - p < 3 or (p > 1 and not _UNIT_IN_LABEL.search(cells[p - 1].key)):
                return None
            m = _UNIT_IN_LABEL.search(cells[p - 1].key) if p else None
            return m.group(1) if m else "万元"
        if len(cells) != 1:
            return None
        k, seen_rows = run, seen_rows + 1  # an earlier row's label: look above it
    return None


_UNIT_IN_LABEL = regex.compile(r"[（(]\s*(万元|元|亿元)\s*[）)]")


def cell_mentions(lines: list, r: FieldRules | None = None) -> list[Mention]:
    """Figures printed in the cell (or on the line) after a cell that holds only their label:
    "实际到位资金 (万元) | 1208.75", one cell per line, or a real table's label cell and value cell.

    The label must fill its cell; the value cell must hold one figure of the field's kind, a bare number
    taking the unit the label cell names (or 万元 for money, the forms' unit).
    """
    r = r or rules()
    toks = [t for line in lines for t in line if t.key.strip() and t.key.strip() != "|"]
    by_line: dict[int, list] = {}
    for t in toks:
        by_line.setdefault(t.line, []).append(t)
    out: list[Mention] = []
    for i, t in enumerate(toks[:-1]):
        m = _label_cell(t.key)
        if m is not None and not r.any_label.fullmatch(m[0]):
            owner = r.structure_rx["cell_owner"].match(m[0])  # "项目实际支出金额": the project's own 实际支出金额
            m = (m[0][owner.end() :], m[1]) if owner and owner.end() < len(m[0]) else m
        if m is not None and not r.any_label.fullmatch(m[0]) and i and not _VALUE_CELL.fullmatch(toks[i - 1].key):
            m = _label_cell(toks[i - 1].key.strip() + t.key.strip())  # a label wrapped in its cell: "各级资金 | 投入总数"
        if m is None or not r.any_label.fullmatch(m[0]):
            continue
        label, unit = m
        j = i + 1
        if unit is None and _UNIT_IN_PARENS.fullmatch(toks[j].key):
            unit = _UNIT_IN_PARENS.fullmatch(toks[j].key).group(1)
            j += 1
        if j >= len(toks):
            continue
        heads = _breakdown_heads(toks, j, r)
        j += heads
        if j >= len(toks):
            continue
        v = toks[j]
        value_text = v.text
        glued = _UNIT_THEN_VALUE.fullmatch(v.key)
        if unit is None and glued:
            unit, value_text = glued.group("unit"), glued.group("value")  # the unit's cell and the value's, run together
        elif not _VALUE_CELL.fullmatch(v.key):
            continue
        if j + 1 < len(toks) and _VALUE_CELL.fullmatch(toks[j + 1].key) and not heads:
            # a label before a row of figures heads several columns (年度, 预算, 决算 …), not one; unless the
            # columns' first heading is their whole ("项目资金（万元）| 合计 | 中央财政 | 省财政 …"): the row's
            # first figure, which no blank cell can shift, is then the label's
            heading = _whole_column_above(toks, i, r)
            if heading is None:
                continue
            unit = unit or heading
        if v.line != t.line and _header_row(by_line[t.line]):
            continue  # the last heading of a table's header row: the figure below it starts the next row
        q = parse_quantity(value_text)
        if q is None or q.value is None:
            continue
        for f, patterns, _ in r.compiled:
            lab = next((lab for rx, lab in patterns if rx.fullmatch(label)), None)
            if lab is None:
                continue
            cand = q
            if f.kind == "score" and cand.kind == "number" and cand.value is not None and 0 <= cand.value < 100:
                cand = Quantity(cand.value, "分", None, "score", cand.text, cand.start, cand.end)  # "自评总分: | 99.68"
            if not _accepts(cand, f.kind, True):
                u = unit or ("万元" if f.kind == "money" else None)
                cand = _bare_with_unit(q, u) if u else None
                if cand is None or not _accepts(cand, f.kind, True):
                    continue
            value = _value(cand, f.kind)
            if value is None or (f.max is not None and value > f.max):
                continue
            # (after its breakdown's headings the first figure is the whole only when the form prints it: a
            # blank total cell would leave the first part's figure there)
            rule = f"fields:{f.id}:cell" if lab.certain and not heads else f"fields:{f.id}:cell:uncertain"
            out.append(Mention(f.id, value, f"{t.text} {v.text}", v.evidence(), rule, lab.rank))
            break
    return out + _column_totals(toks, r)


_SPACE = regex.compile(r"\s")
_HEADINGS_MAX = 14  # heading cells (wrapped ones count twice) between a whole's column and the first row


def _column_totals(toks: list, r: FieldRules) -> list[Mention]:
    """A table whose headings name its rows first and then a whole's column ("机构名称 | 收入合计 | 其中: |
    上年结转 | 公共财政拨款 | …", a department's income or spending by unit): the first row's first figure,
    after the row's name, is that whole. A flattened row drops its blank cells, so only the first figure's
    column is known; the reading is uncertain, as the row could be another unit's."""
    out: list[Mention] = []
    name_head = r.structure_rx["row_name_head"]
    totals = {_SPACE.sub("", h): f for f, h in r.structure.column_totals.items()}
    for i in range(len(toks) - 3):
        field = totals.get(_SPACE.sub("", toks[i + 1].key)) if name_head.fullmatch(toks[i].key.strip()) else None
        if field is None:
            continue
        k = i + 2
        while k < len(toks) and k - i <= _HEADINGS_MAX and not _DIGIT.search(toks[k].key):
            k += 1
        # the headings of the other columns, then the first row's name, then its first figure
        if k - i > _HEADINGS_MAX or k >= len(toks) or k - (i + 2) < 2 or not _VALUE_CELL.fullmatch(toks[k].key):
            continue
        unit = next((u.group(1) for t in toks[max(0, i - 3) : i] if (u := _UNIT_IN_LABEL.search(t.key))), "万元")
        q = parse_quantity(toks[k].text)
        q = q if q is None or q.kind == "money" else _bare_with_unit(q, unit)
        if q is None or q.yuan is None:
            continue
        head, v = toks[i + 1], toks[k]
        out.append(Mention(field, q.yuan, f"{head.text} {toks[k - 1].text} {v.text}", v.evidence(), f"fields:{field}:column-total:uncertain", 20))
    return out
