"""The review page of a batch run: one static HTML file an auditor opens from disk, with no network.

Everything is inline (CSS, an SVG plot drawn here, a few lines of vanilla JS), because review machines
are often offline and a page that fetches nothing cannot leak the reports it shows. Only the blocks the
findings quote are embedded (``evidence_blocks``), never whole documents, so 1,000 reports stay a few MB.
Every string from a record goes through ``html.escape``: report text is untrusted input.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from html import escape
from pathlib import Path
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_LABEL = {"ok": "正常", "partial": "部分读取", "error": "无法读取"}
STATUS_RANK = {"error": 0, "partial": 1, "ok": 2}
GRADES = ("优", "良", "中", "差")
# Standard bands of 财预〔2020〕10号; a report's own bands may differ, the checks judge those.
GRADE_FLOOR = {"优": 90, "良": 80, "中": 60, "差": 0}
# 差 is purple, not red: red is reserved for the ring that flags 优 at low execution.
GRADE_COLOUR = {"优": "#2b8a3e", "良": "#1c7ed6", "中": "#e8590c", "差": "#862e9c"}
NO_GRADE_COLOUR = "#868e96"
FLAG_COLOUR = "#e03131"
LOW_RATE = 60.0  # 优 with less than this share of the budget spent is the pattern the plot must expose
CONTEXT = 400  # characters kept on each side of the quotes in a long block

# Plot geometry (SVG user units). Values above 100 go to a strip beyond the axis instead of stretching it,
# so one outlier cannot squash the 80-100 range where almost every report sits.
LEFT, TOP, PLOT_W, PLOT_H, OVER = 56, 12, 640, 400, 44
WIDTH = LEFT + PLOT_W + OVER + 84
HEIGHT = TOP + OVER + PLOT_H + 56


def write(records: list[dict], path: Path, min_severity: str = "info") -> None:
    """Write the review page of ``records`` to ``path`` (UTF-8, one self-contained file)."""
    Path(path).write_text(render(records), encoding="utf-8")


def render(records: list[dict]) -> str:
    """The whole page as a string."""
    docs = [_doc(i, r) for i, r in enumerate(records)]
    ordered = sorted(docs, key=_priority)
    anchors = {d.file: d.anchor for d in docs}
    body = "\n".join(
        [
            "<header><h1>预算绩效自评报告审核结果</h1></header>",
            _summary(docs),
            _plot_section(docs),
            _filters(),
            '<section id="docs"><h2>逐份报告（按问题严重程度排序）</h2>',
            *(_doc_section(d, anchors) for d in ordered),
            "</section>",
        ]
    )
    return PAGE.format(css=CSS, body=body, js=JS)


# ---------------------------------------------------------------- the records, read defensively


@dataclass(frozen=True)
class Doc:
    """A record plus what the page needs from it more than once."""

    anchor: str
    rec: dict
    total: float | None
    rate: float | None
    grade: str | None
    counts: Counter[str]

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
    def flagged(self) -> bool:
        """Claims 优 while spending less than LOW_RATE of the budget."""
        return self.grade == "优" and self.rate is not None and self.rate < LOW_RATE


def _doc(index: int, rec: dict) -> Doc:
    score = rec.get("score") or {}
    budget = rec.get("budget") or {}
    grade = _value(score.get("grade"))
    return Doc(
        anchor=f"d{index}",  # input position: stable whatever the sort order
        rec=rec,
        total=_number(score.get("total")),
        rate=_number(budget.get("execution_rate")),
        grade=str(grade) if grade is not None else None,
        counts=Counter(_severity(f) for f in _findings(rec)),
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


# ---------------------------------------------------------------- totals


def _summary(docs: list[Doc]) -> str:
    status = Counter(d.status for d in docs)
    severity: Counter[str] = sum((d.counts for d in docs), Counter())
    flagged = [d for d in docs if d.flagged]
    rows = [
        ("报告文件", str(len(docs))),
        ("正常 / 部分读取 / 无法读取", f"{status['ok']} / {status['partial']} / {status['error']}"),
        (
            "问题（错误 / 警告 / 提示）",
            " / ".join(f'<span class="sev-{s}-text">{severity[s]}</span>' for s in SEVERITIES),
        ),
        (f"自评为“优”但预算执行率低于{LOW_RATE:g}%", f'<b class="flag-text">{len(flagged)}</b>'),
    ]
    dup = sum(1 for d in docs if d.rec.get("duplicate_of"))
    if dup:
        rows.append(("与其他文件内容相同", str(dup)))
    table = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f'<section id="summary"><h2>总览</h2><table class="totals">{table}</table>'
        f"{_flagged_list(flagged)}{_error_codes(docs)}</section>"
    )


def _flagged_list(flagged: list[Doc]) -> str:
    if not flagged:
        return ""
    items = "".join(
        f'<li><a href="#{d.anchor}">{escape(d.file)}</a> {escape(d.unit)}：'
        f"总分{escape(_fmt(d.total))}，执行率{escape(_fmt(d.rate))}%</li>"
        for d in flagged
    )
    return f'<p class="flag-text">自评为“优”但预算执行率低于{LOW_RATE:g}%的报告：</p><ul>{items}</ul>'


def _error_codes(docs: list[Doc]) -> str:
    codes = Counter(str((d.rec.get("error") or {}).get("code") or "?") for d in docs if d.status == "error")
    if not codes:
        return ""
    items = "".join(f"<li><code>{escape(c)}</code> × {n}</li>" for c, n in sorted(codes.items()))
    return f'<details><summary>无法读取的文件按错误代码</summary><ul class="codes">{items}</ul></details>'


# ---------------------------------------------------------------- the scatter plot


def _x(rate: float) -> float:
    return LEFT + PLOT_W + OVER / 2 if rate > 100 else LEFT + max(rate, 0.0) / 100 * PLOT_W


def _y(total: float) -> float:
    return TOP + OVER / 2 if total > 100 else TOP + OVER + (100 - max(total, 0.0)) / 100 * PLOT_H


def _plot_section(docs: list[Doc]) -> str:
    plotted = [d for d in docs if d.total is not None and d.rate is not None]
    missing = len(docs) - len(plotted)
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
        f'{_svg(plotted)}<div class="legend">{legend}</div>'
        f'<p class="note">共{len(plotted)}份报告{note}。点击圆点跳到该报告；坐标相同的点左右错开显示；'
        "超过100的值画在轴外的“＞100”一栏。</p></section>"
    )


def _svg(docs: list[Doc]) -> str:
    parts = [
        # No xmlns: inline SVG in HTML does not need it, and the page then names no URL at all.
        (
            f'<svg id="scatter" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
            'role="img" aria-label="自评总分与预算执行率散点图">'
        ),
        _bands(),
        _grid(),
        _low_rate_zone(),
        _points(docs),
        "</svg>",
    ]
    return "".join(parts)


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
    # The overflow strips, set off by a dashed line at 100.
    out.append(f'<line x1="{right}" y1="{TOP}" x2="{right}" y2="{bottom}" class="edge"/>')
    out.append(f'<line x1="{LEFT}" y1="{TOP + OVER}" x2="{right + OVER}" y2="{TOP + OVER}" class="edge"/>')
    for v in range(0, 101, 10):
        x, y = _x(v), _y(v)
        out.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" class="tick"/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 17}" class="tl" text-anchor="middle">{v}</text>')
        out.append(f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{LEFT}" y2="{y:.1f}" class="tick"/>')
        out.append(f'<text x="{LEFT - 7}" y="{y + 4:.1f}" class="tl" text-anchor="end">{v}</text>')
    # Start-anchored clear of the centred "100" at the edge, which it would otherwise overlap.
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


def _positions(docs: list[Doc]) -> list[tuple[Doc, float, float, str]]:
    """Each point's place; reports at the same place (one report in three formats) are spread sideways.

    The last item is the label of the place (first file, and how many share it), set on the rightmost point
    only, so a pile is labelled once and the label clears it.
    """
    groups: dict[tuple[float, float], list[Doc]] = {}
    for d in docs:
        assert d.rate is not None and d.total is not None
        groups.setdefault((round(_x(d.rate), 1), round(_y(d.total), 1)), []).append(d)
    out = []
    for (x, y), group in groups.items():
        step = min(4.0, 32 / len(group))  # a big pile stays 32 units wide, its points overlapping
        for k, d in enumerate(group):
            last = k == len(group) - 1
            out.append((d, x + (k - (len(group) - 1) / 2) * step, y, _pile_label(group) if last else ""))
    return out


def _pile_label(group: list[Doc]) -> str:
    more = f" 等{len(group)}份" if len(group) > 1 else ""
    return f"{Path(group[0].file).name}{more}"


def _points(docs: list[Doc]) -> str:
    placed = _positions(docs)
    # Flagged points last, so nothing is drawn over them.
    placed.sort(key=lambda p: p[0].flagged)
    return "".join(_point(d, x, y, label) for d, x, y, label in placed)


def _point(d: Doc, x: float, y: float, label: str) -> str:
    colour = GRADE_COLOUR.get(d.grade or "", NO_GRADE_COLOUR)
    tip = (
        f"{d.file}\n单位：{d.unit or '（未识别）'}\n总分：{_fmt(d.total)}"
        f"（{d.grade or '未写明等级'}）\n预算执行率：{_fmt(d.rate)}%"
    )
    out = [f'<a href="#{d.anchor}" data-doc="{d.anchor}">']
    if d.flagged:
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" class="ring" fill="none" stroke="{FLAG_COLOUR}" '
            'stroke-width="2.5"/>'
        )
    out.append(
        f'<circle class="pt" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}" stroke="#fff" '
        f'stroke-width="1"><title>{escape(tip)}</title></circle>'
    )
    if d.flagged and label:
        out.append(f'<text x="{x + 12:.1f}" y="{y + 4:.1f}" class="flagl">{escape(label)}</text>')
    out.append("</a>")
    return "".join(out)


# ---------------------------------------------------------------- the client-side filter


def _filters() -> str:
    boxes = "".join(
        f'<label><input type="checkbox" data-sev="{s}" checked> '
        f'<span class="badge sev-{s}">{SEVERITY_LABEL[s]}</span></label>'
        for s in SEVERITIES
    )
    return (
        '<section id="filters"><h2>筛选</h2>'
        f"<div>显示问题：{boxes}</div>"
        '<div><label>文件或单位：<input type="search" id="q" placeholder="输入文件名或单位名称"></label> '
        '<label><input type="checkbox" id="only-issues"> 只看有问题或未能读取的报告</label> '
        '<span class="note">显示 <b id="shown"></b> 份</span></div></section>'
    )


# ---------------------------------------------------------------- one section per report


def _doc_section(d: Doc, anchors: dict[str, str]) -> str:
    search = " ".join([d.file, d.unit, _text(_meta(d.rec, "project"))]).lower()
    parts = [
        f'<article class="doc" id="{d.anchor}" data-status="{escape(d.status)}" data-search="{escape(search)}">',
        _doc_head(d),
        _meta_list(d),
        _duplicate(d, anchors),
        _error(d),
        _warnings(d),
        _headline(d),
        _finding_list(d),
        "</article>",
    ]
    return "".join(p for p in parts if p)


def _doc_head(d: Doc) -> str:
    badges = "".join(
        f'<span class="badge sev-{s}">{SEVERITY_LABEL[s]} {d.counts[s]}</span>'
        for s in SEVERITIES
        if d.counts[s]
    )
    flag = f'<span class="badge flag">优·执行率＜{LOW_RATE:g}%</span>' if d.flagged else ""
    status = escape(STATUS_LABEL.get(d.status, d.status))
    return (
        f'<h3><span class="status st-{escape(d.status)}">{status}</span> '
        f"<code>{escape(d.file)}</code> {badges}{flag}</h3>"
    )


def _meta_list(d: Doc) -> str:
    rec = d.rec
    items = [
        ("单位", d.unit),
        ("项目", _text(_meta(rec, "project"))),
        ("年度", _text(_meta(rec, "year"))),
        ("标题", _text(_meta(rec, "title"))),
        ("格式", _text(rec.get("format"))),
    ]
    shown = "".join(f"<div><dt>{k}</dt><dd>{escape(v)}</dd></div>" for k, v in items if v)
    return f'<dl class="meta">{shown}</dl>' if shown else ""


def _duplicate(d: Doc, anchors: dict[str, str]) -> str:
    dup = d.rec.get("duplicate_of")
    if not dup:
        return ""
    target = escape(str(dup))
    link = f'<a href="#{anchors[dup]}">{target}</a>' if isinstance(dup, str) and dup in anchors else target
    return f'<p class="dup">与 {link} 内容相同</p>'


def _error(d: Doc) -> str:
    err = d.rec.get("error")
    if not err:
        return ""
    return (
        f'<p class="err"><code>{escape(_text(err.get("code")))}</code> {escape(_text(err.get("message")))}'
        f"<br><small>{escape(_text(err.get('detail')))}</small></p>"
    )


def _warnings(d: Doc) -> str:
    ws = [w for w in d.rec.get("warnings") or [] if isinstance(w, dict)]
    items = "".join(
        f"<li><code>{escape(_text(w.get('code')))}</code> {escape(_text(w.get('message')))}</li>" for w in ws
    )
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


def _finding_list(d: Doc) -> str:
    findings = _findings(d.rec)
    if not findings:
        return "" if d.status == "error" else '<p class="none">未发现问题。</p>'
    blocks = d.rec.get("evidence_blocks") or {}
    order = {s: i for i, s in enumerate(SEVERITIES)}
    ranked = sorted(findings, key=lambda f: order[_severity(f)])
    return '<ol class="findings">' + "".join(_finding(f, blocks) for f in ranked) + "</ol>"


def _finding(f: dict, blocks: dict) -> str:
    sev = _severity(f)
    check = _text(f.get("check"))
    message = _text(f.get("message"))
    # The check id is shown as its own label; do not print it twice.
    message = message.removeprefix(f"[{check}] ")
    changing = '<span class="badge changing">影响等级</span>' if f.get("grade_changing") else ""
    source = f'<p class="src">依据：{escape(_text(f.get("source")))}</p>' if f.get("source") else ""
    return (
        f'<li class="finding" data-sev="{sev}"><div class="fh">'
        f'<span class="badge sev-{sev}">{SEVERITY_LABEL[sev]}</span> <code class="check">{escape(check)}</code>'
        f'{changing}</div><p class="msg">{escape(message)}</p>{_compare(f)}'
        f"{''.join(_evidence(block, evs, blocks) for block, evs in _by_block(f.get('evidence') or []))}"
        f"{source}</li>"
    )


def _compare(f: dict) -> str:
    stated, expected = f.get("stated"), f.get("expected")
    parts = []
    if stated not in (None, [], ""):
        parts.append(f"报告所述：<b>{escape(_values(stated))}</b>")
    if expected not in (None, [], ""):
        parts.append(f"复核：<b>{escape(_values(expected))}</b>")
    return f'<p class="cmp">{"；".join(parts)}</p>' if parts else ""


def _values(v: Any) -> str:
    """A finding's stated/expected value: one value, or several (a figure printed differently in places)."""
    if isinstance(v, list | tuple):
        return "、".join(_values(x) for x in v)
    return _fmt(v)


