"""The review page (pipeline/outputs/html.py) on real records: offline, plotted, quoted, escaped, and loaded
in a real headless browser."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from html import escape
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest
from helpers import BAD, DEVSET, SEED000, SEED001

from pipeline.outputs.html import render, write
from pipeline.parse import parse_file
from pipeline.record import extract_record

FILES = [
    SEED001.with_suffix(".txt"),
    SEED000.with_suffix(".txt"),
    DEVSET / "reports" / "D009.txt",
    DEVSET / "reports" / "D011.txt",
    BAD / "empty.txt",
]
INJECTED = "<script>alert('x')</script>"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [extract_record(parse_file(p)) for p in FILES]


@pytest.fixture(scope="module")
def page(records: list[dict]) -> str:
    return render(records)


def by_name(records: list[dict], name: str) -> dict:
    return next(r for r in records if Path(r["file"]).name == name)


def plottable(records: list[dict]) -> list[dict]:
    return [
        r for r in records if r["score"]["total"] is not None and r["budget"]["execution_rate"] is not None
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
        if tag == "circle" and a.get("class") == "pt":
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


def test_page_names_no_remote_resource(page: str) -> None:
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:[a-z]+:)?//""", page, re.IGNORECASE)
    assert "@import" not in page and "url(" not in page
    assert "<link" not in page and "<script src" not in page and "<img" not in page


def test_page_parses_with_balanced_tags_and_unique_ids(page: str) -> None:
    s = structure(page)
    assert s.mismatched == []
    assert s.stack == []
    assert len(s.ids) == len(set(s.ids))
    # Every in-page link lands somewhere.
    assert {h[1:] for h in s.hrefs if h.startswith("#")} <= set(s.ids)


def test_plot_has_one_point_per_report_with_total_and_rate(records: list[dict], page: str) -> None:
    s = structure(page)
    assert '<svg id="scatter"' in page
    expected = plottable(records)
    assert len(expected) == 4  # both seeds, D009, D011; empty.txt has neither figure
    assert len(s.circles) == len(expected)
    tips = re.findall(r'<circle class="pt"[^>]*><title>(.*?)</title>', page, re.DOTALL)
    for r in expected:
        assert any(escape(r["file"]) in t for t in tips), r["file"]
    # 优 at 2.52% and at 41.26% are ringed and labelled.
    assert page.count('class="ring"') == 2
    assert ">001_5c147244ac7a2061.txt</text>" in page and ">D009.txt</text>" in page
    assert "预算执行率（%）" in page and "自评总分（分）" in page


def test_totals(page: str) -> None:
    assert "<th>报告文件</th><td>5</td>" in page
    assert "<td>4 / 0 / 1</td>" in page
    assert re.search(r"自评为“优”但预算执行率低于60%</th><td><b[^>]*>2</b>", page)


def severity_rank(rec: dict) -> tuple[int, int, int]:
    sev = [f["severity"] for f in rec["findings"]]
    return (sev.count("error"), sev.count("warning"), sev.count("info"))


def test_sections_most_errors_first(records: list[dict], page: str) -> None:
    # Which findings each seed has grows with the checker: compare with the records, not a fixed list.
    by_search = {r["file"].lower(): r for r in records}
    order = [next(r for f, r in by_search.items() if f in a) for a in structure(page).articles]
    assert len(order) == len(records)
    ranks = [severity_rank(r) for r in order]
    assert ranks == sorted(ranks, reverse=True)
    # An unreadable file comes before a readable one with the same findings.
    for before, after in pairwise(order):
        if severity_rank(before) == severity_rank(after):
            assert not (before["status"] == "ok" and after["status"] == "error")


