"""Running rule packs over one charter: elements -> rule status -> file verdict.

Rule kinds (the kinds are :data:`pbdocs.rules.packs.RULE_KINDS`; ``_EVALUATIONS`` maps each to the
method that evaluates it):

- ``clause``: an obligation the charter must state (the party clause, core values). Elements
  are matched only where the charter speaks for itself; a negated element makes the rule
  ``contradicted``; a rule's alternative arrangement can stand in for some elements.
- ``contents``: items a regulation requires somewhere in the charter (statutory pack).
- ``placement``: where another rule's clause sits (第一章 总则).
- ``mention``: information when something is named (the 党建领导机关).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ..domain import Domain, registry
from ..errors import Notice
from ..messages import catalogue
from ..models import Document
from .identity import charter_name, detect_org_type, judge_kind, subject_word
from .matching import Matcher, TextMatch
from .packs import RULE_KINDS, ElementSpec, Lexicon, Pack, RuleKind, RuleSpec, load_pack
from .results import CheckResult, ElementResult, Finding, Fix
from .structure import Evidence, Layout, Segment

__all__ = ["evaluate", "detect_org_type", "charter_name", "subject_word", "verdict_of", "RULE_KINDS", "RuleKind"]

ALTERNATIVE_CONFIDENCE = 0.9


# -- rule evaluation ------------------------------------------------------------------------------

@dataclass
class _ClauseHits:
    """Where each element of a clause rule was found, refused or only approached."""

    positive: dict[str, list[TextMatch]]
    negated: dict[str, list[TextMatch]]
    weak: dict[str, TextMatch]
    alternative: list[TextMatch]


class _Evaluation:
    def __init__(self, doc: Document, layout: Layout, lexicon: Lexicon, domain: Domain, org_type: str | None,
                 subject: str):
        self.doc = doc
        self.layout = layout
        self.lexicon = lexicon
        self.domain = domain
        self.matcher = Matcher(layout, lexicon, domain.subject_pattern)
        self.org_type = org_type
        self.subject = subject
        self.findings: dict[str, Finding] = {}
        self.homes: dict[str, Segment] = {}
        # A small organization's clause as it reads once its fix is made in place, by rule id: what
        # moves to 第一章 总则 when it stands elsewhere (its arrangement kept).
        self.amended: dict[str, str] = {}

    def _say(self, key: str, **fields: str) -> str:
        return self.domain.message_template(key).format(**fields)

    def _listed(self, items: list[str]) -> str:
        return self.domain.message_template("list_separator").join(items)

    # Places named in fix texts ----------------------------------------------------------------

    def _article_with(self, pattern: str) -> Segment | None:
        chapter = self.layout.general_chapter
        candidates = self.layout.articles_in(chapter) if chapter else [
            s for s in self.layout.segments if s.kind == "article"]
        return next((s for s in candidates if re.search(pattern, self.layout.text[s.start:s.end])), None)

    def _place(self, name: str) -> str:
        place = self.domain.places[name]
        segment = self._article_with(place.pattern)
        if segment is not None:
            return place.found.format(label=segment.label)
        first = self.layout.first_article if self.layout.starts_mid_charter else None
        # An excerpt from mid-charter has no 总则 to point into: say so rather than guess.
        return place.excerpt.format(first=first.label) if first is not None and place.excerpt else place.missing

    def _places(self, article: str | None = None, missing: str = "", clause: str = "") -> dict[str, str]:
        purpose = self._place("purpose")
        return {
            "subject": self.subject,
            "after": purpose,
            "purpose": purpose,
            "supervision": self._place("supervision"),
            "article": article or self.domain.fix_template("article_missing"),
            "missing": missing,
            "clause": clause,
        }

    def _fix(self, rule: RuleSpec, **places: str) -> Fix | None:
        if not rule.fix_text:
            return None
        values = self._places(**places)
        return Fix(rule.fix_text.format(**values), (rule.fix_where or "").format(**values))

    # Kinds ------------------------------------------------------------------------------------

    def clause(self, rule: RuleSpec) -> Finding:
        hits = self._clause_hits(rule)
        home = self._home_segment(hits.positive, hits.alternative, rule)
        if home is not None:
            self.homes[rule.id] = home
        elements = {e.id: self._clause_element(rule, e, hits, home) for e in rule.elements}
        return self._clause_finding(rule, elements, home)

    def _clause_hits(self, rule: RuleSpec) -> _ClauseHits:
        matcher = self.matcher
        hits = _ClauseHits({}, {}, {}, [])
        for element in rule.elements:
            found = matcher.regex_hits(element, element.patterns, obligations=True)
            if element.paraphrases:
                seen = {(h.start, h.end) for h in found}
                found += [h for h in matcher.regex_hits(element, element.paraphrases, obligations=True, paraphrase=True)
                          if (h.start, h.end) not in seen]
            if element.unless:
                found = [h for h in found if not self._goes_on_to(h, element.unless)]
            if not found and element.weak:
                weak = [h for h in matcher.regex_hits(element, element.weak, obligations=True) if not h.negated]
                if weak:
                    hits.weak[element.id] = weak[0]
            if not found and element.id not in hits.weak:
                found = matcher.fuzzy_hits(element)
            hits.positive[element.id] = [h for h in found if not h.negated]
            hits.negated[element.id] = [h for h in found if h.negated]
        if rule.alternative:
            probe = ElementSpec("alternative", rule.alternative.title, None, rule.alternative.patterns)
            hits.alternative = [h for h in matcher.regex_hits(probe, probe.patterns, obligations=True)
                                if not h.negated]
            excused = {id(self.layout.segment_at(h.start)) for h in hits.alternative}
            for element_id in rule.alternative.replaces:
                # 暂不具备单独建立党组织的条件 beside a named replacement is the alternative itself.
                hits.negated[element_id] = [h for h in hits.negated[element_id]
                                            if id(self.layout.segment_at(h.start)) not in excused]
        return hits

    def _goes_on_to(self, hit: TextMatch, patterns: tuple[str, ...]) -> bool:
        """Whether the sentence of ``hit`` goes on, after it, to one of ``patterns``."""
        _, end = self.layout.sentence(hit.start, hit.end)
        return any(re.search(p, self.layout.text[hit.end:end]) for p in patterns)

    def _clause_element(self, rule: RuleSpec, element: ElementSpec, hits: _ClauseHits,
                        home: Segment | None) -> ElementResult:
        layout = self.layout
        result = ElementResult(element.id, element.title, False, 0.0, required=element.required,
                               statute_article=element.article)
        chosen = self._choose(hits.positive[element.id], home)
        if chosen:
            result.found, result.confidence, result.method = True, chosen.confidence, chosen.method
            result.evidence = layout.evidence(chosen.start, chosen.end)
        elif (rule.alternative and element.id in rule.alternative.replaces
              and (alt := self._choose(hits.alternative, home)) is not None):
            result.found, result.confidence, result.method = True, ALTERNATIVE_CONFIDENCE, "alternative"
            result.evidence = layout.evidence(alt.start, alt.end)
            result.note = self._say("note_alternative", title=rule.alternative.title)
        if hits.negated[element.id]:
            hit = hits.negated[element.id][0]
            result.negated_evidence = layout.evidence(hit.start, hit.end)
            result.note = self._say("note_negated", match=result.negated_evidence.match)
        if not result.found and element.id in hits.weak:
            hit = hits.weak[element.id]
            result.weak_evidence = layout.evidence(hit.start, hit.end)
            result.confidence = hit.confidence / 2
            result.note = self._say("note_weak", match=result.weak_evidence.match,
                                    canonical=element.canonical or element.title)
        return result

    def _clause_finding(self, rule: RuleSpec, elements: dict[str, ElementResult], home: Segment | None) -> Finding:
        required = [e for e in elements.values() if e.required]
        found = [e for e in required if e.found]
        article = home.label if home else None
        chapter = home.chapter.display if home and home.chapter else None
        bad = next((e.negated_evidence for e in required if e.negated_evidence), None)
        fix: Fix | None
        if bad is not None:
            status, article, chapter = "contradicted", bad.article, bad.chapter
            message = self._say("clause_contradicted", title=rule.title, text=bad.text) + self._at(bad.article)
            fix = self._fix(rule)
            if fix and bad.article:
                fix = Fix(fix.text, self.domain.fix_template("replace_contradicted").format(article=bad.article))
        elif len(found) == len(required):
            status, fix = "present", None
            message = self._say("clause_present", title=rule.title) + self._at(article)
        elif found:
            # A weaker wording alone (坚持中国共产党的领导, 在中国共产党领导下) is reported in its
            # element's note but, as CLAUSES.md says, is not the clause by itself.
            status, fix = "partial", self._fix(rule)
            missing = self._listed([e.title for e in required if not e.found])
            message = self._say("clause_partial", title=rule.title, missing=missing)
            if fix and article and home is not None:
                fix = self._words_to_add(rule, elements, home) or Fix(
                    fix.text, self.domain.fix_template("replace_partial").format(article=article))
        else:
            status, message, fix = "missing", self._say("clause_missing", title=rule.title), self._fix(rule)
        return Finding(rule.id, rule.title, rule.severity, status, rule.basis, elements, fix, message,
                       article, chapter, rule.gate, rule.primary)

    def _words_to_add(self, rule: RuleSpec, elements: dict[str, ElementResult], home: Segment) -> Fix | None:
        """The fix of a partial clause whose article says more than the clause: a small
        organization's arrangement (党建工作指导员...), an approval (经上级党组织批准), a named
        branch. Replacing the article with the standard clause would delete that, so a weaker
        wording of the missing words is corrected in place and other missing words are added to
        the article. None when the article holds nothing but the clause (it is replaced)."""
        missing = [e for e in elements.values() if e.required and not e.found]
        weak = [e for e in missing if e.weak_evidence is not None]
        if not missing:
            return None
        body = self.layout.text[home.body_start:home.end]
        if any(e.method == "alternative" for e in elements.values()) or (
                rule.alternative and any(re.search(p, body) for p in rule.alternative.patterns)):
            kept = f"{rule.alternative.title}安排" if rule.alternative else ""
        else:
            extra = self._beyond_clause(home, elements)
            if not extra:
                return None
            kept = "“" + "”“".join(extra) + "”"
        article = home.label or ""
        wording = {e.id: s.canonical or s.title for s in rule.elements for e in missing if s.id == e.id}
        words = self.domain.message_template("list_separator").join(wording[e.id] for e in missing)
        added = self.domain.fix_template("add_words").format(subject=self.subject, words=words)
        if len(weak) == len(missing):
            fix = Fix("；".join(wording[e.id] for e in weak), self.domain.fix_template("amend_weak").format(
                article=article, weak="”“".join(e.weak_evidence.match for e in weak if e.weak_evidence)))
            added = ""
        else:
            fix = Fix(added, self.domain.fix_template("add_to_article").format(article=article, kept=kept))
        self.amended[rule.id] = self._amended_clause(elements, wording) + added
        return fix

    def _beyond_clause(self, home: Segment, elements: dict[str, ElementResult]) -> list[str]:
        """What the clause's article says besides the clause's own words (经上级党组织批准, the
        name of its branch...): stretches of at least four Han characters left once the elements
        found there, the subject word and punctuation are taken out."""
        layout = self.layout
        text = list(layout.text[home.body_start:home.end])
        for element in elements.values():
            for evidence in (element.evidence, element.weak_evidence):
                if evidence is None or not (home.start <= layout.to_norm(evidence.match_start) < home.end):
                    continue
                a, b = layout.to_norm(evidence.match_start), layout.to_norm(evidence.match_end)
                for i in range(max(a, home.body_start), min(b, home.end)):
                    text[i - home.body_start] = " "
        rest = self.domain.subject_pattern.sub(" ", "".join(text))
        return [run for run in re.findall(r"[\u4e00-\u9fff]{4,}", rest)][:2]

    def _amended_clause(self, elements: dict[str, ElementResult], wording: dict[str, str]) -> str:
        """The clause's sentences as written, each once and in order, with every weaker wording of a
        missing element corrected to the official one."""
        sentences: dict[str, str] = {}
        spots = [(e.evidence, None) for e in elements.values() if e.found and e.evidence] + [
            (e.weak_evidence, e.id) for e in elements.values() if not e.found and e.weak_evidence]
        for evidence, weak_id in sorted(spots, key=lambda spot: spot[0].start):
            text = sentences.setdefault(evidence.text, evidence.text)
            if weak_id in wording:
                sentences[evidence.text] = text.replace(evidence.match, wording[weak_id], 1)
        return "".join(sentences.values())

    def _at(self, article: str | None) -> str:
        return self._say("at_article", article=article) if article else ""

    def _home_segment(
        self, positive: dict[str, list[TextMatch]], alternative: list[TextMatch], rule: RuleSpec
    ) -> Segment | None:
        """The article holding most of the clause's elements (earliest on a tie)."""
        tally: Counter = Counter()
        order: dict[int, Segment] = {}
        for element in rule.elements:
            hits = positive[element.id]
            if not hits and rule.alternative and element.id in rule.alternative.replaces:
                hits = alternative
            for seg_id in {id(s) for h in hits if (s := self.layout.segment_at(h.start))}:
                tally[seg_id] += 1
            for h in hits:
                seg = self.layout.segment_at(h.start)
                if seg is not None:
                    order[id(seg)] = seg
        if not tally:
            return None
        best = max(tally.values())
        return min((order[i] for i, n in tally.items() if n == best), key=lambda s: s.start)

    def _choose(self, hits: list[TextMatch], home: Segment | None) -> TextMatch | None:
        if not hits:
            return None
        at_home = [h for h in hits if home is not None and home.start <= h.start < home.end]
        return max(at_home or hits, key=lambda h: (h.confidence, -h.start))

    def contents(self, rule: RuleSpec) -> Finding:
        elements: dict[str, ElementResult] = {}
        for element in rule.elements:
            hits = self.matcher.regex_hits(element, element.patterns, obligations=False)
            result = ElementResult(element.id, element.title, False, 0.0, required=element.required,
                                   statute_article=element.article)
            if hits:
                # An article saying it beats a chapter heading naming it.
                best = max(hits, key=lambda h: (self._in_article(h), h.confidence, -h.start))
                result.found, result.confidence, result.method = True, best.confidence, best.method
                result.evidence = self.layout.evidence(best.start, best.end)
            elements[element.id] = result
        required = [e for e in elements.values() if e.required]
        found = [e for e in required if e.found]
        missing = [e for e in required if not e.found]
        status = "present" if not missing else ("partial" if found else "missing")
        basis = rule.basis.article or ""
        if missing:
            listed = self._listed([self._say("contents_item", title=e.title, article=e.statute_article)
                                   if e.statute_article else e.title for e in missing])
            message = self._say("contents_missing", basis=basis, missing=listed)
            fix = self._fix(rule, missing=self._listed([e.title for e in missing]))
        else:
            message, fix = self._say("contents_present", basis=basis), None
        return Finding(rule.id, rule.title, rule.severity, status, rule.basis, elements, fix, message,
                       None, None, rule.gate, rule.primary)

    def _in_article(self, hit: TextMatch) -> bool:
        segment = self.layout.segment_at(hit.start)
        return segment is not None and segment.kind == "article"

    def placement(self, rule: RuleSpec) -> Finding:
        def finding(status: str, message: str, article: str | None = None, chapter: str | None = None,
                    fix: Fix | None = None) -> Finding:
            return Finding(rule.id, rule.title, rule.severity, status, rule.basis, {}, fix, message,
                           article, chapter, rule.gate, rule.primary)

        target = self.findings.get(rule.target or "")
        segment = self.homes.get(rule.target or "")
        if target is None or target.status not in ("present", "partial") or segment is None:
            return finding("missing", self._say("placement_nothing"))
        article = target.article or target.title
        if not self.layout.chapters:
            return finding("present", self._say("placement_no_chapters", article=article), target.article)
        if segment.chapter is not None and segment.chapter.is_general:
            general = segment.chapter.display
            return finding("present", self._say("placement_present", article=article, chapter=general),
                           target.article, general)
        chapter = segment.chapter.display if segment.chapter else None
        where = chapter or self._say("placement_before_body")
        message = self._say("placement_elsewhere", title=target.title, where=where, article=article)
        # What moves is the charter's own clause (its sentences as written), or the standard clause
        # when the clause must be rewritten anyway: text to insert, never an instruction.
        sentences = dict.fromkeys(e.evidence.text for e in target.elements.values() if e.found and e.evidence)
        clause = self.amended.get(target.rule) or (target.fix.text if target.fix else "".join(sentences))
        fix = self._fix(rule, article=target.article or "", clause=clause)
        return finding("missing", message, target.article, chapter, fix)

    def mention(self, rule: RuleSpec) -> Finding:
        elements: dict[str, ElementResult] = {}
        named: list[Evidence] = []
        for element in rule.elements:
            hits = self.matcher.regex_hits(element, element.patterns, obligations=False)
            result = ElementResult(element.id, element.title, False, 0.0, required=element.required)
            if hits:
                hit = hits[0]
                result.found, result.confidence, result.method = True, hit.confidence, hit.method
                result.evidence = self.layout.evidence(hit.start, hit.end)
                named.append(result.evidence)
            elements[element.id] = result
        if named:
            first = named[0]
            message = self.domain.message_template("mention_separator").join(e.match for e in named)
            return Finding(rule.id, rule.title, rule.severity, "present", rule.basis, elements, None,
                           message, first.article, first.chapter, rule.gate, rule.primary)
        return Finding(rule.id, rule.title, rule.severity, "missing", rule.basis, elements, self._fix(rule),
                       self._say("mention_missing", title=rule.title), None, None, rule.gate, rule.primary)


