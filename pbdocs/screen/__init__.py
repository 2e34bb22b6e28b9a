"""Batch screening: many charters in, one report out (``pbdocs screen``).

:func:`screen` collects the documents (files, folders, zip archives), skips those already in the
journal of an interrupted run, checks the rest in parallel, and writes the report atomically.
Each document appears in the report exactly once, in the order the inputs were given.
"""
from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from ..errors import ScreenError
from .inputs import ArchiveLimits, Source, collect_sources
from .journal import Journal, journal_path
from .reports import VERDICTS, report_format, summarize, write_report
from .runner import CheckSettings, Task, error_record, run_dask, run_local

__all__ = ["screen", "ScreenResult", "CheckSettings", "ArchiveLimits", "VERDICTS"]

ProgressCallback = Callable[[int, int], None]
# Seconds a worker may spend on one document; a scan OCR'd page by page stays well within it.
DOCUMENT_TIMEOUT = 600.0


@dataclass
class ScreenResult:
    """What a batch produced: the report's path, one record per document, and how it went."""

    report: Path
    records: list[dict[str, Any]]
    reused: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [r["row"] for r in self.records]

    @property
    def counts(self) -> dict[str, int]:
        return summarize(self.rows)["verdicts"]

    def summary_line(self) -> str:
        counts = self.counts
        return f"{len(self.records)} screened: " + ", ".join(f"{counts[v]} {v}" for v in VERDICTS)

    def as_dict(self) -> dict[str, Any]:
        return {"report": str(self.report), "summary": summarize(self.rows), "reused": self.reused,
                "notes": list(self.notes), "rows": self.rows}


def screen(
    paths: list[str],
    out: str | os.PathLike,
    *,
    settings: CheckSettings | None = None,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    limits: ArchiveLimits | None = None,
    resume: bool = True,
    timeout: float | None = DOCUMENT_TIMEOUT,
    on_progress: ProgressCallback | None = None,
) -> ScreenResult:
    """Screen every document under ``paths`` and write the report ``out`` (format by extension).

    ``workers`` local processes (default: all cores), or ``executor="dask"`` with the
    ``scheduler`` address. ``resume`` reuses the journal of an interrupted run of the same report.
    A document still being read after ``timeout`` seconds becomes an error row (local workers).
    ``on_progress(done, total)`` is called as documents finish.
    """
    settings = settings or CheckSettings()
    out = Path(out)
    report_format(out)
    if executor not in ("local", "dask"):
        raise ScreenError(f"unknown executor {executor!r}; use local or dask")
    if executor == "dask" and not scheduler:
        raise ScreenError("--executor dask needs --scheduler ADDRESS")
    if not out.parent.is_dir():
        raise ScreenError(f"{out}: the report's folder does not exist")
    workers = workers or _usable_cores()
    if workers < 1:
        raise ScreenError("--workers must be at least 1")

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
        raise ScreenError(f"{out}: cannot write in the report's folder: {exc.strerror or exc}") from None
    try:
        settings = _validated(settings, work_dir)
        sources = collect_sources(list(paths), work_dir, limits=limits, exclude={str(out), str(journal_file)})
        if not sources:
            raise ScreenError(f"no documents found in {', '.join(map(str, paths))}")
        with Journal(journal_file, settings.fingerprint(), resume=resume) as journal:
            result = _screen_sources(sources, journal, settings, workers, executor, scheduler, timeout,
                                     on_progress)
            result.report = write_report(out, result.records)
            journal.remove()
        return result
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def _validated(settings: CheckSettings, work_dir: Path) -> CheckSettings:
    """Settings with the organization type made canonical; a bad rule pack or organization type
    raises here, once, instead of turning every document into an error row."""
    from ..rules import list_rules, org_type_name

    if settings.org_type:
        settings = replace(settings, org_type=org_type_name(settings.org_type))
    rules_file = None
    if settings.rules_text is not None:
        rules_file = work_dir / (settings.rules_name or "rules.toml")
        rules_file.write_text(settings.rules_text, encoding="utf-8")
    list_rules(settings.pack, rules_file)
    return settings


def _usable_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's core count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


def _screen_sources(sources: list[Source], journal: Journal, settings: CheckSettings, workers: int,
                    executor: str, scheduler: str | None, timeout: float | None,
                    on_progress: ProgressCallback | None) -> ScreenResult:
    notes = [journal.discarded_reason] if journal.discarded_reason else []
    readable = [s for s in sources if s.error is None]
    reused = len({s.sha256 for s in readable if s.sha256 in journal.done})
    tasks: dict[str, Task] = {}
    for source in readable:
        if source.sha256 not in journal.done and source.sha256 not in tasks:
            tasks[source.sha256] = Task(source.sha256, source.local, settings, timeout=timeout)
    if reused:
        notes.append(f"resumed: {reused} document(s) already screened")

    total = len(sources)
    finished = [total - len(readable) + sum(1 for s in readable if s.sha256 in journal.done)]

    def progress() -> None:
        if on_progress:
            on_progress(finished[0], total)

    copies = Counter(s.sha256 for s in readable)

    def on_result(task: Task, result: dict[str, Any]) -> None:
        journal.record(task.sha256, result["check"], result["row"])
        finished[0] += copies[task.sha256]
        progress()

    progress()
    if tasks:
        if executor == "dask":
            run_dask(list(tasks.values()), scheduler, on_result)
        else:
            run_local(list(tasks.values()), min(workers, len(tasks)), on_result)
    return ScreenResult(report=Path(), records=[_record(s, journal) for s in sources], reused=reused,
                        notes=notes)


def _record(source: Source, journal: Journal) -> dict[str, Any]:
    """The document's check object and row, under the path the user knows it by."""
    if source.error is not None:
        return error_record(source.display, source.error)
    entry = journal.done[source.sha256]
    check, row = dict(entry["check"]), dict(entry["row"])
    checked_as = check.get("path") or ""
    for part in (check, row):
        part["path"] = source.display
        if checked_as and isinstance(part.get("error"), str):
            part["error"] = part["error"].replace(checked_as, source.display)
    return {"check": check, "row": row}
