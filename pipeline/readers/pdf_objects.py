"""What pdfium sees on one PDF page: its glyphs with their boxes, and its ruling lines.

The PDF reader (:mod:`pipeline.readers.pdf`) lays a page out from per-glyph data: the character, its box
(``x0``, ``x1``, ``top``, ``bottom`` in points from the page's top-left), its font size and whether its
baseline runs level; and it finds ruled tables from the page's ruling lines. pdfium parses the page in C
(``pypdfium2.raw``) and is asked only for what the layout uses, a few calls per glyph, instead of building
a Python object for every glyph, path and layout box as pdfminer does.

Boxes follow pdfminer's convention, on which the layout's parameters were tuned: the em box, from the
font's descent up one font size, as wide as the glyph's advance (not its ink). Ruling lines are the edges
pdfplumber's table finder would get from pdfminer's lines, rectangles and curves, so its table finder is
fed pdfium's paths and nothing else.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from pipeline.errors import ReadError

Char = dict  # text, x0, x1, top, bottom, mid (of top and bottom), size, level
# a ruling line as pdfplumber's table finder takes it: x0, x1, top, bottom, width, height, orientation
Edge = dict
Box = tuple[float, float, float, float]  # x0, top, x1, bottom

# Bounds per page: a real page holds a few thousand glyphs and a few hundred paths; a crafted one may hold
# millions, and the document's clock cannot interrupt pdfium while it works through them in C.
MAX_GLYPHS = 50_000
MAX_OBJECTS = 100_000  # page objects and path segments together
MAX_FORM_DEPTH = 8  # form XObjects inside form XObjects; pdfium has already cut reference cycles

_V, _I, _D = ctypes.c_void_p, ctypes.c_int, ctypes.c_double


def _by_address(func, restype, *argtypes):
    """``func`` taking and returning handles as plain ints: a handle then compares and hashes for free
    (pypdfium2's own prototypes return pointer objects, and turning one into an int costs more than the
    call)."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(func, _V).value)


# Called once or twice per glyph: without argument types, so that ctypes converts nothing (the handle is
# passed as a c_void_p, the index as a C int, the results through byref()).
_text_object = ctypes.CFUNCTYPE(_V)(ctypes.cast(raw.FPDFText_GetTextObject, _V).value)
_char_origin = ctypes.CFUNCTYPE(_I)(ctypes.cast(raw.FPDFText_GetCharOrigin, _V).value)
_generated = ctypes.CFUNCTYPE(_I)(ctypes.cast(raw.FPDFText_IsGenerated, _V).value)
# Called once per text object (a few hundred a page when a font is embedded in subsets).
_object_font = ctypes.CFUNCTYPE(_V)(ctypes.cast(raw.FPDFTextObj_GetFont, _V).value)
_object_font_size = ctypes.CFUNCTYPE(_I)(ctypes.cast(raw.FPDFTextObj_GetFontSize, _V).value)
_char_matrix = ctypes.CFUNCTYPE(_I)(ctypes.cast(raw.FPDFText_GetMatrix, _V).value)
# Called once per font and character, or per font and size.
_map_error = _by_address(raw.FPDFText_HasUnicodeMapError, _I, _V, _I)
_char_font_size = _by_address(raw.FPDFText_GetFontSize, _D, _V, _I)
_font_embedded = _by_address(raw.FPDFFont_GetIsEmbedded, _I, _V)
_font_base_name = _by_address(raw.FPDFFont_GetBaseFontName, ctypes.c_size_t, _V, ctypes.c_char_p, ctypes.c_size_t)
_font_descent = _by_address(raw.FPDFFont_GetDescent, _I, _V, ctypes.c_float, ctypes.POINTER(ctypes.c_float))
_glyph_width = _by_address(
    raw.FPDFFont_GetGlyphWidth, _I, _V, ctypes.c_uint32, ctypes.c_float, ctypes.POINTER(ctypes.c_float)
)
_loose_box = _by_address(raw.FPDFText_GetLooseCharBox, _I, _V, _I, ctypes.POINTER(raw.FS_RECTF))


