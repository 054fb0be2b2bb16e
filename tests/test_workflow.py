"""The auditor's week: notes typed into the workbook survive reruns, one report is counted once, a file
that is no report is never clean, and a workbook open in Excel is never overwritten.

Real runs (``jixiao run`` through the CLI) over the seed reports in three formats, a meeting note and
devset excerpts; the workbook is edited with openpyxl as an auditor would in Excel.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest
from helpers import BAD, CORPUS, DATA, DEVSET, SEED000, SEED001, altered_copy
from typer.testing import CliRunner

from pipeline.cli import app

MEETING_NOTE = DATA / "workflow" / "会议纪要.txt"


def run(inp: Path, out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["run", str(inp), "-o", str(out), "--no-progress", "--workers", "1", *args])
    return result.exit_code, result.output


def sheet_rows(path: Path, name: str) -> list[dict]:
    wb = openpyxl.load_workbook(path)
    ws = wb[name]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, row)) for row in ws.iter_rows(min_row=2, values_only=True)]


def type_note(book: Path, pick, **cells: str) -> str:
    """Type an auditor's cells (by header) into the first 问题清单 row ``pick(row values by header)`` chooses,
    save the workbook as Excel would, and return that finding's 问题编号."""
    wb = openpyxl.load_workbook(book)
    ws = wb["问题清单"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if pick({h: ws.cell(r, i + 1).value for i, h in enumerate(header)}))
    for name, value in cells.items():
        ws.cell(row, header.index(name) + 1).value = value
    wb.save(book)
    return ws.cell(row, header.index("问题编号") + 1).value


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> Path:
    """Seeds in three formats, a meeting note and two devset excerpts, run once."""
    root = tmp_path_factory.mktemp("week")
    inp = root / "in"
    inp.mkdir()
    for p in sorted(CORPUS.iterdir()):
        shutil.copy(p, inp)
    shutil.copy(MEETING_NOTE, inp)
    shutil.copy(BAD / "text_named.docx", inp)
    for d in ("D009", "D011"):
        shutil.copy(DEVSET / "reports" / f"{d}.txt", inp)
    code, output = run(inp, root / "out")
    assert code == 0, output
    return root


# ------------------------------------------------------------------------------ one report, counted once


def test_seed_in_three_formats_is_one_report_in_every_count(first_run: Path) -> None:
    out = first_run / "out"
    book = out / "discrepancies.xlsx"
    summary = {Path(r["文件"]).name: r for r in sheet_rows(book, "报告汇总")}
    for seed in (SEED000, SEED001):
        rep = summary[seed.name + ".docx"]  # the richest reading: DOCX keeps the tables
        assert rep["同一报告"].startswith("本文件为准")
        for ext in (".pdf", ".txt"):
            other = summary[seed.name + ext]
            assert other["同一报告"].startswith("与 ")
            assert other["同一报告"].endswith(f"{seed.name}.docx 为同一报告（以其为准）")
    assert all(summary[seed.name + ext]["警告"] is None for seed in (SEED000, SEED001) for ext in (".pdf", ".txt"))
    assert summary[SEED001.name + ".docx"]["警告"] >= 1
    findings = sheet_rows(book, "问题清单")
    files = {Path(r["文件"]).name for r in findings}
    assert not any(f.endswith((".pdf", ".txt")) and f.startswith(("000_", "001_")) for f in files)
    keys = [r["问题编号"] for r in findings]
    assert len(keys) == len(set(keys))

    con = duckdb.connect(str(out / "corpus.duckdb"), read_only=True)
    # the README's question (a): 优 with less than 60% spent: the seed 001 once, and the excerpt D009
    rows = con.execute(
        "SELECT d.file FROM documents d JOIN scores s USING (file) WHERE s.grade = '优' AND d.rate < 60 "
        "AND d.duplicate_of IS NULL AND d.same_report_as IS NULL"
    ).fetchall()
    assert sorted(Path(r[0]).name for r in rows) == [SEED001.name + ".docx", "D009.txt"]
    n_counted = con.execute("SELECT count(*) FROM findings WHERE counted").fetchone()[0]
    assert n_counted == len(findings)
    overview = sheet_rows(book, "汇总")
    linked = next(r for r in overview if r["项目"] == "同一报告的其他文件（不重复计数）")
    assert linked["错误"] == 4  # the 份数 column: two seeds, two other formats each


