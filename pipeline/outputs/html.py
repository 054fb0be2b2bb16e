"""The review pages of a batch run: static HTML an auditor opens from disk, with no network.

``report.html`` is the index: totals, the scatter plot of claimed score against 预算执行率 (优 at low
execution stands out), and a sortable, filterable table of the reports, one row per report counted once
(:mod:`pipeline.same_report`). Each report has its own page in ``report-pages/``: its facts, its findings
grouped by the paragraph or table they quote (the block shown once, every quote marked, tables drawn with
their merged cells), the reviewer's state carried from the workbook, and links that open the source file at
its page (``file.pdf#page=N``, which browsers' PDF viewers follow).

Everything is inline (CSS, SVG, a few lines of vanilla JS), because review machines are often offline and
a page that fetches nothing cannot leak the reports it shows. The index carries the reports as one compact
JSON array that the script draws the table from, and the plot as bare circles, so 10,000 reports stay well
under 2 MB. Only the blocks the findings quote are embedded (``evidence_blocks``), never whole documents.
Every string from a record goes through ``html.escape`` (or JSON with ``<`` escaped): report text is
untrusted input. A print stylesheet gives A4 pages without the filter controls.
"""

from __future__ import annotations

import heapq
import io
import json
import math
import os
import shutil
import tempfile
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from html import escape
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote as url_quote

SEVERITIES = ("error", "warning", "info")
SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_LABEL = {"ok": "正常", "partial": "部分读取", "error": "无法读取", "not_report": "非报告"}
STATUS_RANK = {"error": 0, "not_report": 0, "partial": 1, "ok": 2}
STATE_CLASS = {"待核": "pending", "属实": "confirmed", "不属实": "rejected", "已整改": "fixed"}
GRADES = ("优", "良", "中", "差")
# Standard bands of 财预〔2020〕10号; a report's own bands may differ, the checks judge those.
GRADE_FLOOR = {"优": 90, "良": 80, "中": 60, "差": 0}
# 差 is purple, not red: red is reserved for the ring that flags 优 at low execution.
GRADE_COLOUR = {"优": "#2b8a3e", "良": "#1c7ed6", "中": "#e8590c", "差": "#862e9c"}
NO_GRADE_COLOUR = "#868e96"
FLAG_COLOUR = "#e03131"
LOW_RATE = 60.0  # 优 with less than this share of the budget spent is the pattern the plot must expose
CONTEXT = 400  # characters kept on each side of the quotes in a long block
PAGES_DIR = "report-pages"
POINT_R = 4

# Plot geometry (SVG user units). Values above 100 go to a strip beyond the axis instead of stretching it,
# so one outlier cannot squash the 80-100 range where almost every report sits.
LEFT, TOP, PLOT_W, PLOT_H, OVER = 56, 12, 640, 400, 44
WIDTH = LEFT + PLOT_W + OVER + 84
HEIGHT = TOP + OVER + PLOT_H + 56
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def write(records: Iterable[dict], path: Path, min_severity: str = "info", source_root: Path | None = None) -> None:
    """Write the index to ``path`` and one page per report into ``report-pages/`` beside it (UTF-8).

    One pass over ``records``: each report's page is written as it comes, and its index row goes to a
    temporary file (:class:`_Index`), so that memory does not grow with the batch."""
    path = Path(path)
    folder = path.parent / PAGES_DIR
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    limit = SEVERITY_RANK.get(min_severity, 2)
    links = _SourceLinks(folder, source_root or Path.cwd())
    with _Index() as index:
        for i, rec in enumerate(records):
            index.files += 1
            d = _doc(i, rec, limit)
            if d.page:
                (folder / f"{d.anchor}.html").write_text(_report_page(d, links), encoding="utf-8")
                index.add(_for_index(d))
        with open(path, "w", encoding="utf-8") as out:
            index.write(out)


def render(records: list[dict], min_severity: str = "info") -> str:
    """The index page as a string."""
    docs = _docs(records, min_severity)
    return _index([d for d in docs if d.page], len(docs))


def render_report(records: list[dict], file: str, min_severity: str = "info") -> str:
    """One report's page as a string (links to sources relative to the current folder)."""
    docs = _docs(records, min_severity)
    d = next(d for d in docs if d.file == file)
    return _report_page(d, _SourceLinks(Path.cwd() / PAGES_DIR, Path.cwd()))


def _docs(records: list[dict], min_severity: str) -> list[Doc]:
    limit = SEVERITY_RANK.get(min_severity, 2)
    return [_doc(i, r, limit) for i, r in enumerate(records)]


def _for_index(d: Doc) -> Doc:
    """What the index reads of a report, once its page is written: not its findings and evidence."""
    rec = d.rec
    kept = {k: rec[k] for k in ("file", "status", "duplicates", "same_report") if rec.get(k)}
    kept["meta"] = {k: v for k in ("unit", "project", "year") if (v := _meta(rec, k)) is not None}
    if isinstance(rec.get("error"), dict):
        kept["error"] = {"code": rec["error"].get("code")}
    return replace(d, rec=kept, shown=[])


# ---------------------------------------------------------------- the records, read defensively


@dataclass(frozen=True, slots=True)
class Doc:
    """A record plus what the pages need from it more than once."""

    anchor: str
    rec: dict
    total: float | None
    rate: float | None
    grade: str | None
    counts: Counter[str]
    shown: list[dict]  # the findings listed (at or above --min-severity)
    reviewed: int  # of those, how many a reviewer has worked on

    @property
    def file(self) -> str:
        return str(self.rec.get("file") or "")

    @property
    def status(self) -> str:
        return str(self.rec.get("status") or "ok")

    @property
    def unit(self) -> str:
        return _text(_meta(self.rec, "unit"))

    @property
    def page(self) -> bool:
        """Whether it has its own page and row: each report once, unreadable files included."""
        return not self.rec.get("duplicate_of") and not self.rec.get("same_report_as")

    @property
    def others(self) -> list[str]:
        """The other files of this report: byte copies and other formats or resubmissions."""
        return [str(x) for x in (self.rec.get("duplicates") or []) + (self.rec.get("same_report") or [])]

    @property
    def flagged(self) -> bool:
        """Claims 优 while spending less than LOW_RATE of the budget."""
        return self.grade == "优" and self.rate is not None and self.rate < LOW_RATE


def _doc(index: int, rec: dict, limit: int = 2) -> Doc:
    score = rec.get("score") or {}
    budget = rec.get("budget") or {}
    grade = _value(score.get("grade"))
    shown = [f for f in _findings(rec) if SEVERITY_RANK[_severity(f)] <= limit]
    return Doc(
        anchor=f"d{index}",  # input position: stable whatever the sort order
        rec=rec,
        total=_number(score.get("total")),
        rate=_number(budget.get("execution_rate")),
        grade=str(grade) if grade is not None else None,
        counts=Counter(_severity(f) for f in shown),
        shown=shown,
        reviewed=sum(1 for f in shown if isinstance(f.get("review"), dict)),
    )


