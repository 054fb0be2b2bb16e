"""Read a DOCX report into blocks: paragraphs, headings and tables in the order the body holds them.

Safety comes before any parsing. The zip is refused from its central directory when declared sizes or
ratios are too large, and every XML part is then inflated in bounded chunks: a part that inflates past its
declared size (a lying header) or an XML part that declares a DTD or entities (XXE, billion laughs; Word
never writes one) is refused before lxml sees it. Only then is the body parsed with lxml, which gives full
control over what counts as text (tracked deletions, text boxes and field codes do not).

Locations: ``{"paragraph": i}`` counts every body paragraph, empty ones included, so it matches the
paragraph order Word shows; paragraphs inside tables are not counted. ``{"table": j}`` counts tables in
document order, nested ones included; a nested table also carries ``"nested_in"``, its parent's number.
"""

from __future__ import annotations

import copy
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from pipeline.document import Document
from pipeline.errors import ReadError
from pipeline.limits import Limits

_W_TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

_CHUNK = 1 << 16
_RATIO_MIN_BYTES = 1 << 20  # small parts compress well legitimately; the ratio limit is for big ones

# Word allows 63 columns. Spans are clamped so a crafted gridSpan="1000000000" cannot make the table grid
# (one position per covered cell) exhaust memory.
_MAX_COLS = 64
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# Searched in every encoding lxml would accept, so a UTF-16 part cannot slip a DTD past the byte check.
_DTD_MARKERS = tuple(
    m.encode(enc)
    for m in ("<!DOCTYPE", "<!ENTITY")
    for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_OVERLAP = max(len(m) for m in _DTD_MARKERS)

_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_TITLE_NAMES = {"title", "标题"}

# Symbol-font characters Word stores in the private use area (w:sym char="F0B3"), for the handful that
# appear in reports; anything else is kept as the code point Word recorded.
_SYMBOLS = {
    "symbol": {
        0xB0: "°",
        0xB1: "±",
        0xB3: "≥",
        0xA3: "≤",
        0xB4: "×",
        0xB8: "÷",
        0xB9: "≠",
        0xBB: "≈",
        0xA5: "∞",
        0xAE: "→",
        0xAC: "←",
        0xD6: "√",
    },
    "wingdings": {0xFC: "✓", 0xFB: "✗", 0xFE: "☑", 0xA8: "☐", 0x6F: "□", 0x6E: "■"},
}


def read(data: bytes, path: str, limits: Limits) -> Document:
    try:
        return _read(data, path, limits)
    except ReadError:
        raise
    except MemoryError:
        raise ReadError("E_DOCX_BOMB", "ran out of memory while reading the DOCX") from None
    except Exception as exc:  # noqa: BLE001 - a malformed part must end as a code, never a traceback
        raise ReadError("E_DOCX_CORRUPT", f"{type(exc).__name__}: {exc}") from None


def _read(data: bytes, path: str, limits: Limits) -> Document:
    package = _Package(data, limits)
    main = package.main_part()
    body_xml = package.part(main)
    styles_name = package.styles_part(main)
    styles_xml = package.part(styles_name) if styles_name else None
    package.check_remaining_xml()

    root = _parse(body_xml, main)
    ns = etree.QName(root).namespace
    if ns not in (_W_TRANSITIONAL, _W_STRICT):
        raise ReadError("E_DOCX_CORRUPT", f"{main} is not a WordprocessingML document (root {root.tag})")
    w = _Names(ns)
    styles = _Styles(_parse(styles_xml, styles_name), w) if styles_xml is not None and styles_name else None
    body = root.find(w.body)
    if body is None:
        raise ReadError("E_DOCX_CORRUPT", f"{main} has no w:body")

    doc = Document(path=path, format="docx")
    _BodyReader(doc, w, styles or _Styles(None, w)).read(body)
    if not any(b.raw.strip() for b in doc.blocks):
        raise ReadError(
            "E_NO_TEXT", "the DOCX body holds no text (text boxes, headers and footers are not read)"
        )
    return doc


# --- the zip: sizes, bounded inflation, DTD refusal ---------------------------------------------------


class _Package:
    def __init__(self, data: bytes, limits: Limits) -> None:
        self.limits = limits
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            OSError,
            EOFError,
            ValueError,
            NotImplementedError,
        ) as exc:
            raise ReadError("E_DOCX_CORRUPT", f"not a readable zip: {type(exc).__name__}: {exc}") from None
        if len(infos) > limits.max_zip_entries:
            raise ReadError("E_DOCX_BOMB", f"{len(infos)} zip entries > {limits.max_zip_entries}")
        total = 0
        for info in infos:
            if info.file_size > limits.max_part_bytes:
                raise ReadError(
                    "E_DOCX_BOMB",
                    f"{info.filename} declares {info.file_size} bytes > part limit {limits.max_part_bytes}",
                )
            total += info.file_size
            if total > limits.max_inflated_bytes:
                raise ReadError(
                    "E_DOCX_BOMB", f"parts declare {total}+ bytes in all > limit {limits.max_inflated_bytes}"
                )
            if info.file_size > _RATIO_MIN_BYTES and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise ReadError(
                    "E_DOCX_BOMB",
                    f"{info.filename} inflates {info.file_size} bytes from {info.compress_size}: "
                    f"ratio > {limits.max_ratio}",
                )
        # OPC part names are case-insensitive; producers differ in case.
        self.infos = {info.filename.lower(): info for info in infos if not info.is_dir()}
        self.read_parts: set[str] = set()

    def has(self, name: str) -> bool:
        return name.lower() in self.infos

    def part(self, name: str) -> bytes:
        info = self.infos.get(name.lower())
        if info is None:
            raise ReadError("E_DOCX_CORRUPT", f"missing part {name}")
        return self._inflate(info, keep=True)

    def check_remaining_xml(self) -> None:
        """Inflate (and discard) every XML part not read yet, so no part escapes the size and DTD checks."""
        for key, info in self.infos.items():
            if key not in self.read_parts and key.endswith(_XML_SUFFIXES):
                self._inflate(info, keep=False)

    def _inflate(self, info: zipfile.ZipInfo, keep: bool) -> bytes:
        self.read_parts.add(info.filename.lower())
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Word only deflates; zipfile inflates bzip2/lzma without an output bound.
            raise ReadError("E_DOCX_CORRUPT", f"{info.filename} uses compression method {info.compress_type}")
        declared = info.file_size
        # zipfile silently truncates output at the declared size; let it run one chunk further so a part
        # that inflates past its declared size is caught instead of cut.
        probe = copy.copy(info)
        probe.file_size = declared + _CHUNK + 1
        out = bytearray()
        seen = 0
        tail = b""
        try:
            with self.zip.open(probe) as fh:
                while chunk := fh.read(_CHUNK):
                    seen += len(chunk)
                    # declared <= part limit and the declared sum <= total limit were checked, so holding
                    # every part to its declared size holds the inflation to both limits.
                    if seen > declared:
                        raise ReadError(
                            "E_DOCX_BOMB", f"{info.filename} inflates past its declared {declared} bytes"
                        )
                    window = tail + chunk
                    # every encoding of the markers holds the byte of "!", which XML seldom has: one memchr
                    # instead of ten searches for a needle starting with "<"
                    if b"!" in window and any(m in window for m in _DTD_MARKERS):
                        raise ReadError("E_DOCX_UNSAFE", f"{info.filename} declares a DOCTYPE or ENTITY")
                    tail = window[-_OVERLAP:]
                    if keep:
                        out += chunk
        except ReadError:
            raise
        except Exception as exc:  # noqa: BLE001 - zipfile/zlib raise many types for one broken part
            raise ReadError(
                "E_DOCX_CORRUPT", f"cannot inflate {info.filename}: {type(exc).__name__}: {exc}"
            ) from None
        return bytes(out)

    def _targets(self, rels_name: str, base: str, rel_type: str) -> list[str]:
        if not self.has(rels_name):
            return []
        root = _parse(self.part(rels_name), rels_name)
        found = []
        for rel in root.iter(f"{{{_REL}}}Relationship"):
            if rel.get("Type", "").endswith(rel_type) and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                joined = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
                found.append(posixpath.normpath(joined))
        return found

    def main_part(self) -> str:
        for name in self._targets("_rels/.rels", "", "/officeDocument"):
            if self.has(name):
                return name
        if self.has("word/document.xml"):
            return "word/document.xml"
        raise ReadError("E_DOCX_CORRUPT", "no main document part (word/document.xml is missing)")

    def styles_part(self, main: str) -> str | None:
        base, leaf = posixpath.split(main)
        for name in self._targets(posixpath.join(base, "_rels", leaf + ".rels"), base, "/styles"):
            if self.has(name):
                return name
        return "word/styles.xml" if self.has("word/styles.xml") else None


