"""The audit trail in words a person reads: 王科长 登录; 王科长 上传批次“2026年度年检第一批”（3 份）.

Entries keep their stable codes (``upload``, ``batch:822e…``, ``3 documents``) for programs and
``pbdocs audit --format json``; the workspace's 操作记录 panel shows these sentences instead, the
batch named by its name (a deleted batch by the name its deletion recorded).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..messages import catalogue
from .records import AuditEntry

__all__ = ["audit_sentences"]

_OBJECT = re.compile(r"batch:(?P<batch>[0-9a-f]+)(?:/row:(?P<row>\d+))?|user:(?P<user>.*)")
_COUNT = re.compile(r"(\d+) documents?")
_REVIEW = re.compile(r"(?P<before>\S+) -> (?P<after>\S+)")
_DOWNLOADS = {"report.xlsx": "download_xlsx", "report.csv": "download_csv", "report.html": "download_html",
              "report.json": "download_json", "opinions.zip": "download_opinions", "amended.zip": "download_amended"}


def _download_what(detail: str) -> str:
    zh = catalogue()
    key = _DOWNLOADS.get(detail)
    if key is not None:
        return zh.text(f"audit_text.{key}")
    row = re.fullmatch(r"row:(\d+)/(amended\.docx|opinion\.docx)", detail)
    if row:
        kind = "download_row_amended" if row.group(2) == "amended.docx" else "download_row_opinion"
        return zh.text(f"audit_text.{kind}", row=row.group(1))
    return detail


def audit_sentences(entries: Iterable[AuditEntry], batch_names: Mapping[str, str]) -> list[str]:
    """One sentence per entry, in the entries' order; ``batch_names`` maps batch ids to names."""
    zh = catalogue()
    entries = list(entries)
    names = dict(batch_names)
    for entry in entries:
        found = _OBJECT.fullmatch(entry.object)
        if entry.action == "delete" and found and found.group("batch") and entry.detail:
            names.setdefault(found.group("batch"), entry.detail)
    out = []
    for entry in entries:
        found = _OBJECT.fullmatch(entry.object)
        fields = {"user": entry.user or zh.text("office.system"), "detail": entry.detail,
                  "action": zh.label("audit_actions", entry.action), "object": entry.object}
        if found and found.group("batch"):
            fields["batch"] = names.get(found.group("batch"), found.group("batch")[:8])
            fields["row"] = found.group("row") or ""
        if found and found.group("user") is not None:
            fields["target"] = found.group("user")
        count = _COUNT.fullmatch(entry.detail)
        fields["count"] = count.group(1) if count else entry.detail
        review = _REVIEW.fullmatch(entry.detail)
        if review:
            fields["before"] = zh.label("verdicts", review.group("before"))
            fields["after"] = zh.label("verdicts", review.group("after"))
        if entry.action == "download":
            fields["what"] = _download_what(entry.detail)
        key = f"audit_text.{entry.action}"
        try:
            out.append(zh.text(key, **fields))
        except KeyError:
            out.append(zh.text("audit_text.other", **fields))
    return out
