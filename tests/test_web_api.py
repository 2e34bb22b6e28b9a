"""The JSON API behind `pbdocs serve`: verdicts per format, upload limits, hostile names, archives,
reports, search, and staying responsive under concurrent uploads."""
from __future__ import annotations

import asyncio
import csv
import functools
import io
import os
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

import httpx
import pytest

import pbdocs.screen.task as screen_task
from pbdocs.messages import catalogue
from pbdocs.screen.report_lines import VERDICT_ORDER
from pbdocs.web import create_app

from helpers import data_module

with warnings.catch_warnings():
    # Starlette warns at import that its client will move to httpx2; the client itself works unchanged.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

DATA = Path(__file__).parent / "data" / "web"
MIB = 1024 * 1024
CHECK_KEYS = {"path", "verdict", "org_type", "findings", "name", "error", "ocr_pages"}


render = data_module("web/render.py", "web_render")
EXPECTED = render.expected_verdicts()


@pytest.fixture
def spool_dir(tmp_path, monkeypatch):
    """Where the app's per-request temporary directories go, to see what is left behind."""
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    return spool


@pytest.fixture
def client(spool_dir):
    with TestClient(create_app()) as test_client:
        yield test_client


def _leftovers(spool_dir: Path) -> list[Path]:
    """Upload, scratch and report directories the app left behind (multiprocessing keeps its own)."""
    return sorted(spool_dir.glob("pbdocs-*"))


def _charter(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- verdicts --------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".txt", ".docx", ".pdf"])
def test_check_gives_each_charter_its_verdict(client, spool_dir, tmp_path, suffix):
    rendered = [render.render(path, suffix, tmp_path) for path in render.charter_paths()]
    response = client.post("/api/check", files=[("files", (f.name, f.read_bytes())) for f in rendered])
    assert response.status_code == 200
    results = response.json()
    assert [r["path"] for r in results] == [f.name for f in rendered]
    assert all(set(r) >= CHECK_KEYS for r in results)
    expected = {Path(name).stem + suffix: verdict for name, verdict in EXPECTED.items()}
    assert {r["path"]: r["verdict"] for r in results} == expected
    assert _leftovers(spool_dir) == []


def test_evidence_quotes_the_uploaded_charter(client):
    name = next(n for n, verdict in EXPECTED.items() if verdict == "compliant")
    text = _charter(name).decode("utf-8")
    [result] = client.post("/api/check", files=[("files", (name, text.encode()))]).json()
    party = next(f for f in result["findings"] if f["rule"] == "party-clause")
    assert party["status"] == "present"
    for element in party["elements"].values():
        evidence = element["evidence"]
        assert element["found"] and evidence["text"]
        assert text[evidence["start"]:evidence["end"]] == evidence["text"]


@pytest.mark.parametrize("spelling", ["民办非企业单位", "民非", "social-service", "社会服务机构"])
def test_check_accepts_every_org_type_spelling_the_cli_does(client, spelling):
    from pbdocs.domain import registry

    assert spelling in registry().org_type_choices()
    response = client.post("/api/check", params={"pack": "statutory", "org_type": spelling},
                           files=[("files", ("center.txt", _charter("missing-center.txt")))])
    assert response.status_code == 200, response.text
    [result] = response.json()
    assert result["org_type"] == "社会服务机构"
    assert [f["rule"] for f in result["findings"]] == ["social-service-contents"]


def test_check_refuses_an_unknown_org_type_or_pack(client):
    files = [("files", ("center.txt", _charter("missing-center.txt")))]
    assert client.post("/api/check", params={"org_type": "学校"}, files=files).status_code == 422
    assert client.post("/api/check", params={"pack": "nonsense"}, files=files).status_code == 422


