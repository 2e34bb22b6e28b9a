"""Review opinions (审查意见): what a charter lacks, where, on what basis, what to write, and how
the amendment is approved, as a Word document an office can sign and send."""
from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..domain import registry
from ..files import atomic_path
from ..legal import format_numeral
from ..messages import catalogue
from ..present import evidence_place, finding_place, fix_sentence, needs_opinion, quotes, shortfalls
from ..rules.results import CheckResult, Finding

__all__ = ["OpinionSettings", "opinion_docx", "write_opinions", "needs_opinion", "chinese_date"]



@dataclass(frozen=True)
class OpinionSettings:
    """Who sends the opinion and when: the office's name, the signatory line, the date (today)."""

    office: str | None = None
    signatory: str | None = None
    date: dt.date = field(default_factory=dt.date.today)


def chinese_date(day: dt.date) -> str:
    return catalogue().text("opinion.date", year=day.year, month=day.month, day=day.day)


def _finding_lines(finding: Finding, subject: str) -> list[str]:
    zh = catalogue()
    lines = [zh.text("opinion.status", message=finding.message)]
    missing = [finding.elements[e].title for e in finding.missing_elements]
    if missing and finding.elements:
        lines.append(zh.text("opinion.missing_elements", elements="、".join(missing)))
    quoted = sorted(quotes(finding), key=lambda e: e.start)
    lines += [zh.text("opinion.evidence", place=evidence_place(e), text=e.text) for e in quoted]
    if not quoted:
        where = finding_place(finding)
        lines.append(zh.text("opinion.place", place=where) if where else zh.text("opinion.no_evidence"))
    lines.append(zh.text("opinion.basis", basis=finding.basis.cite()))
    fix = fix_sentence(finding, "opinion", subject)
    if fix:
        lines.append(fix)
    return lines


def opinion_docx(result: CheckResult, settings: OpinionSettings | None = None) -> bytes:
    """The review opinion on one checked charter, as the bytes of a .docx file."""
    from docx import Document as WordDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    settings = settings or OpinionSettings()
    domain = registry()
    name = result.name or catalogue().text("opinion.unknown_name")
    subject = result.subject or domain.default_subject(result.org_type)
    word = WordDocument()
    word.core_properties.title = catalogue().text("opinion.title", name=f"{result.name or ''}章程")
    word.core_properties.author = settings.office or "pbdocs"
    heading = word.add_heading(catalogue().text("opinion.kind"), level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.add_paragraph(catalogue().text("opinion.title", name=f"{result.name or Path(result.path).stem}章程"))
    word.add_paragraph(catalogue().text("opinion.addressee", name=name))
    org_type = result.org_type or catalogue().text("opinion.unknown_type")
    word.add_paragraph(catalogue().text("opinion.identity", name=name, org_type=org_type))
    word.add_paragraph(catalogue().text("opinion.intro", file=Path(result.path).name,
                           verdict=catalogue().label("verdicts", result.verdict)))
    for number, finding in enumerate(shortfalls(result), 1):
        word.add_heading(catalogue().text("opinion.item", number=format_numeral(number), title=finding.title),
                         level=2)
        for line in _finding_lines(finding, subject):
            word.add_paragraph(line)
    word.add_heading(catalogue().text("opinion.route_heading"), level=2)
    body, review, approve = domain.approval_route(result.org_type)
    word.add_paragraph(catalogue().text("opinion.route", body=body, review=review, approve=approve))
    word.add_paragraph(catalogue().text("opinion.closing"))
    for signed in (settings.office, settings.signatory, chinese_date(settings.date)):
        if signed:
            word.add_paragraph(signed).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _file_name(result: CheckResult, taken: set[str]) -> str:
    stem = Path(result.path.replace("\\", "/")).stem or "charter"
    name = catalogue().text("opinion.file", stem=stem)
    counter = 2
    while name in taken:
        name = catalogue().text("opinion.file", stem=f"{stem}-{counter}")
        counter += 1
    taken.add(name)
    return name


def write_opinions(results: Iterable[CheckResult], out_dir: str | os.PathLike[str],
                   settings: OpinionSettings | None = None) -> list[Path]:
    """One opinion per charter short of compliant, written atomically into ``out_dir`` (created when
    missing) as ``<charter name>-审查意见.docx``; two charters of one name get ``-2``, ``-3``..."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    written = []
    for result in results:
        if not needs_opinion(result):
            continue
        target = folder / _file_name(result, taken)
        with atomic_path(target, shared=True) as tmp:
            tmp.write_bytes(opinion_docx(result, settings))
        written.append(target)
    return written
