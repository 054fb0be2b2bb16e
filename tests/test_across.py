"""Checks across reports: copied passages (COPY-NEAR-DUPLICATE, CORPUS-REPEAT-YEAR) on a generated batch
with planted copies (scripts/make_batch.py) through the whole run and its outputs, and the corpus checks
of rulebook B.9 on records built for each case.
"""

from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from helpers import ROOT
from pipeline.batch.runner import run
from pipeline.checks import across
from pipeline.checks.across.copies import kind_of
from pipeline.checks.base import REGISTRY, Context, catalogue

_spec = importlib.util.spec_from_file_location("make_batch", ROOT / "scripts" / "make_batch.py")
make_batch = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_batch)


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("across")
    src = root / "in"
    truth = make_batch.make(src, docs=40, planted=4, repeats=2, seed=7)
    out = root / "out"
    run([src], out, workers=2, progress=False)
    return src, out, truth


def pairs_of(out: Path) -> dict[str, set[frozenset]]:
    got: dict[str, set[frozenset]] = {}
    for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        for f in json.loads(line)["findings"]:
            if f.get("pair"):
                p = f["pair"]
                got.setdefault(p["check"], set()).add(frozenset((Path(p["a"]["file"]).name, Path(p["b"]["file"]).name)))
    return got


def test_planted_copies_are_found_and_nothing_else(batch) -> None:
    src, out, truth = batch
    got = pairs_of(out)
    planted = {frozenset((t["a"], t["b"])) for t in truth["planted"]}
    assert len(planted) == 4 and {t["edit"] for t in truth["planted"]} == {"exact", "names", "chars", "sentence"}
    assert got["COPY-NEAR-DUPLICATE"] == planted
    assert got["CORPUS-REPEAT-YEAR"] == {frozenset((t["a"], t["b"])) for t in truth["repeat_year"]}
    # the template's sentences and the stock policy paragraphs are in every unit's reports: never a copy
    texts = [f["pair"]["a"]["text"] for f in findings(out) if f.get("pair")]
    assert texts and not any(t in make_batch.TEMPLATE + make_batch.POLICY for t in texts)


