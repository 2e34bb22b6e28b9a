"""Cut documents into passages that fit legal text.

A 第X条 article is one passage, labelled with its article and the 章 (and 节) it sits in; prose
without articles is cut at paragraphs, a short heading joining the paragraph below it; a paragraph
longer than ``max_chars`` (the seeds have 800-character ones) is cut at sentence ends into windows
that overlap by one sentence, so an answer straddling a cut is still whole in one window. Every
passage keeps its offsets into ``Document.text``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

__all__ = ["Passage", "split_passages", "split_sentences", "article_number", "cn_to_int"]

_NUM = "零〇一二三四五六七八九十百千两0-9０-９"
ARTICLE = re.compile(rf"^\s*(第[{_NUM}]+条(?:之[一二三四五六七八九十]+)?)(?=[\s　：:，,]|$|[^\s])")
CHAPTER = re.compile(rf"^\s*(第[{_NUM}]+[编章])(?:[\s　]*(\S.{{0,30}}))?$")
SECTION = re.compile(rf"^\s*(第[{_NUM}]+节)(?:[\s　]*(\S.{{0,30}}))?$")
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


def cn_to_int(numeral: str) -> int | None:
    """二十三 -> 23, 一百零五 -> 105, 14 -> 14; None when it is not a numeral."""
    numeral = numeral.translate(str.maketrans("０１２３４５６７８９两〇", "0123456789二零"))
    if numeral.isdigit():
        return int(numeral)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    units = {"十": 10, "百": 100, "千": 1000}
    total, current = 0, 0
    for ch in numeral:
        if ch in digits:
            current = digits[ch]
        elif ch in units:
            total += (current or 1) * units[ch]
            current = 0
        else:
            return None
    return total + current


def article_number(label: str | None) -> int | None:
    """The number of a 第X条 label (第十四条 -> 14)."""
    if not label:
        return None
    m = re.match(rf"第([{_NUM}]+)条", label)
    return cn_to_int(m.group(1)) if m else None


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


def _lines(text: str, body_start: int) -> Iterator[tuple[int, int, str]]:
    pos = body_start
    for raw in text[body_start:].split("\n"):
        yield pos, pos + len(raw), raw
        pos += len(raw) + 1


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
    units: list[tuple[int, int, str | None, str | None]] = []  # start, end, chapter, article
    chapter: str | None = None
    section: str | None = None
    article_start: int | None = None
    article_label: str | None = None
    article_end = 0
    pending_heading: int | None = None
    paragraph: list[tuple[int, int]] = []

    def chapter_label() -> str | None:
        return " ".join(x for x in (chapter, section) if x) or None

    def flush_paragraph():
        nonlocal paragraph, pending_heading
        if paragraph:
            start = pending_heading if pending_heading is not None else paragraph[0][0]
            units.append((start, paragraph[-1][1], chapter_label(), None))
            pending_heading = None
        paragraph = []

    def flush_article():
        nonlocal article_start, article_label
        if article_start is not None:
            units.append((article_start, article_end, chapter_label(), article_label))
        article_start, article_label = None, None

    for start, end, line in _lines(text, body_start):
        stripped = _heading_text(line)
        if not stripped or _MARKUP.match(line):
            if article_start is None:
                flush_paragraph()
            continue
        if m := CHAPTER.match(stripped):
            flush_article()
            flush_paragraph()
            chapter = " ".join(g for g in m.groups() if g)
            section = None
            pending_heading = None
            continue
        if m := SECTION.match(stripped):
            flush_article()
            flush_paragraph()
            section = " ".join(g for g in m.groups() if g)
            pending_heading = None
            continue
        if m := ARTICLE.match(stripped):
            flush_article()
            flush_paragraph()
            pending_heading = None
            article_start, article_label, article_end = start + (len(line) - len(line.lstrip())), m.group(1), end
            continue
        if article_start is not None:
            if _is_heading(line) and not re.match(r"^[（(]", stripped):
                # A heading after articles (附则, 附件 names) ends the article.
                flush_article()
                pending_heading = start
                continue
            article_end = end
            continue
        if _is_heading(line):
            flush_paragraph()
            if pending_heading is None:
                pending_heading = start
            continue
        paragraph.append((start, end))
        flush_paragraph()
    flush_article()
    flush_paragraph()

    passages: list[Passage] = []
    for start, end, chap, art in units:
        limit = max_chars * 2 if art else max_chars
        if end - start <= limit:
            spans = [(start, end)]
        else:
            spans = _windows(text, start, end, window_chars)
        for a, b in spans:
            passages.append(Passage(doc_id, title, chap, art, a, b, text[a:b]))
    return passages


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
