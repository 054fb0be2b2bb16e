"""``jixiao run IN... -o OUT``: every report under IN, in parallel, into one set of outputs.

What it guarantees, and how:

* **Every file once.** Each file found under IN gets exactly one record in ``OUT/corpus.jsonl`` (sorted by
  path) with its status; files with identical bytes are processed once and carry ``duplicate_of`` /
  ``duplicates``.
* **A bad document never stops the batch.** Documents run in worker processes (one document in flight per
  worker, so a death is always attributable). Each worker has an address-space limit (``RLIMIT_AS``) and a
  per-document clock; a worker that dies (segfault, ``os._exit``, the OOM killer) or outlives the hard
  limit is killed and replaced, and its document becomes an ``E_INTERNAL`` / ``E_TIMEOUT`` row.
* **Atomic outputs.** Everything is written into a temporary folder beside OUT and swapped in at the end;
  an interrupted run leaves the previous OUT whole (see :class:`OutDir`).
* **Nothing an auditor typed is lost.** The previous workbook's reviews are carried to the same findings
  (or to 已消失的问题), a workbook someone saved is kept in ``OUT/backups``, and while the workbook is open
  in Excel/WPS the run writes nothing (:mod:`pipeline.outputs.review`).
* **One report, counted once** (:mod:`pipeline.same_report`).
* **Incremental.** Records are cached by (content, rules, code, profile) in ``OUT/.cache`` (see
  :mod:`pipeline.cache`); entries are written as documents finish, so a rerun after Ctrl-C resumes.

Test hooks (read by the worker, for ``tests/test_run.py``; never set them in real runs):

* ``JIXIAO_TEST_CRASH_ON=NAME[:exit|segv|memory]`` — the worker processing the file named NAME dies:
  ``os._exit(1)`` (default), a SIGSEGV, or an allocation past the memory limit (a real ``MemoryError``).
* ``JIXIAO_TEST_HANG_ON=NAME[:soft]`` — the worker hangs on NAME with SIGALRM blocked, as a stuck C call
  would (only the parent's hard timeout ends it); ``:soft`` hangs in Python, which the per-document clock
  interrupts. Several entries may be given, separated by commas.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import faulthandler
import gc
import hashlib
import importlib
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import resource
import shutil
import signal
import stat
import sys
import tempfile
import time
import traceback
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Annotated, Any

import typer

import pipeline
from pipeline import ruleset
from pipeline.cache import Cache, code_version
from pipeline.errors import ReadError
from pipeline.ruleset import RulesError

log = logging.getLogger(__name__)

SEVERITIES = ("error", "warning", "info")
# Files a previous run leaves in OUT; a non-empty folder without any of them is not ours to replace.
# (records.jsonl: what `make run` wrote before `jixiao run` existed)
_OUTPUT_MARKERS = ("corpus.jsonl", "run.log", ".cache", ".jixiao-outputs.json", "records.jsonl")
# (writer module under pipeline.outputs, target inside OUT; None: the folder itself)
WRITERS: tuple[tuple[str, str | None], ...] = (
    ("xlsx", "discrepancies.xlsx"),
    ("corpus", None),
    ("html", "report.html"),
)


class RunError(Exception):
    """The run itself cannot go on (bad arguments, OUT not writable); the message is for the user."""


def hard_timeout(doc_seconds: float) -> float:
    """When the parent gives up on a worker: the worker's own clock plus a grace for it to report.

    >>> hard_timeout(120), hard_timeout(1)
    (150.0, 3.0)
    """
    return doc_seconds + max(2.0, 0.25 * doc_seconds)


# ----------------------------------------------------------------------------------------------- summary


@dataclass
class RunSummary:
    out: Path
    files: int = 0  # every file found, duplicates included
    unique: int = 0  # distinct contents (an unreadable file counts as its own)
    duplicates: int = 0
    ok: int = 0
    partial: int = 0
    error: int = 0
    not_report: int = 0  # readable, but none of a report's marks (E_NOT_A_REPORT)
    same_report: int = 0  # files carrying a report another file already stands for (other format, resubmission)
    reviews: int = 0  # reviewers' entries carried from the previous workbook
    vanished: int = 0  # of which listed on 已消失的问题
    errors_by_code: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))  # unique docs only
    cache_hits: int = 0
    processed: int = 0  # documents sent to workers
    workers: int = 0
    worker_peak_mb: float = 0.0  # largest max-RSS a worker reported (shared copy-on-write pages included)
    elapsed: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase
    writers: dict[str, str] = field(default_factory=dict)  # name -> "ok" / "not available" / "failed: ..."

    def text(self) -> str:
        f = self.findings
        codes = ", ".join(f"{c} {n}" for c, n in sorted(self.errors_by_code.items()))
        lines = [
            f"{self.files} files ({self.unique} unique, {self.duplicates} duplicates): "
            f"{self.ok} ok, {self.partial} partial, {self.error} error" + (f" ({codes})" if codes else "")
            + (f", {self.not_report} not a report" if self.not_report else ""),
            f"findings: {f['error']} error, {f['warning']} warning, {f['info']} info"
            + (f" (each report counted once: {self.same_report} files are another file's report)" if self.same_report else ""),
            f"{self.elapsed:.1f} s; {self.cache_hits} from cache, {self.processed} processed"
            + (
                f" by {self.workers} workers (peak {self.worker_peak_mb:.0f} MB each)"
                if self.processed
                else ""
            ),
        ]
        if self.reviews:
            lines.append(
                f"reviews carried from the previous workbook: {self.reviews}"
                + (f" ({self.vanished} on 已消失的问题)" if self.vanished else "")
            )
        broken = {k: v for k, v in self.writers.items() if v != "ok"}
        if broken:
            lines.append("writers: " + "; ".join(f"{k}: {v}" for k, v in broken.items()))
        lines.append(f"outputs in {self.out}")
        return "\n".join(lines)


# ------------------------------------------------------------------------------------------- worker side


@dataclass(frozen=True)
class WorkerConfig:
    doc_seconds: float
    memory_mb: int
    profile: str | None


@dataclass
class Reply:
    """What a worker sends back for one document."""

    index: int
    text: str | None  # the record as JSON; None only with ``fatal``
    ms: float
    rss_mb: float
    recycle: bool = False  # the worker exits after this reply (its memory may be in a bad state)
    fatal: str | None = None  # the run must stop (broken rules)


def _die_with_parent(parent_pid: int) -> None:
    # A killed parent (kill -9) must not leave workers hanging on a document forever.
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:
        os._exit(0)


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space, so a runaway document raises MemoryError here instead of swapping the host.

    The cap is never set below what the (forked) worker already maps, else it could not run at all.
    """
    try:
        with open("/proc/self/statm") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        mapped = 0
    limit = max(memory_mb << 20, mapped + (256 << 20))
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


