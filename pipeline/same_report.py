"""One report, counted once: files that carry the same report are linked to one representative.

Byte-identical files are already linked by sha256 (``duplicate_of``). Here the same report in another
format (the text fingerprint of :mod:`pipeline.fingerprint` is equal) and a near-identical resubmission
(estimated 4-gram Jaccard similarity of at least :data:`NEAR`, and no conflict in unit, project or year)
are linked too. Each group keeps one representative, the richest reading (most facts read; then DOCX over
PDF over HTML over TXT, which is the order in which structure survives; then the first by path); it lists the others in
``same_report`` and each other record names it in ``same_report_as``. Summaries, plots and counts use the
representative only.

Candidates for near-identity come from MinHash banding (16 bands of 4 values), so 10,000 reports do not
need 50 million comparisons.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterator

import numpy as np

from pipeline.batch.views import COPY_OF_UNKNOWN, NOT_A_COPY, Views
from pipeline.fingerprint import agreement

NEAR = 0.85
MIN_CHARS = 200  # below this, two texts can look alike without being one report
BANDS, ROWS = 16, 4
FORMAT_RANK = {"docx": 3, "pdf": 2, "html": 1, "txt": 0}


def counted(rec: dict) -> bool:
    """Whether a record stands for its report in counts: not a byte copy, not another file's report."""
    return not rec.get("duplicate_of") and not rec.get("same_report_as")


def richness(rec: dict) -> int:
    """How much was read from a record: budget facts, total, grade, dimensions, indicators."""
    budget, score = rec.get("budget") or {}, rec.get("score") or {}
    return (
        sum(v is not None for v in budget.values())
        + (score.get("total") is not None)
        + (score.get("grade") is not None)
        + len(score.get("dimensions") or [])
        + len(rec.get("indicators") or [])
    )


def link(records: list[dict]) -> int:
    """Set ``same_report_as`` / ``same_report`` on every record; return how many records were linked.

    The records as dicts (a test, a single folder): put into :class:`~pipeline.batch.views.Views` and
    linked by :func:`link_views`, as a batch run does."""
    views = Views(len(records))
    for i, rec in enumerate(records):
        views.add(i, rec, str(rec.get("file")), MIN_CHARS)
    index = {r.get("file"): i for i, r in enumerate(records)}  # the last of a name, as a dict by name kept it
    for i, rec in enumerate(records):
        if rec.get("duplicate_of"):
            views.copy_of[i] = index.get(rec["duplicate_of"], COPY_OF_UNKNOWN)
    linked = link_views(views)
    for i, rec in enumerate(records):
        rep = views.rep[i]
        rec["same_report_as"] = records[rep]["file"] if rep >= 0 else None
        rec["same_report"] = [records[j]["file"] for j in views.others.get(i, [])]
    return linked