def test_quote_is_marked_inside_its_paragraph(records: list[dict], page: str) -> None:
    rec = by_name(records, "D009.txt")
    finding = next(f for f in rec["findings"] if f["check"] == "GRADE-PLAUSIBILITY")
    ev = next(e for e in finding["evidence"] if "41.26" in e["quote"])
    raw = rec["evidence_blocks"][str(ev["block"])]["raw"]
    assert raw[ev["start"] : ev["end"]] == ev["quote"]
    marked = (
        escape(raw[: ev["start"]]) + "<mark>" + escape(ev["quote"]) + "</mark>" + escape(raw[ev["end"] :])
    )
    assert f'<div class="raw">{marked}</div>' in page


def test_error_record_shows_code_and_message(records: list[dict], page: str) -> None:
    err = by_name(records, "empty.txt")["error"]
    assert err["code"] == "E_EMPTY"
    assert f"<code>E_EMPTY</code> {escape(err['message'])}" in page


def test_every_finding_shows_severity_check_and_message(records: list[dict], page: str) -> None:
    labels = {"error": "错误", "warning": "警告", "info": "提示"}
    for rec in records:
        for f in rec["findings"]:
            check = escape(f["check"])
            head = f'<span class="badge sev-{f["severity"]}">{labels[f["severity"]]}</span> <code class="check">{check}</code>'
            assert head in page
            assert escape(f["message"].removeprefix(f"[{f['check']}] ")) in page
    band = next(f for f in by_name(records, "D011.txt")["findings"] if f["check"] == "GRADE-BAND")
    assert band["grade_changing"] and "影响等级" in page


def test_injected_markup_is_escaped(records: list[dict]) -> None:
    rec = copy.deepcopy(by_name(records, "D009.txt"))
    block = str(rec["findings"][0]["evidence"][0]["block"])
    rec["evidence_blocks"][block]["raw"] = "前文" + INJECTED + "后文"
    for f in rec["findings"]:
        for e in f["evidence"]:
            if str(e["block"]) == block:
                e.update(quote=INJECTED, start=2, end=2 + len(INJECTED))
    rec["meta"]["unit"] = INJECTED
    rec["findings"][0]["message"] = INJECTED
    rec["file"] = f"x{INJECTED}.txt"
    html = render([rec])
    assert html.count("<script") == 1  # the page's own filter script
    assert INJECTED not in html
    assert f"<mark>{escape(INJECTED)}</mark>" in html
    assert structure(html).mismatched == []


def test_write_creates_one_file(records: list[dict], tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    write(records, out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text == render(records)


def test_only_quoted_blocks_are_embedded(records: list[dict], page: str) -> None:
    rec = by_name(records, "001_5c147244ac7a2061.txt")
    doc = parse_file(FILES[0]).doc
    assert doc is not None
    quoted = set(rec["evidence_blocks"])
    unquoted = [b.raw for i, b in enumerate(doc.blocks) if str(i) not in quoted and len(b.raw) > 40]
    assert unquoted, "the seed has paragraphs no finding quotes"
    assert not [raw for raw in unquoted if escape(raw) in page]


def test_empty_batch_renders(tmp_path: Path) -> None:
    assert structure(render([])).mismatched == []


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


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed: apt-get install chromium")
def test_page_in_headless_chromium(records: list[dict], tmp_path: Path) -> None:
    html_path = tmp_path / "review.html"
    write(records, html_path)
    url = html_path.as_uri()

    dom = chromium(["--dump-dom", url], tmp_path / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    s = structure(dom.stdout)
    assert '<svg id="scatter"' in dom.stdout
    assert len(s.circles) == len(plottable(records))
    checks = {f["check"] for r in records for f in r["findings"]}
    assert "GRADE-PLAUSIBILITY" in checks  # seed 001: 优 at 2.52% execution
    for text in (*checks, "E_EMPTY", "<mark>"):
        assert text in dom.stdout, text
    # The inline filter script ran: it writes how many reports are shown.
    assert f'<b id="shown">{len(records)}</b>' in dom.stdout

    png = tmp_path / "review.png"
    shot = chromium([f"--screenshot={png}", "--window-size=1280,2000", url], tmp_path / "profile")
    assert shot.returncode == 0, shot.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (1280, 2000)
    assert len(data) > 30_000  # a blank or error page compresses to a few KB
