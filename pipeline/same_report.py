"""One report, counted once: files that carry the same report are linked to one representative.

Byte-identical files are already linked by sha256 (``duplicate_of``). Here the same report in another
format (the text fingerprint of :mod:`pipeline.fingerprint` is equal) and a near-identical resubmission
(estimated 4-gram Jaccard similarity of at least :data:`NEAR`, and no conflict in unit, project or year)
are linked too. Each group keeps one representative, the richest reading (most facts read; then DOCX over
PDF over HTML over TXT, which is the order in which structure survives; then the first by path); it lists the others in
``same_report`` and each other record names it in ``same_report_as``. Summaries, plots and counts use the
representative only.

Candidates for near-identity come from MinHash banding (16 bands of 4 values), so 10,000 reports do not
need 50 million comparisons.
"""

from __future__ import annotations

from collections import defaultdict

from pipeline.fingerprint import agreement, signature

NEAR = 0.85
MIN_CHARS = 200  # below this, two texts can look alike without being one report
BANDS, ROWS = 16, 4
FORMAT_RANK = {"docx": 3, "pdf": 2, "html": 1, "txt": 0}


def counted(rec: dict) -> bool:
    """Whether a record stands for its report in counts: not a byte copy, not another file's report."""
    return not rec.get("duplicate_of") and not rec.get("same_report_as")


def richness(rec: dict) -> int:
    """How much was read from a record: budget facts, total, grade, dimensions, indicators."""
    budget, score = rec.get("budget") or {}, rec.get("score") or {}
    return (
        sum(v is not None for v in budget.values())
        + (score.get("total") is not None)
        + (score.get("grade") is not None)
        + len(score.get("dimensions") or [])
        + len(rec.get("indicators") or [])
    )


def _compatible(a: dict, b: dict) -> bool:
    ma, mb = a.get("meta") or {}, b.get("meta") or {}
    return all(ma.get(k) is None or mb.get(k) is None or ma.get(k) == mb.get(k) for k in ("unit", "project", "year"))


def link(records: list[dict]) -> int:
    """Set ``same_report_as`` / ``same_report`` on every record; return how many records were linked."""
    for rec in records:
        rec["same_report_as"] = None
        rec["same_report"] = []
    cands = [
        i
        for i, r in enumerate(records)
        if not r.get("duplicate_of") and r.get("status") in ("ok", "partial") and isinstance(r.get("fingerprint"), dict)
    ]
    parent = {i: i for i in cands}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    by_text: dict[str, int] = {}
    buckets: dict[tuple, list[int]] = defaultdict(list)
    sigs: dict[int, list[int]] = {}  # decoded once: every bucket member has one
    for i in cands:
        fp = records[i]["fingerprint"]
        if fp.get("chars"):
            first = by_text.setdefault(fp.get("text"), i)
            if first != i:
                union(first, i)
        sig = fp.get("minhash") or ""
        if (fp.get("chars") or 0) >= MIN_CHARS and sig:
            values = sigs[i] = signature(sig)
            for band in range(BANDS):
                buckets[(band, *values[band * ROWS : (band + 1) * ROWS])].append(i)
    # The groups are the connected components of "compatible and near" among the candidate pairs, whatever
    # the order pairs are tried in. A bucket's members are taken one by one against the groups the earlier
    # ones formed, and a group is left as soon as one of its members is near: trying every pair made a
    # bucket of m near-identical reports cost m² (10,000 resubmitted reports, most of an unchanged rerun).
    checked: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len({find(i) for i in members}) == 1:
            continue  # already one group (from an earlier band)
        earlier: dict[int, list[int]] = {}  # the members seen so far, by their group's root
        for j in members:
            for root in list(earlier):
                if find(root) == find(j):
                    continue
                for i in earlier[root]:
                    if (i, j) in checked:
                        continue
                    checked.add((i, j))
                    a, b = records[i], records[j]
                    same_length = len(a["fingerprint"]["minhash"]) == len(b["fingerprint"]["minhash"])
                    if _compatible(a, b) and same_length and agreement(sigs[i], sigs[j]) >= NEAR:
                        union(i, j)
                        break
            r = find(j)
            joined = [j]
            for root in list(earlier):
                if find(root) == r:
                    joined += earlier.pop(root)
            earlier[r] = joined

    groups: dict[int, list[int]] = defaultdict(list)
    for i in cands:
        groups[find(i)].append(i)
    linked = 0
    for members in groups.values():
        if len(members) < 2:
            continue
        rep = max(
            members,
            key=lambda i: (richness(records[i]), FORMAT_RANK.get(records[i].get("format") or "", -1), -i),
        )
        for i in sorted(members):
            if i != rep:
                records[i]["same_report_as"] = records[rep]["file"]
                records[rep]["same_report"].append(records[i]["file"])
                linked += 1
    # byte copies follow their original
    by_file = {r.get("file"): r for r in records}
    for rec in records:
        orig = by_file.get(rec.get("duplicate_of"))
        if orig is not None and orig.get("same_report_as"):
            rec["same_report_as"] = orig["same_report_as"]
    return linked
