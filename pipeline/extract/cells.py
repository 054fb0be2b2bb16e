"""Lines of cells: every table shape a report arrives in, read the same way.

A real table gives one line per row with one token per cell (empty cells kept, so positions line up with
the header). A paragraph gives one line whose tokens are its space- or bar-separated pieces: that covers
space-aligned tables, "|" rows, one cell per line and labels printed away from their values. Each token
knows its block and offsets, so whatever is read from it is quoted as printed.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.document import Block, Document
from pipeline.facts import Evidence

_PIECE = regex.compile(r"[^\s|]+")


@dataclass(frozen=True)
class Tok:
    text: str  # normalised text
    key: str  # folded to simplified script, same length
    block: Block
    start: int  # offsets in the block's normalised text
    end: int
    line: int  # index of the line this token stands on
    col: int | None = None  # the table column of a cell

    def evidence(self, a: int = 0, b: int | None = None) -> Evidence:
        # a label joined from spaced-out characters is shorter than the span it was printed in
        return Evidence.of(self.block, self.start + a, self.end if b is None else self.start + b)

    def part(self, a: int, b: int) -> Tok:
        """The token made of characters [a, b) of this one (a cell glued to its neighbours)."""
        return Tok(self.text[a:b], self.key[a:b], self.block, self.start + a, self.start + b, self.line, self.col)


def lines_of(doc: Document) -> list[list[Tok]]:
    lines: list[list[Tok]] = []
    for block in doc.blocks:
        if block.kind == "table":
            rows: dict[int, list[Tok]] = {}
            for cell in block.cells or []:
                text = cell.norm.text if cell.norm is not None else cell.text
                key = cell.key if cell.key is not None else text
                tok = Tok(text, key, block, cell.nstart, cell.nstart + len(text), 0, cell.col)
                rows.setdefault(cell.row, []).append(_closed(tok))
            for r in sorted(rows):
                n = len(lines)
                lines.append([Tok(t.text, t.key, t.block, t.start, t.end, n, t.col) for t in rows[r]])
            continue
        text = block.text
        key = block.key if block.key is not None else text
        n = len(lines)
        toks = [Tok(text[m.start() : m.end()], key[m.start() : m.end()], block, m.start(), m.end(), n) for m in _PIECE.finditer(key)]
        if toks:
            lines.append(join_spaced(toks))
    return lines


_SPACED_LABEL = regex.compile(r"\p{Han}(?:[ \u3000\u00a0]+\p{Han})+")


def _closed(tok: Tok) -> Tok:
    """A cell whose label is spaced out to fill it ("年 度 资 金 总 额") as the label it prints; the span
    stays the cell's, so the evidence quotes it as printed."""
    if not _SPACED_LABEL.fullmatch(tok.key):
        return tok
    text, key = regex.sub(r"\s+", "", tok.text), regex.sub(r"\s+", "", tok.key)
    return Tok(text, key, tok.block, tok.start, tok.end, tok.line, tok.col)


def filled(line: list[Tok]) -> list[Tok]:
    """A line's cells that hold something: not blank, not a bare ``|`` of a flattened table."""
    return [t for t in line if t.key.strip() and t.key != "|"]


def from_table(tok: Tok) -> bool:
    return tok.block.kind == "table"


def join_spaced(toks: list[Tok]) -> list[Tok]:
    """A label spaced out to fill its cell ("产 出 指 标 (50分)") arrives as one-character tokens: one token
    again, spanning the printed characters (spaces included) so its evidence quotes the cell as printed."""
    out: list[Tok] = []
    run: list[Tok] = []

    def close() -> None:
        if len(run) >= 2:
            out.append(Tok("".join(t.text for t in run), "".join(t.key for t in run), run[0].block, run[0].start, run[-1].end, run[0].line, run[0].col))
        else:
            out.extend(run)
        run.clear()

    for t in toks:
        if len(t.key) == 1 and regex.match(r"\p{Han}", t.key) and (not run or run[-1].block is t.block):
            run.append(t)
            continue
        if run and run[-1].block is t.block and _LAST_OF_LABEL.match(t.key):
            # the label's last character glued to the figures after it: "年 度 资 金 总 额218.00…"
            run.append(t.part(0, 1))
            close()
            out.append(t.part(1, len(t.key)))
            continue
        close()
        out.append(t)
    close()
    return out


_LAST_OF_LABEL = regex.compile(r"\p{Han}[\d:：]")
