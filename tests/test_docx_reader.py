"""The DOCX reader: seed reports with real tables, hostile zips and XML, and Word markup odds and ends."""

from __future__ import annotations

import functools
import io
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import docx as python_docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from pipeline.document import Block, Document
from pipeline.errors import ReadError
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.readers import docx as docx_reader
from pipeline.readers import read_bytes
from pipeline.sniff import sniff

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BAD = Path(__file__).resolve().parent / "data" / "bad"
SEED000 = CORPUS / "000_a4cf6914c4e43683"
SEED001 = CORPUS / "001_5c147244ac7a2061"

sys.path.insert(0, str(ROOT / "scripts"))
import seed_tables

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def load(path: Path) -> Document:
    return read_bytes(path.read_bytes(), str(path))


def refused(data: bytes, limits: Limits = DEFAULT_LIMITS) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_bytes(data, "test.docx", limits)
    return info.value


def seed_lines(stem: Path) -> list[str]:
    lines = stem.with_suffix(".txt").read_text(encoding="utf-8").split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def block_starting(doc: Document, prefix: str) -> Block:
    hits = [b for b in doc.blocks if b.kind != "table" and b.raw.strip().startswith(prefix)]
    assert len(hits) == 1, (prefix, [b.loc for b in hits])
    return hits[0]


def tables(doc: Document) -> list[Block]:
    return [b for b in doc.blocks if b.kind == "table"]


@pytest.fixture(scope="module")
def doc001() -> Document:
    return load(SEED001.with_suffix(".docx"))


@pytest.fixture(scope="module")
def doc000() -> Document:
    return load(SEED000.with_suffix(".docx"))


# --- the seed reports -----------------------------------------------------------------------------------


def test_seed001_is_read_as_docx_with_its_title(doc001: Document) -> None:
    assert doc001.format == "docx"
    first = doc001.blocks[0]
    assert (first.kind, first.level, first.style, first.loc) == ("title", 0, "Title", {"paragraph": 0})
    assert first.raw == "2022.2023国有企业退休人员社会化管理补助资金（中央、自治区）项目绩效评价报告"
    assert all(b.page is None for b in doc001.blocks)


def test_seed001_keeps_every_line_in_order(doc001: Document) -> None:
    texts = [b.raw for b in doc001.blocks if b.kind != "table"]
    assert texts == [seed_tables.SEED001_TITLE] + [line for line in seed_lines(SEED001) if line.strip()]


def test_seed001_headings_have_levels_and_styles(doc001: Document) -> None:
    headings = [(b.raw.strip(), b.level, b.style) for b in doc001.blocks if b.kind == "heading"]
    assert headings[:4] == [
        ("一、基本情况", 1, "Heading 1"),
        ("（一）项目概况", 2, "Heading 2"),
        ("（一）项目概况", 2, "Heading 2"),
        ("（二）项目绩效目标", 2, "Heading 2"),
    ]
    assert ("七、其他需要说明的问题", 1, "Heading 1") in headings
    # Numbered lines that are not 一、/（一） headings stay paragraphs.
    assert block_starting(doc001, "1、项目背景").kind == "paragraph"


def test_seed001_paragraph_location_matches_word(doc001: Document) -> None:
    block = block_starting(doc001, "该项目年初预算数662.77万元，全年预算数662.77万元，实际总投入662.77万元")
    assert block.kind == "paragraph"
    assert block.loc == {"paragraph": 12}
    # Same index as python-docx's own paragraph list, which counts empty paragraphs too.
    word = python_docx.Document(str(SEED001.with_suffix(".docx")))
    assert word.paragraphs[12].text == block.raw
    locs = [b.loc["paragraph"] for b in doc001.blocks if b.kind != "table"]
    assert locs == sorted(set(locs))


