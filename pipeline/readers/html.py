"""Web pages (.htm/.html, .mht, HTML saved under another name): the visible text, block by block, with
tables kept as tables.

Published reports are often copied from a government site's HTML. Scripts, styles and comments are
dropped; block-level elements (p, div, li, h1-h6, br) end a block; <table> becomes a table block with
rowspan/colspan kept. A block's raw text is its visible text (entities decoded), located by the source line
where it starts.

A page taken from a site (many links: navigation, breadcrumbs, related articles, footer) is read as its
article only: readability-lxml finds the article's element, the page's own heading of it (the h1-h3 whose
text opens the page's <title>) is kept as the title, and everything else is dropped. A report saved as a
web page by Word or WPS has few links and is read whole. An .mht (a page and its images in one MIME file)
is read through its HTML part.
"""

from __future__ import annotations

import email
import email.policy
import re
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
                rows = _clip_spans([r for r in t.rows if r])
                if rows:
                    # A nested table becomes its own block after the one that holds it.
                    self.doc.add_table(rows, loc={"line": t.line, "nested": bool(self.tables)})
            return
        if tag in _BLOCK:
            self.flush()
            self.heading = None

    def close_tables(self) -> None:
        """Close the tables still open at the end of the page (a page cut short, a missing </table>), as a
        browser shows them: their text would otherwise be lost without a word."""
        self.skip = 0
        while self.tables:
            self.handle_endtag("td")
            self.handle_endtag("table")

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


# Positions a table's merged cells may cover beyond their own. A report's table is tens of rows by tens of
# columns; a page whose spans claim more (rowspan="1000" colspan="1000" on every cell) would cost seconds
# and gigabytes to lay out, and no browser shows anything sensible of it.
MAX_SPANNED = 200_000


def _clip_spans(rows: list[list[tuple[str, int, int]]]) -> list[list[tuple[str, int, int]]]:
    """Spans as a browser lays them out within the table: a rowspan ends with the table's last row; once
    the table's spans cover MAX_SPANNED positions, further cells are laid as single cells.

    >>> _clip_spans([[("a", 5, 2), ("b", 1, 1)], [("c", 1, 1)]])
    [[('a', 2, 2), ('b', 1, 1)], [('c', 1, 1)]]
    >>> _clip_spans([[("x", 1000, 150)] * 3] * 1000)[0]
    [('x', 1000, 150), ('x', 1, 1), ('x', 1, 1)]
    """
    budget = MAX_SPANNED
    out = []
    for r, row in enumerate(rows):
        clipped = []
        for text, rowspan, colspan in row:
            rowspan = min(rowspan, len(rows) - r)
            if rowspan * colspan > 1:
                if rowspan * colspan > budget:
                    rowspan = colspan = 1
                else:
                    budget -= rowspan * colspan
            clipped.append((text, rowspan, colspan))
        out.append(clipped)
    return out


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def read_html(text: str, path: str, limits: Limits) -> Document:
    doc = Document(path=path, format="html")
    source = text
    article = article_of(text)
    if article is not None:
        text = article
    parser = _Parser(doc)
    try:
        parser.feed(text)
        parser.close()
    except MemoryError:
        raise  # the worker's memory limit: E_TOO_LARGE there, not a damaged page
    except Exception as exc:  # html.parser is lenient; anything it still raises is a damaged page
        raise ReadError("E_UNKNOWN_FORMAT", f"HTML could not be parsed: {type(exc).__name__}: {exc}") from None
    parser.close_tables()
    parser.flush()
    if not doc.blocks:
        raise ReadError("E_NO_TEXT", "the HTML page has no visible text")
    if article is not None:
        _relocate(doc, source)
    return doc


# --- the article of a site's page -----------------------------------------------------------------------

_LINK = re.compile(r"<a\b[^>]*>(.*?)</a\s*>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")
_HIDDEN = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.I | re.S)
MIN_LINKS = 10  # a site's page has menus; a report saved as a web page has a handful of links at most
_HEADING = re.compile(r"<h([1-3])\b[^>]*>(.*?)</h\1\s*>", re.I | re.S)


def _visible(html: str) -> str:
    return re.sub(r"\s+", "", _TAGS.sub("", _HIDDEN.sub("", html)))


def article_of(html: str) -> str | None:
    """The HTML of the page's article with its heading, or None when the page is read whole.

    >>> article_of("<html><body><p>该项目全年预算数662.77万元。</p></body></html>") is None
    True
    """
    links = _LINK.findall(html)
    if len(links) < MIN_LINKS:
        return None
    from readability import Document as Readable

    try:
        readable = Readable(html, min_text_length=10)
        body = readable.summary(html_partial=True)
        title = readable.title() or ""
    except Exception:  # noqa: BLE001 - a page readability cannot score is read whole
        return None
    if len(_visible(body)) < 0.2 * len(_visible(html)):
        return None  # it found a fragment, not the article: the whole page loses nothing
    heading = ""
    for _, inner in _HEADING.findall(html):
        words = re.sub(r"\s+", "", _TAGS.sub("", inner))
        if words and words in re.sub(r"\s+", "", title) and words not in _visible(body):
            heading = f"<h1>{inner}</h1>"
            break
    return heading + body


def _relocate(doc: Document, source: str) -> None:
    """Locate each block of the article by the line of the page where its text starts (the article was
    re-serialised, so the parser's own line numbers count in that copy)."""
    from bisect import bisect_right

    starts = [0] + [m.end() for m in re.finditer("\n", source)]
    body = re.search(r"<body\b", source, re.I)
    cursor = body.start() if body else 0
    for b in doc.blocks:
        probe = b.raw.split("\n", 1)[0].split("\t", 1)[0][:12]
        # blocks come in page order: search on from the last one, so a repeated opening finds its own line
        pos = source.find(probe, cursor) if probe else -1
        if pos < 0 and probe:
            pos = source.find(probe)
        if pos < 0:
            b.loc = {"article": True}
        else:
            b.loc = {"line": bisect_right(starts, pos)}
            cursor = pos + 1


def read_mht(data: bytes, path: str, limits: Limits) -> Document:
    """A page saved with its images as one MIME file: its first HTML part, in the charset it declares."""
    if len(data) > limits.max_text_bytes:
        raise ReadError("E_TOO_LARGE", f"MHT file of {len(data)} bytes > limit {limits.max_text_bytes}")
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "utf-8"
            try:
                text = payload.decode(charset, errors="replace")
            except LookupError:
                text = payload.decode("gb18030", errors="replace")
            doc = read_html(text, path, limits)
            doc.format = "mht"
            doc.encoding = charset
            return doc
    raise ReadError("E_NO_TEXT", "the MHT file holds no HTML part")
