"""What the server sends back as files: a checked batch's report, its review opinions, the page itself.

Reports are written by the batch screener's own writers and opinions by ``pbdocs opinion``'s, so a
download here matches what the command line writes.
"""
from __future__ import annotations

import io
import tempfile
import zipfile
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import Response

from ..screen.records import ScreenRecord

__all__ = ["report_bytes", "report_download", "opinions_zip", "opinions_download", "static_dir"]

REPORT_MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
}


def report_bytes(records: list[ScreenRecord], suffix: str) -> bytes:
    """The batch screener's own report, so a download here matches ``pbdocs screen --out``."""
    from ..screen.reports import write_report

    with tempfile.TemporaryDirectory(prefix="pbdocs-report-") as scratch:
        return write_report(Path(scratch) / f"report{suffix}", records).read_bytes()


def report_download(content: bytes, suffix: str) -> Response:
    disposition = (f"attachment; filename=\"pbdocs-report{suffix}\"; "
                   f"filename*=UTF-8''{quote(f'章程审查报告{suffix}')}")
    return Response(content, media_type=REPORT_MEDIA_TYPES[suffix], headers={"content-disposition": disposition})


def opinions_download(content: bytes) -> Response:
    disposition = f"attachment; filename=\"pbdocs-opinions.zip\"; filename*=UTF-8''{quote('审查意见.zip')}"
    return Response(content, media_type="application/zip", headers={"content-disposition": disposition})


def opinions_zip(records: list[ScreenRecord]) -> bytes:
    """One review opinion per record short of compliant, as ``pbdocs opinion`` writes them, in one zip;
    a record whose review carries an officer's edited opinion gets that text."""
    from ..deliver import write_opinions

    edited = {id(r.result): r.review.opinion for r in records if r.review is not None and r.review.opinion}
    out = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="pbdocs-opinions-") as scratch, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in write_opinions((r.result for r in records), scratch, texts=lambda result: edited.get(id(result))):
            archive.write(path, path.name)
    return out.getvalue()


def static_dir() -> Path:
    return Path(str(resources.files("pbdocs.web") / "static"))
