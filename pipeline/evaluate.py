"""Score extraction against a devset's gold, the way the devset's own score.py does.

Records are matched to gold entries by file stem. Amounts in the gold are 万元, the record's are yuan.
An unqualified gold budget (budget_stated_wan) may be reported as either the full-year or the initial
budget. A value where the gold has none is an extra, and counts against precision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import regex

from pipeline.parse import parse_file
from pipeline.record import extract_record

FIELDS: dict[str, tuple[tuple[str, str], Decimal | None]] = {
    "budget_initial_wan": (("budget", "initial"), Decimal("0.0001")),
    "budget_full_year_wan": (("budget", "full_year"), Decimal("0.0001")),
    "funds_received_wan": (("budget", "received"), Decimal("0.0001")),
    "spent_wan": (("budget", "spent"), Decimal("0.0001")),
    "balance_wan": (("budget", "balance"), Decimal("0.0001")),
    "execution_rate_pct": (("budget", "execution_rate"), Decimal(1)),
    "total_score": (("score", "total"), Decimal(1)),
    "grade": (("score", "grade"), None),
    "year": (("meta", "year"), None),
}
# The fields the project's figures are stated over (the devset score.py's list).
HEADLINE = [f for f in FIELDS if f != "balance_wan"]
GRADES = {"优秀": "优", "良好": "良", "合格": "中", "较好": "良", "不合格": "差"}
# Planted contradiction tags -> the check ids that detect them (the devset README's table).
TAG_CHECKS = {
    "arith": {"ARITH-FUND-ROWS", "ARITH-SUBTOTAL", "ARITH-TOTAL", "CORPUS-SUM-TIE", "CORPUS-THIRD-PARTY-SUBTOTALS"},
    "total-vs-parts": {"ARITH-FUND-ROWS"},
    "rate": {"ARITH-EXEC-RATE", "BUDGET-DENOMINATOR"},
    "rate-rounding": {"ARITH-EXEC-RATE"},
    "scoring": {"SCORE-QUANT-POS", "SCORE-QUANT-NEG", "SCORE-EXEC", "ARITH-SCORE-BOUNDS"},
    "grade-band": {"GRADE-BAND"},
    "grade-exec": {"GRADE-EXEC-CEILING", "GRADE-PLAUSIBILITY"},
    # (the real-text set's annotation guide counts 暂无问题 against the numbers as this tag: NARR-NO-PROBLEMS)
    "claim-vs-numbers": {"NARR-OVERCLAIM-WORDS", "NARR-AMOUNTS", "NARR-NO-PROBLEMS"},
    "satisfaction-basis": {"NARR-SATISFACTION-BASIS"},
    "overcompletion": {"SCORE-OVERCOMPLETION", "IND-TARGET-TOO-LOW"},
    "year": {"META-YEAR-CONFLICT"},
}


@dataclass
class FindingScore:
    planted: int = 0
    found: int = 0
    missed: list[tuple[str, str]] = field(default_factory=list)  # (id, planted entry)
    clean_errors: list[tuple[str, str]] = field(default_factory=list)  # (id, check) on consistent excerpts
    clean_warnings: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[tuple[str, str, str]] = field(default_factory=list)  # (id, check, severity) on the others
    grade_changing: set[str] = field(default_factory=set)
    clean: int = 0  # excerpts whose gold states no contradiction


def gold_entries(gold_path: Path, ids: set[str] | None = None) -> list[dict]:
    """The gold lines of a set, or of the ids given (one half of a split)."""
    out = []
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            g = json.loads(line)
            if ids is None or g["id"] in ids:
                out.append(g)
    return out


def score_findings(gold_path: Path, records: dict[str, dict], ids: set[str] | None = None) -> FindingScore:
    """Planted entries found one to one by a warning or error of a matching check (info counts for a
    last-digit rate), and the error/warning findings on excerpts with nothing planted."""
    out = FindingScore()
    for g in gold_entries(gold_path, ids):
        findings = records.get(g["id"], {}).get("findings", [])
        if any(f.get("grade_changing") for f in findings):
            out.grade_changing.add(g["id"])
        planted = g.get("stated_contradictions") or []
        if not planted:
            out.clean += 1
            for f in findings:
                if f["severity"] == "error":
                    out.clean_errors.append((g["id"], f["check"]))
                elif f["severity"] == "warning":
                    out.clean_warnings.append((g["id"], f["check"]))
            continue
        used: set[int] = set()
        for entry in planted:
            out.planted += 1
            tag = regex.match(r"\[([^\]]+)\]", entry).group(1)
            ok_levels = {"error", "warning", "info"} if tag == "rate-rounding" else {"error", "warning"}
            hit = next(
                (k for k, f in enumerate(findings) if k not in used and f["check"] in TAG_CHECKS.get(tag, set()) and f["severity"] in ok_levels),
                None,
            )
            if hit is None:
                out.missed.append((g["id"], entry[:90]))
            else:
                used.add(hit)
                out.found += 1
        for k, f in enumerate(findings):
            if k not in used and f["severity"] in ("error", "warning"):
                out.unmatched.append((g["id"], f["check"], f["severity"]))
    return out


def findings_table(fs: FindingScore, verbose: bool = False) -> str:
    out = [
        f"planted contradictions found: {fs.found}/{fs.planted} (recall {fs.found / fs.planted if fs.planted else 0:.3f})",
        f"consistent excerpts: {len(fs.clean_errors)} error and {len(fs.clean_warnings)} warning findings",
        f"other error/warning findings on excerpts with planted entries: {len(fs.unmatched)}",
        f"grade-changing set on: {' '.join(sorted(fs.grade_changing)) or '—'}",
    ]
    if verbose:
        out += [f"  missed {i}: {e}" for i, e in fs.missed]
        out += [f"  false alarm {i}: {c} (error)" for i, c in fs.clean_errors]
        out += [f"  on consistent {i}: {c} (warning)" for i, c in fs.clean_warnings]
        out += [f"  unmatched {i}: {c} ({s})" for i, c, s in fs.unmatched]
    return "\n".join(out)


def _value(rec: dict, path: tuple[str, str]):
    node = rec.get(path[0]) or {}
    node = node.get(path[1])
    return node.get("value") if isinstance(node, dict) else node


def _same(gold, got, scale: Decimal | None) -> bool:
    if got is None:
        return False
    if scale is None:
        return GRADES.get(str(gold), str(gold)) == GRADES.get(str(got), str(got))
    return abs(Decimal(str(got)) * scale - Decimal(str(gold))) <= Decimal("0.000001") * max(1, abs(Decimal(str(gold))))


@dataclass
class Result:
    stats: dict[str, dict[str, int]] = field(default_factory=dict)
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (id, field, what)
    parts: dict[str, dict[str, int]] = field(default_factory=dict)  # dimensions and indicators: gold/right
    excerpts: int = 0

    def totals(self, fields: list[str]) -> tuple[float, float]:
        gold = sum(self.stats[f]["gold"] for f in fields)
        right = sum(self.stats[f]["right"] for f in fields)
        wrong = sum(self.stats[f]["wrong"] + self.stats[f]["extra"] for f in fields)
        return (right / gold if gold else 0.0), (right / (right + wrong) if right + wrong else 0.0)


def score(gold_path: Path, records: dict[str, dict], ids: set[str] | None = None) -> Result:
    res = Result({f: {"gold": 0, "right": 0, "wrong": 0, "missed": 0, "extra": 0} for f in FIELDS})
    res.excerpts = len(gold_entries(gold_path, ids))
    for g in gold_entries(gold_path, ids):
        rec = records.get(g["id"], {})
        for f, (path, scale) in FIELDS.items():
            got = _value(rec, path)
            want = g.get(f)
            s = res.stats[f]
            if f in ("budget_initial_wan", "budget_full_year_wan") and want is None and g.get("budget_stated_wan") is not None:
                if _same(g["budget_stated_wan"], got, scale) or got is None:
                    continue
            if want is None:
                if got is not None:
                    s["extra"] += 1
                    res.misses.append((g["id"], f, f"extra {got}"))
                continue
            s["gold"] += 1
            if _same(want, got, scale):
                s["right"] += 1
            elif got is None:
                s["missed"] += 1
                res.misses.append((g["id"], f, f"missed {want}"))
            else:
                s["wrong"] += 1
                res.misses.append((g["id"], f, f"wrong {got} (gold {want})"))
    _score_parts(gold_path, records, res, ids)
    # An unqualified budget counts once, against whichever field holds it.
    for g in gold_entries(gold_path, ids):
        if g.get("budget_stated_wan") is None or g.get("budget_full_year_wan") is not None or g.get("budget_initial_wan") is not None:
            continue
        rec = records.get(g["id"], {})
        s = res.stats["budget_full_year_wan"]
        s["gold"] += 1
        got = [_value(rec, FIELDS[k][0]) for k in ("budget_full_year_wan", "budget_initial_wan")]
        if any(_same(g["budget_stated_wan"], v, Decimal("0.0001")) for v in got):
            s["right"] += 1
        else:
            s["missed"] += 1
            res.misses.append((g["id"], "budget_stated_wan", f"missed {g['budget_stated_wan']} (got {got})"))
    return res


def _norm(text) -> str:
    from pipeline.normalize import normalize_text

    return regex.sub(r"[\s|]", "", normalize_text(str(text)).text)


_NAME_UNIT = regex.compile(r"[（(]([^（()）\d]{1,6})[)）]$")


def _name_key(name: str) -> str:
    """An indicator's name for matching: the form's numbering placeholder ("指标1：") is no part of it, and
    the gold writes it both ways; nor is the unit in brackets after it ("…数量(项)"), which the record
    carries into the row's figures instead."""
    return _NAME_UNIT.sub("", regex.sub(r"^指标\d{1,2}[：:]", "", _norm(name)))


