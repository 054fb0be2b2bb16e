"""What the shape sweeps share (scripts/claim_shapes.py, sum_shapes.py, decoy_shapes.py, prose_shapes.py):
a shape's reports written both ways and judged, and the table a sweep prints."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from table_shapes import read


def both_ways(make: Callable[[bool], str], said: Callable[[dict], list[dict]], n: int, verbose: bool = False) -> tuple[int, int, list[str]]:
    """(slips found, consistent reports left silent, notes) over ``n`` reports of each kind: ``make(slip)``
    writes a report, ``said(record)`` gives the findings that count."""
    found = silent = 0
    notes = []
    for _ in range(n):
        for slip in (True, False):
            text = make(slip)
            hits = said(read(text))
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
    args = ap.parse_args(argv)
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
