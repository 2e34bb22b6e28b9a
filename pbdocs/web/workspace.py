"""The office workspace's routes: login, batches kept across restarts, review, audit.

Mounted by :func:`pbdocs.web.create_app` when it is given a data folder; the state and every rule
about it live in :mod:`pbdocs.office`, this module only speaks HTTP. Every ``/api`` path needs a
signed-in user: a session cookie from the login form (HttpOnly, SameSite=Strict, Secure over HTTPS)
or ``Authorization: Bearer <token>`` from ``pbdocs users token``. Another user's batch answers 404,
as if it did not exist.
"""
from __future__ import annotations

import asyncio
import io
import json
import logging
import shutil
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from .. import present
from ..deliver import Comparison, OpinionSettings, opinion_docx, opinion_text
from ..errors import OfficeError, ReadError
from ..executor import SharedPool
from ..messages import catalogue
from ..office import Batch, BatchRow, FairQueue, Intake, LoginThrottle, Office, User, screen_batch
from ..office.accounts import MAX_NAME, name_key
from ..office.narrate import audit_sentences
from ..present import needs_opinion
from ..rules.options import CheckOptions
from ..screen.records import ScreenRecord
from .downloads import opinions_download, opinions_zip, report_bytes, report_download, static_dir
from .refusals import refusal
from .uploads import (
    ARCHIVE_INFLATION_FACTOR,
    DEFAULT_PACK,
    OrgTypeName,
    PackName,
    collect_documents,
    spool_request,
    upload_folder,
)

__all__ = ["Workspace", "SESSION_COOKIE"]

SESSION_COOKIE = "pbdocs_session"
# Paths that answer without an account: the login itself and what the login page loads.
OPEN_API_PATHS = ("/api/login",)
# Per user, by default: batches not finished yet, and documents waiting to be checked.
MAX_OPEN_BATCHES = 20
MAX_QUEUED_DOCUMENTS = 2000
# The longest password a login form may carry (the body limit bounds it anyway).
MAX_PASSWORD = 1024


class _Authenticate:
    """Pure ASGI middleware: resolves the caller of every ``/api`` request, or answers 401."""

    def __init__(self, app, office: Office):
        self.app = app
        self.office = office

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/api/") or scope["path"] in OPEN_API_PATHS:
            return await self.app(scope, receive, send)
        # The guard in front has looked the caller up already, with their address.
        user = scope.get("state", {}).get("user") or _caller(self.office, dict(scope.get("headers") or []))
        if user is None:
            refused = {"detail": catalogue().error_text("web.sign_in_first"), "code": "web.sign_in_first"}
            response = JSONResponse(refused, status_code=401, headers={"www-authenticate": "Bearer"})
            return await response(scope, receive, send)
        scope.setdefault("state", {})["user"] = user
        return await self.app(scope, receive, send)


def _cookie(headers: dict[bytes, bytes], name: str) -> str | None:
    from http.cookies import CookieError, SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get(b"cookie", b"").decode("latin-1"))
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def _caller(office: Office, headers: dict[bytes, bytes]) -> User | None:
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return office.token_user(token.strip())
    session = _cookie(headers, SESSION_COOKIE)
    return office.session_user(session) if session else None


class OpinionBody(BaseModel):
    text: str = Field("", max_length=200_000,
                      description="the opinion's body as the officer edited it, one paragraph a line; empty: "
                                  "back to the text written from the check")


class ReviewBody(BaseModel):
    # Bounded: an unknown verdict is named in the refusal, and must not echo a long input back.
    verdict: str = Field(max_length=32, description="the officer's verdict: compliant, partial, missing, "
                                                    "contradicted, not_applicable, error")
    note: str = Field("", max_length=2000, description="why, in the officer's words")


