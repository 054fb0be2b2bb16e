"""An unchanged rerun: OUT's outputs are kept without reading a single record.

Every output is a function of the files' contents, the rules, the code, the options and the previous
workbook's reviews. When a run finds the same files (names and sha256) under the same rules, code and
options as the run that wrote OUT, and every output is still as that run left it (the workbook included,
so no review was typed since), those outputs are this run's result: they are hard-linked into the new
outputs as they are. A run that left a record to try again (a time-out, a crash: never cached) or a writer
that failed is never kept this way.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path

import pipeline.cache as cachemod
from pipeline import ruleset
from pipeline.batch.summary import RunSummary
from pipeline.batch.writers import MANIFEST, listing

CORPUS = "corpus.jsonl"
# the counts of a run that a kept run reports again (not its timings, workers or cache use)
_COUNTS = ("files", "unique", "duplicates", "ok", "partial", "error", "not_report", "incomplete", "same_report",
           "reviews", "vanished", "errors_by_code", "findings")


def inputs_key(rows: Iterable[tuple[str, str]], out: Path, profile: str | None, min_severity: str, csv: bool) -> str:
    """What the outputs depend on besides the previous workbook: ``rows`` is each file's name and sha256
    (or, for a file no worker reads, its error code), in input order. The current folder and OUT are in it
    because the outputs link to the files relative to them."""
    h = hashlib.sha256()
    head = [cachemod.code_version(), ruleset.version(), profile, min_severity, csv, os.getcwd(), str(out)]
    h.update(json.dumps(head, ensure_ascii=False).encode("utf-8"))
    for name, sha in rows:
        h.update(f"\n{name}\t{sha}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def reusable(out: Path, key: str) -> dict | None:
    """The previous run's manifest when its outputs can be kept for inputs ``key``, else None."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("inputs") != key or not manifest.get("complete"):
        return None
    writers = manifest.get("writers")
    if not isinstance(writers, dict) or not isinstance(manifest.get("corpus"), list):
        return None
    if any(not isinstance(w, dict) or w.get("status") != "ok" or not w.get("files") for w in writers.values()):
        return None
    try:
        now = listing(out)
    except OSError:
        return None
    expected = {CORPUS: manifest["corpus"]}
    for w in writers.values():
        expected.update(w["files"])
    if any(now.get(name) != meta for name, meta in expected.items()):
        return None  # an output was edited, saved (the workbook: a reviewer's notes) or removed
    return manifest


def keep(out: Path, stage: Path, manifest: dict) -> None:
    """Hard-link the previous outputs (and the kept workbooks in ``backups``) into the new ones."""
    names = [CORPUS, "backups", *(name for w in manifest["writers"].values() for name in w["files"])]
    for name in names:
        src, dst = out / name, stage / name
        if src.is_dir():
            shutil.copytree(src, dst, copy_function=os.link)
        elif src.exists():
            os.link(src, dst)
    (stage / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def counts(summary: RunSummary) -> dict:
    return {name: getattr(summary, name) for name in _COUNTS}


def restore(summary: RunSummary, manifest: dict) -> None:
    """The previous run's counts, as this run reports them."""
    known = {f.name for f in fields(RunSummary)}
    for name, value in (manifest.get("summary") or {}).items():
        if name in known and name in _COUNTS:
            setattr(summary, name, value)
    summary.cache_hits = int(manifest.get("records") or 0)
    summary.writers = {name: "ok" for name in manifest["writers"]}
