"""ASGI app for registration offices: upload charters, see verdicts, download the report, ask questions.

Uploads are spooled off the request stream by :mod:`pbdocs.web.uploads`, shared with the office
workspace. Checking is CPU-bound and runs C readers (pdfium) on files from strangers, so it runs in one
app-wide pool of worker processes: the event loop keeps answering (the page, searches, other
uploads) while batches are checked on every core, many batches never oversubscribe the machine,
and a file that crashes its reader costs one error row, not the server.
"""
from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import threading
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from .. import present
from ..domain import registry
from ..errors import CorpusError, Notice, PbdocsError, SearchIndexError
from ..executor import SharedPool, usable_cpus
from ..messages import catalogue
from ..rules.options import CheckOptions
from ..screen.inputs import ARCHIVE_SUFFIX
from ..screen.records import ScreenRecord
from ..screen.task import document_job, outcome_record, pages_job
from .downloads import opinions_download, opinions_zip, report_bytes, report_download, static_dir
from .guard import Guard, GuardSettings
from .refusals import Refusal, refusal, refusal_response
from .uploads import (
    ACCEPTED_SUFFIXES,
    ARCHIVE_INFLATION_FACTOR,
    DEFAULT_PACK,
    MIB,
    KindName,
    OrgTypeName,
    PackName,
    Upload,
    UploadedDocument,
    collect_documents,
    remove_leftover_uploads,
    spool_request,
    upload_folder,
)

if TYPE_CHECKING:
    from ..search import Searcher
    from .workspace import Workspace

__all__ = ["create_app"]

_KIND_QUERY = Query(None, description="document kind (social_organization, company, ...); detected when omitted")
_PAGES_QUERY = Query(False, description="read the uploaded files as the pages of ONE charter, in upload order "
                                        "(photos of its pages); archives are refused")

# A one-page scan takes seconds to OCR; minutes means a reader is stuck and the officer is waiting.
DOCUMENT_TIMEOUT_S = 300
# Finished batches kept for report downloads; older ones are forgotten first.
REPORTS_KEPT = 64
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


async def _check_document(pool: SharedPool, document: UploadedDocument, options: CheckOptions,
                          timeout: float | None) -> ScreenRecord:
    """The document's record under the upload's name (the checker saw ``0003.pdf``)."""
    if document.error is not None or document.local is None:
        return ScreenRecord.failed(document.label, document.error or Notice.of("web.not_stored"))
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
            raise refusal(404, "web.no_such_report")
        return records


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
                    from ..shell import prefix_cache_dir, vector_cache_dir

                    where = environment_locations()
                    self._searcher = open_searcher(where.index_dir, where.corpus_dir,
                                                   shipped_index=where.shipped_index, on_build=_announce_build,
                                                   vector_seed=where.vector_seed,
                                                   vector_cache=vector_cache_dir(), prefix_cache=prefix_cache_dir())
                if self._searcher.notice is not None:
                    import sys

                    message = catalogue().error_text(self._searcher.notice)
                    sys.stderr.write(catalogue().text("cli.warning", message=message) + "\n")
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
        remove_leftover_uploads()
        if workspace is not None:
            await workspace.start()
        yield
        if workspace is not None:
            await workspace.stop()
        await asyncio.to_thread(pool.shutdown, wait=True)

    app = FastAPI(
        title="pbdocs",
        summary="社会组织章程党建条款审查与政策问答 / party-building clause checks and policy search",
        version=_version(),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(_SecurityHeaders)
    app.mount("/static", StaticFiles(directory=static_dir()), name="static")
    _add_offline_docs(app)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError):
        # Never the input itself: a 100 MiB note must not come back as a 100 MiB answer.
        return JSONResponse(_validation_errors(exc), status_code=422)

    @app.exception_handler(PbdocsError)
    async def library_error(_request: Request, exc: PbdocsError):
        # A missing or broken index or corpus is the server's state, not the client's request.
        status = 503 if isinstance(exc, (SearchIndexError, CorpusError)) else 500
        text = catalogue().error_text(exc)
        detail = catalogue().text("cli.error_in", path=exc.path, message=text) if exc.path else text
        return JSONResponse({"detail": detail, "code": exc.code}, status_code=status)

    app.add_exception_handler(Refusal, refusal_response)

    if workspace is None:
        @app.get("/", include_in_schema=False)
        async def page():
            return FileResponse(static_dir() / "index.html", media_type="text/html; charset=utf-8")

    return app


def _validation_errors(exc: RequestValidationError) -> dict:
    """What was wrong with a request, by field and error type, without echoing any value."""
    fields = [{"loc": [str(part) for part in error.get("loc", ())][:8], "type": str(error.get("type", ""))}
              for error in exc.errors()[:20]]
    named = "、".join(dict.fromkeys(str(f["loc"][-1]) for f in fields if f["loc"])) or "?"
    return {"detail": catalogue().text("guard.invalid", fields=named), "code": "request.invalid", "errors": fields}


async def _check_pages(pool: SharedPool, uploads: list[Upload], options: CheckOptions,
                       timeout: float | None) -> ScreenRecord:
    """The uploads, in upload order, as the pages of one charter."""
    from ..extract import pages_label

    if any(u.path.suffix == ARCHIVE_SUFFIX for u in uploads):
        raise refusal(400, "web.pages_not_zip")
    label = pages_label([u.label for u in uploads])
    job = pages_job(label, [str(u.path) for u in uploads], options, timeout)
    record = outcome_record(job, await pool.submit(job)).labelled(label)
    # The reader names the stored copy (0002.jpg); the officer knows the file by its upload name.
    for upload in uploads:
        record = record.renamed(str(upload.path), upload.label)
    return record


