"""Normalisation of whole blocks and documents, on real report text."""

from __future__ import annotations

import pytest

from helpers import SEED001
from pipeline.normalize import normalize_text
from pipeline.parse import parse_file


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("４１８．２０万元", "418.20万元"),
        ("人数＞＝21,000人", "人数≥21000人"),
        ("≧ 95 ％", "≥ 95%"),
        ("1,236.45 万元", "1236.45万元"),
        ("18,462.375", "18462.375"),
        ("2,96.6.51万元", "2,96.6.51万元"),  # damaged: left for the parser to refuse, not guessed at
        ("预算执行率\n为2.52%", "预算执行率为2.52%"),
        ("“优”", "“优”"),
        ("（一）项目概况", "（一）项目概况"),
        ("<=24小时", "≤24小时"),
        ("\ufeff 一、基本情况\u3000", "一、基本情况"),
    ],
)
def test_block_text(raw: str, expected: str) -> None:
    assert normalize_text(raw).text == expected


def test_seed_figures_quote_back_to_the_printed_text() -> None:
    doc = parse_file(SEED001.with_suffix(".txt")).doc
    hits = doc.find("全年执行数16.67万元，预算执行率为2.52%")
    assert len(hits) == 1
    block, start, end = hits[0]
    assert block.loc == {"line": 14}
    assert block.raw[start:end] == "全年执行数16.67万元，预算执行率为2.52%"
    # The seed prints "662.77万元,，" with a stray ASCII comma; normalisation keeps it (not a thousands mark).
    assert "662.77万元,，全年执行数" in block.text
