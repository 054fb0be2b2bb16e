"""A doc-sharing site's copy, its text cut into numbered chunks ("1、", "2、" …) wherever a fixed length ran out,
reads as the report: the numbers go, and a label or a figure cut by a chunk is whole again."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipeline.parse import parse_file
from pipeline.quantity import find_quantities
from pipeline.record import extract_record

FILLER = "本单位严格执行项目资金管理办法，专款专用，按进度拨付资金，确保项目顺利实施并按期完成建设任务" * 3


def _chunked(tmp_path: Path, parts: list[str]) -> Path:
    path = tmp_path / "doc.txt"
    path.write_text("《某县项目绩效自评报告.docx》请在文库网上搜索。\n" + "\n".join(f"{n}、{p}" for n, p in enumerate(parts, 1)) + "\n", encoding="utf-8")
    return path


def test_a_figure_cut_by_a_chunk_is_whole_again(tmp_path):
    parts = ["2022年度农村公路养护项目绩效自评报告。" + FILLER + "全年预算数120万元，全年执行数11",
             "8.5万元，预算执行率98.75%。" + FILLER + "项目实际到位资",
             "金120万元。" + FILLER]
    parsed = parse_file(_chunked(tmp_path, parts))
    rec = extract_record(parsed)
    assert Decimal(str(rec["budget"]["spent"]["value"])) == Decimal("1185000")
    assert Decimal(str(rec["budget"]["received"]["value"])) == Decimal("1200000")
    assert rec["budget"]["execution_rate"]["value"] == Decimal("98.75")
    # the figure is quoted as printed, from the line the chunk began on
    spent = rec["budget"]["spent"]["evidence"]
    assert spent["quote"] == "全年执行数118.5万元" and parsed.doc.blocks[spent["block"]].loc == {"line": 2}
    assert not any(b.text.startswith(("2、", "3、")) for b in parsed.doc.blocks)


def test_the_reports_own_numbered_items_stay(tmp_path):
    text = "一、主要做法\n1、加强组织领导。\n2、规范资金管理。\n3、强化绩效监控。\n"
    path = tmp_path / "items.txt"
    path.write_text(text, encoding="utf-8")
    assert [b.text for b in parse_file(path).doc.blocks][1:] == ["1、加强组织领导。", "2、规范资金管理。", "3、强化绩效监控。"]


def test_ocr_letters_are_digits_only_in_a_run_mostly_of_digits():
    assert [q.value for q in find_quantities("支出1O5.5万元，培训I26人")] == [Decimal("105.5"), Decimal("126")]
    # "IOI1I3" for 1011.13, its point lost as well: no figure to trust
    assert find_quantities("报账支出IOI1I3万元") == []
