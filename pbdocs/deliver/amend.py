"""The amended charter: the plan of :mod:`pbdocs.deliver.plan` as Word tracked changes (w:ins /
w:del by the office, so the organization accepts them in Word or WPS) or as plain text, and the
章程修改对照表."""
from __future__ import annotations

import copy
import datetime as dt
import io
import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..domain import registry
from ..errors import InvalidOption, ReadError
from ..files import atomic_path
from ..messages import catalogue
from ..rules import CheckOptions, CheckResult, check_document
from ..rules.packs import RuleSpec
from .charter import charter_docx, charter_outline
from .plan import Edit, Plan, TableRow, apply_plan, line_starts, plan_amendment
from .table import table_docx, table_text

__all__ = ["Amendment", "Charter", "amend_charter", "amend_docx", "amendment_rows", "read_charter",
           "default_author", "table_docx", "table_text"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


@dataclass
class Amendment:
    """What ``amend_charter`` did: the checked result, the plan, and the files it wrote."""

    result: CheckResult
    plan: Plan
    out: Path | None
    table: Path | None

    @property
    def changed(self) -> bool:
        return not self.plan.empty


class _Revisions:
    """Tracked-change marks of one author and time, with ids unique in the document."""

    def __init__(self, body, author: str, when: dt.datetime):
        used = [int(v) for v in body.xpath("//w:ins/@w:id | //w:del/@w:id") if str(v).isdigit()]
        self.next_id = max(used, default=0) + 1
        self.author = author
        self.when = when.strftime("%Y-%m-%dT%H:%M:%SZ")

    def mark(self, tag: str):
        from docx.oxml import OxmlElement

        element = OxmlElement(f"w:{tag}")
        element.set(_w("id"), str(self.next_id))
        element.set(_w("author"), self.author)
        element.set(_w("date"), self.when)
        self.next_id += 1
        return element


def _run_text(r) -> str:
    from docx.text.run import Run

    return Run(r, None).text  # type: ignore[arg-type]


def _set_run_text(r, text: str) -> None:
    from docx.text.run import Run

    Run(r, None).text = text  # type: ignore[arg-type]


def _runs(p) -> list:
    return [child for child in p if child.tag == _w("r")]


def paragraph_text(p) -> str:
    """The text of a paragraph's own runs: what the plan's offsets count."""
    return "".join(_run_text(r) for r in _runs(p))


def _split_at(p, offset: int) -> None:
    """Cut the run that straddles ``offset`` in two, so a run boundary falls there."""
    pos = 0
    for r in _runs(p):
        text = _run_text(r)
        if pos < offset < pos + len(text):
            cut = offset - pos
            twin = copy.deepcopy(r)
            _set_run_text(r, text[:cut])
            _set_run_text(twin, text[cut:])
            r.addnext(twin)
            return
        pos += len(text)


def _new_run(text: str, like) -> object:
    from docx.oxml import OxmlElement

    r = OxmlElement("w:r")
    props = like.find(_w("rPr")) if like is not None else None
    if props is not None:
        r.append(copy.deepcopy(props))
    _set_run_text(r, text)
    return r


def _as_deleted(r) -> None:
    for t in r.iter(_w("t")):
        t.tag = _w("delText")


def _edit(p, edit: Edit, marks: _Revisions) -> None:
    _split_at(p, edit.start)
    _split_at(p, edit.end)
    pos, inside, before, anchor = 0, [], None, None
    for r in _runs(p):
        length = len(_run_text(r))
        if edit.start <= pos and pos + length <= edit.end and length:
            inside.append(r)
        elif pos + length <= edit.start:
            before = r
        elif anchor is None and pos >= edit.end:
            anchor = r
        pos += length
    like = inside[0] if inside else before if before is not None else anchor
    at = None
    if inside:
        deletion = marks.mark("del")
        inside[0].addprevious(deletion)
        for r in inside:
            _as_deleted(r)
            deletion.append(r)
        at = deletion
    if edit.text:
        insertion = marks.mark("ins")
        insertion.append(_new_run(edit.text, like))
        if at is not None:
            at.addnext(insertion)
        elif before is not None:
            before.addnext(insertion)
        elif anchor is not None:
            anchor.addprevious(insertion)
        else:
            p.append(insertion)


def _mark_paragraph(p, tag: str, marks: _Revisions) -> None:
    """Track the paragraph mark itself, so accepting removes (or rejecting drops) the paragraph."""
    from docx.oxml import OxmlElement

    props = p.find(_w("pPr"))
    if props is None:
        props = OxmlElement("w:pPr")
        p.insert(0, props)
    run_props = props.find(_w("rPr"))
    if run_props is None:
        run_props = OxmlElement("w:rPr")
        tail = props.find(_w("sectPr"))
        if tail is None:
            tail = props.find(_w("pPrChange"))
        if tail is not None:
            tail.addprevious(run_props)
        else:
            props.append(run_props)
    run_props.append(marks.mark(tag))


def _new_paragraph(text: str, like, marks: _Revisions):
    from docx.oxml import OxmlElement

    p = OxmlElement("w:p")
    props = like.find(_w("pPr"))
    if props is not None:
        props = copy.deepcopy(props)
        for old in props.findall(_w("rPr")):
            for change in [*old.findall(_w("ins")), *old.findall(_w("del"))]:
                old.remove(change)
        p.append(props)
    _mark_paragraph(p, "ins", marks)
    insertion = marks.mark("ins")
    runs = _runs(like)
    insertion.append(_new_run(text, runs[0] if runs else None))
    p.append(insertion)
    return p


def _delete_paragraph(p, marks: _Revisions) -> None:
    runs = _runs(p)
    if runs:
        deletion = marks.mark("del")
        runs[0].addprevious(deletion)
        for r in runs:
            _as_deleted(r)
            deletion.append(r)
    _mark_paragraph(p, "del", marks)


def amend_docx(data: bytes, plan: Plan, *, author: str | None = None, when: dt.datetime | None = None) -> bytes:
    """The .docx ``data`` with ``plan`` written in as tracked changes by ``author`` (the default
    reviser's name without one)."""
    from docx import Document as WordDocument

    word = WordDocument(io.BytesIO(data))
    paragraphs = [p._p for p in word.paragraphs]
    marks = _Revisions(word.element.body, author or default_author(None), when or dt.datetime.now(dt.UTC))
    for edit in sorted(plan.edits, key=lambda e: (e.paragraph, -e.start)):
        _edit(paragraphs[edit.paragraph], edit, marks)
    for index in plan.deleted:
        _delete_paragraph(paragraphs[index], marks)
    for new in reversed(plan.new):
        paragraphs[new.after].addnext(_new_paragraph(new.text, paragraphs[new.like], marks))
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def docx_paragraphs(data: bytes) -> list[str]:
    from docx import Document as WordDocument

    return [paragraph_text(p._p) for p in WordDocument(io.BytesIO(data)).paragraphs]


def docx_paragraph_starts(data: bytes, paragraphs: list[str], text: str) -> list[int | None]:
    """Where each paragraph of the .docx ``data`` begins in ``text``, the text the checker read
    from it; None for one whose runs do not hold its text as read (a link, a field)."""
    from docx import Document as WordDocument

    from ..extract.docx import paragraph_starts

    starts = paragraph_starts(WordDocument(io.BytesIO(data)).element.body)
    return [start if start is not None and text[start:start + len(own)] == own else None
            for start, own in zip(starts, paragraphs, strict=True)]


# -- from a charter file to the amended one ---------------------------------------------------------

def _clause_rule(options: CheckOptions) -> RuleSpec | None:
    wanted = registry().rule_ids.party_clause
    return next((r for p in options.packs() for r in p.rules if r.id == wanted), None)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, shared=True) as tmp:
        tmp.write_bytes(data)