def test_meeting_note_is_not_a_clean_report(first_run: Path) -> None:
    summary = {Path(r["文件"]).name: r for r in sheet_rows(first_run / "out" / "discrepancies.xlsx", "报告汇总")}
    note = summary[MEETING_NOTE.name]
    assert note["状态"] == "非报告 (not_report)"
    assert note["错误代码"] == "E_NOT_A_REPORT"
    assert "未识别出绩效自评报告内容" in note["错误说明"]
    lying = summary["text_named.docx"]
    assert lying["状态"] == "正常 (ok)"  # read whole, by its bytes
    con = duckdb.connect(str(first_run / "out" / "corpus.duckdb"), read_only=True)
    assert con.execute("SELECT status, error_code FROM documents WHERE file LIKE '%会议纪要.txt'").fetchall() == [
        ("not_report", "E_NOT_A_REPORT")
    ]


def test_extension_that_lies_is_read_by_its_bytes_with_a_warning() -> None:
    from pipeline.parse import parse_file
    from pipeline.record import extract_record

    rec = extract_record(parse_file(BAD / "text_named.docx"))
    assert rec["format"] == "txt" and rec["status"] == "ok"
    assert [w["code"] for w in rec["warnings"]] == ["W_EXTENSION_MISMATCH"]  # like every warning: a code and a message
    assert "扩展名为.docx" in rec["warnings"][0]["message"] and "纯文本" in rec["warnings"][0]["message"]


# --------------------------------------------------------------------------------------- reviews survive


