"""Extracted values as evidence: a value, the words it was read from, and where they stand.

Extractors propose :class:`Mention` s; :func:`resolve` turns all mentions of one field into a :class:`Fact`
whose value is the best-placed mention's and which keeps every mention, so the checker can compare what a
report states in different places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pipeline.document import Block


@dataclass(frozen=True)
class Evidence:
    block: int
    start: int  # offsets into the block's raw text, half-open
    end: int
    quote: str
    page: int | None = None
    cell: str | None = None  # spreadsheets: where the quote stands, "自评表!C6"
    ocr: bool = False  # the quoted characters were recognised from an image
    conf: float | None = None  # OCR: the lowest recognition confidence of the lines quoted

    @classmethod
    def of(cls, block: Block, nstart: int, nend: int) -> Evidence:
        """Evidence for the normalised span [nstart, nend) of a block, quoted as printed."""
        if block.norm is None:
            start, end = nstart, nend
        else:
            start, end = block.norm.raw_span(nstart, nend)
        cell = ocr_conf = None
        if block.cells is not None and "sheet" in block.loc:
            ref = next((c.ref for c in block.cells if c.ref and c.start <= start < max(c.end, c.start + 1)), None)
            cell = f"{block.loc['sheet']}!{ref}" if ref else None
        elif "sheet" in block.loc and "cell" in block.loc:
            cell = f"{block.loc['sheet']}!{block.loc['cell']}"
        if block.ocr is not None:
            confs = [c for s, e, c, _ in block.ocr if s < max(end, start + 1) and e > start]
            ocr_conf = min(confs) if confs else min((c for _, _, c, _ in block.ocr), default=None)
        return cls(
            block.index, start, end, block.raw[start:end], block.page, cell, block.ocr is not None, ocr_conf
        )

    def to_json(self) -> dict:
        d = {"quote": self.quote, "page": self.page, "block": self.block, "start": self.start, "end": self.end}
        if self.cell is not None:
            d["cell"] = self.cell
        if self.ocr:
            d["ocr"] = True
            d["conf"] = round(self.conf, 3) if self.conf is not None else None
        return d


@dataclass
class Mention:
    field: str
    value: Any
    text: str  # the words as printed that state the value (label and figure)
    evidence: Evidence
    rule: str  # which rule found it
    rank: int = 50  # lower wins when mentions disagree about which is the statement of record

    def to_json(self) -> dict:
        return {"value": jsonable(self.value), "text": self.text, "evidence": self.evidence.to_json(), "rule": self.rule}


@dataclass
class Fact:
    value: Any
    text: str
    evidence: Evidence
    rule: str
    mentions: list[Mention] = field(default_factory=list)

    def to_json(self) -> dict:
        d = {"value": jsonable(self.value), "text": self.text, "evidence": self.evidence.to_json(), "rule": self.rule}
        d["mentions"] = [m.to_json() for m in self.mentions] if len(self.mentions) > 1 else []
        return d


def resolve(mentions: list[Mention]) -> Fact | None:
    """The Fact for one field: the best-ranked mention (earliest among equals), keeping all mentions."""
    if not mentions:
        return None
    unique: list[Mention] = []
    seen: set[tuple] = set()
    for m in sorted(mentions, key=lambda m: (m.evidence.block, m.evidence.start, m.rank)):
        key = (m.evidence.block, m.evidence.start, m.evidence.end)
        if key not in seen:
            seen.add(key)
            unique.append(m)
    best = min(unique, key=lambda m: (m.rank, m.evidence.block, m.evidence.start))
    return Fact(best.value, best.text, best.evidence, best.rule, unique)


def jsonable(value: Any) -> Any:
    """Decimals become JSON numbers that read back as the same decimal (662.77 stays 662.77)."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)  # shortest repr round-trips: float("662.77") prints 662.77
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "to_json"):
        return value.to_json()
    return value


# Beyond this no report states a figure (10^16 yuan is a hundred times the world's output); Decimal
# arithmetic at its 28 digits would raise on it (quantize), and a float would lose it.
MAX_MAGNITUDE = Decimal(10) ** 16


def representable(value: Any) -> bool:
    """Whether a number can stand as a figure of a record (a non-number always can).

    >>> representable(6627700), representable(10**40), representable(float("inf")), representable("优")
    (True, False, False, True)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return True
    if type(value) is int:  # most figures of a record: exact, finite, compared as they are
        return -MAX_MAGNITUDE < value < MAX_MAGNITUDE
    try:
        d = value if isinstance(value, Decimal) else Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    except (ValueError, ArithmeticError):
        return False
    return d.is_finite() and abs(d) < MAX_MAGNITUDE


def drop_unrepresentable(node: Any, dropped: list[str]) -> Any:
    """The record's fields without any number no figure can be: a fact holding one is dropped whole, a
    quantity keeps its text without the value, a bare number becomes null; ``dropped`` gets the quotes."""
    if node is None or isinstance(node, str):
        return node  # most of a record: words, quotes, nulls
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "value" and not representable(v):
                if "evidence" in node:
                    dropped.append(str(node.get("text") or "")[:60])
                    return None
                out[k] = None
                dropped.append(str(node.get("text") or "")[:60])
                continue
            out[k] = drop_unrepresentable(v, dropped)
        return out
    if isinstance(node, list):
        kept = [drop_unrepresentable(v, dropped) for v in node]
        return [v for v, orig in zip(kept, node, strict=True) if not (v is None and isinstance(orig, dict))]
    if not representable(node):
        dropped.append(str(node)[:20] + "…")
        return None
    return node
