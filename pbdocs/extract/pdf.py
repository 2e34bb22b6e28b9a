"""PDF text: pdfium's text layer page by page, OCR for scanned or broken pages.

pdfium (pypdfium2) reads CJK text layers exactly and about 40x faster than pdfplumber, so it is
the only text path. Characters are read one by one with their boxes, which lets this module drop
fake-bold doubles (the same glyph drawn twice at almost the same place), remove extraction spaces
between CJK characters, and find running headers, footers and page numbers by their position, so
that a sentence crossing a page break reads as one once pages are joined.
"""
from __future__ import annotations

import ctypes
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorruptFile, MissingDependency, Notice, OcrDisabled, OverBudget, ReadError
from ..legal import strip_running_lines
from ..models import Line, Page
from ..normalize import drop_cjk_spaces
from . import Extracted, ExtractOptions
from .quality import broken_text_reason

__all__ = ["read_pdf", "describe_pages"]

# Two identical glyphs whose centres are closer than this share of the glyph height are one glyph
# drawn twice (fake bold, shadow effects), not two characters.
_SAME_GLYPH_DISTANCE = 0.3
# A page whose images cover this much of it and that carries almost no text is a scan.
_SCAN_IMAGE_COVER = 0.5
_SCAN_MAX_TEXT_CHARS = 20
# Unmapped glyphs beyond this share make pdfium's text as useless as (cid:N) output.
_UNMAPPED_SHARE = 0.05

# Below this resolution OCR reads nothing useful; a page that only fits the pixel budget at less
# is too large to read at all.
_MIN_OCR_DPI = 100

_PDFIUM_LOCK = threading.Lock()
# The end of a PDF: %%EOF must sit in this many trailing bytes, with no object after it.
_TAIL_BYTES = 4096
_UPDATE_START = re.compile(rb"\d+\s+\d+\s+obj\b|\bstream\b|\bxref\b|\btrailer\b")


def read_pdf(path: Path, options: ExtractOptions) -> Extracted:
    # PDFium must not be entered from two threads at once, even for different documents; the
    # web server reads uploads from a thread pool.
    with _PDFIUM_LOCK:
        return _read_pdf(path, options)


def _read_pdf(path: Path, options: ExtractOptions) -> Extracted:
    import pypdfium2 as pdfium

    document = _open(path, pdfium)
    warnings: list[Notice] = []
    try:
        total = len(document)
        count = min(total, options.budget.max_pages)
        if count < total:
            warnings.append(Notice.of("warn.page_limit", count=count, total=total))
        page_lines: list[list[Line]] = []
        ocr_pages: list[int] = []
        spent = _Spent()
        for index in range(count):
            number = index + 1
            try:
                page = document[index]
                try:
                    lines, reason = _text_layer(page)
                    if options.ocr == "always":
                        reason = reason or "OCR requested for every page"
                    if reason is not None:
                        lines = _ocr_page(path, page, number, reason, options, spent)
                        ocr_pages.append(number)
                finally:
                    page.close()
            except pdfium.PdfiumError as exc:
                raise CorruptFile("read.pdf_bad_page", path=path, page=number, detail=_pdfium_reason(exc)) from None
            spent.chars += sum(len(line.text) + 1 for line in lines)
            if spent.chars > options.budget.max_chars:
                raise OverBudget("read.pdf_too_many_chars", path=path, limit=f"{options.budget.max_chars:,}",
                                 page=number)
            page_lines.append(lines)
    finally:
        document.close()
    if ocr_pages:
        warnings.append(ocr_notice(ocr_pages))
    stripped = strip_running_lines(page_lines)
    pages = [
        Page(number=i + 1, text="\n".join(line.text for line in lines), ocr=(i + 1) in ocr_pages)
        for i, lines in enumerate(stripped)
    ]
    return Extracted(pages=pages, warnings=warnings)


