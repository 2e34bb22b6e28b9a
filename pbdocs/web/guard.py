"""Protections every route of the web app gets, whoever wrote it: one ASGI middleware.

- **Allowed hosts.** A request whose ``Host`` is not on the list is refused (400): a page on
  another site cannot reach the server through a DNS name rebound to this machine.
- **Same origin.** A state-changing request (POST, PUT, PATCH, DELETE) that a browser marks as
  coming from another site (``Origin``, or failing that ``Referer``) is refused (403): another
  site's page cannot upload or change anything with an officer's browser. Clients that send
  neither (curl, scripts) are not browsers acting for someone else and pass.
- **Uploads.** At most ``max_uploads`` multipart bodies are received at once (429 beyond, before
  any byte is read), and each must arrive within ``upload_timeout`` seconds (408): idle or
  trickling clients cannot hold connections, files and temporary folders without end.
- **Disconnects.** A client that goes away mid-request is one log line, not a traceback.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..messages import catalogue

__all__ = ["GuardSettings", "Guard", "host_name"]

log = logging.getLogger("pbdocs.web")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass(frozen=True)
class GuardSettings:
    """``allowed_hosts``: host names (no port) the server answers to, None for any; ``max_uploads``:
    multipart bodies received at once; ``upload_timeout``: seconds a whole body may take."""

    allowed_hosts: frozenset[str] | None = None
    max_uploads: int = 64
    upload_timeout: float = 120.0

    @classmethod
    def build(cls, allowed_hosts: Iterable[str] | None = None, max_uploads: int = 64,
              upload_timeout: float = 120.0) -> GuardSettings:
        if max_uploads < 1:
            raise ValueError("max_uploads must be at least 1")
        if upload_timeout <= 0:
            raise ValueError("upload_timeout must be positive")
        hosts = None if allowed_hosts is None else frozenset(host_name(h) for h in allowed_hosts)
        return cls(hosts, max_uploads, upload_timeout)


def host_name(host: str) -> str:
    """The host of a ``Host`` header or an address, lower-cased, without port or IPv6 brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host


class _BodyTimeout(Exception):
    """The request body did not arrive in time."""


class Guard:
    """Pure ASGI middleware applying :class:`GuardSettings` to every HTTP request."""

    def __init__(self, app, settings: GuardSettings):
        self.app = app
        self.settings = settings
        self.uploads = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        allowed = self.settings.allowed_hosts
        if allowed is not None and host_name(host) not in allowed:
            return await _refuse(send, 400, "web.host_not_served", host=repr(host))
        method = scope.get("method", "GET")
        if method not in SAFE_METHODS and not _same_origin(headers, host):
            return await _refuse(send, 403, "web.cross_site")
        is_upload = method not in SAFE_METHODS and headers.get("content-type", "").lower().startswith(
            "multipart/form-data")
        if not is_upload:
            return await self._run(scope, receive, send)
        if self.uploads >= self.settings.max_uploads:
            return await _refuse(send, 429, "web.too_many_uploads", [(b"retry-after", b"5")])
        self.uploads += 1
        try:
            return await self._run(scope, self._timed(receive), send)
        finally:
            self.uploads -= 1

    def _timed(self, receive):
        """``receive`` with the whole body due within the upload timeout."""
        due = time.monotonic() + self.settings.upload_timeout
        body_done = False

        async def timed_receive():
            nonlocal body_done
            if body_done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(due - time.monotonic(), 0.001))
            except TimeoutError:
                raise _BodyTimeout from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        return timed_receive

    async def _run(self, scope, receive, send):
        from starlette.requests import ClientDisconnect

        started = False

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except ClientDisconnect:
            log.warning(catalogue().text("log.client_disconnected", client=_client(scope),
                                         method=scope.get("method"), path=scope.get("path")))
        except _BodyTimeout:
            log.warning(catalogue().text("log.upload_timed_out", client=_client(scope),
                                         seconds=f"{self.settings.upload_timeout:g}"))
            if not started:
                await _refuse(send, 408, "web.upload_timed_out", seconds=f"{self.settings.upload_timeout:g}")


def _same_origin(headers: dict[str, str], host: str) -> bool:
    """False when a browser says the request comes from a page of another origin."""
    origin = headers.get("origin")
    if origin is None:
        origin = headers.get("referer")
        if origin is None:
            return True
    if origin == "null":  # sandboxed frames and local files: never this server's page
        return False
    return urlsplit(origin).netloc.lower() == host.strip().lower()


def _client(scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "client"


async def _refuse(send, status: int, code: str, extra: list[tuple[bytes, bytes]] | None = None, **fields) -> None:
    """Refuse the request with the Chinese text of ``code`` (what the page shows) and the code."""
    detail = catalogue().error_text(code, **fields)
    body = json.dumps({"detail": detail, "error": code}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(extra or [])]})
    await send({"type": "http.response.body", "body": body})
