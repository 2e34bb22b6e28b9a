"""What to change in a charter's paragraphs so that it carries the clause where it belongs.

The plan is made from the checker's findings (evidence sentences, articles, fix texts) and the
article headings of each paragraph (:mod:`pbdocs.legal`); it is the same for a Word file, where
it becomes tracked changes, and for plain text, where it is applied directly.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..domain import registry
from ..legal import Heading, article_heading, article_label, division_heading, is_general_chapter
from ..messages import catalogue
from ..normalize import normalize
from ..rules.packs import RuleSpec
from ..rules.results import CheckResult, ElementResult, Finding
from ..rules.structure import Evidence

__all__ = ["Edit", "NewParagraph", "TableRow", "Plan", "plan_amendment", "apply_plan", "line_starts"]

_SENTENCE_END = "。；;！!？?"
# The fixes made inside a small organization's article, which stays (its arrangement kept).
_IN_PLACE = frozenset({"amend_weak", "add_to_article"})


@dataclass(frozen=True)
class Edit:
    """Characters ``[start, end)`` of paragraph ``paragraph`` become ``text``."""

    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class NewParagraph:
    """A paragraph ``text`` after paragraph ``after``, formatted like paragraph ``like``."""

    after: int
    text: str
    like: int


@dataclass(frozen=True)
class TableRow:
    """One line of the 章程修改对照表."""

    before: str
    after: str
    basis: str


@dataclass
class Plan:
    edits: list[Edit] = field(default_factory=list)
    new: list[NewParagraph] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.edits or self.new or self.deleted)


def _minimal(paragraph: int, text: str, start: int, end: int, new: str) -> Edit | None:
    """The edit of ``text[start:end]`` into ``new`` without the characters both share at the ends."""
    old = text[start:end]
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    if head == len(old) == len(new):
        return None
    return Edit(paragraph, start + head, end - tail, new[head:len(new) - tail])


@dataclass(frozen=True)
class _Article:
    index: int
    heading: Heading
    general: bool
    body: int  # where the article's words begin, after the label and its spacing


class _Charter:
    """The paragraphs with their article headings and the chapter each belongs to, and where each
    paragraph stands in the text the checker read."""

    def __init__(self, paragraphs: list[str], starts: list[int | None]):
        self.texts = paragraphs
        self.articles: list[_Article] = []
        self.has_chapters = False
        # Whether each paragraph lies in 第一章 总则 (or before any chapter).
        self.general: list[bool] = []
        general = True
        for i, text in enumerate(paragraphs):
            division = division_heading(text)
            if division is not None and division.kind == "chapter":
                self.has_chapters = True
                general = is_general_chapter(division.number, division.title)
            self.general.append(general)
            if division is not None and division.kind == "chapter":
                rest = article_heading(text, division.end)
                if rest is None:
                    continue
            heading = article_heading(text) or (article_heading(text, division.end) if division else None)
            if heading is not None:
                body = heading.end + len(text[heading.end:]) - len(text[heading.end:].lstrip())
                self.articles.append(_Article(i, heading, general, body))
        self.by_label = {a.heading.label: a for a in self.articles}
        self.by_index = {a.index: a for a in self.articles}
        # Paragraphs the checked text holds as they are, by where they begin in it.
        placed = sorted((start, i) for i, start in enumerate(starts) if start is not None)
        self._starts = [start for start, _ in placed]
        self._placed = [i for _, i in placed]

    def at(self, start: int, end: int) -> tuple[int, int, int] | None:
        """(paragraph, start, end) of the checked text's characters ``[start, end)``; None when they
        are not inside one paragraph as it is (a sentence wrapped over two lines, a table cell)."""
        k = bisect.bisect_right(self._starts, start) - 1
        if k < 0:
            return None
        paragraph, offset = self._placed[k], self._starts[k]
        if end - offset > len(self.texts[paragraph]):
            return None
        return paragraph, start - offset, end - offset

    def locate(self, evidence: Evidence) -> tuple[int, int, int] | None:
        """(paragraph, start, end) of the sentence of ``evidence``."""
        return self.at(evidence.start, evidence.end)

    def locate_match(self, evidence: Evidence) -> tuple[int, int, int] | None:
        """(paragraph, start, end) of the words ``evidence`` matched."""
        return self.at(evidence.match_start, evidence.match_end)

    def purpose(self, pattern: str) -> _Article | None:
        """The article the clause follows: 宗旨 in the general chapter, else its last article."""
        general = [a for a in self.articles if a.general] or self.articles
        return next((a for a in general if re.search(pattern, normalize(self.texts[a.index]).text)),
                    general[-1] if general else None)


class _Planner:
    def __init__(self, paragraphs: list[str], starts: list[int | None], result: CheckResult,
                 clause_rule: RuleSpec | None):
        self.charter = _Charter(paragraphs, starts)
        self.result = result
        self.domain = registry()
        self.subject = result.subject or self.domain.default_subject(result.org_type)
        self.rule = clause_rule
        self.plan = Plan()
        self.deleted: set[int] = set()
        self.replaced: dict[int, list[tuple[int, int, str]]] = {}
        self.bases: dict[int, str] = {}

    # -- small steps ----------------------------------------------------------------------------

    def replace(self, paragraph: int, start: int, end: int, text: str, basis: str) -> None:
        self.replaced.setdefault(paragraph, []).append((start, end, text))
        self.bases.setdefault(paragraph, basis)

    def standard_clause(self, finding: Finding) -> str:
        # A fix made in place in a small organization's article (amend_weak, add_to_article) gives
        # only words; the whole clause is then the rule's own.
        fix = finding.fix
        if fix is not None and finding.status != "present" and self.domain.fix_kind(fix.where) not in _IN_PLACE:
            return fix.text
        if self.rule is None or not self.rule.fix_text:
            raise ValueError("the clause rule has no fix text")
        return self.rule.fix_text.format_map(_Blank(subject=self.subject))

    def sentences(self, finding: Finding, negated: bool = False) -> list[tuple[int, int, int]]:
        """Where the finding's evidence sentences are in the paragraphs, each once, in order."""
        found = set()
        for element in finding.elements.values():
            evidence = element.negated_evidence if negated else element.evidence
            if evidence is not None:
                spot = self.charter.locate(evidence)
                if spot is not None:
                    found.add(spot)
        return sorted(found)

    def is_alternative(self, finding: Finding, paragraph: int) -> bool:
        if any(e.method == "alternative" for e in finding.elements.values()):
            return True
        patterns = self.rule.alternative.patterns if self.rule and self.rule.alternative else ()
        text = normalize(self.charter.texts[paragraph]).text
        return any(re.search(p, text) for p in patterns)

    # -- the clause -----------------------------------------------------------------------------

    def clause(self, finding: Finding) -> str | None:
        """Edit the clause where it is; the text of a new article when it must go elsewhere."""
        cite = finding.basis.cite()
        if finding.status == "missing":
            return self.standard_clause(finding)
        spots = self.sentences(finding, negated=finding.status == "contradicted")
        # An element also found elsewhere (开展党的活动 in the business scope) is not the clause:
        # the article the checker reports is.
        home = self.charter.by_label.get(finding.article or "")
        spots = [s for s in spots if home is not None and s[0] == home.index] or spots
        if not spots:
            return None if finding.status == "present" else self.standard_clause(finding)
        paragraph = spots[0][0]
        in_place = self.charter.general[paragraph] or not self.charter.has_chapters
        alternative = self.is_alternative(finding, paragraph)
        if in_place:
            if finding.status == "present":
                return None
            if alternative:
                self.complete(finding, spots, cite)
            else:
                self.swap(spots, self.standard_clause(finding), cite)
            return None
        # Outside 第一章 总则: the sentences leave their article and a new one carries them.
        moved = " ".join(self.charter.texts[i][a:b] for i, a, b in spots if i == paragraph)
        self.swap([s for s in spots if s[0] == paragraph], "", cite)
        if alternative:
            for element in list(finding.elements.values()):
                if _strengthens(element) and element.weak_evidence.match in moved:  # type: ignore[union-attr]
                    moved = moved.replace(element.weak_evidence.match, element.title, 1)  # type: ignore[union-attr]
                    finding = _without_missing(finding, element.id)
            return moved + self.completion(finding)
        return self.standard_clause(finding)

    def swap(self, spots: list[tuple[int, int, int]], text: str, basis: str) -> None:
        """Put ``text`` in place of the sentences (in their first paragraph); delete a paragraph
        left with nothing but its article label."""
        paragraph = spots[0][0]
        mine = [s for s in spots if s[0] == paragraph]
        start, end = mine[0][1], mine[-1][2]
        body = self.charter.texts[paragraph]
        article = self.charter.by_index.get(paragraph)
        label_end = article.body if article else 0
        if not text and not (body[label_end:start] + body[end:]).strip(" \t　"):
            self.deleted.add(paragraph)
            self.bases.setdefault(paragraph, basis)
            return
        self.replace(paragraph, start, end, text, basis)

    def completion(self, finding: Finding) -> str:
        """The missing elements as one sentence of the charter's own, after an arrangement kept as it is."""
        missing = [finding.elements[e] for e in finding.missing_elements]
        if not missing:
            return ""
        # In the order of the official sentence (the overall leadership first).
        standard = self.standard_clause(finding)
        missing.sort(key=lambda e: standard.find(e.title) % (len(standard) + 1))
        return self.subject + "，".join(e.title for e in missing) + "。"

    def complete(self, finding: Finding, spots: list[tuple[int, int, int]], cite: str) -> None:
        """Add what a small-organization arrangement lacks around it, deleting none of it."""
        for element in list(finding.elements.values()):
            if element.required and not element.found and self.strengthen(element, cite):
                finding = _without_missing(finding, element.id)
        addition = self.completion(finding)
        if addition:
            paragraph, _, end = spots[-1]
            self.replace(paragraph, end, end, addition, cite)

    def strengthen(self, element: ElementResult, cite: str) -> bool:
        """A weaker wording sharing the official one's opening (坚持中国共产党的领导) becomes it."""
        weak = element.weak_evidence
        if weak is None or not _strengthens(element):
            return False
        spot = self.charter.locate_match(weak)
        if spot is None:
            return False
        paragraph, start, end = spot
        self.replace(paragraph, start, end, element.title, cite)
        return True

    # -- putting it together --------------------------------------------------------------------

    def run(self) -> Plan:
        ids = self.domain.rule_ids
        clause, values = self.result.finding(ids.party_clause), self.result.finding(ids.core_values)
        new_text = self.clause(clause) if clause is not None else None
        purpose = self.charter.purpose(self.domain.places["purpose"].pattern)
        if values is not None and values.status != "present" and values.fix is not None:
            self.add_values(values, purpose)
        if new_text:
            self.insert_article(new_text, purpose, clause.basis.cite() if clause else "")
        self.renumber(purpose if new_text else None)
        self.finish()
        return self.plan

    def add_values(self, values: Finding, purpose: _Article | None) -> None:
        missing = [values.elements[e].title for e in values.missing_elements]
        # 遵守宪法、法律、法规和国家政策 already written: the missing words go right after it.
        for element in values.elements.values():
            evidence = element.evidence
            spot = self.charter.locate_match(evidence) if evidence and element.found else None
            if spot is not None and missing and not element.required:
                paragraph, _, end = spot
                self.replace(paragraph, end, end, "，" + "，".join(missing), values.basis.cite())
                return
        index = purpose.index if purpose is not None else self.unnumbered_purpose()
        text = self.charter.texts[index].rstrip()
        stop = "" if not text or text[-1] in _SENTENCE_END else "。"
        self.replace(index, len(text), len(text), stop + values.fix.text, values.basis.cite())  # type: ignore[union-attr]

    def unnumbered_purpose(self) -> int:
        """Without 第X条 in the text (Word's own list numbering, or none): the paragraph naming
        the 宗旨, else the title."""
        texts = self.charter.texts
        pattern = self.domain.places["purpose"].pattern
        return next((i for i, t in enumerate(texts) if re.search(pattern, normalize(t).text)),
                    next((i for i, t in enumerate(texts) if t.strip()), 0))

    def insert_article(self, body: str, purpose: _Article | None, basis: str) -> None:
        if purpose is None:
            # Formatted like the 宗旨 paragraph, so that an automatic list number follows on.
            after = self.unnumbered_purpose()
            self.plan.new.append(NewParagraph(after, body, after))
            self.plan.rows.append(TableRow(catalogue().text("table.none"), body, basis))
            return
        text = self.charter.texts[purpose.index]
        heading = purpose.heading
        number = (heading.number or 0) + 1 - sum(1 for d in self.deleted if d < purpose.index
                                                 and d in self.charter.by_index)
        label = _label_like(text[heading.start:heading.end], number)
        full = label + text[heading.end:purpose.body] + body
        self.plan.new.append(NewParagraph(purpose.index, full, purpose.index))
        self.plan.rows.append(TableRow(catalogue().text("table.none"), full, basis))

    def renumber(self, purpose: _Article | None) -> None:
        renamed: list[tuple[str, str]] = []
        for article in self.charter.articles:
            if article.index in self.deleted or article.heading.number is None:
                continue
            shift = (1 if purpose is not None and article.index > purpose.index else 0) - sum(
                1 for d in self.deleted if d < article.index and d in self.charter.by_index)
            if shift:
                text = self.charter.texts[article.index]
                heading = article.heading
                new = _label_like(text[heading.start:heading.end], article.heading.number + shift)
                self.replace(article.index, heading.start, heading.end, new, "")
                if article.index not in self.bases or not self.bases[article.index]:
                    renamed.append((heading.label, new))
        if renamed:
            key = "table.renumbered" if len(renamed) > 1 else "table.renumbered_one"
            self.plan.rows.append(TableRow(
                catalogue().text(key, first=renamed[0][0], last=renamed[-1][0]),
                catalogue().text(key + "_after", first=renamed[0][1], last=renamed[-1][1]),
                catalogue().text("table.renumber_basis")))

    def finish(self) -> None:
        texts = self.charter.texts
        rows = []
        for paragraph in sorted(self.replaced):
            for start, end, text in sorted(self.replaced[paragraph], reverse=True):
                edit = _minimal(paragraph, texts[paragraph], start, end, text)
                if edit is not None:
                    self.plan.edits.append(edit)
            if self.bases.get(paragraph):
                after = _applied(texts[paragraph], [e for e in self.plan.edits if e.paragraph == paragraph])
                rows.append((paragraph, TableRow(texts[paragraph], after, self.bases[paragraph])))
        for paragraph in sorted(self.deleted):
            self.plan.deleted.append(paragraph)
            deleted = catalogue().text("table.deleted")
            rows.append((paragraph, TableRow(texts[paragraph], deleted, self.bases[paragraph])))
        self.plan.rows[:0] = [row for _, row in sorted(rows, key=lambda r: r[0])]


