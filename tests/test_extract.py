"""Extraction on the real seed reports, in all three formats, with the evidence where it was printed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import SEED000, SEED001
from pipeline.parse import parse_file
from pipeline.record import extract_record


def _extract(path):
    parsed = parse_file(path)
    assert parsed.status == "ok", parsed.error
    return parsed.doc, extract_record(parsed)


@pytest.fixture(scope="module", params=[".txt", ".docx", ".pdf"])
def seed001(request):
    return request.param, *_extract(SEED001.with_suffix(request.param))


@pytest.fixture(scope="module", params=[".txt", ".docx", ".pdf"])
def seed000(request):
    return request.param, *_extract(SEED000.with_suffix(request.param))


def test_seed001_budget(seed001) -> None:
    suffix, doc, rec = seed001
    b = rec["budget"]
    assert b["initial"]["value"] == 6627700 and b["initial"]["evidence"]["quote"] == "年初预算数662.77万元"
    assert b["full_year"]["value"] == 6627700
    assert b["spent"]["value"] == 166700 and b["spent"]["evidence"]["quote"] == "全年执行数16.67万元"
    assert b["execution_rate"]["value"] == 2.52
    assert b["balance"] is None
    # Every place that states the spending is kept, including the "实际总投入662.77万元" the checker will
    # hold against 16.67.
    assert sorted(m["value"] for m in b["spent"]["mentions"]) == [166700, 166700, 6627700]
    # The quote is the text as printed, found in the block the evidence names.
    for fact in b.values():
        if fact is None:
            continue
        ev = fact["evidence"]
        assert doc.blocks[ev["block"]].raw[ev["start"] : ev["end"]] == ev["quote"]
    block = doc.blocks[b["initial"]["evidence"]["block"]]
    if suffix == ".txt":
        assert block.loc == {"line": 12}
    elif suffix == ".docx":
        assert block.loc == {"paragraph": 12}


def test_seed001_rate_on_the_page_it_was_printed(seed001) -> None:
    suffix, doc, rec = seed001
    mentions = rec["budget"]["execution_rate"]["mentions"]
    assert [m["value"] for m in mentions] == [2.52, 2.52]
    second = mentions[1]["evidence"]
    if suffix == ".pdf":
        assert second["page"] == 6
        assert second["quote"] == "预算执行率\n为2.52%"  # the PDF wrapped the sentence here
        assert mentions[0]["evidence"]["page"] == 1
    else:
        assert second["page"] is None and second["quote"] == "预算执行率为2.52%"


def test_seed001_scores(seed001) -> None:
    suffix, _, rec = seed001
    s = rec["score"]
    assert s["total"]["value"] == 91.23
    assert s["grade"]["value"] == "优"
    assert s["framework"] == "four-dimension"
    dims = {d["name"]: tuple((d[k] or {}).get("value") for k in ("weight", "score", "rate")) for d in s["dimensions"]}
    assert dims == {"决策": (20, 20, 100), "过程": (20, 16.1, 80.5), "产出": (40, 35.13, 87.83), "效益": (20, 20, 100)}
    assert [(b["grade"], b["min"], b["max"]) for b in s["bands"]] == [("优", 90, 100), ("良", 80, 90), ("中", 60, 80), ("差", 0, 60)]
    assert [c["value"] for c in s["counts"]] == [6, 5, 9, 2]
    if suffix != ".txt":  # the DOCX and PDF carry the 综合评分表 as a real table too
        # the table's 合计 row (read as the form's total row, beside the scale 100) and the conclusion's sentence
        assert {m["rule"] for m in s["total"]["mentions"]} == {"fields:score.total", "tables:total"}


def test_seed001_indicators(seed001) -> None:
    _, _, rec = seed001
    inds = {i["name"]: i for i in rec["indicators"]}
    assert len(rec["indicators"]) == 11
    people = inds["退休人员社会化管理人数"]
    assert (people["level1"], people["level2"]) == ("产出指标", "数量指标")
    assert (people["target"]["op"], people["target"]["value"], people["target"]["unit"]) == (">=", 80000, "人")
    assert people["actual"]["value"] == 87411
    assert people["completion"]["value"] == 109.26
    assert people["deviation_reason"].startswith("退休人员日益增加")
    assert inds["资格认证人数"]["completion"]["value"] == 134.41
    assert inds["组织开展退休人员活动场次"]["actual"]["value"] == 12
    timely = inds["资金拨付及时率"]
    assert timely["level2"] == "时效指标" and timely["actual"]["value"] == 2.5 and timely["completion"]["value"] == 2.5
    cost = inds["活动每人的标准"]
    assert cost["target"]["text"] == "260元/人/年" and cost["target"]["value"] == 260
    happy = next(i for name, i in inds.items() if name.startswith("体现退休人员幸福感"))
    assert happy["target"]["qualitative"] and happy["actual"]["text"] == "逐步提高"
    assert inds["全区退休人员满意度"]["target"]["op"] == ">="


def test_seed000(seed000) -> None:
    suffix, doc, rec = seed000
    meta = rec["meta"]
    assert meta["year"] == 2023 and meta["kind"] == "self-report" and meta["region"] == "云南"
    assert meta["unit"] == "昆明市盘龙区人民政府金辰街道办事处"
    assert meta["project"] == "国有企业退休人员社会化管理专项补助资金"
    b = rec["budget"]
    assert b["full_year"]["value"] == 1510800 and b["spent"]["value"] == 1510800
    assert b["balance"]["value"] == 0 and b["balance"]["evidence"]["quote"] == "无结余"
    assert b["execution_rate"]["value"] == 100 and b["execution_rate"]["evidence"]["quote"] == "预算执行率达到100%"
    s = rec["score"]
    assert s["total"]["value"] == 96 and s["total"]["evidence"]["quote"] == "绩效自评分96.00分"
    assert s["grade"]["value"] == "优"
    # No breakdown is given: no dimensions, no scored indicator rows (the checker flags that). The outputs the
    # report states under its level labels ("1.产出指标：社会化管理工作覆盖范围9个社区，…") are rows with an
    # actual and nothing else.
    assert s["dimensions"] == []
    rows = {i["name"]: i for i in rec["indicators"]}
    assert {n: rows[n]["actual"]["text"] for n in rows} == {
        "社会化管理工作覆盖范围": "9个社区", "接收辖区退休人员": "超过385人", "国企退休人员及移交企业满意度": "超过80%"}
    assert all(i["target"] is None and i["score"] is None and i["weight"] is None for i in rows.values())
    if suffix == ".pdf":
        assert b["spent"]["evidence"]["page"] == 3


def test_amounts_are_exact_decimals() -> None:
    from pipeline.facts import jsonable

    assert jsonable(Decimal("662.77")) == 662.77 and repr(jsonable(Decimal("662.77"))) == "662.77"
    assert jsonable(Decimal("6627700.00")) == 6627700 and isinstance(jsonable(Decimal("6627700.00")), int)


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list("资金预算(（)）万元亿%分:： \t\u3000\n\rA1")), max_size=16))
def test_a_label_cell_is_read_as_its_pattern_reads_it(text: str) -> None:
    """The label cell reader tries the pattern's tail only where it can begin: same label, same unit."""
    from pipeline.extract.labelled import _LABEL_CELL, _label_cell

    m = _LABEL_CELL.match(text)
    assert _label_cell(text) == ((m.group("label"), m.group("unit")) if m else None)
