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
import ctypes.util
import faulthandler
import json
import logging
import os
import resource
import signal
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ReadError
from pipeline.ruleset import RulesError



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
            return extract_record(parsed, profile=cfg.profile), False
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
    _die_with_parent(parent_pid)
    _limit_memory(cfg.memory_mb)
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


