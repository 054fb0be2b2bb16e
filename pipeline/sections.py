"""Headings, the section tree and canonical section tags.

Headings are found by their numbering (一、 / （一） / 1. / （1） / ①, levels 1-5), by a DOCX/HTML heading
style, or as a repeat of a heading just printed (web copies of reports often print each heading twice,
once without its number). Every block then records the heading that encloses it and the canonical tags
(基本情况, 绩效目标, 评价结论, 指标分析, 产出, 效益, 满意度, 问题, 建议 …) of the headings above it.
The rules are in ``rules/sections.yaml``.

>>> classify("（一）项目概况")
(2, '（一）', '项目概况')
>>> classify("1.前期准备。首先成立评价工作组，开展前期调研。") is None
True
"""

from __future__ import annotations

from functools import cached_property

import regex
from pydantic import BaseModel, Field

from pipeline.document import Block, Document
from pipeline.normalize import fold_script
from pipeline.ruleset import load, schema


class Numbering(BaseModel):
    id: str
    level: int = Field(ge=1, le=9)
    pattern: str
    examples: list[str] = Field(min_length=1)


class HeadingRules(BaseModel):
    max_chars: int = Field(gt=0)
    sentence_end: str
    repeat_window: int = Field(ge=1)
    examples: list[str] = Field(min_length=1)
    counterexamples: list[str] = Field(min_length=1)


class TitleRules(BaseModel):
    max_chars: int
    pattern: str
    not_title: str
    max_lines: int
    chrome: str  # a site's lines above the report (索引号：…, breadcrumbs, 全文检索): not counted as lines
    max_chrome: int


class TagRule(BaseModel):
    id: str
    pattern: str
    examples: list[str] = Field(min_length=1)


@schema("sections.yaml")
class SectionRules(BaseModel):
    version: int
    numbering: list[Numbering] = Field(min_length=1)
    heading: HeadingRules
    title: TitleRules
    tags: list[TagRule]

    model_config = {"ignored_types": (cached_property,)}

    @cached_property
    def numbering_rx(self) -> list[tuple[int, regex.Pattern]]:
        return [(n.level, regex.compile(r"\s*(" + n.pattern + r")\s*")) for n in self.numbering]

    @cached_property
    def sentence_rx(self) -> regex.Pattern:
        return regex.compile(self.heading.sentence_end)

    @cached_property
    def title_rx(self) -> regex.Pattern:
        return regex.compile(self.title.pattern)

    @cached_property
    def tag_rx(self) -> list[tuple[str, regex.Pattern]]:
        return [(t.id, regex.compile(t.pattern)) for t in self.tags]

    def check(self) -> list[tuple[tuple, str]]:
        problems: list[tuple[tuple, str]] = []
        for i, n in enumerate(self.numbering):
            try:
                rx = regex.compile(n.pattern)
            except regex.error as exc:
                problems.append((("numbering", i, "pattern"), f"pattern does not compile: {exc}"))
                continue
            for j, ex in enumerate(n.examples):
                if not rx.match(ex):
                    problems.append((("numbering", i, "examples", j), f"{ex!r} does not match"))
        for key, pattern in (("sentence_end", self.heading.sentence_end), ("pattern", self.title.pattern)):
            try:
                regex.compile(pattern)
            except regex.error as exc:
                problems.append((("heading" if key == "sentence_end" else "title", key), str(exc)))
        for i, t in enumerate(self.tags):
            try:
                regex.compile(t.pattern)
            except regex.error as exc:
                problems.append((("tags", i, "pattern"), f"pattern does not compile: {exc}"))
        if problems:
            return problems
        for j, ex in enumerate(self.heading.examples):
            if classify(ex, self) is None:
                problems.append((("heading", "examples", j), f"{ex!r} is not taken for a heading"))
        for i, t in enumerate(self.tags):
            for j, ex in enumerate(t.examples):
                if t.id not in tags_for(ex, self):
                    problems.append((("tags", i, "examples", j), f"{ex!r} is not tagged {t.id}"))
        for j, ex in enumerate(self.heading.counterexamples):
            if classify(ex, self) is not None:
                problems.append((("heading", "counterexamples", j), f"{ex!r} is taken for a heading"))
        return problems


def rules() -> SectionRules:
    return load("sections.yaml")


def _is_short_phrase(text: str, r: SectionRules) -> bool:
    return 0 < len(text) <= r.heading.max_chars and not r.sentence_rx.search(text)


