"""Benchmark: time to read and extract one report (and to check it), after start-up, and peak memory.

Run ``make bench`` (which then runs scripts/bench_run.py, the batch). Speed is measured here, never in the
tests. Prints one line per input: the median and 90th percentile of wall time over repeated runs for reading
and extraction alone, and with the checks, and the size of the file.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.parse import parse_file  # noqa: E402
from pipeline.record import extract_record  # noqa: E402


def timed(path: Path, runs: int, checks: bool) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        extract_record(parse_file(path), checks=checks)
        out.append(time.perf_counter() - t0)
    return out


# The formats beyond TXT/DOCX/PDF (tests/data/formats/, made by scripts/make_formats.py), with runs each.
FORMATS = (
    ("001_自评表.xlsx", 10),
    ("001_自评表.xls", 10),
    ("001_自评表.ods", 10),
    ("001.doc", 3),
    ("001.wps", 3),
    ("001.rtf", 3),
    ("001.odt", 3),
    ("001_p1.png", 1),
    ("001_scan.pdf", 1),
)


def formats() -> None:
    """Seconds per document for each new format (reading, extraction and checks), and OCR seconds per page."""
    from pipeline.readers.office import soffice_path

    folder = ROOT / "tests" / "data" / "formats"
    print(f"{'format fixture':42} {'KB':>6} {'s/document':>11} {'pages':>6} {'s/page':>7}")
    for name, runs in FORMATS:
        path = folder / name
        if name.endswith((".doc", ".wps", ".rtf", ".odt")) and soffice_path() is None:
            print(f"{name:42} skipped: LibreOffice is not installed")
            continue
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            parsed = parse_file(path)
            extract_record(parsed)
            times.append(time.perf_counter() - t0)
        took = statistics.median(times)
        ocr = len(parsed.doc.ocr_pages or []) if parsed.doc is not None else 0
        per_page = f"{took / ocr:7.2f}" if ocr else f"{'':7}"
        print(f"{name:42} {path.stat().st_size / 1024:6.1f} {took:11.2f} {ocr or '':>6} {per_page}")


def main() -> None:
    t0 = time.perf_counter()
    extract_record(parse_file(ROOT / "corpus" / "001_5c147244ac7a2061.txt"))  # rules, jieba, spaCy load
    startup = time.perf_counter() - t0
    print(f"start-up (rules, segmenter, first document): {startup * 1000:.0f} ms")
    print(f"{'input':42} {'KB':>6} {'extract ms':>11} {'p90':>6} {'+checks ms':>11} {'p90':>6}")
    for name, runs in (
        ("corpus/001_5c147244ac7a2061.txt", 30),
        ("corpus/000_a4cf6914c4e43683.txt", 30),
        ("corpus/001_5c147244ac7a2061.docx", 20),
        ("corpus/001_5c147244ac7a2061.pdf", 5),
    ):
        path = ROOT / name
        cols = []
        for checks in (False, True):
            times = sorted(timed(path, runs, checks))
            cols += [statistics.median(times) * 1000, times[int(0.9 * (len(times) - 1))] * 1000]
        print(f"{name:42} {path.stat().st_size / 1024:6.1f} {cols[0]:11.1f} {cols[1]:6.1f} {cols[2]:11.1f} {cols[3]:6.1f}")
    formats()
    devset = sorted((ROOT / "tests" / "data" / "devset" / "reports").glob("*.txt"))
    t0 = time.perf_counter()
    for p in devset:
        extract_record(parse_file(p))
    elapsed = time.perf_counter() - t0
    print(f"devset: {len(devset)} excerpts in {elapsed:.2f} s ({len(devset) / elapsed:.0f} documents/s, one process)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process): {peak:.0f} MB")


if __name__ == "__main__":
    main()
