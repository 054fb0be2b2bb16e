"""Boilerplate and copy-paste (rulebook §B.8): sentences repeated inside one report, and text that belongs
to another project or sector.

Sectors, topics and fund-name words are data (``rules/topics.yaml``). A report's own sectors come from its
title, project and unit and from the words that dominate its text; a topic foreign to all of them, named in
one or two sentences only, is the trace of a paragraph taken from another report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import regex
from pydantic import BaseModel, Field

from pipeline.checks.base import CheckRule, Context, check
from pipeline.checks.narrative import body_blocks, enclosing, ev, key_of, spans, text_block, trimmed
from pipeline.checks.narrative import rules as narrative_rules
from pipeline.document import Block, Document
from pipeline.literals import Prefilter
from pipeline.normalize import fold_script
from pipeline.ruleset import load, schema

_SPACE = regex.compile(r"\s+")

# -- rules ----------------------------------------------------------------------------------------


class Sector(BaseModel):
    id: str
    marks: list[str] = Field(min_length=1)
    example: str  # a title about this sector


class TopicExample(BaseModel):
    own: str  # the title of a report of another sector
    text: str  # a sentence foreign to it


class Topic(BaseModel):
    id: str
    words: list[str] = Field(min_length=1)
    home: list[str] = Field(min_length=1)
    example: TopicExample


class FundRules(BaseModel):
    suffix: str
    stops: list[str]
    generic: list[str]
    min_chars: int
    max_shared: float
    examples: list[dict]
    counterexamples: list[dict]


@schema("topics.yaml")
class TopicRules(BaseModel):
    version: int
    sectors: list[Sector]
    topics: list[Topic]
    comprehensive: list[str]
    max_sentences: int
    dominant_mentions: int
    dominant_blocks: int
    funds: FundRules
    examples: list[dict]

    model_config = {"ignored_types": (cached_property,)}

    @cached_property
    def rx(self) -> dict[str, regex.Pattern]:
        alt = lambda words: "|".join(map(regex.escape, sorted(words, key=len, reverse=True)))
        out = {
            "suffix": regex.compile(self.funds.suffix),
            "stops": regex.compile(alt(self.funds.stops)),
            "generic": regex.compile(alt(self.funds.generic) + r"|\d+"),
            "doc_title": regex.compile(r"《[^《》]{0,80}》"),
            "comprehensive": regex.compile(alt(self.comprehensive)),
        }
        for s in self.sectors:
            out["sector:" + s.id] = regex.compile(alt(s.marks))
        for t in self.topics:
            out["topic:" + t.id] = regex.compile(alt(t.words))
        return out

    @cached_property
    def word_filter(self) -> tuple[list[str], Prefilter]:
        """The sectors' and topics' patterns by name, and which of them a text may hold."""
        names = [k for k in self.rx if k.startswith(("sector:", "topic:"))]
        return names, Prefilter([self.rx[n].pattern for n in names])

    def check(self) -> list[tuple[tuple, str]]:
        try:
            self.rx  # noqa: B018 - compiling is the check
        except regex.error as exc:
            return [((), f"a pattern does not compile: {exc}")]
        problems: list[tuple[tuple, str]] = []
        ids = {s.id: s for s in self.sectors}
        for i, s in enumerate(self.sectors):
            if s.id not in sectors_of(s.example, self):
                problems.append((("sectors", i, "example"), f"{s.example!r} is not about {s.id}"))
        for i, t in enumerate(self.topics):
            unknown = [h for h in t.home if h not in ids]
            if unknown:
                problems.append((("topics", i, "home"), f"unknown sectors {unknown}"))
                continue
            got = [x.id for x, _ in foreign_topics(t.example.own, [text_block(t.example.text)], self)]
            if got != [t.id]:
                problems.append((("topics", i, "example"), f"finds {got}, expected [{t.id!r}]"))
            for h in t.home:  # the same sentence in a report of a home sector is at home
                if foreign_topics(ids[h].example, [text_block(t.example.text)], self):
                    problems.append((("topics", i, "home"), f"{t.example.text!r} is flagged in a {h} report"))
        for i, ex in enumerate(self.funds.examples):
            got = [f.name for f in foreign_funds(ex["own"], [text_block(ex["text"])], self)]
            if got != ex["names"]:
                problems.append((("funds", "examples", i), f"finds {got}, expected {ex['names']}"))
        for i, ex in enumerate(self.funds.counterexamples):
            got = [f.name for f in foreign_funds(ex["own"], [text_block(ex["text"])], self)]
            if got:
                problems.append((("funds", "counterexamples", i), f"finds {got}"))
        for i, ex in enumerate(self.examples):
            got = sorted(t.id for t, _ in foreign_topics(ex["title"], [text_block(ex["text"])], self))
            if got != sorted(ex["topics"]):
                problems.append((("examples", i), f"finds {got}, expected {sorted(ex['topics'])}"))
        return problems


def rules() -> TopicRules:
    return load("topics.yaml")


# -- COPY-FOREIGN-TEXT ----------------------------------------------------------------------------


@dataclass
class Fund:
    name: str
    block: Block
    start: int
    end: int


def _pairs(text: str) -> set[str]:
    han = "".join(regex.findall(r"\p{Han}", text))
    return {han[i : i + 2] for i in range(len(han) - 1)}


def sectors_of(text: str, r: TopicRules) -> set[str]:
    """The sectors whose marks, or whose topics' words, ``text`` names."""
    text = fold_script(text)
    found = {s.id for s in r.sectors if r.rx["sector:" + s.id].search(text)}
    for t in r.topics:
        if r.rx["topic:" + t.id].search(text):
            found.update(t.home)
    return found