def classify(text: str, r: SectionRules | None = None, key: str | None = None) -> tuple[int, str, str] | None:
    """(level, numbering as printed, title) when the line is a numbered heading, else None.

    ``key`` is the same line folded to simplified script (same length); rules match the key, the
    numbering and title are cut from the text as printed.
    """
    r = r or rules()
    key = key if key is not None else text
    for level, rx in r.numbering_rx:
        m = rx.match(key)
        if m:
            title = text[m.end() :].strip()
            if _is_short_phrase(key[m.end() :].strip(), r):
                return level, text[m.start(1) : m.end(1)], title
            return None
    return None


def tags_for(title: str, r: SectionRules | None = None) -> list[str]:
    r = r or rules()
    key = fold_script(title)
    return [tag for tag, rx in r.tag_rx if rx.search(key)]


def _same_heading(a: str, b: str) -> bool:
    # "三、综合评价情况及评价结论（附相关评分表）" repeats "三、综合评价情况及评价结论".
    return a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))


def _is_continuation(text: str) -> bool:
    """A short title line without year or digits finishes the line above ("…专项补助资金" / "支出绩效自评报告")."""
    return len(text) <= 12 and not regex.search(r"\d|年度", text)


def _mark_titles(doc: Document, r: SectionRules) -> None:
    head: list[Block] = []
    chrome = regex.compile(r.title.chrome)
    lines = skipped = 0
    for block in doc.blocks:
        if block.kind == "table" or classify(block.text, r, block.key) is not None:
            break
        if block.kind != "title" and (len(block.text) > r.title.max_chars or "。" in block.text):
            break
        # a government site's page opens with its own lines (索引号, 发布机构, the breadcrumb): the title
        # is within the first lines after them
        if skipped < r.title.max_chrome and chrome.search(block.text):
            skipped += 1
        else:
            lines += 1
        if lines > r.title.max_lines + 2:
            break
        head.append(block)
    for i, block in enumerate(head):
        key = block.key or block.text
        if block.kind == "title" or (r.title_rx.search(key) and not regex.match(r.title.not_title, key)):
            block.kind, block.level, block.title = "title", 0, block.text
            if i > 0 and _is_continuation(block.text) and head[i - 1].kind != "title":
                prev = head[i - 1]
                prev.kind, prev.level, prev.title = "title", 0, prev.text


def structure(doc: Document) -> Document:
    """Mark titles, headings and repeats; give every block its section and tags."""
    r = rules()
    _mark_titles(doc, r)
    recent: list[Block] = []  # the last headings, for recognising repeats
    stack: list[Block] = []  # the open sections, outermost first
    for block in doc.blocks:
        if block.kind == "title":
            block.tags = tags_for(block.text, r)
            continue
        found = classify(block.text, r, block.key) if block.kind != "table" else None
        if found is not None:
            block.level, block.numbering, block.title = found
            block.kind = "heading"
        elif block.kind == "heading":
            block.title = block.text
            block.level = block.level or 1
        elif block.kind == "paragraph" and _is_short_phrase(block.text, r):
            # An unnumbered line that repeats a recent heading's title is that heading printed again.
            for prev in reversed(recent):
                if _same_heading(block.text.rstrip("：:"), prev.title or ""):
                    block.kind, block.level, block.title = "heading", prev.level, block.text
                    block.repeat_of = prev.index
                    break
        if block.kind != "heading":
            block.section = stack[-1].index if stack else None
            block.tags = _path_tags(stack, r)
            continue
        if block.repeat_of is None:
            for prev in reversed(recent):
                if prev.level == block.level and _same_heading(block.title or "", prev.title or ""):
                    block.repeat_of = prev.index
                    break
        if block.repeat_of is not None:
            original = doc.blocks[block.repeat_of]
            block.section = original.section
            block.tags = original.tags
            continue
        while stack and (stack[-1].level or 0) >= (block.level or 0):
            stack.pop()
        block.section = stack[-1].index if stack else None
        stack.append(block)
        block.tags = _path_tags(stack, r)
        recent = (recent + [block])[-r.heading.repeat_window :]
    return doc


_TAG_CACHE: dict[str, list[str]] = {}


def _own_tags(title: str, r: SectionRules) -> list[str]:
    if title not in _TAG_CACHE:
        if len(_TAG_CACHE) > 10_000:
            _TAG_CACHE.clear()
        _TAG_CACHE[title] = tags_for(title, r)
    return _TAG_CACHE[title]


def _path_tags(stack: list[Block], r: SectionRules) -> list[str]:
    """Tags of the open sections. A heading that names some of its parent's own topics narrows them:
    under "五、主要经验及做法、存在的问题", "（一）主要经验及做法" is 经验 only."""
    tags: list[str] = []
    parent_own: list[str] = []
    for heading in stack:
        own = _own_tags(heading.title or heading.text, r)
        if set(own) & set(parent_own):
            tags = [t for t in tags if t not in parent_own or t in own]
        tags += [t for t in own if t not in tags]
        parent_own = own
    return tags
