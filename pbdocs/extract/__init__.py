"""Turn any file users bring into a :class:`~pbdocs.models.Document`.

``extract(path)`` sniffs the real format from the bytes (a .pdf that is really a .docx is read as
a .docx, with a warning), applies size limits before reading, and dispatches to one reader per
format. Readers return :class:`Extracted`; metadata is parsed here, once, for every format.
"""
from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import CorruptFile, Notice, OverBudget, ReaderFailure, ReadError, UnsupportedFormat
from ..models import Document, Metadata, Page
from .metadata import parse_metadata

__all__ = ["Budget", "ExtractOptions", "Extracted", "extract", "extract_pages", "pages_label", "sniff_format",
           "SUPPORTED_SUFFIXES"]


@dataclass(frozen=True)
class Budget:
    """What one document may cost, checked before the work wherever the size can be known.

    Files, archive parts and images are measured from their headers; a PDF page's pixels from its
    box times the OCR resolution; text from the file size and then the characters read. Time cannot
    be known in advance: ``seconds`` is the deadline every entry point runs a document under.
    Going over any of these is an :class:`~pbdocs.errors.OverBudget` error naming the limit.
    """

    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    max_inflated_bytes: int = 256 * 1024 * 1024
    # A 108-megapixel phone photo fits; a small file declaring a gigapixel canvas does not.
    max_image_pixels: int = 150_000_000
    # One PDF page rendered for OCR: A1 at 200 dpi is 23 MP, 100 MB of BGRA.
    max_page_pixels: int = 25_000_000
    # All pages rendered for one document: 500 A4 pages at 200 dpi.
    max_document_pixels: int = 2_000_000_000
    # A charter is ~10,000 characters and the Civil Code ~100,000; ten million is no document.
    max_chars: int = 10_000_000
    seconds: float = 600.0

    def __post_init__(self):
        for name, value in asdict(self).items():
            if value <= 0:
                raise ValueError(f"budget {name} must be positive, not {value!r}")


@dataclass(frozen=True)
class ExtractOptions:
    """Everything that tunes extraction, in one place.

    ``ocr``: "auto" reads scanned or broken pages by OCR, "never" refuses them with an error,
    "always" OCRs every page. ``budget`` bounds what one document may cost.
    """

    ocr: str = "auto"
    ocr_dpi: int = 200
    budget: Budget = field(default_factory=Budget)
    strip_boilerplate: bool = True
    min_chars: int = 1

    def __post_init__(self):
        if self.ocr not in ("auto", "never", "always"):
            raise ValueError(f"ocr must be 'auto', 'never' or 'always', not {self.ocr!r}")


@dataclass
class Extracted:
    """What a format reader hands back before metadata parsing."""

    pages: list[Page]
    warnings: list[Notice] = field(default_factory=list)
    title: str | None = None
    header_lines: list[str] = field(default_factory=list)


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp")
# .wps (WPS Office) is read when it is an OLE Word file, and .pages is named so its reader hears
# how to export it: both are decided here, for check, screen and the web alike.
SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".doc", ".wps", ".pages", *IMAGE_SUFFIXES)
# JPEG, PNG, little- and big-endian TIFF.
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"II*\x00", b"MM\x00*")
_BITMAP_MAGIC = b"BM"


def sniff_format(head: bytes, suffix: str) -> str:
    """The format named by the bytes, falling back on the file name for text formats."""
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "docx" if suffix != ".zip" else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    # "BM" also starts ordinary words, so a bitmap is only believed under an image name.
    if head.startswith(_IMAGE_MAGIC) or (head.startswith(_BITMAP_MAGIC) and suffix in IMAGE_SUFFIXES):
        return "image"
    if suffix in (".pdf", ".docx", ".doc", *IMAGE_SUFFIXES):
        # A binary format was promised but the bytes are not it; text sniffing decides below.
        return "mislabeled"
    probe = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix in (".html", ".htm") or probe.startswith((b"<!doctype html", b"<html", b"<?xml")) or (
        b"<body" in probe or b"<head" in probe
    ):
        return "html"
    return "text"


# Format -> (module, function); modules load on first use, so reading a .txt never imports pdfium.
_READERS = {
    "text": ("text", "read_text"),
    "html": ("html", "read_html"),
    "pdf": ("pdf", "read_pdf"),
    "docx": ("docx", "read_docx"),
    "doc": ("docx", "read_doc"),
    "image": ("image", "read_image"),
}


def _reader(fmt: str) -> Callable[[Path, ExtractOptions], Extracted]:
    module_name, function = _READERS[fmt]
    return getattr(importlib.import_module(f".{module_name}", __name__), function)


