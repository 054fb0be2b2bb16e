"""``make fuzz``: mutation fuzzing of jixiao through the batch run's own path.

Seeds are the corpus, the bad-file fixtures and the other formats' fixtures. Each round mutates a batch of
them (format-aware: text encodings and lines, DOCX zip entries and XML, PDF objects, references, xref and
streams; XLSX/ODS packages, BIFF and OLE2 containers, web pages and images in ``fuzz_formats.py``), runs
them with :func:`pipeline.batch.run` exactly as ``jixiao run`` does (a fresh process, worker processes,
per-document limits, every writer), and asserts what the run promises:

* one record per file, each with a status, and a code on every record that is not ok; every warning a
  ``{code, message}``;
* no E_INTERNAL, no traceback text in a record, no stage stopped by a crash (``incomplete.reason`` crash);
* no record ``ok`` after a limit fired (a document that took the whole time limit and says ok);
* every writer ``ok`` and its output present; worker memory within the limit.

A file that breaks a promise is kept in ``OUT/crashes/`` with a note of what broke; such a file becomes a
fixture made by ``scripts/make_bad.py`` with a regression test. The exit status is 1 when anything broke.

    python scripts/fuzz.py --seconds 60 --seed 1            # what CI runs (make fuzz FUZZ_SECONDS=60 FUZZ_SEED=1)
    python scripts/fuzz.py --files 20000 --seed $RANDOM     # a release campaign (see README, Reliability)
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import random
import re
import shutil
import sys
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from fuzz_formats import flip, insert, mutate_html, mutate_image, mutate_mht, mutate_ole2, mutate_sheet_package, text_of, truncate, zip_entry

ROOT = Path(__file__).resolve().parent.parent
# Where the seeds come from: the corpus's reports reach extraction and checks, the bad files and the other
# formats' fixtures (scripts/make_formats.py) mostly the readers.
SEED_DIRS = {"reports": ROOT / "corpus", "bad": ROOT / "tests" / "data" / "bad", "formats": ROOT / "tests" / "data" / "formats"}
# How often each pool is drawn from; "slow" holds the seeds of any folder read by LibreOffice or OCR.
POOL_WEIGHTS = {"reports": 0.55, "bad": 0.2, "formats": 0.23, "slow": 0.02}
MAX_SEED_BYTES = 300_000  # the 1 MB bombs are refused from their headers; mutating them only costs time
MAX_MUTANT_BYTES = 8 << 20  # stacked mutations stop growing a file here (the fuzzer must not run out of memory)
OUTPUT_FILES = ("corpus.jsonl", "run.log", "discrepancies.xlsx", "corpus.duckdb", "report.html")
_LOG_LINE = re.compile(r"^\S+ \S+ (ok|partial|error|not_report)\s+([\d.]+) ms findings \S+ \S+ \S+  (.*?)(?:  -- .*)?$")

# Text a report could hold that has broken a stage before, or that a stage must treat as plain text.
HOSTILE_TEXT = [
    "9" * 5000, "9" * 5000 + "." + "9" * 5000, "0." + "0" * 3000 + "1", "1" * 99, "九" * 500, "壹亿" * 300,
    "\u202e\u202d\u200f", "\ufeff", "\x00", "\ue000\uf8ff", "\U0010ffff", "\ufffd", "\u0301" * 50,
    "<script>alert(1)</script>", '<a href="javascript:alert(1)">链接</a>', "=HYPERLINK(\"http://x\")",
    "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "|" * 300, "\t" * 200, "（" * 2000, "“" * 500,
    "年初预算数为", "预算执行率为", "自评得分", "万元", "%", "≥", "一、", "（一）", "其中：",
]
# bytes that no text encoding reads as a character (a lone UTF-16 surrogate in UTF-8, a bare lead byte)
HOSTILE_BYTES = [b"\xed\xa0\x80", b"\xff", b"\xc3", b"\xe4\xb8", b"\x80\x80", b"\xf4\x90\x80\x80", b"\x00" * 8]


# ------------------------------------------------------------------------------------------- mutators


def _room(unit: int) -> int:
    """How many copies of ``unit`` characters fit in a mutant (at least one)."""
    return max(1, MAX_MUTANT_BYTES // (3 * max(1, unit)))


def mutate_text(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """One mutation of a text file; returns the bytes and the mutation's name."""
    kind = rng.choice(("flip", "truncate", "encode", "repeat", "hostile", "hostile_bytes", "lines", "table", "long_line"))
    text = text_of(data)
    lines = text.splitlines()
    if kind == "flip":
        return flip(rng, data), kind
    if kind == "truncate":
        return truncate(rng, data), kind
    if kind == "encode":
        enc = rng.choice(("gb18030", "utf-16", "utf-8-sig", "big5", "utf-16-le", "latin-1", "shift_jis"))
        return text.encode(enc, errors="replace"), f"{kind}:{enc}"
    if kind == "repeat":
        # rarely many: the quadratic checks must be stopped by the clock and say so, not pass for ok
        k = rng.choice((2, 5, 20, 50, 200)) if rng.random() > 0.02 else rng.choice((1000, 3000))
        if rng.random() < 0.5 and lines:
            i = rng.randrange(len(lines))
            k = min(k, _room(len(lines[i])))
            lines[i:i + 1] = [lines[i]] * k
            return "\n".join(lines).encode("utf-8"), f"{kind}-line:{k}"
        k = k if k <= 20 or rng.random() < 0.1 else 20  # a whole report many times over: rarely
        k = min(k, _room(len(text)))
        return ("\n".join(lines * min(k, 200))).encode("utf-8"), f"{kind}-all:{min(k, 200)}"
    if kind == "hostile":
        piece = rng.choice(HOSTILE_TEXT)
        at = rng.randrange(len(text) + 1)
        return (text[:at] + piece + text[at:]).encode("utf-8"), kind
    if kind == "hostile_bytes":
        return insert(rng, data, rng.choice(HOSTILE_BYTES)), kind
    if kind == "lines":
        rng.shuffle(lines) if rng.random() < 0.3 else None
        keep = [ln for ln in lines if rng.random() > 0.3]
        return ("\r\n" if rng.random() < 0.5 else "\n").join(keep).encode("utf-8"), kind
    if kind == "table":
        rows = ["|" + "|".join(rng.choice(["", "预算", "100", "95%", "9" * rng.randrange(1, 30), "得分"]) for _ in range(rng.randrange(1, 30))) + "|"
                for _ in range(rng.randrange(2, 40))]
        at = rng.randrange(len(lines) + 1)
        return "\n".join(lines[:at] + rows + lines[at:]).encode("utf-8"), kind
    times = rng.choice((100, 500, 20000)) if rng.random() > 0.05 else 2000
    unit = rng.choice(lines) if lines else "数"
    line = unit * min(times, _room(len(unit)))
    return (text + "\n" + line).encode("utf-8"), kind


