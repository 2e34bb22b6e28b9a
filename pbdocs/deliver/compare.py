"""Two versions of one charter side by side: which articles were added, removed, reworded or only
renumbered, and whether the new version is less compliant than the old (章程核准 by 修改对照表).

Articles are aligned by their words, not their numbers, so that an article inserted early (every
later one renumbered) shows as one addition and a renumbering, not as every article changed.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ReadError
from ..messages import catalogue
from ..models import Document
from ..normalize import normalize
from ..rules import CheckOptions, CheckResult, check_document
from .charter import CharterPart, charter_outline
from .plan import TableRow

__all__ = ["ArticleChange", "Regression", "Comparison", "compare_documents", "compare_charters",
           "comparison_table", "CHANGE_KINDS"]

CHANGE_KINDS = ("added", "removed", "modified", "renumbered")
# Below this share of common characters two articles are different articles, not one reworded.
SIMILAR = 0.5
_VERDICT_RANK = {"compliant": 0, "not_applicable": 0, "partial": 1, "missing": 2, "contradicted": 3}
_STATUS_RANK = {"present": 0, "partial": 1, "missing": 2, "contradicted": 3}


@dataclass(frozen=True)
class ArticleChange:
    """One difference between the versions: an article ``added``, ``removed``, ``modified``
    (reworded, perhaps renumbered too) or only ``renumbered``."""

    kind: str
    old_article: str | None
    new_article: str | None
    old_text: str | None
    new_text: str | None
    similarity: float = 0.0
    note: str | None = None  # what the change does to the party-building content, when anything

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "old_article": self.old_article, "new_article": self.new_article,
                "old_text": self.old_text, "new_text": self.new_text,
                "similarity": round(self.similarity, 3), "note": self.note}

    @classmethod
    def from_dict(cls, data: Any) -> ArticleChange:
        if not isinstance(data, dict) or data.get("kind") not in CHANGE_KINDS:
            raise ValueError("a change is a JSON object with a known 'kind'")
        return cls(data["kind"], data.get("old_article"), data.get("new_article"), data.get("old_text"),
                   data.get("new_text"), float(data.get("similarity") or 0.0), data.get("note"))


@dataclass(frozen=True)
class Regression:
    """Where the new version falls short of the old: a rule's status worse (``element`` None) or
    an element the old version had and the new one lacks."""

    rule: str
    title: str
    before: str
    after: str
    element: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "title": self.title, "before": self.before, "after": self.after,
                "element": self.element}

    @classmethod
    def from_dict(cls, data: Any) -> Regression:
        if not isinstance(data, dict):
            raise ValueError("a regression is a JSON object")
        return cls(str(data["rule"]), str(data["title"]), str(data["before"]), str(data["after"]),
                   data.get("element"))


@dataclass
class Comparison:
    """The old and new versions' checks, the changes between them in the new version's order,
    how many articles stayed word for word, and where the new version is weaker."""

    old: str
    new: str
    before: CheckResult
    after: CheckResult
    changes: list[ArticleChange] = field(default_factory=list)
    unchanged: int = 0
    identical: bool = False
    regressions: list[Regression] = field(default_factory=list)

    @property
    def less_compliant(self) -> bool:
        return bool(self.regressions)

    def as_dict(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "identical": self.identical,
                "less_compliant": self.less_compliant, "before": self.before.verdict,
                "after": self.after.verdict, "unchanged": self.unchanged,
                "changes": [c.as_dict() for c in self.changes],
                "regressions": [r.as_dict() for r in self.regressions],
                "checks": {"before": self.before.as_dict(), "after": self.after.as_dict()}}

    @classmethod
    def from_dict(cls, data: Any) -> Comparison:
        if not isinstance(data, dict) or not isinstance(data.get("checks"), dict):
            raise ValueError("a comparison is a JSON object with 'checks'")
        return cls(str(data["old"]), str(data["new"]), CheckResult.from_dict(data["checks"]["before"]),
                   CheckResult.from_dict(data["checks"]["after"]),
                   [ArticleChange.from_dict(c) for c in data.get("changes", [])], int(data.get("unchanged", 0)),
                   bool(data.get("identical")), [Regression.from_dict(r) for r in data.get("regressions", [])])


def _key(text: str) -> str:
    return "".join(normalize(text).text.split())


def _units(parts: list[CharterPart]) -> list[CharterPart]:
    """What is compared: the articles; a text without articles, its paragraphs."""
    articles = [p for p in parts if p.kind == "article"]
    return articles or [p for p in parts if p.kind == "text"]


def _align(old: list[CharterPart], new: list[CharterPart]) -> list[tuple[int | None, int | None, float]]:
    """Pairs (old index, new index, similarity); None on one side for an added or removed unit."""
    old_keys, new_keys = [_key(p.body) for p in old], [_key(p.body) for p in new]
    pairs: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    waiting: dict[str, list[int]] = {}
    for j, key in enumerate(new_keys):
        waiting.setdefault(key, []).append(j)
    for i, key in enumerate(old_keys):
        if waiting.get(key):
            j = waiting[key].pop(0)
            pairs[i] = (j, 1.0)
            taken.add(j)
    scored = []
    for i, a in enumerate(old_keys):
        if i in pairs:
            continue
        for j, b in enumerate(new_keys):
            if j in taken:
                continue
            matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
            if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
                continue
            ratio = matcher.ratio()
            if ratio >= SIMILAR:
                # Ties go to the nearer position: reworded articles seldom travel far.
                scored.append((-ratio, abs(i - j), i, j))
    for negative, _, i, j in sorted(scored):
        if i not in pairs and j not in taken:
            pairs[i] = (j, -negative)
            taken.add(j)
    out: list[tuple[int | None, int | None, float]] = [(i, j, s) for i, (j, s) in pairs.items()]
    out += [(i, None, 0.0) for i in range(len(old)) if i not in pairs]
    out += [(None, j, 0.0) for j in range(len(new)) if j not in taken]
    return out


def _order(pair: tuple[int | None, int | None, float], old_to_new: dict[int, int]) -> tuple[float, int]:
    i, j, _ = pair
    if j is not None:
        return (float(j), 1)
    # A removed article sits just before the new place of the next old article that stayed.
    later = [old_to_new[k] for k in old_to_new if i is not None and k > i]
    return (min(later) - 0.5 if later else float("inf"), i or 0)


def _regressions(before: CheckResult, after: CheckResult) -> list[Regression]:
    found: list[Regression] = []
    for old in before.findings:
        if old.severity == "info":
            continue
        new = after.finding(old.rule)
        if new is None:
            continue
        if _STATUS_RANK.get(new.status, 0) > _STATUS_RANK.get(old.status, 0):
            found.append(Regression(old.rule, old.title, old.status, new.status))
        # A clause gone altogether is one regression; one weakened names each element it lost.
        if new.status == "missing":
            continue
        for element_id, element in old.elements.items():
            lost = new.elements.get(element_id)
            if element.found and element.required and lost is not None and not lost.found:
                found.append(Regression(old.rule, old.title, old.status, new.status, element.title))
    if not found and _VERDICT_RANK.get(after.verdict, 0) > _VERDICT_RANK.get(before.verdict, 0):
        found.append(Regression("verdict", catalogue().text("compare.verdict_title"), before.verdict, after.verdict))
    return found


def _notes(before: CheckResult, after: CheckResult) -> dict[str, str]:
    """Old article label -> what its change took away: the elements the old version had there and
    the new one lacks."""
    lost: dict[str, list[str]] = {}
    for old in before.findings:
        new = after.finding(old.rule)
        if old.severity == "info" or new is None:
            continue
        for element_id, element in old.elements.items():
            gone = new.elements.get(element_id)
            if element.found and element.required and gone is not None and not gone.found \
                    and element.evidence is not None and element.evidence.article:
                lost.setdefault(element.evidence.article, []).append(element.title)
    zh = catalogue()
    return {article: zh.text("compare.note_lost", elements="”“".join(titles)) for article, titles in lost.items()}


def compare_documents(old: Document, new: Document, options: CheckOptions | None = None) -> Comparison:
    """Compare two read versions of a charter (``old`` the one in force, ``new`` the revision)."""
    options = options or CheckOptions()
    before, after = check_document(old, options), check_document(new, options)
    for doc, result in ((old, before), (new, after)):
        if result.verdict == "error":
            raise ReadError(result.error_code or "check.cannot_read", **{**result.error_fields, "path": doc.path})
    if _key(old.text) == _key(new.text):
        return Comparison(old.path, new.path, before, after, [], len(_units(charter_outline(new))), True)
    old_units, new_units = _units(charter_outline(old)), _units(charter_outline(new))
    pairs = _align(old_units, new_units)
    old_to_new = {i: j for i, j, _ in pairs if i is not None and j is not None}
    regressions = _regressions(before, after)
    notes = _notes(before, after)
    changes, unchanged = [], 0
    for i, j, similarity in sorted(pairs, key=lambda p: _order(p, old_to_new)):
        a = old_units[i] if i is not None else None
        b = new_units[j] if j is not None else None
        note = notes.get(a.label or "") if a is not None else None
        if a is not None and b is not None:
            if similarity == 1.0 and (a.label == b.label or not (a.label and b.label)):
                unchanged += 1
                continue
            kind = "renumbered" if similarity == 1.0 else "modified"
        else:
            kind = "added" if a is None else "removed"
        changes.append(ArticleChange(kind, a.label if a else None, b.label if b else None,
                                     a.text if a else None, b.text if b else None, similarity, note))
    return Comparison(old.path, new.path, before, after, changes, unchanged, False, regressions)


def compare_charters(old: str | os.PathLike[str], new: str | os.PathLike[str],
                     options: CheckOptions | None = None) -> Comparison:
    """Read and compare the charters at ``old`` and ``new`` (any format ``check`` reads); ReadError
    naming the file that cannot be read."""
    from ..extract import extract

    options = options or CheckOptions()
    return compare_documents(extract(Path(old), options.extract), extract(Path(new), options.extract), options)


def comparison_table(comparison: Comparison) -> list[TableRow]:
    """The rows of the 修改对照表 between the versions: each article added, removed or reworded,
    and one row for the articles only renumbered."""
    zh = catalogue()
    rows: list[TableRow] = []
    renumbered = [c for c in comparison.changes if c.kind == "renumbered"]
    for change in comparison.changes:
        if change.kind == "renumbered":
            continue
        if change.kind == "added":
            rows.append(TableRow(zh.text("table.none"), change.new_text or "", zh.text("compare.explain_added")))
            continue
        if change.kind == "removed":
            explain = zh.text("compare.explain_removed")
            after = zh.text("table.deleted")
        else:
            explain = zh.text("compare.explain_modified")
            if change.old_article and change.new_article and change.old_article != change.new_article:
                explain += zh.text("compare.explain_moved", old=change.old_article, new=change.new_article)
            after = change.new_text or ""
        if change.note:
            explain += change.note
        rows.append(TableRow(change.old_text or "", after, explain))
    if renumbered:
        first, last = renumbered[0], renumbered[-1]
        key = "table.renumbered" if len(renumbered) > 1 else "table.renumbered_one"
        rows.append(TableRow(zh.text(key, first=first.old_article, last=last.old_article),
                             zh.text(key + "_after", first=first.new_article, last=last.new_article),
                             zh.text("table.renumber_basis")))
    return rows
