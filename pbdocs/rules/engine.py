"""Running rule packs over one charter: elements -> rule status -> file verdict.

Rule kinds:

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

from ..models import Document
from .matching import Hit, Matcher
from .packs import ElementSpec, Lexicon, Pack, RuleSpec
from .results import CheckResult, ElementResult, Finding, Fix
from .structure import Layout, Segment

__all__ = ["evaluate", "detect_org_type", "charter_name", "subject_word", "verdict_of"]

ALTERNATIVE_CONFIDENCE = 0.9
_NAME_SENTENCE = re.compile(r"(?:名称|中文名称)(?:是|为)?:?[“\"「《]?([^,。;:”\"」》(]{2,40})")
_TITLE_SUFFIX = re.compile(r"^(.{2,60}?)章程(?:\(.*\))?(?:草案|修订稿|修正案)?$")


# -- who the charter is ---------------------------------------------------------------------------

def charter_name(doc: Document, layout: Layout) -> str | None:
    """The organization's name: from 本会的名称是XXX, else from the title line XXX章程."""
    head = layout.text[:3000]
    m = _NAME_SENTENCE.search(head)
    if m:
        return m.group(1).strip()
    from ..normalize import normalize

    for line in doc.text.splitlines()[:10]:
        line = normalize(line).text
        if not line:
            continue
        t = _TITLE_SUFFIX.match(line)
        if t:
            return t.group(1)
    return None


def detect_org_type(layout: Layout, lexicon: Lexicon, name: str | None) -> str | None:
    """社会团体, 基金会 or 社会服务机构, from how the charter describes itself, else its name."""
    head = layout.text[:4000]
    for sentence in re.split(r"[。;]", head):
        if "名称" in sentence:
            continue  # 本会的名称是XX协会 names it; the name is the fallback below
        best: tuple[int, str] | None = None
        for org_type in lexicon.org_type_order:
            for m in re.finditer(lexicon.org_type_self[org_type], sentence):
                if (re.search(lexicon.org_type_other_subject, sentence[:m.start() + 1])
                        or re.match(lexicon.org_type_founder_after, sentence[m.end():])):
                    continue
                # "本会是由XX基金会发起的社会团体": the noun that ends the description wins.
                if best is None or m.end() > best[0]:
                    best = (m.end(), org_type)
        if best:
            return best[1]
    if name:
        for org_type in lexicon.org_type_order:
            if re.search(lexicon.org_type_name[org_type], name):
                return org_type
    return None


def subject_word(layout: Layout, lexicon: Lexicon, org_type: str | None) -> str:
    """How the charter calls itself (本会, 本基金会, 本中心...): its most frequent 本X."""
    counts = Counter(m.group() for m in lexicon.subject_pattern.finditer(layout.text))
    if counts:
        return counts.most_common(1)[0][0]
    return lexicon.default_subjects.get(org_type or "", "本会")


# -- rule evaluation ------------------------------------------------------------------------------

