"""Review opinions (审查意见): what a charter lacks, where, on what basis, what to write, and how
the amendment is approved, as a Word document an office can sign and send."""
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..domain import registry
from ..files import atomic_path
from ..legal import format_numeral
from ..messages import catalogue
from ..present import fix_sentence, needs_opinion, quotes, shortfalls
from ..rules.results import CheckResult, Finding
from ..rules.structure import Evidence
from .gongwen import Gongwen
from .plan import TableRow
from .table import TABLE_WIDTHS_MM, short_basis, table_headers

__all__ = ["OpinionSettings", "opinion_docx", "opinion_text", "write_opinions", "needs_opinion", "chinese_date"]



@dataclass(frozen=True)
class OpinionSettings:
    """Who sends the opinion and when: the office's name (its 发文机关标志 and signature), the
    发文字号 (a blank one to fill in without it), a 附注 line (who reviewed it), the date (today),
    and the office's own Word template (its styles, page and letterhead), as bytes."""

    office: str | None = None
    signatory: str | None = None
    date: dt.date = field(default_factory=dt.date.today)
    doc_number: str | None = None
    template: bytes | None = None


def chinese_date(day: dt.date) -> str:
    return catalogue().text("opinion.date", year=day.year, month=day.month, day=day.day)


def _basis_line(finding: Finding) -> str:
    """The legal basis as an office cites it: 《title》（文号）and the article or point."""
    basis = finding.basis
    number = catalogue().text("opinion.doc_number", number=basis.doc_number) if basis.doc_number else ""
    # A quotation inside the quoted point takes the inner marks (‘’).
    inner = basis.article.replace("“", "‘").replace("”", "’") if basis.article else ""
    point = catalogue().text("opinion.basis_point", point=inner) if inner else ""
    return catalogue().text("opinion.basis", title=basis.title, number=number, point=point)


def _where(evidence: Evidence) -> str:
    return "".join(p for p in (evidence.chapter, evidence.article) if p)


def _lacking_line(finding: Finding) -> str:
    """What the charter says now (its own words, by article) and what it lacks, in plain words."""
    zh = catalogue()
    quoted = sorted(quotes(finding), key=lambda e: e.start)
    parts = [zh.text("opinion.quote", where=_where(e), text=e.text) if _where(e) else
             zh.text("opinion.quote_unplaced", text=e.text) for e in quoted]
    missing = [finding.elements[e].title for e in finding.missing_elements]
    if finding.status == "contradicted":
        parts.append(zh.text("opinion.contradicted", title=finding.title))
    elif finding.status == "missing" and not quoted and not finding.article:
        parts.append(zh.text("opinion.absent", title=finding.title))
    elif missing and finding.status != "missing":
        parts.append(zh.text("opinion.lacks", elements="”“".join(missing)))
    else:
        parts.append(zh.text("opinion.problem", message=finding.message.rstrip("。")))
    return "".join(parts)


def _finding_lines(finding: Finding, subject: str) -> list[str]:
    lines = [_lacking_line(finding), _basis_line(finding)]
    fix = fix_sentence(finding, "opinion", subject)
    if fix:
        lines.append(fix)
    return lines


def _required(finding: Finding) -> bool:
    """Errors and warnings must be changed; suggestions (【提示】, severity info) are advice."""
    return finding.severity != "info"


def opinion_text(result: CheckResult) -> list[str]:
    """The opinion's body, paragraph by paragraph, from the first sentence to the closing one:
    what an officer may edit before the opinion is sent (headings 一、 and （一） keep their levels)."""
    zh = catalogue()
    domain = registry()
    subject = result.subject or domain.default_subject(result.org_type)
    charter = _charter(result)
    short = shortfalls(result)
    topics = "、".join(dict.fromkeys(f.title for f in short))
    lines = [zh.text("opinion.intro", charter=charter, topics=topics)]
    groups = [("opinion.must", [f for f in short if _required(f)]),
              ("opinion.should", [f for f in short if not _required(f)])]
    section = 0
    for key, findings in groups:
        if not findings:
            continue
        section += 1
        lines.append(zh.text(key, number=format_numeral(section)))
        for item, finding in enumerate(findings, 1):
            lines.append(zh.text("opinion.item", number=format_numeral(item), title=finding.title))
            lines += _finding_lines(finding, subject)
    section += 1
    lines.append(zh.text("opinion.route_heading", number=format_numeral(section)))
    body, review, approve = domain.approval_route(result.org_type)
    lines.append(zh.text("opinion.route", body=body, review=review, approve=approve))
    lines.append(zh.text("opinion.closing"))
    return lines