def _priority(d: Doc) -> tuple:
    """Most errors first, then warnings, then infos; unreadable files before readable ones on a tie."""
    c = d.counts
    return (-c["error"], -c["warning"], -c["info"], STATUS_RANK.get(d.status, 2), d.file)


def _findings(rec: dict) -> list[dict]:
    return [f for f in rec.get("findings") or [] if isinstance(f, dict)]


def _severity(finding: dict) -> str:
    # A severity this page does not know yet is shown as the mildest rather than dropped.
    s = finding.get("severity")
    return s if s in SEVERITIES else "info"


def _value(x: Any) -> Any:
    """A Fact's value, or the bare value (meta fields are plain strings today, Facts tomorrow)."""
    return x.get("value") if isinstance(x, dict) else x


def _meta(rec: dict, key: str) -> Any:
    return _value((rec.get("meta") or {}).get(key))


def _number(x: Any) -> float | None:
    v = _value(x)
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(Decimal(str(v)))
    except (InvalidOperation, ValueError):
        return None
    return f if math.isfinite(f) else None


def _text(v: Any) -> str:
    return "" if v is None else str(v)


def _fmt(v: Any) -> str:
    """A number as printed, without float noise or trailing zeros (91.230 -> 91.23, 1E+2 -> 100)."""
    try:
        d = Decimal(str(_value(v)))
    except (InvalidOperation, ValueError):
        return _text(_value(v))
    if not d.is_finite():
        return str(d)
    s = format(d.normalize(), "f")
    return s


def _money(v: Any) -> str:
    """Yuan shown in 万元 like the reports print them."""
    try:
        d = Decimal(str(_value(v)))
    except (InvalidOperation, ValueError):
        return _text(_value(v))
    if not d.is_finite():
        return str(d)
    return f"{_fmt(d / 10000)}万元" if abs(d) >= 10000 else f"{_fmt(d)}元"


# ---------------------------------------------------------------- the index


def _index(reports: list[Doc], files: int) -> str:
    """The index of the reports (each counted once) among ``files`` files."""
    out = io.StringIO()
    with _Index() as index:
        index.files = files
        for d in reports:
            index.add(_for_index(d))
        index.write(out)
    return out.getvalue()


class _Index:
    """The index page, fed one report at a time (what :func:`_for_index` keeps of it, in input order).

    The totals are counted as the reports pass; each report's row of the table goes to a temporary file,
    in sorted runs of ``CHUNK`` rows that are merged when the page is written, and of its place on the plot
    only a number is kept (8 bytes a report) until the points at the same place are spread out. Memory does
    not grow with the batch, beyond those 8 bytes and the distinct folders, units and projects."""

    CHUNK = 10_000  # rows sorted in memory at a time

    def __init__(self) -> None:
        self.files = 0  # files, whether or not they have a row
        self.reports = 0
        self.status: Counter[str] = Counter()
        self.severity: Counter[str] = Counter()
        self.flagged = 0
        self.codes: Counter[str] = Counter()
        self.places = array("q")  # each report's place on the plot (-1: not plotted), in input order
        self.plotted = 0
        self.chunk: list[list] = []
        self.runs: list[IO[str]] = []

    def __enter__(self) -> _Index:
        return self

    def __exit__(self, *exc: object) -> None:
        for f in self.runs:
            f.close()
        self.runs = []

    def add(self, d: Doc) -> None:
        self.status[d.status] += 1
        self.severity.update(d.counts)
        self.flagged += d.flagged
        if d.status in ("error", "not_report"):
            self.codes[str((d.rec.get("error") or {}).get("code") or "?")] += 1
        plotted = d.total is not None and d.rate is not None
        if plotted:
            x, y = _group(d)
            self.places.append(round(x * 10) * 1_000_000 + round(y * 10))
            self.plotted += 1
        else:
            self.places.append(-1)
        folder, _, name = d.file.rpartition("/")
        project = _text(_meta(d.rec, "project"))[:40]
        # file names usually repeat the unit and the project: written once, as \u0001 and \u0002 in the name
        short = name
        if d.unit and len(d.unit) > 1:
            short = short.replace(d.unit, "\u0001", 1)
        if project and len(project) > 1:
            short = short.replace(project, "\u0002", 1)
        row = [
            int(d.anchor[1:]), folder, short, d.unit, project, _meta(d.rec, "year"), d.total, d.grade or "",
            d.rate, d.counts["error"], d.counts["warning"], d.counts["info"], d.status, 1 if d.flagged else 0,
            len(d.others), d.reviewed,
        ]
        self.chunk.append([list(_priority(d)), self.reports, row])
        self.reports += 1
        if len(self.chunk) >= self.CHUNK:
            self._spill()

    def _spill(self) -> None:
        self.chunk.sort(key=lambda item: item[0])  # stable, as the one sort of the whole list was
        run = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115  (closed by __exit__)
        for item in self.chunk:
            run.write(json.dumps(item, ensure_ascii=False))
            run.write("\n")
        run.seek(0)
        self.runs.append(run)
        self.chunk = []

    def _sorted(self) -> Iterator[list]:
        """[priority, ordinal, row] of every report, by priority (input order on a tie, as a stable sort)."""
        if not self.runs:
            self.chunk.sort(key=lambda item: item[0])
            yield from self.chunk
            return
        if self.chunk:
            self._spill()
        # heapq.merge takes equal keys from the earlier run first: the runs are in input order
        yield from heapq.merge(*((json.loads(line) for line in run) for run in self.runs), key=lambda item: item[0])

    def _spread(self) -> array:
        """Each report's turn on the spiral of the reports at its place, in input order (:func:`_place`)."""
        import numpy as np

        places = np.frombuffer(self.places, dtype=np.int64) if self.places else np.zeros(0, dtype=np.int64)
        turn = np.zeros(len(places), dtype=np.int64)
        shown = np.flatnonzero(places >= 0)
        if len(shown):
            order = shown[np.argsort(places[shown], kind="stable")]
            keys = places[order]
            starts = np.r_[0, np.flatnonzero(keys[1:] != keys[:-1]) + 1]
            first = np.repeat(starts, np.diff(np.r_[starts, len(keys)]))
            turn[order] = np.arange(len(keys)) - first
        return array("q", turn.tobytes())

    def write(self, out: IO[str]) -> None:
        body = "\n".join(
            [
                "<header><h1>预算绩效自评报告审核结果</h1></header>",
                _summary(self),
                _plot_section(self.plotted, self.reports - self.plotted),
                _table_section(self.reports),
            ]
        )
        mark = "\x00DATA\x00"
        head, _, tail = PAGE.format(title="预算绩效自评报告审核结果", css=CSS, body=body, js=mark).rpartition(mark)
        out.write(head)
        out.write("var DATA=")
        self._data(out)
        out.write(";\n")
        out.write(INDEX_JS)
        out.write(tail)

    def _data(self, out: IO[str]) -> None:
        """The reports as compact JSON: repeated strings (folders, units, projects) stored once and referred
        to by number, and each point's place on the plot, so that 10,000 reports stay under 2 MB."""
        tables: dict[str, dict[str, int]] = {"dirs": {}, "units": {}, "projects": {}}

        def ref(table: str, value: str) -> int:
            return tables[table].setdefault(value, len(tables[table]))

        def dumps(value: Any) -> str:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")

        turns = self._spread()
        out.write('{"rows":[')
        for n, (_, ordinal, row) in enumerate(self._sorted()):
            x = y = None
            if self.places[ordinal] >= 0:
                x, y = _place(row[8], row[6], turns[ordinal])
            row[1], row[3], row[4] = ref("dirs", row[1]), ref("units", row[3]), ref("projects", row[4])
            row += [None if x is None else round(x, 1), None if y is None else round(y, 1)]
            if n:
                out.write(",")
            out.write(dumps(row))
        out.write("]")
        for k, v in tables.items():
            out.write(f",{dumps(k)}:{dumps(list(v))}")
        out.write("}")