def test_notes_survive_a_rerun_after_adding_a_report(first_run: Path, tmp_path: Path) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(first_run / "in", inp)
    shutil.copytree(first_run / "out", out)
    book = out / "discrepancies.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb["问题清单"]
    header = [c.value for c in ws[1]]
    col = {h: header.index(h) + 1 for h in ("问题编号", "复核状态", "复核意见", "复核人")}
    typed: dict[str, tuple[str, str, str]] = {}
    states = ["属实", "不属实", "已整改"]
    for r in range(2, ws.max_row + 1):
        key = ws.cell(r, col["问题编号"]).value
        note = (states[r % 3], f"已核对原文第{r}处，意见：{'同意' if r % 2 else '不同意'}", "张审计" if r % 2 else "李复核")
        for h, v in zip(("复核状态", "复核意见", "复核人"), note):
            ws.cell(r, col[h]).value = v
        typed[key] = note
    wb.save(book)
    assert len(typed) >= 10

    shutil.copy(DEVSET / "reports" / "D013.txt", inp)  # a new report arrives
    code, output = run(inp, out)
    assert code == 0, output
    assert f"reviews carried from the previous workbook: {len(typed)}" in output

    rows = sheet_rows(book, "问题清单")
    got = {r["问题编号"]: (r["复核状态"], r["复核意见"], r["复核人"]) for r in rows}
    assert {k: got[k] for k in typed} == typed  # every note on every finding that still exists
    new = [r for r in rows if r["文件"].endswith("D013.txt")]
    assert new and all(r["复核状态"] == "待核" and r["复核意见"] is None for r in new)
    assert sheet_rows(book, "已消失的问题") == []
    backups = list((out / "backups").glob("discrepancies-*.xlsx"))
    assert len(backups) == 1
    assert {r["问题编号"]: r["复核意见"] for r in sheet_rows(backups[0], "问题清单")} == {
        k: v[1] for k, v in typed.items()
    }
    con = duckdb.connect(str(out / "corpus.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM reviews WHERE present AND note IS NOT NULL").fetchone()[0] == len(typed)


def test_a_note_whose_finding_disappeared_is_kept(tmp_path: Path) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    inp.mkdir()
    report = shutil.copy(DEVSET / "reports" / "D011.txt", inp)  # 87.5 graded 优 under its own bands
    assert run(inp, out)[0] == 0
    book = out / "discrepancies.xlsx"
    key = type_note(book, lambda row: row["检查编号"] == "GRADE-BAND", 复核意见="等级应为良，已通知单位更正", 复核人="王审计", 复核状态="属实")

    # the unit corrects its grade: the finding is gone, the note is not
    fixed = altered_copy(Path(report), tmp_path, [("评价等级为“优”", "评价等级为“良”")])
    shutil.move(fixed, report)
    code, output = run(inp, out)
    assert code == 0, output
    gone = sheet_rows(book, "已消失的问题")
    assert [(r["问题编号"], r["复核意见"], r["复核人"], r["复核状态"]) for r in gone] == [
        (key, "等级应为良，已通知单位更正", "王审计", "属实")
    ]
    assert "不再出现" in gone[0]["原因"]
    # and it stays there on the next run
    assert run(inp, out, "--fresh")[0] == 0
    assert [r["复核意见"] for r in sheet_rows(book, "已消失的问题")] == ["等级应为良，已通知单位更正"]
    con = duckdb.connect(str(out / "corpus.duckdb"), read_only=True)
    assert con.execute("SELECT key, present FROM reviews").fetchall() == [(key, False)]


@pytest.mark.parametrize("lock", ["~$discrepancies.xlsx", ".~lock.discrepancies.xlsx#"])
def test_a_workbook_open_in_excel_is_never_overwritten(first_run: Path, tmp_path: Path, lock: str) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(first_run / "in", inp)
    shutil.copytree(first_run / "out", out)
    book = out / "discrepancies.xlsx"
    type_note(book, lambda row: True, 复核意见="尚未保存到jixiao的意见")
    (out / lock).write_bytes(b"\x0cExcel user")  # what Excel/WPS or LibreOffice keep while the file is open
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    shutil.copy(DEVSET / "reports" / "D013.txt", inp)

    code, output = run(inp, out)
    assert code == 2
    assert "正在被 Excel/WPS 打开" in output and "本次未写入任何文件" in output
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before

    (out / lock).unlink()  # closed: the run goes on and keeps the note
    code, output = run(inp, out)
    assert code == 0, output
    notes = [r["复核意见"] for r in sheet_rows(book, "问题清单") if r["复核意见"]]
    assert notes == ["尚未保存到jixiao的意见"]


def test_notes_from_a_workbook_written_before_keys_existed(tmp_path: Path) -> None:
    """The previous release's workbook had no 问题编号 and the id in 检查项: its notes still carry over."""
    inp, out = tmp_path / "in", tmp_path / "out"
    inp.mkdir()
    shutil.copy(DEVSET / "reports" / "D011.txt", inp)
    assert run(inp, out)[0] == 0
    book = out / "discrepancies.xlsx"
    rows = sheet_rows(book, "问题清单")
    band = next(r for r in rows if r["检查编号"] == "GRADE-BAND")
    old = openpyxl.Workbook()
    ws = old.active
    ws.title = "问题清单"
    ws.append(["文件", "检查项", "说明", "原文摘录", "复核意见", "复核人"])
    ws.append([band["文件"], "GRADE-BAND", "[GRADE-BAND] " + band["说明"], band["原文摘录"], "旧版意见", "赵"])
    old.save(book)
    assert run(inp, out)[0] == 0
    after = next(r for r in sheet_rows(book, "问题清单") if r["问题编号"] == band["问题编号"])
    assert (after["复核意见"], after["复核人"]) == ("旧版意见", "赵")


# ------------------------------------------------------------------------------------ a workbook for people


def test_workbook_prints_on_a4_landscape_and_reads_in_its_units(first_run: Path) -> None:
    wb = openpyxl.load_workbook(first_run / "out" / "discrepancies.xlsx")
    ws = wb["问题清单"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    # fit to one page wide (1 is the file format's default, left out), any number of pages long
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"  # the header row repeats on every printed page
    [dv] = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"待核,属实,不属实,已整改"'
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2)]
    amounts = next(r for r in rows if r["检查编号"].value == "NARR-AMOUNTS")
    assert amounts["报告所述"].value == "662.77万元、16.67万元、16.67万元"
    assert amounts["检查项"].value == "同一金额或比率在报告各处所述不一致"
    assert all(not r["说明"].value.startswith("[") for r in rows)
    assert all("rulebook" not in r["依据"].value and "issue" not in r["依据"].value for r in rows)
    long = max(rows, key=lambda r: len(r["说明"].value))
    assert ws.row_dimensions[long["说明"].row].height >= 2 * 13.5  # wrapped text shows in full
    assert long["说明"].alignment.wrap_text
    summary = wb["报告汇总"]
    sheader = [c.value for c in summary[1]]
    assert "评分方案" in sheader
    profiles = {r[sheader.index("文件")]: r[sheader.index("评分方案")] for r in summary.iter_rows(min_row=2, values_only=True)}
    assert any(p and "national" in p for p in profiles.values())
    assert wb["汇总"]._charts  # the grade × execution band chart


