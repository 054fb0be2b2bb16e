"""Benchmark of ``jixiao run``: throughput on ≥1000 documents, peak memory per worker, rerun speed-up.

Builds a corpus in a temporary folder from corpus/*.txt, corpus/*.docx, a few corpus/*.pdf and the devset
excerpts, every copy with some figures changed so that no two files have the same bytes (plus a handful of
exact duplicates, as real batches have). Then runs ``jixiao run`` twice in fresh interpreters (so start-up
and the rules check count, as for a user): once from nothing, once unchanged (everything from the cache).

    python scripts/bench_run.py [--docs 1000] [--workers N] [--keep DIR]
    python scripts/bench_run.py --keep DIR --parent-only 10000,30000   # the parent alone, from DIR's cache
    # (each phase's own peak; --keep-outputs leaves DIR/scale-N-out, for scripts/compare_outputs.py)
    # distinct reports (none linked, all counted, with their passages): a kept run of make_batch's reports
    python scripts/make_batch.py DIR/corpus --docs 400 --planted 30 --repeats 10 --seed 3
    jixiao run DIR/corpus -o DIR/out && python scripts/bench_run.py --keep DIR --parent-only 5000,20000 --distinct
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# share of each kind in the generated corpus (PDFs are few: they are an order of magnitude slower)
MIX = {"txt": 0.58, "docx": 0.40, "pdf": 0.02}
DUPLICATES = 10

_DECIMAL = re.compile(r"(\d+\.\d*)(\d)")
_WT = re.compile(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)")


def vary_text(text: str, rng: random.Random) -> str:
    """Change the last digit of about half the decimal figures: a different report of the same shape."""
    return _DECIMAL.sub(
        lambda m: m.group(1) + (str(rng.randrange(10)) if rng.random() < 0.5 else m.group(2)), text
    )


def vary_docx(data: bytes, rng: random.Random, serial: int) -> bytes:
    """The same DOCX with figures varied inside the text runs of word/document.xml (never in markup)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/document.xml":
                xml = body.decode("utf-8")
                xml = _WT.sub(lambda m: m.group(1) + vary_text(m.group(2), rng) + m.group(3), xml)
                # a serial in the last text run makes every copy unique even when no figure changed
                idx = xml.rfind("</w:t>")
                xml = xml[:idx] + f"（{serial}）" + xml[idx:]
                body = xml.encode("utf-8")
            dst.writestr(info, body)
    return buf.getvalue()