def _open(path: Path, pdfium):
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium.raw.FPDF_ERR_PASSWORD:
            raise ReadError("read.pdf_password", path=path) from None
        if code == pdfium.raw.FPDF_ERR_SECURITY:
            raise ReadError("read.pdf_security", path=path) from None
        raise CorruptFile("read.pdf_corrupt", path=path, detail=_pdfium_reason(exc)) from None
    # When the last incremental update of a file was cut off, pdfium silently serves the previous
    # revision; a cut-off download must not pass as an older or shorter charter.
    if _is_cut_off(path):
        document.close()
        raise CorruptFile("read.pdf_truncated", path=path)
    return document


def _pdfium_reason(exc: Exception) -> str:
    message = str(exc)
    match = re.search(r"PDFium: ([^)]*)", message)
    return (match.group(1) if match else message).strip().rstrip(".").lower() or "unreadable"


def _is_cut_off(path: Path) -> bool:
    """True when the file does not end with a complete revision: no %%EOF near the end, or
    objects of an incremental update begun after the last %%EOF."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        fh.seek(max(0, fh.tell() - _TAIL_BYTES))
        tail = fh.read()
    marker = tail.rfind(b"%%EOF")
    if marker < 0:
        return True
    return _UPDATE_START.search(tail, marker) is not None


def _text_layer(page) -> tuple[list[Line], str | None]:
    """The page's lines from its text layer, and why they cannot be trusted (None if they can)."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        lines, unmapped, total = _read_lines(textpage, page, raw)
    finally:
        textpage.close()
    text = "\n".join(line.text for line in lines)
    if total and unmapped / total > _UNMAPPED_SHARE:
        return lines, "unmapped glyphs in the text layer"
    visible = sum(1 for ch in text if not ch.isspace())
    if visible <= _SCAN_MAX_TEXT_CHARS and _image_cover(page, raw) >= _SCAN_IMAGE_COVER:
        return lines, "scanned image without a usable text layer"
    if not visible:
        return lines, None  # a blank page: nothing to read, nothing to OCR
    return lines, broken_text_reason(text)


def _read_lines(textpage, page, raw) -> tuple[list[Line], int, int]:
    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    # One call for the whole page; characters outside the BMP come back as surrogate pairs and
    # break the index alignment, and only then is the text read character by character.
    text = textpage.get_text_range()
    if len(text) != count:
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i)) for i in range(count))
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    displayed_extent = _displayed_extent(page)
    seen: dict[str, list[tuple[float, float]]] = {}
    lines: list[Line] = []
    chars: list[str] = []
    line_top, line_bottom = math.inf, -math.inf
    unmapped = glyphs = 0

    def finish_line():
        line = drop_cjk_spaces("".join(chars))
        if line:
            lines.append(Line(line, line_top, line_bottom))

    for index, ch in enumerate(text):
        if ch == "\r":
            continue  # pdfium ends lines with a generated "\r\n"
        if ch == "\n":
            finish_line()
            chars = []
            line_top, line_bottom = math.inf, -math.inf
            continue
        if ch.isspace() and ch != "\u3000":  # the ideographic space is content (第一条　本会)
            chars.append(" ")
            continue
        glyphs += 1
        if ch == "\x00" or raw.FPDFText_HasUnicodeMapError(handle, index):
            unmapped += 1
            continue
        raw.FPDFText_GetCharBox(handle, index, left, right, bottom, top)
        if _is_double(seen, ch, left.value, right.value, bottom.value, top.value):
            continue
        chars.append(ch)
        char_top, char_bottom = displayed_extent(left.value, right.value, bottom.value, top.value)
        line_top, line_bottom = min(line_top, char_top), max(line_bottom, char_bottom)
    finish_line()
    return lines, unmapped, glyphs


def _displayed_extent(page):
    """A function giving a character box's vertical extent on screen, as fractions of the shown
    page height from the top, for boxes in PDF coordinates.

    A page with /Rotate is shown turned clockwise; what is its header on screen may be stored at
    the left edge (90), the bottom (180) or the right edge (270) of the page's coordinates.
    """
    crop_left, crop_bottom, crop_right, crop_top = page.get_cropbox()
    width = (crop_right - crop_left) or 1.0
    height = (crop_top - crop_bottom) or 1.0
    rotation = page.get_rotation() % 360
    if rotation == 90:
        return lambda left, right, bottom, top: ((left - crop_left) / width, (right - crop_left) / width)
    if rotation == 180:
        return lambda left, right, bottom, top: ((bottom - crop_bottom) / height, (top - crop_bottom) / height)
    if rotation == 270:
        return lambda left, right, bottom, top: ((crop_right - right) / width, (crop_right - left) / width)
    return lambda left, right, bottom, top: ((crop_top - top) / height, (crop_top - bottom) / height)


