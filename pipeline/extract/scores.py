"""Claimed grade, dimension scores, declared grade bands and declared counts in running text.

Rules: ``rules/scores.yaml``; grade words come from ``rules/tables.yaml``. A sentence that defines the grade
scheme ("90分（含）以上为优") declares bands; it never claims a grade.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

import regex
from pydantic import BaseModel

from pipeline.document import Block
from pipeline.facts import Evidence, Mention
from pipeline.literals import may_match, required
from pipeline.ruleset import load, schema

_SENTENCE = regex.compile(r"[^。]+")
_CLAUSE = regex.compile(r"[^。；;]+")

_CLAUSE_END = regex.compile(r"[。；;！？]")
_NUM_FEN = regex.compile(r"(\d+(?:\.\d+)?)\s*分?")


class GradeRules(BaseModel):
    claim: str
    grade_noun: str
    scheme: str
    multi_project: str
    attribute: str
    pair: str
    examples: list[dict]
    counterexamples: list[str]
    pair_examples: list[dict]


class BandRules(BaseModel):
    min_grades: int
    lower: str
    upper: str
    examples: list[dict]


class DimensionRules(BaseModel):
    name: str
    max_gap: int
    weight: str
    score: str
    full_score: str  # full marks said in words: the score is the weight
    own_figure: str  # 预算执行率's own value right after its name, before its weight or score
    own_then_total: str  # after that value, words that make a score the report's total ("，自评得分95分")
    rate: str
    list_weights: str
    examples: list[dict]


class CountRules(BaseModel):
    pattern: str
    examples: list[dict]


@schema("scores.yaml")
class ScoreRules(BaseModel):
    version: int
    grade: GradeRules
    bands: BandRules
    dimensions: DimensionRules
    counts: CountRules

    model_config = {"ignored_types": (cached_property,)}

    @cached_property
    def rx(self) -> dict[str, regex.Pattern]:
        from pipeline.extract.tables import rules as table_rules

        words = sorted(table_rules().grades.words, key=len, reverse=True)
        # a grade word stands on its own: "为优", "“优”", "优（90分及以上）" — not the 中 of 其中; or before the
        # word for a grade ("为优秀等次")
        bare = "(?P<grade>" + "|".join(map(regex.escape, words)) + r")(?:(?![\p{Han}])|(?=" + self.grade.grade_noun + "))"
        grade = r"(?<=^|[^\p{Han}]|[为是])" + bare
        d = self.dimensions
        return {
            # after a claim's label the grade may follow it directly ("评价等次优秀")
            "claim": regex.compile(self.grade.claim + bare),
            "pair": regex.compile(self.grade.pair + bare),
            "scheme": regex.compile(self.grade.scheme),
            "multi_project": regex.compile(self.grade.multi_project),
            "attribute": regex.compile(self.grade.attribute),
            "grade_word": regex.compile(grade),
            "lower": regex.compile(self.bands.lower),
            "upper": regex.compile(self.bands.upper),
            "dim_name": regex.compile(d.name),
            "dim_weight": regex.compile(d.weight),
            "dim_score": regex.compile(d.score),
            "dim_rate": regex.compile(d.rate),
            "dim_full": regex.compile(d.full_score),
            "dim_own_figure": regex.compile(d.own_figure),
            "dim_own_then_total": regex.compile(d.own_then_total),
            "list_weights": regex.compile(d.list_weights),
            "count": regex.compile(self.counts.pattern),
        }

    @cached_property
    def needs(self) -> dict[str, tuple[frozenset[str], ...]]:
        """The words each pattern needs: a block without them is not scanned for it."""
        return {k: required(rx.pattern) for k, rx in self.rx.items()}

    def check(self) -> list[tuple[tuple, str]]:
        try:
            self.rx  # noqa: B018 - compiling is the check
        except regex.error as exc:
            return [((), f"a pattern does not compile: {exc}")]
        problems: list[tuple[tuple, str]] = []
        for i, ex in enumerate(self.grade.examples):
            got = [m.value for m in grade_claims(_block(ex["text"]), self)]
            if got[:1] != [ex["grade"]]:
                problems.append((("grade", "examples", i), f"gives {got}, expected {ex['grade']}"))
        for i, text in enumerate(self.grade.counterexamples):
            got = [m.value for m in grade_claims(_block(text), self)]
            if got:
                problems.append((("grade", "counterexamples", i), f"{text!r} claims {got}"))
        for i, ex in enumerate(self.grade.pair_examples):
            got = [[str(v), g] for v, g in graded_scores(_block(ex["text"]), self)]
            want = [[str(v), g] for v, g in ex["pairs"]]
            if got != want:
                problems.append((("grade", "pair_examples", i), f"gives {got}, expected {want}"))
        for i, ex in enumerate(self.bands.examples):
            got = [[b.grade, b.low, b.high] for b in bands_in(_block(ex["text"]), self)]
            want = [[g, Decimal(str(lo)), Decimal(str(hi))] for g, lo, hi in ex["bands"]]
            if got != want:
                problems.append((("bands", "examples", i), f"gives {got}, expected {want}"))
        for i, ex in enumerate(self.dimensions.examples):
            got = [
                [d.name, *(None if v is None else v.value for v in (d.weight, d.score, d.rate))]
                for d in dimensions_in(_block(ex["text"]), self)
            ]
            want = [[n, *(None if v is None else Decimal(str(v)) for v in rest)] for n, *rest in ex["dims"]]
            if got != want:
                problems.append((("dimensions", "examples", i), f"gives {got}, expected {want}"))
        for i, ex in enumerate(self.counts.examples):
            got = [m.value for m in counts_in(_block(ex["text"]), self)]
            if got != [ex["count"]]:
                problems.append((("counts", "examples", i), f"gives {got}, expected {ex['count']}"))
        return problems


def rules() -> ScoreRules:
    return load("scores.yaml")


def _block(text: str) -> Block:
    from pipeline.normalize import text_block

    return text_block(text)


def _key(block: Block) -> str:
    return block.key if block.key is not None else block.text


_SENTENCE_END = regex.compile(r"[。！？!?]")
_CLAUSE_SEPS = regex.compile(r"[，,、；;。！？]")
# the same, searched backwards from a position: a long paragraph costs no more than a short one
_SENTENCE_END_BACK = regex.compile(r"(?r)[。！？!?]")
_CLAUSE_SEPS_BACK = regex.compile(r"(?r)[，,、；;。！？]")
_BRACKETED = regex.compile(r"\s*[（(]([^）)]*)[）)]")
_RANGE_DASH = regex.compile(r"\d\s*[-—～~至]")
_ORG_PREFIX = regex.compile(r"^(?:项目|部门)(?=决策|过程|产出|效益|投入|满意度|预算)")
_KIND_SUFFIX = regex.compile(r"(?:类)?(?:指标)?$")
_COMMA = regex.compile(r"[，,]")
_HAN = regex.compile(r"\p{Han}")
_COLON = regex.compile(r"[：:]")
_STOP = regex.compile(r"[。！？]")


def _sentence_bounds(key: str, a: int, b: int) -> tuple[int, int]:
    before = _SENTENCE_END_BACK.search(key, 0, a)
    start = before.end() if before else 0
    m = _SENTENCE_END.search(key, b)
    return start, (m.start() if m else len(key))


def _clause_bounds(key: str, pos: int) -> tuple[int, int]:
    """The clause around pos, between commas, semicolons or full stops."""
    before = _CLAUSE_SEPS_BACK.search(key, 0, pos)
    start = before.end() if before else 0
    m = _CLAUSE_SEPS.search(key, pos)
    return start, (m.start() if m else len(key))


def grade_claims(block: Block, r: ScoreRules | None = None) -> list[Mention]:
    from pipeline.extract.tables import rules as table_rules

    r = r or rules()
    words = table_rules().grades.words
    key, text = _key(block), block.text
    out = []
    if not may_match(r.needs["claim"], key):
        return out
    for m in r.rx["claim"].finditer(key):
        a, b = _clause_bounds(key, m.start("grade"))
        if r.rx["scheme"].search(key[a:b]):
            continue
        s_start, s_end = _sentence_bounds(key, m.start(), m.end())
        if r.rx["multi_project"].search(key[s_start:s_end]):
            continue  # one project's grade in a report on several
        if r.rx["attribute"].match(key, m.end()):
            continue
        g = m.group("grade")
        out.append(Mention("score.grade", words[g], text[m.start() : m.end()], Evidence.of(block, *m.span()), "scores:grade", 10))
    return out


def graded_scores(block: Block, r: ScoreRules | None = None) -> list[tuple[Decimal, str]]:
    """Scores the text pairs with a grade ("贵池区81分，良好", "90分（优）"): the report's own use of its bands.
    A pair inside a scheme's clause ("90分以上为优") is the scheme, not a use of it."""
    from pipeline.extract.tables import rules as table_rules

    r = r or rules()
    words = table_rules().grades.words
    key = _key(block)
    out = []
    for m in r.rx["pair"].finditer(key):
        a, b = _clause_bounds(key, m.start("grade"))
        if r.rx["scheme"].search(key[a:b]):
            continue
        out.append((Decimal(m.group("score")), words[m.group("grade")]))
    return out


