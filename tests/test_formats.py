"""The formats auditors receive besides TXT/DOCX/PDF: spreadsheets, legacy and other word-processor files.

The fixtures in tests/data/formats/ are made by scripts/make_formats.py from the corpus seeds (LibreOffice
converting the DOCX, a workbook laid out from seed 001's figures). Each must give the key facts the DOCX
gives, with evidence that says where they stand.
"""

from __future__ import annotations

import io
import os
import stat
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import BAD, DATA, SEED000, SEED001
from pipeline.errors import CODES, ReadError
from pipeline.limits import Limits
from pipeline.parse import parse_file
from pipeline.readers import office
from pipeline.readers.spreadsheet import cell_text
from pipeline.record import extract_record

FORMATS = DATA / "formats"
KEYS = ("initial", "full_year", "spent", "execution_rate")
needs_soffice = pytest.mark.skipif(
    office.soffice_path() is None, reason="LibreOffice is not installed (apt-get install -y libreoffice-writer-nogui)"
)


def key_facts(path: Path, parsed=None) -> dict:
    rec = extract_record(parsed or parse_file(path))
    assert rec["status"] == "ok", rec["error"]
    facts = {k: rec["budget"][k]["value"] if rec["budget"][k] else None for k in KEYS}
    for k in ("total", "grade"):
        facts[k] = rec["score"][k]["value"] if rec["score"][k] else None
    return facts


@pytest.fixture(scope="module")
def docx_facts() -> dict[str, dict]:
    return {"000": key_facts(SEED000.with_suffix(".docx")), "001": key_facts(SEED001.with_suffix(".docx"))}


# -- spreadsheets --------------------------------------------------------------------------------------


SHEETS = ["001_自评表.xlsx", "001_自评表.xls", "001_自评表.et", "001_自评表.ods"]


@pytest.mark.parametrize("name", SHEETS)
def test_workbook_gives_the_reports_key_facts(name: str, docx_facts) -> None:
    got = key_facts(FORMATS / name)
    assert got == docx_facts["001"]
    assert got == {
        "initial": 6627700, "full_year": 6627700, "spent": 166700, "execution_rate": 2.52, "total": 91.23, "grade": "优"
    }


@pytest.mark.parametrize("name", SHEETS)
def test_workbook_cells_as_the_sheet_shows_them(name: str) -> None:
    doc = parse_file(FORMATS / name).doc
    assert doc.format == {"xlsx": "xlsx", "xls": "xls", "et": "xls", "ods": "ods"}[name.rsplit(".", 1)[1]]
    assert [(s["name"], s["hidden"]) for s in doc.sheets] == [
        ("自评表", False), ("综合评分表", False), ("指标", False), ("填表说明", True)
    ]
    title, year, funds = doc.blocks[:3]
    assert (title.raw, title.loc) == ("项目支出绩效自评表", {"sheet": "自评表", "cell": "A1"})
    assert (year.raw, year.loc) == ("（2022年度）", {"sheet": "自评表", "cell": "A2"})
    assert funds.kind == "table" and funds.loc == {"sheet": "自评表", "range": "A3:H8"}
    by_ref = {c.ref: c for c in funds.cells}
    # a float stays as the cell holds it; a formula by its cached value; a % cell as Excel shows it
    assert by_ref["C6"].text == "662.77" and by_ref["E6"].text == "16.67"
    assert by_ref["G6"].text == "2.52%" and by_ref["H6"].text == "0.25"
    # the merged 项目资金 cell once, spanning its four rows; the merged project name across B:H
    assert (by_ref["A5"].text, by_ref["A5"].rowspan) == ("项目资金（万元）", 4)
    assert (by_ref["B3"].colspan, "A6" in by_ref) == (7, False)
    scores = doc.blocks[3]
    assert scores.loc["sheet"] == "综合评分表"
    assert [c.text for c in scores.cells if c.ref in ("C6", "D3", "B7")] == ["80.50%", "91.23", "优"]
    hidden = doc.blocks[-1]
    assert hidden.loc == {"sheet": "填表说明", "cell": "A1", "hidden": True}


def test_evidence_names_sheet_and_cell() -> None:
    rec = extract_record(parse_file(FORMATS / "001_自评表.xlsx"))
    spent = rec["budget"]["spent"]
    assert spent["value"] == 166700
    assert spent["evidence"]["cell"] == "自评表!E6" and spent["evidence"]["quote"] == "16.67"
    assert rec["budget"]["execution_rate"]["evidence"]["cell"] == "自评表!G6"
    assert rec["score"]["total"]["evidence"]["cell"] == "综合评分表!C6"


