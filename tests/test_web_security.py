"""The workspace against an abusive network (issue 23): each of the nine failures an attack run
found, made small and bounded, against a server this test starts on 127.0.0.1, and the limits
that fixed them. All traffic goes to 127.0.0.1; no test measures time or sleeps for an event."""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import http.client
import io
import json
import os
import socket
import stat
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pbdocs.cli import cli
from pbdocs.errors import OfficeError
from pbdocs.office import Office
from pbdocs.web import create_app
from pbdocs.web.guard import GuardSettings, server_options

from helpers import data_module

render = data_module("web/render.py", "web_render")
PASSWORD = "correct horse battery"
CHARTER = render.charter_paths()[0]


@contextlib.contextmanager
def _serving(app, settings: GuardSettings):
    """``app`` under uvicorn with the guard's connection-level options, in a thread; yields the port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **server_options(settings)))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:  # polling a flag the server sets, bounded
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(60)
        sock.close()


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "office"
    office = Office(folder)
    for name in ("alice", "bob"):
        office.add_user(name, PASSWORD)
    office.add_user("carol", PASSWORD, admin=True)
    return folder


def _token(data_dir: Path, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {Office(data_dir).issue_token(name)}"}


def _settings(**limits) -> GuardSettings:
    limits.setdefault("upload_timeout", 30)
    return GuardSettings.build(["127.0.0.1", "localhost"], **limits)


@contextlib.contextmanager
def _server(data_dir, settings=None, **app_options):
    settings = settings or _settings()
    app = create_app(data_dir=data_dir, workers=1, guard=settings, **app_options)
    with _serving(app, settings) as port:
        yield app, port


def _request(port, method, path, body=b"", headers=None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body, headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _login(port, name, password, headers=None) -> int:
    body = f"name={name}&password={password}".encode()
    return _request(port, "POST", "/api/login", body,
                    {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})[0]


def _multipart(files: list[tuple[str, bytes]], boundary="pbsecboundary") -> tuple[bytes, dict[str, str]]:
    from urllib.parse import quote

    body = io.BytesIO()
    for name, content in files:
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="x.txt"; '
                   f"filename*=UTF-8''{quote(name)}\r\n\r\n".encode() + content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def _raw(port) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    return sock


def _status_line(sock) -> int | None:
    """The status of the answer on ``sock``, None when the server closed it without one."""
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return None
        data += chunk
    return int(data.split(b" ", 2)[1])


def _guard(app):
    """The app's Guard middleware instance (built at the first request)."""
    from pbdocs.web.guard import Guard

    layer = app.middleware_stack
    while layer is not None and not isinstance(layer, Guard):
        layer = getattr(layer, "app", None)
    return layer


def _until(condition, what: str) -> None:
    """Poll a server-side condition until it holds; bounded so that a broken server fails the test."""
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.02)


def _upload(port, headers, files=None) -> dict:
    body, content_type = _multipart(files or [(CHARTER.name, CHARTER.read_bytes())])
    status, _, answer = _request(port, "POST", "/api/batches", body, {**headers, **content_type})
    assert status == 201, answer[:300]
    return json.loads(answer)


def _wait_done(app, batch_id) -> None:
    task = app.state.workspace._running.get(batch_id)
    if task is not None:
        _until(task.done, f"batch {batch_id} checked")


# --- 1. /api/login: large and slow bodies without an account ------------------------------------

