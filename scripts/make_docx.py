"""Build the DOCX fixtures: the two seed reports as Word documents, and hostile or odd DOCX files.

Run from anywhere: ``python scripts/make_docx.py``. It rewrites every file it owns, byte for byte the same
each run (zip timestamps are pinned), so it is safe to re-run.

The seed DOCX keep every line of the seed text, in order, one paragraph per line (blank lines become empty
paragraphs, as a typist's blank lines do): title lines in the Title style, "一、" lines in Heading 1,
"（一）" lines in Heading 2. The tables of seed_tables.py go in after the paragraph each is anchored to,
with merged cells made by python-docx's cell.merge, so the XML holds real gridSpan/vMerge markup.
"""

from __future__ import annotations

import io
import re
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import docx
from docx.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
import seed_tables as st

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BAD = ROOT / "tests" / "data" / "bad"
SEED000 = "000_a4cf6914c4e43683"
SEED001 = "001_5c147244ac7a2061"

_STAMP = (2024, 1, 1, 0, 0, 0)
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_HEADING1 = re.compile(r"^\s*[一二三四五六七八九十]+、")
_HEADING2 = re.compile(r"^\s*（[一二三四五六七八九十]+）")
_HEADING_MAX_CHARS = 40  # a numbered line longer than this is body text that starts with a number

BOMB_INFLATED = 1_100_000_000  # > 1 GiB of document.xml from about 1 MB of deflate
LYING_DECLARED = 100_000  # what bomb_lying.docx claims its document.xml inflates to


def seed_lines(name: str) -> list[str]:
    text = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the file's final newline ends the last line; it is not a line of its own
    return lines


def line_style(line: str) -> str | None:
    if len(line.strip()) > _HEADING_MAX_CHARS:
        return None
    if _HEADING1.match(line):
        return "Heading 1"
    if _HEADING2.match(line):
        return "Heading 2"
    return None


def add_table(document: docx.document.Document, rows: list[list[st.Cell]]) -> Table:
    grid = st.grid(rows)
    table = document.add_table(rows=len(grid), cols=len(grid[0]))
    table.style = "Table Grid"
    # Re-walk the rows to find each cell's top-left grid position, as seed_tables.grid() lays them.
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        col = 0
        for text, rowspan, colspan in row:
            while (r, col) in covered:
                col += 1
            cell = table.cell(r, col)
            if rowspan > 1 or colspan > 1:
                cell = cell.merge(table.cell(r + rowspan - 1, col + colspan - 1))
            cell.text = text
            for dr in range(rowspan):
                for dc in range(colspan):
                    covered.add((r + dr, col + dc))
            col += colspan
    return table


def build_seed(
    lines: list[str], title_lines: int, extra_title: str | None, tables: list[tuple[str, list[list[st.Cell]]]]
) -> docx.document.Document:
    """``title_lines`` leading seed lines are the title; ``tables`` are (anchor prefix, rows)."""
    document = docx.Document()
    if extra_title is not None:
        document.add_paragraph(extra_title, style="Title")
    pending = list(tables)
    for i, line in enumerate(lines):
        if i < title_lines:
            document.add_paragraph(line, style="Title" if line.strip() else None)
        else:
            document.add_paragraph(line, style=line_style(line))
        for anchor, rows in [t for t in pending if line.strip().startswith(t[0])]:
            add_table(document, rows)
            pending.remove((anchor, rows))
    if pending:
        raise SystemExit(f"table anchors not found: {[a for a, _ in pending]}")
    return document


def pinned(blob: bytes) -> bytes:
    """The same package with fixed zip timestamps, so re-running the script changes no bytes."""
    src = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_STAMP)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def saved(document: docx.document.Document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return pinned(buf.getvalue())


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")


def with_document_xml(base: bytes, document_xml: bytes) -> bytes:
    """A copy of the package ``base`` whose word/document.xml is replaced."""
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_STAMP)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = document_xml if info.filename == "word/document.xml" else src.read(info.filename)
            dst.writestr(fixed, data)
    return out.getvalue()


def small_base() -> bytes:
    document = docx.Document()
    document.add_paragraph("占位")
    return saved(document)


def xxe_xml() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        f'<w:document xmlns:w="{_W_NS}"><w:body>'
        "<w:p><w:r><w:t>一、基本情况 &xxe;</w:t></w:r></w:p>"
        "</w:body></w:document>"
    ).encode()


def billion_laughs_xml() -> bytes:
    entities = ['<!ENTITY lol "lol">']
    entities += [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!DOCTYPE w:document [{''.join(entities)}]>\n"
        f'<w:document xmlns:w="{_W_NS}"><w:body>'
        "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>"
        "</w:body></w:document>"
    ).encode()


_BOMB_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:document xmlns:w="{_W_NS}"><w:body><w:p><w:r><w:t>'
).encode()
_BOMB_TAIL = b"</w:t></w:r></w:p></w:body></w:document>"
_BOMB_FILL = b"A"


