"""What the parent keeps of every file between its arrival and the final pass: what linking reads, in columns.

The whole record waits in the spool (:mod:`pipeline.batch.spool`). Linking the files of one report
(:func:`pipeline.same_report.link_views`) reads a record's status, format, text fingerprint (its digest,
its MinHash, how many letters), unit, project and year, and how much was read from it
(:func:`pipeline.same_report.richness`). :class:`Views` keeps exactly that in arrays, about 350 bytes a
document (the MinHash is 256 of them) where a dict a document took 2 KB: at 100,000 documents the
difference is 170 MB.
"""

from __future__ import annotations

import json
from array import array
from typing import Any

HEX_DIGEST = 32  # bytes of a text fingerprint (sha256)
NO_FINGERPRINT, HEX_TEXT, OTHER_TEXT = 0, 1, 2  # what a record's fingerprint is (column ``kind``)
NOT_A_COPY, COPY_OF_UNKNOWN = -1, -2  # column ``copy_of``; else the index of the file with the same bytes


class Views:
    """Every file's view by input position; linking writes its links into ``rep`` and ``others``.

    Values of few kinds (status, format, unit, project, year) are stored as codes of one table: equal codes
    are equal values, which is all linking asks of them.
    """

    def __init__(self, size: int):
        self.size = size
        self.values: list[Any] = [None]  # code -> value
        self._codes: dict[Any, int] = {None: 0}
        self.status, self.format = array("I", bytes(4 * size)), array("I", bytes(4 * size))
        self.unit, self.project, self.year = (array("I", bytes(4 * size)) for _ in range(3))
        self.kind = bytearray(size)
        self.digest = bytearray(HEX_DIGEST * size)
        self.other_text: dict[int, Any] = {}  # a fingerprint whose text is no sha256 in hex (none in practice)
        self.ids: dict[int, str] = {}  # report id, where it does not come from the digest
        self.chars = array("q", bytes(8 * size))
        self.richness = array("I", bytes(4 * size))
        self.copy_of = array("q", [NOT_A_COPY]) * size
        # MinHash signatures, one after the other in arrival order: where each starts and how many values
        self.sig_values = array("I")
        self.sig_at = array("q", [-1]) * size
        self.sig_len = array("I", bytes(4 * size))
        self.minhash_len = array("I", bytes(4 * size))  # hex digits, as linking compares them
        # linking's result: the file that stands for the report (-1: itself) and, for that file, the others
        self.rep = array("q", [-1]) * size
        self.others: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return self.size

    def code(self, value: Any) -> int:
        try:
            key = value
            hash(key)
        except TypeError:  # a list or dict where a name was expected: compared by its JSON
            key = ("json", json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))
        got = self._codes.get(key)
        if got is None:
            got = self._codes[key] = len(self.values)
            self.values.append(value)
        return got

    def add(self, i: int, rec: dict, file: str, min_chars: int) -> None:
        """Keep what linking reads of record ``i``; the MinHash only when linking will compare it (a text
        of at least ``min_chars`` letters)."""
        from pipeline.outputs.review import report_id
        from pipeline.same_report import richness

        meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
        budget = rec.get("budget") if isinstance(rec.get("budget"), dict) else {}
        score = rec.get("score") if isinstance(rec.get("score"), dict) else {}
        self.status[i], self.format[i] = self.code(rec.get("status")), self.code(rec.get("format"))
        self.unit[i], self.project[i], self.year[i] = (self.code(meta.get(k)) for k in ("unit", "project", "year"))
        self.richness[i] = richness({"budget": budget, "score": score, "indicators": rec.get("indicators")})
        fp = rec.get("fingerprint")
        if not isinstance(fp, dict):
            self.kind[i] = NO_FINGERPRINT
            self.ids[i] = report_id({"sha256": rec.get("sha256"), "file": file})
            return
        text = fp.get("text")
        digest = _hex_digest(text)
        if digest is not None:
            self.kind[i] = HEX_TEXT
            self.digest[HEX_DIGEST * i : HEX_DIGEST * (i + 1)] = digest
        else:
            self.kind[i] = OTHER_TEXT
            self.other_text[i] = text
            self.ids[i] = report_id({"fingerprint": {"text": text}, "sha256": rec.get("sha256"), "file": file})
        chars = fp.get("chars")
        self.chars[i] = chars if isinstance(chars, int) and chars > 0 else 0
        sig = fp.get("minhash") or ""
        self.minhash_len[i] = len(sig)
        if self.chars[i] >= min_chars and sig:
            values = [int(sig[k : k + 8], 16) for k in range(0, len(sig), 8)]
            self.sig_at[i], self.sig_len[i] = len(self.sig_values), len(values)
            self.sig_values.extend(values)

    def copy(self, i: int, p: int) -> None:
        """File ``i`` has the bytes of file ``p``: the same view, marked as a copy."""
        for col in (self.status, self.format, self.unit, self.project, self.year, self.chars, self.richness,
                    self.sig_at, self.sig_len, self.minhash_len, self.kind):
            col[i] = col[p]
        self.digest[HEX_DIGEST * i : HEX_DIGEST * (i + 1)] = self.digest[HEX_DIGEST * p : HEX_DIGEST * (p + 1)]
        if p in self.other_text:
            self.other_text[i] = self.other_text[p]
        if p in self.ids:
            self.ids[i] = self.ids[p]
        self.copy_of[i] = p

    def value(self, column: array, i: int) -> Any:
        return self.values[column[i]]

    def signature(self, i: int) -> array:
        at = self.sig_at[i]
        return self.sig_values[at : at + self.sig_len[i]]

    def text_key(self, i: int) -> Any:
        """The fingerprint's text (equal for the same text in any format), as a comparable key."""
        if self.kind[i] == HEX_TEXT:
            return bytes(self.digest[HEX_DIGEST * i : HEX_DIGEST * (i + 1)])
        return ("text", self.other_text.get(i))

    def report_id(self, i: int) -> str:
        """:func:`pipeline.outputs.review.report_id` of the record."""
        got = self.ids.get(i)
        return got if got is not None else self.digest[HEX_DIGEST * i : HEX_DIGEST * i + 6].hex()

    def counted(self, i: int) -> bool:
        """:func:`pipeline.same_report.counted` of the record, once linked."""
        return self.copy_of[i] == NOT_A_COPY and self.rep[i] < 0

    def read(self, i: int) -> bool:
        """Whether the record was read (status ok or partial)."""
        return self.values[self.status[i]] in ("ok", "partial")


def _hex_digest(text: Any) -> bytes | None:
    """The 32 bytes of a sha256 given as 64 lower-case hex digits, else None."""
    if not isinstance(text, str) or len(text) != 2 * HEX_DIGEST:
        return None
    try:
        digest = bytes.fromhex(text)
    except ValueError:
        return None
    return digest if digest.hex() == text else None
