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
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import MissingDependency, ReadError
from ..models import Page
from ..normalize import is_cjk
from . import ExtractOptions, Extracted
from .quality import broken_text_reason

__all__ = ["read_pdf", "strip_running_lines", "is_page_number", "describe_pages", "PdfLine"]

# How many lines at each end of a page (by position) may be running headers, footers or numbers.
_EDGE_LINES = 2
# A running header must recur on at least this share of pages (odd/even headers recur on half).
_RUNNING_SHARE = 0.4
# Two identical glyphs whose centres are closer than this share of the glyph height are one glyph
# drawn twice (fake bold, shadow effects), not two characters.
_SAME_GLYPH_DISTANCE = 0.3
# A page whose images cover this much of it and that carries almost no text is a scan.
_SCAN_IMAGE_COVER = 0.5
_SCAN_MAX_TEXT_CHARS = 20
# Unmapped glyphs beyond this share make pdfium's text as useless as (cid:N) output.
_UNMAPPED_SHARE = 0.05

_PAGE_NUMBER = re.compile(
    r"""(?ix)
    [-–—~·•_]*\d{1,4}[-–—~·•_]*          # 3, - 3 -, —3—
    | 第[\d一二三四五六七八九十百零〇]{1,6}页(共[\d一二三四五六七八九十百零〇]{1,6}页)?
    | 共\d{1,4}页第\d{1,4}页
    | \d{1,4}/\d{1,4}                     # 3/10
    | page\d{1,4}(of\d{1,4})?
    """
)
_DIGITS = re.compile(r"\d+")
_PDFIUM_LOCK = threading.Lock()
# The end of a PDF: %%EOF must sit in this many trailing bytes, with no object after it.
_TAIL_BYTES = 4096
_UPDATE_START = re.compile(rb"\d+\s+\d+\s+obj\b|\bstream\b|\bxref\b|\btrailer\b")


@dataclass(frozen=True)
class PdfLine:
    """A line of a page with its vertical extent as fractions of the page height (0 = top)."""

    text: str
    top: float
    bottom: float


def read_pdf(path: Path, options: ExtractOptions) -> Extracted:
    # PDFium must not be entered from two threads at once, even for different documents; the
    # web server reads uploads from a thread pool.
    with _PDFIUM_LOCK:
        return _read_pdf(path, options)


def _read_pdf(path: Path, options: ExtractOptions) -> Extracted:
    import pypdfium2 as pdfium

    document = _open(path, pdfium)
    warnings: list[str] = []
    try:
        total = len(document)
        count = min(total, options.max_pages)
        if count < total:
            warnings.append(f"only the first {count} of {total} pages read (page limit)")
        page_lines: list[list[PdfLine]] = []
        ocr_pages: list[int] = []
        for index in range(count):
            number = index + 1
            try:
                page = document[index]
                try:
                    lines, reason = _text_layer(page)
                    if options.ocr == "always":
                        reason = reason or "OCR requested for every page"
                    if reason is not None:
                        lines = _ocr_page(path, page, number, reason, options)
                        ocr_pages.append(number)
                finally:
                    page.close()
            except pdfium.PdfiumError as exc:
                reason = f"corrupt PDF: page {number} cannot be read ({_pdfium_reason(exc)})"
                raise ReadError(path, reason) from None
            page_lines.append(lines)
    finally:
        document.close()
    if ocr_pages:
        warnings.append(f"{describe_pages(ocr_pages)} read by OCR")
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
            raise ReadError(path, "encrypted PDF (password required)") from None
        if code == pdfium.raw.FPDF_ERR_SECURITY:
            raise ReadError(path, "encrypted PDF (unsupported security handler)") from None
        raise ReadError(path, f"corrupt PDF: {_pdfium_reason(exc)}") from None
    # When the last incremental update of a file was cut off, pdfium silently serves the previous
    # revision; a cut-off download must not pass as an older or shorter charter.
    if _is_cut_off(path):
        document.close()
        raise ReadError(path, "corrupt PDF: truncated (the file does not end with %%EOF)")
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


