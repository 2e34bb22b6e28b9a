"""Cut documents into passages that fit legal text.

A 第X条 article is one passage, labelled with its article and the 章 (and 节) it sits in; prose
without articles is cut at paragraphs, a short heading joining the paragraph below it; a paragraph
longer than ``max_chars`` (the seeds have 800-character ones) is cut at sentence ends into windows
that overlap by one sentence, so an answer straddling a cut is still whole in one window. Every
passage keeps its offsets into ``Document.text``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..legal import article_heading, division_heading, is_promulgation_note, text_lines

__all__ = ["Passage", "split_passages", "split_sentences", "CUTTING_RULES"]

# Which rules cut documents into passages; raised whenever the cut changes (a copied page's menus no
# longer a passage: 2; a spaced-out chapter title cited without its spaces, 第一章 总则: 3), so that an
# index cut by other rules is rebuilt, not searched.
CUTTING_RULES = 3

_SENTENCE_END = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)]*|\n|$)")
_MARKUP = re.compile(r"^\s*(?:<!--.*-->\s*|#\s*(?:source|origin|title|note|issuer|date|doc_number)\s*:.*)$",
                     re.IGNORECASE)
_HEADING_MAX = 40


@dataclass(frozen=True)
class Passage:
    """A retrievable unit: ``text`` is ``document.text[start:end]``."""

    doc_id: str
    title: str
    chapter: str | None
    article: str | None
    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "chapter": self.chapter,
            "article": self.article,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


def split_sentences(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (offsets shifted by ``start``), whitespace-trimmed, non-empty."""
    spans: list[tuple[int, int]] = []
    for m in _SENTENCE_END.finditer(text):
        a, b = m.start(), m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((start + a, start + b))
    return spans


def _heading_text(line: str) -> str:
    return line.strip().lstrip("#").strip()


def _is_heading(line: str) -> bool:
    s = _heading_text(line)
    return 0 < len(s) <= _HEADING_MAX and not re.search(r"[。；;！!？?，,：:]$", s) and "。" not in s


def split_passages(
    text: str,
    doc_id: str,
    title: str,
    *,
    body_start: int = 0,
    max_chars: int = 360,
    window_chars: int = 240,
) -> list[Passage]:
    """Passages of a document's ``text`` from ``body_start`` (after any header lines)."""
    passages: list[Passage] = []
    for start, end, chap, art in _without_page_chrome(text, _units(text, body_start, title)):
        limit = max_chars * 2 if art else max_chars
        spans = [(start, end)] if end - start <= limit else _windows(text, start, end, window_chars)
        for a, b in spans:
            passages.append(Passage(doc_id, title, chap, art, a, b, text[a:b]))
    return passages


# Above a statute's first article: its promulgation note ((2024年7月26日……通过　……施行)) or a
# preamble in sentences. Anything else there is what a web page printed around the text.
# A sentence, or a clause leading into the articles (……现就……若干问题解释如下：).
_SENTENCE = re.compile(r"[。！？!?，]|[：:]\s*$")


def _without_page_chrome(text: str, units: list[tuple[int, int, str | None, str | None]]
                         ) -> list[tuple[int, int, str | None, str | None]]:
    """``units`` less the lines a statute copied from a web page carries above its first article:
    the site's name and menus (• 网站首页 • 法律常识), its breadcrumb, a posting line (2022-06-06 15:14
    admin) and labels (制定机关:国务院). They hold no sentence or clause and are no promulgation
    note; a search would find them as a passage of the law. A unit above the first article starts
    at its first line that is one or the other, and goes when none is. Documents without articles
    keep every paragraph."""
    first = next((i for i, unit in enumerate(units) if unit[3] is not None), None)
    if first is None:
        return units
    kept = []
    for start, end, chapter, article in units[:first]:
        lines = text_lines(text[:end], start)
        begin = next((line.start for line in lines if _SENTENCE.search(line.text.strip())
                      or is_promulgation_note(line.text)), None)
        if begin is not None:
            kept.append((begin, end, chapter, article))
    return kept + units[first:]