def test_csv_writes_the_same_tables_with_a_bom(first_run: Path, tmp_path: Path) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(first_run / "in", inp)
    code, output = run(inp, out, "--csv", "--min-severity", "warning")
    assert code == 0, output
    raw = (out / "csv" / "问题清单.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("文件,单位,项目,年度,检查项,检查编号,严重程度,说明")
    findings = sheet_rows(out / "discrepancies.xlsx", "问题清单")
    assert {r["严重程度"] for r in findings} <= {"错误", "警告"}
    import csv

    with open(out / "csv" / "问题清单.csv", encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == len(findings)


# ------------------------------------------------------------------------------------------ command line


def test_progress_bar_fits_80_columns() -> None:
    import io

    from rich.console import Console

    from pipeline.batch.progress import Progress, stats
    from pipeline.batch.summary import RunSummary

    buf = io.StringIO()
    console = Console(file=buf, width=80, force_terminal=True, color_system=None)
    summary = RunSummary(out=Path("."), error=123, findings={"error": 4567, "warning": 12345, "info": 8901})
    bar = Progress(10_000, True, console=console)
    bar.update(9_999, stats(summary, 9_999), force=True)
    bar.stop()
    import re

    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buf.getvalue())
    lines = [ln for ln in text.replace("\r", "\n").split("\n") if ln.strip()]
    last = lines[-1]
    assert "9999/10000" in last and "E4567" in last and "W12345" in last and "I8901" in last
    assert len(last) <= 80


def test_check_ends_with_a_summary_line_and_run_says_it_is_starting(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(SEED001) + ".txt", str(MEETING_NOTE), "--min-severity", "warning"])
    assert result.exit_code == 0
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("2 files: 1 ok, 0 partial, 0 error, 1 not a report; findings: 0 error, ")
    assert "E_NOT_A_REPORT" in result.output
    assert "0 info" in last  # --min-severity warning


def test_help_is_in_english_and_chinese() -> None:
    for args in (["--help"], ["run", "--help"], ["check", "--help"], ["sql", "--help"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0
        assert "Usage" in result.output and any("\u4e00" <= ch <= "\u9fff" for ch in result.output), args


def test_sql_queries_the_corpus(first_run: Path) -> None:
    db = first_run / "out" / "corpus.duckdb"
    result = CliRunner().invoke(
        app, ["sql", str(db), "SELECT count(*) AS n FROM documents WHERE same_report_as IS NULL AND duplicate_of IS NULL", "--csv"]
    )
    assert result.exit_code == 0, result.output
    # two seeds, D009, D011, the meeting note, text_named.docx
    assert result.output.splitlines() == ["n", "6"]


def test_a_near_identical_resubmission_is_linked_and_other_reports_are_not(tmp_path: Path) -> None:
    from pipeline import same_report
    from pipeline.parse import parse_file
    from pipeline.record import extract_record

    original = DEVSET / "reports" / "D011.txt"
    resubmitted = altered_copy(original, tmp_path, [("评价等级为“优”", "评价等级为“良”")])
    paths = [original, resubmitted, DEVSET / "reports" / "D009.txt", DEVSET / "reports" / "D013.txt"]
    recs = [extract_record(parse_file(p)) for p in paths]
    for r in recs:
        r["duplicate_of"] = None
    assert recs[0]["fingerprint"]["text"] != recs[1]["fingerprint"]["text"]
    assert same_report.link(recs) == 1
    linked = {Path(r["file"]).name: r["same_report_as"] for r in recs}
    # one of the two submissions stands for the report; the other names it; different reports stay apart
    assert sorted(v is None for v in (linked["D011.txt"], linked["D011_altered.txt"])) == [False, True]
    assert linked["D009.txt"] is None and linked["D013.txt"] is None


def test_a_note_on_a_finding_hidden_by_min_severity_is_kept_and_comes_back(tmp_path: Path) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    inp.mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), inp)
    assert run(inp, out)[0] == 0
    book = out / "discrepancies.xlsx"
    key = type_note(book, lambda row: row["严重程度"] == "提示", 复核意见="提示项，暂不处理")

    assert run(inp, out, "--min-severity", "warning")[0] == 0
    assert all(r["严重程度"] != "提示" for r in sheet_rows(book, "问题清单"))
    [kept] = sheet_rows(book, "已消失的问题")
    assert (kept["问题编号"], kept["复核意见"]) == (key, "提示项，暂不处理") and "仍存在" in kept["原因"]

    assert run(inp, out)[0] == 0  # all severities again: the note is back on its finding
    back = next(r for r in sheet_rows(book, "问题清单") if r["问题编号"] == key)
    assert back["复核意见"] == "提示项，暂不处理"
    assert sheet_rows(book, "已消失的问题") == []
