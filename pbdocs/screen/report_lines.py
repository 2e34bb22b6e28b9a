"""What an officer reads about one screened document: the report's columns as Chinese text.

The CSV, Excel and HTML reports are handed on to people, so every cell is text from the message
catalogue or from the charter itself, never a code. Rows come worst first: a file that could not be
read (nothing was checked; a new copy must be asked for), then a refused clause (明确拒绝), a missing
one, an incomplete one, then 不适用, then compliant charters whose clause stands outside 第一章 总则,
then the compliant ones; by file name within each.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain import registry
from ..messages import catalogue
from ..rules import LegalBasis
from .records import ScreenRecord

__all__ = ["REPORT_COLUMNS", "REVIEW_COLUMNS", "VERDICT_ORDER", "ReportLine", "report_columns", "report_lines"]

REPORT_COLUMNS = ("path", "name", "org_type", "verdict", "party_clause", "missing_elements", "core_values",
                  "placement", "evidence", "fix", "basis", "party_building_body", "ocr_pages", "error")
# An office workspace's rows carry an officer's review; its reports show it beside the automatic verdict.
REVIEW_COLUMNS = ("reviewed_verdict", "review_note", "reviewer")
VERDICT_ORDER = ("error", "contradicted", "missing", "partial", "not_applicable", "compliant")
# Line breaks inside one cell: several fixes, several legal bases.
CELL_BREAK = "\n"


@dataclass(frozen=True)
class ReportLine:
    """One document: its verdict code (for colours and order), whether its clause stands outside
    第一章 总则, and the text of each column."""

    verdict: str
    misplaced: bool
    cells: dict[str, str]

    @classmethod
    def of(cls, record: ScreenRecord) -> ReportLine:
        check, row = record.check, record.row
        verdict = str(row.get("verdict") or "error")
        findings = {f.get("rule"): f for f in check.get("findings") or [] if isinstance(f, dict)}
        ids = registry().rule_ids
        clause = findings.get(ids.party_clause) or {}
        placement = findings.get(ids.placement) or {}
        misplaced = placement.get("status") == "missing" and bool(placement.get("article"))
        readable = verdict != "error"
        zh = catalogue()
        cells = {
            "path": str(row.get("path") or ""),
            "name": str(row.get("name") or ""),
            "org_type": str(row.get("org_type") or ""),
            "verdict": _verdict(verdict, misplaced),
            "party_clause": zh.label("statuses", row.get("party_clause")) if readable else "",
            "missing_elements": "、".join(zh.label("elements", e) for e in row.get("missing_elements") or []),
            "core_values": zh.label("booleans", str(bool(row.get("core_values"))).lower()) if readable else "",
            "placement": _placement(clause, misplaced),
            "evidence": _evidence(clause),
            "fix": CELL_BREAK.join(_fixes(findings.values())),
            "basis": CELL_BREAK.join(dict.fromkeys(_bases(findings.values()))),
            "party_building_body": _body(findings.get(ids.party_building_body)) if readable else "",
            "ocr_pages": "、".join(str(p) for p in row.get("ocr_pages") or []),
            "error": str(check.get("error_text") or row.get("error") or ""),
            "reviewed_verdict": zh.label("verdicts", row.get("reviewed_verdict")),
            "review_note": str(row.get("review_note") or ""),
            "reviewer": str(row.get("reviewer") or ""),
        }
        return cls(verdict, misplaced, cells)

    def sort_key(self) -> tuple[int, int, str]:
        rank = VERDICT_ORDER.index(self.verdict) if self.verdict in VERDICT_ORDER else -1
        return rank, 0 if self.misplaced else 1, self.cells["path"]


def report_columns(records: list[ScreenRecord]) -> tuple[str, ...]:
    """The report's columns: the review's as well when any row was reviewed or awaits review."""
    if any("reviewed_verdict" in r.row for r in records):
        return REPORT_COLUMNS + REVIEW_COLUMNS
    return REPORT_COLUMNS


def report_lines(records: list[ScreenRecord]) -> list[ReportLine]:
    """The lines of ``records``, worst first."""
    return sorted((ReportLine.of(r) for r in records), key=ReportLine.sort_key)


def _verdict(verdict: str, misplaced: bool) -> str:
    zh = catalogue()
    label = zh.label("verdicts", verdict)
    return zh.text("report.misplaced_verdict", verdict=label) if misplaced else label


def _placement(clause: dict[str, Any], misplaced: bool) -> str:
    where = " ".join(str(p) for p in (clause.get("chapter"), clause.get("article")) if p)
    if misplaced:
        return catalogue().text("report.misplaced_place", where=where)
    return where


def _evidence(clause: dict[str, Any]) -> str:
    """The clause's sentences as the charter wrote them (the refusal or weaker wording if that is
    all there is), each once."""
    sentences: dict[str, None] = {}
    for element in (clause.get("elements") or {}).values():
        for key in ("evidence", "negated_evidence", "weak_evidence"):
            evidence = (element or {}).get(key)
            if isinstance(evidence, dict) and evidence.get("text"):
                sentences.setdefault(str(evidence["text"]), None)
    return CELL_BREAK.join(sentences)


def _fixes(findings) -> list[str]:
    zh = catalogue()
    lines = []
    for finding in findings:
        fix = finding.get("fix")
        if finding.get("status") != "present" and isinstance(fix, dict) and fix.get("text"):
            title = finding.get("title") or zh.label("rules", finding.get("rule"))
            where = str(fix.get("where") or "")
            # 将第四条中的“…”改为 reads on into the new words; any other place is followed by the text.
            key = "report.fix_amend" if registry().fix_kind(where) == "amend_weak" else "report.fix"
            lines.append(zh.text(key, title=title, where=where, text=fix["text"]))
    return lines


def _bases(findings) -> list[str]:
    bases = []
    for finding in findings:
        basis = finding.get("basis")
        if finding.get("status") != "present" and isinstance(basis, dict) and basis.get("title"):
            bases.append(LegalBasis.from_dict(basis).cite())
    return bases


def _body(finding: dict[str, Any] | None) -> str:
    if not finding:
        return ""
    if finding.get("status") == "present":
        return str(finding.get("message") or "")
    return catalogue().text("report.body_missing")