def extract(path: str | os.PathLike, options: ExtractOptions | None = None) -> Document:
    """Read ``path`` into a Document, or raise :class:`~pbdocs.errors.ReadError` naming the file."""
    options = options or ExtractOptions()
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise ReadError("read.no_such_file", path=p) from None
    except OSError as exc:
        raise ReadError("read.cannot_open", path=p, detail=exc.strerror or exc) from None
    if p.is_dir():
        raise ReadError("read.is_directory", path=p)
    if not stat.S_ISREG(st.st_mode):
        raise ReadError("read.not_regular", path=p)
    if st.st_size == 0:
        raise ReadError("read.empty_file", path=p)
    budget = options.budget
    if st.st_size > budget.max_file_bytes:
        raise OverBudget("read.file_too_large", path=p, size=f"{st.st_size / 1e6:.0f}",
                         limit=f"{budget.max_file_bytes / 1e6:.0f}")
    suffix = p.suffix.lower()
    try:
        with p.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise ReadError("read.cannot_read", path=p, detail=exc.strerror or exc) from None
    fmt = sniff_format(head, suffix)
    if suffix == ".pages":
        raise UnsupportedFormat("read.pages", path=p)
    if suffix == ".wps" and fmt != "doc":
        raise UnsupportedFormat("read.wps_not_word", path=p)
    warnings: list[Notice] = []
    if fmt == "mislabeled":
        raise ReadError("read.mislabeled", path=p, kind=suffix[1:].upper())
    if fmt == "zip":
        raise UnsupportedFormat("read.zip_archive", path=p)
    if suffix not in SUPPORTED_SUFFIXES and fmt == "text" and not _looks_textual(head):
        raise UnsupportedFormat("read.unsupported_type", path=p, suffix=suffix or "(no extension)")
    expected = {".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".html": "html", ".htm": "html",
                **dict.fromkeys(IMAGE_SUFFIXES, "image")}.get(suffix)
    if expected and expected != fmt and not (expected == "html" and fmt == "text"):
        warnings.append(Notice.of("warn.content_differs", suffix=suffix, format=fmt))
    try:
        result = _reader(fmt)(p, options)
    except ReadError as exc:
        if not exc.path:
            exc.path = exc.fields["path"] = str(p)
            exc.args = (f"{exc.path}: {exc.reason}",)
        raise
    except MemoryError:
        raise OverBudget("read.out_of_memory", path=p) from None
    except RecursionError:
        raise CorruptFile("read.nested_too_deeply", path=p) from None
    except Exception as exc:
        raise ReaderFailure("read.reader_failed", path=p, format=fmt, detail=f"{type(exc).__name__}: {exc}") from exc
    pages = _recovered(result.pages, warnings)
    chars = sum(len(pg.text) for pg in pages)
    if chars > budget.max_chars:
        raise OverBudget("read.too_many_chars", path=p, chars=f"{chars:,}", limit=f"{budget.max_chars:,}")
    if sum(len(pg.text.strip()) for pg in pages) < options.min_chars:
        raise ReadError("read.no_text", path=p)
    doc = Document(
        path=str(path),
        format=fmt,
        pages=pages,
        metadata=Metadata(),
        warnings=[*warnings, *result.warnings],
    )
    doc.metadata = parse_metadata(doc.text, title_hint=result.title, header_lines=result.header_lines)
    return doc


def pages_label(paths: list[str]) -> str:
    """How a document read from several files is named: the files in order, joined by ``+``."""
    return "+".join(str(p) for p in paths)


def extract_pages(paths: list[str | os.PathLike], options: ExtractOptions | None = None) -> Document:
    """Read ``paths`` as the pages of one document, in the order given (photos of a charter taken
    page by page). A file with several pages (a PDF, a multi-page TIFF) gives them all, in place.
    Raises :class:`~pbdocs.errors.ReadError` naming the first file that cannot be read."""
    if not paths:
        raise ValueError("extract_pages needs at least one file")
    parts = [extract(path, options) for path in paths]
    pages: list[Page] = []
    warnings: list[Notice] = []
    for part in parts:
        for page in part.pages:
            pages.append(Page(len(pages) + 1, page.text, page.ocr))
        warnings.extend(w.within(part.path) for w in part.warnings)
    doc = Document(path=pages_label([str(p) for p in paths]), format=parts[0].format if len(
        {d.format for d in parts}) == 1 else "mixed", pages=pages, metadata=Metadata(), warnings=warnings)
    doc.metadata = parse_metadata(doc.text)
    return doc


def _recovered(pages: list[Page], warnings: list[Notice]) -> list[Page]:
    """Pages whose text was saved after a wrong decoding (mojibake), decoded back when the right
    codec can be told; pages that stay garbled are left for the checker to refuse."""
    from dataclasses import replace

    from .quality import recover_garbled

    out = []
    for page in pages:
        recovered = None if page.ocr else recover_garbled(page.text)
        if recovered is None:
            out.append(page)
            continue
        text, route = recovered
        out.append(replace(page, text=text))
        right, _, wrong = route.partition(" read as ")
        warnings.append(Notice.of("warn.garbled_recovered", page=page.number, right=right, wrong=wrong))
    return out


def _looks_textual(head: bytes) -> bool:
    # NUL bytes mean binary, except in UTF-16 text, which announces itself with a BOM.
    return b"\x00" not in head[:4096] or head.startswith((b"\xff\xfe", b"\xfe\xff"))