# How each kind of rule pbdocs.rules.packs admits is evaluated.
_EVALUATIONS: Mapping[str, Callable[[_Evaluation, RuleSpec], Finding]] = MappingProxyType({
    "clause": _Evaluation.clause,
    "contents": _Evaluation.contents,
    "placement": _Evaluation.placement,
    "mention": _Evaluation.mention,
})
assert set(_EVALUATIONS) == set(RULE_KINDS), "every kind of rule a pack may use needs its evaluation"


def verdict_of(findings: list[Finding]) -> str:
    """compliant when every gate rule is present; missing when the primary rule is missing."""
    gates = [f for f in findings if f.gate]
    if not gates:
        return "partial"
    if any(f.status == "contradicted" for f in gates):
        return "contradicted"
    primary = next((f for f in gates if f.primary), gates[0])
    if primary.status == "missing":
        return "missing"
    if all(f.status == "present" for f in gates):
        return "compliant"
    return "partial"


def _run(run: _Evaluation, rules: list[RuleSpec], detected: str | None) -> tuple[list[Finding], list[Notice]]:
    """Every rule that applies to the organization type; rules reading another rule's finding last."""
    warnings: list[Notice] = []
    skipped_for_type = False
    for rule in sorted(rules, key=lambda r: RULE_KINDS[r.kind].reads_target):
        if rule.org_types and detected not in rule.org_types:
            skipped_for_type = skipped_for_type or detected is None
            continue
        run.findings[rule.id] = _EVALUATIONS[rule.kind](run, rule)
    if skipped_for_type:
        warnings.append(Notice.of("warn.org_type_unknown"))
    return [run.findings[r.id] for r in rules if r.id in run.findings], warnings


