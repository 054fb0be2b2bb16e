"""Passages that two reports share, found by MinHash LSH over the whole batch.

Every passage's signature is cut into bands of rows (as many as datasketch's ``MinHashLSH`` chooses for the
similarity threshold: :func:`bands`), and passages whose signatures agree on a whole band share that band's
bucket, so the work grows with the number of passages, not with the number of pairs. Two steps:

1. **Template text is learned from the batch.** A band bucket whose passages come from more than
   ``max(template_min_units, template_share × units)`` different units holds text that the form or policy
   puts in everyone's report (the national template's fixed sentences, stock policy paragraphs); all its
   passages are left out, so that what remains shared is copying, not the form.
2. **Pairs.** Two passages of different reports that share a bucket, neither of them template text, become
   a pair when the exact Jaccard similarity of their shingle sets reaches ``min_similarity`` (the MinHash
   only chooses whom to compare).

The parent of a batch of 100,000 reports cannot hold their passages: :class:`Signatures` keeps the
signatures in a temporary file and only which record and passage each row is in memory (12 bytes a
passage); the buckets are found one band at a time, and the texts are read back (``read``) for the
candidate pairs only. The pairs are those datasketch's index gave (``tests/test_across.py`` compares).
"""

from __future__ import annotations

import math
import tempfile
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np

from pipeline.checks.across.passages import decode, shingles

CHUNK = 1 << 12  # signature rows read at a time when cutting a band (1 MB)


@dataclass(frozen=True)
class Params:
    shingle: int
    num_perm: int
    lsh_threshold: float
    min_similarity: float
    min_chars: int
    template_share: float
    template_min_units: int


@dataclass(frozen=True)
class Pair:
    a: tuple[int, int]  # (record index, passage index)
    b: tuple[int, int]
    similarity: float


class Signatures:
    """The batch's passage signatures, one row each in a temporary file, in the order they were added
    (records in input order, passages in their order): row order is key order."""

    def __init__(self, num_perm: int):
        self.num_perm = num_perm
        self.fh = tempfile.TemporaryFile()  # noqa: SIM115  (closed by close(); gone with the process anyway)
        self.record = array("q")  # row -> record index
        self.passage = array("I")  # row -> passage index in its record
        self.records: dict[int, str] = {}  # record index -> its owner (unit), for every record with passages
        self.passages = 0  # every passage given, comparable or not

    def __len__(self) -> int:
        return len(self.record)

    def add(self, r: int, passages: list[dict], owner: str) -> None:
        """Record ``r``'s passages; a signature of another length (cached under other parameters) is not
        comparable and left out, but the record's unit still counts among the batch's units."""
        if not passages:
            return
        self.records[r] = owner
        self.passages += len(passages)
        for j, psg in enumerate(passages):
            values = decode(psg["minhash"])
            if len(values) != self.num_perm:
                continue
            self.fh.write(values.astype(np.uint32).tobytes())
            self.record.append(r)
            self.passage.append(j)

    def key(self, row: int) -> tuple[int, int]:
        return self.record[row], self.passage[row]

    def band(self, lo: int, hi: int) -> np.ndarray:
        """Columns ``lo:hi`` of every row (rows × (hi - lo), uint32), read a chunk at a time."""
        self.fh.flush()
        self.fh.seek(0)
        parts = []
        while True:
            chunk = np.fromfile(self.fh, dtype=np.uint32, count=CHUNK * self.num_perm)
            if not len(chunk):
                break
            parts.append(chunk.reshape(-1, self.num_perm)[:, lo:hi].copy())
        return np.concatenate(parts) if parts else np.zeros((0, hi - lo), dtype=np.uint32)

    def close(self) -> None:
        self.fh.close()


