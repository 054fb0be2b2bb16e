"""Plain text and HTML-saved-as-text reports.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK, else whatever charset-normalizer
finds with confidence. Each non-empty line becomes a block located by its line number (from 1); runs of
lines that are rows of a ``|``-separated or tab-separated table become one table block whose raw text is
those lines as printed, with each cell's offsets into it. HTML goes to :mod:`pipeline.readers.html`.
"""

from __future__ import annotations

import codecs

import regex
from charset_normalizer import from_bytes

from pipeline.document import Block, Cell, Document
from pipeline.errors import ReadError
from pipeline.limits import Limits

_HTML_START = regex.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|p|table)\b", regex.I | regex.S)
_TAG = regex.compile(r"</?(?:p|div|br|table|tr|td|span|body|html|h[1-6])\b[^>]*>", regex.I)
_PIPE_ROW = regex.compile(r"^\s*\|.*\|\s*$")
# A line made of box-drawing characters and spaces only is a table border, not content.
_BORDER = regex.compile(r"^[\s─━│┃┄┅┈┉┌┐└┘├┤┬┴┼═║╒╓╔╕╖╗╘╙╚╛╜╝╞╟╠╡╢╣╤╥╦╧╨╩╪╫╬+\-=|]+$")


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was read with."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ReadError("E_TXT_ENCODING", f"UTF-16 BOM but undecodable: {exc}") from None
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    best = from_bytes(data[: 1024 * 1024]).best()
    if best is None or best.encoding is None:
        raise ReadError("E_TXT_ENCODING", "neither UTF-8, UTF-16 nor GB18030, and no confident guess")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise ReadError("E_TXT_ENCODING", f"guessed {best.encoding} but it fails: {exc}") from None


def _looks_garbled(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f\x1b"))
    return bad > len(sample) // 20


def is_html(text: str) -> bool:
    head = text[:4096]
    return bool(_HTML_START.match(head)) or len(_TAG.findall(head)) >= 8


def _row_cells(line: str, line_start: int, sep: str) -> list[tuple[str, int, int]]:
    """Cells of one table row as (text, start, end) with offsets into the whole block; a pipe row's
    outer bars are frame, not cells."""
    if sep == "|":
        first, last = line.index("|"), line.rindex("|")
        body, offset = line[first + 1 : last], first + 1
    else:
        body, offset = line, 0
    cells = []
    pos = 0
    for piece in body.split(sep):
        lead = len(piece) - len(piece.lstrip())
        text = piece.strip()
        start = line_start + offset + pos + lead
        cells.append((text, start, start + len(text)))
        pos += len(piece) + 1
    return cells


def _table_block(doc: Document, lines: list[tuple[int, str]], sep: str) -> Block:
    raw = "\n".join(text for _, text in lines)
    cells: list[Cell] = []
    offset = 0
    for r, (_, line) in enumerate(lines):
        for c, (text, start, end) in enumerate(_row_cells(line, offset, sep)):
            cells.append(Cell(r, c, text, start, end))
        offset += len(line) + 1
    block = Block(
        index=len(doc.blocks),
        kind="table",
        raw=raw,
        loc={"line": lines[0][0], "end_line": lines[-1][0]},
        cells=cells,
    )
    doc.blocks.append(block)
    return block


def _table_sep(line: str) -> str | None:
    if _PIPE_ROW.match(line) and line.count("|") >= 3:
        return "|"
    if line.count("\t") >= 2:
        return "\t"
    return None


def split_lines(doc: Document, text: str, limits: Limits) -> None:
    lines = text.splitlines()
    run: list[tuple[int, str]] = []
    run_sep: str | None = None

    def flush() -> None:
        nonlocal run, run_sep
        if len(run) >= 2:
            _table_block(doc, run, run_sep or "|")
        else:
            for number, line in run:
                doc.add("paragraph", line, loc={"line": number})
        run, run_sep = [], None

    for number, line in enumerate(lines, start=1):
        if len(line) > limits.max_line_chars:
            raise ReadError("E_TXT_LINE_TOO_LONG", f"line {number} has {len(line)} characters")
        if not line.strip():
            flush()
            continue
        sep = _table_sep(line)
        if sep is not None and (run_sep in (None, sep)):
            run.append((number, line))
            run_sep = sep
            continue
        flush()
        if sep is not None:
            run, run_sep = [(number, line)], sep
            continue
        if _BORDER.match(line) and len(line.strip()) >= 3:
            continue
        doc.add("paragraph", line, loc={"line": number})
    flush()


def read(data: bytes, path: str, limits: Limits) -> Document:
    if len(data) > limits.max_text_bytes:
        raise ReadError("E_TOO_LARGE", f"text file of {len(data)} bytes > limit {limits.max_text_bytes}")
    text, encoding = decode(data)
    if _looks_garbled(text):
        raise ReadError("E_UNKNOWN_FORMAT", f"decoded as {encoding} but full of control characters")
    if is_html(text):
        from pipeline.readers import html

        doc = html.read_html(text, path, limits)
        doc.encoding = encoding
        return doc
    doc = Document(path=path, format="txt", encoding=encoding)
    split_lines(doc, text, limits)
    if not doc.blocks:
        raise ReadError("E_NO_TEXT", "the text file holds only white space")
    return doc
