"""Golden files: each corpus document's blocks, pages, locations and section tags.

A change in reading, normalisation or sections shows up here as a diff. To accept one, run
``make golden`` (pytest --update-golden) and review the diff of tests/golden/ like code.
"""

from __future__ import annotations

import json

import pytest

from helpers import CORPUS, GOLDEN
from pipeline.parse import parse_file
from pipeline.record import extract_record

DOCUMENTS = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))


def summary(path, parsed=None) -> dict:
    parsed = parsed or parse_file(path)
    doc = parsed.doc
    assert doc is not None, parsed.error
    blocks = []
    for b in doc.blocks:
        row = {"i": b.index, "kind": b.kind, "page": b.page, "loc": b.loc}
        for key in ("level", "repeat_of", "section"):
            if getattr(b, key) is not None:
                row[key] = getattr(b, key)
        row["tags"] = b.tags
        row["text"] = b.text
        blocks.append(row)
    return {
        "file": path.name,
        "sha256": parsed.sha256 if path.suffix == ".txt" else None,  # generated files may differ by byte
        "format": doc.format,
        "status": parsed.status,
        "pages": doc.pages,
        "warnings": doc.warnings,
        "blocks": blocks,
    }


def record(path, parsed=None) -> dict:
    rec = extract_record(parsed or parse_file(path))
    rec["file"] = path.name  # the path as given differs between checkouts
    # the text fingerprint and the fitting profiles are the batch run's (tests/test_workflow.py)
    rec.pop("fingerprint", None)
    rec.pop("profiles", None)
    rec.pop("evidence_cells", None)  # the review page's tables (tests/test_report_page.py)
    if path.suffix != ".txt":
        rec["sha256"] = None  # generated files may differ by byte between library versions
    return json.loads(json.dumps(rec, ensure_ascii=False))


def _check(got: dict, golden, update_golden: bool) -> None:
    if update_golden or not golden.exists():
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if not update_golden:
            pytest.fail(f"{golden.name} did not exist and was written; review and commit it")
    want = json.loads(golden.read_text(encoding="utf-8"))
    assert got == want


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_golden_record(path, update_golden: bool) -> None:
    """The extracted facts, each with its evidence (page, block, offsets, quote)."""
    _check(record(path), GOLDEN / (path.name + ".record.json"), update_golden)


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_golden(path, update_golden: bool) -> None:
    """Blocks, pages, locations and section tags."""
    _check(summary(path), GOLDEN / (path.name + ".json"), update_golden)


def test_corpus_has_every_format() -> None:
    stems = {p.stem for p in DOCUMENTS}
    for stem in stems:
        assert {p.suffix for p in DOCUMENTS if p.stem == stem} == {".txt", ".docx", ".pdf"}, stem


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".pdf"])
def test_the_same_report_reads_alike_in_every_format(suffix: str) -> None:
    """The three versions of seed 001 hold the same sentences and the same headings."""
    doc = parse_file(CORPUS / ("001_5c147244ac7a2061" + suffix)).doc
    text = doc.text.replace("\n", "")
    for sentence in (
        "预算资金支出16.67万元，预算执行率为2.52%。",
        "最终评分结果：总得分为91.23分，属于“优”。",
        "指标2：退休人员社会化管理人数，指标值：≥80000人，实际完成值：87411人，指标完成率109.26%。",
    ):
        assert sentence in text, (suffix, sentence)
    headings = [b.title for b in doc.blocks if b.kind == "heading" and b.repeat_of is None and b.level == 1]
    assert headings[:6] == [
        "基本情况",
        "绩效评价工作开展情况",
        "综合评价情况及评价结论",
        "绩效评价指标分析",
        "主要经验及做法、存在的问题及原因分析",
        "有关建议",
    ]


# One file of each format beyond TXT/DOCX/PDF (tests/data/formats/, made by scripts/make_formats.py).
FORMATS = GOLDEN.parent / "data" / "formats"
FORMAT_DOCUMENTS = [
    FORMATS / name
    for name in (
        "001_自评表.xlsx", "001_自评表.xls", "001_自评表.ods", "001.doc", "001.rtf", "001.odt", "001_gov.html",
        "001_gov.mht", "001_p1.png",
    )
]


@pytest.mark.parametrize("path", FORMAT_DOCUMENTS, ids=[p.name for p in FORMAT_DOCUMENTS])
def test_golden_format(path, update_golden: bool) -> None:
    """Blocks (with sheet and cell, or OCR page) and the extracted record of each new format."""
    if path.suffix in (".doc", ".rtf", ".odt"):
        from pipeline.readers.office import soffice_path

        if soffice_path() is None:
            pytest.skip("LibreOffice is not installed (apt-get install -y libreoffice-writer-nogui)")
    parsed = parse_file(path)  # once: OCR and LibreOffice take seconds
    got = {"summary": summary(path, parsed), "record": record(path, parsed)}
    got["summary"]["sha256"] = None
    _check(got, GOLDEN / "formats" / (path.name + ".json"), update_golden)
