"""The wording of a check result, for every place a person reads one.

The verdict line (with its misplacement), the elements and the sentences they rest on, where they
stand, the fix, the legal basis, the reason a file could not be read, and whether a charter needs a
review opinion are decided here once, from the typed :class:`~pbdocs.rules.CheckResult`; the CLI
(``pbdocs check``), the screening reports, the web page, the office workspace and the review opinions
only lay them out. The sentences themselves are the catalogue's (``pbdocs/data/messages.toml``), in the
section of the medium they appear in (``check``, ``report``, ``opinion``).
"""
from __future__ import annotations

from typing import Any

from .domain import registry
from .messages import catalogue
from .rules.results import CheckResult, Finding
from .rules.structure import Evidence

__all__ = [
    "NO_OPINION_VERDICTS", "misplaced", "verdict_text", "error_text", "rule_title", "evidence_place", "page_place",
    "finding_place", "quotes", "fix_sentence", "fix_lines", "basis_lines", "clause_where", "clause_place",
    "page_view", "page_object", "clause_evidence", "body_text", "shortfalls", "needs_opinion", "check_lines",
]

# Verdicts that ask nothing of the organization: a review opinion is written for none of them (an
# officer's reviewed verdict included).
NO_OPINION_VERDICTS = frozenset({"compliant", "error", "not_applicable"})
# Where the CLI's element line quotes the matched words, and how long its sentence quotes run.
_MATCH_QUOTE, _SENTENCE_QUOTE = 30, 90
# The catalogue sentence of a fix, by medium and kind of fix (domain.toml's fix kinds, and for
# opinions whether it is charter text to add or replace or an instruction to follow).
_FIX_KEYS = {
    "check": {"amend_weak": "check.fix_amend"},
    "report": {"amend_weak": "report.fix_amend"},
    "opinion": {"amend_weak": "opinion.amend", "add_to_article": "opinion.add", "instruction": "opinion.instruction",
                "replace": "opinion.replace", "add": "opinion.add"},
}
_FIX_DEFAULT = {"check": "check.fix", "report": "report.fix", "opinion": "opinion.add"}


def misplaced(result: CheckResult) -> bool:
    """The clause stands, but outside 第一章 总则 (the placement rule names the article it found)."""
    placement = result.finding(registry().rule_ids.placement)
    return placement is not None and placement.status == "missing" and bool(placement.article)


def verdict_text(result: CheckResult) -> str:
    """The verdict as people read it, with the misplacement when the clause is outside 总则."""
    zh = catalogue()
    label = zh.label("verdicts", result.verdict)
    return zh.text("report.misplaced_verdict", verdict=label) if misplaced(result) else label


def error_text(result: CheckResult) -> str:
    """Why the file could not be read, in Chinese ("" for a file that was)."""
    return result.error_text or ""


def rule_title(finding: Finding) -> str:
    return finding.title or catalogue().label("rules", finding.rule)


def evidence_place(evidence: Evidence) -> str:
    """第二章，第十条，第3页: chapter, article and page of a sentence."""
    zh = catalogue()
    parts = [p for p in (evidence.chapter, evidence.article) if p] + [zh.text("check.page", page=evidence.page)]
    return zh.text("check.place_separator").join(parts)


def page_place(evidence: Evidence) -> str:
    """第1页 第八条: the short place the HTML report gives beside a quoted sentence."""
    where = [catalogue().text("check.page", page=evidence.page)] if evidence.page else []
    return " ".join(where + ([evidence.article] if evidence.article else []))


def finding_place(finding: Finding) -> str:
    """第一章，第三条: where a finding's rule looked, when it quotes no sentence."""
    return catalogue().text("check.place_separator").join(p for p in (finding.chapter, finding.article) if p)


def quotes(finding: Finding, refusals: bool = True) -> list[Evidence]:
    """The sentences a finding rests on, each once, element by element; with ``refusals`` also the
    wordings that refuse an element or only approach it."""
    seen: dict[tuple[int, int], Evidence] = {}
    for element in finding.elements.values():
        found = (element.evidence, element.negated_evidence, element.weak_evidence) if refusals \
            else (element.evidence,)
        for evidence in found:
            if evidence is not None:
                seen.setdefault((evidence.start, evidence.end), evidence)
    return list(seen.values())


def _fix_kind(finding: Finding, subject: str | None) -> str:
    assert finding.fix is not None
    kind = registry().fix_kind(finding.fix.where) or ""
    if kind in ("amend_weak", "add_to_article") or subject is None:
        return kind
    # Clause templates begin with the charter's subject word (本会...): charter text to quote.
    # Anything else (move an article, supplement the statutory items) is an instruction.
    if not finding.fix.text.startswith(subject):
        return "instruction"
    return "replace" if finding.status in ("partial", "contradicted") else "add"


def fix_sentence(finding: Finding, medium: str, subject: str | None = None) -> str | None:
    """The finding's fix in the words of ``medium`` (check, report, opinion); opinions tell charter
    text (after the ``subject`` word, 本会...) from instructions. None when there is no fix."""
    if finding.fix is None:
        return None
    kind = _fix_kind(finding, subject if medium == "opinion" else None)
    key = _FIX_KEYS[medium].get(kind, _FIX_DEFAULT[medium])
    return catalogue().text(key, title=rule_title(finding), where=finding.fix.where, text=finding.fix.text)


def fix_lines(result: CheckResult, medium: str = "report") -> list[str]:
    """The fix of every finding that falls short."""
    return [fix_sentence(f, medium) or "" for f in result.findings
            if f.status != "present" and f.fix is not None and f.fix.text]


def basis_lines(result: CheckResult) -> list[str]:
    """The legal basis of every finding that falls short, each once."""
    cited = (f.basis.cite() for f in result.findings if f.status != "present" and f.basis.title)
    return list(dict.fromkeys(cited))