async def _credentials(request: Request) -> tuple[str, str]:
    """The name and password of a login body: form-encoded or JSON (the guard has bounded its size)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() == "application/json":
        try:
            data = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            data = None
        fields = data if isinstance(data, dict) else {}
    else:
        fields = dict(await request.form())
    name, password = fields.get("name"), fields.get("password")
    return (name[:MAX_NAME * 4] if isinstance(name, str) else "",
            password[:MAX_PASSWORD] if isinstance(password, str) else "")


def _row_object(row: BatchRow) -> dict[str, Any]:
    """A row as the API gives it: the check object, its position, its review, whether it waits."""
    if row.record is None:
        return {"row": row.position, "path": row.label, "verdict": None, "pending": True, "review": None}
    record = ScreenRecord.from_dict(row.record)
    return {**present.page_object(record.result), "row": row.position, "pending": False,
            "review": row.review.as_dict() if row.review else None}


class Workspace:
    """The routes and background batches of one app, over one :class:`~pbdocs.office.Office`."""

    def __init__(self, office: Office, pool: SharedPool, options: CheckOptions, timeout: float | None,
                 max_bytes: int, max_files: int, login_attempts: int, max_open_batches: int = MAX_OPEN_BATCHES,
                 max_queued_documents: int = MAX_QUEUED_DOCUMENTS):
        self.office = office
        self.pool = pool
        self.queue = FairQueue(pool)
        self.options = options
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.max_open_batches = max_open_batches
        self.max_queued_documents = max_queued_documents
        self.throttle = LoginThrottle(login_attempts)
        self._running: dict[str, asyncio.Task] = {}

    def caller(self, headers: dict[bytes, bytes]) -> User | None:
        """The signed-in user a request's headers (lower-case names) carry credentials of, or None."""
        return _caller(self.office, headers)

    async def start(self) -> None:
        """Resume the batches a previous server left unfinished."""
        for batch in self.office.unfinished():
            self._screen(batch.id)

    async def stop(self) -> None:
        """Stop checking; unfinished rows stay pending in the database for the next start."""
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _screen(self, batch_id: str) -> None:
        task = asyncio.get_running_loop().create_task(
            screen_batch(self.office, self.queue, batch_id, self.options, self.timeout))
        self._running[batch_id] = task
        task.add_done_callback(lambda done: self._finished(batch_id, done))

    def _finished(self, batch_id: str, task: asyncio.Task) -> None:
        self._running.pop(batch_id, None)
        if not task.cancelled() and task.exception() is not None:
            # The batch stays running, its unchecked rows pending: the next start resumes it.
            logging.getLogger("pbdocs.web").error(catalogue().text("log.batch_stopped", batch=batch_id,
                                                                   detail=repr(task.exception())))

    async def wait(self, batch_id: str) -> None:
        """Until the batch's background check is over (tests, and a server shutting down)."""
        task = self._running.get(batch_id)
        if task is not None:
            await asyncio.shield(task)

    def _visible(self, request: Request, batch_id: str) -> Batch:
        batch = self.office.batch(request.state.user, batch_id)
        if batch is None:
            raise refusal(404, "web.no_such_batch")
        return batch

    def mount(self, app: FastAPI) -> None:
        app.add_middleware(_Authenticate, office=self.office)
        self._mount_page(app)
        self._mount_batches(app)
        self._mount_review(app)
        self._mount_rows(app)
        self._mount_compare(app)

    def _mount_page(self, app: FastAPI) -> None:
        office, throttle = self.office, self.throttle

        @app.get("/", include_in_schema=False)
        async def page(request: Request):
            signed_in = _caller(office, {k.lower(): v for k, v in request.headers.raw}) is not None
            name = "office.html" if signed_in else "login.html"
            # The same address is the login or the workspace depending on the cookie: never cached.
            return FileResponse(static_dir() / name, media_type="text/html; charset=utf-8",
                                headers={"cache-control": "no-store"})

        @app.post("/api/login", summary="Sign in with a name and password; sets the session cookie",
                  status_code=204, response_class=Response)
        async def login(request: Request):
            """Form fields (or JSON keys) `name` and `password`, in a body of a few KB at most (413).
            204 with the session cookie, 401 when they do not match an enabled account, 429 with
            `Retry-After` after too many failures for the account or from the address."""
            client = request.client.host if request.client else "-"
            name, password = await _credentials(request)
            account = name_key(name)
            # Counted before the password is checked: parallel guesses queue behind the allowance.
            wait = throttle.begin(client, account)
            if wait:
                return JSONResponse({"detail": catalogue().text("guard.login_wait", seconds=wait),
                                     "code": "login.throttled"}, status_code=429, headers={"retry-after": str(wait)})
            try:
                signed = await asyncio.get_running_loop().run_in_executor(None, office.login, name, password, client)
            except BaseException:
                throttle.failed(client, account)
                raise
            if signed is None:
                throttle.failed(client, account)
                return JSONResponse({"detail": catalogue().text("guard.login_failed"), "code": "login.failed"},
                                    status_code=401)
            throttle.succeeded(client, account)
            response = Response(status_code=204)
            response.set_cookie(SESSION_COOKIE, signed[1], httponly=True, samesite="strict", path="/",
                                secure=request.url.scheme == "https")
            return response

        @app.post("/api/logout", summary="End this session", status_code=204, response_class=Response)
        async def logout(request: Request):
            session = request.cookies.get(SESSION_COOKIE)
            if session:
                office.logout(request.state.user, session)
            response = Response(status_code=204)
            response.delete_cookie(SESSION_COOKIE, path="/")
            return response

        @app.get("/api/me", summary="Who is signed in")
        async def me(request: Request):
            return request.state.user.as_dict()

    def _mount_batches(self, app: FastAPI) -> None:
        office = self.office

        @app.post("/api/batches", status_code=201, summary="Upload documents as a new batch, checked in the background",
                  openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                      "type": "object", "required": ["files"],
                      "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                                     "name": {"type": "string"}}}}}}})
        async def create(
            request: Request,
            pack: PackName = Query(DEFAULT_PACK, description="rule pack to run"),  # type: ignore[valid-type]
            org_type: OrgTypeName | None = Query(  # type: ignore[valid-type]
                None, description="organization type; detected from the text when omitted"),
        ):
            """Multipart field `files` (documents or .zip archives) and optional `name`. Answers the
            batch at once (`status` queued); `GET /api/batches/{id}` follows it to done."""
            batch = await self._create(request, {"pack": pack, "org_type": org_type})
            self._screen(batch.id)
            return batch.as_dict()

        @app.get("/api/batches", summary="The caller's batches, newest first (an administrator's: everyone's)")
        async def listing(request: Request):
            return [batch.as_dict() for batch in office.batches(request.state.user)]

        @app.get("/api/batches/{batch_id}", summary="A batch's status, counts and rows")
        async def detail(request: Request, batch_id: str):
            batch = self._visible(request, batch_id)
            return {**batch.as_dict(), "rows": [_row_object(row) for row in office.rows(batch)]}

        @app.get("/api/batches/{batch_id}/report.{fmt}", summary="A batch's report, reviews beside the verdicts")
        async def report(request: Request, batch_id: str, fmt: Literal["csv", "xlsx", "json", "html"]):
            batch = self._visible(request, batch_id)
            records = office.records(batch)
            content = await asyncio.get_running_loop().run_in_executor(None, report_bytes, records, f".{fmt}")
            office.downloaded(request.state.user, batch, f"report.{fmt}")
            return report_download(content, f".{fmt}")

        @app.get("/api/batches/{batch_id}/opinions.zip",
                 summary="Review opinions of a batch, one .docx per charter short of compliant, as one zip")
        async def opinions(request: Request, batch_id: str):
            """As `pbdocs opinion` writes them, each from the officer's reviewed verdict where there is
            one: a row reviewed as compliant gets no opinion, one reviewed as short of it gets one."""
            batch = self._visible(request, batch_id)
            records = office.opinion_records(batch)
            content = await asyncio.get_running_loop().run_in_executor(None, opinions_zip, records)
            office.downloaded(request.state.user, batch, "opinions.zip")
            return opinions_download(content)

        @app.delete("/api/batches/{batch_id}", status_code=204, response_class=Response,
                    summary="Delete a batch, its rows and the originals no other batch uses")
        async def delete(request: Request, batch_id: str):
            batch = self._visible(request, batch_id)
            task = self._running.get(batch.id)
            if task is not None:
                task.cancel()
            office.delete_batch(request.state.user, batch)
            return Response(status_code=204)

    def _check_quota(self, user: User, documents: int = 0) -> None:
        """429 when the user has too many batches unfinished, or would have too many documents waiting."""
        batches, queued = self.office.open_work(user)
        if batches >= self.max_open_batches:
            raise HTTPException(429, catalogue().text("guard.quota_batches", limit=self.max_open_batches),
                                headers={"retry-after": "60"})
        if queued + documents > self.max_queued_documents:
            raise HTTPException(429, catalogue().text("guard.quota_documents", limit=self.max_queued_documents),
                                headers={"retry-after": "60"})

    async def _create(self, request: Request, options: dict[str, Any]) -> Batch:
        loop = asyncio.get_running_loop()
        self._check_quota(request.state.user)
        workdir = upload_folder()
        fields: dict[str, str] = {}
        try:
            uploads = await spool_request(request, workdir, self.max_bytes, self.max_files, fields)
            documents = await loop.run_in_executor(None, collect_documents, uploads, workdir, self.max_files,
                                                   self.max_bytes * ARCHIVE_INFLATION_FACTOR)
            intake = [Intake(d.label, d.local, d.error) for d in documents]
            self._check_quota(request.state.user, sum(1 for d in intake if d.path is not None))
            name = fields.get("name") or request.query_params.get("name") or ""
            return await loop.run_in_executor(None, self.office.create_batch, request.state.user, name, intake,
                                              options)
        finally:
            await loop.run_in_executor(None, shutil.rmtree, workdir, True)

    def _mount_review(self, app: FastAPI) -> None:
        office = self.office

        @app.post("/api/batches/{batch_id}/rows/{row}/review", summary="Record an officer's verdict on a row")
        async def review(request: Request, batch_id: str, row: int, body: ReviewBody):
            """The verdict confirmed or overridden, with a note; reports show it beside the automatic
            verdict. 404 for a row that does not exist or is not checked yet."""
            batch = self._visible(request, batch_id)
            try:
                recorded = office.review(request.state.user, batch, row, body.verdict, body.note)
            except OfficeError as exc:
                raise HTTPException(422, catalogue().error_text(exc)) from None
            if recorded is None:
                raise refusal(404, "web.no_such_row", batch=batch_id, row=row)
            return recorded.as_dict()

        @app.get("/api/batches/{batch_id}/rows/{row}/reviews", summary="Every review of a row, oldest first")
        async def reviews(request: Request, batch_id: str, row: int):
            """A new review never erases an earlier one: the row's whole history, each with its
            verdict, note, reviewer and time."""
            batch = self._visible(request, batch_id)
            return [review.as_dict() for review in office.review_history(batch, row)]

        @app.get("/api/audit", summary="The audit trail (administrators only)")
        async def audit(request: Request, since: str | None = Query(None, description="from this date, YYYY-MM-DD"),
                        user: str | None = Query(None, description="only this user's actions")):
            if not request.state.user.admin:
                raise refusal(403, "web.audit_for_admins")
            entries = office.audit(since, user)
            names = {batch.id: batch.name for batch in office.batches(request.state.user)}
            # Each entry also in words for the 操作记录 panel (王科长 上传批次“…”（3 份）).
            return [{**entry.as_dict(), "text": text} for entry, text in zip(entries, audit_sentences(entries, names),
                                                                             strict=True)]

    # --- one row: the full check, its opinion (editable) and its amended charter --------------

    def _checked_row(self, request: Request, batch_id: str, position: int) -> tuple[Batch, BatchRow]:
        batch = self._visible(request, batch_id)
        row = self.office.row(batch, position)
        if row is None or row.pending:
            raise refusal(404, "web.no_such_row", batch=batch_id, row=position)
        return batch, row

    def _batch_options(self, batch: Batch) -> CheckOptions:
        return replace(self.options, pack=batch.options.get("pack", self.options.pack),
                       org_type=batch.options.get("org_type"))

    def _mount_rows(self, app: FastAPI) -> None:
        office = self.office

        @app.get("/api/batches/{batch_id}/rows/{row}", summary="One row: the full check object, its review and opinion")
        async def row_detail(request: Request, batch_id: str, row: int):
            """The row as `pbdocs check --format json` gives it (elements, evidence with page and
            article, fixes, legal bases), its review, and `opinion`: the review opinion's body
            (`text`, one paragraph a line), whether an officer `edited` it, whether the charter
            `needed` one. 404 for a row that does not exist or is not checked yet."""
            _, found = self._checked_row(request, batch_id, row)
            result = ScreenRecord.from_dict(found.record).result
            edited = found.review.opinion if found.review else None
            opinion = {"text": edited or opinion_text(result), "edited": edited is not None,
                       "needed": needs_opinion(result)}
            return {**_row_object(found), "opinion": opinion}

        @app.put("/api/batches/{batch_id}/rows/{row}/opinion", summary="Keep an officer's edit of a row's opinion")
        async def edit_opinion(request: Request, batch_id: str, row: int, body: OpinionBody):
            """The edited text is kept with the row's review (a row not reviewed yet is reviewed with
            its automatic verdict) and audited; the opinion downloads use it from then on."""
            batch, _ = self._checked_row(request, batch_id, row)
            lines = body.text.splitlines()
            review = office.edit_opinion(request.state.user, batch, row, lines if body.text.strip() else None)
            if review is None:
                raise refusal(404, "web.no_such_row", batch=batch_id, row=row)
            return review.as_dict()

        @app.get("/api/batches/{batch_id}/rows/{row}/opinion.docx", summary="A row's review opinion (as edited)")
        async def row_opinion(request: Request, batch_id: str, row: int):
            batch, found = self._checked_row(request, batch_id, row)
            result = ScreenRecord.from_dict(found.record).result
            edited = found.review.opinion if found.review else None
            content = await asyncio.get_running_loop().run_in_executor(
                None, lambda: opinion_docx(result, OpinionSettings(), text=edited))
            office.downloaded(request.state.user, batch, f"row:{row}/opinion.docx")
            return _docx_download(content, f"{Path(found.label).stem}-审查意见.docx")

        @app.get("/api/batches/{batch_id}/rows/{row}/amended.docx",
                 summary="A row's charter amended, as Word tracked changes")
        async def row_amended(request: Request, batch_id: str, row: int):
            """`pbdocs amend` of the uploaded charter (any format: a PDF, scan or .doc becomes a new
            .docx of its text). 409 when the charter needs no change, 422 when it cannot be read."""
            batch, found = self._checked_row(request, batch_id, row)
            content = await asyncio.get_running_loop().run_in_executor(
                None, _amended_bytes, office.original(found), self._batch_options(batch))
            if isinstance(content, str):
                raise (refusal(409, "web.amend_compliant") if content == "compliant"
                       else refusal(422, "web.amend_unreadable"))
            office.downloaded(request.state.user, batch, f"row:{row}/amended.docx")
            return _docx_download(content, f"{Path(found.label).stem}-修订稿.docx")

        @app.get("/api/batches/{batch_id}/amended.zip", summary="Every amended charter of a batch, as one zip")
        async def amended_zip(request: Request, batch_id: str):
            """One `<file>-修订稿.docx` per charter that needs a change; charters already compliant
            and files that cannot be read are left out."""
            batch = self._visible(request, batch_id)
            rows = [(r.label, office.original(r)) for r in office.rows(batch) if not r.pending and r.original]
            content = await asyncio.get_running_loop().run_in_executor(
                None, _amended_zip, rows, self._batch_options(batch))
            office.downloaded(request.state.user, batch, "amended.zip")
            disposition = f"attachment; filename=\"pbdocs-amended.zip\"; filename*=UTF-8''{quote('修订稿.zip')}"
            return Response(content, media_type="application/zip", headers={"content-disposition": disposition})


    # --- two versions of one charter compared (章程核准) -------------------------------------

    def _mount_compare(self, app: FastAPI) -> None:
        office = self.office

        @app.post("/api/compare", summary="Compare two versions of a charter: the 修改对照表 and both verdicts",
                  openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                      "type": "object", "required": ["files"],
                      "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"},
                                               "description": "the version in force, then the revision"}}}}}}})
        async def compare(request: Request, format: Literal["json", "docx"] = Query(
                "json", description="json: as `pbdocs compare --format json`; docx: the 修改对照表")):
            """Multipart field `files`: the old version first, the new one second (any format
            `pbdocs check` reads). 422 when either cannot be read; nothing is stored."""
            loop = asyncio.get_running_loop()
            workdir = Path(tempfile.mkdtemp(prefix="pbdocs-compare-"))
            try:
                uploads = await spool_request(request, workdir, self.max_bytes, 2)
                if len(uploads) != 2:
                    raise refusal(400, "web.compare_needs_two")
                old, new = uploads
                try:
                    comparison = await loop.run_in_executor(None, _compared, old.path, new.path, self.options)
                except ReadError as exc:
                    label = old.label if Path(exc.path) == old.path else new.label
                    raise refusal(422, "web.compare_unreadable", label=label, reason=catalogue().error_text(exc)) \
                        from None
            finally:
                await loop.run_in_executor(None, shutil.rmtree, workdir, True)
            comparison = replace(comparison, old=old.label, new=new.label,
                                 before=replace(comparison.before, path=old.label),
                                 after=replace(comparison.after, path=new.label))
            office.compared(request.state.user, old.label, new.label, comparison.less_compliant)
            if format == "json":
                return comparison.as_dict()
            content = await loop.run_in_executor(None, _comparison_docx, comparison, Path(new.label).stem)
            return _docx_download(content, f"{Path(new.label).stem}-修改对照表.docx")


