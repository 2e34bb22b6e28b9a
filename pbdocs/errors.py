"""Typed errors raised by the library, as data: a stable code and the fields it is about.

Every error names what went wrong by a code (``read.empty_file``) and carries its fields (``path``,
``limit``, ``size``...). People read it through the catalogue, one Chinese text per code in the
``[errors]`` section of ``pbdocs/data/messages.toml``::

    from pbdocs.messages import catalogue
    try:
        extract("章程.docx")
    except ReadError as exc:
        exc.code, exc.path, exc.fields        # 'read.empty_file', '章程.docx', {'path': '章程.docx'}
        catalogue().error_text(exc)           # 空文件

``exc.reason`` (and ``str(exc)``) is the English reason JSON has always carried under ``error``; it is
for programs and logs, never shown to a person. A code :data:`REASONS` does not know reads as itself.

The shell maps the error's class to an exit code (``exit_code``). Warnings are data of the same
shape (:class:`Notice`): a code, its fields, and the English text JSON keeps.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

# The English reason of each code: the stable value of JSON's ``error`` (and of a warning in
# ``warnings``), formatted with the error's fields. Chinese lives in the catalogue.
REASONS: dict[str, str] = {
    "read.no_such_file": "no such file",
    "read.no_such_path": "no such file or folder",
    "read.is_directory": "is a directory",
    "read.not_regular": "not a regular file (a pipe, device or socket is never read)",
    "read.empty_file": "empty file",
    "read.cannot_open": "cannot open: {detail}",
    "read.cannot_read": "cannot read: {detail}",
    "query.empty": "empty query",
    "query.too_long": "the question is longer than {limit} characters",
    "query.no_chinese": "the question has no Chinese character",
    "read.file_too_large": "file is {size} MB, over the {limit} MB limit",
    "read.mislabeled": "not a valid {kind} file (its bytes are not that format)",
    "read.zip_archive": "zip archive: use `pbdocs screen` to read archives",
    "read.unsupported_type": "unsupported file type {suffix}",
    "read.out_of_memory": "too large to read in memory",
    "read.nested_too_deeply": "structure nested too deeply to read",
    "read.reader_failed": "the {format} reader failed ({detail})",
    "read.too_many_chars": "{chars} characters of text, over the limit of {limit}",
    "read.no_text": "no text found in the file",
    "read.no_text_in_page": "no text found in the page",
    "read.ocr_disabled": "{what} needs OCR, but OCR is disabled",
    "read.ocr_not_installed": "{what} needs OCR, but OCR is not installed: {hint}",
    "read.ocr_missing": "OCR is not installed: {hint}",
    "read.page_ocr_disabled": "page {page} needs OCR ({why}) but OCR is disabled",
    "read.page_ocr_not_installed": "page {page} needs OCR ({why}) but OCR is not installed: {hint}",
    "read.image_bomb": "image too large (over the limit of {limit} pixels; decompression bomb?)",
    "read.image_too_large": "image too large ({width}x{height} pixels, over the limit of {limit} pixels)",
    "read.corrupt_image": "corrupt image: {detail}",
    "read.docx_bad_zip": "corrupt DOCX (bad zip archive: {detail})",
    "read.docx_too_many_parts": "DOCX archive has {parts} parts, over the limit of {limit}",
    "read.docx_part_too_large": "DOCX part {part} would inflate to {size}, over the limit of {limit} (zip bomb?)",
    "read.docx_part_ratio": "DOCX part {part} is compressed {ratio}:1 (zip bomb?)",
    "read.docx_too_large": "DOCX would inflate to {size} in total, over the limit of {limit}",
    "read.not_word": "not a Word document (the archive has no word/document.xml)",
    "read.docx_corrupt": "corrupt DOCX: {detail}",
    "read.docx_malformed": "corrupt DOCX: a part is missing or malformed ({detail})",
    "read.doc_not_converted": "LibreOffice could not convert this .doc file",
    "read.doc_needs_tool": "reading .doc files needs antiword or LibreOffice: apt-get install antiword",
    "read.tool_timeout": "{tool} took longer than {seconds} s; file skipped",
    "read.tool_not_started": "{tool} could not be started: {detail}",
    "read.tool_crashed": "{tool} crashed (signal {signal}) on this .doc file",
    "read.tool_failed": "{tool} could not read this .doc file: {detail}",
    "read.pdf_bad_page": "corrupt PDF: page {page} cannot be read ({detail})",
    "read.pdf_too_many_chars": "more than {limit} characters of text by page {page}",
    "read.pdf_password": "encrypted PDF (password required)",
    "read.pdf_security": "encrypted PDF (unsupported security handler)",
    "read.pdf_corrupt": "corrupt PDF: {detail}",
    "read.pdf_truncated": "corrupt PDF: truncated (the file does not end with %%EOF)",
    "read.pdf_page_too_large": ("page {page} is {width}x{height} inches: rendering it for OCR takes "
                                "{pixels} pixels, over the limit of {limit} per page (render bomb?)"),
    "read.pdf_too_many_pixels": "rendering page {page} for OCR takes the document past its limit of {limit} pixels",
    "read.text_too_large": "file is over the {limit} MB limit for text",
    "read.binary": "binary data, not text",
    "search.rerank_not_installed": "re-ranking needs the rerank extra: {hint}",
    "search.corrupt_vectors": "corrupt passage vectors ({detail}); rebuild them",
    "search.corrupt_adapter": "corrupt question adapter {path} ({detail}); reinstall pbdocs",
    "search.no_vectors": ("no passage vectors of this model for this index (compute them with "
                          "encode_index, or build the index with an encoder)"),
    "search.unknown_factor": "unknown score factor {factors}; known: {known}",
    "index.no_documents": "nothing to index: the corpus has no documents",
    "index.no_text": "nothing to index: the documents have no text",
    "index.cannot_build": "cannot build the index: {detail}",
    "index.missing": "no search index here (run `pbdocs index build`)",
    "index.old_format": "index format {format} is not {expected}; rebuild it",
    "index.corrupt": "corrupt search index ({detail}); rebuild it",
    "index.stale": "the search index is missing or older than the corpus {corpus}; build it again",
    "corpus.not_found": "corpus folder not found",
    "corpus.bad_manifest": "not a readable JSON manifest ({detail})",
    "corpus.no_document_list": "expected an object with a \"documents\" list",
    "corpus.bad_entry": "entry {entry} needs an \"id\" and a \"file\"",
    "corpus.duplicate_id": "duplicate id {id!r}",
    "corpus.file_missing": "listed in {manifest} but missing",
    "corpus.file_changed": "changed since it was ingested (sha256 differs); run `pbdocs ingest` on it again",
    "corpus.in_force_and_superseded": "a document cannot be both in force and superseded",
    "corpus.unknown_successor": "superseded by {id!r}: no document of {manifest} has that id",
    "corpus.shared_id": "two documents would share the id {id!r}",
    "corpus.none_found": "no corpus found: set {variable} to a folder with a manifest.json",
    "batch.not_json": "line {line}: not JSON ({detail})",
    "batch.no_question": "line {line}: expected an object with a non-empty \"q\" string",
    "eval.bad_line": "line {line}: expected {{\"q\": str, \"answers\": [str, ...]}}",
    "rules.not_toml": "not valid TOML: {detail}",
    "rules.not_table": "{place}: must be a table",
    "rules.unknown_keys": "{place}: unknown key(s) {keys} (allowed: {allowed})",
    "rules.missing_key": "{place}: missing '{key}'",
    "rules.not_text": "{place}: '{key}' must be a non-empty string",
    "rules.not_flag": "{place}: '{key}' must be true or false",
    "rules.not_strings": "{place}: '{key}' must be a list of non-empty strings",
    "rules.empty_list": "{place}: '{key}' must not be empty",
    "rules.bad_regex": "{place}: bad regular expression {pattern!r} in '{key}': {detail}",
    "rules.empty_match": "{place}: regular expression {pattern!r} in '{key}' matches empty text",
    "rules.bad_template": "{place}: bad fix template {template!r}: {detail}",
    "rules.template_fields": "{place}: fix template uses unknown field(s) {unknown} (allowed: {allowed})",
    "rules.bad_id": "{place}: id {id!r} must be lower-case letters, digits and dashes",
    "rules.unknown_kind": "{place}: kind {kind!r} is not one of {kinds}",
    "rules.unknown_severity": "{place}: severity {severity!r} is not one of {severities}",
    "rules.missing_basis": "{place}: missing 'basis' (the legal basis: title, doc_number, date, article)",
    "rules.elements_not_list": "{place}: 'elements' must be an array of tables",
    "rules.duplicate_elements": "{place}: element ids must be unique",
    "rules.needs_elements": "{place}: a '{kind}' rule needs at least one element",
    "rules.unknown_org_type": "{place}: org type {org_type!r} is not one of {org_types}",
    "rules.unknown_replaced": "{place}: replaces unknown element {element_id!r}",
    "rules.missing_pack": "top level: missing [pack] table",
    "rules.no_rules": "top level: needs at least one [[rules]] entry",
    "rules.duplicate_rules": "rules: duplicate rule id(s) {ids}",
    "rules.unknown_target": "{place}: target {target!r} is not a rule of this pack",
    "rules.unknown_pack": "unknown rule pack {name!r} (built in: {packs}, or give a .toml file)",
    "rules.no_such_file": "no such rule pack file",
    "rules.not_utf8": "rule pack is not UTF-8 text",
    "rules.cannot_read": "cannot read rule pack: {detail}",
    "rules.id_clash": "rule id(s) {ids} already defined by a built-in pack",
    "rules.bad_lexicon": "malformed lexicon: {detail}",
    "domain.not_table": "{place}: '{key}' must be a table",
    "domain.entry_not_table": "{place}: must be a table",
    "domain.not_text": "{place}: '{key}' must be a non-empty string",
    "domain.bad_regex": "{place}: bad regular expression in '{key}': {detail}",
    "domain.not_strings": "{place}: '{key}' must be a list of non-empty strings",
    "domain.bad_template": "{place}: bad template {name!r}: {detail}",
    "domain.no_org_types": "{place}: needs at least one [[org_types]] entry",
    "domain.spelling_clash": "{place}: a spelling names two types (or one twice)",
    "domain.bad_subjects": "{place}: maps subject words to organization type codes",
    "domain.bad_group": "{place}: group {group!r} must be a new name made of built-in packs",
    "domain.unknown_default": "{place}: default {default!r} is not a pack",
    "domain.bad_every": "{place}: every {every!r} must be a group of every built-in pack",
    "domain.kind_pack_clash": ("{place}: a pack of another document kind must not be a socia"
                               "l-organization pack or group"),
    "domain.bad_cues": "{place}: 'cues' must be a table of pattern = weight",
    "domain.bad_cue_weight": "{place}: cue {pattern!r} needs a number (or [number, cap])",
    "domain.bad_cue_regex": "{place}: bad regular expression in cue {pattern!r}: {detail}",
    "domain.bad_judging": "{place}: weights and thresholds are numbers",
    "domain.kinds_not_list": "{place}: 'document_kinds' must be a list of tables",
    "domain.kind_without_cues": "{place}: needs at least one of 'title', 'named', 'describes', 'cues'",
    "domain.unknown_kind_pack": "{place}: pack {pack!r} is not listed in [packs] kinds",
    "domain.duplicate_kind": "{place}: a kind code is used twice",
    "domain.unknown_body": "{place}: {code!r} is not an organization type code",
    "domain.not_toml": "{place}: not valid TOML: {detail}",
    "domain.bad_order": "{place}: 'order' must list each type code once ({codes})",
    "option.unknown_org_type": "unknown organization type {value!r} (one of: {codes})",
    "option.unknown_kind": "unknown document kind {value!r} (one of: {choices})",
    "option.corpus_needs_index": "a corpus needs an index folder to keep its index in",
    "option.unknown_language": "unknown language {value!r} (one of: {choices})",
    "screen.no_report_folder": "the report's folder does not exist",
    "screen.report_folder_not_writable": "cannot write in the report's folder: {detail}",
    "screen.no_documents": "no documents found in {paths}",
    "screen.report_failed_kept": ("{detail}; the {count} results are kept in {journal}, and running the "
                                  "same command again writes the report from them"),
    "screen.dask_needs_scheduler": "the dask executor needs the address of a scheduler",
    "screen.unknown_executor": "unknown executor {executor!r}; use local or dask",
    "screen.no_workers": "workers must be at least 1",
    "screen.unknown_report_type": "unknown report type {suffix}; use one of {formats}",
    "screen.cannot_write_report": "cannot write the report: {detail}",
    "screen.report_writer_failed": "cannot write the report ({detail})",
    "office.cannot_create_data": "cannot create the data folder: {detail}",
    "office.no_user": "no user {name}",
    "office.no_enabled_user": "no enabled user {name}",
    "office.unknown_verdict": "unknown verdict {verdict!r}; one of {verdicts}",
    "office.newer_schema": ("the database has schema version {version}, newer than this pbdocs "
                            "({known}): upgrade pbdocs"),
    "office.bad_sqlite": "not a usable SQLite database: {detail}",
    "office.needs_psycopg": "PostgreSQL needs psycopg: pip install 'pbdocs[postgres]'",
    "office.postgres_unreachable": "cannot reach the PostgreSQL database {database}: {detail}",
    "office.bad_database_address": ("unsupported database address {database}: give a postgresql:// address, "
                                    "or none for SQLite in the data folder"),
    "executor.needs_dask": "Dask executor: needs dask.distributed: pip install 'pbdocs[dask]'",
    "executor.scheduler_unreachable": "cannot reach the Dask scheduler at {scheduler}: {detail}",
    "amend.bad_output_type": "the amended charter is written as .docx (a .txt charter also as .txt)",
    "amend.text_output_of_text_only": "only a .txt charter is amended as .txt; {source} is amended as .docx",
    "deliver.bad_template": "the template is not a Word .docx file ({detail})",
    "amend.bad_table_type": "the table is written as .docx or .txt",
    "check.near_empty": "near-empty text ({chars} characters): nothing to check",
    "check.garbled": "{reason}",
    "check.cannot_read": "cannot read ({detail})",
    "check.timed_out": "gave up after {seconds} s: the document is too slow to read",
    "check.crashed": "the reader crashed on this file",
    "check.internal_error": "internal error while checking: {detail}",
    "check.cluster_error": "cluster error: {detail}",
    "screen.not_read": "not read",
    "web.not_stored": "not stored",
    "screen.link_out_of_folder": "symbolic link leading out of the screened folder; not read",
    "screen.broken_link": "no such file (a broken symbolic link?)",
    "screen.not_regular": "not a regular file (a pipe, device or socket); not read",
    "archive.absolute_path": "absolute member path refused",
    "archive.leaves_archive": "member path leaves the archive (..) refused",
    "archive.nul_in_name": "member name contains a NUL byte",
    "archive.unreadable": "not a readable zip archive: {detail}",
    "archive.too_many_members": "archive refused: {members} members, over the limit of {limit}",
    "archive.too_large": "archive refused: inflates to {size}, over the {limit} limit",
    "archive.symlink": "symbolic link member refused",
    "archive.nested": "nested archive not opened; unpack it and screen its contents",
    "archive.encrypted": "encrypted archive member",
    "archive.member_too_large": "member refused: inflates to {size}, over the {limit} limit",
    "archive.member_overflow": "member refused: inflated past the {limit} limit",
    "archive.cannot_unpack": "cannot unpack member: {detail}",
    "read.pages": "a Pages document: export it to Word in Pages",
    "read.wps_not_word": "a .wps file that is not a Word file: save it as .docx",
    "extra.missing": "needs the {extra} extra ({module} is missing): pip install 'pbdocs[{extra}]'",
    "warn.search_no_extra": "keyword search only: the rerank extra is not installed (pip install 'pbdocs[rerank]')",
    "warn.search_vectors_missing": "keyword search only: the index has no passage vectors",
    "warn.search_vectors_stale": "keyword search only: the index's passage vectors are stale",
    "warn.content_differs": "named {suffix} but the content is {format}; read as {format}",
    "warn.garbled_recovered": "page {page}: garbled text re-decoded ({right} read as {wrong})",
    "warn.decoded_as": "decoded as {codec}",
    "warn.boilerplate_removed": "removed {count} lines of site boilerplate",
    "warn.html_flat": "HTML nested {depth} levels deep; read as flat text",
    "warn.page_limit": "only the first {count} of {total} pages read (page limit)",
    "warn.page_limit_of_pictures": "only the first {count} pages read (page limit)",
    "warn.ocr_pages": "{described} read by OCR",
    "warn.picture_skipped": "{name} skipped: {detail}",
    "warn.ocr_images": "{count} {images} read by OCR",
    "warn.org_type_unknown": ("organization type not recognized: rules for a specific type were skipped "
                              "(give --org-type)"),
    "warn.garbled_page": "第{page}页疑似乱码，该页内容未能核对",
    "warn.resumed": "resumed: {count} document(s) already screened",
    "journal.unreadable": "unreadable journal ({detail}); starting over",
    "journal.damaged_lines": "{count} damaged line(s) in the journal {path} ignored; those documents are checked again",
    "journal.damaged_header": "the journal {path} has a damaged first line (cut off or edited); starting over",
    "journal.not_a_journal": "{path} is not a pbdocs screening journal; starting over",
    "journal.other_version": "journal written in another format (version {version}); starting over",
    "journal.other_settings": "journal written with other settings; starting over",
    "web.unsupported_type": "{label}: unsupported file type {suffix}; accepted: {accepted}",
    "web.too_many_files": "too many files: at most {max} per upload",
    "web.not_multipart": "send the files as multipart/form-data in the field `files`",
    "web.upload_too_large": "upload is {size} MB, over the {limit} MB limit",
    "web.upload_over_limit": "upload is over the {limit} MB limit",
    "web.malformed_multipart": "malformed multipart body: {detail}",
    "web.upload_cut_off": "the upload ended before the multipart body was complete",
    "web.no_files": "no files: send one or more files in the multipart field `files`",
    "web.too_many_documents": "too many files: {total} documents, at most {max} per upload (archive members included)",
    "web.no_such_report": "no such report: it expired or the id is wrong; check the files again",
    "web.pages_not_zip": ("pages=true reads the uploaded files as the pages of one charter: "
                          "upload the page images or files themselves, not a .zip"),
    "web.no_such_batch": "no such batch",
    "web.no_such_row": "batch {batch} has no checked row {row}",
    "web.audit_for_admins": "the audit trail is for administrators",
    "web.amend_compliant": "the charter is compliant: nothing to amend",
    "web.amend_unreadable": "the file cannot be read: no amended charter",
    "web.compare_needs_two": "send two files in the field `files`: the old version, then the new",
    "web.compare_unreadable": "{label}: {reason}",
    "office.name_invalid": "a user name is 1 to {max} printable characters without spaces at the ends",
    "office.name_mixed": "the user name {name} mixes the letters of several scripts",
    "office.name_taken": "user {name} already exists",
    "office.name_confusable": "the user name {name} looks like the existing user {other}",
    "office.password_short": "the password is too short: at least {min} characters",
    "office.password_classes": "the password is of one character class only",
    "office.password_common": "the password is a common one",
    "office.password_name": "the password contains the user name",
    "office.bad_duration": "unknown duration {value}: give 90d, 12h, 4w or never",
    "office.folder_open": "others can read the data folder (mode {mode}) and it cannot be made private: {reason}",
    "office.token_label_invalid": "a token label is 1 to {max} printable characters",
    "office.token_label_taken": "user {name} already has a token labelled {label}",
    "office.no_token": "user {name} has no token labelled {label}",
    "web.sign_in_first": "sign in first: a session cookie or Authorization: Bearer <token>",
    "legacy.reason": "{reason}",
}
# Fields that are codes themselves, read through a table of their own before the reason is filled in:
# where in a rule pack or the registry a fault is (``place``), and what is wrong with a regular
# expression (``problem``, from what :mod:`re` says). The catalogue has the Chinese of each.
PARTS: dict[str, dict[str, str]] = {
    "place": {
        "top": "top level",
        "pack": "[pack]",
        "rules": "rules",
        "rule_at": "rules[{index}]",
        "rule": "rule '{rule}'",
        "basis": "rule '{rule}'.basis",
        "fix": "rule '{rule}'.fix",
        "alternative": "rule '{rule}'.alternative",
        "element_at": "rule '{rule}' elements[{index}]",
        "element": "rule '{rule}' elements[{index}] ({element})",
        "table": "{table}",
    },
    "problem": {
        "unbalanced_parenthesis": "unbalanced parenthesis",
        "unterminated_subpattern": "missing ), unterminated subpattern",
        "unterminated_set": "unterminated character set",
        "nothing_to_repeat": "nothing to repeat",
        "multiple_repeat": "multiple repeat",
        "bad_escape": "bad escape",
        "bad_range": "bad character range",
        "look_behind": "look-behind requires fixed-width pattern",
        "bad_group": "bad group name or reference",
        "other": "invalid pattern",
    },
}


def regex_problem(exc: Exception) -> str:
    """The ``problem`` code of what :mod:`re` said about a pattern it refused."""
    message = str(getattr(exc, "msg", exc))
    for code, english in PARTS["problem"].items():
        if message.startswith(english):
            return code
    if "group" in message or "reference" in message:
        return "bad_group"
    return "other"


def toml_fault_at(exc: Exception, text: str) -> dict[str, int]:
    """The ``line`` and ``column`` of a TOML syntax error, which :mod:`tomllib` gives only inside its
    English message: "(at line 3, column 5)", or "(at end of document)"."""
    at = re.search(r"at line (\d+), column (\d+)", str(exc))
    if at:
        return {"line": int(at[1]), "column": int(at[2])}
    lines = text.split("\n")
    return {"line": len(lines), "column": len(lines[-1]) + 1}


def with_parts(fields: dict[str, Any], parts: Any) -> dict[str, Any]:
    """``fields`` with each part code (``place``, ``problem``) replaced by its text in ``parts``."""
    filled = dict(fields)
    for name, texts in parts.items():
        code = fields.get(name)
        if isinstance(code, str) and code in texts:
            filled[name] = fill(texts[code], fields)
    return filled


# The code of a warning read back from JSON written before the codes: its English reason is all there is.
LEGACY = "legacy.reason"


def reason_of(code: str, fields: dict[str, Any]) -> str:
    """The English reason of ``code`` with ``fields`` (for JSON and logs); the code for an unknown one."""
    template = REASONS.get(code)
    return code if template is None else fill(template, with_parts(fields, PARTS))


def fill(template: str, fields: dict[str, Any]) -> str:
    """``template`` with ``fields``; a field the raise site did not give reads as nothing."""
    return template.format_map(_Blank(fields))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Notice:
    """What went wrong or what to know, as data, where nothing is raised (a document refused before
    reading, a warning): a code and its fields, read through the catalogue like an error's."""

    code: str
    fields: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, code: str, /, **fields: Any) -> Notice:
        return cls(code, fields)

    @property
    def reason(self) -> str:
        reason = reason_of(self.code, self.fields)
        return f"{self.fields['file']}: {reason}" if self.fields.get("file") else reason

    def within(self, file: str) -> Notice:
        """The notice about one file of several (a page of a charter photographed page by page)."""
        return Notice(self.code, {**self.fields, "file": file})

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "fields": dict(self.fields)}

    @classmethod
    def from_dict(cls, data: Any) -> Notice:
        if not isinstance(data, dict) or not isinstance(data.get("code"), str) \
                or not isinstance(data.get("fields", {}), dict):
            raise ValueError("a notice is an object with a 'code' and 'fields'")
        return cls(data["code"], dict(data.get("fields", {})))


