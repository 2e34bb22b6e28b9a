"""Write the screening report; the file extension picks the format.

- ``.csv``: one row per document, UTF-8 with a BOM so Excel shows Chinese correctly;
- ``.xlsx``: the same rows with a frozen header, filters, verdict colours, and a summary sheet;
- ``.json``: a list of the per-file objects of ``pbdocs check --format json``;
- ``.html``: one self-contained page (inline CSS, JS and SVG, nothing fetched) with the summary,
  charts, a sortable and filterable table, and each row expandable to its evidence and fix.

Every report is written to a temporary file beside the target and moved into place, so a reader
never sees half a report.
"""
from __future__ import annotations

import csv
import datetime as _dt
import html
import importlib.util
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .. import present
from .._version import __version__
from ..errors import ScreenError
from ..files import atomic_path
from ..messages import catalogue
from ..rules import VERDICTS, CheckResult, ElementResult
from .records import ScreenRecord
from .report_lines import REPORT_COLUMNS, VERDICT_ORDER, ReportLine, report_columns, report_lines

__all__ = ["REPORT_COLUMNS", "VERDICTS", "REPORT_FORMATS", "report_format", "write_report", "summarize",
           "render_html", "labels"]

REPORT_FORMATS = (".csv", ".xlsx", ".json", ".html")

_FILLS = {"compliant": "C8E6C9", "partial": "FFE0B2", "missing": "FFCDD2", "contradicted": "E1BEE7",
          "not_applicable": "CFD8DC", "error": "E0E0E0"}
_BAR_COLOURS = {"compliant": "#2e7d32", "partial": "#ef8f00", "missing": "#c62828",
                "contradicted": "#6a1b9a", "not_applicable": "#546e7a", "error": "#616161"}


def labels() -> dict[str, dict[str, str]]:
    """The catalogue's label groups (verdicts, statuses, elements, columns...), as the web page gets them."""
    return catalogue().web_labels()


