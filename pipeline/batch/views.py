"""What the parent keeps of a record between its arrival and the final pass: only what linking reads.

The whole record waits in the spool (:mod:`pipeline.batch.spool`). Linking the files of one report
(:func:`pipeline.same_report.link`) reads a record's status, format, text fingerprint, unit, project and
year, and how much was read from it (:func:`pipeline.same_report.richness` counts the facts present, never
their values); :func:`link_view` keeps exactly that, about 2 KB a document instead of about 130 KB.
The checks across reports read much more of the reports that are counted (facts with their evidence,
passages): :func:`across_view` is the record without what they never read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_PRESENT = True  # stands for a fact whose value linking does not read, only whether it was read

# what no check across reports reads; the final pass puts the record back together from the spool
NOT_READ_ACROSS = ("findings", "evidence_blocks", "evidence_cells")


def link_view(rec: dict, file: str, sha: str | None = None) -> dict[str, Any]:
    """The record as linking sees it (and a finding's key, :func:`pipeline.outputs.review.report_id`):
    identity, fingerprint, and the shape of what was read. ``file`` and ``sha`` are the run's own strings,
    shared rather than copied.

    >>> v = link_view({"status": "ok", "format": "txt", "meta": {"unit": "某局", "title": "长标题"},
    ...                "budget": {"initial": {"value": 1}, "spent": None}, "indicators": [{}, {}]}, "a.txt")
    >>> v["meta"], v["budget"], v["indicators"]
    ({'unit': '某局', 'project': None, 'year': None}, {'initial': True, 'spent': None}, [None, None])
    """
    meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
    budget = rec.get("budget") if isinstance(rec.get("budget"), dict) else {}
    score = rec.get("score") if isinstance(rec.get("score"), dict) else {}
    return {
        "file": file,
        "sha256": sha if sha is not None and sha == rec.get("sha256") else rec.get("sha256"),
        "status": rec.get("status"),
        "format": rec.get("format"),
        "fingerprint": rec.get("fingerprint"),
        "meta": {k: meta.get(k) for k in ("unit", "project", "year")},
        # shapes repeat from report to report: one shared object for each (nobody changes them)
        "budget": _shared("budget", tuple((k, None if v is None else _PRESENT) for k, v in budget.items()), dict),
        "score": _shared(
            "score",
            (score.get("total") is not None, score.get("grade") is not None, len(score.get("dimensions") or [])),
            lambda shape: {"total": shape[0] or None, "grade": shape[1] or None, "dimensions": [None] * shape[2]},
        ),
        "indicators": _shared("indicators", len(rec.get("indicators") or []), lambda n: [None] * n),
    }


_SHAPES: dict[tuple[str, Any], Any] = {}


def _shared(kind: str, shape: Any, make: Callable[[Any], Any]) -> Any:
    """One object for each shape of a part of the record (a few dozen in a batch)."""
    got = _SHAPES.get((kind, shape))
    if got is None:
        got = _SHAPES[(kind, shape)] = make(shape)
    return got


def across_view(rec: dict) -> dict:
    """A counted report as the checks across reports read it (their findings are merged back later)."""
    return {k: v for k, v in rec.items() if k not in NOT_READ_ACROSS}
