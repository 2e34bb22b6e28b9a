"""Checking one document as an executor job: the unit of work of a batch and of a web upload alike."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Notice, PbdocsError
from ..executor import CRASHED, LOST, RAISED, TIMED_OUT, Job, Outcome
from ..rules.options import CheckOptions
from .records import ScreenRecord

__all__ = ["DocumentTask", "check_task", "document_job", "pages_job", "outcome_record", "timeout_reason"]


@dataclass(frozen=True)
class DocumentTask:
    """One document to check with ``options``. ``content`` is set when the worker may not see
    the caller's files."""

    path: str
    options: CheckOptions
    content: bytes | None = None
    # Files read as the pages of this one document, in order (photos of a charter's pages); the
    # worker must see them, as the web's shared pool does.
    pages: tuple[str, ...] = ()

    def carrying_content(self) -> DocumentTask:
        """The task with the document's bytes, for a worker on another machine. A file the caller
        cannot read goes by path, and the worker reports why it cannot read it either."""
        try:
            with open(self.path, "rb") as fh:
                return replace(self, content=fh.read())
        except OSError:
            return self


def check_task(task: DocumentTask) -> ScreenRecord:
    """In a worker: check one document, named by ``task.path`` whatever copy was read."""
    try:
        if task.pages:
            from .. import rules

            return ScreenRecord.of(rules.check_pages(list(task.pages), options=task.options)).labelled(task.path)
        if task.content is None:
            return _checked(task.path, task.options)
        with tempfile.TemporaryDirectory(prefix="pbdocs-doc-") as scratch:
            # Same file name as the original: readers may use it (format sniffing, title hints).
            copy = os.path.join(scratch, Path(task.path).name)
            with open(copy, "wb") as fh:
                fh.write(task.content)
            return _checked(copy, task.options).labelled(task.path)
    except PbdocsError as exc:
        return ScreenRecord.failed(task.path, exc, error=str(exc))


def _checked(path: str, options: CheckOptions) -> ScreenRecord:
    # Looked up at call time, so a stand-in for the checker reaches the workers forked later.
    from .. import rules

    return ScreenRecord.of(rules.check_path(path, options=options))


def document_job(path: str, options: CheckOptions, timeout: float | None, key: str = "") -> Job:
    """The job checking the document at ``path``, given up after ``timeout`` seconds."""
    return Job(key=f"pbdocs-check-{key or path}", fn=check_task, arg=DocumentTask(path, options),
               deadline=timeout)


def timeout_reason(seconds: float | None) -> Notice:
    """Why a document that ran out of time has no result."""
    return Notice.of("check.timed_out", seconds=f"{seconds or 0:g}")
def pages_job(label: str, paths: list[str], options: CheckOptions, timeout: float | None) -> Job:
    """The job checking ``paths`` as the pages of one document named ``label``."""
    return Job(key=f"pbdocs-pages-{label}", fn=check_task,
               arg=DocumentTask(label, options, pages=tuple(paths)), deadline=timeout)


def outcome_record(job: Job, outcome: Outcome) -> ScreenRecord:
    """The record a finished job gives: the check's, or an error row saying why there is none."""
    if outcome.failure is None:
        return outcome.value
    reasons = {
        CRASHED: Notice.of("check.crashed"),
        TIMED_OUT: timeout_reason(job.deadline),
        RAISED: Notice.of("check.internal_error", detail=outcome.detail),
        LOST: Notice.of("check.cluster_error", detail=outcome.detail),
    }
    return ScreenRecord.failed(job.arg.path, reasons[outcome.failure])
