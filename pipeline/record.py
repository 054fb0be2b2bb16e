"""The contract record (``docs/output-contract.md`` in the shared folder): one JSON object per document."""

from __future__ import annotations

import logging
import os

from pipeline.parse import Parsed

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
NOT_A_REPORT = "not_report"  # status of a readable document with none of a report's marks
# What a file's name says it is, for the warning when its bytes say otherwise (the bytes win).
_EXTENSION_FORMATS = {".docx": "docx", ".pdf": "pdf", ".txt": "txt", ".text": "txt"}
_FORMAT_ZH = {"docx": "DOCX", "pdf": "PDF", "txt": "纯文本", "html": "网页文本"}


def envelope(parsed: Parsed) -> dict:
    """The fields every record has, whatever became of the document."""
    doc = parsed.doc
    error = parsed.error.as_record() if parsed.error is not None else None
    rec = {
        "schema_version": SCHEMA_VERSION,
        "file": parsed.path,
        "sha256": parsed.sha256,
        "format": doc.format if doc is not None else None,
        "status": parsed.status,
        "error": error,
        "pages": doc.pages if doc is not None else None,
    }
    if doc is not None:
        rec["warnings"] = list(doc.warnings)
        if doc.encoding:
            rec["encoding"] = doc.encoding
        if doc.sheets is not None:
            rec["sheets"] = doc.sheets
        if doc.ocr_pages:
            rec["ocr_pages"] = doc.ocr_pages
        if doc.converted_from:
            rec["converted_from"] = doc.converted_from
        lie = _extension_lie(parsed.path, doc.format)
        if lie:
            rec["warnings"].append(lie)  # after the status: the whole file was read, only its name is wrong
    return rec


def _extension_lie(path: str, fmt: str | None) -> dict | None:
    """The warning for a file whose name claims another format than its bytes (read by its bytes)."""
    claimed = _EXTENSION_FORMATS.get(os.path.splitext(path)[1].lower())
    if claimed is None or fmt is None or claimed == fmt or {claimed, fmt} <= {"txt", "html"}:
        return None
    return {
        "code": "W_EXTENSION_MISMATCH",
        "message": f"文件扩展名为{os.path.splitext(path)[1]}，但内容实为{_FORMAT_ZH.get(fmt, fmt)}，已按实际内容读取；"
        f"请核对文件是否为报送单位的原件（extension says {claimed}, the bytes are {fmt}: read as {fmt}）",
    }


OCR_NOTE = "（所依据的文字或数字由OCR从扫描件识别，请对照原件核实）"


def _mark_ocr(finding: dict) -> dict:
    """A finding that quotes OCR'd text says so, in its message and as ``ocr: true``, with the lowest
    recognition confidence of what it quotes: a misread digit would make a contradiction of its own."""
    read = [e for e in finding.get("evidence", []) if e.get("ocr")]
    if read:
        finding["ocr"] = True
        confs = [e["conf"] for e in read if e.get("conf") is not None]
        finding["ocr_conf"] = min(confs) if confs else None
        finding["message"] = finding["message"] + OCR_NOTE
    return finding


def parse_record(parsed: Parsed) -> dict:
    """The envelope plus the blocks, for ``jixiao parse``."""
    rec = envelope(parsed)
    rec["blocks"] = [b.to_json() for b in parsed.doc.blocks] if parsed.doc is not None else []
    return rec


