"""What a check returns: per element, per rule (a finding) and per file (the verdict)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..domain import registry
from ..errors import LEGACY, Notice, PbdocsError
from ..messages import catalogue
from .identity import KindEvidence
from .packs import LegalBasis
from .structure import Evidence

__all__ = ["ElementResult", "Fix", "Finding", "CheckResult", "STATUSES", "VERDICTS"]


def _object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError(f"{what} is a JSON object")
    return data


def _optional(data: dict[str, Any], key: str, kind: type, what: str) -> Any:
    value = data.get(key)
    if value is not None and not isinstance(value, kind):
        raise ValueError(f"{what}: '{key}' must be {kind.__name__} or null")
    return value


def _required(data: dict[str, Any], key: str, kind: type, what: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        raise ValueError(f"{what}: '{key}' must be {kind.__name__}")
    return value


def _evidence(data: dict[str, Any], key: str) -> Evidence | None:
    value = data.get(key)
    return Evidence.from_dict(value) if value is not None else None

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

    @classmethod
    def from_dict(cls, data: Any, id: str) -> ElementResult:
        """The element ``as_dict`` gave under the key ``id``; ValueError for anything else."""
        what = f"element {id!r}"
        data = _object(data, what)
        confidence = data.get("confidence")
        if not isinstance(confidence, (int, float)) or isinstance(confidence, bool):
            raise ValueError(f"{what}: 'confidence' must be a number")
        return cls(
            id=id, title=_required(data, "title", str, what), found=_required(data, "found", bool, what),
            confidence=float(confidence), evidence=_evidence(data, "evidence"),
            method=_optional(data, "method", str, what), required=bool(data.get("required", True)),
            note=_optional(data, "note", str, what),
            negated_evidence=_evidence(data, "negated_evidence"), weak_evidence=_evidence(data, "weak_evidence"),
            statute_article=_optional(data, "statute_article", str, what),
        )


@dataclass(frozen=True)
class Fix:
    text: str
    where: str

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "where": self.where}

    @classmethod
    def from_dict(cls, data: Any) -> Fix:
        data = _object(data, "a fix")
        return cls(_required(data, "text", str, "fix"), _required(data, "where", str, "fix"))


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

    @classmethod
    def from_dict(cls, data: Any) -> Finding:
        """The finding ``as_dict`` gave; ValueError for anything else.

        ``gate`` and ``primary`` are not part of the JSON (they belong to the rule, and the verdict
        made of them is stored beside the findings), so they are read only when present.
        """
        data = _object(data, "a finding")
        rule = _required(data, "rule", str, "finding")
        what = f"finding {rule!r}"
        status = _required(data, "status", str, what)
        elements = _object(data.get("elements", {}), f"{what}: 'elements'")
        fix = data.get("fix")
        return cls(
            rule=rule, title=_required(data, "title", str, what), severity=_required(data, "severity", str, what),
            status=status, basis=LegalBasis.from_dict(data.get("basis")),
            elements={key: ElementResult.from_dict(value, key) for key, value in elements.items()},
            fix=Fix.from_dict(fix) if fix is not None else None,
            message=_optional(data, "message", str, what) or "",
            article=_optional(data, "article", str, what), chapter=_optional(data, "chapter", str, what),
            gate=bool(data.get("gate", False)), primary=bool(data.get("primary", False)),
        )


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
    warnings: list[Notice] = field(default_factory=list)
    # The document kind's code (pbdocs/data/domain.toml [[document_kinds]]), and for a verdict of
    # not_applicable or error the reason in Chinese.
    kind: str | None = None
    reason: str | None = None
    # Why the document could not be checked, as data (pbdocs.errors): ``error`` keeps the English
    # reason JSON always carried; people read ``error_text``.
    error_code: str | None = None
    error_fields: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def unreadable(cls, path: str, problem: PbdocsError | Notice, *, error: str | None = None,
                   **given: Any) -> CheckResult:
        """The result of a document that could not be checked, for ``problem``; ``error`` replaces
        the English reason where it must name more (the file of several)."""
        return cls(path=path, verdict="error", error=error or problem.reason, error_code=problem.code,
                   error_fields=dict(problem.fields), **given)

    @property
    def error_text(self) -> str | None:
        """Why the document could not be checked, in Chinese; the file is named when it is not
        the result's own (one page of several)."""
        if self.error is None:
            return None
        if self.error_code is None:
            return self.error  # a result of before the codes
        text = catalogue().error_text(self.error_code, **self.error_fields)
        where = self.error_fields.get("path")
        return catalogue().text("cli.error_in", path=where, message=text) if where and where != self.path else text
    # The words the kind was told by (判断依据), strongest first; empty when the kind was given.
    kind_evidence: list[KindEvidence] = field(default_factory=list)

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
            "warnings": [w.reason for w in self.warnings],
            "warning_codes": [w.as_dict() for w in self.warnings],
            "warning_texts": [catalogue().error_text(w) for w in self.warnings],
            "kind": self.kind,
            "reason": self.reason,
            "error_code": self.error_code,
            "error_fields": dict(self.error_fields),
            "error_text": self.error_text,
            "kind_evidence": [e.as_dict() for e in self.kind_evidence],
        }

    @classmethod
    def from_dict(cls, data: Any) -> CheckResult:
        """The result ``as_dict`` (or ``pbdocs check --format json``) gave; ValueError for anything else."""
        data = _object(data, "a check result")
        what = "check result"
        verdict = _required(data, "verdict", str, what)
        findings, pages, warnings = (data.get(key, []) for key in ("findings", "ocr_pages", "warnings"))
        coded = data.get("warning_codes")
        if not isinstance(findings, list) or not isinstance(pages, list) or not isinstance(warnings, list):
            raise ValueError(f"{what}: 'findings', 'ocr_pages' and 'warnings' must be lists")
        if not all(isinstance(p, int) for p in pages) or not all(isinstance(w, str) for w in warnings):
            raise ValueError(f"{what}: 'ocr_pages' are page numbers and 'warnings' strings")
        return cls(
            path=_required(data, "path", str, what), verdict=verdict,
            org_type=_optional(data, "org_type", str, what), name=_optional(data, "name", str, what),
            findings=[Finding.from_dict(f) for f in findings], error=_optional(data, "error", str, what),
            ocr_pages=list(pages), subject=_optional(data, "subject", str, what),
            # A result of before the codes keeps its warnings as they were written.
            warnings=[Notice.from_dict(w) for w in coded] if isinstance(coded, list)
            else [Notice.of(LEGACY, reason=w) for w in warnings],
            kind=_optional(data, "kind", str, what), reason=_optional(data, "reason", str, what),
            error_code=_optional(data, "error_code", str, what),
            error_fields=dict(_object(data.get("error_fields") or {}, f"{what}: 'error_fields'")),
            kind_evidence=[KindEvidence.from_dict(e) for e in data.get("kind_evidence") or []],
        )

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
