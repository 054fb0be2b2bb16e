"""Build the fixtures of the formats auditors receive besides TXT/DOCX/PDF, into tests/data/formats/.

Run ``python scripts/make_formats.py`` (needs LibreOffice: ``apt-get install -y libreoffice-writer-nogui
libreoffice-calc-nogui``, and a CJK font such as ``fonts-noto-cjk`` to render the scans). The files are
committed; the tests never rebuild them.

- ``001_自评表.xlsx``: seed 001's figures laid out as a 自评表 workbook, written by openpyxl with real
  formulas (执行率 = 执行数 ÷ 预算数 formatted ``0.00%``, 合计 = SUM) and saved again by LibreOffice Calc so
  that every formula has its cached value, as a workbook saved by Excel or WPS has. The scores sheet is
  hidden-free; a third, hidden sheet holds the form's notes. ``.xls`` and ``.ods`` are LibreOffice's
  conversions of it; ``.et`` is the ``.xls`` bytes under WPS's name (WPS 表格 saves .et in the same BIFF8
  container).
- ``000.doc``/``001.doc``, ``.rtf``, ``.odt``: LibreOffice's conversions of the corpus DOCX; ``.wps`` is
  the ``.doc`` bytes under WPS's name (WPS 文字 saves .wps in Word's OLE2 container, WordDocument stream).
- ``001_scan.pdf``: the corpus PDF of seed 001 rendered at 150 dpi, page by page, into a PDF of images
  with no text layer (what a scanner gives), and ``001_scan_p1p4.pdf`` its pages 1 and 4; ``001_p1.png``: its first page as a PNG; ``mixed.pdf``: the
  text PDF of seed 000 followed by the scanned first page of seed 001.
- ``001_gov.html``: seed 001 as a government site publishes it: navigation, breadcrumbs, share buttons,
  scripts and a footer around the article, its tables as HTML tables; ``001_gov.mht``: the same page
  saved by a browser as one MHTML file (quoted-printable); ``001_gov_named.doc``: the page saved by Word
  as a "web page" and named .doc.
- broken files: ``truncated.xls``, ``encrypted.xlsx`` (an OLE2 EncryptedPackage, as Excel writes one with
  an open password), ``empty.png`` (0 bytes), ``truncated.png``, ``html_named.doc`` is the web page above.
"""

from __future__ import annotations

import io
import quopri
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
OUT = ROOT / "tests" / "data" / "formats"
SEED000 = "000_a4cf6914c4e43683"
SEED001 = "001_5c147244ac7a2061"

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
import make_bad  # noqa: E402
import seed_tables as st  # noqa: E402


def soffice(src: Path, fmt: str, outdir: Path) -> Path:
    """Convert with LibreOffice in its own throwaway profile; the converted file's path."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
             "--outdir", str(outdir), str(src)],
            check=True, capture_output=True, timeout=180,
        )
    return outdir / f"{src.stem}.{fmt.split(':')[0]}"


def workbook(path: Path) -> None:
    """Seed 001's 自评表 as an openpyxl workbook with formulas (no cached values yet)."""
    import openpyxl
    from openpyxl.styles import Alignment

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws["A1"] = "项目支出绩效自评表"
    ws.merge_cells("A1:H1")
    ws["A2"] = "（2022年度）"
    ws.merge_cells("A2:H2")
    ws["A3"], ws["B3"] = "项目名称", "2022.2023国有企业退休人员社会化管理补助资金（中央、自治区）项目"
    ws.merge_cells("B3:H3")
    ws["A4"], ws["B4"], ws["E4"], ws["F4"] = "主管部门", "区人力资源和社会保障局", "实施单位", "区退管中心"
    ws.merge_cells("B4:D4")
    ws.merge_cells("F4:H4")
    heads = ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    ws["A5"] = "项目资金（万元）"
    ws.merge_cells("A5:A8")
    for i, h in enumerate(heads):
        ws.cell(5, 2 + i, h)
    rows = [
        ("年度资金总额", 662.77, 662.77, 16.67),
        ("其中：当年财政拨款", 662.77, 662.77, 16.67),
        ("其他资金", 0, 0, 0),
    ]
    for r, (label, initial, full, spent) in enumerate(rows, start=6):
        ws.cell(r, 2, label)
        ws.cell(r, 3, initial)
        ws.cell(r, 4, full)
        ws.cell(r, 5, spent)
    ws["F6"] = 10
    ws["G6"] = "=ROUND(E6/D6,4)"
    ws["G6"].number_format = "0.00%"
    ws["H6"] = "=ROUND(MIN(G6,1)*F6,2)"
    for cell in ("A1", "A2", "A5"):
        ws[cell].alignment = center
    # the scores, as 附件1 综合评分表 of the report states them
    ws2 = wb.create_sheet("综合评分表")
    ws2.append(["一级指标", "权重（分）", "得分", "得分率"])
    for name, weight, score in (("项目决策", 20, 20), ("项目过程", 20, 16.1), ("项目产出", 40, 35.13), ("项目效益", 20, 20)):
        r = ws2.max_row + 1
        ws2.append([name, weight, score, f"=C{r}/B{r}"])
        ws2[f"D{r}"].number_format = "0.00%"
    ws2.append(["合计", "=SUM(B2:B5)", "=SUM(C2:C5)", "—"])
    ws2.append(["评价等级", "优"])
    ws2.merge_cells("B7:D7")
    ws3 = wb.create_sheet("指标")
    for r, c, (text, rowspan, colspan) in st.place(st.SEED001_INDICATORS):
        ws3.cell(r + 1, c + 1, text)
        if rowspan > 1 or colspan > 1:
            ws3.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + rowspan, end_column=c + colspan)
    notes = wb.create_sheet("填表说明")
    notes["A1"] = "执行率 = 全年执行数 ÷ 全年预算数；得分 = 执行率 × 分值，最高为分值。"
    notes.sheet_state = "hidden"
    wb.save(path)


