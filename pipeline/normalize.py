"""Normalise block text in small steps that keep the map back to the raw characters.

The steps are data (``rules/normalize.yaml``); this module compiles them and applies them to every block
(table cells one by one, then joined, so a cell never runs into its neighbour).

>>> normalize_text("预算执行率\\n为２．５２％").text
'预算执行率为2.52%'
>>> t = normalize_text("总投入1,236.45 万元")
>>> t.text, t.raw_span(3, 10)
('总投入1236.45万元', (3, 11))
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, cached_property
from importlib import resources
from typing import Literal

import regex
from pydantic import BaseModel, Field, model_validator

from pipeline.document import Block, Document
from pipeline.literals import may_match, required
from pipeline.ruleset import load, schema
from pipeline.textmap import MappedText


class StepExample(BaseModel):
    text: str
    expect: str


class Step(BaseModel):
    id: str
    kind: Literal["translate", "sub"]
    description: str = ""
    table: dict[str, str] = Field(default_factory=dict)
    ranges: list[tuple[str, str, str]] = Field(default_factory=list)
    pattern: str | None = None
    replace: str = ""
    examples: list[StepExample] = Field(min_length=1)

    @model_validator(mode="after")
    def _shape(self) -> Step:
        if self.kind == "sub" and not self.pattern:
            raise ValueError("a sub step needs a pattern")
        if self.kind == "translate" and not (self.table or self.ranges):
            raise ValueError("a translate step needs a table or ranges")
        for key in self.table:
            if len(key) != 1:
                raise ValueError(f"translate keys are single characters, not {key!r}")
        for first, last, repl in self.ranges:
            if len(first) != 1 or len(last) != 1 or len(repl) != 1 or ord(first) > ord(last):
                raise ValueError(f"bad range {first!r}-{last!r} -> {repl!r}")
        return self

    @cached_property
    def chars(self) -> dict[str, str]:
        table = {}
        for first, last, repl in self.ranges:
            for k in range(ord(last) - ord(first) + 1):
                table[chr(ord(first) + k)] = chr(ord(repl) + k)
        table.update(self.table)
        return table

    @cached_property
    def rx(self) -> regex.Pattern:
        return regex.compile(self.pattern or "")

    @cached_property
    def needs(self) -> tuple[frozenset[str], ...]:
        """The words a sub step cannot change a text without (most blocks hold no comparator pair, no
        wrapped line, no thousands separator)."""
        return required(self.rx.pattern)

    @cached_property
    def any_char(self) -> re.Pattern:
        """Any character a translate step replaces (the stdlib's character class: the cheapest test)."""
        return _char_class(self.chars)

    def apply(self, text: MappedText) -> MappedText:
        if self.kind == "translate":
            if not self.any_char.search(text.text):
                return text
            return text.translate(self.chars)
        if not may_match(self.needs, text.text):
            return text
        return text.sub(self.rx, self.replace)

    model_config = {"ignored_types": (cached_property,)}


@schema("normalize.yaml")
class NormalizeRules(BaseModel):
    version: int
    steps: list[Step] = Field(min_length=1)

    @cached_property
    def acts(self) -> tuple[re.Pattern, list[regex.Pattern]]:
        """What may make a step change a text: any character a translate step replaces or word a sub step
        needs (one search with the stdlib's re), and the patterns of the sub steps that need no word. A
        text with none of them is its own normal form: most table cells, many lines."""
        words: set[str] = set()
        run: list[regex.Pattern] = []
        for step in self.steps:
            if step.kind == "translate":
                words.update(step.chars)
            elif step.needs:
                words.update(step.needs[0])
            else:
                run.append(step.rx)
        alternation = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
        return re.compile(alternation or "(?!)"), run

    def check(self) -> list[tuple[tuple, str]]:
        problems = []
        seen = set()
        for i, step in enumerate(self.steps):
            if step.id in seen:
                problems.append((("steps", i, "id"), f"duplicate step id {step.id}"))
            seen.add(step.id)
            if step.kind == "sub":
                try:
                    regex.compile(step.pattern or "")
                except regex.error as exc:
                    problems.append((("steps", i, "pattern"), f"pattern does not compile: {exc}"))
                    continue
            for j, ex in enumerate(step.examples):
                got = step.apply(MappedText.identity(ex.text)).text
                if got != ex.expect:
                    problems.append((("steps", i, "examples", j), f"gives {got!r}, expected {ex.expect!r}"))
        return problems


def rules() -> NormalizeRules:
    return load("normalize.yaml")


def normalize_text(raw: str, steps: list[Step] | None = None) -> MappedText:
    r = rules()
    steps = r.steps if steps is None else steps
    text = MappedText.identity(raw)
    if steps is r.steps:
        may_act, run = r.acts
        if may_act.search(raw) is None and not any(rx.search(raw) for rx in run):
            return text  # no step would change it
    for step in steps:
        text = step.apply(text)
    return text


def _char_class(chars: Iterable[str]) -> re.Pattern:
    return re.compile("[" + "".join(map(re.escape, sorted(chars))) + "]")


@cache
def _t2s() -> dict[int, str]:
    # OpenCC's character table: every entry maps one traditional character to one simplified one, so the
    # folded text has the same length and offsets as the text it was made from.
    table: dict[int, str] = {}
    data = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text(encoding="utf-8")
    for line in data.splitlines():
        trad, _, simp = line.partition("\t")
        simp = simp.split()[0] if simp.split() else ""
        if len(trad) == 1 and len(simp) == 1:
            table[ord(trad)] = simp
    return table


def fold_script(text: str) -> str:
    """Traditional characters to simplified, character for character, for matching rules only.

    Values are always quoted from the text as printed; the folded text only decides where rules match.

    >>> fold_script("預算執行率為88.30%")
    '预算执行率为88.30%'
    """
    return text.translate(_t2s())


def text_block(text: str) -> Block:
    """A lone paragraph block of ``text``, normalised as a document's blocks are (for rule examples)."""
    norm = normalize_text(text)
    return Block(index=0, kind="paragraph", raw=text, norm=norm, key=fold_script(norm.text))


# what the overlong-numbers step leaves where a figure no conversion could hold was printed
_MASK = "〓"


def _where(block: Block) -> str:
    """Where a block stood, for an auditor: 第3页 / 第12行 / 第5段 / 第2个表格."""
    loc = block.loc or {}
    if block.page is not None:
        return f"第{block.page}页"
    if "line" in loc:
        return f"第{loc['line']}行"
    if "table" in loc:
        return f"第{loc['table'] + 1}个表格"
    if "paragraph" in loc:
        return f"第{loc['paragraph'] + 1}段"
    return f"第{block.index + 1}块"


def _overlong_warning(doc: Document) -> None:
    hit = [b for b in doc.blocks if b.norm is not None and b.norm.text.count(_MASK) > b.raw.count(_MASK)]
    if not hit:
        return
    places = "、".join(dict.fromkeys(_where(b) for b in hit[:5])) + ("等" if len(hit) > 5 else "")
    doc.warnings.append({
        "code": "W_NUMBER_TOO_LONG",
        "message": f"{places}有超长的数字（超过100位），不是可读的金额或得分，未作为数值读取；请核对原文"
        f"（{len(hit)} blocks hold a number too long to be a figure: not read as a value）",
    })


def normalize_document(doc: Document) -> Document:
    """Give every block (and every table cell) its normalised text and its matching key."""
    steps = rules().steps
    _normalize_blocks(doc, steps)
    _overlong_warning(doc)
    return doc


def _normalize_blocks(doc: Document, steps: list[Step]) -> None:
    for block in doc.blocks:
        if block.cells is None:
            block.norm = normalize_text(block.raw, steps)
            block.key = fold_script(block.norm.text)
            continue
        parts = []
        for cell in block.cells:
            cell.norm = normalize_text(cell.text, steps).shifted(cell.start, len(block.raw))
            cell.key = fold_script(cell.norm.text)
            parts.append(cell)
        # The block's normalised text keeps the table's shape: tab between cells, newline between rows.
        joined = []
        offset = 0
        for k, cell in enumerate(parts):
            last = k + 1 == len(parts)
            sep = "" if last else ("\n" if parts[k + 1].row != cell.row else "\t")
            joined.append((cell.norm, sep))
            cell.nstart = offset
            offset += len(cell.norm) + len(sep)
        block.norm = MappedText.join(joined, len(block.raw))
        block.key = fold_script(block.norm.text)

