"""What the shape sweeps share (scripts/claim_shapes.py, sum_shapes.py, decoy_shapes.py, prose_shapes.py):
a shape's reports written both ways and judged, and the table a sweep prints."""

from __future__ import annotations

import argparse
import io
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from table_shapes import read

# how a report is written and read back: as a TXT file, or (--pdf) typeset as a PDF whose paragraphs wrap at
# the line's width in mid-sentence, as published reports are
READER: list[Callable[[str], dict]] = [read]


def read_pdf(text: str) -> dict:
    """``text`` typeset by scripts/make_pdf.py (its first line the title, 一、 lines headings, the rest
    paragraphs wrapped where the line is full), read back through the PDF reader."""
    import make_pdf
    from pipeline.parse import parse_file
    from pipeline.record import extract_record

    lines = [line for line in text.splitlines() if line.strip()]
    out = io.BytesIO()
    w = make_pdf.Writer(out, lines[0])
    w.title(lines[0])
    for line in lines[1:]:
        (w.heading if make_pdf.is_heading(line) else w.paragraph)(line)
    w.save()
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as f:
        f.write(out.getvalue())
    try:
        return extract_record(parse_file(f.name))
    finally:
        Path(f.name).unlink()


def both_ways(make: Callable[[bool], str], said: Callable[[dict], list[dict]], n: int, verbose: bool = False) -> tuple[int, int, list[str]]:
    """(slips found, consistent reports left silent, notes) over ``n`` reports of each kind: ``make(slip)``
    writes a report, ``said(record)`` gives the findings that count."""
    found = silent = 0
    notes = []
    for _ in range(n):
        for slip in (True, False):
            text = make(slip)
            hits = said(READER[0](text))
            if slip and hits:
                found += 1
            elif not slip and not hits:
                silent += 1
            elif verbose:
                body = " / ".join(text.splitlines()[4:-4])
                why = "; ".join(f"{f['check']}: {f['message'][:80]}" for f in hits)
                notes.append(f"{'slip missed' if slip else 'false alarm'}: {body}" + (f"  [{why}]" if why else ""))
    return found, silent, notes


def run(argv: list[str] | None, doc: str, items: Sequence, score: Callable, label: Callable[[object], str],
        names: tuple[str, str], noun: str) -> int:
    """The command line of a sweep: per item ``label(item)`` and its two counts out of ``--n``, then the totals.
    ``score(item, n, seed, verbose)`` gives (first count, second count, notes)."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", default="", help="items whose id starts with this")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--pdf", action="store_true", help="typeset each report as a PDF with wrapped lines and read that")
    args = ap.parse_args(argv)
    READER[0] = read_pdf if args.pdf else read
    first = second = count = 0
    for item in items:
        if not item.id.startswith(args.only):
            continue
        a, b, notes = score(item, args.n, args.seed, args.v)
        first, second, count = first + a, second + b, count + 1
        print(f"{label(item)} {names[0]} {a}/{args.n}, {names[1]} {b}/{args.n}")
        for note in notes[:2]:
            print(f"    {note}")
    print(f"all {count} {noun}: {names[0]} {first}/{args.n * count}, {names[1]} {second}/{args.n * count}")
    return 0