def test_1_a_large_login_body_is_refused_before_it_is_read_or_stored(data_dir, tmp_path, monkeypatch):
    import tempfile

    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    with _server(data_dir) as (_app, port):
        sock = _raw(port)
        head = b'--b\r\nContent-Disposition: form-data; name="password"; filename="p"\r\n\r\n'
        sock.sendall(b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b"
                     b"\r\nContent-Length: %d\r\n\r\n" % (len(head) + 64 * 1024 * 1024) + head)
        # The answer comes from the declared length alone, before any of the 64 MiB is sent.
        assert _status_line(sock) == 413
        sock.close()
        # A body that does not declare its length is cut off once it passes the limit.
        sock = _raw(port)
        sock.sendall(b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        for _ in range(4):
            sock.sendall(b"1000\r\n" + b"x" * 4096 + b"\r\n")
        assert _status_line(sock) == 413
        sock.close()
    assert list(spool.iterdir()) == []  # nothing spooled


def test_1_an_officer_uploads_while_strangers_flood_the_login_with_large_and_slow_bodies(data_dir):
    settings = _settings(max_uploads=2, anonymous_requests=4, connections_per_address=64)
    alice = _token(data_dir, "alice")
    with _server(data_dir, settings) as (app, port):
        _request(port, "GET", "/static/favicon.svg")  # builds the middleware stack
        guard = _guard(app)
        _until(lambda: guard.anonymous == 0, "the first request is over")

        def slow_login() -> socket.socket:
            sock = _raw(port)
            sock.sendall(b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000\r\n\r\nname=")
            return sock

        slow = [slow_login() for _ in range(settings.anonymous_requests)]
        large = []
        for _ in range(4):
            sock = _raw(port)
            sock.sendall(b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
                         b"boundary=b\r\nContent-Length: 300000000\r\n\r\n" + b"A" * 65536)
            large.append(sock)
        _until(lambda: guard.anonymous == settings.anonymous_requests, "the strangers' budget is full")
        assert [_status_line(sock) for sock in large] == [413] * 4
        beyond = [slow_login() for _ in range(4)]
        assert [_status_line(sock) for sock in beyond] == [429] * 4
        slow += beyond
        # Strangers beyond their budget wait their turn; an officer's upload does not.
        assert _login(port, "alice", PASSWORD) == 429
        assert _request(port, "GET", "/")[0] == 200  # the login page itself stays reachable
        batch = _upload(port, alice)
        _until(lambda: guard.uploads == 0, "the upload's slot is given back")
        assert guard.anonymous == settings.anonymous_requests  # the strangers are still there
        _wait_done(app, batch["id"])
        status, _, body = _request(port, "GET", f"/api/batches/{batch['id']}", headers=alice)
        assert status == 200 and json.loads(body)["counts"]["pending"] == 0
        for sock in slow + large:
            sock.close()


# --- 2. login throttling ------------------------------------------------------------------------

def test_2_parallel_guesses_are_counted_before_the_password_is_checked(data_dir):
    with _server(data_dir, login_attempts=5) as (_app, port):
        with cf.ThreadPoolExecutor(20) as pool:
            codes = list(pool.map(lambda i: _login(port, "bob", f"wrong-{i}"), range(20)))
        assert codes.count(401) <= 5 and codes.count(429) >= 15
        status, headers, body = _request(port, "POST", "/api/login", b"name=bob&password=" + PASSWORD.encode(),
                                         {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 429 and int(headers["retry-after"]) > 0
        assert json.loads(body)["code"] == "login.throttled" and "秒后再试" in json.loads(body)["detail"]


def test_2_another_accounts_success_resets_nothing_and_forwarded_addresses_are_not_believed(data_dir):
    with _server(data_dir, login_attempts=3) as (_app, port):
        assert [_login(port, "alice", f"guess-{i}") for i in range(3)] == [401] * 3
        assert _login(port, "carol", PASSWORD) == 204  # a correct login as someone else
        assert _login(port, "alice", "guess-4") == 429
        # A spoofed X-Forwarded-For starts no fresh count: no proxy is trusted.
        assert [_login(port, "alice", "guess", {"X-Forwarded-For": f"10.8.0.{i}"}) for i in range(3)] == [429] * 3
        # The address has its own allowance across accounts (four times an account's).
        codes = [_login(port, f"nobody{i}", "guess", {"X-Real-IP": f"10.9.0.{i}"}) for i in range(12)]
        assert codes.count(401) == 3 * 4 - 3 and codes[-1] == 429
    failed = [e for e in Office(data_dir).audit() if e.action == "login.failed"]
    assert failed and all(e.address == "127.0.0.1" for e in failed)


def test_2_a_trusted_proxy_names_the_caller(data_dir):
    settings = _settings(trusted_proxies=["127.0.0.1/32"])
    with _server(data_dir, settings, login_attempts=2) as (_app, port):
        assert _login(port, "alice", "guess", {"X-Forwarded-For": "198.51.100.7, 127.0.0.1"}) == 401
        assert _login(port, "bob", PASSWORD, {"X-Real-IP": "198.51.100.8"}) == 204
    trail = Office(data_dir).audit()
    assert [(e.action, e.address) for e in trail if e.action.startswith("login")] == [
        ("login.failed", "198.51.100.7"), ("login", "198.51.100.8")]


def test_2_the_pause_doubles_with_each_failure_past_the_allowance():
    from pbdocs.office import LoginThrottle
    from pbdocs.office.throttle import BACKOFF_S

    now = [0.0]
    throttle = LoginThrottle(2, clock=lambda: now[0])
    for _ in range(2):
        assert throttle.begin("10.0.0.1", "li") == 0
        throttle.failed("10.0.0.1", "li")
    assert throttle.begin("10.0.0.1", "li") == BACKOFF_S
    assert throttle.begin("10.0.0.2", "li") == BACKOFF_S  # per account, whatever the address
    assert throttle.begin("10.0.0.1", "wang") == 0  # another account from the same address may try
    throttle.succeeded("10.0.0.1", "wang")
    now[0] += BACKOFF_S
    assert throttle.begin("10.0.0.1", "li") == 0
    assert throttle.begin("10.0.0.1", "li") == 1  # one attempt at a time once paused
    throttle.failed("10.0.0.1", "li")
    assert throttle.begin("10.0.0.1", "li") == 2 * BACKOFF_S


# --- 3. forged audit lines ------------------------------------------------------------------------

def test_3_a_login_name_cannot_forge_audit_lines_or_reach_the_terminal(data_dir):
    forged = "x\n2026-12-06T20:00:00Z\tbob\t复核\tbatch:forged\x1b[2J\u202e"
    with _server(data_dir) as (_app, port):
        body = json.dumps({"name": forged, "password": "y"}).encode()
        assert _request(port, "POST", "/api/login", body, {"Content-Type": "application/json"})[0] == 401
    result = CliRunner().invoke(cli, ["audit", "--data", str(data_dir)])
    lines = result.stdout.splitlines()
    assert len(lines) == len(Office(data_dir).audit())
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert not any(line.startswith("2026-12-06T20:00:00Z") for line in lines)
    assert "user:x\\x0a2026-12-06T20:00:00Z\\x09bob" in lines[-1] and lines[-1].endswith("\t127.0.0.1")
    as_json = CliRunner().invoke(cli, ["audit", "--format", "json", "--data", str(data_dir)]).stdout
    assert json.loads(as_json.splitlines()[-1])["object"] == f"user:{forged}"
    page = (Path(__file__).parents[1] / "pbdocs" / "web" / "static" / "office.js").read_text(encoding="utf-8")
    # The panel shows each entry in words, the whole sentence escaped (names and objects inside it).
    assert "escapeControls(entry.text" in page and "escapeControls(entry.address)" in page


# --- 4. timeouts on every kind of request -------------------------------------------------------

def test_4_slow_form_and_json_bodies_get_408_and_stalled_headers_are_closed(data_dir):
    settings = _settings(upload_timeout=1, keep_alive=1)
    alice = _token(data_dir, "alice")
    with _server(data_dir, settings) as (_app, port):
        sock = _raw(port)
        sock.sendall(b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nname=")
        assert _status_line(sock) == 408
        sock.close()
        sock = _raw(port)
        sock.sendall(b"POST /api/batches/x/rows/1/review HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 1000\r\n"
                     + f"Authorization: {alice['Authorization']}\r\n".encode() + b'\r\n{"verdict":')
        assert _status_line(sock) == 408
        sock.close()
        sock = _raw(port)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        assert _status_line(sock) is None  # closed, never answered
        sock.close()
        sock = _raw(port)  # a connection that never says anything
        assert _status_line(sock) is None
        sock.close()
        sock = _raw(port)  # an idle keep-alive connection after an answer
        sock.sendall(b"GET /static/favicon.svg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
        assert data.startswith(b"HTTP/1.1 200")
        sock.close()


def test_4_connections_from_one_address_are_capped(data_dir):
    settings = _settings(connections_per_address=4, keep_alive=600)
    with _server(data_dir, settings) as (_app, port):
        held = [_raw(port) for _ in range(4)]
        for sock in held:  # each answered once, so the server has seen all four
            sock.sendall(b"GET /static/favicon.svg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert _status_line(sock) == 200
        extra = _raw(port)
        assert _status_line(extra) == 503
        extra.close()
        held.pop().close()
        _until(lambda: _status(port) == 200, "a freed connection slot is usable again")
        for sock in held:
            sock.close()


def _status(port) -> int | None:
    try:
        return _request(port, "GET", "/static/favicon.svg")[0]
    except (OSError, http.client.HTTPException):
        return None


# --- 5. JSON body limits, no echo ---------------------------------------------------------------

def test_5_large_json_bodies_are_refused_unread_and_validation_errors_echo_nothing(data_dir):
    alice = _token(data_dir, "alice")
    with _server(data_dir) as (app, port):
        batch = _upload(port, alice)
        _wait_done(app, batch["id"])
        url = f"/api/batches/{batch['id']}/rows/1/review"
        sock = _raw(port)
        sock.sendall(f"POST {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     f"Authorization: {alice['Authorization']}\r\nContent-Length: {300 * 1024 * 1024}\r\n\r\n"
                     .encode() + b'{"verdict": "partial", "note": "')
        assert _status_line(sock) == 413
        sock.close()
        note = "长" * 3000
        status, _, body = _request(port, "POST", url, json.dumps({"verdict": "partial", "note": note}).encode(),
                                   {**alice, "Content-Type": "application/json"})
        assert status == 422 and "长长长" not in body.decode() and len(body) < 1000
        assert json.loads(body)["code"] == "request.invalid" and "note" in json.loads(body)["detail"]
        status, _, body = _request(port, "POST", url, json.dumps({"verdict": "假" * 5000}).encode(),
                                   {**alice, "Content-Type": "application/json"})
        assert status == 422 and "假假假" not in body.decode() and len(body) < 1000


# --- 6. audit gaps --------------------------------------------------------------------------------

def test_6_one_off_checks_and_every_download_are_audited_with_user_and_address(data_dir):
    alice = _token(data_dir, "alice")
    with _server(data_dir) as (app, port):
        body, content_type = _multipart([(CHARTER.name, CHARTER.read_bytes())])
        status, headers, _ = _request(port, "POST", "/api/check", body, {**alice, **content_type})
        assert status == 200
        report = headers["x-report-id"]
        assert _request(port, "GET", f"/api/reports/{report}.csv", headers=alice)[0] == 200
        assert _request(port, "GET", f"/api/reports/{report}/opinions.zip", headers=alice)[0] == 200
        batch = _upload(port, alice)
        _wait_done(app, batch["id"])
        assert _request(port, "GET", f"/api/batches/{batch['id']}/report.html", headers=alice)[0] == 200
    trail = [(e.user, e.action, e.object, e.detail, e.address) for e in Office(data_dir).audit()
             if e.user == "alice"]
    assert trail == [
        ("alice", "check", f"report:{report}", "1 documents", "127.0.0.1"),
        ("alice", "download", f"report:{report}", "report.csv", "127.0.0.1"),
        ("alice", "download", f"report:{report}", "opinions.zip", "127.0.0.1"),
        ("alice", "upload", f"batch:{batch['id']}", "1 documents", "127.0.0.1"),
        ("alice", "download", f"batch:{batch['id']}", "report.html", "127.0.0.1")]


# --- 7. a private data folder ---------------------------------------------------------------------

def test_7_an_existing_folder_others_can_read_is_tightened_with_a_warning(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    result = CliRunner().invoke(cli, ["users", "add", "li", "--data", str(folder)], input=PASSWORD + "\n")
    assert result.exit_code == 0
    assert "警告：数据文件夹" in result.stderr and "0o755" in result.stderr
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    Office(folder).login("li", PASSWORD)  # the log files exist while the database is in use
    files = [p for p in folder.iterdir() if p.name.startswith("pbdocs.sqlite3")]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    assert CliRunner().invoke(cli, ["users", "list", "--data", str(folder)]).stderr == ""


def test_7_a_folder_that_cannot_be_made_private_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o775)

    def refuse(self, mode):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(Path, "chmod", refuse)
    with pytest.raises(OfficeError) as refused:
        Office(folder)
    assert refused.value.code == "office.folder_open" and refused.value.fields["mode"] == "0o775"
    assert not (folder / "pbdocs.sqlite3").exists()


def test_7_the_server_starts_on_a_private_folder_only(data_dir, monkeypatch):
    import uvicorn

    data_dir.chmod(0o755)
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    result = CliRunner().invoke(cli, ["serve", "--data", str(data_dir)])
    assert result.exit_code == 0 and "警告：数据文件夹" in result.stderr
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert calls[0]["proxy_headers"] is False and calls[0]["timeout_keep_alive"] >= 1


# --- 8. reports with unusual names ------------------------------------------------------------------

def test_8_opinions_zip_survives_nul_and_overlong_names_and_rows_keep_their_own_findings(data_dir):
    alice = _token(data_dir, "alice")
    long_name = "北京市朝阳区某某社会组织" * 8 + "章程.txt"
    missing = next(p for p in render.charter_paths() if "missing" in p.name).read_bytes()
    compliant = next(p for p in render.charter_paths() if "compliant" in p.name).read_bytes()
    with _server(data_dir) as (app, port):
        batch = _upload(port, alice, [("空\x00字符.txt", missing), (long_name, missing),
                                      ("同名.txt", missing), ("同名.txt", compliant)])
        _wait_done(app, batch["id"])
        status, _, content = _request(port, "GET", f"/api/batches/{batch['id']}/opinions.zip", headers=alice)
        assert status == 200
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        assert len(names) == len(set(names)) == 3
        assert all(len(n.encode("utf-8")) <= 255 and "\x00" not in n for n in names)
        status, _, html = _request(port, "GET", f"/api/batches/{batch['id']}/report.html", headers=alice)
    assert status == 200
    page = html.decode("utf-8")
    # The two files called 同名.txt: one missing the clause, one compliant, each with its own details.
    from pbdocs.messages import catalogue

    labels = catalogue().labels("verdicts")
    bodies = [chunk.split("</tbody>")[0] for chunk in page.split("<tbody")[1:] if "同名.txt" in chunk]
    main_rows = [body.split("</tr>")[0] for body in bodies]
    assert len(main_rows) == 2
    assert sorted(labels["missing"] in row for row in main_rows) == [False, True]
    assert sorted(labels["compliant"] in row for row in main_rows) == [False, True]
    # The details under each row are its own: the compliant file's show no missing clause.
    compliant_body = next(body for body, row in zip(bodies, main_rows, strict=True) if labels["compliant"] in row)
    missing_body = next(body for body, row in zip(bodies, main_rows, strict=True) if labels["missing"] in row)
    assert compliant_body.split("</tr>", 1)[1] != missing_body.split("</tr>", 1)[1]


def test_8_leftover_upload_folders_of_dead_servers_are_removed_at_start(data_dir, tmp_path, monkeypatch):
    import subprocess
    import sys
    import tempfile

    from fastapi.testclient import TestClient

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    dead = tmp_path / f"pbdocs-upload-{finished.stdout.strip()}-abc"
    legacy = tmp_path / "pbdocs-upload-k2j4x_q1"
    alive = tmp_path / f"pbdocs-upload-{os.getppid()}-xyz"
    for folder in (dead, legacy, alive):
        folder.mkdir()
        (folder / "0001.txt").write_text("x")
    with TestClient(create_app(data_dir=data_dir, workers=1)):
        assert not dead.exists() and not legacy.exists() and alive.exists()


# --- 9. names and passwords -------------------------------------------------------------------------

@pytest.mark.parametrize("password, code", [
    (" " * 8, "office.password_short"), ("12345678", "office.password_short"),
    (" " * 12, "office.password_classes"), ("1234567890", "office.password_classes"),
    ("abcdefghijkl", "office.password_classes"), ("Password123", "office.password_common"),
    ("woaini5201314", "office.password_common"), ("wang-secret-1", "office.password_name"),
])
def test_9_weak_passwords_are_refused(tmp_path, password, code):
    from pbdocs.messages import catalogue

    with pytest.raises(OfficeError) as refused:
        Office(tmp_path / "o").add_user("wang", password)
    assert refused.value.code == code and catalogue().error_text(refused.value) != code  # a Chinese text
    result = CliRunner().invoke(cli, ["users", "add", "wang", "--data", str(tmp_path / "o")], input=password + "\n")
    assert result.exit_code == 2 and Office(tmp_path / "o").users() == []


@pytest.mark.parametrize("name, code", [
    ("\u0430lice", "office.name_mixed"),                        # Cyrillic а, then Latin
    ("\u0430\u04cf\u0456\u0441\u0435", "office.name_confusable"),  # all Cyrillic, drawn like alice
    ("ａｌｉｃｅ", "office.name_taken"),                            # full-width
    ("ALICE", "office.name_taken"),
    ("Alice", "office.name_taken"),
])
def test_9_look_alike_names_are_refused(data_dir, name, code):
    with pytest.raises(OfficeError) as refused:
        Office(data_dir).add_user(name, "another good passphrase")
    assert refused.value.code == code


def test_9_names_are_compared_normalized_when_signing_in(data_dir):
    office = Office(data_dir)
    assert office.login("ALICE", PASSWORD)[0].name == "alice"
    assert office.login("ａｌｉｃｅ", PASSWORD)[0].name == "alice"
    assert office.add_user("王科长2", "another good passphrase").name == "王科长2"


# --- also seen: quotas, turn-taking, tokens, review history ------------------------------------------

def test_a_user_has_a_quota_of_open_batches_and_queued_documents(data_dir):
    from pbdocs.office import Intake

    alice, bob = _token(data_dir, "alice"), _token(data_dir, "bob")
    with _server(data_dir, max_open_batches=1, max_queued_documents=2) as (_app, port):
        # A batch the running server does not check (made beside it): it stays queued.
        office = Office(data_dir)
        office.create_batch(office.repo.user_password("alice")[0], "排队中", [Intake(CHARTER.name, str(CHARTER))],
                            {"pack": "party"})
        body, content_type = _multipart([(CHARTER.name, CHARTER.read_bytes())])
        status, headers, answer = _request(port, "POST", "/api/batches", body, {**alice, **content_type})
        assert status == 429 and "未完成的批次已达上限（1 个）" in json.loads(answer)["detail"]
        assert int(headers["retry-after"]) > 0
        body, content_type = _multipart([(f"{i}.txt", CHARTER.read_bytes()) for i in range(3)])
        status, _, answer = _request(port, "POST", "/api/batches", body, {**bob, **content_type})
        assert status == 429 and "排队等待审查的文件已达上限（2 份）" in json.loads(answer)["detail"]
        _upload(port, bob)  # one document is within bob's own quota
    assert [b.name for b in office.batches(office.repo.user_password("carol")[0])].count("排队中") == 1


def test_the_worker_queue_takes_users_in_turn():
    import asyncio

    from pbdocs.office import FairQueue

    order: list[str] = []

    class Pool:
        workers = 1

        async def submit(self, job):
            order.append(job)
            await asyncio.sleep(0)
            return job

    async def run():
        queue = FairQueue(Pool())
        jobs = [queue.submit("alice", f"alice-{i}") for i in range(4)] + [queue.submit("bob", "bob-0")]
        await asyncio.gather(*jobs)

    asyncio.run(run())
    assert order == ["alice-0", "alice-1", "bob-0", "alice-2", "alice-3"]


def test_tokens_are_labelled_listed_expire_and_are_revoked_one_by_one(tmp_path):
    data = tmp_path / "office"
    Office(data).add_user("li", PASSWORD)

    def run(*args):
        return CliRunner().invoke(cli, ["users", *args, "--data", str(data)])

    first = run("token", "li", "--expires", "90d")
    second = run("token", "li", "--label", "脚本", "--expires", "never")
    assert first.exit_code == second.exit_code == 0 and "token-1" in first.stderr and "长期有效" in second.stderr
    listed = [line.split("\t") for line in run("tokens", "li").stdout.splitlines()]
    assert [row[0] for row in listed] == ["token-1", "脚本"] and listed[1][2] == "长期有效"
    assert listed[0][2] > listed[0][1]
    office = Office(data)
    assert office.token_user(first.stdout.strip()).name == "li"
    assert run("revoke", "li", "token-1").exit_code == 0
    assert office.token_user(first.stdout.strip()) is None and office.token_user(second.stdout.strip()) is not None
    assert run("revoke", "li", "token-1").exit_code == 2
    assert run("token", "li", "--expires", "soon").exit_code == 2
    assert [e.action for e in office.audit()][-3:] == ["token.issue", "token.issue", "token.revoke"]


def test_an_expired_token_signs_nobody_in(tmp_path):
    import datetime as dt

    office = Office(tmp_path / "office")
    office.add_user("li", PASSWORD)
    token = office.issue_token("li", expires=dt.timedelta(hours=1))
    assert office.token_user(token) is not None
    with office.repo._tx() as cur:
        cur.execute("UPDATE credentials SET expires = ? WHERE kind = 'token'", ("2000-01-01T00:00:00Z",))
    assert office.token_user(token) is None


def test_a_review_keeps_its_history(data_dir):
    alice = _token(data_dir, "alice")
    with _server(data_dir) as (app, port):
        batch = _upload(port, alice)
        _wait_done(app, batch["id"])
        url = f"/api/batches/{batch['id']}/rows/1"
        for verdict, note in (("missing", "第一次：缺少党建条款"), ("compliant", "第二次：已补充")):
            status, _, _ = _request(port, "POST", f"{url}/review", json.dumps({"verdict": verdict, "note": note})
                                    .encode(), {**alice, "Content-Type": "application/json"})
            assert status == 200
        status, _, body = _request(port, "GET", f"{url}/reviews", headers=alice)
    assert status == 200
    assert [(r["verdict"], r["note"]) for r in json.loads(body)] == [
        ("missing", "第一次：缺少党建条款"), ("compliant", "第二次：已补充")]


def test_a_data_folder_of_the_previous_schema_is_migrated(tmp_path, monkeypatch):
    import json as _json

    import pbdocs.office.store as store

    folder = tmp_path / "old"
    monkeypatch.setattr(store, "MIGRATIONS", store.MIGRATIONS[:1])
    from pbdocs.office.credentials import hash_password

    old = Office(folder)
    with old.repo._tx() as cur:  # an account as the previous pbdocs stored it
        cur.execute("INSERT INTO users (name, password, admin, disabled, created) VALUES ('Li', ?, 0, 0, 'x')",
                    (hash_password(PASSWORD),))
    li = old.repo.users()[0]
    from pbdocs.office import Batch

    batch = Batch(id="0123456789abcdef", name="旧批次", owner="Li", status="done", created="x")
    old.repo.add_batch(batch, li.id, [])
    review = {"verdict": "missing", "note": "旧的意见", "reviewer": "Li", "at": "2026-01-01T00:00:00Z"}
    with old.repo._tx() as cur:
        cur.execute("INSERT INTO batch_rows (batch_id, position, label, original, verdict, record, review) "
                    "VALUES (?, 1, 'a.txt', NULL, 'error', '{}', ?)", (batch.id, _json.dumps(review)))
    monkeypatch.undo()
    office = Office(folder)
    assert office.login("li", PASSWORD)[0].name == "Li"
    assert [r.note for r in office.review_history(batch, 1)] == ["旧的意见"]