def _hook(var: str, path: str) -> str | None:
    """The mode of a test hook naming this file, or None."""
    name = Path(path).name
    for entry in filter(None, os.environ.get(var, "").split(",")):
        target, _, mode = entry.partition(":")
        if target == name:
            return mode or "default"
    return None


def _test_hooks(path: str, cfg: WorkerConfig) -> None:
    crash = _hook("JIXIAO_TEST_CRASH_ON", path)
    if crash == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif crash == "memory":
        bytearray((cfg.memory_mb + 1024) << 20)
    elif crash:
        os._exit(1)
    hang = _hook("JIXIAO_TEST_HANG_ON", path)
    if hang == "soft":
        while True:
            time.sleep(0.05)
    elif hang:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        while True:
            time.sleep(3600)


def _error_record(path: str, sha: str | None, code: str, detail: str) -> dict:
    from pipeline.parse import Parsed
    from pipeline.record import extract_record

    return extract_record(Parsed(path, sha, None, ReadError(code, detail)))


def _extract(path: str, cfg: WorkerConfig) -> tuple[dict, bool]:
    """The record of one file, and whether the worker should be replaced after it."""
    from pipeline.limits import Limits, time_limit
    from pipeline.parse import parse_file
    from pipeline.record import extract_record

    start = time.monotonic()
    parsed = parse_file(path, Limits(seconds=cfg.doc_seconds))  # the reader's clock covers reading
    try:
        # the rest of the budget covers extraction and checks, which the reader's clock does not
        with time_limit(max(cfg.doc_seconds - (time.monotonic() - start), 0.01)):
            _test_hooks(path, cfg)
            return extract_record(parsed, profile=cfg.profile), False
    except ReadError as exc:
        if exc.code != "E_TIMEOUT":
            raise
        detail = f"reading and extraction took longer than the {cfg.doc_seconds:g} s per-document limit"
        return _error_record(path, parsed.sha256, "E_TIMEOUT", detail), False
    except MemoryError:
        detail = f"MemoryError during extraction: over the {cfg.memory_mb} MB per-document memory limit"
        return _error_record(path, parsed.sha256, "E_INTERNAL", detail), True
    except RulesError:
        raise
    except Exception as exc:  # a bug of ours on this document: the row says so, the batch goes on
        where = traceback.extract_tb(exc.__traceback__)[-1]
        detail = f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
        return _error_record(path, parsed.sha256, "E_INTERNAL", detail), False


def _process(index: int, path: str, cfg: WorkerConfig) -> Reply:
    t0 = time.perf_counter()
    try:
        rec, recycle = _extract(path, cfg)
        text = json.dumps(rec, ensure_ascii=False)
    except RulesError as exc:
        return Reply(index, None, 0, 0, recycle=True, fatal=str(exc))
    except MemoryError:
        text = json.dumps(
            _error_record(path, None, "E_INTERNAL", f"MemoryError: over the {cfg.memory_mb} MB memory limit"),
            ensure_ascii=False,
        )
        recycle = True
    except Exception as exc:
        text = json.dumps(
            _error_record(path, None, "E_INTERNAL", f"{type(exc).__name__}: {exc}"), ensure_ascii=False
        )
        recycle = False
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Reply(index, text, (time.perf_counter() - t0) * 1000, rss_mb, recycle)


