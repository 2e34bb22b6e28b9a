"""Protections every route of the web app gets, whoever wrote it: one ASGI middleware and the
HTTP protocol uvicorn runs it under.

- **Allowed hosts.** A request whose ``Host`` is not on the list is refused (400): a page on
  another site cannot reach the server through a DNS name rebound to this machine.
- **Same origin.** A state-changing request (POST, PUT, PATCH, DELETE) that a browser marks as
  coming from another site (``Origin``, or failing that ``Referer``) is refused (403): another
  site's page cannot upload or change anything with an officer's browser. Clients that send
  neither (curl, scripts) are not browsers acting for someone else and pass.
- **The caller's address.** ``X-Forwarded-For`` / ``X-Real-IP`` / ``X-Forwarded-Proto`` are read
  only when the connection comes from one of ``trusted_proxies`` (none by default): anyone else
  could name any address and start a fresh login count with each.
- **Before signing in.** A request without a valid session or token (the login, the login page)
  may carry only a small form-encoded or JSON body (413 beyond ``anonymous_body_bytes``, decided
  from ``Content-Length`` or while it streams; held in memory, never spooled), and at most
  ``anonymous_requests`` of those with a body run at once (429): strangers cannot take the upload
  slots of signed-in officers or fill the disk, and the login page itself stays reachable.
- **Uploads.** At most ``max_uploads`` multipart bodies of signed-in users are received at once
  (429 beyond, before any byte is read). Every other body is capped at ``body_bytes`` (413).
- **Time.** Every body must arrive within ``upload_timeout`` seconds (408); the protocol below
  closes connections whose request headers, or the rest of a refused body, take longer, and
  idle keep-alive connections after ``keep_alive`` seconds.
- **Connections.** At most ``connections_per_address`` open connections from one address
  (trusted proxies excepted), and ``max_connections`` in all.
- **Disconnects.** A client that goes away mid-request is one log line, not a traceback.
"""
from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from ..messages import catalogue

__all__ = ["GuardSettings", "Guard", "host_name", "server_options", "guarded_protocol"]

