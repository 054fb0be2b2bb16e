"""The discrepancy workbook of a batch run: what an auditor filters, annotates, signs and sends back.

Sheets (Chinese headers, frozen header row, autofilter, numbers stored as numbers):

- 问题清单: one row per finding of each report counted once (byte copies and the same report in other
  formats are listed with it, not repeated), with its stable key (问题编号), the check's Chinese title and
  id, readable values, a citation (依据) and the reviewer's columns (复核状态 as a dropdown, 复核意见,
  复核人), carried over from the previous workbook by :mod:`pipeline.outputs.review`;
- 报告汇总: one row per input file, unreadable ones included with their error code and message;
- 汇总: findings by check and severity, by unit; reports by grade and execution band, with a chart;
- 预算: one row per readable file, every budget fact in 万元 (two decimals) with its quote and page;
- 得分: one row per scoring dimension, then the report's total and grade;
- 指标: one row per performance indicator;
- 已消失的问题: reviews whose finding no longer exists (or is not listed), so that no note is lost.

Printed on A4 landscape, fitted to the page width, header rows repeated, text wrapped with row heights
that show it; technical columns (ids, keys) are grouped and can be folded away.

A sheet that would pass Excel's row limit goes on in "问题清单(2)", "问题清单(3)" … with the same header.
Written with xlsxwriter in constant-memory mode (rows stream to disk), so a large corpus does not need the
whole workbook in memory; the file opens in Excel and WPS.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Literal

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from pipeline.outputs.citations import citation
from pipeline.outputs.lean_sheet import LeanWorkbook
from pipeline.outputs.recompute import (
    BUDGET_FIELDS,
    KIND_ZH,
    MONEY_FIELDS,
    SEVERITY_ZH,
    STATUS_ZH,
    as_text,
    budget_amount,
    error_of,
    evidence_pages,
    evidence_quotes,
    fact_evidence,
    fact_value,
    findings,
    items,
    reviewed_grade,
    reviewed_total,
    section,
    severity_counts,
    to_decimal,
    wan,
)
from pipeline.outputs.pairs import similar_pairs
from pipeline.outputs.review import STATES, ReviewState, VANISHED_SHEET
from pipeline.outputs.shown import shown
from pipeline.record import NOT_A_REPORT
from pipeline.same_report import counted

# Excel's rows per worksheet, header row included. A module constant so a test can lower it.
MAX_ROWS = 1_048_576
# Excel keeps at most this many hyperlinks on one worksheet; later file cells are written as plain text.
MAX_LINKS = 65_530
MAX_URL = 2_079  # characters Excel accepts in a link target
MAX_CELL = 32_767  # characters Excel accepts in a cell
MIN_WIDTH, PAD = 6, 2

Kind = Literal["text", "wrap", "money", "rate", "number", "link", "severity", "state"]
LINE_POINTS = 13.5  # height of one wrapped line at font size 10
MAX_ROW_POINTS = 409  # Excel's tallest row


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"
    max_width: int = 40
    comment: str | None = None  # shown on the header cell: what the column means when that is not obvious
    min_width: int = MIN_WIDTH  # the reviewer's columns start empty but need room to write in
    folded: bool = False  # technical: grouped, so that it can be folded away on screen and in print


@dataclass(frozen=True)
class Link:
    text: str
    target: str | None  # None: shown as text (no path, or too long for Excel)


@dataclass(frozen=True)
class Marked:
    """A value shown with a severity's colour (a count of errors, a failed read)."""

    value: Any
    severity: str


