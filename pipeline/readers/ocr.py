"""OCR for scans: page images to lines and tables that the PDF reader's layout turns into blocks.

Recognition is RapidOCR on ONNX Runtime (``rapidocr-onnxruntime``): its wheel ships the PP-OCR Chinese
detection, direction and recognition models, so nothing is downloaded at run time. One engine per process,
made on first use.

A page's recognised lines become :class:`pipeline.readers.pdf.Line` items in PDF points (pixels × 72 / dpi),
so the PDF reader's own rules join wrapped lines into paragraphs, drop running headers and page numbers, and
read two columns in order. Each line keeps its recognition confidence and box; a block built from OCR'd
lines records them (``Block.ocr``), and every fact quoted from it carries ``ocr: true`` and the confidence.

Tables are rebuilt from the line boxes: a scan of a ruled 自评表 comes back as one box per cell, several
boxes side by side on one text row. Runs of two or more such rows are a table; its columns are the x-ranges
the boxes occupy (overlapping ranges merged), its rows the text rows, so the 自评表 decoder sees cells.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from pipeline.errors import ReadError

OCR_DPI = 150  # page images are rendered at this resolution: enough for 10.5 pt Song type
MIN_CONF = 0.5  # lines recognised with less confidence are noise (stamps, signatures, smudges)
BLANK_LEVEL = 200  # a page whose darkest pixel is this light (0 black, 255 white) holds no ink
CELL_GAP = 1.2  # boxes on one row further apart than this many line heights are separate cells


@dataclass
class OcrLine:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    conf: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2


_engine = None
_engine_pid: int | None = None


def ran_here() -> bool:
    """Whether this process has made an OCR engine: its forked children could not make their own."""
    return _engine_pid is not None and _engine_pid == os.getpid()


def engine():
    """This process's RapidOCR engine (a forked worker makes its own)."""
    global _engine, _engine_pid
    if _engine is None or _engine_pid != os.getpid():
        if _engine_pid is not None:
            # ONNX Runtime does not survive a fork: a session made in a child of a process that had made
            # one hangs. `jixiao run` forks its workers from a parent that never OCRs; anything else must
            # OCR in a fresh process.
            raise ReadError("E_INTERNAL", "OCR engine cannot start in a process forked after its parent ran OCR")
        # before the import: OpenCV's shared libraries are mapped by it, and under a text worker's cap
        # they fail to load ("failed to map segment from shared object")
        _address_space_for_models()
        from rapidocr_onnxruntime import RapidOCR

        import multiprocessing

        # `jixiao run` runs one worker per core: there each engine takes one thread; alone, two.
        worker = multiprocessing.current_process().name != "MainProcess"
        threads = 1 if worker else max(1, min(2, os.cpu_count() or 1))
        _engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
        _engine_pid = os.getpid()
    return _engine


OCR_ADDRESS_SPACE = 4 << 30  # bytes of address space ONNX Runtime reserves beyond what it touches


