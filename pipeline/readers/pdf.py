"""PDF reports: the text layer, read page by page into paragraphs and ruled tables.

pdfium reads each page's glyphs and ruling lines (:mod:`pipeline.readers.pdf_objects`), the ruling lines
give the tables (:mod:`pipeline.readers.pdf_tables`), and the layout below works on the glyphs. Each page
is opened, read and closed before the next; reading stops at a page boundary when the document's time is
running out, and the pages read so far are kept, with a warning naming the rest.

On each page, in reading order, a table found by its ruling lines becomes one table block (a merged cell
once, with its span) and the text outside tables is grouped into lines, which are merged back into the
paragraphs the PDF only wrapped: a line continues the paragraph when the line before ran to the right
margin and this one is not indented, not numbered like a heading, not set apart by extra space and not in
another font size. A paragraph keeps its line breaks ("\\n") in its raw text; normalisation joins them.

Running headers and footers (margin lines that repeat on at least half of the pages) and page numbers in
the margins are dropped. Two-column pages are read column by column. Pages without a text layer (scans)
are reported in a warning; a PDF with no text at all needs OCR first (E_PDF_NO_TEXT).
"""

from __future__ import annotations

import math
import re
import statistics
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter

import pypdfium2 as pdfium

from pipeline.document import Document
from pipeline.errors import ReadError
from pipeline.limits import Limits, disarm
from pipeline.readers import pdf_objects, pdf_tables
from pipeline.readers.pdf_objects import Char

Row = list[tuple[str, int, int]]
_TOP_X0 = itemgetter("top", "x0")
_MID_X0 = itemgetter("mid", "x0")
_X0 = itemgetter("x0")
Box = tuple[float, float, float, float]  # x0, top, x1, bottom
Span = tuple[float, float]  # left, right
Frame = tuple[int, int]  # (page, column): column 0 for a single-column page, 1 left, 2 right

MARGIN = 0.08  # share of the page height at top and bottom where headers and footers live
SPACE_GAP = 0.45  # a gap wider than this many font sizes between Latin words is a space
SEGMENT_GAP = 1.5  # a gap this wide (in font sizes) splits a line into segments: columns, form fields
INDENT = 0.8  # a line starting this many font sizes right of the left margin is indented
NEAR_RIGHT = 1.5  # a line ending within this many font sizes of the right margin ran to it
GAP_FACTOR = 1.35  # line pitch above this multiple of the usual pitch is a paragraph break

# Numbering that starts a heading or list item, so a line starting with it never continues a paragraph.
# "1." must not be followed by a digit: a wrapped line may start with "3.5万元".
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十百]+[）)]|\d{1,2}(?:、|[.．](?!\d))"
    r"|[（(]\d{1,2}[）)]|[①-⑳]|第[一二三四五六七八九十百\d]+[章节部分条])"
)
# Page numbers as printed in a margin (spaces removed first): "- 3 -", "第3页", "第3页共10页", "3/10", "3".
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—－·•]*\d{1,4}[-–—－·•]*|第\d{1,4}页(?:[,，/]?共\d{1,4}页)?|共\d{1,4}页第\d{1,4}页|\d{1,4}/\d{1,4}"
    r"|(?:page)?\d{1,4}(?:of\d{1,4})?)$",
    re.I,
)
# Reading stops at a page boundary once it has used this share of the document's time limit, so that
# the pages read so far reach extraction and the checks, with a warning naming the pages not read.
READ_SHARE = 0.75


@dataclass
class Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    frame: Frame = (0, 0)
    conf: float | None = None  # OCR'd line: its recognition confidence


@dataclass
class Table:
    page: int
    top: float
    rows: list[Row]
    ocr: list | None = None  # OCR'd table: the OcrLine behind each cell in the order of ``rows`` (None: empty)


