"""A block's text as the checks read it, and the way back to what the report printed.

The checks that read prose themselves (sums after 其中, totals after their parts, standard × count) read
the text the extractors match: normalised and in simplified script, so that a PDF's lines wrapped in
mid-list ("其中中央资金210.12万元、省级资\\n金96.30万元"), pinyin glosses (結(jié)余), thousands separators
and full-width digits read as they do in extraction. Offsets into it are turned back into the raw text's
for evidence, and the record's evidence (raw offsets) into it.

>>> from pipeline.normalize import text_block
>>> b = text_block("共投入資金530.40萬元，其中中央210.12萬元、省\\n級96.30萬元")
>>> v = view(b)
>>> v.text
'共投入资金530.40万元，其中中央210.12万元、省级96.30万元'
>>> start = v.text.index("96.30"); v.evidence(start, start + 7)["quote"], v.at(b.raw.index("96.30"))
('96.30萬元', 29)
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.document import Block
from pipeline.facts import Evidence


@dataclass(frozen=True)
class View:
    block: Block
    text: str  # the normalised text in simplified script (the block's key), or the raw text unnormalised

    def evidence(self, start: int, end: int) -> dict:
        """The evidence of [start, end) of :attr:`text`: quoted as printed, with the raw offsets."""
        return Evidence.of(self.block, start, end).to_json()

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        norm = self.block.norm
        return norm.raw_span(start, end) if norm is not None else (start, end)

    def printed(self, start: int, end: int) -> str:
        """[start, end) of :attr:`text` as the report printed it."""
        a, b = self.raw_span(start, end)
        return self.block.raw[a:b]

    def at(self, raw_offset: int) -> int:
        """The offset in :attr:`text` of a raw offset (the start or end of a fact's evidence): the number
        of characters of :attr:`text` made from raw text before it."""
        norm = self.block.norm
        return norm.at(raw_offset) if norm is not None else raw_offset


def view(block: Block) -> View:
    return View(block, block.key if block.key is not None else block.text)