def _same_figure(want: str, got: str, gold_name: str) -> bool:
    """A target or actual as printed, or as the record gives it with the unit its name states in brackets
    ("数量(项)" printed "2", recorded "2项").

    >>> _same_figure("2", "2项", "主导制修订项目数量(项)"), _same_figure("2", "2人", "主导制修订项目数量(项)")
    (True, False)
    """
    unit = _NAME_UNIT.search(_norm(gold_name))
    return _norm(got) == _norm(want) or (unit is not None and _norm(got) == _norm(want) + unit.group(1))


def _dim_key(name: str) -> str:
    return regex.sub(r"指标|部门|项目|类", "", name)


def _score_parts(gold_path: Path, records: dict[str, dict], res: Result, ids: set[str] | None = None) -> None:
    """Dimension weights/scores and indicator rows, matched by name, counted value by value."""
    parts = {k: {"gold": 0, "right": 0} for k in ("dimension", "indicator.target", "indicator.actual", "indicator.weight", "indicator.score")}
    for g in gold_entries(gold_path, ids):
        rec = records.get(g["id"], {})
        dims = {_dim_key(d["name"]): d for d in (rec.get("score") or {}).get("dimensions", [])}
        for name, want in (g.get("dimension_scores") or {}).items():
            got = dims.get(_dim_key(name), {})
            for key in ("weight", "score"):
                if key in want:
                    parts["dimension"]["gold"] += 1
                    value = (got.get(key) or {}).get("value")
                    if _same(want[key], value, Decimal(1)):
                        parts["dimension"]["right"] += 1
                    else:
                        res.misses.append((g["id"], f"dimension {name}.{key}", f"got {value} (gold {want[key]})"))
        inds = {_name_key(i["name"]): i for i in rec.get("indicators", [])}
        for want in g.get("indicators") or []:
            got = inds.get(_name_key(want["name"]), {})
            for key in ("target", "actual", "weight", "score"):
                if key not in want:
                    continue
                parts[f"indicator.{key}"]["gold"] += 1
                node = got.get(key) or {}
                if key in ("target", "actual"):
                    ok = node.get("text") is not None and _same_figure(str(want[key]), node["text"], want["name"])
                    value = node.get("text")
                else:
                    value = node.get("value")
                    ok = _same(want[key], value, Decimal(1))
                if ok:
                    parts[f"indicator.{key}"]["right"] += 1
                else:
                    res.misses.append((g["id"], f"indicator {want['name']}.{key}", f"got {value} (gold {want[key]})"))
    res.parts = parts