def test_seed001_scores_table_follows_the_conclusion(doc001: Document) -> None:
    conclusion = block_starting(doc001, "运用绩效评价组制定的评价指标体系")
    scores = doc001.blocks[conclusion.index + 1]
    assert scores.kind == "table" and scores.loc == {"table": 0}
    assert doc001.blocks[conclusion.index - 1].raw == "（二）评价结论"
    grid = scores.grid()
    assert grid[0] == ["一级指标", "权重（分）", "得分", "得分率"]
    assert grid[2] == ["项目过程", "20", "16.1", "80.5%"]
    assert grid[5] == ["合计", "100", "91.23", "—"]
    assert grid[6] == ["评价等级", "优", None, None]
    grade = [c for c in scores.cells if c.text == "优"]
    assert len(grade) == 1 and (grade[0].row, grade[0].col, grade[0].colspan, grade[0].rowspan) == (
        6,
        1,
        3,
        1,
    )
    assert grid == seed_tables.grid(seed_tables.SEED001_SCORES)
    # Cells quote their own text out of the block's raw text.
    assert all(scores.quote(c.start, c.end) == c.text for c in scores.cells)


def test_seed001_indicator_table_lists_merged_cells_once(doc001: Document) -> None:
    anchor = block_starting(doc001, "指标1：全区退休人员满意度")
    table = doc001.blocks[anchor.index + 1]
    assert table.kind == "table" and table.loc == {"table": 1}
    output = [c for c in table.cells if c.text == "产出指标"]
    assert len(output) == 1
    assert (output[0].row, output[0].col, output[0].rowspan, output[0].colspan) == (1, 0, 9, 1)
    assert [(c.text, c.rowspan) for c in table.cells if c.rowspan > 1] == [
        ("产出指标", 9),
        ("数量指标", 4),
        ("质量指标", 2),
        ("时效指标", 2),
        ("效益指标", 2),
    ]
    grid = table.grid()
    assert grid[2] == [None, None, "退休人员社会化管理人数", "≧80000人", "87411人", "109.26%"]
    assert grid[8] == [None, None, "资金拨付及时率", "100%", "2.5%", "2.5%"]
    assert (table.nrows, table.ncols) == (12, 6)
    assert grid == seed_tables.grid(seed_tables.SEED001_INDICATORS)
    assert table.raw.split("\n")[2] == "退休人员社会化管理人数\t≧80000人\t87411人\t109.26%"


def test_seed000_title_lines_headings_and_table(doc000: Document) -> None:
    assert [(b.kind, b.raw.strip(), b.loc) for b in doc000.blocks[:3]] == [
        ("title", "国有企业退休人员社会化管理专项补助资金", {"paragraph": 0}),
        ("title", "支出绩效自评报告", {"paragraph": 2}),
        ("heading", "一、项目基本情况", {"paragraph": 3}),
    ]
    texts = [b.raw for b in doc000.blocks if b.kind != "table"]
    assert texts == [line for line in seed_lines(SEED000) if line.strip()]
    level1 = [b.raw for b in doc000.blocks if b.kind == "heading" and b.level == 1]
    assert level1 == [
        "一、项目基本情况",
        "二、绩效评价工作情况",
        "三、评价结论和绩效分析",
        "四、成本效益分析",
        "五、主要经验及做法、存在的问题和建议",
        "六、佐证材料",
    ]
    anchor = block_starting(doc000, "1.产出指标：社会化管理工作覆盖范围")
    funds = doc000.blocks[anchor.index + 1]
    assert funds.kind == "table" and funds.loc == {"table": 0}
    assert funds.grid() == [
        ["项目资金（万元）", "本年财政预算安排", "已使用", "结余", "预算执行率"],
        ["国有企业退休人员社会化管理专项资金", "151.08", "151.08", "0", "100%"],
    ]
    assert len(tables(doc000)) == 1


# --- hostile and odd files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, code",
    [
        ("corrupt_zip.docx", "E_DOCX_CORRUPT"),
        ("xxe.docx", "E_DOCX_UNSAFE"),
        ("billion_laughs.docx", "E_DOCX_UNSAFE"),
        ("bomb.docx", "E_DOCX_BOMB"),
        ("bomb_lying.docx", "E_DOCX_BOMB"),
    ],
)
def test_bad_file_is_refused_with_its_code(name: str, code: str) -> None:
    data = (BAD / name).read_bytes()
    assert sniff(data) == "docx"  # the sniffer hands every one of them to the DOCX reader
    assert len(data) < 1_200_000
    started = time.perf_counter()
    error = refused(data)
    assert error.code == code, error
    assert time.perf_counter() - started < 2.0
    assert error.detail  # an English detail for the logs
    assert "root:" not in error.detail  # XXE: the referenced file is never read