@lru_cache(maxsize=16)
def bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) that datasketch's ``MinHashLSH`` chooses: the least sum of the false positive and
    false negative probabilities, weighed equally. The integrals are of polynomials, done exactly here
    (datasketch integrates numerically with scipy, which the parent then need not import)."""
    t = Fraction(str(threshold))
    best, opt = None, (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            # ∫0^t 1-(1-s^r)^b ds and ∫t^1 (1-s^r)^b ds, by the binomial expansion of (1-s^r)^b
            terms = [(math.comb(b, k) * (-1) ** k, r * k + 1) for k in range(b + 1)]
            fp = t - sum(Fraction(c, e) * t**e for c, e in terms)
            fn = sum(Fraction(c, e) * (1 - t**e) for c, e in terms)
            error = (fp + fn) / 2
            if best is None or error < best:
                best, opt = error, (b, r)
    return opt


def buckets(sigs: Signatures, b: int, r: int) -> Iterator[np.ndarray]:
    """The rows of every bucket of two or more, band by band."""
    for band in range(b):
        keys = sigs.band(band * r, (band + 1) * r)
        if len(keys) < 2:
            continue
        order = np.lexsort(keys.T)
        keys = keys[order]
        first = np.ones(len(keys), dtype=bool)  # where a run of equal keys starts
        first[1:] = (keys[1:] != keys[:-1]).any(axis=1)
        bounds = np.flatnonzero(np.append(first, True))
        del keys, first
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            if hi - lo > 1:
                yield np.sort(order[lo:hi])


def find_pairs(
    sigs: Signatures, read: Callable[[list[int]], Iterator[tuple[int, list[dict]]]], p: Params
) -> tuple[list[Pair], int, dict[tuple[int, int], dict]]:
    """Pairs of passages of different records, how many passages were left out as template text, and the
    passages of the pairs (``{block, page, loc, text}`` by key).

    ``read(records)``: those records' passages, record by record (from the spool in a run).
    """
    b, r = bands(p.lsh_threshold, p.num_perm)
    if b < 2:
        raise ValueError("The number of bands are too small (b < 2)")  # as datasketch's index refuses
    units: dict[str, int] = {}
    for unit in sigs.records.values():
        units.setdefault(unit, len(units))
    owner = np.array([units[sigs.records[rec]] for rec in sigs.record], dtype=np.int64)
    limit = max(p.template_min_units, math.ceil(p.template_share * len(units)))
    template = np.zeros(len(sigs), dtype=bool)
    shared: list[np.ndarray] = []  # buckets that are not template text, for the pairs
    for rows in buckets(sigs, b, r):
        if len(rows) > limit and len(np.unique(owner[rows])) > limit:
            template[rows] = True
        else:
            shared.append(rows)
    record = np.frombuffer(sigs.record, dtype=np.int64) if len(sigs) else np.zeros(0, np.int64)
    candidates: set[tuple[int, int]] = set()
    for rows in shared:
        rows = rows[~template[rows]]
        for k, x in enumerate(rows[:-1]):
            for y in rows[k + 1 :]:
                if record[x] != record[y]:
                    candidates.add((int(x), int(y)))
    del shared

    texts = _texts(sigs, read, {row for pair in candidates for row in pair})
    sets: dict[int, set[str]] = {}

    def shingle_set(row: int) -> set[str]:
        if row not in sets:
            sets[row] = shingles(texts[row]["text"], p.shingle)
        return sets[row]

    pairs: list[Pair] = []
    for x, y in sorted(candidates):
        a, c = shingle_set(x), shingle_set(y)
        sim = len(a & c) / len(a | c) if a or c else 0.0
        if sim >= p.min_similarity:
            pairs.append(Pair(sigs.key(x), sigs.key(y), round(sim, 3)))
    kept = {row for pair in pairs for row in (pair.a, pair.b)}
    passages = {sigs.key(row): psg for row, psg in texts.items() if sigs.key(row) in kept}
    return pairs, int(template.sum()), passages


def _texts(
    sigs: Signatures, read: Callable[[list[int]], Iterator[tuple[int, list[dict]]]], rows: set[int]
) -> dict[int, dict]:
    """The passages of ``rows`` without their signatures, each record read once."""
    wanted: dict[int, dict[int, int]] = defaultdict(dict)  # record -> passage index -> row
    for row in rows:
        wanted[sigs.record[row]][sigs.passage[row]] = row
    out: dict[int, dict] = {}
    for rec, passages in read(sorted(wanted)):
        for j, row in wanted[rec].items():
            psg = passages[j]
            out[row] = {k: psg.get(k) for k in ("block", "page", "loc", "text")}
    return out