def _rebuild(cls: type[PbdocsError], code: str, fields: dict[str, Any]) -> PbdocsError:
    return cls(code, **fields)


class PbdocsError(Exception):
    """Base class of every error pbdocs raises on purpose: ``PbdocsError(code, path=..., **fields)``."""

    exit_code = 1

    def __init__(self, code: str, /, *, path: str | os.PathLike[str] | None = None, **fields: Any):
        self.code = code
        # Fields travel in JSON (a result's error_fields) and between processes: plain values only.
        fields = {key: value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
                  for key, value in fields.items()}
        self.path = "" if path is None else str(path)
        self.fields: dict[str, Any] = {"path": self.path, **fields} if path is not None else dict(fields)
        self.reason = reason_of(code, self.fields)
        super().__init__(f"{self.path}: {self.reason}" if self.path else self.reason)

    @property
    def notice(self) -> Notice:
        return Notice(self.code, dict(self.fields))

    def __reduce__(self):
        # Errors cross process boundaries (worker pools, Dask): rebuild from the code and fields.
        return _rebuild, (type(self), self.code, self.fields)


class ReadError(PbdocsError):
    """A file could not be turned into text: corrupt, encrypted, empty, unsupported, too large."""

    exit_code = 3


class OcrDisabled(ReadError):
    """A page or picture needs OCR, but the caller turned OCR off."""