@dataclass
class Band:
    grade: str
    low: Decimal
    high: Decimal
    evidence: Evidence

    def to_json(self) -> dict:
        from pipeline.facts import jsonable

        return {"grade": self.grade, "min": jsonable(self.low), "max": jsonable(self.high), "evidence": self.evidence.to_json()}


def bands_in(block: Block, r: ScoreRules | None = None) -> list[Band]:
    from pipeline.extract.tables import rules as table_rules

    r = r or rules()
    words = table_rules().grades.words
    key = _key(block)
    out: list[Band] = []
    if not may_match(r.needs["grade_word"], key):
        return out  # no grade named, no band
    for sentence in _SENTENCE.finditer(key):
        s0 = sentence.start()
        grades = list(r.rx["grade_word"].finditer(sentence.group(0)))
        if len({words[g.group("grade")] for g in grades}) < r.bands.min_grades:
            continue
        # Each grade word owns the numbers between the previous grade's clause and its own; a grade
        # whose numbers follow it in brackets ("良（80分及以上、不满90分）") owns those instead.
        sent = sentence.group(0)
        found: list[Band] = []
        prev_end = 0
        for k, g in enumerate(grades):
            after = _BRACKETED.match(sent[g.end() :])
            if after and _NUM_FEN.search(after.group(1)):
                seg, seg_start = after.group(1), g.end() + after.start(1)
                prev_end = g.end() + after.end()
            else:
                seg, seg_start = sent[prev_end : g.start()], prev_end
                prev_end = g.end()
            nums = [Decimal(n.group(1)) for n in _NUM_FEN.finditer(seg) if "分" in n.group(0) or _RANGE_DASH.search(seg)]
            nums = [n for n in nums if n <= 100]
            if not nums:
                continue
            grade = words[g.group("grade")]
            if len(nums) >= 2:
                low, high = min(nums[:2]), max(nums[:2])
            elif r.rx["upper"].search(seg):
                low, high = Decimal(0), nums[0]
            else:
                low, high = nums[0], Decimal(100)
            ev = Evidence.of(block, s0 + seg_start, s0 + g.end() if seg_start < g.start() else s0 + seg_start + len(seg))
            found.append(Band(grade, low, high, ev))
        if len({b.grade for b in found}) >= r.bands.min_grades:
            out.extend(found)
    return out


