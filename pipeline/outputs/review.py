"""The auditor's review of each finding (复核状态, 复核意见, 复核人), carried from one run to the next.

Every finding has a stable key (问题编号): the report's text fingerprint (the same report in any format,
see :mod:`pipeline.fingerprint`), the check id and a digest of where its evidence stands (block and
offsets). A rerun reads the previous workbook, finds each reviewed row's finding again by that key (or,
when the evidence moved, by the same report, check and quotes; rows of a workbook written before keys
existed by file, check and quotes) and writes the review beside it. Reviews whose finding no longer exists
are not dropped: they are listed on the sheet 已消失的问题 (and carried again by the next run).

A workbook open in Excel or WPS is never replaced: Excel and WPS keep a lock file ``~$name.xlsx`` beside
it, LibreOffice ``.~lock.name.xlsx#``; while one is there, or while the file cannot be opened for writing,
the run stops before writing anything (:class:`WorkbookLocked`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.outputs.recompute import evidence_quotes, findings

STATES = ("待核", "属实", "不属实", "已整改")
PENDING = STATES[0]
FINDINGS_SHEET = "问题清单"
VANISHED_SHEET = "已消失的问题"
KEY_HEADER = "问题编号"
# what a reviewer types; the other columns of a vanished review say which finding it was about
REVIEW_HEADERS = ("复核状态", "复核意见", "复核人")
CONTEXT_HEADERS = ("文件", "检查编号", "检查项", "说明", "原文摘录", "页码")
_OLD_PREFIX = re.compile(r"^\[[A-Z0-9-]+\]\s*")


GONE = "该问题在本次运行中已不再出现（报告已修改或规则已调整）"
NOT_LISTED = "该问题仍存在，但本次未列入问题清单（同一报告的其他文件，或低于 --min-severity）"


class WorkbookLocked(Exception):
    """The previous workbook is open in a spreadsheet program; writing now would lose what it holds."""


class WorkbookUnreadable(Exception):
    """The previous workbook exists but cannot be read; it is kept as a backup, never overwritten blind."""


@dataclass
class Review:
    key: str | None
    state: str | None = None
    note: str | None = None
    reviewer: str | None = None
    context: dict[str, str] = field(default_factory=dict)  # 文件, 检查编号, 说明, 原文摘录 … as last shown
    why: str | None = None  # on 已消失的问题: why it is there

    def empty(self) -> bool:
        return not self.note and not self.reviewer and self.state in (None, "", PENDING)

    def as_json(self) -> dict:
        return {"state": self.state or PENDING, "note": self.note, "reviewer": self.reviewer}


# --------------------------------------------------------------------------------------------- keys


def report_id(rec: dict) -> str:
    """The report's content hash: its text fingerprint, else its bytes' sha256 (12 hex digits)."""
    fp = rec.get("fingerprint")
    text = fp.get("text") if isinstance(fp, dict) else None
    return (text or rec.get("sha256") or hashlib.sha256(str(rec.get("file")).encode()).hexdigest())[:12]


def _location(f: dict) -> str:
    evs = f.get("evidence") if isinstance(f.get("evidence"), list) else []
    locs = [f"{e.get('block')}:{e.get('start')}-{e.get('end')}" for e in evs if isinstance(e, dict)]
    # a finding across reports is also where its other reports are: one passage copied into two reports
    # gives two findings, each keeping its own review whatever the order they come in
    others = f.get("involves") if isinstance(f.get("involves"), list) else []
    locs += sorted(os.path.basename(str(o)) for o in others)
    return hashlib.sha256("|".join(locs).encode()).hexdigest()[:8]


def assign_keys(records: Iterable[dict]) -> None:
    """Give every finding its ``key``: ``<report>-<check>-<evidence>``, with ``-2``, ``-3`` … when a check
    reports twice on the same evidence.

    >>> rec = {"fingerprint": {"text": "a4cf6914c4e43683ff"}, "findings": [
    ...     {"check": "GRADE-BAND", "evidence": [{"block": 3, "start": 1, "end": 5}]},
    ...     {"check": "GRADE-BAND", "evidence": [{"block": 3, "start": 1, "end": 5}]}]}
    >>> assign_keys([rec]); [f["key"] for f in rec["findings"]]
    ['a4cf6914c4e4-GRADE-BAND-1c3e8ec7', 'a4cf6914c4e4-GRADE-BAND-1c3e8ec7-2']
    """
    for rec in records:
        seen: dict[str, int] = {}
        rid = report_id(rec)
        for f in findings(rec):
            key = f"{rid}-{f.get('check')}-{_location(f)}"
            seen[key] = seen.get(key, 0) + 1
            f["key"] = key if seen[key] == 1 else f"{key}-{seen[key]}"


def _quotes_text(quotes: Iterable[str]) -> str:
    return "".join("".join(quotes).split())  # str.split and the pattern's \s are both str.isspace


def _loose(report: str, check: str | None, quotes: str) -> tuple:
    return (report, check, _quotes_text([quotes]))


def _legacy(file: str | None, check: str | None, quotes: str) -> tuple:
    return (file, check, _quotes_text([quotes]))


# ------------------------------------------------------------------------------------------ reading


def lock_files(path: Path) -> list[Path]:
    """Lock files a spreadsheet program keeps beside a workbook it has open."""
    path = Path(path)
    names = [f"~${path.name}", f".~lock.{path.name}#"]
    return [path.with_name(n) for n in names if path.with_name(n).exists()]


def check_unlocked(path: Path) -> None:
    """Raise :class:`WorkbookLocked` when the workbook is open in Excel, WPS or LibreOffice."""
    path = Path(path)
    if not path.exists():
        return
    locks = lock_files(path)
    if not locks:
        try:
            with open(path, "r+b"):  # Windows refuses this while Excel has the file open
                pass
            return
        except PermissionError:
            pass
        except OSError:
            return
    shown = "、".join(p.name for p in locks) or "文件无法以写方式打开"
    raise WorkbookLocked(
        f"{path} 正在被 Excel/WPS 打开（{shown}），为免丢失其中的复核意见，本次未写入任何文件；"
        f"请保存并关闭该工作簿后重新运行（若确认无人打开，删除锁文件后重试）。"
        f"({path.name} is open in a spreadsheet program; nothing was written: save and close it, then rerun)"
    )


def read_reviews(path: Path) -> list[Review]:
    """Every review typed into a workbook jixiao wrote (问题清单 and its continuations, 已消失的问题)."""
    import openpyxl

    path = Path(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip, XML, or a file that is no workbook at all
        raise WorkbookUnreadable(f"{path}: {type(exc).__name__}: {exc}") from None
    out: list[Review] = []
    try:
        for ws in book.worksheets:
            if not (ws.title.startswith(FINDINGS_SHEET) or ws.title.startswith(VANISHED_SHEET)):
                continue
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None)
            if not header:
                continue
            col = {str(h).strip(): i for i, h in enumerate(header) if h is not None}
            if not any(h in col for h in REVIEW_HEADERS):
                continue
            for row in rows:
                def cell(name: str) -> str | None:
                    i = col.get(name)
                    v = row[i] if i is not None and i < len(row) else None
                    return None if v is None or str(v).strip() == "" else str(v).strip()

                r = Review(cell(KEY_HEADER), cell("复核状态"), cell("复核意见"), cell("复核人"))
                if r.empty():
                    continue
                r.context = {h: v for h in CONTEXT_HEADERS if (v := cell(h)) is not None}
                if "检查编号" not in r.context and "检查项" in r.context and "检查编号" not in col:
                    r.context["检查编号"] = r.context["检查项"]  # before 检查编号: 检查项 held the id
                out.append(r)
    finally:
        book.close()
    return out


# ------------------------------------------------------------------------------------------ carrying


@dataclass
class ReviewState:
    """The reviews of this run: by finding key, and those whose finding is gone (or not shown)."""

    by_key: dict[str, Review] = field(default_factory=dict)
    vanished: list[Review] = field(default_factory=list)
    outcomes: list[tuple[Review, str | None]] = field(default_factory=list)  # each previous review, its key

    def finish(self, shown: set[str] | None = None) -> None:
        """List on 已消失的问题, in the previous workbook's order, the reviews whose finding is gone and
        (``shown``: the keys the workbook lists) those whose finding is not listed."""
        self.vanished = []
        for r, key in self.outcomes:
            if key is None:
                r.why = GONE
                self.vanished.append(r)
            elif shown is not None and key not in shown:
                self.vanished.append(Review(key, r.state, r.note, r.reviewer, dict(r.context), NOT_LISTED))

    def of(self, finding: dict) -> Review | None:
        return self.by_key.get(finding.get("key"))

    def digest(self) -> str:
        data = [(k, asdict(v)) for k, v in sorted(self.by_key.items())] + [asdict(v) for v in self.vanished]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def __len__(self) -> int:
        return len(self.by_key) + len(self.vanished)


def carry(records: Iterable[dict], previous: list[Review], shown: set[str] | None = None) -> ReviewState:
    """Match the previous reviews to this run's findings (keys must be assigned).

    ``shown`` is the set of keys the workbook lists; a review of a finding that exists but is not shown
    (a byte copy's, another format's of the same report, below ``--min-severity``) stays on its finding
    in the corpus and is listed on 已消失的问题 with the reason, so the auditor still sees it.
    """
    matcher = Matcher(previous)
    for rec in records:
        matcher.add(rec)
    state = matcher.match()
    state.finish(shown)
    return state


class Matcher:
    """Finds the previous reviews' findings among the records as they pass by, one at a time.

    Only the findings some review could be about are kept (by key, by report, check and quotes, or by
    file, check and quotes), so a batch of any size costs what the previous workbook holds.
    """

    def __init__(self, previous: list[Review], repeated: set[str] | None = None):
        """``repeated``: the report ids (:func:`report_id`) of more than one record, where a key can come
        again (byte copies, one text in several files) and only its first finding counts; None: any."""
        self.previous = previous
        self.repeated = repeated
        self.seen: set[str] = set()
        self.wanted_keys = {r.key for r in previous if r.key}
        self.wanted_loose = {_loose(r.key[:12], *_asked(r)) for r in previous if r.key}
        self.wanted_legacy = {_legacy(r.context.get("文件"), *_asked(r)) for r in previous if not r.key}
        self.exact: set[str] = set()
        self.loose: dict[tuple, list[str]] = {}
        self.legacy: dict[tuple, list[str]] = {}

    def add(self, rec: dict) -> None:
        if not self.previous:
            return
        rid = report_id(rec)
        track = self.repeated is None or rid in self.repeated
        for f in findings(rec):
            key = f.get("key")
            if not key or (track and key in self.seen):
                continue
            if track:
                self.seen.add(key)
            quotes = _quotes_text(evidence_quotes(f.get("evidence")))  # as _loose and _legacy give it, once
            if key in self.wanted_keys:
                self.exact.add(key)
            if (loose := (rid, f.get("check"), quotes)) in self.wanted_loose:
                self.loose.setdefault(loose, []).append(key)
            if (legacy := (rec.get("file"), f.get("check"), quotes)) in self.wanted_legacy:
                self.legacy.setdefault(legacy, []).append(key)

    def match(self) -> ReviewState:
        """The reviews by the key of their finding; :meth:`ReviewState.finish` then lists the others."""
        state = ReviewState()
        for r in self.previous:
            key = r.key if r.key in self.exact and r.key not in state.by_key else None
            if key is None:
                check, quotes = _asked(r)
                if r.key:  # the same report and check, its evidence moved (another format became the reading)
                    options = self.loose.get(_loose(r.key[:12], check, quotes), [])
                else:
                    options = self.legacy.get(_legacy(r.context.get("文件"), check, quotes), [])
                key = next((k for k in options if k not in state.by_key), None)
            state.outcomes.append((r, key))
            if key is not None:
                r.key = key
                state.by_key[key] = r
        return state


def _asked(r: Review) -> tuple[str | None, str]:
    """The check and the quotes a review was written beside (tabs of table quotes as the workbook shows them)."""
    return r.context.get("检查编号"), (r.context.get("原文摘录") or "").replace("  ", "\t")


def attach(records: list[dict], state: ReviewState) -> None:
    """Put each finding's review into the record (``review``), for the corpus and the page."""
    for rec in records:
        for f in findings(rec):
            r = state.of(f)
            f["review"] = r.as_json() if r is not None else None