def build_corpus(dest: Path, n: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    sources = {
        "txt": sorted((ROOT / "corpus").glob("*.txt"))
        + sorted((ROOT / "tests/data/devset/reports").glob("*.txt")),
        "docx": sorted((ROOT / "corpus").glob("*.docx")),
        "pdf": sorted((ROOT / "corpus").glob("*.pdf")),
    }
    counts: dict[str, int] = defaultdict(int)
    unique = n - DUPLICATES
    plan = [kind for kind, share in MIX.items() for _ in range(round(unique * share))]
    plan = (plan + ["txt"] * unique)[:unique]
    rng.shuffle(plan)
    made: list[Path] = []
    for i, kind in enumerate(plan):
        src = sources[kind][i % len(sources[kind])]
        folder = dest / f"unit{i % 25:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{i:05d}_{src.stem}.{kind}"
        if kind == "txt":
            text = vary_text(src.read_text(encoding="utf-8"), rng)
            path.write_text(text + f"\n（报告编号{i}）\n", encoding="utf-8")
        elif kind == "docx":
            path.write_bytes(vary_docx(src.read_bytes(), rng, i))
        else:  # a trailing PDF comment: same pages, different bytes
            path.write_bytes(src.read_bytes() + f"\n% bench copy {i}\n".encode())
        counts[kind] += 1
        made.append(path)
    (dest / "resubmitted").mkdir()
    for original in rng.sample(made, DUPLICATES):  # the same file sent twice
        shutil.copy(original, dest / "resubmitted" / original.name)
        counts["duplicate"] += 1
    return dict(counts)


# Each phase's own peak: every phase ends by recording its time in the summary's ``timings``; there the
# child notes its high-water mark (VmHWM) and the resident size it hands on (VmRSS), then resets the mark
# (writing 5 to /proc/self/clear_refs), so the next phase's peak is its own.
PHASE_PEAKS = (
    "import pipeline.batch.runner as _runner\n"
    "PEAKS = {}\n"
    "def _status(key):\n"
    "    for l in open('/proc/self/status'):\n"
    "        if l.startswith(key): return int(l.split()[1]) / 1024\n"
    "    return 0.0\n"
    "class _PhaseTimings(dict):\n"
    "    def __setitem__(self, k, v):\n"
    "        PEAKS[k] = [round(_status('VmHWM:'), 1), round(_status('VmRSS:'), 1)]\n"
    "        try:\n"
    "            with open('/proc/self/clear_refs', 'w') as f: f.write('5')\n"
    "        except OSError: pass\n"
    "        super().__setitem__(k, v)\n"
    "class _Summary(_runner.RunSummary):\n"
    "    def __init__(self, *a, **k):\n"
    "        super().__init__(*a, **k)\n"
    "        self.timings = _PhaseTimings()\n"
    "_runner.RunSummary = _Summary\n"
)


def timed_run(corpus: Path, out: Path, workers: int | None, cache_dir: Path | None = None) -> tuple[float, dict]:
    """One ``run()`` in a fresh interpreter, timed from outside; returns wall seconds and the summary."""
    cache = str(cache_dir) if cache_dir else None
    code = (
        "import json, dataclasses, resource, sys\n"
        "from pipeline.batch import run\n"
        + PHASE_PEAKS +
        f"s = run([{str(corpus)!r}], {str(out)!r}, workers={workers!r}, progress=False, cache_dir={cache!r})\n"
        "d = dataclasses.asdict(s); d['out'] = str(d['out'])\n"
        "d['children_maxrss_mb'] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        # VmHWM, not RUSAGE_SELF: Linux carries ru_maxrss over exec, so the child would report this script's peak
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
        "d['parent_maxrss_mb'] = int(hwm[0].split()[1]) / 1024 if hwm else "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "c = resource.getrusage(resource.RUSAGE_CHILDREN); d['children_cpu_s'] = c.ru_utime + c.ru_stime\n"
        "m = resource.getrusage(resource.RUSAGE_SELF); d['parent_cpu_s'] = m.ru_utime + m.ru_stime\n"
        "d['phase_peaks'] = PEAKS\n"
        # the high-water mark was reset at each phase's end: the run's peak is the largest phase's
        "d['parent_maxrss_mb'] = max([d['parent_maxrss_mb']] + [v[0] for v in PEAKS.values()])\n"
        "print(json.dumps(d))\n"
    )
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"run failed:\n{done.stderr}")
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def per_format_ms(out: Path) -> dict[str, float]:
    """Median worker time per document by format, from run.log and corpus.jsonl."""
    fmt = {}
    with open(out / "corpus.jsonl", encoding="utf-8") as fh:  # a line at a time: 10,000 records are 230 MB
        for line in fh:
            rec = json.loads(line)
            fmt[rec["file"]] = rec["format"] or "error"
    times: dict[str, list[float]] = defaultdict(list)
    for line in (out / "run.log").read_text(encoding="utf-8").splitlines():
        m = re.search(r" (\d+) ms findings \S+ \S+ \S+  (.+?)(?:  -- |$)", line)
        if m and m.group(2) in fmt:
            times[fmt[m.group(2)]].append(float(m.group(1)))
    return {k: statistics.median(v) for k, v in sorted(times.items())}


def clone_batch(records: list[dict], n: int, corpus: Path, cache: Path, version: tuple[str, str],
                distinct: bool = False) -> None:
    """``n`` tiny files in ``corpus`` whose records are in ``cache`` already (under ``version``), cloned
    from ``records``: each its own report (its text fingerprint changed). Without ``distinct`` the MinHash
    is kept, so clones of one seed are linked as resubmissions as in the generated corpus. With
    ``distinct`` (for records of ``scripts/make_batch.py``), every clone after the first round gets its own
    MinHash and its narrative passages (a text that fewer than three of ``records`` hold) their own
    signatures: the reports do not link, all are counted, and the checks across reports hold every one;
    the template and policy passages keep theirs, as in a real batch."""
    import numpy as np

    shared: dict[str, int] = defaultdict(int)
    for rec in records:
        for psg in rec.get("passages") or []:
            shared[psg["text"]] += 1
    for k in range(n):
        folder = corpus / f"unit{k % 25:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        data = f"bench record {k}\n".encode()
        name = folder / f"{k:06d}.txt"
        name.write_bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        rec = dict(records[k % len(records)], sha256=sha, file=str(name))
        rec["fingerprint"] = dict(rec.get("fingerprint") or {}, text=hashlib.sha256(f"{k}".encode()).hexdigest())
        if distinct and k >= len(records):
            rng = np.random.default_rng(k)
            if rec["fingerprint"].get("minhash"):
                rec["fingerprint"]["minhash"] = "".join(f"{int(v):08x}" for v in rng.integers(0, 2**32, 64))
            rec["passages"] = [
                psg if shared[psg["text"]] >= 3 else dict(psg, minhash=base64.b64encode(
                    rng.integers(0, 2**32, 64, dtype=np.uint32).tobytes()).decode("ascii"))
                for psg in rec.get("passages") or []
            ]
        entry = cache.joinpath(*version, sha[:2], f"{sha}.json")
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")


