"""Benchmark of one document at a time, in CPU seconds (the machine may be shared: CPU time holds under load).

Run ``make bench`` (which then runs scripts/bench_run.py, the batch, and scripts/bench_page.py). Speed is
measured here, never in the tests. Prints, in one run on the same files:

* start-up: CPU seconds of ``jixiao --help`` and of ``jixiao extract`` on a tiny report, in fresh processes;
* reports per CPU-second (reading, extraction and checks) for the TXT and DOCX seeds, and where the time of
  one goes (reading and normalising, extraction, checks, the record's fingerprint);
* PDF pages per CPU-second end to end beside pypdfium2's plain text on the same files, and their ratio,
  and the peak memory of a fresh process on a 170-page PDF (``--pdf``: this section alone);
* CPU seconds per KB for the TXT seed repeated 1, 16 and 64 times (a check above linear shows here), and
  for one paragraph holding a sentence with figures 250, 1,000 and 2,000 times;
* wall seconds per document for the formats beyond TXT/DOCX/PDF, and OCR seconds per page;
* the peak memory of this process.

Caches that key on a text (quantities, words, sentences, printed figures) are cleared before every document:
a batch sees each report once, and a benchmark that repeats one file must not be served from them.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import quantity  # noqa: E402
from pipeline.checks import check_record, narrative, numbers  # noqa: E402
from pipeline.extract import extract_document, words  # noqa: E402
from pipeline.fingerprint import of_document  # noqa: E402
from pipeline.parse import parse_file  # noqa: E402
from pipeline.record import extract_record  # noqa: E402

SEED_TXT = ROOT / "corpus" / "001_5c147244ac7a2061.txt"
SEED_DOCX = ROOT / "corpus" / "001_5c147244ac7a2061.docx"
PDFS = sorted((ROOT / "corpus").glob("*.pdf"))
TINY = "2023年度某项目支出绩效自评报告\n一、基本情况\n年初预算数为100万元，全年执行数95万元，预算执行率为95%。\n自评得分为92分。\n"
EMBEDDED_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # a TrueType CJK font reportlab can embed
LONG_PDF_PAGES = 170


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def child_cpu(args: list[str]) -> float:
    """CPU seconds of one command in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def clear_text_caches() -> None:
    """The caches that key on a text: a document of a batch finds nothing of its own in them."""
    quantity._scan.cache_clear()
    words._words.cache_clear()
    narrative.spans.cache_clear()
    numbers._printed.cache_clear()


def per_document(path: Path, runs: int) -> float:
    """CPU seconds per document: reading, extraction and checks."""
    total = 0.0
    for _ in range(runs):
        clear_text_caches()
        t0 = cpu()
        extract_record(parse_file(path))
        total += cpu() - t0
    return total / runs


def stages(path: Path, runs: int) -> dict[str, float]:
    """CPU milliseconds per document of each stage, in the order a record is made (the checks after the
    extraction, so that they find the block's quantities scanned, as they do in a run)."""
    took = {"reading and normalising": 0.0, "extraction": 0.0, "checks": 0.0, "fingerprint": 0.0}
    for _ in range(runs):
        clear_text_caches()
        t0 = cpu()
        parsed = parse_file(path)
        t1 = cpu()
        extract_document(parsed.doc)
        t2 = cpu()
        record = extract_record(parsed, checks=False)  # the same fields again, untimed, as the checks read them
        t3 = cpu()
        check_record(record, parsed.doc)
        t4 = cpu()
        of_document([b.raw for b in parsed.doc.blocks])
        t5 = cpu()
        for name, spent in zip(took, (t1 - t0, t2 - t1, t4 - t3, t5 - t4)):
            took[name] += spent * 1000 / runs
    return took


def pdfium_text(path: Path, runs: int) -> tuple[float, int]:
    """CPU seconds per file of pypdfium2's plain text of every page, and the page count."""
    import pypdfium2 as pdfium

    total, pages = 0.0, 0
    for _ in range(runs):
        t0 = cpu()
        pdf = pdfium.PdfDocument(str(path))
        pages = len(pdf)
        for i in range(pages):
            page = pdf[i]
            text = page.get_textpage()
            text.get_text_range()
            text.close()
            page.close()
        pdf.close()
        total += cpu() - t0
    return total / runs, pages


