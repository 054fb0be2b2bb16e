"""The review pages (pipeline/outputs/html.py) on real records: an index (totals, plot, table of reports)
and one page per report; offline, plotted, quoted, escaped, scaled to 10,000 reports, and loaded in a real
headless browser."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from html import escape
from html.parser import HTMLParser
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
from helpers import BAD, DEVSET, SEED000, SEED001

from pipeline.outputs.html import HEIGHT, LEFT, OVER, PLOT_H, PLOT_W, POINT_R, TOP, render, render_report, write
from pipeline.parse import parse_file
from pipeline.record import extract_record

FILES = [
    SEED001.with_suffix(".txt"),
    SEED001.with_suffix(".pdf"),
    SEED000.with_suffix(".txt"),
    DEVSET / "reports" / "D009.txt",
    DEVSET / "reports" / "D011.txt",
    BAD / "empty.txt",
]
INJECTED = "<script>alert('x')</script>"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    from pipeline import same_report

    recs = [extract_record(parse_file(p)) for p in FILES]
    same_report.link(recs)  # the seed 001 as TXT and PDF: one report, the PDF stands for it
    return recs


@pytest.fixture(scope="module")
def page(records: list[dict]) -> str:
    return render(records)


def counted(records: list[dict]) -> list[dict]:
    return [r for r in records if not r.get("same_report_as")]


def report_page(records: list[dict], name: str) -> str:
    return render_report(records, by_name(records, name)["file"])


def by_name(records: list[dict], name: str) -> dict:
    return next(r for r in records if Path(r["file"]).name == name)


def plottable(records: list[dict]) -> list[dict]:
    return [
        r
        for r in counted(records)
        if r["score"]["total"] is not None and r["budget"]["execution_rate"] is not None
    ]


class Structure(HTMLParser):
    """Collects what the tests look at, and every tag that closes something other than what is open."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.mismatched: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.circles: list[dict[str, str | None]] = []
        self.articles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if a.get("href"):
            self.hrefs.append(a["href"] or "")
        if tag == "circle" and (a.get("class") or "").startswith("pt"):
            self.circles.append(a)
        if tag == "article":
            self.articles.append(a.get("data-search") or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <rect/> and friends inside the SVG: opened and closed at once.
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.mismatched.append(f"</{tag}> with open {self.stack[-3:]}")
            return
        self.stack.pop()


def structure(html: str) -> Structure:
    s = Structure()
    s.feed(html)
    s.close()
    return s


# -- the page, as text ------------------------------------------------------------------------------


def test_pages_name_no_remote_resource(records: list[dict], page: str) -> None:
    for html in (page, report_page(records, "D009.txt")):
        assert "http://" not in html and "https://" not in html
        assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:[a-z]+:)?//""", html, re.IGNORECASE)
        assert "@import" not in html and "url(" not in html
        assert "<link" not in html and "<script src" not in html and "<img" not in html


def test_pages_parse_with_balanced_tags_and_unique_ids(records: list[dict], page: str) -> None:
    for html in (page, *(report_page(records, Path(r["file"]).name) for r in counted(records))):
        s = structure(html)
        assert s.mismatched == []
        assert s.stack == []
        assert len(s.ids) == len(set(s.ids))
        assert {h[1:] for h in s.hrefs if h.startswith("#")} <= set(s.ids)


def reports_data(page: str) -> list[list]:
    """The index's rows with their folder, unit and project looked up (the page stores each once)."""
    import json

    data = json.loads(re.search(r"var DATA=(\{.*?\});\n", page, re.DOTALL).group(1))
    rows = []
    for r in data["rows"]:
        r = list(r)
        r[3], r[4] = data["units"][r[3]], data["projects"][r[4]]
        r[2] = r[2].replace("\u0001", r[3]).replace("\u0002", r[4])  # the name repeats unit and project
        r[1] = f'{data["dirs"][r[1]]}/{r[2]}'  # the file as given
        rows.append(r)
    return rows


def test_plot_has_one_point_per_report_with_total_and_rate(records: list[dict], page: str) -> None:
    assert '<svg id="scatter"' in page
    expected = plottable(records)
    assert len(expected) == 4  # both seeds (001 once, as its PDF), D009, D011; empty.txt has neither figure
    placed = [r for r in reports_data(page) if r[16] is not None]  # the script draws a circle at (x, y)
    assert sorted(Path(r[1]).name for r in placed) == sorted(Path(r["file"]).name for r in expected)
    # 优 at 2.52% and at 41.26% are flagged (ringed by the script)
    assert sorted(Path(r[1]).name for r in placed if r[13]) == ["001_5c147244ac7a2061.pdf", "D009.txt"]
    assert "预算执行率（%）" in page and "自评总分（分）" in page