@pytest.mark.parametrize("name", ["bomb.docx", "bomb_lying.docx"])
def test_bomb_is_refused_fast_and_in_little_memory(name: str) -> None:
    data = (BAD / name).read_bytes()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        error = refused(data)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == "E_DOCX_BOMB"
    assert elapsed < 2.0
    assert peak < 64 * 1024 * 1024, peak  # nowhere near the 1 GB the part inflates to


def test_lying_bomb_fools_a_reader_that_trusts_sizes() -> None:
    # The fixture is a consistent lie: zipfile alone reads the declared 100 kB with a matching CRC.
    # (Read in chunks: ZipExtFile.read() with no size inflates the whole 1 GB stream before truncating.)
    with zipfile.ZipFile(BAD / "bomb_lying.docx").open("word/document.xml") as fh:
        seen = 0
        while chunk := fh.read(1 << 16):
            seen += len(chunk)
    assert seen == 100_000
    assert zipfile.ZipFile(BAD / "bomb.docx").getinfo("word/document.xml").file_size > 1 << 30


def test_text_saved_as_docx_goes_to_the_text_reader() -> None:
    data = (BAD / "text_named.docx").read_bytes()
    assert sniff(data) == "text"
    with pytest.raises(ReadError) as info:
        docx_reader.read(data, "text_named.docx", DEFAULT_LIMITS)
    assert info.value.code == "E_DOCX_CORRUPT"


def test_nested_and_merged_tables() -> None:
    doc = load(BAD / "nested_tables.docx")
    assert [(b.kind, b.loc) for b in doc.blocks] == [
        ("title", {"paragraph": 0}),
        ("paragraph", {"paragraph": 1}),
        ("table", {"table": 0}),
        ("table", {"table": 1, "nested_in": 0}),
        ("paragraph", {"paragraph": 2}),
        ("table", {"table": 2}),
        ("paragraph", {"paragraph": 3}),
    ]
    outer, inner, merged = tables(doc)
    assert outer.grid() == [
        ["项目名称", "国有企业退休人员社会化管理补助资金"],
        ["绩效指标", "外层单元格文字"],
    ]
    assert "满意度" not in outer.raw  # the nested table's text is not in its host cell
    assert inner.grid() == [["指标", "指标值"], ["满意度", "≧95%"]]
    block = [c for c in merged.cells if c.text == "合并单元格"]
    assert len(block) == 1 and (block[0].row, block[0].col, block[0].rowspan, block[0].colspan) == (
        1,
        1,
        2,
        2,
    )
    assert merged.grid() == [
        ["R0C0", "R0C1", "R0C2", "R0C3"],
        ["R1C0", "合并单元格", None, "R1C3"],
        ["R2C0", None, None, "R2C3"],
        ["R3C0", "R3C1", "R3C2", "R3C3"],
    ]


# --- hand-made packages: limits and markup -------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="{target}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)


