"""Files of one report linked to one representative (pipeline.same_report), on records built for each case;
the same groups as the linking before its views went into columns (that code gave these very links)."""

from __future__ import annotations

import random

from pipeline import fingerprint
from pipeline.batch.views import Views
from pipeline.same_report import MIN_CHARS, link, link_views

WORDS = "资金 拨付 进度 滞后 审批 流程 乡镇 配套 人员 变动 项目 前期 论证 目标 设置 采购 合同 施工 群众 宣传 档案 台账".split()


def text(seed: int, n: int = 160) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(WORDS) + ("，" if rng.random() < 0.2 else "") for _ in range(n)) + "。"


def rec(file: str, body: str, fmt: str = "txt", unit: str | None = "某县教育局", year: int | None = 2023,
        facts: int = 1, status: str = "ok", duplicate_of: str | None = None) -> dict:
    return {
        "file": file, "status": status, "format": fmt, "duplicate_of": duplicate_of,
        "sha256": f"{abs(hash(file)):064x}"[:64],
        "fingerprint": fingerprint.of_document([body]) if status != "error" else None,
        "meta": {"unit": unit, "project": "学生资助", "year": year, "title": "长标题"},
        "budget": {"initial": {"value": 1}, "spent": None},
        "score": {"total": {"value": 90}, "grade": None, "dimensions": []},
        "indicators": [{}] * facts,
    }


def batch() -> list[dict]:
    a, b = text(1), text(2)
    a2 = a[:100] + "整改" + a[102:]  # a resubmission: two characters retyped
    return [
        rec("a.txt", a),
        rec("a.docx", a, fmt="docx", facts=4),  # the same text, richer: stands for the report
        rec("a2.pdf", a2, fmt="pdf", facts=4),  # as rich, but a PDF
        rec("a-other-unit.txt", a[:200] + "变动" + a[202:], unit="某县民政局"),  # near, another unit's: not it
        rec("copy/a.txt", a, duplicate_of="a.txt"),  # a byte copy follows its original
        rec("b.txt", b, year=None),  # a year not read is no conflict
        rec("b2.txt", b[:50] + "审批" + b[52:], facts=2),
        rec("short.txt", a[:60]),  # too short for a MinHash link; another text
        rec("short2.txt", a[:60] + "流程"),
        rec("broken.txt", "", status="error"),
        rec("c.txt", text(3)),
        clone(rec("a-clone.txt", a), "0"),  # the MinHash of a.txt with another text fingerprint
        clone(rec("a-clone-other-unit.txt", a, unit="某县民政局"), "1"),  # the same MinHash, another unit's
    ]


def clone(r: dict, digit: str) -> dict:
    r["fingerprint"]["text"] = digit * 64
    return r


def test_files_of_one_report_are_linked_to_the_richest() -> None:
    records = batch()
    assert link(records) == 5
    links = {r["file"]: (r["same_report_as"], r["same_report"]) for r in records}
    assert links == {
        "a.txt": ("a.docx", []),
        "a.docx": (None, ["a.txt", "a2.pdf", "a-clone.txt"]),
        "a2.pdf": ("a.docx", []),
        "a-other-unit.txt": (None, ["a-clone-other-unit.txt"]),  # near, and of one unit
        "copy/a.txt": ("a.docx", []),
        "b.txt": ("b2.txt", []),
        "b2.txt": (None, ["b.txt"]),
        "short.txt": (None, []),
        "short2.txt": (None, []),
        "broken.txt": (None, []),
        "c.txt": (None, []),
        "a-clone.txt": ("a.docx", []),
        "a-clone-other-unit.txt": ("a-other-unit.txt", []),
    }


def test_views_hold_what_linking_reads() -> None:
    records = batch()
    views = Views(len(records))
    for i, r in enumerate(records):
        views.add(i, r, r["file"], MIN_CHARS)
    views.copy(4, 0)
    assert link_views(views) == 5
    assert [views.rep[i] for i in range(len(records))] == [1, -1, 1, -1, 1, 6, -1, -1, -1, -1, -1, 1, 3]
    assert views.others == {1: [0, 2, 11], 3: [12], 6: [5]}
    assert [views.counted(i) for i in (0, 1, 4, 9)] == [False, True, False, True]
    # a finding's key begins with the report id: the text's fingerprint, else the bytes' digest
    assert views.report_id(0) == records[0]["fingerprint"]["text"][:12] == views.report_id(4)
    assert views.report_id(9) == records[9]["sha256"][:12]
    assert views.value(views.format, 2) == "pdf" and views.richness[1] == 1 + 1 + 4  # a budget fact, the total, four indicators
    assert views.sig_len[0] == fingerprint.PERMUTATIONS and views.sig_at[7] == -1  # short.txt: no MinHash kept
