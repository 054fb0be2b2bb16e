"""Spreadsheets (.xlsx/.xlsm, .xls, WPS .et, .ods): every sheet read into blocks that know their cells.

The 自评表 is often submitted as the workbook itself. Each sheet, in workbook order, becomes:

- a paragraph for each line above its table that holds one cell only (the form's title, 填报单位, the year),
  located by its cell: ``{"sheet": "自评表", "cell": "A1"}``;
- a table block for each run of rows separated by an empty row, a merged cell once with its span, every
  cell carrying its address (``ref``: "C6"); the block's ``loc`` is ``{"sheet": ..., "range": "A3:H30"}``.

Values come from python-calamine, which is fast and reads all three formats; a formula is read by the value
the file cached when it was last saved. What calamine does not give is read where the format keeps it:
number formats and merged cells from openpyxl (xlsx) and xlrd (xls/et), spans and percentage cells from the
ODS content.xml. Numbers are written as the cell holds them (662.77 stays 662.77, never 662.7700000001),
a percentage cell as Excel shows it (0.0252 formatted ``0.00%`` is 2.52%), dates as ISO dates. Hidden
sheets are read too and are marked ``"hidden": true`` in their blocks' loc and in ``Document.sheets``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import olefile

from pipeline.document import Document
from pipeline.errors import ReadError
from pipeline.limits import Limits
from pipeline.readers import sheet_bounds

Merge = tuple[int, int, int, int]  # first row, first col, last row, last col (0-based, inclusive)

# The label of the cell that names the form's project, in the national and provincial forms.
PROJECT_LABELS = {"项目名称", "项目名称：", "项目名称:"}
# A number format's percent section: digits after the point before the % sign ("0.00%" -> 2 places).
_PERCENT_FORMAT = re.compile(r"^[^;\"]*?0(?:\.(0+))?\s*%")
# A %-formatted cell is shown as a percentage while it fits the decimal context's precision (28 digits);
# a larger number is a damaged cell, shown in plain digits rather than rounded.
_PERCENT_DIGITS = 20
_PERCENT_PLACES = 6  # decimals shown after the %: a format asking for hundreds is damaged


@dataclass
class Sheet:
    name: str
    hidden: bool
    values: list[list[object]]  # rows of calamine values from A1
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # number format of numeric cells
    shown: dict[tuple[int, int], str] = field(default_factory=dict)  # text to show instead of the value
    merges: list[Merge] = field(default_factory=list)
    formulas: set[tuple[int, int]] = field(default_factory=set)  # cells holding a formula


def address(row: int, col: int) -> str:
    """A1-style address of a 0-based (row, col).

    >>> address(0, 0), address(5, 2), address(9, 26), address(0, 701)
    ('A1', 'C6', 'AA10', 'ZZ1')
    """
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def cell_text(value: object, number_format: str | None = None) -> str:
    """A cell's value as the auditor reads it: numbers as held, percentages as shown, dates as ISO.

    >>> cell_text(662.77), cell_text(151.0), cell_text(6627700.0, "#,##0.00")
    ('662.77', '151', '6627700')
    >>> cell_text(0.0252, "0.00%"), cell_text(0.02515142, "0.00%"), cell_text(1, "0%")
    ('2.52%', '2.52%', '100%')
    >>> cell_text(dt.date(2023, 12, 31)), cell_text(dt.datetime(2023, 12, 31, 0, 0)), cell_text(True)
    ('2023-12-31', '2023-12-31', 'TRUE')
    >>> cell_text("  项目名称 "), cell_text(None), cell_text(-0.5, "0.0%")
    ('项目名称', '', '-50.0%')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        number = _decimal(value)
        if number is None:
            return str(value)
        m = _PERCENT_FORMAT.match(number_format or "")
        if m and number.adjusted() < _PERCENT_DIGITS:
            places = Decimal(1).scaleb(-min(len(m.group(1) or ""), _PERCENT_PLACES))
            return f"{(number * 100).quantize(places, rounding=ROUND_HALF_UP)}%"
        return _plain(number)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip()


def _decimal(value: int | float) -> Decimal | None:
    """The cell's number as a Decimal, or None for inf and nan (a damaged cell: shown as calamine gives it).

    >>> _decimal(662.77), _decimal(float("inf")), _decimal(float("nan"))
    (Decimal('662.77'), None, None)
    """
    try:
        # repr is the shortest text that reads back as the same float: 662.77, not 662.7699999999999
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _plain(number: Decimal) -> str:
    """A number in plain digits, never in exponent form; no rounding, so no precision to run out of.

    >>> _plain(Decimal("151.0")), _plain(Decimal("1E+20")), _plain(Decimal("-0.50"))
    ('151', '100000000000000000000', '-0.5')
    """
    if number == number.to_integral_value():
        return format(number.to_integral_value(), "f")
    return format(number.normalize(), "f")


