"""The office workspace behind `pbdocs serve --data`: accounts, batches kept across restarts,
review, audit, and each refusal (401, 403, 404 for another user's batch, 413, 422, 429)."""
from __future__ import annotations

import contextlib
import csv
import io
import warnings
from pathlib import Path

import pytest

from pbdocs.messages import catalogue
from pbdocs.office import Intake, Office
from pbdocs.web import create_app

from helpers import data_module

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

render = data_module("web/render.py", "web_render")
EXPECTED = render.expected_verdicts()
PASSWORD = "correct horse battery"


@pytest.fixture
def data_dir(tmp_path):
    """A data folder with two officers (alice, bob) and an administrator (carol)."""
    folder = tmp_path / "office"
    office = Office(folder)
    for name in ("alice", "bob"):
        office.add_user(name, PASSWORD)
    office.add_user("carol", PASSWORD, admin=True)
    return folder


def _token(data_dir: Path, name: str) -> dict[str, str]:
    return {"authorization": f"Bearer {Office(data_dir).issue_token(name)}"}


@pytest.fixture
def client(data_dir):
    with TestClient(create_app(data_dir=data_dir, login_attempts=3)) as test_client:
        yield test_client


def _charters() -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (path.name, path.read_bytes())) for path in render.charter_paths()]


def _finished(client: TestClient, batch_id: str) -> None:
    """Wait for the batch's background check: the app's own task, not a clock."""
    client.portal.call(client.app.state.workspace.wait, batch_id)


