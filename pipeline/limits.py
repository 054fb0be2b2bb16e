"""Per-document resource limits, and the clock that enforces the time limit.

Readers check sizes before they allocate (a decompression bomb is refused from its declared sizes and
again while inflating); the time limit interrupts a reader that runs too long. ``jixiao run`` adds a hard
limit per worker process on top of these.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from pipeline.errors import ReadError


@dataclass(frozen=True)
class Limits:
    seconds: float = 60.0  # wall-clock time to read one document
    max_file_bytes: int = 200 * 1024 * 1024  # any input file
    max_text_bytes: int = 20 * 1024 * 1024  # a text/HTML file
    max_line_chars: int = 200_000  # one line of a text file; real reports wrap far earlier
    max_inflated_bytes: int = 200 * 1024 * 1024  # all parts of a DOCX together, inflated
    max_part_bytes: int = 64 * 1024 * 1024  # one part of a DOCX, inflated
    max_ratio: int = 200  # inflated / compressed for one DOCX part larger than 1 MB
    max_pages: int = 2000  # PDF pages read
    max_zip_entries: int = 10_000  # Word writes tens of parts, hundreds with many images; more is crafted
    ocr_page_seconds: float = 60.0  # CPU seconds for one page of OCR, on a clock of its own (``deadline``)
    max_ocr_pages: int = 50  # pages OCR'd in one document; a longer scan is read in part, with a warning


DEFAULT_LIMITS = Limits()


@contextmanager
def time_limit(seconds: float):
    """Raise ReadError(E_TIMEOUT) if the body runs longer than ``seconds``.

    Uses an interval timer, so it only works in the main thread; elsewhere the caller (a worker process
    with a hard timeout) is responsible and this is a no-op.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise ReadError("E_TIMEOUT", f"reading took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    # Keep firing until cleared: pdfminer has broad except clauses that can swallow a single alarm.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class PageTimeout(Exception):
    """One page (of OCR) ran past its own limit; the document's clock is still running."""


@contextmanager
def deadline(seconds: float):
    """Raise PageTimeout when the body has used ``seconds`` of CPU time; the enclosing :func:`time_limit`
    is paused meanwhile and resumes with the time it had left.

    OCR is slow (seconds per page) and bounded page by page, so a scanned report is not cut short by a
    clock sized for text; ``Limits.max_ocr_pages`` bounds the pages. The page's clock counts CPU time
    (all threads), not wall time: on a machine shared with other work a page waits for the processor
    without being judged for it. A no-op outside the main thread.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    outer, interval = signal.getitimer(signal.ITIMER_REAL)
    signal.setitimer(signal.ITIMER_REAL, 0)

    def on_prof(signum, frame):
        raise PageTimeout(f"page used more than {seconds:g} s of CPU time")

    previous = signal.signal(signal.SIGPROF, on_prof)
    signal.setitimer(signal.ITIMER_PROF, seconds, 0.1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, outer, interval)


def disarm() -> None:
    """Stop the clock of the enclosing :func:`time_limit` once its interruption has been caught.

    The timer keeps firing every 0.1 s until cleared (see above); code that caught the interruption and
    only writes down what was done so far must not be interrupted again while doing so. The worker's hard
    limit still bounds it.
    """
    if threading.current_thread() is threading.main_thread():
        signal.setitimer(signal.ITIMER_REAL, 0)


def limit_hit(exc: BaseException) -> str | None:
    """"time" or "memory" when ``exc`` is a per-document limit firing, else None.

    >>> limit_hit(ReadError("E_TIMEOUT")), limit_hit(MemoryError()), limit_hit(ValueError())
    ('time', 'memory', None)
    """
    if isinstance(exc, ReadError) and exc.code == "E_TIMEOUT":
        return "time"
    if isinstance(exc, MemoryError):
        return "memory"
    return None
