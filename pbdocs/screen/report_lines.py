"""What an officer reads about one screened document: the report's columns as Chinese text.

The CSV, Excel and HTML reports are handed on to people, so every cell is text from the message
catalogue or from the charter itself, never a code. Rows come worst first: a file that could not be
read (nothing was checked; a new copy must be asked for), then a refused clause (明确拒绝), a missing
one, an incomplete one, then 不适用, then compliant charters whose clause stands outside 第一章 总则,
then the compliant ones; by file name within each.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import present
from ..domain import registry
from ..messages import catalogue
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
        result, review = record.result, record.review
        clause = result.finding(registry().rule_ids.party_clause)
        values = result.finding(registry().rule_ids.core_values)
        readable = result.verdict != "error"
        zh = catalogue()
        cells = {
            "path": result.path,
            "name": result.name or "",
            "org_type": result.org_type or "",
            "verdict": present.verdict_text(result),
            "party_clause": zh.label("statuses", clause.status if clause else None) if readable else "",
            "missing_elements": "、".join(zh.label("elements", e) for e in (clause.missing_elements if clause else [])),
            "core_values": zh.label("booleans", str(bool(values and values.status == "present")).lower())
            if readable else "",
            "placement": present.clause_place(result),
            "evidence": CELL_BREAK.join(present.clause_evidence(result)),
            "fix": CELL_BREAK.join(present.fix_lines(result, "report")),
            "basis": CELL_BREAK.join(present.basis_lines(result)),
            "party_building_body": present.body_text(result) if readable else "",
            "ocr_pages": "、".join(str(p) for p in result.ocr_pages),
            "error": present.error_text(result),
            "reviewed_verdict": zh.label("verdicts", review.verdict if review else None),
            "review_note": review.note if review else "",
            "reviewer": review.reviewer if review else "",
        }
        return cls(result.verdict, present.misplaced(result), cells)

    def sort_key(self) -> tuple[int, int, str]:
        rank = VERDICT_ORDER.index(self.verdict) if self.verdict in VERDICT_ORDER else -1
        return rank, 0 if self.misplaced else 1, self.cells["path"]


def report_columns(records: list[ScreenRecord]) -> tuple[str, ...]:
    """The report's columns: the review's as well when any row was reviewed or awaits review."""
    if any(r.in_review for r in records):
        return REPORT_COLUMNS + REVIEW_COLUMNS
    return REPORT_COLUMNS


def report_lines(records: list[ScreenRecord]) -> list[ReportLine]:
    """The lines of ``records``, worst first."""
    return sorted((ReportLine.of(r) for r in records), key=ReportLine.sort_key)