def extract_devset(gold_path: Path, texts: Path | None = None, ids: set[str] | None = None) -> dict[str, dict]:
    """Records of a set's texts (``reports/`` beside the gold unless given), keyed by file stem."""
    reports = texts or gold_path.parent / "reports"
    return {
        p.stem: extract_record(parse_file(p))
        for p in sorted(reports.iterdir())
        if p.is_file() and (ids is None or p.stem in ids)
    }


def table(res: Result, verbose: bool = False) -> str:
    out = [f"{'field':22} gold right wrong missed extra"]
    for f, s in res.stats.items():
        out.append(f"{f:22} {s['gold']:4} {s['right']:5} {s['wrong']:5} {s['missed']:6} {s['extra']:5}")
    recall, precision = res.totals(HEADLINE)
    out.append(f"field recall {recall:.3f} precision {precision:.3f} (budget figures, execution rate, total score, grade, year)")
    for k, v in res.parts.items():
        out.append(f"{k:22} {v['right']}/{v['gold']} right")
    if verbose:
        out += [f"{i} {f}: {what}" for i, f, what in res.misses]
    return "\n".join(out)


def evaluate_devset(gold_path: Path, verbose: bool = False) -> str:
    records = extract_devset(gold_path)
    return table(score(gold_path, records), verbose) + "\n" + findings_table(score_findings(gold_path, records), verbose)