def _summary(index: _Index) -> str:
    severity = index.severity
    linked = index.files - index.reports
    rows = [
        ("报告（每份报告只计一次）", str(index.reports)),
        ("文件", str(index.files) + (f"（其中{linked}个是同一报告的其他文件）" if linked else "")),
        (
            "正常 / 部分读取 / 非报告 / 无法读取",
            f"{index.status['ok']} / {index.status['partial']} / {index.status['not_report']} / {index.status['error']}",
        ),
        (
            "问题（错误 / 警告 / 提示）",
            " / ".join(f'<span class="sev-{s}-text">{severity[s]}</span>' for s in SEVERITIES),
        ),
        (
            f"自评为“优”但预算执行率低于{LOW_RATE:g}%",
            f'<b class="flag-text">{index.flagged}</b>'
            + (' <button type="button" id="show-flagged" class="noprint">在表中列出</button>' if index.flagged else ""),
        ),
    ]
    table = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<section id="summary"><h2>总览</h2><table class="totals">{table}</table>{_error_codes(index.codes)}</section>'


def _error_codes(codes: Counter[str]) -> str:
    if not codes:
        return ""
    items = "".join(f"<li><code>{escape(c)}</code> × {n}</li>" for c, n in sorted(codes.items()))
    return f'<details><summary>未计入的文件按错误代码</summary><ul class="codes">{items}</ul></details>'


# ---------------------------------------------------------------- the scatter plot


def _x(rate: float) -> float:
    return LEFT + PLOT_W + OVER / 2 if rate > 100 else LEFT + max(rate, 0.0) / 100 * PLOT_W


def _y(total: float) -> float:
    return TOP + OVER / 2 if total > 100 else TOP + OVER + (100 - max(total, 0.0)) / 100 * PLOT_H


def _plot_section(plotted: int, missing: int) -> str:
    legend = "".join(
        f'<span><svg width="12" height="12"><circle cx="6" cy="6" r="5" fill="{c}"/></svg>{g}</span>'
        for g, c in [*GRADE_COLOUR.items(), ("未写明等级", NO_GRADE_COLOUR)]
    )
    legend += (
        f'<span><svg width="16" height="16"><circle cx="8" cy="8" r="6" fill="none" stroke="{FLAG_COLOUR}"'
        f' stroke-width="2.5"/></svg>自评“优”但执行率低于{LOW_RATE:g}%</span>'
    )
    note = f"；{missing}份报告缺少总分或执行率，未绘入" if missing else ""
    return (
        '<section id="plot"><h2>自评总分与预算执行率</h2>'
        f'{_svg()}<div class="legend">{legend}</div>'
        f'<p class="note">共{plotted}份报告{note}。点击圆点打开该报告；坐标相同的点略微错开；'
        "超过100的值画在轴外的“＞100”一栏。</p></section>"
    )


def _svg() -> str:
    return "".join(
        [
            # No xmlns: inline SVG in HTML does not need it, and the page then names no URL at all.
            f'<svg id="scatter" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
            'role="img" aria-label="自评总分与预算执行率散点图">',
            _bands(),
            _grid(),
            _low_rate_zone(),
            _points(),
            "</svg>",
        ]
    )


def _bands() -> str:
    out = []
    ceilings = {"优": 100, "良": 90, "中": 80, "差": 60}
    for g in GRADES:
        top, bottom = _y(ceilings[g]), _y(GRADE_FLOOR[g])
        label = f"{g}（≥{GRADE_FLOOR[g]}）" if GRADE_FLOOR[g] else f"{g}（＜{ceilings[g]}）"
        out.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{PLOT_W + OVER}" height="{bottom - top:.1f}" '
            f'fill="{GRADE_COLOUR[g]}" fill-opacity="0.07"/>'
            f'<text class="band" x="{LEFT + PLOT_W + OVER + 6}" y="{(top + bottom) / 2 + 4:.1f}" '
            f'fill="{GRADE_COLOUR[g]}">{label}</text>'
        )
    return "".join(out)


def _grid() -> str:
    bottom, right = TOP + OVER + PLOT_H, LEFT + PLOT_W
    out = [f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_W + OVER}" height="{OVER + PLOT_H}" class="frame"/>']
    out.append(f'<line x1="{right}" y1="{TOP}" x2="{right}" y2="{bottom}" class="edge"/>')
    out.append(f'<line x1="{LEFT}" y1="{TOP + OVER}" x2="{right + OVER}" y2="{TOP + OVER}" class="edge"/>')
    for v in range(0, 101, 10):
        x, y = _x(v), _y(v)
        out.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" class="tick"/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 17}" class="tl" text-anchor="middle">{v}</text>')
        out.append(f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{LEFT}" y2="{y:.1f}" class="tick"/>')
        out.append(f'<text x="{LEFT - 7}" y="{y + 4:.1f}" class="tl" text-anchor="end">{v}</text>')
    out.append(f'<text x="{right + 13}" y="{bottom + 17}" class="tl">＞100</text>')
    out.append(f'<text x="{LEFT - 7}" y="{_y(101) + 4:.1f}" class="tl" text-anchor="end">＞100</text>')
    out.append(
        f'<text x="{LEFT + PLOT_W / 2}" y="{bottom + 40}" class="axis" text-anchor="middle">预算执行率（%）</text>'
        f'<text transform="translate(18 {TOP + OVER + PLOT_H / 2}) rotate(-90)" class="axis" '
        'text-anchor="middle">自评总分（分）</text>'
    )
    return "".join(out)


def _low_rate_zone() -> str:
    """Tint the corner where 优 meets low execution and draw the 60% line, so the eye goes there first."""
    x, top, bottom = _x(LOW_RATE), _y(100), _y(90)
    return (
        f'<rect x="{LEFT}" y="{top:.1f}" width="{x - LEFT:.1f}" height="{bottom - top:.1f}" '
        f'fill="{FLAG_COLOUR}" fill-opacity="0.08"/>'
        f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + OVER + PLOT_H}" class="low"/>'
        f'<text x="{x - 4:.1f}" y="{TOP + OVER + PLOT_H - 6}" class="lowt" text-anchor="end">'
        f"执行率{LOW_RATE:g}%</text>"
    )


