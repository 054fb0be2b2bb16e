"""The local engine: this machine's worker processes, one document in flight each."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pipeline.batch.engine import Outcome, hard_timeout
from pipeline.batch.errors import RunError, rules_failed
from pipeline.batch.worker import READY, Reply, WorkerConfig, worker_main

# A worker gets this long to start (load its rules and models) before it is replaced; after this many
# failed starts per worker slot the run stops, saying so, rather than give every document a false error.
START_SECONDS = 300.0
START_FAILURES_PER_SLOT = 3

def _ocr_ran_here() -> bool:
    """A process that has run OCR must not fork its workers: ONNX Runtime does not survive a fork (a test
    process, or a caller that OCR'd a file before starting a batch). `jixiao run` itself never OCRs."""
    import sys

    ocr = sys.modules.get("pipeline.readers.ocr")
    return bool(ocr is not None and ocr.ran_here())


@dataclass
class _Worker:
    proc: Any
    conn: Any
    task: tuple[int, str] | None = None
    deadline: float = 0.0
    ready: bool = False  # said it can take documents (its start-up is over)
    born: float = 0.0


class WorkerPool:
    """Worker processes with one document in flight each; dead or stuck workers are replaced.

    Not ``ProcessPoolExecutor``: a dead worker breaks that whole pool, and it cannot say which document
    killed it. Here each worker has its own pipe, so the parent always knows what each one is doing.
    """

    def __init__(self, size: int, cfg: WorkerConfig, method: str | None = None):
        methods = multiprocessing.get_all_start_methods()
        # fork: workers start warm from the parent (rules and segmenter loaded once, pages shared); a
        # threaded parent (a Dask worker) asks for forkserver instead, as forking threads is unsafe; a parent
        # that has run OCR spawns fresh ones (which see its environment as it is now)
        self.method = method or ("fork" if "fork" in methods and not _ocr_ran_here() else "spawn")
        self.ctx = multiprocessing.get_context(self.method)
        self.size = size
        self.cfg = cfg
        self.hard = hard_timeout(cfg.doc_seconds)
        self.workers: list[_Worker] = []
        self.started = 0
        self.failed_starts = 0

    def _spawn(self) -> _Worker:
        parent_end, child_end = self.ctx.Pipe(duplex=True)
        forked = self.method == "fork"
        # a forked child inherits every pipe end, a spawned one none; its parent is this process only if forked
        close = [w.conn for w in self.workers] + [parent_end] if forked else []
        proc = self.ctx.Process(
            target=worker_main,
            args=(child_end, close, self.cfg, os.getpid() if forked else 0),
            daemon=True,
            name="jixiao-worker",
        )
        proc.start()
        child_end.close()
        w = _Worker(proc, parent_end, born=time.monotonic())
        self.workers.append(w)
        self.started += 1
        return w

    def _retire(self, w: _Worker, kill: bool = False) -> None:
        if kill and w.proc.is_alive():
            w.proc.kill()
        w.proc.join(5)
        w.conn.close()
        self.workers.remove(w)

    def _starting(self, w: _Worker, now: float) -> None:
        """A worker still starting: ready when it says so; replaced if it dies or takes too long."""
        if w.conn.poll():
            try:
                msg = w.conn.recv()
            except (EOFError, OSError):
                msg = None
            if msg == READY:
                w.ready = True
                return
            if isinstance(msg, Reply) and msg.fatal:
                raise rules_failed(msg.fatal)
        if w.proc.is_alive() and not w.conn.closed and now - w.born < START_SECONDS:
            return
        why = "took longer than %g s to start" % START_SECONDS if w.proc.is_alive() else _death(w.proc.exitcode).split(" while ")[0]
        self._retire(w, kill=True)
        self.failed_starts += 1
        if self.failed_starts > START_FAILURES_PER_SLOT * self.size:
            raise RunError(f"worker processes fail to start ({self.failed_starts} times; the last {why}): check the memory limit and the installation")

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
                    raise rules_failed(reply.fatal)
                if reply.recycle:
                    self._retire(w)
                return Outcome(reply.index, reply.text, reply.ms, reply.rss_mb)
        if not w.proc.is_alive() or w.conn.closed:
            w.proc.join(5)
            self._retire(w)
            # killed by a signal: native code crashed or aborted (no Python error would kill the worker)
            code = "E_WORKER_CRASH" if (w.proc.exitcode or 0) < 0 else "E_INTERNAL"
            return Outcome(index, None, took, error=(code, _death(w.proc.exitcode)))
        if now >= w.deadline:
            self._retire(w, kill=True)
            detail = (
                f"no result after {self.hard:g} s (per-document limit {self.cfg.doc_seconds:g} s); "
                "the worker was killed"
            )
            return Outcome(index, None, took, error=("E_TIMEOUT", detail))
        return None

    def results(self, tasks: list[tuple[int, str]], keep: bool = False) -> Iterator[Outcome]:
        """Run every task; yield outcomes as they finish (any order). Kills all workers on the way out,
        unless ``keep`` and every task is done: then the idle workers wait for the next call."""
        pending = deque(tasks)
        done = False
        try:
            while pending or any(w.task for w in self.workers):
                while pending and len(self.workers) < self.size:
                    self._spawn()
                for w in list(self.workers):
                    if not w.ready:
                        self._starting(w, time.monotonic())
                    elif w.task is None and pending:
                        try:
                            w.conn.send(pending[0])
                        except OSError:  # died while idle: not this document's fault, give it to another
                            self._retire(w, kill=True)
                            continue
                        w.task = pending.popleft()
                        w.deadline = time.monotonic() + self.hard
                busy = [w for w in self.workers if w.task is not None]
                starting = [w for w in self.workers if not w.ready]
                if not busy and not starting:
                    continue
                wait = max(0.0, min((w.deadline for w in busy), default=time.monotonic() + 1.0) - time.monotonic())
                watched = busy + starting
                multiprocessing.connection.wait(
                    [w.conn for w in watched] + [w.proc.sentinel for w in watched], timeout=min(wait, 1.0)
                )
                now = time.monotonic()
                for w in busy:
                    outcome = self._collect(w, now)
                    if outcome is not None:
                        yield outcome
            done = True
        finally:
            if not (keep and done):
                self.close()

    def describe(self) -> str:
        return f"{self.started} worker processes"

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


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        why = {
            "SIGSEGV": " (a crash in native code)",
            "SIGKILL": " (possibly the system's out-of-memory killer)",
            "SIGABRT": " (a native library aborted, most often on reaching the worker's memory limit)",
        }
        return f"the worker process was killed by {name}{why.get(name, '')} while processing this document"
    return f"the worker process exited with status {exitcode} while processing this document"


