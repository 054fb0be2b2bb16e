"""The per-document task, the same whichever engine runs it: read, extract and check one file within the
time and memory limits, and turn whatever goes wrong into the file's error record.

Test hooks (read here, for ``tests/test_run.py``; never set them in real runs):

* ``JIXIAO_TEST_CRASH_ON=NAME[:exit|segv|memory]`` — the worker processing the file named NAME dies:
  ``os._exit(1)`` (default), a SIGSEGV, or an allocation past the memory limit (a real ``MemoryError``).
* ``JIXIAO_TEST_HANG_ON=NAME[:soft]`` — the worker hangs on NAME with SIGALRM blocked, as a stuck C call
  would (only the parent's hard timeout ends it); ``:soft`` hangs in Python, which the per-document clock
  interrupts. Several entries may be given, separated by commas.
"""

from __future__ import annotations

import ctypes
import faulthandler
import json
import logging
import os
import resource
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ReadError, out_of_memory
from pipeline.ruleset import RulesError

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class WorkerConfig:
    doc_seconds: float
    memory_mb: int
    profile: str | None
    blocks_only: bool = False  # `jixiao parse`: the envelope and the blocks read, no extraction or checks


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
    """A killed parent (kill -9) must not leave workers hanging on a document forever.

    ``parent_pid`` 0: the worker was not forked by the run (forkserver), so its parent is not the run's."""
    try:
        # the running program's own symbols: libc's prctl without find_library, which runs ldconfig (slow
        # for a process started per document, as on a cluster)
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if parent_pid and os.getppid() != parent_pid:
        os._exit(0)


def _quiet_native_stderr() -> None:
    """Native libraries write to file descriptor 2 on their own (calamine's Rust panics on a damaged
    workbook print a message and, with RUST_BACKTRACE set, a backtrace): in a worker that is noise across
    the progress bar, and the record already says what happened. Python's own stderr is left alone."""
    try:
        keep = os.dup(2)
        sys.stderr = os.fdopen(keep, "w", buffering=1, encoding=sys.stderr.encoding or "utf-8", errors="backslashreplace")
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    except (OSError, ValueError):
        pass


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space, so a runaway document raises MemoryError here instead of swapping the host.

    The cap is what the worker already maps plus the per-document allowance: a worker forked from a parent
    that maps much (DuckDB after the writers, models) would otherwise be left a few hundred MB and give
    documents false E_TOO_LARGE rows.
    """
    try:
        with open("/proc/self/statm") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        mapped = 0
    limit = mapped + (memory_mb << 20)
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


def error_record(path: str, sha: str | None, code: str, detail: str) -> dict:
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
            if cfg.blocks_only:
                from pipeline.record import parse_record

                return parse_record(parsed), False
            rec = extract_record(parsed, profile=cfg.profile)
            if parsed.doc is not None:
                from pipeline.checks.across import passages_for

                # compared across the batch at its end; computed here, where the document is read
                rec["passages"] = passages_for(parsed.doc) or []
            # a reader that ran out of memory may leave the worker near its limit (memory a native library
            # or Python's allocator keeps): the next file gets a fresh worker, not a false E_TOO_LARGE
            err = parsed.error
            return rec, err is not None and out_of_memory(err.code, err.detail)
    except ReadError as exc:
        if exc.code != "E_TIMEOUT":
            raise
        detail = f"reading and extraction took longer than the {cfg.doc_seconds:g} s per-document limit"
        return error_record(path, parsed.sha256, "E_TIMEOUT", detail), False
    except MemoryError:  # a resource limit, not a bug: the document needs more than a worker may take
        detail = f"MemoryError during extraction: over the {cfg.memory_mb} MB per-document memory limit"
        return error_record(path, parsed.sha256, "E_TOO_LARGE", detail), True
    except RulesError:
        raise
    except Exception as exc:  # a bug of ours on this document: the row says so, the batch goes on
        where = traceback.extract_tb(exc.__traceback__)[-1]
        detail = f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
        return error_record(path, parsed.sha256, "E_INTERNAL", detail), False


def process(index: int, path: str, cfg: WorkerConfig) -> Reply:
    t0 = time.perf_counter()
    try:
        rec, recycle = _extract(path, cfg)
        text = json.dumps(rec, ensure_ascii=False)
    except RulesError as exc:
        return Reply(index, None, 0, 0, recycle=True, fatal=str(exc))
    except MemoryError:
        text = json.dumps(
            error_record(path, None, "E_TOO_LARGE", f"MemoryError: over the {cfg.memory_mb} MB memory limit"),
            ensure_ascii=False,
        )
        recycle = True
    except Exception as exc:
        text = json.dumps(
            error_record(path, None, "E_INTERNAL", f"{type(exc).__name__}: {exc}"), ensure_ascii=False
        )
        recycle = False
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Reply(index, text, (time.perf_counter() - t0) * 1000, rss_mb, recycle)


def worker_main(conn: Any, close: list[Any], cfg: WorkerConfig, parent_pid: int) -> None:
    for c in close:  # other workers' pipe ends: holding them would hide those workers' deaths (no EOF)
        c.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent decides
    logging.disable(logging.ERROR)  # details go into the record; stderr belongs to the progress bar
    faulthandler.disable()  # likewise a crash dump: the row says the worker died and how
    _quiet_native_stderr()
    _die_with_parent(parent_pid)
    try:
        if not parent_pid:
            _warm_fresh()
        # after the warm-up: what a fresh worker loads (rules, segmenter, models) is no document's memory,
        # as a forked worker's inherited mapping is not
        _limit_memory(cfg.memory_mb)
        conn.send(READY)
    except RulesError as exc:
        try:
            conn.send(Reply(-1, None, 0.0, 0.0, fatal=str(exc)))
        except OSError:
            pass
        return
    except OSError:
        return
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        reply = process(*task, cfg)
        try:
            conn.send(reply)
        except MemoryError:  # a record too large to pickle within the limit: its row says so, briefly
            detail = f"MemoryError: the record is too large to send back within the {cfg.memory_mb} MB limit"
            text = json.dumps(error_record(task[1], None, "E_TOO_LARGE", detail), ensure_ascii=False)
            try:
                conn.send(Reply(reply.index, text, reply.ms, reply.rss_mb, recycle=True))
            except (OSError, MemoryError):
                return
            return
        except OSError:
            return
        if reply.recycle:
            return


# what a worker sends once it can take documents: the parent starts a document's clock only then
READY = "ready"


def _warm_fresh() -> None:
    """A worker started fresh (spawned, not forked from a warm parent) loads the rules, the segmenter and
    the models before it says it is ready: its start-up, seconds on a busy machine, is no document's time."""
    with tempfile.TemporaryDirectory(prefix="jixiao-warm-") as tmp:
        warm_up(Path(tmp), every_pattern=True)


