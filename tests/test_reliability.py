"""Reliability: every stage total on any input, interrupted records that say so, writers that never fail
the batch, every path a row, outputs that survive a kill or a full disk, and outputs that stay inert.

The bad files are made by scripts/make_bad.py (``reliability``); most were found by scripts/fuzz.py.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest
from typer.testing import CliRunner

from helpers import BAD, ROOT, SEED000, SEED001
from pipeline import cache as cachemod
from pipeline import ruleset
from pipeline.batch import inputs as inputsmod
from pipeline.batch import writers as writersmod
from pipeline.batch.errors import RunError
from pipeline.batch.outdir import OutDir
from pipeline.batch.runner import run
from pipeline.checks.base import REGISTRY
from pipeline.cli import app
from pipeline.errors import ReadError
from pipeline.parse import parse_file
from pipeline.record import _quoted_blocks, extract_record

GBK_NAME = os.fsdecode("报告".encode("gbk") + b".txt")  # as unzip leaves names from Chinese Windows zips


def record(name: str) -> dict:
    rec = extract_record(parse_file(BAD / name))
    json.dumps(rec, ensure_ascii=False).encode("utf-8")  # every record can be written as UTF-8
    return rec


def warning_codes(rec: dict) -> list[str]:
    return [w["code"] for w in rec.get("warnings") or []]


# ------------------------------------------------------------------------------------ 1. totality


@pytest.mark.parametrize("name", ["long_number.txt", "long_number.docx"])
def test_a_number_of_thousands_of_digits_is_no_figure_and_no_crash(name: str) -> None:
    rec = record(name)
    assert rec["status"] == "partial" and rec["error"] is None
    assert warning_codes(rec) == ["W_NUMBER_TOO_LONG"]
    assert "超长的数字" in rec["warnings"][0]["message"]
    assert rec["meta"]["kind"] == "self-report"  # the rest of the report is read as before
    assert rec["meta"]["project"] == "国有企业退休人员社会化管理专项补助资金"
    counts = rec["score"].get("counts") or {}
    assert all(len(str(v.get("value") if isinstance(v, dict) else v)) < 100 for v in counts.values())


def test_a_figure_past_any_budget_is_dropped_with_a_warning() -> None:
    rec = record("overlong_figure.txt")
    assert rec["status"] == "partial" and rec["error"] is None
    assert warning_codes(rec) == ["W_VALUE_DROPPED"]
    output = next(d for d in rec["score"]["dimensions"] if d["name"] == "产出")
    assert output["weight"]["value"] == 40 and output["score"] is None
    assert "incomplete" not in rec  # the checks all ran


def test_a_lone_surrogate_in_a_docx_symbol_is_replaced() -> None:
    parsed = parse_file(BAD / "surrogate_sym.docx")
    assert parsed.error is None
    assert parsed.doc.blocks[-1].raw == "符号\ufffd"  # D800: replaced one for one; 110000: no character at all
    assert not any("\ud800" <= ch <= "\udfff" for b in parsed.doc.blocks for ch in b.raw)
    rec = record("surrogate_sym.docx")
    assert rec["status"] == "ok" and rec["meta"]["project"] == "国有企业退休人员社会化管理专项补助资金"


def test_two_damaged_bytes_cost_two_characters_not_the_report() -> None:
    rec = record("damaged_bytes.txt")
    intact = extract_record(parse_file(SEED000.with_suffix(".txt")))
    assert rec["status"] == "partial" and rec["error"] is None and rec["encoding"] == "utf-8"
    assert warning_codes(rec) == ["W_TXT_DAMAGED_BYTES"]
    message = rec["warnings"][0]["message"]
    assert message.startswith("文本中有") and "个字节已损坏" in message and "行" in message
    assert rec["meta"] == intact["meta"]
    assert rec["budget"]["full_year"]["value"] == intact["budget"]["full_year"]["value"]


def test_a_gbk_report_is_still_read_as_gbk_not_as_damaged_utf8() -> None:
    rec = record("gbk.txt")
    assert rec["encoding"] == "gb18030" and not warning_codes(rec)


def test_a_zip_claiming_a_future_version_is_a_corrupt_docx() -> None:
    rec = record("zip_version.docx")
    assert rec["status"] == "error" and rec["error"]["code"] == "E_DOCX_CORRUPT"


@pytest.mark.parametrize("name", ["xobject_cycle.pdf", "parent_cycle.pdf"])
def test_pdf_reference_cycles_are_cut(name: str) -> None:
    parsed = parse_file(BAD / name)
    assert parsed.error is None
    text = " ".join(b.raw for b in parsed.doc.blocks)
    assert "Budget 662.77" in text
    rec = record(name)
    assert rec["error"]["code"] == "E_NOT_A_REPORT"  # English test text: read, but no report


def test_external_relationships_are_never_followed() -> None:
    rec = record("external_rels.docx")
    assert rec["status"] == "ok"
    text = json.dumps(rec, ensure_ascii=False)
    assert "root:" not in text and "example.invalid" not in text and "javascript:" not in text


# spreadsheets and web pages (the fuzzer's XLSX, ODS, BIFF and HTML mutations)


def test_a_merge_over_the_whole_sheet_is_set_aside_and_the_cells_read() -> None:
    # "A20:XFD1048576": openpyxl lays a merge out cell by cell and never returned
    rec = record("huge_merge.xlsx")
    assert rec["status"] == "partial" and warning_codes(rec) == ["W_SHEET_MERGES_TOO_LARGE"]
    assert "xl/worksheets/sheet1.xml" in rec["warnings"][0]["message"]
    budget = rec["budget"]
    assert (budget["initial"]["value"], budget["initial"]["evidence"]["cell"]) == (6627700, "自评表!C6")
    assert budget["spent"]["value"] == 166700


def test_a_cell_in_a_far_row_leaves_its_sheet_out_not_the_workbook() -> None:
    # calamine lays a sheet out from A1 to its farthest cell: row 99,999,999,999 asked for 2.4 TB and the
    # allocation aborted the worker
    rec = record("far_cell.xlsx")
    assert rec["status"] == "partial" and rec["error"] is None
    assert warning_codes(rec) == ["W_SHEET_TOO_LARGE"]
    assert rec["warnings"][0]["message"].startswith("工作表指标的单元格范围过大")
    assert [s["name"] for s in rec["sheets"]] == ["自评表", "综合评分表", "填表说明"]
    budget = rec["budget"]
    assert (budget["initial"]["value"], budget["initial"]["evidence"]["cell"]) == (6627700, "自评表!C6")
    assert budget["spent"]["value"] == 166700


def test_numbers_no_float_holds_are_read_as_the_cell_shows_them() -> None:
    # 1E+309 (inf) and 1E+300 formatted 0.00%: decimal.InvalidOperation in cell_text, E_INTERNAL
    parsed = parse_file(BAD / "huge_numbers.xlsx")
    cells = {c.ref: c.text for b in parsed.doc.blocks for c in b.cells or [] if b.loc["sheet"] == "自评表"}
    assert cells["C8"] == "inf"
    assert cells["D8"] == "1" + "0" * 300  # plain digits: a damaged cell is not rounded into a percentage
    rec = record("huge_numbers.xlsx")
    assert rec["status"] == "partial" and warning_codes(rec) == ["W_NUMBER_TOO_LONG"]
    assert rec["budget"]["initial"]["value"] == 6627700 and rec["budget"]["spent"]["value"] == 166700


@pytest.mark.parametrize("name, detail", [
    # the directory's sector chain looping: calamine gathered sectors until the kernel killed it (24 GB)
    ("fat_loop.xls", "the sector chain of directory loops back on itself"),
    # DIMENSIONS with rows 5..4: calamine reserved petabytes and aborted
    ("dimensions.xls", "cell records or DIMENSIONS reach 281474976710656 cells"),
    # an .et cut at byte 10,498: calamine's OLE2 reader panics (PanicException derives from BaseException)
    ("truncated.et", "PanicException: range end index 64 out of range"),
    # uniqueCount="99999999999": calamine reserved 24 bytes per claimed string and aborted
    ("sst_count.xlsx", "the shared strings claim 99999999999 entries the part does not hold"),
])
def test_a_damaged_legacy_workbook_is_corrupt_not_a_dead_worker(name: str, detail: str) -> None:
    rec = record(name)
    assert rec["status"] == "error" and rec["error"]["code"] == "E_SHEET_CORRUPT"
    assert rec["error"]["detail"].startswith(detail)


def test_a_workbook_xlrd_complains_about_keeps_stdout_for_the_records() -> None:
    # xf records naming colour 0x5c: xlrd printed "*** xf #26 …" into `jixiao parse`'s JSON Lines
    result = CliRunner().invoke(app, ["extract", os.fspath(BAD / "odd_colours.xls"), os.fspath(BAD / "gbk.txt")])
    assert result.exit_code == 0
    recs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(Path(r["file"]).name, r["status"]) for r in recs] == [("odd_colours.xls", "ok"), ("gbk.txt", "ok")]
    assert recs[0]["budget"]["initial"]["value"] == 6627700


def test_table_spans_past_the_table_are_clipped_as_a_browser_does() -> None:
    # 100 cells of rowspan="1000" colspan="1000": 100 million grid positions, 23 s (MemoryError under a limit)
    parsed = parse_file(BAD / "spans.html")
    table = next(b for b in parsed.doc.blocks if b.cells)
    spanned = [c for c in table.cells if c.row == 1]
    assert len(spanned) == 100 and {(c.rowspan, c.colspan) for c in spanned} == {(2, 1000)}  # to the table's end
    assert [(c.row, c.col, c.text) for c in table.cells if c.row == 2] == [(2, 100000, "合计"), (2, 100001, "662.77")]
    rec = record("spans.html")
    assert rec["status"] == "ok" and rec["budget"]["execution_rate"]["value"] == 2.52


def test_merged_cells_cover_ranges_not_grid_positions() -> None:
    # a page of 100 such tables (the fuzzer's long line of spans.html) took 94 s to lay out, one grid
    # position at a time; a merged cell now costs one column range per row below it
    from pipeline.document import table_block

    rows = [[("项目", 2, 1), ("预算", 1, 1000), ("执行", 1, 1)], [("年初", 1, 1), ("全年", 3, 2)], [("a", 1, 1), ("b", 1, 1)]]
    block = table_block(0, rows)
    assert [(c.row, c.col, c.text) for c in block.cells] == [
        (0, 0, "项目"), (0, 1, "预算"), (0, 1001, "执行"), (1, 1, "年初"), (1, 2, "全年"), (2, 0, "a"), (2, 1, "b")]
    # overlapping spans from a malformed table (two cells claim column 1 of the last row) still place left to right
    rows = [[("x", 3, 2), ("y", 1, 1)], [("z", 2, 3)], [("w", 1, 1)]]
    assert [(c.row, c.col) for c in table_block(0, rows).cells] == [(0, 0), (0, 2), (1, 2), (2, 5)]


def test_a_table_left_open_at_the_end_of_a_page_is_read_not_dropped() -> None:
    # a page cut short before </table>: the table's text was lost without a word, and the record was ok
    parsed = parse_file(BAD / "unclosed_table.html")
    table = parsed.doc.blocks[-1]
    assert table.kind == "table" and table.grid()[-2:] == [["合计", "100", "91.23", "—"], ["评价等级", "优", None, None]]
    rec = record("unclosed_table.html")
    assert rec["status"] == "ok"
    assert [(d["name"], d["weight"]["value"], d["score"]["value"]) for d in rec["score"]["dimensions"]] == [
        ("决策", 20, 20), ("过程", 20, 16.1), ("产出", 40, 35.13), ("效益", 20, 20)]
    assert (rec["score"]["total"]["value"], rec["score"]["grade"]["value"]) == (91.23, "优")


# --------------------------------------------------------------------- 2. interrupted records say so


def _stop(exc: BaseException):
    def check(ctx, rule):
        raise exc
        yield  # a generator, like the real checks

    return check


def test_a_time_limit_inside_the_checks_is_never_ok(monkeypatch) -> None:
    monkeypatch.setitem(REGISTRY, "GRADE-BAND", _stop(ReadError("E_TIMEOUT", "reading took longer than 1 s")))
    rec = extract_record(parse_file(SEED000.with_suffix(".txt")))
    assert rec["status"] == "partial" and rec["error"]["code"] == "E_CHECKS_INCOMPLETE"
    inc = rec["incomplete"]
    assert (inc["stage"], inc["reason"]) == ("checks", "time")
    assert inc["not_run"][0] == "GRADE-BAND" and "META-YEAR-CONFLICT" in inc["not_run"]
    assert "ARITH-EXEC-RATE" not in inc["not_run"]  # ran before the clock fired
    assert rec["error"]["message"].startswith("一致性检查未能完成（超过单份文件的时间上限）")


def test_a_crashing_check_is_named_and_the_others_still_run(monkeypatch) -> None:
    before = extract_record(parse_file(SEED000.with_suffix(".txt")))
    monkeypatch.setitem(REGISTRY, "GRADE-BAND", _stop(ValueError("a bug")))
    rec = extract_record(parse_file(SEED000.with_suffix(".txt")))
    assert rec["status"] == "partial" and rec["error"]["code"] == "E_CHECKS_INCOMPLETE"
    assert rec["incomplete"]["reason"] == "crash" and rec["incomplete"]["not_run"] == ["GRADE-BAND"]
    kept = [f["check"] for f in rec["findings"]]
    assert kept == [f["check"] for f in before["findings"] if f["check"] != "GRADE-BAND"]


def test_memory_running_out_in_extraction_is_never_not_a_report(monkeypatch) -> None:
    import pipeline.extract

    def boom(doc):
        raise MemoryError

    monkeypatch.setattr(pipeline.extract, "extract_document", boom)
    rec = extract_record(parse_file(SEED000.with_suffix(".txt")))
    assert rec["status"] == "partial" and rec["error"]["code"] == "E_CHECKS_INCOMPLETE"
    assert (rec["incomplete"]["stage"], rec["incomplete"]["reason"]) == ("extraction", "memory")
    assert {"GRADE-BAND", "ARITH-EXEC-RATE", "META-YEAR-CONFLICT"} <= set(rec["incomplete"]["not_run"])
    assert rec["findings"] == []


# -------------------------------------------------------------------------- 3. writers never fail


def test_the_corpus_writer_drops_a_value_it_cannot_hold_and_keeps_the_batch(tmp_path, monkeypatch) -> None:
    from pipeline.outputs import corpus

    good = extract_record(parse_file(SEED000.with_suffix(".txt")))
    bad = extract_record(parse_file(SEED001.with_suffix(".txt")))
    bad["budget"]["spent"]["value"] = 10**5000  # no DECIMAL(18,4), and quantize would raise on it
    odd = dict(good, file="odd.txt")
    real = corpus._indicators

    def indicators(rec):  # a record the writer cannot turn into rows, whatever the reason
        if rec.get("file") == "odd.txt":
            raise ValueError("cannot write this record")
        return real(rec)

    monkeypatch.setattr(corpus, "_indicators", indicators)
    path = corpus.write([good, bad, odd], tmp_path)
    con = duckdb.connect(os.fspath(path), read_only=True)
    docs = dict(con.execute("SELECT file, spent FROM documents").fetchall())
    assert docs[good["file"]] == Decimal(str(good["budget"]["spent"]["value"])).quantize(Decimal("0.0001"))
    assert docs[bad["file"]] is None
    assert "odd.txt" in docs
    note = con.execute("SELECT error_message FROM documents WHERE file = 'odd.txt'").fetchone()[0]
    assert "无法写入数据库" in note
    assert con.execute("SELECT count(*) FROM findings WHERE file = ?", [good["file"]]).fetchone()[0] == len(good["findings"])


def test_text_from_a_report_stays_inert_in_every_output(tmp_path) -> None:
    from pipeline.outputs import html, tables_csv, xlsx

    parsed = parse_file(BAD / "hostile_text.txt")
    rec = extract_record(parsed)
    # quote every block, so the page shows all of the report's text
    rec["findings"].append({
        "check": "COMP-SIGNOFF", "severity": "info", "message": "[COMP-SIGNOFF] =HYPERLINK(\"http://x\")",
        "expected": "=1+1", "stated": "@SUM(A1)", "grade_changing": False, "source": None,
        "evidence": [{"quote": b.raw, "page": None, "block": b.index, "start": 0, "end": len(b.raw)}
                     for b in parsed.doc.blocks],
    })
    rec["evidence_blocks"] = _quoted_blocks(rec, parsed)
    rec["meta"]["project"] = "=HYPERLINK(\"http://example.invalid\")"
    from pipeline.outputs.review import assign_keys

    assign_keys([rec])
    html.write([rec], tmp_path / "report.html")
    pages = [p.read_text(encoding="utf-8") for p in (tmp_path / "report-pages").glob("*.html")]
    page = pages[0] + (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert 'href="javascript:' not in page and 'href="file:///etc' not in page
    xlsx.write([rec], tmp_path / "discrepancies.xlsx")
    book = openpyxl.load_workbook(tmp_path / "discrepancies.xlsx")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith(("=", "@"))]
    assert cells and all(c.data_type == "s" for c in cells)  # shown as text, never computed
    tables_csv.write([rec], tmp_path / "csv")
    rows = [r for p in (tmp_path / "csv").glob("*.csv") for r in csv.reader(p.open(encoding="utf-8-sig"))]
    texts = [c for r in rows for c in r]
    assert "'=HYPERLINK(\"http://example.invalid\")" in texts
    assert not any(c.startswith(("=", "+", "@")) for c in texts)


# --------------------------------------------------------------------------- 5. every path a row


@pytest.fixture()
def pinned(monkeypatch):
    monkeypatch.setattr(writersmod, "WRITERS", ())
    monkeypatch.setattr(cachemod, "code_version", lambda: "0.0.0+test")
    monkeypatch.setattr(ruleset, "version", lambda rules_dir=None: "rules-test")


def odd_tree(root: Path) -> Path:
    src = root / "in"
    (src / "sub").mkdir(parents=True)
    (src / "locked").mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")
    shutil.copy(SEED001.with_suffix(".txt"), os.path.join(os.fsencode(src), os.fsencode(GBK_NAME)))
    shutil.copy(SEED001.with_suffix(".txt"), src / "locked" / "hidden_by_permissions.txt")
    os.mkfifo(src / "pipe.txt")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(os.fspath(src / "sock.txt"))  # the socket file stays after the socket is closed
    (src / "passwd.txt").symlink_to("/etc/passwd")
    (src / "dangling.txt").symlink_to(src / "nothing.txt")
    (src / "loop1").symlink_to(src / "loop2")
    (src / "loop2").symlink_to(src / "loop1")
    (src / "sub" / "up").symlink_to(src)
    (src / "sub" / "to_a.txt").symlink_to(src / "a.txt")  # inside: read, a duplicate of a.txt
    return src


def lock(monkeypatch, folder: Path) -> None:
    """An unreadable folder (tests run as root in CI, where chmod 000 stops nothing)."""
    real = os.scandir

    def scandir(path):
        if isinstance(path, (str, os.PathLike)) and os.fspath(path) == os.fspath(folder):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(inputsmod.os, "scandir", scandir)


def test_every_path_the_walk_meets_gets_a_row_or_a_log_line(tmp_path, pinned, monkeypatch) -> None:
    src = odd_tree(tmp_path)
    lock(monkeypatch, src / "locked")
    summary = run([src], tmp_path / "out", workers=1, progress=False)
    recs = {r["file"]: r for r in map(json.loads, (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8").splitlines())}
    code = {Path(f).name: (r["error"] or {}).get("code") for f, r in recs.items()}
    assert code == {
        "a.txt": None,
        "报告.txt".encode("gbk").decode("utf-8", "replace"): None,
        "locked": "E_FOLDER_UNREADABLE",
        "pipe.txt": "E_NOT_REGULAR_FILE",
        "sock.txt": "E_NOT_REGULAR_FILE",
        "passwd.txt": "E_SYMLINK_OUTSIDE",
        "dangling.txt": "E_SYMLINK_BROKEN",
        "loop1": "E_SYMLINK_BROKEN",
        "loop2": "E_SYMLINK_BROKEN",
        "to_a.txt": None,
    }
    assert recs[str(src / "sub" / "to_a.txt")]["duplicate_of"] == str(src / "a.txt")
    assert summary.files == 10 and summary.error == 7
    log = (tmp_path / "out" / "run.log").read_text(encoding="utf-8")
    assert "skipped " + str(src / "sub" / "up") + ": a folder already read" in log
    assert "root:" not in (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8")


def test_a_fifo_put_in_place_of_a_listed_file_gets_its_row_without_blocking(tmp_path, pinned, monkeypatch) -> None:
    from pipeline.batch import runner

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")
    shutil.copy(SEED001.with_suffix(".txt"), src / "b.txt")
    real = runner.find_inputs

    def listed_then_swapped(inputs, outdir):
        found = real(inputs, outdir)
        os.unlink(src / "b.txt")  # after the walk judged it a regular file
        os.mkfifo(src / "b.txt")
        return found

    monkeypatch.setattr(runner, "find_inputs", listed_then_swapped)
    summary = run([src], tmp_path / "out", workers=1, progress=False)
    recs = {Path(r["file"]).name: r for r in map(json.loads, (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8").splitlines())}
    assert (recs["a.txt"]["status"], recs["b.txt"]["status"]) == ("ok", "error")
    assert recs["b.txt"]["error"]["code"] == "E_NOT_REGULAR_FILE" and recs["b.txt"]["sha256"] is None
    assert summary.files == 2 and summary.error == 1


def test_single_file_commands_give_one_record_per_file_whatever_happens(tmp_path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    gbk = os.path.join(os.fsencode(src), os.fsencode(GBK_NAME))
    shutil.copy(SEED000.with_suffix(".txt"), gbk)
    os.mkfifo(src / "pipe.txt")
    files = [BAD / "surrogate_sym.docx", BAD / "long_number.txt", Path(os.fsdecode(gbk)), src / "pipe.txt"]
    for command in ("parse", "extract"):
        result = CliRunner().invoke(app, [command, *map(os.fspath, files)])
        assert result.exit_code == 0, result.output
        recs = [json.loads(line) for line in result.stdout.splitlines()]
        assert [Path(r["file"]).name for r in recs] == [
            "surrogate_sym.docx", "long_number.txt", "报告.txt".encode("gbk").decode("utf-8", "replace"), "pipe.txt"]
        assert [r["status"] for r in recs] == ["ok", "partial", "ok", "error"]
        assert recs[3]["error"]["code"] == "E_NOT_REGULAR_FILE"
    result = CliRunner().invoke(app, ["check", *map(os.fspath, files)])
    assert result.exit_code == 0 and result.stdout.splitlines()[-1].startswith("4 files: 2 ok, 1 partial, 1 error")


def test_a_file_a_native_library_dies_on_costs_the_single_file_commands_nothing_else(monkeypatch) -> None:
    # pdfium never returns from this page (it expands a form drawing itself twice until memory runs out):
    # read in the test process it would hang; extract and check read each file in a worker, as run does.
    # (a lower memory cap than the commands' own runs pdfium out of memory sooner: a third of the time, and
    # the seed still reads within it)
    from pipeline import cli

    monkeypatch.setattr(cli, "SINGLE_FILE_MEMORY_MB", 400)
    files = [ROOT / "tests" / "data" / "native" / "xobject_twice.pdf", SEED001.with_suffix(".txt")]
    result = CliRunner().invoke(app, ["extract", *map(os.fspath, files)])
    assert result.exit_code == 0, result.output
    recs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(Path(r["file"]).name, r["status"]) for r in recs] == [("xobject_twice.pdf", "error"), ("001_5c147244ac7a2061.txt", "ok")]
    assert recs[0]["error"]["code"] in ("E_WORKER_CRASH", "E_TOO_LARGE")  # pdfium aborts, or Python's MemoryError
    assert recs[1]["budget"]["initial"]["value"] == 6627700
    result = CliRunner().invoke(app, ["parse", *map(os.fspath, files)])
    recs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in recs] == ["error", "ok"] and recs[1]["blocks"]
    result = CliRunner().invoke(app, ["check", *map(os.fspath, files)])
    assert result.exit_code == 0 and ("E_WORKER_CRASH" in result.stdout or "E_TOO_LARGE" in result.stdout)
    assert result.stdout.splitlines()[-1].startswith("2 files: 1 ok, 0 partial, 1 error")


def test_a_native_library_panicking_in_a_worker_leaves_stderr_clean() -> None:
    # calamine's Rust panic on a cut .et printed its message (a backtrace with RUST_BACKTRACE=1) across
    # the terminal; the record already says E_SHEET_CORRUPT
    env = {**os.environ, "RUST_BACKTRACE": "1"}
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", os.fspath(BAD / "truncated.et")],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0 and done.stderr == ""
    assert json.loads(done.stdout)["error"]["code"] == "E_SHEET_CORRUPT"


def finished_outputs(folder: Path, tag: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus.jsonl").write_text(tag, encoding="utf-8")
    (folder / writersmod.MANIFEST).write_text("{}", encoding="utf-8")
    (folder / ".cache").mkdir()
    (folder / ".cache" / "entry.json").write_text(tag, encoding="utf-8")
    return folder


@pytest.mark.parametrize("killed_after", [0, 1, 2, 3])
def test_a_run_killed_at_any_step_of_the_swap_never_loses_the_previous_outputs(tmp_path, monkeypatch, killed_after) -> None:
    out = OutDir(tmp_path / "out")
    finished_outputs(out.out, "previous")
    stage = out.prepare()
    finished_outputs(stage, "new")
    shutil.rmtree(stage / ".cache")  # the cache lives in the live OUT during a run

    calls = {"n": 0}
    real_rename = os.rename

    def rename(a, b):
        if calls["n"] == killed_after:
            raise SystemExit("killed")  # nothing after this step runs, as after a kill -9
        calls["n"] += 1
        real_rename(a, b)

    def rmtree(path, *args, **kwargs):  # the last step: removing the previous outputs
        raise SystemExit("killed")

    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(shutil, "rmtree", rmtree)
    with pytest.raises(SystemExit):
        out.swap(stage, cache_inside=True)
    monkeypatch.undo()
    # the next run writes its rules' lint mark into OUT/.cache before anything else could stop it
    (out.out / ".cache").mkdir(parents=True, exist_ok=True)
    out.recover()
    kept = (out.out / "corpus.jsonl").read_text(encoding="utf-8")
    assert kept == ("previous" if killed_after < 2 else "new")
    assert (out.out / ".cache" / "entry.json").read_text(encoding="utf-8") == "previous"
    assert not out.old.exists() and not list(tmp_path.glob(".out.jixiao-*"))


def test_a_full_disk_stops_the_run_with_exit_2_and_takes_back_its_cache(tmp_path, pinned, monkeypatch) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")
    monkeypatch.setattr(writersmod, "WRITERS", (("corpus", None),))

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "corpus.duckdb")

    import pipeline.outputs.corpus

    monkeypatch.setattr(pipeline.outputs.corpus, "write", full)
    with pytest.raises(RunError, match="磁盘空间已满.*disk full while writing corpus.duckdb"):
        run([src], tmp_path / "out", workers=1, progress=False)
    assert not [p for p in (tmp_path / "out" / ".cache").rglob("*.json")]
    assert not (tmp_path / "out" / "corpus.jsonl").exists()
    from pipeline.batch.command import run_command
    import typer

    cmd = typer.Typer()
    cmd.command()(run_command)
    result = CliRunner().invoke(cmd, [os.fspath(src), "-o", os.fspath(tmp_path / "out"), "--no-progress", "--workers", "1"])
    assert result.exit_code == 2 and "磁盘空间已满" in result.output


def test_a_full_disk_leaves_the_previous_outputs_and_their_cache_as_they_were(tmp_path, pinned, monkeypatch) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")
    monkeypatch.setattr(writersmod, "WRITERS", (("corpus", None),))
    run([src], tmp_path / "out", workers=1, progress=False)

    def contents(folder: Path) -> dict[str, bytes]:
        return {os.fspath(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    before = contents(tmp_path / "out")
    assert "corpus.jsonl" in before and any(name.startswith(".cache") for name in before)
    shutil.copy(SEED001.with_suffix(".txt"), src / "b.txt")  # a new report: a new cache entry

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "corpus.duckdb")

    import pipeline.outputs.corpus

    monkeypatch.setattr(pipeline.outputs.corpus, "write", full)
    with pytest.raises(RunError, match="磁盘空间已满"):
        run([src], tmp_path / "out", workers=1, progress=False)
    assert contents(tmp_path / "out") == before  # the outputs and the cache entries, byte for byte
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]  # no staging folder left behind


def test_no_link_in_the_outputs_leads_out_of_the_input_folder(tmp_path, monkeypatch) -> None:
    # the row of a symlink to /etc/passwd linked the symlink itself: a click opened /etc/passwd
    monkeypatch.setattr(cachemod, "code_version", lambda: "0.0.0+test")
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")
    (src / "passwd.txt").symlink_to("/etc/passwd")
    run([src], tmp_path / "out", workers=1, progress=False)
    book = openpyxl.load_workbook(tmp_path / "out" / "discrepancies.xlsx")
    targets = {c.value: c.hyperlink.target for ws in book.worksheets for row in ws.iter_rows() for c in row if c.hyperlink}
    assert set(targets) == {os.fspath(src / "a.txt")}
    pages = [p.read_text(encoding="utf-8") for p in (tmp_path / "out" / "report-pages").glob("*.html")]
    hrefs = {h for page in pages for h in re.findall(r'class="open" href="([^"]*)"', page)}
    assert hrefs == {"../../in/a.txt"}


# --------------------------------------------------------------------------------- 4. the fuzzer


def test_the_fuzzer_mutates_every_format_reproducibly_and_a_round_keeps_every_promise(tmp_path, monkeypatch) -> None:
    monkeypatch.syspath_prepend(os.fspath(ROOT / "scripts"))  # the round's own process imports it too
    import random

    import fuzz

    pools = fuzz.seeds()
    assert {Path(s.name).suffix for s in pools["reports"]} == {".txt", ".docx", ".pdf"} and pools["bad"]
    fmts = {s.fmt for pool in pools.values() for s in pool}
    assert {"text", "html", "docx", "pdf", "xlsx", "ods", "xls", "mht", "doc", "odt", "rtf", "image", "scan"} <= fmts
    assert {s.fmt for s in pools["slow"]} == fuzz.SLOW  # LibreOffice and OCR only where they are drawn rarely
    seeds = [s for pool in pools.values() for s in pool]
    first = [fuzz.mutate(random.Random(5), s.data, s.name, s.fmt) for s in seeds]
    again = [fuzz.mutate(random.Random(5), s.data, s.name, s.fmt) for s in seeds]
    assert first == again
    assert {suffix for _, _, suffix in first} >= {".txt", ".docx", ".pdf", ".xlsx", ".xls", ".et", ".ods", ".html", ".mht"}
    hows = {how.split("-")[0] for s in seeds if s.fmt in ("xlsx", "html")
            for how in (fuzz.mutate(random.Random(k), s.data, s.name, s.fmt)[1] for k in range(40))}
    assert {"xlsx", "html"} <= hows  # format-aware, not only bytes flipped
    camp = fuzz.Campaign()
    fast = {k: v for k, v in pools.items() if k != "slow"}
    fuzz.one_round(random.Random(1), fast, 8, tmp_path / "work", tmp_path / "crashes", camp, 120, 1500, 1)
    assert camp.files == 8 and sum(camp.statuses.values()) == 8 and sum(camp.formats.values()) == 8
    assert camp.broken == []


def test_running_out_of_memory_after_the_checks_still_gives_the_record(monkeypatch) -> None:
    # the campaign's 12 MB text of 200,000-character lines: MemoryError past the checks was E_INTERNAL
    import pipeline.fingerprint

    def boom(texts):
        raise MemoryError

    monkeypatch.setattr(pipeline.fingerprint, "of_document", boom)
    rec = extract_record(parse_file(SEED000.with_suffix(".txt")))
    assert rec["status"] == "partial" and rec["error"]["code"] == "E_CHECKS_INCOMPLETE"
    assert (rec["incomplete"]["stage"], rec["incomplete"]["reason"]) == ("extraction", "memory")
    assert rec["fingerprint"] is None and rec["findings"]  # the checks' findings are kept