def test_totals(page: str) -> None:
    assert "<th>报告（每份报告只计一次）</th><td>5</td>" in page
    assert "<th>文件</th><td>6（其中1个是同一报告的其他文件）</td>" in page
    assert "<td>4 / 0 / 0 / 1</td>" in page
    assert re.search(r"自评为“优”但预算执行率低于60%</th><td><b[^>]*>2</b>", page)


def severity_rank(rec: dict) -> tuple[int, int, int]:
    sev = [f["severity"] for f in rec["findings"]]
    return (sev.count("error"), sev.count("warning"), sev.count("info"))


def test_table_rows_most_errors_first(records: list[dict], page: str) -> None:
    by_file = {r["file"]: r for r in records}
    order = [by_file[row[1]] for row in reports_data(page)]
    assert len(order) == len(counted(records))
    ranks = [severity_rank(r) for r in order]
    assert ranks == sorted(ranks, reverse=True)
    for before, after in pairwise(order):
        if severity_rank(before) == severity_rank(after):
            assert not (before["status"] == "ok" and after["status"] == "error")
    seed = next(row for row in reports_data(page) if row[1].endswith(".pdf"))
    assert seed[14] == 1  # the TXT of the same report is listed with it


def test_quote_is_marked_inside_its_paragraph(records: list[dict]) -> None:
    rec = by_name(records, "D009.txt")
    finding = next(f for f in rec["findings"] if f["check"] == "GRADE-PLAUSIBILITY")
    ev = next(e for e in finding["evidence"] if "41.26" in e["quote"])
    raw = rec["evidence_blocks"][str(ev["block"])]["raw"]
    assert raw[ev["start"] : ev["end"]] == ev["quote"]
    html = report_page(records, "D009.txt")
    paragraph = re.search(r'<div class="raw">(.*?)</div>', html[html.index(escape(raw[: ev["start"]])) - 40 :]).group(1)
    assert f"<mark>{escape(ev['quote'])}</mark>" in paragraph


def test_findings_on_one_paragraph_are_grouped(records: list[dict]) -> None:
    rec = by_name(records, "D009.txt")
    firsts = Counter(f["evidence"][0]["block"] for f in rec["findings"] if f["evidence"])
    block, n = firsts.most_common(1)[0]
    assert n >= 2, "D009 has a paragraph several findings quote"
    html = report_page(records, "D009.txt")
    raw = rec["evidence_blocks"][str(block)]["raw"]
    assert f'<div class="gh">{n}个问题</div>' in html
    # the paragraph is drawn once for its group, not once per finding
    assert html.count(escape(raw[:20])) < n + 1


def test_tables_are_drawn_with_their_merged_cells(records: list[dict]) -> None:
    html = report_page(records, "001_5c147244ac7a2061.pdf")
    rec = by_name(records, "001_5c147244ac7a2061.pdf")
    spans = [c for cells in rec["evidence_cells"].values() for c in cells if c[2] > 1 or c[3] > 1]
    assert spans, "the seed's indicator table merges 一级指标 over several rows"
    assert re.search(r'<td rowspan="\d+"', html) or re.search(r'<td colspan="\d+"', html)


def test_pdf_evidence_links_to_its_page(records: list[dict]) -> None:
    html = report_page(records, "001_5c147244ac7a2061.pdf")
    pages = re.findall(r'href="[^"]*001_5c147244ac7a2061\.pdf#page=(\d+)"', html)
    assert pages and all(1 <= int(p) <= by_name(records, "001_5c147244ac7a2061.pdf")["pages"] for p in pages)
    assert "打开原件第" in html


def test_error_record_shows_code_and_message(records: list[dict]) -> None:
    err = by_name(records, "empty.txt")["error"]
    assert err["code"] == "E_EMPTY"
    assert f"<code>E_EMPTY</code> {escape(err['message'])}" in report_page(records, "empty.txt")