@dataclass
class Page:
    number: int
    box: Box  # the page itself
    has_text: bool
    unmapped: int = 0  # glyphs without a Unicode mapping
    unread: list[str] = field(default_factory=list)  # fonts of text objects pdfium could not read (not embedded)
    rotated: bool = False  # most of the text is turned sideways: not read
    items: list[Line | Table] = field(default_factory=list)  # in reading order


@dataclass
class Layout:
    """Document-wide measures that decide where paragraphs break."""

    body_size: float
    pitch: float  # usual line pitch as a multiple of the font size
    margins: dict[Frame, Span]  # text margins of each page or column


def read(data: bytes, path: str, limits: Limits) -> Document:
    pdf = pdf_objects.open_pdf(data)
    try:
        return _read(pdf, path, limits)
    finally:
        pdf.close()


def _read(pdf: pdfium.PdfDocument, path: str, limits: Limits) -> Document:
    total = len(pdf)
    doc = Document(path=path, format="pdf", pages=total)
    if total == 0:
        raise ReadError("E_NO_TEXT", "the PDF has no pages")
    pages: list[Page] = []
    broken: list[tuple[int, str]] = []
    dense: list[int] = []
    stop = time.monotonic() + READ_SHARE * limits.seconds if limits.seconds > 0 else math.inf
    count = min(total, limits.max_pages)
    fonts = pdf_objects.Fonts()
    cut_short = False  # by the clock: the pages after the last one handled were not read
    try:
        for index in range(count):
            if pages and time.monotonic() > stop:
                raise ReadError("E_TIMEOUT", f"reading used {READ_SHARE:.0%} of the time limit")
            try:
                found = pdf_objects.read_page(pdf, index, fonts)
            except pdfium.PdfiumError as exc:
                # A page pdfium cannot load should not cost the other pages; the warning says what is missing.
                broken.append((index + 1, f"PdfiumError: {exc}"[:300]))
                continue
            pages.append(_read_page(found))
            if found.cut:
                dense.append(found.number)
    except ReadError as exc:
        if exc.code != "E_TIMEOUT" or not pages:
            raise
        # The clock fired (or was about to): keep the pages read so far; the time left is for extraction
        # and the checks, which have a clock of their own.
        disarm()
        cut_short = True
    # pages are handled in order, so whatever the clock interrupted comes after the last one handled
    read_to = max([p.number for p in pages] + [n for n, _ in broken]) if cut_short else count
    if broken and not pages:
        number, detail = broken[0]
        raise ReadError("E_PDF_CORRUPT", f"no page could be read; page {number}: {detail}")
    if not pages:
        raise ReadError("E_NO_TEXT", f"no pages read (page limit {limits.max_pages})")
    unmapped = sum(p.unmapped for p in pages if not p.has_text)
    # Pages without a text layer (scans), or whose glyphs map to no character, are read by OCR.
    ocr_failed = _ocr_pages(pdf, pages, doc, limits)
    scans = [p.number for p in pages if not p.has_text]
    if len(scans) == len(pages):
        why = f"none of the {unmapped} glyphs maps to Unicode" if unmapped else "no text layer on any page"
        found = "; OCR timed out on every page" if ocr_failed else "; OCR found no text"
        raise ReadError("E_PDF_NO_TEXT", f"{why} of the {len(pages)} pages read{found}")
    assemble_pages(doc, pages)
    if scans:
        zh, en = _page_list(scans, "、"), _page_list(scans, ", ")
        _warn(
            doc,
            "W_PDF_PAGES_NO_TEXT",
            f"第{zh}页没有文字层（扫描页），OCR也未能识别出文字，这些页的内容未读取，请核对原件",
            f"pages without text layer where OCR found nothing: {en}",
        )
    if ocr_failed:
        zh, en = _page_list(ocr_failed, "、"), _page_list(ocr_failed, ", ")
        _warn(doc, "W_OCR_PAGE_TIMEOUT", f"第{zh}页OCR识别超时，这些页的内容未读取", f"OCR page time limit: {en}")
    unread = [p for p in pages if p.has_text and p.unread]
    if unread:
        zh, en = _page_list([p.number for p in unread], "、"), _page_list([p.number for p in unread], ", ")
        fonts = "、".join(sorted({f for p in unread for f in p.unread}))
        n = sum(len(p.unread) for p in unread)
        _warn(
            doc,
            "W_PDF_FONT_MISSING",
            f"第{zh}页有{n}处文字未能读取：其字体（{fonts}）未嵌入PDF，本机也没有可替代的字体（也可能只是空白的"
            "文字对象）。请安装中文字体（Debian/Ubuntu：fonts-noto-cjk 或 fonts-wqy-zenhei）后重新运行，或对照原件核实",
            f"{n} text objects in fonts not embedded ({fonts}) could not be read on pages {en}: install a CJK font",
        )
    rotated = [p.number for p in pages if p.rotated]
    if rotated:
        zh, en = _page_list(rotated, "、"), _page_list(rotated, ", ")
        _warn(doc, "W_PDF_PAGES_ROTATED", f"第{zh}页的文字是旋转排版的，未读取", f"pages with sideways text not read: {en}")
    if broken:
        numbers = [n for n, _ in broken]
        zh, en = _page_list(numbers, "、"), _page_list(numbers, ", ")
        first = broken[0][1]
        _warn(doc, "W_PDF_PAGES_CORRUPT", f"第{zh}页已损坏，这些页的内容未读取", f"damaged pages not read: {en}; {first}")
    if dense:
        zh, en = _page_list(dense, "、"), _page_list(dense, ", ")
        _warn(
            doc,
            "W_PDF_PAGES_DENSE",
            f"第{zh}页的文字或图形对象过多，只读取了其中一部分，请核对原件",
            f"more than {pdf_objects.MAX_GLYPHS} glyphs or {pdf_objects.MAX_OBJECTS} objects on pages {en}:"
            " read in part",
        )
    if read_to < count:
        unread = list(range(read_to + 1, total + 1))
        zh, en = _page_list(unread, "、"), _page_list(unread, ", ")
        _warn(
            doc,
            "W_PDF_PAGES_TIMEOUT",
            f"读取超过时间上限，文件共{total}页，第{zh}页未读取，请拆分后再提交",
            f"time limit: read {read_to} of {total} pages, not read: {en}",
        )
    elif total > limits.max_pages:
        n = limits.max_pages
        _warn(doc, "W_PDF_PAGES_CUT", f"文件共{total}页，只读取了前{n}页", f"page limit: read {n} of {total} pages")
    if not doc.blocks:
        raise ReadError("E_NO_TEXT", "the PDF's text is only page headers, footers and page numbers")
    return doc