def _worker_main(conn: Any, close: list[Any], cfg: WorkerConfig, parent_pid: int) -> None:
    for c in close:  # other workers' pipe ends: holding them would hide those workers' deaths (no EOF)
        c.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent decides
    logging.disable(logging.ERROR)  # details go into the record; stderr belongs to the progress bar
    faulthandler.disable()  # likewise a crash dump: the row says the worker died and how
    _die_with_parent(parent_pid)
    _limit_memory(cfg.memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        reply = _process(*task, cfg)
        try:
            conn.send(reply)
        except OSError:
            return
        if reply.recycle:
            return


# ------------------------------------------------------------------------------------------- parent side


@dataclass
class _Worker:
    proc: Any
    conn: Any
    task: tuple[int, str] | None = None
    deadline: float = 0.0


@dataclass
class Outcome:
    """One finished document, as the pool reports it to the run."""

    index: int
    text: str | None  # the record JSON from the worker, or None when the worker died or was killed
    ms: float
    rss_mb: float = 0.0
    error: tuple[str, str] | None = None  # (code, detail) when the worker died or timed out


class WorkerPool:
    """Worker processes with one document in flight each; dead or stuck workers are replaced.

    Not ``ProcessPoolExecutor``: a dead worker breaks that whole pool, and it cannot say which document
    killed it. Here each worker has its own pipe, so the parent always knows what each one is doing.
    """

    def __init__(self, size: int, cfg: WorkerConfig):
        methods = multiprocessing.get_all_start_methods()
        # fork: workers start warm from the parent (rules and segmenter loaded once, pages shared)
        self.ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.size = size
        self.cfg = cfg
        self.hard = hard_timeout(cfg.doc_seconds)
        self.workers: list[_Worker] = []
        self.started = 0

    def _spawn(self) -> _Worker:
        parent_end, child_end = self.ctx.Pipe(duplex=True)
        close = [w.conn for w in self.workers] + [parent_end]
        proc = self.ctx.Process(
            target=_worker_main,
            args=(child_end, close, self.cfg, os.getpid()),
            daemon=True,
            name="jixiao-worker",
        )
        proc.start()
        child_end.close()
        w = _Worker(proc, parent_end)
        self.workers.append(w)
        self.started += 1
        return w

    def _retire(self, w: _Worker, kill: bool = False) -> None:
        if kill and w.proc.is_alive():
            w.proc.kill()
        w.proc.join(5)
        w.conn.close()
        self.workers.remove(w)

    def _collect(self, w: _Worker, now: float) -> Outcome | None:
        assert w.task is not None
        index, _ = w.task
        took = (now - (w.deadline - self.hard)) * 1000
        if w.conn.poll():
            try:
                reply: Reply = w.conn.recv()
            except (EOFError, OSError):
                reply = None  # died while sending: handled as a death below
            if reply is not None:
                w.task = None
                if reply.fatal:
                    raise _rules_failed(reply.fatal)
                if reply.recycle:
                    self._retire(w)
                return Outcome(reply.index, reply.text, reply.ms, reply.rss_mb)
        if not w.proc.is_alive() or w.conn.closed:
            w.proc.join(5)
            self._retire(w)
            return Outcome(index, None, took, error=("E_INTERNAL", _death(w.proc.exitcode)))
        if now >= w.deadline:
            self._retire(w, kill=True)
            detail = (
                f"no result after {self.hard:g} s (per-document limit {self.cfg.doc_seconds:g} s); "
                "the worker was killed"
            )
            return Outcome(index, None, took, error=("E_TIMEOUT", detail))
        return None

    def results(self, tasks: list[tuple[int, str]]) -> Iterator[Outcome]:
        """Run every task; yield outcomes as they finish (any order). Kills all workers on the way out."""
        pending = deque(tasks)
        try:
            while pending or any(w.task for w in self.workers):
                while pending and len(self.workers) < self.size:
                    self._spawn()
                for w in list(self.workers):
                    if w.task is None and pending:
                        try:
                            w.conn.send(pending[0])
                        except OSError:  # died while idle: not this document's fault, give it to another
                            self._retire(w, kill=True)
                            continue
                        w.task = pending.popleft()
                        w.deadline = time.monotonic() + self.hard
                busy = [w for w in self.workers if w.task is not None]
                if not busy:
                    continue
                wait = max(0.0, min(w.deadline for w in busy) - time.monotonic())
                multiprocessing.connection.wait(
                    [w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=min(wait, 1.0)
                )
                now = time.monotonic()
                for w in busy:
                    outcome = self._collect(w, now)
                    if outcome is not None:
                        yield outcome
        finally:
            self.close()

    def close(self) -> None:
        for w in list(self.workers):
            if w.task is None:
                try:
                    w.conn.send(None)
                except OSError:
                    pass
        for w in list(self.workers):
            w.proc.join(1 if w.task is None else 0)
            self._retire(w, kill=True)


def _rules_failed(text: str) -> RunError:
    return RunError(f"the rules failed in a worker, run stopped:\n{text}")


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        why = {
            "SIGSEGV": " (a crash in native code)",
            "SIGKILL": " (possibly the system's out-of-memory killer)",
        }
        return f"the worker process was killed by {name}{why.get(name, '')} while processing this document"
    return f"the worker process exited with status {exitcode} while processing this document"


# ---------------------------------------------------------------------------------------------- outputs


class OutDir:
    """OUT and its temporary siblings: ``.OUT.jixiao-tmp-<pid>-*`` (a run in progress) and
    ``.OUT.jixiao-old`` (the previous outputs during the swap).

    The swap is two renames on one filesystem: OUT -> old, tmp -> OUT. A run killed between them leaves
    ``old`` whole, and the next run puts it back before anything else (:meth:`recover`).
    """

    def __init__(self, out: Path):
        self.out = Path(os.path.abspath(out))
        self.parent = self.out.parent
        self.prefix = f".{self.out.name}.jixiao-"
        self.old = self.parent / f"{self.prefix}old"

    def owned(self) -> list[str]:
        """OUT and its temporary siblings, resolved: never inputs."""
        return [os.path.realpath(b) for b in (self.out, *self.parent.glob(self.prefix + "*"))]

    def check(self) -> None:
        if self.out.exists() and not self.out.is_dir():
            raise RunError(f"output path {self.out} exists and is not a folder")
        if self.out.is_dir():
            names = {p.name for p in self.out.iterdir()}
            if names and not names & set(_OUTPUT_MARKERS):
                raise RunError(
                    f"output folder {self.out} is not empty and was not written by jixiao run; "
                    "it would be replaced: choose a new or empty folder"
                )
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RunError(f"cannot create the output folder's parent {self.parent}: {exc}") from None
        if not os.access(self.parent, os.W_OK | os.X_OK):
            raise RunError(f"output folder not writable: cannot write in {self.parent}")

    def recover(self) -> None:
        """Undo what a killed run left: put back previous outputs, drop dead runs' temporary folders."""
        if self.old.is_dir():
            if not self.out.exists():
                os.rename(self.old, self.out)
            else:
                if (self.old / ".cache").is_dir() and not (self.out / ".cache").exists():
                    os.rename(self.old / ".cache", self.out / ".cache")
                shutil.rmtree(self.old, ignore_errors=True)
        for tmp in self.parent.glob(self.prefix + "tmp-*"):
            pid = _pid_of(tmp.name)
            if pid and pid != os.getpid() and _alive(pid):
                raise RunError(f"another jixiao run (pid {pid}) is writing {self.out}; wait for it to finish")
            shutil.rmtree(tmp, ignore_errors=True)

    def prepare(self) -> Path:
        self.check()
        self.recover()
        try:
            stage = Path(tempfile.mkdtemp(prefix=f"{self.prefix}tmp-{os.getpid()}-", dir=self.parent))
        except OSError as exc:
            raise RunError(
                f"output folder not writable: cannot create a folder in {self.parent}: {exc}"
            ) from None
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(stage, 0o777 & ~umask)  # mkdtemp's 0700 would make OUT private after the swap
        return stage

    def swap(self, stage: Path, cache_inside: bool) -> None:
        had_old = self.out.exists()
        if had_old:
            os.rename(self.out, self.old)
        os.rename(stage, self.out)
        if had_old:
            # the cache was written into the live OUT during the run; carry it into the new one
            if cache_inside and (self.old / ".cache").is_dir() and not (self.out / ".cache").exists():
                os.rename(self.old / ".cache", self.out / ".cache")
            shutil.rmtree(self.old, ignore_errors=True)


def _pid_of(name: str) -> int | None:
    try:
        return int(name.rsplit("tmp-", 1)[1].split("-", 1)[0])
    except (IndexError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLog:
    """``OUT/run.log``: English, one line per document, plus start and end lines."""

    def __init__(self, fh: IO[str]):
        self.fh = fh

    def line(self, text: str) -> None:
        self.fh.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {text}\n")
        self.fh.flush()

    def document(self, rec: dict, took: str, note: str = "") -> None:
        counts = Counter(f.get("severity") for f in rec.get("findings") or [])
        findings = " ".join(f"{s[0]}{counts.get(s, 0)}" for s in SEVERITIES)
        err = rec.get("error")
        if err and not note:
            note = f"{err['code']}: {err.get('detail', '')}"
        self.line(
            f"{rec['status']:7} {took:>9} findings {findings}  {rec['file']}"
            + (f"  -- {note}" if note else "")
        )


class Progress:
    """The rich progress bar on stderr; redrawn by hand so that no thread runs while workers are forked."""

    def __init__(self, total: int, enabled: bool, console: Any = None):
        self.bar = None
        self.last = 0.0
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar

        # fixed, narrow columns: the bar must not wrap (and so repeat itself) in an 80-column terminal
        self.bar = Bar(
            TextColumn("[bold]jixiao"),
            BarColumn(bar_width=16),
            MofNCompleteColumn(),
            TextColumn("{task.fields[stats]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            auto_refresh=False,
        )
        self.task = self.bar.add_task("run", total=total, stats="")
        self.bar.start()

    def update(self, done: int, stats: str, force: bool = False) -> None:
        if self.bar is None:
            return
        self.bar.update(self.task, completed=done, stats=stats)
        now = time.monotonic()
        if force or now - self.last > 0.1:
            self.bar.refresh()
            self.last = now

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.refresh()
            self.bar.stop()


MANIFEST = ".jixiao-outputs.json"


def _listing(folder: Path) -> dict[str, list[int]]:
    """Top-level entries of a folder with (size, mtime_ns), to tell what a writer made or a user touched."""
    out = {}
    for p in folder.iterdir():
        st = p.stat()
        out[p.name] = [st.st_size, st.st_mtime_ns]
    return out


def _previous_outputs(out: Path, key: str) -> dict[str, dict]:
    """What each writer produced last time, if it was for exactly these records, rules and code."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("key") != key:
        return {}
    return manifest.get("writers") or {}


def _reuse(prev: dict | None, out: Path, stage: Path) -> bool:
    """Hard-link a writer's previous files into the new outputs when they are exactly as it left them.

    Writers are functions of the records (and of rules and code, which are in the key), so for unchanged
    records their previous files are the result; a file a user has since edited or removed is rewritten.
    """
    if not prev or prev.get("status") != "ok" or not prev.get("files"):
        return False
    try:
        now = _listing(out)
        if any(now.get(name) != meta for name, meta in prev["files"].items()):
            return False
        for name in prev["files"]:
            src, dst = out / name, stage / name
            if src.is_dir():
                shutil.copytree(src, dst, copy_function=os.link)
            else:
                os.link(src, dst)
    except OSError:
        for name in prev["files"]:  # half-linked: let the writer write it afresh
            if (stage / name).is_dir():
                shutil.rmtree(stage / name, ignore_errors=True)
            else:
                (stage / name).unlink(missing_ok=True)
        return False
    return True


def _run_writers(
    records: list[dict],
    stage: Path,
    runlog: RunLog,
    timings: dict[str, float],
    previous: dict[str, dict],
    out: Path,
    writers: tuple[tuple[str, str | None], ...] = WRITERS,
    options: dict[str, dict] | None = None,
) -> tuple[dict[str, str], dict[str, dict]]:
    """Each writer guarded: one failing is logged and reported, the others still run.

    Returns each writer's status and, for the manifest, the files it made.
    """
    status: dict[str, str] = {}
    made: dict[str, dict] = {}
    for name, target in writers:
        t0 = time.perf_counter()
        before = _listing(stage)
        if _reuse(previous.get(name), out, stage):
            status[name] = "ok"
            runlog.line(f"writer {name}: records unchanged, previous outputs kept")
        else:
            status[name] = _write_one(name, target, records, stage, runlog, (options or {}).get(name, {}))
        after = _listing(stage)
        made[name] = {"status": status[name], "files": {k: v for k, v in after.items() if k not in before}}
        timings[f"writer {name}"] = time.perf_counter() - t0
    return status, made


def _write_one(
    name: str, target: str | None, records: list[dict], stage: Path, runlog: RunLog, options: dict | None = None
) -> str:
    module_name = f"pipeline.outputs.{name}"
    t0 = time.perf_counter()
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name in (module_name, "pipeline.outputs"):
            runlog.line(f"writer {name} not available")
            return "not available"
        runlog.line(f"writer {name} failed to import: {exc}")
        return f"failed: {type(exc).__name__}: {exc}"
    except Exception as exc:
        runlog.line(f"writer {name} failed to import: {type(exc).__name__}: {exc}")
        return f"failed: {type(exc).__name__}: {exc}"
    try:
        module.write(records, stage / target if target else stage, **(options or {}))
    except Exception as exc:
        tb = "".join(traceback.format_exception(exc)).rstrip().replace("\n", "\n    ")
        runlog.line(f"writer {name} failed: {type(exc).__name__}: {exc}\n    {tb}")
        return f"failed: {type(exc).__name__}: {exc}"
    runlog.line(f"writer {name} wrote {target or 'its files'} in {time.perf_counter() - t0:.2f} s")
    return "ok"


# ------------------------------------------------------------------------------ one report, reviews, backups

WORKBOOK = "discrepancies.xlsx"
BACKUPS = "backups"


def _check_workbook(out: Path) -> None:
    """Stop, writing nothing, while the previous workbook is open in Excel/WPS (its notes would be lost)."""
    from pipeline.outputs.review import WorkbookLocked, check_unlocked

    try:
        check_unlocked(out / WORKBOOK)
    except WorkbookLocked as exc:
        raise RunError(str(exc)) from None


def _link_and_review(
    records: list[dict], out: Path, stage: Path, summary: RunSummary, runlog: RunLog, min_severity: str
) -> Any:
    """Link files carrying the same report, key every finding, carry the previous workbook's reviews, and
    keep the previous workbook as a dated backup when someone worked in it."""
    from pipeline import same_report
    from pipeline.outputs import review
    from pipeline.outputs.xlsx import shown_findings

    summary.same_report = same_report.link(records)
    summary.findings = dict.fromkeys(SEVERITIES, 0)
    for rec in records:
        if same_report.counted(rec):
            for f in rec.get("findings") or []:
                if f.get("severity") in summary.findings:
                    summary.findings[f["severity"]] += 1
        if rec.get("same_report_as") and not rec.get("duplicate_of"):
            runlog.line(f"same report: {rec['file']} is {rec['same_report_as']} (counted there)")
    review.assign_keys(records)
    previous_book = out / WORKBOOK
    old: list = []
    if previous_book.is_file():
        try:
            old = review.read_reviews(previous_book)
        except review.WorkbookUnreadable as exc:
            runlog.line(f"previous workbook unreadable, kept as a backup: {exc}")
    shown = {f["key"] for rec in records for f in shown_findings(rec, min_severity)}
    state = review.carry(records, old, shown)
    review.attach(records, state)
    summary.reviews = len(old)
    summary.vanished = len(state.vanished)
    # a workbook someone saved since jixiao wrote it holds their work: keep it as it was, once
    _backup(out, stage, _touched(out), runlog)
    if old:
        runlog.line(f"reviews: {len(old)} carried from the previous workbook, {len(state.vanished)} on 已消失的问题")
    return state


def _touched(out: Path) -> bool:
    """Whether the workbook in OUT differs from the one the last run wrote (someone saved it since)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        written = manifest["writers"]["xlsx"]["files"][WORKBOOK]
    except (OSError, ValueError, KeyError, TypeError):
        return (out / WORKBOOK).is_file()
    try:
        st = (out / WORKBOOK).stat()
    except OSError:
        return False
    return [st.st_size, st.st_mtime_ns] != written


def _backup(out: Path, stage: Path, needed: bool, runlog: RunLog) -> None:
    """Carry OUT/backups into the new outputs, adding the previous workbook (dated) when ``needed``."""
    old_dir, new_dir = out / BACKUPS, stage / BACKUPS
    if old_dir.is_dir():
        shutil.copytree(old_dir, new_dir, copy_function=os.link, dirs_exist_ok=True)
    book = out / WORKBOOK
    if not needed or not book.is_file():
        return
    new_dir.mkdir(exist_ok=True)
    digest = sha256_of(str(book))
    if any(sha256_of(str(p)) == digest for p in new_dir.glob("discrepancies-*.xlsx")):
        return  # this very workbook is already kept
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(book.stat().st_mtime))
    target = new_dir / f"discrepancies-{stamp}.xlsx"
    n = 2
    while target.exists():
        target = new_dir / f"discrepancies-{stamp}-{n}.xlsx"
        n += 1
    shutil.copy2(book, target)
    runlog.line(f"previous workbook kept as {BACKUPS}/{target.name}")


# ------------------------------------------------------------------------------------------------ the run


def find_inputs(inputs: list[Path], outdir: OutDir) -> list[str]:
    """Every file under the inputs, once, sorted; hidden files and folders and OUT itself left out."""
    from pipeline.cli import expand

    if not inputs:
        raise RunError("no input given")
    missing = [str(p) for p in inputs if not os.path.exists(p)]
    if missing:
        raise RunError("input not found: " + ", ".join(missing))
    for p in inputs:
        real, out = os.path.realpath(p), os.path.realpath(outdir.out)
        if real == out or real.startswith(out + os.sep):
            raise RunError(f"input {p} lies inside the output folder {outdir.out}, which the run replaces")
    owned = outdir.owned()
    seen: dict[str, str] = {}
    for given in inputs:
        for f in expand([given]):
            rel = os.path.relpath(f, given) if os.path.isdir(given) else ""
            if any(part.startswith(".") for part in Path(rel).parts[:-1]) or _inside(f, owned):
                continue  # .git, .cache, a previous OUT inside IN: not reports
            seen.setdefault(os.path.normpath(os.path.abspath(f)), f)
    files = sorted(seen.values())
    if not files:
        raise RunError("no input files found in " + ", ".join(map(str, inputs)))
    return files


def _inside(path: str, bases: list[str]) -> bool:
    real = os.path.realpath(path)
    return any(real == b or real.startswith(b + os.sep) for b in bases)


def sha256_of(path: str) -> str | None:
    """Digest of a regular file's bytes (None for anything else: unreadable, a FIFO that would block)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


_LINT_PASSED: set[str] = set()  # rules+code versions linted clean in this process


def _check_rules(cache: Cache) -> None:
    """Broken rules stop the run before any document; a rules+code version that passed is not re-linted."""
    if cache.version_dir in _LINT_PASSED or cache.lint_passed():
        _LINT_PASSED.add(cache.version_dir)
        return
    problems = ruleset.lint()
    if problems:
        raise RulesError(problems)
    _LINT_PASSED.add(cache.version_dir)
    cache.mark_lint_passed()


def _check_profile(profile: str | None) -> None:
    if profile is None:
        return
    from pipeline.checks.base import profiles

    known = [p.id for p in profiles()]
    if profile not in known:
        raise RunError(f"unknown profile {profile!r}; known: {', '.join(known)}")


_WARM_UP = (
    "2023年度某项目支出绩效自评报告\n一、基本情况\n"
    "年初预算数为100万元，全年执行数95万元，预算执行率为95%。\n自评得分为92分，等级为“优”。\n"
)


def _warm_up(stage: Path) -> None:
    """Load rules, segmenter and models in the parent once, so every forked worker starts warm."""
    from pipeline.parse import parse_file
    from pipeline.record import extract_record

    sample = stage / ".warm-up.txt"
    try:
        sample.write_text(_WARM_UP, encoding="utf-8")
        extract_record(parse_file(sample))
    except RulesError:
        raise
    except Exception as exc:  # only a speed-up: the workers load what they need anyway
        log.warning("warm-up failed: %s", exc)
    finally:
        sample.unlink(missing_ok=True)


def _stats(summary: RunSummary, done: int) -> str:
    """Short enough that the whole bar fits an 80-column terminal: unreadable files, then the findings
    by severity (E error, W warning, I info)."""
    f = summary.findings
    return (
        f"✗{summary.error} [red]E{f['error']}[/] [yellow]W{f['warning']}[/] [cyan]I{f['info']}[/]"
    )


def _count(summary: RunSummary, rec: dict, unique: bool) -> None:
    status = rec.get("status", "error")
    if status not in ("ok", "partial", "error", "not_report"):
        status = "error"
    setattr(summary, status, getattr(summary, status) + 1)
    if rec.get("error") and status == "error":
        code = rec["error"].get("code", "?")
        summary.errors_by_code[code] = summary.errors_by_code.get(code, 0) + 1
    if unique:
        for f in rec.get("findings") or []:
            if f.get("severity") in summary.findings:
                summary.findings[f["severity"]] += 1


def _default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run(
    inputs: list[Path],
    out: Path,
    workers: int | None = None,
    fresh: bool = False,
    profile: str | None = None,
    doc_seconds: float = 120,
    doc_memory_mb: int = 1500,
    progress: bool = True,
    cache_dir: Path | None = None,
    min_severity: str = "info",
    csv: bool = False,
) -> RunSummary:
    """Process every file under ``inputs`` into ``out``; see the module docstring for the guarantees.

    Raises RunError (bad arguments, OUT unusable) or RulesError (broken rules) before any document;
    documents themselves never make it raise.
    """
    started = time.perf_counter()
    if workers is not None and workers < 1:
        raise RunError("--workers must be at least 1")
    if doc_seconds <= 0 or doc_memory_mb <= 0:
        raise RunError("--doc-seconds and --doc-memory-mb must be positive")
    if min_severity not in SEVERITIES:
        raise RunError("--min-severity is error, warning or info")
    outdir = OutDir(Path(out))
    outdir.check()
    _check_workbook(outdir.out)
    files = find_inputs([Path(p) for p in inputs], outdir)
    cache_root = Path(cache_dir).absolute() if cache_dir else outdir.out / ".cache"
    cache_inside = cache_root == outdir.out / ".cache"
    summary = RunSummary(out=outdir.out, workers=workers or _default_workers())
    timings = summary.timings

    cache = Cache(cache_root, profile, enabled=not fresh)
    t0 = time.perf_counter()
    _check_rules(cache)
    _check_profile(profile)
    timings["rules"] = time.perf_counter() - t0

    stage = outdir.prepare()
    try:
        try:
            cache_root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RunError(
                f"output folder not writable: cannot create the cache {cache_root}: {exc}"
            ) from None
        with open(stage / "run.log", "w", encoding="utf-8") as fh:
            runlog = RunLog(fh)
            records = _process_all(
                files, stage, cache, summary, runlog, profile, doc_seconds, doc_memory_mb, progress
            )
            t0 = time.perf_counter()
            reviews = _link_and_review(records, outdir.out, stage, summary, runlog, min_severity)
            timings["link+reviews"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            digest = hashlib.sha256(f"{code_version()} {ruleset.version()}".encode())
            with open(stage / "corpus.jsonl", "w", encoding="utf-8") as cf:
                for rec in records:
                    line = json.dumps(rec, ensure_ascii=False) + "\n"
                    cf.write(line)
                    digest.update(line.encode("utf-8"))
            timings["corpus.jsonl"] = time.perf_counter() - t0
            digest.update(f"{reviews.digest()} {min_severity} {csv}".encode())
            key = digest.hexdigest()
            previous = {} if fresh else _previous_outputs(outdir.out, key)
            options = {"xlsx": {"reviews": reviews, "min_severity": min_severity},
                       "corpus": {"reviews": reviews},
                       "html": {"min_severity": min_severity},
                       "tables_csv": {"reviews": reviews, "min_severity": min_severity}}
            writers = WRITERS + ((("tables_csv", "csv"),) if csv else ())
            _check_workbook(outdir.out)  # opened while the documents were processed: still write nothing
            summary.writers, made = _run_writers(
                records, stage, runlog, timings, previous, outdir.out, writers, options
            )
            (stage / MANIFEST).write_text(
                json.dumps({"key": key, "writers": made}, indent=1), encoding="utf-8"
            )
            summary.elapsed = time.perf_counter() - started
            runlog.line(
                f"end: {summary.files} files, {summary.unique} unique, {summary.duplicates} duplicates; "
                f"{summary.ok} ok, {summary.partial} partial, {summary.error} error; "
                f"findings {summary.findings}; cache hits {summary.cache_hits}; "
                f"peak worker RSS {summary.worker_peak_mb:.0f} MB; {summary.elapsed:.2f} s "
                f"({', '.join(f'{k} {v:.2f} s' for k, v in timings.items())})"
            )
        outdir.swap(stage, cache_inside)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)  # the previous OUT stays as it was
        raise
    cache.prune()
    summary.elapsed = time.perf_counter() - started
    return summary


def _process_all(
    files: list[str],
    stage: Path,
    cache: Cache,
    summary: RunSummary,
    runlog: RunLog,
    profile: str | None,
    doc_seconds: float,
    doc_memory_mb: int,
    progress: bool,
) -> list[dict]:
    """The record of every file, in the order of ``files``, with duplicate marks."""
    t0 = time.perf_counter()
    shas = [sha256_of(f) for f in files]
    first: dict[str, int] = {}
    primary = [first.setdefault(s, i) if s else i for i, s in enumerate(shas)]
    unique = [i for i in range(len(files)) if primary[i] == i]
    summary.files, summary.unique = len(files), len(unique)
    summary.duplicates = len(files) - len(unique)
    timings = summary.timings
    timings["scan"] = time.perf_counter() - t0
    runlog.line(
        f"start: jixiao {pipeline.__version__} (code {code_version()}), rules {ruleset.version()} "
        f"({ruleset.RULES_DIR}), profile {profile or 'auto'}, "
        f"cache {cache.dir if cache.enabled else 'ignored (--fresh)'}, "
        f"{summary.files} files ({summary.unique} unique), doc limits {doc_seconds:g} s / {doc_memory_mb} MB"
    )

    t0 = time.perf_counter()
    records: dict[int, dict] = {}
    bar = Progress(len(unique), progress)
    try:
        tasks: list[tuple[int, str]] = []
        for i in unique:
            hit = cache.get(shas[i])
            if hit is None:
                tasks.append((i, files[i]))
                continue
            rec = hit[0]
            rec["file"] = files[i]  # the cached record may come from another path with the same bytes
            records[i] = rec
            _count(summary, rec, unique=True)
            runlog.document(rec, "cached")
        summary.cache_hits = cache.hits
        bar.update(len(records), _stats(summary, len(records)), force=True)
        timings["cache"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        if tasks:
            _warm_up(stage)
            summary.workers = min(summary.workers, len(tasks))
            gc.freeze()  # keep the warm objects out of the collector, so forked workers share their pages
            pool = WorkerPool(summary.workers, WorkerConfig(doc_seconds, doc_memory_mb, profile))
            try:
                for oc in pool.results(tasks):
                    rec, text = _outcome_record(oc, files, shas)
                    if text is not None:
                        cache.put(rec, text)
                    records[oc.index] = rec
                    summary.processed += 1
                    summary.worker_peak_mb = max(summary.worker_peak_mb, oc.rss_mb)
                    _count(summary, rec, unique=True)
                    runlog.document(rec, f"{oc.ms:.0f} ms")
                    bar.update(len(records), _stats(summary, len(records)))
            finally:
                pool.close()  # also when interrupted here, not only inside the generator
                gc.unfreeze()
            runlog.line(f"{len(tasks)} documents processed by {pool.started} worker processes")
        timings["process"] = time.perf_counter() - t0
    finally:
        bar.update(len(records), _stats(summary, len(records)), force=True)
        bar.stop()
    return _assemble(files, primary, records, summary, runlog)


def _outcome_record(oc: Outcome, files: list[str], shas: list[str | None]) -> tuple[dict, str | None]:
    if oc.error is not None:
        return _error_record(files[oc.index], shas[oc.index], *oc.error), None
    assert oc.text is not None
    return json.loads(oc.text), oc.text


def _assemble(
    files: list[str], primary: list[int], records: dict[int, dict], summary: RunSummary, runlog: RunLog
) -> list[dict]:
    dups: dict[int, list[str]] = {}
    for i, p in enumerate(primary):
        if p != i:
            dups.setdefault(p, []).append(files[i])
    out: list[dict] = []
    for i, f in enumerate(files):
        p = primary[i]
        if p == i:
            rec = records[i]
            rec["duplicate_of"] = None
            rec["duplicates"] = dups.get(i, [])
        else:
            rec = dict(records[p], file=f, duplicate_of=files[p], duplicates=[])
            _count(summary, rec, unique=False)
            runlog.document(rec, "-", note=f"duplicate of {files[p]}")
        out.append(rec)
    return out


# -------------------------------------------------------------------------------------------------- CLI


def run_command(
    inputs: Annotated[
        list[Path], typer.Argument(metavar="IN", help="Report files or folders (searched recursively).")
    ],
    out: Annotated[
        Path, typer.Option("-o", "--out", help="Output folder; replaced whole at the end of the run.")
    ],
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Worker processes (default: all cores).")
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Ignore cached records; process every file again.")
    ] = False,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile", help="Force a scoring profile (see `jixiao rules profiles`) instead of detecting it."
        ),
    ] = None,
    doc_seconds: Annotated[
        float, typer.Option("--doc-seconds", min=0.1, help="Time limit per document, in seconds.")
    ] = 120,
    doc_memory_mb: Annotated[
        int, typer.Option("--doc-memory-mb", min=100, help="Memory (address space) limit per worker, in MB.")
    ] = 1500,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar.")] = False,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Keep the record cache here instead of OUT/.cache.")
    ] = None,
    min_severity: Annotated[
        str,
        typer.Option(
            "--min-severity",
            help="List findings of this severity and above: error, warning or info. / 只列出该严重程度及以上的问题。",
        ),
    ] = "info",
    csv: Annotated[
        bool, typer.Option("--csv", help="Also write the workbook's tables as UTF-8-BOM CSV in OUT/csv. / 同时输出CSV。")
    ] = False,
) -> None:
    """Process every report under IN into OUT: corpus.jsonl, run.log, discrepancies.xlsx, corpus.duckdb,
    report.html. Documents that fail are rows with an error code; the run goes on. Unchanged files are
    taken from the cache (OUT/.cache) on the next run; review notes in the previous workbook are kept.

    批量审核IN下的全部报告，输出到OUT：问题清单（discrepancies.xlsx）、数据库（corpus.duckdb）、审核页面
    （report.html）和运行日志。无法读取的文件单列一行并说明原因；重新运行时保留问题清单中已填写的复核意见。"""

    def on_term(signum: int, frame: Any) -> None:  # `kill`: clean up like Ctrl-C does
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    if not no_progress:
        # rules, dictionaries and models take a few seconds to load: say so before the bar appears
        typer.echo("jixiao run: 正在加载规则和词典… (loading rules and dictionaries)", err=True)
    try:
        summary = run(
            inputs,
            out,
            workers=workers,
            fresh=fresh,
            profile=profile,
            doc_seconds=doc_seconds,
            doc_memory_mb=doc_memory_mb,
            progress=not no_progress,
            cache_dir=cache_dir,
            min_severity=min_severity,
            csv=csv,
        )
    except RunError as exc:
        typer.echo(f"jixiao run: {exc}", err=True)
        raise typer.Exit(2) from None
    except RulesError as exc:
        typer.echo(f"jixiao run: {exc}", err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        typer.echo(f"jixiao run: interrupted; {out} left as it was", err=True)
        raise typer.Exit(130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    typer.echo(summary.text())


def main(argv: list[str] | None = None) -> None:
    """``python -m pipeline.run IN... -o OUT``, until the command is registered in the CLI."""
    app = typer.Typer(add_completion=False)
    app.command()(run_command)
    app(args=argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