@dataclass
class _Units:
    """Articles and paragraphs as they are read line by line: (start, end, chapter, article)."""

    units: list[tuple[int, int, str | None, str | None]] = field(default_factory=list)
    chapter: str | None = None
    section: str | None = None
    article_start: int | None = None
    article_label: str | None = None
    article_end: int = 0
    pending_heading: int | None = None  # start of a short heading waiting for its paragraph
    paragraph: list[tuple[int, int]] = field(default_factory=list)

    def chapter_label(self) -> str | None:
        return " ".join(x for x in (self.chapter, self.section) if x) or None

    def flush_paragraph(self) -> None:
        if self.paragraph:
            start = self.pending_heading if self.pending_heading is not None else self.paragraph[0][0]
            self.units.append((start, self.paragraph[-1][1], self.chapter_label(), None))
            self.pending_heading = None
        self.paragraph = []

    def flush_article(self) -> None:
        if self.article_start is not None:
            self.units.append((self.article_start, self.article_end, self.chapter_label(), self.article_label))
        self.article_start, self.article_label = None, None

    def flush(self) -> None:
        self.flush_article()
        self.flush_paragraph()
        self.pending_heading = None


def _units(text: str, body_start: int, title: str = "") -> list[tuple[int, int, str | None, str | None]]:
    """A unit per article; outside articles, a unit per paragraph with the heading above it.

    The document's own title above its first paragraph (# 中华人民共和国慈善法, or a title set on
    two lines) is not a heading of that paragraph: every passage carries the title already.
    """
    state = _Units()
    compact_title = re.sub(r"\s+", "", title)
    title_seen = False
    for text_line in text_lines(text, body_start):
        start, end, line = text_line.start, text_line.end, text_line.text
        stripped = _heading_text(line)
        if not stripped or _MARKUP.match(line):
            if state.article_start is None:
                state.flush_paragraph()
            continue
        article_from = 0
        if division := division_heading(stripped, punctuated_title=True):
            state.flush()
            if division.kind == "section":
                state.section = division.display
            else:
                state.chapter, state.section = division.display, None
            if division.end == len(stripped):
                continue
            article_from = division.end
        if article := article_heading(stripped, article_from):
            state.flush()
            lead = line.find(stripped) + article.start if article_from else len(line) - len(line.lstrip())
            state.article_start, state.article_label, state.article_end = start + lead, article.label, end
            continue
        if state.article_start is not None:
            if _is_heading(line) and not re.match(r"^[（(]", stripped):
                # A heading after articles (附则, 附件 names) ends the article.
                state.flush_article()
                state.pending_heading = start
                continue
            state.article_end = end
            continue
        if _is_heading(line):
            state.flush_paragraph()
            if not state.units and state.pending_heading is None and _names_title(stripped, compact_title, title_seen):
                title_seen = True
                continue
            if state.pending_heading is None:
                state.pending_heading = start
            continue
        state.paragraph.append((start, end))
        state.flush_paragraph()
    state.flush_article()
    state.flush_paragraph()
    return state.units


def _names_title(heading: str, compact_title: str, title_seen: bool) -> bool:
    """Whether a heading is the title, or, under it, a piece of the title set on two lines."""
    compact = re.sub(r"\s+", "", heading)
    return len(compact) >= (2 if title_seen else 4) and compact in compact_title


def _windows(text: str, start: int, end: int, window_chars: int) -> list[tuple[int, int]]:
    """Sentence windows of about ``window_chars`` over text[start:end], one sentence of overlap."""
    sentences = split_sentences(text[start:end], start)
    if not sentences:
        return [(start, end)]
    windows: list[tuple[int, int]] = []
    i = 0
    while i < len(sentences):
        j = i
        while j + 1 < len(sentences) and sentences[j + 1][1] - sentences[i][0] <= window_chars:
            j += 1
        # The first window starts at the unit, so a heading joined above the paragraph stays.
        a = start if i == 0 else sentences[i][0]
        windows.append((a, sentences[j][1]))
        if j + 1 >= len(sentences):
            break
        i = j if j > i else j + 1
    return windows
