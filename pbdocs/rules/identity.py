"""Who a document is: what kind of document, which organization (name, type) and its subject word.

Real charters arrive with their name buried in page furniture (``首页>>法律法规>>XX总会章程``), glued
to the next article (``XX协会第二条本会宗旨``), followed by an English name or a template's bracketed
instruction. The name is cleaned here before anything is told from it. The kinds, types and words
themselves are the domain registry's (:mod:`pbdocs.domain`).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..domain import Cue, DocumentKind, Domain
from ..legal import NUMERAL
from ..models import Document
from ..normalize import is_han, normalize
from .structure import Layout

__all__ = ["KindEvidence", "KindJudgement", "charter_name", "clean_name", "detect_kind", "detect_org_type",
           "judge_kind", "subject_word", "title_line"]

# Where the charter names itself: 本会的名称是XXX, 名称：XXX, 中文名称为XXX.
_NAME_SENTENCE = re.compile(r"(?:名称|中文名称|中文全称|全称(?=是|为|:))(?:是|为)?:?[“\"「《]?([^,。;:”\"」》]{2,60})")
_TITLE_SUFFIX = re.compile(r"^(.{2,60}?)章程(?:\(.*\))?(?:草案|修订稿|修正案|修订草案|试行)?$")
# A site's breadcrumb trail: 首页>>法律法规>>..., 当前位置：首页 > 通知公告 > ...
_BREADCRUMB = re.compile(r"\s*(?:>>|>|»|›|→|/|\\)\s*")
_LEADING_MARKER = re.compile(
    r"^(?:当前位置|您的位置|所在位置)[:：]?|^(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[、.．)]\s*|^[•·●○■□◆◇▪\-*]+\s*")
# Where a name read from running text stops: the next article glued on, an English or short
# name, a reading or instruction in brackets.
_NAME_STOPS = re.compile(
    rf"第{NUMERAL}[条章]|(?:英文|外文)(?:名称|全称|译名|缩写)?|(?:以下)?简称|缩写|[(\[【〔]|\s[A-Za-z]|[A-Za-z]{{3}}")
_TRAILING = re.compile(r"[\s\"'“”「」《》,，.、:：;；_＿]+$")


def clean_name(raw: str) -> str | None:
    """An organization's name without breadcrumbs, list markers, glued-on text, English name or
    template brackets; None when nothing name-like is left."""
    text = normalize(raw).text.strip()
    parts = [p for p in _BREADCRUMB.split(text) if p.strip()]
    if len(parts) > 1:
        text = parts[-1]
    text = _LEADING_MARKER.sub("", text).strip()
    stop = _NAME_STOPS.search(text)
    if stop:
        text = text[:stop.start()]
    text = _TRAILING.sub("", text).strip()
    han = sum(1 for ch in text if is_han(ch))
    # What is left of a template's instruction (【请填写全称】章程) is no name.
    if han < 2 or len(text) > 40 or "章程" in text or not is_han(text[0]) or "填写" in text:
        return None
    return text


def title_line(doc: Document) -> str | None:
    """The document's title: the first of its first lines that ends in 章程 (a breadcrumb or a
    list marker before it dropped), else its first non-empty line."""
    first = None
    previous = ""
    for raw in doc.text.splitlines()[:12]:
        line = normalize(raw).text
        if not line:
            continue
        parts = [p for p in _BREADCRUMB.split(line) if p.strip()]
        line = _LEADING_MARKER.sub("", parts[-1] if parts else line).strip()
        first = first or line
        # A title set over two lines: XX股份有限公司 / 章 程.
        if line == "章程" and previous:
            return previous + line
        if _TITLE_SUFFIX.match(line):
            return line
        previous = line
    return first


def charter_name(doc: Document, layout: Layout) -> str | None:
    """The organization's name: from 本会的名称是XXX, else from the title line XXX章程."""
    for m in _NAME_SENTENCE.finditer(layout.text[:3000]):
        name = clean_name(m.group(1))
        if name:
            return name
    title = title_line(doc)
    t = _TITLE_SUFFIX.match(title or "")
    return clean_name(t.group(1)) if t else None


def _head_sentences(layout: Layout, limit: int = 4000) -> list[str]:
    """The first sentences of the charter, each without the 第X条 label it begins with."""
    head = layout.text[:limit]
    return [re.sub(rf"^\s*第{NUMERAL}条", "", s).strip() for s in re.split(r"[。;\n]", head)]


@dataclass(frozen=True)
class KindEvidence:
    """One cue found: the words as the text has them (normalized), how often, and what they added."""

    text: str
    count: int
    weight: float

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "count": self.count, "weight": self.weight}

    @classmethod
    def from_dict(cls, data: Any) -> KindEvidence:
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise ValueError("kind evidence is an object with 'text'")
        return cls(data["text"], int(data.get("count", 1)), float(data.get("weight", 0)))


