"""The real-text evaluation set: admit collected excerpts, merge the collectors' parts, check a local copy.

The excerpts are third-party text and stay in the git-ignored ``tests/data/realset/texts/``; only facts
about them are committed (``sources.jsonl``: id, query, url, kind, chars, sha256, split; ``gold.jsonl``).

    python scripts/realset.py admit --id R1001 --url URL --query Q --kind self-table --part 1
        checks texts/R1001.txt against the reserved hashes and the pages already admitted, then
        appends its source row to parts/sources_1.jsonl (or deletes the text and says why not)
    python scripts/realset.py merge        parts/*.jsonl -> sources.jsonl and gold.jsonl (deduplicated)
    python scripts/realset.py check        which texts are present, changed or missing, and how to restore them
    python scripts/realset.py agree        the second reader's agreement with the gold
    python scripts/realset.py agree --file second_reader_r3.jsonl   (another second reader's file in parts/)

The split into a tuning and a test half is fixed by the id alone (``split_of``), before any tuning.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REALSET = ROOT / "tests" / "data" / "realset"
TEXTS = REALSET / "texts"
PARTS = REALSET / "parts"
RESERVED = Path(os.environ.get("JIXIAO_RESERVED", ROOT.parent / "shared" / "realset" / "reserved-sha256.txt"))
KINDS = {"self-report", "self-table", "dept-overall", "evaluation-report"}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_of(rid: str) -> str:
    """Half of the ids by a hash of the id: 'test' is only measured, never tuned on."""
    return "test" if int(sha(rid), 16) % 2 else "tune"


def _rows(pattern: str) -> list[dict]:
    rows = []
    for path in sorted(PARTS.glob(pattern)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def admit(args) -> int:
    path = TEXTS / f"{args.id}.txt"
    if not path.is_file():
        print(f"no text at {path}: write the excerpt there first")
        return 2
    if args.kind not in KINDS:
        print(f"kind must be one of {sorted(KINDS)}")
        return 2
    text = path.read_text(encoding="utf-8")
    reserved = set(RESERVED.read_text().split()) if RESERVED.is_file() else None
    if reserved is None:
        print(f"reserved list not found at {RESERVED}; cannot admit")
        return 2
    why = None
    if sha(text) in reserved or sha(args.url) in reserved:
        why = "RESERVED page (kept for the final evaluation): skip it and do not look for it again"
    else:
        for row in _rows("sources_*.jsonl"):
            if row["id"] == args.id:
                why = f"id {args.id} already used"
            elif row["url"] == args.url or row["sha256"] == sha(text):
                why = f"DUPLICATE of {row['id']} (same url or text)"
            if why:
                break
    if why:
        path.unlink()
        print(f"not admitted: {why}; the text file was removed")
        return 1
    PARTS.mkdir(parents=True, exist_ok=True)
    row = {"id": args.id, "query": args.query, "url": args.url, "kind": args.kind, "chars": len(text),
           "sha256": sha(text), "split": split_of(args.id)}
    with (PARTS / f"sources_{args.part}.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"admitted {args.id} ({len(text)} chars)")
    return 0


def merge(args) -> int:
    sources, seen = [], set()
    for row in _rows("sources_*.jsonl"):
        key = (row["url"], row["sha256"])
        if row["id"] in seen or any(k in seen for k in key):
            print(f"dropped duplicate {row['id']}")
            continue
        seen.update([row["id"], *key])
        sources.append(row)
    ids = {r["id"] for r in sources}
    gold = {g["id"]: g for g in _rows("gold_*.jsonl") if g["id"] in ids}
    missing = sorted(ids - gold.keys())
    if missing:
        print(f"no gold yet for {len(missing)}: {' '.join(missing[:20])}")
    sources.sort(key=lambda r: r["id"])
    (REALSET / "sources.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sources), encoding="utf-8")
    (REALSET / "gold.jsonl").write_text(
        "".join(json.dumps(gold[i], ensure_ascii=False) + "\n" for i in sorted(gold)), encoding="utf-8")
    halves = {h: sum(1 for r in sources if r["split"] == h and r["id"] in gold) for h in ("tune", "test")}
    print(f"{len(sources)} sources, {len(gold)} with gold: tune {halves['tune']}, test {halves['test']}")
    return 0


def check(args) -> int:
    """Say which texts are present, which differ from their recorded hash, and how to restore the rest."""
    sources = [json.loads(line) for line in (REALSET / "sources.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    present, changed, missing = [], [], []
    for row in sources:
        path = TEXTS / f"{row['id']}.txt"
        if not path.is_file():
            missing.append(row)
        elif sha(path.read_text(encoding="utf-8")) != row["sha256"]:
            changed.append(row)
        else:
            present.append(row)
    print(f"{len(present)} of {len(sources)} texts present and unchanged; {len(changed)} changed; {len(missing)} missing")
    for row in changed + missing:
        state = "changed" if row in changed else "missing"
        print(f"  {row['id']} {state}: search the pages corpus for {row['query']!r}, take the result whose url is "
              f"{row['url']} and save its excerpt, exactly as returned, to texts/{row['id']}.txt")
    return 0 if not (changed or missing) else 1


AGREE_FIELDS = ["year", "budget_initial_wan", "budget_full_year_wan", "budget_stated_wan", "funds_received_wan",
                "spent_wan", "balance_wan", "execution_rate_pct", "total_score", "grade"]


def agree(args) -> int:
    """Agreement of the second reader (parts/second_reader.jsonl, or --file in parts/) with the gold, field by
    field: of the values either reader gave, how many both gave alike; and whether both saw a contradiction."""
    from decimal import Decimal

    gold = {g["id"]: g for g in (json.loads(x) for x in (REALSET / "gold.jsonl").read_text(encoding="utf-8").splitlines() if x.strip())}
    second_file = PARTS / (getattr(args, "file", None) or "second_reader.jsonl")
    second = [json.loads(x) for x in second_file.read_text(encoding="utf-8").splitlines() if x.strip()]
    same = lambda a, b: a == b if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) else Decimal(str(a)) == Decimal(str(b))
    budget = ("budget_full_year_wan", "budget_stated_wan", "budget_initial_wan")
    rows, both_any, both_same, differ = [], 0, 0, []
    for s2 in second:
        g = gold.get(s2["id"])
        if g is None:
            continue
        for f in AGREE_FIELDS:
            a, b = g.get(f), s2.get(f)
            if f in budget and a is None and b is None:
                continue
            if a is None and b is None:
                continue
            both_any += 1
            # an unqualified budget may be written under either budget key
            if same(a, b) or (f in budget and any(same(a, s2.get(k)) for k in budget if a is not None)):
                both_same += 1
            else:
                differ.append((s2["id"], f, a, b))
        rows.append((bool(g.get("stated_contradictions")), bool(s2.get("stated_contradictions"))))
    n = len(rows)
    contra = sum(1 for x, y in rows if x == y)
    print(f"{n} excerpts read twice; field values agreed {both_same}/{both_any} ({both_same / both_any:.3f}); "
          f"contradiction stated or not agreed {contra}/{n}")
    for d in differ:
        print("  differs", *d)
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("admit")
    a.add_argument("--id", required=True)
    a.add_argument("--url", required=True)
    a.add_argument("--query", required=True)
    a.add_argument("--kind", required=True)
    a.add_argument("--part", required=True)
    sub.add_parser("merge")
    sub.add_parser("check")
    g = sub.add_parser("agree")
    g.add_argument("--file", help="second reader's file in parts/ (default second_reader.jsonl)")
    args = p.parse_args(argv)
    return {"admit": admit, "merge": merge, "check": check, "agree": agree}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