def test_every_finding_shows_severity_title_check_and_message(records: list[dict]) -> None:
    from pipeline.outputs.xlsx import check_title

    labels = {"error": "错误", "warning": "警告", "info": "提示"}
    for rec in counted(records):
        html = report_page(records, Path(rec["file"]).name)
        for f in rec["findings"]:
            head = (
                f'<span class="badge sev-{f["severity"]}">{labels[f["severity"]]}</span> '
                f'<b>{escape(check_title(f["check"]))}</b> <code class="check">{escape(f["check"])}</code>'
            )
            assert head in html
            assert escape(f["message"].removeprefix(f"[{f['check']}] ")) in html
    band = next(f for f in by_name(records, "D011.txt")["findings"] if f["check"] == "GRADE-BAND")
    assert band["grade_changing"] and "影响等级" in report_page(records, "D011.txt")


def test_review_state_is_marked(records: list[dict]) -> None:
    rec = copy.deepcopy(by_name(records, "D011.txt"))
    rec["findings"][0]["review"] = {"state": "属实", "note": "已通知单位", "reviewer": "张审计"}
    html = render_report([rec], rec["file"])
    assert '<span class="review st-confirmed">复核：属实（张审计）</span><span class="rnote">已通知单位</span>' in html
    assert reports_data(render([rec]))[0][15] == 1


def test_injected_markup_is_escaped(records: list[dict]) -> None:
    rec = copy.deepcopy(by_name(records, "D009.txt"))
    block = str(rec["findings"][0]["evidence"][0]["block"])
    rec["evidence_blocks"][block]["raw"] = "前文" + INJECTED + "后文"
    for f in rec["findings"]:
        for e in f["evidence"]:
            if str(e["block"]) == block:
                e.update(quote=INJECTED, start=2, end=2 + len(INJECTED))
    rec["meta"]["unit"] = INJECTED
    rec["meta"]["project"] = "</script>" + INJECTED
    rec["findings"][0]["message"] = INJECTED
    rec["file"] = f"x{INJECTED}.txt"
    index, one = render([rec]), render_report([rec], rec["file"])
    for html in (index, one):
        assert html.count("<script") == 1 and html.count("</script>") == 1  # the page's own script
        assert INJECTED not in html
        assert structure(html).mismatched == []
    assert f"<mark>{escape(INJECTED)}</mark>" in one