def foreign_funds(own: str, blocks: list[Block], r: TopicRules | None = None, mine: set[str] | None = None) -> list[Fund]:
    """专项资金 named in ``blocks`` whose distinctive words are not those of ``own`` (title, project, unit)
    and which belong to none of the report's sectors (``mine``, by default those ``own`` names)."""
    r = r or rules()
    rx = r.rx
    mine = sectors_of(own, r) if mine is None else mine
    own_pairs = _pairs(rx["generic"].sub("", fold_script(own)))
    out: list[Fund] = []
    for block in blocks:
        key = key_of(block)
        cited = [m.span() for m in rx["doc_title"].finditer(key)]
        for m in rx["suffix"].finditer(key):
            if any(a <= m.start() < b for a, b in cited):
                continue
            start = m.start()
            while start > 0 and regex.match(r"[\p{Han}\d]", key[start - 1]) and m.start() - start < 40:
                start -= 1
            stops = list(rx["stops"].finditer(key, start, m.start(), overlapped=True))
            if stops:
                start = max(s.end() for s in stops)
            core = rx["generic"].sub("", key[start : m.start()])
            if len(regex.findall(r"\p{Han}", core)) < r.funds.min_chars:
                continue
            pairs = _pairs(core)
            if pairs and len(pairs & own_pairs) / len(pairs) <= r.funds.max_shared and not sectors_of(core, r) & mine:
                out.append(Fund(block.text[start : m.end()], block, start, m.end()))
    return out


def _named(body: list[Block], r: TopicRules) -> list[set[str]]:
    """For each block, the sectors and topics whose words it may hold: only those are searched for."""
    names, f = r.word_filter
    return [{names[i] for i in f.candidates(key_of(b))} for b in body]


def own_sectors(own: str, body: list[Block], r: TopicRules, named: list[set[str]] | None = None) -> set[str]:
    """The report's sectors: those its title, project and unit name, and those its text dwells on."""
    mine = sectors_of(own, r)
    named = _named(body, r) if named is None else named
    for s in r.sectors:
        name = "sector:" + s.id
        per_block = [len(r.rx[name].findall(key_of(b))) if name in may else 0 for b, may in zip(body, named)]
        if sum(per_block) >= r.dominant_mentions and sum(1 for n in per_block if n) >= r.dominant_blocks:
            mine.add(s.id)
    return mine