def embedded_font_pdf(dest: Path) -> Path | None:
    """The TXT seed typeset with an embedded TrueType CJK font (the corpus PDFs use a non-embedded CID font)."""
    if not EMBEDDED_FONT.is_file():
        return None
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Embedded", str(EMBEDDED_FONT), subfontIndex=0))
    c = canvas.Canvas(str(dest), pagesize=A4)
    width, height = A4
    y = height - 60
    for para in SEED_TXT.read_text(encoding="utf-8").splitlines():
        while True:
            c.setFont("Embedded", 11)
            line, para = para[:40], para[40:]
            c.drawString(50, y, line)
            y -= 16
            if y < 60:
                c.showPage()
                y = height - 60
            if not para:
                break
    c.save()
    return dest


# The formats beyond TXT/DOCX/PDF (tests/data/formats/, made by scripts/make_formats.py), with runs each.
FORMATS = (
    ("001_自评表.xlsx", 10),
    ("001_自评表.xls", 10),
    ("001_自评表.ods", 10),
    ("001.doc", 3),
    ("001.wps", 3),
    ("001.rtf", 3),
    ("001.odt", 3),
    ("001_p1.png", 1),
    ("001_scan.pdf", 1),
)


def formats() -> None:
    """Seconds per document for each new format (reading, extraction and checks), and OCR seconds per page."""
    from pipeline.readers.office import soffice_path

    folder = ROOT / "tests" / "data" / "formats"
    print(f"{'format fixture':42} {'KB':>6} {'s/document':>11} {'pages':>6} {'s/page':>7}")
    for name, runs in FORMATS:
        path = folder / name
        if name.endswith((".doc", ".wps", ".rtf", ".odt")) and soffice_path() is None:
            print(f"{name:42} skipped: LibreOffice is not installed")
            continue
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            parsed = parse_file(path)
            extract_record(parsed)
            times.append(time.perf_counter() - t0)
        took = statistics.median(times)
        ocr = len(parsed.doc.ocr_pages or []) if parsed.doc is not None else 0
        per_page = f"{took / ocr:7.2f}" if ocr else f"{'':7}"
        print(f"{name:42} {path.stat().st_size / 1024:6.1f} {took:11.2f} {ocr or '':>6} {per_page}")


def long_pdf(dest: Path, pages: int = LONG_PDF_PAGES) -> Path:
    """A report of ``pages`` pages in one font (as a real report is): the TXT seed typeset again and again."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(dest), pagesize=A4, invariant=1)
    width, height = A4
    lines = [p[i : i + 40] for p in SEED_TXT.read_text(encoding="utf-8").splitlines() for i in range(0, max(len(p), 1), 40)]
    done, y = 0, height - 60
    while done < pages:
        for line in lines:
            c.setFont("STSong-Light", 10.5)
            c.drawString(50, y, line)
            y -= 16
            if y < 60:
                c.showPage()
                done, y = done + 1, height - 60
                if done == pages:
                    break
    c.save()
    return dest


def peak_memory_mb(path: Path) -> tuple[float, float]:
    """(resident MB before, peak resident MB while) a fresh process, warmed up on the TXT seed, reads,
    extracts and checks ``path``. Linux resets the peak on request (/proc/self/clear_refs), so the peak is
    this document's, not the start-up's."""
    code = f"""
