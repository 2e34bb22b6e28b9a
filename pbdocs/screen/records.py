"""One screened document as a record: what the journal stores, the reports write and the web returns."""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from typing import Any

from ..errors import Notice, PbdocsError
from ..rules.results import CheckResult

__all__ = ["ScreenRecord", "Review", "member_label"]


def member_label(archive: str, member: str) -> str:
    """How a report names a file inside an archive: ``archive.zip/member``, with ``/`` separators
    whatever the platform, so one document has one name in every report."""
    return archive.replace(os.sep, "/").rstrip("/") + "/" + member


@dataclass(frozen=True)
class Review:
    """An officer's verdict on one checked document: the automatic one confirmed, or another; and
    the review opinion's text as the officer edited it (None: the one written from the check)."""

    verdict: str
    note: str
    reviewer: str
    at: str
    opinion: list[str] | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.opinion is None:
            del data["opinion"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Review:
        opinion = data.get("opinion")
        return cls(str(data["verdict"]), str(data.get("note") or ""), str(data["reviewer"]), str(data["at"]),
                   [str(line) for line in opinion] if isinstance(opinion, list) else None)


@dataclass(frozen=True)
class ScreenRecord:
    """One screened document: its check result, and in an office workspace the officer's review.

    The result stays typed while the record travels between the checker, the reports, the web and
    the opinions; :meth:`as_dict` is its JSON form (the ``pbdocs check --format json`` object of the
    document and its report row) where it leaves the process: the journal, the database, JSON files.
    """

    result: CheckResult
    review: Review | None = None
    # A workspace's rows always carry the review columns (empty until an officer reviews the row).
    in_review: bool = False

    @classmethod
    def of(cls, result: CheckResult) -> ScreenRecord:
        """The record of a :class:`~pbdocs.rules.CheckResult`."""
        return cls(result)

    @classmethod
    def failed(cls, path: str, problem: PbdocsError | Notice, error: str | None = None) -> ScreenRecord:
        """The record of a document that could not be screened, for ``problem`` (``error``: the
        English reason, when it must say more than the problem's own)."""
        return cls(CheckResult.unreadable(path, problem, error=error))

    @property
    def path(self) -> str:
        return self.result.path

    @property
    def verdict(self) -> str:
        return self.result.verdict

    @property
    def check(self) -> dict[str, Any]:
        """The ``pbdocs check --format json`` object, with ``review`` in a workspace."""
        data = self.result.as_dict()
        if self.in_review:
            data["review"] = self.review.as_dict() if self.review else None
        return data

    @property
    def row(self) -> dict[str, Any]:
        """The report row (:meth:`CheckResult.row`), with the review's columns in a workspace."""
        data = self.result.row()
        if self.in_review:
            review = self.review
            data.update(reviewed_verdict=review.verdict if review else None,
                        review_note=review.note if review else None, reviewer=review.reviewer if review else None)
        return data

    def labelled(self, label: str) -> ScreenRecord:
        """The record under ``label``, the name the user knows the document by, where it was
        checked under another (a scratch copy, an upload's numbered file, an unpacked member).
        The old name is replaced in the error message as well."""
        return self.renamed(self.result.path, label, path=label)

    def renamed(self, old: str, new: str, *, path: str | None = None) -> ScreenRecord:
        """The record with the file name ``old`` read as ``new`` in its error (the reason and its
        fields), and under ``path`` when given."""
        result = self.result
        if old and result.error:
            fields = {k: v.replace(old, new) if isinstance(v, str) else v for k, v in result.error_fields.items()}
            result = replace(result, error=result.error.replace(old, new), error_fields=fields)
        return replace(self, result=result if path is None else replace(result, path=path))

    def reviewed(self, review: Review | None) -> ScreenRecord:
        """The record with an officer's review (or none yet) beside the automatic verdict."""
        return replace(self, review=review, in_review=True)

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
        review = check.get("review")
        if review is not None and not isinstance(review, dict):
            raise ValueError("a screen record's review is not an object")
        try:
            return cls(CheckResult.from_dict(check), Review.from_dict(review) if review else None, "review" in check)
        except KeyError as exc:
            raise ValueError(f"a screen record's review lacks {exc}") from None


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