def _blank_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_office_rules_and_ocr_mode_reach_every_upload(spool_dir):
    from pbdocs.extract import ExtractOptions
    from pbdocs.rules import CheckOptions

    rules = Path(__file__).parent / "data" / "screen" / "packs" / "residence.toml"
    options = CheckOptions.build(rules_file=rules, extract=ExtractOptions(ocr="never"))
    name = next(n for n, verdict in EXPECTED.items() if verdict == "compliant")
    with TestClient(create_app(options=options, workers=1)) as client:
        [result] = client.post("/api/check", params={"pack": "party"},
                               files=[("files", (name, _charter(name)))]).json()
        [scan] = client.post("/api/check", files=[("files", ("scan.png", _blank_png()))]).json()
    assert any(f["rule"] == "residence" for f in result["findings"])
    assert scan["verdict"] == "error" and "OCR is disabled" in scan["error"]
    assert _leftovers(spool_dir) == []


def test_an_unreadable_file_is_an_error_row_named_as_uploaded(client):
    response = client.post("/api/check", files=[
        ("files", ("扫描件.pdf", b"this is not a PDF at all")),
        ("files", ("broken.zip", b"PK\x03\x04 truncated")),
    ])
    assert response.status_code == 200
    results = response.json()
    assert [(r["path"], r["verdict"]) for r in results] == [("扫描件.pdf", "error"), ("broken.zip", "error")]
    for result in results:
        assert result["error"]
        assert "pbdocs-upload" not in result["error"], "the temporary path leaked into the message"


@pytest.mark.slow
def test_a_document_slower_than_the_timeout_is_an_error_row(fixture_maker, spool_dir, tmp_path):
    """A scanned page needs seconds of OCR; three of them under a three-second budget are given up,
    and named. The budget leaves a text charter room to finish on a loaded machine."""
    long_text = tmp_path / "long.txt"
    long_text.write_text(_charter("compliant-association.txt").decode("utf-8") * 3, encoding="utf-8")
    scan = fixture_maker.make_scanned_pdf(tmp_path / "scan.pdf", render.render(long_text, ".pdf", tmp_path))
    with TestClient(create_app(document_timeout=3)) as client:
        response = client.post("/api/check", files=[("files", ("扫描件.pdf", scan.read_bytes())),
                                                    ("files", ("文本.txt", _charter("compliant-association.txt")))])
    results = {r["path"]: r for r in response.json()}
    assert results["扫描件.pdf"]["verdict"] == "error"
    assert results["扫描件.pdf"]["error"] == "gave up after 3 s: the document is too slow to read"
    assert results["扫描件.pdf"]["error_text"] == "读取超过 3 秒，已放弃（文件读取过慢）"
    assert results["文本.txt"]["verdict"] == "compliant"


# --- limits ----------------------------------------------------------------------------------------

def test_an_upload_over_the_size_limit_is_refused_with_413(client, spool_dir):
    response = client.post("/api/check", files=[("files", ("big.txt", b"\x20" * (60 * MIB)))])
    assert response.status_code == 413
    assert "20 MB" in response.json()["detail"]
    assert _leftovers(spool_dir) == []


def test_an_upload_without_a_length_stops_being_read_at_the_limit(spool_dir):
    """A chunked body is counted while it streams: the app stops reading just past 1 MB of 15 MB."""
    app = create_app(max_upload_mb=1)
    boundary = "pbdocs-test-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode()
    chunk, chunks_total = b"x" * (256 * 1024), 60
    received = 0

    async def receive():
        nonlocal received
        received += 1
        return {"type": "http.request", "body": head if received == 1 else chunk,
                "more_body": received < chunks_total}

    messages = []

    async def send(message):
        messages.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/check", "raw_path": b"/api/check", "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
        "headers": [(b"host", b"testserver"),
                    (b"content-type", f"multipart/form-data; boundary={boundary}".encode())],
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in messages if m["type"] == "http.response.start")
    assert start["status"] == 413
    assert received <= 1 + MIB // len(chunk) + 1
    assert _leftovers(spool_dir) == []