class _Blank(dict):
    """Template fields the planner does not know stay empty."""

    def __missing__(self, key: str) -> str:
        return ""


def _strengthens(element: ElementResult) -> bool:
    """Whether a missing element's weaker wording shares the official one's opening (坚持中国共产党的领导
    for 坚持中国共产党的全面领导), so that correcting it in place gives the official words."""
    weak = element.weak_evidence
    return (element.required and not element.found and weak is not None
            and weak.match[:2] == element.title[:2])


def _without_missing(finding: Finding, element_id: str) -> Finding:
    from dataclasses import replace

    elements = dict(finding.elements)
    elements[element_id] = replace(elements[element_id], found=True)
    return replace(finding, elements=elements)


def _label_like(old: str, number: int) -> str:
    """Article ``number`` written as ``old`` is (第4条 stays Arabic, 第四条 Chinese)."""
    if any(ch.isdigit() and ch.isascii() for ch in old):
        return f"第{number}条"
    if any("０" <= ch <= "９" for ch in old):
        return "第" + str(number).translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "条"
    return article_label(number)


def _applied(text: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[:edit.start] + edit.text + text[edit.end:]
    return text


def plan_amendment(paragraphs: list[str], result: CheckResult, clause_rule: RuleSpec | None,
                   starts: list[int | None] | None = None) -> Plan:
    """The changes that give the charter whose ``paragraphs`` were checked as ``result`` the clause
    (and the core-values sentence) in 第一章 总则; ``clause_rule`` gives the standard wording when the
    clause only has to move.

    The checker's evidence says where each sentence is, as offsets into the text it read;
    ``starts[i]`` is where paragraph ``i`` begins in that text (None: not there as it is). Without
    ``starts`` the paragraphs are the lines of that text (a plain-text charter)."""
    return _Planner(paragraphs, starts if starts is not None else line_starts(paragraphs), result, clause_rule).run()


def line_starts(lines: list[str]) -> list[int | None]:
    """Where each of ``lines`` begins in ``"\\n".join(lines)``."""
    starts: list[int | None] = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    return starts


def apply_plan(paragraphs: list[str], plan: Plan) -> list[str]:
    """The paragraphs with every change of ``plan`` accepted."""
    out: list[str] = []
    for i, text in enumerate(paragraphs):
        if i not in plan.deleted:
            out.append(_applied(text, [e for e in plan.edits if e.paragraph == i]))
        out.extend(n.text for n in plan.new if n.after == i)
    return out