@dataclass
class Dimension:
    name: str
    weight: Mention | None
    score: Mention | None
    rate: Mention | None


def _canonical(name: str) -> str:
    name = _ORG_PREFIX.sub("", name)
    name = _KIND_SUFFIX.sub("", name)
    return {"预算执行": "预算执行率", "预算资金执行": "预算执行率", "超额完成": "超额完成加分"}.get(name, name)


def dimensions_in(block: Block, r: ScoreRules | None = None) -> list[Dimension]:
    r = r or rules()
    key, text = _key(block), block.text
    if not may_match(r.needs["dim_name"], key):
        return []  # no dimension named: neither its figures nor a sentence about it
    names = list(r.rx["dim_name"].finditer(key))
    out: list[Dimension] = []
    # "决策、过程、产出、效益四个一级指标，权重分别为15分、25分、35分、25分"
    lw = r.rx["list_weights"].search(key)
    if lw:
        listed = [n for n in names if n.end() <= lw.start()]
        nums = list(_NUM_FEN.finditer(key, lw.start(1), lw.end(1)))
        if listed and len(nums) == len(listed[-len(nums) :]):
            for n, w in zip(listed[-len(nums) :], nums):
                ev = Evidence.of(block, *w.span(1))
                out.append(Dimension(_canonical(n.group(0)), Mention("dimension.weight", Decimal(w.group(1)), text[w.start(1) : w.end(1)], ev, "scores:list_weights", 20), None, None))
            names = [n for n in names if n.start() >= lw.end()]  # what follows the list may give scores
    for k, n in enumerate(names):
        end = names[k + 1].start() if k + 1 < len(names) else len(key)
        stop = _CLAUSE_END.search(key, n.end(), end)
        end = stop.start() if stop else end
        seg_start = n.end()
        seg = key[seg_start:end]

        def find(rx: regex.Pattern, field: str, pos: int = 0) -> Mention | None:
            m = rx.search(seg, pos)
            if not m:
                return None
            g = next(i for i in range(1, (m.lastindex or 0) + 1) if m.group(i) is not None)
            b = seg_start + m.end(g)
            return Mention(field, Decimal(m.group(g)), text[n.start() : b], Evidence.of(block, n.start(), b), f"scores:{field}", 20)

        # The figures must follow the name closely ("决策指标满分15分", "决策（20分）", "决策17.4分");
        # a name further away is only mentioned ("…资金投入三方面的内容，由6个三级指标构成，权重…").
        # 预算执行率 names a figure of its own: "预算执行率为95.6%，得9.56分" puts the rate first.
        own = r.rx["dim_own_figure"].match(seg) if _canonical(n.group(0)) == "预算执行率" else None
        lead = own.end() if own else 0
        first = min((m.start() for rx in (r.rx["dim_weight"], r.rx["dim_score"]) for m in [rx.search(seg, lead)] if m), default=None)
        if first is None or first - lead > r.dimensions.max_gap:
            continue
        if _COMMA.search(seg[lead:first]) and _HAN.search(seg[lead:first]):
            continue  # "…并投入使用，自评得分94.75分": words and a comma between: not this dimension's figure
        if own and r.rx["dim_own_then_total"].search(seg[lead:first]):
            continue  # "预算执行率为62%，自评得分95分": the report's total after the rate, not the row's score
        weight = find(r.rx["dim_weight"], "dimension.weight")
        score_seg_rx = r.rx["dim_score"]
        score = find(score_seg_rx, "dimension.score")
        full = r.rx["dim_full"].search(seg) if score is None and weight is not None else None
        colon = _COLON.search(seg)
        if full is not None and colon is not None and colon.start() < full.start():
            # "产出指标（50分）：甲…得满分；乙…得满分": full marks after a colon belong to the items listed
            sentence_end = _STOP.search(key, seg_start + colon.end())
            tail = key[seg_start + colon.end() : sentence_end.start() if sentence_end else len(key)]
            if len(r.rx["dim_full"].findall(tail)) + len(score_seg_rx.findall(tail)) > 1:
                full = None
        if full is not None and not r.rx["dim_score"].search(seg, full.end()):
            # "预算执行率（10分）：…，得满分": the score is the weight, quoted where the words say so
            b = seg_start + full.end()
            score = Mention("dimension.score", weight.value, text[n.start() : b], Evidence.of(block, n.start(), b), "scores:dimension.score:full", 20)
        if score is not None and colon is not None:
            # "产出指标（50分）：甲…得20分；乙…得20分" — scores after a colon belong to the items listed
            sentence_end = _STOP.search(key, seg_start + colon.end())
            tail = key[seg_start + colon.end() : sentence_end.start() if sentence_end else len(key)]
            if len(list(score_seg_rx.finditer(tail))) > 1:
                score = None
        if score is not None and weight is not None and score.evidence.end == weight.evidence.end:
            # the figure right after the name is its points; a score may follow them ("效益指标30分，得28分")
            points = r.rx["dim_weight"].search(seg)
            score = find(score_seg_rx, "dimension.score", points.end()) if points else None
        rate = find(r.rx["dim_rate"], "dimension.rate")
        if weight is None and score is None and rate is None:
            continue
        out.append(Dimension(_canonical(n.group(0)), weight, score, rate))
    if not out:
        out = _subject_dimensions(block, r)
    return out


