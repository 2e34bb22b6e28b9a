"""An append-only JSON Lines journal beside the report, so an interrupted batch resumes.

The first line names the screening configuration; every further line is one screened document
keyed by the SHA-256 of its content. Each line is handed to the operating system as soon as the
document is done, so a killed process loses nothing; fsync runs at most every ``SYNC_INTERVAL``
seconds and on close, so a power cut loses at most that much work while the disk's sync latency
does not throttle the batch. A torn last line is ignored on resume. A journal written under
another configuration (rule pack, organization type, rules file, pbdocs version) is
discarded, because its results would not match what this run would produce; so is one written
in another layout (another ``version``).
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

from ..errors import Notice
from ..files import write_text_atomic
from .records import ScreenRecord

__all__ = ["Journal", "journal_path"]

_KIND = "pbdocs-screen-journal"
_VERSION = 1
SYNC_INTERVAL = 0.5
_SHA256 = re.compile(r"[0-9a-f]{64}")


def journal_path(report: str | os.PathLike) -> Path:
    report = Path(report)
    return report.with_name(f".{report.name}.journal.jsonl")


class Journal:
    """Results already screened, by content hash, plus the open file new results go to."""

    def __init__(self, path: str | os.PathLike, config: dict[str, Any], *, resume: bool = True):
        self.path = Path(path)
        self.config = config
        self.done: dict[str, ScreenRecord] = {}
        self.discarded_reason: Notice | None = None
        if resume and self.path.exists():
            self._load()
        else:
            self._start_new()
        # Held open for the journal's lifetime and closed by close()/__exit__, not a with-block.
        self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        self._synced_at = time.monotonic()

    def _load(self) -> None:
        try:
            with open(self.path, encoding="utf-8") as fh:
                lines = fh.read().split("\n")
        except (OSError, UnicodeDecodeError) as exc:
            self.discarded_reason = Notice.of("journal.unreadable", detail=str(exc))
            self._start_new()
            return
        self.discarded_reason = self._unusable(lines[0])
        if self.discarded_reason:
            self._start_new()
            return
        unusable = 0
        for number, line in enumerate(lines[1:], start=2):
            entry = _parse(line)
            if not line.strip() or (entry is None and number == len(lines)):
                continue  # a blank line, or the last one torn by a kill: nothing was lost
            try:
                sha256 = entry.get("sha256") if entry else None
                if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
                    raise ValueError("no content hash")
                self.done[sha256] = ScreenRecord.from_dict(entry)
            except ValueError:
                unusable += 1  # that document is checked again
        if unusable:
            self.discarded_reason = Notice.of("journal.damaged_lines", count=unusable, path=str(self.path))
        if lines[-1] != "":
            # A torn last line from a kill: end it so the next append starts on its own line.
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write("\n")

    def _unusable(self, first_line: str) -> Notice | None:
        """Why a journal with this first line cannot be resumed, or None when it can."""
        header = _parse(first_line)
        if header is None:
            return Notice.of("journal.damaged_header", path=str(self.path))
        if header.get("kind") != _KIND:
            return Notice.of("journal.not_a_journal", path=str(self.path))
        if header.get("version") != _VERSION:
            return Notice.of("journal.other_version", version=repr(header.get("version")))
        if header.get("config") != self.config:
            return Notice.of("journal.other_settings")
        return None

    def _start_new(self) -> None:
        self.done = {}
        header = {"kind": _KIND, "version": _VERSION, "config": self.config}
        write_text_atomic(self.path, json.dumps(header, ensure_ascii=False) + "\n")

    def record(self, sha256: str, record: ScreenRecord) -> None:
        entry = {"sha256": sha256, **record.as_dict()}
        self._fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._fh.flush()
        if time.monotonic() - self._synced_at >= SYNC_INTERVAL:
            self._sync()
        self.done[sha256] = record

    def _sync(self) -> None:
        os.fsync(self._fh.fileno())
        self._synced_at = time.monotonic()

    def close(self) -> None:
        if not self._fh.closed:
            self._sync()
            self._fh.close()

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _parse(line: str) -> dict[str, Any] | None:
    if not line.strip():
        return None
    try:
        value = json.loads(line)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
