"""``jixiao run --cluster``: the same documents on a Dask cluster give the same outputs as the local pool;
a Dask worker killed mid-document costs a retry, then an error row, never a file; a local run never
imports Dask.

The cluster is a ``LocalCluster`` of two worker processes started inside the test (its scheduler keeps no
task after a worker death: ``allowed-failures`` 0, so the run's own single retry is what is tested).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import BAD, ROOT, SEED000, SEED001
from pipeline import cache as cachemod
from pipeline import ruleset
from pipeline.batch import writers as writersmod
from pipeline.batch.runner import run

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(writersmod, "WRITERS", (("corpus", None),))
    monkeypatch.setattr(cachemod, "code_version", lambda: "0.0.0+test")
    monkeypatch.setattr(ruleset, "version", lambda rules_dir=None: "rules-test")
    for var in ("JIXIAO_TEST_CRASH_ON", "JIXIAO_TEST_HANG_ON", "JIXIAO_TEST_KILL_WORKER_ON"):
        monkeypatch.delenv(var, raising=False)


# What the README asks of a scheduler: a task whose worker died is not rerun by the scheduler behind the
# run's back (the run retries it once itself), and a worker holds only the tasks it is running, so that a
# death fails those alone.
SCHEDULER = {"distributed.scheduler.allowed-failures": 0, "distributed.scheduler.worker-saturation": 1.0}


@contextlib.contextmanager
def cluster():
    """Two single-threaded worker processes, started after the test has set its environment."""
    from distributed import Client, LocalCluster

    with dask.config.set(SCHEDULER):
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as lc:
            with Client(lc) as client:
                yield client


def inputs(root: Path) -> Path:
    src = root / "in"
    src.mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")
    shutil.copy(SEED001.with_suffix(".txt"), src / "b.txt")
    shutil.copy(SEED001.with_suffix(".docx"), src / "c.docx")
    shutil.copy(SEED000.with_suffix(".txt"), src / "copy_of_a.txt")
    shutil.copy(BAD / "empty.txt", src / "empty.txt")
    shutil.copy(BAD / "corrupt_zip.docx", src / "corrupt_zip.docx")
    text = SEED001.with_suffix(".txt").read_text(encoding="utf-8")
    (src / "exit.txt").write_text(text + "\n附注\n", encoding="utf-8")
    return src


def lines(out: Path) -> list[str]:
    return (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()


def test_cluster_run_writes_the_same_outputs_as_the_local_pool(tmp_path, monkeypatch) -> None:
    src = inputs(tmp_path)
    monkeypatch.setenv("JIXIAO_TEST_CRASH_ON", "exit.txt")  # a document that kills its process
    local = run([src], tmp_path / "local", workers=2, progress=False)
    with cluster() as client:
        remote = run([src], tmp_path / "remote", progress=False, cluster=client)
    assert lines(tmp_path / "remote") == lines(tmp_path / "local")
    assert (remote.files, remote.unique, remote.ok, remote.error) == (7, 6, 4, 3) == (
        local.files, local.unique, local.ok, local.error
    )
    assert remote.processed == 6 and remote.workers == 2
    recs = {Path(r["file"]).name: r for r in map(json.loads, lines(tmp_path / "remote"))}
    assert recs["exit.txt"]["error"]["code"] == "E_INTERNAL"
    assert "exited with status 1" in recs["exit.txt"]["error"]["detail"]
    assert recs["empty.txt"]["error"]["code"] == "E_EMPTY"
    assert recs["a.txt"]["file"] == str(src / "a.txt")  # not the worker's temporary copy
    assert (tmp_path / "remote" / "corpus.duckdb").is_file()
    log = (tmp_path / "remote" / "run.log").read_text(encoding="utf-8")
    assert "6 documents processed by the Dask cluster" in log


def test_a_killed_dask_worker_costs_one_retry_then_an_error_row(tmp_path, monkeypatch) -> None:
    src = inputs(tmp_path)
    marks = tmp_path / "marks"
    marks.mkdir()
    # the worker that takes b.txt dies; the retry (and any document that worker held) succeeds
    monkeypatch.setenv("JIXIAO_TEST_KILL_WORKER_ON", "b.txt:once")
    monkeypatch.setenv("JIXIAO_TEST_MARKS", str(marks))
    with cluster() as client:
        summary = run([src], tmp_path / "out", progress=False, cluster=client)
    recs = {Path(r["file"]).name: r for r in map(json.loads, lines(tmp_path / "out"))}
    assert sorted(recs) == sorted(p.name for p in src.iterdir())  # every file, once
    assert (marks / "b.txt.killed").exists()
    assert recs["b.txt"]["status"] == "ok" and recs["b.txt"]["findings"]
    assert summary.ok == 5 and summary.error == 2  # a, its copy, b, c, exit; empty, corrupt

    # a document whose worker dies every time: tried twice, then its error row (alone, so that no other
    # document shares the dying workers)
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(src / "c.docx", alone / "c.docx")
    monkeypatch.setenv("JIXIAO_TEST_KILL_WORKER_ON", "c.docx")
    with cluster() as client:
        summary = run([alone], tmp_path / "out2", progress=False, cluster=client)
    [rec] = map(json.loads, lines(tmp_path / "out2"))
    err = rec["error"]
    assert rec["status"] == "error" and err["code"] == "E_INTERNAL" and err["message"]
    assert "died 2 times" in err["detail"] and summary.error == 1 and summary.processed == 1


def test_a_local_run_never_imports_dask(tmp_path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")
    code = (
        "import sys\nfrom pipeline.batch.command import main\n"
        f"try:\n    main([{str(src)!r}, '-o', {str(tmp_path / 'out')!r}, '--no-progress', '--workers', '1'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "out" / "corpus.jsonl").is_file()


def test_an_unreachable_scheduler_stops_the_run_with_what_to_do(tmp_path, monkeypatch) -> None:
    import typer
    from typer.testing import CliRunner

    import pipeline.batch.cluster as clustermod
    from pipeline.batch.command import run_command

    monkeypatch.setattr(clustermod, "CONNECT_TIMEOUT", "1s")
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED000.with_suffix(".txt"), src / "a.txt")
    app = typer.Typer()
    app.command()(run_command)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [str(src), "-o", str(out), "--no-progress", "--cluster", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output and "dask scheduler" in result.output
    # no outputs (OUT holds only the record cache, as after any interrupted run), no temporary folder left
    assert not (out / "corpus.jsonl").exists() and not list(tmp_path.glob(".out.jixiao-*"))
