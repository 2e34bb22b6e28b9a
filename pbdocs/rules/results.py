"""What a check returns: per element, per rule (a finding) and per file (the verdict)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..domain import registry
from .packs import LegalBasis
from .structure import Evidence

__all__ = ["ElementResult", "Fix", "Finding", "CheckResult", "STATUSES", "VERDICTS"]

STATUSES = ("present", "partial", "missing", "contradicted")
# not_applicable: the document is not a social-organization charter (company articles, a village
# charter...), so the party-clause verdicts do not apply; CheckResult.reason says why.
VERDICTS = ("compliant", "partial", "missing", "contradicted", "not_applicable", "error")


@dataclass
class ElementResult:
    id: str
    title: str
    found: bool
    confidence: float
    evidence: Evidence | None = None
    method: str | None = None
    required: bool = True
    note: str | None = None
    # A wording that refuses the element (不设立...) or only approaches it (坚持党的领导).
    negated_evidence: Evidence | None = None
    weak_evidence: Evidence | None = None
    statute_article: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "found": self.found,
            "confidence": self.confidence,
            "evidence": self.evidence.as_dict() if self.evidence else None,
            "title": self.title,
            "required": self.required,
            "method": self.method,
        }
        if self.note:
            data["note"] = self.note
        if self.negated_evidence:
            data["negated_evidence"] = self.negated_evidence.as_dict()
        if self.weak_evidence:
            data["weak_evidence"] = self.weak_evidence.as_dict()
        if self.statute_article:
            data["statute_article"] = self.statute_article
        return data


@dataclass(frozen=True)
class Fix:
    text: str
    where: str

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "where": self.where}


@dataclass
class Finding:
    rule: str
    title: str
    severity: str
    status: str
    basis: LegalBasis
    elements: dict[str, ElementResult] = field(default_factory=dict)
    fix: Fix | None = None
    message: str = ""
    article: str | None = None
    chapter: str | None = None
    gate: bool = False
    primary: bool = False

    @property
    def missing_elements(self) -> list[str]:
        return [e.id for e in self.elements.values() if e.required and not e.found]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "status": self.status,
            "elements": {k: v.as_dict() for k, v in self.elements.items()},
            "basis": self.basis.as_dict(),
            "fix": self.fix.as_dict() if self.fix else None,
            "title": self.title,
            "severity": self.severity,
            "message": self.message,
            "article": self.article,
            "chapter": self.chapter,
        }


@dataclass
class CheckResult:
    path: str
    verdict: str
    org_type: str | None = None
    name: str | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    ocr_pages: list[int] = field(default_factory=list)
    subject: str | None = None
    warnings: list[str] = field(default_factory=list)
    # The document kind's code (pbdocs/data/domain.toml [[document_kinds]]), and for a verdict of
    # not_applicable or error the reason in Chinese.
    kind: str | None = None
    reason: str | None = None

    def finding(self, rule: str) -> Finding | None:
        return next((f for f in self.findings if f.rule == rule), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "verdict": self.verdict,
            "org_type": self.org_type,
            "name": self.name,
            "findings": [f.as_dict() for f in self.findings],
            "error": self.error,
            "ocr_pages": list(self.ocr_pages),
            "subject": self.subject,
            "warnings": list(self.warnings),
            "kind": self.kind,
            "reason": self.reason,
        }

    def row(self) -> dict[str, Any]:
        """One flat line per file for spreadsheets and reports."""
        rule_ids = registry().rule_ids
        clause = self.finding(rule_ids.party_clause)
        values = self.finding(rule_ids.core_values)
        return {
            "path": self.path,
            "name": self.name,
            "org_type": self.org_type,
            "verdict": self.verdict,
            "party_clause": clause.status if clause else None,
            "missing_elements": clause.missing_elements if clause else [],
            "core_values": bool(values and values.status == "present"),
            "article": clause.article if clause else None,
            "ocr_pages": list(self.ocr_pages),
            "error": self.error,
        }
