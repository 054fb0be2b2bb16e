"""Write the deliberately broken or awkward inputs that are not DOCX or PDF specific.

Run ``python scripts/make_bad.py``; files go to tests/data/bad/ and are committed. The large ones (a 5 MB
single line) are made by the tests themselves with :func:`write_long_line`, so the repository stays small.
DOCX and PDF specific bad files come from scripts/make_docx.py and scripts/make_pdf.py.
"""

from __future__ import annotations

import random
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
    print(f"wrote bad files to {out}", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