def _parse(xml: bytes, name: str) -> etree._Element:
    # A fresh parser per call: lxml parsers are not safe to share between threads.
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise ReadError("E_DOCX_CORRUPT", f"malformed XML in {name}: {exc}") from None
    if root is None:
        raise ReadError("E_DOCX_CORRUPT", f"{name} is empty")
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise ReadError("E_DOCX_UNSAFE", f"{name} declares a DOCTYPE")
    return root


# --- styles ---------------------------------------------------------------------------------------------


class _Names:
    """Clark names of the WordprocessingML elements and attributes used here, in one namespace."""

    def __init__(self, ns: str) -> None:
        def q(local: str) -> str:
            return f"{{{ns}}}{local}"

        self.val = q("val")
        self.body, self.p, self.tbl, self.tr, self.tc = q("body"), q("p"), q("tbl"), q("tr"), q("tc")
        self.sdt, self.sdt_content, self.custom_xml = q("sdt"), q("sdtContent"), q("customXml")
        self.ppr, self.pstyle, self.outline = q("pPr"), q("pStyle"), q("outlineLvl")
        self.tcpr, self.grid_span, self.vmerge, self.hmerge = (
            q("tcPr"),
            q("gridSpan"),
            q("vMerge"),
            q("hMerge"),
        )
        self.trpr, self.grid_before = q("trPr"), q("gridBefore")
        self.t, self.tab, self.ptab, self.br, self.cr = q("t"), q("tab"), q("ptab"), q("br"), q("cr")
        self.sym, self.char, self.font = q("sym"), q("char"), q("font")
        self.no_break_hyphen, self.deleted = q("noBreakHyphen"), q("del")
        self.style, self.style_id, self.type, self.name, self.based_on = (
            q("style"),
            q("styleId"),
            q("type"),
            q("name"),
            q("basedOn"),
        )
        # Subtrees that hold no body text: properties, deleted or moved-away text, drawings and text
        # boxes (not read), ruby guide text, content-control properties.
        self.skip = {
            q(local)
            for local in (
                "pPr",
                "rPr",
                "tblPr",
                "trPr",
                "tcPr",
                "del",
                "moveFrom",
                "drawing",
                "pict",
                "object",
                "txbxContent",
                "rt",
                "sdtPr",
                "sdtEndPr",
                "instrText",
                "delText",
                "fldData",
            )
        }
        self.alternate = f"{{{_MC}}}AlternateContent"
        self.choice = f"{{{_MC}}}Choice"