import sys
from pipeline.parse import parse_file
from pipeline.record import extract_record
def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key))
extract_record(parse_file({str(SEED_TXT)!r}))
before = status("VmRSS:")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
extract_record(parse_file(sys.argv[1]))
print(before, status("VmHWM:"))
"""
    out = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, check=True, capture_output=True, text=True)
    before, peak = (int(v) / 1024 for v in out.stdout.split()[-2:])
    return before, peak


def pdf_speed(tmp_path: Path) -> None:
    """PDF pages per CPU-second, jixiao end to end beside pypdfium2's plain text, and the peak memory of
    one long PDF."""
    extract_record(parse_file(SEED_TXT))  # rules and models loaded before timing
    words.load()
    pdfs = list(PDFS)
    embedded = embedded_font_pdf(tmp_path / "embedded_font.pdf")
    if embedded is not None:
        pdfs.append(embedded)
    else:
        print(f"(no {EMBEDDED_FONT}: the PDF with embedded fonts is left out)")
    print(f"{'PDF':34} {'pages':>5} {'jixiao p/CPU-s':>15} {'pypdfium2 p/CPU-s':>18} {'ratio':>6}")
    for path in pdfs:
        ours = per_document(path, 3)
        theirs, pages = pdfium_text(path, 5)
        name = path.name if path.parent == tmp_path else str(path.relative_to(ROOT))
        print(f"{name:34} {pages:5d} {pages / ours:15.1f} {pages / theirs:18.1f} {theirs / ours:6.3f}")
    long = long_pdf(tmp_path / f"long_{LONG_PDF_PAGES}.pdf")
    before, peak = peak_memory_mb(long)
    print(
        f"peak memory reading, extracting and checking a {LONG_PDF_PAGES}-page PDF: {peak:.0f} MB resident"
        f" (a fresh process holding {before:.0f} MB before it)"
    )


def main() -> None:
    if "--pdf" in sys.argv[1:]:  # the PDF section alone
        with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
            pdf_speed(Path(tmp))
        return
    jixiao = [sys.executable, "-m", "pipeline.cli"]  # the code of this tree, as the jixiao command runs it
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        tmp_path = Path(tmp)
        tiny = tmp_path / "tiny.txt"
        tiny.write_text(TINY, encoding="utf-8")
        if sys.dont_write_bytecode:
            # A Python that writes bytecode (the default) compiles the package's modules on its first run
            # and loads them after; this machine's PYTHONDONTWRITEBYTECODE would have every start compile
            # them again (0.13 CPU-s), which is not what a user's second start costs.
            import compileall

            compileall.compile_dir(ROOT / "pipeline", quiet=1)
            print("start-up: the package's bytecode compiled first (PYTHONDONTWRITEBYTECODE is set here)")
        child_cpu([*jixiao, "extract", str(tiny)])  # lints the rules once if they or the code changed
        help_cpu = min(child_cpu([*jixiao, "--help"]) for _ in range(3))
        extract_cpu = min(child_cpu([*jixiao, "extract", str(tiny)]) for _ in range(3))
        print(f"start-up: jixiao --help {help_cpu:.2f} CPU-s; jixiao extract tiny.txt {extract_cpu:.2f} CPU-s (best of 3)")

        extract_record(parse_file(SEED_TXT))  # rules and models loaded before timing
        words.load()
        for label, path, runs in (("TXT", SEED_TXT, 30), ("DOCX", SEED_DOCX, 20)):
            s = per_document(path, runs)
            print(f"{label} seed ({path.stat().st_size / 1024:.0f} KB): {s * 1000:.1f} ms CPU per report = {1 / s:.1f} reports per CPU-second")
            print("  of which " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in stages(path, runs).items()))

        pdf_speed(tmp_path)

        text = SEED_TXT.read_text(encoding="utf-8")
        for times in (1, 16, 64):
            big = tmp_path / f"seed_x{times}.txt"
            big.write_text("\n".join([text] * times), encoding="utf-8")
            kb = big.stat().st_size / 1024
            s = per_document(big, 3 if times < 64 else 1)
            print(f"size {times:2d}x ({kb:6.0f} KB): {s:6.2f} CPU-s, {s / kb * 1000:.2f} ms per KB")
        # one paragraph holding thousands of figures (a sentence repeated on one line): the look-ups by
        # position within a block show here, which the repeated report's short paragraphs never stress
        sentence = next(line for line in text.splitlines() if "执行数" in line and "万元" in line)
        for times in (250, 1000, 2000):
            big = tmp_path / f"paragraph_x{times}.txt"
            big.write_text(text + "\n" + sentence * times, encoding="utf-8")
            kb = big.stat().st_size / 1024
            s = per_document(big, 1)
            print(f"one paragraph {times:4d}x ({kb:6.0f} KB): {s:6.2f} CPU-s, {s / kb * 1000:.2f} ms per KB")
    formats()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process): {peak:.0f} MB")


if __name__ == "__main__":
    main()