def test_workbook_of_two_projects_gives_a_record_per_project() -> None:
    rec = extract_record(parse_file(FORMATS / "两个项目.xlsx"))
    projects = rec["projects"]
    assert [p["file"].rsplit("#", 1)[1] for p in projects] == ["退管补助", "专项补助"]
    got = [
        (p["meta"]["project"], p["budget"]["full_year"]["value"], p["budget"]["spent"]["value"],
         p["budget"]["execution_rate"]["value"], p["score"]["total"]["value"])
        for p in projects
    ]
    assert got == [
        ("国有企业退休人员社会化管理补助资金（中央、自治区）项目", 6627700, 166700, 2.52, 91.23),
        ("国有企业退休人员社会化管理专项补助资金", 1510800, 1510800, 100, 96),
    ]
    assert projects[1]["budget"]["spent"]["evidence"]["cell"] == "专项补助!E6"
    # the file's own facts are its first project's, never a mix of the two
    assert rec["budget"]["spent"]["value"] == 166700 and rec["score"]["total"]["value"] == 91.23
    assert not any(f["check"] == "GRADE-TEXT-TOTAL" for f in rec["findings"])


def test_sheets_of_one_report_stay_one_record() -> None:
    rec = extract_record(parse_file(FORMATS / "001_自评表.xlsx"))
    assert "projects" not in rec  # the form, its 综合评分表 and its 指标 sheet name one project at most


def test_formula_without_cached_value_is_flagged(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws.append(["项目", "全年预算数", "全年执行数", "执行率"])
    ws.append(["甲", 662.77, 16.67, "=C2/B2"])
    ws["D2"].number_format = "0.00%"
    wb.save(tmp_path / "no_cache.xlsx")  # openpyxl writes formulas without their values
    parsed = parse_file(tmp_path / "no_cache.xlsx")
    assert parsed.status == "partial"
    assert [w["code"] for w in parsed.doc.warnings] == ["W_SHEET_FORMULA_NO_VALUE"]
    assert "自评表!D2" in parsed.doc.warnings[0]["message"]


def test_cell_text_keeps_decimals() -> None:
    assert cell_text(0.1 + 0.2) == "0.30000000000000004"  # what the cell holds, not a rounded guess
    assert Decimal(cell_text(662.77)) * 10000 == 6627700
    assert cell_text(0.0252, "0.00%;[Red]-0.00%") == "2.52%"
    assert cell_text(3, '0"分"') == "3"


# -- word-processor formats through LibreOffice ----------------------------------------------------------


@needs_soffice
@pytest.mark.parametrize("name, fmt", [("001.doc", "doc"), ("001.wps", "doc"), ("001.rtf", "rtf"), ("001.odt", "odt")])
def test_word_formats_give_the_docx_facts(name: str, fmt: str, docx_facts) -> None:
    parsed = parse_file(FORMATS / name)  # once: each conversion takes a LibreOffice start
    assert key_facts(FORMATS / name, parsed) == docx_facts["001"]
    doc = parsed.doc
    assert doc.format == fmt and doc.converted_from == fmt
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 2  # the 综合评分表 and the indicator table keep their structure
    produced = next(c for c in tables[1].cells if c.text == "产出指标")
    assert (produced.row, produced.col, produced.rowspan) == (1, 0, 9)  # merged down its rows, once


@needs_soffice
def test_seed000_doc(docx_facts) -> None:
    assert key_facts(FORMATS / "000.doc") == docx_facts["000"]


@needs_soffice
def test_encrypted_doc(tmp_path: Path) -> None:
    import olefile

    path = tmp_path / "locked.doc"
    path.write_bytes((FORMATS / "000.doc").read_bytes())
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream("WordDocument").read())
        stream[11] |= 0x01  # fEncrypted, as Word sets it for a file with an open password
        ole.write_stream("WordDocument", bytes(stream))
    parsed = parse_file(path)
    assert parsed.error.code == "E_OFFICE_ENCRYPTED"


def fake_soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_hanging_converter_is_killed_and_restarted(tmp_path: Path) -> None:
    conv = office.Converter(fake_soffice(tmp_path, "sleep 600"))
    with pytest.raises(ReadError) as err:
        conv.to_docx(b"{\\rtf1 x}", ".rtf", seconds=1)
    assert err.value.code == "E_TIMEOUT" and "killed" in err.value.detail
    assert conv.restarts == 1


