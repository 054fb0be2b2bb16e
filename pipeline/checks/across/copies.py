"""COPY-NEAR-DUPLICATE and CORPUS-REPEAT-YEAR: a passage of one report that another report shares.

Which check a pair belongs to depends on who wrote the two reports:

* the same project in the same year, of the same unit or in reports of different kinds (two versions of
  one report, the self-report and its review): no finding, quoting each other is what they are for;
* the same unit, another year: CORPUS-REPEAT-YEAR (last year's problems and measures pasted again);
* otherwise (another unit, or another project): COPY-NEAR-DUPLICATE.

Each finding goes on both reports, quotes both passages and says where each stands; its ``pair`` holds
both sides for the workbook's 雷同段落 sheet, the corpus's ``similar_passages`` table and the page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from pipeline.checks.across import COPY, Batch, across, collect, rule
from pipeline.checks.across.names import project_key, unit_key
from pipeline.checks.across.similar import Pair, Params, Signatures, find_pairs
from pipeline.checks.base import CheckRule, Context, Finding

REPEAT = "CORPUS-REPEAT-YEAR"


def params(r: CheckRule) -> Params:
    p = r.params
    return Params(
        shingle=int(p["shingle"]),
        num_perm=int(p["num_perm"]),
        lsh_threshold=float(p["lsh_threshold"]),
        min_similarity=float(p["min_similarity"]),
        min_chars=int(p["min_chars"]),
        template_share=float(p["template_share"]),
        template_min_units=int(p["template_min_units"]),
    )


def where(psg: dict) -> str:
    """Where a passage stands, as an auditor finds it: the page, else the paragraph or line."""
    if psg.get("page"):
        return f"第{psg['page']}页"
    loc = psg.get("loc") or {}
    if "paragraph" in loc:
        return f"第{loc['paragraph'] + 1}段"
    if "line" in loc:
        return f"第{loc['line']}行"
    return f"第{psg['block'] + 1}块"


def short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


def kind_of(a: dict, b: dict) -> str | None:
    """The check a shared passage between records a and b belongs to, or None for no finding."""
    pa, pb = project_key(a), project_key(b)
    ya, yb = (a.get("meta") or {}).get("year"), (b.get("meta") or {}).get("year")
    ua, ub = unit_key(a), unit_key(b)
    ka, kb = (a.get("meta") or {}).get("kind"), (b.get("meta") or {}).get("kind")
    # one project, one year: the unit's report and a review of it (by another unit), or two versions;
    # two units' projects of the same name (every county has a 学生资助) are two projects
    if pa and pa == pb and (ya == yb or ya is None or yb is None) and (ua == ub or not ua or not ub or ka != kb):
        return None
    if ua and ua == ub and ya and yb and ya != yb:
        return REPEAT
    return COPY


def _side(rec: dict, psg: dict) -> dict:
    meta = rec.get("meta") or {}
    return {
        "file": rec.get("file"),
        "unit": meta.get("unit"),
        "project": meta.get("project"),
        "year": meta.get("year"),
        "block": psg["block"],
        "page": psg.get("page"),
        "where": where(psg),
        "text": psg["text"],
    }


@collect(COPY, REPEAT)
def _signatures(batch: Batch, i: int, rec: dict) -> None:
    """Each counted report's passage signatures, on disk (:class:`~pipeline.checks.across.similar.Signatures`);
    their texts are read again for the candidate pairs only."""
    sigs = batch.shared.get("signatures")
    if sigs is None:
        r = rule(COPY)
        if r is None:
            return
        sigs = batch.shared["signatures"] = Signatures(int(r.params["num_perm"]))
    sigs.add(i, rec.get("passages") or [], unit_key(rec) or f"file:{rec.get('file')}")


def _pairs(batch: Batch) -> list[tuple[Pair, str]]:
    """The batch's shared passages with the check each belongs to (computed once for both checks); their
    passages go to ``batch.shared["passages"]``."""
    if "pairs" in batch.shared:
        return batch.shared["pairs"]
    import time

    t0 = time.perf_counter()
    out: list[tuple[Pair, str]] = []
    r = rule(COPY)
    sigs = batch.shared.get("signatures")
    batch.shared["passages"] = {}
    if r is not None and sigs is not None:
        metas: dict[int, dict] = {}  # what kind_of reads of the records the candidates are in

        def read(indexes: list[int]) -> Iterator[tuple[int, list[dict]]]:
            for i, rec in batch.records(indexes):
                metas[i] = {"file": rec.get("file"), "meta": rec.get("meta")}
                yield i, rec.get("passages") or []

        pairs, template, batch.shared["passages"] = find_pairs(sigs, read, params(r))
        batch.stats["passages"] = sigs.passages
        batch.stats["template passages"] = template
        for pair in pairs:
            check = kind_of(metas[pair.a[0]], metas[pair.b[0]])
            if check:
                out.append((pair, check))
        sigs.close()
    batch.stats["similar passages s"] = round(time.perf_counter() - t0, 3)
    batch.shared["pairs"] = out
    return out


def _findings(batch: Batch, r: CheckRule, check: str) -> Iterator[tuple[int, Finding, dict]]:
    copy_rule = rule(COPY)
    n = int((copy_rule.params if copy_rule else {}).get("quote_chars", 60))
    contexts: dict[int, Context] = {}
    pairs = [(pair, kind) for pair, kind in _pairs(batch) if kind == check]
    passages = batch.shared["passages"]
    recs = dict(batch.records(sorted({k[0] for pair, _ in pairs for k in (pair.a, pair.b)})))
    for pair, _ in pairs:
        sides = [(pair.a, pair.b), (pair.b, pair.a)]
        a_side, b_side = (_side(recs[k[0]], passages[k]) for k in (pair.a, pair.b))
        pair_id = hashlib.sha256(
            f"{a_side['file']}|{a_side['block']}|{b_side['file']}|{b_side['block']}".encode()
        ).hexdigest()[:12]
        shared = {"id": pair_id, "check": check, "similarity": pair.similarity, "a": a_side, "b": b_side}
        for own, other in sides:
            rec, orec = recs[own[0]], recs[other[0]]
            psg, opsg = passages[own], passages[other]
            ctx = contexts.get(own[0]) or contexts.setdefault(own[0], Context(rec, None))
            ometa = orec.get("meta") or {}
            msg = {
                "where": where(psg),
                "other_where": where(opsg),
                "other_file": Path(str(orec.get("file"))).name,
                "other_unit": ometa.get("unit") or "",
                "similarity": f"{pair.similarity:.0%}",
                "quote": short(psg["text"], n),
                "other_quote": short(opsg["text"], n),
                "year": (rec.get("meta") or {}).get("year"),
                "other_year": ometa.get("year"),
            }
            ev = {"quote": psg["text"], "page": psg.get("page"), "block": psg["block"], "start": 0,
                  "end": len(psg["text"])}
            finding = ctx.finding(r, next(iter(r.messages)), msg, [ev], stated=pair.similarity,
                                  facts={"similarity": pair.similarity})
            blocks = batch.blocks.setdefault(own[0], {})
            blocks.setdefault(str(psg["block"]), {"raw": psg["text"], "page": psg.get("page"),
                                                  "kind": "paragraph", "loc": psg.get("loc") or {}})
            yield own[0], finding, {"involves": [orec.get("file")], "pair": shared}


@across(COPY)
def near_duplicate(batch: Batch, r: CheckRule) -> Iterator[tuple[int, Finding, dict]]:
    yield from _findings(batch, r, COPY)


@across(REPEAT)
def repeat_year(batch: Batch, r: CheckRule) -> Iterator[tuple[int, Finding, dict]]:
    yield from _findings(batch, r, REPEAT)