def foreign_topics(
    own: str, body: list[Block], r: TopicRules | None = None, named: list[set[str]] | None = None, mine: set[str] | None = None
) -> list[tuple[Topic, list[tuple[Block, int, int]]]]:
    """Topics of another sector named in one or two sentences: each with the clauses that name it."""
    r = r or rules()
    named = _named(body, r) if named is None else named
    mine = own_sectors(own, body, r, named) if mine is None else mine
    if not mine:
        return []  # nothing says what the report is about: nothing is foreign to it
    nr = narrative_rules()
    out = []
    for t in r.topics:
        if set(t.home) & mine:
            continue
        sentences: set[tuple[int, int, int]] = set()
        clauses: list[tuple[Block, int, int]] = []
        name = "topic:" + t.id
        for b, may in zip(body, named):
            if name not in may:
                continue
            key = key_of(b)
            hits = list(r.rx[name].finditer(key))
            if not hits:
                continue
            sents, cls = spans(key, nr.rx["sentence_end"]), spans(key, nr.rx["clause_end"])
            for m in hits:
                sentences.add((id(b), *enclosing(sents, m.start())))
                span = _unnumbered(b, *trimmed(key, *enclosing(cls, m.start())))
                if (b, *span) not in clauses:
                    clauses.append((b, *span))
        if sentences and len(sentences) <= r.max_sentences:
            out.append((t, clauses))
    return out


def report_sectors(ctx: Context, r: TopicRules) -> tuple[list[Block], list[set[str]], set[str]]:
    """The body blocks, the sectors and topics each block may name, and the report's own sectors: derived
    once per report for COPY-FOREIGN-TEXT and IND-RELEVANCE."""
    if "sectors" not in ctx.shared:
        body = body_blocks(ctx.doc)
        named = _named(body, r)
        ctx.shared["sectors"] = (body, named, own_sectors(_own_text(ctx), body, r, named))
    return ctx.shared["sectors"]


def _own_text(ctx: Context) -> str:
    meta = ctx.record.get("meta", {})
    return "".join(meta.get(k) or "" for k in ("title", "project", "unit"))


def _subject(ctx: Context, r: TopicRules) -> str:
    """What the report is about: its project or title, else the sector word its text repeats most."""
    meta = ctx.record.get("meta", {})
    named = meta.get("project") or meta.get("title")
    if named:
        return f"“{named}”"
    if "subject" not in ctx.shared:  # one count per report, not one per finding
        ctx.shared["subject"] = _dominant_word(ctx, r)
    return ctx.shared["subject"]


def _dominant_word(ctx: Context, r: TopicRules) -> str:
    text = "".join(key_of(b) for b in body_blocks(ctx.doc))
    names = ["sector:" + s.id for s in r.sectors]
    # one scan of the whole text for every sector's words, not one substring test per word
    filtered, f = r.word_filter
    may = {filtered[i] for i in f.candidates(text)}
    counts = Counter(m.group(0) for n in names if n in may for m in r.rx[n].finditer(text))
    if not counts:
        return "本项目"
    word, n = counts.most_common(1)[0]
    return f"“{word}”（报告未写明项目名称，正文{n}处提及）"


def _unnumbered(block: Block, a: int, e: int) -> tuple[int, int]:
    m = narrative_rules().rx["numbering"].match(block.text, a, e)
    return (m.end(), e) if m else (a, e)


@check("COPY-FOREIGN-TEXT")
def foreign_text(ctx: Context, rule: CheckRule):
    r = rules()
    meta = ctx.record.get("meta", {})
    body, named, mine = report_sectors(ctx, r)
    # (a) another fund by name: only a report about one project has a fund of its own to compare with
    single = meta.get("project") and meta.get("kind") != "dept-overall" and not ctx.record.get("other_projects")
    # a project named only by generic words ("项目", "省级财政专项资金") says nothing another fund could differ from
    single = single and len(regex.findall(r"\p{Han}", r.rx["generic"].sub("", fold_script(meta["project"])))) >= r.funds.min_chars
    if single:
        seen = set()
        for f in foreign_funds(_own_text(ctx), body, r, mine):
            if f.name in seen:
                continue
            seen.add(f.name)
            yield ctx.finding(
                rule,
                "fund",
                msg={"project": f"“{meta['project']}”", "name": f.name},
                evidence=[ev(f.block, f.start, f.end)],
                stated=f.name,
                facts={"project": meta["project"]},
            )
    # (b) a topic of a sector foreign to the report; a township's or a finance bureau's report on its whole
    # work names every sector by right
    if r.rx["comprehensive"].search(meta.get("unit") or "") and (meta.get("kind") == "dept-overall" or not meta.get("project")):
        return
    for topic, clauses in foreign_topics(_own_text(ctx), body, r, named, mine):
        yield ctx.finding(
            rule,
            "topic",
            msg={
                "project": _subject(ctx, r),
                "topic": topic.id,
                "phrase": "”“".join(b.text[a:e] for b, a, e in clauses[:3]),
            },
            evidence=[ev(b, a, e) for b, a, e in clauses[:4]],
            stated=[b.text[a:e] for b, a, e in clauses],
            facts={"topic": topic.id, "home": topic.home},
        )