def _inside(x: float, y: float) -> tuple[float, float]:
    """A point's centre kept inside the frame, whatever the jitter: no point spills past the axes."""
    lo_x, hi_x = LEFT + POINT_R, LEFT + PLOT_W + OVER - POINT_R
    lo_y, hi_y = TOP + POINT_R, TOP + OVER + PLOT_H - POINT_R
    return min(max(x, lo_x), hi_x), min(max(y, lo_y), hi_y)


def _group(d: Doc) -> tuple[float, float]:
    """The place on the plot a report shares with the reports of the same total and rate."""
    assert d.rate is not None and d.total is not None
    return round(_x(d.rate), 1), round(_y(d.total), 1)


def _place(rate: float, total: float, turn: int) -> tuple[float, float]:
    """A point's place: the ``turn``-th report at the same place goes on a small spiral, inside the frame."""
    x, y = round(_x(rate), 1), round(_y(total), 1)
    # golden-angle spiral: a pile of n points stays within about 2·sqrt(n) units
    r, a = 2.2 * math.sqrt(turn), turn * 2.39996
    return _inside(x + r * math.cos(a), y + r * math.sin(a))


def _points() -> str:
    # the circles are drawn by the page's script from the data (row[16], row[17]): a bare circle costs about
    # 60 bytes, which 10,000 reports cannot afford twice
    return '<g id="points"></g>'


# ---------------------------------------------------------------- the table of reports


def _table_section(reports: int) -> str:
    heads = [("file", "文件"), ("unit", "单位"), ("project", "项目"), ("year", "年度"), ("total", "总分"),
             ("grade", "等级"), ("rate", "执行率%"), ("e", "错误"), ("w", "警告"), ("i", "提示"),
             ("status", "状态"), ("rev", "已复核")]
    ths = "".join(f'<th data-k="{k}" tabindex="0">{escape(t)}</th>' for k, t in heads)
    return (
        '<section id="reports"><h2>逐份报告</h2>'
        '<div id="filters" class="noprint">'
        '<label>文件、单位或项目：<input type="search" id="q" placeholder="输入关键词"></label> '
        '<label>等级：<select id="grade"><option value="">全部</option>'
        + "".join(f"<option>{g}</option>" for g in GRADES)
        + '</select></label> '
        '<label><input type="checkbox" id="only-issues"> 只看有错误或警告、或未计入的</label> '
        f'<label><input type="checkbox" id="only-flagged"> 只看“优”但执行率低于{LOW_RATE:g}%</label> '
        '<span class="note">显示 <b id="shown">0</b> / ' + str(reports) + " 份；点击表头排序</span></div>"
        f'<table id="report-table"><thead><tr>{ths}</tr></thead><tbody></tbody></table>'
        '<p><button type="button" id="more" class="noprint" hidden></button></p>'
        "<noscript><p>表格需要浏览器允许运行本页的脚本；各报告页面在 report-pages/ 文件夹中。</p></noscript>"
        "</section>"
    )


# ---------------------------------------------------------------- one page per report


class _SourceLinks:
    """Links from a report page to the source file, relative so that they survive moving both folders."""

    def __init__(self, page_dir: Path, source_root: Path):
        self.page_dir = Path(os.path.abspath(page_dir))
        self.source_root = source_root

    def href(self, file: str, page: Any = None) -> str | None:
        if not file:
            return None
        p = Path(file)
        p = Path(os.path.abspath(p if p.is_absolute() else self.source_root / p))
        if p.is_symlink():
            return None  # a link to a symlink opens wherever it leads, out of the input folder too
        try:
            rel = os.path.relpath(p, self.page_dir)
        except ValueError:
            return None
        href = url_quote(rel.replace(os.sep, "/"))
        if isinstance(page, int) and not isinstance(page, bool) and p.suffix.lower() == ".pdf":
            href += f"#page={page}"  # Chrome's, Firefox's and Acrobat's viewers open the PDF at that page
        return href


def _report_page(d: Doc, links: _SourceLinks) -> str:
    others = "".join(
        f"<li><code>{escape(o)}</code> {_source_link(links, o)}</li>" for o in d.others
    )
    parts = [
        '<p class="noprint"><a href="../report.html">← 返回总览</a></p>',
        _doc_head(d),
        f'<p class="src-file">原件：<code>{escape(d.file)}</code> {_source_link(links, d.file)}</p>',
        f'<div class="others"><p>同一报告的其他文件（不重复计数）：</p><ul>{others}</ul></div>' if others else "",
        _meta_list(d),
        _error(d),
        _warnings(d),
        _headline(d),
        _grouped_findings(d, links),
    ]
    body = f'<article class="doc" id="{d.anchor}" data-status="{escape(d.status)}">' + "".join(p for p in parts if p) + "</article>"
    title = f"{Path(d.file).name} · 审核结果"
    return PAGE.format(title=escape(title), css=CSS, body=body, js=REPORT_JS)


def _source_link(links: _SourceLinks, file: str, page: Any = None) -> str:
    href = links.href(file, page)
    if href is None:
        return ""
    label = f"打开原件第{page}页" if "#page=" in href else "打开原件"
    return f'<a class="open" href="{escape(href)}">{label}</a>'


def _doc_head(d: Doc) -> str:
    badges = "".join(
        f'<span class="badge sev-{s}">{SEVERITY_LABEL[s]} {d.counts[s]}</span>'
        for s in SEVERITIES
        if d.counts[s]
    )
    flag = f'<span class="badge flag">优·执行率＜{LOW_RATE:g}%</span>' if d.flagged else ""
    status = escape(STATUS_LABEL.get(d.status, d.status))
    return (
        f'<h1><span class="status st-{escape(d.status)}">{status}</span> '
        f"<code>{escape(Path(d.file).name)}</code> {badges}{flag}</h1>"
    )


