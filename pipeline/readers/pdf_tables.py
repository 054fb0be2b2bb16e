"""Ruled tables from a page's ruling lines: pdfplumber's table finder ("lines" strategy, its default
tolerances), step for step, over the edges :mod:`pipeline.readers.pdf_objects` reads with pdfium.

The steps are pdfplumber's (``pdfplumber.table.TableFinder``, MIT licence): edges shorter than 1 pt are
dropped; edges within 3 pt of one another across their direction are snapped to their mean, edges on
one line joined where they meet or nearly (3 pt); edges shorter than 3 pt dropped; every crossing of a
vertical and a horizontal edge within 3 pt is a corner; a cell is the smallest rectangle of four corners
joined by edges; cells that share a corner form one table, and a table has at least two cells. Done
here, the reader does not import pdfplumber and pdfminer (a twentieth of a second per process), and works
on tuples instead of dicts. The tests compare it with pdfplumber's own on the corpus and on drawn grids.
"""

from __future__ import annotations

import itertools
from operator import itemgetter

from pipeline.readers.pdf_objects import Edge

Box = tuple[float, float, float, float]  # x0, top, x1, bottom

SNAP = 3.0
JOIN = 3.0
MIN_LENGTH_BEFORE = 1.0
MIN_LENGTH = 3.0
CROSSING = 3.0
MAX_EDGES = 3_000  # more ruling lines than any form has: the page is a drawing, not a table

# An edge while merging: [orientation, x0, top, x1, bottom, width, height], changed in place the way
# pdfplumber changes its copies (moving keeps width and height, extending recomputes them).
_O, _X0, _TOP, _X1, _BOTTOM, _W, _H = range(7)


def find_tables(edges: list[Edge]) -> list[tuple[list[Box], Box]]:
    """(cells, box) of each table the edges draw, in pdfplumber's order (top to bottom, then left)."""
    found = [
        [e["orientation"], e["x0"], e["top"], e["x1"], e["bottom"], e["width"], e["height"]]
        for e in edges
        if (e["height"] if e["orientation"] == "v" else e["width"]) >= MIN_LENGTH_BEFORE
    ]
    v = [e for e in found if e[_O] == "v"]
    h = [e for e in found if e[_O] == "h"]
    if len(v) < 2 or len(h) < 2 or len(v) + len(h) > MAX_EDGES:
        return []
    merged = _merge(v + h)
    merged = [e for e in merged if (e[_H] if e[_O] == "v" else e[_W]) >= MIN_LENGTH]
    cells = _cells(_crossings(merged))
    tables = []
    for group in _tables(cells):
        x0s, tops, x1s, bottoms = zip(*group)
        tables.append((group, (min(x0s), min(tops), max(x1s), max(bottoms))))
    return tables


def _merge(edges: list[list]) -> list[list]:
    """Snap, then join the edges on one line (``merge_edges``)."""
    v = _snap([e for e in edges if e[_O] == "v"], _X0, (_X0, _X1))
    h = _snap([e for e in edges if e[_O] == "h"], _TOP, (_TOP, _BOTTOM))

    def line(e: list) -> tuple[str, float]:
        return ("h", e[_TOP]) if e[_O] == "h" else ("v", e[_X0])

    out: list[list] = []
    for (orientation, _), group in itertools.groupby(sorted(v + h, key=line), key=line):
        out.extend(_join(list(group), orientation))
    return out


def _snap(edges: list[list], at: int, moved: tuple[int, int]) -> list[list]:
    """Edges whose positions chain within SNAP of one another moved to their mean (``snap_objects``)."""
    values = sorted(set(e[at] for e in edges))
    cluster: dict[float, int] = {}
    index, last = 0, None
    for x in values:
        if last is not None and x > last + SNAP:
            index += 1
        cluster[x] = index
        last = x
    out: list[list] = []

    def of(e: list) -> int:
        return cluster[e[at]]

    for _, members in itertools.groupby(sorted(edges, key=of), key=of):
        members = list(members)
        mean = sum(e[at] for e in members) / len(members)
        for e in members:
            shift = mean - e[at]
            e = list(e)
            e[moved[0]] += shift
            e[moved[1]] += shift
            out.append(e)
    return out


