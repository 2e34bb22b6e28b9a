"""ASGI app for registration offices: upload charters, see verdicts, download the report, ask questions.

Uploads are parsed straight off the request stream and written to numbered files in a per-request
temporary directory, counting bytes and files as they arrive, so an oversized or overcrowded request
is refused with 413 before it is ever held whole. The names users gave their files are labels only.
Checking is CPU-bound and runs C readers (pdfium) on files from strangers, so it runs in one
app-wide pool of worker processes: the event loop keeps answering (the page, searches, other
uploads) while batches are checked on every core, many batches never oversubscribe the machine,
and a file that crashes its reader costs one error row, not the server.
"""
from __future__ import annotations

import asyncio
import io
import os
import re
import secrets
import shutil
import tempfile
import threading
import zipfile
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote, unquote

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from ..domain import registry
from ..errors import CorpusError, PbdocsError, SearchIndexError
from ..executor import SharedPool
from ..extract import SUPPORTED_SUFFIXES
from ..messages import catalogue
from ..rules.options import CheckOptions
from ..screen.inputs import ARCHIVE_SUFFIX, ArchiveLimits, collect_sources
from ..screen.records import ScreenRecord, member_label
from ..screen.task import document_job, outcome_record, pages_job
from .guard import Guard, GuardSettings

if TYPE_CHECKING:
    from ..search import Searcher
    from .workspace import Workspace

__all__ = ["create_app"]

# The packs and organization-type spellings /api/check accepts: the CLI's, from the domain registry.
PackName = Literal[registry().pack_names]  # type: ignore[valid-type]
OrgTypeName = Literal[registry().org_type_choices()]  # type: ignore[valid-type]
KindName = Literal[registry().kind_codes()]  # type: ignore[valid-type]
_KIND_QUERY = Query(None, description="document kind (social_organization, company, ...); detected when omitted")
_PAGES_QUERY = Query(False, description="read the uploaded files as the pages of ONE charter, in upload order "
                                        "(photos of its pages); archives are refused")
DEFAULT_PACK = registry().default_pack

MIB = 1024 * 1024
ACCEPTED_SUFFIXES = (*tuple(SUPPORTED_SUFFIXES), ARCHIVE_SUFFIX)
# Charters compress about fivefold; an archive inflating past ten times the upload limit is a bomb.
ARCHIVE_INFLATION_FACTOR = 10
# A one-page scan takes seconds to OCR; minutes means a reader is stuck and the officer is waiting.
DOCUMENT_TIMEOUT_S = 300
# Finished batches kept for report downloads; older ones are forgotten first.
REPORTS_KEPT = 64
UPLOAD_FIELD = b"files"
# Short text fields an upload may carry beside its files (a batch's name), and their longest value.
TEXT_FIELDS = (b"name",)
TEXT_FIELD_BYTES = 1024
# RFC 5987 extended file names (filename*=UTF-8''%E7%AB%A0...), which python-multipart drops.
EXTENDED_FILENAME = re.compile(rb"filename\*\s*=\s*([\w!#$&+.^`|~-]+)'[^']*'([^;\s]+)", re.IGNORECASE)
# The page has no inline code and loads nothing from elsewhere, so it can forbid both.
PAGE_SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
# The /docs page starts Swagger UI with an inline script; a strict policy would blank it.
PATHS_WITHOUT_CSP = ("/docs",)
# Swagger UI's files are served from here (package fastapi-offline) so /docs works on an office
# network without internet access.
DOCS_ASSETS = "/docs-assets"


@dataclass
class _Upload:
    """One uploaded file: ``label`` is what the user called it, ``path`` where its bytes are."""

    label: str
    path: Path