def _meta_list(d: Doc) -> str:
    rec = d.rec
    items = [
        ("单位", d.unit),
        ("项目", _text(_meta(rec, "project"))),
        ("年度", _text(_meta(rec, "year"))),
        ("标题", _text(_meta(rec, "title"))),
        ("格式", _text(rec.get("format"))),
        ("评分方案", "、".join(str(p) for p in rec.get("profiles") or [])),
    ]
    shown = "".join(f"<div><dt>{k}</dt><dd>{escape(v)}</dd></div>" for k, v in items if v)
    return f'<dl class="meta">{shown}</dl>' if shown else ""


def _error(d: Doc) -> str:
    err = d.rec.get("error")
    if not err:
        return ""
    return (
        f'<p class="err"><code>{escape(_text(err.get("code")))}</code> {escape(_text(err.get("message")))}'
        f"<br><small>{escape(_text(err.get('detail')))}</small></p>"
    )


def _warnings(d: Doc) -> str:
    items = ""
    for w in d.rec.get("warnings") or []:
        if isinstance(w, dict):
            items += f"<li><code>{escape(_text(w.get('code')))}</code> {escape(_text(w.get('message')))}</li>"
        elif isinstance(w, str):
            items += f"<li>{escape(w)}</li>"
    return f'<ul class="warn">{items}</ul>' if items else ""


def _headline(d: Doc) -> str:
    if d.status == "error":
        return ""
    score, budget = d.rec.get("score") or {}, d.rec.get("budget") or {}
    facts: list[tuple[str, Any, str]] = [
        ("总分", score.get("total"), _fmt(score.get("total"))),
        ("等级", score.get("grade"), _text(_value(score.get("grade")))),
        ("预算执行率", budget.get("execution_rate"), f"{_fmt(budget.get('execution_rate'))}%"),
        ("年初预算", budget.get("initial"), _money(budget.get("initial"))),
        ("全年预算", budget.get("full_year"), _money(budget.get("full_year"))),
        ("到位资金", budget.get("received"), _money(budget.get("received"))),
        ("执行数", budget.get("spent"), _money(budget.get("spent"))),
        ("结余", budget.get("balance"), _money(budget.get("balance"))),
    ]
    cells = "".join(_fact(label, fact, shown) for label, fact, shown in facts)
    return f'<dl class="facts">{cells}</dl>'


def _fact(label: str, fact: Any, shown: str) -> str:
    if _value(fact) is None:
        return f'<div class="absent"><dt>{label}</dt><dd>—</dd></div>'
    # The words it was read from, on hover: the auditor can see at once whether the figure is the right one.
    words = fact.get("text") if isinstance(fact, dict) else None
    tip = f' title="{escape(str(words))}"' if words else ""
    return f"<div><dt>{label}</dt><dd{tip}>{escape(shown)}</dd></div>"


def _grouped_findings(d: Doc, links: _SourceLinks) -> str:
    """The findings grouped by the block they quote first: each paragraph or table shown once, with every
    quote of every finding on it marked, and the findings on it listed below it."""
    if not d.shown:
        return "" if d.status in ("error", "not_report") else '<p class="none">未发现问题。</p>'
    blocks = d.rec.get("evidence_blocks") or {}
    cells = d.rec.get("evidence_cells") or {}
    groups: dict[Any, list[dict]] = {}
    for f in d.shown:
        evs = [e for e in f.get("evidence") or [] if isinstance(e, dict)]
        groups.setdefault(evs[0].get("block") if evs else None, []).append(f)
    order = sorted(groups, key=lambda b: (b is None, b if isinstance(b, int) else 0))
    out = ['<section id="findings"><h2>问题（按原文段落归组）</h2>']
    for n, block in enumerate(order):
        fs = sorted(groups[block], key=lambda f: SEVERITY_RANK[_severity(f)])
        evs = [e for f in fs for e in f.get("evidence") or [] if isinstance(e, dict) and e.get("block") == block]
        head = ""
        if block is not None:
            head = _evidence(block, evs, blocks, cells, links, d.file)
        items = "".join(_finding(f, block, blocks, cells, links, d.file) for f in fs)
        label = f"{len(fs)}个问题" if len(fs) > 1 else "1个问题"
        out.append(f'<div class="group" id="g{n}"><div class="gh">{label}</div>{head}<ol class="findings">{items}</ol></div>')
    out.append("</section>")
    return "".join(out)


def _finding(f: dict, block: Any, blocks: dict, cells: dict, links: _SourceLinks, file: str) -> str:
    from pipeline.outputs.xlsx import check_title

    sev = _severity(f)
    check = _text(f.get("check"))
    message = _text(f.get("message")).removeprefix(f"[{check}] ")
    changing = '<span class="badge changing">影响等级</span>' if f.get("grade_changing") else ""
    title = check_title(check) or check
    # evidence in other blocks than the group's: shown with the finding
    rest = [e for e in f.get("evidence") or [] if isinstance(e, dict) and e.get("block") != block]
    extra = "".join(_evidence(b, evs, blocks, cells, links, file) for b, evs in _by_block(rest))
    return (
        f'<li class="finding" data-sev="{sev}"><div class="fh">'
        f'<span class="badge sev-{sev}">{SEVERITY_LABEL[sev]}</span> <b>{escape(title)}</b> '
        f'<code class="check">{escape(check)}</code>{changing}{_review(f)}</div>'
        f'<p class="msg">{escape(message)}</p>{_compare(f)}{_pair(f, file, links)}{extra}</li>'
    )


def _pair(f: dict, file: str, links: _SourceLinks) -> str:
    """A passage shared with another report: both side by side, the characters they do not share marked."""
    from pipeline.outputs.pairs import differing

    pair = f.get("pair")
    if not isinstance(pair, dict) or not isinstance(pair.get("a"), dict) or not isinstance(pair.get("b"), dict):
        return ""
    own, other = (pair["a"], pair["b"]) if pair["a"].get("file") == file else (pair["b"], pair["a"])
    ta, tb = _text(own.get("text")), _text(other.get("text"))
    da, db = differing(ta, tb)

    def side(label: str, s: dict, text: str, spans: list[tuple[int, int]]) -> str:
        head = f"{label}：<code>{escape(Path(_text(s.get('file'))).name)}</code> {escape(_text(s.get('unit')))}" \
               f" {escape(_text(s.get('where')))} {_source_link(links, _text(s.get('file')), s.get('page'))}"
        marked = _marked(text, 0, len(text), spans).replace("<mark>", '<mark class="diff">')
        return f'<div class="side"><p class="sh">{head}</p><div class="raw">{marked}</div></div>'

    sim = pair.get("similarity")
    share = f"相似度 {float(sim):.0%}" if isinstance(sim, (int, float)) else ""
    return (
        f'<div class="pair"><p class="ph">{escape(share)}；标出的是两段不同的字</p>'
        f'{side("本报告", own, ta, da)}{side("对方报告", other, tb, db)}</div>'
    )