def assemble_pages(doc: Document, pages: list[Page]) -> None:
    """Blocks from read pages: margin lines dropped, lines joined into paragraphs, tables in place."""
    _drop_margin_lines(pages)
    _assemble(doc, pages, _layout(pages))


def _warn(doc: Document, code: str, zh: str, en: str) -> None:
    """A partial read: the auditor's message in Chinese, then the English in brackets."""
    doc.warnings.append({"code": code, "message": f"{zh}（{en}）"})


def _page_list(numbers: list[int], sep: str) -> str:
    """3, 5, 6, 7 -> "3、5-7": a scanned report may have hundreds of such pages."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return sep.join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


# -- one page ---------------------------------------------------------------------------------------


def _read_page(found: pdf_objects.PageObjects) -> Page:
    number = found.number
    chars = _dedupe(found.chars)
    visible = [c for c in chars if c["text"].strip() and c["text"] != "\ufffd"]
    unmapped = sum(1 for c in chars if c["text"] == "\ufffd")
    result = Page(number, found.box, has_text=bool(visible), unmapped=unmapped, unread=found.unread)
    if not visible:
        return result
    # A little sideways text is a watermark or a stamp, not the report's prose; a page of it is a
    # landscape table drawn turned, which this reader does not lay out, and the warning says so. Level:
    # the baseline runs left to right within a few degrees (pdfminer's "upright" let 45 degrees pass).
    result.rotated = 2 * sum(1 for c in visible if c["level"]) < len(visible)
    chars = [c for c in chars if c["level"]]
    tables: list[Table] = []
    boxes = []
    for cells, bbox in pdf_tables.find_tables(found.edges):
        within = [c for c in chars if _inside(c, bbox)]
        rows = _table_rows(cells, within)
        if rows is not None:
            tables.append(Table(number, bbox[1], rows))
            boxes.append(bbox)
    free = [c for c in chars if not any(_inside(c, b) for b in boxes)] if boxes else chars
    result.items = _reading_order(_group_lines(free), tables, number)
    return result


def _dedupe(chars: list[Char]) -> list[Char]:
    """Drop a glyph drawn again on top of itself (fake bold, shadow text); pdfplumber's own
    dedupe_chars does the same but costs more than parsing the page."""
    kept: list[Char] = []
    last: dict[str, list[Char]] = {}
    for c in sorted(chars, key=_TOP_X0):
        near = last.get(c["text"])
        if near is None:
            last[c["text"]] = [c]
            kept.append(c)
            continue
        top, x0 = c["top"], c["x0"]
        if top - near[0]["top"] >= 1:  # sorted by top: prune
            near[:] = [k for k in near if top - k["top"] < 1]
        for k in near:
            if abs(x0 - k["x0"]) < 1:
                break
        else:
            near.append(c)
            kept.append(c)
    return kept


def _inside(c: Char, box: Box) -> bool:
    x = (c["x0"] + c["x1"]) / 2
    y = c["mid"]
    return box[0] - 1 <= x <= box[2] + 1 and box[1] - 1 <= y <= box[3] + 1


def _group_lines(chars: list[Char]) -> list[list[Char]]:
    """Chars grouped into visual lines (by their vertical middle), each sorted left to right."""
    groups: list[list[Char]] = []
    ref = size = 0.0
    for c in sorted(chars, key=_MID_X0):
        mid = c["mid"]
        own = c["size"]
        if groups and mid - ref <= 0.4 * (size if size > own else own):
            groups[-1].append(c)
        else:
            groups.append([c])
            ref, size = mid, c["size"]
    out = []
    for g in groups:
        g.sort(key=_X0)
        # a line of spaces only carries nothing
        if any(c["text"].strip() for c in g):
            out.append(g)
    return out


def _is_wide(ch: str) -> bool:
    """CJK characters and the punctuation set with them: no space is ever put between two of these."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF
        or o >= 0x20000
        or 0x2018 <= o <= 0x201F
        or o in (0x2014, 0x2026, 0x00B7, 0xFFFD)
    )