def _suffix(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return os.path.splitext(base)[1].lower()


def _filename(disposition: bytes, params: dict[bytes, bytes]) -> str | None:
    extended = EXTENDED_FILENAME.search(disposition)
    if extended:
        charset = extended.group(1).decode("ascii")
        try:
            return unquote(extended.group(2).decode("ascii"), encoding=charset, errors="replace")
        except LookupError:
            pass  # an unknown charset: fall back on the plain filename parameter
    filename = params.get(b"filename")
    return filename.decode("utf-8", "replace") if filename else None


class _MultipartSpool:
    """Feeds a multipart body through python-multipart, writing each ``files`` part to its own file.

    Parts are stored as ``0001.docx``, ``0002.pdf``...: the suffix comes from an allow-list, nothing
    else of the user's file name touches the file system.
    """

    def __init__(self, boundary: bytes, workdir: Path, max_files: int):
        from python_multipart.multipart import MultipartParser

        self.workdir = workdir
        self.max_files = max_files
        self.uploads: list[_Upload] = []
        self.fields: dict[str, str] = {}
        self.finished = False
        self._text: bytearray | None = None
        self._text_name = ""
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._out: io.BufferedWriter | None = None
        self._parser = MultipartParser(boundary, {
            "on_part_begin": self._on_part_begin,
            "on_header_field": lambda data, start, end: self._header_field.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
            "on_header_end": self._on_header_end,
            "on_headers_finished": self._on_headers_finished,
            "on_part_data": self._on_part_data,
            "on_part_end": self._close_part,
            "on_end": self._on_end,
        })

    def write(self, chunk: bytes) -> None:
        self._parser.write(chunk)

    def close(self) -> None:
        self._close_part()

    def _on_part_begin(self) -> None:
        self._headers = {}

    def _on_header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _on_headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        disposition = self._headers.get(b"content-disposition", b"")
        _, params = parse_options_header(disposition)
        label = _filename(disposition, params)
        if params.get(b"name") in TEXT_FIELDS and label is None:
            self._text, self._text_name = bytearray(), params[b"name"].decode("ascii")
            return
        if params.get(b"name") != UPLOAD_FIELD or not label:
            return
        suffix = _suffix(label)
        if suffix not in ACCEPTED_SUFFIXES:
            raise HTTPException(415, f"{label}: unsupported file type {suffix or '(no extension)'}; "
                                     f"accepted: {' '.join(ACCEPTED_SUFFIXES)}")
        if len(self.uploads) >= self.max_files:
            raise HTTPException(413, f"too many files: at most {self.max_files} per upload")
        path = self.workdir / f"{len(self.uploads) + 1:04d}{suffix}"
        self._out = path.open("xb")
        self.uploads.append(_Upload(label, path))

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._out is not None:
            self._out.write(data[start:end])
        elif self._text is not None and len(self._text) < TEXT_FIELD_BYTES:
            self._text.extend(data[start:min(end, start + TEXT_FIELD_BYTES - len(self._text))])

    def _close_part(self) -> None:
        if self._text is not None:
            self.fields[self._text_name] = self._text.decode("utf-8", "replace")
            self._text = None
        if self._out is not None:
            self._out.close()
            self._out = None

    def _on_end(self) -> None:
        self.finished = True


async def _spool_request(request: Request, workdir: Path, max_bytes: int, max_files: int,
                         fields: dict[str, str] | None = None) -> list[_Upload]:
    """The request's files, spooled to ``workdir``; its short text fields go into ``fields``."""
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import parse_options_header

    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise HTTPException(415, "send the files as multipart/form-data in the field `files`")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise HTTPException(413, f"upload is {int(declared) / MIB:.1f} MB, over the {max_bytes // MIB} MB limit")
    spool = _MultipartSpool(boundary, workdir, max_files)
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes:
                raise HTTPException(413, f"upload is over the {max_bytes // MIB} MB limit")
            spool.write(chunk)
    except MultipartParseError as exc:
        raise HTTPException(400, f"malformed multipart body: {exc}") from None
    finally:
        spool.close()
    if not spool.finished:
        raise HTTPException(400, "the upload ended before the multipart body was complete")
    if not spool.uploads:
        raise HTTPException(400, "no files: send one or more files in the multipart field `files`")
    if fields is not None:
        fields.update(spool.fields)
    return spool.uploads


@dataclass
class _Document:
    """What the checker gets: a local file, or the reason it was refused before reading."""

    label: str
    local: str | None
    error: str | None = None


def _count_archive_documents(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(1 for info in archive.infolist() if not info.is_dir())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 1  # one error row, reported by the unpacking below


def _collect_documents(uploads: list[_Upload], workdir: Path, max_files: int, max_inflated: int) -> list[_Document]:
    """Each upload, with each uploaded zip replaced by its members (``archive.zip/member``), in order.

    Archives are unpacked by the batch screener's own safe unpacker, so the page and ``pbdocs screen``
    refuse the same members (``../`` names, symlinks, bombs, nested archives) the same way.
    """
    archives = [u for u in uploads if u.path.suffix == ARCHIVE_SUFFIX]
    total = len(uploads) - len(archives) + sum(_count_archive_documents(u.path) for u in archives)
    if total > max_files:
        raise HTTPException(413, f"too many files: {total} documents, at most {max_files} per upload "
                                 f"(archive members included)")
    limits = ArchiveLimits(max_members=max_files, max_member_bytes=max_inflated, max_total_bytes=max_inflated)
    documents: list[_Document] = []
    for upload in uploads:
        if upload.path.suffix != ARCHIVE_SUFFIX:
            documents.append(_Document(upload.label, str(upload.path)))
            continue
        members = collect_sources([str(upload.path)], workdir / f"{upload.path.stem}-members", limits=limits)
        for source in members:
            label = member_label(upload.label, source.member) if source.member else upload.label
            documents.append(_Document(label, source.local, source.error))
    return documents


async def _check_document(pool: SharedPool, document: _Document, options: CheckOptions,
                          timeout: float | None) -> ScreenRecord:
    """The document's record under the upload's name (the checker saw ``0003.pdf``)."""
    if document.error is not None or document.local is None:
        return ScreenRecord.failed(document.label, document.error or "not stored")
    job = document_job(document.local, options, timeout)
    return outcome_record(job, await pool.submit(job)).labelled(document.label)


class _ReportStore:
    """The check objects and rows of recent batches, for report downloads by an unguessable id."""

    def __init__(self, capacity: int):
        self._capacity = capacity
        self._records: OrderedDict[str, list[ScreenRecord]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, records: list[ScreenRecord]) -> str:
        report_id = secrets.token_urlsafe(16)
        with self._lock:
            self._records[report_id] = records
            while len(self._records) > self._capacity:
                self._records.popitem(last=False)
        return report_id

    def get(self, report_id: str) -> list[ScreenRecord]:
        with self._lock:
            records = self._records.get(report_id)
        if records is None:
            raise HTTPException(404, "no such report: it expired or the id is wrong; check the files again")
        return records


REPORT_MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
}


def _report_bytes(records: list[ScreenRecord], suffix: str) -> bytes:
    """The batch screener's own report, so a download here matches ``pbdocs screen --out``."""
    from ..screen.reports import write_report

    with tempfile.TemporaryDirectory(prefix="pbdocs-report-") as scratch:
        return write_report(Path(scratch) / f"report{suffix}", records).read_bytes()


def _download(content: bytes, suffix: str) -> Response:
    disposition = (f"attachment; filename=\"pbdocs-report{suffix}\"; "
                   f"filename*=UTF-8''{quote(f'章程审查报告{suffix}')}")
    return Response(content, media_type=REPORT_MEDIA_TYPES[suffix], headers={"content-disposition": disposition})


def _announce_build(index_dir: Path) -> None:
    """The one line on stderr that says why the first search takes a while."""
    import sys

    sys.stderr.write(catalogue().text("cli.building_index", path=index_dir) + "\n")
    sys.stderr.flush()


class _SearchService:
    """Loads the search index on the first question, once, and shares it between requests.

    An ``index_dir`` given is searched as it is; without one, the default index of
    :func:`pbdocs.shell.environment_locations` is (re)built first when missing or stale.
    """

    def __init__(self, index_dir: str | os.PathLike | None):
        self._index_dir = index_dir
        self._searcher: Searcher | None = None
        self._lock = threading.Lock()

    def search(self, query: str, k: int) -> dict:
        return self._loaded().search(query, k=k).as_dict()

    def _loaded(self) -> Searcher:
        with self._lock:
            if self._searcher is None:
                from .. import open_searcher
                from ..shell import environment_locations

                if self._index_dir is not None:
                    self._searcher = open_searcher(self._index_dir)
                else:
                    from ..shell import vector_cache_dir

                    where = environment_locations()
                    self._searcher = open_searcher(where.index_dir, where.corpus_dir,
                                                   shipped_index=where.shipped_index, on_build=_announce_build,
                                                   vector_cache=vector_cache_dir())
                if self._searcher.dense is None and self._searcher.lexical_reason:
                    import sys

                    sys.stderr.write(catalogue().text(f"search.lexical_{self._searcher.lexical_reason}") + "\n")
            return self._searcher


class _SecurityHeaders:
    """Pure ASGI middleware (no body buffering) adding the page's security headers."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith(PATHS_WITHOUT_CSP):
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + PAGE_SECURITY_HEADERS
            await send(message)

        return await self.app(scope, receive, send_with_headers)


def _add_offline_docs(app) -> None:
    """OpenAPI docs at /docs from local Swagger UI files; from the CDN only if they are missing."""
    from fastapi.openapi.docs import get_swagger_ui_html

    try:
        # Swagger UI 5 (bundled by fastapi-offline): 4.x cannot read the OpenAPI 3.1 FastAPI writes.
        import fastapi_offline

        swagger_ui_path: Path | None = Path(fastapi_offline.__file__).parent / "static"
    except ImportError:
        swagger_ui_path = None
    if swagger_ui_path is not None:
        app.mount(DOCS_ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs():
        openapi_url, favicon = app.openapi_url or "/openapi.json", "/static/favicon.svg"
        if swagger_ui_path is None:
            return get_swagger_ui_html(openapi_url=openapi_url, title="pbdocs API", swagger_favicon_url=favicon)
        return get_swagger_ui_html(openapi_url=openapi_url, title="pbdocs API", swagger_favicon_url=favicon,
                                   swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css")


def _static_dir() -> Path:
    return Path(str(resources.files("pbdocs.web") / "static"))


def _check_limits(max_upload_mb: int, max_files: int, workers: int | None, document_timeout: float | None) -> None:
    if max_upload_mb < 1:
        raise ValueError("max_upload_mb must be at least 1")
    if max_files < 1:
        raise ValueError("max_files must be at least 1")
    if workers is not None and workers < 1:
        raise ValueError("workers must be at least 1")
    if document_timeout is not None and document_timeout <= 0:
        raise ValueError("document_timeout must be positive")


def _bare_app(pool: SharedPool, workspace: Workspace | None = None) -> FastAPI:
    """The app with its page, static files, docs and error handling; the pool closes with it. With
    a ``workspace``, the page is the workspace's (login, batches), which starts and stops with the app."""

    @asynccontextmanager
    async def lifespan(_app):
        if workspace is not None:
            await workspace.start()
        yield
        if workspace is not None:
            await workspace.stop()
        pool.shutdown()

    app = FastAPI(
        title="pbdocs",
        summary="社会组织章程党建条款审查与政策问答 / party-building clause checks and policy search",
        version=_version(),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(_SecurityHeaders)
    app.mount("/static", StaticFiles(directory=_static_dir()), name="static")
    _add_offline_docs(app)

    @app.exception_handler(PbdocsError)
    async def library_error(_request: Request, exc: PbdocsError):
        # A missing or broken index or corpus is the server's state, not the client's request.
        status = 503 if isinstance(exc, (SearchIndexError, CorpusError)) else 500
        return JSONResponse({"detail": str(exc)}, status_code=status)

    if workspace is None:
        @app.get("/", include_in_schema=False)
        async def page():
            return FileResponse(_static_dir() / "index.html", media_type="text/html; charset=utf-8")

    return app


async def _check_pages(pool: SharedPool, uploads: list[_Upload], options: CheckOptions,
                       timeout: float | None) -> ScreenRecord:
    """The uploads, in upload order, as the pages of one charter."""
    from ..extract import pages_label

    if any(u.path.suffix == ARCHIVE_SUFFIX for u in uploads):
        raise HTTPException(400, "pages=true reads the uploaded files as the pages of one charter: "
                                 "upload the page images or files themselves, not a .zip")
    label = pages_label([u.label for u in uploads])
    job = pages_job(label, [str(u.path) for u in uploads], options, timeout)
    record = outcome_record(job, await pool.submit(job)).labelled(label)
    error = record.check.get("error")
    if isinstance(error, str):
        # The reader names the stored copy (0002.jpg); the officer knows the file by its upload name.
        for upload in uploads:
            error = error.replace(str(upload.path), upload.label)
        record = ScreenRecord(dict(record.check, error=error), dict(record.row, error=error))
    return record


async def _check_upload(request: Request, pool: SharedPool, options: CheckOptions, timeout: float | None,
                        max_bytes: int, max_files: int, pages: bool = False) -> list[ScreenRecord]:
    """Spool the request's files, unpack its archives, check every document (or, with ``pages``,
    the files as the pages of one charter); nothing stays on disk."""
    loop = asyncio.get_running_loop()
    workdir = Path(tempfile.mkdtemp(prefix="pbdocs-upload-"))
    try:
        uploads = await _spool_request(request, workdir, max_bytes, max_files)
        if pages:
            return [await _check_pages(pool, uploads, options, timeout)]
        documents = await loop.run_in_executor(None, _collect_documents, uploads, workdir, max_files,
                                               max_bytes * ARCHIVE_INFLATION_FACTOR)
        return list(await asyncio.gather(*(_check_document(pool, document, options, timeout)
                                           for document in documents)))
    finally:
        # Here, not in a thread: a cancelled or failed request must not leave its folder behind.
        shutil.rmtree(workdir, ignore_errors=True)


def _add_report_route(app: FastAPI, reports: _ReportStore) -> None:
    @app.get("/api/reports/{report_id}.{fmt}", summary="A checked batch as a report file")
    async def report(report_id: str, fmt: Literal["csv", "xlsx", "json", "html"]):
        """The report `pbdocs screen --out report.<fmt>` would write for the batch `X-Report-Id` named:
        CSV (UTF-8 with BOM), XLSX (colours, filters, summary sheet), JSON, or a self-contained HTML page."""
        records = reports.get(report_id)
        suffix = f".{fmt}"
        content = await asyncio.get_running_loop().run_in_executor(None, _report_bytes, records, suffix)
        return _download(content, suffix)

    @app.get("/api/reports/{report_id}/opinions.zip", summary="Review opinions of a checked batch, as one zip")
    async def opinions(report_id: str):
        """One review opinion (审查意见, .docx) per charter of the batch short of compliant, as
        `pbdocs opinion` writes them, in one zip (empty when every charter is compliant)."""
        records = reports.get(report_id)
        content = await asyncio.get_running_loop().run_in_executor(None, _opinions_zip, records)
        return _zip_download(content)


def _zip_download(content: bytes) -> Response:
    disposition = f"attachment; filename=\"pbdocs-opinions.zip\"; filename*=UTF-8''{quote('审查意见.zip')}"
    return Response(content, media_type="application/zip", headers={"content-disposition": disposition})


def _opinions_zip(records: list[ScreenRecord]) -> bytes:
    import io
    import zipfile

    from ..deliver import write_opinions
    from ..rules import CheckResult

    out = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="pbdocs-opinions-") as scratch, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in write_opinions((CheckResult.from_dict(r.check) for r in records), scratch):
            archive.write(path, path.name)
    return out.getvalue()


def create_app(index_dir: str | os.PathLike | None = None, max_upload_mb: int = 20, max_files: int = 200,
               workers: int | None = None, document_timeout: float | None = DOCUMENT_TIMEOUT_S,
               options: CheckOptions | None = None, data_dir: str | os.PathLike | None = None,
               database: str | None = None, login_attempts: int = 5, guard: GuardSettings | None = None) -> FastAPI:
    """The pbdocs web app: the upload page at ``/``, the JSON API under ``/api``, OpenAPI at ``/docs``.

    With a ``data_dir`` it is an office workspace (:mod:`pbdocs.web.workspace`): every ``/api`` call
    needs an account, batches are kept there (or in the PostgreSQL ``database``) across restarts, and
    ``login_attempts`` failed logins in a row from one address pause logging in for a while. Without
    one, the page is open to whoever can reach it and reports are kept in memory for a while.

    ``max_upload_mb`` bounds one request's body, ``max_files`` the documents in it (archive members
    included), ``workers`` the processes checking documents for all requests (default: CPU count),
    ``document_timeout`` the seconds one document may take before it is an error row (None: no limit).
    ``options`` (OCR mode, a rules file of the office's own) apply to every upload; each request
    picks the pack and the organization type. ``guard`` sets the protections of every route
    (allowed hosts, same origin, concurrent uploads, upload timeout; see :mod:`pbdocs.web.guard`).
    """
    _check_limits(max_upload_mb, max_files, workers, document_timeout)
    max_bytes = max_upload_mb * MIB
    options = options or CheckOptions()
    if document_timeout is not None:
        # The document's budget carries its time like its other limits.
        budget = replace(options.extract.budget, seconds=document_timeout)
        options = replace(options, extract=replace(options.extract, budget=budget))
    pool = SharedPool(workers or os.cpu_count() or 1)
    reports = _ReportStore(REPORTS_KEPT)
    searcher = _SearchService(index_dir)
    workspace = None
    if data_dir is not None:
        from ..office import Office
        from .workspace import Workspace

        workspace = Workspace(Office(Path(data_dir), database), pool, options, document_timeout, max_bytes, max_files,
                              login_attempts)
    app = _bare_app(pool, workspace)

    @app.get("/api/config", summary="Upload limits, accepted file types, the Chinese labels of report values "
                                    "and the ids of the rules a file's summary shows")
    async def config():
        return {"max_upload_mb": max_upload_mb, "max_files": max_files, "accepted": list(ACCEPTED_SUFFIXES),
                "labels": catalogue().web_labels(), "rule_ids": registry().rule_ids.as_dict()}

    @app.post(
        "/api/check",
        summary="Check uploaded charters for the party-building clause",
        description=(
            "Multipart field `files`, one or more documents or .zip archives (members are checked and "
            "named `archive.zip/member`). Answers a JSON list of the per-file objects of "
            "`pbdocs check --format json`, `path` being the uploaded name, in upload order. The header "
            "`X-Report-Id` names the batch for `/api/reports/{id}.csv` (`.xlsx`, `.json`, `.html`). 413 when the body "
            "or the number of documents is over the limit, 415 for a file type pbdocs does not read."
        ),
        openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["files"],
            "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
        }}}}},
    )
    async def check(
        request: Request,
        pack: PackName = Query(DEFAULT_PACK, description="rule pack to run"),  # type: ignore[valid-type]
        org_type: OrgTypeName | None = Query(  # type: ignore[valid-type]
            None, description="organization type; detected from the text when omitted"),
        kind: KindName | None = _KIND_QUERY, pages: bool = _PAGES_QUERY,  # type: ignore[valid-type]
    ):
        request_options = replace(options, pack=pack, org_type=org_type, kind=kind)
        records = await _check_upload(request, pool, request_options, document_timeout, max_bytes, max_files, pages)
        return JSONResponse(_with_error_text(records), headers={"x-report-id": reports.add(records)})

    @app.get("/api/search", summary="Answer a policy question from the indexed corpus")
    async def search(
        q: str = Query(..., min_length=1, max_length=500, description="the question"),
        k: int = Query(5, ge=1, le=50, description="number of passages"),
    ):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, searcher.search, q, k)

    _add_report_route(app, reports)
    _mount_workspace_and_guard(app, workspace, guard)
    return app


def _mount_workspace_and_guard(app: FastAPI, workspace, guard: GuardSettings | None) -> None:
    if workspace is not None:
        workspace.mount(app)
        app.state.workspace = workspace
    # Added last, so it wraps every route and every other middleware (the workspace's sign-in too):
    # a request for a foreign host or from a foreign site is refused before anything else runs.
    app.add_middleware(Guard, settings=guard or GuardSettings())


def _with_error_text(records: list[ScreenRecord]) -> list[dict]:
    """The records' check objects; an unreadable file's also has error_text, the Chinese reading of its
    reason, for the page (error keeps the reason as the library gave it)."""
    return [dict(r.check, error_text=catalogue().reading(r.check["error"])) if r.check.get("error")
            else r.check for r in records]


def _version() -> str:
    from .. import __version__

    return __version__