def _review(f: dict) -> str:
    r = f.get("review")
    if not isinstance(r, dict):
        return ""
    state = _text(r.get("state")) or "待核"
    who = f"（{escape(_text(r.get('reviewer')))}）" if r.get("reviewer") else ""
    note = f'<span class="rnote">{escape(_text(r.get("note")))}</span>' if r.get("note") else ""
    return f'<span class="review st-{STATE_CLASS.get(state, "pending")}">复核：{escape(state)}{who}</span>{note}'


def _compare(f: dict) -> str:
    from pipeline.outputs.citations import citation
    from pipeline.outputs.shown import shown

    values = citation(f.get("check")).values
    stated, expected = shown(f.get("stated"), values, f.get("facts")), shown(f.get("expected"), values, f.get("facts"))
    parts = []
    if stated:
        parts.append(f"报告所述：<b>{escape(stated)}</b>")
    if expected:
        parts.append(f"复核：<b>{escape(expected)}</b>")
    return f'<p class="cmp">{"；".join(parts)}</p>' if parts else ""


def _by_block(evidence: Iterable[Any]) -> list[tuple[Any, list[dict]]]:
    """Evidence grouped by quoted block, in order of first mention: a block is shown once with all its marks."""
    groups: dict[Any, list[dict]] = {}
    for ev in evidence:
        if isinstance(ev, dict):
            groups.setdefault(ev.get("block"), []).append(ev)
    return list(groups.items())


# ---------------------------------------------------------------- quotes marked inside their block


def _evidence(block: Any, evs: list[dict], blocks: dict, cells: dict, links: _SourceLinks, file: str) -> str:
    info = blocks.get(str(block)) if block is not None else None
    raw = info.get("raw") if isinstance(info, dict) else None
    page = evs[0].get("page") if evs and evs[0].get("page") is not None else (info or {}).get("page")
    where = _where(page, info) + (" " + _source_link(links, file, page) if page is not None else "")
    if not isinstance(raw, str):
        # The block was not shipped with the record: show the quotes alone rather than nothing.
        quotes = "　…　".join(f"<mark>{escape(_text(e.get('quote')))}</mark>" for e in evs)
        return f'<div class="ev"><div class="where">{where}</div><div class="raw">{quotes}</div></div>'
    spans = _spans(raw, evs)
    if info.get("kind") == "table":
        grid = cells.get(str(block))
        body = _merged_table(raw, grid, spans) if grid else _table(raw, spans)
    else:
        body = _paragraph(raw, spans)
    return f'<div class="ev"><div class="where">{where}</div>{body}</div>'


def _where(page: Any, info: dict | None) -> str:
    bits = []
    if page is not None:
        bits.append(f"第{escape(_text(page))}页")
    loc = (info or {}).get("loc") or {}
    if page is None and isinstance(loc, dict) and "line" in loc:
        bits.append(f"第{escape(_text(loc['line']))}行")
    kind = (info or {}).get("kind")
    bits.append({"table": "表格", "paragraph": "段落", "heading": "标题", "title": "标题"}.get(kind, "原文"))
    return " · ".join(bits)