def _make_line(chars: list[Char], page: int) -> Line:
    """One line's text: chars in x order, a space only where the PDF put one (a space glyph or a gap
    wider than SPACE_GAP font sizes) and not between two CJK characters."""
    parts: list[str] = []
    prev: Char | None = None
    spaced = False
    ink: list[Char] = []
    for c in chars:
        t = c["text"]
        if not t.strip():
            spaced = prev is not None
            continue
        if prev is not None:
            size, prev_size = c["size"], prev["size"]
            # the geometry first: most glyphs follow the one before without a gap
            if spaced or c["x0"] - prev["x1"] > SPACE_GAP * (size if size > prev_size else prev_size):
                if not (_is_wide(prev["text"][-1]) and _is_wide(t[0])):
                    parts.append(" ")
        parts.append(t)
        ink.append(c)
        prev, spaced = c, False
    sizes = {c["size"] for c in ink}
    if len(sizes) == 1:
        size = round(sizes.pop(), 1)
    else:
        size = Counter(round(c["size"], 1) for c in ink).most_common(1)[0][0]
    return Line(
        page=page,
        top=min(c["top"] for c in ink),
        bottom=max(c["bottom"] for c in ink),
        x0=ink[0]["x0"],
        x1=max(c["x1"] for c in ink),
        size=size,
        text="".join(parts),
    )