def _join(edges: list[list], orientation: str) -> list[list]:
    """Edges on one line joined where they overlap or lie within JOIN of each other (``join_edge_group``)."""
    start, end = (_X0, _X1) if orientation == "h" else (_TOP, _BOTTOM)
    edges = sorted(edges, key=itemgetter(start))
    joined = [edges[0]]
    for e in edges[1:]:
        last = joined[-1]
        if e[start] <= last[end] + JOIN:
            if e[end] > last[end]:
                last = list(last)
                if orientation == "h":
                    last[_W] = e[end] - last[_X0]
                else:
                    last[_H] = last[_H] + (e[end] - last[_BOTTOM])
                last[end] = e[end]
                joined[-1] = last
        else:
            joined.append(e)
    return joined


def _crossings(edges: list[list]) -> dict[tuple[float, float], tuple[list[Box], list[Box]]]:
    """Each corner (x, top) where a vertical and a horizontal edge cross, with the boxes of the vertical
    and the horizontal edges through it (``edges_to_intersections``)."""
    v = sorted((e for e in edges if e[_O] == "v"), key=itemgetter(_X0, _TOP))
    h = sorted((e for e in edges if e[_O] == "h"), key=itemgetter(_TOP, _X0))
    corners: dict[tuple[float, float], tuple[list[Box], list[Box]]] = {}
    for ve in v:
        for he in h:
            if (
                ve[_TOP] <= he[_TOP] + CROSSING
                and ve[_BOTTOM] >= he[_TOP] - CROSSING
                and ve[_X0] >= he[_X0] - CROSSING
                and ve[_X0] <= he[_X1] + CROSSING
            ):
                at = corners.setdefault((ve[_X0], he[_TOP]), ([], []))
                at[0].append((ve[_X0], ve[_TOP], ve[_X1], ve[_BOTTOM]))
                at[1].append((he[_X0], he[_TOP], he[_X1], he[_BOTTOM]))
    return corners


def _cells(corners: dict[tuple[float, float], tuple[list[Box], list[Box]]]) -> list[Box]:
    """The smallest rectangle below and right of each corner whose four corners are joined by edges
    (``intersections_to_cells``)."""
    v_at = {p: set(vs) for p, (vs, _) in corners.items()}
    h_at = {p: set(hs) for p, (_, hs) in corners.items()}

    def joined(p1: tuple[float, float], p2: tuple[float, float]) -> bool:
        if p1[0] == p2[0] and not v_at[p1].isdisjoint(v_at[p2]):
            return True
        return p1[1] == p2[1] and not h_at[p1].isdisjoint(h_at[p2])

    points = sorted(corners)
    cells: list[Box] = []
    for i, pt in enumerate(points[:-1]):
        rest = points[i + 1 :]
        below = [p for p in rest if p[0] == pt[0]]
        right = [p for p in rest if p[1] == pt[1]]
        cell = None
        for below_pt in below:
            if not joined(pt, below_pt):
                continue
            for right_pt in right:
                if not joined(pt, right_pt):
                    continue
                corner = (right_pt[0], below_pt[1])
                if corner in corners and joined(corner, right_pt) and joined(corner, below_pt):
                    cell = (pt[0], pt[1], corner[0], corner[1])
                    break
            if cell is not None:
                break
        if cell is not None:
            cells.append(cell)
    return cells


def _tables(cells: list[Box]) -> list[list[Box]]:
    """Cells grouped into tables: a cell joins the table one of its corners touches (``cells_to_tables``)."""

    def corners(c: Box) -> tuple[tuple[float, float], ...]:
        return ((c[0], c[1]), (c[0], c[3]), (c[2], c[1]), (c[2], c[3]))

    remaining = list(cells)
    current_corners: set[tuple[float, float]] = set()
    current: list[Box] = []
    tables: list[list[Box]] = []
    while remaining:
        before = len(current)
        for cell in list(remaining):
            if not current or any(c in current_corners for c in corners(cell)):
                current_corners.update(corners(cell))
                current.append(cell)
                remaining.remove(cell)
        if len(current) == before:
            tables.append(list(current))
            current_corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]
