"""A report whose text layer spaces out every Chinese character ("项 目 支 出") reads as the report itself."""

from __future__ import annotations

from pathlib import Path

import regex

from helpers import SEED000, SEED001
from pipeline.parse import parse_file
from pipeline.readers.spaced import close_up, letter_spaced
from pipeline.record import extract_record

_HAN_PAIR = regex.compile(r"(\p{Han})(?=\p{Han})")


def _figures(rec: dict) -> dict:
    facts = {**rec["budget"], "total": rec["score"]["total"], "grade": rec["score"]["grade"], "year": rec["meta"]["year"]}
    return {k: (v or {}).get("value") if isinstance(v, dict) or v is None else v for k, v in facts.items()}


def test_a_letter_spaced_seed_reads_as_the_seed(tmp_path: Path) -> None:
    for seed in (SEED000, SEED001):
        text = seed.with_suffix(".txt").read_text(encoding="utf-8")
        path = tmp_path / f"{seed.stem}_spaced.txt"
        path.write_text(_HAN_PAIR.sub(r"\1 ", text), encoding="utf-8")
        spaced, plain = extract_record(parse_file(path)), extract_record(parse_file(seed.with_suffix(".txt")))
        assert _figures(spaced) == _figures(plain)
        assert spaced["budget"]["full_year"]["value"] is not None


def test_only_lines_spaced_throughout_are_closed_up() -> None:
    assert letter_spaced("预 算 执 行 率 为 98.6%，得 分 9.86 分")
    assert close_up("预 算 执 行 率 为 98.6%") == "预算执行率为 98.6%"  # a space before a figure is no letter spacing
    # cells and words a space apart, and a lone grade before a heading's numeral, stay as printed
    for line in ("项目名称 农村公路养护 实施单位 县交通运输局", "评价等次 中 三、评价人员", "得 分", "一级指标 分值 得分"):
        assert close_up(line) == line
    # cells of a spaced-out row keep the wider gaps between them
    assert close_up("年 度 资 金 总 额   1 2 0   1 1 8") == "年度资金总额   1 2 0   1 1 8"


def test_the_evidence_quotes_the_line_as_closed_up(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("二 〇 二 二 年 度 项 目 支 出 绩 效 自 评 报 告\n一 、 项 目 资 金 情 况\n全 年 预 算 数 为 120 万 元 ， 全 年 执 行 数 为 118 万 元 。\n", encoding="utf-8")
    parsed = parse_file(path)
    rec = extract_record(parsed)
    spent = rec["budget"]["spent"]
    assert str(spent["value"]) in ("1180000", "1180000.00") and spent["evidence"]["quote"] == "全年执行数为 118 万元"
    assert parsed.doc.blocks[spent["evidence"]["block"]].loc == {"line": 3}