async def _check_upload(request: Request, pool: SharedPool, options: CheckOptions, timeout: float | None,
                        max_bytes: int, max_files: int, pages: bool = False) -> list[ScreenRecord]:
    """Spool the request's files, unpack its archives, check every document (or, with ``pages``,
    the files as the pages of one charter); nothing stays on disk."""
    loop = asyncio.get_running_loop()
    workspace = getattr(request.app.state, "workspace", None)
    user = getattr(request.state, "user", None)
    if workspace is not None and user is not None:
        # In turn with every user's batches, like an upload of the caller's own.
        pool = workspace.queue.for_owner(user.name)
    workdir = upload_folder()
    try:
        uploads = await spool_request(request, workdir, max_bytes, max_files)
        if pages:
            return [await _check_pages(pool, uploads, options, timeout)]
        documents = await loop.run_in_executor(None, collect_documents, uploads, workdir, max_files,
                                               max_bytes * ARCHIVE_INFLATION_FACTOR)
        return list(await asyncio.gather(*(_check_document(pool, document, options, timeout)
                                           for document in documents)))
    finally:
        # Here, not in a thread: a cancelled or failed request must not leave its folder behind.
        shutil.rmtree(workdir, ignore_errors=True)


def _audit(request: Request, method: str, *args) -> None:
    """Record in the workspace's audit trail, when there is one, what the signed-in caller did."""
    workspace = getattr(request.app.state, "workspace", None)
    user = getattr(request.state, "user", None)
    if workspace is not None and user is not None:
        getattr(workspace.office, method)(user, *args)


def _add_report_route(app: FastAPI, reports: _ReportStore) -> None:
    @app.get("/api/reports/{report_id}.{fmt}", summary="A checked batch as a report file")
    async def report(request: Request, report_id: str, fmt: Literal["csv", "xlsx", "json", "html"]):
        """The report `pbdocs screen --out report.<fmt>` would write for the batch `X-Report-Id` named:
        CSV (UTF-8 with BOM), XLSX (colours, filters, summary sheet), JSON, or a self-contained HTML page."""
        records = reports.get(report_id)
        suffix = f".{fmt}"
        content = await asyncio.get_running_loop().run_in_executor(None, report_bytes, records, suffix)
        _audit(request, "downloaded_report", report_id, f"report{suffix}")
        return report_download(content, suffix)

    @app.get("/api/reports/{report_id}/opinions.zip", summary="Review opinions of a checked batch, as one zip")
    async def opinions(request: Request, report_id: str):
        """One review opinion (审查意见, .docx) per charter of the batch short of compliant, as
        `pbdocs opinion` writes them, in one zip (empty when every charter is compliant)."""
        records = reports.get(report_id)
        content = await asyncio.get_running_loop().run_in_executor(None, opinions_zip, records)
        _audit(request, "downloaded_report", report_id, "opinions.zip")
        return opinions_download(content)


def create_app(index_dir: str | os.PathLike | None = None, max_upload_mb: int = 20, max_files: int = 200,
               workers: int | None = None, document_timeout: float | None = DOCUMENT_TIMEOUT_S,
               options: CheckOptions | None = None, data_dir: str | os.PathLike | None = None,
               database: str | None = None, login_attempts: int = 5, guard: GuardSettings | None = None,
               max_open_batches: int | None = None, max_queued_documents: int | None = None) -> FastAPI:
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
    (allowed hosts, same origin, concurrent uploads, upload timeout; see :mod:`pbdocs.web.guard`);
    ``max_open_batches`` / ``max_queued_documents`` bound each workspace user's unfinished work."""
    _check_limits(max_upload_mb, max_files, workers, document_timeout)
    max_bytes = max_upload_mb * MIB
    options = options or CheckOptions()
    if document_timeout is not None:
        # The document's budget carries its time like its other limits.
        budget = replace(options.extract.budget, seconds=document_timeout)
        options = replace(options, extract=replace(options.extract, budget=budget))
    pool = SharedPool(workers or usable_cpus())
    reports = _ReportStore(REPORTS_KEPT)
    searcher = _SearchService(index_dir)
    workspace = None
    if data_dir is not None:
        workspace = _workspace(data_dir, database, pool, options, document_timeout, max_bytes, max_files,
                               login_attempts, max_open_batches=max_open_batches,
                               max_queued_documents=max_queued_documents)
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
        _audit(request, "checked", report_id := reports.add(records), len(records))
        return JSONResponse([present.page_object(r.result) for r in records], headers={"x-report-id": report_id})

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


def _workspace(data_dir, database, pool, options, document_timeout, max_bytes, max_files, login_attempts,
               **quotas) -> Workspace:
    from ..office import Office
    from .workspace import Workspace

    quotas = {key: value for key, value in quotas.items() if value is not None}
    return Workspace(Office(Path(data_dir), database), pool, options, document_timeout, max_bytes, max_files,
                     login_attempts, **quotas)


def _mount_workspace_and_guard(app: FastAPI, workspace, guard: GuardSettings | None) -> None:
    if workspace is not None:
        workspace.mount(app)
        app.state.workspace = workspace
    # Added last, so it wraps every route and every other middleware (the workspace's sign-in too):
    # a request for a foreign host or from a foreign site is refused before anything else runs, and
    # a stranger's body is bounded before any parser sees it.
    app.add_middleware(Guard, settings=guard or GuardSettings(),
                       identify=workspace.caller if workspace is not None else None)


def _version() -> str:
    from .. import __version__

    return __version__