def bomb(base: bytes) -> bytes:
    """The small package with a document.xml of BOMB_INFLATED bytes, written in chunks to stay low-memory."""
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    chunk = _BOMB_FILL * (1 << 20)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_STAMP)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            if info.filename != "word/document.xml":
                dst.writestr(fixed, src.read(info.filename))
                continue
            with dst.open(fixed, "w") as fh:
                fh.write(_BOMB_HEAD)
                left = BOMB_INFLATED - len(_BOMB_HEAD) - len(_BOMB_TAIL)
                while left > 0:
                    n = min(left, len(chunk))
                    fh.write(chunk[:n])
                    left -= n
                fh.write(_BOMB_TAIL)
    return out.getvalue()


def lying(bomb_bytes: bytes) -> bytes:
    """The bomb with document.xml's size fields rewritten to LYING_DECLARED in both headers.

    The CRC is patched to that of the first LYING_DECLARED inflated bytes, so a reader that trusts the
    declared size sees a consistent (if truncated) part and nothing flags the lie but inflating past it.
    """
    data = bytearray(bomb_bytes)
    info = zipfile.ZipFile(io.BytesIO(bomb_bytes)).getinfo("word/document.xml")
    prefix = (_BOMB_HEAD + _BOMB_FILL * LYING_DECLARED)[:LYING_DECLARED]
    crc = zlib.crc32(prefix)
    local = info.header_offset
    if data[local : local + 4] != b"PK\x03\x04" or info.flag_bits & 0x08:
        raise SystemExit("unexpected local header layout for the bomb")
    struct.pack_into("<I", data, local + 14, crc)
    struct.pack_into("<I", data, local + 22, LYING_DECLARED)
    name = info.filename.encode()
    central = data.find(b"PK\x01\x02", local + info.compress_size)
    while central >= 0:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<I", data, central + 16, crc)
            struct.pack_into("<I", data, central + 24, LYING_DECLARED)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    else:
        raise SystemExit("central directory entry for word/document.xml not found")
    patched = bytes(data)
    # A trusting reader must see exactly the declared bytes, with a matching CRC: the lie is consistent.
    # Read in chunks: ZipExtFile.read() with no size inflates the whole stream before it truncates.
    got = bytearray()
    with zipfile.ZipFile(io.BytesIO(patched)).open("word/document.xml") as fh:
        while chunk := fh.read(1 << 16):
            got += chunk
    if bytes(got) != prefix:
        raise SystemExit("bomb_lying.docx does not read back as a consistent lie")
    return patched


def nested_tables() -> bytes:
    document = docx.Document()
    document.add_paragraph("嵌套表格测试", style="Title")
    document.add_paragraph("外层表格之前的段落。")
    outer = document.add_table(rows=2, cols=2)
    outer.style = "Table Grid"
    outer.cell(0, 0).text = "项目名称"
    outer.cell(0, 1).text = "国有企业退休人员社会化管理补助资金"
    outer.cell(1, 0).text = "绩效指标"
    host = outer.cell(1, 1)
    host.text = "外层单元格文字"
    inner = host.add_table(rows=2, cols=2)
    inner.style = "Table Grid"
    for r, row in enumerate([["指标", "指标值"], ["满意度", "≧95%"]]):
        for c, text in enumerate(row):
            inner.cell(r, c).text = text
    document.add_paragraph("两个表格之间的段落。")
    merged = document.add_table(rows=4, cols=4)
    merged.style = "Table Grid"
    for r in range(4):
        for c in range(4):
            merged.cell(r, c).text = f"R{r}C{c}"
    block = merged.cell(1, 1).merge(merged.cell(2, 2))  # two rows by two columns
    block.text = "合并单元格"
    document.add_paragraph("表格之后的段落。")
    return saved(document)


def main() -> None:
    lines000 = seed_lines(SEED000)
    first_heading = next(i for i, line in enumerate(lines000) if line_style(line))
    doc000 = build_seed(lines000, first_heading, None, [(st.SEED000_FUNDS_AFTER, st.SEED000_FUNDS)])
    seed000 = saved(doc000)
    write(CORPUS / f"{SEED000}.docx", seed000)

    lines001 = seed_lines(SEED001)
    tables001 = [
        (st.SEED001_SCORES_AFTER, st.SEED001_SCORES),
        (st.SEED001_INDICATORS_AFTER, st.SEED001_INDICATORS),
    ]
    seed001 = saved(build_seed(lines001, 0, st.SEED001_TITLE, tables001))
    write(CORPUS / f"{SEED001}.docx", seed001)

    base = small_base()
    write(BAD / "corrupt_zip.docx", seed001[: len(seed001) // 2])
    write(BAD / "xxe.docx", with_document_xml(base, xxe_xml()))
    write(BAD / "billion_laughs.docx", with_document_xml(base, billion_laughs_xml()))
    bomb_bytes = bomb(base)
    write(BAD / "bomb.docx", bomb_bytes)
    write(BAD / "bomb_lying.docx", lying(bomb_bytes))
    text = "\n".join(lines000[:30]) + "\n"
    write(BAD / "text_named.docx", text.encode("utf-8"))
    write(BAD / "nested_tables.docx", nested_tables())


if __name__ == "__main__":
    main()
