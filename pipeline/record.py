"""The contract record (``docs/output-contract.md`` in the shared folder): one JSON object per document."""

from __future__ import annotations

from pipeline.parse import Parsed

SCHEMA_VERSION = 1


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
        rec["warnings"] = doc.warnings
        if doc.encoding:
            rec["encoding"] = doc.encoding
        if doc.sheets is not None:
            rec["sheets"] = doc.sheets
        if doc.ocr_pages:
            rec["ocr_pages"] = doc.ocr_pages
        if doc.converted_from:
            rec["converted_from"] = doc.converted_from
    return rec


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
    """The full contract record: envelope, meta, budget, score, indicators and the checker's findings."""
    from pipeline.checks import run_checks
    from pipeline.extract import empty_fields, extract_document

    rec = envelope(parsed)
    doc = parsed.doc
    if doc is not None and doc.parts:
        # A workbook of several projects: the file's own facts are its first project's (whose blocks lead
        # the workbook, so evidence indexes the same blocks); each project is a record of its own.
        doc = doc.parts[0]
        rec["projects"] = [
            extract_record(Parsed(part.path, parsed.sha256, part, None), checks, profile) for part in parsed.doc.parts
        ]
    if doc is None:
        rec.update(empty_fields())
    else:
        rec.update(extract_document(doc))
    findings = run_checks(rec, doc, profile) if checks and doc is not None else []
    rec["findings"] = [_mark_ocr(f.to_json()) for f in findings]
    rec["evidence_blocks"] = _quoted_blocks(rec, parsed)
    return rec


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