# --- reading the workbook -------------------------------------------------------------------------------


def read(data: bytes, path: str, limits: Limits, kind: str) -> Document:
    """``kind``: xlsx (also xlsm), xls (also WPS .et) or ods, as sniffed from the bytes."""
    if kind in ("xlsx", "ods"):
        _check_zip(data, limits)
    too_large = _too_large_sheets(data, kind)
    sheets = _calamine(data, kind, skip=set(too_large))
    if not sheets and too_large:
        raise ReadError("E_TOO_LARGE", f"every sheet reaches past {sheet_bounds.MAX_SHEET_CELLS} cells: {too_large}")
    dropped: list[str] = []
    try:
        if kind == "xlsx":
            layout_data, dropped = sheet_bounds.without_huge_merges(data)
            _openpyxl_layout(layout_data, sheets)
        elif kind == "xls":
            _xlrd_layout(data, sheets)
        else:
            _ods_layout(data, sheets)
    except (ReadError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - the values were read; a layout the library chokes on is lost
        raise ReadError("E_SHEET_CORRUPT", f"formats and merged cells unreadable: {type(exc).__name__}: {exc}")
    doc = Document(path=path, format=kind, sheets=[])
    if dropped:
        doc.warnings.append(
            {
                "code": "W_SHEET_MERGES_TOO_LARGE",
                "message": f"工作表的合并单元格范围过大（超过{sheet_bounds.MAX_SHEET_CELLS}个单元格），合并信息未采用，单元格内容照常读取；"
                f"表格的跨行跨列关系可能不准，请在Excel/WPS中取消异常的合并后另存再提交（merged ranges ignored: {', '.join(dropped)}）",
            }
        )
    if too_large:
        names = "、".join(too_large)
        doc.warnings.append(
            {
                "code": "W_SHEET_TOO_LARGE",
                "message": f"工作表{names}的单元格范围过大（超过{sheet_bounds.MAX_SHEET_CELLS}个单元格，可能有误填在远处的单元格），"
                f"未读取；请在Excel/WPS中删除多余的行列后另存再提交（sheets not read, grid too large: {too_large}）",
            }
        )
    no_value: list[str] = []
    for sheet in sheets:
        rng = _sheet_blocks(doc, sheet)
        doc.sheets.append({"name": sheet.name, "hidden": sheet.hidden, "range": rng})
        no_value += [
            f"{sheet.name}!{address(r, c)}"
            for r, c in sorted(sheet.formulas)
            if r >= len(sheet.values) or c >= len(sheet.values[r]) or sheet.values[r][c] in ("", None)
        ]
    if no_value:
        cells = "、".join(no_value[:10]) + ("等" if len(no_value) > 10 else "")
        doc.warnings.append(
            {
                "code": "W_SHEET_FORMULA_NO_VALUE",
                "message": f"{cells}的公式没有保存计算结果，这些单元格按空白读取，请在Excel/WPS中打开并保存后再提交"
                f"（formulas without a cached value read as empty: {len(no_value)} cells）",
            }
        )
    if not any(b.raw.strip() for b in doc.blocks):
        raise ReadError("E_NO_TEXT", "every sheet of the workbook is empty")
    groups = project_sheets(doc)
    if len(groups) > 1:
        for names in groups:
            part = Document(path=f"{path}#{names[0]}", format=kind, sheets=[])
            for sheet in sheets:
                if sheet.name in names:
                    part.sheets.append({"name": sheet.name, "hidden": sheet.hidden, "range": _sheet_blocks(part, sheet)})
            doc.parts.append(part)
    return doc


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def project_sheets(doc: Document) -> list[list[str]]:
    """The workbook's sheets grouped by the project whose form they hold, in workbook order.

    A sheet that names a project (a 项目名称 cell followed by the name) starts a group when the name
    differs from the group before; a sheet naming none (the form's 评分表, 指标, 说明) belongs with the
    sheet before it, and sheets before the first project sheet with the first group. One group: the
    sheets are parts of one report.
    """
    names: list[str] = []
    project: dict[str, str] = {}
    for b in doc.blocks:
        sheet = b.loc.get("sheet")
        if sheet not in names:
            names.append(sheet)
        if b.cells is None or sheet in project:
            continue
        row_cells: dict[int, list] = {}
        for c in b.cells:
            row_cells.setdefault(c.row, []).append(c)
        for cells in row_cells.values():
            cells.sort(key=lambda c: c.col)
            for i, c in enumerate(cells):
                if _key(c.text) in PROJECT_LABELS:
                    value = next((_key(n.text) for n in cells[i + 1 :] if n.text.strip()), "")
                    if value:
                        project.setdefault(sheet, value)
    groups: list[list[str]] = []
    current: str | None = None
    for name in names:
        mine = project.get(name)
        if groups and (mine is None or mine == current):
            groups[-1].append(name)
            continue
        if groups and current is None:
            # sheets before the first project sheet belong to that project
            groups[-1].append(name)
            current = mine
            continue
        groups.append([name])
        current = mine
    return groups


def _check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a package whose declared sizes would inflate past the limits, before any library opens it."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError("E_SHEET_CORRUPT", f"not a readable zip: {type(exc).__name__}: {exc}") from None
    if len(infos) > limits.max_zip_entries:
        raise ReadError("E_DOCX_BOMB", f"{len(infos)} zip entries > {limits.max_zip_entries}")
    total = sum(i.file_size for i in infos)
    big = max((i.file_size for i in infos), default=0)
    if total > limits.max_inflated_bytes or big > limits.max_part_bytes:
        raise ReadError("E_DOCX_BOMB", f"parts declare {total} bytes in all, {big} in one: over the limits")


def _too_large_sheets(data: bytes, kind: str) -> dict[str, int]:
    """Sheets calamine must not lay out (name -> grid cells); a legacy workbook, which calamine lays out
    whole when it opens it, is refused instead."""
    if kind == "xlsx":
        try:
            strings = zipfile.ZipFile(io.BytesIO(data)).read("xl/sharedStrings.xml")
        except KeyError:
            strings = b""
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error) as exc:
            raise ReadError("E_SHEET_CORRUPT", f"shared strings unreadable: {type(exc).__name__}: {exc}") from None
        lie = sheet_bounds.shared_strings_lie(strings)
        if lie is not None:
            raise ReadError("E_SHEET_CORRUPT", f"the shared strings claim {lie} entries the part does not hold")
        try:
            named, unnamed = sheet_bounds.xlsx_oversized(data)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error) as exc:
            raise ReadError("E_SHEET_CORRUPT", f"worksheet unreadable: {type(exc).__name__}: {exc}") from None
        if unnamed:
            raise ReadError("E_SHEET_CORRUPT", f"worksheet parts no sheet names reach past the cell limit: {unnamed}")
        return named
    if kind == "xls":
        try:
            with olefile.OleFileIO(io.BytesIO(data)) as ole:
                looping = _looping_chain(ole)
                stream = b"" if looping else ole.openstream("Workbook" if ole.exists("Workbook") else "Book").read()
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - a directory olefile cannot follow: calamine reports the damage
            return {}
        if looping:
            raise ReadError("E_SHEET_CORRUPT", f"the sector chain of {looping} loops back on itself")
        cells = sheet_bounds.biff_oversized(stream)
        if cells > sheet_bounds.BIFF8_CELLS:
            raise ReadError("E_SHEET_CORRUPT", f"cell records or DIMENSIONS reach {cells} cells, past the format's own grid")
        if cells > sheet_bounds.MAX_SHEET_CELLS:
            raise ReadError("E_TOO_LARGE", f"a sheet reaches {cells} cells > {sheet_bounds.MAX_SHEET_CELLS}")
    return {}