@dataclass
class KindJudgement:
    """The kind told from the whole text, each kind's score, and the cues behind the winner's."""

    kind: DocumentKind
    scores: dict[str, float] = field(default_factory=dict)
    evidence: list[KindEvidence] = field(default_factory=list)


def _cue_evidence(cue: Cue, text: str) -> KindEvidence | None:
    found = [m.group() for m in cue.regex.finditer(text) if m.group()]
    if not found:
        return None
    # Quote the words most often found (股东大会 rather than 股东会 when both are there).
    words = Counter(found).most_common(1)[0][0].strip()
    return KindEvidence(words, len(found), cue.weight * min(len(found), cue.cap))


def _kind_evidence(kind: DocumentKind, domain: Domain, text: str, title: str, name: str | None,
                   sentences: list[str]) -> list[KindEvidence]:
    judging = domain.kind_judging
    evidence: list[KindEvidence] = []
    if kind.title and re.search(kind.title, title):
        evidence.append(KindEvidence(title, 1, judging.title_weight))
    if kind.named and name and re.search(kind.named, name):
        evidence.append(KindEvidence(name, 1, judging.named_weight))
    if kind.describes:
        described = next((m for s in sentences if (m := re.search(kind.describes, s))), None)
        if described:
            evidence.append(KindEvidence(described.group().strip("。;"), 1, judging.describes_weight))
    evidence.extend(e for cue in kind.cues if (e := _cue_evidence(cue, text)))
    return sorted(evidence, key=lambda e: -e.weight)


def judge_kind(doc: Document, layout: Layout, domain: Domain, name: str | None) -> KindJudgement:
    """What the document is, read over the whole text: each kind's cues are weighed, and a kind
    other than the social-organization charter wins only with enough weight and a clear lead over
    the charter's own cues (``[kinds.judging]``); else it is a charter."""
    title = title_line(doc) or ""
    text = f"{title}\n{layout.text}"
    sentences = _head_sentences(layout)
    found = {kind.code: _kind_evidence(kind, domain, text, title, name, sentences) for kind in domain.kinds}
    scores = {code: round(sum(e.weight for e in evidence), 2) for code, evidence in found.items()}
    charter = domain.default_kind
    best = max(domain.document_kinds, key=lambda k: scores[k.code], default=None)
    judging = domain.kind_judging
    if best is not None and scores[best.code] >= max(judging.min_score, scores[charter.code] + judging.margin):
        return KindJudgement(best, scores, found[best.code])
    return KindJudgement(charter, scores, found[charter.code])


def detect_kind(doc: Document, layout: Layout, domain: Domain, name: str | None) -> DocumentKind:
    """The kind :func:`judge_kind` tells."""
    return judge_kind(doc, layout, domain, name).kind


def detect_org_type(layout: Layout, domain: Domain, name: str | None) -> str | None:
    """The canonical type name, from how the charter describes itself, else from its name."""
    head = layout.text[:4000]
    for sentence in re.split(r"[。;]", head):
        if re.search(r"名称(?:是|为|:)", sentence):
            continue  # 本会的名称是XX协会 names it; the name is the fallback below
        best: tuple[int, str] | None = None
        for org_type in domain.detection_order:
            for m in re.finditer(org_type.describes, sentence):
                if (re.search(domain.other_subject, sentence[:m.start() + 1])
                        or re.match(domain.founder_after, sentence[m.end():])):
                    continue
                # "本会是由XX基金会发起的社会团体": the noun that ends the description wins.
                if best is None or m.end() > best[0]:
                    best = (m.end(), org_type.name)
        if best:
            return best[1]
    if name:
        for org_type in domain.detection_order:
            if re.search(org_type.named, name):
                return org_type.name
    counts = Counter(m.group() for m in domain.subject_pattern.finditer(layout.text))
    for word, _ in counts.most_common():
        if word in domain.subject_types:
            return domain.subject_types[word]
    return None


def subject_word(layout: Layout, domain: Domain, org_type: str | None, name: str | None = None) -> str:
    """How the charter calls itself (本会, 本基金会, 本中心...): its most frequent 本X; else, for a
    school or hospital that writes 学校坚持……, the last word of its name; else its type's word."""
    counts = Counter(m.group() for m in domain.subject_pattern.finditer(layout.text))
    if counts:
        return counts.most_common(1)[0][0]
    for word in domain.bare_subjects:
        if name and name.endswith(word) and layout.text.count(word) > name.count(word):
            return word
    return domain.default_subject(org_type)
