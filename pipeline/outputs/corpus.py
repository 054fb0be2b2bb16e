"""The corpus of a batch run as a DuckDB database (``corpus.duckdb``), for questions across reports.

Tables (one row per …):

- ``documents``  input file: envelope, meta, budget figures, stated and reviewed total/grade, finding counts
- ``budget``     mention of a budget figure (``is_primary`` marks the one the record chose)
- ``scores``     readable file: total, grade, framework, total_weight
- ``dimensions`` scoring dimension (一级指标 / 预算执行率): weight, score, rate
- ``indicators`` performance indicator: target and actual as operator/value/unit/text, completion, score
- ``findings``   finding of the checks (``check_id``: ``check`` is an SQL keyword); ``key`` is the
  workbook's 问题编号, ``counted`` marks the findings of each report's representative file
- ``similar_passages`` pair of passages two reports share (COPY-NEAR-DUPLICATE, CORPUS-REPEAT-YEAR): both
  files, units, projects, years, places and texts, and their similarity; ``findings.involves`` names the
  other reports of a finding across reports
- ``reviews``    reviewer's entry (复核状态, 复核意见, 复核人) by finding key; ``present`` is false for a review
  whose finding no longer exists (the workbook's 已消失的问题)

Files that carry one report (other formats, near-identical resubmissions) name it in
``documents.same_report_as``; count reports with ``WHERE duplicate_of IS NULL AND same_report_as IS NULL``.

Money is in yuan, rates in percent, both DECIMAL(18,4) (exact: 662.77万元 is 6627700.0000); join on ``file``.

Three questions an auditor asks, as SQL (``jixiao sql corpus.duckdb "…"``):

(a) reports graded 优 although less than 60% of the budget was spent::

    SELECT d.file, d.unit, d.project, s.total, s.grade, d.rate
    FROM documents d JOIN scores s USING (file)
    WHERE s.grade = '优' AND d.rate < 60 AND d.duplicate_of IS NULL AND d.same_report_as IS NULL
    ORDER BY d.rate, d.file;

(b) how often each check fired, by severity, across the corpus::

    SELECT check_id, severity, count(*) AS n
    FROM findings
    GROUP BY check_id, severity
    ORDER BY n DESC, check_id, severity;

(c) reports whose stated total is not the sum of their dimension scores, where every dimension was
read (the weights add up to the full score)::

    SELECT s.file, s.total, sum(d.score) AS dimension_sum, s.total - sum(d.score) AS diff
    FROM scores s JOIN dimensions d USING (file)
    GROUP BY s.file, s.total, s.total_weight
    HAVING count(d.score) = count(*) AND count(d.weight) = count(*)
       AND sum(d.weight) = coalesce(s.total_weight, 100)
       AND abs(s.total - sum(d.score)) > 0.05
    ORDER BY abs(diff) DESC, s.file;

and, in the same spirit, indicators scored in full although the actual fell short of the target::

    SELECT file, name, target_text, actual_text, weight, score
    FROM indicators
    WHERE score >= weight AND actual_value < target_value
      AND coalesce(target_op, '>=') IN ('>=', '>', '=')
      AND coalesce(actual_unit, target_unit, '') = coalesce(target_unit, actual_unit, '')
    ORDER BY file, name;
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.same_report import counted
from pipeline.outputs.pairs import Pairs
from pipeline.outputs.recompute import (
    BUDGET_FIELDS,
    as_text,
    budget_amount,
    error_of,
    evidence_pages,
    evidence_quotes,
    fact_evidence,
    fact_value,
    findings,
    items,
    reviewed_grade,
    reviewed_total,
    section,
    severity_counts,
    to_decimal,
)

log = logging.getLogger(__name__)

FILENAME = "corpus.duckdb"
DEC = pa.decimal128(18, 4)
_SCALE = Decimal("0.0001")
_LIMIT = Decimal(10) ** 14  # DECIMAL(18,4) holds 14 integer digits

S, I, B = pa.string(), pa.int32(), pa.bool_()

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("file", S), ("sha256", S), ("format", S), ("status", S), ("error_code", S), ("error_message", S),
        ("pages", I), ("title", S), ("unit", S), ("project", S), ("year", I), ("region", S), ("kind", S),
        ("framework", S), ("duplicate_of", S), ("same_report_as", S), ("profiles", S),
        ("initial", DEC), ("full_year", DEC), ("budget", DEC), ("received", DEC), ("spent", DEC),
        ("balance", DEC), ("rate", DEC), ("total", DEC), ("grade", S),
        ("reviewed_total", DEC), ("reviewed_grade", S),
        ("n_error", I), ("n_warning", I), ("n_info", I),
    ]),
    "budget": pa.schema([
        ("file", S), ("field", S), ("value", DEC), ("text", S), ("quote", S), ("page", I), ("block", I),
        ("rule", S), ("is_primary", B),
    ]),
    "scores": pa.schema([("file", S), ("total", DEC), ("grade", S), ("framework", S), ("total_weight", DEC)]),
    "dimensions": pa.schema([
        ("file", S), ("name", S), ("weight", DEC), ("score", DEC), ("rate", DEC), ("quote", S), ("page", I),
    ]),
    "indicators": pa.schema([
        ("file", S), ("level1", S), ("level2", S), ("name", S),
        ("target_op", S), ("target_value", DEC), ("target_unit", S), ("target_text", S),
        ("actual_op", S), ("actual_value", DEC), ("actual_unit", S), ("actual_text", S),
        ("completion", DEC), ("weight", DEC), ("score", DEC), ("deviation_reason", S), ("quote", S), ("page", I),
    ]),
    "findings": pa.schema([
        ("file", S), ("check_id", S), ("severity", S), ("message", S), ("expected", S), ("stated", S),
        ("expected_value", DEC), ("stated_value", DEC), ("grade_changing", B), ("quote", S), ("page", I),
        ("source", S), ("facts", S), ("key", S), ("counted", B), ("involves", S),
    ]),
    "similar_passages": pa.schema([
        ("pair_id", S), ("check_id", S), ("similarity", DEC),
        ("file_a", S), ("unit_a", S), ("project_a", S), ("year_a", I), ("block_a", I), ("page_a", I),
        ("where_a", S), ("text_a", S),
        ("file_b", S), ("unit_b", S), ("project_b", S), ("year_b", I), ("block_b", I), ("page_b", I),
        ("where_b", S), ("text_b", S),
    ]),
    "reviews": pa.schema([
        ("key", S), ("file", S), ("check_id", S), ("state", S), ("note", S), ("reviewer", S), ("present", B),
        ("why", S),
    ]),
}

COMMENTS = {
    "documents": "one row per input file; money in yuan, rate in percent",
    "budget": "one row per mention of a budget figure; is_primary marks the record's value",
    "scores": "one row per readable file: stated total and grade",
    "dimensions": "one row per scoring dimension of a report",
    "indicators": "one row per performance indicator of a report",
    "findings": "one row per finding of the checks; counted: the report's representative file (count these)",
    "reviews": "one row per reviewer's entry carried from the workbook; present: its finding still exists",
    "similar_passages": "one row per pair of passages two reports share (COPY-NEAR-DUPLICATE, CORPUS-REPEAT-YEAR)",
}


def write(records: Iterable[dict], out_dir: Path, reviews: Any = None) -> Path:
    """Write ``out_dir/corpus.duckdb`` from the records, replacing any earlier one; return its path.

    One pass over ``records``: their rows go in by chunks of :data:`CHUNK` records, so memory holds a
    chunk, the shared passages and the reviews, never the corpus."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / FILENAME
    # built aside and moved into place, so a failed run never leaves half a database behind
    tmp = out_dir / f".{FILENAME}.{os.getpid()}.tmp"
    _remove(tmp)
    try:
        con = duckdb.connect(os.fspath(tmp))
        try:
            # measured (10,000 to 40,000 records): with DuckDB's defaults its memory grew with the database
            # (about 5 MB per 1,000 records); with a small buffer pool that hands freed memory back and a
            # checkpoint every few chunks, it stays flat, for the same time
            con.execute("SET memory_limit = '32MB'")
            con.execute("SET allocator_flush_threshold = '4MB'")
            con.execute("SET threads = 1")
            for name in SCHEMAS:
                _create(con, name)
            _fill(con, records, reviews)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _remove(Path(f"{final}.wal"))  # a stale log would be replayed into the new file
        os.replace(tmp, final)
    finally:
        _remove(tmp)
        _remove(Path(f"{tmp}.wal"))
    return final


