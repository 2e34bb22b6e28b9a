"""Typed errors raised by the library; the CLI maps them to exit codes."""
from __future__ import annotations


class PbdocsError(Exception):
    """Base class of every error pbdocs raises on purpose."""

    exit_code = 1


class ReadError(PbdocsError):
    """A file could not be turned into text: corrupt, encrypted, empty, unsupported, too large."""

    exit_code = 3

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


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