def clause_where(result: CheckResult) -> str:
    """Where the party clause stands: 第一章 总则 第三条 ("" when the charter has none)."""
    clause = result.finding(registry().rule_ids.party_clause)
    return " ".join(p for p in (clause.chapter, clause.article) if p) if clause else ""


def clause_place(result: CheckResult) -> str:
    """Where the party clause stands, flagged when outside 总则 (the reports' column)."""
    where = clause_where(result)
    return catalogue().text("report.misplaced_place", where=where) if misplaced(result) else where


def page_view(result: CheckResult) -> dict[str, Any]:
    """What the web page shows of a result beyond its check object, worded here: whether the
    clause stands outside 总则, where it stands, each finding's legal basis as cited, and where each
    element found stands (第1页 第八条)."""
    return {"misplaced": misplaced(result), "placement": clause_where(result),
            "bases": {f.rule: f.basis.cite() for f in result.findings},
            "places": {f.rule: {key: page_place(e.evidence) for key, e in f.elements.items() if e.found and e.evidence}
                       for f in result.findings}}


def page_object(result: CheckResult) -> dict[str, Any]:
    """The object the web page gets for a result: the ``pbdocs check --format json`` object, with
    ``shown`` (:func:`page_view`)."""
    return {**result.as_dict(), "shown": page_view(result)}


def clause_evidence(result: CheckResult) -> list[str]:
    """The party clause's sentences as the charter wrote them (the refusal or weaker wording if that
    is all there is), each once."""
    clause = result.finding(registry().rule_ids.party_clause)
    return list(dict.fromkeys(e.text for e in quotes(clause) if e.text)) if clause else []


def body_text(result: CheckResult) -> str:
    """What the charter says of the party-building body (党建领导机关), or that it names none."""
    finding = result.finding(registry().rule_ids.party_building_body)
    if finding is None:
        return ""
    return finding.message if finding.status == "present" else catalogue().text("report.body_missing")


def shortfalls(result: CheckResult) -> list[Finding]:
    """Findings the organization must act on: short of present, with something to say or do."""
    return [f for f in result.findings if f.status != "present" and (f.fix is not None or quotes(f))]


def needs_opinion(result: CheckResult) -> bool:
    """A charter that was read and must change: short of compliant, or with a warning (a clause
    outside 第一章 总则); suggestions alone (severity info) ask for no opinion."""
    if result.verdict in NO_OPINION_VERDICTS - {"compliant"}:
        return False
    return result.verdict != "compliant" or any(f.severity != "info" for f in shortfalls(result))


def _quote(text: str, limit: int = _SENTENCE_QUOTE) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def check_lines(result: CheckResult) -> list[str]:
    """The report of one file for people (``pbdocs check``): verdict, each rule's elements with
    evidence, the fix and the legal basis. Only findings that fall short carry a severity mark and a fix."""
    zh = catalogue()
    about = " · ".join(x for x in (result.org_type, result.name) if x)
    heading = zh.text("check.heading", path=result.path, verdict=verdict_text(result))
    lines = [heading + (zh.text("check.about", about=about) if about else "")]
    if result.error:
        lines.append(zh.text("check.error", reason=error_text(result)))
        return lines
    if result.verdict == "not_applicable" and result.reason:
        lines.append(zh.text("check.reason", reason=result.reason))
        lines.extend(_kind_lines(result))
    if result.ocr_pages:
        lines.append(zh.text("check.ocr_pages", pages="、".join(map(str, result.ocr_pages))))
    for finding in result.findings:
        lines.extend(_finding_lines(finding))
    for warning in result.warnings:
        lines.append(zh.text("check.warning", warning=zh.error_text(warning)))
    return lines


def _kind_lines(result: CheckResult) -> list[str]:
    """判断依据: the strongest cues the kind was told by, and how to check it otherwise."""
    zh = catalogue()
    cues = [zh.text("kind_judging.cue_counted", text=_quote(e.text, 30), count=e.count) if e.count > 1
            else zh.text("kind_judging.cue", text=_quote(e.text, 30)) for e in result.kind_evidence[:6]]
    lines = [zh.text("kind_judging.evidence", cues=zh.text("kind_judging.separator").join(cues))] if cues else []
    if result.kind_evidence:
        key = "kind_judging.company_pack" if result.kind == "company" else "kind_judging.forced_hint"
        lines.append(zh.text(key))
    return lines


def _finding_lines(finding: Finding) -> list[str]:
    zh = catalogue()
    title, status = rule_title(finding), zh.label("statuses", finding.status)
    short = finding.status != "present"
    if short:
        lines = [zh.text("check.finding_short", severity=zh.label("severities", finding.severity), title=title,
                         status=status, message=finding.message)]
    else:
        lines = [zh.text("check.finding_ok", title=title, status=status)]
    for element in finding.elements.values():
        mark = "✓" if element.found else ("·" if not element.required else "✗")
        line = f"    {mark} {element.title}" + ("" if element.required else zh.text("check.optional"))
        if element.evidence:
            evidence = element.evidence
            line += f"  {evidence_place(evidence)}「{_quote(evidence.match, _MATCH_QUOTE)}」"
            if element.method != "exact":
                line += zh.text("check.method", method=zh.label("methods", element.method),
                                confidence=f"{element.confidence:.2f}")
        lines.append(line)
        if element.note:
            lines.append(f"        {element.note}")
    for evidence in quotes(finding, refusals=False):
        lines.append(f"    “{_quote(evidence.text)}”")
    if short:
        fix = fix_sentence(finding, "check")
        if fix:
            lines.append(fix)
    lines.append(zh.text("check.basis", basis=finding.basis.cite()))
    return lines
