"""Write the deliberately broken or awkward inputs that are not DOCX or PDF specific.

Run ``python scripts/make_bad.py``; files go to tests/data/bad/ and are committed. The large ones (a 5 MB
single line) are made by the tests themselves with :func:`write_long_line`, so the repository stays small.
DOCX and PDF specific bad files come from scripts/make_docx.py and scripts/make_pdf.py.
"""

from __future__ import annotations

import random
import re
import struct
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "bad"
SENTENCE = "该项目年初预算数662.77万元，全年执行数16.67万元，预算执行率为2.52%。\n"


def ole2(stream_name: str) -> bytes:
    """A minimal OLE2 compound file whose directory names one stream, as legacy Office files do."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = struct.pack("<H", 0x3E)  # minor version
    header[26:28] = struct.pack("<H", 3)  # major version 3: 512-byte sectors
    header[28:30] = b"\xfe\xff"  # little-endian
    header[30:32] = struct.pack("<H", 9)
    header[48:52] = struct.pack("<I", 0)  # first directory sector
    entry = bytearray(128)
    name = stream_name.encode("utf-16-le") + b"\x00\x00"
    entry[0 : len(name)] = name
    entry[64:66] = struct.pack("<H", len(name))
    entry[66] = 2  # stream
    return bytes(header) + bytes(entry) * 4


def write_long_line(path: Path, size: int = 5 * 1024 * 1024) -> Path:
    unit = SENTENCE.strip().encode("utf-8")
    path.write_bytes((unit * (size // len(unit) + 1))[:size].rsplit(b"\xe3", 1)[0])
    return path


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "empty.txt").write_bytes(b"")
    (out / "legacy.doc").write_bytes(ole2("WordDocument"))
    (out / "legacy.wps").write_bytes(ole2("WordDocument"))
    (out / "legacy.xls").write_bytes(ole2("Workbook"))
    (out / "encrypted_office.docx").write_bytes(ole2("EncryptedPackage"))
    # A zip whose end record declares a million entries: refused from the count, never listed.
    eocd = b"PK\x05\x06" + bytes(4) + (65535).to_bytes(2, "little") * 2 + bytes(10)
    (out / "many_entries.docx").write_bytes(b"PK\x03\x04" + bytes(26) + eocd)
    rng = random.Random(20261125)
    (out / "random.bin").write_bytes(bytes(rng.randrange(256) for _ in range(64 * 1024)))
    (out / "random_named.txt").write_bytes(bytes(rng.randrange(256) for _ in range(16 * 1024)))
    png = b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(512))
    (out / "image_named.docx").write_bytes(png)
    # Awkward but readable: these must parse, not fail.
    text = "一、基本情况\n" + SENTENCE + "二、评价结论\n自评得分为９１．２３分，等级为“优”。\n"
    (out / "gbk.txt").write_bytes(text.encode("gb18030"))
    (out / "utf16.txt").write_bytes(text.encode("utf-16"))
    (out / "utf8_bom_crlf.txt").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    html = (
        "<!DOCTYPE html><html><head><title>绩效自评报告</title><style>p{color:red}</style></head><body>"
        "<h2>一、基本情况</h2><p>该项目年初预算数662.77万元，全年执行数16.67万元，\n预算执行率为2.52%。</p>"
        "<table><tr><td rowspan=\"2\">产出指标</td><td>数量指标</td><td>≥2场</td></tr>"
        "<tr><td>质量指标</td><td>100%</td></tr></table><script>var x='<p>not text</p>';</script>"
        "</body></html>"
    )
    (out / "html_saved.txt").write_bytes(html.encode("utf-8"))
    reliability(out)
    print(f"wrote bad files to {out}", file=sys.stderr)


# -- what the fuzzer found (scripts/fuzz.py), each a regression test in tests/test_reliability.py ---------

ROOT = Path(__file__).resolve().parent.parent
_STAMP = (2026, 1, 1, 0, 0, 0)


def _report_text() -> str:
    return (ROOT / "corpus" / "000_a4cf6914c4e43683.txt").read_text(encoding="utf-8")


def _docx_with(transform) -> bytes:
    """The corpus DOCX with its document.xml passed through ``transform``, zipped reproducibly."""
    import io
    import zipfile

    src = zipfile.ZipFile(ROOT / "corpus" / "000_a4cf6914c4e43683.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/document.xml":
                body = transform(body.decode("utf-8")).encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=_STAMP)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


def _paragraph_added(xml: str, runs: str) -> str:
    """The document with one more paragraph of ``runs`` at the end of its body."""
    at = xml.rfind("<w:sectPr")
    at = at if at >= 0 else xml.rindex("</w:body>")
    return xml[:at] + f"<w:p>{runs}</w:p>" + xml[at:]


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF from its objects, with a correct xref table."""
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _cycle_pdf(parent_cycle: bool, draws: int = 1) -> bytes:
    """One page whose resources hold a form XObject that draws itself (or whose page tree is its own
    parent): a reference cycle that must be cut, not followed. A form that draws itself twice is one
    pdfium expands twice per level until memory runs out (found by the fuzzer)."""
    content = b"BT /F1 12 Tf 72 712 Td (Budget 662.77) Tj ET /X1 Do"
    form = b"/X1 Do " * draws + b"BT /F1 12 Tf 72 700 Td (Score 91.23) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1" + (b" /Parent 3 0 R" if parent_cycle else b"") + b" >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources 4 0 R /Contents 6 0 R >>",
        b"<< /Font << /F1 7 0 R >> /XObject << /X1 5 0 R >> >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources 4 0 R /Length %d >>\nstream\n" % len(form)
        + form + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_from_objects(objects)