def _segments(group: list[Char]) -> list[tuple[float, float, float]]:
    """(x0, x1, size) of the runs of a line separated by wide gaps."""
    ink = [c for c in group if c["text"].strip()]
    out: list[list[float]] = []
    for c in ink:
        if out and c["x0"] - out[-1][1] < SEGMENT_GAP * c["size"]:
            if c["x1"] > out[-1][1]:
                out[-1][1] = c["x1"]
        else:
            out.append([c["x0"], c["x1"], c["size"]])
    return [(a, b, s) for a, b, s in out]


def _gutter(groups: list[list[Char]]) -> float | None:
    """The x of the gap between two text columns, if the page is set in two columns.

    Two columns show as many long segments ending left of some x and many starting at (nearly) one x
    right of it, with few crossing it. Label/value forms have short segments and are left alone.
    """
    segs = [s for g in groups for s in _segments(g)]
    if len(segs) < 6:
        return None
    em = statistics.median(s[2] for s in segs)
    best: tuple[int, float] | None = None
    for start in sorted({round(s[0]) for s in segs}):
        gutter = start - 0.5 * em
        left = [s for s in segs if s[1] <= gutter]
        right = [s for s in segs if s[0] >= gutter]
        crossing = len(segs) - len(left) - len(right)
        aligned = sum(1 for s in right if abs(s[0] - start) <= em)
        if aligned < 3 or len(left) < 3 or crossing > 0.2 * (len(left) + len(right)):
            continue
        if min(statistics.median(s[1] - s[0] for s in side) for side in (left, right)) < 8 * em:
            continue
        score = min(len(left), len(right))
        if best is None or score > best[0]:
            best = (score, gutter)
    return best[1] if best else None


def _reading_order(groups: list[list[Char]], tables: list[Table], page: int) -> list[Line | Table]:
    """Lines and tables top to bottom; on a two-column page, each band between full-width lines and
    tables is read left column first."""
    gutter = _gutter(groups)
    events: list[tuple[float, list[Char] | Table]] = [(g[0]["top"], g) for g in groups]
    events += [(t.top, t) for t in tables]
    events.sort(key=lambda e: e[0])
    out: list[Line | Table] = []
    band: dict[int, list[Line]] = {1: [], 2: []}

    def flush() -> None:
        out.extend(band[1] + band[2])
        band[1], band[2] = [], []

    for _, ev in events:
        if isinstance(ev, Table):
            flush()
            out.append(ev)
            continue
        if gutter is None:
            out.append(_framed(_make_line(ev, page), page, 0))
            continue
        left = [c for c in ev if (c["x0"] + c["x1"]) / 2 < gutter]
        right = [c for c in ev if (c["x0"] + c["x1"]) / 2 >= gutter]
        left_ink = [c for c in left if c["text"].strip()]
        right_ink = [c for c in right if c["text"].strip()]
        size = max(c["size"] for c in ev)
        gap = right_ink[0]["x0"] - max(c["x1"] for c in left_ink) if left_ink and right_ink else None
        if gap is not None and gap < SEGMENT_GAP * size:
            flush()  # a full-width line (a title, a heading) runs across the gutter
            out.append(_framed(_make_line(ev, page), page, 0))
            continue
        for col, part in ((1, left), (2, right)):
            if any(c["text"].strip() for c in part):
                band[col].append(_framed(_make_line(part, page), page, col))
    flush()
    return out


def _framed(line: Line, page: int, col: int) -> Line:
    line.frame = (page, col)
    return line


