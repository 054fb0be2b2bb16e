"""The PDF reader on the two seed reports as published PDFs (scripts/make_pdf.py), on broken PDFs, and on
small layouts drawn here: two columns, page furniture, word spacing, paragraph breaks."""

from __future__ import annotations

import importlib.util
import io
import re
import time
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from pipeline.document import Block, Document
from pipeline.errors import ReadError
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.parse import parse_file
from pipeline.readers import pdf, pdf_objects, pdf_tables, read_bytes
from pipeline.record import extract_record

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BAD = ROOT / "tests" / "data" / "bad"
DOC000 = CORPUS / "000_a4cf6914c4e43683.pdf"
DOC001 = CORPUS / "001_5c147244ac7a2061.pdf"
HEADER000 = "金辰街道办事处2023年度项目支出绩效自评"
HEADER001 = "区退管中心2022.2023项目绩效评价报告"

_spec = importlib.util.spec_from_file_location("seed_tables", ROOT / "scripts" / "seed_tables.py")
seed_tables = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seed_tables)
_spec = importlib.util.spec_from_file_location("make_pdf", ROOT / "scripts" / "make_pdf.py")
make_pdf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_pdf)
_spec = importlib.util.spec_from_file_location("make_bad", ROOT / "scripts" / "make_bad.py")
make_bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_bad)

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
W, H = A4