def extract_record(parsed: Parsed, checks: bool = True, profile: str | None = None) -> dict:
    """The full contract record: envelope, meta, budget, score, indicators and the checker's findings.

    Total: a limit firing or a bug inside extraction or the checks gives a record that says so
    (:mod:`pipeline.incomplete`), never an exception and never a clean-looking record.
    """
    from pipeline.checks import check_record, REGISTRY
    from pipeline.checks.base import catalogue
    from pipeline.extract import empty_fields, extract_document
    from pipeline.facts import drop_unrepresentable
    from pipeline.incomplete import Incomplete
    from pipeline.ruleset import RulesError

    rec = envelope(parsed)
    doc = parsed.doc
    if doc is not None and doc.parts:
        # A workbook of several projects: the file's own facts are its first project's (whose blocks lead
        # the workbook, so evidence indexes the same blocks); each project is a record of its own.
        doc = doc.parts[0]
        rec["projects"] = [
            extract_record(Parsed(part.path, parsed.sha256, part, None), checks, profile) for part in parsed.doc.parts
        ]
    incomplete: Incomplete | None = None
    if doc is None:
        rec.update(empty_fields())
    else:
        try:
            dropped: list[str] = []
            rec.update(drop_unrepresentable(extract_document(doc), dropped))
            if dropped:
                _dropped_warning(rec, dropped)
        except RulesError:
            raise
        except Exception as exc:  # the clock's E_TIMEOUT and MemoryError included
            incomplete = Incomplete.caught("extraction", exc, [])  # first: it stops the clock
            log.warning("extraction stopped on %s: %s", parsed.path, incomplete.detail)
            rec.update(empty_fields())
            if checks:
                incomplete.not_run = [r.id for r in catalogue().checks if r.enabled and r.id in REGISTRY]
    findings = []
    if checks and doc is not None and incomplete is None:
        run = check_record(rec, doc, profile)
        findings, incomplete = run.findings, run.incomplete
    rec["findings"] = [_mark_ocr(f.to_json()) for f in findings]
    rec["evidence_blocks"] = _quoted_blocks(rec, parsed)
    if parsed.doc is not None:
        rec["evidence_cells"] = _quoted_cells(rec, parsed)
        from pipeline.checks.base import fitting_profiles
        from pipeline.fingerprint import of_document

        try:
            rec["fingerprint"] = of_document([b.raw for b in parsed.doc.blocks])
        except Exception as exc:  # MemoryError on a huge text: the record stands without its fingerprint
            rec["fingerprint"] = None
            incomplete = incomplete or Incomplete.caught("extraction", exc, [])
        rec["profiles"] = [p.id for p in fitting_profiles(rec, profile)]
        if incomplete is not None:
            # before the report-marks test: a record cut short may simply not have reached its marks
            rec["status"] = "partial"
            rec["error"] = incomplete.error()
            rec["incomplete"] = incomplete.to_json()
        elif not has_report_marks(rec):
            from pipeline.errors import ReadError

            rec["status"] = NOT_A_REPORT
            rec["error"] = ReadError("E_NOT_A_REPORT").as_record()
    return rec


def _dropped_warning(rec: dict, dropped: list[str]) -> None:
    """A figure no number type holds was left out: the record says so, and is partial."""
    shown = "、".join(f"“{q}”" for q in dropped[:3] if q) or "（无原文）"
    rec.setdefault("warnings", []).append({
        "code": "W_VALUE_DROPPED",
        "message": f"有{len(dropped)}个数值过大、无法作为金额或得分使用，已略去（{shown}）；请核对原文"
        f"（{len(dropped)} values too large to be figures were dropped）",
    })
    if rec.get("status") == "ok":
        rec["status"] = "partial"


def has_report_marks(rec: dict) -> bool:
    """Whether a record shows any mark of a performance report: a budget figure, a score or grade, a
    scoring dimension, an indicator, or a report heading (a kind read from the title or the body's words).

    >>> has_report_marks({"meta": {"kind": "unknown"}, "budget": {"spent": None}, "score": {}, "indicators": []})
    False
    >>> has_report_marks({"meta": {"kind": "self-report"}})
    True
    """
    meta, budget, score = rec.get("meta") or {}, rec.get("budget") or {}, rec.get("score") or {}
    return bool(
        (meta.get("kind") not in (None, "unknown"))
        or any(v is not None for v in budget.values())
        or score.get("total") is not None
        or score.get("grade") is not None
        or score.get("dimensions")
        or rec.get("indicators")
    )


def _quoted_cells(rec: dict, parsed: Parsed) -> dict[str, list[list[int]]]:
    """The cells of every quoted table block, ``[row, col, rowspan, colspan, start, end]`` (offsets into the
    block's raw text): the review page draws the table with its merged cells from them."""
    assert parsed.doc is not None
    out: dict[str, list[list[int]]] = {}
    for b in rec["evidence_blocks"]:
        block = parsed.doc.blocks[int(b)]
        if block.kind == "table" and block.cells:
            out[b] = [[c.row, c.col, c.rowspan, c.colspan, c.start, c.end] for c in block.cells]
    return out


def _quoted_blocks(rec: dict, parsed: Parsed) -> dict[str, dict]:
    """The raw text of every block a finding quotes, so a reviewer sees each quote in its paragraph."""
    if parsed.doc is None:
        return {}
    out: dict[str, dict] = {}
    for f in rec["findings"]:
        for ev in f["evidence"]:
            b = ev.get("block")
            if b is not None and 0 <= b < len(parsed.doc.blocks) and str(b) not in out:
                block = parsed.doc.blocks[b]
                out[str(b)] = {"raw": block.raw, "page": block.page, "kind": block.kind, "loc": block.loc}
    return out