@dataclass
class _Style:
    name: str
    based_on: str | None
    outline: int | None


class _Styles:
    def __init__(self, root: etree._Element | None, w: _Names) -> None:
        self.styles: dict[str, _Style] = {}
        if root is None:
            return
        for st in root.iter(w.style):
            if st.get(w.type, "paragraph") != "paragraph" or st.get(w.style_id) is None:
                continue
            name_el = st.find(w.name)
            based = st.find(w.based_on)
            outline = st.find(f"{w.ppr}/{w.outline}")
            self.styles[st.get(w.style_id)] = _Style(
                name=name_el.get(w.val, "") if name_el is not None else st.get(w.style_id),
                based_on=based.get(w.val) if based is not None else None,
                outline=_int(outline.get(w.val)) if outline is not None else None,
            )

    def name(self, style_id: str) -> str:
        style = self.styles.get(style_id)
        name = style.name if style is not None and style.name else style_id
        # Word stores built-in names in lower case ("heading 1") and shows them capitalised.
        m = re.match(r"^heading\s*([1-9])$", name, re.IGNORECASE)
        return f"Heading {m.group(1)}" if m else name

    def outline(self, style_id: str) -> int | None:
        seen: set[str] = set()
        current: str | None = style_id
        while current is not None and current not in seen and current in self.styles:
            seen.add(current)
            style = self.styles[current]
            if style.outline is not None:
                return style.outline
            current = style.based_on
        return None


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --- the body -------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    """A table cell being assembled; its rowspan grows as vMerge continuations are met."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class _BodyReader:
    doc: Document
    w: _Names
    styles: _Styles
    paragraphs: int = 0
    tables: int = 0

    def read(self, body: etree._Element) -> None:
        for el in self._blocks(body):
            if el.tag == self.w.p:
                self._paragraph(el)
            else:
                self._table(el, None)

    def _blocks(self, container: etree._Element):
        """Block-level paragraphs and tables, looking through content controls and custom XML wrappers."""
        w = self.w
        for el in container:
            if el.tag in (w.p, w.tbl):
                yield el
            elif el.tag in (w.sdt, w.custom_xml):
                inner = el.find(w.sdt_content) if el.tag == w.sdt else el
                if inner is not None:
                    yield from self._blocks(inner)
            elif el.tag == w.alternate:
                choice = el.find(w.choice)
                if choice is not None:
                    yield from self._blocks(choice)

    def _paragraph(self, p: etree._Element) -> None:
        index = self.paragraphs
        self.paragraphs += 1
        text = self._text(p)
        if not text.strip():
            return
        kind, level, style = self._kind(p)
        self.doc.add(kind, text, loc={"paragraph": index}, style=style, level=level)

    def _kind(self, p: etree._Element) -> tuple[str, int | None, str | None]:
        w = self.w
        ppr = p.find(w.ppr)
        style_el = ppr.find(w.pstyle) if ppr is not None else None
        style_id = style_el.get(w.val) if style_el is not None else None
        style = self.styles.name(style_id) if style_id else None
        outline_el = ppr.find(w.outline) if ppr is not None else None
        if outline_el is not None:
            # A direct outline level overrides the style's, including 9 ("body text").
            lvl = _int(outline_el.get(w.val))
            if lvl is not None and 0 <= lvl <= 8:
                return "heading", lvl + 1, style
            return "paragraph", None, style
        if style is not None:
            if style.strip().lower() in _TITLE_NAMES:
                return "title", 0, style
            m = _HEADING_NAME.match(style.strip())
            if m:
                return "heading", int(m.group(1)), style
            lvl = self.styles.outline(style_id)
            if lvl is not None and 0 <= lvl <= 8:
                return "heading", lvl + 1, style
        return "paragraph", None, style

    def _text(self, el: etree._Element) -> str:
        parts: list[str] = []
        self._collect(el, parts)
        return "".join(parts)

    def _collect(self, el: etree._Element, parts: list[str]) -> None:
        w = self.w
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in w.skip:
                continue
            if tag == w.t:
                parts.append(child.text or "")
            elif tag in (w.tab, w.ptab):
                parts.append("\t")
            elif tag in (w.br, w.cr):
                parts.append("\n")
            elif tag == w.no_break_hyphen:
                parts.append("-")
            elif tag == w.sym:
                parts.append(_symbol(child.get(w.font, ""), child.get(w.char, "")))
            elif tag == w.alternate:
                choice = child.find(w.choice)
                if choice is not None:
                    self._collect(choice, parts)
            else:
                self._collect(child, parts)

    def _table(self, tbl: etree._Element, parent: int | None) -> None:
        number = self.tables
        self.tables += 1
        nested: list[etree._Element] = []
        rows = self._rows(tbl, nested)
        if any(rows):
            loc: dict = {"table": number}
            if parent is not None:
                loc["nested_in"] = parent
            self.doc.add_table(rows, loc=loc)
        for inner in nested:
            self._table(inner, number)

    def _rows(self, tbl: etree._Element, nested: list[etree._Element]) -> list[list[tuple[str, int, int]]]:
        w = self.w
        rows: list[list[_Entry]] = []
        open_merges: dict[int, _Entry] = {}  # grid column -> the top cell of a vertical merge in progress
        for tr in self._wrapped(tbl, w.tr):
            trpr = tr.find(w.trpr)
            if trpr is not None and trpr.find(w.deleted) is not None:
                continue  # a row deleted with track changes on: Word's final view has no such row
            before = trpr.find(w.grid_before) if trpr is not None else None
            col = min(max(_int(before.get(w.val), 0) if before is not None else 0, 0), _MAX_COLS)
            # Empty fillers keep the row's cells in their grid columns when Word skips leading columns.
            row: list[_Entry] = [_Entry("") for _ in range(col)]
            last_end = col  # grid column where row[-1] ends
            continued: dict[int, _Entry] = {}
            for tc in self._wrapped(tr, w.tc):
                tcpr = tc.find(w.tcpr)
                span_el = tcpr.find(w.grid_span) if tcpr is not None else None
                span = min(max(_int(span_el.get(w.val), 1) if span_el is not None else 1, 1), _MAX_COLS)
                vmerge = tcpr.find(w.vmerge) if tcpr is not None else None
                hmerge = tcpr.find(w.hmerge) if tcpr is not None else None
                text = self._cell_text(tc, nested)
                vstate = (vmerge.get(w.val) or "continue") if vmerge is not None else None
                if vstate == "continue" and col in open_merges:
                    top = open_merges[col]
                    top.rowspan += 1
                    if text.strip():  # Word moves merged text to the top cell; never drop any left behind
                        top.text = f"{top.text}\n{text}" if top.text else text
                    continued[col] = top
                elif (
                    hmerge is not None
                    and (hmerge.get(w.val) or "continue") == "continue"
                    and row
                    and last_end == col
                ):
                    # Legacy horizontal merge: this cell widens the one just to its left.
                    row[-1].colspan = min(row[-1].colspan + span, _MAX_COLS)
                    if text.strip():
                        row[-1].text = f"{row[-1].text}\n{text}" if row[-1].text else text
                    last_end = col + span
                else:
                    entry = _Entry(text, 1, span)
                    row.append(entry)
                    last_end = col + span
                    if vstate is not None:  # restart, or a continuation with nothing above to continue
                        continued[col] = entry
                col += span
            open_merges = continued
            rows.append(row)
        return [[(e.text, e.rowspan, e.colspan) for e in row] for row in rows]

    def _wrapped(self, parent: etree._Element, tag: str):
        """Children with ``tag``, looking through row/cell-level content controls and custom XML."""
        w = self.w
        for el in parent:
            if el.tag == tag:
                yield el
            elif el.tag == w.sdt:
                inner = el.find(w.sdt_content)
                if inner is not None:
                    yield from self._wrapped(inner, tag)
            elif el.tag == w.custom_xml:
                yield from self._wrapped(el, tag)

    def _cell_text(self, tc: etree._Element, nested: list[etree._Element]) -> str:
        texts: list[str] = []
        for el in self._blocks(tc):
            if el.tag == self.w.tbl:
                nested.append(el)  # read as its own block after the parent; its text stays out of this cell
            else:
                texts.append(self._text(el))
        # Word ends every cell with a paragraph, left empty after a nested table; blank edges carry nothing.
        while texts and not texts[-1].strip():
            texts.pop()
        while texts and not texts[0].strip():
            texts.pop(0)
        return "\n".join(texts)


def _symbol(font: str, char: str) -> str:
    try:
        code = int(char, 16)
    except ValueError:
        return ""
    if 0xF000 <= code <= 0xF0FF:
        for key, table in _SYMBOLS.items():
            if key in font.lower() and code - 0xF000 in table:
                return table[code - 0xF000]
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return ""