log = logging.getLogger("pbdocs.web")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# What a request may carry before its sender has signed in: a name and a password.
SMALL_BODY_TYPES = ("application/x-www-form-urlencoded", "application/json")
# h11's bound on a request line plus headers (its default is 16 KiB as well): said here, not assumed.
MAX_HEADER_BYTES = 16 * 1024

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class GuardSettings:
    """``allowed_hosts``: host names (no port) the server answers to, None for any; ``max_uploads``:
    signed-in users' multipart bodies received at once; ``upload_timeout``: seconds headers and a
    whole body may take; ``trusted_proxies``: networks whose forwarding headers are believed;
    ``anonymous_requests`` / ``anonymous_body_bytes``: requests without an account at once and
    their largest body; ``body_bytes``: the largest non-upload body of a signed-in user;
    ``connections_per_address`` / ``max_connections``: open connections from one address / in all;
    ``keep_alive``: seconds an idle connection stays open."""

    allowed_hosts: frozenset[str] | None = None
    max_uploads: int = 64
    upload_timeout: float = 120.0
    trusted_proxies: tuple[Network, ...] = ()
    anonymous_requests: int = 16
    anonymous_body_bytes: int = 4 * 1024
    body_bytes: int = 64 * 1024
    connections_per_address: int = 32
    max_connections: int = 512
    keep_alive: float = 5.0

    @classmethod
    def build(cls, allowed_hosts: Iterable[str] | None = None, max_uploads: int = 64,
              upload_timeout: float = 120.0, trusted_proxies: Iterable[str] = (), **limits: Any) -> GuardSettings:
        if max_uploads < 1:
            raise ValueError("max_uploads must be at least 1")
        if upload_timeout <= 0:
            raise ValueError("upload_timeout must be positive")
        for name, value in limits.items():
            if value <= 0:
                raise ValueError(f"{name} must be positive")
        hosts = None if allowed_hosts is None else frozenset(host_name(h) for h in allowed_hosts)
        networks = tuple(ipaddress.ip_network(p.strip(), strict=False) for p in trusted_proxies)
        return replace(cls(hosts, max_uploads, upload_timeout, networks), **limits)

    def trusts(self, address: str) -> bool:
        """Whether ``address`` is one of the trusted proxies."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)


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


# Who sent a request, from its headers (lower-case names, raw values): the signed-in user, or None.
Identify = Callable[[dict[bytes, bytes]], Any]


class Guard:
    """Pure ASGI middleware applying :class:`GuardSettings` to every HTTP request. ``identify``
    tells a signed-in caller from a stranger; without it (the open app) everyone may upload."""

    def __init__(self, app, settings: GuardSettings, identify: Identify | None = None):
        self.app = app
        self.settings = settings
        self.identify = identify
        self.uploads = 0
        self.anonymous = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        allowed = self.settings.allowed_hosts
        if allowed is not None and host_name(host) not in allowed:
            return await _refuse_code(send, 400, "host", host=repr(host))
        method = scope.get("method", "GET")
        if method not in SAFE_METHODS and not _same_origin(headers, host):
            return await _refuse_code(send, 403, "cross_site")
        scope = self._with_client(scope, headers)
        signed_in = True
        if self.identify is not None:
            user = self.identify({k.lower(): v for k, v in scope.get("headers", [])})
            signed_in = user is not None
            if signed_in:
                client = scope.get("client")
                user = replace(user, address=client[0]) if client and hasattr(user, "address") else user
                scope["state"] = {**scope.get("state", {}), "user": user}
        if not signed_in:
            return await self._anonymous(scope, receive, send, headers)
        is_upload = method not in SAFE_METHODS and _media_type(headers) == "multipart/form-data"
        if not is_upload:
            return await self._buffered(scope, receive, send, headers, self.settings.body_bytes)
        if self.uploads >= self.settings.max_uploads:
            return await _refuse_code(send, 429, "uploads", [(b"retry-after", b"5")])
        self.uploads += 1
        try:
            return await self._run(scope, self._timed(receive), send)
        finally:
            self.uploads -= 1

    def _with_client(self, scope, headers: dict[str, str]):
        """The scope with the caller's real address (and scheme) when a trusted proxy forwarded it."""
        client = scope.get("client")
        if not client or not self.settings.trusted_proxies or not self.settings.trusts(client[0]):
            return scope
        address = None
        # The proxy appends the address it saw: read from the right, skipping our own proxies.
        for hop in reversed([h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]):
            address = hop
            if not self.settings.trusts(hop):
                break
        address = address or headers.get("x-real-ip", "").strip() or None
        scope = dict(scope)
        if address and _is_address(address):
            scope["client"] = (address, 0)
        proto = headers.get("x-forwarded-proto", "").strip().lower()
        if proto in ("http", "https"):
            scope["scheme"] = proto
        return scope

    async def _anonymous(self, scope, receive, send, headers: dict[str, str]):
        limit = self.settings.anonymous_body_bytes
        # What the headers alone refuse costs nothing and takes no place in the budget.
        declared = _content_length(headers)
        if declared is not None and declared > limit:
            return await _refuse_code(send, 413, "anonymous_body", limit=limit)
        has_body = bool(declared) or "transfer-encoding" in headers
        if has_body and _media_type(headers) not in SMALL_BODY_TYPES:
            return await _refuse_code(send, 415, "anonymous_type")
        if not has_body:
            # Nothing to wait for (the login page, its scripts): answered at once, outside the budget,
            # so that a flood of slow logins does not take the page down with it.
            return await self._buffered(scope, receive, send, headers, limit)
        if self.anonymous >= self.settings.anonymous_requests:
            return await _refuse_code(send, 429, "busy", [(b"retry-after", b"5")])
        self.anonymous += 1
        try:
            return await self._buffered(scope, receive, send, headers, limit)
        finally:
            self.anonymous -= 1

    async def _buffered(self, scope, receive, send, headers: dict[str, str], limit: int):
        """Read the whole (small) body within the deadline and the limit, then run the app on it."""
        declared = _content_length(headers)
        if declared is not None and declared > limit:
            return await _refuse_code(send, 413, "body", limit=limit)
        timed = self._timed(receive)
        body = bytearray()
        try:
            while True:
                message = await timed()
                if message["type"] == "http.disconnect":
                    _log_disconnect(scope)
                    return
                body += message.get("body", b"")
                if len(body) > limit:
                    return await _refuse_code(send, 413, "body", limit=limit)
                if not message.get("more_body", False):
                    break
        except _BodyTimeout:
            log.warning(catalogue().text("log.body_timed_out", client=_client(scope),
                                         seconds=f"{self.settings.upload_timeout:g}"))
            return await _refuse_code(send, 408, "timeout", seconds=f"{self.settings.upload_timeout:g}")
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        return await self._run(scope, replay, send)

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
            _log_disconnect(scope)
        except _BodyTimeout:
            log.warning(catalogue().text("log.upload_timed_out", client=_client(scope),
                                         seconds=f"{self.settings.upload_timeout:g}"))
            if not started:
                await _refuse_code(send, 408, "upload_timeout", seconds=f"{self.settings.upload_timeout:g}")


