"""Passages two reports share (COPY-NEAR-DUPLICATE, CORPUS-REPEAT-YEAR), once per pair, for the outputs.

A pair's finding is on both reports' records, each carrying the same ``pair`` (both sides' file, unit,
place and text); here each pair is taken once, in a stable order. Only counted reports carry them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from pipeline.outputs.recompute import findings


def similar_pairs(records: Iterable[dict]) -> list[dict]:
    pairs = Pairs()
    for rec in records:
        pairs.add(rec)
    return pairs.sorted()


class Pairs:
    """The pairs of a batch gathered as its records pass by (what is kept is the pairs, not the records)."""

    def __init__(self) -> None:
        self.seen: dict[str, dict] = {}

    def add(self, rec: dict) -> None:
        for f in findings(rec):
            pair = f.get("pair")
            if isinstance(pair, dict) and pair.get("id") and pair["id"] not in self.seen:
                self.seen[pair["id"]] = pair

    def sorted(self) -> list[dict]:
        return sorted(self.seen.values(), key=lambda p: (-float(p.get("similarity") or 0), str(p["a"]["file"]), p["id"]))


def differing(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The character spans of ``a`` and of ``b`` that the other text does not share (for marking).

    >>> differing("资金拨付滞后，影响进度。", "资金拨付较慢，影响进度。")
    ([(4, 6)], [(4, 6)])
    """
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    da, db = [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if i2 > i1:
            da.append((i1, i2))
        if j2 > j1:
            db.append((j1, j2))
    return da, db
