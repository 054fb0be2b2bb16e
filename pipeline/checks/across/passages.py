"""A report's passages, the unit in which text copied between reports is compared.

A passage is a paragraph of running text long enough to be worth comparing (tables, headings and short
lines are left out). It is compared by the character shingles of its letters and figures
(:func:`pipeline.fingerprint.letters`: NFKC, lower case, no spaces or punctuation; Chinese has no spaces
to split words at), through a datasketch MinHash. The signature is computed where the document is read
(a worker, local or on a cluster) and travels in the record, so the batch-wide comparison at the end only
reads signatures, and a cached record needs no second reading.

>>> sh = shingles("偏差原因：资金晚。", 3)  # punctuation is not compared: 原因资 is a shingle
>>> len(sh), "原因资" in sh
(5, True)
>>> shingles("已拨付12.5万元", 3) == shingles("已拨付980万元", 3)
True
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING

import numpy as np

from pipeline.document import Document
from pipeline.fingerprint import letters

if TYPE_CHECKING:
    from datasketch import MinHash

SEED = 20261205  # fixed, so that signatures compare across runs and machines
SCHEME = "affine32"


_DIGITS = re.compile(r"\d+")


def shingles(text: str, k: int) -> set[str]:
    """The k-character shingles of a text's letters, every run of digits read as one ``0``: a copy whose
    figures were changed is still a copy, and the form's sentences that differ only in their figures
    (项目由…负责实施，年初预算数为…万元) are the form (measured: scripts/bench_across.py)."""
    s = _DIGITS.sub("0", letters([text]))
    return {s[i : i + k] for i in range(len(s) - k + 1)} if len(s) >= k else ({s} if s else set())


def encode(mh: MinHash) -> str:
    return base64.b64encode(np.asarray(mh.hashvalues, dtype=np.uint32).tobytes()).decode("ascii")


def decode(sig: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(sig), dtype=np.uint32)


def of_document(doc: Document, k: int, num_perm: int, min_chars: int) -> list[dict]:
    """``[{block, page, loc, text, minhash}]`` for every paragraph with at least ``min_chars`` letters."""
    chosen = [b for b in doc.blocks if b.kind == "paragraph" and len(letters([b.text])) >= min_chars]
    if not chosen:
        return []
    sets = [[s.encode("utf-8") for s in shingles(b.text, k)] for b in chosen]
    from datasketch import MinHash  # here: datasketch brings scipy, which `jixiao extract` does not need

    sigs = MinHash.bulk(sets, num_perm=num_perm, seed=SEED, scheme=SCHEME)
    return [
        {"block": b.index, "page": b.page, "loc": b.loc, "text": b.raw, "minhash": encode(mh)}
        for b, mh in zip(chosen, sigs)
    ]