def _media_type(headers: dict[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _content_length(headers: dict[str, str]) -> int | None:
    value = headers.get("content-length", "").strip()
    return int(value) if value.isdigit() else None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


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


def _log_disconnect(scope) -> None:
    log.warning(catalogue().text("log.client_disconnected", client=_client(scope), method=scope.get("method"),
                                 path=scope.get("path")))


async def _refuse(send, status: int, detail: str, extra: list[tuple[bytes, bytes]] | None = None,
                  code: str | None = None) -> None:
    payload = {"detail": detail} if code is None else {"detail": detail, "code": code}
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(extra or [])]})
    await send({"type": "http.response.body", "body": body})


async def _refuse_code(send, status: int, key: str, extra: list[tuple[bytes, bytes]] | None = None,
                       **fields: Any) -> None:
    """A refusal in Chinese from the catalogue's [guard] section, with its code ``request.<key>``."""
    await _refuse(send, status, catalogue().text(f"guard.{key}", **fields), extra, code=f"request.{key}")


def server_options(settings: GuardSettings) -> dict[str, Any]:
    """uvicorn's options enforcing ``settings`` at the connection level (``uvicorn.run(app, **...)``).
    Forwarding headers are left to :class:`Guard`, which believes them from trusted proxies only."""
    return {"http": guarded_protocol(settings), "proxy_headers": False,
            "timeout_keep_alive": max(1, round(settings.keep_alive)),
            "limit_concurrency": settings.max_connections,
            "h11_max_incomplete_event_size": MAX_HEADER_BYTES}


def guarded_protocol(settings: GuardSettings):
    """uvicorn's h11 protocol, with a cap on connections per address and a deadline on whatever the
    server waits for from the client outside the app: request headers, and the rest of a body the
    app refused without reading (it is read and dropped, so the client sees the answer instead of a
    reset, but for no longer than the upload timeout)."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    open_connections: Counter[str] = Counter()

    class GuardedH11Protocol(H11Protocol):
        _address: str | None = None
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            address = self.client[0] if self.client else None
            if address is not None and not settings.trusts(address):
                if open_connections[address] >= settings.connections_per_address:
                    log.warning(catalogue().text("log.too_many_connections", client=address,
                                                 limit=settings.connections_per_address))
                    transport.write(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n"
                                    b"retry-after: 5\r\nconnection: close\r\n\r\n")
                    transport.close()
                    return
                self._address = address
                open_connections[address] += 1
            self._watch()

        def connection_lost(self, exc) -> None:
            if self._address is not None:
                open_connections[self._address] -= 1
                if open_connections[self._address] <= 0:
                    del open_connections[self._address]
                self._address = None
            self._stop_deadline()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._watch()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._watch()

        def _waiting_for_client(self) -> bool:
            state = self.conn.their_state
            if state is h11.IDLE:
                return True
            return state is h11.SEND_BODY and self.cycle is not None and self.cycle.response_complete

        def _watch(self) -> None:
            if self.transport is None or self.transport.is_closing() or not self._waiting_for_client():
                self._stop_deadline()
            elif self._deadline is None:
                self._deadline = self.loop.call_later(settings.upload_timeout, self._too_slow)

        def _stop_deadline(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if self._waiting_for_client() and not self.transport.is_closing():
                log.warning(catalogue().text("log.request_timed_out", client=self.client[0] if self.client else "",
                                             seconds=f"{settings.upload_timeout:g}"))
                self.transport.close()

    return GuardedH11Protocol