def test_write_creates_the_index_and_one_page_per_report(records: list[dict], tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    write(records, out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text == render(records)
    pages = sorted(p.name for p in (tmp_path / "report-pages").iterdir())
    assert len(pages) == len(counted(records))
    assert all(f'href="report-pages/' in text for _ in pages)


def test_only_quoted_blocks_are_embedded(records: list[dict]) -> None:
    rec = by_name(records, "001_5c147244ac7a2061.txt")
    doc = parse_file(FILES[0]).doc
    assert doc is not None
    quoted = set(rec["evidence_blocks"])
    unquoted = [b.raw for i, b in enumerate(doc.blocks) if str(i) not in quoted and len(b.raw) > 40]
    assert unquoted, "the seed has paragraphs no finding quotes"
    html = report_page(records, "001_5c147244ac7a2061.txt")
    assert not [raw for raw in unquoted if escape(raw) in html]


def test_empty_batch_renders(tmp_path: Path) -> None:
    assert structure(render([])).mismatched == []


def many(records: list[dict], n: int) -> list[dict]:
    """n reports made from the real ones: totals and rates spread over the plot, edges and piles included."""
    base = [r for r in counted(records) if r["status"] == "ok"]
    out = []
    for i in range(n):
        rec = copy.deepcopy(base[i % len(base)]) if i < len(base) else dict(base[i % len(base)])
        # names as reports arrive: the unit, the year and the project in the name, one folder per county
        unit = f"某某县{['教育','卫生健康','农业农村','水利','民政','人力资源和社会保障'][i % 6]}局第{i % 300}科"
        project = f"{2020 + i % 5}年度{['义务教育','乡村振兴','饮水安全','困难群众救助'][i % 4]}专项资金第{i}号项目"
        rec["file"] = f"报送材料/第{i % 40}县/{unit}{project}绩效自评报告.pdf"
        rec["meta"] = {**rec["meta"], "unit": unit, "project": project}
        total = [100, 0, 99.5, 60, 101, 95][i % 6] if i % 7 == 0 else 50 + (i * 37 % 500) / 10
        rate = [0, 100, 150, 2.5, 60][i % 5] if i % 11 == 0 else (i * 53 % 1200) / 10
        rec["score"] = {**rec["score"], "total": {"value": total}}
        rec["budget"] = {**rec["budget"], "execution_rate": {"value": rate}}
        out.append(rec)
    return out


def test_index_of_10000_reports_is_small_and_keeps_every_point_inside_the_axes(records: list[dict]) -> None:
    html = render(many(records, 10_000))
    assert len(html.encode("utf-8")) < 2_000_000
    rows = reports_data(html)
    assert len(rows) == 10_000 and all(r[16] is not None for r in rows)
    r = POINT_R
    for row in rows:
        x, y = row[16], row[17]
        assert LEFT + r <= x <= LEFT + PLOT_W + OVER - r and TOP + r <= y <= TOP + OVER + PLOT_H - r
    assert HEIGHT > TOP + OVER + PLOT_H


def test_print_stylesheet_is_a4_without_controls(page: str) -> None:
    css = page[page.index("@media print") :]
    assert "size:A4" in css and "#filters" in css and "display:none" in css


# -- the page in a real browser ---------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_TIMEOUT = 120
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    try:
        return subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=BROWSER_TIMEOUT,
            check=False,  # the caller asserts, with chromium's stderr in the message
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium did not finish within {BROWSER_TIMEOUT} s: {args}")


def screenshot(url: str, png: Path, profile: Path) -> bytes:
    shot = chromium([f"--screenshot={png}", "--window-size=1280,2000", url], profile)
    assert shot.returncode == 0, shot.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (1280, 2000)
    return data


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed: apt-get install chromium")
def test_pages_in_headless_chromium(records: list[dict], tmp_path: Path) -> None:
    html_path = tmp_path / "review.html"
    write(records, html_path)
    url = html_path.as_uri()

    dom = chromium(["--dump-dom", url], tmp_path / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    s = structure(dom.stdout)
    assert '<svg id="scatter"' in dom.stdout
    # The script ran: it drew one table row per report and says how many are shown.
    assert f'<b id="shown">{len(counted(records))}</b>' in dom.stdout
    assert len(re.findall(r'href="report-pages/d\d+\.html"', dom.stdout)) == len(counted(records))
    assert len(s.circles) == len(plottable(records)) and dom.stdout.count('class="ring"') == 2
    data = screenshot(url, tmp_path / "index.png", tmp_path / "profile")
    assert len(data) > 30_000  # a blank or error page compresses to a few KB

    seed = next(d for d in (tmp_path / "report-pages").iterdir() if "001_5c147244ac7a2061.pdf" in d.read_text("utf-8"))
    dom = chromium(["--dump-dom", seed.as_uri()], tmp_path / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-ready="1"' in dom.stdout and "<mark>" in dom.stdout and "GRADE-PLAUSIBILITY" in dom.stdout
    assert re.search(r'<td rowspan="\d+"', dom.stdout)
    data = screenshot(seed.as_uri(), tmp_path / "report.png", tmp_path / "profile")
    assert len(data) > 30_000


def test_index_sorted_in_runs_on_disk_is_the_index_sorted_at_once(records: list[dict], tmp_path: Path, monkeypatch) -> None:
    """The index's rows go to temporary files in sorted runs merged at the end: the page is the one a
    single sort gives, every report listed once, piles of points spread in input order."""
    import math

    from pipeline.outputs import html as page_module
    from pipeline.outputs.html import _inside, _x, _y

    reports = many(records, 500)
    at_once = render(reports)
    monkeypatch.setattr(page_module._Index, "CHUNK", 7)  # 72 runs, one of them short
    assert render(reports) == at_once
    write(reports, tmp_path / "report.html")
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == at_once
    assert len(list((tmp_path / "report-pages").iterdir())) == 500

    rows = reports_data(at_once)
    assert sorted(r[0] for r in rows) == list(range(500))  # every report once, by its input position
    keys = [(-r[9], -r[10], -r[11], {"error": 0, "not_report": 0, "partial": 1}.get(r[12], 2), r[1]) for r in rows]
    assert keys == sorted(keys)
    # points at the same place: the k-th report (in input order) on a golden-angle spiral around it
    piles: dict[tuple[float, float], int] = {}
    by_page = {r[0]: r for r in rows}
    for i in range(500):
        r = by_page[i]
        x, y = round(_x(r[8]), 1), round(_y(r[6]), 1)
        k = piles[(x, y)] = piles.get((x, y), -1) + 1
        px, py = _inside(x + 2.2 * math.sqrt(k) * math.cos(k * 2.39996), y + 2.2 * math.sqrt(k) * math.sin(k * 2.39996))
        assert (r[16], r[17]) == (round(px, 1), round(py, 1))
    assert max(piles.values()) >= 3  # piles there were (k counts from 0)