def test_too_many_files_are_refused_with_413(spool_dir):
    charter = _charter("compliant-association.txt")
    with TestClient(create_app(max_files=3)) as client:
        allowed = client.post("/api/check", files=[("files", (f"{i}.txt", charter)) for i in range(3)])
        assert allowed.status_code == 200 and len(allowed.json()) == 3
        too_many = client.post("/api/check", files=[("files", (f"{i}.txt", charter)) for i in range(4)])
        assert too_many.status_code == 413
        assert too_many.json()["detail"] == "文件过多：每次最多上传 3 个文件"
        archive = _zip({f"{i}.txt": charter for i in range(4)})
        inside_zip = client.post("/api/check", files=[("files", ("batch.zip", archive))])
        assert inside_zip.status_code == 413
    assert _leftovers(spool_dir) == []


@pytest.mark.parametrize("name", ["charter.exe", "章程.heic", "passwd", "archive.tar.gz"])
def test_an_unknown_file_type_is_refused_with_415(client, spool_dir, name):
    response = client.post("/api/check", files=[
        ("files", ("fine.txt", _charter("compliant-association.txt"))), ("files", (name, b"data"))])
    assert response.status_code == 415
    assert name in response.json()["detail"]
    assert _leftovers(spool_dir) == []


def test_a_body_that_is_not_multipart_is_refused_with_415(client):
    response = client.post("/api/check", content=b"charter text", headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]


@pytest.mark.parametrize("body", [
    b"not multipart at all --edge\r\n",
    b"--edge\r\nContent-Disposition: form-data; name=\"files\"; filename=\"cut.txt\"\r\n\r\n\xe6\x9c\xac\xe4\xbc\x9a",
])
def test_a_malformed_or_truncated_body_is_a_400(client, spool_dir, body):
    response = client.post("/api/check", content=body, headers={"content-type": "multipart/form-data; boundary=edge"})
    assert response.status_code == 400
    assert _leftovers(spool_dir) == []


def test_an_rfc5987_file_name_is_decoded(client):
    body = (b"--edge\r\nContent-Disposition: form-data; name=\"files\"; "
            b"filename*=UTF-8''%E5%8D%8F%E4%BC%9A%E7%AB%A0%E7%A8%8B.txt\r\n\r\n"
            + _charter("compliant-association.txt") + b"\r\n--edge--\r\n")
    response = client.post("/api/check", content=body, headers={"content-type": "multipart/form-data; boundary=edge"})
    assert response.status_code == 200
    assert [r["path"] for r in response.json()] == ["协会章程.txt"]


def test_a_multipart_body_without_files_is_a_clear_400(client):
    response = client.post("/api/check", files=[("comment", (None, "no files here"))])
    assert response.status_code == 400
    assert response.json()["detail"] == "没有收到文件：请在 files 字段中上传一个或多个文件"


# --- names are labels ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "../../etc/passwd.txt",
    "/etc/cron.d/charter.txt",
    "..\\..\\Windows\\章程.txt",
    "<img src=x onerror=alert(1)>.txt",
])
def test_a_file_name_is_only_a_label(client, spool_dir, tmp_path, name):
    response = client.post("/api/check", files=[("files", (name, _charter("compliant-association.txt")))])
    assert response.status_code == 200
    [result] = response.json()
    assert result["path"] == name
    assert result["verdict"] == "compliant"
    assert _leftovers(spool_dir) == []
    assert not (tmp_path.parent / "etc").exists()


def test_zip_members_are_checked_as_archive_slash_member(client):
    archive = _zip({
        "章程/compliant-association.txt": _charter("compliant-association.txt"),
        "missing-center.txt": _charter("missing-center.txt"),
        "../escape.txt": _charter("compliant-association.txt"),
        "__MACOSX/._missing-center.txt": b"\x00\x05\x16\x07",
    })
    response = client.post("/api/check", files=[
        ("files", ("partial-foundation.txt", _charter("partial-foundation.txt"))),
        ("files", ("二季度.zip", archive)),
    ])
    assert response.status_code == 200
    verdicts = {r["path"]: r["verdict"] for r in response.json()}
    assert verdicts == {
        "partial-foundation.txt": EXPECTED["partial-foundation.txt"],
        "二季度.zip/章程/compliant-association.txt": EXPECTED["compliant-association.txt"],
        "二季度.zip/missing-center.txt": EXPECTED["missing-center.txt"],
        "二季度.zip/../escape.txt": "error",
    }