def read_path(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    return pdf.read(path.read_bytes(), str(path), limits)


@pytest.fixture(scope="module")
def doc000() -> Document:
    return read_path(DOC000)


@pytest.fixture(scope="module")
def doc001() -> Document:
    return read_path(DOC001)


def tables(doc: Document) -> list[Block]:
    return [b for b in doc.blocks if b.kind == "table"]


def flat(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


# -- the seed reports ---------------------------------------------------------------------------------


def test_page_counts(doc000: Document, doc001: Document) -> None:
    assert (doc000.format, doc000.pages) == ("pdf", 4)
    assert (doc001.format, doc001.pages) == ("pdf", 8)
    assert doc000.warnings == [] and doc001.warnings == []


@pytest.mark.parametrize(
    "stem, title", [("000_a4cf6914c4e43683", None), ("001_5c147244ac7a2061", seed_tables.SEED001_TITLE)]
)
def test_every_seed_line_is_one_paragraph_in_order(stem: str, title: str | None) -> None:
    # Wrapped lines were merged back exactly where the PDF only wrapped: one block per seed line.
    doc = read_path(CORPUS / f"{stem}.pdf")
    lines = (CORPUS / f"{stem}.txt").read_text("utf-8").splitlines()
    want = ([title] if title else []) + [flat(ln) for ln in lines if ln.strip()]
    got = [flat(b.raw) for b in doc.blocks if b.kind != "table"]
    assert got == want
    assert all(b.kind == "paragraph" for b in doc.blocks if b.kind != "table")


def test_running_header_and_page_numbers_are_dropped(doc000: Document, doc001: Document) -> None:
    for doc, header in ((doc000, HEADER000), (doc001, HEADER001)):
        for b in doc.blocks:
            assert header not in b.raw
            assert not re.search(r"-\s*\d+\s*-", b.raw), b.raw
    # the title in the body is kept even though it is set large near the top of page 1
    assert doc000.blocks[0].raw == "国有企业退休人员社会化管理专项补助资金"
    assert doc000.blocks[0].page == 1


def test_wrapped_sentence_keeps_its_line_break_on_page_6(doc001: Document) -> None:
    hits = [b for b in doc001.blocks if "预算资金支出16.67万元" in b.raw]
    assert len(hits) == 1
    block = hits[0]
    assert block.kind == "paragraph"
    assert block.page == 6 and block.loc["page"] == 6 and block.loc["top"] == 144
    assert block.raw == (
        "预算编制较为详细，项目资金支出总体能够按照预算执行，预算资金支出16.67万元，预算执行率\n为2.52%。"
    )
    assert doc001.blocks[block.index - 1].raw == "（2）预算执行率"


def test_latin_spacing_is_what_the_pdf_has(doc001: Document) -> None:
    # the seed's "得分为 20分" space glyph stays (CJK next to a digit); the one before "100%" fell at the
    # line end; the two spaces in "实施情况，  评价核心" sit between CJK characters and are dropped
    block = next(b for b in doc001.blocks if "总得分为91.23分" in b.raw)
    assert "得分为 20分，得分率为\n100%。" in block.raw
    assert "得分为16.1分，得分率为 80.5%" in block.raw
    assert "评价对象为项目目标\n实施情况，评价核心" in next(b.raw for b in doc001.blocks if "评价核心为资金" in b.raw)


def test_scores_table(doc001: Document) -> None:
    scores = [t for t in tables(doc001) if "91.23" in t.raw]
    assert len(scores) == 1
    t = scores[0]
    assert t.page == 4 and t.loc == {"page": 4, "top": 540}
    assert t.grid() == seed_tables.grid(seed_tables.SEED001_SCORES)
    assert t.grid()[2] == ["项目过程", "20", "16.1", "80.5%"]
    you = [c for c in t.cells if c.text == "优"]
    assert len(you) == 1
    assert (you[0].row, you[0].col, you[0].rowspan, you[0].colspan) == (6, 1, 1, 3)
    assert t.raw.splitlines()[-1] == "评价等级\t优"
    assert t.raw[you[0].start : you[0].end] == "优"
    # the table sits after the paragraph that names it, and its text is not repeated as paragraphs
    assert doc001.blocks[t.index - 1].raw.startswith("运用绩效评价组制定的评价指标体系")
    assert not any("权重（分）" in b.raw for b in doc001.blocks if b.kind != "table")


def test_indicator_table_merges_once(doc001: Document) -> None:
    t = next(t for t in tables(doc001) if "产出指标" in t.raw)
    assert t.page == 7
    assert (t.nrows, t.ncols) == (12, 6)
    assert t.grid() == seed_tables.grid(seed_tables.SEED001_INDICATORS)
    out = [c for c in t.cells if c.text == "产出指标"]
    assert len(out) == 1 and (out[0].row, out[0].col, out[0].rowspan, out[0].colspan) == (1, 0, 9, 1)
    spans = {c.text: c.rowspan for c in t.cells if c.rowspan > 1}
    assert spans == {"产出指标": 9, "数量指标": 4, "质量指标": 2, "时效指标": 2, "效益指标": 2}
    for c in t.cells:
        assert t.raw[c.start : c.end] == c.text
    assert doc001.blocks[t.index - 1].raw.startswith("指标1：全区退休人员满意度")


def test_funds_table_in_seed_000(doc000: Document) -> None:
    (t,) = tables(doc000)
    assert t.page == 3
    want = seed_tables.grid(seed_tables.SEED000_FUNDS)
    assert [[flat(x) for x in row] for row in t.grid()] == want
    # the long name wraps inside its cell; the cell keeps the break, like a paragraph does
    assert t.grid()[1][0] == "国有企业退休人员社会化管理专\n项资金"
    assert t.raw.splitlines()[1] == "国有企业退休人员社会化管理专"
    assert doc000.blocks[t.index - 1].raw.startswith("1.产出指标：社会化管理工作覆盖范围")


def test_page_limit_reads_the_first_pages_and_warns() -> None:
    doc = read_path(DOC001, Limits(max_pages=2))
    assert doc.pages == 8
    assert {b.page for b in doc.blocks} == {1, 2}
    assert [w["code"] for w in doc.warnings] == ["W_PDF_PAGES_CUT"]
    assert "共8页，只读取了前2页" in doc.warnings[0]["message"]


# -- broken and odd files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, code",
    [
        ("truncated.pdf", "E_PDF_CORRUPT"),
        ("encrypted.pdf", "E_PDF_ENCRYPTED"),
        ("scanned.pdf", "E_PDF_NO_TEXT"),
        ("png_named.pdf", "E_PDF_CORRUPT"),  # handed to the PDF reader anyway, it is not a PDF
    ],
)
def test_bad_files_give_their_code_quickly(name: str, code: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ReadError) as err:
        read_path(BAD / name)
    assert err.value.code == code
    # a page without text is OCR'd now: loading the models and looking at the page take seconds
    assert time.perf_counter() - start < (15.0 if name == "scanned.pdf" else 2.0)
    assert err.value.detail


def test_png_named_pdf_is_sniffed_as_an_image() -> None:
    with pytest.raises(ReadError) as err:
        read_bytes((BAD / "png_named.pdf").read_bytes(), "png_named.pdf")
    assert err.value.code == "E_IMAGE"


def test_owner_password_only_reads_normally() -> None:
    doc = read_path(BAD / "owner_only.pdf")
    assert [b.raw for b in doc.blocks] == [
        "Owner password only: opens without a password.",
        "Budget execution rate 100%.",
    ]
    assert doc.warnings == []


def test_mixed_scan_reads_the_text_page_and_warns() -> None:
    doc = read_path(BAD / "mixed_scan.pdf")
    assert doc.pages == 2
    assert [b.raw for b in doc.blocks] == ["一、基本情况", "项目资金支出绩效自评报告，预算执行率为100%。", "二、绩效目标"]
    assert {b.page for b in doc.blocks} == {1}
    assert doc.warnings == [
        {
            "code": "W_PDF_PAGES_NO_TEXT",
            "message": "第2页没有文字层（扫描页），OCR也未能识别出文字，这些页的内容未读取，请核对原件"
            "（pages without text layer where OCR found nothing: 2）",
        }
    ]


def test_a_page_that_cannot_be_loaded_costs_only_that_page() -> None:
    # page 2's object is a bare number (scripts/make_pdf.py): pdfium counts it but cannot load it;
    # pdfminer used to drop it from the page count without a word
    doc = read_path(BAD / "damaged_page.pdf")
    assert doc.pages == 3
    assert [(b.page, b.raw) for b in doc.blocks] == [
        (1, "一、基本情况"),
        (1, "项目资金支出绩效自评报告，预算执行率为100%。"),
        (1, "二、绩效目标"),
        (3, "三、自评结论"),
        (3, "第三页的正文。"),
    ]
    assert doc.warnings == [
        {
            "code": "W_PDF_PAGES_CORRUPT",
            "message": "第2页已损坏，这些页的内容未读取（damaged pages not read: 2; PdfiumError: Failed to load page.）",
        }
    ]


def test_no_page_that_can_be_loaded_is_a_corrupt_pdf() -> None:
    data = make_pdf.unloadable_pages(make_pdf.simple_pdf([["第一页"], ["第二页"]]), {1, 2})
    with pytest.raises(ReadError) as err:
        pdf.read(data, "unloadable.pdf", DEFAULT_LIMITS)
    assert err.value.code == "E_PDF_CORRUPT"
    assert err.value.detail == "no page could be read; page 1: PdfiumError: Failed to load page."


def _clock_fires_on_page(monkeypatch: pytest.MonkeyPatch, number: int) -> None:
    real = pdf_objects.read_page

    def read_page(document, index: int, fonts):
        if index + 1 == number:
            raise ReadError("E_TIMEOUT", "reading took longer than 1 s")
        return real(document, index, fonts)

    monkeypatch.setattr(pdf_objects, "read_page", read_page)


def test_time_limit_inside_a_page_keeps_the_pages_read(monkeypatch: pytest.MonkeyPatch) -> None:
    _clock_fires_on_page(monkeypatch, 3)
    doc = read_path(DOC001)
    assert doc.pages == 8 and {b.page for b in doc.blocks} == {1, 2}
    assert doc.warnings == [
        {
            "code": "W_PDF_PAGES_TIMEOUT",
            "message": "读取超过时间上限，文件共8页，第3-8页未读取，请拆分后再提交（time limit: read 2 of 8 pages, not read: 3-8）",
        }
    ]


def test_time_limit_on_the_first_page_is_a_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    _clock_fires_on_page(monkeypatch, 1)
    with pytest.raises(ReadError) as err:
        read_path(DOC001)
    assert err.value.code == "E_TIMEOUT"


def test_a_page_with_too_many_glyphs_is_read_in_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_objects, "MAX_GLYPHS", 60)  # a real page holds a few thousand
    doc = read_path(DOC000)
    assert doc.blocks[0].raw.startswith("国有企业退休人员社会化管理专项补助资金")  # page 1 after its header
    assert sum(len(b.raw) for b in doc.blocks if b.page == 1) < 60
    assert [w["code"] for w in doc.warnings] == ["W_PDF_PAGES_DENSE"]
    assert doc.warnings[0]["message"].startswith("第1-4页的文字或图形对象过多，只读取了其中一部分")


