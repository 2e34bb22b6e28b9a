"""A charter's text as its parts (title, chapters, articles) and as a new Word file of them.

A charter that arrives as a PDF, a scan, an old .doc or a web page is rebuilt as a .docx of its own
text (chapters as headings, articles as paragraphs, in the 公文 layout), so that an amendment can be
written into it as tracked changes; ``compare`` aligns two versions by these articles.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..legal import article_number, division_heading, is_page_number
from ..models import Document
from ..rules.structure import Layout, Segment
from .gongwen import Gongwen

__all__ = ["CharterPart", "charter_outline", "charter_docx"]


@dataclass(frozen=True)
class CharterPart:
    """One paragraph of a charter: its title, a chapter heading, an article, or other text."""

    kind: str  # "title", "chapter", "article" or "text"
    text: str
    label: str | None = None  # the article's 第X条
    chapter: str | None = None  # the chapter an article is in (第一章 总则)

    @property
    def number(self) -> int | None:
        return article_number(self.label)

    @property
    def body(self) -> str:
        """An article's words without its label."""
        if self.kind != "article" or not self.label:
            return self.text
        text = self.text
        at = text.find("条")
        return text[at + 1:].lstrip(" 　\t") if text.startswith("第") and at >= 0 else text


def _joined(original: str, offsets: list[int]) -> str:
    """The original characters behind a stretch of the matching text, as one line: line breaks a
    PDF or scan put inside a sentence go, page furniture the layout masked goes with them."""
    out: list[str] = []
    previous = None
    for offset in offsets:
        if previous is not None and offset > previous + 1:
            gap = original[previous + 1:offset]
            if gap and not gap.strip() and "\n" not in gap:
                out.append(gap)
            elif not gap.strip() and out and out[-1].isascii() and out[-1].isalnum() \
                    and original[offset].isascii() and original[offset].isalnum():
                out.append(" ")
        out.append(original[offset])
        previous = offset
    return "".join(out).strip()


def _segment_text(layout: Layout, segment: Segment) -> str:
    offsets = sorted(set(layout.norm.offsets[segment.start:segment.end]))
    return _joined(layout.doc.text, [o for o in offsets if o < len(layout.doc.text)])


def _lines(doc: Document, layout: Layout, start: int, end: int) -> list[str]:
    if end <= start:
        return []
    a, b = layout.norm.span(start, end)
    lines = [ln.strip() for ln in doc.text[a:b].split("\n")]
    return [ln for ln in lines if ln and not is_page_number(ln)]


def _heading_or_text(line: str) -> CharterPart:
    division = division_heading(line)
    return CharterPart("chapter" if division is not None else "text", line)


def charter_outline(doc: Document) -> list[CharterPart]:
    """The parts of the charter ``doc`` in order: the lines before the first article (the first of
    them the title), then the chapter headings and articles; a text without articles as its lines."""
    layout = Layout(doc)
    parts: list[CharterPart] = []
    previous_end = 0
    for segment in layout.segments:
        if segment.kind in ("preamble", "text"):
            for i, line in enumerate(_lines(doc, layout, segment.start, segment.end)):
                title = i == 0 and segment.kind == "preamble" and len(line) <= 40 and division_heading(line) is None
                parts.append(CharterPart("title", line) if title else _heading_or_text(line))
            previous_end = segment.end
            continue
        # Between two articles: the chapter headings (as written) the layout put no article in.
        parts += [_heading_or_text(line) for line in _lines(doc, layout, previous_end, segment.start)]
        chapter = segment.chapter.display if segment.chapter else None
        parts.append(CharterPart("article", _segment_text(layout, segment), segment.label, chapter))
        previous_end = segment.end
    return parts


def charter_docx(parts: list[CharterPart], *, template: bytes | None = None) -> bytes:
    """The charter as a .docx in the 公文 layout: the title in 小标宋, chapters in 黑体, articles
    and other text in 仿宋, one paragraph each."""
    page = Gongwen(template)
    page.word.core_properties.language = "zh-CN"
    styles = {"title": "title", "chapter": "chapter", "article": "body", "text": "body"}
    for part in parts:
        page.paragraph(styles[part.kind], part.text)
    if parts and parts[0].kind == "title":
        page.word.core_properties.title = parts[0].text
    return page.save()