@dataclass
class Charter:
    """A charter ready to be amended: its check, its paragraphs, and (for Word) the .docx the
    tracked changes go into: the file itself, or for any other format a new .docx of its text."""

    result: CheckResult
    paragraphs: list[str]
    docx: bytes | None
    # Where each paragraph begins in the text the checker read (None: not there as it is).
    starts: list[int | None]

    def plan(self, options: CheckOptions) -> Plan:
        return plan_amendment(self.paragraphs, self.result, _clause_rule(options), self.starts)


def read_charter(path: str | os.PathLike[str], options: CheckOptions | None = None, *,
                 as_word: bool = True, template: bytes | None = None) -> Charter:
    """Read and check the charter at ``path`` (any format ``check`` reads). ``as_word``: a charter
    that is not a .docx becomes a new .docx of its text (chapters as headings, articles as
    paragraphs, in the 公文 layout), checked again as that file so that the plan's places are its
    paragraphs. ReadError when the charter cannot be read."""
    from ..extract import extract

    source = Path(path)
    options = options or CheckOptions()
    doc = extract(source, options.extract)
    result = check_document(doc, options)
    if result.verdict == "error":
        raise ReadError(result.error_code or "check.cannot_read", **{**result.error_fields, "path": source})
    if source.suffix.lower() == ".docx":
        data = source.read_bytes()
        paragraphs = docx_paragraphs(data)
        return Charter(result, paragraphs, data, docx_paragraph_starts(data, paragraphs, doc.text))
    if not as_word:
        lines = doc.text.split("\n")
        return Charter(result, lines, None, line_starts(lines))
    data = charter_docx(charter_outline(doc), template=template)
    rebuilt, text = _check_bytes(data, options)
    rebuilt = replace(rebuilt, path=result.path, ocr_pages=result.ocr_pages)
    paragraphs = docx_paragraphs(data)
    return Charter(rebuilt, paragraphs, data, docx_paragraph_starts(data, paragraphs, text))