def test_a_long_pdf_cut_by_the_clock_says_so(tmp_path: Path) -> None:
    # 4,000 pages: reading stops at a page boundary once 3/4 of the limit is used, and the record is
    # partial, never ok, with the pages read so far and the pages not read named (an idle machine reads
    # 2,000 such pages in under 0.4 s: the pages must far outlast the limit)
    path = tmp_path / "long.pdf"
    path.write_bytes(make_pdf.simple_pdf([[f"第{n}页：项目资金支出绩效自评报告。"] for n in range(1, 4001)]))
    parsed = parse_file(path, Limits(seconds=0.25))
    assert parsed.error is None and parsed.status == "partial"
    (warning,) = parsed.doc.warnings
    assert warning["code"] == "W_PDF_PAGES_TIMEOUT"
    read = max(b.page for b in parsed.doc.blocks)
    assert 1 <= read < 4000
    assert f"文件共4000页，第{read + 1}-4000页未读取" in warning["message"]
    assert [b.raw for b in parsed.doc.blocks] == [f"第{n}页：项目资金支出绩效自评报告。" for n in range(1, read + 1)]
    assert extract_record(parsed)["status"] == "partial"


# pdfium with no system fonts at all, as on a machine without a CJK font: every font callback finds nothing
_NO_SYSTEM_FONTS = """
import ctypes, json, sys
import pypdfium2.raw as r
info = r.FPDF_SYSFONTINFO(); info.version = 1
types = dict(r.FPDF_SYSFONTINFO._fields_); keep = []
for name, fn in [("Release", lambda *a: None), ("EnumFonts", lambda *a: None), ("MapFont", lambda *a: None),
                 ("GetFont", lambda *a: None), ("GetFontData", lambda *a: 0), ("GetFaceName", lambda *a: 0),
                 ("GetFontCharset", lambda *a: 0), ("DeleteFont", lambda *a: None)]:
    keep.append(types[name](fn)); setattr(info, name, keep[-1])
r.FPDF_SetSystemFontInfo(ctypes.byref(info))
from pipeline.parse import parse_file
from pipeline.record import extract_record
rec = extract_record(parse_file(sys.argv[1]))
print(json.dumps({"status": rec["status"], "warnings": rec["warnings"], "grade": rec["score"]["grade"]}, ensure_ascii=False))
"""


