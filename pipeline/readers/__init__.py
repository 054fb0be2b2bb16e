"""Read any supported file into a :class:`~pipeline.document.Document`, choosing the reader by its bytes.

Each reader module exposes ``read(data: bytes, path: str, limits: Limits) -> Document`` and raises
:class:`~pipeline.errors.ReadError` for anything it cannot read. Readers only split the file into blocks
with their raw text and location; normalisation and sections are later stages.
"""

from __future__ import annotations

import os
import stat

from pipeline.document import Document
from pipeline.errors import ReadError
from pipeline.limits import DEFAULT_LIMITS, Limits, time_limit
from pipeline.sniff import ole2_kind, sniff


def read_bytes(data: bytes, path: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    kind = sniff(data)
    if kind == "empty":
        raise ReadError("E_EMPTY", "file has 0 bytes")
    if kind == "pdf":
        from pipeline.readers import pdf

        return pdf.read(data, path, limits)
    if kind == "docx":
        from pipeline.readers import docx
        from pipeline.sniff import zip_entry_count

        count = zip_entry_count(data)
        if count is not None and count > limits.max_zip_entries:
            raise ReadError("E_DOCX_BOMB", f"the zip declares {count} entries > {limits.max_zip_entries}")
        return docx.read(data, path, limits)
    if kind == "text":
        from pipeline.readers import txt

        return txt.read(data, path, limits)
    if kind == "mht":
        from pipeline.readers import html

        return html.read_mht(data, path, limits)
    if kind in ("xlsx", "ods"):
        from pipeline.readers import spreadsheet

        return spreadsheet.read(data, path, limits, kind)
    if kind in ("rtf", "odt"):
        from pipeline.readers import office

        return office.read(data, path, limits, kind)
    if kind == "ole2":
        return _ole2(data, path, limits)
    if kind == "image":
        from pipeline.readers import image

        return image.read(data, path, limits)
    if kind in ("pptx", "odf", "zip"):
        raise ReadError("E_UNSUPPORTED_FORMAT", f"format {kind} is not supported")
    raise ReadError("E_UNKNOWN_FORMAT", "bytes are not a document format jixiao reads")


def _ole2(data: bytes, path: str, limits: Limits) -> Document:
    """Legacy Office files by the streams they hold: the same .doc may be named .wps, an .xls .et."""
    ole = ole2_kind(data)
    if ole == "encrypted":
        # Office wraps a password-protected DOCX/XLSX in an OLE2 file with this stream.
        raise ReadError("E_OFFICE_ENCRYPTED", "OLE2 file with an EncryptedPackage stream")
    if ole == "doc":
        from pipeline.readers import office

        return office.read(data, path, limits, "doc")
    if ole == "xls":
        from pipeline.readers import spreadsheet

        return spreadsheet.read(data, path, limits, "xls")
    if ole == "ppt":
        raise ReadError("E_LEGACY_FORMAT", "PowerPoint .ppt is not read")
    if ole == "corrupt":
        # A truncated file still shows its stream names in the bytes it kept (UTF-16LE directory entries).
        detail = "OLE2 header but the directory cannot be read (truncated or damaged)"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            raise ReadError("E_SHEET_CORRUPT", detail)
        raise ReadError("E_OFFICE_CORRUPT", detail)
    raise ReadError("E_LEGACY_FORMAT", "OLE2 compound file holding neither Word, WPS nor Excel streams")


def read_file(path: str, limits: Limits = DEFAULT_LIMITS) -> tuple[bytes, Document]:
    """Read the file's bytes and parse them within the time limit. Raises ReadError."""
    try:
        # O_NONBLOCK: a FIFO put where a report was listed would block open() until the hard limit;
        # the type is judged on the opened file itself, so nothing can swap it in between.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with open(fd, "rb", closefd=True) as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise ReadError("E_NOT_REGULAR_FILE", f"file type {stat.filemode(st.st_mode)[0]!r}, not a regular file")
            if st.st_size > limits.max_file_bytes:
                raise ReadError("E_TOO_LARGE", f"{st.st_size} bytes > limit {limits.max_file_bytes}")
            data = fh.read(limits.max_file_bytes + 1)
            if len(data) > limits.max_file_bytes:  # grew while being read
                raise ReadError("E_TOO_LARGE", f"more than {limits.max_file_bytes} bytes")
    except OSError as exc:
        raise ReadError("E_NOT_FOUND", f"{type(exc).__name__}: {exc}") from None
    with time_limit(limits.seconds):
        return data, read_bytes(data, path, limits)