def test_crashing_converter_is_an_error_row(tmp_path: Path) -> None:
    conv = office.Converter(fake_soffice(tmp_path, "kill -SEGV $$"))
    with pytest.raises(ReadError) as err:
        conv.to_docx(b"{\\rtf1 x}", ".rtf", seconds=10)
    assert err.value.code == "E_OFFICE_CORRUPT" and "SIGSEGV" in err.value.detail
    assert conv.restarts == 1


def test_missing_libreoffice_says_how_to_install(monkeypatch) -> None:
    monkeypatch.setattr(office, "soffice_path", lambda: None)
    monkeypatch.setattr(office, "_converter", None)
    parsed = parse_file(FORMATS / "001.rtf")
    assert parsed.error.code == "E_NO_CONVERTER"
    assert "apt-get install -y libreoffice-writer-nogui" in parsed.error.message


# -- broken files ---------------------------------------------------------------------------------------

BROKEN = {
    "truncated.xls": "E_OFFICE_CORRUPT",  # the OLE2 directory was cut off: the message covers Word and Excel
    "encrypted.xlsx": "E_OFFICE_ENCRYPTED",
    "empty.png": "E_EMPTY",
    "truncated.png": "E_IMAGE_CORRUPT",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_has_its_code_and_next_step(name: str) -> None:
    parsed = parse_file(FORMATS / name)
    assert parsed.status == "error" and parsed.error.code == BROKEN[name]
    assert "请" in parsed.error.message and parsed.error.code in CODES


def test_damaged_workbook_inside_intact_ole2() -> None:
    parsed = parse_file(BAD / "legacy.xls")  # an OLE2 directory naming a Workbook stream with no records
    assert parsed.error.code == "E_SHEET_CORRUPT"
    assert "另存为新的.xlsx" in parsed.error.message


# -- web pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, fmt", [("001_gov.html", "html"), ("001_gov.mht", "mht"), ("001_gov_named.doc", "html")])
def test_government_page_gives_the_docx_facts(name: str, fmt: str, docx_facts) -> None:
    assert key_facts(FORMATS / name) == docx_facts["001"]
    assert parse_file(FORMATS / name).doc.format == fmt


@pytest.mark.parametrize("name", ["001_gov.html", "001_gov.mht"])
def test_government_page_is_read_as_its_article(name: str) -> None:
    doc = parse_file(FORMATS / name).doc
    text = doc.text
    for chrome in ("首页", "当前位置", "信息公开目录", "浏览次数", "分享到", "打印本页", "相关文章", "网站标识码", "_hmt", "innerHTML"):
        assert chrome not in text, chrome
    title = doc.blocks[0]
    assert (title.kind, title.raw) == ("title", "2022.2023国有企业退休人员社会化管理补助资金（中央、自治区）项目绩效评价报告")
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 2
    assert tables[0].grid()[-1] == ["评价等级", "优", None, None]  # 优 spans three columns, once
    assert next(c for c in tables[1].cells if c.text == "产出指标").rowspan == 9
    # each block is located by the line of the page where its text starts
    spent = next(b for b in doc.blocks if "全年执行数16.67万元" in b.raw)
    source = (FORMATS / name).read_bytes()
    if name.endswith(".html"):
        line = source.decode("utf-8").splitlines()[spent.loc["line"] - 1]
        assert "全年执行数16.67万元" in line


def test_html_named_doc_reads_as_a_web_page(tmp_path: Path) -> None:
    page = "<html><body><p>该项目全年预算数662.77万元，全年执行数16.67万元。</p></body></html>"
    path = tmp_path / "report.doc"
    path.write_text(page, encoding="utf-8")
    doc = parse_file(path).doc
    assert doc.format == "html" and doc.blocks[0].raw.startswith("该项目全年预算数662.77万元")


# -- OCR: scanned PDFs and images ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def scan_parsed():
    # seed 001's PDF rendered at 150 dpi, pages 1 and 4: the budget sentence; the total, grade and scores
    return parse_file(FORMATS / "001_scan_p1p4.pdf")


@pytest.fixture(scope="module")
def scan_record(scan_parsed) -> dict:
    return extract_record(scan_parsed)


def test_scanned_pdf_gives_the_docx_facts(scan_record, docx_facts) -> None:
    rec = scan_record
    assert rec["status"] == "ok" and rec["format"] == "pdf" and rec["ocr_pages"] == [1, 2]
    got = {k: rec["budget"][k]["value"] for k in KEYS} | {k: rec["score"][k]["value"] for k in ("total", "grade")}
    assert got == docx_facts["001"]
    spent = rec["budget"]["spent"]["evidence"]
    assert (spent["quote"], spent["page"], spent["ocr"]) == ("全年执行数16.67万元", 1, True)
    assert 0.5 <= spent["conf"] <= 1
    total = rec["score"]["total"]["evidence"]
    assert (total["quote"], total["page"], total["ocr"]) == ("91.23", 2, True)


def test_scanned_table_is_rebuilt_from_line_boxes(scan_parsed) -> None:
    doc = scan_parsed.doc
    scores = next(b for b in doc.blocks if b.kind == "table" and b.raw.startswith("一级指标\t权重"))
    grid = scores.grid()
    assert grid[0] == ["一级指标", "权重（分）", "得分", "得分率"]
    assert grid[5][:3] == ["合计", "100", "91.23"]
    assert all(c.conf is not None for c in scores.cells if c.text)
    assert scores.page == 2 and scores.ocr


def test_findings_on_ocr_text_say_so(scan_record) -> None:
    quoted = [f for f in scan_record["findings"] if any(e.get("ocr") for e in f["evidence"])]
    assert quoted
    for f in quoted:
        assert f["ocr"] is True and f["message"].endswith("请对照原件核实）")


def test_png_page(docx_facts) -> None:
    rec = extract_record(parse_file(FORMATS / "001_p1.png"))
    assert rec["status"] == "ok" and rec["format"] == "image" and rec["pages"] == 1
    got = {k: rec["budget"][k]["value"] for k in KEYS}
    assert got == {k: docx_facts["001"][k] for k in KEYS}  # page 1 states the budget sentence
    rate = rec["budget"]["execution_rate"]["evidence"]
    assert rate["ocr"] and rate["page"] == 1


def test_mixed_pdf_ocrs_only_the_scanned_page() -> None:
    parsed = parse_file(FORMATS / "mixed.pdf")
    assert parsed.status == "ok" and parsed.doc.ocr_pages == [5]
    assert all(b.ocr is None for b in parsed.doc.blocks if b.page != 5)
    assert any("全年执行数16.67万元" in b.raw for b in parsed.doc.blocks if b.page == 5 and b.ocr)


def test_ocr_page_limit() -> None:
    parsed = parse_file(FORMATS / "001_p1.png", Limits(ocr_page_seconds=0.05))
    assert parsed.error.code == "E_TIMEOUT"


# -- in the batch ---------------------------------------------------------------------------------------


@needs_soffice
def test_batch_workers_read_every_new_format(tmp_path: Path) -> None:
    """Workers cap their address space and run LibreOffice and OCR themselves; each file is a row."""
    import json
    import shutil
    import subprocess
    import sys

    src = tmp_path / "in"
    src.mkdir()
    names = ["001.doc", "001_自评表.xls", "001_p1.png", "truncated.xls", "empty.png"]
    for name in names:
        shutil.copy(FORMATS / name, src / name)
    # `jixiao run` as a user starts it: a fresh process, whose workers are forked before any OCR (this test
    # process has OCR'd, and ONNX Runtime does not survive a fork). One worker: OCR and LibreOffice on a
    # shared 2-core machine are slow enough one at a time.
    cmd = [sys.executable, "-m", "pipeline.cli", "run", str(src), "-o", str(tmp_path / "out"), "--workers", "1", "--no-progress"]
    # the run's own temporary folder, so that other processes on the machine cannot leave profiles in it
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env={**os.environ, "TMPDIR": str(tmp)})
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    recs = {Path(r["file"]).name: r for r in map(json.loads, lines)}
    details = {n: r["error"]["detail"] for n, r in recs.items() if r["error"]}
    assert {n: (r["status"], r["format"] or r["error"]["code"]) for n, r in recs.items()} == {
        "001.doc": ("ok", "doc"),
        "001_自评表.xls": ("ok", "xls"),
        "001_p1.png": ("ok", "image"),
        "truncated.xls": ("error", "E_OFFICE_CORRUPT"),
        "empty.png": ("error", "E_EMPTY"),
    }, details
    assert recs["001_p1.png"]["budget"]["spent"]["value"] == 166700
    assert recs["001.doc"]["budget"]["spent"]["value"] == 166700
    # each worker's LibreOffice profile went with its worker
    assert not list(tmp.glob(f"{office._PROFILE_PREFIX}*"))
