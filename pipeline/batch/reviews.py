"""One report counted once, review notes carried to the same findings, the reviewed workbook kept."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from pipeline.batch.assemble import Collected
from pipeline.batch.errors import RunError
from pipeline.batch.inputs import sha256_of
from pipeline.batch.log import RunLog
from pipeline.batch.summary import SEVERITIES, RunSummary
from pipeline.batch.writers import MANIFEST

WORKBOOK = "discrepancies.xlsx"
BACKUPS = "backups"


def check_workbook(out: Path) -> None:
    """Stop, writing nothing, while the previous workbook is open in Excel/WPS (its notes would be lost)."""
    from pipeline.outputs.review import WorkbookLocked, check_unlocked

    try:
        check_unlocked(out / WORKBOOK)
    except WorkbookLocked as exc:
        raise RunError(str(exc)) from None


def carry(batch: Collected, out: Path, stage: Path, summary: RunSummary, runlog: RunLog) -> Any:
    """Find the previous workbook's reviews among this run's findings (one pass over the records, only
    when there are reviews), and keep the previous workbook as a dated backup when someone worked in it.
    The records are already linked (:func:`pipeline.same_report.link`) and checked across reports; what
    is not listed is known once the corpus is written (:func:`write_corpus`)."""
    from pipeline.outputs import review

    previous_book = out / WORKBOOK
    old: list = []
    if previous_book.is_file():
        try:
            old = review.read_reviews(previous_book)
        except review.WorkbookUnreadable as exc:
            runlog.line(f"previous workbook unreadable, kept as a backup: {exc}")
    matcher = review.Matcher(old, _repeated(batch) if old else set())
    if old:
        for i in range(len(batch)):
            matcher.add(batch.record(i))
    state = matcher.match()
    summary.reviews = len(old)
    # a workbook someone saved since jixiao wrote it holds their work: keep it as it was, once
    _backup(out, stage, _touched(out), runlog)
    return state


def _repeated(batch: Collected) -> set[str]:
    """The report ids of more than one file (byte copies, one text in several files)."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for i in range(len(batch)):
        rid = batch.views.report_id(i)
        (repeated if rid in seen else seen).add(rid)
    return repeated


def write_corpus(
    batch: Collected, path: Path, state: Any, summary: RunSummary, runlog: RunLog, min_severity: str, digest: Any
) -> None:
    """``corpus.jsonl``: every record put back together, in input order, with its reviews; count each
    report's findings once, and list on 已消失的问题 the reviews whose finding is not shown."""
    from pipeline import same_report
    from pipeline.outputs import review
    from pipeline.outputs.xlsx import shown_findings

    summary.findings = dict.fromkeys(SEVERITIES, 0)
    shown: set[str] = set()  # of the reviewed findings, those the workbook lists
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(len(batch)):
            rec = batch.record(i)
            if same_report.counted(rec):
                for f in rec.get("findings") or []:
                    if f.get("severity") in summary.findings:
                        summary.findings[f["severity"]] += 1
            if rec.get("same_report_as") and not rec.get("duplicate_of"):
                runlog.line(f"same report: {rec['file']} is {rec['same_report_as']} (counted there)")
            review.attach([rec], state)
            if state.by_key:
                shown.update(f["key"] for f in shown_findings(rec, min_severity) if f["key"] in state.by_key)
            line = json.dumps(rec, ensure_ascii=False) + "\n"
            fh.write(line)
            digest.update(line.encode("utf-8"))
    state.finish(shown)
    summary.vanished = len(state.vanished)
    if summary.reviews:
        runlog.line(f"reviews: {summary.reviews} carried from the previous workbook, {len(state.vanished)} on 已消失的问题")


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


