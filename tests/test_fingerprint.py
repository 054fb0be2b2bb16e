"""The fingerprint's values are persisted and compared across runs: the faster code must give the values
the plain definitions give."""

from __future__ import annotations

import hashlib
import random
import sys
import unicodedata

import numpy as np

from pipeline import fingerprint


def _letters(texts: list[str]) -> str:
    joined = unicodedata.normalize("NFKC", "".join(texts)).lower()
    return "".join(ch for ch in joined if ch.isalnum())


def _minhash(s: str) -> str:
    k = fingerprint.SHINGLE
    shingles = {s[i : i + k] for i in range(max(len(s) - k + 1, 1))} if s else set()
    if not shingles:
        return ""
    digests = [hashlib.blake2b(sh.encode("utf-8"), digest_size=8).digest() for sh in shingles]
    x = np.array([int.from_bytes(d, "big") for d in digests], dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = (np.multiply.outer(x, fingerprint._A) + fingerprint._B) >> np.uint64(32)
    return "".join(f"{int(v):08x}" for v in h.min(axis=0))


def test_every_code_point_is_kept_or_dropped_as_by_isalnum() -> None:
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    kept = "".join(ch for ch in everything if ch.isalnum())
    assert fingerprint._NOT_ALNUM.sub("", everything) == kept


def test_letters_and_minhash_as_defined() -> None:
    rng = random.Random(7)
    alphabet = "年初预算数为万元，全年执行率自评得分ＡＢ１２３abcXYZ_-①Ⅻ ﬁ\u0301é\n\t"
    for n in (0, 1, 3, 4, 5, 50, 2000):
        texts = ["".join(rng.choice(alphabet) for _ in range(n)) for _ in range(3)]
        s = fingerprint.letters(texts)
        assert s == _letters(texts)
        assert fingerprint.minhash(s) == _minhash(s)
