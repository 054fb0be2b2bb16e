"""Checks across reports (rulebook B.8-54 and B.9): what only shows when reports are read side by side.

They run once at the end of a batch (:func:`run`, called by :mod:`pipeline.batch.runner`) over every
report the batch holds, cached ones included, each report counted once (:func:`pipeline.same_report.counted`):

* :mod:`~pipeline.checks.across.copies` — passages copied from another unit's or project's report
  (COPY-NEAR-DUPLICATE) or from the same unit's report of another year (CORPUS-REPEAT-YEAR), found by
  :mod:`~pipeline.checks.across.similar` over the :mod:`~pipeline.checks.across.passages` of each report;
* :mod:`~pipeline.checks.across.corpus` — CORPUS-ALL-FULL, -SELF-VS-REVIEW, -INCONSISTENT-DEDUCTION,
  -SAMPLE-BIAS, -SUM-TIE (and CORPUS-THIRD-PARTY-WEIGHTS, which needs one report only and runs with the
  per-document checks).

A finding goes on the record of every report it involves, names the others (``involves``), and is listed
like any other; the catalogue (``rules/checks.yaml``) gives its title, messages, severity and parameters.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pipeline.checks.base import CheckRule, Finding, catalogue

log = logging.getLogger(__name__)

COPY = "COPY-NEAR-DUPLICATE"


@dataclass
class Batch:
    """What the checks across reports read: the reports that stand for their report (read, not a copy),
    each read again when a check needs it whole, and what the checks keep of them.

    A batch of 100,000 reports does not fit in the parent as records: each check keeps what it compares
    (:data:`COLLECT`, in one pass over the reports) and reads a record (``read``) only to write a finding.
    """

    read: Callable[[int], dict]  # record i, as the outputs show it (the checks do not change it)
    counted: list[int]  # indexes of the records that stand for their report, in input order
    stats: dict[str, float] = field(default_factory=dict)
    shared: dict = field(default_factory=dict)  # what the checks keep or compute once
    blocks: dict[int, dict] = field(default_factory=dict)  # record -> blocks its findings quote

    def records(self, indexes: list[int]) -> Iterator[tuple[int, dict]]:
        for i in indexes:
            yield i, self.read(i)


# fn(batch, rule) -> (record index, finding, extra keys for the finding's JSON)
AcrossFn = Callable[[Batch, CheckRule], Iterator[tuple[int, Finding, dict]]]
ACROSS: dict[str, AcrossFn] = {}
# fn(batch, index, record): what checks keep of each counted report, called once per report in order
CollectFn = Callable[[Batch, int, dict], None]
COLLECT: dict[CollectFn, tuple[str, ...]] = {}  # -> the checks that read what it keeps


def across(check_id: str) -> Callable[[AcrossFn], AcrossFn]:
    def register(fn: AcrossFn) -> AcrossFn:
        ACROSS[check_id] = fn
        return fn

    return register


def collect(*check_ids: str) -> Callable[[CollectFn], CollectFn]:
    def register(fn: CollectFn) -> CollectFn:
        COLLECT[fn] = check_ids
        return fn

    return register


def rule(check_id: str) -> CheckRule | None:
    return next((c for c in catalogue().checks if c.id == check_id), None)


def passages_for(doc) -> list[dict] | None:
    """The passages a worker stores in the record, for COPY-NEAR-DUPLICATE at the end of the batch."""
    from pipeline.checks.across.passages import of_document

    r = rule(COPY)
    if r is None or not r.enabled:
        return None
    p = r.params
    return of_document(doc, int(p["shingle"]), int(p["num_perm"]), int(p["min_chars"]))


def check(read: Callable[[int], dict], counted: list[int]) -> tuple[dict[int, list[dict]], dict[int, dict], dict]:
    """Every enabled check across reports over the ``counted`` reports (``read(i)``: record i). Returns the
    findings by record (in the order the checks gave them), the blocks they quote by record, and counts and
    timings for the log."""
    import time

    batch = Batch(read, counted)
    enabled = {r.id for r in catalogue().checks if r.enabled and r.id in ACROSS}
    collectors = [fn for fn, ids in COLLECT.items() if enabled & set(ids)]
    broken: set[str] = set()  # checks whose reports were not all kept: they do not run on part of the batch
    t0 = time.perf_counter()
    for i in counted:
        rec = read(i)
        for keep in list(collectors):
            try:
                keep(batch, i, rec)
            except Exception:  # as a check that fails: the others still run
                log.exception("checks across reports %s: keeping record %d failed", ", ".join(COLLECT[keep]), i)
                broken.update(COLLECT[keep])
                collectors.remove(keep)
        del rec
    batch.stats["reading s"] = round(time.perf_counter() - t0, 3)
    added: dict[int, list[dict]] = {}
    try:
        for r in catalogue().checks:
            fn = ACROSS.get(r.id)
            if fn is None or r.id not in enabled or r.id in broken:
                continue
            t0 = time.perf_counter()
            n = 0
            try:
                for index, finding, extra in fn(batch, r):
                    added.setdefault(index, []).append({**finding.to_json(), **extra})
                    n += 1
            except Exception:  # one broken check must not lose the batch's other findings
                log.exception("check across reports %s failed", r.id)
            batch.stats[f"{r.id} findings"] = n
            batch.stats[f"{r.id} s"] = round(time.perf_counter() - t0, 3)
    finally:
        for kept in batch.shared.values():
            if hasattr(kept, "close"):
                kept.close()
    return added, batch.blocks, batch.stats


ORDER = {"error": 0, "warning": 1, "info": 2}  # a record's findings by severity, in their order within one


def run(records: list[dict]) -> dict[str, float]:
    """The checks across reports over records held in memory (tests, ``scripts/bench_across.py``):
    findings and the blocks they quote are added to the records they involve, and the records'
    ``passages`` dropped (they live in the cache; the outputs keep the pairs). Returns counts and timings."""
    from pipeline import same_report

    counted = [i for i, r in enumerate(records) if same_report.counted(r) and r.get("status") in ("ok", "partial")]
    added, blocks, stats = check(records.__getitem__, counted)
    for index, found in added.items():
        rec = records[index]
        rec["findings"] = sorted((rec.get("findings") or []) + found, key=lambda f: ORDER.get(f["severity"], 2))
    for index, quoted in blocks.items():
        own = records[index].setdefault("evidence_blocks", {})
        for k, v in quoted.items():
            own.setdefault(k, v)
    for rec in records:
        rec.pop("passages", None)
    return stats


from pipeline.checks.across import copies, corpus, names  # noqa: E402,F401  (registers the checks and rules)
