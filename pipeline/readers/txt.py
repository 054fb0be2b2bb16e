"""Plain text and HTML-saved-as-text reports.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK, else whatever charset-normalizer
finds with confidence. Each non-empty line becomes a block located by its line number (from 1), a paragraph
broken at a fixed width (a PDF saved as text) joined back first (:mod:`pipeline.readers.wrapped`), a doc
site's numbered chunks taken off (:mod:`pipeline.readers.chunked`) and a letter-spaced line closed up
(:mod:`pipeline.readers.spaced`); runs of
lines that are rows of a ``|``-separated or tab-separated table become one table block whose raw text is
those lines as printed, with each cell's offsets into it. HTML goes to :mod:`pipeline.readers.html`.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

import regex
from charset_normalizer import from_bytes

from pipeline.document import Block, Cell, Document
from pipeline.errors import ReadError
from pipeline.limits import Limits
from pipeline.readers.chunked import join_chunks
from pipeline.readers.spaced import close_up
from pipeline.readers.wrapped import join_wrapped

_HTML_START = regex.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|p|table)\b", regex.I | regex.S)
_TAG = regex.compile(r"</?(?:p|div|br|table|tr|td|span|body|html|h[1-6])\b[^>]*>", regex.I)
_PIPE_ROW = regex.compile(r"^\s*\|.*\|\s*$")
# A line made of box-drawing characters and spaces only is a table border, not content.
_BORDER = regex.compile(r"^[\s─━│┃┄┅┈┉┌┐└┘├┤┬┴┼═║╒╓╔╕╖╗╘╙╚╛╜╝╞╟╠╡╢╣╤╥╦╧╨╩╪╫╬+\-=|]+$")


# A text whose bytes decode but for a few damaged ones (a flipped bit, a cut multi-byte character) is read
# with those bytes replaced, as a browser shows it; above this share the guess would be wrong more often
# than right (GBK read as UTF-8 fails on nearly every Chinese character).
# what a garbled decoding leaves: replacement characters and control characters other than layout ones
_GARBLED = regex.compile(r"[\ufffd\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_DAMAGE_SHARE = 200  # at most one damaged byte in 200 …
_DAMAGE_FLOOR = 16  # … or this many in a short file
_DAMAGE_SHOWN = 5  # line numbers named in the warning


@dataclass
class Decoded:
    text: str
    encoding: str
    damaged: list[int] = field(default_factory=list)  # offsets of the bytes replaced by U+FFFD


def _damaged_offsets(data: bytes, encoding: str, cap: int) -> list[int] | None:
    """Offsets of the undecodable bytes, or None when there are more than ``cap`` of them."""
    bad: list[int] = []
    pos = 0
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    view = memoryview(data)
    while pos < len(data):
        try:
            decoder.decode(view[pos:], final=True)
            return bad
        except UnicodeDecodeError as exc:
            bad.append(pos + exc.start)
            if len(bad) > cap:
                return None
            decoder.reset()
            pos += exc.start + max(1, exc.end - exc.start)
    return bad


def decode(data: bytes) -> Decoded:
    """The text and the name of the encoding it was read with (and the bytes it had to replace)."""
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError("E_TXT_ENCODING", f"UTF-16 BOM but undecodable: {exc}") from None
    for enc in ("utf-8", "gb18030"):
        try:
            return Decoded(data.decode(enc), enc)
        except UnicodeDecodeError:
            pass
    cap = max(_DAMAGE_FLOOR, len(data) // _DAMAGE_SHARE)
    for enc in ("utf-8", "gb18030"):
        bad = _damaged_offsets(data, enc, cap)
        if bad is not None:
            return Decoded(data.decode(enc, errors="replace"), enc, bad)
    best = from_bytes(data[: 1024 * 1024]).best()
    if best is None or best.encoding is None:
        raise ReadError("E_TXT_ENCODING", "neither UTF-8, UTF-16 nor GB18030, and no confident guess")
    try:
        return Decoded(data.decode(best.encoding), best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ReadError("E_TXT_ENCODING", f"guessed {best.encoding} but it fails: {exc}") from None


def _damage_warning(data: bytes, d: Decoded) -> dict:
    lines = sorted({data.count(b"\n", 0, off) + 1 for off in d.damaged})
    shown = "、".join(str(n) for n in lines[:_DAMAGE_SHOWN]) + ("等" if len(lines) > _DAMAGE_SHOWN else "")
    en = ", ".join(str(n) for n in lines[:_DAMAGE_SHOWN]) + (" …" if len(lines) > _DAMAGE_SHOWN else "")
    return {
        "code": "W_TXT_DAMAGED_BYTES",
        "message": f"文本中有{len(d.damaged)}个字节已损坏，无法按{d.encoding}解码（第{shown}行），已替换为“\ufffd”，"
        f"其余内容照常读取；请核对这些行的原文或向报送单位索取完好的文件"
        f"（{len(d.damaged)} damaged bytes replaced, lines {en}）",
    }


def _looks_garbled(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    bad = len(_GARBLED.findall(sample))
    return bad > len(sample) // 20


def is_html(text: str) -> bool:
    head = text[:4096]
    return bool(_HTML_START.match(head)) or len(_TAG.findall(head)) >= 8


def _row_cells(line: str, line_start: int, sep: str) -> list[tuple[str, int, int]]:
    """Cells of one table row as (text, start, end) with offsets into the whole block; a pipe row's
    outer bars are frame, not cells."""
    if sep == "|" and _PIPE_ROW.match(line):
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


def _bare_pipe_row(line: str) -> bool:
    """A row without the frame: three or more cells, each with text, bars between them ("项目名称 | 预算数 |
    执行数"). (A split, not a pattern: a line may be thousands of characters long.)"""
    cells = line.split("|")
    return len(cells) >= 3 and all(c.strip() for c in cells)


def _table_sep(line: str) -> str | None:
    if _PIPE_ROW.match(line) and line.count("|") >= 3:
        return "|"
    if _bare_pipe_row(line):
        return "|"
    if line.count("\t") >= 2:
        return "\t"
    return None


def split_lines(doc: Document, text: str, limits: Limits) -> None:
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if len(line) > limits.max_line_chars:
            raise ReadError("E_TXT_LINE_TOO_LONG", f"line {number} has {len(line)} characters")
    run: list[tuple[int, str]] = []
    run_sep: str | None = None
    pending: tuple[int, str] | None = None  # a line ending inside a quotation, waiting for the line that closes it

    def flush() -> None:
        nonlocal run, run_sep
        if len(run) >= 2:
            _table_block(doc, run, run_sep or "|")
        else:
            for number, line in run:
                doc.add("paragraph", line, loc={"line": number})
        run, run_sep = [], None

    # a paragraph broken at a fixed width is one line again, and a doc site's numbered chunks are taken off
    for number, line in join_chunks(join_wrapped(lines, limits.max_line_chars), limits.max_line_chars):
        line = close_up(line)  # "项 目 支 出": a PDF's letter-spaced text layer saved as text
        if pending is not None:
            first, start = pending
            pending = None
            if _closes_quote(line) and _table_sep(line) is None:
                doc.add("paragraph", start + line.strip(), loc={"line": first})
                continue
            doc.add("paragraph", start, loc={"line": first})
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
        if _opens_quote(line):
            pending = (number, line)  # a quotation the line break cut: "等级为“" then "优”。"
            continue
        doc.add("paragraph", line, loc={"line": number})
    if pending is not None:
        doc.add("paragraph", pending[1], loc={"line": pending[0]})
    flush()


_QUOTE_PAIRS = (("“", "”"), ("「", "」"))


def _opens_quote(line: str) -> bool:
    """The line ends inside a quotation it opened (more opening than closing marks, the last one open)."""
    tail = line.rstrip()
    return any(tail.count(o) > tail.count(c) and tail.rfind(o) > tail.rfind(c) and len(tail) - tail.rfind(o) <= 12 for o, c in _QUOTE_PAIRS)


def _closes_quote(line: str) -> bool:
    """The line starts by closing a quotation within a few characters ("优”。")."""
    head = line.strip()[:12]
    return any(c in head and o not in head[: head.find(c)] for o, c in _QUOTE_PAIRS)


def read(data: bytes, path: str, limits: Limits) -> Document:
    if len(data) > limits.max_text_bytes:
        raise ReadError("E_TOO_LARGE", f"text file of {len(data)} bytes > limit {limits.max_text_bytes}")
    decoded = decode(data)
    text, encoding = decoded.text, decoded.encoding
    if _looks_garbled(text):
        raise ReadError("E_UNKNOWN_FORMAT", f"decoded as {encoding} but full of control characters")
    if is_html(text):
        from pipeline.readers import html

        doc = html.read_html(text, path, limits)
        doc.encoding = encoding
        if decoded.damaged:
            doc.warnings.append(_damage_warning(data, decoded))
        return doc
    doc = Document(path=path, format="txt", encoding=encoding)
    if decoded.damaged:
        doc.warnings.append(_damage_warning(data, decoded))
    split_lines(doc, text, limits)
    if not doc.blocks:
        raise ReadError("E_NO_TEXT", "the text file holds only white space")
    return doc
