"""The batch run, ``jixiao run IN... -o OUT``: every report under IN, in parallel, into one set of outputs.

Its parts, one module each:

* :mod:`~pipeline.batch.runner` — ``run()``: inputs, cache, engine, linking and reviews, writers, swap;
* :mod:`~pipeline.batch.worker` — the per-document task (limits, test hooks, error records);
* :mod:`~pipeline.batch.engine` — the interface every engine offers (tasks in, one outcome per task out);
* :mod:`~pipeline.batch.local` — the local engine, this machine's worker processes;
* :mod:`~pipeline.batch.outdir` — OUT's atomic swap and its recovery;
* :mod:`~pipeline.batch.spool` — records on disk as they arrive; :mod:`~pipeline.batch.views` — what the
  parent keeps of each; :mod:`~pipeline.batch.assemble` — each record put back together for ``corpus.jsonl``;
* :mod:`~pipeline.batch.unchanged` — an unchanged rerun keeps the previous outputs;
* :mod:`~pipeline.batch.inputs`, :mod:`~pipeline.batch.writers`, :mod:`~pipeline.batch.reviews`,
  :mod:`~pipeline.batch.progress`, :mod:`~pipeline.batch.log`, :mod:`~pipeline.batch.summary`;
* :mod:`~pipeline.batch.command` — the ``jixiao run`` command line.

What it guarantees, and how:

* **Every file once.** Each file found under IN gets exactly one record in ``OUT/corpus.jsonl`` (sorted by
  path) with its status; files with identical bytes are processed once and carry ``duplicate_of`` /
  ``duplicates``.
* **A bad document never stops the batch.** Documents run in worker processes (one document in flight per
  worker, so a death is always attributable). Each worker has an address-space limit (``RLIMIT_AS``) and a
  per-document clock; a worker that dies (segfault, ``os._exit``, the OOM killer) or outlives the hard
  limit is killed and replaced, and its document becomes an ``E_INTERNAL`` / ``E_TIMEOUT`` row.
* **Atomic outputs.** Everything is written into a temporary folder beside OUT and swapped in at the end;
  an interrupted run leaves the previous OUT whole (see :class:`~pipeline.batch.outdir.OutDir`).
* **Nothing an auditor typed is lost.** The previous workbook's reviews are carried to the same findings
  (or to 已消失的问题), a workbook someone saved is kept in ``OUT/backups``, and while the workbook is open
  in Excel/WPS the run writes nothing (:mod:`pipeline.outputs.review`).
* **One report, counted once** (:mod:`pipeline.same_report`).
* **Incremental.** Records are cached by (content, rules, code, profile) in ``OUT/.cache`` (see
  :mod:`pipeline.cache`); entries are written as documents finish, so a rerun after Ctrl-C resumes. A rerun
  over the same files, rules, code and options, whose outputs are as the last run left them, keeps them.
* **Memory that does not grow with the records.** The parent holds no record: each is spooled to disk as
  it arrives and read back when ``corpus.jsonl`` is written; the writers read that file one record at a time.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RunError", "RunSummary", "run"]


def __getattr__(name: str) -> Any:
    # Imported on use: `jixiao --help` and `jixiao extract` reach pipeline.batch.inputs and must not pay for
    # the runner (cache, worker pool, writers).
    if name == "run":
        from pipeline.batch.runner import run

        return run
    if name == "RunError":
        from pipeline.batch.errors import RunError

        return RunError
    if name == "RunSummary":
        from pipeline.batch.summary import RunSummary

        return RunSummary
    raise AttributeError(name)