def _table_rows(cells: list[Box], chars: list[Char]) -> list[Row] | None:
    """The table's rows for Document.add_table, or None for a box that is not a table.

    Spans come from geometry: every cell edge is a grid line, and a cell covers the grid columns and rows
    between its edges. pdfplumber's own extract() only shows a merge as None, which cannot tell a cell
    merged from above from one merged from the left.
    """
    if len(cells) < 2:
        return None  # a frame around text
    xs = _snap(sorted(v for c in cells for v in (c[0], c[2])))
    ys = _snap(sorted(v for c in cells for v in (c[1], c[3])))
    placed: dict[tuple[int, int], tuple[str, int, int]] = {}
    # the glyphs' centres by height, once: each cell then looks only at the glyphs of its own rows (a
    # table of 40 cells and 500 glyphs asked every glyph about every cell)
    centres = sorted((c["mid"], i, (c["x0"] + c["x1"]) / 2) for i, c in enumerate(chars))
    heights = [y for y, _, _ in centres]
    for x0, top, x1, bottom in cells:
        r, c = _nearest(ys, top), _nearest(xs, x0)
        rowspan = max(1, _nearest(ys, bottom) - r)
        colspan = max(1, _nearest(xs, x1) - c)
        lo, hi = bisect_left(heights, top - 1), bisect_right(heights, bottom + 1)
        inside = [chars[i] for i in sorted(i for _, i, x in centres[lo:hi] if x0 - 1 <= x <= x1 + 1)]
        text = "\n".join(_make_line(g, 0).text for g in _group_lines(inside))
        placed[(r, c)] = (text, rowspan, colspan)
    if not any(text for text, _, _ in placed.values()):
        return None  # ruled boxes with nothing in them: a form or a drawing
    covered: set[tuple[int, int]] = set()
    rows: list[Row] = []
    for r in range(len(ys) - 1):
        row: Row = []
        for c in range(len(xs) - 1):
            if (r, c) in covered:
                continue
            # a grid position no cell claims (a ruling line pdfplumber missed) is an empty cell
            text, rowspan, colspan = placed.get((r, c), ("", 1, 1))
            while colspan > 1 and any((r + dr, c + colspan - 1) in covered for dr in range(rowspan)):
                colspan -= 1  # never overlap a cell already placed
            for dr in range(rowspan):
                for dc in range(colspan):
                    covered.add((r + dr, c + dc))
            row.append((text, rowspan, colspan))
        rows.append(row)
    return rows


