"""Passages that two reports share, found by MinHash LSH over the whole batch (datasketch).

Every passage's signature goes into one LSH index (bands of rows chosen by datasketch for the similarity
threshold), so the work grows with the number of passages, not with the number of pairs. Two steps:

1. **Template text is learned from the batch.** A band bucket whose passages come from more than
   ``max(template_min_units, template_share × units)`` different units holds text that the form or policy
   puts in everyone's report (the national template's fixed sentences, stock policy paragraphs); all its
   passages are left out, so that what remains shared is copying, not the form.
2. **Pairs.** Each remaining passage asks the index for its candidates; a candidate from another report
   becomes a pair when the exact Jaccard similarity of the two passages' shingle sets reaches
   ``min_similarity`` (the MinHash estimate only chooses whom to compare).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


from pipeline.checks.across.passages import SCHEME, SEED, decode, shingles


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


def find_pairs(
    passages: dict[int, list[dict]], owner: Callable[[int], str], p: Params
) -> tuple[list[Pair], set[tuple[int, int]]]:
    """Pairs of passages of different records, and the passages left out as template text.

    ``passages``: record index → its passages (with ``minhash``); ``owner``: a record's unit (or file), to
    count in how many units a text appears.
    """
    # imported here: datasketch brings scipy (0.45 CPU-s), which every start of `jixiao extract` paid
    from datasketch import LeanMinHash, MinHashLSH

    lsh = MinHashLSH(threshold=p.lsh_threshold, num_perm=p.num_perm)
    sigs: dict[tuple[int, int], LeanMinHash] = {}
    with lsh.insertion_session() as session:
        for r, ps in passages.items():
            for j, psg in enumerate(ps):
                values = decode(psg["minhash"])
                if len(values) != p.num_perm:
                    continue  # a record cached under other parameters: not comparable
                mh = LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)
                sigs[(r, j)] = mh
                session.insert((r, j), mh)

    units = {owner(r) for r in passages}
    limit = max(p.template_min_units, math.ceil(p.template_share * len(units)))
    template: set[tuple[int, int]] = set()
    # the index's own buckets: one table per band, bucket -> keys
    for table in lsh.hashtables:
        for bucket in table.keys():
            keys = table.get(bucket)
            if len(keys) > limit and len({owner(k[0]) for k in keys}) > limit:
                template.update(keys)

    cache: dict[tuple[int, int], set[str]] = {}

    def shingle_set(key: tuple[int, int]) -> set[str]:
        if key not in cache:
            cache[key] = shingles(passages[key[0]][key[1]]["text"], p.shingle)
        return cache[key]

    pairs: list[Pair] = []
    for key, mh in sigs.items():
        if key in template:
            continue
        for other in lsh.query(mh):
            if other <= key or other[0] == key[0] or other in template:
                continue  # each pair once; a report is not compared with itself
            a, b = shingle_set(key), shingle_set(other)
            sim = len(a & b) / len(a | b) if a or b else 0.0
            if sim >= p.min_similarity:
                pairs.append(Pair(key, other, round(sim, 3)))
    pairs.sort(key=lambda x: (x.a, x.b))
    return pairs, template