def parent_scaling(source: Path, sizes: list[int], base: Path, distinct: bool = False,
                   keep_outputs: bool = False) -> None:
    """The parent alone at larger batches: ``n`` tiny files whose records are in the cache already, cloned
    from the records of an earlier run (``source``: its cache folder; :func:`clone_batch`). No worker runs:
    what grows is what the parent keeps per document. ``keep_outputs``: leave each size's outputs in
    ``base/scale-N-out`` (to compare them with another version's)."""
    entries = sorted(source.rglob("*.json"))
    if not entries:
        sys.exit(f"no cached records under {source}")
    sys.path.insert(0, str(ROOT))
    from pipeline import ruleset
    from pipeline.cache import code_version

    version = (f"{code_version()}-{ruleset.version()}", "auto")  # where this code's run looks
    records = [json.loads(p.read_text(encoding="utf-8")) for p in entries[:200]]
    for n in sizes:
        corpus, out, cache = base / f"scale-{n}", base / f"scale-{n}-out", base / f"scale-{n}-cache"
        for d in (corpus, out, cache):
            shutil.rmtree(d, ignore_errors=True)
        clone_batch(records, n, corpus, cache, version, distinct)
        wall, s = timed_run(corpus, out, 1, cache)
        print(
            f"parent alone, {n} documents from the cache: {wall:.1f} s wall, {s['parent_cpu_s']:.1f} CPU-s, "
            f"peak {s['parent_maxrss_mb']:.0f} MB; phases: "
            + ", ".join(f"{k} {v:.2f} s" for k, v in s["timings"].items())
        )
        peaks = s["phase_peaks"]
        top = max(peaks, key=lambda k: peaks[k][0]) if peaks else None
        print(
            (f"  the parent's peak: {peaks[top][0]:.0f} MB, in phase {top}; " if top else "")
            + "each phase's own peak / resident at its end, MB: "
            + ", ".join(f"{k} {hwm:.0f}/{rss:.0f}" for k, (hwm, rss) in s["phase_peaks"].items())
        )
        for d in (corpus, cache) if keep_outputs else (corpus, out, cache):
            shutil.rmtree(d, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--keep", type=Path, default=None, help="build the corpus and outputs here and keep them")
    ap.add_argument("--parent-only", default=None, metavar="N,N…",
                    help="only the parent at these batch sizes, from records cached by a kept run (--keep DIR)")
    ap.add_argument("--keep-outputs", action="store_true",
                    help="with --parent-only: keep each size's outputs in DIR/scale-N-out")
    ap.add_argument("--distinct", action="store_true",
                    help="with --parent-only: clones that do not link (for a kept run of scripts/make_batch.py)")
    args = ap.parse_args()
    if args.parent_only:
        if args.keep is None or not (args.keep / "out" / ".cache").is_dir():
            sys.exit("--parent-only needs --keep DIR of an earlier run (its out/.cache holds the records)")
        parent_scaling(args.keep / "out" / ".cache", [int(n) for n in args.parent_only.split(",")], args.keep,
                       args.distinct, args.keep_outputs)
        return
    base = args.keep or Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        corpus, out = base / "corpus", base / "out"
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        counts = build_corpus(corpus, args.docs)
        kinds = ", ".join(f"{v} {k}" for k, v in counts.items())
        print(f"corpus: {sum(counts.values())} files ({kinds}) in {corpus}")

        wall1, s1 = timed_run(corpus, out, args.workers)
        proc = s1["timings"].get("process", 0.0)
        print(
            f"first run: {wall1:.1f} s wall ({s1['files']} files, "
            f"{s1['processed']} processed by {s1['workers']} workers; "
            f"{s1['ok']} ok, {s1['partial']} partial, {s1['error']} error)"
        )
        print(
            f"  throughput: {s1['processed'] / proc:.1f} documents/s while processing, "
            f"{s1['files'] / wall1:.1f} files/s end to end (start-up, rules check and writers included)"
        )
        if s1["children_cpu_s"]:
            # the machine may be shared: CPU seconds the workers used tell what the cores alone would give
            per_core = s1["processed"] / s1["children_cpu_s"]
            print(
                f"  worker CPU: {s1['children_cpu_s']:.1f} s for {s1['processed']} documents = "
                f"{per_core:.1f} documents per CPU-second, {per_core * s1['workers']:.1f}/s on "
                f"{s1['workers']} idle cores"
            )
        print("  phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in s1["timings"].items()))
        print(
            "  median worker time per document: "
            + ", ".join(f"{k} {v:.0f} ms" for k, v in per_format_ms(out).items())
        )
        print(
            f"  peak memory per worker (max RSS, shared pages included): {s1['worker_peak_mb']:.0f} MB "
            f"(RUSAGE_CHILDREN max {s1['children_maxrss_mb']:.0f} MB); parent {s1['parent_maxrss_mb']:.0f} MB, "
            f"{s1['parent_cpu_s']:.1f} CPU-s"
        )
        print(f"  writers: {s1['writers']}")

        wall2, s2 = timed_run(corpus, out, args.workers)
        print(
            f"rerun unchanged: {wall2:.1f} s wall, {s2['parent_cpu_s']:.1f} CPU-s (start-up included), "
            f"{s2['cache_hits']} from cache, {s2['processed']} processed; parent {s2['parent_maxrss_mb']:.0f} MB"
        )
        print("  phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in s2["timings"].items()))
        print(f"  speed-up: {wall1 / wall2:.1f}x end to end")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