# -- COPY-REPEATED-SENTENCE -----------------------------------------------------------------------

_FIGURE = regex.compile(r"\d")
_HAN = regex.compile(r"\p{Han}")


class Token(NamedTuple):  # a tuple: a report has thousands of clauses
    block: int  # index into the list of blocks read
    start: int
    end: int
    text: str  # the clause without white space; "" for a clause that breaks a run (it states a figure)


def _tokens(blocks: list[Block]) -> list[Token]:
    """Every clause of the blocks in reading order; a block boundary and a clause with a figure in it end
    a run (a repeated figure is data, not copied prose)."""
    end = narrative_rules().rx["clause_end"]
    out: list[Token] = []
    for i, b in enumerate(blocks):
        key = key_of(b)
        for a, e in spans(key, end):
            a, e = trimmed(key, a, e)
            text = _SPACE.sub("", key[a:e])
            if not text:
                continue
            out.append(Token(i, a, e, "" if _FIGURE.search(text) else text))
        out.append(Token(i, len(key), len(key), ""))
    return out


def _han(tokens: list[Token]) -> int:
    return sum(len(_HAN.findall(t.text)) for t in tokens)


def _same(x: Token, y: Token) -> bool:
    return bool(x.text) and x.text == y.text


def repeated_runs(tokens: list[Token], min_chars: int) -> list[tuple[int, int, int]]:
    """(i, j, n): tokens[i:i+n] == tokens[j:j+n], i < j, maximal on both sides, at least min_chars Han
    characters, within one block each."""
    where: dict[str, list[int]] = {}
    for k, t in enumerate(tokens):
        if t.text:
            where.setdefault(t.text, []).append(k)
    han = [0]  # han[k]: Han characters in tokens[:k], so that a run's count costs nothing
    for t in tokens:
        han.append(han[-1] + len(_HAN.findall(t.text)))
    out = []
    for ks in where.values():
        for x, i in enumerate(ks):
            for j in ks[x + 1 :]:
                if i > 0 and j > 0 and _same(tokens[i - 1], tokens[j - 1]) and tokens[i - 1].block == tokens[i].block and tokens[j - 1].block == tokens[j].block:
                    continue  # not left-maximal: the run starting one clause earlier covers it
                n = 0
                while (
                    j + n < len(tokens)
                    and i + n < j
                    and _same(tokens[i + n], tokens[j + n])
                    and tokens[i + n].block == tokens[i].block
                    and tokens[j + n].block == tokens[j].block
                ):
                    n += 1
                if n and han[i + n] - han[i] >= min_chars:
                    out.append((i, j, n))
    return out


def _periodic_runs(ks: list[int], a: int, e: int, texts: list[str], han: list[int], min_chars: int,
                   adjacent: list[tuple[int, int, int]], by_text: dict[tuple[str, ...], set[int]]) -> None:
    """A clause standing more often in one run of clauses than any report repeats itself (a paragraph
    pasted over and over): each place is paired with the next only, and a run that follows itself at
    once is stepped along for as long as it repeats. Pairing every place with every other made one such
    paragraph quadratic (1,000 copies of a sentence: minutes)."""
    for x in range(len(ks) - 1):
        i, j = ks[x], ks[x + 1]
        if i > a and texts[i - 1] == texts[j - 1]:
            continue  # not left-maximal
        n = 0
        while i + n < j and texts[i + n] and texts[i + n] == texts[j + n]:
            n += 1
        if not n or han[i + n] - han[i] < min_chars:
            continue
        places = by_text.setdefault(tuple(texts[i : i + n]), set())
        places.update({i, j})
        if j == i + n:
            adjacent.append((i, j, n))
            p = j + n
            while p + n <= e and texts[p : p + n] == texts[i : i + n]:
                places.add(p)
                p += n