def _looping_chain(ole) -> str | None:
    """The first sector chain of an OLE2 file that runs into itself, or None.

    calamine follows a chain until its end mark and gathers the sectors as it goes: a chain rewired into a
    loop grows without end until an allocation aborts the process. olefile reads a stream by its size and
    never notices, so the chains calamine follows are walked here: the directory's, the mini-FAT's and
    every stream's in the FAT (the short streams live in the root entry's).
    """
    starts = {"directory": ole.first_dir_sector, "mini-FAT": ole.first_mini_fat_sector}
    for entry in ole.direntries:
        if entry is not None and entry.entry_type in (olefile.STGTY_STREAM, olefile.STGTY_ROOT):
            if entry.entry_type == olefile.STGTY_ROOT or entry.size >= ole.minisectorcutoff:
                starts[repr(entry.name)] = entry.isectStart
    for name, sector in starts.items():
        seen: set[int] = set()
        while sector < olefile.MAXREGSECT and sector < len(ole.fat):
            if sector in seen:
                return name
            seen.add(sector)
            sector = ole.fat[sector]
    return None


def _calamine(data: bytes, kind: str, skip: set[str] = frozenset()) -> list[Sheet]:
    import python_calamine as cal

    try:
        book = cal.CalamineWorkbook.from_filelike(io.BytesIO(data))
        with book:
            sheets = []
            for meta in book.sheets_metadata:
                if meta.typ not in (cal.SheetTypeEnum.WorkSheet, cal.SheetTypeEnum.DialogSheet):
                    continue  # chart and macro sheets hold no cells
                if meta.name in skip:
                    continue
                sheet = book.get_sheet_by_name(meta.name)
                values = sheet.to_python(skip_empty_area=False)
                hidden = meta.visible != cal.SheetVisibleEnum.Visible
                s = Sheet(meta.name, hidden, values)
                if kind == "xls":
                    s.merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []]
                sheets.append(s)
            return sheets
    except cal.PasswordError as exc:
        raise ReadError("E_OFFICE_ENCRYPTED", f"workbook is password-protected: {exc}") from None
    except (ReadError, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine raises its own and plain errors for damaged files
        # a bug in calamine's parser of damaged bytes is a pyo3 PanicException, which derives from
        # BaseException; that, too, is a damaged workbook (KeyboardInterrupt and the clock are not)
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise ReadError("E_SHEET_CORRUPT", f"{type(exc).__name__}: {exc}"[:300]) from None


def _openpyxl_layout(data: bytes, sheets: list[Sheet]) -> None:
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Data Validation extension is not supported" and the like
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    by_name = {s.name: s for s in sheets}
    for ws in book.worksheets:
        sheet = by_name.get(ws.title)
        if sheet is None:
            continue
        sheet.merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        # the cells the file holds; iter_rows would create every cell of the range up to the farthest one
        for cell in list(ws._cells.values()):
            if cell.data_type == "f":
                sheet.formulas.add((cell.row - 1, cell.column - 1))
            fmt = cell.number_format
            if fmt and fmt != "General" and "%" in fmt:
                sheet.formats[(cell.row - 1, cell.column - 1)] = fmt


def _xlrd_layout(data: bytes, sheets: list[Sheet]) -> None:
    import xlrd

    try:
        # xlrd reports oddities of a damaged file (unknown colour indexes …) on stdout by default: that is
        # where `jixiao parse` writes its records
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except xlrd.biffh.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise ReadError("E_OFFICE_ENCRYPTED", f"workbook is password-protected: {exc}") from None
        raise
    by_name = {s.name: s for s in sheets}
    for index, name in enumerate(book.sheet_names()):
        sheet = by_name.get(name)
        if sheet is None:
            continue
        ws = book.sheet_by_index(index)
        if not sheet.merges:
            sheet.merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in ws.merged_cells]
        for r in range(ws.nrows):
            for c in range(ws.ncols):
                xf = book.xf_list[ws.cell_xf_index(r, c)]
                fmt = book.format_map.get(xf.format_key)
                if fmt is not None and "%" in fmt.format_str:
                    sheet.formats[(r, c)] = fmt.format_str
        book.unload_sheet(index)


_ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _ods_layout(data: bytes, sheets: list[Sheet]) -> None:
    """Spans and percentage cells from content.xml: calamine gives ODS values only."""
    from lxml import etree

    xml = zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(xml, parser)
    if root.getroottree().docinfo.internalDTD is not None:
        raise ReadError("E_DOCX_UNSAFE", "content.xml declares a DTD")
    t, o, x = (f"{{{_ODS[k]}}}" for k in ("table", "office", "text"))
    by_name = {s.name: s for s in sheets}
    for table in root.iter(f"{t}table"):
        sheet = by_name.get(table.get(f"{t}name"))
        if sheet is None:
            continue
        height = len(sheet.values)
        r = 0
        for row in table.iter(f"{t}table-row"):
            if r >= height:
                break
            c = 0
            for cell in row:
                if cell.tag not in (f"{t}table-cell", f"{t}covered-table-cell"):
                    continue
                repeat = int(cell.get(f"{t}number-columns-repeated", "1"))
                rows = int(cell.get(f"{t}number-rows-spanned", "1"))
                cols = int(cell.get(f"{t}number-columns-spanned", "1"))
                if cell.tag == f"{t}table-cell" and (rows > 1 or cols > 1):
                    sheet.merges.append((r, c, r + rows - 1, c + cols - 1))
                if cell.get(f"{o}value-type") == "percentage":
                    shown = "\n".join("".join(p.itertext()) for p in cell.iter(f"{x}p")).strip()
                    if shown:
                        sheet.shown[(r, c)] = shown
                if cell.get(f"{t}formula"):
                    sheet.formulas.add((r, c))
                c += min(repeat, 1 << 14)
            r += int(row.get(f"{t}number-rows-repeated", "1"))


