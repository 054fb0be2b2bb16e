"""The cluster engine: the same per-document task on a Dask distributed cluster (``--cluster ADDRESS``).

Imported only when a run names a cluster, so a local run never loads Dask.

* **The same task, the same limits.** A Dask task runs one document in a child process of the Dask
  worker (kept for the thread's next task, forked warm from a forkserver that loaded the rules once), through
  a one-worker :class:`~pipeline.batch.local.WorkerPool`: the same address-space limit,
  per-document clock and hard timeout, the same error rows for crashes and hangs. The Dask worker itself
  survives a document that segfaults or exhausts memory.
* **A dead worker.** When a Dask worker dies mid-document (killed, its machine lost), the scheduler gives
  up on the task (``KilledWorker``; with ``allowed-failures`` at 0 at once) and the document is submitted
  once more; if that fails too, the document becomes an ``E_INTERNAL`` row. No file is lost.
* **How the files reach the workers.** Files up to :data:`SEND_BYTES_MAX` travel with the task (the worker
  writes them to a temporary folder under their own name); larger files are read by their path, which
  must then be the same on every worker (a shared mount).
* **The cache** stays with the run (``OUT/.cache`` on the machine that started it): workers receive only
  documents the cache does not hold and send back records, which the run caches.

Test hook: ``JIXIAO_TEST_KILL_WORKER_ON=NAME[:once]`` — the Dask worker that receives the file named NAME
kills itself (SIGKILL) before processing it; ``:once`` only the first time (a marker file in
``JIXIAO_TEST_MARKS``). Never set it in real runs.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.batch.engine import Outcome
from pipeline.batch.errors import RunError
from pipeline.batch.local import WorkerPool
from pipeline.batch.worker import WorkerConfig

SEND_BYTES_MAX = 16 << 20
CONNECT_TIMEOUT = "30s"
ATTEMPTS = 2  # a document whose worker died is tried once more


def run_document(index: int, path: str, data: bytes | None, cfg: WorkerConfig) -> Outcome:
    """One document on a Dask worker (the task Dask runs); always returns an outcome, like the local pool."""
    _kill_hook(path)
    me = multiprocessing.current_process()
    if me.daemon:
        # Dask's nanny starts workers as daemonic processes, which multiprocessing forbids to have
        # children; ours are killed by the pool and die with their parent (PR_SET_PDEATHSIG) anyway.
        me.daemon = False
    ctx = multiprocessing.get_context("forkserver")
    # __main__ too: else every document process imports the Dask worker's main module (and so Dask) anew
    ctx.set_forkserver_preload(["__main__", "pipeline.batch.preload"])
    with tempfile.TemporaryDirectory(prefix="jixiao-doc-") as tmp:
        local = path
        if data is not None:
            local = os.path.join(tmp, Path(path).name)
            with open(local, "wb") as fh:
                fh.write(data)
        [outcome] = list(_pool(cfg).results([(index, local)], keep=True))
    if outcome.text is not None and local != path:
        rec = json.loads(outcome.text)
        rec["file"] = path  # the record names the file as the run found it, not the worker's copy
        outcome.text = json.dumps(rec, ensure_ascii=False)
    return outcome


_POOLS = threading.local()


def _pool(cfg: WorkerConfig) -> WorkerPool:
    """This Dask worker thread's document process, kept between tasks (replaced when it dies or hangs)."""
    pools = getattr(_POOLS, "pools", None)
    if pools is None:
        pools = _POOLS.pools = {}
    if cfg not in pools:
        pools[cfg] = WorkerPool(1, cfg, method="forkserver")
    return pools[cfg]


def _kill_hook(path: str) -> None:
    name = Path(path).name
    for entry in filter(None, os.environ.get("JIXIAO_TEST_KILL_WORKER_ON", "").split(",")):
        target, _, mode = entry.partition(":")
        if target != name:
            continue
        if mode == "once":
            mark = Path(os.environ["JIXIAO_TEST_MARKS"]) / f"{name}.killed"
            if mark.exists():
                return
            mark.touch()
        os.kill(os.getpid(), signal.SIGKILL)


class ClusterEngine:
    """Documents as Dask tasks on the cluster at ``address`` (``tcp://host:8786``) or a given ``Client``."""

    def __init__(self, address: Any, cfg: WorkerConfig):
        from distributed import Client

        self.cfg = cfg
        self.started = 0
        self.own_client = isinstance(address, str)
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT) if self.own_client else address
        except (OSError, TimeoutError) as exc:
            raise RunError(
                f"cannot reach the Dask scheduler at {address}: {exc}; start it with `dask scheduler` "
                "and its workers with `dask worker ADDRESS` (README, section 'On a Dask cluster')"
            ) from None
        workers = self.client.scheduler_info().get("workers") or {}
        self.size = sum(int(w.get("nthreads") or 1) for w in workers.values()) or 1
        self.address = getattr(self.client.scheduler, "address", str(address))

    def describe(self) -> str:
        return f"the Dask cluster at {self.address} ({self.started} tasks, {self.size} worker threads)"

    def _submit(self, index: int, path: str, attempt: int) -> Any:
        data = None
        try:
            if os.path.getsize(path) <= SEND_BYTES_MAX:
                with open(path, "rb") as fh:
                    data = fh.read()
        except OSError:
            data = None  # unreadable here: the worker's reader gives the file its error row
        self.started += 1
        return self.client.submit(
            run_document, index, path, data, self.cfg, key=f"jixiao-doc-{index}-{attempt}-{time.time_ns()}",
            pure=False,
        )

    def results(self, tasks: list[tuple[int, str]]) -> Iterator[Outcome]:
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        pending: dict[Any, tuple[int, str, int, float]] = {}
        for index, path in tasks:
            pending[self._submit(index, path, 1)] = (index, path, 1, time.monotonic())
        done = as_completed(list(pending))
        try:
            for fut in done:
                index, path, attempt, t0 = pending.pop(fut)
                try:
                    outcome = fut.result()
                except KilledWorker as exc:
                    if attempt < ATTEMPTS:
                        again = self._submit(index, path, attempt + 1)
                        pending[again] = (index, path, attempt + 1, time.monotonic())
                        done.add(again)
                        continue
                    detail = (
                        f"the Dask worker processing this document died {attempt} times "
                        f"({type(exc).__name__}); it was not retried again"
                    )
                    outcome = Outcome(index, None, (time.monotonic() - t0) * 1000, error=("E_INTERNAL", detail))
                except RunError:
                    raise  # broken rules in a worker: the run stops, as it does locally
                except Exception as exc:  # a failure of the task itself, not of the document
                    detail = f"the cluster task failed: {type(exc).__name__}: {exc}"
                    outcome = Outcome(index, None, (time.monotonic() - t0) * 1000, error=("E_INTERNAL", detail))
                yield outcome
        finally:
            for fut in pending:
                fut.cancel()

    def close(self) -> None:
        if self.own_client:
            self.client.close()