def findings(out: Path) -> list[dict]:
    recs = [json.loads(line) for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    return [f for r in recs for f in r["findings"]]


def test_a_copy_finding_names_both_reports_and_quotes_both_passages(batch) -> None:
    src, out, truth = batch
    exact = next(t for t in truth["planted"] if t["edit"] == "exact")
    recs = {Path(r["file"]).name: r for r in map(json.loads, (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines())}
    a, b = recs[exact["a"]], recs[exact["b"]]
    fa = next(f for f in a["findings"] if f["check"] == "COPY-NEAR-DUPLICATE")
    fb = next(f for f in b["findings"] if f["check"] == "COPY-NEAR-DUPLICATE")
    assert fa["severity"] == "warning" and fa["involves"] == [b["file"]] and fb["involves"] == [a["file"]]
    assert fa["pair"] == fb["pair"] and fa["pair"]["similarity"] == 1.0
    assert fa["message"].startswith("[COPY-NEAR-DUPLICATE] 本报告第") and exact["b"] in fa["message"]
    assert "相似度100%" in fa["message"] and b["meta"]["unit"] in fa["message"]
    own = next(s for s in (fa["pair"]["a"], fa["pair"]["b"]) if s["file"] == a["file"])
    ev = fa["evidence"][0]
    assert ev["block"] == own["block"] and ev["quote"] == own["text"] == a["evidence_blocks"][str(ev["block"])]["raw"]
    assert own["where"] in fa["message"] and own["text"].startswith(("偏差原因", "改进措施")) or exact["part"] == "goal"
    assert "passages" not in a  # a vehicle for the batch stage, not an output


def test_outputs_list_each_pair_once_with_both_quotes(batch) -> None:
    src, out, truth = batch
    book = openpyxl.load_workbook(out / "discrepancies.xlsx")
    ws = book["雷同段落"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 6  # four copies, two repeated years
    assert {r["检查编号"] for r in rows} == {"COPY-NEAR-DUPLICATE", "CORPUS-REPEAT-YEAR"}
    assert all(r["段落甲"] and r["段落乙"] and r["报告甲"] != r["报告乙"] for r in rows)
    assert ws.cell(2, header.index("报告甲") + 1).hyperlink is not None
    exact = next(r for r in rows if r["相似度"] == 100)
    assert exact["段落甲"] == exact["段落乙"]
    issues = book["问题清单"]
    ih = [c.value for c in issues[1]]
    copy_rows = [r for r in issues.iter_rows(min_row=2, values_only=True) if r[ih.index("检查编号")] == "COPY-NEAR-DUPLICATE"]
    assert len(copy_rows) == 8 and all(r[ih.index("涉及报告")] for r in copy_rows)

    con = duckdb.connect(str(out / "corpus.duckdb"), read_only=True)
    n, checks = con.execute("SELECT count(*), count(DISTINCT check_id) FROM similar_passages").fetchone()
    assert (n, checks) == (6, 2)
    sim, ta, tb = con.execute(
        "SELECT similarity, text_a, text_b FROM similar_passages ORDER BY similarity DESC LIMIT 1"
    ).fetchone()
    assert sim == Decimal("1.0000") and ta == tb
    assert con.execute("SELECT count(*) FROM findings WHERE involves IS NOT NULL").fetchone()[0] == 12

    name = next(t for t in truth["planted"] if t["edit"] == "chars")["b"]
    pages = [p.read_text(encoding="utf-8") for p in (out / "report-pages").glob("*.html")]
    page = next(p for p in pages if name in p and 'class="pair"' in p)
    assert page.count('class="side"') >= 2 and '<mark class="diff">' in page


def test_cached_documents_take_part(batch, tmp_path) -> None:
    src, out, truth = batch
    summary = run([src], out, workers=2, progress=False)
    assert summary.processed == 0 and summary.cache_hits == truth["docs"]
    got = pairs_of(out)
    assert got["COPY-NEAR-DUPLICATE"] == {frozenset((t["a"], t["b"])) for t in truth["planted"]}


# ------------------------------------------------------------------------------------ corpus checks


def rec(file: str, unit: str | None, kind: str = "self-report", year: int | None = 2023, project: str | None = None,
        total: float | None = None, budget: float | None = None, spent: float | None = None,
        rate: float | None = None, indicators: list | None = None, title: str | None = None) -> dict:
    fact = lambda v: None if v is None else {"value": v, "text": str(v), "evidence": {"quote": str(v), "page": None, "block": 1, "start": 0, "end": len(str(v))}}
    return {
        "file": file, "status": "ok", "duplicate_of": None, "same_report_as": None, "findings": [],
        "meta": {"unit": unit, "kind": kind, "year": year, "project": project, "title": title},
        "budget": {"full_year": fact(budget), "spent": fact(spent), "execution_rate": fact(rate)},
        "score": {"total": fact(total), "dimensions": []},
        "indicators": indicators or [],
    }


def found(records: list[dict], check: str) -> dict[str, dict]:
    across.run(records)
    return {r["file"]: f for r in records for f in r["findings"] if f["check"] == check}


def test_all_projects_of_a_unit_at_full_marks() -> None:
    records = [rec(f"p{i}.txt", "[101001]某县民政局", project=f"项目{i}", total=100) for i in range(3)]
    records.append(rec("other.txt", "某县民政局", year=2022, total=100))  # another year: another group
    got = found(records, "CORPUS-ALL-FULL")
    assert set(got) == {"p0.txt", "p1.txt", "p2.txt"}
    f = got["p1.txt"]
    assert f["severity"] == "warning" and f["involves"] == ["p0.txt", "p2.txt"]
    assert "3份项目绩效自评报告总分全部为100分" in f["message"] and "p0.txt、p1.txt、p2.txt" in f["message"]
    records[0]["score"]["total"]["value"] = 96
    for r in records:
        r["findings"] = []
    assert found(records, "CORPUS-ALL-FULL") == {}


def test_self_score_against_the_review_of_the_same_project() -> None:
    records = [
        rec("self.txt", "我局", project="2023年度农村公路养护项目", total=95,
            title="某县交通运输局2023年度农村公路养护项目绩效自评报告"),
        rec("review.txt", "某县财政局", kind="evaluation-report", project="农村公路养护项目支出绩效评价报告", total=80),
        rec("fair.txt", "某县水利局", project="河道保洁", total=90),
        rec("fair-review.txt", "某县财政局", kind="evaluation-report", project="河道保洁", total=88),
    ]
    got = found(records, "CORPUS-SELF-VS-REVIEW")
    assert set(got) == {"self.txt"}
    f = got["self.txt"]
    assert f["severity"] == "info" and f["involves"] == ["review.txt"]
    assert "偏离度（自评−复核）/自评为15.8%" in f["message"] and "自评偏高" in f["message"]
    assert f["stated"] == 95 and f["expected"] == 80


def test_the_same_shortfall_deducted_at_different_shares() -> None:
    def ind(name: str, completion: float, weight: float, score: float) -> dict:
        return {"level1": "产出指标", "level2": "质量指标", "name": name, "completion": {"value": completion},
                "weight": {"value": weight}, "score": {"value": score},
                "evidence": {"quote": name, "page": None, "block": 3, "start": 0, "end": len(name)}}

    records = [
        rec("a.txt", "某县教育局", indicators=[ind("验收合格率", 90, 10, 10)]),
        rec("b.txt", "某县卫生健康局", indicators=[ind("服务达标率", 92, 10, 2)]),
        rec("c.txt", "某县水利局", indicators=[ind("工程合格率", 50, 10, 0)]),  # a far larger shortfall
    ]
    got = found(records, "CORPUS-INCONSISTENT-DEDUCTION")
    assert set(got) == {"a.txt", "b.txt"}
    assert "完成90%、扣分0%" in got["a.txt"]["message"] and "完成92%、扣分80%" in got["a.txt"]["message"]
    assert got["b.txt"]["involves"] == ["a.txt"]


def test_sampled_projects_against_the_unit_and_their_sum() -> None:
    records = [
        rec("dept.txt", "某县教育局", kind="dept-overall", budget=5_000_000, spent=4_221_000, rate=84.42),
        rec("p1.txt", "某县教育局", project="学生资助", budget=2_000_000, spent=1_400_000),
        rec("p2.txt", "某县教育局", project="营养改善", budget=4_000_000, spent=3_200_000),
    ]
    bias = found(records, "CORPUS-SAMPLE-BIAS")["dept.txt"]
    assert bias["severity"] == "info" and sorted(bias["involves"]) == ["p1.txt", "p2.txt"]
    assert "84.42%" in bias["message"] and "按预算加权为76.67%" in bias["message"]
    tie = {r["file"]: f for r in records for f in r["findings"] if f["check"] == "CORPUS-SUM-TIE"}["dept.txt"]
    assert tie["severity"] == "warning" and "预算合计600万元，超过该单位部门整体报告所述预算500万元" in tie["message"]


def test_evaluation_weights_of_output_and_benefit() -> None:
    rule = next(c for c in catalogue().checks if c.id == "CORPUS-THIRD-PARTY-WEIGHTS")
    r = rec("e.txt", "某县财政局", kind="evaluation-report")
    r["score"]["dimensions"] = [
        {"name": n, "weight": {"value": w, "evidence": {"quote": f"{n}{w}分", "page": None, "block": 5, "start": 0, "end": 4}}}
        for n, w in (("决策", 25), ("过程", 25), ("产出", 30), ("效益", 20))
    ]
    got = list(REGISTRY["CORPUS-THIRD-PARTY-WEIGHTS"](Context(r, None), rule))
    assert len(got) == 1 and got[0].severity == "warning" and "合计为50分（产出30分、效益20分），低于60分" in got[0].message
    r["score"]["dimensions"][3]["weight"]["value"] = 30
    assert list(REGISTRY["CORPUS-THIRD-PARTY-WEIGHTS"](Context(r, None), rule)) == []


@pytest.mark.parametrize(("title", "found"), [("某县卫生健康局2023年度部门整体支出绩效自评报告", 0), ("某县卫生健康局2023年度部门整体支出绩效评价报告", 1)])
def test_a_departments_own_self_evaluation_is_no_evaluation_for_the_60_percent_rule(title, found) -> None:
    rule = next(c for c in catalogue().checks if c.id == "CORPUS-THIRD-PARTY-WEIGHTS")
    r = rec("d.txt", "某县卫生健康局", kind="dept-overall")
    r["meta"]["title"] = title
    r["score"]["dimensions"] = [
        {"name": n, "weight": {"value": w, "evidence": {"quote": f"部门{n}（{w}分）", "page": None, "block": 6, "start": 0, "end": 8}}}
        for n, w in (("决策", 20), ("管理", 30), ("产出", 30), ("效益", 20))
    ]
    assert len(list(REGISTRY["CORPUS-THIRD-PARTY-WEIGHTS"](Context(r, None), rule))) == found


def test_who_wrote_a_shared_passage_decides_the_check() -> None:
    a = rec("a.txt", "某县教育局", project="学生资助", year=2023)
    assert kind_of(a, rec("b.txt", "某县卫生健康局", project="学生资助", year=2023)) == "COPY-NEAR-DUPLICATE"
    assert kind_of(a, rec("c.txt", "某县教育局", project="营养改善", year=2023)) == "COPY-NEAR-DUPLICATE"
    assert kind_of(a, rec("d.txt", "某县教育局", project="营养改善", year=2022)) == "CORPUS-REPEAT-YEAR"
    assert kind_of(a, rec("e.txt", "某县财政局", kind="evaluation-report", project="学生资助项目", year=2023)) is None
    assert kind_of(a, rec("f.txt", "某县教育局", project="学生资助", year=2023)) is None


def test_findings_on_one_passage_shared_with_two_reports_keep_their_own_keys() -> None:
    from pipeline.outputs.review import assign_keys

    ev = [{"block": 9, "start": 0, "end": 80}]
    make = lambda others: {"fingerprint": {"text": "ab" * 8}, "findings": [
        {"check": "COPY-NEAR-DUPLICATE", "evidence": ev, "involves": [o]} for o in others]}
    one, other = make(["/in/b.txt", "/in/c.txt"]), make(["/elsewhere/c.txt", "/in/b.txt"])
    assign_keys([one, other])
    assert len({f["key"] for f in one["findings"]}) == 2
    assert [f["key"] for f in one["findings"]] == [f["key"] for f in reversed(other["findings"])]


# ------------------------------------------------------------------------- shared passages, compactly


def datasketch_pairs(passages: dict[int, list[dict]], owner, p) -> tuple[set, int]:
    """The pairs as datasketch's MinHashLSH index gave them (the index the parent held before)."""
    from datasketch import LeanMinHash, MinHashLSH

    from pipeline.checks.across.passages import SCHEME, SEED, decode, shingles

    lsh = MinHashLSH(threshold=p.lsh_threshold, num_perm=p.num_perm)
    sigs = {}
    for r, ps in passages.items():
        for j, psg in enumerate(ps):
            sigs[(r, j)] = mh = LeanMinHash(seed=SEED, hashvalues=decode(psg["minhash"]), scheme=SCHEME)
            lsh.insert((r, j), mh)
    limit = max(p.template_min_units, -(-p.template_share * len({owner(r) for r in passages}) // 1))
    template = set()
    for table in lsh.hashtables:
        for bucket in table.keys():
            keys = table.get(bucket)
            if len(keys) > limit and len({owner(k[0]) for k in keys}) > limit:
                template.update(keys)
    pairs = set()
    for key, mh in sigs.items():
        for other in lsh.query(mh):
            if key in template or other <= key or other[0] == key[0] or other in template:
                continue
            a, b = (shingles(passages[k[0]][k[1]]["text"], p.shingle) for k in (key, other))
            if len(a & b) / len(a | b) >= p.min_similarity:
                pairs.add((key, other, round(len(a & b) / len(a | b), 3)))
    return pairs, len(template)


def test_shared_passages_found_from_signatures_on_disk_as_by_datasketchs_index(batch) -> None:
    from pipeline.checks.across.copies import params
    from pipeline.checks.across.names import unit_key
    from pipeline.checks.across.similar import Signatures, find_pairs

    src, out, truth = batch
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / ".cache").rglob("*.json"))]
    records = [r for r in records if r.get("passages")]
    owner = lambda i: unit_key(records[i]) or f"file:{records[i]['file']}"  # noqa: E731
    p = params(across.rule(across.COPY))
    sigs = Signatures(p.num_perm)
    for i, r in enumerate(records):
        sigs.add(i, r["passages"], owner(i))
    read = []  # the records whose passages' texts are read back: those of candidate pairs only

    def passages_of(indexes):
        read.extend(indexes)
        return ((i, records[i]["passages"]) for i in indexes)

    pairs, template, quoted = find_pairs(sigs, passages_of, p)
    expected, expected_template = datasketch_pairs({i: r["passages"] for i, r in enumerate(records)}, owner, p)
    assert {(x.a, x.b, x.similarity) for x in pairs} == expected and len(pairs) == 4 + 2
    assert template == expected_template > 40  # the template and policy paragraphs of every report
    assert len(sigs) == sum(len(r["passages"]) for r in records) and 0 < len(read) < len(records) / 2
    a = pairs[0].a
    assert quoted[a]["text"] == records[a[0]]["passages"][a[1]]["text"] and "minhash" not in quoted[a]


def test_bands_are_those_datasketch_chooses() -> None:
    from datasketch.lsh import _optimal_param

    from pipeline.checks.across.similar import bands

    for threshold in (0.1, 0.3, 0.4, 0.5, 0.7, 0.9):
        for num_perm in (32, 64, 128):
            assert bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)
    assert bands(0.4, 64) == (16, 4)


def test_a_report_the_passage_checks_cannot_keep_stops_them_not_the_others(caplog) -> None:
    records = [rec(f"p{i}.txt", "某县民政局", project=f"项目{i}", total=100) for i in range(3)]
    records[1]["passages"] = [{"block": 3, "text": "一段没有签名的文字"}]  # no MinHash: cannot be kept
    stats = across.run(records)
    # copied passages are not looked for on part of the batch; the corpus checks still run
    assert "COPY-NEAR-DUPLICATE findings" not in stats and "CORPUS-REPEAT-YEAR findings" not in stats
    assert stats["CORPUS-ALL-FULL findings"] == 3
    assert "COPY-NEAR-DUPLICATE, CORPUS-REPEAT-YEAR: keeping record 1 failed" in caplog.text
