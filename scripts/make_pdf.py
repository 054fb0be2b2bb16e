"""Render the two seed reports as PDFs the way such reports are published, plus the broken PDFs the tests use.

Run from the repository root: ``python scripts/make_pdf.py``. Writes corpus/000_*.pdf, corpus/001_*.pdf and
tests/data/bad/*.pdf. Output is byte-for-byte reproducible (reportlab's invariant mode).

Layout, chosen so the PDF reader meets what real reports throw at it: A4, STSong-Light 10.5 pt (五号), a
running header with a rule and a "- n -" footer on every page, body text wrapped at a fixed width in the
middle of sentences and justified, paragraph first lines indented two characters, 一、 headings flush left
with space above, and the tables of scripts/seed_tables.py drawn with real ruling lines (a merged cell is
one rectangle, so no line runs through it). A table that does not fit on the page starts a new page, so
no table is split across pages.
"""

from __future__ import annotations

import io
import re
from itertools import accumulate
import struct
import sys
import zlib
from pathlib import Path

from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from seed_tables import (  # noqa: E402
    place,
    SEED000_FUNDS,
    SEED000_FUNDS_AFTER,
    SEED001_INDICATORS,
    SEED001_INDICATORS_AFTER,
    SEED001_SCORES,
    SEED001_SCORES_AFTER,
    SEED001_TITLE,
    Cell,
)

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

PAGE_W, PAGE_H = A4
SIZE = 10.5
LEADING = 18.0
TEXT_W = 468.0  # 44.5 characters: wraps seed 001's 预算执行率 sentence inside "预算执行率为2.52%"
LEFT = (PAGE_W - TEXT_W) / 2
BODY_TOP = PAGE_H - 80  # first baseline sits below this
BODY_BOTTOM = 80.0
TITLE_SIZE = 18.0
CELL_SIZE = 9.0
CELL_LEADING = 12.0
CELL_PAD = 4.0

# The sentence the tests look for across a line break, and where the break must fall inside it.
WRAP_SENTENCE = "预算资金支出16.67万元，预算执行率为2.52%"
WRAP_AFTER = "预算资金支出16.67万元，预算执行率"

_H1 = re.compile(r"^[一二三四五六七八九十]+、")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|[①-⑳]|指标\d)")
_ASCII_RUN = re.compile(r"[A-Za-z0-9.%+/\-]")
_NO_LINE_START = set("，。、；：？！）》」』”’%．,.;:!?)")  # punctuation that may not begin a line
_NO_LINE_END = set("（《「『“‘(")  # nor end one

SEEDS = {
    "000_a4cf6914c4e43683": {
        "header": "金辰街道办事处2023年度项目支出绩效自评",
        "title": None,
        "tables": [(SEED000_FUNDS_AFTER, SEED000_FUNDS)],
    },
    "001_5c147244ac7a2061": {
        "header": "区退管中心2022.2023项目绩效评价报告",
        "title": SEED001_TITLE,
        "tables": [(SEED001_SCORES_AFTER, SEED001_SCORES), (SEED001_INDICATORS_AFTER, SEED001_INDICATORS)],
    },
}


def width(text: str, size: float = SIZE) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def wrap(
    text: str, first: float, rest: float, size: float = SIZE, force_after: int | None = None
) -> list[str]:
    """Break ``text`` into lines no wider than ``first`` (first line) and ``rest`` (the others).

    Breaks fall between any two characters, as Chinese typesetting allows, except inside a run of digits
    and Latin letters, before closing punctuation and after opening punctuation. ``force_after`` ends a
    line after that character index when the natural break would not fall there.
    """
    lines: list[str] = []
    start = 0
    while start < len(text):
        limit = first if not lines else rest
        end = start
        while end < len(text) and width(text[start : end + 1], size) <= limit:
            end += 1
        if end < len(text):
            if force_after is not None and start < force_after < end:
                end = force_after
            # keep 2.52% and 1+4+N whole: move the break to the start of the run
            while end - 1 > start and _ASCII_RUN.match(text[end]) and _ASCII_RUN.match(text[end - 1]):
                end -= 1
            while end - 1 > start and (text[end] in _NO_LINE_START or text[end - 1] in _NO_LINE_END):
                end -= 1
        lines.append(text[start:end])
        start = end
    return lines