def link_views(v: Views) -> int:
    """Link the files of one report in ``v``: ``v.rep[i]`` is the file that stands for file ``i``'s report
    (-1: itself, or no other file), ``v.others[rep]`` the other files of its report in input order (byte
    copies not included: they follow their original). Returns how many files were linked."""
    n = len(v)
    cands = array("q", (i for i in range(n) if v.copy_of[i] == NOT_A_COPY and v.read(i) and v.kind[i]))
    parent = array("q", range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    by_text: dict = {}
    for i in cands:
        if v.chars[i]:
            first = by_text.setdefault(v.text_key(i), i)
            if first != i:
                union(first, i)
    del by_text

    def near(i: int, j: int) -> bool:
        return (
            v.minhash_len[i] == v.minhash_len[j]
            and _compatible(v, i, j)
            and agreement(v.signature(i), v.signature(j)) >= NEAR
        )

    # The groups are the connected components of "compatible and near" among the candidate pairs, whatever
    # the order pairs are tried in. A bucket's members are taken one by one against the groups the earlier
    # ones formed, and a group is left as soon as one of its members is near: trying every pair made a
    # bucket of m near-identical reports cost m² (10,000 resubmitted reports, most of an unchanged rerun).
    signed = []  # the files whose MinHash is compared; one of those that are the same in all linking reads
    for first, i in _alike(v, [i for i in cands if v.sig_at[i] >= 0]):
        if first == i:
            signed.append(i)
        else:
            union(first, i)
    checked: set[tuple[int, int]] = set()
    for members in _buckets(v, signed):
        if len({find(i) for i in members}) == 1:
            continue  # already one group (from an earlier band)
        earlier: dict[int, list[int]] = {}  # the members seen so far, by their group's root
        for j in members:
            for root in list(earlier):
                if find(root) == find(j):
                    continue
                for i in earlier[root]:
                    if (i, j) in checked:
                        continue
                    checked.add((i, j))
                    if near(i, j):
                        union(i, j)
                        break
            r = find(j)
            joined = [j]
            for root in list(earlier):
                if find(root) == r:
                    joined += earlier.pop(root)
            earlier[r] = joined
    del checked

    groups: dict[int, list[int]] = defaultdict(list)  # root (the group's first file) -> the others
    for i in cands:
        root = find(i)
        if root != i:
            groups[root].append(i)
    linked = 0
    v.rep = array("q", [-1]) * n
    v.others = {}
    for root, rest in groups.items():
        members = [root, *rest]
        rep = max(
            members,
            key=lambda i: (v.richness[i], FORMAT_RANK.get(v.value(v.format, i) or "", -1), -i),
        )
        others = sorted(i for i in members if i != rep)
        for i in others:
            v.rep[i] = rep
        v.others[rep] = others
        linked += len(others)
    # byte copies follow their original
    for i in range(n):
        if v.copy_of[i] >= 0:
            v.rep[i] = v.rep[v.copy_of[i]]
    return linked


def _compatible(v: Views, i: int, j: int) -> bool:
    """No conflicting unit, project or year (a code 0 is a value not read)."""
    return all(c[i] == 0 or c[j] == 0 or c[i] == c[j] for c in (v.unit, v.project, v.year))


def _alike(v: Views, signed: list[int]) -> Iterator[tuple[int, int]]:
    """(first, file) for every file of ``signed``: ``first`` is the first file with the same MinHash, unit,
    project and year (the file itself when none came before). Such files are near and compatible with each
    other and with the same others, so only the first needs to be tried against the rest (a report cloned
    ten thousand times made the pairs tried, and remembered, grow with the square of its clones)."""
    if not signed:
        return
    ids = np.array(signed, dtype=np.int64)
    digests = np.array([hash(v.signature(i).tobytes()) for i in signed], dtype=np.int64)
    cols = [np.frombuffer(c, dtype=np.uint32)[ids] for c in (v.unit, v.project, v.year, v.minhash_len)]
    order = np.lexsort([ids, digests, *cols]).tolist()  # equal keys together, each run in input order
    keys = list(zip(digests.tolist(), *(c.tolist() for c in cols)))
    del digests, cols
    first, first_key = -1, None
    for k in order:
        i = signed[k]
        if keys[k] == first_key and v.signature(i) == v.signature(first):
            yield first, i
        else:
            first, first_key = i, keys[k]
            yield i, i


def _buckets(v: Views, signed: list[int]) -> Iterator[list[int]]:
    """The MinHash band buckets of two or more files (each in input order): for each signature length and
    band, the files whose signatures hold the same values in that band. Sorting one band at a time keeps
    16 bytes a file where a dict of tuples per band took kilobytes."""
    by_length: dict[int, list[int]] = defaultdict(list)
    for i in signed:
        by_length[v.sig_len[i]].append(i)
    values = np.frombuffer(v.sig_values, dtype=np.uint32) if len(v.sig_values) else np.zeros(0, np.uint32)
    for length, files in by_length.items():
        ids = np.array(files, dtype=np.int64)
        starts = np.frombuffer(v.sig_at, dtype=np.int64)[ids]
        for band in range(BANDS):
            cols = np.arange(band * ROWS, min((band + 1) * ROWS, length))
            if not len(cols):  # a signature too short for this band: all share its empty key
                yield files
                continue
            keys = values[starts[:, None] + cols[None, :]]
            order = np.lexsort(keys.T)
            keys = keys[order]
            starts_run = np.ones(len(ids), dtype=bool)  # where a run of equal keys starts
            starts_run[1:] = (keys[1:] != keys[:-1]).any(axis=1)
            bounds = np.flatnonzero(np.append(starts_run, True))
            for a, b in zip(bounds[:-1], bounds[1:]):
                if b - a > 1:
                    yield sorted(int(x) for x in ids[order[a:b]])