def package(
    body: str,
    styles: str | None = None,
    *,
    main: str = "word/document.xml",
    ns: str = W,
    compression: int = zipfile.ZIP_DEFLATED,
    document_xml: bytes | None = None,
) -> bytes:
    """A minimal DOCX: content types, the officeDocument relationship, the body, optional styles."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS.format(target=main))
        xml = f'<?xml version="1.0"?><w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>'
        z.writestr(main, document_xml if document_xml is not None else xml.encode("utf-8"))
        if styles is not None:
            z.writestr(
                "word/styles.xml", f'<?xml version="1.0"?><w:styles xmlns:w="{ns}">{styles}</w:styles>'
            )
    return out.getvalue()


def p(text: str, ppr: str = "") -> str:
    props = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    return f'<w:p>{props}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def test_tracked_changes_tabs_breaks_and_symbols() -> None:
    body = (
        "<w:p><w:r><w:t>预算执行率为</w:t></w:r>"
        "<w:ins w:id='1' w:author='a'><w:r><w:t>2.52%</w:t></w:r></w:ins>"
        "<w:del w:id='2' w:author='a'><w:r><w:delText>25.2%</w:delText><w:tab/></w:r></w:del>"
        "<w:r><w:tab/><w:t>合计</w:t><w:br/><w:t>指标值</w:t><w:sym w:font='Symbol' w:char='F0B3'/>"
        "<w:t>95%</w:t><w:noBreakHyphen/><w:t>止</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r><w:r><w:t>3</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='end'/></w:r></w:p>"
    )
    doc = read_bytes(package(body), "t.docx")
    assert [b.raw for b in doc.blocks] == ["预算执行率为2.52%\t合计\n指标值≥95%-止3"]


def test_text_boxes_and_drawings_are_not_read() -> None:
    body = (
        "<w:p><w:r><w:t>正文</w:t></w:r><w:r><w:pict><v:shape xmlns:v='urn:schemas-microsoft-com:vml'>"
        "<v:textbox><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></v:textbox>"
        "</v:shape></w:pict></w:r></w:p>"
    )
    doc = read_bytes(package(body), "t.docx")
    assert [b.raw for b in doc.blocks] == ["正文"]
    assert [b.loc for b in doc.blocks] == [{"paragraph": 0}]


def test_content_controls_count_as_body_paragraphs_and_cells() -> None:
    body = (
        p("前言")
        + "<w:sdt><w:sdtPr><w:alias w:val='x'/></w:sdtPr><w:sdtContent>"
        + p("")
        + p("控件中的段落")
        + "</w:sdtContent></w:sdt>"
        + "<w:tbl><w:tr><w:sdt><w:sdtContent><w:tc>"
        + p("控件单元格")
        + "</w:tc></w:sdtContent></w:sdt><w:tc><w:p><w:sdt><w:sdtContent><w:r><w:t>行内控件</w:t></w:r>"
        + "</w:sdtContent></w:sdt></w:p></w:tc></w:tr></w:tbl>"
    )
    doc = read_bytes(package(body), "t.docx")
    assert [(b.kind, b.raw, b.loc) for b in doc.blocks] == [
        ("paragraph", "前言", {"paragraph": 0}),
        ("paragraph", "控件中的段落", {"paragraph": 2}),
        ("table", "控件单元格\t行内控件", {"table": 0}),
    ]


def test_headings_from_style_names_ids_and_outline_levels() -> None:
    # Chinese Word and WPS give built-in styles numeric ids; names and outline levels decide.
    styles = (
        "<w:style w:type='paragraph' w:styleId='1'><w:name w:val='heading 1'/>"
        "<w:pPr><w:outlineLvl w:val='0'/></w:pPr></w:style>"
        "<w:style w:type='paragraph' w:styleId='a3'><w:name w:val='标题'/></w:style>"
        "<w:style w:type='paragraph' w:styleId='b'><w:name w:val='标题 2'/></w:style>"
        "<w:style w:type='paragraph' w:styleId='c'><w:name w:val='自定义二级'/><w:basedOn w:val='d'/></w:style>"
        "<w:style w:type='paragraph' w:styleId='d'><w:name w:val='基础'/>"
        "<w:pPr><w:outlineLvl w:val='2'/></w:pPr></w:style>"
        "<w:style w:type='paragraph' w:styleId='e'><w:name w:val='Body Text'/></w:style>"
    )
    body = (
        p("报告标题", "<w:pStyle w:val='a3'/>")
        + p("一、基本情况", "<w:pStyle w:val='1'/>")
        + p("（一）项目概况", "<w:pStyle w:val='b'/>")
        + p("1.项目背景", "<w:pStyle w:val='c'/>")
        + p("直接大纲级别", "<w:outlineLvl w:val='1'/>")
        + p("正文级别覆盖样式", "<w:pStyle w:val='1'/><w:outlineLvl w:val='9'/>")
        + p("正文", "<w:pStyle w:val='e'/>")
        + p("没有样式表的样式", "<w:pStyle w:val='missing'/>")
    )
    doc = read_bytes(package(body, styles), "t.docx")
    assert [(b.kind, b.level, b.style) for b in doc.blocks] == [
        ("title", 0, "标题"),
        ("heading", 1, "Heading 1"),
        ("heading", 2, "标题 2"),
        ("heading", 3, "自定义二级"),
        ("heading", 2, None),
        ("paragraph", None, "Heading 1"),
        ("paragraph", None, "Body Text"),
        ("paragraph", None, "missing"),
    ]


def test_grid_before_legacy_horizontal_merge_and_deleted_rows() -> None:
    def tc(text: str, pr: str = "") -> str:
        props = f"<w:tcPr>{pr}</w:tcPr>" if pr else ""
        return f"<w:tc>{props}{p(text)}</w:tc>"

    h_start, h_cont = "<w:hMerge w:val='restart'/>", "<w:hMerge/>"
    v_start, v_cont = "<w:vMerge w:val='restart'/>", "<w:vMerge/>"

    body = (
        "<w:tbl>"
        f"<w:tr>{tc('A')}{tc('B')}{tc('C')}</w:tr>"
        f"<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>{tc('E')}{tc('F')}</w:tr>"
        f"<w:tr>{tc('G', h_start)}{tc('', h_cont)}{tc('I')}</w:tr>"
        f"<w:tr>{tc('J', v_start)}{tc('K')}{tc('L')}</w:tr>"
        f"<w:tr>{tc('', v_cont)}{tc('N')}{tc('O')}</w:tr>"
        f"<w:tr><w:trPr><w:del w:id='9' w:author='a'/></w:trPr>{tc('删除的行')}{tc('')}{tc('')}</w:tr>"
        "</w:tbl>"
    )
    table = read_bytes(package(body), "t.docx").blocks[0]
    assert table.grid() == [
        ["A", "B", "C"],
        ["", "E", "F"],
        ["G", None, "I"],
        ["J", "K", "L"],
        [None, "N", "O"],
    ]
    assert [(c.text, c.rowspan, c.colspan) for c in table.cells if c.text in ("G", "J")] == [
        ("G", 1, 2),
        ("J", 2, 1),
    ]


def test_strict_ooxml_and_a_renamed_main_part() -> None:
    strict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    doc = read_bytes(package(p("严格格式"), ns=strict, main="word/document2.xml"), "t.docx")
    assert [b.raw for b in doc.blocks] == ["严格格式"]


def test_document_without_text_is_no_text() -> None:
    assert (
        refused(package(p("") + p("  ") + "<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>")).code
        == "E_NO_TEXT"
    )


def test_malformed_xml_and_missing_parts_are_corrupt() -> None:
    assert refused(package("<w:p><w:r><w:t>未闭合</w:r></w:p>")).code == "E_DOCX_CORRUPT"
    assert refused(package("", document_xml=b"<notword/>")).code == "E_DOCX_CORRUPT"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
    error = refused(out.getvalue())
    assert error.code == "E_DOCX_CORRUPT" and "word/document.xml" in error.detail


def test_bad_crc_and_unexpected_compression_are_corrupt() -> None:
    data = bytearray(package(p("校验和"), compression=zipfile.ZIP_STORED))
    at = data.find("校验和".encode())
    data[at] ^= 0x01  # stored bytes no longer match the CRC the central directory records
    error = refused(bytes(data))
    assert error.code == "E_DOCX_CORRUPT" and "CRC" in error.detail
    # Word only stores or deflates; zipfile would inflate bzip2 without an output bound.
    assert refused(package(p("压缩"), compression=zipfile.ZIP_BZIP2)).code == "E_DOCX_CORRUPT"


def test_utf16_doctype_is_refused() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY e "x">]>'
        f'<w:document xmlns:w="{W}"><w:body>{p("&e;")}</w:body></w:document>'
    ).encode("utf-16")
    assert refused(package("", document_xml=xml)).code == "E_DOCX_UNSAFE"


def test_declared_size_and_ratio_limits() -> None:
    seed = SEED001.with_suffix(".docx").read_bytes()
    assert refused(seed, Limits(max_part_bytes=10_000)).code == "E_DOCX_BOMB"
    assert refused(seed, Limits(max_inflated_bytes=50_000)).code == "E_DOCX_BOMB"
    padded = package(p("填充") + "<w:p>" + " " * (2 << 20) + "</w:p>")
    error = refused(padded)
    assert error.code == "E_DOCX_BOMB" and "ratio" in error.detail


# Well-formed fragments that Word could, or a crafted file might, put anywhere: merges that go nowhere,
# absurd spans, empty rows and tables, nested tables, content controls, bad attribute values.
_FUZZ_TOKENS = [
    b"<w:vMerge/>",
    b'<w:vMerge w:val="restart"/>',
    b'<w:gridSpan w:val="3"/>',
    b'<w:gridSpan w:val="-5"/>',
    b'<w:gridSpan w:val="999999999"/>',
    b'<w:gridBefore w:val="100000"/>',
    b"<w:hMerge/>",
    b'<w:sym w:char="zz"/>',
    b'<w:sym w:char="FFFFFFFF"/>',
    b'<w:outlineLvl w:val="q"/>',
    b'<w:tcPr><w:gridSpan w:val="3"/><w:vMerge/></w:tcPr>',
    b'<w:tcPr><w:gridSpan w:val="2"/><w:vMerge w:val="restart"/></w:tcPr>',
    b'<w:trPr><w:gridBefore w:val="2"/></w:trPr>',
    b"<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>",
    b"<w:tr/>",
    b"<w:tbl/>",
    (
        b"<w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        b"</w:tc></w:tr></w:tbl>"
    ),
    b"<w:sdt><w:sdtContent/></w:sdt>",
    b'<w:pStyle w:val="Heading1"/>',
    b"<w:br/>",
]


@functools.cache
def _fuzz_parts() -> dict[str, bytes]:
    src = zipfile.ZipFile(BAD / "nested_tables.docx")
    return {name: src.read(name) for name in ("[Content_Types].xml", "_rels/.rels", "word/document.xml")}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=hs.lists(hs.tuples(hs.integers(min_value=0), hs.sampled_from(_FUZZ_TOKENS)), min_size=1, max_size=8)
)
def test_odd_markup_never_escapes_and_tables_stay_consistent(edits: list[tuple[int, bytes]]) -> None:
    parts = _fuzz_parts()
    xml = parts["word/document.xml"]
    ends = [i + 1 for i, byte in enumerate(xml) if byte == ord(">")]
    edited = bytearray(xml)
    for at, token in sorted(((ends[i % len(ends)], t) for i, t in edits), reverse=True):
        edited[at:at] = token
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in parts.items():
            z.writestr(name, bytes(edited) if name == "word/document.xml" else data)
    try:
        doc = docx_reader.read(out.getvalue(), "fuzz.docx", DEFAULT_LIMITS)
    except ReadError as error:
        # Tokens landing before the root element make the XML malformed; nothing else may fail.
        assert error.code == "E_DOCX_CORRUPT" and "malformed XML" in error.detail, error
        return
    for block in tables(doc):
        covered: set[tuple[int, int]] = set()
        for cell in block.cells:
            assert block.quote(cell.start, cell.end) == cell.text
            assert cell.colspan <= 64
            spots = {(cell.row + r, cell.col + c) for r in range(cell.rowspan) for c in range(cell.colspan)}
            assert not spots & covered, (block.loc, cell)
            covered |= spots


@settings(max_examples=200, deadline=None)
@given(
    cut=hs.integers(min_value=0, max_value=200),
    flips=hs.lists(hs.tuples(hs.integers(min_value=1, max_value=3000), hs.integers(1, 255)), max_size=6),
)
def test_damaged_zip_structure_ends_as_a_code(cut: int, flips: list[tuple[int, int]]) -> None:
    # Damage the tail, where the central directory and end record live, and sometimes truncate.
    data = bytearray(SEED001.with_suffix(".docx").read_bytes())
    for back, xor in flips:
        data[-back] ^= xor
    if cut:
        data = data[:-cut]
    try:
        doc = docx_reader.read(bytes(data), "damaged.docx", DEFAULT_LIMITS)
    except ReadError as error:
        assert error.code in {"E_DOCX_CORRUPT", "E_DOCX_BOMB"}, error
    else:
        assert len(tables(doc)) == 2
