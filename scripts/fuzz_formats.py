"""Format-aware mutators of the fuzzer (``scripts/fuzz.py``) for the formats besides TXT, DOCX and PDF:
spreadsheets (XLSX and ODS packages, legacy BIFF .xls/.et), web pages (HTML, MHT), legacy Word files (.doc,
.wps; read through LibreOffice) and images (read by OCR).

Each mutator takes a random generator and the file's bytes and returns the mutant's bytes and the name of
what was done to it. They aim at what a reader must survive: zip entries dropped, duplicated or cut, sheet
XML and shared strings damaged, numbers no float holds, formulas and their cached values, cell types the
schema does not know, merged ranges and dimensions that lie, far-away cells, deep nesting; unclosed and
deeply nested tags, huge tables and spans, entities, encodings that differ from the declared charset.
"""

from __future__ import annotations

import io
import random
import re
import warnings
import zipfile

MAX_BYTES = 8 << 20  # as the fuzzer's other mutants: never more than this

# Cell values the XLSX schema allows, and ones it does not, with the type attribute they come with.
ODD_CELLS = [
    ("n", "1E+308"),
    ("n", "1E+309"),
    ("n", "-1E-320"),
    ("n", "NaN"),
    ("n", "inf"),
    ("n", "-0"),
    ("n", "abc"),
    ("n", ""),
    ("n", "9" * 400),
    ("n", "0." + "0" * 400 + "1"),
    ("n", "662.77"),
    ("n", "0.0252"),
    ("n", "1" * 20 + ".5"),
    ("s", "99999999"),
    ("s", "-1"),
    ("s", "1.5"),
    ("s", ""),
    ("b", "2"),
    ("b", "true"),
    ("e", "#DIV/0!"),
    ("e", "#REF!"),
    ("d", "2023-13-45T99:99:99"),
    ("d", "not a date"),
    ("d", "2023-12-31"),
    ("str", '=HYPERLINK("http://x")'),
    ("zz", "1"),
    ("inlineStr", None),
]
# Formulas a report's workbook may hold, with or without the value the file cached.
FORMULAS = [
    "SUM(A1:A2)",
    "1/0",
    'HYPERLINK("http://example.invalid","点击")',
    "'[1]外部'!A1",
    "[C:\\x.xlsx]Sheet1!A1",
    'WEBSERVICE("http://example.invalid")',
    "A1" * 2000,
    'INDIRECT("A"&ROW())',
    "A1+B1+",
    "SUM(" * 300,
]
MERGES = [
    "A1:XFD1048576",
    "B2:A1",
    "A0:B2",
    "ZZZZ1:A1",
    "A1:A1",
    "B3:H3",
    "A1:XFD1",
    "A1:A1048576",
    "garbage",
    ":",
    "A1:B2 C3:D4",
    "A1:H8",
    "C4:C4000",
]
DIMENSIONS = ["A1:XFD1048576", "A1:A1", "garbage", "", "A1048576", "XFD1", "B2:A1"]
FAR_CELLS = ["XFD1048576", "A1048576", "XFD1", "ZZZ99999", "A0", "AAAA1", "1A", ""]
HOSTILE_CELL_TEXT = [
    '=HYPERLINK("http://example.invalid")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "<script>alert(1)</script>",
    "\u202e\u202d",
    "\ue000",
    "9" * 5000,
    "项目名称",
    "年初预算数",
    "执行率",
    "自评得分",
    "优",
    "\t\t\t",
    "｜" * 100,
]


def text_of(data: bytes) -> str:
    for enc in ("utf-8", "gb18030", "utf-16"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    return data.decode("utf-8", errors="replace")


def flip(rng: random.Random, data: bytes, n: int | None = None) -> bytes:
    b = bytearray(data)
    for _ in range(n or rng.choice((1, 2, 3, 10, 40))):
        if b:
            b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(max(1, len(data)))]


