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
from ..normalize import simplified

__all__ = ["Edition", "Enactment", "enactments", "effective_date", "version_label", "amendment", "cite",
           "successors"]

# A dated act under a statute's title starts a line or, in the official one-line 题注
# ((1998年10月25日国务院令第250号发布　根据2016年2月6日《…决定》修订)), follows a space, a comma, 根据 or
# the act before it when a copy ran them together (……通过2004年3月8日……公布); a date after 自
# (自1998年10月25日起施行) belongs to the act before it.
_ACT_DATE = re.compile(r"(?:^|(?<=\s)|(?<=[，,；;、])|(?<=根据)|(?<=通过)|(?<=发布)|(?<=公布)|(?<=批准)"
                       r"|(?<=修正)|(?<=修订)|(?<=印发))((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")
# What a promulgation line under a statute's title does; a bare date line (a notice's 成文日期) does none.
_ENACTS = re.compile(r"通过|公布|发布|修正|修订|施行")
_IN_FORCE_FROM = re.compile(r"自\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起施行")
_IN_FORCE_ON_ISSUE = re.compile(r"自(?:发布|公布|印发)之日起施行")
_HEAD_CHARS = 3000
# How many lines a wrapped 题注 may run on for.
_WRAPPED_LINES = 3


def _iso(year: str, month: str, day: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


@dataclass(frozen=True)
class Enactment:
    """One dated act under a statute's title: the day and what the 题注 says was done (通过, 发布,
    国务院令第250号发布, 《…决定》修订, 施行)."""
    date: str
    act: str

    @property
    def takes_effect(self) -> bool:
        """Whether the act only puts the text in force (2004年6月1日 施行): it dates no version."""
        return re.fullmatch(r"\s*起?施行\s*", self.act) is not None


def _title_note_lines(head: str) -> list[str]:
    """The lines of ``head``, a bracketed 题注 that a PDF or a narrow page wrapped (（1998年……《国务院关于
    修改部分行政法规 / 的决定》修订）) joined into one up to its closing bracket."""
    lines = head.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if line.startswith(("（", "(")) and not line.endswith(("）", ")")):
            for _ in range(_WRAPPED_LINES):
                if i >= len(lines) or not lines[i].strip() or _ACT_DATE.match(lines[i].strip()):
                    break
                line += lines[i].strip()
                i += 1
                if line.endswith(("）", ")")):
                    break
        out.append(line)
    return out


def enactments(text: str) -> list[Enactment]:
    """The dated acts under a statute's title, in the order given, whether one a line (LawRefBook)
    or several on the one line of an official 题注."""
    found: list[Enactment] = []
    # Copies in traditional characters (根據……修正) are read as the simplified text is.
    for raw in _title_note_lines(simplified(text[:_HEAD_CHARS])):
        line = raw.strip().lstrip("（(").rstrip("）)").strip()
        starts = list(_ACT_DATE.finditer(line))
        if not starts:
            continue
        # A bracketed note may say who acted before saying when (（中国共产党第二十次全国代表大会部分修改，
        # 2022年10月22日通过）): those words belong to its first act.
        lead = ""
        if starts[0].start() != 0:
            if not raw.strip().startswith(("（", "(")):
                continue
            lead = line[:starts[0].start()].rstrip("，, ")
        for m, after in zip(starts, [*starts[1:], None], strict=True):
            act = line[m.end():after.start() if after else len(line)].strip().removesuffix("根据").strip()
            found.append(Enactment(_iso(*m.group(1, 2, 3)), lead + act if m is starts[0] else act))
    return found


def version_label(text: str, date: str | None) -> str | None:
    """``2023修正``, ``2016修订`` or ``2016`` for a statute dated ``date`` (the promulgation lines under
    its title say whether that year's text amended an earlier one); None for a document without
    promulgation lines or date."""
    if not date:
        return None
    year = date[:4]
    promulgated = False
    for event in enactments(text):
        if not _ENACTS.search(event.act):
            continue
        promulgated = True
        if event.date[:4] == year:
            for kind in ("修正", "修订"):
                if kind in event.act:
                    return year + kind
    return year if promulgated else None


def amendment(version: str | None, date: str | None) -> str | None:
    """修订 or 修正 when ``date`` is the day a version labelled so amended the text, else None: the
    date beside a decree's 文号 is then the amendment's, not the decree's (国务院令第250号 of 1998,
    the 2016 revision's text)."""
    m = re.fullmatch(r"((?:19|20)\d{2})(修订|修正)", version or "")
    return m.group(2) if m and (date or "").startswith(m.group(1)) else None


def effective_date(text: str, date: str | None) -> str | None:
    """When the text took effect: a 施行 line under the title, else the 自...起施行 of its articles
    when that is not older than the version itself (an amended law keeps its first 施行 date in the
    text, which says nothing about the amendment); 自发布之日起施行 means its date."""
    found = [event.date for event in enactments(text) if event.takes_effect]
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
