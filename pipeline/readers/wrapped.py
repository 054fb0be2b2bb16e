"""Paragraphs a text file breaks at a fixed width, joined back into one line each.

A PDF saved as text (pdftotext, a doc-sharing site's copy) ends every line where the page's line ended:
"…年中调整预算为 1781.86 万" then "元，比年初预算增加…". Read line by line, a label and its figure, or a figure
and its unit, fall into two blocks, and a sum stated over a paragraph is cut into pieces. Such a file is
recognised by its lines: many of its prose lines fill the same width (a Chinese character counting two
columns: :func:`display_width`), which text written a paragraph per line does not do. In such a file a line
that fills the width and does not end a sentence goes on in the next line, unless that one opens a heading,
an item or a page line; in a copy that puts a blank line between every two lines, across that blank line. A
joined paragraph is no longer than a line may be (the reader's limit), so that a file of full lines without
a full stop is not one block.
"""

from __future__ import annotations

import re

import regex

# a prose line: at least this many characters, not a row of cells (runs of spaces, | or tabs between them;
# the stdlib's re, several times faster than the regex module on such a pattern, on every line of a file)
_MIN_CHARS = 8
_CELLS = re.compile(r"\s\s|[|\t]")
# the file is wrapped when at least this share of its prose lines, and at least this many, fill its width
# (within _SLACK columns below it: a line may end before a word or a number that did not fit), and the width
# is a page's, not a table column's. (Headings, short paragraphs' last lines and a site's furniture keep the
# share of a wrapped report's lines at its width well under all; a report written a paragraph a line has its
# widths spread, a few long paragraphs at most near the widest.)
_SHARE = 0.4
_MIN_FULL = 6
# a file doubles its line spacing when, over at least this many gaps between its lines, hardly any two lines
# are adjacent and one blank line stands in most gaps
_MIN_GAPS = 6
_SLACK = 8
_MIN_WIDTH, _MAX_WIDTH = 40, 200
# a line ending so ends its paragraph's sentence; a line starting so opens a heading, an item or a page
# furniture line. (A full line that ends on a colon or a semicolon goes on: "…共1个。其中:" then "行政单位1个,…")
_ENDS = regex.compile(r"[。！？!?]\s*$")
_OPENS = regex.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、.．](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩]"
    r"|第[一二三四五六七八九十\d]+[章节条部分页]|[—–-]\s*\d+\s*[—–-]\s*$)"
)


def display_width(line: str) -> int:
    """Columns a line fills as Chinese text is set: its length in GBK, where a Chinese character or full-width
    mark takes two bytes and ASCII one (a character GBK lacks counts one); in C, unlike a per-character
    look-up of its East Asian width, which cost a twentieth of a report's reading time."""
    return len(line.encode("gbk", "replace"))


def _prose(line: str) -> bool:
    s = line.strip()
    return len(s) >= _MIN_CHARS and not _CELLS.search(s)


def wrap_width(lines: list[str]) -> int | None:
    """The width the file's prose lines were broken at, or None when they were not broken at one."""
    widths = sorted(display_width(line.rstrip()) for line in lines if _prose(line))
    if len(widths) < _MIN_FULL:
        return None
    width = widths[int(0.9 * (len(widths) - 1))]
    if not _MIN_WIDTH <= width <= _MAX_WIDTH:
        return None
    full = sum(1 for w in widths if width - _SLACK <= w <= width + 2)
    return width if full >= max(_MIN_FULL, _SHARE * len(widths)) else None


def join_wrapped(lines: list[str], max_chars: int | None = None) -> list[tuple[int, str]]:
    """The file's lines as ``(first line number, text)``, a wrapped paragraph's lines joined into one (of at
    most ``max_chars``)."""
    numbered = list(enumerate(lines, start=1))
    width = wrap_width(lines)
    if width is None:
        return numbered
    spaced = _double_spaced(lines)
    out: list[tuple[int, str]] = []
    last = ""  # the physical line the last entry ends with: it must fill the width for the next to go on
    held: tuple[int, str] | None = None  # a double-spaced file's blank line, until the next line shows what it is
    for number, line in numbered:
        if spaced and not line.strip() and held is None and last.strip():
            held = (number, line)
            continue
        if out and _goes_on(last, line, width) and (max_chars is None or len(out[-1][1]) + len(line) < max_chars):
            first, prev = out[-1]
            out[-1] = (first, _join(prev.rstrip(), line.strip()))
        else:
            if held is not None:
                out.append(held)
            out.append((number, line))
        held = None
        last = line
    if held is not None:
        out.append(held)
    return out


def _double_spaced(lines: list[str]) -> bool:
    """Whether the file doubles its line spacing (a copy that puts a blank line after every line): hardly two
    lines follow each other directly, and one blank line stands between most; one blank line then separates
    lines, not paragraphs (those have more)."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    gaps = [b - a for a, b in zip(filled, filled[1:])]
    return len(gaps) >= _MIN_GAPS and gaps.count(1) <= 0.1 * len(gaps) and gaps.count(2) >= 0.5 * len(gaps)


def _goes_on(last: str, line: str, width: int) -> bool:
    # (the next line may be short: a paragraph's last piece, down to "%。")
    return (
        _prose(last) and bool(line.strip()) and not _CELLS.search(line.strip())
        and display_width(last.rstrip()) >= width - _SLACK and not _ENDS.search(last) and not _OPENS.match(line)
    )


def _join(prev: str, line: str) -> str:
    # words of a Latin script keep their space; Chinese and figures run on ("1781.86 万" + "元")
    latin = prev[-1:].isascii() and prev[-1:].isalpha() and line[:1].isascii() and line[:1].isalpha()
    return prev + (" " if latin else "") + line
