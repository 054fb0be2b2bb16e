"""The interface between the run and whatever executes the documents (this machine's pool, a cluster).

An engine takes ``(index, path)`` tasks and yields one :class:`Outcome` per task, in any order, and never
loses one: a document whose worker died or hung comes back as an outcome with ``error`` set.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol


@dataclass
class Outcome:
    """One finished document, as the engine reports it to the run."""

    index: int
    text: str | None  # the record JSON from the worker, or None when the worker died or was killed
    ms: float
    rss_mb: float = 0.0
    error: tuple[str, str] | None = None  # (code, detail) when the worker died or timed out


class Engine(Protocol):
    started: int  # worker processes started (replacements included), for the log

    def results(self, tasks: list[tuple[int, str]]) -> Iterator[Outcome]: ...

    def close(self) -> None: ...

    def describe(self) -> str: ...


def hard_timeout(doc_seconds: float) -> float:
    """When the parent gives up on a worker: the worker's own clock plus a grace for it to report.

    >>> hard_timeout(120), hard_timeout(1)
    (150.0, 3.0)
    """
    return doc_seconds + max(2.0, 0.25 * doc_seconds)