CHUNK = 200  # records whose rows are inserted at once: few inserts, little memory (their rows as Python dicts)
# ... or fewer, once their text passes this many characters: 200 records quoting megabytes each (a fuzzed
# report, a paragraph pasted a thousand times) overflowed the 32 MB buffer pool, and the whole database
# was lost
CHUNK_CHARS = 4_000_000
# the buffer pool a chunk is retried with when it still does not fit (one record may be that large)
RETRY_MEMORY = "1GB"


def _create(con: duckdb.DuckDBPyConnection, name: str) -> None:
    _insert(con, name, [], create=True)
    comment = COMMENTS[name].replace("'", "''")
    con.execute(f"COMMENT ON TABLE \"{name}\" IS '{comment}'")


def _insert(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict], create: bool = False) -> None:
    frame = pa.Table.from_pylist(rows, schema=SCHEMAS[name])  # the schema types every column, even all-null ones
    con.register("frame", frame)
    try:
        if create:
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame')
        else:
            con.execute(f'INSERT INTO "{name}" SELECT * FROM frame')
    finally:
        con.unregister("frame")


def _fill(con: duckdb.DuckDBPyConnection, records: Iterable[dict], reviews: Any = None) -> None:
    chunk: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
    pairs = Pairs()
    reviewed = _Reviewed()
    n = chars = 0
    for rec in records:
        try:
            rows = _rows(rec)
        except Exception as exc:  # one record's odd value must not cost the others their rows
            log.warning("record %s could not be written whole, kept as its documents row only: %s: %s",
                        rec.get("file"), type(exc).__name__, exc)
            rows = {"documents": [_bare_document(rec, exc)]}
        for name, got in rows.items():
            chunk[name].extend(got)
            chars += sum(len(v) for row in got for v in row.values() if isinstance(v, str))
        pairs.add(rec)
        reviewed.add(rec)
        n += 1
        if n % CHUNK == 0 or chars >= CHUNK_CHARS:
            _flush(con, chunk)
            chars = 0
        if n % (10 * CHUNK) == 0:
            con.execute("CHECKPOINT")
    _flush(con, chunk)
    _insert(con, "similar_passages", [_similar(p) for p in pairs.sorted()])
    _insert(con, "reviews", list(reviewed.rows(reviews)))


