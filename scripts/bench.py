"""Benchmark: time to read and extract one report, after start-up, and peak memory.

Run ``make bench``. Speed is measured here, never in the tests. Prints one line per input: the median and
the 90th percentile of wall time over repeated runs, and the size of the file.
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


def timed(path: Path, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        extract_record(parse_file(path))
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    t0 = time.perf_counter()
    extract_record(parse_file(ROOT / "corpus" / "001_5c147244ac7a2061.txt"))  # rules, jieba, spaCy load
    startup = time.perf_counter() - t0
    print(f"start-up (rules, segmenter, first document): {startup * 1000:.0f} ms")
    print(f"{'input':42} {'KB':>6} {'median ms':>10} {'p90 ms':>8}")
    for name, runs in (
        ("corpus/001_5c147244ac7a2061.txt", 30),
        ("corpus/000_a4cf6914c4e43683.txt", 30),
        ("corpus/001_5c147244ac7a2061.docx", 20),
        ("corpus/001_5c147244ac7a2061.pdf", 5),
    ):
        path = ROOT / name
        times = sorted(timed(path, runs))
        p90 = times[int(0.9 * (len(times) - 1))]
        print(f"{name:42} {path.stat().st_size / 1024:6.1f} {statistics.median(times) * 1000:10.1f} {p90 * 1000:8.1f}")
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