def insert(rng: random.Random, data: bytes, piece: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + piece + data[at:]


def _xml_escape(text: str) -> str:
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _entries(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        return [(i, src.read(i)) for i in src.infolist()]
    except Exception:  # noqa: BLE001 - a mutant of a mutant may be no zip at all
        return None


STAMP = (2026, 1, 1, 0, 0, 0)  # every entry's date: a seed gives the same bytes whenever it runs


def zip_entry(name: str, stored: bool = False) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=STAMP)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    return info


def _zip(entries: list[tuple[str, bytes]], stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as dst:
        with warnings.catch_warnings():
            # a duplicated entry is the mutation: zipfile warns, and writes it
            warnings.simplefilter("ignore")
            for name, body in entries:
                dst.writestr(zip_entry(name, stored), body)
    return out.getvalue()


# ------------------------------------------------------------------------------------------- XLSX / ODS


def _sheet_cells(rng: random.Random, xml: str) -> tuple[str, str]:
    """One change to a worksheet's cells."""
    kind = rng.choice(("odd", "odd", "formula", "far", "row", "text", "many", "repeat_rows"))
    cells = list(re.finditer(r"<c r=\"([A-Z]+)(\d+)\"([^>]*?)(/>|>(.*?)</c>)", xml, re.S))
    if kind == "odd" and cells:
        m = rng.choice(cells)
        typ, value = rng.choice(ODD_CELLS)
        if typ == "inlineStr":
            body = f'<c r="{m.group(1)}{m.group(2)}" t="inlineStr"><is><t>{_xml_escape(rng.choice(HOSTILE_CELL_TEXT))}</t></is></c>'
        else:
            body = f'<c r="{m.group(1)}{m.group(2)}" t="{typ}"><v>{value}</v></c>'
        return xml[: m.start()] + body + xml[m.end() :], f"cell-{typ}"
    if kind == "formula" and cells:
        m = rng.choice(cells)
        cached = rng.choice(("", "<v>1</v>", "<v>=cmd|' /C calc'!A0</v>", "<v>#N/A</v>"))
        typ = rng.choice(("", ' t="str"', ' t="e"', ' t="n"'))
        shared = rng.choice(
            ("", ' t="shared" si="0" ref="A1:XFD1048576"', ' t="shared" si="99"', ' t="array" ref="A1:Z9999"')
        )
        body = f'<c r="{m.group(1)}{m.group(2)}"{typ}><f{shared}>{_xml_escape(rng.choice(FORMULAS))}</f>{cached}</c>'
        return xml[: m.start()] + body + xml[m.end() :], "formula"
    if kind == "far":
        ref = rng.choice(FAR_CELLS)
        row = re.sub(r"\D", "", ref) or "1"
        cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>远处</t></is></c></row>'
        at = xml.find("</sheetData>")
        if at >= 0:
            return xml[:at] + cell + xml[at:], f"far:{ref}"
    if kind == "row":
        # row numbers that lie: out of order, zero, negative, past Excel's last row, repeated
        return re.sub(
            r'<row r="\d+"',
            lambda _: f'<row r="{rng.choice(("0", "-1", "1", "1048577", "99999999999", "x"))}"',
            xml,
            count=rng.randrange(1, 5),
        ), "row"
    if kind == "text" and cells:
        m = rng.choice(cells)
        text = _xml_escape(rng.choice(HOSTILE_CELL_TEXT))
        return xml[
            : m.start()
        ] + f'<c r="{m.group(1)}{m.group(2)}" t="inlineStr"><is><t>{text}</t></is></c>' + xml[
            m.end() :
        ], "text"
    if kind == "many":
        # a long, wide table: many rows of many cells, as a data dump pasted into the form
        rows, cols = rng.choice(((2000, 10), (200, 300), (20000, 2), (50, 16384)))
        start = 9000
        body = "".join(
            f'<row r="{start + r}">'
            + "".join(f'<c r="{_col(c)}{start + r}"><v>{r * cols + c}</v></c>' for c in range(min(cols, 300)))
            + "</row>"
            for r in range(rows)
        )
        at = xml.find("</sheetData>")
        if at >= 0:
            return xml[:at] + body[: MAX_BYTES // 2] + xml[at:], f"many:{rows}x{cols}"
    if kind == "repeat_rows":
        rows = re.findall(r"<row [^>]*>.*?</row>", xml, re.S)
        if rows:
            k = rng.choice((10, 100, 1000))
            at = xml.find("</sheetData>")
            return xml[:at] + rng.choice(rows) * k + xml[at:], f"repeat_rows:{k}"
    return flip(rng, xml.encode("utf-8"), 3).decode("utf-8", errors="replace"), "sheet-flip"


def _col(c: int) -> str:
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _sheet_xml(rng: random.Random, xml: str) -> tuple[str, str]:
    kind = rng.choice(("cells", "cells", "cells", "merge", "dimension", "nest", "entity", "cut"))
    if kind == "cells":
        return _sheet_cells(rng, xml)
    if kind == "merge":
        refs = "".join(f'<mergeCell ref="{rng.choice(MERGES)}"/>' for _ in range(rng.choice((1, 3, 1000))))
        block = f'<mergeCells count="{rng.choice((1, 0, -1, 99999))}">{refs}</mergeCells>'
        xml = re.sub(r"<mergeCells.*?</mergeCells>", "", xml, flags=re.S)
        at = xml.find("</sheetData>")
        if at >= 0:
            at += len("</sheetData>")
            return xml[:at] + block + xml[at:], "merge"
    if kind == "dimension":
        return re.sub(
            r'<dimension ref="[^"]*"', f'<dimension ref="{rng.choice(DIMENSIONS)}"', xml
        ), "dimension"
    if kind == "nest":
        depth = rng.choice((100, 300, 5000))
        inner = '<x:n xmlns:x="urn:x">' * depth + "</x:n>" * depth
        at = xml.find("<sheetData>")
        at = at + len("<sheetData>") if at >= 0 else len(xml) // 2
        return xml[:at] + inner + xml[at:], f"nest:{depth}"
    if kind == "entity":
        dtd = rng.choice(
            (
                '<!DOCTYPE worksheet [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
                '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
            )
        )
        xml = re.sub(r"(<\?xml[^>]*\?>)", lambda m: m.group(1) + dtd, xml, count=1)
        return xml.replace("<v>", "<v>&x;" if "SYSTEM" in dtd else "<v>&c;", 1), "entity"
    return xml[: rng.randrange(max(1, len(xml)))], "cut"


def _shared_strings(rng: random.Random, xml: str) -> tuple[str, str]:
    kind = rng.choice(("drop", "text", "count", "cut", "rich"))
    items = list(re.finditer(r"<si>.*?</si>", xml, re.S))
    if kind == "drop" and items:
        # fewer strings than the cells refer to: indices point past the end
        keep = [m.group(0) for m in items if rng.random() < 0.5]
        return xml[: items[0].start()] + "".join(keep) + xml[items[-1].end() :], "sst-drop"
    if kind == "text" and items:
        m = rng.choice(items)
        return xml[: m.start()] + f"<si><t>{_xml_escape(rng.choice(HOSTILE_CELL_TEXT))}</t></si>" + xml[
            m.end() :
        ], "sst-text"
    if kind == "count":
        return re.sub(
            r'(unique)?[cC]ount="\d+"',
            lambda m: (
                f'{m.group(1) or ""}{"C" if m.group(1) else "c"}ount="{rng.choice(("0", "-1", "99999999999"))}"'
            ),
            xml,
        ), "sst-count"
    if kind == "rich" and items:
        m = rng.choice(items)
        runs = "".join(f"<r><t>{k}</t></r>" for k in range(rng.choice((10, 5000))))
        return xml[: m.start()] + f"<si>{runs}</si>" + xml[m.end() :], "sst-rich"
    return xml[: rng.randrange(max(1, len(xml)))], "sst-cut"


def _workbook_xml(rng: random.Random, xml: str) -> tuple[str, str]:
    kind = rng.choice(("name", "state", "rid", "dup"))
    sheets = list(re.finditer(r"<sheet [^>]*/>", xml))
    if not sheets:
        return xml, "wb-none"
    m = rng.choice(sheets)
    tag = m.group(0)
    if kind == "name":
        name = _xml_escape(rng.choice(("", "x" * 300, "自评表", "A'B", "[1]", "\u202e表", "Sheet1")))
        tag = re.sub(r'name="[^"]*"', f'name="{name}"', tag)
    elif kind == "state":
        tag = re.sub(r'state="[^"]*"', f'state="{rng.choice(("veryHidden", "hidden", "bogus", ""))}"', tag)
    elif kind == "rid":
        tag = re.sub(r'r:id="[^"]*"', f'r:id="{rng.choice(("rId999", "", "rId1"))}"', tag)
    else:
        return xml[: m.end()] + tag * rng.choice((2, 50)) + xml[m.end() :], "wb-dup"
    return xml[: m.start()] + tag + xml[m.end() :], f"wb-{kind}"


def _ods_content(rng: random.Random, xml: str) -> tuple[str, str]:
    kind = rng.choice(("repeat", "span", "value", "nest", "cut"))
    if kind == "repeat":
        return re.sub(
            r'table:number-(columns|rows)-repeated="\d+"',
            lambda m: (
                f'table:number-{m.group(1)}-repeated="{rng.choice(("1048576", "16384", "0", "-3", "x", "99999999999"))}"'
            ),
            xml,
            count=rng.randrange(1, 6),
        ), "ods-repeat"
    if kind == "span":
        cells = list(re.finditer(r"<table:table-cell\b", xml))
        if cells:
            m = rng.choice(cells)
            span = f' table:number-rows-spanned="{rng.choice(("1048576", "0", "-1", "3"))}" table:number-columns-spanned="{rng.choice(("16384", "0", "2", "x"))}"'
            return xml[: m.end()] + span + xml[m.end() :], "ods-span"
    if kind == "value":
        return re.sub(
            r'office:value="[^"]*"',
            lambda _: f'office:value="{rng.choice(("1E+400", "NaN", "x", "9" * 400, ""))}"',
            xml,
            count=rng.randrange(1, 5),
        ), "ods-value"
    if kind == "nest":
        depth = rng.choice((100, 5000))
        at = xml.find("<office:spreadsheet>")
        if at >= 0:
            at += len("<office:spreadsheet>")
            return xml[:at] + "<text:p>" * depth + "</text:p>" * depth + xml[at:], f"ods-nest:{depth}"
    return xml[: rng.randrange(max(1, len(xml)))], "ods-cut"


def mutate_sheet_package(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """An XLSX or ODS package: its entries dropped, duplicated, cut, or its XML parts damaged."""
    kind = rng.choice(
        ("part", "part", "part", "part", "drop", "dup", "entry_cut", "zip_flip", "truncate", "stored")
    )
    if kind == "zip_flip":
        return flip(rng, data), "xlsx-zip_flip"
    if kind == "truncate":
        return truncate(rng, data), "xlsx-truncate"
    entries = _entries(data)
    if entries is None:
        return flip(rng, data), "xlsx-flip-unzippable"
    named = [(i.filename, body) for i, body in entries]
    names = [n for n, _ in named]
    if kind == "drop":
        gone = rng.choice(names)
        return _zip([(n, b) for n, b in named if n != gone]), f"xlsx-drop:{gone}"
    if kind == "dup":
        twice = rng.choice(names)
        other = rng.choice(named)[1]  # the second copy holds another part's bytes, or its own
        return _zip(
            named + [(twice, other if rng.random() < 0.5 else dict(named)[twice])]
        ), f"xlsx-dup:{twice}"
    if kind == "entry_cut":
        cut = rng.choice(names)
        return _zip(
            [(n, b[: rng.randrange(max(1, len(b)))] if n == cut else b) for n, b in named]
        ), f"xlsx-entry_cut:{cut}"
    if kind == "stored":
        return _zip(named, stored=True), "xlsx-stored"
    # damage one XML part where it holds the workbook's content
    if "content.xml" in names:
        target, fn = "content.xml", _ods_content
    else:
        choices = [n for n in names if re.match(r"xl/worksheets/sheet\d+\.xml$", n)] * 3
        choices += ["xl/sharedStrings.xml"] * ("xl/sharedStrings.xml" in names) * 2
        choices += ["xl/workbook.xml"] * ("xl/workbook.xml" in names)
        if not choices:
            return flip(rng, data), "xlsx-flip-noparts"
        target = rng.choice(choices)
        fn = (
            _shared_strings
            if target.endswith("sharedStrings.xml")
            else _workbook_xml
            if target.endswith("workbook.xml")
            else _sheet_xml
        )
    out, how = [], ""
    for n, body in named:
        if n == target:
            xml, how = fn(rng, body.decode("utf-8", errors="replace"))
            body = xml.encode("utf-8")[:MAX_BYTES]
        out.append((n, body))
    return _zip(out), f"xlsx-{how}"


# ------------------------------------------------------------------------------------------------ HTML

ENTITIES = [
    "&#0;",
    "&#xD800;",
    "&#x110000;",
    "&#99999999999;",
    "&nbsp;" * 500,
    "&amp;lt;script&amp;gt;",
    "&bogus;",
    "&#x202E;",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#12288;" * 50,
    "&",
    "&#",
    "&#x;",
    "&#65279;",
]
HOSTILE_HTML = [
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">链接</a>',
    '<img src="file:///etc/passwd" onerror="alert(1)">',
    "<!--",
    "<![CDATA[",
    "<plaintext>",
    '<?xml version="1.0"?>',
    '<!DOCTYPE x [<!ENTITY a "b">]>',
    "</table>" * 5,
    "<td>",
    "<tr>",
    "</td></tr>",
    "<table>",
    '<td rowspan="1000" colspan="1000">跨</td>',
    '<td rowspan="-1" colspan="x">',
    "<style>",
    "</style>",
    "<title>",
    "<select>",
    "<textarea>",
    '<iframe src="http://example.invalid">',
    '<meta charset="big5">',
    '<meta http-equiv="Content-Type" content="text/html; charset=x-unknown">',
    "<p>年初预算数为" + "9" * 5000 + "万元</p>",
    "<p>自评得分为91.23分</p>",
]


def mutate_html(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """A web page (HTML or the HTML part of an MHT kept as it is): tags unclosed, nested deep, tables huge,
    entities, hostile markup, encodings that differ from what the page declares."""
    text = text_of(data)
    kind = rng.choice(
        ("unclose", "nest", "table", "span", "entity", "hostile", "encode", "flip", "truncate", "links")
    )
    if kind == "unclose":
        closers = list(
            re.finditer(r"</(td|tr|table|p|div|li|h\d|span|body|html|script|style|title)>", text, re.I)
        )
        drop = {m.start() for m in closers if rng.random() < rng.choice((0.1, 0.5, 1.0))}
        out, last = [], 0
        for m in closers:
            if m.start() in drop:
                out.append(text[last : m.start()])
                last = m.end()
        return ("".join(out) + text[last:]).encode("utf-8"), "html-unclose"
    if kind == "nest":
        tag = rng.choice(("div", "table><tr><td", "ul><li", "p", "span", "b", "h2", "blockquote"))
        depth = rng.choice((100, 1000, 50000))
        close = "".join(f"</{t.split()[0]}>" for t in reversed(tag.split("><")))
        inner = f"<{tag}>" * depth + "嵌套的文字" + (close * depth if rng.random() < 0.5 else "")
        at = rng.randrange(len(text) + 1)
        return (text[:at] + inner + text[at:]).encode("utf-8")[
            :MAX_BYTES
        ], f"html-nest:{tag.split('>')[0]}:{depth}"
    if kind == "table":
        rows, cols = rng.choice(((5000, 5), (100, 500), (20000, 2), (3, 3)))
        cell = rng.choice(("<td>100</td>", "<td>预算</td>", "<td></td>", "<td>95%</td>"))
        table = "<table>" + ("<tr>" + cell * cols + "</tr>") * rows + "</table>"
        at = rng.randrange(len(text) + 1)
        return (text[:at] + table[: MAX_BYTES // 2] + text[at:]).encode("utf-8"), f"html-table:{rows}x{cols}"
    if kind == "span":
        n = rng.choice((1, 10, 100))
        out = re.sub(
            r"<td\b",
            lambda _: (
                f'<td rowspan="{rng.choice(("1000", "0", "-5", "x", "2"))}" colspan="{rng.choice(("1000", "999999999", "3"))}"'
            ),
            text,
            count=n,
        )
        return out.encode("utf-8"), f"html-span:{n}"
    if kind == "entity":
        at = rng.randrange(len(text) + 1)
        return (text[:at] + rng.choice(ENTITIES) * rng.choice((1, 10, 1000)) + text[at:]).encode(
            "utf-8"
        ), "html-entity"
    if kind == "hostile":
        at = rng.randrange(len(text) + 1)
        return (text[:at] + rng.choice(HOSTILE_HTML) + text[at:]).encode("utf-8"), "html-hostile"
    if kind == "encode":
        enc = rng.choice(("gb18030", "utf-16", "utf-8-sig", "big5", "latin-1", "shift_jis", "utf-16-le"))
        declared = rng.choice(("utf-8", "gbk", "big5", "x-unknown", enc))
        text = re.sub(r"charset=[\w-]+", f"charset={declared}", text, flags=re.I)
        return text.encode(enc, errors="replace"), f"html-encode:{enc}/{declared}"
    if kind == "flip":
        return flip(rng, data), "html-flip"
    if kind == "truncate":
        return truncate(rng, data), "html-truncate"
    # a page with many links goes through readability's article finder
    links = "".join(f'<a href="/{k}.html">栏目{k}</a>' for k in range(rng.choice((10, 50, 3000))))
    at = text.find("<body")
    at = text.find(">", at) + 1 if at >= 0 else 0
    return (text[:at] + f"<nav>{links}</nav>" + text[at:]).encode("utf-8"), "html-links"


def mutate_mht(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """An MHT: its MIME headers (charset, boundary, transfer encoding) or its page's bytes."""
    kind = rng.choice(("header", "header", "body", "flip", "truncate"))
    if kind == "header":
        what = rng.choice(
            (
                (rb"charset=\"?[\w-]+\"?", b'charset="x-unknown"'),
                (rb"charset=\"?[\w-]+\"?", b'charset="utf-16"'),
                (rb"boundary=\"?[^\"\r\n;]+\"?", b'boundary=""'),
                (rb"Content-Transfer-Encoding: [\w-]+", b"Content-Transfer-Encoding: base64"),
                (rb"Content-Type: text/html", b"Content-Type: text/plain"),
            )
        )
        return re.sub(what[0], what[1], data, count=1), f"mht-header:{what[1][:20].decode()}"
    if kind == "body":
        at = data.find(b"\r\n\r\n", data.find(b"text/html"))
        if at > 0:
            head, body = data[: at + 4], data[at + 4 :]
            new, how = mutate_html(rng, body)
            return head + new, f"mht-{how}"
    if kind == "flip":
        return flip(rng, data), "mht-flip"
    return truncate(rng, data), "mht-truncate"


# ---------------------------------------------------------------------------------- OLE2 and images


def mutate_ole2(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """A legacy Office file (.xls/.et read by calamine and xlrd, .doc/.wps converted by LibreOffice): its
    sector allocation table, directory and streams damaged, sectors repeated, the file cut."""
    kind = rng.choice(("flip", "truncate", "fat", "dir", "header", "sector_dup"))
    b = bytearray(data)
    if kind == "flip":
        return flip(rng, data), "ole2-flip"
    if kind == "truncate":
        return truncate(rng, data), "ole2-truncate"
    if kind == "header" and len(b) >= 512:
        # sector shift, FAT count, first directory sector, mini-stream cutoff: what the rest follows
        at = rng.choice((30, 32, 44, 48, 56, 60, 64, 68, 72))
        b[at : at + 4] = rng.choice(
            (b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\xfe\xff\xff\xff", b"\x10\x00\x00\x00")
        )
        return bytes(b), f"ole2-header:{at}"
    if kind == "fat" and len(b) > 1024:
        # sector chains rewired: a chain that loops back on itself, or points past the end
        first_fat = int.from_bytes(b[76:80], "little")
        at = 512 + first_fat * 512
        if at + 512 <= len(b):
            for _ in range(rng.choice((1, 5, 50))):
                slot = at + 4 * rng.randrange(128)
                b[slot : slot + 4] = rng.choice((0, 1, 2, 0xFFFFFFFE, 0xFFFFFFFD, 10**6)).to_bytes(
                    4, "little"
                )
            return bytes(b), "ole2-fat"
    if kind == "dir" and len(b) > 1024:
        first_dir = int.from_bytes(b[48:52], "little")
        at = 512 + first_dir * 512
        if at + 512 <= len(b):
            entry = at + 128 * rng.randrange(4)
            field_at = entry + rng.choice((64, 66, 68, 72, 76, 116, 120))
            b[field_at : field_at + 4] = rng.choice(
                (b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x01\x00\x00\x00", b"\x00\x00\x00\x80")
            )
            return bytes(b), "ole2-dir"
    if kind == "sector_dup" and len(b) > 2048:
        s = rng.randrange(1, len(b) // 512)
        t = rng.randrange(1, len(b) // 512)
        b[t * 512 : t * 512 + 512] = b[s * 512 : s * 512 + 512]
        return bytes(b), "ole2-sector_dup"
    return flip(rng, data), "ole2-flip"


def mutate_image(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """An image for OCR: cut, bytes flipped (most become undecodable), or its header's size changed."""
    kind = rng.choice(("flip", "truncate", "size"))
    if kind == "size" and data.startswith(b"\x89PNG") and len(data) > 24:
        # the IHDR's width and height, huge or zero (the CRC then no longer matches)
        w = rng.choice((0, 1, 100000, 0x7FFFFFFF)).to_bytes(4, "big")
        h = rng.choice((0, 1, 100000, 0x7FFFFFFF)).to_bytes(4, "big")
        return data[:16] + w + h + data[24:], "image-size"
    if kind == "truncate":
        return truncate(rng, data), "image-truncate"
    return flip(rng, data, rng.choice((1, 3, 20))), "image-flip"
