"""The layout of a charter: chapters (第X章), articles (第X条), preamble, pages, sentences.

Matching runs on normalized text (``pbdocs.normalize``); the layout says which article and
chapter each normalized position belongs to, and turns a match into evidence quoted from the
original ``doc.text``. Table-of-contents lines and running page headers/footers are cut out of the
normalized text, so they neither count as a clause nor split one across a page break.

Articles are 第X条 lines (Chinese, Arabic or full-width numbers, a heading possibly on the same
line); small charters numbered 一、 or 1. are read when no 第X条 exists, and text without line
structure is split after sentence punctuation.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from ..extract.boilerplate import duplicate_lines
from ..legal import (
    CHAPTER_WORD,
    Heading,
    TextLine,
    article_heading,
    article_number,
    break_furniture,
    copied_furniture,
    division_heading,
    inline_headings,
    is_general_chapter,
    is_page_number,
    line_headings,
    list_chapter_headings,
    numbered_list_headings,
    running_key,
    running_lines,
    text_lines,
)
from ..models import Document, Line
from ..normalize import Normalized, normalize

__all__ = ["Chapter", "Segment", "Evidence", "Layout"]

# Leaders and a page number ending a table-of-contents entry, however the line was wrapped.
_ENTRY_TAIL = re.compile(r"[\s.…·．_—-]*\d*\s*$")
_TOC_LEADER = re.compile(r"(?:\.{3,}|…+|·{3,}|．{3,}|-{4,}|_{4,}|—{2,})\s*\d+\s*$")
_TOC_TITLE = re.compile(r"^\s*目\s*[录錄]\s*$")
# A running header longer than this is more likely a repeated sentence than page furniture.
_RUNNING_MAX_CHARS = 40
_SENTENCE_END = frozenset("。;!?")
# A text whose first article is numbered higher than this, with no 总则, starts mid-charter.
_EXCERPT_FIRST_ARTICLE = 3
_CLAUSE_END = frozenset(",。;:!?")


@dataclass(frozen=True)
class Chapter:
    number: int | None
    label: str
    title: str

    @property
    def display(self) -> str:
        return f"{self.label} {self.title}".strip()

    @property
    def is_general(self) -> bool:
        """第一章 总则: where the 2019 notice puts the party clause."""
        return is_general_chapter(self.number, self.title)

    @property
    def is_appendix(self) -> bool:
        return "附则" in self.title


@dataclass(frozen=True)
class Segment:
    """A stretch of normalized text: one article, the preamble, or (unstructured) the whole."""

    kind: str  # "article", "preamble" or "text"
    label: str | None
    chapter: Chapter | None
    start: int
    end: int
    body_start: int


@dataclass(frozen=True)
class Evidence:
    page: int
    article: str | None
    chapter: str | None
    text: str
    start: int
    end: int
    match: str
    match_start: int
    match_end: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "page": self.page, "article": self.article, "chapter": self.chapter, "text": self.text,
            "start": self.start, "end": self.end,
            "match": self.match, "match_start": self.match_start, "match_end": self.match_end,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Evidence:
        """The evidence ``as_dict`` gave; ValueError for anything else."""
        if not isinstance(data, dict):
            raise ValueError("evidence is a JSON object")
        try:
            return cls(page=int(data["page"]), article=data["article"], chapter=data["chapter"],
                       text=str(data["text"]), start=int(data["start"]), end=int(data["end"]),
                       match=str(data["match"]), match_start=int(data["match_start"]),
                       match_end=int(data["match_end"]))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"evidence lacks or mistypes {exc}") from None


# (normalized start, "chapter" or "article", Chapter or (label, normalized body start))
_Mark = tuple[int, str, Any]


class Layout:
    """Chapters, articles and sentences of ``doc``, over the text the matchers see."""

    def __init__(self, doc: Document):
        self.doc = doc
        # What a web page or document site added (metadata blocks, breadcrumbs, anti-copy strings,
        # chunk markers) goes first, so that no heading, title or sentence is read through it.
        copied = copied_furniture(doc.text)
        whole = set(copied)
        lines = [_trimmed(ln, copied) for ln in text_lines(doc.text) if ln not in whole]
        masked = self._masked_lines(doc, lines)
        cuts = masked | whole
        self.norm: Normalized = _without(doc.normalized, cuts) if cuts else doc.normalized
        self.masked_lines = len(masked) + len(copied)
        self.text: str = self.norm.text
        self.chapters: list[Chapter] = []
        self.segments: list[Segment] = self._segments([ln for ln in lines if ln not in masked])
        self._segment_starts = [s.start for s in self.segments]

    # -- masking --------------------------------------------------------------------------------

    @staticmethod
    def _masked_lines(doc: Document, lines: list[TextLine]) -> set[TextLine]:
        masked: set[TextLine] = set()
        headings = [i for i, ln in enumerate(lines) if _heading_only(ln.text)]
        nonblank = [i for i, ln in enumerate(lines) if ln.text.strip()]
        next_nonblank = {a: b for a, b in itertools.pairwise(nonblank)}
        for i, line in enumerate(lines):
            if _TOC_LEADER.search(line.text) or _TOC_TITLE.match(line.text):
                masked.add(line)
            if _TOC_TITLE.match(line.text):
                masked |= _contents_block(lines[i + 1:])
        # A chapter heading directly followed by another heading is a table-of-contents entry.
        for i in headings:
            j = next_nonblank.get(i)
            if j is not None and _heading_only(lines[j].text):
                masked.add(lines[i])
        if len(doc.pages) > 1:
            masked |= Layout._running_lines(doc, lines)
        texts = [ln.text for ln in lines]
        masked |= {lines[i] for i in break_furniture(texts, _title_index(texts))}
        masked |= {lines[i] for i in duplicate_lines(texts)}
        return masked

    @staticmethod
    def _running_lines(doc: Document, lines: list[TextLine]) -> set[TextLine]:
        """Page numbers and headers/footers repeated at page edges.

        Text reaching the checker has no line positions (DOCX, saved text) or was already cleaned
        by position (PDF), so a short line at the edges of any two pages is furniture here; the
        title and headings never are.
        """
        line_starts = [ln.start for ln in lines]
        starts = [bisect.bisect_left(line_starts, s) for s in doc.page_starts]
        bounds = zip(starts, [*starts[1:], len(lines)], strict=True)
        pages = [[ln for ln in lines[a:b] if ln.text.strip()] for a, b in bounds]
        positioned = [[Line(ln.text, i, i) for i, ln in enumerate(page)] for page in pages]
        title = next((ln for ln in lines if ln.text.strip()), None)
        masked = set()
        for page, furniture in zip(pages, running_lines(positioned, min_share=0), strict=False):
            for line in (page[i] for i in furniture):
                if division_heading(line.text) or article_heading(line.text):
                    continue
                short = len(running_key(line.text)) <= _RUNNING_MAX_CHARS
                if is_page_number(line.text) or (short and line != title):
                    masked.add(line)
        return masked

    # -- structure ------------------------------------------------------------------------------

    def to_norm(self, original_offset: int) -> int:
        return bisect.bisect_left(self.norm.offsets, original_offset, 0, len(self.text))

    def _segments(self, lines: list[TextLine]) -> list[Segment]:
        spans = [(ln.start, ln.text) for ln in lines]
        marks = self._marks(_whole_titles(line_headings(spans), spans))
        # The sentences' 第X条 (text without line structure), read once for both uses below.
        inline = self._marks(inline_headings(self.text), normalized=True)
        if not _articles(marks):
            listed = self._marks(numbered_list_headings(spans, with_chapters=not marks))
            # A site's list of links (1、关于……) beside a charter pasted as one paragraph: the
            # 第X条 articles inside the paragraph outnumber the list, and are the charter's.
            if _articles(inline) > _articles(listed) or _articles(listed) < 2 <= _articles(inline):
                listed = inline
            marks = sorted(marks + listed, key=lambda mark: mark[0])
        elif not any(kind == "chapter" for _, kind, _ in marks):
            marks = sorted(marks + self._marks(list_chapter_headings(spans)), key=lambda mark: mark[0])
        # Copied web text keeps a chapter's articles in one paragraph (第一章 总则 第一条……。第二条……):
        # the lines then show only each paragraph's first article, the sentences show them all.
        if _articles(inline) > _articles(marks):
            marks = sorted(inline, key=lambda mark: mark[0])
        if not any(kind == "article" for _, kind, _ in marks):
            return [Segment("text", None, None, 0, len(self.text), 0)]
        segments: list[Segment] = []
        chapter: Chapter | None = None
        # Everything before the first article is the preamble, chapter headings of a table of
        # contents included: a 序言 after them is still a preamble.
        first = next(start for start, kind, _ in marks if kind == "article")
        if first > 0:
            segments.append(Segment("preamble", None, None, 0, first, 0))
        bounds = [m[0] for m in marks] + [len(self.text)]
        for (start, kind, payload), end in zip(marks, bounds[1:], strict=False):
            if kind == "chapter":
                chapter = payload
                self.chapters.append(payload)
                continue
            label, body_start = payload
            segments.append(Segment("article", label, chapter, start, end, min(body_start, end)))
        return segments

    def _marks(self, headings: list[Heading], normalized: bool = False) -> list[_Mark]:
        """Headings found at original offsets (or, ``normalized``, in the matching text) as marks."""
        at = (lambda offset: offset) if normalized else self.to_norm
        return [
            (at(h.start), "chapter", Chapter(h.number, h.label, normalize(h.title).text)) if h.kind == "chapter"
            else (at(h.start), "article", (h.label, at(h.end)))
            for h in headings
        ]

    def segment_at(self, pos: int) -> Segment | None:
        i = bisect.bisect_right(self._segment_starts, pos) - 1
        if i < 0:
            return None
        seg = self.segments[i]
        return seg if seg.start <= pos < seg.end else None

    # -- sentences and evidence -----------------------------------------------------------------

    def _bounds(self, start: int, end: int, stops: frozenset[str]) -> tuple[int, int]:
        seg = self.segment_at(start)
        lo, hi = (seg.body_start, seg.end) if seg else (0, len(self.text))
        lo = min(lo, start)
        s = start
        while s > lo and not self._is_stop(s - 1, stops):
            s -= 1
        e = max(end, s)
        while e < hi and not self._is_stop(e, stops):
            e += 1
        return s, min(e + 1, hi) if e < hi else hi

    def _is_stop(self, i: int, stops: frozenset[str]) -> bool:
        ch = self.text[i]
        if ch in stops:
            return True
        # A half-width full stop ends a Chinese sentence, not a number like 3.5.
        return ch == "." and i > 0 and not self.text[i - 1].isascii()

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        return self._bounds(start, end, _SENTENCE_END)

    def clause(self, start: int, end: int) -> tuple[int, int]:
        return self._bounds(start, end, _CLAUSE_END)

    def _original(self, start: int, end: int) -> tuple[int, int, str]:
        a, b = self.norm.span(start, end)
        raw = self.doc.text[a:b]
        lead = len(raw) - len(raw.lstrip())
        trail = len(raw) - len(raw.rstrip())
        return a + lead, b - trail, raw.strip()

    def evidence(self, start: int, end: int) -> Evidence:
        s, e = self.sentence(start, end)
        sent_a, sent_b, sentence = self._original(s, e)
        match_a, match_b, match = self._original(start, end)
        seg = self.segment_at(start)
        return Evidence(
            page=self.doc.page_at(match_a),
            article=seg.label if seg else None,
            chapter=seg.chapter.display if seg and seg.chapter else None,
            text=sentence,
            start=sent_a,
            end=sent_b,
            match=match,
            match_start=match_a,
            match_end=match_b,
        )

    @cached_property
    def first_article(self) -> Segment | None:
        return next((s for s in self.segments if s.kind == "article"), None)

    @cached_property
    def starts_mid_charter(self) -> bool:
        """An excerpt: no 总则 and the first article numbered past the first few (第四十五条…)."""
        first = self.first_article
        number = article_number(first.label) if first else None
        return self.general_chapter is None and number is not None and number > _EXCERPT_FIRST_ARTICLE

    @cached_property
    def general_chapter(self) -> Chapter | None:
        return next((c for c in self.chapters if c.is_general), None)

    def articles_in(self, chapter: Chapter | None) -> list[Segment]:
        return [s for s in self.segments if s.kind == "article" and s.chapter == chapter]


def _without(norm: Normalized, lines: set[TextLine]) -> Normalized:
    """``norm`` minus the characters that came from ``lines``; offsets still point into the original."""
    text, offsets = norm.text, norm.offsets
    keep_text: list[str] = []
    keep_offsets: list[int] = []
    pos = 0
    for line in sorted(lines, key=lambda ln: ln.start):
        cut_start = bisect.bisect_left(offsets, line.start, 0, len(text))
        cut_end = bisect.bisect_left(offsets, line.end, 0, len(text))
        if cut_start < pos:
            cut_start = pos
        keep_text.append(text[pos:cut_start])
        keep_offsets.extend(offsets[pos:cut_start])
        pos = max(pos, cut_end)
    keep_text.append(text[pos:])
    keep_offsets.extend(offsets[pos:len(text)])
    keep_offsets.append(offsets[-1])
    return Normalized("".join(keep_text), tuple(keep_offsets), norm.original)


# A chapter title set apart from its number (第一章 / 总 则, or 第一章 总 / 则 in a wide layout)
# continues on the next line: a short line without sentence punctuation.
_TITLE_PART = re.compile(r"^[^。，；,;：:、（()）]{1,12}$")


def _whole_titles(headings: list[Heading], spans: list[tuple[int, str]]) -> list[Heading]:
    """Chapter headings with their title whole when the layout broke it onto the next line."""
    starts = {offset: i for i, (offset, _) in enumerate(spans)}
    out = []
    for heading in headings:
        i = starts.get(heading.start)
        title = normalize(heading.title).text
        if heading.kind == "chapter" and i is not None and len(title) <= 1:
            following = next(((o, t) for o, t in spans[i + 1:] if t.strip()), None)
            if following is not None:
                text = following[1].strip()
                if (_TITLE_PART.match(text) and division_heading(text) is None and article_heading(text) is None
                        and len(normalize(text).text) <= 4):
                    heading = replace(heading, title=f"{heading.title}{text}")
        out.append(heading)
    return out


def _trimmed(line: TextLine, spans: list[TextLine]) -> TextLine:
    """``line`` without the furniture ``spans`` at its start or end (a chunk marker, an anti-copy
    string): what is left is what the document says on that line."""
    start, end = line.start, line.end
    for span in spans:
        if span.end <= line.start or span.start >= line.end:
            continue
        if span.start <= start:
            start = max(start, span.end)
        elif span.end >= end:
            end = min(end, span.start)
    if (start, end) == (line.start, line.end):
        return line
    return TextLine(start, max(start, end), line.text[start - line.start:max(start, end) - line.start])


def _contents_block(lines: list[TextLine]) -> set[TextLine]:
    """The entries of a table of contents: the lines after 目录 up to where its first entry repeats.

    Entries may carry neither leaders nor page numbers (第四条 坚持党的全面领导), so the body is
    recognized by its first heading coming round again; a sentence before that means this was
    not a list of headings, and nothing is cut.
    """
    block: list[TextLine] = []
    first: str | None = None
    for line in lines:
        key = _entry_key(line.text)
        if not key:
            continue
        if first is None:
            first = key
        elif key == first:
            return set(block)
        if len(key) > 40 or any(ch in _SENTENCE_END for ch in key):
            return set()
        block.append(line)
    return set()


def _entry_key(line: str) -> str:
    """A table-of-contents entry or heading without leaders, page number and spacing."""
    return re.sub(CHAPTER_WORD, "章", normalize(_ENTRY_TAIL.sub("", line)).text)


def _articles(marks: list[_Mark]) -> int:
    return sum(1 for _, kind, _ in marks if kind == "article")


def _title_index(lines: list[str]) -> int | None:
    """The document's title line: the first of its first lines ending in 章程, else the first."""
    nonblank = [i for i, line in enumerate(lines[:40]) if line.strip()]
    titled = [i for i in nonblank[:12] if re.search(r"章程\s*(?:[(（].*[)）])?\s*$", lines[i])]
    found = titled or nonblank
    return found[0] if found else None


def _heading_only(line: str) -> bool:
    """A chapter heading alone on its line (not sharing it with the first article)."""
    heading = division_heading(line)
    return heading is not None and heading.kind == "chapter" and heading.end == len(line)
