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
    # The uploaded name may hold control characters, which a .docx (XML) cannot carry.
    shown = Path(_safe_stem(result.path.replace("\\", "/")) or "charter")
    word.add_paragraph(catalogue().text("opinion.title", name=f"{result.name or shown.stem}章程"))
    word.add_paragraph(catalogue().text("opinion.addressee", name=name))
    org_type = result.org_type or catalogue().text("opinion.unknown_type")
    word.add_paragraph(catalogue().text("opinion.identity", name=name, org_type=org_type))
    word.add_paragraph(catalogue().text("opinion.intro", file=shown.name,
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


# The longest file name written, in UTF-8 bytes: file systems allow 255, and the temporary file an
# atomic write uses beside it adds a dot, a random part and ".tmp" to the name.
MAX_FILE_NAME_BYTES = 200


def _file_name(result: CheckResult, taken: set[str]) -> str:
    """``<charter name>-审查意见.docx``, safe as a file and a zip member name: control characters
    and separators dropped, shortened to MAX_FILE_NAME_BYTES, ``-2``, ``-3``... when taken."""
    stem = _safe_stem(Path(result.path.replace("\\", "/")).stem) or "charter"
    counter = 1
    while True:
        suffix = "" if counter == 1 else f"-{counter}"
        fixed = len(catalogue().text("opinion.file", stem=suffix).encode("utf-8"))
        name = catalogue().text("opinion.file", stem=_truncated(stem, MAX_FILE_NAME_BYTES - fixed) + suffix)
        if name.casefold() not in taken:
            taken.add(name.casefold())
            return name
        counter += 1


def _safe_stem(stem: str) -> str:
    import unicodedata

    kept = "".join(c for c in stem if unicodedata.category(c)[0] != "C" and c not in '\\:*?"<>|')
    return kept.strip(" .")


def _truncated(text: str, limit: int) -> str:
    """The longest prefix of ``text`` of at most ``limit`` UTF-8 bytes, never cutting a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:max(limit, 0)].decode("utf-8", "ignore")


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