def _out_of_pool(exc: duckdb.Error) -> bool:
    """DuckDB ran out of its buffer pool ("failed to pin block of size …", "could not allocate block of
    size …", both seen when committing a large insert)."""
    return isinstance(exc, duckdb.OutOfMemoryException) or "block of size" in str(exc)


def _flush(con: duckdb.DuckDBPyConnection, chunk: dict[str, list[dict]]) -> None:
    for name, rows in chunk.items():
        if rows:
            try:
                _insert(con, name, rows)
            except duckdb.Error as exc:
                if not _out_of_pool(exc):
                    raise
                # rows larger than the small buffer pool: the failed insert left nothing behind, so the same
                # rows go in again with room for them (the pool stays larger for the rest of the run)
                log.warning("corpus.duckdb: %d %s rows did not fit in the buffer pool; retried with %s", len(rows), name, RETRY_MEMORY)
                con.execute(f"SET memory_limit = '{RETRY_MEMORY}'")
                _insert(con, name, rows)
            rows.clear()


def _rows(rec: dict) -> dict[str, list[dict]]:
    """Every row of one record, built before any is added, so a failure leaves no half record behind;
    each row is checked against its table's types here, where the record that broke it is known."""
    rows = {
        "documents": [_document(rec)],
        "budget": list(_budget(rec)),
        "scores": [_score(rec)] if rec.get("status") != "error" else [],
        "dimensions": list(_dimensions(rec)),
        "indicators": list(_indicators(rec)),
        "findings": list(_findings(rec)),
    }
    for name, got in rows.items():
        if got:
            pa.Table.from_pylist(got, schema=SCHEMAS[name])
    return rows


def _bare_document(rec: dict, exc: Exception) -> dict:
    """The documents row of a record whose rows could not be built: who it is, and why the rest is missing."""
    err = rec.get("error") if isinstance(rec.get("error"), dict) else {}
    note = f"该报告的数据无法写入数据库（{type(exc).__name__}），只保留本行；详见corpus.jsonl"
    row = dict.fromkeys(SCHEMAS["documents"].names)
    row.update(
        file=_text(rec.get("file")), sha256=_text(rec.get("sha256")), format=_text(rec.get("format")),
        status=_text(rec.get("status")), error_code=_text(err.get("code")),
        error_message=" ".join(x for x in (_text(err.get("message")), note) if x),
    )
    return row


# ------------------------------------------------------------------------------------------- rows


