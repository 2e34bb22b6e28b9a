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
    "office.no_user": "no user {name}",
    "office.no_enabled_user": "no enabled user {name}",
    "office.token_label_invalid": "a token label is 1 to {max} printable characters",
    "office.token_label_taken": "user {name} already has a token labelled {label}",
    "office.no_token": "user {name} has no token labelled {label}",
    "legacy.reason": "{reason}",
}
LEGACY = "legacy.reason"
_CODE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")


def reason_of(code: str, fields: dict[str, Any]) -> str:
    """The English reason of ``code`` with ``fields`` (for JSON and logs); the code for an unknown one."""
    template = REASONS.get(code)
    return code if template is None else fill(template, fields)


def fill(template: str, fields: dict[str, Any]) -> str:
    """``template`` with ``fields``; a field the raise site did not give reads as nothing."""
    return template.format_map(_Blank(fields))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Notice:
    """What a warning says, as data: a code and its fields (people read the catalogue's text)."""

    code: str
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return reason_of(self.code, self.fields)


def _rebuild(cls: type[PbdocsError], code: str, fields: dict[str, Any]) -> PbdocsError:
    return cls(code, **fields)


class PbdocsError(Exception):
    """Base class of every error pbdocs raises on purpose: ``PbdocsError(code, path=..., **fields)``."""

    exit_code = 1

    def __init__(self, code: str | os.PathLike[str], /, *legacy: Any, path: str | os.PathLike[str] | None = None,
                 **fields: Any):
        if legacy or not (isinstance(code, str) and _CODE.fullmatch(code)):
            # TRANSITION: ReadError(path, reason) and Error(message) of before the codes.
            path, reason = (code, legacy[0]) if legacy else (path, code)
            code, fields = LEGACY, {"reason": str(reason)}
        self.code = str(code)
        self.path = "" if path is None else str(path)
        self.fields: dict[str, Any] = {"path": self.path, **fields} if path is not None else dict(fields)
        self.reason = reason_of(code, self.fields)
        super().__init__(f"{self.path}: {self.reason}" if self.path else self.reason)

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
