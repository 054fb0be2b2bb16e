"""The real-text evaluation set (tests/data/realset): its committed facts are whole and consistent, its
tooling keeps reserved and duplicate pages out, and scoring says plainly when the texts are absent.

The excerpts themselves are third-party text and never in the repository; these tests need none of them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from decimal import Decimal

import pytest

from helpers import DATA, ROOT
from pipeline.evaluate import TAG_CHECKS, evaluate_realset

REALSET = DATA / "realset"
KINDS = {"self-report", "self-table", "dept-overall", "evaluation-report"}
AMOUNTS = ("budget_initial_wan", "budget_full_year_wan", "budget_stated_wan", "funds_received_wan", "spent_wan", "balance_wan")


def _load(name: str) -> list[dict]:
    return [json.loads(x) for x in (REALSET / name).read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("realset_tool", ROOT / "scripts" / "realset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sources_and_gold_describe_the_same_excerpts(tool):
    sources, gold = _load("sources.jsonl"), _load("gold.jsonl")
    assert len(sources) >= 300
    assert [s["id"] for s in sources] == sorted({s["id"] for s in sources})  # unique, sorted
    assert {g["id"] for g in gold} == {s["id"] for s in sources}
    assert len({s["url"] for s in sources}) == len(sources) and len({s["sha256"] for s in sources}) == len(sources)
    for s in sources:
        assert s["kind"] in KINDS and len(s["sha256"]) == 64 and int(s["sha256"], 16) >= 0
        assert s["split"] == tool.split_of(s["id"]), s["id"]  # the halves are fixed by the id alone
        assert s["url"].startswith("http") and s["query"] and s["chars"] > 0


def test_halves_are_both_substantial():
    sources = _load("sources.jsonl")
    halves = {h: sum(1 for s in sources if s["split"] == h) for h in ("tune", "test")}
    assert min(halves.values()) >= 100, halves


def test_gold_follows_the_devset_schema():
    for g in _load("gold.jsonl"):
        assert g["kind"] in KINDS
        assert isinstance(g["stated_contradictions"], list)
        for entry in g["stated_contradictions"]:
            tag = entry[1 : entry.index("]")]
            assert entry.startswith("[") and tag in TAG_CHECKS, (g["id"], entry)
        for key in AMOUNTS + ("execution_rate_pct", "total_score"):
            if key in g:
                Decimal(str(g[key]))  # a number as printed
        if "grade" in g:
            assert g["grade"] in {"优", "良", "中", "差"}, (g["id"], g["grade"])
        if "year" in g:
            assert 2005 <= g["year"] <= 2026  # the self-evaluation forms date from 2009 (财预〔2009〕76号)


def test_texts_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "/tests/data/realset/texts/" in ignored


def test_admit_refuses_reserved_and_duplicate_pages(tool, tmp_path, monkeypatch):
    texts, parts = tmp_path / "texts", tmp_path / "parts"
    texts.mkdir()
    reserved_url = "https://example.gov.cn/reserved/1.htm"
    reserved = tmp_path / "reserved.txt"
    reserved.write_text(hashlib.sha256(reserved_url.encode()).hexdigest() + "\n")
    monkeypatch.setattr(tool, "TEXTS", texts)
    monkeypatch.setattr(tool, "PARTS", parts)
    monkeypatch.setattr(tool, "RESERVED", reserved)

    def admit(rid: str, url: str, text: str) -> int:
        (texts / f"{rid}.txt").write_text(text, encoding="utf-8")
        return tool.main(["admit", "--id", rid, "--url", url, "--query", "q", "--kind", "self-report", "--part", "9"])

    assert admit("R9001", "https://example.gov.cn/a.htm", "全年预算数12.5万元") == 0
    assert admit("R9002", reserved_url, "另一页") == 1 and not (texts / "R9002.txt").exists()
    assert admit("R9003", "https://example.gov.cn/b.htm", "全年预算数12.5万元") == 1  # the same text again
    rows = [json.loads(x) for x in (parts / "sources_9.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["R9001"] and rows[0]["sha256"] == hashlib.sha256("全年预算数12.5万元".encode()).hexdigest()


def test_check_says_how_to_restore_missing_texts(tool, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tool, "TEXTS", tmp_path / "none")
    assert tool.main(["check"]) == 1
    out = capsys.readouterr().out
    assert "missing" in out and "search the pages corpus for" in out


def test_scoring_without_the_texts_says_so(tmp_path):
    out = evaluate_realset(REALSET / "gold.jsonl", tmp_path / "absent", ["tune", "test"])
    assert "no texts" in out and "scripts/realset.py check" in out


def test_scoring_a_set_halves_side_by_side(tmp_path):
    # a two-excerpt set written for this test, in the layout of the real one
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "A1.txt").write_text("2023年度项目全年预算数50.00万元，全年执行数45.00万元，预算执行率90%。", encoding="utf-8")
    (tmp_path / "texts" / "B1.txt").write_text("2022年度项目全年预算数80.00万元，全年执行数80.00万元，预算执行率100%。", encoding="utf-8")
    (tmp_path / "sources.jsonl").write_text(
        json.dumps({"id": "A1", "split": "tune"}) + "\n" + json.dumps({"id": "B1", "split": "test"}) + "\n", encoding="utf-8"
    )
    gold = [
        {"id": "A1", "kind": "self-report", "year": 2023, "budget_full_year_wan": 50.00, "spent_wan": 45.00, "execution_rate_pct": 90, "stated_contradictions": []},
        {"id": "B1", "kind": "self-report", "year": 2022, "budget_full_year_wan": 80.00, "spent_wan": 70.00, "execution_rate_pct": 100, "stated_contradictions": []},
    ]
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    out = evaluate_realset(tmp_path / "gold.jsonl", tmp_path / "texts", ["tune", "test"])
    rows = {line.split("|")[0].strip(): line for line in out.splitlines()}
    assert "1/1" in rows["spent_wan"].split("|")[1] and "0/1" in rows["spent_wan"].split("|")[2]
    assert "tune: 1 excerpts" in out and "test: 1 excerpts" in out
