"""The one model every report format is read into.

A :class:`Document` is an ordered list of :class:`Block` (title, heading, paragraph, table). Each block keeps
its raw text exactly as the file holds it and where it stood (PDF page, DOCX paragraph/table index, TXT
line); later stages add to the blocks (normalised text, section, tags) and never re-read the file.

A table block's raw text is its cells joined by tab within a row and newline between rows; each
:class:`Cell` records its offsets in that raw text, so evidence inside a table is quoted like any other.
A merged cell appears once, at its top-left position, with its row and column span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pipeline.textmap import MappedText

BlockKind = Literal["title", "heading", "paragraph", "table"]

# A lone surrogate (a w:sym char="D800", a broken ToUnicode map) cannot be encoded as UTF-8: every writer
# and the worker's reply would fail on it. Replaced one for one, so every offset stays valid.
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    r"""``text`` with lone surrogates replaced by U+FFFD (same length).

    >>> printable("a\ud800b") == "a\ufffdb"
    True
    """
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)


@dataclass
class Cell:
    row: int
    col: int
    text: str
    start: int = 0  # offsets of ``text`` in the table block's raw text
    end: int = 0
    rowspan: int = 1
    colspan: int = 1
    norm: MappedText | None = None  # normalised cell text, spans relative to the block's raw text
    key: str | None = None  # ``norm.text`` in simplified script, same length: what rules match against
    nstart: int = 0  # where ``norm.text`` starts in the block's normalised text
    ref: str | None = None  # spreadsheets: the cell's address on its sheet, "C6"
    conf: float | None = None  # OCR: the recognition confidence of the cell's text (0-1)

    def __post_init__(self) -> None:
        self.text = printable(self.text)

    def to_json(self) -> dict:
        d: dict = {"row": self.row, "col": self.col, "text": self.text, "start": self.start, "end": self.end}
        if self.rowspan != 1:
            d["rowspan"] = self.rowspan
        if self.colspan != 1:
            d["colspan"] = self.colspan
        if self.ref is not None:
            d["ref"] = self.ref
        if self.conf is not None:
            d["conf"] = round(self.conf, 3)
        return d


@dataclass
class Block:
    index: int
    kind: BlockKind
    raw: str
    page: int | None = None  # counts from 1; PDF only
    loc: dict = field(default_factory=dict)  # where it stood: {"line": n} | {"paragraph": n} | {"table": n}
    cells: list[Cell] | None = None  # table blocks only
    style: str | None = None  # DOCX paragraph style name
    level: int | None = None  # heading depth: 0 title, 1 一、, 2 （一）, 3 1., 4 （1）, 5 ①
    numbering: str | None = None  # the heading's numbering as printed: "一、", "（一）"
    title: str | None = None  # heading text without its numbering
    repeat_of: int | None = None  # index of the earlier heading this one repeats
    section: int | None = None  # index of the heading block that encloses this block
    tags: list[str] = field(default_factory=list)  # canonical section tags along the path
    norm: MappedText | None = None  # normalised view of ``raw``
    key: str | None = None  # ``norm.text`` in simplified script, same length: what rules match against
    # OCR'd text: (start, end, confidence, box) of each recognised line in ``raw``; box in page points
    ocr: list[tuple[int, int, float, tuple[float, float, float, float]]] | None = None

    def __post_init__(self) -> None:
        self.raw = printable(self.raw)

    @property
    def text(self) -> str:
        """The normalised text when there is one, else the raw text."""
        return self.norm.text if self.norm is not None else self.raw

    @property
    def nrows(self) -> int:
        return 1 + max((c.row + c.rowspan - 1 for c in self.cells or []), default=-1)

    @property
    def ncols(self) -> int:
        return 1 + max((c.col + c.colspan - 1 for c in self.cells or []), default=-1)

    def grid(self) -> list[list[str | None]]:
        """Rows x columns of cell texts; positions covered by a merged cell are None."""
        g: list[list[str | None]] = [[None] * self.ncols for _ in range(self.nrows)]
        for c in self.cells or []:
            g[c.row][c.col] = c.norm.text if c.norm is not None else c.text
        return g

    def quote(self, start: int, end: int) -> str:
        return self.raw[start:end]

    def to_json(self) -> dict:
        d: dict = {"index": self.index, "kind": self.kind, "page": self.page, "loc": self.loc, "raw": self.raw}
        if self.norm is not None and self.norm.text != self.raw:
            d["text"] = self.norm.text
        for key in ("style", "level", "numbering", "title", "repeat_of", "section"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        d["tags"] = self.tags
        if self.ocr is not None:
            d["ocr"] = [
                {"start": s, "end": e, "conf": round(c, 3), "box": [round(v, 1) for v in box]}
                for s, e, c, box in self.ocr
            ]
        if self.cells is not None:
            d["rows"] = self.nrows
            d["cols"] = self.ncols
            d["cells"] = [c.to_json() for c in self.cells]
        return d


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Column ranges sorted, overlapping or touching ones joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def table_block(index: int, rows: list[list[tuple[str, int, int]]], **kw) -> Block:
    """Build a table block from rows of (text, rowspan, colspan) placed on a grid.

    Cells are laid left to right; a position already covered by a merged cell from an earlier row is
    skipped, so the caller lists each merged cell once, at its top-left position.
    """
    # per row below, the column ranges [start, end) that merged cells from the rows above cover: ranges, not
    # positions, so a cell spanning 1000 × 1000 costs as much as one (spans come from the file, any size)
    covered: dict[int, list[tuple[int, int]]] = {}
    cells: list[Cell] = []
    parts: list[str] = []
    offset = 0
    for r, row in enumerate(rows):
        taken = _merged(covered.pop(r, []))
        k = 0  # the first range not wholly left of col (cells come left to right)
        col = 0
        row_parts: list[str] = []
        for text, rowspan, colspan in row:
            while k < len(taken) and taken[k][1] <= col:
                k += 1
            if k < len(taken) and taken[k][0] <= col:
                col = taken[k][1]
            if row_parts:
                offset += 1  # the tab before this cell
            cells.append(Cell(r, col, text, offset, offset + len(text), rowspan, colspan))
            row_parts.append(text)
            offset += len(text)
            for dr in range(1, min(rowspan, len(rows) - r)):
                covered.setdefault(r + dr, []).append((col, col + colspan))
            col += colspan
        parts.append("\t".join(row_parts))
        offset += 1  # the newline after this row
    return Block(index=index, kind="table", raw="\n".join(parts), cells=cells, **kw)


@dataclass
class Document:
    path: str
    format: str  # "txt" | "docx" | "pdf" | "html" | "xlsx" | "xls" | "ods" | "doc" | "rtf" | "odt" | "image" | "mht"
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    encoding: str | None = None  # text files only
    warnings: list[dict] = field(default_factory=list)  # {"code", "message"} for partial reads
    sheets: list[dict] | None = None  # spreadsheets: {"name", "hidden", "range"} of every sheet read
    ocr_pages: list[int] | None = None  # pages (1 for an image) whose text was recognised by OCR
    converted_from: str | None = None  # the source format LibreOffice converted this DOCX from
    # a workbook holding several projects' forms: one Document per project, the first one's blocks being
    # this Document's leading blocks (see pipeline.readers.spreadsheet.project_sheets)
    parts: list[Document] = field(default_factory=list)

    def add(self, kind: BlockKind, raw: str, **kw) -> Block:
        block = Block(index=len(self.blocks), kind=kind, raw=raw, **kw)
        self.blocks.append(block)
        return block

    def add_table(self, rows: list[list[tuple[str, int, int]]], **kw) -> Block:
        block = table_block(len(self.blocks), rows, **kw)
        self.blocks.append(block)
        return block

    @property
    def text(self) -> str:
        """All normalised block texts, one block per line (for search and debugging)."""
        return "\n".join(b.text for b in self.blocks)

    def find(self, needle: str) -> list[tuple[Block, int, int]]:
        """Every (block, raw start, raw end) where the normalised text contains ``needle``."""
        hits = []
        for b in self.blocks:
            t = b.norm if b.norm is not None else MappedText.identity(b.raw)
            i = t.text.find(needle)
            while i >= 0:
                s, e = t.raw_span(i, i + len(needle))
                hits.append((b, s, e))
                i = t.text.find(needle, i + 1)
        return hits