def _snap(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in values:
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _nearest(grid: list[float], v: float) -> int:
    return min(range(len(grid)), key=lambda i: abs(grid[i] - v))


# -- the whole document -----------------------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_margin_lines(pages: list[Page]) -> None:
    """Drop running headers/footers and page numbers: lines in the top or bottom margin that repeat
    (digits aside) on at least half of the pages with text, at least two, or that read as a page number."""

    def in_margin(line: Line, page: Page) -> bool:
        height = page.box[3] - page.box[1]
        mid = (line.top + line.bottom) / 2 - page.box[1]
        return mid <= MARGIN * height or mid >= (1 - MARGIN) * height

    with_text = [p for p in pages if p.has_text]
    seen: Counter[str] = Counter()
    for p in with_text:
        seen.update({_key(i.text) for i in p.items if isinstance(i, Line) and in_margin(i, p)})
    need = max(2, math.ceil(len(with_text) / 2))
    for p in with_text:
        p.items = [
            i
            for i in p.items
            if not (
                isinstance(i, Line)
                and in_margin(i, p)
                and (seen[_key(i.text)] >= need or _PAGE_NUMBER.match(re.sub(r"\s+", "", i.text)))
            )
        ]


def _layout(pages: list[Page]) -> Layout:
    boxes = {p.number: p.box for p in pages}
    lines = [i for p in pages for i in p.items if isinstance(i, Line)]
    if not lines:
        return Layout(10.0, 1.5, {})
    weights: Counter[float] = Counter()
    for ln in lines:
        weights[ln.size] += len(ln.text)
    body = weights.most_common(1)[0][0]
    ratios = []
    for a, b in zip(lines, lines[1:]):
        if a.frame == b.frame and abs(a.size - b.size) < 0.6 and 0 < b.top - a.top < 3 * a.size:
            ratios.append((b.top - a.top) / a.size)
    pitch = statistics.median(ratios) if ratios else 1.5
    by_frame: dict[Frame, list[Line]] = {}
    for ln in lines:
        by_frame.setdefault(ln.frame, []).append(ln)
    return Layout(body, pitch, _margins(by_frame, boxes, body))


def _shared(values: list[float], tol: float) -> float | None:
    """The first value (in the given order) that another one lies within ``tol`` of."""
    return next((a for a, b in zip(values, values[1:]) if abs(b - a) <= tol), None)


def _margins(frames: dict[Frame, list[Line]], boxes: dict[int, Box], em: float) -> dict[Frame, Span]:
    """(left, right) text margins of every frame (a page, or a column of a two-column page).

    The right margin is the rightmost end that two long lines share, the left one the leftmost shared
    start. A page's left margin is then taken from its right one and the document's text width, because
    a page of one-line paragraphs shares only its indented starts, and pages may have mirrored margins.
    A page without long lines never ran to a margin: its right margin mirrors the left one.
    """
    seen: dict[Frame, tuple[float | None, float | None, list[float]]] = {}
    for f, lines in frames.items():
        starts = sorted(ln.x0 for ln in lines)
        if f[1] == 0:
            box = boxes[f[0]]
            long_min = 0.5 * (box[2] - box[0])
        else:
            long_min = 0.5 * max(ln.x1 - ln.x0 for ln in lines)
        ends = sorted((ln.x1 for ln in lines if ln.x1 - ln.x0 >= long_min), reverse=True)
        seen[f] = (_shared(starts, 1.0), _shared(ends, 0.5 * em), starts)
    widths = [r - lt for f, (lt, r, _) in seen.items() if f[1] == 0 and lt is not None and r is not None]
    text_width = statistics.median(widths) if widths else None
    out: dict[Frame, Span] = {}
    for f, (left, right, starts) in seen.items():
        if f[1] != 0:
            lines = frames[f]
            out[f] = (starts[0] if left is None else left, right or max(ln.x1 for ln in lines))
            continue
        box = boxes[f[0]]
        if right is not None and text_width is not None:
            derived = right - text_width
            left = left if left is not None and abs(left - derived) <= em else derived
        left = starts[0] if left is None else left
        if right is None:
            right = left + text_width if text_width is not None else box[2] - (left - box[0])
        out[f] = (left, right)
    return out


def _continues(prev: Line, cur: Line, layout: Layout) -> bool:
    """Whether ``cur`` is the next line of the paragraph that ``prev`` ends."""
    if abs(cur.size - prev.size) > 0.6:
        return False
    if cur.page == prev.page:
        if cur.frame != prev.frame:
            return False
        step = cur.top - prev.top
        if step <= 0 or step > GAP_FACTOR * layout.pitch * cur.size:
            return False
    elif cur.page != prev.page + 1:
        return False
    _, right = layout.margins.get(prev.frame, (prev.x0, prev.x1))
    if prev.x1 < right - NEAR_RIGHT * prev.size:
        return False
    if _NUMBERING.match(cur.text):
        return False
    left, right = layout.margins.get(cur.frame, (cur.x0, cur.x1))
    if cur.size > 1.15 * layout.body_size:
        return True  # a wrapped title: its lines are centred, so indentation says nothing
    return cur.x0 <= left + INDENT * cur.size


def _assemble(doc: Document, pages: list[Page], layout: Layout) -> None:
    run: list[Line] = []

    def flush() -> None:
        if run:
            first = run[0]
            block = doc.add(
                "paragraph",
                "\n".join(ln.text for ln in run),
                page=first.page,
                loc={"page": first.page, "top": round(first.top)},
            )
            if any(ln.conf is not None for ln in run):
                block.ocr = _line_spans(run)
            run.clear()

    for p in pages:
        if not p.has_text:
            flush()  # a scanned page between two text pages: what it held is unknown
            continue
        for item in p.items:
            if isinstance(item, Table):
                flush()
                block = doc.add_table(item.rows, page=item.page, loc={"page": item.page, "top": round(item.top)})
                if item.ocr is not None:
                    block.ocr = []
                    for cell, line in zip(block.cells or [], item.ocr):
                        if line is not None:
                            cell.conf = line.conf
                            block.ocr.append((cell.start, cell.end, line.conf, (line.x0, line.top, line.x1, line.bottom)))
            elif run and _continues(run[-1], item, layout):
                run.append(item)
            else:
                flush()
                run.append(item)
    flush()


def _line_spans(run: list[Line]) -> list[tuple[int, int, float, Box]]:
    """(start, end, confidence, box) of each OCR'd line in the paragraph's raw text (lines joined by \\n)."""
    spans = []
    offset = 0
    for ln in run:
        if ln.conf is not None:
            spans.append((offset, offset + len(ln.text), ln.conf, (ln.x0, ln.top, ln.x1, ln.bottom)))
        offset += len(ln.text) + 1
    return spans


# -- OCR of pages without text ----------------------------------------------------------------------


def _ocr_pages(pdf: pdfium.PdfDocument, pages: list[Page], doc: Document, limits: Limits) -> list[int]:
    """OCR every page that has no text layer, in place; the pages whose OCR ran out of time."""
    todo = [p for p in pages if not p.has_text and not p.rotated]
    if not todo:
        return []
    if len(todo) > limits.max_ocr_pages:
        cut = [p.number for p in todo[limits.max_ocr_pages :]]
        zh, en = _page_list(cut, "、"), _page_list(cut, ", ")
        _warn(doc, "W_OCR_PAGES_CUT", f"扫描页过多，第{zh}页未做OCR识别，请拆分后再提交", f"OCR page limit: {en} not read")
        todo = todo[: limits.max_ocr_pages]
    from pipeline.limits import PageTimeout, deadline
    from pipeline.readers import ocr

    timed_out: list[int] = []
    for page in todo:
        try:
            with deadline(limits.ocr_page_seconds):
                lines = ocr.recognise(_render(pdf, page.number - 1, ocr.OCR_DPI / 72), 72 / ocr.OCR_DPI)
        except PageTimeout:
            timed_out.append(page.number)
            continue
        fill_page(page, lines)
        if page.has_text:
            doc.ocr_pages = (doc.ocr_pages or []) + [page.number]
    return timed_out


def _render(pdf: pdfium.PdfDocument, index: int, scale: float):
    """The page as a PIL image; the page and its bitmap are closed again."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=scale)
        try:
            return bitmap.to_pil().copy()  # to_pil() shares the bitmap's buffer
        finally:
            bitmap.close()
    finally:
        page.close()


def fill_page(page: Page, lines: list) -> None:
    """Give ``page`` the items of its OCR'd lines: free lines and rebuilt tables, top to bottom."""
    from pipeline.readers import ocr

    free, tables = ocr.split_tables(lines)
    items: list[tuple[float, Line | Table]] = []
    # A box's height follows its glyphs (digits and punctuation are shorter than 汉字), so lines of the
    # body type get one size, the page's usual height, or the paragraph rules would see a size change.
    usual = statistics.median(ln.height for ln in free) if free else 0.0
    for ln in free:
        height = usual if abs(ln.height - usual) <= 0.3 * usual else ln.height
        line = Line(page.number, ln.top, ln.bottom, ln.x0, ln.x1, round(0.85 * height, 1), ln.text, conf=ln.conf)
        items.append((ln.top, _framed(line, page.number, 0)))
    for t in tables:
        items.append((t.top, Table(page.number, t.top, t.rows, ocr=t.cells)))
    items.sort(key=lambda it: it[0])
    page.items = [it for _, it in items]
    page.has_text = bool(page.items)
