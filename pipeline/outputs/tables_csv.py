"""``jixiao run --csv``: the workbook's tables as CSV (UTF-8 with BOM, so Excel and WPS read the Chinese),
one file per sheet in ``OUT/csv/``, for tools that want plain tables. Same rows and headers as the workbook.
"""

from __future__ import annotations

import csv
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline.outputs.recompute import SEVERITY_ZH, as_text, to_decimal
from pipeline.outputs.xlsx import Link, Marked, _Linker, sheets


def write(records: list[dict], folder: Path, reviews: Any = None, min_severity: str = "info") -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    links = _Linker(folder, Path.cwd())
    for name, columns, rows in sheets(records, links, reviews, min_severity):
        tmp = folder / f".{name}.csv.tmp"
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow([c.header for c in columns])
            for row in rows():
                out.writerow([_cell(v, c.kind) for v, c in zip(row, columns, strict=True)])
        os.replace(tmp, folder / f"{name}.csv")


def _cell(value: Any, kind: str) -> str:
    if isinstance(value, Marked):
        value = value.value
    if isinstance(value, Link):
        return value.text
    if kind == "severity" and isinstance(value, str):
        return SEVERITY_ZH.get(value, value)
    d = to_decimal(value) if not isinstance(value, str) else None
    if d is not None:
        return f"{d:.2f}" if kind in ("money", "rate") and isinstance(d, Decimal) else as_text(d) or ""
    return _inert("" if value is None else (as_text(value) or ""))


# Excel and WPS run a CSV cell that starts with one of these as a formula (=HYPERLINK(…), +cmd|…); a
# report's text must stay text. The apostrophe is what Excel itself uses to mark "text, not formula".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _inert(text: str) -> str:
    """Text that no spreadsheet opens as a formula.

    >>> _inert("=SUM(A1)"), _inert("-1+2"), _inert("预算")
    ("'=SUM(A1)", "'-1+2", '预算')
    """
    return "'" + text if text.startswith(_FORMULA_START) else text