def _xml_text_mutation(rng: random.Random, xml: str) -> tuple[str, str]:
    kind = rng.choice(("t", "sym", "nest", "dup", "rels", "attr"))
    if kind == "t":
        ts = list(re.finditer(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
        if ts:
            m = rng.choice(ts)
            piece = rng.choice(HOSTILE_TEXT).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            piece = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", piece)
            return xml[: m.start(1)] + piece + xml[m.end(1) :], kind
    if kind == "sym":
        char = rng.choice(("D800", "DFFF", "110000", "FFFFFFFF", "F0B3", "0", "-1", "ZZ", "1F600"))
        run = f'<w:r><w:sym w:font="{rng.choice(("Symbol", "Wingdings", ""))}" w:char="{char}"/></w:r>'
        ps = [m.end() for m in re.finditer(r"<w:p(?: [^>]*)?>", xml)]
        if ps:
            at = rng.choice(ps)
            return xml[:at] + run + xml[at:], f"{kind}:{char}"
    if kind == "nest":
        depth = rng.choice((5, 50, 200))
        cell = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>嵌套</w:t></w:r></w:p>"
        inner = cell * depth + "</w:tc></w:tr></w:tbl>" * depth
        at = xml.find("<w:body>")
        if at >= 0:
            at += len("<w:body>")
            return xml[:at] + inner + xml[at:], f"{kind}:{depth}"
    if kind == "dup":
        ps = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
        if ps:
            k = rng.choice((10, 100, 1000))
            at = xml.find("</w:body>")
            return xml[:at] + "".join(rng.choice(ps) for _ in range(k)) + xml[at:], f"{kind}:{k}"
    if kind == "attr":
        return re.sub(r'w:(gridSpan|vMerge|val)="[^"]*"', lambda m: f'w:{m.group(1)}="{rng.choice(("0", "-5", "99999", "restart", ""))}"', xml, count=rng.randrange(1, 50)), kind
    return xml, "none"


def mutate_docx(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    kind = rng.choice(("xml", "xml", "xml", "entry_flip", "drop", "zip_flip", "truncate", "rels"))
    if kind == "zip_flip":
        return flip(rng, data), kind
    if kind == "truncate":
        return truncate(rng, data), kind
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        entries = [(i, src.read(i)) for i in src.infolist()]
    except Exception:
        return flip(rng, data), "flip-unzippable"
    names = [i.filename for i, _ in entries]
    target = "word/document.xml" if "word/document.xml" in names else (rng.choice(names) if names else "")
    how = kind
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, body in entries:
            if kind == "drop" and info.filename == rng.choice(names):
                continue
            if info.filename == target and kind == "xml":
                xml, how = _xml_text_mutation(rng, body.decode("utf-8", errors="replace"))
                body = xml.encode("utf-8")
            elif info.filename == target and kind == "entry_flip":
                body = flip(rng, body)
            elif kind == "rels" and info.filename.endswith(".rels"):
                extra = rng.choice((
                    '<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="javascript:alert(1)" TargetMode="External"/>',
                    '<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="file:///etc/passwd"/>',
                    '<Relationship Id="rIdX3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="../../../../etc/passwd"/>',
                    '<Relationship Id="rIdX4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="http://example.invalid/x.png" TargetMode="External"/>',
                ))
                body = body.replace(b"</Relationships>", extra.encode() + b"</Relationships>")
            dst.writestr(zip_entry(info.filename), body)
    return out.getvalue(), f"docx-{how}"


_REF = re.compile(rb"(\d+) 0 R")
_XREF_ROW = re.compile(rb"(\d{10}) (\d{5}) n")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)


def mutate_pdf(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    kind = rng.choice(("flip", "truncate", "ref", "ref", "xref", "stream", "stream", "length", "dup", "startxref"))
    if kind == "flip":
        return flip(rng, data), kind
    if kind == "truncate":
        return truncate(rng, data), kind
    if kind == "ref":
        # rewire references: a page's resources or parent pointing at itself or an ancestor is a cycle
        refs = list(_REF.finditer(data))
        objs = sorted({int(m.group(1)) for m in refs}) or [1]
        b = data
        for m in sorted(rng.sample(refs, min(len(refs), rng.choice((1, 2, 5)))), key=lambda m: -m.start()):
            b = b[: m.start(1)] + str(rng.choice(objs)).encode() + b[m.end(1) :]
        return b, kind
    if kind == "xref":
        return _XREF_ROW.sub(lambda m: (b"%010d" % rng.randrange(len(data) + 100) if rng.random() < 0.3 else m.group(1)) + b" " + m.group(2) + b" n", data), kind
    if kind == "startxref":
        return re.sub(rb"startxref\s+\d+", b"startxref\n" + str(rng.randrange(len(data))).encode(), data), kind
    if kind == "length":
        return re.sub(rb"/Length (\d+)", lambda m: b"/Length " + str(max(0, int(m.group(1)) + rng.randrange(-50, 50))).encode(), data, count=rng.randrange(1, 5)), kind
    if kind == "dup":
        objs = list(re.finditer(rb"\d+ 0 obj.*?endobj", data, re.S))
        if objs:
            m = rng.choice(objs)
            at = data.rfind(b"xref")
            at = at if at > 0 else len(data)
            return data[:at] + m.group(0) * rng.choice((2, 50)) + data[at:], kind
        return data, kind
    # re-encode a content stream: inflate, mutate, store it raw or deflated again; offsets go stale
    streams = list(_STREAM.finditer(data))
    if not streams:
        return flip(rng, data), "flip-nostream"
    m = rng.choice(streams)
    body = m.group(1)
    try:
        plain = zlib.decompress(body)
    except zlib.error:
        plain = body
    plain = flip(rng, plain, rng.choice((1, 5, 50))) if rng.random() < 0.5 else plain * min(rng.choice((2, 20, 200)), _room(len(plain)))
    new = zlib.compress(plain) if rng.random() < 0.5 else plain
    return data[: m.start(1)] + new + data[m.end(1) :], "stream"


def _text_or_html(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    return mutate_html(rng, data) if rng.random() < 0.6 else mutate_text(rng, data)


# The seed's format (from its bytes, as the readers tell it) -> its mutator.
MUTATORS = {
    "pdf": mutate_pdf, "scan": mutate_pdf, "docx": mutate_docx, "xlsx": mutate_sheet_package, "ods": mutate_sheet_package,
    "odt": mutate_sheet_package, "xls": mutate_ole2, "doc": mutate_ole2, "ole2": mutate_ole2, "html": _text_or_html,
    "mht": mutate_mht, "image": mutate_image, "rtf": mutate_text, "text": mutate_text, "binary": mutate_text,
}
# Formats read by LibreOffice (seconds per file) or OCR (about ten per page): kept rare in the mix.
SLOW = {"doc", "odt", "rtf", "image", "scan"}


def format_of(data: bytes) -> str:
    """The seed's format as the readers tell it from its bytes (``scan``: a PDF with pages to OCR)."""
    from pipeline.readers.txt import decode, is_html
    from pipeline.sniff import ole2_kind, sniff

    kind = sniff(data)
    if kind == "ole2":
        return {"doc": "doc", "xls": "xls"}.get(ole2_kind(data), "ole2")
    if kind == "text":
        try:
            return "html" if is_html(decode(data).text) else "text"
        except Exception:  # noqa: BLE001 - undecodable text is still text to mutate
            return "text"
    if kind == "pdf" and _has_pages_to_ocr(data):
        return "scan"
    return kind if kind in MUTATORS else "binary"


def _has_pages_to_ocr(data: bytes) -> bool:
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
        return any(page.get_textpage().count_chars() == 0 for page in pdf)
    except Exception:  # noqa: BLE001 - an unreadable PDF is mutated as any other
        return False


def mutate(rng: random.Random, data: bytes, name: str = "", fmt: str | None = None) -> tuple[bytes, str, str]:
    """Bytes, mutation name and file suffix for one mutant of ``data`` (mutations may stack). The mutant
    keeps the seed's suffix (``name``), so a name that lies about the bytes is part of the mix."""
    fmt = fmt or format_of(data)
    fn = MUTATORS.get(fmt, mutate_text)
    suffix = Path(name).suffix or {"pdf": ".pdf", "docx": ".docx"}.get(fmt, ".txt")
    names = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        if len(data) > MAX_MUTANT_BYTES // 8:
            break  # a repeated report repeated again would run into gigabytes
        data, how = fn(rng, data)
        names.append(how)
    return data[:MAX_MUTANT_BYTES], "+".join(names), suffix


# ---------------------------------------------------------------------------------------------- rounds


@dataclass
class Campaign:
    files: int = 0
    rounds: int = 0
    statuses: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)
    mutations: Counter = field(default_factory=Counter)
    formats: Counter = field(default_factory=Counter)  # files by the format of the seed they were made from
    broken: list[dict] = field(default_factory=list)
    peak_mb: float = 0.0
    slowest: tuple[float, str] = (0.0, "")
    limit_hits: int = 0
    examples: dict = field(default_factory=dict)  # code -> the first file that ended with it
    native_crashes: list[str] = field(default_factory=list)  # E_WORKER_CRASH rows: a native library died


@dataclass(frozen=True)
class Seed:
    name: str
    data: bytes
    fmt: str  # as format_of tells it


def seeds() -> dict[str, list[Seed]]:
    """The seed files by pool (see POOL_WEIGHTS): the corpus, tests/data/bad, tests/data/formats, and the
    slow ones of any of them."""
    pools: dict[str, list[Seed]] = {name: [] for name in POOL_WEIGHTS}
    for pool, folder in SEED_DIRS.items():
        for p in sorted(folder.glob("*")):
            if p.is_file() and 0 < p.stat().st_size <= MAX_SEED_BYTES:
                data = p.read_bytes()
                seed = Seed(p.name, data, format_of(data))
                pools["slow" if seed.fmt in SLOW else pool].append(seed)
    return pools


def pick(rng: random.Random, pools: dict[str, list[Seed]]) -> Seed:
    names = [n for n in POOL_WEIGHTS if pools.get(n)]
    return rng.choice(pools[rng.choices(names, weights=[POOL_WEIGHTS[n] for n in names])[0]])


def _log_times(run_log: Path) -> dict[str, tuple[str, float]]:
    out = {}
    for line in run_log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = _LOG_LINE.match(line)
        if m:
            out[m.group(3)] = (m.group(1), float(m.group(2)))
    return out


def _run_round(indir: Path, outdir: Path, cache: Path, workers: int, doc_seconds: float, memory_mb: int) -> tuple[float, dict]:
    """One batch through :func:`pipeline.batch.run`, as ``jixiao run`` does it; the workers' peak memory
    and each writer's state."""
    from pipeline.batch import run

    summary = run([indir], outdir, workers=workers, fresh=True, progress=False, doc_seconds=doc_seconds,
                  doc_memory_mb=memory_mb, cache_dir=cache)
    return summary.worker_peak_mb, dict(summary.writers)


def one_round(rng: random.Random, pools: dict[str, list[Seed]], size: int, work: Path, crashes: Path,
              camp: Campaign, doc_seconds: float, memory_mb: int, workers: int) -> None:
    indir, outdir = work / "in", work / "out"
    shutil.rmtree(indir, ignore_errors=True)
    indir.mkdir(parents=True)
    made: dict[str, tuple[str, str]] = {}
    for k in range(size):
        seed = pick(rng, pools)
        mutant, how, suffix = mutate(rng, seed.data, seed.name, seed.fmt)
        fname = f"m{camp.rounds:05d}_{k:03d}{suffix}"
        (indir / fname).write_bytes(mutant)
        made[str(indir / fname)] = (seed.name, how)
        camp.mutations[how.split(":")[0].split("+")[0]] += 1
        camp.formats[seed.fmt] += 1

    def keep(path: str | None, why: str, detail: str = "") -> None:
        crashes.mkdir(parents=True, exist_ok=True)
        entry = {"why": why, "detail": detail[:500], "round": camp.rounds}
        if path and Path(path).exists():
            seed_name, how = made.get(path, ("?", "?"))
            target = crashes / f"{why}-{camp.rounds:05d}-{Path(path).name}"
            shutil.copy(path, target)
            entry.update(file=target.name, seed=seed_name, mutation=how)
        else:  # no single file to blame: keep the whole batch
            target = crashes / f"{why}-round-{camp.rounds:05d}"
            shutil.copytree(indir, target, dirs_exist_ok=True)
            entry.update(file=target.name)
        camp.broken.append(entry)
        print(f"  BROKEN {why}: {entry.get('file')} {entry.get('mutation', '')} {detail[:200]}", flush=True)

    try:
        # each round in a fresh process, as `jixiao run` starts: workers forked from a campaign that has
        # run writers (DuckDB maps gigabytes of address space) would inherit that mapping, and their
        # memory cap would leave them a few hundred MB (spurious E_TOO_LARGE, OCR libraries failing to load)
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            peak_mb, writers = pool.submit(_run_round, indir, outdir, work / "cache", workers, doc_seconds, memory_mb).result()
    except Exception as exc:  # the run itself must never fail on what the documents hold
        keep(None, "run-failed", f"{type(exc).__name__}: {exc}")
        return
    camp.rounds += 1
    camp.files += size
    camp.peak_mb = max(camp.peak_mb, peak_mb)
    if peak_mb > memory_mb:
        keep(None, "memory", f"worker peak {peak_mb:.0f} MB > {memory_mb} MB")
    for w, st in writers.items():
        if st != "ok":
            keep(None, "writer", f"{w}: {st}")
    for name in OUTPUT_FILES:
        if not (outdir / name).exists():
            keep(None, "writer", f"{name} missing")
    text = (outdir / "corpus.jsonl").read_text(encoding="utf-8") if (outdir / "corpus.jsonl").exists() else ""
    # JSON Lines: split on "\n" only; str.splitlines() also cuts at U+2028 or \x1c inside a report's text
    recs = [json.loads(line) for line in text.split("\n") if line]
    times = _log_times(outdir / "run.log") if (outdir / "run.log").exists() else {}
    seen = {r["file"] for r in recs}
    for path in made:
        if path not in seen:
            keep(path, "missing-record")
    if len(recs) != len(made):
        keep(None, "record-count", f"{len(recs)} records for {len(made)} files")
    for r in recs:
        status, err, path = r.get("status"), r.get("error") or {}, r.get("file")
        camp.statuses[status] += 1
        if err.get("code"):
            camp.codes[err["code"]] += 1
            camp.examples.setdefault(err["code"], f"{made.get(path, ('?', '?'))} {str(err.get('detail'))[:120]}")
        took = times.get(path, ("", 0.0))[1]
        if took > camp.slowest[0]:
            camp.slowest = (took, f"{made.get(path, ('?', '?'))[1]} of {made.get(path, ('?', '?'))[0]}")
        if status not in ("ok", "partial", "error", "not_report"):
            keep(path, "status", str(status))
        elif status in ("error", "not_report") and not err.get("code"):
            keep(path, "no-code")
        elif status == "partial" and not err.get("code") and not r.get("warnings"):
            keep(path, "no-code")
        odd = [w for w in r.get("warnings") or [] if not (isinstance(w, dict) and w.get("code") and w.get("message"))]
        if odd:  # the contract: every warning a {code, message}
            keep(path, "warning-shape", repr(odd[:3]))
        if err.get("code") == "E_INTERNAL":
            keep(path, "internal", err.get("detail", ""))
        if err.get("code") == "E_WORKER_CRASH" and path and Path(path).exists():
            # a native library died on the file: the promises hold (a row with its code), so it breaks
            # nothing, but it is kept and listed as a file worth a fixture
            (crashes / "native").mkdir(parents=True, exist_ok=True)
            shutil.copy(path, crashes / "native" / Path(path).name)
            camp.native_crashes.append(f"{Path(path).name} ({made.get(path, ('?', '?'))[1]} of {made.get(path, ('?', '?'))[0]}): {err.get('detail', '')}"[:300])
        if (r.get("incomplete") or {}).get("reason") == "crash":
            keep(path, "crash", r["incomplete"].get("detail", ""))
        if "Traceback (most recent call last)" in json.dumps(r, ensure_ascii=False):
            keep(path, "traceback")
        limit_fired = took >= doc_seconds * 1000 or err.get("code") == "E_TIMEOUT" or (r.get("incomplete") or {}).get("reason") in ("time", "memory")
        camp.limit_hits += bool(limit_fired)
        if status == "ok" and took >= doc_seconds * 1000:
            keep(path, "ok-after-limit", f"{took:.0f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=180, help="stop starting rounds after this long")
    ap.add_argument("--files", type=int, default=0, help="stop after this many files (0: by time only)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: random, printed)")
    ap.add_argument("--round", type=int, default=60, help="files per batch run")
    ap.add_argument("--doc-seconds", type=float, default=120, help="per-document limit (jixiao run's default)")
    ap.add_argument("--memory-mb", type=int, default=1500, help="per-worker memory limit (jixiao run's default)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "outputs" / "fuzz")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
    rng = random.Random(seed)
    pools = seeds()
    args.out.mkdir(parents=True, exist_ok=True)
    crashes = args.out / "crashes"
    camp = Campaign()
    start = time.monotonic()
    print(f"fuzz: seed {seed}, {sum(map(len, pools.values()))} seed files, rounds of {args.round}, limit {args.doc_seconds:g} s / "
          f"{args.memory_mb} MB per document", flush=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-fuzz-") as tmp:
        while time.monotonic() - start < args.seconds and (not args.files or camp.files < args.files):
            size = args.round if not args.files else min(args.round, args.files - camp.files)
            one_round(rng, pools, size, Path(tmp), crashes, camp, args.doc_seconds, args.memory_mb, args.workers)
            print(f"  {camp.files} files, {time.monotonic() - start:.0f} s, broken {len(camp.broken)}, worker peak "
                  f"{camp.peak_mb:.0f} MB, slowest {camp.slowest[0] / 1000:.1f} s ({camp.slowest[1]})", flush=True)
            _report(args.out, seed, camp, start)
    report = _report(args.out, seed, camp, start)
    print(json.dumps({k: v for k, v in report.items() if k not in ("broken", "mutations", "examples")}, ensure_ascii=False))
    return 1 if camp.broken else 0


def _report(out: Path, seed: int, camp: Campaign, start: float) -> dict:
    """The campaign's figures, rewritten after every round so that they survive an interrupted campaign."""
    report = {
        "seed": seed, "files": camp.files, "rounds": camp.rounds, "seconds": round(time.monotonic() - start, 1),
        "statuses": dict(camp.statuses), "codes": dict(camp.codes), "formats": dict(camp.formats), "mutations": dict(camp.mutations),
        "examples": camp.examples, "limit_hits": camp.limit_hits, "worker_peak_mb": round(camp.peak_mb), "slowest_ms": round(camp.slowest[0]),
        "slowest": camp.slowest[1], "broken": camp.broken, "native_crashes": camp.native_crashes,
        "summary": {k: sum(1 for b in camp.broken if b["why"] == k) for k in
                    ("internal", "traceback", "missing-record", "record-count", "ok-after-limit", "writer", "crash",
                     "memory", "run-failed", "no-code", "warning-shape", "status")},
    }
    (out / f"fuzz-{seed}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return report


if __name__ == "__main__":
    sys.exit(main())
