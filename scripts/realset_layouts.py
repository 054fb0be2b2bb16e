"""The real-text set's tuning half rewritten in layouts real files take, scored as `make eval-real` scores it.

A page's wording is what it is; its layout depends on how it reached the auditor (a site's table flattened
to spaces or to one cell per line, a PDF saved as text with its lines broken at the page's width or every
character spaced out, a copy converted to traditional script, figures typed full-width, a file saved on
Windows or in GB18030). Each
layout rewrites every tuning-half text and scores it against the same gold, so a drop names a layout the
readers do not undo. Only the tuning half: the test half is measured as it is, never rewritten to tune on.

    python scripts/realset_layouts.py                 # every layout
    python scripts/realset_layouts.py wrapped-72      # some of them

Needs the texts (tests/data/realset/texts/, git-ignored; `python scripts/realset.py check`).
"""

from __future__ import annotations

import json
import sys
import tempfile
import unicodedata
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import evaluate  # noqa: E402

REALSET = ROOT / "tests" / "data" / "realset"
_CELL_SEP = regex.compile(r"[ \t]*\|[ \t]*")


def hard_wrap(text: str, width: int) -> str:
    """Every line cut where ``width`` display columns are full (a CJK character counts two)."""
    out = []
    for line in text.split("\n"):
        cur, used = "", 0
        for ch in line:
            w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            if used + w > width:
                out.append(cur)
                cur, used = "", 0
            cur += ch
            used += w
        out.append(cur)
    return "\n".join(out)


LAYOUTS = {
    "as-collected": lambda t: t,
    "cells-two-spaces": lambda t: _CELL_SEP.sub("  ", t),
    "cells-one-space": lambda t: _CELL_SEP.sub(" ", t),
    "cells-run-together": lambda t: _CELL_SEP.sub("", t),
    "cell-per-line": lambda t: _CELL_SEP.sub("\n", t),
    "blank-line-between-lines": lambda t: t.replace("\n", "\n\n"),
    "wrapped-72": lambda t: hard_wrap(t, 72),
    "wrapped-72-double-spaced": lambda t: hard_wrap(t, 72).replace("\n", "\n\n"),
    "traditional-script": lambda t: _s2t().convert(t),
    # a Word document typed with the full-width keyboard: ０.９５％ for 0.95%
    "fullwidth-figures": lambda t: t.translate(_FULLWIDTH),
    # a PDF whose text layer spaces out every character ("项 目 支 出"), as letter-spaced titles and cells print
    "spaced-characters": lambda t: _HAN_PAIR.sub(r"\1 ", t),
    # a file saved on Windows
    "crlf": lambda t: t.replace("\n", "\r\n"),
}
# files saved in the encoding Chinese Windows uses by default, not UTF-8 (bytes the reader has to sniff)
ENCODINGS = {"gb18030-file": "gb18030"}
# files of another format: the text typeset as a published PDF (scripts/make_pdf.py's layout: A4, 五号 Song,
# justified lines broken mid-sentence, page numbers), read back by the PDF reader
FORMATS = {"typeset-pdf": ".pdf"}


def typeset_pdf(text: str) -> bytes:
    """The text as a published PDF: a line of the text a paragraph (a numbered heading a heading). No
    running header: on a one-page PDF nothing tells a header from the title, and the excerpts' own first
    lines are their titles. A line of cells one space apart is typeset as the prose line it is, so the
    reader, which drops a space between two Chinese characters, runs such cells together; a published
    table would rule its cells apart instead."""
    import io

    sys.path.insert(0, str(ROOT / "scripts"))
    from make_pdf import Writer, is_heading

    out = io.BytesIO()
    w = Writer(out, "")
    for line in (ln.strip() for ln in text.splitlines()):
        if line:
            (w.heading if is_heading(line) else w.paragraph)(line)
    w.save()
    return out.getvalue()


_FULLWIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
_HAN_PAIR = regex.compile(r"(\p{Han})(?=\p{Han})")


def _s2t():
    """Simplified to traditional script (OpenCC's tables, as Hong Kong, Taiwan and many doc-site copies print)."""
    from opencc import OpenCC

    return OpenCC("s2t")


def main(names: list[str]) -> int:
    texts = REALSET / "texts"
    sources = [json.loads(x) for x in (REALSET / "sources.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    ids = {r["id"] for r in sources if r["split"] == "tune"} & {p.stem for p in texts.glob("*.txt")}
    if not ids:
        print(f"no texts in {texts}: run `python scripts/realset.py check` to see how to restore them")
        return 1
    gold = REALSET / "gold.jsonl"
    print(f"tuning half, {len(ids)} excerpts present")
    for name in names or [*LAYOUTS, *ENCODINGS, *FORMATS]:
        with tempfile.TemporaryDirectory(prefix="jixiao-layout-") as tmp:
            for i in ids:
                text = (texts / f"{i}.txt").read_text(encoding="utf-8")
                if name in FORMATS:
                    (Path(tmp) / f"{i}{FORMATS[name]}").write_bytes(typeset_pdf(text))
                elif name in ENCODINGS:
                    (Path(tmp) / f"{i}.txt").write_bytes(text.encode(ENCODINGS[name], errors="replace"))
                else:
                    (Path(tmp) / f"{i}.txt").write_bytes(LAYOUTS[name](text).encode("utf-8"))
            records = evaluate.extract_devset(gold, Path(tmp), ids)
        res, found = evaluate.score(gold, records, ids), evaluate.score_findings(gold, records, ids)
        recall, precision = res.totals(evaluate.HEADLINE)
        flagged = len({i for i, _ in found.clean_errors})
        print(f"{name:26} recall {recall:.3f} precision {precision:.3f}  contradictions {found.found}/{found.planted}"
              f"  error findings on consistent {flagged}  warnings there {len(found.clean_warnings)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