def _zip_version(data: bytes, version: int) -> bytes:
    """The zip with every central directory entry claiming it needs zip ``version`` to extract."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        out[at + 6 : at + 8] = version.to_bytes(2, "little")
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def reliability(out: Path) -> None:
    text = _report_text()
    # a count of thousands of digits: int() refuses it (ValueError: Exceeds the limit (4300 digits)),
    # extraction crashed with E_INTERNAL on a readable report
    huge = "9" * 5000
    (out / "long_number.txt").write_bytes(
        (text + f"\n项目产出类指标由{huge}个三级指标构成，自评得分{huge}分，年初预算数为{huge}.5万元。\n").encode("utf-8")
    )
    (out / "long_number.docx").write_bytes(_docx_with(
        lambda xml: _paragraph_added(xml, f"<w:r><w:t>由{huge}个三级指标构成，得分{huge}分</w:t></w:r>")
    ))
    # a score of 100 digits glued to a dimension's (found by the fuzzer in a DOCX): a Decimal, but past the
    # 28 digits the checks compute with (decimal.InvalidOperation in quantize, the checks stopped)
    (out / "overlong_figure.txt").write_bytes(
        (text + "\n项目产出类指标权重为40分，实际得分" + "1" * 90 + "分，得分率为87.8%。\n").encode("utf-8")
    )
    # a w:sym whose char is a lone surrogate, and one past U+10FFFF
    (out / "surrogate_sym.docx").write_bytes(_docx_with(
        lambda xml: _paragraph_added(xml, '<w:r><w:t>符号</w:t></w:r><w:r><w:sym w:font="Symbol" w:char="D800"/></w:r>'
                                          '<w:r><w:sym w:font="" w:char="110000"/></w:r>')
    ))
    # two damaged bytes in a UTF-8 report: read, partial, with the lines named
    data = bytearray(text.encode("utf-8"))
    for at in (len(data) // 3, 2 * len(data) // 3):
        data[at] = 0xFF
    (out / "damaged_bytes.txt").write_bytes(bytes(data))
    # a zip entry claiming version 22.8 is needed (zipfile: NotImplementedError), found by the fuzzer
    (out / "zip_version.docx").write_bytes(_zip_version(_docx_with(lambda xml: xml), 228))
    (out / "xobject_cycle.pdf").write_bytes(_cycle_pdf(parent_cycle=False))
    (out / "parent_cycle.pdf").write_bytes(_cycle_pdf(parent_cycle=True))
    # files a native library dies on: read only through the worker path (tests/test_run.py), never in the
    # test process, and not a seed of the fuzzer (every mutant would cost a worker)
    native = out.parent / "native"
    native.mkdir(exist_ok=True)
    (native / "xobject_twice.pdf").write_bytes(_cycle_pdf(parent_cycle=False, draws=2))
    # text that must stay text in every output: markup, script, links to javascript: and file:, formulas
    hostile = (
        "一、基本情况\n<script>alert('x')</script>该项目年初预算数662.77万元，全年执行数16.67万元。\n"
        '<a href="javascript:alert(1)">点击查看</a> <a href="file:///etc/passwd">附件</a>\n'
        "=HYPERLINK(\"http://example.invalid\",\"报告\")\n+1+1\n@SUM(A1)\n-2+3\n"
        "二、评价结论\n自评得分为91.23分，等级为“优”。\n"
    )
    (out / "hostile_text.txt").write_bytes(hostile.encode("utf-8"))
    # relationships to a URL, to file:, and out of the package: none followed
    rels = (
        '<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
        'Target="javascript:alert(1)" TargetMode="External"/>'
        '<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        'Target="http://example.invalid/x.png" TargetMode="External"/>'
        '<Relationship Id="rIdX3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="file:///etc/passwd"/>'
    )
    (out / "external_rels.docx").write_bytes(_rels_added(_docx_with(lambda xml: xml), rels))
    sheets_and_pages(out)


def _rels_added(data: bytes, extra: str) -> bytes:
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith(".rels"):
                body = body.replace(b"</Relationships>", extra.encode() + b"</Relationships>")
            fixed = zipfile.ZipInfo(info.filename, date_time=_STAMP)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


# -- spreadsheets and web pages: what the fuzzer's XLSX, ODS, BIFF and HTML mutations found ------------------

FORMATS = ROOT / "tests" / "data" / "formats"
WORKBOOK = FORMATS / "001_自评表.xlsx"  # sheets: 自评表 (sheet1), 综合评分表, 指标 (sheet3), 填表说明 (hidden)


def _xlsx_with(changes: dict[str, object]) -> bytes:
    """The seed workbook with some parts passed through a function of their text, zipped reproducibly."""
    import io
    import zipfile

    src = zipfile.ZipFile(WORKBOOK)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename in changes:
                body = changes[info.filename](body.decode("utf-8")).encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=_STAMP)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


def _biff_with(path: Path, change) -> bytes:
    """A legacy workbook with ``change(kind, body) -> body or None`` applied to each record of its
    Workbook stream (same lengths, so the OLE2 container stays as it was)."""
    import shutil
    import tempfile

    import olefile

    with olefile.OleFileIO(path) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
    pos = 0
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        new = change(kind, bytes(stream[pos + 4 : pos + 4 + size]))
        if new is not None:
            stream[pos + 4 : pos + 4 + size] = new
        pos += 4 + size
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        shutil.copy(path, copy)
        with olefile.OleFileIO(str(copy), write_mode=True) as ole:
            ole.write_stream("Workbook", bytes(stream))
        return copy.read_bytes()


def _fat_loop(data: bytes) -> bytes:
    """The OLE2 file with its directory's sector chain pointing back at its own first sector."""
    out = bytearray(data)
    first_fat, first_dir = struct.unpack_from("<I", out, 76)[0], struct.unpack_from("<I", out, 48)[0]
    struct.pack_into("<I", out, 512 + first_fat * 512 + 4 * first_dir, first_dir)
    return bytes(out)