class _Evaluation:
    def __init__(self, doc: Document, layout: Layout, lexicon: Lexicon, org_type: str | None, subject: str):
        self.doc = doc
        self.layout = layout
        self.lexicon = lexicon
        self.matcher = Matcher(layout, lexicon)
        self.org_type = org_type
        self.subject = subject
        self.findings: dict[str, Finding] = {}
        self.homes: dict[str, Segment] = {}

    # Places named in fix texts ----------------------------------------------------------------

    def _article_with(self, pattern: str) -> Segment | None:
        chapter = self.layout.general_chapter
        candidates = self.layout.articles_in(chapter) if chapter else [
            s for s in self.layout.segments if s.kind == "article"]
        return next((s for s in candidates if re.search(pattern, self.layout.text[s.start:s.end])), None)

    def _places(self, article: str | None = None, missing: str = "") -> dict[str, str]:
        purpose = self._article_with("宗旨")
        supervision = self._article_with("登记管理机关|业务主管单位")
        return {
            "subject": self.subject,
            "after": f"{purpose.label}（宗旨）" if purpose else "宗旨条款",
            "purpose": f"{purpose.label}（宗旨）" if purpose else "宗旨条款",
            "supervision": f"{supervision.label}（登记管理机关、业务主管单位）" if supervision
            else "登记管理机关和业务主管单位条款",
            "article": article or "该条款",
            "missing": missing,
        }

    def _fix(self, rule: RuleSpec, **places: str) -> Fix | None:
        if not rule.fix_text:
            return None
        values = self._places(**places)
        return Fix(rule.fix_text.format(**values), (rule.fix_where or "").format(**values))

    # Kinds ------------------------------------------------------------------------------------

    def clause(self, rule: RuleSpec) -> Finding:
        matcher, layout = self.matcher, self.layout
        positive: dict[str, list[Hit]] = {}
        negated: dict[str, list[Hit]] = {}
        weak: dict[str, Hit] = {}
        for element in rule.elements:
            hits = matcher.regex_hits(element, element.patterns, obligations=True)
            if not hits and element.weak:
                weak_hits = [h for h in matcher.regex_hits(element, element.weak, obligations=True) if not h.negated]
                if weak_hits:
                    weak[element.id] = weak_hits[0]
            if not hits and element.id not in weak:
                hits = matcher.fuzzy_hits(element)
            positive[element.id] = [h for h in hits if not h.negated]
            negated[element.id] = [h for h in hits if h.negated]

        alternative_hits: list[Hit] = []
        if rule.alternative:
            probe = ElementSpec("alternative", rule.alternative.title, None, rule.alternative.patterns)
            alternative_hits = [h for h in matcher.regex_hits(probe, probe.patterns, obligations=True)
                                if not h.negated]
            excused = {id(layout.segment_at(h.start)) for h in alternative_hits}
            for element_id in rule.alternative.replaces:
                # 暂不具备单独建立党组织的条件 beside a named replacement is the alternative itself.
                negated[element_id] = [h for h in negated[element_id]
                                       if id(layout.segment_at(h.start)) not in excused]

        home = self._home_segment(positive, alternative_hits, rule)
        if home is not None:
            self.homes[rule.id] = home
        elements: dict[str, ElementResult] = {}
        for element in rule.elements:
            result = ElementResult(element.id, element.title, False, 0.0, required=element.required,
                                   statute_article=element.article)
            chosen = self._choose(positive[element.id], home)
            if chosen:
                result.found, result.confidence, result.method = True, chosen.confidence, chosen.method
                result.evidence = layout.evidence(chosen.start, chosen.end)
            elif rule.alternative and element.id in rule.alternative.replaces and alternative_hits:
                alt = self._choose(alternative_hits, home)
                result.found, result.confidence, result.method = True, ALTERNATIVE_CONFIDENCE, "alternative"
                result.evidence = layout.evidence(alt.start, alt.end)
                result.note = f"小型组织替代安排（{rule.alternative.title}）"
            if negated[element.id]:
                hit = negated[element.id][0]
                result.negated_evidence = layout.evidence(hit.start, hit.end)
                result.note = f"否定或推迟的表述：{result.negated_evidence.match}"
            if not result.found and element.id in weak:
                hit = weak[element.id]
                result.weak_evidence = layout.evidence(hit.start, hit.end)
                result.confidence = hit.confidence / 2
                result.note = f"较弱的表述「{result.weak_evidence.match}」不等于「{element.canonical or element.title}」"
            elements[element.id] = result

        required = [e for e in elements.values() if e.required]
        contradicted = any(e.negated_evidence for e in required)
        found = [e for e in required if e.found]
        if contradicted:
            status = "contradicted"
        elif len(found) == len(required):
            status = "present"
        elif found:
            # A weaker wording alone (坚持中国共产党的领导, 在中国共产党领导下) is reported in its
            # element's note but, as CLAUSES.md says, is not the clause by itself.
            status = "partial"
        else:
            status = "missing"

        article = home.label if home else None
        chapter = home.chapter.display if home and home.chapter else None
        missing_titles = [e.title for e in required if not e.found]
        if status == "present":
            message, fix = f"{rule.title}完整" + (f"（{article}）" if article else ""), None
        elif status == "contradicted":
            bad = next(e for e in required if e.negated_evidence).negated_evidence
            article, chapter = bad.article, bad.chapter
            message = f"{rule.title}被否定或推迟：「{bad.text}」" + (f"（{bad.article}）" if bad.article else "")
            fix = self._fix(rule)
            if fix and bad.article:
                fix = Fix(fix.text, f"替换{bad.article}（删除否定或推迟的表述）")
        elif status == "partial":
            message = f"{rule.title}不完整，缺少：" + "、".join(missing_titles)
            fix = self._fix(rule)
            if fix and article:
                fix = Fix(fix.text, f"替换{article}的现有表述")
        else:
            message, fix = f"未找到{rule.title}", self._fix(rule)
        return Finding(rule.id, rule.title, rule.severity, status, rule.basis, elements, fix, message,
                       article, chapter, rule.gate, rule.primary)

    def _home_segment(self, positive: dict[str, list[Hit]], alternative: list[Hit], rule: RuleSpec) -> Segment | None:
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

    def _choose(self, hits: list[Hit], home: Segment | None) -> Hit | None:
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
        if missing:
            listed = "、".join(f"{e.title}（{e.statute_article}）" if e.statute_article else e.title for e in missing)
            message = f"缺少{rule.basis.article or ''}规定的事项：{listed}"
            fix = self._fix(rule, missing="、".join(e.title for e in missing))
        else:
            message, fix = f"{rule.basis.article or ''}规定的事项齐全", None
        return Finding(rule.id, rule.title, rule.severity, status, rule.basis, elements, fix, message,
                       None, None, rule.gate, rule.primary)

    def _in_article(self, hit: Hit) -> bool:
        segment = self.layout.segment_at(hit.start)
        return segment is not None and segment.kind == "article"

    def placement(self, rule: RuleSpec) -> Finding:
        target = self.findings.get(rule.target or "")
        base = dict(rule=rule.id, title=rule.title, severity=rule.severity, basis=rule.basis,
                    gate=rule.gate, primary=rule.primary)
        segment = self.homes.get(rule.target or "")
        if target is None or target.status not in ("present", "partial") or segment is None:
            return Finding(status="missing", message="没有可核对位置的条款", **base)
        if not self.layout.chapters:
            return Finding(status="present", message=f"章程未分章，{target.article}的位置无法按章核对",
                           article=target.article, **base)
        if segment.chapter is not None and segment.chapter.is_general:
            return Finding(status="present", message=f"{target.article}位于{segment.chapter.display}",
                           article=target.article, chapter=segment.chapter.display, **base)
        where = segment.chapter.display if segment.chapter else "章程正文之前"
        return Finding(status="missing", message=f"{target.title}位于{where}（{target.article}），应在第一章 总则",
                       article=target.article, chapter=segment.chapter.display if segment.chapter else None,
                       fix=self._fix(rule, article=target.article), **base)

    def mention(self, rule: RuleSpec) -> Finding:
        elements: dict[str, ElementResult] = {}
        named: list[str] = []
        for element in rule.elements:
            hits = self.matcher.regex_hits(element, element.patterns, obligations=False)
            result = ElementResult(element.id, element.title, False, 0.0, required=element.required)
            if hits:
                hit = hits[0]
                result.found, result.confidence, result.method = True, hit.confidence, hit.method
                result.evidence = self.layout.evidence(hit.start, hit.end)
                named.append(result.evidence.match)
            elements[element.id] = result
        if named:
            first = next(e for e in elements.values() if e.found).evidence
            return Finding(rule.id, rule.title, rule.severity, "present", rule.basis, elements, None,
                           "；".join(named), first.article, first.chapter, rule.gate, rule.primary)
        return Finding(rule.id, rule.title, rule.severity, "missing", rule.basis, elements, self._fix(rule),
                       f"未写明{rule.title}", None, None, rule.gate, rule.primary)


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