def _check_bytes(data: bytes, options: CheckOptions) -> tuple[CheckResult, str]:
    """The check of a .docx held in memory, and the text the checker read from it."""
    import tempfile

    from ..extract import extract

    with tempfile.TemporaryDirectory(prefix="pbdocs-charter-") as folder:
        path = Path(folder) / "charter.docx"
        path.write_bytes(data)
        doc = extract(path, options.extract)
        return check_document(doc, options), doc.text


def default_author(office: str | None) -> str:
    return office or catalogue().text("amend.default_author")


def _charter_name(result: CheckResult, source: Path) -> str:
    return f"{result.name}章程" if result.name else source.stem


def amend_charter(path: str | os.PathLike[str], out: str | os.PathLike[str],
                  table: str | os.PathLike[str] | None = None, options: CheckOptions | None = None, *,
                  when: dt.datetime | None = None, author: str | None = None,
                  template: bytes | None = None) -> Amendment:
    """Check the charter at ``path`` (any format ``check`` reads) and write it amended to ``out``:
    a .docx with the changes as tracked changes by ``author`` (a charter not in Word becomes a new
    .docx of its text), or, for a .txt charter, the amended text as .txt; and the 修改对照表 to
    ``table`` (.docx in the opinion's layout, or .txt). A charter needing no change is left alone
    and nothing is written."""
    source, target = Path(path), Path(out)
    kind = source.suffix.lower()
    if target.suffix.lower() not in (".docx", ".txt"):
        raise InvalidOption("amend.bad_output_type", path=target)
    if target.suffix.lower() == ".txt" and kind != ".txt":
        raise InvalidOption("amend.text_output_of_text_only", path=target, source=source.name)
    if table is not None and Path(table).suffix.lower() not in (".docx", ".txt"):
        raise InvalidOption("amend.bad_table_type", path=table)
    options = options or CheckOptions()
    as_word = target.suffix.lower() == ".docx"
    charter = read_charter(source, options, as_word=as_word, template=template)
    plan = charter.plan(options)
    if plan.empty:
        return Amendment(charter.result, plan, None, None)
    if as_word and charter.docx is not None:
        _write(target, amend_docx(charter.docx, plan, author=author, when=when))
    else:
        _write(target, ("\n".join(apply_plan(charter.paragraphs, plan)).rstrip("\n") + "\n").encode("utf-8"))
    table_path = Path(table) if table is not None else None
    if table_path is not None:
        name = _charter_name(charter.result, source)
        rendered = (table_docx(plan.rows, name, template=template) if table_path.suffix.lower() == ".docx"
                    else table_text(plan.rows, name).encode("utf-8"))
        _write(table_path, rendered)
    return Amendment(charter.result, plan, target, table_path)


def amendment_rows(path: str | os.PathLike[str], options: CheckOptions | None = None) -> list[TableRow]:
    """The rows of the 修改对照表 that ``amend_charter`` would write for the charter at ``path``."""
    options = options or CheckOptions()
    return read_charter(path, options, as_word=Path(path).suffix.lower() != ".txt").plan(options).rows
