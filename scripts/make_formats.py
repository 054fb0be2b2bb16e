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
- ``两个项目.xlsx``: two projects' 自评表 in one workbook, one per sheet (seed 001's and seed 000's figures).
- ``000.doc``/``001.doc``, ``.rtf``, ``.odt``: LibreOffice's conversions of the corpus DOCX; ``.wps`` is
  the ``.doc`` bytes under WPS's name (WPS 文字 saves .wps in Word's OLE2 container, WordDocument stream).
- ``001_scan.pdf``: the corpus PDF of seed 001 rendered at 150 dpi, page by page, into a PDF of images
  with no text layer (what a scanner gives), and ``001_scan_p1p4.pdf`` its pages 1 and 4; ``001_p1.png``: its first page as a PNG; ``mixed.pdf``: the
  text PDF of seed 000 followed by the scanned first page of seed 001.
- ``001_gov.html``: seed 001 as a government site publishes it: navigation, breadcrumbs, share buttons,
  scripts and a footer around the article, its tables as HTML tables; ``001_gov.mht``: the same page
  saved by a browser as one MHTML file (GBK, quoted-printable); ``001_gov_named.doc``: the page under a
  .doc name, as units send a page they saved.
- broken files: ``truncated.xls``, ``encrypted.xlsx`` (an OLE2 EncryptedPackage, as Excel writes one with
  an open password), ``empty.png`` (0 bytes), ``truncated.png``.
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


