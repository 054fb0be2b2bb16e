"""Tell a file's format from its bytes, never from its name.

>>> sniff(b"%PDF-1.7\\n...")
'pdf'
>>> sniff(b"\\x89PNG\\r\\n\\x1a\\n....")
'image'
>>> sniff("一、基本情况".encode("utf-8"))
'text'
>>> sniff(b"")
'empty'
>>> sniff(b"MIME-Version: 1.0\\r\\nContent-Type: multipart/related; boundary=x\\r\\n")
'mht'
"""

from __future__ import annotations

import io
import re
import zipfile

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A page saved by a browser as one file (.mht/.mhtml): MIME headers, then a multipart/related body.
_MHT_START = re.compile(rb"\A(?:\xef\xbb\xbf)?[A-Za-z-]+:")  # the file opens with a MIME header line
_MHT_TYPE = re.compile(rb"^Content-Type:\s*multipart/related", re.I | re.M)  # the page and its parts
# every byte but the control bytes that text does not hold (tab, line feed, form feed, carriage return and
# escape are text): deleting these leaves the others to be counted in C
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13, 27))
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")


def sniff(data: bytes) -> str:
    """One of: empty, pdf, docx, xlsx, pptx, odt, ods, odf, zip, ole2, rtf, mht, image, text, binary.

    An OLE2 file (legacy Word/WPS/Excel) is told apart by its streams with :func:`ole2_kind`.
    """
    if not data:
        return "empty"
    head = data[:1024]
    # Some producers put junk before the header; the PDF spec allows it within the first 1024 bytes.
    if head.find(b"%PDF-") >= 0:
        return "pdf"
    if head.startswith(_OLE2):
        return "ole2"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_IMAGES) or head[8:12] == b"WEBP":
        return "image"
    if _MHT_START.match(head) and _MHT_TYPE.search(data[:4096]):
        return "mht"
    if _looks_like_text(data[:65536]):
        return "text"
    return "binary"


def zip_entry_count(data: bytes) -> int | None:
    """The entry count a zip's end record declares, read without opening the archive.

    >>> zip_entry_count(b"PK\\x05\\x06" + bytes(6) + (3).to_bytes(2, "little") + bytes(10))
    3
    """
    tail = data[-(65535 + 22) :]
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + 22 > len(tail):
        return None
    return int.from_bytes(tail[pos + 10 : pos + 12], "little")


def _zip_kind(data: bytes) -> str:
    count = zip_entry_count(data)
    if count is not None and count > 10_000:
        # Listing millions of entries costs gigabytes; the DOCX reader refuses it from the count alone.
        return "docx"
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):  # NotImplementedError: a damaged "version needed"
        # A zip we cannot list: call it docx-shaped if the local header names Word's parts, so the
        # DOCX reader gives the precise "corrupt DOCX" error; otherwise a plain zip.
        return "docx" if b"word/" in data[:4096] or b"[Content_Types].xml" in data[:4096] else "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "mimetype" in names and "content.xml" in names:
        return _odf_kind(data)
    if "[Content_Types].xml" in names:
        return "docx"  # an OOXML package without its main part: the DOCX reader reports it as corrupt
    return "zip"


def _looks_like_text(sample: bytes) -> bool:
    if sample.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if not sample:
        return False
    # UTF-16 without a BOM: every other byte is NUL for mostly-ASCII text, rarely for CJK; leave that
    # judgement to the decoder when NULs are frequent but regular.
    nul = sample.count(0)
    if nul:
        even = sample[0::2].count(0)
        odd = sample[1::2].count(0)
        if max(even, odd) > 0.9 * nul and nul > len(sample) // 8:
            return True
        return False
    control = len(sample.translate(None, _NOT_CONTROL))
    return control <= len(sample) // 200


def _odf_kind(data: bytes) -> str:
    """odt or ods from the package's stored ``mimetype`` entry, odf for any other OpenDocument."""
    try:
        mimetype = zipfile.ZipFile(io.BytesIO(data)).read("mimetype")[:100]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, RuntimeError):
        return "odf"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        return "odt"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    return "odf"


def ole2_kind(data: bytes) -> str:
    """What an OLE2 compound file holds, from its stream names (not from the file's name).

    One of: encrypted (a password-protected DOCX/XLSX), doc (Word or WPS text: WordDocument), xls (Excel or
    WPS spreadsheet: Workbook/Book), ppt, corrupt (the directory cannot be read), other.

    >>> ole2_kind(b"\\xd0\\xcf\\x11\\xe0" + bytes(100))
    'corrupt'
    """
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            names = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
    except Exception:  # noqa: BLE001 - olefile raises many kinds for a damaged directory
        return "corrupt"
    if "EncryptedPackage" in names:
        return "encrypted"
    if "WordDocument" in names:
        return "doc"
    if "Workbook" in names or "Book" in names:
        return "xls"
    if "PowerPoint Document" in names:
        return "ppt"
    return "other"
