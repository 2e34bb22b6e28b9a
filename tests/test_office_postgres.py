"""The office workspace on PostgreSQL (`--database postgresql://...`): the same repository behaviour
as on SQLite, and batches surviving a restart. Needs psycopg and a PostgreSQL server binary
(Debian's `postgresql`, which `scripts/setup.sh test` tries to install); each is skipped, saying
why, where one is missing. A throwaway server is started on a Unix socket in a temporary folder."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
import warnings
from pathlib import Path

import pytest

from pbdocs.errors import Notice
from pbdocs.office import Intake, Office
from pbdocs.office.store import MIGRATIONS, PostgresRepository
from pbdocs.screen.records import ScreenRecord

from helpers import data_module

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

render = data_module("web/render.py", "web_render")
PASSWORD = "correct horse battery"


def _server_binaries() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return candidates[-1].parent if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_server():
    """A private PostgreSQL server; yields (socket folder, port)."""
    pytest.importorskip("psycopg", reason="psycopg is not installed: pip install 'pbdocs[postgres]'")
    binaries = _server_binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL server installed (Debian: apt-get install postgresql)")
    # Short, because the server's socket path must fit in 107 bytes.
    folder = Path(tempfile.mkdtemp(prefix="pbpg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root: run it as the postgres account
        import pwd

        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres account to run the server as")
        os.chown(folder, account.pw_uid, account.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    cluster = folder / "cluster"
    steps = [
        [str(binaries / "initdb"), "-D", str(cluster), "-U", "pbdocs", "-A", "trust", "-E", "UTF8", "--no-sync"],
        [str(binaries / "pg_ctl"), "-D", str(cluster), "-l", str(folder / "log"), "-w", "-t", "60",
         "-o", f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off", "start"],
    ]
    for step in steps:
        done = subprocess.run(prefix + step, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
            shutil.rmtree(folder, ignore_errors=True)
            pytest.skip(f"PostgreSQL did not start: {(done.stderr or log).strip().splitlines()[-1:]}")
    yield folder, port
    subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(cluster), "-m", "fast", "-w", "stop"],
                   capture_output=True, timeout=120)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def database(postgres_server):
    """The address of a new, empty database on the server."""
    import psycopg

    folder, port = postgres_server
    name = f"pbdocs_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"postgresql://pbdocs@/postgres?host={folder}&port={port}", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return f"postgresql://pbdocs@/{name}?host={folder}&port={port}"


def test_the_workspace_behaves_on_postgresql_as_on_sqlite(tmp_path, database):
    office = Office(tmp_path / "data", database)
    assert isinstance(office.repo, PostgresRepository)
    Office(tmp_path / "data", database)  # opening again runs no migration twice
    li = office.add_user("李四", PASSWORD)
    office.add_user("admin", PASSWORD, admin=True)
    with pytest.raises(Exception, match="already exists"):
        office.add_user("李四", PASSWORD)
    token = office.issue_token("李四")
    assert office.token_user(token).name == "李四"
    assert office.login("李四", "wrong password") is None
    _, session = office.login("李四", PASSWORD)
    assert office.session_user(session).name == "李四"

    charter = render.charter_paths()[0]
    refused = Intake("坏.zip/x", None, Notice.of("archive.symlink"))
    batch = office.create_batch(li, "第一批", [Intake(charter.name, str(charter)), refused],
                                {"pack": "party", "org_type": None})
    assert (batch.status, batch.counts) == ("queued", {"total": 2, "pending": 1, "error": 1})
    assert [b.id for b in office.unfinished()] == [batch.id]
    office.set_record(batch.id, 1, ScreenRecord.failed(charter.name, Notice.of("check.crashed")))
    office.set_status(batch.id, "done")
    review = office.review(li, batch, 1, "missing", "复核")
    assert review is not None and review.reviewer == "李四"
    [first, _] = office.records(office.batch(li, batch.id))
    assert (first.row["verdict"], first.row["reviewed_verdict"]) == ("error", "missing")
    assert office.batch(office.repo.user_password("admin")[0], batch.id) is not None

    office.disable_user("李四")
    assert office.token_user(token) is None and office.session_user(session) is None
    office.delete_batch(li, batch)
    assert office.repo.batch(batch.id) is None
    assert [e.action for e in office.audit(user="李四")] == ["login", "upload", "review", "delete"]

    import psycopg

    with psycopg.connect(database) as connection:
        versions = connection.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert versions == [(v,) for v in range(1, len(MIGRATIONS) + 1)]


def test_batches_survive_a_restart_on_postgresql(tmp_path, database):
    from pbdocs.web import create_app

    office = Office(tmp_path / "data", database)
    office.add_user("li", PASSWORD)
    headers = {"authorization": f"Bearer {office.issue_token('li')}"}
    files = [("files", (p.name, p.read_bytes())) for p in render.charter_paths()]
    with TestClient(create_app(data_dir=tmp_path / "data", database=database)) as client:
        created = client.post("/api/batches", headers=headers, files=files).json()
        client.portal.call(client.app.state.workspace.wait, created["id"])
    # Another process's view: a second app on the same database, its own data folder for nothing but originals.
    with TestClient(create_app(data_dir=tmp_path / "data", database=database)) as client:
        detail = client.get(f"/api/batches/{created['id']}", headers=headers).json()
        report = client.get(f"/api/batches/{created['id']}/report.json", headers=headers).json()
    assert detail["status"] == "done"
    assert {row["path"]: row["verdict"] for row in detail["rows"]} == render.expected_verdicts()
    assert [r["path"] for r in report] == [row["path"] for row in detail["rows"]]