def _upload(client, headers, name="第一批") -> dict:
    response = client.post("/api/batches", files=_charters(), data={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    _finished(client, response.json()["id"])
    return response.json()


def test_without_an_account_the_api_answers_401_and_the_page_is_the_login(client):
    for method, path in (("get", "/api/batches"), ("get", "/api/me"), ("get", "/api/search?q=x"),
                         ("post", "/api/check"), ("get", "/api/audit"), ("get", "/api/config")):
        response = getattr(client, method)(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/batches", headers={"authorization": "Bearer pbdocs-api-forged"}).status_code == 401
    page = client.get("/")
    assert page.status_code == 200 and 'id="login-form"' in page.text


def test_login_sets_a_strict_http_only_cookie_and_logout_ends_it(client):
    assert client.post("/api/login", data={"name": "alice", "password": "wrong"}).status_code == 401
    response = client.post("/api/login", data={"name": "alice", "password": PASSWORD})
    assert response.status_code == 204
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    assert client.get("/api/me").json()["name"] == "alice"
    workspace_page = client.get("/")
    assert 'id="batch-list"' in workspace_page.text
    # One address, two pages depending on the cookie: a browser must not show a cached login form.
    assert workspace_page.headers["cache-control"] == "no-store"
    assert client.post("/api/logout").status_code == 204
    assert client.get("/api/me").status_code == 401


def test_the_cookie_is_secure_over_https(data_dir):
    with TestClient(create_app(data_dir=data_dir), base_url="https://office.example") as client:
        response = client.post("/api/login", data={"name": "alice", "password": PASSWORD})
    assert "secure" in response.headers["set-cookie"].lower()


def test_failed_logins_are_rate_limited_with_429(client):
    for _ in range(3):
        assert client.post("/api/login", data={"name": "alice", "password": "guess"}).status_code == 401
    refused = client.post("/api/login", data={"name": "alice", "password": PASSWORD})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0


def test_a_disabled_user_is_refused(data_dir):
    headers = _token(data_dir, "bob")
    office = Office(data_dir)
    office.disable_user("bob")
    with TestClient(create_app(data_dir=data_dir)) as client:
        assert client.get("/api/batches", headers=headers).status_code == 401
        assert client.post("/api/login", data={"name": "bob", "password": PASSWORD}).status_code == 401


def test_a_batch_is_created_listed_checked_reviewed_and_downloaded(client, data_dir):
    alice = _token(data_dir, "alice")
    created = _upload(client, alice)
    assert set(created) >= {"id", "name", "status", "created", "counts"}
    assert created["name"] == "第一批" and created["counts"]["total"] == len(EXPECTED)

    [listed] = client.get("/api/batches", headers=alice).json()
    assert listed["id"] == created["id"] and listed["status"] == "done"
    detail = client.get(f"/api/batches/{created['id']}", headers=alice).json()
    assert {row["path"]: row["verdict"] for row in detail["rows"]} == EXPECTED
    assert [row["row"] for row in detail["rows"]] == list(range(1, len(EXPECTED) + 1))

    first = detail["rows"][0]
    overridden = "compliant" if first["verdict"] != "compliant" else "partial"
    review = client.post(f"/api/batches/{created['id']}/rows/1/review", headers=alice,
                         json={"verdict": overridden, "note": "人工核对后认定"})
    assert review.status_code == 200 and review.json()["reviewer"] == "alice"
    reviewed = client.get(f"/api/batches/{created['id']}", headers=alice).json()["rows"][0]["review"]
    assert reviewed["verdict"] == overridden

    as_csv = client.get(f"/api/batches/{created['id']}/report.csv", headers=alice)
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    # The report is for people: Chinese headers and labels, the reviewed row among the others.
    labels = catalogue().labels("verdicts")
    reviewed_rows = [r for r in rows if r["复核结论"]]
    assert [(r["结论"].split("（")[0], r["复核结论"], r["复核意见"], r["复核人"]) for r in reviewed_rows] == [
        (labels[first["verdict"]], labels[overridden], "人工核对后认定", "alice")]
    assert len(rows) == len(detail["rows"])
    as_json = client.get(f"/api/batches/{created['id']}/report.json", headers=alice).json()
    assert as_json[0]["review"]["verdict"] == overridden and as_json[1]["review"] is None
    assert "复核结论" in client.get(f"/api/batches/{created['id']}/report.html", headers=alice).text

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(client.get(f"/api/batches/{created['id']}/report.xlsx",
                                                headers=alice).content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    column = header.index("复核结论") + 1
    assert [sheet.cell(r, column).value for r in range(2, sheet.max_row + 1) if sheet.cell(r, column).value] == [
        labels[overridden]]


def test_a_review_is_refused_for_an_unknown_verdict_or_row(client, data_dir):
    alice = _token(data_dir, "alice")
    batch = _upload(client, alice)
    url = f"/api/batches/{batch['id']}/rows"
    assert client.post(f"{url}/1/review", headers=alice, json={"verdict": "fine"}).status_code == 422
    assert client.post(f"{url}/99/review", headers=alice, json={"verdict": "missing"}).status_code == 404
    assert client.post(f"{url}/1/review", headers=alice, json={}).status_code == 422


def test_another_users_batch_answers_404_and_an_admin_sees_all(client, data_dir):
    alice, bob, carol = (_token(data_dir, name) for name in ("alice", "bob", "carol"))
    batch = _upload(client, alice)
    url = f"/api/batches/{batch['id']}"
    assert client.get("/api/batches", headers=bob).json() == []
    assert client.get(url, headers=bob).status_code == 404
    assert client.get(f"{url}/report.csv", headers=bob).status_code == 404
    assert client.post(f"{url}/rows/1/review", headers=bob, json={"verdict": "missing"}).status_code == 404
    assert client.delete(url, headers=bob).status_code == 404
    assert [b["owner"] for b in client.get("/api/batches", headers=carol).json()] == ["alice"]
    assert client.get(url, headers=carol).status_code == 200
    assert client.get("/api/batches/no-such-batch", headers=alice).status_code == 404


def test_the_audit_trail_records_each_action_for_admins_only(client, data_dir):
    alice, carol = _token(data_dir, "alice"), _token(data_dir, "carol")
    client.post("/api/login", data={"name": "alice", "password": PASSWORD})
    batch = _upload(client, alice)
    client.post(f"/api/batches/{batch['id']}/rows/2/review", headers=alice, json={"verdict": "missing"})
    client.get(f"/api/batches/{batch['id']}/report.xlsx", headers=alice)
    client.delete(f"/api/batches/{batch['id']}", headers=alice)
    assert client.get("/api/audit", headers=alice).status_code == 403
    trail = client.get("/api/audit", headers=carol, params={"user": "alice"}).json()
    assert [(e["action"], e["object"]) for e in trail] == [
        ("login", "user:alice"), ("upload", f"batch:{batch['id']}"), ("review", f"batch:{batch['id']}/row:2"),
        ("download", f"batch:{batch['id']}"), ("delete", f"batch:{batch['id']}")]
    assert all(e["at"].endswith("Z") for e in trail)
    assert client.get("/api/audit", headers=carol, params={"since": "2999-01-01"}).json() == []


def test_deleting_a_batch_removes_it_and_its_unshared_originals(client, data_dir):
    alice = _token(data_dir, "alice")
    batch = _upload(client, alice)
    originals = data_dir / "originals"
    assert len(list(originals.rglob("*.txt"))) == len(EXPECTED)
    assert client.delete(f"/api/batches/{batch['id']}", headers=alice).status_code == 204
    assert client.get(f"/api/batches/{batch['id']}", headers=alice).status_code == 404
    assert list(originals.rglob("*.txt")) == []


def test_the_same_document_uploaded_twice_is_stored_once(client, data_dir):
    alice = _token(data_dir, "alice")
    first, second = _upload(client, alice), _upload(client, alice, name="第二批")
    assert len(list((data_dir / "originals").rglob("*.txt"))) == len(EXPECTED)
    client.delete(f"/api/batches/{first['id']}", headers=alice)
    # The second batch still uses every original.
    assert len(list((data_dir / "originals").rglob("*.txt"))) == len(EXPECTED)
    assert client.get(f"/api/batches/{second['id']}/report.csv", headers=alice).status_code == 200


def test_oversized_uploads_are_refused_with_413(data_dir):
    alice = _token(data_dir, "alice")
    with TestClient(create_app(data_dir=data_dir, max_upload_mb=1, max_files=2)) as client:
        big = client.post("/api/batches", headers=alice, files=[("files", ("big.txt", b"x" * (2 * 1024 * 1024)))])
        assert big.status_code == 413
        many = client.post("/api/batches", headers=alice, files=_charters())
        assert many.status_code == 413
        assert client.get("/api/batches", headers=alice).json() == []


def test_batches_and_reports_survive_a_restart(data_dir):
    alice = _token(data_dir, "alice")
    with TestClient(create_app(data_dir=data_dir)) as client:
        batch = _upload(client, alice)
        client.post(f"/api/batches/{batch['id']}/rows/1/review", headers=alice, json={"verdict": "missing"})
        before = client.get(f"/api/batches/{batch['id']}/report.json", headers=alice).json()
    with TestClient(create_app(data_dir=data_dir)) as client:
        [listed] = client.get("/api/batches", headers=alice).json()
        assert (listed["id"], listed["status"], listed["counts"]["total"]) == (batch["id"], "done", len(EXPECTED))
        rows = client.get(f"/api/batches/{batch['id']}", headers=alice).json()["rows"]
        assert {row["path"]: row["verdict"] for row in rows} == EXPECTED
        assert client.get(f"/api/batches/{batch['id']}/report.json", headers=alice).json() == before


@pytest.mark.parametrize("status", ["queued", "running"])
def test_a_batch_interrupted_by_a_restart_resumes_at_startup(data_dir, status):
    office = Office(data_dir)
    alice = office.repo.user_password("alice")[0]
    batch = office.create_batch(alice, "中断的批次", [Intake(p.name, str(p)) for p in render.charter_paths()],
                                {"pack": "party", "org_type": None})
    office.set_status(batch.id, status)
    headers = _token(data_dir, "alice")
    with TestClient(create_app(data_dir=data_dir)) as client:
        _finished(client, batch.id)
        detail = client.get(f"/api/batches/{batch.id}", headers=headers).json()
    assert detail["status"] == "done" and detail["counts"]["pending"] == 0
    assert {row["path"]: row["verdict"] for row in detail["rows"]} == EXPECTED


def test_an_unsafe_archive_member_is_an_error_row_at_once(client, data_dir):
    import zipfile

    alice = _token(data_dir, "alice")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../escape.txt", "x")
        archive.writestr("good.txt", render.charter_paths()[0].read_text(encoding="utf-8"))
    response = client.post("/api/batches", headers=alice, files=[("files", ("批量.zip", buffer.getvalue()))])
    _finished(client, response.json()["id"])
    rows = client.get(f"/api/batches/{response.json()['id']}", headers=alice).json()["rows"]
    assert [row["verdict"] == "error" for row in rows] == [True, False]
    assert all(row["path"].startswith("批量.zip/") for row in rows)
    # The page shows the reason in Chinese; JSON keeps the library's reason in `error`.
    assert rows[0]["error_text"] == "文件路径指向压缩包以外，已拒绝" and rows[1]["error_text"] is None


def test_a_batch_of_the_bundled_examples_uses_its_pack(client, data_dir):
    alice = _token(data_dir, "alice")
    examples = sorted((Path(__file__).parents[1] / "examples" / "charters").iterdir())
    response = client.post("/api/batches", headers=alice, params={"pack": "statutory"},
                           files=[("files", (p.name, p.read_bytes())) for p in examples])
    assert response.status_code == 201
    _finished(client, response.json()["id"])
    rows = client.get(f"/api/batches/{response.json()['id']}", headers=alice).json()["rows"]
    assert len(rows) == len(examples) and all(not row["pending"] for row in rows)
    assert all(row["findings"] for row in rows)
    assert not any(f["rule"] == "party-clause" for row in rows for f in row["findings"])


def test_the_open_app_without_a_data_folder_has_no_login(tmp_path):
    with TestClient(create_app()) as client:
        assert client.get("/api/config").status_code == 200
        assert client.get("/api/batches").status_code == 404
        assert 'id="upload-form"' in client.get("/").text


def test_opinions_follow_the_reviewed_verdicts(client, data_dir):
    import zipfile

    alice = _token(data_dir, "alice")
    batch = _upload(client, alice)
    rows = {row["path"]: row["row"] for row in client.get(f"/api/batches/{batch['id']}", headers=alice).json()["rows"]}
    url = f"/api/batches/{batch['id']}/opinions.zip"

    def opinions() -> list[str]:
        response = client.get(url, headers=alice)
        assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
        return zipfile.ZipFile(io.BytesIO(response.content)).namelist()

    automatic = opinions()
    assert len(automatic) >= 2 and all(name.endswith(".docx") for name in automatic)
    review = f"/api/batches/{batch['id']}/rows/{rows['partial-foundation.txt']}/review"
    client.post(review, headers=alice, json={"verdict": "compliant", "note": "已按要求修改"})
    assert len(opinions()) == len(automatic) - 1
    client.post(review, headers=alice, json={"verdict": "missing", "note": ""})
    assert len(opinions()) == len(automatic)
    assert client.get(url, headers=_token(data_dir, "bob")).status_code == 404
    downloads = [e["detail"] for e in client.get("/api/audit", headers=_token(data_dir, "carol")).json()
                 if e["action"] == "download"]
    assert downloads == ["opinions.zip"] * 3


def test_a_batch_whose_checking_fails_is_logged_and_resumed_at_the_next_start(data_dir, monkeypatch, caplog):
    import pbdocs.office.runner as runner

    alice = _token(data_dir, "alice")
    real = runner.document_job

    def broken(*args, **kwargs):
        raise RuntimeError("the worker pool is gone")

    monkeypatch.setattr(runner, "document_job", broken)
    with TestClient(create_app(data_dir=data_dir)) as client:
        created = client.post("/api/batches", headers=alice, files=_charters()).json()
        # Raises the task's error when it is still running, returns when it has already failed.
        with contextlib.suppress(RuntimeError):
            _finished(client, created["id"])
        assert client.get(f"/api/batches/{created['id']}", headers=alice).json()["status"] == "running"
    assert f"批次 {created['id']} 已中止" in caplog.text
    monkeypatch.setattr(runner, "document_job", real)
    with TestClient(create_app(data_dir=data_dir)) as client:
        _finished(client, created["id"])
        detail = client.get(f"/api/batches/{created['id']}", headers=alice).json()
    assert detail["status"] == "done" and {row["path"]: row["verdict"] for row in detail["rows"]} == EXPECTED
