"""Benchmark of the checks across reports and of the Dask engine, on a generated batch with planted copies.

1. **Shingle size.** The passages of the batch's reports (its paragraphs of 40 letters or more, as the
   reader gives them for plain text) are compared with 2-, 3-, 4- and 5-character shingles: precision and
   recall of the planted copies, and how many pairs are found (the shingle size in rules/checks.yaml was
   chosen from this table).
2. **The batch, locally.** ``jixiao run`` over the whole batch in a fresh interpreter: files/s, seconds of
   the stage across reports, and precision and recall of COPY-NEAR-DUPLICATE on the planted pairs (and of
   CORPUS-REPEAT-YEAR on the repeated years). Then the stage alone on the first 1/4, 1/2 and all of the
   cached records: its cost grows about linearly (LSH, not all pairs).
3. **The same batch on a 2-worker LocalCluster** (``--cluster``): files/s, and whether ``corpus.jsonl`` is
   the same as the local run's.

    python scripts/bench_across.py [--docs 10000] [--planted 300] [--repeats 60] [--skip-cluster] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import make_batch  # noqa: E402


def found_pairs(out: Path) -> dict[str, set[frozenset]]:
    got: dict[str, set[frozenset]] = {}
    with open(out / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            for f in json.loads(line)["findings"]:
                p = f.get("pair")
                if p:
                    got.setdefault(p["check"], set()).add(frozenset((Path(p["a"]["file"]).name, Path(p["b"]["file"]).name)))
    return got


def pr(found: set, truth: set) -> tuple[float, float, int]:
    tp = len(found & truth)
    return (tp / len(found) if found else 1.0), (tp / len(truth) if truth else 1.0), len(found)


def shingle_sizes(src: Path, truth: dict, sizes: tuple[int, ...]) -> list[dict]:
    """Precision and recall of the planted copies with each shingle size, on the passages of plain text."""
    from datasketch import MinHash

    from pipeline.checks.across.copies import params
    from pipeline.checks.across import rule
    from pipeline.checks.across.passages import SCHEME, SEED, encode, shingles
    from pipeline.checks.across.similar import Signatures, find_pairs
    from pipeline.fingerprint import letters

    base = params(rule("COPY-NEAR-DUPLICATE"))
    files = sorted(src.glob("*.txt"))
    texts = {i: [ln for ln in f.read_text(encoding="utf-8").splitlines() if len(letters([ln])) >= base.min_chars]
             for i, f in enumerate(files)}
    owner = {i: f.read_text(encoding="utf-8").split("\n", 1)[0].split("20", 1)[0] for i, f in enumerate(files)}
    planted = {frozenset((t["a"], t["b"])) for t in truth["planted"]}
    repeats = {frozenset((t["a"], t["b"])) for t in truth["repeat_year"]}
    rows = []
    for k in sizes:
        t0 = time.perf_counter()
        passages = {}
        for i, lines in texts.items():
            sigs = MinHash.bulk([[s.encode() for s in shingles(t, k)] for t in lines], num_perm=base.num_perm,
                                seed=SEED, scheme=SCHEME)
            passages[i] = [{"text": t, "minhash": encode(m)} for t, m in zip(lines, sigs)]
        p = base.__class__(**{**base.__dict__, "shingle": k})
        # the run's own path: signatures spooled record by record, passages read back for the candidates
        sigs = Signatures(p.num_perm)
        for i, psgs in passages.items():
            sigs.add(i, psgs, owner[i])
        pairs, template, _ = find_pairs(sigs, lambda idx: ((i, passages[i]) for i in idx), p)
        sigs.close()
        got = {frozenset((files[x.a[0]].name, files[x.b[0]].name)) for x in pairs}
        # repeated years are pairs too (another check): not false positives of the detector
        precision, recall, n = pr(got - repeats, planted)
        rows.append({"k": k, "precision": round(precision, 4), "recall": round(recall, 4), "pairs": n,
                     "template": template, "seconds": round(time.perf_counter() - t0, 1)})
        print(f"  shingle {k}: precision {precision:.3f} recall {recall:.3f} ({n} pairs, "
              f"{template} template passages, {rows[-1]['seconds']} s)", flush=True)
    return rows


def timed_run(src: Path, out: Path, cluster: bool) -> tuple[float, dict]:
    code = (
        "import json, sys, dataclasses\n"
        "from pipeline.batch import run\n"
        f"src, out = {str(src)!r}, {str(out)!r}\n"
    )
    if cluster:
        code += (
            "import dask\nfrom distributed import Client, LocalCluster\n"
            "if __name__ == '__main__':\n"
            "    with dask.config.set({'distributed.scheduler.allowed-failures': 0,"
            " 'distributed.scheduler.worker-saturation': 1.0}):\n"
            "        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=':0') as lc,"
            " Client(lc) as c:\n"
            "            s = run([src], out, progress=False, fresh=True, cluster=c)\n"
            "    d = dataclasses.asdict(s); d['out'] = str(d['out']); print(json.dumps(d))\n"
        )
    else:
        code += (
            "s = run([src], out, progress=False, fresh=True, workers=2)\n"
            "d = dataclasses.asdict(s); d['out'] = str(d['out']); print(json.dumps(d))\n"
        )
    script = out.parent / f"run_{'cluster' if cluster else 'local'}.py"
    script.write_text(code, encoding="utf-8")
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"run failed:\n{done.stderr[-4000:]}")
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def stage_scaling(out: Path, fractions: tuple[float, ...]) -> list[dict]:
    """The stage across reports alone on growing parts of the batch (the cached records keep passages)."""
    from pipeline import same_report
    from pipeline.checks import across

    entries = sorted((out / ".cache").rglob("*.json"))
    rows = []
    for frac in fractions:
        n = int(len(entries) * frac)
        records = []
        for e in entries[:n]:
            rec = json.loads(e.read_text(encoding="utf-8"))
            if isinstance(rec, dict) and "findings" in rec:
                rec["duplicate_of"] = None
                records.append(rec)
        same_report.link(records)
        t0 = time.perf_counter()
        stats = across.run(records)
        rows.append({"records": len(records), "passages": int(stats.get("passages", 0)),
                     "seconds": round(time.perf_counter() - t0, 2)})
        print(f"  stage across reports on {len(records)} records ({rows[-1]['passages']} passages): "
              f"{rows[-1]['seconds']} s", flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--planted", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=60)
    ap.add_argument("--skip-cluster", action="store_true")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="jixiao-bench-across-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "in"
    results: dict = {}
    try:
        shutil.rmtree(src, ignore_errors=True)
        truth = make_batch.make(src, a.docs, a.planted, a.repeats, seed=2026)
        print(f"{truth['docs']} reports of {truth['units']} units; {len(truth['planted'])} planted copies, "
              f"{len(truth['repeat_year'])} repeated years", flush=True)
        print("shingle size (passages of the batch, no reading):", flush=True)
        results["shingles"] = shingle_sizes(src, truth, (2, 3, 4, 5))

        planted = {frozenset((t["a"], t["b"])) for t in truth["planted"]}
        repeats = {frozenset((t["a"], t["b"])) for t in truth["repeat_year"]}
        local_out = work / "out-local"
        wall, s = timed_run(src, local_out, cluster=False)
        got = found_pairs(local_out)
        cp, cr, cn = pr(got.get("COPY-NEAR-DUPLICATE", set()), planted)
        rp, rr, rn = pr(got.get("CORPUS-REPEAT-YEAR", set()), repeats)
        results["local"] = {"wall_s": round(wall, 1), "files_per_s": round(s["files"] / wall, 1),
                            "across_s": round(s["timings"].get("across reports", 0), 2),
                            "process_s": round(s["timings"].get("process", 0), 1),
                            "copy_precision": round(cp, 4), "copy_recall": round(cr, 4), "copy_pairs": cn,
                            "repeat_precision": round(rp, 4), "repeat_recall": round(rr, 4), "repeat_pairs": rn}
        print(f"local pool (2 workers): {s['files']} files in {wall:.0f} s = {s['files'] / wall:.1f} files/s; "
              f"across reports {results['local']['across_s']} s; COPY-NEAR-DUPLICATE precision {cp:.3f} recall "
              f"{cr:.3f} ({cn} pairs); CORPUS-REPEAT-YEAR precision {rp:.3f} recall {rr:.3f}", flush=True)
        results["stage"] = stage_scaling(local_out, (0.25, 0.5, 1.0))

        if not a.skip_cluster:
            cluster_out = work / "out-cluster"
            wall, s = timed_run(src, cluster_out, cluster=True)
            same = (cluster_out / "corpus.jsonl").read_bytes() == (local_out / "corpus.jsonl").read_bytes()
            results["cluster"] = {"wall_s": round(wall, 1), "files_per_s": round(s["files"] / wall, 1),
                                  "same_corpus_jsonl": same}
            print(f"LocalCluster (2 workers): {s['files']} files in {wall:.0f} s = {s['files'] / wall:.1f} files/s; "
                  f"corpus.jsonl {'identical to' if same else 'DIFFERS from'} the local run's", flush=True)
        (work / "bench_across.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        print(json.dumps(results))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
