"""One screened document as a record: what the journal stores, the reports write and the web returns."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

__all__ = ["ScreenRecord", "member_label"]


def member_label(archive: str, member: str) -> str:
    """How a report names a file inside an archive: ``archive.zip/member``, with ``/`` separators
    whatever the platform, so one document has one name in every report."""
    return archive.replace(os.sep, "/").rstrip("/") + "/" + member


@dataclass(frozen=True)
class ScreenRecord:
    """The ``pbdocs check --format json`` object of one document and its report row.

    Both are kept in their JSON form: the record crosses process and machine boundaries, is
    journaled line by line, and must read back exactly as it was written.
    """

    check: dict[str, Any]
    row: dict[str, Any]

    @classmethod
    def of(cls, result) -> ScreenRecord:
        """The record of a :class:`~pbdocs.rules.CheckResult`."""
        return cls(result.as_dict(), result.row())

    @classmethod
    def failed(cls, path: str, reason: str) -> ScreenRecord:
        """The record of a document that could not be screened."""
        from ..rules import CheckResult

        return cls.of(CheckResult(path=path, verdict="error", error=reason))

    @property
    def path(self) -> str:
        return self.row["path"]

    @property
    def verdict(self) -> str:
        return self.row["verdict"]

    def labelled(self, label: str) -> ScreenRecord:
        """The record under ``label``, the name the user knows the document by, where it was
        checked under another (a scratch copy, an upload's numbered file, an unpacked member).
        The old name is replaced in the error message as well."""
        checked_as = self.check.get("path") or ""
        parts = []
        for part in (self.check, self.row):
            part = dict(part, path=label)
            if checked_as and isinstance(part.get("error"), str):
                part["error"] = part["error"].replace(checked_as, label)
            parts.append(part)
        return ScreenRecord(*parts)

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "row": self.row}

    @classmethod
    def from_dict(cls, data: Any) -> ScreenRecord:
        """The record ``as_dict`` gave; ValueError for anything else."""
        if not isinstance(data, dict):
            raise ValueError("a screen record is a JSON object")
        check, row = data.get("check"), data.get("row")
        if not isinstance(check, dict) or not isinstance(row, dict):
            raise ValueError("a screen record needs the objects 'check' and 'row'")
        if not isinstance(row.get("path"), str) or not isinstance(row.get("verdict"), str):
            raise ValueError("a screen record's row needs a 'path' and a 'verdict'")
        return cls(check, row)
