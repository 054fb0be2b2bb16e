"""``OUT/run.log``."""

from __future__ import annotations

import time
from collections import Counter
from typing import IO

from pipeline.batch.summary import SEVERITIES

class RunLog:
    """``OUT/run.log``: English, one line per document, plus start and end lines."""

    def __init__(self, fh: IO[str]):
        self.fh = fh

    def line(self, text: str) -> None:
        self.fh.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {text}\n")
        self.fh.flush()

    def document(self, rec: dict, took: str, note: str = "") -> None:
        counts = Counter(f.get("severity") for f in rec.get("findings") or [])
        findings = " ".join(f"{s[0]}{counts.get(s, 0)}" for s in SEVERITIES)
        err = rec.get("error")
        if err and not note:
            note = f"{err['code']}: {err.get('detail', '')}"
        self.line(
            f"{rec['status']:7} {took:>9} findings {findings}  {rec['file']}"
            + (f"  -- {note}" if note else "")
        )