def _is_double(seen: dict, ch: str, left: float, right: float, bottom: float, top: float) -> bool:
    """Record the glyph; True if the same character was already drawn at (almost) this spot."""
    limit = max(top - bottom, 1.0) * _SAME_GLYPH_DISTANCE
    cx, cy = (left + right) / 2, (top + bottom) / 2
    drawn = seen.setdefault(ch, [])
    for ox, oy in drawn:
        if abs(ox - cx) <= limit and abs(oy - cy) <= limit:
            return True
    drawn.append((cx, cy))
    return False


def _image_cover(page, raw) -> float:
    """Share of the page area covered by images (capped at 1)."""
    width, height = page.get_size()
    area = width * height or 1.0
    covered = 0.0
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = obj.get_bounds()
        covered += max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
    return min(covered / area, 1.0)


@dataclass
class _Spent:
    """What reading one document has used so far: characters read, pixels rendered."""

    chars: int = 0
    pixels: int = 0


def _render_scale(path: Path, page, number: int, options: ExtractOptions, spent: _Spent) -> float:
    """The scale to render ``page`` at for OCR, counted against the budget before any pixel exists.

    A page larger than the per-page budget at the OCR resolution is rendered at a lower one (scans
    declared at 72 dpi have huge page boxes); one that would fit only below a readable resolution,
    or that takes the document past its pixel budget, is refused.
    """
    budget = options.budget
    width, height = page.get_size()
    area = max(width * height, 1.0)
    scale = options.ocr_dpi / 72
    if area * scale * scale > budget.max_page_pixels:
        scale = math.sqrt(budget.max_page_pixels / area)
        if scale * 72 < _MIN_OCR_DPI:
            needed = area * (_MIN_OCR_DPI / 72) ** 2
            raise OverBudget("read.pdf_page_too_large", path=path, page=number, width=f"{width / 72:.0f}",
                             height=f"{height / 72:.0f}", pixels=f"{needed:,.0f}", limit=f"{budget.max_page_pixels:,}")
    spent.pixels += int(area * scale * scale)
    if spent.pixels > budget.max_document_pixels:
        raise OverBudget("read.pdf_too_many_pixels", path=path, page=number, limit=f"{budget.max_document_pixels:,}")
    return scale


def _ocr_page(path: Path, page, number: int, reason: str, options: ExtractOptions, spent: _Spent) -> list[Line]:
    from .ocr import INSTALL_HINT, ocr_available, ocr_image

    if options.ocr == "never":
        raise OcrDisabled("read.page_ocr_disabled", path=path, page=number, why=reason)
    if not ocr_available():
        raise MissingDependency("read.page_ocr_not_installed", path=path, page=number, why=reason, hint=INSTALL_HINT)
    bitmap = page.render(scale=_render_scale(path, page, number, options, spent))
    try:
        image = bitmap.to_pil()
    finally:
        bitmap.close()
    return ocr_image(image)


def ocr_notice(numbers: list[int]) -> Notice:
    """The warning that ``numbers`` were read by OCR."""
    described = describe_pages(numbers)
    return Notice.of("warn.ocr_pages", described=described, pages=described.partition(" ")[2])


def describe_pages(numbers: list[int]) -> str:
    """``[2, 3, 5]`` -> ``pages 2-3, 5``; ``[4]`` -> ``page 4``."""
    ranges: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        ranges.append(f"{start}-{prev}" if prev != start else f"{start}")
        if n is not None:
            start = prev = n
    label = "page" if len(numbers) == 1 else "pages"
    return f"{label} {', '.join(ranges)}"