def _compared(old: Path, new: Path, options: CheckOptions) -> Comparison:
    from ..deliver import compare_charters

    return compare_charters(old, new, options)


def _comparison_docx(comparison: Comparison, stem: str) -> bytes:
    from ..deliver import comparison_table, table_docx

    name = f"{comparison.after.name}章程" if comparison.after.name else stem
    return table_docx(comparison_table(comparison), name, third="compare.third")


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx_download(content: bytes, name: str) -> Response:
    disposition = f"attachment; filename=\"pbdocs.docx\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=_DOCX, headers={"content-disposition": disposition})


def _amended_bytes(original: Path | None, options: CheckOptions) -> bytes | str:
    """The amended charter's bytes, or why there are none: "compliant" or "unreadable"."""
    from ..deliver import amend_charter

    if original is None:
        return "unreadable"
    with tempfile.TemporaryDirectory(prefix="pbdocs-amend-") as scratch:
        target = Path(scratch) / "amended.docx"
        try:
            amendment = amend_charter(original, target, options=options)
        except ReadError:
            return "unreadable"
        return target.read_bytes() if amendment.changed else "compliant"


def _amended_zip(rows: list[tuple[str, Path | None]], options: CheckOptions) -> bytes:
    out = io.BytesIO()
    taken: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for label, original in rows:
            content = _amended_bytes(original, options)
            if isinstance(content, str):
                continue
            stem = Path(label.replace("\\", "/")).stem or "charter"
            name, counter = f"{stem}-修订稿.docx", 2
            while name in taken:
                name, counter = f"{stem}-{counter}-修订稿.docx", counter + 1
            taken.add(name)
            archive.writestr(name, content)
    return out.getvalue()