FINDING_COLUMNS = [
    Column("文件", "link", 28),
    Column("单位", "text", 14),
    Column("项目", "wrap", 16),
    Column("年度", "number", 6),
    Column("检查项", "wrap", 18, "检查内容（中文名称）；检查编号见右列"),
    Column("检查编号", "text", 16, folded=True),
    Column("严重程度", "severity", 8),
    Column("说明", "wrap", 44),
    Column("报告所述", "wrap", 14, "报告中所述的数值或等级（金额为万元）"),
    Column("复核计算", "wrap", 14, "按规则复核得出的数值或等级（金额为万元）"),
    Column("是否影响等级", "text", 8),
    Column("原文摘录", "wrap", 30),
    Column("页码", "number", 6),
    Column("依据", "wrap", 30, "可查阅的文件、条款或表样及其表述"),
    Column("涉及报告", "wrap", 24, "跨报告的检查：问题同时涉及的其他报告（雷同段落见“雷同段落”表）"),
    Column("规则编号", "text", 14, "规则手册（rulebook）中的编号", folded=True),
    Column("重复于", "wrap", 20, "内容完全相同的其他文件（问题只列一次）", folded=True),
    Column("同一报告", "wrap", 20, "同一报告的其他格式或几乎相同的重报文件（问题只列一次，以本文件为准）", folded=True),
    Column("复核状态", "state", 8, "复核人选择：待核 / 属实 / 不属实 / 已整改", min_width=8),
    Column("复核意见", "wrap", 24, "复核人填写：是否认可该问题及处理意见", min_width=24),
    Column("复核人", "text", 8, "复核人签名", min_width=8),
    Column("问题编号", "text", 30, "问题的稳定编号（报告内容、检查项、证据位置），重新运行时据此保留复核意见", folded=True),
]

SUMMARY_COLUMNS = [
    Column("文件", "link", 45),
    Column("状态", "severity", 18),
    Column("错误代码", "text", 22),
    Column("错误说明", "wrap", 50),
    Column("单位", "text", 24),
    Column("项目", "text", 30),
    Column("年度", "number", 8),
    Column("类型", "text", 22),
    Column("预算数(万元)", "money", 14, "全年预算数；未列全年预算数时为年初预算数"),
    Column("执行数(万元)", "money", 14),
    Column("执行率(%)", "rate", 10),
    Column("所述总分", "number", 10),
    Column("所述等级", "text", 10),
    Column("复核总分", "number", 10, "检查结果给出的应得总分（取其中最低者）；空白表示检查未重算总分"),
    Column("复核等级", "text", 10, "检查结果给出的应评等级；空白表示检查未改动等级"),
    Column("错误", "severity", 8),
    Column("警告", "severity", 8),
    Column("提示", "severity", 8),
    Column("重复于", "text", 30),
    Column("同一报告", "wrap", 30, "与之为同一报告的文件：以其为准计数，本文件的问题不再重复列出"),
    Column("评分方案", "text", 20, "复核采用的评分方案（jixiao rules profiles）"),
]

BUDGET_COLUMNS = [Column("文件", "text", 45)] + [
    col
    for field, label in BUDGET_FIELDS.items()
    for col in (
        Column(f"{label}(万元)" if field in MONEY_FIELDS else f"{label}(%)", "money" if field in MONEY_FIELDS else "rate", 14),
        Column(f"{label}原文", "wrap", 30),
        Column(f"{label}页码", "number", 8),
    )
]

SCORE_COLUMNS = [
    Column("文件", "text", 45),
    Column("名称", "text", 16),
    Column("分值", "number", 8),
    Column("得分", "number", 8),
    Column("得分率(%)", "rate", 10),
    Column("等级", "text", 8),
    Column("原文摘录", "wrap", 40),
    Column("页码", "number", 8),
]

INDICATOR_COLUMNS = [
    Column("文件", "text", 45),
    Column("一级", "text", 12),
    Column("二级", "text", 14),
    Column("三级/名称", "wrap", 36),
    Column("指标值", "text", 18),
    Column("实际完成值", "text", 18),
    Column("完成率(%)", "rate", 10),
    Column("分值", "number", 8),
    Column("得分", "number", 8),
    Column("偏差原因", "wrap", 40),
    Column("原文摘录", "wrap", 40),
    Column("页码", "number", 8),
]


SIMILAR_SHEET = "雷同段落"
SIMILAR_COLUMNS = [
    Column("检查项", "wrap", 16),
    Column("检查编号", "text", 16, folded=True),
    Column("相似度", "rate", 8, "两段文字按字符三元组计算的Jaccard相似度（%）"),
    Column("报告甲", "link", 26),
    Column("单位甲", "text", 14),
    Column("位置甲", "text", 8),
    Column("段落甲", "wrap", 44),
    Column("报告乙", "link", 26),
    Column("单位乙", "text", 14),
    Column("位置乙", "text", 8),
    Column("段落乙", "wrap", 44),
    Column("编号", "text", 14, "雷同段落对的编号（两份报告的问题清单中同一对段落的问题据此对应）", folded=True),
]