# a sample in the shapes most reports take (prose, the funds table, indicator rows): the patterns and
# tables a first document reaches are built here, before the worker says it is ready
_WARM_UP = (
    "2023年度某项目支出绩效自评报告\n一、基本情况\n"
    "年初预算数为100万元，全年执行数95万元，预算执行率为95%。其中中央资金60万元，县级配套40万元，已全部拨付到位。\n"
    "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分\n"
    "年度资金总额 | 100 | 100 | 95 | 10 | 95% | 9.5\n"
    "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因\n"
    "产出指标 | 数量指标 | 培训人数 | ≥200人 | 210人 | 20 | 20 |\n"
    "满意度指标 | 服务对象满意度指标 | 受益群众满意度 | ≥90% | 95% | 10 | 10 |\n"
    "二、绩效目标完成情况\n数量指标：完成培训210人次，目标200人次，得20分。\n"
    "自评得分为92分，等级为“优”。\n三、存在的问题及改进措施\n资金支付进度偏慢。下一步将加快支付进度。\n"
)


def warm_up(stage: Path, every_pattern: bool = True) -> None:
    """Load rules, segmenter and models once in the process that forks the workers, so each starts warm.
    With ``every_pattern``, compile the prose rules no sample reaches too (seconds with the ``regex``
    module's parser, which each forked worker would otherwise pay again on its own documents)."""
    from pipeline import literals
    from pipeline.extract import words
    from pipeline.parse import parse_file
    from pipeline.record import extract_record

    sample = stage / ".warm-up.txt"
    try:
        sample.write_text(_WARM_UP, encoding="utf-8")
        parsed = parse_file(sample)
        extract_record(parsed)
        if every_pattern:
            literals.compile_all()
        words.load()  # the sample needs no segmenting, most reports do
        from pipeline.checks.across import passages_for

        passages_for(parsed.doc)  # what every document computes for the checks across reports
    except RulesError:
        raise
    except Exception as exc:  # only a speed-up: the workers load what they need anyway
        log.warning("warm-up failed: %s", exc)
    finally:
        sample.unlink(missing_ok=True)