# --- a sheet into blocks --------------------------------------------------------------------------------


def _sheet_blocks(doc: Document, sheet: Sheet) -> str | None:
    """Add the sheet's blocks to ``doc``; the used range ("A1:H30"), or None for an empty sheet."""
    texts: dict[tuple[int, int], str] = {}
    for r, row in enumerate(sheet.values):
        for c, value in enumerate(row):
            if value == "" and (r, c) not in sheet.shown:
                continue  # calamine's grid runs from A1 to the farthest cell: most of a sparse sheet is this
            text = sheet.shown.get((r, c)) or cell_text(value, sheet.formats.get((r, c)))
            if text:
                texts[(r, c)] = text
    if not texts:
        return None
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in sheet.merges:
        if r1 < r0 or c1 < c0 or (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
            continue  # a crafted merge over the whole sheet would cost a position per cell
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    used = [(r, c) for r, c in texts if (r, c) not in covered] or list(texts)
    top = min(r for r, _ in used)
    bottom = max(r + spans.get((r, c), (1, 1))[0] - 1 for r, c in used)
    left = min(c for _, c in used)
    right = max(c + spans.get((r, c), (1, 1))[1] - 1 for r, c in used)
    # Rows a merged cell reaches into are not empty, whatever calamine holds there.
    reached = {r for (r0, c0), (h, _) in spans.items() if (r0, c0) in texts for r in range(r0, r0 + h)}
    filled = {r for r, _ in texts} | reached

    def loc(**kw) -> dict:
        d = {"sheet": sheet.name, **kw}
        if sheet.hidden:
            d["hidden"] = True
        return d

    groups: list[list[int]] = []
    for r in range(top, bottom + 1):
        if r in filled:
            if groups and groups[-1][-1] == r - 1:
                groups[-1].append(r)
            else:
                groups.append([r])
    for rows in groups:
        # Lines above the table holding one cell (title, unit, year) are the form's heading lines.
        while rows:
            own = [(r, c) for (r, c) in texts if r == rows[0] and (r, c) not in covered]
            multi_row = any(spans.get(p, (1, 1))[0] > 1 for p in own)
            if len(own) != 1 or multi_row:
                break
            (r, c) = own[0]
            doc.add("paragraph", texts[(r, c)], loc=loc(cell=address(r, c)))
            rows = rows[1:]
        if rows:
            _table(doc, sheet, rows, left, right, texts, spans, covered, loc)
    return f"{address(top, left)}:{address(bottom, right)}"


def _table(doc, sheet, rows, left, right, texts, spans, covered, loc) -> None:
    first, last = rows[0], rows[-1]
    grid_rows: list[list[tuple[str, int, int]]] = []
    refs: list[str] = []
    for r in rows:
        row: list[tuple[str, int, int]] = []
        for c in range(left, right + 1):
            if (r, c) in covered and not (r == first and _covered_from_above(r, c, spans, first)):
                continue
            h, w = spans.get((r, c), (1, 1))
            h = min(h, last - r + 1)
            w = min(w, right - c + 1)
            row.append((texts.get((r, c), ""), h, w))
            refs.append(address(r, c))
        grid_rows.append(row)
    block = doc.add_table(grid_rows, loc=loc(range=f"{address(first, left)}:{address(last, right)}"))
    for cell, ref in zip(block.cells or [], refs):
        cell.ref = ref


def _covered_from_above(r: int, c: int, spans: dict, first: int) -> bool:
    """Whether (r, c) is covered only by a merge that starts in a row above this table (a heading line
    merged down into it): the table then shows the position as an empty cell of its own."""
    for (r0, c0), (h, w) in spans.items():
        if r0 < first <= r0 + h - 1 and c0 <= c < c0 + w:
            return True
    return False