def _address_space_for_models() -> None:
    """A `jixiao run` worker caps its address space (RLIMIT_AS) for text documents; ONNX Runtime reserves
    far more address space than it uses (thread stacks, arenas), so a worker that OCRs gets this much
    more, once. Resident memory stays what the models and one page need (a few hundred MB)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return
    raised = soft + OCR_ADDRESS_SPACE
    if hard != resource.RLIM_INFINITY:
        raised = min(raised, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (raised, hard))
    except (ValueError, OSError):
        pass


def recognise(image, scale: float) -> list[OcrLine]:
    """The lines RapidOCR finds in a PIL image, boxes converted to points by ``scale`` (points per pixel)."""
    import numpy as np

    from pipeline.limits import PageTimeout

    if image.convert("L").getextrema()[0] >= BLANK_LEVEL:
        return []  # nothing darker than paper: a blank page, no need to wake the models
    arr = np.asarray(image.convert("RGB"))
    try:
        result, _ = engine()(arr)
    except (ReadError, PageTimeout, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - onnxruntime/opencv errors on a strange image
        # RapidOCR re-raises whatever interrupted ONNX Runtime as its own error: a clock that ran out
        # (ours) is passed on as itself, not as a bad image.
        inner = exc
        while inner is not None and not isinstance(inner, (ReadError, PageTimeout)):
            inner = inner.__cause__ or inner.__context__
        if inner is not None:
            raise inner from None
        if "PageTimeout" in str(exc):
            raise PageTimeout(str(exc)[-200:]) from None
        if "E_TIMEOUT" in str(exc):
            raise ReadError("E_TIMEOUT", "the document's time limit ran out during OCR") from None
        raise ReadError("E_IMAGE_CORRUPT", f"OCR failed on the image: {type(exc).__name__}: {exc}") from None
    lines = []
    for box, text, conf in result or []:
        text = text.strip()
        if not text or float(conf) < MIN_CONF:
            continue
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        lines.append(
            OcrLine(min(xs) * scale, min(ys) * scale, max(xs) * scale, max(ys) * scale, text, float(conf))
        )
    return lines


def rows_of(lines: list[OcrLine]) -> list[list[OcrLine]]:
    """Lines grouped into text rows by their vertical middles, each row left to right.

    >>> a, b, c = OcrLine(0, 0, 10, 10, "a", 1), OcrLine(50, 1, 60, 11, "b", 1), OcrLine(0, 20, 10, 30, "c", 1)
    >>> [[x.text for x in row] for row in rows_of([c, b, a])]
    [['a', 'b'], ['c']]
    """
    rows: list[list[OcrLine]] = []
    for ln in sorted(lines, key=lambda ln: (ln.mid, ln.x0)):
        if rows:
            ref = rows[-1][0]
            if abs(ln.mid - ref.mid) <= 0.5 * min(ln.height, ref.height):
                rows[-1].append(ln)
                continue
        rows.append([ln])
    for row in rows:
        row.sort(key=lambda ln: ln.x0)
    return rows


def _is_cell_row(row: list[OcrLine]) -> bool:
    if len(row) < 2:
        return False
    height = min(ln.height for ln in row)
    return all(b.x0 - a.x1 > CELL_GAP * height for a, b in zip(row, row[1:]))


def columns_of(rows: list[list[OcrLine]]) -> list[tuple[float, float]]:
    """The x-ranges of a table's columns: the boxes' ranges, overlapping ones merged.

    >>> r1 = [OcrLine(0, 0, 40, 10, "a", 1), OcrLine(100, 0, 130, 10, "b", 1)]
    >>> r2 = [OcrLine(5, 20, 30, 30, "c", 1), OcrLine(90, 20, 120, 30, "d", 1)]
    >>> columns_of([r1, r2])
    [(0, 40), (90, 130)]
    """
    spans = sorted((ln.x0, ln.x1) for row in rows for ln in row)
    cols: list[list[float]] = []
    for x0, x1 in spans:
        if cols and x0 <= cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    return [(a, b) for a, b in cols]


@dataclass
class OcrTable:
    top: float
    rows: list[list[tuple[str, int, int]]]
    cells: list[OcrLine | None]  # the line(s) behind each cell, in the order of ``rows``; None: empty


def split_tables(lines: list[OcrLine]) -> tuple[list[OcrLine], list[OcrTable]]:
    """The page's free lines and the tables rebuilt from runs of rows of separate cells."""
    rows = rows_of(lines)
    free: list[OcrLine] = []
    tables: list[OcrTable] = []
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and _is_cell_row(rows[j]):
            j += 1
        if j - i >= 2:
            tables.append(_table(rows[i:j]))
            i = j
        else:
            free.extend(rows[i])
            i += 1
    return free, tables


def _table(rows: list[list[OcrLine]]) -> OcrTable:
    cols = columns_of(rows)
    grid_rows: list[list[tuple[str, int, int]]] = []
    cells: list[OcrLine | None] = []
    for row in rows:
        slots: list[list[OcrLine]] = [[] for _ in cols]
        for ln in row:
            mid = (ln.x0 + ln.x1) / 2
            k = min(range(len(cols)), key=lambda k: 0 if cols[k][0] <= mid <= cols[k][1] else abs(mid - sum(cols[k]) / 2))
            slots[k].append(ln)
        out: list[tuple[str, int, int]] = []
        for slot in slots:
            text = "".join(ln.text for ln in slot)
            out.append((text, 1, 1))
            if slot:
                merged = OcrLine(
                    min(ln.x0 for ln in slot),
                    min(ln.top for ln in slot),
                    max(ln.x1 for ln in slot),
                    max(ln.bottom for ln in slot),
                    text,
                    min(ln.conf for ln in slot),
                )
                cells.append(merged)
            else:
                cells.append(None)
        grid_rows.append(out)
    return OcrTable(rows[0][0].top, grid_rows, cells)