VANISHED_COLUMNS = [
    Column("问题编号", "text", 30),
    Column("文件", "text", 28),
    Column("检查编号", "text", 16),
    Column("检查项", "wrap", 18),
    Column("说明", "wrap", 44),
    Column("原文摘录", "wrap", 30),
    Column("页码", "text", 6),
    Column("复核状态", "state", 8, min_width=8),
    Column("复核意见", "wrap", 24, min_width=24),
    Column("复核人", "text", 8, min_width=8),
    Column("原因", "wrap", 30, "为何列在此处：问题已不再出现，或仍存在但未列入问题清单"),
]

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def shown_findings(rec: dict, min_severity: str = "info") -> list[dict]:
    """The findings of a record the workbook lists: counted reports only, at or above ``min_severity``."""
    if not counted(rec):
        return []
    limit = SEVERITY_RANK.get(min_severity, 2)
    return [f for f in findings(rec) if SEVERITY_RANK.get(str(f.get("severity")), 2) <= limit]


def sheets(
    records: Iterable[dict], links: _Linker, reviews: ReviewState | None = None, min_severity: str = "info"
) -> list[tuple[str, list[Column], Callable[[], Iterable[list]]]]:
    """Every sheet of the workbook (name, columns, rows); the CSV export writes the same tables."""
    reviews = reviews or ReviewState()
    return [
        ("问题清单", FINDING_COLUMNS, lambda: _finding_rows(records, links, reviews, min_severity)),
        ("报告汇总", SUMMARY_COLUMNS, lambda: _summary_rows(records, links)),
        ("汇总", OVERVIEW_COLUMNS, lambda: _overview_rows(records, min_severity)),
        ("预算", BUDGET_COLUMNS, lambda: _budget_rows(records)),
        ("得分", SCORE_COLUMNS, lambda: _score_rows(records)),
        ("指标", INDICATOR_COLUMNS, lambda: _indicator_rows(records)),
        (SIMILAR_SHEET, SIMILAR_COLUMNS, lambda: _similar_rows(records, links)),
        (VANISHED_SHEET, VANISHED_COLUMNS, lambda: _vanished_rows(reviews)),
    ]


def write(
    records: Iterable[dict],
    path: Path,
    *,
    source_root: Path | None = None,
    reviews: ReviewState | None = None,
    min_severity: str = "info",
) -> None:
    """Write the workbook to ``path`` (replaced if it exists).

    Relative ``file`` paths in the records are taken relative to ``source_root`` (default: the current
    folder, where ``jixiao run`` was started), and linked relative to the workbook's folder. ``reviews``
    are the reviewers' entries carried from the previous workbook; each finding needs its ``key``
    (:func:`pipeline.outputs.review.assign_keys`), which is given here when missing.
    """
    records = _Keyed(records)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    links = _Linker(path.parent, source_root or Path.cwd())
    # written aside and moved into place, so a failed run never leaves half a workbook behind
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # zip64 only switches on for parts over 4 GB, which a sheet near a million rows can reach
    # (a workbook whose worksheets keep nothing of a written row: pipeline.outputs.lean_sheet)
    book = LeanWorkbook(os.fspath(tmp), {"constant_memory": True, "use_zip64": True})
    try:
        book.set_properties({"title": "绩效自评报告复核问题清单", "comments": "jixiao run"})
        styles = _Styles(book)
        for name, columns, rows in sheets(records, links, reviews, min_severity):
            sheet = _Sheet(book, styles, name, columns)
            for row in rows():
                sheet.add(row)
            if name == "汇总":
                _overview_chart(book, sheet)
            sheet.close()
        book.close()
        os.replace(tmp, path)
    finally:
        if not book.fileclosed:
            with contextlib.suppress(Exception):
                book.close()  # the only public way to release the row temp files; the result is discarded
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


class _Keyed:
    """The records, each with its findings keyed (a caller's records may come without keys), read afresh
    on every pass: each sheet is one pass, and rows are written in order (constant-memory mode)."""

    def __init__(self, records: Iterable[dict]):
        self.records = records

    def __iter__(self) -> Iterator[dict]:
        from pipeline.outputs.review import assign_keys

        for rec in self.records:
            if any("key" not in f for f in findings(rec)):
                assign_keys([rec])
            yield rec