def form_sheet(ws, year: str, project: str, dept: str, unit: str, initial: float, full: float, spent: float,
               total: float, grade: str) -> None:
    """One project's 自评表 on a sheet: heading lines, the funds block with formulas, total and grade."""
    ws["A1"] = "项目支出绩效自评表"
    ws.merge_cells("A1:H1")
    ws["A2"] = f"（{year}年度）"
    ws.merge_cells("A2:H2")
    ws["A3"], ws["B3"] = "项目名称", project
    ws.merge_cells("B3:H3")
    ws["A4"], ws["B4"], ws["E4"], ws["F4"] = "主管部门", dept, "实施单位", unit
    ws.merge_cells("B4:D4")
    ws.merge_cells("F4:H4")
    ws["A5"] = "项目资金（万元）"
    ws.merge_cells("A5:A6")
    for i, h in enumerate(["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]):
        ws.cell(5, 2 + i, h)
    for col, value in zip("BCDEF", ("年度资金总额", initial, full, spent, 10)):
        ws[f"{col}6"] = value
    ws["G6"] = "=ROUND(E6/D6,4)"
    ws["G6"].number_format = "0.00%"
    ws["H6"] = "=ROUND(MIN(G6,1)*F6,2)"
    ws["A7"], ws["B7"] = "自评总分", total
    ws["A8"], ws["B8"] = "评价等级", grade


def two_projects(path: Path) -> None:
    """Two projects' forms in one workbook, one per sheet (seed 001's and seed 000's figures)."""
    import openpyxl

    wb = openpyxl.Workbook()
    form_sheet(wb.active, "2022", "国有企业退休人员社会化管理补助资金（中央、自治区）项目", "区人力资源和社会保障局",
               "区退管中心", 662.77, 662.77, 16.67, 91.23, "优")
    wb.active.title = "退管补助"
    form_sheet(wb.create_sheet("专项补助"), "2023", "国有企业退休人员社会化管理专项补助资金", "盘龙区人力资源和社会保障局",
               "金辰街道办事处", 151.08, 151.08, 151.08, 96, "优")
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


def gov_page() -> str:
    """Seed 001 as a government site publishes it: the article among navigation, breadcrumbs, a side menu,
    share and print links, related articles, a footer and scripts."""
    import html

    lines = (CORPUS / f"{SEED001}.txt").read_text(encoding="utf-8").split("\n")

    def table(rows) -> str:
        out = ['<table border="1" cellspacing="0" style="border-collapse:collapse">']
        for row in rows:
            cells = "".join(
                f"<td{f' rowspan={r}' if r > 1 else ''}{f' colspan={c}' if c > 1 else ''}>{html.escape(t)}</td>"
                for t, r, c in row
            )
            out.append(f"<tr>{cells}</tr>")
        return "\n".join(out + ["</table>"])

    body = []
    for line in lines[2:]:
        if line.strip():
            body.append(f'<p style="text-indent:2em">{html.escape(line.strip())}</p>')
        if line.strip().startswith(st.SEED001_SCORES_AFTER):
            body.append(table(st.SEED001_SCORES))
        if line.strip().startswith(st.SEED001_INDICATORS_AFTER):
            body.append(table(st.SEED001_INDICATORS))
    menu = "".join(f'<li><a href="/{i}">{t}</a></li>' for i, t in enumerate(["首页", "政务公开", "政务服务", "互动交流", "走进本区"]))
    side = "".join(f'<li><a href="/gk/{i}">{t}</a></li>' for i, t in enumerate(["机构职能", "部门预算", "部门决算", "绩效评价"]))
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{st.SEED001_TITLE}_区人力资源和社会保障局</title>
<script>var _hmt = _hmt || [];</script><style>.nav li{{float:left}}</style></head>
<body>
<div class="top"><div class="logo">区人民政府门户网站</div><div class="search"><input type="text" value="请输入关键字"><a href="/s">搜索</a></div></div>
<div class="nav"><ul>{menu}</ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/zwgk/czyjs">财政预决算</a> &gt; 绩效评价</div>
<div class="main"><div class="left"><h3>信息公开目录</h3><ul>{side}</ul></div>
<div class="right"><div class="article"><h1 class="title">{st.SEED001_TITLE}</h1>
<div class="info">发布时间：2023-05-12 来源：区退管中心 浏览次数：<span id="count">128</span> 【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
<div class="TRS_Editor" id="zoom">
{chr(10).join(body)}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="related"><h4>相关文章</h4><ul><li><a href="/a/1">2021年度国有企业退休人员社会化管理补助资金绩效自评报告</a></li><li><a href="/a/2">区退管中心2023年部门预算公开</a></li></ul></div></div></div>
<div class="footer"><p>主办：区人民政府办公室 承办：区大数据中心 网站标识码：6501040001 <a href="#">新ICP备12345678号</a></p><p>地址：某区某路1号 联系电话：0991-1234567</p></div>
<script type="text/javascript">document.getElementById("count").innerHTML = "129";</script>
</body></html>
"""


def mht(page: str) -> bytes:
    """The page as a browser saves it into one file: MIME headers, the HTML part quoted-printable in GBK."""
    body = quopri.encodestring(page.replace('charset="utf-8"', 'charset="gb2312"').encode("gb18030"))
    return (
        b"From: <Saved by Blink>\r\nSnapshot-Content-Location: http://www.example.gov.cn/zwgk/2023/0512.html\r\n"
        b"Subject: page\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n"
        b'\ttype="text/html";\r\n\tboundary="----MultipartBoundary--jixiao----"\r\n\r\n'
        b"------MultipartBoundary--jixiao----\r\nContent-Type: text/html; charset=gb2312\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n"
        b"Content-Location: http://www.example.gov.cn/zwgk/2023/0512.html\r\n\r\n"
        + body.replace(b"\n", b"\r\n")
        + b"\r\n\r\n------MultipartBoundary--jixiao------\r\n"
    )


def web() -> None:
    page = gov_page()
    write(OUT / "001_gov.html", page.encode("utf-8"))
    write(OUT / "001_gov.mht", mht(page))
    write(OUT / "001_gov_named.doc", page.encode("utf-8"))


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
        two_projects(t / "两个项目_raw.xlsx")
        write(OUT / "两个项目.xlsx", soffice(t / "两个项目_raw.xlsx", "xlsx", t / "calc2").read_bytes())
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
    web()
    scans()
    png = (OUT / "001_p1.png").read_bytes()
    write(OUT / "truncated.png", png[: len(png) // 10])


if __name__ == "__main__":
    main()