class Writer:
    def __init__(self, out: io.BytesIO | str, header: str, **kw):
        self.c = canvas.Canvas(out, pagesize=A4, invariant=1, **kw)
        self.c.setTitle(header)
        self.header = header
        self.page = 0
        self.y = 0.0
        self.placed: dict[str, int] = {}  # seed line -> page it starts on
        self.new_page()

    def new_page(self) -> None:
        if self.page:
            self.c.showPage()
        self.page += 1
        self.y = BODY_TOP
        c = self.c
        c.setFont(FONT, 9)
        c.drawCentredString(PAGE_W / 2, PAGE_H - 50, self.header)
        c.setLineWidth(0.5)
        c.line(LEFT, PAGE_H - 55, LEFT + TEXT_W, PAGE_H - 55)
        c.setFont(FONT, SIZE)
        c.drawCentredString(PAGE_W / 2, 45, f"- {self.page} -")

    def room(self, height: float) -> None:
        if self.y - height < BODY_BOTTOM:
            self.new_page()

    def text_lines(
        self, lines: list[str], indent: float, size: float, leading: float, justify: bool, centre: bool
    ) -> int:
        """Draw wrapped lines; returns the page the first one landed on."""
        first_page = self.page
        for i, line in enumerate(lines):
            self.room(leading)
            if i == 0:
                first_page = self.page
            self.y -= leading
            x = LEFT + (indent if i == 0 else 0.0)
            avail = TEXT_W - (x - LEFT)
            self.c.setFont(FONT, size)
            if centre:
                self.c.drawCentredString(PAGE_W / 2, self.y, line)
                continue
            space = 0.0
            if justify and i < len(lines) - 1 and len(line) > 1:
                space = max(0.0, (avail - width(line, size)) / (len(line) - 1))
            self.c.drawString(x, self.y, line, charSpace=space)
        return first_page

    def title(self, text: str) -> int:
        self.y -= 8
        lines = wrap(text, TEXT_W, TEXT_W, TITLE_SIZE)
        page = self.text_lines(lines, 0.0, TITLE_SIZE, TITLE_SIZE * 1.6, justify=False, centre=True)
        self.y -= 10
        return page

    def heading(self, text: str) -> int:
        self.room(LEADING * 2.5)  # a heading never ends a page
        self.y -= LEADING * 0.6
        return self.text_lines(wrap(text, TEXT_W, TEXT_W), 0.0, SIZE, LEADING, justify=True, centre=False)

    def paragraph(self, text: str) -> int:
        at = text.find(WRAP_SENTENCE)
        force = at + len(WRAP_AFTER) if at >= 0 else None
        indent = 2 * SIZE
        lines = wrap(text, TEXT_W - indent, TEXT_W, SIZE, force)
        if force is not None and force not in accumulate(len(ln) for ln in lines):
            raise SystemExit(f"cannot break {WRAP_SENTENCE!r} after {WRAP_AFTER!r}: change TEXT_W")
        return self.text_lines(lines, indent, SIZE, LEADING, justify=True, centre=False)

    def table(self, rows: list[list[Cell]]) -> None:
        placed = place(rows)
        ncols = max(col + cell[2] for _, col, cell in placed)
        nrows = len(rows)
        widths = column_widths(placed, ncols)
        xs = [LEFT]
        for w in widths:
            xs.append(xs[-1] + w)
        texts = {}
        heights = [CELL_LEADING + 2 * CELL_PAD] * nrows
        for r, col, (text, rs, cs) in placed:
            room = xs[col + cs] - xs[col] - 2 * CELL_PAD
            lines = wrap(text, room, room, CELL_SIZE)
            texts[(r, col)] = lines
            if rs == 1:
                heights[r] = max(heights[r], len(lines) * CELL_LEADING + 2 * CELL_PAD)
        total = sum(heights)
        self.y -= 6
        self.room(total)
        ys = [self.y]
        for h in heights:
            ys.append(ys[-1] - h)
        c = self.c
        c.setLineWidth(0.6)
        c.setFont(FONT, CELL_SIZE)
        for r, col, (text, rs, cs) in placed:
            x0, x1, top, bottom = xs[col], xs[col + cs], ys[r], ys[r + rs]
            c.rect(x0, bottom, x1 - x0, top - bottom, stroke=1, fill=0)
            lines = texts[(r, col)]
            first = (top + bottom) / 2 + (len(lines) * CELL_LEADING) / 2 - CELL_SIZE
            for k, line in enumerate(lines):
                c.drawString(x0 + CELL_PAD, first - k * CELL_LEADING, line)
        self.y = ys[-1] - 6

    def save(self) -> None:
        self.c.showPage()
        self.c.save()


def column_widths(placed: list[tuple[int, int, Cell]], ncols: int) -> list[float]:
    natural = [30.0] * ncols
    for _, col, (text, _, cs) in placed:
        if cs == 1:
            natural[col] = max(natural[col], min(width(text, CELL_SIZE), 100.0) + 2 * CELL_PAD + 1)
    total = sum(natural)
    if total > TEXT_W:
        return [w * TEXT_W / total for w in natural]
    # spare width goes to all columns alike, so a long name still wraps inside its cell as in real reports
    return [w + (TEXT_W - total) / ncols for w in natural]


def is_heading(line: str) -> bool:
    """Flush-left headings: 一、 lines, and short unnumbered lines that are not sentences."""
    if _H1.match(line):
        return True
    return len(line) <= 24 and "。" not in line and not _NUMBERED.match(line)


