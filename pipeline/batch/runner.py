"""``run()``: the batch from the inputs to the swapped-in outputs; see :mod:`pipeline.batch`."""

from __future__ import annotations

import errno
import gc
import hashlib
import json
import logging
import os
import shutil
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pipeline
import pipeline.cache as cachemod
from pipeline import ruleset, same_report
from pipeline.batch import reviews, unchanged, writers
from pipeline.batch.assemble import Collected
from pipeline.batch.engine import Engine, Outcome
from pipeline.batch.errors import RunError
from pipeline.batch.inputs import Inputs, find_inputs, sha256_of, shown_path
from pipeline.batch.local import WorkerPool
from pipeline.batch.log import RunLog
from pipeline.batch.outdir import OutDir
from pipeline.batch.progress import Progress, stats
from pipeline.batch.spool import JsonLines, Spool
from pipeline.batch.summary import SEVERITIES, RunSummary, count
from pipeline.batch.views import Views
from pipeline.batch.worker import WorkerConfig, error_record, warm_up
from pipeline.cache import Cache
from pipeline.ruleset import RulesError

log = logging.getLogger(__name__)

# from this many documents to process, the parent compiles every prose rule before forking the workers
# (once, instead of in each worker as its documents reach them)
COMPILE_ALL_FROM = 16
SPOOL = ".records.jsonl"  # in the staging folder; removed before the swap
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
    cluster: Any = None,
) -> RunSummary:
    """Process every file under ``inputs`` into ``out``; see the module docstring for the guarantees.

    ``cluster``: a Dask scheduler's address (or a ``distributed.Client``) to run the documents on instead of
    this machine's worker processes (:mod:`pipeline.batch.cluster`).

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
    # first of all: anything written into OUT before (the rules' lint mark in OUT/.cache) would make a
    # half-swapped previous run look finished, and its kept outputs be thrown away
    outdir.recover()
    reviews.check_workbook(outdir.out)
    found = find_inputs([Path(p) for p in inputs], outdir)
    files = found.files
    cache_root = Path(cache_dir).absolute() if cache_dir else outdir.out / ".cache"
    cache_inside = cache_root == outdir.out / ".cache"
    summary = RunSummary(out=outdir.out, workers=workers or _default_workers())
    timings = summary.timings

    cache = Cache(cache_root, profile, enabled=not fresh)
    t0 = time.perf_counter()
    _check_rules(cache)
    _check_profile(profile)
    timings["rules"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    scan = _scan(files, found)
    timings["scan"] = time.perf_counter() - t0
    inputs_key = unchanged.inputs_key(scan.rows(), outdir.out, profile, min_severity, csv)
    kept = None if fresh else unchanged.reusable(outdir.out, inputs_key)

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
            if kept is not None:
                _keep(kept, outdir.out, stage, summary, runlog, profile, started)
                outdir.swap(stage, cache_inside)
                summary.elapsed = time.perf_counter() - started
                return summary
            batch = _process_all(
                files, scan, stage, cache, summary, runlog, profile, doc_seconds, doc_memory_mb, progress, cluster,
                found,
            )
            try:
                t0 = time.perf_counter()
                summary.same_report = same_report.link_views(batch.views)
                writers.give_back_memory()
                timings["link"] = time.perf_counter() - t0
                t0 = time.perf_counter()
                _across(batch, runlog)
                timings["across reports"] = time.perf_counter() - t0
                t0 = time.perf_counter()
                state = reviews.carry(batch, outdir.out, stage, summary, runlog)
                timings["reviews"] = time.perf_counter() - t0
                t0 = time.perf_counter()
                digest = hashlib.sha256(f"{cachemod.code_version()} {ruleset.version()}".encode())
                reviews.write_corpus(batch, stage / "corpus.jsonl", state, summary, runlog, min_severity, digest)
                timings["corpus.jsonl"] = time.perf_counter() - t0
            finally:
                batch.spool.close()
            # the writers read corpus.jsonl: what linking kept (the views, every file's name, digest and
            # path: about 1 KB a document) goes before them, so that their memory does not grow with the batch
            count_written, complete, records_read = len(batch), batch.complete, batch.records
            del batch, scan, files, found
            writers.give_back_memory()
            digest.update(f"{state.digest()} {min_severity} {csv}".encode())
            key = digest.hexdigest()
            previous = {} if fresh else writers.previous_outputs(outdir.out, key)
            options = {"xlsx": {"reviews": state, "min_severity": min_severity},
                       "corpus": {"reviews": state},
                       "html": {"min_severity": min_severity},
                       "tables_csv": {"reviews": state, "min_severity": min_severity}}
            chosen = writers.WRITERS + ((("tables_csv", "csv"),) if csv else ())
            reviews.check_workbook(outdir.out)  # opened while the documents were processed: still write nothing
            summary.writers, made = writers.run_writers(
                JsonLines(stage / "corpus.jsonl", count_written), stage, runlog, timings, previous, outdir.out, chosen, options
            )
            manifest = {"key": key, "writers": made, "inputs": inputs_key, "complete": complete,
                        "records": records_read, "summary": unchanged.counts(summary),
                        "corpus": writers.listing(stage)[unchanged.CORPUS]}
            (stage / writers.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
            summary.elapsed = time.perf_counter() - started
            runlog.line(
                f"end: {summary.files} files, {summary.unique} unique, {summary.duplicates} duplicates; "
                f"{summary.ok} ok, {summary.partial} partial ({summary.incomplete} incomplete), {summary.error} error; "
                f"findings {summary.findings}; cache hits {summary.cache_hits}; "
                f"peak worker RSS {summary.worker_peak_mb:.0f} MB; {summary.elapsed:.2f} s "
                f"({', '.join(f'{k} {v:.2f} s' for k, v in timings.items())})"
            )
        outdir.swap(stage, cache_inside)
    except BaseException as exc:
        shutil.rmtree(stage, ignore_errors=True)  # the previous OUT stays as it was
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            trimmed = cache.forget_new()  # this run's entries: the disk is left as the run found it
            where = shown_path(os.fsdecode(exc.filename)) if exc.filename else "the outputs"
            raise RunError(
                f"磁盘空间已满，本次运行未完成，原有输出保持不变；请清理磁盘空间后重新运行 (disk full while "
                f"writing {where}: {exc.strerror}; previous outputs left as they were, {trimmed} cache entries "
                f"of this run removed)"
            ) from None
        raise
    cache.prune()
    summary.elapsed = time.perf_counter() - started
    return summary


@dataclass
class _Scan:
    """Every file's name as shown, its sha256 (None: a file no worker reads) and the first file with the
    same bytes."""

    names: list[str]
    shas: list[str | None]
    primary: array  # the first file with the same bytes (itself when unique)
    codes: dict[int, str]  # the error code of a file no worker reads, by position

    def rows(self) -> Iterator[tuple[str, str]]:
        """(name, sha256 or the error code of a file no worker reads), in input order: made when asked, as
        the run keeps no list a file it does not need."""
        for i, (name, sha) in enumerate(zip(self.names, self.shas, strict=True)):
            yield name, sha or self.codes[i]


def _scan(files: list[str], found: Inputs | None) -> _Scan:
    judged = found.judged if found else {}
    shas = [None if f in judged else sha256_of(f) for f in files]
    # what records, logs and writers show; ``files`` is what is opened (the same string when they agree)
    names = [f if name == f else name for f, name in ((f, shown_path(f)) for f in files)]
    first: dict[str, int] = {}
    primary = array("q", (first.setdefault(s, i) if s else i for i, s in enumerate(shas)))
    # a file with no digest that the walk did not judge changed after it (a FIFO put in its place): its
    # worker says what it is; here it only must not match a previous run's row
    codes = {i: str(judged[f][0]) if f in judged else "E_NOT_READ" for i, (f, s) in enumerate(zip(files, shas)) if not s}
    return _Scan(names, shas, primary, codes)


def _keep(
    manifest: dict, out: Path, stage: Path, summary: RunSummary, runlog: RunLog, profile: str | None, started: float
) -> None:
    """The previous outputs, kept (:mod:`pipeline.batch.unchanged`)."""
    unchanged.restore(summary, manifest)
    runlog.line(
        f"start: jixiao {pipeline.__version__} (code {cachemod.code_version()}), rules {ruleset.version()} "
        f"({ruleset.RULES_DIR}), profile {profile or 'auto'}, {summary.files} files"
    )
    unchanged.keep(out, stage, manifest)
    runlog.line(
        "files, rules, code and options unchanged, every output as the previous run left it: outputs kept "
        f"({summary.cache_hits} records not read again)"
    )
    runlog.line(
        f"end: {summary.files} files, {summary.unique} unique, {summary.duplicates} duplicates; "
        f"{summary.ok} ok, {summary.partial} partial ({summary.incomplete} incomplete), {summary.error} error; "
        f"findings {summary.findings}; {time.perf_counter() - started:.2f} s"
    )


def _process_all(
    files: list[str],
    scan: _Scan,
    stage: Path,
    cache: Cache,
    summary: RunSummary,
    runlog: RunLog,
    profile: str | None,
    doc_seconds: float,
    doc_memory_mb: int,
    progress: bool,
    cluster: Any = None,
    found: Inputs | None = None,
) -> Collected:
    """The record of every file, spooled as it arrives; what linking needs kept, in the order of ``files``."""
    judged = found.judged if found else {}
    shas, names, primary = scan.shas, scan.names, scan.primary
    unique = [i for i in range(len(files)) if primary[i] == i]
    summary.files, summary.unique = len(files), len(unique)
    summary.duplicates = len(files) - len(unique)
    timings = summary.timings
    runlog.line(
        f"start: jixiao {pipeline.__version__} (code {cachemod.code_version()}), rules {ruleset.version()} "
        f"({ruleset.RULES_DIR}), profile {profile or 'auto'}, "
        f"cache {cache.dir if cache.enabled else 'ignored (--fresh)'}, "
        f"{summary.files} files ({summary.unique} unique), doc limits {doc_seconds:g} s / {doc_memory_mb} MB"
    )
    for path, why in found.skipped if found else []:
        runlog.line(f"skipped {shown_path(path)}: {why}")

    t0 = time.perf_counter()
    spool = Spool(stage / SPOOL, len(files))
    views = Views(len(files))
    done = 0
    complete = True  # every record read is one the cache keeps (no time-out, no crash to try again)

    def arrived(i: int, rec: dict, text: str | None, took: str) -> None:
        nonlocal done, complete
        spool.put(i, text if text is not None else json.dumps(rec, ensure_ascii=False))
        views.add(i, rec, names[i], same_report.MIN_CHARS)
        done += 1
        if files[i] not in judged and not cachemod.cacheable(rec):
            complete = False
        count(summary, rec, unique=True)
        runlog.document(rec, took)

    bar = Progress(len(unique), progress)
    try:
        tasks: list[tuple[int, str]] = []
        for i in unique:
            if files[i] in judged:  # a FIFO, a broken symlink …: its row needs no worker
                arrived(i, error_record(names[i], None, *judged[files[i]]), None, "-")
                continue
            hit = cache.get(shas[i])
            if hit is None:
                tasks.append((i, files[i]))
                continue
            rec, text = hit
            if rec.get("file") != names[i]:  # the cached record may come from another path with the same bytes
                rec["file"] = names[i]
                text = None
            arrived(i, rec, text, "cached")
        summary.cache_hits = cache.hits
        bar.update(done, stats(summary, done), force=True)
        timings["cache"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        if tasks:
            cfg = WorkerConfig(doc_seconds, doc_memory_mb, profile)
            engine: Engine
            if cluster is not None:
                from pipeline.batch.cluster import ClusterEngine  # Dask is imported only here

                engine = ClusterEngine(cluster, cfg)
                summary.workers = engine.size
            else:
                # a few documents reach few of the prose rules: compiling them all would cost more than it saves
                warm_up(stage, every_pattern=len(tasks) >= COMPILE_ALL_FROM)
                summary.workers = min(summary.workers, len(tasks))
                gc.freeze()  # keep the warm objects out of the collector, so forked workers share their pages
                engine = WorkerPool(summary.workers, cfg)
            try:
                for oc in engine.results(tasks):
                    rec, text = _outcome_record(oc, shas, names)
                    if text is not None:
                        cache.put(rec, text)
                    summary.processed += 1
                    summary.worker_peak_mb = max(summary.worker_peak_mb, oc.rss_mb)
                    arrived(oc.index, rec, text, f"{oc.ms:.0f} ms")
                    bar.update(done, stats(summary, done))
            finally:
                engine.close()  # also when interrupted here, not only inside the generator
                gc.unfreeze()
            runlog.line(f"{len(tasks)} documents processed by {engine.describe()}")
        timings["process"] = time.perf_counter() - t0
    except BaseException:
        spool.close()
        raise
    finally:
        bar.update(done, stats(summary, done), force=True)
        bar.stop()
    batch = Collected(spool, names, primary, views)
    batch.complete, batch.records = complete, summary.cache_hits + summary.processed
    return _assemble(batch, summary, runlog)


def _across(batch: Collected, runlog: RunLog) -> None:
    """The checks that read the whole batch (copied passages, CORPUS-*), once, over every record."""
    from pipeline.checks import across

    found, blocks, stats = across.check(batch.read_counted, batch.counted())
    batch.keep_across(found, blocks)
    del found, blocks
    writers.give_back_memory()
    runlog.line("across reports: " + ", ".join(f"{k} {v:g}" for k, v in stats.items()))


def _outcome_record(oc: Outcome, shas: list[str | None], names: list[str]) -> tuple[dict, str | None]:
    if oc.error is not None:
        return error_record(names[oc.index], shas[oc.index], *oc.error), None
    assert oc.text is not None
    rec = json.loads(oc.text)
    if rec.get("file") == names[oc.index]:
        return rec, oc.text
    rec["file"] = names[oc.index]  # a name in another byte encoding: shown with replacement characters
    return rec, json.dumps(rec, ensure_ascii=False)


def _assemble(batch: Collected, summary: RunSummary, runlog: RunLog) -> Collected:
    """Byte copies: each file with the same bytes as an earlier one is a copy of that file's record."""
    names, primary, views = batch.names, batch.primary, batch.views
    for i, p in enumerate(primary):
        if p != i:
            batch.duplicates.setdefault(p, []).append(names[i])
    for i, p in enumerate(primary):
        if p == i:
            continue
        views.copy(i, p)
        rec = batch.spool.get(p)
        rec["file"] = names[i]
        count(summary, rec, unique=False)
        runlog.document(rec, "-", note=f"duplicate of {names[p]}")
    return batch
