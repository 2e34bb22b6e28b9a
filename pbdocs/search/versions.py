"""Which version of a law a document is, whether it is still in force, and how it is cited.

A statute's version is named the way Chinese legal publishers name it: the year of the text, with
修正 or 修订 when that year's text amended an earlier one (《慈善法》(2023修正)). Documents sharing
a short title (the title without 中华人民共和国 and without a parenthesized addition) are versions
of one law: each is superseded by the next newer one, unless the manifest pins it (``in_force``).
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..legal import citation, title_key

__all__ = ["Edition", "effective_date", "version_label", "cite", "successors"]

_PROMULGATION = re.compile(r"^\s*[（(]?\s*((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日(.*)$")
# What a promulgation line under a statute's title does; a bare date line (a notice's 成文日期) does none.
_ENACTS = re.compile(r"通过|公布|发布|修正|修订|施行")
_IN_FORCE_FROM = re.compile(r"自\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起施行")
_IN_FORCE_ON_ISSUE = re.compile(r"自(?:发布|公布|印发)之日起施行")
_HEAD_CHARS = 3000


def _iso(year: str, month: str, day: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def version_label(text: str, date: str | None) -> str | None:
    """``2023修正``, ``2016修订`` or ``2016`` for a statute dated ``date`` (the promulgation lines under
    its title say whether that year's text amended an earlier one); None for a document without
    promulgation lines or date."""
    if not date:
        return None
    year = date[:4]
    promulgated = False
    for line in text[:_HEAD_CHARS].split("\n"):
        m = _PROMULGATION.match(line.strip())
        if not m or not _ENACTS.search(m.group(4)):
            continue
        promulgated = True
        if m.group(1) == year:
            for kind in ("修正", "修订"):
                if kind in m.group(4):
                    return year + kind
    return year if promulgated else None


def effective_date(text: str, date: str | None) -> str | None:
    """When the text took effect: a 施行 line under the title, else the 自...起施行 of its articles
    when that is not older than the version itself (an amended law keeps its first 施行 date in the
    text, which says nothing about the amendment); 自发布之日起施行 means its date."""
    found: list[str] = []
    for line in text[:_HEAD_CHARS].split("\n"):
        m = _PROMULGATION.match(line.strip())
        if m and re.fullmatch(r"\s*施行\s*", m.group(4)):
            found.append(_iso(*m.group(1, 2, 3)))
    found += [_iso(*m.group(1, 2, 3)) for m in _IN_FORCE_FROM.finditer(text)]
    candidates = [d for d in found if not date or d >= date]
    if candidates:
        return min(candidates)
    if date and _IN_FORCE_ON_ISSUE.search(text):
        return date
    return None


def cite(info: Mapping[str, Any], article: str | None = None) -> str:
    """A hit's citation (:func:`pbdocs.legal.citation`): 《慈善法》(2023修正) 第六十一条."""
    return citation(info.get("title") or "", version=info.get("version"), doc_number=info.get("doc_number"),
                    article=article)


@dataclass(frozen=True)
class Edition:
    """What version inference needs of a corpus document."""

    id: str
    title: str | None
    date: str | None
    pinned: bool


def _law_key(title: str | None) -> str:
    return title_key(title) if title else ""


def successors(editions: list[Edition]) -> dict[str, str | None]:
    """For every unpinned document, the id of the next newer version of the same law (None for the
    newest, and for documents without a title or date). Pinned documents keep what the manifest says
    and are left out."""
    groups: dict[str, list[Edition]] = {}
    for edition in editions:
        if edition.title and edition.date:
            groups.setdefault(_law_key(edition.title), []).append(edition)
    out: dict[str, str | None] = {e.id: None for e in editions if not e.pinned}
    for group in groups.values():
        ordered = sorted(group, key=lambda e: (e.date or "", e.id))
        for older, newer in itertools.pairwise(ordered):
            if not older.pinned and (newer.date or "") > (older.date or ""):
                out[older.id] = newer.id
    return out
