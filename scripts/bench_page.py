"""Benchmark of the review page at scale: the index of 10,000 reports, its size and how long headless
Chromium takes to load it and run its script (table drawn, points plotted).

The reports are the corpus records, copied with totals, rates, units, projects and file names varied the
way a real batch varies them. Needs chromium for the timing (``apt-get install chromium``).

    python scripts/bench_page.py [--reports 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import copy
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def records(n: int) -> list[dict]:
    from pipeline.parse import parse_file
    from pipeline.record import extract_record

    base = [extract_record(parse_file(p)) for p in sorted((ROOT / "corpus").glob("*.docx"))]
    base += [extract_record(parse_file(p)) for p in sorted((ROOT / "tests/data/devset/reports").glob("*.txt"))[:20]]
    sectors = ["教育", "卫生健康", "农业农村", "水利", "民政", "人力资源和社会保障", "交通运输", "生态环境"]
    topics = ["义务教育", "乡村振兴", "饮水安全", "困难群众救助", "农村公路养护", "污水治理"]
    out = []
    for i in range(n):
        rec = copy.deepcopy(base[i % len(base)])
        unit = f"第{i % 60}县{sectors[i % len(sectors)]}局"
        project = f"{2019 + i % 6}年度{topics[i % len(topics)]}专项资金"
        rec["file"] = f"报送材料/第{i % 60}县/{unit}{project}绩效自评报告（{i}）.pdf"
        rec["meta"] = {**rec["meta"], "unit": unit, "project": project}
        rec["score"]["total"] = {"value": round(40 + (i * 37 % 610) / 10, 2)}
        rec["budget"]["execution_rate"] = {"value": round((i * 53 % 1300) / 10, 2)}
        out.append(rec)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, help="write the pages here instead of a temporary folder")
    args = ap.parse_args()
    from pipeline.outputs import html

    folder = args.keep or Path(tempfile.mkdtemp(prefix="jixiao-page-"))
    recs = records(args.reports)
    t0 = time.perf_counter()
    html.write(recs, folder / "report.html")
    written = time.perf_counter() - t0
    size = (folder / "report.html").stat().st_size
    pages = len(list((folder / "report-pages").iterdir()))
    print(f"{args.reports} reports: index {size / 1e6:.2f} MB, {pages} report pages, written in {written:.1f} s")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium not installed: load time not measured (apt-get install chromium)")
        return
    times = []
    for k in range(3):
        profile = folder / f".profile{k}"
        t0 = time.perf_counter()
        dom = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                              (folder / "report.html").as_uri()], capture_output=True, text=True, timeout=120)
        times.append(time.perf_counter() - t0)
        assert f'<b id="shown">{args.reports}</b>' in dom.stdout, "the page's script did not finish"
        shutil.rmtree(profile, ignore_errors=True)
    print(f"headless chromium: loaded, table drawn and {args.reports} points plotted in "
          f"{statistics.median(times):.2f} s median of 3 (browser start-up included)")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
