"""Batch screening: many charters in, one report out (``pbdocs screen``).

:func:`screen` collects the documents (files, folders, zip archives), skips those already in the
journal of an interrupted run, checks the rest in parallel, and writes the report atomically.
Each document appears in the report exactly once, in the order the inputs were given.
"""
from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import Notice, ScreenError
from ..executor import DaskCluster, Executor, Job, LocalPool, Outcome, usable_cpus
from ..messages import catalogue
from ..rules.options import CheckOptions
from .inputs import ArchiveLimits, Source, collect_sources
from .journal import Journal, journal_path
from .records import ScreenRecord, member_label
from .reports import VERDICTS, report_format, summarize, write_report
from .task import document_job, outcome_record

__all__ = ["screen", "ScreenResult", "ScreenRecord", "CheckOptions", "ArchiveLimits", "VERDICTS", "member_label"]

ProgressCallback = Callable[[int, int], None]
# Seconds a worker may spend on one document; a scan OCR'd page by page stays well within it.
DOCUMENT_TIMEOUT = 600.0


@dataclass
class ScreenResult:
    """What a batch produced: the report's path, one record per document, and how it went."""

    report: Path
    records: list[ScreenRecord]
    reused: int = 0
    notes: list[Notice] = field(default_factory=list)

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [r.row for r in self.records]

    @property
    def counts(self) -> dict[str, int]:
        return summarize(self.rows)["verdicts"]

    def summary_line(self) -> str:
        counts = self.counts
        # not_applicable (documents that are not social-organization charters) is named only
        # when some were found, so the usual line stays the usual five counts.
        shown = [v for v in VERDICTS if v != "not_applicable" or counts[v]]
        return f"{len(self.records)} screened: " + ", ".join(f"{counts[v]} {v}" for v in shown)

    def as_dict(self) -> dict[str, Any]:
        return {"report": str(self.report), "summary": summarize(self.rows), "reused": self.reused,
                "notes": [n.reason for n in self.notes], "rows": self.rows}


def screen(
    paths: list[str],
    out: str | os.PathLike,
    *,
    options: CheckOptions | None = None,
    workers: int | None = None,
    executor: str | Executor = "local",
    scheduler: str | None = None,
    limits: ArchiveLimits | None = None,
    resume: bool = True,
    timeout: float | None = DOCUMENT_TIMEOUT,
    on_progress: ProgressCallback | None = None,
) -> ScreenResult:
    """Screen every document under ``paths`` with ``options`` and write the report ``out`` (format
    by extension).

    ``executor`` runs the documents: "local" (``workers`` processes, default: all cores), "dask"
    (the cluster at ``scheduler``), or any :class:`~pbdocs.executor.Executor`. ``resume`` reuses
    the journal of an interrupted run of the same report. A document still being read after
    ``timeout`` seconds becomes an error row (local workers). ``on_progress(done, total)`` is
    called as documents finish.
    """
    options = options or CheckOptions()
    out = Path(out)
    report_format(out)
    run_on = _executor(executor, scheduler, workers)
    if not out.parent.is_dir():
        raise ScreenError("screen.no_report_folder", path=out)
    # A bad rule pack raises here, once, instead of turning every document into an error row.
    options.packs()

    journal_file = journal_path(out)
    work_dir = out.with_name(f".{out.name}.work")
    # A run killed earlier leaves its unpacked archives (rebuilt from the archives) and perhaps
    # a half-written report; its journal is what survives.
    shutil.rmtree(work_dir, ignore_errors=True)
    for stale in out.parent.glob(f".{out.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    try:
        work_dir.mkdir()
    except OSError as exc:
        raise ScreenError("screen.report_folder_not_writable", path=out, detail=exc.strerror or exc) from None
    try:
        sources = collect_sources(list(paths), work_dir, limits=limits, exclude={str(out), str(journal_file)})
        if not sources:
            raise ScreenError("screen.no_documents", paths=", ".join(map(str, paths)))
        with Journal(journal_file, options.fingerprint(), resume=resume) as journal:
            result = _screen_sources(sources, journal, options, run_on, timeout, on_progress)
            try:
                result.report = write_report(out, result.records)
            except ScreenError as exc:
                # Every result is in the journal: the next run writes the report without checking
                # any document again.
                raise ScreenError("screen.report_failed_kept", path=exc.path, detail=exc.reason,
                                  detail_text=catalogue().error_text(exc), count=len(result.records),
                                  journal=journal_file) from exc
            journal.remove()
        return result
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def _executor(executor: str | Executor, scheduler: str | None, workers: int | None) -> Executor:
    if isinstance(executor, Executor):
        return executor
    if executor == "dask":
        if not scheduler:
            raise ScreenError("screen.dask_needs_scheduler")
        return DaskCluster(scheduler)
    if executor != "local":
        raise ScreenError("screen.unknown_executor", executor=executor)
    if workers is not None and workers < 1:
        raise ScreenError("screen.no_workers")
    return LocalPool(workers or usable_cpus())


def _screen_sources(sources: list[Source], journal: Journal, options: CheckOptions, executor: Executor,
                    timeout: float | None, on_progress: ProgressCallback | None) -> ScreenResult:
    notes = [journal.discarded_reason] if journal.discarded_reason else []
    # (content hash, file to read) of every document that was not refused before reading
    readable = [(s.sha256, s.local) for s in sources if s.error is None and s.sha256 and s.local]
    reused = len({sha256 for sha256, _ in readable if sha256 in journal.done})
    jobs: dict[str, Job] = {}
    for sha256, local in readable:
        if sha256 not in journal.done and sha256 not in jobs:
            jobs[sha256] = document_job(local, options, timeout, key=sha256)
    if reused:
        notes.append(Notice.of("warn.resumed", count=reused))

    total = len(sources)
    finished = total - len(readable) + sum(1 for sha256, _ in readable if sha256 in journal.done)
    copies = Counter(sha256 for sha256, _ in readable)
    sha256_of = {job.key: sha256 for sha256, job in jobs.items()}

    def on_done(job: Job, outcome: Outcome) -> None:
        nonlocal finished
        sha256 = sha256_of[job.key]
        journal.record(sha256, outcome_record(job, outcome))
        finished += copies[sha256]
        if on_progress:
            on_progress(finished, total)

    if on_progress:
        on_progress(finished, total)
    if jobs:
        if isinstance(executor, LocalPool):
            executor = LocalPool(min(executor.workers, len(jobs)))
        pending: Iterator[Job] = iter(jobs.values())
        if not executor.shares_files:
            # Bytes are read only as a job is handed out, so a large batch is never held in memory.
            pending = (replace(job, arg=job.arg.carrying_content()) for job in pending)
        executor.run(pending, on_done)
    return ScreenResult(report=Path(), records=[_record(s, journal) for s in sources], reused=reused,
                        notes=notes)


def _record(source: Source, journal: Journal) -> ScreenRecord:
    """The document's record, under the path the user knows it by."""
    if source.error is not None or source.sha256 is None:
        return ScreenRecord.failed(source.display, source.error or Notice.of("screen.not_read"))
    return journal.done[source.sha256].labelled(source.display)
