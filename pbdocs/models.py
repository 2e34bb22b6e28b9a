"""The one data model that flows through pbdocs: a :class:`Document` in, small result records out."""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from typing import Any

from .errors import Notice
from .normalize import Normalized, normalize

__all__ = ["Line", "Page", "Metadata", "Document"]


@dataclass(frozen=True)
class Line:
    """One printed line of a page: its text and vertical extent as fractions of the page height
    (0 = top), as a PDF's text layer or OCR places it. Readers without positions use the line's
    index for both."""

    text: str
    top: float
    bottom: float


@dataclass(frozen=True)
class Page:
    """One page (or, for formats without pages, the whole text as page 1)."""

    number: int
    text: str
    ocr: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "text": self.text, "ocr": self.ocr}


@dataclass
class Metadata:
    """What can be read off a document: title, and for policy notices 发文机关, 文号, 成文日期."""

    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None
    source: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "issuer": self.issuer,
            "doc_number": self.doc_number,
            "date": self.date,
            "source": self.source,
        }


PAGE_SEPARATOR = "\n"


@dataclass
class Document:
    """Extracted text with its pages, metadata and the normalized form used for matching.

    ``text`` is the pages' texts joined by a newline; ``page_starts[i]`` is where page ``i + 1``
    begins in it. Offsets reported anywhere in pbdocs are offsets into ``text``.
    """

    path: str
    format: str
    pages: list[Page]
    metadata: Metadata = field(default_factory=Metadata)
    # What a person should know about how the text was read (decoded as GB18030, pages by OCR).
    warnings: list[Notice] = field(default_factory=list)

    def __post_init__(self):
        starts, pos = [], 0
        for page in self.pages:
            starts.append(pos)
            pos += len(page.text) + len(PAGE_SEPARATOR)
        self.page_starts: list[int] = starts
        self.text: str = PAGE_SEPARATOR.join(p.text for p in self.pages)

    @functools.cached_property
    def normalized(self) -> Normalized:
        return normalize(self.text)

    def page_at(self, offset: int) -> int:
        """Page number holding original offset ``offset``."""
        if not self.pages:
            return 1
        idx = bisect.bisect_right(self.page_starts, offset) - 1
        return self.pages[max(idx, 0)].number

    @property
    def ocr_pages(self) -> list[int]:
        return [p.number for p in self.pages if p.ocr]

    def as_dict(self, *, include_pages: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "format": self.format,
            "metadata": self.metadata.as_dict(),
            "warnings": [w.reason for w in self.warnings],
            "warning_codes": [w.as_dict() for w in self.warnings],
            "ocr_pages": self.ocr_pages,
            "text": self.text,
        }
        if include_pages:
            data["pages"] = [p.as_dict() for p in self.pages]
        return data
