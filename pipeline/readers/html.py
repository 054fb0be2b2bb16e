"""Web pages saved as text: the visible text, block by block, with tables kept as tables.

Published reports are often copied from a government site's HTML. Scripts, styles and comments are
dropped; block-level elements (p, div, li, h1-h6, br) end a block; <table> becomes a table block with
rowspan/colspan kept. A block's raw text is its visible text (entities decoded), located by the source line
where it starts.
"""

from __future__ import annotations

from html.parser import HTMLParser

from pipeline.document import Document
from pipeline.errors import ReadError
from pipeline.limits import Limits

_BLOCK = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article",
    "header", "footer", "blockquote", "pre", "dd", "dt", "hr", "title", "body",
}
_SKIP = {"script", "style", "noscript", "template", "head"}
_HEADINGS = {"h1": 1, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 5}


class _Table:
    def __init__(self, line: int):
        self.line = line
        self.rows: list[list[tuple[str, int, int]]] = []
        self.cell: list[str] | None = None
        self.span = (1, 1)


class _Parser(HTMLParser):
    def __init__(self, doc: Document):
        super().__init__(convert_charrefs=True)
        self.doc = doc
        self.buf: list[str] = []
        self.buf_line = 1
        self.skip = 0
        self.tables: list[_Table] = []
        self.heading: int | None = None

    # -- text outside tables -------------------------------------------------------------
    def flush(self) -> None:
        text = "".join(self.buf).strip()
        self.buf = []
        if not text:
            return
        if self.heading is not None:
            self.doc.add("heading", text, loc={"line": self.buf_line}, level=self.heading, style="html")
        else:
            for k, line in enumerate(text.split("\n")):
                if line.strip():
                    self.doc.add("paragraph", line.strip(), loc={"line": self.buf_line + k})

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        line = self.getpos()[0]
        if tag == "table":
            if not self.tables:
                self.flush()
            self.tables.append(_Table(line))
            return
        if self.tables:
            t = self.tables[-1]
            if tag == "tr":
                t.rows.append([])
            elif tag in ("td", "th"):
                a = dict(attrs)
                t.cell = []
                t.span = (_int(a.get("rowspan")), _int(a.get("colspan")))
            elif tag in ("br", "p", "div") and t.cell is not None and t.cell:
                t.cell.append("\n")
            return
        if tag in _BLOCK:
            self.flush()
            self.buf_line = line
            if tag in _HEADINGS:
                self.heading = _HEADINGS[tag]

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if self.tables:
            t = self.tables[-1]
            if tag in ("td", "th") and t.cell is not None:
                if not t.rows:
                    t.rows.append([])
                t.rows[-1].append(("".join(t.cell).strip(), *t.span))
                t.cell = None
            elif tag == "table":
                self.tables.pop()
                rows = [r for r in t.rows if r]
                if rows:
                    # A nested table becomes its own block after the one that holds it.
                    self.doc.add_table(rows, loc={"line": t.line, "nested": bool(self.tables)})
            return
        if tag in _BLOCK:
            self.flush()
            self.heading = None

    def handle_data(self, data):
        if self.skip:
            return
        if self.tables:
            t = self.tables[-1]
            if t.cell is not None:
                t.cell.append(" ".join(data.split()) if data.strip() else "")
            return
        if not self.buf:
            self.buf_line = self.getpos()[0]
        # Source line breaks inside a paragraph are HTML white space, not text.
        self.buf.append(data.replace("\r", "").replace("\n", ""))


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def read_html(text: str, path: str, limits: Limits) -> Document:
    doc = Document(path=path, format="html")
    parser = _Parser(doc)
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:  # html.parser is lenient; anything it still raises is a damaged page
        raise ReadError("E_UNKNOWN_FORMAT", f"HTML could not be parsed: {type(exc).__name__}: {exc}") from None
    parser.flush()
    if not doc.blocks:
        raise ReadError("E_NO_TEXT", "the HTML page has no visible text")
    return doc