def repeated_places(tokens: list[Token], min_chars: int, max_in_chain: int = 1 << 30) -> tuple[list[tuple[int, int, int]], dict[tuple[str, ...], set[int]]]:
    """What :func:`repeated_runs` gives, in time linear in the repeated text rather than in its pairs: the
    runs that follow themselves at once (``(i, j, n)`` with ``j == i + n``), and each repeated run's text
    with every place it starts.

    A run of clauses ("a chain": clauses up to a block's end or a clause with a figure) is compared with
    itself pair by pair, as :func:`repeated_runs` does (a chain may repeat inside itself). Two places in
    different chains repeat as far as the chains agree: places are grouped by the clauses that follow them,
    one clause deeper at a time, and a place counts for the text of a group when a place of another branch
    of the group, in another chain, makes a left-maximal pair with it (the clauses before them differ).
    """
    texts = [t.text for t in tokens]
    # Han characters before each place; only clauses that stand twice can be in a run, so only theirs count
    seen = Counter(texts)
    han_of: dict[str, int] = {}
    han = [0]
    for t in texts:
        if seen[t] >= 2 and t not in han_of:
            han_of[t] = len(_HAN.findall(t))
        han.append(han[-1] + han_of.get(t, 0))
    chain = [-1] * len(tokens)
    chains: list[tuple[int, int]] = []
    k = 0
    while k < len(tokens):
        if not texts[k]:
            k += 1
            continue
        start = k
        while k < len(tokens) and texts[k]:
            chain[k] = len(chains)
            k += 1
        chains.append((start, k))
    adjacent: list[tuple[int, int, int]] = []
    by_text: dict[tuple[str, ...], set[int]] = {}
    for a, e in chains:  # pairs inside one chain, as repeated_runs reads them
        if len(set(texts[a:e])) == e - a:
            continue  # no clause stands twice in it
        where: dict[str, list[int]] = {}
        for k in range(a, e):
            where.setdefault(texts[k], []).append(k)
        for ks in where.values():
            if len(ks) > max_in_chain:
                _periodic_runs(ks, a, e, texts, han, min_chars, adjacent, by_text)
                continue
            for x, i in enumerate(ks):
                for j in ks[x + 1 :]:
                    if i > a and texts[i - 1] == texts[j - 1]:
                        continue  # not left-maximal
                    n = 0
                    while i + n < j and texts[i + n] and texts[i + n] == texts[j + n]:
                        n += 1
                    if n and han[i + n] - han[i] >= min_chars:
                        by_text.setdefault(tuple(texts[i : i + n]), set()).update({i, j})
                        if j == i + n:
                            adjacent.append((i, j, n))
    # pairs across chains: grouped by the clauses they share
    first: dict[str, list[int]] = {}
    in_chain = Counter((t, chain[k]) for k, t in enumerate(texts) if t)
    kept: set[tuple[str, int]] = set()
    for k, t in enumerate(texts):
        if not t:
            continue
        if in_chain[t, chain[k]] > max_in_chain:
            # a paragraph pasted over and over stands for itself once here; its repeats were read above
            if (t, chain[k]) in kept:
                continue
            kept.add((t, chain[k]))
        first.setdefault(t, []).append(k)
    stack = [(1, ks) for ks in first.values() if len(ks) >= 2]
    while stack:
        depth, group = stack.pop()
        branches: dict[object, list[int]] = {}
        for p in group:
            nxt = texts[p + depth]
            branches.setdefault(nxt if nxt else ("end", p), []).append(p)  # a chain ending here: a branch of its own
        p0 = group[0]
        if han[p0 + depth] - han[p0] >= min_chars:
            found = _left_maximal_across(group, branches, texts, chain)
            if found:
                by_text.setdefault(tuple(texts[p0 : p0 + depth]), set()).update(found)
        stack += [(depth + 1, ps) for key, ps in branches.items() if len(ps) >= 2 and isinstance(key, str)]
    return adjacent, by_text


