"""An xlsxwriter workbook whose worksheets keep no state per row once the row is written (constant-memory mode).

In constant-memory mode xlsxwriter writes each row to a temporary file as soon as the next one starts, but
it still keeps, until the workbook is closed, every link (a ``Url`` object per cell, about 0.7 KB: the
``<hyperlinks>`` element and the sheet's relationships come after the cells in the file) and every row's
height (``row_info``, ``row_sizes``: 0.28 KB a row). :class:`LeanWorksheet` moves a row's links to a
temporary file when the row is written and reads them back, in the same order, when the sheet's XML and
its relationships are written; it forgets a written row's height except in the first rows, where the
header's comments and the overview's chart are placed from them. :class:`LeanWorkbook` makes its
worksheets so, and writes each sheet's relationships as they are read back (xlsxwriter's packager lists
them all first: a tuple a link). The file written is the same, byte for byte (the tests compare it with
xlsxwriter's own).

Written against xlsxwriter 3.x: ``_write_single_row``, ``_write_hyperlinks``, ``external_hyper_links`` and
the packager's ``_write_worksheet_rels_files`` are its internals (``_get_packager`` is there to be
overridden), and the tests would see a change of them.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import Any

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.relationships import DOCUMENT_SCHEMA, Relationships
from xlsxwriter.url import UrlTypes
from xlsxwriter.worksheet import Worksheet

# rows whose heights are kept: objects placed on a sheet (the header's comments, the overview's chart) are
# positioned from the heights of the rows they cover, all of them near the top
KEEP_ROWS = 1000


class LeanWorksheet(Worksheet):
    """A worksheet for constant-memory mode whose memory does not grow with its rows."""

    def __init__(self) -> None:
        super().__init__()
        self._links: Any = None  # the written rows' links, pickled one after another
        self._link_count = 0
        self._external_count = 0
        self.external_hyper_links = _ExternalLinks(self)

    def _initialize(self, init_data: dict) -> None:
        super()._initialize(init_data)
        if not self.constant_memory:
            raise ValueError("LeanWorksheet is for constant-memory mode (rows written in order)")
        self._links = tempfile.TemporaryFile(dir=self.tmpdir)  # noqa: SIM115  (goes with the worksheet)

    def _write_single_row(self, current_row_num: int = 0) -> None:
        row = self.previous_row
        super()._write_single_row(current_row_num)
        links = self.hyperlinks.pop(row, None)
        if links:
            self._links.seek(0, 2)
            for col in sorted(links):
                url = links[col]
                pickle.dump((row, col, url), self._links, pickle.HIGHEST_PROTOCOL)
                self._link_count += 1
                self._external_count += url._link_type in _EXTERNAL
        if row >= KEEP_ROWS:
            self.row_info.pop(row, None)
            self.row_sizes.pop(row, None)

    def _spooled_links(self) -> Iterator[tuple[int, int, Any]]:
        """The links of the written rows, in row and column order (rows are written in order)."""
        self._links.seek(0)
        for _ in range(self._link_count):
            yield pickle.load(self._links)

    def _write_hyperlinks(self) -> None:
        # xlsxwriter's own, with the links read back from the file (the packager has written the last row
        # by now); in constant-memory mode its table of cells is empty here, so no link is an "object link"
        if not self._link_count:
            return
        self._xml_start_tag("hyperlinks")
        for row_num, col_num, url in self._spooled_links():
            if url._link_type in _EXTERNAL:
                self.rel_count += 1
                self._write_hyperlink_external(row_num, col_num, self.rel_count, url)
            else:
                self._write_hyperlink_internal(row_num, col_num, url)
        self._xml_end_tag("hyperlinks")


_EXTERNAL = (UrlTypes.URL, UrlTypes.EXTERNAL)


class _ExternalLinks:
    """The relationships of a sheet's external links, read from its link file when the packager asks
    (it adds the drawing and comment links to them: ``+`` a list)."""

    def __init__(self, sheet: LeanWorksheet):
        self.sheet = sheet

    def __iter__(self) -> Iterator[list]:
        for _, _, url in self.sheet._spooled_links():
            if url._link_type in _EXTERNAL:
                yield ["/hyperlink", url._target(), "External"]

    def __bool__(self) -> bool:
        return self.sheet._external_count > 0

    def __add__(self, other: list) -> _Chain:
        return _Chain([self, other])


class _Chain:
    def __init__(self, parts: list):
        self.parts = parts

    def __add__(self, other: list) -> _Chain:
        return _Chain([*self.parts, other])

    def __bool__(self) -> bool:
        return any(bool(p) for p in self.parts)

    def __iter__(self) -> Iterator[list]:
        for p in self.parts:
            yield from p


class LeanWorkbook(xlsxwriter.Workbook):
    """A workbook in constant-memory mode whose worksheets are :class:`LeanWorksheet`."""

    def __init__(self, filename: Any = None, options: dict | None = None):
        super().__init__(filename, {**(options or {}), "constant_memory": True})
        self.worksheet_class = LeanWorksheet

    def _get_packager(self) -> Packager:
        return _LeanPackager()


class _LeanPackager(Packager):
    def _write_worksheet_rels_files(self) -> None:
        # xlsxwriter's own, but the relationships go to the file as they are read, not into a list first
        index = 0
        for worksheet in self.workbook.worksheets():
            if worksheet.is_chartsheet:
                continue
            index += 1
            external_links = (
                worksheet.external_hyper_links
                + worksheet.external_drawing_links
                + worksheet.external_vml_links
                + worksheet.external_background_links
                + worksheet.external_table_links
                + worksheet.external_comment_links
            )
            if not external_links:
                continue
            rels = Relationships()
            rels.relationships = _Relations(external_links)
            rels._set_xml_writer(self._filename("xl/worksheets/_rels/sheet" + str(index) + ".xml.rels"))
            rels._assemble_xml_file()


class _Relations:
    """What ``Relationships._add_document_relationship`` would have listed, made as it is written."""

    def __init__(self, links: Any):
        self.links = links

    def __iter__(self) -> Iterator[tuple]:
        for link in self.links:
            rel_type, target, *mode = link
            yield DOCUMENT_SCHEMA + rel_type, target, mode[0] if mode else None