# --- reports ---------------------------------------------------------------------------------------

def test_reports_download_the_checked_batch(client):
    response = client.post("/api/check", files=[("files", (p.name, p.read_bytes())) for p in render.charter_paths()])
    checked = response.json()
    report_id = response.headers["x-report-id"]

    as_csv = client.get(f"/api/reports/{report_id}.csv")
    assert as_csv.status_code == 200
    assert as_csv.content.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    labels = catalogue().labels("verdicts")
    # Reports list the worst first; the answer keeps upload order.
    worst_first = sorted(checked, key=lambda c: (VERDICT_ORDER.index(c["verdict"]), c["path"]))
    assert [(r["文件"], r["结论"].split("（")[0]) for r in rows] == [
        (c["path"], labels[c["verdict"]]) for c in worst_first]
    assert "filename*=UTF-8''" in as_csv.headers["content-disposition"]

    from openpyxl import load_workbook

    as_xlsx = client.get(f"/api/reports/{report_id}.xlsx")
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    paths = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert paths == [c["path"] for c in worst_first]

    as_json = [{k: v for k, v in c.items() if k != "shown"} for c in checked]
    assert client.get(f"/api/reports/{report_id}.json").json() == as_json
    as_html = client.get(f"/api/reports/{report_id}.html").text
    assert all(c["path"] in as_html for c in checked)

    assert client.get("/api/reports/no-such-batch.csv").status_code == 404
    assert client.get(f"/api/reports/{report_id}.exe").status_code == 422


# --- search ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def policy_index(tmp_path_factory):
    from pbdocs.search import build

    index_dir = tmp_path_factory.mktemp("policy-index") / "index"
    build([DATA / "policy"], index_dir)
    return index_dir


def test_search_answers_with_the_source_and_article(policy_index):
    with TestClient(create_app(index_dir=policy_index)) as client:
        response = client.get("/api/search", params={"q": "社会团体的章程应当包括哪些事项？", "k": 2})
        assert response.status_code == 200
        result = response.json()
        assert {"query", "hits", "confident", "message"} <= set(result)
        assert 1 <= len(result["hits"]) <= 2
        top = result["hits"][0]
        assert top["article"] == "第十四条"
        assert "社会团体登记管理条例" in top["title"]
        assert top["answer"] and top["answer"] in top["text"]
        assert top["source"].startswith("github LawRefBook/Laws/")  # raw provenance: JSON only, not the page

        clause = client.get("/api/search", params={"q": "章程里要写进什么党建条款"}).json()
        assert any("设立中国共产党的组织" in hit["answer"] for hit in clause["hits"])


@pytest.mark.parametrize("params", [{"q": ""}, {"q": "党建", "k": 0}, {"q": "党建", "k": 1000}, {}])
def test_a_malformed_search_is_a_422(client, params):
    assert client.get("/api/search", params=params).status_code == 422


def test_search_without_an_index_says_so_with_503(tmp_path):
    with TestClient(create_app(index_dir=tmp_path / "no-index")) as client:
        response = client.get("/api/search", params={"q": "党建"})
    assert response.status_code == 503
    assert "no-index" in response.json()["detail"]


# --- the page and the docs -------------------------------------------------------------------------

