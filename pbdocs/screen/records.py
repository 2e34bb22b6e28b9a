"""One screened document as a record: what the journal stores, the reports write and the web returns."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import Notice, PbdocsError

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
    def failed(cls, path: str, problem: PbdocsError | Notice, error: str | None = None) -> ScreenRecord:
        """The record of a document that could not be screened, for ``problem`` (``error``: the
        English reason, when it must say more than the problem's own)."""
        from ..rules import CheckResult

        return cls.of(CheckResult.unreadable(path, problem, error=error))

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
        return self.renamed(self.check.get("path") or "", label, path=label)

    def renamed(self, old: str, new: str, **changed: Any) -> ScreenRecord:
        """The record with the file name ``old`` read as ``new`` in its error (its reason, fields
        and text), and ``changed`` keys set in both parts."""
        parts = []
        for part in (self.check, self.row):
            part = dict(part, **changed)
            if old:
                for key in ("error", "error_text"):
                    if isinstance(part.get(key), str):
                        part[key] = part[key].replace(old, new)
                if isinstance(part.get("error_fields"), dict):
                    part["error_fields"] = {k: v.replace(old, new) if isinstance(v, str) else v
                                            for k, v in part["error_fields"].items()}
            parts.append(part)
        return ScreenRecord(*parts)

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "row": self.row}

    @classmethod
    def from_dict(cls, data: Any) -> ScreenRecord:
        """The record ``as_dict`` gave; ValueError naming what is wrong for anything else, so that
        a journal edited or damaged by hand never reaches the report writers."""
        if not isinstance(data, dict):
            raise ValueError("a screen record is a JSON object")
        check, row = data.get("check"), data.get("row")
        if not isinstance(check, dict) or not isinstance(row, dict):
            raise ValueError("a screen record needs the objects 'check' and 'row'")
        for key, kinds in _ROW_TYPES.items():
            if not isinstance(row.get(key), kinds):
                raise ValueError(f"a screen record's row has a wrong or missing {key!r}")
        if not all(isinstance(e, str) for e in row["missing_elements"]):
            raise ValueError("a screen record's missing elements are not all text")
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in row["ocr_pages"]):
            raise ValueError("a screen record's OCR pages are not all numbers")
        _check_shape(check)
        return cls(check, row)


# The JSON type of each report column, as CheckResult.row() writes it.
_ROW_TYPES: dict[str, type | tuple[type, ...]] = {
    "path": str, "verdict": str, "name": (str, type(None)), "org_type": (str, type(None)),
    "party_clause": (str, type(None)), "missing_elements": list, "core_values": bool,
    "article": (str, type(None)), "ocr_pages": list, "error": (str, type(None)),
}


def _check_shape(check: dict[str, Any]) -> None:
    """The parts of a check object the reports walk into must have the types they expect."""
    if not isinstance(check.get("path"), str) or not isinstance(check.get("verdict"), str):
        raise ValueError("a screen record's check needs a 'path' and a 'verdict'")
    findings = check.get("findings", [])
    if not isinstance(findings, list) or not all(isinstance(f, dict) for f in findings):
        raise ValueError("a screen record's findings are not a list of objects")
    for finding in findings:
        elements = finding.get("elements", {})
        if not isinstance(elements, dict) or not all(isinstance(e, (dict, type(None))) for e in elements.values()):
            raise ValueError("a finding's elements are not objects")
        for key in ("basis", "fix"):
            value = finding.get(key)
            if value is not None and not (isinstance(value, dict) and all(isinstance(k, str) for k in value)):
                raise ValueError(f"a finding's {key} is not an object")