_ORDER = {"clause": 0, "contents": 1, "mention": 2, "placement": 3}


def evaluate(doc: Document, packs: list[Pack], lexicon: Lexicon, org_type: str | None) -> CheckResult:
    layout = Layout(doc)
    name = charter_name(doc, layout)
    detected = org_type or detect_org_type(layout, lexicon, name)
    subject = subject_word(layout, lexicon, detected)
    run = _Evaluation(doc, layout, lexicon, detected, subject)
    warnings: list[str] = []
    rules = [r for p in packs for r in p.rules]
    skipped_for_type = False
    # Placement reads other findings, so it runs last; output keeps the packs' order.
    for rule in sorted(rules, key=lambda r: _ORDER[r.kind]):
        if rule.org_types and detected not in rule.org_types:
            skipped_for_type = skipped_for_type or detected is None
            continue
        run.findings[rule.id] = getattr(run, rule.kind)(rule)
    if skipped_for_type:
        warnings.append("organization type not recognized: rules for a specific type were skipped "
                        "(give --org-type)")
    findings = [run.findings[r.id] for r in rules if r.id in run.findings]
    return CheckResult(
        path=doc.path,
        verdict=verdict_of(findings),
        org_type=detected,
        name=name,
        findings=findings,
        ocr_pages=doc.ocr_pages,
        subject=subject,
        warnings=warnings,
    )
