"""Every bad input becomes its own error row with a code and a next step; the batch goes on."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import BAD, ROOT, SEED001
from pipeline.errors import CODES
from pipeline.limits import Limits
from pipeline.parse import parse_file

sys.path.insert(0, str(ROOT / "scripts"))
from make_bad import write_long_line  # noqa: E402

# file in tests/data/bad -> (status, error code or the format it must be read as)
EXPECTED = {
    "empty.txt": ("error", "E_EMPTY"),
    # OLE2 directories naming Word's and Excel's streams with nothing in them: broken legacy files
    "legacy.doc": ("error", "E_OFFICE_CORRUPT"),
    "legacy.wps": ("error", "E_OFFICE_CORRUPT"),
    "legacy.xls": ("error", "E_SHEET_CORRUPT"),
    "encrypted_office.docx": ("error", "E_OFFICE_ENCRYPTED"),
    "many_entries.docx": ("error", "E_DOCX_BOMB"),
    "random.bin": ("error", "E_UNKNOWN_FORMAT"),
    "random_named.txt": ("error", "E_UNKNOWN_FORMAT"),
    "image_named.docx": ("error", "E_IMAGE_CORRUPT"),  # a PNG signature followed by noise
    "png_named.pdf": ("error", "E_IMAGE"),  # a blank page: OCR finds no text
    "truncated.pdf": ("error", "E_PDF_CORRUPT"),
    "encrypted.pdf": ("error", "E_PDF_ENCRYPTED"),
    "scanned.pdf": ("error", "E_PDF_NO_TEXT"),
    "mixed_scan.pdf": ("partial", "pdf"),
    "damaged_page.pdf": ("partial", "pdf"),
    "owner_only.pdf": ("ok", "pdf"),
    "corrupt_zip.docx": ("error", "E_DOCX_CORRUPT"),
    "xxe.docx": ("error", "E_DOCX_UNSAFE"),
    "billion_laughs.docx": ("error", "E_DOCX_UNSAFE"),
    "bomb.docx": ("error", "E_DOCX_BOMB"),
    "bomb_lying.docx": ("error", "E_DOCX_BOMB"),
    "text_named.docx": ("ok", "txt"),
    "nested_tables.docx": ("ok", "docx"),
    "gbk.txt": ("ok", "txt"),
    "utf16.txt": ("ok", "txt"),
    "utf8_bom_crlf.txt": ("ok", "txt"),
    "html_saved.txt": ("ok", "html"),
    # found by the fuzzer (scripts/fuzz.py); tests/test_reliability.py has their records
    "long_number.txt": ("partial", "txt"),
    "long_number.docx": ("partial", "docx"),
    "overlong_figure.txt": ("ok", "txt"),
    "surrogate_sym.docx": ("ok", "docx"),
    "damaged_bytes.txt": ("partial", "txt"),
    "zip_version.docx": ("error", "E_DOCX_CORRUPT"),
    "xobject_cycle.pdf": ("ok", "pdf"),
    "parent_cycle.pdf": ("ok", "pdf"),
    "hostile_text.txt": ("ok", "txt"),
    "external_rels.docx": ("ok", "docx"),
    "far_cell.xlsx": ("partial", "xlsx"),
    "huge_merge.xlsx": ("partial", "xlsx"),
    "huge_numbers.xlsx": ("partial", "xlsx"),
    "fat_loop.xls": ("error", "E_SHEET_CORRUPT"),
    "dimensions.xls": ("error", "E_SHEET_CORRUPT"),
    "truncated.et": ("error", "E_SHEET_CORRUPT"),
    "odd_colours.xls": ("ok", "xls"),
    "spans.html": ("ok", "html"),
    "sst_count.xlsx": ("error", "E_SHEET_CORRUPT"),
    "unclosed_table.html": ("ok", "html"),
}


OCR_READ = {"scanned.pdf", "mixed_scan.pdf", "png_named.pdf"}


def test_every_bad_file_is_listed() -> None:
    present = {p.name for p in BAD.iterdir()}
    assert present == set(EXPECTED), "update EXPECTED when adding bad files"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file(name: str) -> None:
    status, what = EXPECTED[name]
    t0 = time.perf_counter()
    parsed = parse_file(BAD / name)
    elapsed = time.perf_counter() - t0
    assert parsed.status == status, (name, parsed.error)
    # pages without text are OCR'd: loading the models and looking at a page take seconds more
    assert elapsed < (30 if name in OCR_READ else 5), f"{name} took {elapsed:.1f}s"
    assert parsed.sha256 is not None and len(parsed.sha256) == 64
    if status == "error":
        assert parsed.error.code == what
        assert parsed.error.code in CODES
        message = parsed.error.message
        assert "请" in message or "需" in message, "the message must say what to do next"
    else:
        assert parsed.doc.format == what and parsed.doc.blocks


def test_readable_encodings_give_the_same_text() -> None:
    texts = {name: parse_file(BAD / name).doc.text for name in ("gbk.txt", "utf16.txt", "utf8_bom_crlf.txt")}
    assert len(set(texts.values())) == 1
    assert "自评得分为91.23分" in texts["gbk.txt"]
    assert parse_file(BAD / "gbk.txt").doc.encoding == "gb18030"
    assert parse_file(BAD / "utf16.txt").doc.encoding == "utf-16"


def test_html_saved_as_text_keeps_visible_text_and_tables() -> None:
    doc = parse_file(BAD / "html_saved.txt").doc
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph", "table"]
    assert doc.blocks[1].raw == "该项目年初预算数662.77万元，全年执行数16.67万元，预算执行率为2.52%。"
    table = doc.blocks[2]
    assert table.grid() == [["产出指标", "数量指标", "≥2场"], [None, "质量指标", "100%"]]
    assert table.cells[0].rowspan == 2
    assert "not text" not in doc.text


def test_five_megabyte_single_line(tmp_path: Path) -> None:
    path = write_long_line(tmp_path / "one_line.txt")
    assert path.stat().st_size > 4_900_000
    t0 = time.perf_counter()
    parsed = parse_file(path)
    assert time.perf_counter() - t0 < 5
    assert parsed.error.code == "E_TXT_LINE_TOO_LONG"


def test_missing_file() -> None:
    parsed = parse_file(ROOT / "no" / "such.pdf")
    assert parsed.error.code == "E_NOT_FOUND" and parsed.sha256 is None


def test_time_limit_stops_a_slow_read() -> None:
    # a limit shorter than opening the file: not even the first page is read (with 10 ms an idle machine
    # read the first pages, and the record was partial, as a long PDF's is)
    parsed = parse_file(SEED001.with_suffix(".pdf"), Limits(seconds=0.0005))
    assert parsed.error is not None and parsed.error.code == "E_TIMEOUT"


def test_cli_batch_goes_on_after_bad_files(tmp_path: Path) -> None:
    write_long_line(tmp_path / "one_line.txt")
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "parse", str(BAD), str(tmp_path), str(SEED001.with_suffix(".txt"))],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(records) == len(EXPECTED) + 2
    by_name = {Path(r["file"]).name: r for r in records}
    for name, (status, what) in EXPECTED.items():
        rec = by_name[name]
        assert rec["status"] == status
        if status == "error":
            assert rec["error"]["code"] == what and rec["error"]["message"]
            assert rec["blocks"] == []
    assert by_name["one_line.txt"]["error"]["code"] == "E_TXT_LINE_TOO_LONG"
    assert by_name["001_5c147244ac7a2061.txt"]["status"] == "ok"