def _spans(raw: str, evs: list[dict]) -> list[tuple[int, int]]:
    """Character spans of the quotes in ``raw``, merged; offsets that do not fit the quote fall back to a search."""
    found = []
    for e in evs:
        quote, start, end = _text(e.get("quote")), e.get("start"), e.get("end")
        fits = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(raw)
        if fits and (not quote or raw[start:end] == quote):
            found.append((start, end))
            continue
        at = raw.find(quote) if quote else -1
        if at >= 0:
            found.append((at, at + len(quote)))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(found):
        # Only overlapping quotes merge: two figures printed back to back stay two marks.
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _window(raw: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The part of a long block worth showing: the quotes and CONTEXT characters around them."""
    if not spans or len(raw) <= 3 * CONTEXT:
        return 0, len(raw)
    return max(0, spans[0][0] - CONTEXT), min(len(raw), spans[-1][1] + CONTEXT)


def _marked(raw: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> str:
    """raw[lo:hi] escaped, with every span (clipped to it) inside <mark>."""
    out, pos = [], lo
    for s, e in spans:
        s, e = max(s, lo), min(e, hi)
        if s >= e:
            continue
        out.append(escape(raw[pos:s]))
        out.append(f"<mark>{escape(raw[s:e])}</mark>")
        pos = e
    out.append(escape(raw[pos:hi]))
    return "".join(out)


def _paragraph(raw: str, spans: list[tuple[int, int]]) -> str:
    lo, hi = _window(raw, spans)
    head = "…" if lo > 0 else ""
    tail = "…" if hi < len(raw) else ""
    return f'<div class="raw">{head}{_marked(raw, lo, hi, spans)}{tail}</div>'


def _table(raw: str, spans: list[tuple[int, int]]) -> str:
    """A table block (cells split by tabs, rows by newlines) as an HTML table, marks kept cell by cell."""
    lo, hi = _window(raw, spans)
    rows, pos = [], 0
    for line in raw.split("\n"):
        end = pos + len(line)
        if end >= lo and pos <= hi:  # only the rows around the quotes of a very long table
            cells, cpos = [], pos
            for cell in line.split("\t"):
                cells.append(f"<td>{_marked(raw, cpos, cpos + len(cell), spans)}</td>")
                cpos += len(cell) + 1
            rows.append(f"<tr>{''.join(cells)}</tr>")
        pos = end + 1
    more = '<div class="more">…</div>'
    return (
        f'{more if lo > 0 else ""}<div class="tw"><table class="raw-table">{"".join(rows)}</table></div>'
        f"{more if hi < len(raw) else ''}"
    )


def _merged_table(raw: str, grid: list[list[int]], spans: list[tuple[int, int]]) -> str:
    """A table drawn from its cells, merged cells spanning their rows and columns, marks kept cell by cell.

    A very long table shows the rows around the quotes only.
    """
    rows: dict[int, list[list[int]]] = {}
    for cell in grid:
        rows.setdefault(cell[0], []).append(cell)
    lo, hi = _window(raw, spans)
    out = []
    for r in sorted(rows):
        cs = sorted(rows[r], key=lambda c: c[1])
        if not any(c[5] >= lo and c[4] <= hi for c in cs):
            continue
        tds = "".join(
            "<td"
            + (f' rowspan="{c[2]}"' if c[2] > 1 else "")
            + (f' colspan="{c[3]}"' if c[3] > 1 else "")
            + f">{_marked(raw, c[4], c[5], spans)}</td>"
            for c in cs
        )
        out.append(f"<tr>{tds}</tr>")
    more = '<div class="more">…</div>'
    return (
        f'{more if lo > 0 else ""}<div class="tw"><table class="raw-table">{"".join(out)}</table></div>'
        f"{more if hi < len(raw) else ''}"
    )


# ---------------------------------------------------------------- page template

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
{body}
<script>{js}</script>
</body>
</html>
"""

CSS = """
*{box-sizing:border-box}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:4px 12px;margin:6px 0}.pair .ph{grid-column:1/3;margin:0;
color:#495057;font-size:12px}.pair .sh{margin:0;font-size:12px;color:#495057}mark.diff{background:#ffc9c9}
body{margin:0 auto;max-width:1100px;padding:0 16px 48px;color:#212529;background:#fff;
font:14px/1.6 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif}
h1{font-size:22px;margin:20px 0 8px;display:flex;flex-wrap:wrap;gap:6px;align-items:center}
h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid #dee2e6}
code{font-family:"Noto Sans Mono CJK SC",Consolas,monospace;font-size:13px}
[hidden]{display:none!important}
table.totals{border-collapse:collapse}table.totals th{text-align:left;font-weight:normal;color:#495057;
padding:3px 16px 3px 0}table.totals td{font-weight:bold}
.sev-error-text{color:#c92a2a}.sev-warning-text{color:#b35c00}.sev-info-text{color:#1864ab}
.flag-text{color:#e03131}
.badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;line-height:20px;color:#fff}
.badge.sev-error{background:#c92a2a}.badge.sev-warning{background:#e67700}.badge.sev-info{background:#1971c2}
.badge.flag{background:#fff;color:#e03131;border:1px solid #e03131}
.badge.changing{background:#fff;color:#c92a2a;border:1px solid #c92a2a;margin-left:6px}
.status{font-size:12px;border-radius:3px;padding:0 6px;line-height:20px;border:1px solid}
.st-ok{color:#2b8a3e}.st-partial{color:#e67700}.st-error,.st-not_report{color:#c92a2a}
#scatter{width:100%;max-width:1000px;height:auto;font-family:inherit}
#scatter .frame{fill:none;stroke:#adb5bd}#scatter .edge{stroke:#adb5bd;stroke-dasharray:3 3}
#scatter .tick{stroke:#868e96}#scatter .tl{font-size:11px;fill:#495057}
#scatter .axis{font-size:13px;fill:#212529}#scatter .band{font-size:12px;font-weight:bold}
#scatter .low{stroke:#e03131;stroke-dasharray:5 4;stroke-opacity:.6}#scatter .lowt{font-size:11px;fill:#e03131}
#scatter .pt{stroke:#fff;stroke-width:1;cursor:pointer;fill-opacity:.85}#scatter .pt:hover{stroke:#000;stroke-width:2}
#scatter .g0{fill:#2b8a3e}#scatter .g1{fill:#1c7ed6}#scatter .g2{fill:#e8590c}#scatter .g3{fill:#862e9c}
#scatter .gx{fill:#868e96}#scatter .ring{fill:none;stroke:#e03131;stroke-width:2.5}
#scatter .off{display:none}
#tip{position:fixed;pointer-events:none;background:#212529;color:#fff;font-size:12px;padding:4px 8px;
border-radius:4px;white-space:pre;z-index:9}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:13px}.legend span{display:inline-flex;gap:4px;
align-items:center}
.note{color:#6c757d;font-size:13px}
#filters{margin:6px 0}#filters label{margin-right:12px}#q{width:220px;padding:2px 6px;font:inherit}
#report-table{border-collapse:collapse;width:100%;font-size:13px}
#report-table th,#report-table td{border-bottom:1px solid #e9ecef;padding:3px 6px;text-align:left;
vertical-align:top}
#report-table th{background:#f1f3f5;cursor:pointer;white-space:nowrap;position:sticky;top:0}
#report-table th.asc:after{content:" ▲"}#report-table th.desc:after{content:" ▼"}
#report-table td.n{text-align:right;font-variant-numeric:tabular-nums}
#report-table tr.flag td:first-child{box-shadow:inset 3px 0 0 #e03131}
.e{color:#c92a2a;font-weight:bold}.w{color:#b35c00}.i{color:#1864ab}
article.doc{padding:4px 0}
dl{margin:4px 0}dl.meta,dl.facts{display:flex;flex-wrap:wrap;gap:2px 18px}
dl.meta div,dl.facts div{display:flex;gap:4px}dt{color:#6c757d}dd{margin:0}
dl.facts{background:#f8f9fa;border-radius:4px;padding:4px 8px}dl.facts dd{font-weight:bold}
dl.facts .absent dd{font-weight:normal;color:#adb5bd}
.err{color:#c92a2a;background:#fff5f5;padding:6px 8px;border-radius:4px}.err small{color:#868e96}
.warn{color:#b35c00}.none{color:#2b8a3e}.others{color:#495057;font-size:13px}
.group{border:1px solid #dee2e6;border-radius:6px;padding:8px 12px;margin:12px 0;break-inside:avoid-page}
.gh{font-size:12px;color:#868e96}
ol.findings{padding-left:22px;margin:6px 0}li.finding{margin:8px 0}.fh{display:flex;flex-wrap:wrap;
align-items:center;gap:6px}
.check{color:#868e96}.msg{margin:4px 0}.cmp{margin:2px 0;font-size:13px}
.review{font-size:12px;border-radius:3px;padding:0 6px;border:1px solid}.rnote{font-size:12px;color:#495057}
.review.st-pending{color:#868e96}.review.st-confirmed{color:#c92a2a}.review.st-rejected{color:#2b8a3e}
.review.st-fixed{color:#1971c2}
.ev{border-left:3px solid #ced4da;margin:6px 0;padding:2px 10px;background:#fcfcfd}
.where{font-size:12px;color:#868e96}.raw{white-space:pre-wrap;word-break:break-all}
a.open{font-size:12px}
.tw{overflow-x:auto}table.raw-table{border-collapse:collapse;font-size:13px;margin:2px 0}
table.raw-table td{border:1px solid #adb5bd;padding:1px 6px;white-space:pre-wrap;vertical-align:middle}
mark{background:#ffe066;border-radius:2px;box-shadow:inset 0 0 0 1px #e8b500}
@media print{
@page{size:A4;margin:12mm}
body{max-width:none;padding:0;font-size:11px}
.noprint,#filters,#tip,noscript{display:none!important}
#report-table th{position:static}
a{color:inherit;text-decoration:none}
mark{background:#fff3bf;box-shadow:none;text-decoration:underline}
.group{border-color:#adb5bd}
}
"""

# The index: the table drawn from REPORTS, sorted by a header click, filtered by the controls; the plot's
# points filtered alike, with a tooltip and a click that opens the report's page.
INDEX_JS = """
(function () {
  // row: 0 page, 1 folder, 2 name, 3 unit, 4 project, 5 year, 6 total, 7 grade, 8 rate, 9 e, 10 w, 11 i,
  //      12 status, 13 flagged, 14 other files, 15 reviewed, 16 x, 17 y
  var K = {file: 2, unit: 3, project: 4, year: 5, total: 6, grade: 7, rate: 8, e: 9, w: 10, i: 11,
           status: 12, rev: 15};
  var STATUS = {ok: '正常', partial: '部分读取', error: '无法读取', not_report: '非报告'};
  var GRADE = {'优': 'g0', '良': 'g1', '中': 'g2', '差': 'g3'};
  var rows = DATA.rows.map(function (r) {
    r = r.slice();
    r[1] = DATA.dirs[r[1]]; r[3] = DATA.units[r[3]]; r[4] = DATA.projects[r[4]];
    r[2] = r[2].replace('\\u0001', r[3]).replace('\\u0002', r[4]);
    return r;
  });
  var byPage = {};
  rows.forEach(function (r) { byPage[r[0]] = r; });
  var NS = document.getElementById('scatter').namespaceURI;  // the SVG namespace, without naming a URL
  var g = document.getElementById('points');
  var circles = {};
  rows.filter(function (r) { return r[16] != null; })
      .sort(function (a, b) { return a[13] - b[13]; })  // flagged last, drawn on top
      .forEach(function (r) {
        if (r[13]) {
          var ring = document.createElementNS(NS, 'circle');
          ring.setAttribute('cx', r[16]); ring.setAttribute('cy', r[17]); ring.setAttribute('r', 8);
          ring.setAttribute('class', 'ring'); g.appendChild(ring);
        }
        var c = document.createElementNS(NS, 'circle');
        c.setAttribute('cx', r[16]); c.setAttribute('cy', r[17]); c.setAttribute('r', 4);
        c.setAttribute('class', 'pt ' + (GRADE[r[7]] || 'gx')); c.setAttribute('data-p', r[0]);
        g.appendChild(c); circles[r[0]] = c;
      });
  var tbody = document.querySelector('#report-table tbody');
  var q = document.getElementById('q'), grade = document.getElementById('grade');
  var onlyIssues = document.getElementById('only-issues'), onlyFlagged = document.getElementById('only-flagged');
  var shown = document.getElementById('shown');
  var sortKey = null, sortDir = 1;
  // a table of 10,000 rows takes the browser seconds to lay out: draw the first rows, more on request
  var PAGE = 200, limit = PAGE;
  var more = document.getElementById('more');
  more.addEventListener('click', function () { limit += PAGE; draw(); });
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"]/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c];
    });
  }
  function num(v) { return v == null ? '' : String(v); }
  function keep(r) {
    var t = q.value.trim().toLowerCase();
    if (t && (r[1] + '/' + r[2] + ' ' + r[3] + ' ' + r[4]).toLowerCase().indexOf(t) < 0) return false;
    if (grade.value && r[7] !== grade.value) return false;
    if (onlyIssues.checked && !(r[9] || r[10] || r[12] === 'error' || r[12] === 'not_report')) return false;
    if (onlyFlagged.checked && !r[13]) return false;
    return true;
  }
  function draw() {
    var kept = rows.filter(keep);
    if (sortKey !== null) {
      var k = K[sortKey];
      kept.sort(function (a, b) {
        var x = a[k], y = b[k];
        if (x == null || x === '') return 1;
        if (y == null || y === '') return -1;
        return (x < y ? -1 : x > y ? 1 : 0) * sortDir;
      });
    }
    var html = [];
    kept.slice(0, limit).forEach(function (r) {
      html.push('<tr' + (r[13] ? ' class="flag"' : '') + '><td><a href="report-pages/d' + r[0] + '.html" title="' +
        esc(r[1] + '/' + r[2]) + '">' + esc(r[2]) + '</a>' + (r[14] ? ' <small>+' + r[14] + '</small>' : '') +
        '</td><td>' + esc(r[3]) + '</td><td>' + esc(r[4]) + '</td><td class="n">' + num(r[5]) +
        '</td><td class="n">' + num(r[6]) + '</td><td>' + esc(r[7]) + '</td><td class="n">' + num(r[8]) +
        '</td><td class="n e">' + (r[9] || '') + '</td><td class="n w">' + (r[10] || '') + '</td><td class="n i">' +
        (r[11] || '') + '</td><td>' + esc(STATUS[r[12]] || r[12]) + '</td><td class="n">' + (r[15] || '') +
        '</td></tr>');
    });
    tbody.innerHTML = html.join('');
    shown.textContent = kept.length;
    more.hidden = kept.length <= limit;
    more.textContent = '再显示' + Math.min(PAGE, kept.length - limit) + '份（共' + kept.length + '份）';
    var visible = {};
    kept.forEach(function (r) { visible[r[0]] = true; });
    for (var p in circles) circles[p].classList.toggle('off', !visible[p]);
  }
  document.querySelectorAll('#report-table th').forEach(function (th) {
    th.addEventListener('click', function () {
      var k = th.getAttribute('data-k');
      sortDir = sortKey === k ? -sortDir : 1;
      sortKey = k;
      document.querySelectorAll('#report-table th').forEach(function (h) { h.className = ''; });
      th.className = sortDir > 0 ? 'asc' : 'desc';
      draw();
    });
  });
  [q, grade, onlyIssues, onlyFlagged].forEach(function (c) {
    function again() { limit = PAGE; draw(); }
    c.addEventListener('input', again); c.addEventListener('change', again);
  });
  var flaggedButton = document.getElementById('show-flagged');
  if (flaggedButton) flaggedButton.addEventListener('click', function () {
    onlyFlagged.checked = true; draw(); document.getElementById('reports').scrollIntoView();
  });
  var tip = document.createElement('div');
  tip.id = 'tip'; tip.hidden = true; document.body.appendChild(tip);
  var svg = document.getElementById('scatter');
  function pointOf(ev) { var p = ev.target.getAttribute && ev.target.getAttribute('data-p'); return p && byPage[p]; }
  svg.addEventListener('mouseover', function (ev) {
    var r = pointOf(ev);
    if (!r) { tip.hidden = true; return; }
    tip.textContent = r[1] + '/' + r[2] + '\\n单位：' + (r[3] || '（未识别）') + '\\n总分：' + r[6] + '（' +
      (r[7] || '未写明等级') + '）\\n预算执行率：' + r[8] + '%';
    tip.style.left = (ev.clientX + 12) + 'px'; tip.style.top = (ev.clientY + 12) + 'px'; tip.hidden = false;
  });
  svg.addEventListener('mouseout', function () { tip.hidden = true; });
  svg.addEventListener('click', function (ev) {
    var r = pointOf(ev);
    if (r) window.location.href = 'report-pages/d' + r[0] + '.html';
  });
  draw();
})();
"""

# A report's page needs no script; this marks that it ran, for the browser test.
REPORT_JS = "document.documentElement.setAttribute('data-ready', '1');"