@dataclass
class PageObjects:
    number: int  # counts from 1
    box: Box  # the page's media box, in the coordinates of the glyphs
    chars: list[Char] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    cut: bool = False  # more glyphs or objects than a page may have: the rest was not read
    # text objects drawn in a font the PDF does not embed that pdfium's text layer left out: it drops a
    # glyph it has no font for (a CJK font missing from this machine), where the reader cannot even keep
    # its place; the fonts' names, one per object. (An empty string drawn in such a font, "() Tj", is left
    # out alike, and pdfium's API tells the two apart by nothing: it is counted too.)
    unread: list[str] = field(default_factory=list)


@dataclass
class Fonts:
    """What was learnt of one document's fonts, by pdfium's handle of each font (valid while the document
    is open): each glyph's character and advance, each size's descent."""

    glyphs: dict[int, dict[str, tuple[str, float]]] = field(default_factory=dict)
    descents: dict[tuple[int, float], float] = field(default_factory=dict)


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """The document, or the ReadError that says why it cannot be opened."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        detail = f"PdfiumError: {exc}"[:300]
        if exc.err_code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
            raise ReadError("E_PDF_ENCRYPTED", detail) from None
        raise ReadError("E_PDF_CORRUPT", detail) from None


def read_page(pdf: pdfium.PdfDocument, index: int, fonts: Fonts | None = None) -> PageObjects:
    """The glyphs and ruling lines of page ``index`` (from 0); the page is closed again before returning.
    Pass the same ``fonts`` for every page of one document, and only of that document."""
    page = pdf[index]  # raises PdfiumError for a page pdfium cannot load
    try:
        x0, y0, x1, y1 = page.get_mediabox()
        height = y1 - y0
        # pdfplumber's frame, which the layout's margins were measured in: top = height - y
        result = PageObjects(index + 1, (x0, -y0, x1, height - y0))
        textpage = raw.FPDFText_LoadPage(page.raw)
        if not textpage:
            raise pdfium.PdfiumError("Failed to load the page's text")
        seen: set[int] = set()
        try:
            result.chars, result.cut = _glyphs(textpage, height, fonts or Fonts(), seen)
        finally:
            raw.FPDFText_ClosePage(textpage)
        texts: list[int] = []
        edges, cut = _ruling_edges(page.raw, height, texts)
        result.edges, result.cut = edges, result.cut or cut
        if not result.cut:
            result.unread = [_font_name(font) for obj in texts if obj not in seen and (font := _object_font(_V(obj))) and not _font_embedded(font)]
        return result
    finally:
        page.close()


def _glyphs(handle, height: float, fonts: Fonts, seen: set[int]) -> tuple[list[Char], bool]:
    count = raw.FPDFText_CountChars(handle)
    cut = count > MAX_GLYPHS
    count = min(count, MAX_GLYPHS)
    text = _page_text(handle, count)
    textpage = ctypes.cast(handle, _V)
    ox, oy = _D(), _D()
    at_x, at_y = ctypes.byref(ox), ctypes.byref(oy)
    text_object, char_origin, generated = _text_object, _char_origin, _generated
    state = _TextState(textpage, fonts.descents)
    chars: list[Char] = []
    append = chars.append
    last = -1
    for i in range(count):
        t = text[i]
        if t in " \r\n" and generated(textpage, i):
            continue  # pdfium's own word and line breaks, not glyphs of the page
        obj = text_object(textpage, i)
        if obj != last:  # a new text object: one font, size and matrix for all its glyphs
            last = obj
            seen.add(obj)
            font, size_ts, a, low, high, level = state.of(i, obj)
            size = high - low
            known = fonts.glyphs.setdefault(font, {})
        glyph = known.get(t)
        if glyph is None:
            glyph = known[t] = _glyph(textpage.value, i, font, t)
        t, advance = glyph
        char_origin(textpage, i, at_x, at_y)
        x, y = ox.value, oy.value
        if advance > 0:
            right = x + advance * size_ts * a
        else:  # the font has no width for this character: the glyph's loose box
            rect = raw.FS_RECTF()
            _loose_box(textpage.value, i, rect)
            right = max(rect.right, x)
        top, bottom = height - y - high, height - y - low
        mid = (top + bottom) / 2
        append(
            {"text": t, "x0": x, "x1": right, "top": top, "bottom": bottom, "mid": mid, "size": size, "level": level}
        )
    return chars, cut


class _TextState:
    """What the glyphs of one text object share: font, size, matrix."""

    def __init__(self, textpage: ctypes.c_void_p, descents: dict[tuple[int, float], float]):
        self.textpage = textpage
        self.descents = descents
        self.size = ctypes.c_float()
        self.matrix = raw.FS_MATRIX()
        self.at_size, self.at_matrix = ctypes.byref(self.size), ctypes.byref(self.matrix)

    def of(self, index: int, obj: int | None) -> tuple[int, float, float, float, float, bool]:
        """(font, font size, horizontal scale, bottom and top of the em box above the baseline, level) of
        the text object ``obj`` that glyph ``index`` belongs to."""
        handle = _V(obj)
        font = (_object_font(handle) if obj else None) or 0
        if not obj or not _object_font_size(handle, self.at_size) or self.size.value <= 0:
            self.size.value = _char_font_size(self.textpage.value, index)
        size = self.size.value
        _char_matrix(self.textpage, index, self.at_matrix)
        descent = self.descents.get((font, size))
        if descent is None:
            value = ctypes.c_float()
            found = font and _font_descent(font, size, value)
            descent = self.descents[(font, size)] = value.value if found else 0.0
        a, d = self.matrix.a, self.matrix.d
        # pdfminer's em box in text space, (0, descent) to (advance, descent + size), on the page
        low, high = descent * d, (descent + size) * d
        level = a > 0 and abs(self.matrix.b) <= 0.1 * a
        return font, size, a, min(low, high), max(low, high), level


def _glyph(textpage: int, index: int, font: int, t: str) -> tuple[str, float]:
    """(character, advance per unit of font size) of glyph ``index``, which a font shows as ``t``; -1.0
    when the font gives no width. Asked once per font and character: pdfium reports a glyph without a
    Unicode mapping as its character code, and asking about every glyph costs as much as reading it."""
    if _map_error(textpage, index):
        return "\ufffd", -1.0  # no Unicode for this glyph: keep its place
    width = ctypes.c_float()
    if font and _glyph_width(font, ord(t), 1.0, width) and width.value > 0:
        return t, width.value
    return t, -1.0


def _page_text(textpage, count: int) -> str:
    """The page's characters, one per glyph index."""
    if count <= 0:
        return ""
    buf = ctypes.create_string_buffer(2 * (count + 1))
    got = raw.FPDFText_GetText(textpage, 0, count, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    text = buf.raw[: 2 * max(got - 1, 0)].decode("utf-16-le", "surrogatepass")
    if len(text) != count:  # a character beyond U+FFFF is two UTF-16 units: ask glyph by glyph
        text = "".join(_char(raw.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    return text


def _font_name(font: int) -> str:
    size = _font_base_name(font, None, 0)
    if size <= 1:
        return "?"
    buf = ctypes.create_string_buffer(size)
    _font_base_name(font, buf, size)
    return buf.value.decode("utf-8", "replace") or "?"


def _char(code: int) -> str:
    return chr(code) if 0 < code < 0x110000 else "\ufffd"


# -- ruling lines ----------------------------------------------------------------------------------------


def _ruling_edges(page, height: float, texts: list[int]) -> tuple[list[Edge], bool]:
    """The edges of the page's paths (in form XObjects too), as pdfminer and pdfplumber would make them;
    the page's text objects are added to ``texts`` on the way."""
    edges: list[Edge] = []
    budget = [MAX_OBJECTS]
    count = raw.FPDFPage_CountObjects(page)
    _walk((raw.FPDFPage_GetObject(page, i) for i in range(count)), count, None, height, edges, budget, 0, texts)
    return edges, budget[0] < 0


def _walk(objects, count: int, outer, height: float, edges: list[Edge], budget: list[int], depth: int, texts: list[int]):
    """The edges of ``objects`` (``count`` of them, in a form XObject under the matrix ``outer``)."""
    matrix = raw.FS_MATRIX()
    budget[0] -= count
    if budget[0] < 0:
        return
    for obj in objects:
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            texts.append(ctypes.cast(obj, _V).value)
            continue
        if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
            continue
        raw.FPDFPageObj_GetMatrix(obj, matrix)
        m = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
        if outer is not None:
            m = _multiply(m, outer)
        if kind == raw.FPDF_PAGEOBJ_PATH:
            _path_edges(obj, m, height, edges, budget)
        elif depth < MAX_FORM_DEPTH:
            n = raw.FPDFFormObj_CountObjects(obj)
            inner = (raw.FPDFFormObj_GetObject(obj, i) for i in range(n))
            _walk(inner, n, m, height, edges, budget, depth + 1, texts)


def _multiply(m, n):
    """The matrix that applies ``m``, then ``n`` (PDF matrices, row vectors)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _path_edges(path, m, height: float, edges: list[Edge], budget: list[int]) -> None:
    """A path's subpaths as edges, the way pdfminer paints them (``paint_path``) and pdfplumber turns
    them into edges: a two-point subpath is a line (horizontal when level, else vertical, however it
    slants); any other subpath gives an edge between each pair of consecutive points (a rectangle its four
    sides), and only horizontal and vertical ones are kept. A curve counts by its end points only."""
    x, y = ctypes.c_float(), ctypes.c_float()
    a, b, c, d, e, f = m
    points: list[tuple[float, float]] = []
    closed = False
    bezier = 0
    n = raw.FPDFPath_CountSegments(path)
    budget[0] -= n  # a path's segments count against the page's objects
    if budget[0] < 0:
        return
    for i in range(n + 1):
        seg = raw.FPDFPath_GetPathSegment(path, i) if i < n else None
        kind = raw.FPDFPathSegment_GetType(seg) if seg else raw.FPDF_SEGMENT_MOVETO
        if kind == raw.FPDF_SEGMENT_MOVETO:
            _subpath_edges(points, closed, edges)
            points, closed, bezier = [], False, 0
            if not seg:
                break
        if kind == raw.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue  # a control point
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        px, py = x.value, y.value
        points.append((a * px + c * py + e, height - (b * px + d * py + f)))
        closed = closed or bool(raw.FPDFPathSegment_GetClose(seg))


def _subpath_edges(points: list[tuple[float, float]], closed: bool, edges: list[Edge]) -> None:
    if closed and len(points) > 1:
        if len(points) > 2 and points[-1] == points[0]:
            points = points[:-1]  # pdfminer drops a last line back to the start before "h"
        points = points + [points[0]]
    if len(points) < 2:
        return
    if len(points) == 2 or (len(points) == 3 and closed):
        (x0, t0), (x1, t1) = points[0], points[1]
        edges.append(_edge(x0, t0, x1, t1, "h" if t0 == t1 else "v", "line"))
        return
    for (x0, t0), (x1, t1) in zip(points, points[1:]):
        if x0 == x1:
            edges.append(_edge(x0, t0, x1, t1, "v", "curve_edge"))
        elif t0 == t1:
            edges.append(_edge(x0, t0, x1, t1, "h", "curve_edge"))


def _edge(x0: float, t0: float, x1: float, t1: float, orientation: str, kind: str) -> Edge:
    left, right = min(x0, x1), max(x0, x1)
    top, bottom = min(t0, t1), max(t0, t1)
    return {
        "object_type": kind,
        "x0": left,
        "x1": right,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": right - left,
        "height": bottom - top,
        "orientation": orientation,
    }