def evaluate(doc: Document, packs: list[Pack], lexicon: Lexicon, org_type: str | None,
             kind: str | None = None) -> CheckResult:
    """Check ``doc``: its kind first (``kind`` forces it), then, for a social-organization charter,
    ``packs``; any other kind is ``not_applicable`` and only its own pack (if any) runs."""
    domain = registry()
    layout = Layout(doc)
    name = charter_name(doc, layout)
    judgement = None if kind else judge_kind(doc, layout, domain, name)
    document_kind = domain.kind(kind) if kind else judgement.kind  # type: ignore[union-attr]
    evidence = judgement.evidence if judgement else []
    if document_kind != domain.default_kind:
        subject = document_kind.subject or subject_word(layout, domain, None, name)
        run = _Evaluation(doc, layout, lexicon, domain, None, subject)
        own = load_pack(document_kind.pack).rules if document_kind.pack else ()
        findings, _ = _run(run, list(own), None)
        return CheckResult(path=doc.path, verdict="not_applicable", name=name, findings=findings,
                           ocr_pages=doc.ocr_pages, subject=subject, kind=document_kind.code,
                           reason=catalogue().label("kind_reasons", document_kind.code), kind_evidence=evidence)
    detected = org_type or detect_org_type(layout, domain, name)
    subject = subject_word(layout, domain, detected, name)
    run = _Evaluation(doc, layout, lexicon, domain, detected, subject)
    findings, warnings = _run(run, [r for p in packs for r in p.rules], detected)
    return CheckResult(
        path=doc.path,
        verdict=verdict_of(findings),
        org_type=detected,
        name=name,
        findings=findings,
        ocr_pages=doc.ocr_pages,
        subject=subject,
        warnings=warnings,
        kind=document_kind.code,
        kind_evidence=evidence,
    )