def test_the_page_is_self_contained_and_locked_down(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "章程审查" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    for asset in ("/static/app.js", "/static/style.css"):
        body = client.get(asset)
        assert body.status_code == 200
        assert "http://" not in body.text and "https://" not in body.text
    assert "https://" not in page.text and "http://" not in page.text


def test_openapi_describes_the_api(client):
    spec = client.get("/openapi.json").json()
    upload = spec["paths"]["/api/check"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert "files" in upload["schema"]["properties"]
    assert "/api/search" in spec["paths"]


def test_docs_page_works_offline(client):
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text and "https://" not in docs.text
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200


def test_config_tells_clients_the_limits(spool_dir):
    with TestClient(create_app(max_upload_mb=5, max_files=7)) as client:
        config = client.get("/api/config").json()
    assert (config["max_upload_mb"], config["max_files"]) == (5, 7)
    assert ".docx" in config["accepted"] and ".zip" in config["accepted"]
    assert {".jpg", ".png", ".tif"} <= set(config["accepted"])  # photos and scans are read by OCR
    assert config["labels"]["verdicts"]["compliant"]
    # The page finds the clause and core-values findings by these ids; it does not spell them.
    assert config["rule_ids"] == {"party_clause": "party-clause", "core_values": "core-values",
                                  "placement": "placement", "party_building_body": "party-building-body"}


# --- concurrency -----------------------------------------------------------------------------------

def test_64_concurrent_uploads_all_succeed(spool_dir):
    charters = render.charter_paths()
    names = [charters[i % len(charters)].name for i in range(64)]

    async def scenario():
        app = create_app(workers=2)
        transport = httpx.ASGITransport(app=app)
        async with app.router.lifespan_context(app), \
                httpx.AsyncClient(transport=transport, base_url="http://pbdocs.test", timeout=120) as client:
            return await asyncio.gather(*(
                client.post("/api/check", files=[("files", (name, _charter(name)))]) for name in names))

    responses = asyncio.run(scenario())
    assert [r.status_code for r in responses] == [200] * 64
    assert [r.json()[0]["verdict"] for r in responses] == [EXPECTED[name] for name in names]
    assert len({r.headers["x-report-id"] for r in responses}) == 64
    assert _leftovers(spool_dir) == []


def _held_check(flag_dir: str, task):
    """A worker check that says it has started, then waits until the test releases it."""
    flags = Path(flag_dir)
    (flags / "started").touch()
    deadline = time.monotonic() + 60
    while not (flags / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return screen_task.check_task(task)


def _wait_for(path: Path) -> bool:
    deadline = time.monotonic() + 60
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_the_server_answers_while_a_batch_is_being_checked(monkeypatch, spool_dir, tmp_path):
    monkeypatch.setattr(screen_task, "check_task", functools.partial(_held_check, str(tmp_path)))

    async def scenario():
        app = create_app(workers=1)
        transport = httpx.ASGITransport(app=app)
        async with app.router.lifespan_context(app), \
                httpx.AsyncClient(transport=transport, base_url="http://pbdocs.test", timeout=120) as client:
            name = "compliant-association.txt"
            batch = asyncio.create_task(client.post("/api/check", files=[("files", (name, _charter(name)))]))
            assert await asyncio.to_thread(_wait_for, tmp_path / "started")
            page = await client.get("/")
            still_checking = not batch.done()
            (tmp_path / "release").touch()
            return page, still_checking, await batch

    page, still_checking, batch = asyncio.run(scenario())
    assert page.status_code == 200 and still_checking
    assert batch.status_code == 200 and batch.json()[0]["verdict"] == "compliant"


CRASH_MARKER = b"CRASH-THE-READER"


def _crashing_check(task):
    """Stands in for a C reader dying on a hostile file: the worker process exits on the spot."""
    if CRASH_MARKER in Path(task.path).read_bytes():
        os._exit(70)
    return screen_task.check_task(task)


def test_a_file_that_crashes_its_reader_costs_one_error_row(monkeypatch, spool_dir):
    monkeypatch.setattr(screen_task, "check_task", _crashing_check)
    charters = render.charter_paths()
    with TestClient(create_app(workers=2)) as client:
        response = client.post("/api/check", files=[("files", (p.name, p.read_bytes())) for p in charters]
                               + [("files", ("hostile.txt", CRASH_MARKER + _charter(charters[0].name)))])
        assert response.status_code == 200
        results = {r["path"]: r for r in response.json()}
        assert results["hostile.txt"]["verdict"] == "error"
        assert "crashed" in results["hostile.txt"]["error"]
        assert {p.name: results[p.name]["verdict"] for p in charters} == {p.name: EXPECTED[p.name] for p in charters}

        again = client.post("/api/check", files=[("files", (charters[0].name, charters[0].read_bytes()))])
        assert again.status_code == 200 and again.json()[0]["verdict"] == EXPECTED[charters[0].name]
    assert _leftovers(spool_dir) == []


# --- several files as the pages of one charter, document kinds --------------------------------------

_PAGE_ONE = ("澜沧市书法家协会章程\n第一章 总则\n第一条 本会的名称是澜沧市书法家协会。\n"
             "第二条 本会是非营利性社会团体。\n"
             "第三条 本会的宗旨是：繁荣书法艺术。本会遵守宪法、法律、法规和国家政策，践行社会主义核心价值观。\n"
             "第四条 本会坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共产").encode()
_PAGE_TWO = "党的组织，开展党的活动，为党组织的活动提供必要条件。\n第五条 本会的住所设在澜沧市墨香路1号。\n".encode()


def test_pages_true_checks_the_uploads_as_one_charter_in_upload_order(client, spool_dir):
    files = [("files", ("第1页.txt", _PAGE_ONE)), ("files", ("第2页.txt", _PAGE_TWO))]
    response = client.post("/api/check?pages=true", files=files)
    assert response.status_code == 200
    [result] = response.json()
    assert (result["path"], result["verdict"]) == ("第1页.txt+第2页.txt", "compliant")
    separately = client.post("/api/check", files=files).json()
    assert [r["verdict"] for r in separately] == ["partial", "partial"]
    assert _leftovers(spool_dir) == []


def test_pages_true_refuses_an_archive(client):
    response = client.post("/api/check?pages=true", files=[("files", ("批次.zip", _zip({"a.txt": _PAGE_ONE})))])
    assert response.status_code == 400


def test_pages_error_names_the_uploaded_file(client):
    files = [("files", ("第1页.txt", _PAGE_ONE)), ("files", ("第2页.pdf", b"not a pdf"))]
    [result] = client.post("/api/check?pages=true", files=files).json()
    assert result["verdict"] == "error"
    assert "第2页.pdf" in result["error"] and "pbdocs-upload" not in result["error"]


def test_kind_parameter_forces_the_document_kind(client):
    [result] = client.post("/api/check?kind=company", files=[("files", ("章程.txt", _PAGE_ONE + _PAGE_TWO))]).json()
    assert (result["verdict"], result["kind"]) == ("not_applicable", "company")
    assert client.post("/api/check?kind=bank", files=[("files", ("章程.txt", _PAGE_ONE))]).status_code == 422


def test_the_page_gets_the_presenters_wording(client):
    """Misplacement, the clause's place and the bases are worded on the server (pbdocs/present.py),
    the page only lays them out."""
    from pbdocs import present
    from pbdocs.rules import CheckResult

    text = (Path(__file__).parent.parent / "examples" / "charters" / "东港区餐饮商会章程.txt").read_bytes()
    result = client.post("/api/check", files=[("files", ("东港区.txt", text))]).json()[0]
    shown = result.pop("shown")
    checked = CheckResult.from_dict(result)
    assert shown == present.page_view(checked)
    assert shown["bases"]["party-clause"].startswith("《民政部关于在社会组织登记管理工作中")
    appendix = (Path(__file__).parent / "data" / "reports" / "appendix-only.txt").read_bytes()
    moved = client.post("/api/check", files=[("files", ("附则.txt", appendix))]).json()[0]["shown"]
    assert moved["misplaced"] and "附" in moved["placement"]
