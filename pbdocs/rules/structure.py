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
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..models import Document
from ..normalize import Normalized, normalize

__all__ = ["Chapter", "Segment", "Evidence", "Layout", "cn_number"]

# Scans read 一 as a dash (第—章) and 章 as 竟 or 童: headings must survive that.
_NUM = r"[一二三四五六七八九十百零〇两—ー\d]+"
_CHAPTER_WORD = "[章竟童]"
# A wrapped line can begin with a cross-reference (第十条的规定..., 第三章规定的...): the words
# that follow one are excluded, and a chapter title holds no sentence punctuation.
_REFERENCE_FOLLOWER = "的规之款项所中、和或至及第"
_ARTICLE_MARK = rf"第\s*({_NUM})\s*[条條](?!\s*[{_REFERENCE_FOLLOWER}])"
# A heading may share its line with the chapter's first article (第一章 总则 第一条 本会的名称是...).
_CHAPTER_LINE = re.compile(
    rf"^\s*第\s*({_NUM})\s*{_CHAPTER_WORD}(?!\s*[{_REFERENCE_FOLLOWER}])\s*([^。，；,;：:…·．]{{0,30}}?)\s*(?:$|(?={_ARTICLE_MARK}))")
_ARTICLE_LINE = re.compile(rf"^\s*{_ARTICLE_MARK}")
_ARTICLE_AT = re.compile(rf"\s*{_ARTICLE_MARK}")
# Article numbers move forward by a few (renumbering leaves gaps) or restart at 1; a longer jump
# is believed only on a line that does not continue the previous line's sentence.
_MAX_ARTICLE_STEP = 5
_LINE_ENDS_SENTENCE = re.compile(r"[。；;：:！!？?”」』）)]\s*$")
# Small charters number articles 一、 or 1. instead of 第X条; used only when no 第X条 exists.
# A short 一、 line without sentence punctuation (一、总则) is then a chapter heading.
_LIST_ARTICLE = re.compile(r"^\s*(?:(\d{1,3})\s*[.．、](?![\d０-９])|([一二三四五六七八九十百]+)\s*、)")
_LIST_HEADING = re.compile(r"^\s*([一二三四五六七八九十百]+)\s*、\s*([^。，；,;：:]{1,20}?)\s*$")
# Text without line structure (one long line): an article starts after sentence punctuation or
# right after its chapter's heading, a titled 第X章 directly followed by 第Y条.
_CHAPTER_INLINE = re.compile(
    rf"第({_NUM}){_CHAPTER_WORD}(?![{_REFERENCE_FOLLOWER}])([^。;:,!?第]{{1,20}}?)(?=第{_NUM}条)")
_ARTICLE_INLINE = re.compile(rf"(?:^|(?<=[。;:!?]))第({_NUM})条(?![{_REFERENCE_FOLLOWER}])")
_ARTICLE_HERE = re.compile(rf"第({_NUM})条")
# Leaders and a page number ending a table-of-contents entry, however the line was wrapped.
_ENTRY_TAIL = re.compile(r"[\s.…·．_—-]*\d*\s*$")
_TOC_LEADER = re.compile(r"(?:\.{3,}|…+|·{3,}|．{3,}|-{4,}|_{4,}|—{2,})\s*\d+\s*$")
_TOC_TITLE = re.compile(r"^\s*目\s*[录錄]\s*$")
_PAGE_MARK = re.compile(
    r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+|page\s*\d+)\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = frozenset("。;!?")
_CLAUSE_END = frozenset(",。;:!?")

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2, "—": 1, "ー": 1}