def sheets_and_pages(out: Path) -> None:
    # a value in row 99,999,999,999 of the 指标 sheet: calamine lays a sheet out from A1 to its farthest
    # cell, asked for 2.4 TB and aborted the worker (E_INTERNAL); now that sheet is left out, with a warning
    far = '<row r="99999999999"><c r="A99999999999" t="inlineStr"><is><t>远处</t></is></c></row>'
    (out / "far_cell.xlsx").write_bytes(_xlsx_with({"xl/worksheets/sheet3.xml": lambda xml: xml.replace("</sheetData>", far + "</sheetData>")}))
    # numbers no float or 28-digit Decimal holds: 1E+309 is inf, 1E+300 formatted as a percentage;
    # decimal.InvalidOperation in cell_text (found as an ODS office:value="1E+400"), E_INTERNAL
    huge = {"C8": "1E+309", "D8": "1E+300"}
    (out / "huge_numbers.xlsx").write_bytes(_xlsx_with({"xl/worksheets/sheet1.xml": lambda xml: re.sub(
        r'<c r="([CD]8)" s="0" t="n"><v>0</v></c>', lambda m: f'<c r="{m.group(1)}" s="5" t="n"><v>{huge[m.group(1)]}</v></c>', xml)}))
    # a merged range over the whole sheet: openpyxl makes an object for each of its 17 billion cells and
    # never returned (the fuzz campaign's worker died at the time limit, E_INTERNAL)
    (out / "huge_merge.xlsx").write_bytes(_xlsx_with({"xl/worksheets/sheet1.xml": lambda xml: xml.replace(
        '<mergeCell ref="A1:H1"/>', '<mergeCell ref="A1:H1"/><mergeCell ref="A20:XFD1048576"/>')}))
    # shared strings claiming 99,999,999,999 entries: calamine reserved 2.4 TB for them and aborted (found
    # by the release campaign, seed 944574915)
    (out / "sst_count.xlsx").write_bytes(_xlsx_with({"xl/sharedStrings.xml": lambda xml: re.sub(
        r'uniqueCount="\d+"', 'uniqueCount="99999999999"', xml)}))
    xls = FORMATS / "001_自评表.xls"
    # the directory's sector chain looping back on itself: calamine gathered sectors until 24 GB, the
    # kernel killed the process
    (out / "fat_loop.xls").write_bytes(_fat_loop(xls.read_bytes()))
    # a DIMENSIONS record with its rows the wrong way round: calamine reserved petabytes and aborted
    (out / "dimensions.xls").write_bytes(_biff_with(xls, lambda kind, body: struct.pack("<IIHH", 5, 4, 0, 8) + body[12:] if kind == 0x0200 else None))
    # an .et cut short: calamine's OLE2 reader panics (pyo3 PanicException, a BaseException), E_INTERNAL
    (out / "truncated.et").write_bytes((FORMATS / "001_自评表.et").read_bytes()[:10498])
    # cell formats naming colour 0x5c: xlrd reported it on stdout, into `jixiao parse`'s JSON Lines
    (out / "odd_colours.xls").write_bytes(_biff_with(xls, lambda kind, body: body[:18] + struct.pack("<H", 0x5C | 0x5C << 7) if kind == 0x00E0 and len(body) == 20 else None))
    # a page whose table cells all claim rowspan="1000" colspan="1000": 100 million grid positions, 23 s
    cells = "".join(f'<td rowspan="1000" colspan="1000">{k}</td>' for k in range(100))
    page = (
        "<html><head><meta charset=\"utf-8\"><title>绩效自评报告</title></head><body><h2>一、基本情况</h2>"
        "<p>该项目年初预算数662.77万元，全年执行数16.67万元，预算执行率为2.52%。</p>"
        f"<table><tr><td>项目</td><td>金额</td></tr><tr>{cells}</tr><tr><td>合计</td><td>662.77</td></tr></table>"
        "</body></html>"
    )
    (out / "spans.html").write_bytes(page.encode("utf-8"))
    # a report saved as a web page, cut short before its score table's </table> (the government page's
    # table): the table, never closed, was dropped without a word, the dimension scores with it
    gov = (FORMATS / "001_gov.html").read_text(encoding="utf-8")
    start = gov.index("<table")
    cut = (
        "<html><head><meta charset=\"utf-8\"><title>绩效自评报告</title></head><body><h2>三、综合评价结论</h2>"
        "<p>该项目年初预算数662.77万元，全年执行数16.67万元，预算执行率为2.52%。</p>" + gov[start : gov.index("</table>", start)]
    )
    (out / "unclosed_table.html").write_bytes(cut.encode("utf-8"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
