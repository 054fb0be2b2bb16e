"""A document-sharing site's numbered chunks ("1、", "2、", "3、" …) taken off again.

Doc-sharing sites (文库 pages) print a document's text in pieces of a fixed length, each on a new line after
its number: "…包括\\n2、总体目标和阶段性目标…", "…项目支出5\\n3、141. 25万元…". The cut falls wherever the length
runs out, inside a word or a figure, so a label and its figure, or a figure itself, end up in two blocks
under a number that is not the report's. Such chunks are recognised by their numbers and their lengths:
numbered 1, 2, 3 … in order, each at least _MIN_CHUNK characters after the last, of nearly one length (the
last one, cut by the page, may be shorter), and at least one cut falling inside a sentence, which a list
of the report's own items does not do. Their numbers are dropped, and a chunk cut inside a sentence goes on
the line before.
"""

from __future__ import annotations

import regex

_MARK = regex.compile(r"^\s*(\d{1,2})、")
# a chunk is at least this many characters long, and the chunks before the last within _SPREAD of each other
_MIN_CHUNK = 150
_SPREAD = 0.25
_MIN_CHUNKS = 3
# a line ending so ends its sentence: a chunk after it starts a line of its own
_SENTENCE_END = regex.compile(r"[。！？!?；;：:]\s*$")


def join_chunks(numbered: list[tuple[int, str]], max_chars: int | None = None) -> list[tuple[int, str]]:
    """``(line number, text)`` pairs with a doc site's chunk numbers taken off and each chunk cut inside a
    sentence joined to the line before (into a line of at most ``max_chars``, as wrapped lines are).

    >>> out = join_chunks([(1, "1、项目基本情况" + "甲" * 200 + "实际到位资"), (2, "2、金144万元" + "乙" * 200 + "。"),
    ...                    (3, "3、项目绩效" + "丙" * 20)])
    >>> [(n, len(t)) for n, t in out], "实际到位资金144万元" in out[0][1], out[1][1][:4]
    ([(1, 418), (3, 24)], True, '项目绩效')
    """
    marks = _chunk_marks(numbered)
    if not marks:
        return numbered
    out: list[tuple[int, str]] = []
    for k, (number, line) in enumerate(numbered):
        if k not in marks:
            out.append((number, line))
            continue
        body = line[_MARK.match(line).end() :]
        joins = max_chars is None or len(out[-1][1]) + len(body) < max_chars if out else False
        if marks[k] > 1 and joins and out[-1][1].strip() and not _SENTENCE_END.search(out[-1][1]):
            first, prev = out[-1]
            out[-1] = (first, prev.rstrip() + body)
        else:
            out.append((number, body))
    return out


def _chunk_marks(numbered: list[tuple[int, str]]) -> dict[int, int]:
    """The entries (by index) that open a doc site's chunk, with the chunk's number; {} when the file has none."""
    found: dict[int, int] = {}
    starts: list[int] = []  # each chunk's offset in the file
    offset, expected = 0, 1
    for k, (_, line) in enumerate(numbered):
        m = _MARK.match(line)
        if m and int(m.group(1)) == expected:
            found[k], expected = expected, expected + 1
            starts.append(offset)
        offset += len(line) + 1
    if len(found) < _MIN_CHUNKS:
        return {}
    lengths = [b - a for a, b in zip(starts, starts[1:])]  # every chunk but the last, which the page may cut
    if min(lengths) < _MIN_CHUNK or max(lengths) > (1 + _SPREAD) * min(lengths):
        return {}
    cut = [k for k, n in found.items() if n > 1 and k and numbered[k - 1][1].strip() and not _SENTENCE_END.search(numbered[k - 1][1])]
    return found if cut else {}