def render_pages(pdf: Path, dpi: int = 150, pages: list[int] | None = None):
    """The PDF's pages as grayscale PIL images at ``dpi``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    numbers = pages if pages is not None else list(range(len(doc)))
    return [doc[i].render(scale=dpi / 72).to_pil().convert("L") for i in numbers]


def images_pdf(pages) -> bytes:
    """A PDF holding each image as one page at 150 dpi, with no text layer."""
    buf = io.BytesIO()
    pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:], resolution=150.0)
    return buf.getvalue()


def scans() -> None:
    import pypdfium2 as pdfium

    pages = render_pages(CORPUS / f"{SEED001}.pdf")
    write(OUT / "001_scan.pdf", images_pdf(pages))
    # The tests OCR only the two pages that state the key facts (budget sentence; total, grade, scores
    # table): OCR costs seconds per page. `make bench` reads the whole scan.
    write(OUT / "001_scan_p1p4.pdf", images_pdf([pages[0], pages[3]]))
    buf = io.BytesIO()
    pages[0].save(buf, format="PNG", optimize=True)
    write(OUT / "001_p1.png", buf.getvalue())
    mixed = pdfium.PdfDocument(str(CORPUS / f"{SEED000}.pdf"))
    mixed.import_pages(pdfium.PdfDocument(images_pdf(pages[:1])))
    buf = io.BytesIO()
    mixed.save(buf)
    write(OUT / "mixed.pdf", buf.getvalue())


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")


def main() -> None:
    if shutil.which("soffice") is None:
        raise SystemExit("LibreOffice is needed: apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        raw = t / "001_自评表_raw.xlsx"
        workbook(raw)
        saved = soffice(raw, "xlsx", t / "calc")
        write(OUT / "001_自评表.xlsx", saved.read_bytes())
        xls = soffice(saved, "xls", t / "xls")
        write(OUT / "001_自评表.xls", xls.read_bytes())
        write(OUT / "001_自评表.et", xls.read_bytes())
        write(OUT / "001_自评表.ods", soffice(saved, "ods", t / "ods").read_bytes())
        write(OUT / "truncated.xls", xls.read_bytes()[: len(xls.read_bytes()) // 3])
        for seed, short in ((SEED000, "000"), (SEED001, "001")):
            src = t / f"{short}.docx"
            shutil.copy(CORPUS / f"{seed}.docx", src)
            doc = soffice(src, "doc:MS Word 97", t / "doc")
            write(OUT / f"{short}.doc", doc.read_bytes())
            if short == "001":
                write(OUT / f"{short}.wps", doc.read_bytes())
                write(OUT / f"{short}.rtf", soffice(src, "rtf", t / "rtf").read_bytes())
                write(OUT / f"{short}.odt", soffice(src, "odt", t / "odt").read_bytes())
    write(OUT / "encrypted.xlsx", make_bad.ole2("EncryptedPackage"))
    write(OUT / "empty.png", b"")
    scans()
    png = (OUT / "001_p1.png").read_bytes()
    write(OUT / "truncated.png", png[: len(png) // 10])


if __name__ == "__main__":
    main()
