"""``jixiao run``: every file once, duplicates, crashes and hangs isolated, atomic outputs, the cache.

Runs go through :func:`pipeline.batch.run` in this process (workers are forked from it) on small folders of
TXT/DOCX copies and broken files; the output writers of other modules are switched off here except where a
test puts its own in, so these tests depend only on the batch engine.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from helpers import BAD, ROOT, SEED000, SEED001
from pipeline import cache as cachemod
from pipeline import ruleset
from pipeline.batch import runner as runmod
from pipeline.batch import writers as writersmod
from pipeline.batch.command import run_command
from pipeline.batch.errors import RunError
from pipeline.batch.outdir import OutDir
from pipeline.batch.runner import run

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_writers(monkeypatch):
    monkeypatch.setattr(writersmod, "WRITERS", ())
    # pinned, so that the cache keys do not move when the tree is edited while the suite runs
    monkeypatch.setattr(cachemod, "code_version", lambda: "0.0.0+test")
    monkeypatch.setattr(ruleset, "version", lambda rules_dir=None: "rules-test")
    for var in ("JIXIAO_TEST_CRASH_ON", "JIXIAO_TEST_HANG_ON"):
        monkeypatch.delenv(var, raising=False)


def cli_app() -> typer.Typer:
    app = typer.Typer()
    app.command()(run_command)
    return app


def make_inputs(root: Path) -> Path:
    """Four reports, one byte-identical copy, five broken files, a hidden file and a hidden folder."""
    src = root / "in"
    (src / "sub").mkdir(parents=True)
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")
    shutil.copy(SEED001.with_suffix(".txt"), src / "b.txt")
    shutil.copy(SEED001.with_suffix(".docx"), src / "sub" / "c.docx")
    shutil.copy(SEED000.with_suffix(".txt"), src / "sub" / "copy_of_a.txt")
    text = SEED000.with_suffix(".txt").read_text(encoding="utf-8")
    (src / "d.txt").write_text(text.replace("2023", "2022", 1), encoding="utf-8")
    for name in ("empty.txt", "random.bin", "legacy.doc", "corrupt_zip.docx", "truncated.pdf"):
        shutil.copy(BAD / name, src / "sub" / name)
    (src / ".hidden.txt").write_text("not a report", encoding="utf-8")
    (src / ".git").mkdir()
    (src / ".git" / "HEAD").write_text("ref: refs/heads/main", encoding="utf-8")
    return src


EXPECTED = {
    "a.txt": ("ok", None),
    "b.txt": ("ok", None),
    "d.txt": ("ok", None),
    "sub/c.docx": ("ok", None),
    "sub/copy_of_a.txt": ("ok", None),
    "sub/corrupt_zip.docx": ("error", "E_DOCX_CORRUPT"),
    "sub/empty.txt": ("error", "E_EMPTY"),
    "sub/legacy.doc": ("error", "E_OFFICE_CORRUPT"),
    "sub/random.bin": ("error", "E_UNKNOWN_FORMAT"),
    "sub/truncated.pdf": ("error", "E_PDF_CORRUPT"),
}


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]


def by_name(recs: list[dict], src: Path) -> dict[str, dict]:
    return {Path(r["file"]).relative_to(src).as_posix(): r for r in recs}


def test_every_file_once_with_status_and_duplicates(tmp_path) -> None:
    src = make_inputs(tmp_path)
    out = tmp_path / "out"
    # the same folder given twice and one of its files again: still one row per file
    summary = run([src, src / "a.txt", src], out, workers=2, progress=False)
    recs = records(out)
    assert [r["file"] for r in recs] == sorted(r["file"] for r in recs)
    got = by_name(recs, src)
    assert set(got) == set(EXPECTED)  # hidden files and folders are not reports
    for name, (status, code) in EXPECTED.items():
        assert got[name]["status"] == status, name
        assert (got[name]["error"] or {}).get("code") == code, name
    assert got["a.txt"]["duplicate_of"] is None and got["a.txt"]["duplicates"] == [
        str(src / "sub/copy_of_a.txt")
    ]
    assert got["sub/copy_of_a.txt"]["duplicate_of"] == str(src / "a.txt")
    assert got["sub/copy_of_a.txt"]["file"] == str(src / "sub/copy_of_a.txt")
    assert got["sub/copy_of_a.txt"]["findings"] == got["a.txt"]["findings"]
    assert all(
        r["duplicate_of"] is None and r["duplicates"] == []
        for n, r in got.items()
        if n not in ("a.txt", "sub/copy_of_a.txt")
    )
    assert (summary.files, summary.unique, summary.duplicates) == (10, 9, 1)
    assert (summary.ok, summary.partial, summary.error) == (5, 0, 5)
    assert summary.processed == 9 and summary.cache_hits == 0
    log = (out / "run.log").read_text(encoding="utf-8")
    assert log.splitlines()[0].split(" ", 2)[2].startswith("start: jixiao")
    assert "end: 10 files" in log.splitlines()[-1]
    for rec in recs:
        assert sum(line.split("  -- ")[0].endswith(" " + rec["file"]) for line in log.splitlines()) == 1
    assert not list(tmp_path.glob(".out.jixiao-*"))  # no temporary folder left beside OUT


def test_cli_exit_status_and_messages(tmp_path) -> None:
    src = make_inputs(tmp_path)
    app = cli_app()
    ok = runner.invoke(app, [str(src), "-o", str(tmp_path / "out"), "--no-progress", "--workers", "2"])
    assert ok.exit_code == 0, ok.output
    assert "10 files (9 unique, 1 duplicates): 5 ok, 0 partial, 5 error" in ok.output

    def fails(args: list[str], message: str) -> None:
        result = runner.invoke(app, [*args, "--no-progress"])
        assert result.exit_code == 2, result.output
        assert message in result.output

    fails([str(tmp_path / "nowhere"), "-o", str(tmp_path / "o1")], "input not found")
    (tmp_path / "empty_dir").mkdir()
    fails([str(tmp_path / "empty_dir"), "-o", str(tmp_path / "o2")], "no input files found")
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    fails([str(src), "-o", str(tmp_path / "a_file")], "exists and is not a folder")
    fails([str(src), "-o", str(tmp_path / "a_file" / "out")], "cannot create the output folder's parent")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("x", encoding="utf-8")
    fails([str(src), "-o", str(tmp_path / "mine")], "was not written by jixiao run")
    fails([str(tmp_path / "out" / ".cache"), "-o", str(tmp_path / "out")], "inside the output folder")
    fails([str(src), "-o", str(tmp_path / "o3"), "--profile", "nope"], "unknown profile")
    assert (tmp_path / "mine" / "thesis.docx").exists()


def test_cache_reuse_fresh_and_rules_change(tmp_path, monkeypatch) -> None:
    src = make_inputs(tmp_path)
    out = tmp_path / "out"
    first = run([src], out, workers=2, progress=False)
    recs1 = records(out)
    t0 = time.perf_counter()
    second = run([src], out, workers=2, progress=False)
    assert second.cache_hits == first.unique == 9 and second.processed == 0
    assert records(out) == recs1
    assert time.perf_counter() - t0 < 5

    # a corrupt entry is a miss, recomputed and rewritten (once the records are read again: here because
    # the outputs were written by a release without the manifest that says what they were made of)
    entry = next((out / ".cache").rglob(f"{recs1[0]['sha256']}.json"))
    entry.write_text("{not json", encoding="utf-8")
    (out / writersmod.MANIFEST).unlink()
    third = run([src], out, workers=2, progress=False)
    assert third.cache_hits == 8 and third.processed == 1 and records(out) == recs1

    fresh = run([src], out, workers=2, progress=False, fresh=True)
    assert fresh.cache_hits == 0 and fresh.processed == 9 and records(out) == recs1

    monkeypatch.setattr(ruleset, "version", lambda rules_dir=None: "changed-rules")
    changed = run([src], out, workers=2, progress=False)
    assert changed.cache_hits == 0 and changed.processed == 9
    # the folder of the old rules version is pruned after the run
    assert [p.name.endswith("-changed-rules") for p in (out / ".cache").iterdir() if p.is_dir()] == [True]


def test_unchanged_rerun_keeps_the_outputs_without_reading_a_record(tmp_path, monkeypatch) -> None:
    src = make_inputs(tmp_path)
    out = tmp_path / "out"
    first = run([src], out, workers=2, progress=False)
    recs1, inode = records(out), (out / "corpus.jsonl").stat().st_ino
    with monkeypatch.context() as m:
        m.setattr(cachemod.Cache, "get", lambda *_: pytest.fail("an unchanged rerun read a record"))
        again = run([src], out, workers=2, progress=False)
    assert (out / "corpus.jsonl").stat().st_ino == inode  # the very file, linked into the new outputs
    assert (again.files, again.ok, again.error, again.findings) == (first.files, first.ok, first.error, first.findings)
    assert again.cache_hits == first.unique == 9 and again.processed == 0
    assert "outputs kept" in (out / "run.log").read_text(encoding="utf-8")

    # an option that changes the outputs, or an output edited since: the records are read again
    other = run([src], out, workers=2, progress=False, min_severity="warning")
    assert other.cache_hits == 9 and (out / "corpus.jsonl").stat().st_ino != inode
    with open(out / "corpus.jsonl", "a", encoding="utf-8") as fh:
        fh.write("{}\n")
    edited = run([src], out, workers=2, progress=False, min_severity="warning")
    assert edited.cache_hits == 9 and records(out) == recs1
    assert "outputs kept" not in (out / "run.log").read_text(encoding="utf-8")


def test_a_pdf_the_pdf_library_dies_on_is_a_worker_crash_row(tmp_path) -> None:
    # a form XObject drawing itself twice: pdfium expands it until the worker's memory runs out and aborts
    # (the fuzz campaign's E_INTERNAL); the row names the crash, the other report is read
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "native" / "xobject_twice.pdf", src / "twice.pdf")
    shutil.copy(SEED001.with_suffix(".txt"), src / "seed.txt")
    summary = run([src], tmp_path / "out", workers=1, progress=False, doc_seconds=30, doc_memory_mb=400)
    got = {Path(r["file"]).name: r for r in records(tmp_path / "out")}
    assert got["seed.txt"]["status"] == "ok", got["seed.txt"]["error"]
    err = got["twice.pdf"]["error"]
    # where the allocation fails decides the row: inside pdfium the worker aborts (E_WORKER_CRASH), in
    # Python it is a MemoryError (E_TOO_LARGE); either way the file has its row and the batch goes on
    assert got["twice.pdf"]["status"] == "error" and err["code"] in ("E_WORKER_CRASH", "E_TOO_LARGE"), err
    if err["code"] == "E_WORKER_CRASH":
        assert "SIGABRT" in err["detail"] and err["message"].startswith("读取该文件时底层解析库崩溃")
    assert summary.error == 1 and summary.ok == 1


def test_a_reader_out_of_memory_costs_its_worker_and_no_later_file(tmp_path, monkeypatch) -> None:
    # a reader that runs out of memory (pdfium expanding a form, as in the test above) may leave its worker
    # near the limit: the file gets its E_TOO_LARGE row, never cached, and the next file a fresh worker
    from pipeline import parse as parsemod
    from pipeline.batch.local import WorkerPool
    from pipeline.batch.worker import WorkerConfig

    real = parsemod.read_file

    def read_file(path, limits):
        if Path(path).name == "huge.txt":
            raise MemoryError
        return real(path, limits)

    monkeypatch.setattr(parsemod, "read_file", read_file)  # the workers fork from this process
    text = SEED001.with_suffix(".txt").read_text(encoding="utf-8")
    paths = []
    for i, name in enumerate(("huge.txt", "next.txt")):
        (tmp_path / name).write_text(text + f"\n附注{i}\n", encoding="utf-8")
        paths.append((i, str(tmp_path / name)))
    # forked, as `jixiao run` forks them (a process that ran OCR, as a test process may have, would spawn them)
    pool = WorkerPool(1, WorkerConfig(doc_seconds=30, memory_mb=1500, profile=None), method="fork")
    try:
        outcomes = list(pool.results(paths))
        assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
        got = {o.index: json.loads(o.text) for o in outcomes}
    finally:
        pool.close()
    assert got[0]["error"]["code"] == "E_TOO_LARGE" and "MemoryError" in got[0]["error"]["detail"]
    assert not cachemod.cacheable(got[0])
    assert got[1]["status"] == "ok"
    assert pool.started == 2  # the worker that ran out was replaced


def test_crashing_and_hanging_documents_become_error_rows(tmp_path, monkeypatch) -> None:
    src = tmp_path / "in"
    src.mkdir()
    text = SEED001.with_suffix(".txt").read_text(encoding="utf-8")
    names = ["exit.txt", "segv.txt", "memory.txt", "hang.txt", "soft.txt", "ok1.txt", "ok2.txt", "ok3.txt"]
    for i, name in enumerate(names):  # distinct bytes, so none is a duplicate of another
        (src / name).write_text(text + f"\n附注{i}\n", encoding="utf-8")
    monkeypatch.setenv("JIXIAO_TEST_CRASH_ON", "exit.txt,segv.txt:segv,memory.txt:memory")
    monkeypatch.setenv("JIXIAO_TEST_HANG_ON", "hang.txt,soft.txt:soft")
    out = tmp_path / "out"
    t0 = time.perf_counter()
    # 3 s: an ok document takes a tenth of that alone, but the full suite on a shared 2-core machine (load 9-10)
    # made ok documents time out at 1.5 s
    summary = run([src], out, workers=2, progress=False, doc_seconds=3, doc_memory_mb=1500)
    took = time.perf_counter() - t0
    got = {Path(r["file"]).name: r for r in records(out)}
    assert list(got) == sorted(names)
    for name in ("ok1.txt", "ok2.txt", "ok3.txt"):
        assert got[name]["status"] == "ok" and got[name]["findings"], got[name].get("error")
    err = {n: got[n]["error"] for n in names if got[n]["status"] == "error"}
    assert set(err) == {"exit.txt", "segv.txt", "memory.txt", "hang.txt", "soft.txt"}
    assert err["exit.txt"]["code"] == "E_INTERNAL" and "exited with status 1" in err["exit.txt"]["detail"]
    assert err["segv.txt"]["code"] == "E_WORKER_CRASH" and "SIGSEGV" in err["segv.txt"]["detail"]
    assert err["memory.txt"]["code"] == "E_TOO_LARGE" and "MemoryError" in err["memory.txt"]["detail"]
    assert err["hang.txt"]["code"] == "E_TIMEOUT" and "the worker was killed" in err["hang.txt"]["detail"]
    assert err["soft.txt"]["code"] == "E_TIMEOUT" and "3 s per-document limit" in err["soft.txt"]["detail"]
    assert all(e["message"].startswith(("处理该文件时", "读取超时", "文件超过大小上限", "读取该文件时底层解析库崩溃")) for e in err.values())
    assert all(got[n]["sha256"] for n in names)
    assert summary.error == 5 and summary.ok == 3
    assert took < 30
    # crashes and timeouts are not cached: the next run tries those documents again
    monkeypatch.delenv("JIXIAO_TEST_CRASH_ON")
    monkeypatch.delenv("JIXIAO_TEST_HANG_ON")
    again = run([src], out, workers=2, progress=False)
    assert again.cache_hits == 3 and again.processed == 5 and again.error == 0


def test_writers_guarded(tmp_path, monkeypatch) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")

    def boom(records, path):
        raise ValueError("disk on fire")

    def fine(records, path):
        (path / "fine.txt").write_text(str(len(records)), encoding="utf-8")

    monkeypatch.setitem(sys.modules, "pipeline.outputs.testboom", types.SimpleNamespace(write=boom))
    monkeypatch.setitem(sys.modules, "pipeline.outputs.testfine", types.SimpleNamespace(write=fine))
    monkeypatch.setattr(writersmod, "WRITERS", (("testboom", "x.xlsx"), ("testmissing", "y"), ("testfine", None)))
    out = tmp_path / "out"
    summary = run([src], out, workers=1, progress=False)
    assert summary.writers["testboom"] == "failed: ValueError: disk on fire"
    assert summary.writers["testmissing"] == "not available"
    assert summary.writers["testfine"] == "ok"
    assert (out / "fine.txt").read_text(encoding="utf-8") == "1" and len(records(out)) == 1
    log = (out / "run.log").read_text(encoding="utf-8")
    assert (
        "writer testboom failed: ValueError: disk on fire" in log
        and "writer testmissing not available" in log
    )


def test_unchanged_records_keep_writer_outputs(tmp_path, monkeypatch) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")
    calls = []

    def write(records, path):
        calls.append(len(records))
        path.write_text(str(len(records)), encoding="utf-8")

    monkeypatch.setitem(sys.modules, "pipeline.outputs.testcount", types.SimpleNamespace(write=write))
    monkeypatch.setattr(writersmod, "WRITERS", (("testcount", "count.txt"),))
    out = tmp_path / "out"
    run([src], out, workers=1, progress=False)
    run([src], out, workers=1, progress=False)  # same records: the previous file is kept, not rewritten
    assert calls == [1] and (out / "count.txt").read_text(encoding="utf-8") == "1"
    (out / "count.txt").write_text("edited by hand", encoding="utf-8")
    run([src], out, workers=1, progress=False)  # a touched output is written again
    shutil.copy(SEED001.with_suffix(".txt"), src / "b.txt")
    run([src], out, workers=1, progress=False)  # new records: written again
    run([src], out, workers=1, progress=False, fresh=True)  # --fresh: written again
    assert calls == [1, 1, 2, 2] and (out / "count.txt").read_text(encoding="utf-8") == "2"


def snapshot(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and ".cache" not in p.parts
    }


def test_interrupted_run_leaves_previous_outputs(tmp_path, monkeypatch) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")
    out = tmp_path / "out"
    run([src], out, workers=1, progress=False)
    before = snapshot(out)
    shutil.copy(SEED001.with_suffix(".txt"), src / "b.txt")

    def interrupt(records, path):
        raise KeyboardInterrupt

    monkeypatch.setitem(sys.modules, "pipeline.outputs.testinterrupt", types.SimpleNamespace(write=interrupt))
    monkeypatch.setattr(writersmod, "WRITERS", (("testinterrupt", "x"),))
    with pytest.raises(KeyboardInterrupt):
        run([src], out, workers=1, progress=False)
    assert snapshot(out) == before
    assert not list(tmp_path.glob(".out.jixiao-*"))
    # what was computed before the interruption is in the cache: the next run only assembles
    monkeypatch.setattr(writersmod, "WRITERS", ())
    assert run([src], out, workers=1, progress=False).cache_hits == 2


def test_killed_run_leaves_previous_outputs(tmp_path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")
    out = tmp_path / "out"
    run([src], out, workers=1, progress=False)  # also leaves the rules-lint mark, so the child starts fast
    before = snapshot(out)
    shutil.copy(SEED001.with_suffix(".txt"), src / "hang.txt")
    env = dict(os.environ, JIXIAO_TEST_HANG_ON="hang.txt")
    argv = [str(src), "-o", str(out), "--no-progress", "--workers", "1"]
    code = f"from pipeline.batch.command import main; main({argv!r})"
    child = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".out.jixiao-tmp-*/run.log")):
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        time.sleep(1.0)  # the worker is now stuck on hang.txt
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
        child.stderr.close()
    assert snapshot(out) == before
    # the next run removes the dead run's temporary folder and completes
    summary = run([src], out, workers=1, progress=False)
    assert summary.files == 2 and not list(tmp_path.glob(".out.jixiao-*"))


def test_recover_puts_back_outputs_of_a_run_killed_mid_swap(tmp_path) -> None:
    outdir = OutDir(tmp_path / "out")
    outdir.old.mkdir()
    (outdir.old / "corpus.jsonl").write_text("{}\n", encoding="utf-8")
    outdir.recover()
    assert (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8") == "{}\n"
    assert not outdir.old.exists()


def test_bad_arguments_raise_before_any_document(tmp_path) -> None:
    with pytest.raises(RunError, match="input not found"):
        run([tmp_path / "missing"], tmp_path / "out", progress=False)
    with pytest.raises(RunError, match="at least 1"):
        run([SEED000.with_suffix(".txt")], tmp_path / "out", workers=0, progress=False)
    assert not (tmp_path / "out").exists()


def test_broken_rules_stop_the_run_before_any_document(tmp_path, monkeypatch) -> None:
    problem = ruleset.Problem("fields.yaml", 3, "budget.spent", "pattern", "unbalanced parenthesis")
    monkeypatch.setattr(ruleset, "lint", lambda rules_dir=None: [problem])
    monkeypatch.setattr(runmod, "_LINT_PASSED", set())
    monkeypatch.setenv("JIXIAO_TEST_CRASH_ON", "a.txt")  # would show up as a row if a document ran
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")
    result = runner.invoke(cli_app(), [str(src), "-o", str(tmp_path / "out"), "--no-progress"])
    assert result.exit_code == 2
    assert "fields.yaml:3 [budget.spent] pattern: unbalanced parenthesis" in result.output
    assert not (tmp_path / "out" / "corpus.jsonl").exists() and not list(tmp_path.glob(".out.jixiao-*"))


def test_a_fresh_workers_start_up_is_no_documents_time(tmp_path) -> None:
    # spawned workers (as after OCR in the parent) load rules, segmenter and models before they take a
    # document: with a limit well under that start-up on a busy machine, every document still reads ok
    from pipeline.batch.local import WorkerPool
    from pipeline.batch.worker import WorkerConfig
    from pipeline.parse import parse_file
    from pipeline.record import extract_record

    text = SEED001.with_suffix(".txt").read_text(encoding="utf-8")
    paths = []
    for i in range(4):
        p = tmp_path / f"r{i}.txt"
        p.write_text(text + f"\n附注{i}\n", encoding="utf-8")
        paths.append((i, str(p)))
    # the limit is the larger of 1 s and four times one document here, now (a slow or busy machine reads the
    # seed in over a second; start-up, which loads far more than one document needs, takes longer still)
    extract_record(parse_file(Path(paths[0][1])))
    t0 = time.monotonic()
    extract_record(parse_file(Path(paths[0][1])))
    limit = max(1.0, 4 * (time.monotonic() - t0))
    pool = WorkerPool(2, WorkerConfig(doc_seconds=limit, memory_mb=1500, profile=None), method="spawn")
    outcomes = list(pool.results(paths))
    assert sorted(o.index for o in outcomes) == [0, 1, 2, 3]
    assert all(o.error is None for o in outcomes)
    assert all(json.loads(o.text)["status"] == "ok" for o in outcomes), [json.loads(o.text)["error"] for o in outcomes]
    assert pool.started == 2


def test_a_fresh_workers_warm_up_is_no_documents_memory(tmp_path) -> None:
    # a spawned worker loads rules, segmenter and OCR models before its first document: under a tight
    # per-document allowance the document is still read (the cap is set after the warm-up, as a forked
    # worker's is set above what it inherited)
    from pipeline.batch.local import WorkerPool
    from pipeline.batch.worker import WorkerConfig

    path = tmp_path / "seed.txt"
    shutil.copy(SEED001.with_suffix(".txt"), path)
    pool = WorkerPool(1, WorkerConfig(doc_seconds=60, memory_mb=400, profile=None), method="spawn")
    try:
        (outcome,) = list(pool.results([(0, str(path))]))
    finally:
        pool.close()
    assert outcome.error is None and json.loads(outcome.text)["status"] == "ok", outcome.text and json.loads(outcome.text)["error"]


def test_spool_gives_back_each_record_by_position(tmp_path) -> None:
    from pipeline.batch.spool import JsonLines, Spool

    spool = Spool(tmp_path / ".records.jsonl", 3)
    spool.put(2, json.dumps({"file": "c", "text": "甲\u2028乙"}, ensure_ascii=False))  # U+2028 is no line end here
    spool.put(0, '{\n "file": "a"\n}')  # a record on several lines is kept on one
    assert not spool.has(1)
    assert spool.get(2) == {"file": "c", "text": "甲\u2028乙"} and spool.get(0) == {"file": "a"}
    assert spool.get(0) is not spool.get(0)  # parsed afresh: a caller may change what it gets
    assert [r["file"] for r in JsonLines(spool.path, 2)] == ["c", "a"]  # the order they came in
    spool.close()
    assert not spool.path.exists()