def test_text_in_a_font_this_machine_lacks_is_named_not_lost_silently() -> None:
    # The seed's fonts are not embedded (STSong-Light); without a CJK font on the machine pdfium's text
    # layer leaves out the 评价等级 cell's 优 on page 4 altogether. The record says so instead of
    # reading a table with an empty grade as if it were whole.
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _NO_SYSTEM_FONTS, str(DOC001)], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    got = json.loads(out)
    assert got["status"] == "partial"
    (warning,) = got["warnings"]
    assert warning["code"] == "W_PDF_FONT_MISSING"
    assert warning["message"].startswith("第4页有1处文字未能读取：其字体（STSong-Light）未嵌入PDF")
    assert "fonts-noto-cjk" in warning["message"]
    # with the machine's fonts, nothing is missing: the same file reads whole
    parsed = parse_file(DOC001)
    assert parsed.status == "ok" and not parsed.doc.warnings
    assert extract_record(parsed)["score"]["grade"]["value"] == "优"


def test_truncated_in_many_places_never_raises_anything_but_read_error() -> None:
    data = DOC000.read_bytes()
    for cut in range(200, len(data), len(data) // 25):
        try:
            doc = pdf.read(data[:cut], "cut.pdf", DEFAULT_LIMITS)
        except ReadError as exc:
            assert exc.code in ("E_PDF_CORRUPT", "E_PDF_NO_TEXT", "E_NO_TEXT"), exc
        else:
            assert doc.blocks


# -- layouts drawn here -------------------------------------------------------------------------------


def render(draw) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    draw(c)
    c.save()
    return out.getvalue()


def line(c: canvas.Canvas, x: float, y: float, text: str, width: float | None = None) -> None:
    """Draw one line; with ``width``, justified to it as a wrapped line of a paragraph is."""
    c.setFont("STSong-Light", 10.5)
    space = 0.0
    if width is not None:
        space = (width - pdfmetrics.stringWidth(text, "STSong-Light", 10.5)) / (len(text) - 1)
    c.drawString(x, y, text, charSpace=space)


FULL_WIDTH = "全宽的结尾段落，从左栏一直写到右栏，跨过两栏之间的空白，不属于任何一栏。"


def test_two_columns_are_read_one_after_the_other() -> None:
    def column(name: str) -> list[list[str]]:
        # two paragraphs of full lines (justified to the column) and a short last line
        return [
            [f"{name}第{p}段第{i}行的文字内容排满" for i in range(1, n)] + [f"{name}第{p}段结束。"]
            for p, n in ((1, 5), (2, 4))
        ]

    cols = {72.0: column("左栏"), 320.0: column("右栏")}

    def draw(c: canvas.Canvas) -> None:
        c.setFont("STSong-Light", 16)
        c.drawCentredString(W / 2, H - 100, "两栏排版的报告标题")
        for x, paragraphs in cols.items():
            y = H - 140
            for para in paragraphs:
                for i, text in enumerate(para):
                    indent = 21 if i == 0 else 0
                    line(c, x + indent, y, text, None if i == len(para) - 1 else 200 - indent)
                    y -= 18
        line(c, 72, y - 30, FULL_WIDTH)

    doc = pdf.read(render(draw), "two.pdf", DEFAULT_LIMITS)
    assert [b.raw for b in doc.blocks] == (
        ["两栏排版的报告标题"] + ["\n".join(p) for x in cols for p in cols[x]] + [FULL_WIDTH]
    )


def test_headers_footers_and_page_numbers_in_margins_only() -> None:
    def draw(c: canvas.Canvas) -> None:
        for n in range(1, 4):
            c.setFont("STSong-Light", 9)
            c.drawString(72, H - 40, f"某某单位 {2020 + n} 年度报告")  # repeats once digits are ignored
            c.drawCentredString(W / 2, 30, f"第 {n} 页 共 3 页")
            c.setFont("STSong-Light", 10.5)
            c.drawString(72, H - 120, f"第{n}页的正文。")
            c.drawString(72, H - 140, str(n))  # a bare number in the body is content
            c.drawString(72, H - 160, "续表")  # repeats on every page, but not in a margin
            c.showPage()

    doc = pdf.read(render(draw), "furniture.pdf", DEFAULT_LIMITS)
    assert [(b.page, b.raw) for b in doc.blocks] == [
        (p, t) for p in (1, 2, 3) for t in (f"第{p}页的正文。", str(p), "续表")
    ]


def test_single_page_keeps_its_header_but_drops_its_page_number() -> None:
    def draw(c: canvas.Canvas) -> None:
        c.setFont("STSong-Light", 9)
        c.drawString(72, H - 40, "某某单位绩效自评报告")
        c.drawCentredString(W / 2, 30, "- 1 -")
        c.setFont("STSong-Light", 10.5)
        c.drawString(72, H - 120, "正文。")

    doc = pdf.read(render(draw), "one.pdf", DEFAULT_LIMITS)
    assert [b.raw for b in doc.blocks] == ["某某单位绩效自评报告", "正文。"]


def test_spaces_between_latin_words_only() -> None:
    def draw(c: canvas.Canvas) -> None:
        c.setFont("Helvetica", 11)
        c.drawString(72, H - 120, "ISO 9001 quality audit")
        c.setFont("STSong-Light", 11)
        c.drawString(72, H - 140, "预算执行率", charSpace=3)  # loose CJK tracking is not a word gap
        # real gaps with no space glyph, as a PDF printed from a spreadsheet has them
        c.drawString(72, H - 160, "合计")
        c.drawString(120, H - 160, "151.08")
        c.drawString(170, H - 160, "万元")
        c.drawString(72, H - 180, "预算")
        c.drawString(110, H - 180, "执行率")

    doc = pdf.read(render(draw), "spaces.pdf", DEFAULT_LIMITS)
    assert [b.raw for b in doc.blocks] == ["ISO 9001 quality audit", "预算执行率", "合计 151.08 万元", "预算执行率"]


def test_paragraph_breaks() -> None:
    # all lines start at the left margin; what tells paragraphs apart is where the line before ended,
    # numbering, extra space and font size
    full = "这是一行排满的正文文字用于测试段落合并规则是否正确无误的"

    def draw(c: canvas.Canvas) -> None:
        y = H - 120
        lines = [
            (full, True, 0),
            ("接续行，段落结束。", False, 0),  # continues: the line before ran to the margin
            (full, True, 0),
            ("1.编号开头的一行", False, 0),  # numbering: new paragraph
            (full, True, 0),
            ("项目绩效目标", False, 12),  # extra space above: a heading of its own
            ("短行。", False, 0),
            ("短行之后不接续。", False, 0),  # the line before stopped short
            (full, True, 0),
            ("    缩进开头的新段落。", False, 0),
        ]
        for text, justified, gap in lines:
            y -= 18 + gap
            indent = 21 if text.startswith(" ") else 0
            line(c, 72 + indent, y, text.strip(), 420 if justified else None)

    doc = pdf.read(render(draw), "paras.pdf", DEFAULT_LIMITS)
    assert [b.raw for b in doc.blocks] == [
        full + "\n接续行，段落结束。",
        full,
        "1.编号开头的一行",
        full,
        "项目绩效目标",
        "短行。",
        "短行之后不接续。",
        full,
        "缩进开头的新段落。",
    ]


def test_watermark_is_dropped_and_a_sideways_page_is_reported() -> None:
    def draw(c: canvas.Canvas) -> None:
        line(c, 72, H - 120, "第一页正文。")
        c.saveState()
        c.translate(300, 400)
        c.rotate(45)
        c.setFont("STSong-Light", 40)
        c.drawString(0, 0, "内部资料")  # a watermark across the page
        c.restoreState()
        c.showPage()
        c.saveState()
        c.translate(500, 100)
        c.rotate(90)  # a landscape table page drawn turned
        for i in range(5):
            line(c, 0, -20 * i, f"横向表格第{i + 1}行")
        c.restoreState()
        c.showPage()

    doc = pdf.read(render(draw), "turned.pdf", DEFAULT_LIMITS)
    assert [(b.page, b.raw) for b in doc.blocks] == [(1, "第一页正文。")]
    assert doc.warnings == [
        {
            "code": "W_PDF_PAGES_ROTATED",
            "message": "第2页的文字是旋转排版的，未读取（pages with sideways text not read: 2）",
        }
    ]


def test_margins_per_page_mirrored_and_all_indented() -> None:
    # page 1 sets text at x=72, page 2 at x=90 (mirrored margins), page 3 holds only one-line
    # paragraphs, each indented and running to the margin: no line there starts at the margin
    full = "这是一行排满的正文文字用于测试页边距"
    para = [full, full, "段落结束。"]

    def draw(c: canvas.Canvas) -> None:
        for left in (72.0, 90.0):
            y = H - 120
            for _ in range(2):
                for i, text in enumerate(para):
                    indent = 21 if i == 0 else 0
                    line(c, left + indent, y, text, 420 - indent if i < 2 else None)
                    y -= 18
            c.showPage()
        y = H - 120
        for _ in range(4):
            line(c, 72 + 21, y, full, 420 - 21)
            y -= 18
        c.showPage()

    doc = pdf.read(render(draw), "margins.pdf", DEFAULT_LIMITS)
    paragraphs = [(1, "\n".join(para))] * 2 + [(2, "\n".join(para))] * 2 + [(3, full)] * 4
    assert [(b.page, b.raw) for b in doc.blocks] == paragraphs


# -- pdfium's glyphs and ruling lines against pdfminer's, pdf_tables against pdfplumber's table finder ---
# pdfplumber is the oracle here only: the reader itself does not import it.


def _oracle_pages(data: bytes):
    pdfplumber = pytest.importorskip("pdfplumber")
    document = pdf_objects.open_pdf(data)
    try:
        with pdfplumber.open(io.BytesIO(data)) as theirs:
            for index, page in enumerate(theirs.pages):
                yield pdf_objects.read_page(document, index), page
    finally:
        document.close()


def _grids(c: canvas.Canvas) -> None:
    """Ruled tables drawn every way a report's tables come: lines, one rectangle per cell (a merged cell
    one rectangle), thick and slightly misaligned rules, rules inside a form XObject, a rounded box."""
    c.setLineWidth(0.5)
    for x in (60, 160, 260, 360):  # lines, the middle row's two right cells merged
        c.line(x, 800, x, 740) if x != 260 else (c.line(x, 800, x, 780), c.line(x, 760, x, 740))
    for y in (800, 780, 760, 740):
        c.line(60, y, 360, y)
    c.setLineWidth(2)
    for i, (x, w) in enumerate(((60, 100), (160.8, 99.2), (260, 100))):  # rectangles, 0.8 pt off the grid
        for y in (700, 680):
            c.rect(x, y - 20 + (1.5 if i == 1 else 0), w, 20, stroke=1, fill=0)
    c.rect(60, 620, 300, 20, stroke=1, fill=0)  # a merged row under them
    c.setLineWidth(0.5)
    c.beginForm("grid")
    for x in (60, 200, 360):
        c.line(x, 560, x, 500)
    for y in (560, 530, 500):
        c.line(60, y, 360, y)
    c.endForm()
    c.saveState()
    c.translate(0, -100)
    c.doForm("grid")
    c.restoreState()
    c.roundRect(60, 250, 300, 100, 10)  # a frame with rounded corners is no table
    c.setFont("STSong-Light", 9)
    c.drawString(65, 785, "单元格")


def test_pdfium_reads_the_glyphs_pdfminer_read() -> None:
    # the same glyphs in the same order, boxes within a thousandth of a point (the corpus' CID font);
    # pdfium drops a space glyph that repeats the one before, which the layout treats alike
    for path in (DOC000, DOC001):
        for ours, theirs in _oracle_pages(path.read_bytes()):
            a = [c for c in theirs.chars if c["text"].strip()]
            b = [c for c in ours.chars if c["text"].strip()]
            assert [c["text"] for c in a] == [c["text"] for c in b]
            for x, y in zip(a, b):
                assert all(abs(x[k] - y[k]) < 1e-3 for k in ("x0", "x1", "top", "bottom", "size")), (x, y)
                assert y["level"] == x["upright"]
            assert ours.box == pytest.approx(theirs.bbox)


def _same_edges(ours: list[dict], theirs: list[dict]) -> bool:
    """The same edges, as far as the table finder looks at them (horizontal or vertical, 1 pt long at
    least), within a hundredth of a point (pdfium keeps path points as 32-bit floats)."""

    def usable(edges: list[dict]) -> list[tuple]:
        return [
            (e["orientation"], e["x0"], e["top"], e["x1"], e["bottom"])
            for e in edges
            if e["orientation"] == "h" and e["width"] >= 1 or e["orientation"] == "v" and e["height"] >= 1
        ]

    left = usable(theirs)
    for e in usable(ours):
        match = next((t for t in left if t[0] == e[0] and all(abs(a - b) < 0.01 for a, b in zip(t[1:], e[1:]))), None)
        if match is None:
            return False
        left.remove(match)
    return not left


@pytest.mark.parametrize("source", ["corpus", "drawn"])
def test_ruling_lines_and_tables_are_pdfplumbers(source: str) -> None:
    from pdfplumber.table import TableFinder  # noqa: F401 (skipped above when pdfplumber is missing)

    class Ruled:  # all that pdfplumber's table finder reads of a page
        def __init__(self, edges: list[dict], bbox) -> None:
            self.edges, self.bbox = edges, bbox

    documents = [DOC000.read_bytes(), DOC001.read_bytes()] if source == "corpus" else [render(_grids)]
    tables = 0
    for data in documents:
        for ours, theirs in _oracle_pages(data):
            assert _same_edges(ours.edges, theirs.edges)
            want = [(t.cells, t.bbox) for t in TableFinder(Ruled(ours.edges, ours.box), {}).tables]
            assert pdf_tables.find_tables(ours.edges) == want
            tables += len(want)
    assert tables == (3 if source == "corpus" else 3)


# -- where pdfium's text differs from pdfminer's, handled where the glyphs are read -----------------------


def _raw_pdf(content: bytes, font: bytes, *streams: bytes) -> bytes:
    """A one-page PDF from its content stream, its font's dictionary and the font's other streams
    (objects 6, 7, ...), with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        font,
        *(b"<< /Length %d >>\nstream\n" % len(s) + s + b"\nendstream" for s in (content, *streams)),
    ]
    return make_bad.pdf_from_objects(objects)


def test_a_ligature_glyph_reads_as_its_letters() -> None:
    # one glyph whose ToUnicode entry is two letters: pdfium gives two glyphs at one place, which join
    # without a space, as pdfminer's one glyph "fi" did
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /L def 1 begincodespacerange"
        b" <00> <FF> endcodespacerange 1 beginbfchar <01> <00660069> endbfchar endcmap"
        b" CMapName currentdict /CMap defineresource pop end end"
    )
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>"
    data = _raw_pdf(b"BT /F1 12 Tf 72 700 Td (\\001nance of the of\\001ce) Tj ET", font, cmap)
    assert [b.raw for b in pdf.read(data, "ligature.pdf", DEFAULT_LIMITS).blocks] == ["finance of the office"]


def test_glyphs_without_unicode_are_replacement_characters_not_codes() -> None:
    # an embedded subset font whose ToUnicode map is gone: pdfium reports such glyphs by their codes
    # (control characters here); they are kept in place as U+FFFD, as pdfminer's "(cid:n)" were
    font = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    if not font.is_file():
        pytest.skip(f"{font} is not installed")
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("ZenHei", str(font), subfontIndex=0))

    def draw(c: canvas.Canvas) -> None:
        c.setFont("ZenHei", 12)
        c.drawString(72, H - 120, "预算执行率为95%")

    data = render(draw)
    assert [b.raw for b in pdf.read(data, "mapped.pdf", DEFAULT_LIMITS).blocks] == ["预算执行率为95%"]
    unmapped = re.sub(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group(0)), data)
    # reportlab's subset keeps ASCII at its own codes, so the figures survive without a map
    assert [b.raw for b in pdf.read(unmapped, "unmapped.pdf", DEFAULT_LIMITS).blocks] == ["\ufffd" * 6 + "95%"]


def test_a_glyph_drawn_twice_for_bold_is_read_once() -> None:
    def draw(c: canvas.Canvas) -> None:
        for dx in (0, 0.3):  # fake bold: the heading drawn again 0.3 pt to the right
            c.setFont("STSong-Light", 12)
            c.drawString(72 + dx, H - 100, "一、基本情况")
        line(c, 72, H - 130, "正文。")

    assert [b.raw for b in pdf.read(render(draw), "bold.pdf", DEFAULT_LIMITS).blocks] == ["一、基本情况", "正文。"]