def _text_layer(page) -> tuple[list[PdfLine], str | None]:
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


def _read_lines(textpage, page, raw) -> tuple[list[PdfLine], int, int]:
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
    lines: list[PdfLine] = []
    chars: list[str] = []
    line_top, line_bottom = math.inf, -math.inf
    unmapped = glyphs = 0

    def finish_line():
        line = _drop_cjk_spaces(chars).strip()
        if line:
            lines.append(PdfLine(line, line_top, line_bottom))

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


def _drop_cjk_spaces(chars: list[str]) -> str:
    """Join characters, dropping spaces that sit between two CJK characters (layout artefacts)."""
    out: list[str] = []
    pending_space = False
    for ch in chars:
        if ch == " ":
            pending_space = True
            continue
        if pending_space and out and not (is_cjk(out[-1]) and is_cjk(ch)):
            out.append(" ")
        pending_space = False
        out.append(ch)
    return "".join(out)


def _image_cover(page, raw) -> float:
    """Share of the page area covered by images (capped at 1)."""
    width, height = page.get_size()
    area = width * height or 1.0
    covered = 0.0
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = obj.get_bounds()
        covered += max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
    return min(covered / area, 1.0)


def _ocr_page(path: Path, page, number: int, reason: str, options: ExtractOptions) -> list[PdfLine]:
    from .ocr import INSTALL_HINT, ocr_available, ocr_image

    if options.ocr == "never":
        raise ReadError(path, f"page {number} needs OCR ({reason}) but OCR is disabled (--ocr never)")
    if not ocr_available():
        raise MissingDependency(
            path, f"page {number} needs OCR ({reason}) but OCR is not installed: {INSTALL_HINT}"
        )
    bitmap = page.render(scale=options.ocr_dpi / 72)
    try:
        image = bitmap.to_pil()
    finally:
        bitmap.close()
    return [PdfLine(line.text, line.top, line.bottom) for line in ocr_image(image)]


def is_page_number(text: str) -> bool:
    """True for page-number lines: ``3``, ``- 3 -``, ``第3页``, ``第 3 页 共 10 页``, ``3/10``."""
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    return bool(compact) and _PAGE_NUMBER.fullmatch(compact) is not None


def _running_key(text: str) -> str:
    """A line's identity across pages: width-folded, spaces dropped, digits masked."""
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    return _DIGITS.sub("#", compact)


def strip_running_lines(pages: list[list[PdfLine]]) -> list[list[PdfLine]]:
    """Drop page numbers and running headers/footers from the top and bottom lines of each page.

    A header or footer is a top/bottom line whose digit-masked text recurs at the top/bottom of
    several pages; page numbers are recognized by their shape alone.
    """
    edges: list[set[int]] = []
    recurrence: dict[str, set[int]] = {}
    for page_index, lines in enumerate(pages):
        by_position = sorted(range(len(lines)), key=lambda i: (lines[i].top, lines[i].bottom))
        edge = set(by_position[:_EDGE_LINES]) | set(by_position[-_EDGE_LINES:])
        edges.append(edge)
        for i in edge:
            recurrence.setdefault(_running_key(lines[i].text), set()).add(page_index)
    needed = max(2, math.ceil(_RUNNING_SHARE * len(pages)))
    running = {key for key, seen_on in recurrence.items() if len(seen_on) >= needed}
    return [
        [
            line
            for i, line in enumerate(lines)
            if i not in edge or not (is_page_number(line.text) or _running_key(line.text) in running)
        ]
        for lines, edge in zip(pages, edges)
    ]


def describe_pages(numbers: list[int]) -> str:
    """``[2, 3, 5]`` -> ``pages 2-3, 5``; ``[4]`` -> ``page 4``."""
    ranges: list[str] = []
    start = prev = numbers[0]
    for n in numbers[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        ranges.append(f"{start}-{prev}" if prev != start else f"{start}")
        if n is not None:
            start = prev = n
    label = "page" if len(numbers) == 1 else "pages"
    return f"{label} {', '.join(ranges)}"
