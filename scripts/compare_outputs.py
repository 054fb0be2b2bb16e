"""Compare two ``jixiao run`` output folders: are the outputs the same?

    python scripts/compare_outputs.py OUT_A OUT_B

Checks, and prints one line each (exit status 1 if any differs):

* ``corpus.jsonl`` and ``report.html``: byte-identical;
* ``report-pages/``: the same files, each byte-identical;
* ``discrepancies.xlsx``: the same sheets, and every cell's value of every sheet the same (read back with
  openpyxl), every link the same (cell, target: from each sheet's XML and its relationships), and which
  parts of the zip differ in their bytes (``docProps/core.xml`` carries the time it was written);
* ``corpus.duckdb``: the same tables, every row the same and in the same order.

Made to check that a change to the writers or the run leaves their outputs as they were (the same batch
written by two versions of the code into folders with the same path, then moved apart).
"""

from __future__ import annotations

import argparse
import filecmp
import re
import sys
import zipfile
from itertools import zip_longest
from pathlib import Path


def same_bytes(a: Path, b: Path) -> bool:
    return a.is_file() and b.is_file() and filecmp.cmp(a, b, shallow=False)


def pages(a: Path, b: Path) -> tuple[bool, str]:
    fa = sorted(p.name for p in a.iterdir()) if a.is_dir() else []
    fb = sorted(p.name for p in b.iterdir()) if b.is_dir() else []
    if fa != fb:
        return False, f"different files ({len(fa)} and {len(fb)})"
    bad = [n for n in fa if not filecmp.cmp(a / n, b / n, shallow=False)]
    return not bad, f"{len(fa)} pages" + (f", {len(bad)} differ (first {bad[0]})" if bad else ", all identical")


def cells(a: Path, b: Path) -> tuple[bool, str]:
    import openpyxl

    wa = openpyxl.load_workbook(a, read_only=True)
    wb = openpyxl.load_workbook(b, read_only=True)
    if wa.sheetnames != wb.sheetnames:
        return False, f"sheets differ: {wa.sheetnames} / {wb.sheetnames}"
    n = 0
    for name in wa.sheetnames:
        for i, (ra, rb) in enumerate(zip_longest(wa[name].iter_rows(values_only=True),
                                                  wb[name].iter_rows(values_only=True)), 1):
            ra, rb = _trim(ra), _trim(rb)
            if ra != rb:
                return False, f"sheet {name} row {i} differs:\n  {ra}\n  {rb}"
            n += sum(v is not None for v in ra)
    return True, f"{len(wa.sheetnames)} sheets, {n:,} cells with a value, all identical"


def _trim(row: tuple | None) -> tuple:
    row = tuple(row or ())
    while row and row[-1] is None:
        row = row[:-1]
    return row


_HLINK = re.compile(rb'<hyperlink ref="([A-Z]+[0-9]+)" r:id="(rId[0-9]+)"[^>]*/>')
_REL = re.compile(rb'<Relationship Id="(rId[0-9]+)" Type="[^"]*/hyperlink" Target="([^"]*)"')


def links(a: Path, b: Path) -> tuple[bool, str]:
    """Every sheet's links as (cell, target), from the sheet XML and its relationships."""
    la, lb = _links(a), _links(b)
    if la != lb:
        for sheet in sorted(set(la) | set(lb)):
            if la.get(sheet) != lb.get(sheet):
                return False, f"{sheet}: {len(la.get(sheet, []))} links / {len(lb.get(sheet, []))}"
    return True, f"{sum(map(len, la.values())):,} links, every cell and target identical"


def _links(path: Path) -> dict[str, list[tuple[bytes, bytes]]]:
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            m = re.fullmatch(r"xl/worksheets/(sheet\d+)\.xml", name)
            if not m:
                continue
            rels_name = f"xl/worksheets/_rels/{m.group(1)}.xml.rels"
            rels = dict(_REL.findall(z.read(rels_name))) if rels_name in z.namelist() else {}
            out[m.group(1)] = [(ref, rels.get(rid, b"?")) for ref, rid in _HLINK.findall(z.read(name))]
    return out


def parts(a: Path, b: Path) -> tuple[bool, str]:
    """Which zip members differ in their bytes (informational: core.xml holds the time of writing)."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        na, nb = sorted(za.namelist()), sorted(zb.namelist())
        if na != nb:
            return False, f"different parts: {sorted(set(na) ^ set(nb))}"
        differ = [n for n in na if za.read(n) != zb.read(n)]
    rest = [n for n in differ if n != "docProps/core.xml"]
    return not rest, f"{len(na)} parts; differing bytes: {differ or 'none'}"


def duckdb_tables(a: Path, b: Path) -> tuple[bool, str]:
    import duckdb

    ca, cb = duckdb.connect(str(a), read_only=True), duckdb.connect(str(b), read_only=True)
    ta = sorted(r[0] for r in ca.execute("select table_name from information_schema.tables").fetchall())
    tb = sorted(r[0] for r in cb.execute("select table_name from information_schema.tables").fetchall())
    if ta != tb:
        return False, f"tables differ: {ta} / {tb}"
    rows = 0
    for t in ta:
        qa, qb = ca.execute(f'select * from "{t}"'), cb.execute(f'select * from "{t}"')
        while True:
            ra, rb = qa.fetchmany(10_000), qb.fetchmany(10_000)
            if ra != rb:
                return False, f"table {t} differs near row {rows}"
            if not ra:
                break
            rows += len(ra)
    return True, f"{len(ta)} tables, {rows:,} rows, identical and in the same order"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    args = ap.parse_args()
    a, b = args.a, args.b
    results = [
        ("corpus.jsonl", (same_bytes(a / "corpus.jsonl", b / "corpus.jsonl"), "byte-identical")),
        ("report.html", (same_bytes(a / "report.html", b / "report.html"), "byte-identical")),
        ("report-pages", pages(a / "report-pages", b / "report-pages")),
        ("workbook cells", cells(a / "discrepancies.xlsx", b / "discrepancies.xlsx")),
        ("workbook links", links(a / "discrepancies.xlsx", b / "discrepancies.xlsx")),
        ("workbook parts", parts(a / "discrepancies.xlsx", b / "discrepancies.xlsx")),
        ("corpus.duckdb", duckdb_tables(a / "corpus.duckdb", b / "corpus.duckdb")),
    ]
    ok = True
    for what, (same, note) in results:
        ok &= same
        print(f"{'same' if same else 'DIFFERENT'}  {what}: {note if same or note != 'byte-identical' else 'bytes differ'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