def cn_number(text: str) -> int | None:
    """第X章/第X条 numbers: Arabic digits or Chinese numerals up to the hundreds."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


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
        return self.number == 1 or "总则" in self.title

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


# (normalized start, "chapter" or "article", Chapter or (label, normalized body start))
_Mark = tuple[int, str, Any]


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


class Layout:
    """Chapters, articles and sentences of ``doc``, over the text the matchers see."""

    def __init__(self, doc: Document):
        self.doc = doc
        lines = _lines(doc.text)
        masked = self._masked_lines(doc, lines)
        self.norm: Normalized = _without(doc.normalized, masked) if masked else doc.normalized
        self.masked_lines = len(masked)
        self.text: str = self.norm.text
        self.chapters: list[Chapter] = []
        self.segments: list[Segment] = self._segments([ln for ln in lines if ln not in masked])
        self._segment_starts = [s.start for s in self.segments]

    # -- masking --------------------------------------------------------------------------------

    @staticmethod
    def _masked_lines(doc: Document, lines: list[_Line]) -> set[_Line]:
        masked: set[_Line] = set()
        headings = [i for i, ln in enumerate(lines) if _heading_only(ln.text)]
        nonblank = [i for i, ln in enumerate(lines) if ln.text.strip()]
        next_nonblank = {a: b for a, b in zip(nonblank, nonblank[1:])}
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
        return masked

    @staticmethod
    def _running_lines(doc: Document, lines: list[_Line]) -> set[_Line]:
        """Page numbers and headers/footers repeated at page edges."""
        line_starts = [ln.start for ln in lines]
        starts = [bisect.bisect_left(line_starts, s) for s in doc.page_starts]
        bounds = list(zip(starts, starts[1:] + [len(lines)]))
        edges: list[tuple[int, _Line]] = []
        for page_index, (a, b) in enumerate(bounds):
            content = [ln for ln in lines[a:b] if ln.text.strip()]
            for line in content[:2] + content[-2:]:
                edges.append((page_index, line))
        key_of = {line: _edge_key(line.text) for _, line in edges}
        pages_of: dict[str, set[int]] = {}
        for page_index, line in edges:
            pages_of.setdefault(key_of[line], set()).add(page_index)
        title = next((ln for ln in lines if ln.text.strip()), None)
        masked = set()
        for page_index, line in edges:
            if _CHAPTER_LINE.match(line.text) or _ARTICLE_LINE.match(line.text):
                continue
            key = key_of[line]
            repeated = len(pages_of[key]) >= 2 and len(key) <= 40
            if _PAGE_MARK.match(line.text) or (repeated and line != title):
                masked.add(line)
        return masked

    # -- structure ------------------------------------------------------------------------------

    def to_norm(self, original_offset: int) -> int:
        return bisect.bisect_left(self.norm.offsets, original_offset, 0, len(self.text))

    def _segments(self, lines: list[_Line]) -> list[Segment]:
        marks = self._line_marks(lines)
        if not any(kind == "article" for _, kind, _ in marks):
            marks = self._list_marks(lines, marks)
        elif not any(kind == "chapter" for _, kind, _ in marks):
            marks = sorted(marks + self._list_headings(lines), key=lambda mark: mark[0])
        if not any(kind == "article" for _, kind, _ in marks):
            marks = sorted(marks + self._inline_marks(), key=lambda mark: mark[0])
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
        for (start, kind, payload), end in zip(marks, bounds[1:]):
            if kind == "chapter":
                chapter = payload
                self.chapters.append(payload)
                continue
            label, body_start = payload
            segments.append(Segment("article", label, chapter, start, end, min(body_start, end)))
        return segments

    def _line_marks(self, lines: list[_Line]) -> list[_Mark]:
        """Chapters and articles that begin lines (第一章 总则 / 第一条 ...)."""
        marks: list[_Mark] = []
        previous: int | None = None
        fresh = True  # the previous line ended its sentence or paragraph: this one starts anew
        for line in lines:
            if not line.text.strip():
                fresh = True
                continue
            article_from = 0
            heading = _CHAPTER_LINE.match(line.text)
            if heading:
                marks.append((self.to_norm(line.start), "chapter", _chapter(heading.group(1), heading.group(2))))
                article_from, fresh = heading.end(), True
            m = _ARTICLE_AT.match(line.text, article_from)
            if m:
                number = cn_number(_numeral(m.group(1)))
                if _plausible_next(previous, number, fresh):
                    previous = number
                    start = self.to_norm(line.start + (m.start() if heading else 0))
                    marks.append((start, "article", (f"第{_numeral(m.group(1))}条",
                                                     self.to_norm(line.start + m.end()))))
            fresh = bool(_LINE_ENDS_SENTENCE.search(line.text)) or (heading is not None and not m)
        return marks

    def _list_marks(self, lines: list[_Line], chapter_marks: list[_Mark]) -> list[_Mark]:
        """Articles numbered 一、 or 1. (small charters), with 一、总则 style headings if no 第X章."""
        marks = list(chapter_marks)
        previous: int | None = None
        for line in lines:
            heading = None if chapter_marks else _LIST_HEADING.match(line.text)
            if heading:
                title = normalize(heading.group(2)).text
                marks.append((self.to_norm(line.start), "chapter",
                              Chapter(cn_number(heading.group(1)), f"{heading.group(1)}、", title)))
                continue
            m = _LIST_ARTICLE.match(line.text)
            if m:
                number = cn_number(_numeral(m.group(1) or m.group(2)))
                if _plausible_next(previous, number, True):
                    previous = number
                    label = normalize(m.group()).text
                    marks.append((self.to_norm(line.start), "article", (label, self.to_norm(line.start + m.end()))))
        if not any(kind == "article" for _, kind, _ in marks):
            return chapter_marks
        return sorted(marks, key=lambda mark: mark[0])

    def _list_headings(self, lines: list[_Line]) -> list[_Mark]:
        """一、总则 style chapter headings over 第X条 articles: numbered 一, 二, 三 in turn and each
        directly followed by an article (short list items inside an article are not chapters)."""
        marks: list[_Mark] = []
        expected = 1
        content = [ln for ln in lines if ln.text.strip()]
        for line, following in zip(content, content[1:]):
            heading = _LIST_HEADING.match(line.text)
            if heading and cn_number(heading.group(1)) == expected and _ARTICLE_LINE.match(following.text):
                title = normalize(heading.group(2)).text
                marks.append((self.to_norm(line.start), "chapter", Chapter(expected, f"{heading.group(1)}、", title)))
                expected += 1
        return marks

    def _inline_marks(self) -> list[_Mark]:
        """Chapters and articles in text without line structure, after sentence punctuation."""
        marks: list[_Mark] = []
        for m in _CHAPTER_INLINE.finditer(self.text):
            marks.append((m.start(), "chapter", _chapter(m.group(1), m.group(2))))
        heads = {m.end() for m in _CHAPTER_INLINE.finditer(self.text)}
        candidates = sorted([(m.start(), m) for m in _ARTICLE_INLINE.finditer(self.text)]
                            + [(pos, _ARTICLE_HERE.match(self.text, pos)) for pos in heads])
        previous: int | None = None
        for start, m in candidates:
            if m is None:
                continue
            number = cn_number(_numeral(m.group(1)))
            if _plausible_next(previous, number, True):
                previous = number
                marks.append((start, "article", (f"第{_numeral(m.group(1))}条", m.end())))
        return marks

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
    def general_chapter(self) -> Chapter | None:
        return next((c for c in self.chapters if c.is_general), None)

    def articles_in(self, chapter: Chapter | None) -> list[Segment]:
        return [s for s in self.segments if s.kind == "article" and s.chapter == chapter]


def _without(norm: Normalized, lines: set[_Line]) -> Normalized:
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


def _plausible_next(previous: int | None, number: int | None, fresh_line: bool) -> bool:
    if number is None:
        return False
    if previous is None or number == 1 or previous < number <= previous + _MAX_ARTICLE_STEP:
        return True
    return fresh_line and number > previous


def _contents_block(lines: list[_Line]) -> set[_Line]:
    """The entries of a table of contents: the lines after 目录 up to where its first entry repeats.

    Entries may carry neither leaders nor page numbers (第四条 坚持党的全面领导), so the body is
    recognized by its first heading coming round again; a sentence before that means this was
    not a list of headings, and nothing is cut.
    """
    block: list[_Line] = []
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
    return re.sub(_CHAPTER_WORD, "章", normalize(_ENTRY_TAIL.sub("", line)).text)


def _heading_only(line: str) -> bool:
    """A chapter heading alone on its line (not sharing it with the first article)."""
    m = _CHAPTER_LINE.match(line)
    return m is not None and m.end() == len(line)


def _chapter(numeral: str, title: str | None) -> Chapter:
    return Chapter(cn_number(_numeral(numeral)), f"第{_numeral(numeral)}章", normalize(title or "").text)


def _numeral(text: str) -> str:
    """A 第X条/第X章 number as it should be cited: full-width digits folded (第４条 -> 第4条), a
    scanned dash read back as 一 (第—条 -> 第一条)."""
    return unicodedata.normalize("NFKC", text).replace("—", "一").replace("ー", "一")


def _edge_key(line: str) -> str:
    return re.sub(r"\d+", "#", normalize(line).text)
