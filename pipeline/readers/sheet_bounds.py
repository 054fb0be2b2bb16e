"""How far a workbook's sheets reach, and what else it declares that calamine trusts, read from the file's
own records before any library lays them out.

python-calamine holds a sheet as a dense grid from A1 to its farthest cell, and it sizes buffers by what a
legacy workbook's DIMENSIONS record claims. One damaged cell address (a row of 99,999,999,999, a cell in
XFD1048576, a BIFF column of 65,535) or one lying DIMENSIONS record asks for gigabytes to terabytes: the
allocation fails inside Rust and aborts the whole process, which no ``except`` can catch. So the reader
measures each sheet first, from the XML of an .xlsx worksheet or the cell records of an .xls stream, and
never hands calamine a sheet larger than :data:`MAX_SHEET_CELLS`. Likewise the shared strings: calamine
reserves room for as many as ``uniqueCount`` claims (24 bytes each) before it reads one.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import struct
import zipfile

# A sheet of 100,000 rows by 40 columns. A 自评表 is tens of rows by tens of columns; beyond this a sheet
# is a data dump or a damaged address, and reading it would cost hundreds of megabytes and seconds.
MAX_SHEET_CELLS = 4_000_000
BIFF8_CELLS = 65536 * 256  # the whole grid of a legacy sheet: anything past it is a damaged record

# Worksheet XML: a row or cell start tag (any namespace prefix), its attributes, and whether it closes itself.
_ROW_OR_CELL = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*?)(/?)>")
_REF_ATTR = re.compile(rb'\br="([A-Za-z]{0,3})(\d{0,12})"')  # r="C6" on a cell, r="6" on a row
_SHEET = re.compile(r"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_REL = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)/?>")
_WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml$", re.I)


def grid_cells(rows: int, cols: int) -> int:
    """Cells of the grid calamine builds for a sheet whose farthest cell is at 0-based (rows-1, cols-1)."""
    return rows * cols


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def worksheet_grid(xml: bytes) -> int:
    """The cells from A1 to the farthest cell holding anything, of one worksheet's XML.

    A cell without an address follows the one before it; a row without a number follows the row before.

    >>> worksheet_grid(b'<sheetData><row r="2"><c r="C2"><v>1</v></c><c/></row></sheetData>')
    6
    >>> worksheet_grid(b'<row r="1"><c r="A1"><v>1</v></c></row><row r="99999999999"><c><v>2</v></c></row>')
    99999999999
    """
    row = col = 0
    far_row = far_col = 0
    for m in _ROW_OR_CELL.finditer(xml):
        ref = _REF_ATTR.search(m.group(2))
        if m.group(1) == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            col = 0
            continue
        if ref and ref.group(1) and ref.group(2):
            col, row = _column(ref.group(1)), int(ref.group(2))
        else:
            col += 1
        if not m.group(3):  # <c …/> holds nothing: calamine leaves no cell for it
            far_row, far_col = max(far_row, row), max(far_col, col)
    return grid_cells(far_row, far_col)


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3})(\d{1,12})(?::([A-Za-z]{1,3})(\d{1,12}))?"')
_MERGE_BLOCK = re.compile(rb"<(?:\w+:)?mergeCells\b(?:[^>]*/>|.*?</(?:\w+:)?mergeCells>)", re.S)


def merged_cells(xml: bytes) -> int:
    """The cells the merged ranges of one worksheet's XML cover, counted with repeats (openpyxl makes an
    object for each).

    >>> merged_cells(b'<mergeCells count="2"><mergeCell ref="B7:D7"/><mergeCell ref="A1:XFD1048576"/></mergeCells>')
    17179869187
    """
    total = 0
    for m in _MERGE_REF.finditer(xml):
        a, b = (_column(m.group(1)), int(m.group(2))), (_column(m.group(3) or m.group(1)), int(m.group(4) or m.group(2)))
        total += (abs(b[0] - a[0]) + 1) * (abs(b[1] - a[1]) + 1)
    return total


def without_huge_merges(data: bytes) -> tuple[bytes, list[str]]:
    """The .xlsx with the merged ranges of every worksheet whose merges cover more than MAX_SHEET_CELLS
    cells taken out (openpyxl lays a merge out cell by cell: "A1:XFD1048576" never ends), and the parts
    changed; the bytes unchanged when no worksheet has such merges."""
    z = zipfile.ZipFile(io.BytesIO(data))
    huge = [
        info.filename for info in z.infolist()
        if _WORKSHEET_PART.match(info.filename) and info.file_size and merged_cells(z.read(info)) > MAX_SHEET_CELLS
    ]
    if not huge:
        return data, []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            body = z.read(info)
            w.writestr(info.filename, _MERGE_BLOCK.sub(b"", body) if info.filename in huge else body)
    return out.getvalue(), huge


_UNIQUE_COUNT = re.compile(rb"<(?:\w+:)?sst\b[^>]*?\buniqueCount=\"(\d+)\"")
_STRING_ITEM = re.compile(rb"<(?:\w+:)?si\b")


def shared_strings_lie(xml: bytes) -> int | None:
    """The ``uniqueCount`` of a sharedStrings part when it claims far more strings than the part holds
    (Excel writes the exact number), else None.

    >>> shared_strings_lie(b'<sst uniqueCount="2"><si><t>a</t></si><si><t>b</t></si></sst>') is None
    True
    >>> shared_strings_lie(b'<sst count="3" uniqueCount="99999999999"><si><t>a</t></si></sst>')
    99999999999
    """
    m = _UNIQUE_COUNT.search(xml[:4096])
    if not m:
        return None
    declared = int(m.group(1))
    return declared if declared > 2 * len(_STRING_ITEM.findall(xml)) + 10_000 else None


def xlsx_oversized(data: bytes) -> tuple[dict[str, int], dict[str, int]]:
    """The worksheets of an .xlsx whose grid is over the limit: (sheet name -> cells) for those the
    workbook names, and (part -> cells) for worksheet parts no sheet entry leads to, which calamine may
    still find by another way of resolving a relationship."""
    z = zipfile.ZipFile(io.BytesIO(data))
    grids: dict[str, int] = {}

    def grid(part: str) -> int:
        if part not in grids:
            grids[part] = worksheet_grid(z.read(part)) if z.getinfo(part).file_size else 0
        return grids[part]

    names = set(z.namelist())
    try:
        book = z.read("xl/workbook.xml").decode("utf-8", errors="replace")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
    except KeyError:
        book = rels = ""  # calamine refuses a workbook without them; the parts are measured all the same
    targets = {}
    for m in _REL.finditer(rels):
        attrs = dict(_ATTR.findall(m.group(1)))
        if "Id" in attrs and "Target" in attrs:
            target = attrs["Target"]
            targets[attrs["Id"]] = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
    named, seen = {}, set()
    for m in _SHEET.finditer(book):
        attrs = dict(_ATTR.findall(m.group(1)))
        part = targets.get(attrs.get("r:id", ""))
        if part in names:
            seen.add(part)
            if grid(part) > MAX_SHEET_CELLS:
                named[html.unescape(attrs.get("name", ""))] = grid(part)
    unnamed = {
        part: grid(part)
        for part in sorted(names - seen)
        if _WORKSHEET_PART.match(part) and grid(part) > MAX_SHEET_CELLS
    }
    return named, unnamed


# BIFF records: the sheet's DIMENSIONS, and the records that put a value in a cell (row and column first).
_BOF, _DIMENSIONS, _MULRK = 0x0809, 0x0200, 0x00BD
_VALUE_RECORDS = {0x00FD, 0x0203, 0x027E, 0x0006, 0x0204, 0x0205, 0x00D6}  # blanks: calamine keeps no cell


def biff_oversized(stream: bytes) -> int:
    """The largest grid a legacy workbook's Workbook stream asks for: the sheets' DIMENSIONS records and
    their farthest value cells. Damaged records end the walk; what was read by then counts.

    >>> dims = struct.pack("<HHIIHHH", 0x0200, 14, 0, 0xFFFFFFFF, 0, 0xFFFF, 0)
    >>> biff_oversized(dims) > MAX_SHEET_CELLS
    True
    >>> biff_oversized(struct.pack("<HHIIHHH", 0x0200, 14, 5, 4, 0, 3, 0)) > BIFF8_CELLS  # bounds reversed
    True
    """
    worst = 0
    far_row = far_col = 0
    pos = 0
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if kind == _BOF:
            worst = max(worst, grid_cells(far_row + 1, far_col + 1))
            far_row = far_col = 0
        elif kind == _DIMENSIONS and len(body) >= 8:
            # BIFF8: 32-bit rows; BIFF5/7: 16-bit. Bounds the wrong way round wrap around in calamine's
            # unsigned arithmetic: a grid of billions of rows.
            layout = "<IIHH" if len(body) >= 12 else "<HHHH"
            first_row, last_row, first_col, last_col = struct.unpack_from(layout, body)
            if last_row < first_row or last_col < first_col:
                return 1 << 48
            worst = max(worst, grid_cells(last_row - first_row + 1, last_col - first_col + 1))
        elif (kind in _VALUE_RECORDS or kind == _MULRK) and len(body) >= 4:
            row, col = struct.unpack_from("<HH", body)
            if kind == _MULRK and len(body) >= 6:
                col = max(col, struct.unpack_from("<H", body, len(body) - 2)[0])
            far_row, far_col = max(far_row, row), max(far_col, col)
    return max(worst, grid_cells(far_row + 1, far_col + 1))