def _by_block(evidence: Iterable[Any]) -> list[tuple[Any, list[dict]]]:
    """Evidence grouped by quoted block, in order of first mention: a block is shown once with all its marks."""
    groups: dict[Any, list[dict]] = {}
    for ev in evidence:
        if isinstance(ev, dict):
            groups.setdefault(ev.get("block"), []).append(ev)
    return list(groups.items())


# ---------------------------------------------------------------- quotes marked inside their block


def _evidence(block: Any, evs: list[dict], blocks: dict) -> str:
    info = blocks.get(str(block)) if block is not None else None
    raw = info.get("raw") if isinstance(info, dict) else None
    page = evs[0].get("page") if evs[0].get("page") is not None else (info or {}).get("page")
    where = _where(page, info)
    if not isinstance(raw, str):
        # The block was not shipped with the record: show the quotes alone rather than nothing.
        quotes = "　…　".join(f"<mark>{escape(_text(e.get('quote')))}</mark>" for e in evs)
        return f'<div class="ev"><div class="where">{where}</div><div class="raw">{quotes}</div></div>'
    spans = _spans(raw, evs)
    body = _table(raw, spans) if info.get("kind") == "table" else _paragraph(raw, spans)
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


# ---------------------------------------------------------------- page template

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>预算绩效自评报告审核结果</title>
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
body{margin:0 auto;max-width:1100px;padding:0 16px 48px;color:#212529;background:#fff;
font:14px/1.6 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif}
h1{font-size:22px;margin:20px 0 8px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid #dee2e6}
h3{font-size:15px;margin:0 0 6px;display:flex;flex-wrap:wrap;gap:6px;align-items:center}
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
.st-ok{color:#2b8a3e}.st-partial{color:#e67700}.st-error{color:#c92a2a}
#scatter{width:100%;max-width:1000px;height:auto;font-family:inherit}
#scatter .frame{fill:none;stroke:#adb5bd}#scatter .edge{stroke:#adb5bd;stroke-dasharray:3 3}
#scatter .tick{stroke:#868e96}#scatter .tl{font-size:11px;fill:#495057}
#scatter .axis{font-size:13px;fill:#212529}#scatter .band{font-size:12px;font-weight:bold}
#scatter .low{stroke:#e03131;stroke-dasharray:5 4;stroke-opacity:.6}#scatter .lowt{font-size:11px;fill:#e03131}
#scatter .flagl{font-size:12px;fill:#e03131;font-weight:bold}
#scatter a:hover circle.pt{stroke:#000;stroke-width:2}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:13px}.legend span{display:inline-flex;gap:4px;
align-items:center}
.note{color:#6c757d;font-size:13px}
#filters div{margin:4px 0}#filters label{margin-right:10px}#q{width:260px;padding:2px 6px;font:inherit}
article.doc{border:1px solid #dee2e6;border-radius:6px;padding:10px 14px;margin:12px 0;scroll-margin-top:8px}
article.doc:target{box-shadow:0 0 0 3px #ffd43b}
dl{margin:4px 0}dl.meta,dl.facts{display:flex;flex-wrap:wrap;gap:2px 18px}
dl.meta div,dl.facts div{display:flex;gap:4px}dt{color:#6c757d}dd{margin:0}
dl.facts{background:#f8f9fa;border-radius:4px;padding:4px 8px}dl.facts dd{font-weight:bold}
dl.facts .absent dd{font-weight:normal;color:#adb5bd}
.err{color:#c92a2a;background:#fff5f5;padding:6px 8px;border-radius:4px}.err small{color:#868e96}
.warn{color:#b35c00}.dup{color:#6c757d}.none{color:#2b8a3e}
ol.findings{padding-left:22px}li.finding{margin:10px 0}.fh{display:flex;align-items:center;gap:6px}
.check{color:#495057}.msg{margin:4px 0}.cmp{margin:2px 0;font-size:13px}.src{margin:2px 0;font-size:12px;
color:#868e96}
.ev{border-left:3px solid #ced4da;margin:6px 0;padding:2px 10px;background:#fcfcfd}
.where{font-size:12px;color:#868e96}.raw{white-space:pre-wrap;word-break:break-all}
.tw{overflow-x:auto}table.raw-table{border-collapse:collapse;font-size:13px;margin:2px 0}
table.raw-table td{border:1px solid #dee2e6;padding:1px 6px;white-space:pre-wrap;vertical-align:top}
mark{background:#ffe066;border-radius:2px;box-shadow:inset 0 0 0 1px #e8b500}
"""

# Filtering in place: severity boxes hide findings, the text box hides whole reports and their points.
JS = """
(function () {
  var sevBoxes = Array.prototype.slice.call(document.querySelectorAll('#filters input[data-sev]'));
  var query = document.getElementById('q');
  var onlyIssues = document.getElementById('only-issues');
  var shown = document.getElementById('shown');
  var docs = Array.prototype.slice.call(document.querySelectorAll('article.doc'));
  var points = {};
  document.querySelectorAll('#scatter [data-doc]').forEach(function (p) {
    points[p.getAttribute('data-doc')] = p;
  });
  function apply() {
    var off = {};
    sevBoxes.forEach(function (b) { if (!b.checked) off[b.getAttribute('data-sev')] = true; });
    var q = query.value.trim().toLowerCase();
    var count = 0;
    docs.forEach(function (doc) {
      var visible = 0;
      doc.querySelectorAll('li.finding').forEach(function (li) {
        li.hidden = !!off[li.getAttribute('data-sev')];
        if (!li.hidden) visible++;
      });
      var match = !q || doc.getAttribute('data-search').indexOf(q) >= 0;
      var issue = visible > 0 || doc.getAttribute('data-status') !== 'ok';
      doc.hidden = !(match && (!onlyIssues.checked || issue));
      if (points[doc.id]) points[doc.id].style.display = doc.hidden ? 'none' : '';
      if (!doc.hidden) count++;
    });
    shown.textContent = count;
  }
  sevBoxes.forEach(function (b) { b.addEventListener('change', apply); });
  onlyIssues.addEventListener('change', apply);
  query.addEventListener('input', apply);
  apply();
})();
"""