# ---------------------------------------------------------------------------------------------- rows


def _finding_rows(
    records: Iterable[dict], links: _Linker, reviews: ReviewState, min_severity: str
) -> Iterator[list]:
    for rec in records:
        meta = section(rec, "meta")
        for f in shown_findings(rec, min_severity):
            pages = evidence_pages(f.get("evidence"))
            cite = citation(f.get("check"))
            review = reviews.of(f)
            yield [
                links.link(rec.get("file")),
                meta.get("unit"),
                meta.get("project"),
                meta.get("year"),
                check_title(f.get("check")),
                f.get("check"),
                f.get("severity"),
                plain_message(f.get("message")),
                shown(f.get("stated"), cite.values, f.get("facts")),
                shown(f.get("expected"), cite.values, f.get("facts")),
                "是" if f.get("grade_changing") else "否",
                "\n".join(_shown_quote(q) for q in evidence_quotes(f.get("evidence"))),
                _pages_cell(pages),
                cite.basis or f.get("source"),
                "\n".join(map(str, f.get("involves") or [])) or None,
                cite.rulebook,
                "\n".join(rec.get("duplicates") or []) or None,
                "\n".join(rec.get("same_report") or []) or None,
                (review.state if review and review.state else STATES[0]),
                review.note if review else None,
                review.reviewer if review else None,
                f.get("key"),
            ]


def _similar_rows(records: Iterable[dict], links: _Linker) -> Iterator[list]:
    """One row per pair of shared passages, both quoted, both reports linked."""
    for p in similar_pairs(records):
        a, b = p["a"], p["b"]
        yield [
            check_title(p.get("check")),
            p.get("check"),
            Decimal(str(p.get("similarity") or 0)) * 100,
            links.link(a.get("file")),
            a.get("unit"),
            a.get("where"),
            a.get("text"),
            links.link(b.get("file")),
            b.get("unit"),
            b.get("where"),
            b.get("text"),
            p.get("id"),
        ]


def _vanished_rows(reviews: ReviewState) -> Iterator[list]:
    for r in reviews.vanished:
        c = r.context
        check = c.get("检查编号")
        yield [r.key, c.get("文件"), check, c.get("检查项") or check_title(check), c.get("说明"),
               c.get("原文摘录"), c.get("页码"), r.state or STATES[0], r.note, r.reviewer, r.why]


def check_title(check_id: Any) -> str | None:
    """The check's Chinese title from the catalogue (the id when the catalogue does not know it)."""
    from pipeline.checks.base import catalogue

    titles = {c.id: c.title for c in catalogue().checks}
    return titles.get(check_id, check_id) if isinstance(check_id, str) else None


def plain_message(message: Any) -> str | None:
    """The message without its ``[CHECK-ID]`` prefix (the id has its own column).

    >>> plain_message("[COPY-FOREIGN-TEXT] 报告的评价对象是…")
    '报告的评价对象是…'
    """
    if not isinstance(message, str):
        return None
    return _ID_PREFIX.sub("", message, count=1)


_ID_PREFIX = re.compile(r"^\[[A-Z0-9][A-Z0-9-]*\]\s*")


def _summary_rows(records: Iterable[dict], links: _Linker) -> Iterator[list]:
    for rec in records:
        meta, budget, err = section(rec, "meta"), section(rec, "budget"), error_of(rec)
        status = rec.get("status")
        counts = severity_counts(rec)
        yield [
            links.link(rec.get("file")),
            Marked(_status_text(status), {"error": "error", "partial": "warning", NOT_A_REPORT: "error"}.get(str(status), "")),
            err.get("code"),
            err.get("message"),
            meta.get("unit"),
            meta.get("project"),
            meta.get("year"),
            KIND_ZH.get(meta.get("kind"), meta.get("kind")),
            wan(budget_amount(rec)),
            wan(fact_value(budget.get("spent"))),
            fact_value(budget.get("execution_rate")),
            fact_value(section(rec, "score").get("total")),
            fact_value(section(rec, "score").get("grade")),
            reviewed_total(rec),
            reviewed_grade(rec),
            # another file's report: its findings are counted (and listed) with that file, never twice
            *(
                (Marked(counts.get(s, 0), s if counts.get(s) else "") if counted(rec) else None)
                for s in ("error", "warning", "info")
            ),
            rec.get("duplicate_of"),
            _same_report_cell(rec),
            "、".join(rec.get("profiles") or []) or None,
        ]