def _document(rec: dict) -> dict:
    meta, budget, score, err = section(rec, "meta"), section(rec, "budget"), section(rec, "score"), error_of(rec)
    counts = severity_counts(rec)
    return {
        "file": _text(rec.get("file")),
        "sha256": _text(rec.get("sha256")),
        "format": _text(rec.get("format")),
        "status": _text(rec.get("status")),
        "error_code": _text(err.get("code")),
        "error_message": _text(err.get("message")),
        "pages": _int(rec.get("pages")),
        "title": _text(meta.get("title")),
        "unit": _text(meta.get("unit")),
        "project": _text(meta.get("project")),
        "year": _int(meta.get("year")),
        "region": _text(meta.get("region")),
        "kind": _text(meta.get("kind")),
        "framework": _text(score.get("framework")),
        "duplicate_of": _text(rec.get("duplicate_of")),
        "same_report_as": _text(rec.get("same_report_as")),
        "profiles": ",".join(rec.get("profiles") or []) or None,
        **{field: _dec(fact_value(budget.get(field))) for field in ("initial", "full_year", "received", "spent", "balance")},
        "budget": _dec(budget_amount(rec)),
        "rate": _dec(fact_value(budget.get("execution_rate"))),
        "total": _dec(fact_value(score.get("total"))),
        "grade": _text(fact_value(score.get("grade"))),
        "reviewed_total": _dec(reviewed_total(rec)),
        "reviewed_grade": reviewed_grade(rec),
        "n_error": counts.get("error", 0),
        "n_warning": counts.get("warning", 0),
        "n_info": counts.get("info", 0),
    }


def _budget(rec: dict) -> Iterator[dict]:
    budget = section(rec, "budget")
    for field in BUDGET_FIELDS:
        fact = budget.get(field)
        if not isinstance(fact, dict):
            continue
        primary = _place(fact)
        # a fact stated once carries no mentions list: the fact is its own single mention
        mentions = [m for m in fact.get("mentions") or [] if isinstance(m, dict)] or [fact]
        for m in mentions:
            ev = fact_evidence(m)
            yield {
                "file": _text(rec.get("file")),
                "field": field,
                "value": _dec(m.get("value")),
                "text": _text(m.get("text")),
                "quote": _text(ev.get("quote")),
                "page": _int(ev.get("page")),
                "block": _int(ev.get("block")),
                "rule": _text(m.get("rule")),
                "is_primary": _place(m) == primary and m.get("rule") == fact.get("rule"),
            }


def _place(fact: dict) -> tuple:
    ev = fact_evidence(fact)
    return ev.get("block"), ev.get("start"), ev.get("end")


def _score(rec: dict) -> dict:
    score = section(rec, "score")
    return {
        "file": _text(rec.get("file")),
        "total": _dec(fact_value(score.get("total"))),
        "grade": _text(fact_value(score.get("grade"))),
        "framework": _text(score.get("framework")),
        "total_weight": _dec(fact_value(score.get("total_weight"))),
    }


def _dimensions(rec: dict) -> Iterator[dict]:
    for dim in items(section(rec, "score"), "dimensions"):
        ev = fact_evidence(dim.get("score")) or fact_evidence(dim.get("weight"))
        yield {
            "file": _text(rec.get("file")),
            "name": _text(dim.get("name")),
            "weight": _dec(fact_value(dim.get("weight"))),
            "score": _dec(fact_value(dim.get("score"))),
            "rate": _dec(fact_value(dim.get("rate"))),
            "quote": _text(ev.get("quote")),
            "page": _int(ev.get("page")),
        }


def _indicators(rec: dict) -> Iterator[dict]:
    for ind in items(rec, "indicators"):
        ev = ind.get("evidence") if isinstance(ind.get("evidence"), dict) else {}
        yield {
            "file": _text(rec.get("file")),
            "level1": _text(ind.get("level1")),
            "level2": _text(ind.get("level2")),
            "name": _text(ind.get("name")),
            **_quantity("target", ind.get("target")),
            **_quantity("actual", ind.get("actual")),
            "completion": _dec(fact_value(ind.get("completion"))),
            "weight": _dec(fact_value(ind.get("weight"))),
            "score": _dec(fact_value(ind.get("score"))),
            "deviation_reason": _text(ind.get("deviation_reason")),
            "quote": _text(ev.get("quote")),
            "page": _int(ev.get("page")),
        }