def render_seed(stem: str) -> tuple[bytes, dict[str, int]]:
    spec = SEEDS[stem]
    lines = [ln.strip() for ln in (ROOT / "corpus" / f"{stem}.txt").read_text("utf-8").splitlines()]
    out = io.BytesIO()
    w = Writer(out, spec["header"])
    if spec["title"]:
        w.title(spec["title"])
    tables = list(spec["tables"])
    in_title = spec["title"] is None  # seed 000 starts with its own two title lines
    for line in lines:
        if not line:
            continue
        if in_title and (_H1.match(line)):
            in_title = False
        if in_title:
            page = w.title(line)
        elif is_heading(line):
            page = w.heading(line)
        else:
            page = w.paragraph(line)
        w.placed.setdefault(line, page)
        while tables and line.startswith(tables[0][0]):
            w.table(tables.pop(0)[1])
    if tables:
        raise SystemExit(f"{stem}: no paragraph starts with {tables[0][0]!r}")
    w.save()
    return out.getvalue(), w.placed


OWNER_ONLY_TEXT = ["Owner password only: opens without a password.", "Budget execution rate 100%."]


def simple_pdf(pages: list[list[str] | None], font: str = FONT, **kw) -> bytes:
    """A small PDF: each page is lines of text, or None for a page of drawings only (a scan stand-in)."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1, **kw)
    for lines in pages:
        if lines is None:
            c.setFillGray(0.7)
            c.rect(60, 400, 300, 200, stroke=1, fill=1)
            c.circle(300, 300, 50, stroke=1, fill=0)
            c.bezier(60, 100, 200, 250, 300, 50, 500, 150)
        else:
            c.setFont(font, 12)
            for i, line in enumerate(lines):
                c.drawString(72, PAGE_H - 100 - 20 * i, line)
        c.showPage()
    c.save()
    return out.getvalue()


def tiny_png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    w, h = 8, 8
    raw = b"".join(b"\x00" + bytes([(x * 32) % 256 for x in range(w)]) for _ in range(h))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def unloadable_pages(data: bytes, numbers: set[int]) -> bytes:
    """``data`` with the page objects of the given pages (from 1) replaced by a bare number, padded to the
    same length so that the cross-reference table still holds: the page tree counts them, but no reader
    can load them."""
    out = bytearray(data)
    page = 0
    for m in re.finditer(rb"(?m)^(\d+ 0 obj)(.*?)endobj", data, re.S):
        if not re.search(rb"/Type /Page(?![s\w])", m.group(2)):
            continue
        page += 1
        if page in numbers:
            body = m.group(2)
            out[m.start(2) : m.end(2)] = (b"\n4" + b" " * len(body))[: len(body)]
    return bytes(out)


def bad_files() -> dict[str, bytes]:
    text = ["一、基本情况", "项目资金支出绩效自评报告，预算执行率为100%。", "二、绩效目标"]
    whole = simple_pdf([text, text])
    user_password = pdfencrypt.StandardEncryption("secret", "owner", strength=128)
    # opens without a password; the owner password only forbids copying and editing
    owner_password = pdfencrypt.StandardEncryption("", "owner", canCopy=0, canModify=0, strength=128)
    return {
        "truncated.pdf": whole[: len(whole) // 2],
        "encrypted.pdf": simple_pdf([text], encrypt=user_password),
        # Latin text in a standard font: reportlab writes a CID font's CIDSystemInfo strings unencrypted,
        # so in an encrypted file its Chinese text would decrypt to unmapped glyphs in any reader
        "owner_only.pdf": simple_pdf([OWNER_ONLY_TEXT], font="Helvetica", encrypt=owner_password),
        "scanned.pdf": simple_pdf([None]),
        "mixed_scan.pdf": simple_pdf([text, None]),
        # page 2 of 3 is no page object at all: the pages around it are read, with a warning
        "damaged_page.pdf": unloadable_pages(simple_pdf([text, ["第二页"], ["三、自评结论", "第三页的正文。"]]), {2}),
        "png_named.pdf": tiny_png(),
    }


def main() -> None:
    for stem in SEEDS:
        data, placed = render_seed(stem)
        path = ROOT / "corpus" / f"{stem}.pdf"
        path.write_bytes(data)
        where = [p for line, p in placed.items() if WRAP_SENTENCE in line]
        note = f", {WRAP_SENTENCE!r} on page {where[0]}" if where else ""
        print(f"{path.relative_to(ROOT)}: {len(data)} bytes{note}")
    bad = ROOT / "tests" / "data" / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    for name, data in bad_files().items():
        (bad / name).write_bytes(data)
        print(f"{(bad / name).relative_to(ROOT)}: {len(data)} bytes")


if __name__ == "__main__":
    main()