def _subject_dimensions(block: Block, r: ScoreRules) -> list[Dimension]:
    """A sentence about one dimension, its figures after a description:
    "项目产出类指标包括产出数量、产出质量、产出时效三方面的内容，由9个三级指标构成，权重分为40分，实际得分
    35.13分，得分率为87.8%" — the dimension named at the start owns the figures of its sentence."""
    key, text = _key(block), block.text
    out = []
    for sentence in _CLAUSE.finditer(key):
        s0, sent = sentence.start(), sentence.group(0)
        head = r.rx["dim_name"].match(sent.lstrip("0123456789.、（）() "), 0)
        if not head or "指标" not in head.group(0):
            continue  # only a named 一级指标 ("项目产出类指标") is a sentence's subject
        lead = len(sent) - len(sent.lstrip("0123456789.、（）() "))
        found = {}
        for field, rx in (("weight", r.rx["dim_weight"]), ("score", r.rx["dim_score"]), ("rate", r.rx["dim_rate"])):
            m = rx.search(sent, head.end() + lead)
            if m:
                g = next(i for i in range(1, (m.lastindex or 0) + 1) if m.group(i) is not None)
                a, b = s0 + m.start(g), s0 + m.end(g)
                found[field] = Mention(f"dimension.{field}", Decimal(m.group(g)), text[a:b], Evidence.of(block, a, b), "scores:subject", 25)
        if found.get("weight") and found.get("score") and found["weight"].evidence == found["score"].evidence:
            del found["score"]
        if found:
            out.append(Dimension(_canonical(head.group(0)), found.get("weight"), found.get("score"), found.get("rate")))
    return out


def counts_in(block: Block, r: ScoreRules | None = None) -> list[Mention]:
    r = r or rules()
    key, text = _key(block), block.text
    if not may_match(r.needs["count"], key):
        return []
    return [
        Mention(f"count.{m.group(2)}", int(m.group(1)), text[m.start() : m.end()], Evidence.of(block, *m.span()), "scores:count", 20)
        for m in r.rx["count"].finditer(key)
    ]