def _same_report_cell(rec: dict) -> str | None:
    if rec.get("same_report_as"):
        return f"与 {rec['same_report_as']} 为同一报告（以其为准）"
    if rec.get("same_report"):
        return "本文件为准；同一报告另见：" + "、".join(rec["same_report"])
    return None


OVERVIEW_COLUMNS = [
    Column("分类", "text", 16),
    Column("项目", "wrap", 36),
    Column("错误", "number", 8),
    Column("警告", "number", 8),
    Column("提示", "number", 8),
    Column("合计", "number", 8),
]
# execution bands of the overview: (label, lower bound inclusive, upper bound exclusive)
EXEC_BANDS = [("<60%", None, 60), ("60%-80%", 60, 80), ("80%-90%", 80, 90), ("90%-100%", 90, 100.0001),
              (">100%", 100.0001, None)]
GRADES = ("优", "良", "中", "差")


def _band(rate: Any) -> str:
    d = to_decimal(rate)
    if d is None:
        return "未读出"
    for label, lo, hi in EXEC_BANDS:
        if (lo is None or d >= Decimal(str(lo))) and (hi is None or d < Decimal(str(hi))):
            return label
    return "未读出"


def _overview_rows(records: Iterable[dict], min_severity: str = "info") -> Iterator[list]:
    """The 汇总 sheet: one table under another (the chart reads the grade × execution band table).

    Every count is over reports counted once (:func:`pipeline.same_report.counted`), in one pass.
    """
    by_check: dict[str, Counter] = {}
    by_unit: dict[str, Counter] = {}
    status: Counter = Counter()
    grid: dict[str, Counter] = {}
    files = linked = 0
    for rec in records:
        files += 1
        if not counted(rec):
            linked += 1
            continue
        unit = section(rec, "meta").get("unit") or "（未识别单位）"
        for f in shown_findings(rec, min_severity):
            sev = str(f.get("severity"))
            by_check.setdefault(str(f.get("check")), Counter())[sev] += 1
            by_unit.setdefault(unit, Counter())[sev] += 1
        status[str(rec.get("status"))] += 1
        if rec.get("status") in ("ok", "partial"):
            grade = fact_value(section(rec, "score").get("grade"))
            grid.setdefault(grade if grade in GRADES else "未读出", Counter())[
                _band(fact_value(section(rec, "budget").get("execution_rate")))
            ] += 1
    if not files:
        return

    def counts(c: Counter) -> list:
        return [c.get("error", 0), c.get("warning", 0), c.get("info", 0), sum(c.values())]

    for check, c in sorted(by_check.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        yield ["按检查项", f"{check_title(check)}（{check}）", *counts(c)]
    yield [None] * 6
    yield ["按单位", "单位", "错误", "警告", "提示", "合计"]
    for unit, c in sorted(by_unit.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        yield ["", unit, *counts(c)]
    yield [None] * 6
    yield ["报告", "状态", "份数", None, None, None]
    for st in ("ok", "partial", "not_report", "error"):
        yield ["", _status_text(st), status.get(st, 0), None, None, None]
    yield ["", "同一报告的其他文件（不重复计数）", linked, None, None, None]
    yield [None] * 6
    # grade × execution band: the table the chart draws; 优 at <60% is the pattern to look at
    bands = [b[0] for b in EXEC_BANDS] + ["未读出"]
    yield ["按等级与执行率", "预算执行率", *GRADES]  # 6 columns: the 未读出 grade is left out of the chart
    for band in bands:
        yield ["", band, *(grid.get(g, Counter()).get(band, 0) for g in GRADES)]


def _overview_chart(book: xlsxwriter.Workbook, sheet: _Sheet) -> None:
    """A stacked column chart of reports by execution band and grade, beside the tables."""
    assert sheet.ws is not None
    if sheet.parts or sheet.row <= len(EXEC_BANDS) + 2:
        return  # nothing to draw, or the table was split across worksheets
    last = sheet.row - 1  # the band rows are the last ones written
    first = last - len(EXEC_BANDS)
    chart = book.add_chart({"type": "column", "subtype": "stacked"})
    colours = {"优": "#2b8a3e", "良": "#1c7ed6", "中": "#e8590c", "差": "#862e9c"}
    for i, grade in enumerate(GRADES):
        col = 2 + i
        chart.add_series({
            "name": grade,
            "categories": [sheet.ws.name, first, 1, last, 1],
            "values": [sheet.ws.name, first, col, last, col],
            "fill": {"color": colours[grade]},
        })
    chart.set_title({"name": "报告按预算执行率与所述等级"})
    chart.set_x_axis({"name": "预算执行率"})
    chart.set_y_axis({"name": "报告份数", "major_gridlines": {"visible": True}})
    sheet.ws.insert_chart(1, len(sheet.columns) + 1, chart, {"x_scale": 1.3, "y_scale": 1.3})


def _budget_rows(records: Iterable[dict]) -> Iterator[list]:
    for rec in records:
        if rec.get("status") == "error":
            continue  # nothing was read; 报告汇总 says why
        budget = section(rec, "budget")
        row: list[Any] = [rec.get("file")]
        for field in BUDGET_FIELDS:
            fact = budget.get(field)
            value = fact_value(fact)
            ev = fact_evidence(fact)
            row += [wan(value) if field in MONEY_FIELDS else value, _shown_quote(ev.get("quote")), ev.get("page")]
        yield row


def _score_rows(records: Iterable[dict]) -> Iterator[list]:
    for rec in records:
        score, file = section(rec, "score"), rec.get("file")
        for dim in items(score, "dimensions"):
            weight, got, rate = dim.get("weight"), dim.get("score"), dim.get("rate")
            ev = fact_evidence(got) or fact_evidence(weight) or fact_evidence(rate)
            yield [file, dim.get("name"), fact_value(weight), fact_value(got), fact_value(rate), None,
                   _shown_quote(ev.get("quote")), ev.get("page")]
        total, grade = score.get("total"), score.get("grade")
        if total is not None:
            ev = fact_evidence(total)
            yield [file, "总分", fact_value(score.get("total_weight")), fact_value(total), None, None,
                   _shown_quote(ev.get("quote")), ev.get("page")]
        if grade is not None:
            ev = fact_evidence(grade)
            yield [file, "等级", None, None, None, fact_value(grade), _shown_quote(ev.get("quote")), ev.get("page")]


def _indicator_rows(records: Iterable[dict]) -> Iterator[list]:
    for rec in records:
        for ind in items(rec, "indicators"):
            ev = ind.get("evidence") if isinstance(ind.get("evidence"), dict) else {}
            yield [
                rec.get("file"),
                ind.get("level1"),
                ind.get("level2"),
                ind.get("name"),
                _quantity_text(ind.get("target")),
                _quantity_text(ind.get("actual")),
                fact_value(ind.get("completion")),
                fact_value(ind.get("weight")),
                fact_value(ind.get("score")),
                ind.get("deviation_reason"),
                _shown_quote(ev.get("quote")),
                ev.get("page"),
            ]


def _quantity_text(q: Any) -> str | None:
    if not isinstance(q, dict):
        return None
    return q.get("text") or (None if q.get("value") is None else str(q.get("value")))


def _status_text(status: Any) -> str:
    zh = STATUS_ZH.get(str(status))
    return f"{zh} ({status})" if zh else str(status or "")


def _pages_cell(pages: list[int]) -> int | str | None:
    # one page stays a number (filterable, sortable); several are listed as text
    if not pages:
        return None
    return pages[0] if len(pages) == 1 else ", ".join(map(str, sorted(pages)))


def _shown_quote(quote: Any) -> str | None:
    # a quote from a table row keeps its cells apart: Excel shows a tab as nothing at all
    return quote.replace("\t", "  ") if isinstance(quote, str) else None


# -------------------------------------------------------------------------------------------- links


class _Linker:
    """Hyperlinks from the workbook to the report files."""

    def __init__(self, book_dir: Path, source_root: Path):
        self.book_dir = Path(os.path.abspath(book_dir))
        self.source_root = source_root

    def link(self, file: Any) -> Link | None:
        if not isinstance(file, str) or not file:
            return None
        return Link(file, self.target(file))

    def target(self, file: str) -> str | None:
        p = Path(file)
        # abspath, not resolve: link the file where it was given, even through a symlinked folder
        p = Path(os.path.abspath(p if p.is_absolute() else self.source_root / p))
        if p.is_symlink():
            return None  # a link to a symlink opens wherever it leads, out of the input folder too
        try:
            # relative, so the link survives moving the output and input folders together
            url = "external:" + _escape_link(os.path.relpath(p, self.book_dir))
        except ValueError:  # another drive on Windows: no relative path exists
            url = "file:///" + _escape_link(str(p))
        return url if _utf16_len(url) <= MAX_URL else None


# Excel's own escaping of file links; '#' must go too or xlsxwriter reads the rest as a cell anchor, and
# once a '%XX' is present xlsxwriter escapes nothing further, so everything is escaped here.
_LINK_ESCAPES = [("%", "%25"), ('"', "%22"), (" ", "%20"), ("<", "%3c"), (">", "%3e"), ("[", "%5b"),
                 ("]", "%5d"), ("^", "%5e"), ("`", "%60"), ("{", "%7b"), ("}", "%7d"), ("#", "%23")]


def _escape_link(path: str) -> str:
    for char, code in _LINK_ESCAPES:
        path = path.replace(char, code)
    return path


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


# ------------------------------------------------------------------------------------------- sheets


class _Styles:
    """The workbook's formats, made once (xlsxwriter keeps every format object in the file)."""

    SEVERITY_COLOURS: ClassVar[dict[str, tuple[str, str]]] = {
        "error": ("#FFC7CE", "#9C0006"),  # red fill, Excel's "bad"
        "warning": ("#FFEB9C", "#9C5700"),  # amber, Excel's "neutral"
        "info": ("#DCE3EC", "#333F50"),  # blue-grey
    }

    def __init__(self, book: xlsxwriter.Workbook):
        base = {"valign": "top", "font_size": 10}
        self.header = book.add_format({**base, "bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True})
        self.by_kind: dict[str, Format] = {
            "text": book.add_format(base),
            "wrap": book.add_format({**base, "text_wrap": True}),
            "money": book.add_format({**base, "num_format": "0.00"}),
            "rate": book.add_format({**base, "num_format": "0.00"}),
            "number": book.add_format(base),
            "severity": book.add_format(base),
            "state": book.add_format({**base, "bg_color": "#FFF9DB", "border": 1, "border_color": "#BFBFBF"}),
            "link": book.add_format({**base, "font_color": "blue", "underline": 1}),
        }
        self.severity = {
            sev: book.add_format({**base, "bg_color": fill, "font_color": font})
            for sev, (fill, font) in self.SEVERITY_COLOURS.items()
        }


class _Sheet:
    """One logical sheet, written row by row, continued on new worksheets at the row limit."""

    def __init__(self, book: xlsxwriter.Workbook, styles: _Styles, name: str, columns: Sequence[Column]):
        self.book, self.styles, self.name, self.columns = book, styles, name, list(columns)
        self.widths = [display_width(c.header) for c in self.columns]
        self.parts: list[tuple[Worksheet, int]] = []  # worksheet, rows written (header included)
        self.ws: Worksheet | None = None
        self.row = 0
        self.links = 0
        self._start_part()

    def add(self, values: Sequence[Any]) -> None:
        if self.row >= MAX_ROWS:
            self._end_part()
            self._start_part()
        assert self.ws is not None
        lines = max((self._lines(column, v) for column, v in zip(self.columns, values, strict=True)), default=1)
        if lines > 1:  # set before the cells: constant-memory mode writes a row once it is left
            self.ws.set_row(self.row, min(lines * LINE_POINTS, MAX_ROW_POINTS))
        for col, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            self._cell(col, column, value)
        self.row += 1

    @staticmethod
    def _lines(column: Column, value: Any) -> int:
        """Lines a wrapped cell takes at its column's width (CJK counted double)."""
        if column.kind != "wrap" or not isinstance(value, str) or not value:
            return 1
        room = max(column.max_width + PAD - 1, 4)
        return sum(max(1, -(-display_width(line[:2000]) // room)) for line in value[:20000].split("\n"))

    def close(self) -> None:
        self._end_part()
        for ws, _ in self.parts:
            for col, column in enumerate(self.columns):
                width = min(max(self.widths[col] + PAD, column.min_width), column.max_width + PAD)
                ws.set_column(col, col, width, None, {"level": 1} if column.folded else {})

    def _start_part(self) -> None:
        n = len(self.parts) + 1
        self.ws = self.book.add_worksheet(self.name if n == 1 else f"{self.name}({n})")
        self.row, self.links = 0, 0
        for col, column in enumerate(self.columns):
            self.ws.write_string(0, col, column.header, self.styles.header)
            if column.comment:
                self.ws.write_comment(0, col, column.comment, {"x_scale": 2, "y_scale": 1.2})
        self.ws.freeze_panes(1, 0)
        self.ws.repeat_rows(0)  # printed pages repeat the header
        self.ws.set_landscape()
        self.ws.set_paper(9)  # A4
        self.ws.fit_to_pages(1, 0)  # as wide as the page, as many pages long as it takes
        self.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        self.ws.set_header(f"&L&\"宋体\"{self.name}&R&D")
        self.ws.set_footer("&C第 &P 页，共 &N 页")
        # wrapped columns get their full width from the start, so that row heights can be computed
        for col, column in enumerate(self.columns):
            if column.kind == "wrap":
                self.widths[col] = column.max_width
            if column.kind == "state":
                self.ws.data_validation(1, col, MAX_ROWS - 1, col, {
                    "validate": "list", "source": list(STATES),
                    "error_title": "复核状态", "error_message": "请选择：" + "、".join(STATES),
                })
        self.row = 1

    def _end_part(self) -> None:
        assert self.ws is not None
        last = max(self.row - 1, 0)
        if self.name != "汇总":  # stacked tables: a filter would mix them
            self.ws.autofilter(0, 0, last, len(self.columns) - 1)
        self.parts.append((self.ws, self.row))

    def _cell(self, col: int, column: Column, value: Any) -> None:
        assert self.ws is not None
        fmt = self.styles.by_kind[column.kind]
        if isinstance(value, Marked):
            fmt = self.styles.severity.get(value.severity, self.styles.by_kind["text"])
            value = value.value
        elif column.kind == "severity" and isinstance(value, str):
            fmt = self.styles.severity.get(value, self.styles.by_kind["text"])
            value = SEVERITY_ZH.get(value, value)
        if isinstance(value, Link):
            self._link(col, value, fmt)
            return
        number = to_decimal(value)
        if number is not None and not math.isfinite(float(number)):
            number, value = None, format(number, "E")  # past a double's range: shown, not computed with
        if number is not None:
            self.ws.write_number(self.row, col, float(number), fmt)
            self._measure(col, _shown_number(number, column.kind))
        elif isinstance(value, str):
            text = value if len(value) <= MAX_CELL else value[: MAX_CELL - 1] + "…"
            if text:
                self.ws.write_string(self.row, col, text, fmt)
                self._measure(col, text)
        elif value is not None and not isinstance(value, bool):
            text = as_text(value) or ""  # a structure a future check put in expected/stated: show it
            self.ws.write_string(self.row, col, text[:MAX_CELL], fmt)
            self._measure(col, text)

    def _link(self, col: int, link: Link, fmt: Format) -> None:
        assert self.ws is not None
        if link.target is not None and self.links < MAX_LINKS:
            self.ws.write_url(self.row, col, link.target, fmt, string=link.text)
            self.links += 1
        else:
            self.ws.write_string(self.row, col, link.text, self.styles.by_kind["text"])
        self._measure(col, link.text)

    def _measure(self, col: int, text: str) -> None:
        cap = self.columns[col].max_width
        if self.widths[col] >= cap:
            return  # already as wide as the column may get: spare the counting on large runs
        longest = max((display_width(line[: 2 * cap]) for line in text.split("\n")), default=0)
        self.widths[col] = max(self.widths[col], longest)


def _shown_number(d: Decimal, kind: str) -> str:
    return f"{d:.2f}" if kind in ("money", "rate") else format(d.normalize(), "f")


def display_width(text: str) -> int:
    """Columns a text takes in Excel: CJK and full-width characters count double.

    >>> display_width("预算执行率"), display_width("abc"), display_width("9.84分")
    (10, 3, 6)
    """
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