class UnsupportedFormat(ReadError):
    """The file's type is not one pbdocs reads."""


class MissingDependency(ReadError):
    """Reading the file needs a tool or package that is not installed."""


class CorruptFile(ReadError):
    """The file claims a format but its structure is broken (what a reader library choked on)."""


class ReaderFailure(ReadError):
    """A reader library failed in a way pbdocs does not recognize. The file is reported unreadable
    so the batch goes on, but this is a gap to close: the fuzz test fails on it."""


class OverBudget(ReadError):
    """Reading the file would take more pixels, characters or time than its budget allows."""


class RulePackError(PbdocsError):
    """A rule pack file is malformed."""

    exit_code = 2


class SearchIndexError(PbdocsError):
    """A search index is missing, stale beyond repair, or corrupt."""

    exit_code = 3


class StaleIndexError(SearchIndexError):
    """A search index is missing, or was built from another corpus or tokenizer: building it again
    fixes it (the shell decides whether to)."""


class RerankUnavailable(PbdocsError):
    """Re-ranking was asked for, but the ``rerank`` extra is not installed or the index has no
    passage vectors."""

    exit_code = 3


class CorpusError(PbdocsError):
    """The corpus manifest or one of its files is inconsistent."""

    exit_code = 3


class UnsafeArchive(ReadError):
    """An archive member would escape the work directory or inflate past the limits."""


class ScreenError(PbdocsError):
    """A batch cannot be screened at all: no documents, an unknown report type, no cluster."""

    exit_code = 2


class ExecutorError(PbdocsError):
    """Documents cannot be run at all: the cluster cannot be reached."""

    exit_code = 2


class InvalidOption(PbdocsError):
    """An option value the library cannot use (an unknown organization type...)."""

    exit_code = 2


class QueryError(PbdocsError):
    """A search question that cannot be searched (empty)."""

    exit_code = 2


class OfficeError(PbdocsError):
    """The office workspace cannot do what was asked: an unknown or duplicate user, a bad data
    folder or database address, a review of a row that does not exist."""

    exit_code = 2