def _charter(result: CheckResult) -> str:
    return f"{result.name}章程" if result.name else catalogue().text("opinion.unknown_charter")


_HEADING_1 = re.compile(r"[一二三四五六七八九十百]+、")
_HEADING_2 = re.compile(r"（[一二三四五六七八九十百]+）")


def _kind(line: str) -> str:
    if _HEADING_1.match(line) and len(line) <= 30:
        return "heading1"
    if _HEADING_2.match(line) and len(line) <= 30:
        return "heading2"
    return "body"


def opinion_docx(result: CheckResult, settings: OpinionSettings | None = None,
                 table: list[TableRow] | None = None, text: list[str] | None = None) -> bytes:
    """The review opinion on one checked charter as a 公文 (GB/T 9704-2012), as the bytes of a .docx
    file; ``table`` (the rows of the 修改对照表) goes with it as its 附件; ``text`` is the body as an
    officer edited it (:func:`opinion_text` gives the one written without)."""
    settings = settings or OpinionSettings()
    zh = catalogue()
    charter = _charter(result)
    page = Gongwen(settings.template)
    page.word.core_properties.title = zh.text("opinion.title", name=charter)
    page.word.core_properties.author = settings.office or zh.text("opinion.default_author")
    page.word.core_properties.language = "zh-CN"
    if settings.office and not page.letterhead:
        page.mark(settings.office)
        page.blank(2)
    number = settings.doc_number or zh.text("opinion.number_placeholder", year=settings.date.year)
    page.separator(page.paragraph("number", number))
    page.blank(2)
    page.paragraph("title", zh.text("opinion.title", name=charter))
    page.blank()
    page.paragraph("addressee", zh.text("opinion.addressee", name=result.name or zh.text("opinion.unknown_name")))
    lines = [ln.strip() for ln in (text if text is not None else opinion_text(result)) if ln.strip()]
    written = [page.paragraph(_kind(line), line) for line in lines]
    # The last words of the body go over to the signature's page rather than leave it alone there.
    ending = written[-1:]
    table_title = zh.text("table.title", name=charter)
    if table:
        ending += [page.paragraph("body"), page.paragraph("body", zh.text("opinion.attachment", title=table_title))]
    # Room for the seal, pressed over the office's name and the date.
    ending += [page.paragraph("body") for _ in range(3)]
    for paragraph in ending:
        paragraph.paragraph_format.keep_with_next = True
    page.signature(settings.office, chinese_date(settings.date))
    if settings.signatory:
        page.paragraph("body", zh.text("opinion.note", text=settings.signatory))
    if table:
        page.page_break()
        page.paragraph("attachment", zh.text("opinion.attachment_mark"))
        page.blank()
        page.paragraph("title", table_title)
        page.blank()
        page.table(table_headers(), [(r.before, r.after, short_basis(r.basis)) for r in table], TABLE_WIDTHS_MM)
    return page.save()


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
                   settings: OpinionSettings | None = None,
                   tables: Callable[[CheckResult], list[TableRow] | None] | None = None,
                   texts: Callable[[CheckResult], list[str] | None] | None = None) -> list[Path]:
    """One opinion per charter short of compliant, written atomically into ``out_dir`` (created when
    missing) as ``<charter name>-审查意见.docx``; two charters of one name get ``-2``, ``-3``...
    ``tables(result)`` gives the 修改对照表 to attach, ``texts(result)`` an officer's edited body."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    written = []
    for result in results:
        if not needs_opinion(result):
            continue
        target = folder / _file_name(result, taken)
        with atomic_path(target, shared=True) as tmp:
            tmp.write_bytes(opinion_docx(result, settings, tables(result) if tables else None,
                                         texts(result) if texts else None))
        written.append(target)
    return written