def _halves_table(results: dict[str, Result], found: dict[str, FindingScore]) -> str:
    names = list(results)
    head = f"{'field':22}" + "".join(f" | {h + ' right/gold wrong miss extra':34}" for h in names)
    out = [head]
    for f in FIELDS:
        row = f"{f:22}"
        for h in names:
            s = results[h].stats[f]
            row += f" | {s['right']:5}/{s['gold']:<5} {s['wrong']:5} {s['missed']:4} {s['extra']:5}" + " " * 11
        out.append(row)
    for label, fn in (("recall", 0), ("precision", 1)):
        out.append(f"{'headline ' + label:22}" + "".join(f" | {results[h].totals(HEADLINE)[fn]:<34.3f}" for h in names))
    for k in next(iter(results.values())).parts:
        out.append(f"{k:22}" + "".join(f" | {results[h].parts[k]['right']:5}/{results[h].parts[k]['gold']:<28}" for h in names))
    for h in names:
        fs = found[h]
        flagged = len({i for i, _ in fs.clean_errors})
        out.append(
            f"{h}: {results[h].excerpts} excerpts; stated contradictions found {fs.found}/{fs.planted}"
            f" ({fs.found / fs.planted if fs.planted else 0:.2f}); error finding on {flagged} of {fs.clean} excerpts"
            f" that state none ({flagged / fs.clean if fs.clean else 0:.3f}); warnings there: {len(fs.clean_warnings)}"
        )
    return "\n".join(out)


def evaluate_realset(gold_path: Path, texts: Path, halves: list[str], verbose: bool = False) -> str:
    """Score the real-text set's halves (``sources.jsonl`` beside the gold fixes each id's half).

    The texts are third-party and not in the repository; ids whose text is missing are left out and
    counted, so a partial copy still gives honest figures for what it holds.
    """
    sources = [json.loads(x) for x in (gold_path.parent / "sources.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    present = {p.stem for p in texts.glob("*.txt")} if texts.is_dir() else set()
    if not present:
        return (
            f"no texts in {texts}: the real-text set's excerpts are not in the repository. "
            "Run `python scripts/realset.py check` to see how to restore them."
        )
    gold_ids = {g["id"] for g in gold_entries(gold_path)}
    results: dict[str, Result] = {}
    found: dict[str, FindingScore] = {}
    lines = []
    for h in halves:
        ids = {r["id"] for r in sources if r["split"] == h and r["id"] in gold_ids}
        have = ids & present
        if len(have) < len(ids):
            lines.append(f"{h}: {len(ids) - len(have)} of {len(ids)} texts missing (scripts/realset.py check)")
        records = extract_devset(gold_path, texts, have)
        results[h] = score(gold_path, records, have)
        found[h] = score_findings(gold_path, records, have)
        if verbose:
            lines += [f"[{h}] {i} {f}: {what}" for i, f, what in results[h].misses]
            lines += [f"[{h}] " + x for x in findings_table(found[h], True).splitlines()[4:]]
    return "\n".join(lines + [_halves_table(results, found)])
