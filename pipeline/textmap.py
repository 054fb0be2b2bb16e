"""Text that remembers where each of its characters came from.

A :class:`MappedText` is a string plus, for each of its characters, the half-open span of the raw text it
was made from. Every normalisation step returns a new MappedText whose spans point into the same raw text,
so a match in the normalised view can always be quoted as the report printed it.

>>> t = MappedText.identity("预算执行率为２．５２％")
>>> t = t.translate({"２": "2", "．": ".", "５": "5", "％": "%"})
>>> t.text
'预算执行率为2.52%'
>>> t.raw_span(6, 11)
(6, 11)
>>> u = MappedText.identity("1,234 万元").sub(r"(?<=\\d),(?=\\d{3})", "").sub(r"(?<=\\d) +(?=万)", "")
>>> u.text, u.raw_span(0, 4), u.raw_span(4, 6)
('1234万元', (0, 5), (6, 8))
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable

import regex


_COUNTING = array("l", range(4096))


def _counting(n: int) -> array:
    """0, 1, 2 … at least up to n - 1, made once: slicing it copies memory, where building an array from a
    range converts every number (every block of every document is mapped to itself first)."""
    global _COUNTING
    if len(_COUNTING) < n:
        _COUNTING = array("l", range(max(n, 2 * len(_COUNTING))))
    return _COUNTING


class MappedText:
    __slots__ = ("text", "starts", "ends", "raw_len")

    def __init__(self, text: str, starts: array, ends: array, raw_len: int):
        if not (len(text) == len(starts) == len(ends)):
            raise ValueError("text and span arrays differ in length")
        self.text = text
        self.starts = starts
        self.ends = ends
        self.raw_len = raw_len

    @classmethod
    def identity(cls, raw: str) -> MappedText:
        n = len(raw)
        counting = _counting(n + 1)
        return cls(raw, counting[:n], counting[1 : n + 1], n)

    def __len__(self) -> int:
        return len(self.text)

    def __repr__(self) -> str:
        return f"MappedText({self.text!r})"

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw span that the normalised span [start, end) was made from."""
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span {start}:{end} outside text of length {len(self.text)}")
        if start == end:
            pos = self.starts[start] if start < len(self.text) else self.raw_len
            return pos, pos
        return self.starts[start], max(self.ends[start:end])

    def at(self, raw_offset: int) -> int:
        """The offset in :attr:`text` of a raw offset (the start or end of a span quoted from the raw text):
        the number of characters made from raw text before it.

        >>> MappedText.identity("1,234 万元").sub(r"(?<=\\d),(?=\\d{3})", "").at(6)
        5
        """
        return bisect_left(self.starts, raw_offset)

    # -- building blocks for normalisation steps -------------------------------------------------

    def translate(self, table: dict[str, str]) -> MappedText:
        """Replace single characters; a replacement may be longer or empty."""
        if table.keys().isdisjoint(self.text):  # no character to replace (the loop below is slow)
            return self
        present = table.keys() & set(self.text)
        if all(len(table[c]) == 1 for c in present):
            # one character for one (full-width digits and punctuation, most of what a step folds): every
            # character keeps its span, and str.translate does the rest in C
            return MappedText(self.text.translate({ord(c): table[c] for c in present}), array("l", self.starts), array("l", self.ends), self.raw_len)
        out: list[str] = []
        starts, ends = array("l"), array("l")
        for i, c in enumerate(self.text):
            r = table.get(c, c)
            out.append(r)
            for _ in r:
                starts.append(self.starts[i])
                ends.append(self.ends[i])
        return MappedText("".join(out), starts, ends, self.raw_len)

    def sub(self, pattern: str | regex.Pattern, repl: str | Callable[[regex.Match], str]) -> MappedText:
        """Regex substitution that keeps the map.

        A replacement of the same length maps character by character; any other replacement maps each
        new character to the whole matched span (an insertion maps to the empty span where it stands).
        """
        rx = regex.compile(pattern) if isinstance(pattern, str) else pattern
        pieces: list[str] = []
        starts, ends = array("l"), array("l")
        pos = 0
        changed = False
        for m in rx.finditer(self.text):
            a, b = m.span()
            r = repl(m) if callable(repl) else m.expand(repl)
            if r == m.group(0):
                continue
            changed = True
            pieces.append(self.text[pos:a])
            starts.extend(self.starts[pos:a])
            ends.extend(self.ends[pos:a])
            pieces.append(r)
            if len(r) == b - a:
                starts.extend(self.starts[a:b])
                ends.extend(self.ends[a:b])
            elif b > a:
                s, e = self.starts[a], max(self.ends[a:b])
                starts.extend([s] * len(r))
                ends.extend([e] * len(r))
            else:
                p = self.starts[a] if a < len(self.text) else self.raw_len
                starts.extend([p] * len(r))
                ends.extend([p] * len(r))
            pos = b
        if not changed:
            return self
        pieces.append(self.text[pos:])
        starts.extend(self.starts[pos:])
        ends.extend(self.ends[pos:])
        return MappedText("".join(pieces), starts, ends, self.raw_len)

    def shifted(self, offset: int, raw_len: int) -> MappedText:
        """The same text with its spans moved into a larger raw text (a cell inside its table)."""
        return MappedText(
            self.text,
            array("l", (s + offset for s in self.starts)),
            array("l", (e + offset for e in self.ends)),
            raw_len,
        )

    @staticmethod
    def join(parts: Iterable[tuple[MappedText, str]], raw_len: int) -> MappedText:
        """Concatenate texts that already point into one raw text; each separator maps to an empty span
        at the end of the part before it."""
        text: list[str] = []
        starts, ends = array("l"), array("l")
        for part, sep in parts:
            text.append(part.text)
            starts.extend(part.starts)
            ends.extend(part.ends)
            if sep:
                p = part.ends[-1] if len(part) else (starts[-1] if starts else 0)
                text.append(sep)
                starts.extend([p] * len(sep))
                ends.extend([p] * len(sep))
        return MappedText("".join(text), starts, ends, raw_len)