def report_format(out: str | os.PathLike) -> str:
    """The report format for ``out`` (".csv", ...), or :class:`ScreenError` for any other name."""
    suffix = Path(out).suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise ScreenError("screen.unknown_report_type", path=out, suffix=suffix or "(no extension)",
                          formats=", ".join(REPORT_FORMATS))
    if suffix == ".xlsx" and importlib.util.find_spec("openpyxl") is None:
        # Said before any document is read, not as a traceback once they all are.
        raise ScreenError("extra.missing", path=out, extra="report", module="openpyxl")
    return suffix


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Verdict counts in the canonical order and missing elements by how often they are missing."""
    verdicts = Counter(r.get("verdict") for r in rows)
    missing = Counter(e for r in rows for e in (r.get("missing_elements") or []))
    return {
        "total": len(rows),
        "verdicts": {v: verdicts.get(v, 0) for v in VERDICTS},
        "missing_elements": dict(missing.most_common()),
    }


def write_report(out: str | os.PathLike, records: list[ScreenRecord]) -> Path:
    """Write ``records`` to ``out`` atomically."""
    writer: dict[str, Callable[[Path, list[ScreenRecord]], None]] = {
        ".csv": _write_csv, ".xlsx": _write_xlsx, ".json": _write_json, ".html": _write_html,
    }
    out = Path(out)
    write = writer[report_format(out)]
    try:
        with atomic_path(out, shared=True) as tmp:
            write(tmp, records)
    except OSError as exc:
        raise ScreenError("screen.cannot_write_report", path=out, detail=exc.strerror or exc) from None
    except Exception as exc:
        raise ScreenError("screen.report_writer_failed", path=out, detail=f"{type(exc).__name__}: {exc}") from exc
    return out


# Spreadsheet programs run a cell that starts with one of these as a formula; text taken from an
# uploaded charter (its name, a file name) must never become one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Characters no spreadsheet cell can hold (XML 1.0 forbids them; openpyxl raises on them), and
# lone surrogates, which are how Python spells file-name bytes that are not UTF-8.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def _writable(text: str) -> str:
    """``text`` with what a report format cannot hold replaced by U+FFFD: file and member names
    come from strangers and may hold control characters."""
    return _UNWRITABLE.sub("\ufffd", text)


def _inert(text: str) -> str:
    text = _writable(text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _write_csv(path: Path, records: list[ScreenRecord]) -> None:
    zh = catalogue()
    with open(path, "w", encoding="utf-8-sig", errors="replace", newline="") as fh:
        writer = csv.writer(fh)
        columns = report_columns(records)
        writer.writerow([zh.label("columns", c) for c in columns])
        for line in report_lines(records):
            writer.writerow([_inert(line.cells[c]) for c in columns])


def _write_json(path: Path, records: list[ScreenRecord]) -> None:
    # JSON escapes control characters itself; only unencodable surrogates need replacing.
    with open(path, "w", encoding="utf-8", errors="replace") as fh:
        json.dump([r.check for r in records], fh, ensure_ascii=False, indent=2)
        fh.write("\n")


def _write_xlsx(path: Path, records: list[ScreenRecord]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    zh = catalogue()
    book = Workbook()
    sheet = book.active
    sheet.title = zh.text("report.results_sheet")
    columns = report_columns(records)
    sheet.append([zh.label("columns", c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    verdict_col = REPORT_COLUMNS.index("verdict") + 1
    for line in report_lines(records):
        sheet.append([_writable(line.cells[c]) or None for c in columns])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # openpyxl stores any text starting with "=" as a formula
                cell.data_type = "s"
        if line.verdict in _FILLS:
            sheet.cell(sheet.max_row, verdict_col).fill = PatternFill("solid", fgColor=_FILLS[line.verdict])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(column, 13)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    _summary_sheet(book, summarize([r.row for r in records]))
    book.save(path)


_WIDTHS = {"path": 40, "name": 26, "verdict": 16, "error": 30, "missing_elements": 28, "placement": 22,
           "evidence": 48, "fix": 60, "basis": 48, "party_building_body": 28}


def _summary_sheet(book, summary: dict[str, Any]) -> None:
    """汇总: documents by verdict, then how often each element of the clause is missing."""
    from openpyxl.styles import Font, PatternFill

    zh = catalogue()
    totals = book.create_sheet(zh.text("report.summary_sheet"))
    totals.append([zh.text("report.summary_verdict"), zh.text("report.summary_count")])
    for verdict, count in summary["verdicts"].items():
        if verdict == "not_applicable" and not count:
            continue  # named only when some document is not a social-organization charter
        totals.append([zh.label("verdicts", verdict), count])
        if verdict in _FILLS:
            totals.cell(totals.max_row, 1).fill = PatternFill("solid", fgColor=_FILLS[verdict])
    totals.append([zh.text("report.summary_total"), summary["total"]])
    totals.append([])
    totals.append([zh.text("report.summary_element"), zh.text("report.summary_count")])
    element_header = totals.max_row
    for element, count in summary["missing_elements"].items():
        totals.append([zh.label("elements", element), count])
    for row_index in (1, element_header):
        for cell in totals[row_index]:
            cell.font = Font(bold=True)
    totals.column_dimensions["A"].width = 32
    totals.column_dimensions["B"].width = 10


# --- HTML ----------------------------------------------------------------------------------------

def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@lru_cache(maxsize=1)
def _template() -> str:
    return resources.files("pbdocs").joinpath("data/screen/report.html").read_text(encoding="utf-8")


def _write_html(path: Path, records: list[ScreenRecord]) -> None:
    path.write_text(render_html(records), encoding="utf-8", errors="replace")


def render_html(records: list[ScreenRecord]) -> str:
    zh = catalogue()
    rows = [r.row for r in records]
    summary = summarize(rows)
    columns = report_columns(records)
    values = {
        "TITLE": _esc(zh.text("report.title")),
        "VERSION": _esc(__version__),
        "TOTAL": str(summary["total"]),
        "GENERATED": _esc(_dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")),
        "CARDS": _cards(summary),
        "VERDICT_CHART": _bar_chart(
            [(zh.label("verdicts", v), n, _BAR_COLOURS[v]) for v, n in _shown(summary["verdicts"]).items()],
            "verdict-chart"),
        "MISSING_CHART": _bar_chart(
            [(zh.label("elements", e), n, "#c62828") for e, n in list(summary["missing_elements"].items())[:8]],
            "missing-chart", empty=zh.text("report.no_missing")),
        "VERDICT_OPTIONS": "".join(
            f'<option value="{v}">{_esc(zh.label("verdicts", v))}</option>' for v in VERDICTS),
        "HEADERS": "".join(
            f'<th scope="col" data-key="{c}">{_esc(zh.label("columns", c))}</th>' for c in columns),
        # Each line with its own record, never looked up by file name: two files may share one.
        "ROWS": "\n".join(_document_body(line, record.result, columns)
                          for line, record in sorted(((ReportLine.of(r), r) for r in records),
                                                     key=lambda pair: pair[0].sort_key())),
    }
    # One pass over the template only: text from documents is never scanned for placeholders.
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], _template())


def _cards(summary: dict[str, Any]) -> str:
    zh = catalogue()
    cards = [f'<div class="card total"><div class="n">{summary["total"]}</div>'
             f'<div>{_esc(zh.text("report.documents"))}</div></div>']
    for verdict, count in _shown(summary["verdicts"]).items():
        cards.append(f'<div class="card {verdict}" data-verdict="{verdict}"><div class="n">{count}</div>'
                     f'<div>{_esc(zh.label("verdicts", verdict))}</div></div>')
    return "".join(cards)


def _shown(verdicts: dict[str, int]) -> dict[str, int]:
    """The verdict counts a report shows: 不适用 only when some document is not a charter."""
    return {v: n for v, n in verdicts.items() if v != "not_applicable" or n}


def _bar_chart(bars: list[tuple[str, int, str]], element_id: str, *, empty: str = "") -> str:
    """A horizontal bar chart as inline SVG: label, bar scaled to the largest value, count."""
    empty = empty or catalogue().text("report.no_data")
    if not bars or not any(n for _, n, _ in bars):
        return (f'<svg id="{element_id}" width="360" height="40" role="img"><text x="0" y="24">'
                f'{_esc(empty)}</text></svg>')
    label_width, bar_width, row_height = 200, 190, 26
    largest = max(n for _, n, _ in bars)
    height = row_height * len(bars) + 6
    parts = [f'<svg id="{element_id}" width="{label_width + bar_width + 50}" height="{height}" role="img" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for index, (label, count, colour) in enumerate(bars):
        y = index * row_height + 4
        width = 0 if not largest else max(round(bar_width * count / largest), 2 if count else 0)
        parts.append(
            f'<g class="bar" data-count="{count}"><title>{_esc(label)}: {count}</title>'
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{_esc(label)}</text>'
            f'<rect x="{label_width}" y="{y + 2}" width="{width}" height="17" rx="3" fill="{colour}"></rect>'
            f'<text x="{label_width + width + 6}" y="{y + 15}">{count}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _document_body(line: ReportLine, result: CheckResult, columns: tuple[str, ...]) -> str:
    rank = VERDICT_ORDER.index(line.verdict) if line.verdict in VERDICT_ORDER else -1
    cells = []
    for column in columns:
        text = _esc(line.cells[column]).replace("\n", "<br>")
        if column == "verdict":
            flag = " misplaced" if line.misplaced else ""
            cells.append(f'<td data-sort="{rank}{0 if line.misplaced else 1}">'
                         f'<span class="badge {_esc(line.verdict)}{flag}">{text}</span></td>')
        elif column == "basis":
            cells.append(f'<td class="basis">{_citations(line.cells[column])}</td>')
        else:
            cells.append(f'<td class="{column}">{text}</td>')
    detail = _detail(result)
    return (f'<tbody data-verdict="{_esc(line.verdict)}"><tr class="doc" tabindex="0" aria-expanded="false">'
            f'{"".join(cells)}</tr><tr class="detail" hidden><td colspan="{len(columns)}">{detail}</td></tr>'
            f"</tbody>")


# A basis as cited in full: 《title》(文号) point (date). The table shows the 文号 (else the title);
# the whole citation opens on demand.
_CITED_NUMBER = re.compile(r"\(([^()]*〔\d{4}〕[^()]*号)\)")
_CITED_TITLE = re.compile(r"《[^》]*》")


def _citations(cell: str) -> str:
    grouped: dict[str, list[str]] = {}
    for citation in (line for line in cell.split("\n") if line.strip()):
        number = _CITED_NUMBER.search(citation)
        title = _CITED_TITLE.search(citation)
        grouped.setdefault(number.group(1) if number else title.group(0) if title else citation, []).append(citation)
    return "".join(f"<details><summary>{_esc(short)}</summary>{''.join(f'<p>{_esc(c)}</p>' for c in full)}</details>"
                   for short, full in grouped.items())


def _detail(result: CheckResult) -> str:
    names = catalogue()
    if result.error:
        return f'<p class="err">{_esc(names.text("report.unreadable", reason=present.error_text(result)))}</p>'

    parts = []
    if result.verdict == "not_applicable" and result.reason:
        verdict = _esc(names.label("verdicts", "not_applicable"))
        parts.append(f'<p class="reason">{verdict}：{_esc(result.reason)}</p>')
    for finding in result.findings:
        parts.append(f'<div class="finding" data-rule="{_esc(finding.rule)}"><h3>{_esc(present.rule_title(finding))}：'
                     f'{_esc(names.label("statuses", finding.status))}</h3>')
        if finding.message:
            parts.append(f"<div>{_esc(finding.message)}</div>")
        if finding.elements:
            parts.append('<table class="elements">')
            quoted: set[str] = set()
            for element in finding.elements.values():
                parts.append(_element_row(element, quoted))
            parts.append("</table>")
        parts.append(f'<div class="basis">{_esc(names.text("report.basis", basis=finding.basis.cite()))}</div>')
        fix = finding.fix
        if fix is not None and fix.text and finding.status != "present":
            where = names.text("report.fix_place", where=fix.where) if fix.where else ""
            where = f'<div class="where">{_esc(where)}</div>' if where else ""
            parts.append(f'<div>{_esc(names.text("report.fix_heading"))}</div>'
                         f'<blockquote class="fix">{_esc(fix.text)}</blockquote>{where}')
        parts.append("</div>")
    return "".join(parts) or f"<p>{_esc(names.text('report.no_details'))}</p>"


def _element_row(element: ElementResult, quoted: set[str]) -> str:
    """One element: found or not, where, and the sentence; a sentence already quoted for an
    earlier element of the same finding (one clause holds several elements) is not repeated."""
    zh = catalogue()
    mark = '<span class="found">✓</span>' if element.found else '<span class="notfound">✗</span>'
    title = element.title or zh.label("elements", element.id)
    confidence_text = zh.text("report.confidence", confidence=f"{element.confidence:.2f}") if element.found else ""
    quotes = []
    captions = ((element.evidence, "", confidence_text), (element.negated_evidence, zh.text("report.negated"), ""),
                (element.weak_evidence, zh.text("report.weak"), ""))
    for evidence, caption, sureness in captions:
        if evidence is not None and evidence.text:
            sentence = "" if evidence.text in quoted else f"<blockquote>{_esc(evidence.text)}</blockquote>"
            quoted.add(evidence.text)
            quotes.append(f"<div>{_esc(caption)}{_esc(present.page_place(evidence))}"
                          f"{_esc(sureness)}</div>{sentence}")
    return f'<tr><td>{mark} {_esc(title)}</td><td>{"".join(quotes)}</td></tr>'
