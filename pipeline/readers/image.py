"""Scanned pages sent as images (PNG, JPEG, TIFF with one page per frame, BMP, GIF, WEBP), read by OCR.

Each frame is one page. Its lines are laid out by the PDF reader's rules (paragraphs, running headers and
page numbers, tables rebuilt from the line boxes; see :mod:`pipeline.readers.ocr`), in points at the
image's own resolution (150 dpi when the file does not say), so an image gives the blocks a scanned PDF
of the same page gives.
"""

from __future__ import annotations

import io

from pipeline.document import Document
from pipeline.errors import ReadError
from pipeline.limits import Limits, PageTimeout, deadline

MAX_PIXELS = 60_000_000  # an A3 page at 600 dpi is 70 MP; beyond this it is not a scan of a report
DEFAULT_DPI = 150.0


def _frames(data: bytes, limits: Limits):
    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow refuses (DecompressionBombError) above twice this
    try:
        img = Image.open(io.BytesIO(data))
        img.load()  # decodes: a truncated file fails here, not halfway through OCR
    except Image.DecompressionBombError as exc:
        raise ReadError("E_TOO_LARGE", f"image over {MAX_PIXELS} pixels: {exc}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ReadError("E_IMAGE_CORRUPT", f"{type(exc).__name__}: {exc}") from None
    if img.width * img.height > MAX_PIXELS:
        raise ReadError("E_TOO_LARGE", f"image of {img.width}x{img.height} pixels")
    dpi = img.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))[0] or DEFAULT_DPI
    # Some writers store 72 dpi (a screen default) or nonsense: trust only resolutions a scanner uses.
    dpi = float(dpi) if 100 <= float(dpi) <= 1200 else DEFAULT_DPI
    frames = []
    try:
        for frame in ImageSequence.Iterator(img):
            frames.append(frame.convert("RGB"))
            if len(frames) >= limits.max_ocr_pages:
                break
    except (OSError, ValueError, EOFError) as exc:
        if not frames:
            raise ReadError("E_IMAGE_CORRUPT", f"{type(exc).__name__}: {exc}") from None
    return frames, dpi, getattr(img, "n_frames", 1)


def read(data: bytes, path: str, limits: Limits) -> Document:
    from pipeline.readers import ocr, pdf

    frames, dpi, total = _frames(data, limits)
    doc = Document(path=path, format="image", pages=total)
    pages: list[pdf.Page] = []
    timed_out: list[int] = []
    for number, frame in enumerate(frames, start=1):
        page = pdf.Page(number, (0.0, 0.0, frame.width * 72 / dpi, frame.height * 72 / dpi), has_text=False)
        try:
            with deadline(limits.ocr_page_seconds):
                lines = ocr.recognise(frame, 72 / dpi)
        except PageTimeout:
            timed_out.append(number)
            continue
        pdf.fill_page(page, lines)
        if page.has_text:
            pages.append(page)
    if not pages:
        if timed_out:
            raise ReadError("E_TIMEOUT", f"OCR ran past {limits.ocr_page_seconds:g} s on every page")
        raise ReadError("E_IMAGE", f"OCR found no text on the {len(frames)} page(s) of the image")
    doc.ocr_pages = [p.number for p in pages]
    pdf.assemble_pages(doc, pages)
    empty = [n for n in range(1, len(frames) + 1) if n not in doc.ocr_pages and n not in timed_out]
    if empty:
        doc.warnings.append(
            {"code": "W_PDF_PAGES_NO_TEXT", "message": f"第{'、'.join(map(str, empty))}页未识别出文字（pages without text: {empty}）"}
        )
    if timed_out:
        doc.warnings.append(
            {"code": "W_OCR_PAGE_TIMEOUT", "message": f"第{'、'.join(map(str, timed_out))}页OCR识别超时，未读取（OCR page time limit）"}
        )
    if total > len(frames):
        doc.warnings.append(
            {"code": "W_OCR_PAGES_CUT", "message": f"图片共{total}页，只识别了前{len(frames)}页，请拆分后再提交（OCR page limit）"}
        )
    return doc
