"""The discrepancy workbook of a batch run: what an auditor filters, annotates, signs and sends back.

Sheets (Chinese headers, frozen header row, autofilter, numbers stored as numbers):

- 问题清单: one row per finding, with a link to the report file and two empty columns for the reviewer
  (复核意见, 复核人);
- 报告汇总: one row per input file, unreadable ones included with their error code and message;
- 预算: one row per readable file, every budget fact in 万元 (two decimals) with its quote and page;
- 得分: one row per scoring dimension, then the report's total and grade;
- 指标: one row per performance indicator.

A sheet that would pass Excel's row limit goes on in "问题清单(2)", "问题清单(3)" … with the same header.
Written with xlsxwriter in constant-memory mode (rows stream to disk), so a large corpus does not need the
whole workbook in memory; the file opens in Excel and WPS.
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Literal

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

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

# Excel's rows per worksheet, header row included. A module constant so a test can lower it.
MAX_ROWS = 1_048_576
# Excel keeps at most this many hyperlinks on one worksheet; later file cells are written as plain text.
MAX_LINKS = 65_530
MAX_URL = 2_079  # characters Excel accepts in a link target
MAX_CELL = 32_767  # characters Excel accepts in a cell
MIN_WIDTH, PAD = 6, 2

Kind = Literal["text", "wrap", "money", "rate", "number", "link", "severity"]


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"
    max_width: int = 40
    comment: str | None = None  # shown on the header cell: what the column means when that is not obvious
    min_width: int = MIN_WIDTH  # the reviewer's columns start empty but need room to write in


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
    Column("文件", "link", 45),
    Column("单位", "text", 24),
    Column("项目", "text", 30),
    Column("年度", "number", 8),
    Column("检查项", "text", 24),
    Column("严重程度", "severity", 10),
    Column("说明", "wrap", 60),
    Column("报告所述", "number", 16, "报告中所述的数值或等级"),
    Column("复核计算", "number", 16, "按规则复核得出的数值或等级（金额单位为元，执行率、得分率为%）"),
    Column("是否影响等级", "text", 12),
    Column("原文摘录", "wrap", 50),
    Column("页码", "number", 8),
    Column("依据", "wrap", 30),
    Column("重复于", "text", 30, "与该文件内容相同的另一文件；相同报告的问题会重复出现"),
    Column("复核意见", "wrap", 40, "复核人填写：是否认可该问题及处理意见", min_width=30),
    Column("复核人", "text", 12, "复核人签名", min_width=10),
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


def write(records: list[dict], path: Path, *, source_root: Path | None = None) -> None:
    """Write the workbook to ``path`` (replaced if it exists).

    Relative ``file`` paths in the records are taken relative to ``source_root`` (default: the current
    folder, where ``jixiao run`` was started), and linked relative to the workbook's folder.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    links = _Linker(path.parent, source_root or Path.cwd())
    # written aside and moved into place, so a failed run never leaves half a workbook behind
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # zip64 only switches on for parts over 4 GB, which a sheet near a million rows can reach
    book = xlsxwriter.Workbook(os.fspath(tmp), {"constant_memory": True, "use_zip64": True})
    try:
        book.set_properties({"title": "绩效自评报告复核问题清单", "comments": "jixiao run"})
        styles = _Styles(book)
        sheets: list[tuple[str, list[Column], Callable[[], Iterable[list]]]] = [
            ("问题清单", FINDING_COLUMNS, lambda: _finding_rows(records, links)),
            ("报告汇总", SUMMARY_COLUMNS, lambda: _summary_rows(records, links)),
            ("预算", BUDGET_COLUMNS, lambda: _budget_rows(records)),
            ("得分", SCORE_COLUMNS, lambda: _score_rows(records)),
            ("指标", INDICATOR_COLUMNS, lambda: _indicator_rows(records)),
        ]
        for name, columns, rows in sheets:
            sheet = _Sheet(book, styles, name, columns)
            for row in rows():
                sheet.add(row)
            sheet.close()
        book.close()
        os.replace(tmp, path)
    finally:
        if not book.fileclosed:
            with contextlib.suppress(Exception):
                book.close()  # the only public way to release the row temp files; the result is discarded
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


# ---------------------------------------------------------------------------------------------- rows


def _finding_rows(records: Iterable[dict], links: _Linker) -> Iterator[list]:
    for rec in records:
        meta = section(rec, "meta")
        for f in findings(rec):
            pages = evidence_pages(f.get("evidence"))
            yield [
                links.link(rec.get("file")),
                meta.get("unit"),
                meta.get("project"),
                meta.get("year"),
                f.get("check"),
                f.get("severity"),
                f.get("message"),
                f.get("stated"),
                f.get("expected"),
                "是" if f.get("grade_changing") else "否",
                "\n".join(_shown_quote(q) for q in evidence_quotes(f.get("evidence"))),
                _pages_cell(pages),
                f.get("source"),
                rec.get("duplicate_of"),
                None,
                None,
            ]


def _summary_rows(records: Iterable[dict], links: _Linker) -> Iterator[list]:
    for rec in records:
        meta, budget, err = section(rec, "meta"), section(rec, "budget"), error_of(rec)
        status = rec.get("status")
        counts = severity_counts(rec)
        yield [
            links.link(rec.get("file")),
            Marked(_status_text(status), {"error": "error", "partial": "warning"}.get(str(status), "")),
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
            *(Marked(counts.get(s, 0), s if counts.get(s) else "") for s in ("error", "warning", "info")),
            rec.get("duplicate_of"),
        ]


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
        for col, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            self._cell(col, column, value)
        self.row += 1

    def close(self) -> None:
        self._end_part()
        for ws, _ in self.parts:
            for col, column in enumerate(self.columns):
                width = min(max(self.widths[col] + PAD, column.min_width), column.max_width + PAD)
                ws.set_column(col, col, width)

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
        self.row = 1

    def _end_part(self) -> None:
        assert self.ws is not None
        last = max(self.row - 1, 0)
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