def _left_maximal_across(group: list[int], branches: dict[object, list[int]], texts: list[str], chain: list[int]) -> list[int]:
    """The places of ``group`` with a partner in another branch and another chain whose clause before it
    differs from theirs (or that have no clause before them): counted, not paired."""
    if len(branches) == 1:
        return []  # every place goes on alike: their pairs are read one clause deeper
    branch_of = {p: key for key, ps in branches.items() for p in ps}
    count: dict[tuple, int] = {}
    for p in group:
        b, c, before = branch_of[p], chain[p], texts[p - 1] if p else ""
        for k in (("b", b), ("c", c), ("bc", b, c), ("q", before), ("qb", before, b), ("qc", before, c), ("qbc", before, b, c)):
            count[k] = count.get(k, 0) + 1
    out = []
    for p in group:
        b, c, before = branch_of[p], chain[p], texts[p - 1] if p else ""
        others = len(group) - count["b", b] - count["c", c] + count["bc", b, c]
        if before:
            others -= count["q", before] - count["qb", before, b] - count["qc", before, c] + count["qbc", before, b, c]
        if others > 0:
            out.append(p)
    return out


def _where(doc: Document, block: Block) -> str:
    if block.page:
        return f"第{block.page}页"
    for key, label in (("line", "行"), ("paragraph", "段"), ("table", "表")):
        if key in block.loc:
            return f"第{block.loc[key]}{label}"
    return f"第{block.index + 1}块"


def _show(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@check("COPY-REPEATED-SENTENCE")
def repeated_sentence(ctx: Context, rule: CheckRule):
    """A sentence or a run of clauses repeated in one report: twice in a row inside one block (a warning),
    or in different places (info). Headings, titles and tables are not read: a heading printed twice by
    the layout and a table's repeated labels are not prose."""
    min_chars = int(rule.params.get("min_chars", 14))
    blocks = [b for b in body_blocks(ctx.doc) if b.kind == "paragraph"]
    tokens = _tokens(blocks)
    found, by_text = repeated_places(tokens, min_chars, int(rule.params.get("max_in_chain", 1 << 30)))
    order = sorted(by_text.items(), key=lambda kv: (-_han([Token(0, 0, 0, s) for s in kv[0]]), min(kv[1])))
    if len({(_han([Token(0, 0, 0, s) for s in seq]), min(starts)) for seq, starts in order}) < len(order):
        # two texts tie (one extends the other by clauses without a Han character): their order is that of
        # the pairs, as repeated_runs finds them
        runs = repeated_runs(tokens, min_chars)
        found = [(i, j, n) for i, j, n in runs if j == i + n and tokens[i].block == tokens[j].block]
        by_text = {}
        for i, j, n in runs:
            by_text.setdefault(tuple(t.text for t in tokens[i : i + n]), set()).update({i, j})
        order = sorted(by_text.items(), key=lambda kv: (-_han([Token(0, 0, 0, s) for s in kv[0]]), min(kv[1])))

    def text_of(i: int, n: int) -> str:
        b = blocks[tokens[i].block]
        return b.text[tokens[i].start : tokens[i + n - 1].end]

    def evidence(i: int, n: int) -> dict:
        b = blocks[tokens[i].block]
        return ev(b, tokens[i].start, tokens[i + n - 1].end)

    # adjacent: the run is followed at once by itself, inside one block
    adjacent = sorted(set(found))
    for i, j, n in adjacent:
        b = blocks[tokens[i].block]
        yield ctx.finding(
            rule,
            "adjacent",
            msg={"sentence": _show(text_of(i, n)), "where": _where(ctx.doc, b)},
            evidence=[ev(b, tokens[i].start, tokens[j + n - 1].end)],
            stated=text_of(i, n),
        )
    # repeated: every place a run's text stands, longest first; a shorter text reported only where it
    # stands outside the places already reported
    covered: set[int] = set()
    reported = 0
    for seq, starts in order:
        n = len(seq)
        places = sorted(starts)
        own = [k for k in places if not all(k + d in covered for d in range(n))]
        if len(own) < 1 or len(places) < 2:
            continue
        reported += 1
        if reported > int(rule.params.get("max_repeated", 10)):
            break  # the longest are shown; a report this repetitive needs a reading, not a list
        covered.update(k + d for k in places for d in range(n))
        where = Counter(_where(ctx.doc, blocks[tokens[k].block]) for k in places)
        yield ctx.finding(
            rule,
            "repeated",
            msg={
                "sentence": _show(text_of(places[0], n)),
                "count": len(places),
                "where": "、".join(w + (f"×{c}" if c > 1 else "") for w, c in where.items()),
            },
            evidence=[evidence(k, n) for k in places[:6]],
            stated=text_of(places[0], n),
            facts={"count": len(places)},
        )