def _quantity(prefix: str, q: Any) -> dict:
    q = q if isinstance(q, dict) else {}
    return {
        f"{prefix}_op": _text(q.get("op")),
        f"{prefix}_value": _dec(q.get("value")),
        f"{prefix}_unit": _text(q.get("unit")),
        f"{prefix}_text": _text(q.get("text")),
    }


def _findings(rec: dict) -> Iterator[dict]:
    for f in findings(rec):
        pages = evidence_pages(f.get("evidence"))
        facts = f.get("facts")
        yield {
            "file": _text(rec.get("file")),
            "check_id": _text(f.get("check")),
            "severity": _text(f.get("severity")),
            "message": _text(f.get("message")),
            "expected": as_text(f.get("expected")),
            "stated": as_text(f.get("stated")),
            "expected_value": _dec(f.get("expected")),
            "stated_value": _dec(f.get("stated")),
            "grade_changing": bool(f.get("grade_changing")),
            "quote": "\n".join(evidence_quotes(f.get("evidence"))) or None,
            "page": min(pages) if pages else None,
            "source": _text(f.get("source")),
            "facts": json.dumps(facts, ensure_ascii=False, default=str) if facts else None,
            "key": _text(f.get("key")),
            "counted": counted(rec),
            "involves": "\n".join(map(str, f.get("involves") or [])) or None,
        }


def _similar(p: dict) -> dict:
    row: dict[str, Any] = {"pair_id": _text(p.get("id")), "check_id": _text(p.get("check")),
                           "similarity": _dec(p.get("similarity"))}
    for side in ("a", "b"):
        s = p.get(side) or {}
        row.update({
            f"file_{side}": _text(s.get("file")), f"unit_{side}": _text(s.get("unit")),
            f"project_{side}": _text(s.get("project")), f"year_{side}": _int(s.get("year")),
            f"block_{side}": _int(s.get("block")), f"page_{side}": _int(s.get("page")),
            f"where_{side}": _text(s.get("where")), f"text_{side}": _text(s.get("text")),
        })
    return row


class _Reviewed:
    """Reviews on findings (from the records, as they pass by) and those whose finding is gone (from the
    review state)."""

    def __init__(self) -> None:
        self.found: dict[str, dict] = {}

    def add(self, rec: dict) -> None:
        for f in findings(rec):
            r = f.get("review")
            if not isinstance(r, dict) or f.get("key") in self.found:
                continue
            self.found[f["key"]] = {
                "key": f["key"], "file": _text(rec.get("file")), "check_id": _text(f.get("check")),
                "state": _text(r.get("state")), "note": _text(r.get("note")),
                "reviewer": _text(r.get("reviewer")), "present": True, "why": None}

    def rows(self, reviews: Any) -> Iterator[dict]:
        yield from self.found.values()
        for r in getattr(reviews, "vanished", []):
            if r.key in self.found:
                continue  # present but not listed in the workbook: already a row above
            yield {"key": r.key, "file": r.context.get("文件"), "check_id": r.context.get("检查编号"),
                   "state": r.state, "note": r.note, "reviewer": r.reviewer, "present": False, "why": r.why}


# ------------------------------------------------------------------------------------------ values


def _dec(x: Any) -> Decimal | None:
    """A number as DECIMAL(18,4); a figure too large for it (a misread, never a budget) is left out."""
    d = to_decimal(x)
    if d is None:
        return None
    # judged before quantize: a figure of thousands of digits makes quantize raise, not round
    if not d.is_zero() and d.adjusted() >= 14:
        log.warning("value %s does not fit DECIMAL(18,4); stored as NULL", _short(x))
        return None
    try:
        d = d.quantize(_SCALE, rounding=ROUND_HALF_EVEN)
    except InvalidOperation:
        log.warning("value %s cannot be written as DECIMAL(18,4); stored as NULL", _short(x))
        return None
    if abs(d) >= _LIMIT:
        log.warning("value %s does not fit DECIMAL(18,4); stored as NULL", _short(x))
        return None
    return d


def _short(x: Any) -> str:
    text = str(x) if not isinstance(x, int) or x.bit_length() < 10000 else f"<integer of {x.bit_length()} bits>"
    return text if len(text) <= 40 else text[:20] + "…" + text[-10:]


def _int(x: Any) -> int | None:
    if isinstance(x, bool) or not isinstance(x, int) or not -(2**31) <= x < 2**31:
        return None
    return x


def _text(x: Any) -> str | None:
    if x is None:
        return None
    return x if isinstance(x, str) else str(x)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
