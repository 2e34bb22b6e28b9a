"""The workspace's row view: one row's full check, its opinion edited and kept with the review,
its amended charter, the batch's amended charters as one zip, and the audit trail in words."""
from __future__ import annotations

import io
import warnings
import zipfile

import docx
import pytest

import pbdocs
from pbdocs.office import Office
from pbdocs.web import create_app

from helpers import data_module

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

render = data_module("web/render.py", "web_render")
PASSWORD = "correct horse battery"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def office_dir(tmp_path):
    folder = tmp_path / "office"
    office = Office(folder)
    office.add_user("王科长", PASSWORD)
    office.add_user("carol", PASSWORD, admin=True)
    return folder


@pytest.fixture
def batch(office_dir):
    """A client signed in as 王科长 with the three web charters checked as one batch: (client,
    headers, batch id, row number by file name)."""
    headers = {"authorization": f"Bearer {Office(office_dir).issue_token('王科长')}"}
    with TestClient(create_app(data_dir=office_dir)) as client:
        files = [("files", (p.name, p.read_bytes())) for p in render.charter_paths()]
        created = client.post("/api/batches", files=files, data={"name": "2026年度年检第一批"}, headers=headers)
        assert created.status_code == 201, created.text
        batch_id = created.json()["id"]
        client.portal.call(client.app.state.workspace.wait, batch_id)
        rows = client.get(f"/api/batches/{batch_id}", headers=headers).json()["rows"]
        yield client, headers, batch_id, {row["path"]: row["row"] for row in rows}


def test_a_row_gives_the_full_check_with_evidence_fixes_and_bases(batch):
    client, headers, batch_id, rows = batch
    row = client.get(f"/api/batches/{batch_id}/rows/{rows['partial-foundation.txt']}", headers=headers)
    assert row.status_code == 200
    data = row.json()
    assert data["verdict"] == "partial" and data["review"] is None
    clause = next(f for f in data["findings"] if f["rule"] == "party-clause")
    found = [e for e in clause["elements"].values() if e["found"]]
    assert found and all(e["evidence"]["page"] >= 1 and e["evidence"]["article"] for e in found)
    assert clause["fix"]["text"] and clause["basis"]["doc_number"] == "民函〔2019〕54号"
    assert data["opinion"]["needed"] and not data["opinion"]["edited"]
    assert any("必须修改" in line for line in data["opinion"]["text"])
    assert client.get(f"/api/batches/{batch_id}/rows/99", headers=headers).status_code == 404


def test_a_rows_amended_charter_accepted_checks_compliant(batch, tmp_path):
    client, headers, batch_id, rows = batch
    amended = client.get(f"/api/batches/{batch_id}/rows/{rows['missing-center.txt']}/amended.docx", headers=headers)
    assert amended.status_code == 200
    assert amended.headers["content-type"].startswith("application/vnd.openxmlformats")
    word = docx.Document(io.BytesIO(amended.content))
    assert any(True for _ in word.element.body.iter(f"{W}ins"))
    compliant = client.get(f"/api/batches/{batch_id}/rows/{rows['compliant-association.txt']}/amended.docx",
                           headers=headers)
    assert compliant.status_code == 409 and "无需修订" in compliant.json()["detail"]
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/api/batches/{batch_id}/amended.zip", headers=headers).content))
    assert sorted(archive.namelist()) == ["missing-center-修订稿.docx", "partial-foundation-修订稿.docx"]
    from test_deliver import accept_changes

    target = tmp_path / "amended.docx"
    target.write_bytes(archive.read("partial-foundation-修订稿.docx"))
    assert pbdocs.check(accept_changes(target, tmp_path / "accepted.docx")).verdict == "compliant"


def test_an_edited_opinion_is_kept_with_the_review_audited_and_downloaded(batch, office_dir):
    client, headers, batch_id, rows = batch
    number = rows["missing-center.txt"]
    text = client.get(f"/api/batches/{batch_id}/rows/{number}", headers=headers).json()["opinion"]["text"]
    edited = [*text[:-1], "经研究，请于三十日内完成修改。", text[-1]]
    saved = client.put(f"/api/batches/{batch_id}/rows/{number}/opinion", headers=headers,
                       json={"text": "\n".join(edited)})
    assert saved.status_code == 200 and saved.json()["opinion"] == edited and saved.json()["reviewer"] == "王科长"
    row = client.get(f"/api/batches/{batch_id}/rows/{number}", headers=headers).json()
    assert row["opinion"]["edited"] and row["opinion"]["text"] == edited
    # A later verdict keeps the edit.
    client.post(f"/api/batches/{batch_id}/rows/{number}/review", headers=headers, json={"verdict": "missing"})
    opinion = client.get(f"/api/batches/{batch_id}/rows/{number}/opinion.docx", headers=headers)
    assert "经研究，请于三十日内完成修改。" in [p.text for p in docx.Document(io.BytesIO(opinion.content)).paragraphs]
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/api/batches/{batch_id}/opinions.zip", headers=headers).content))
    name = next(n for n in archive.namelist() if n.startswith("missing-center"))
    zipped = docx.Document(io.BytesIO(archive.read(name)))
    assert "经研究，请于三十日内完成修改。" in [p.text for p in zipped.paragraphs]
    carol = {"authorization": f"Bearer {Office(office_dir).issue_token('carol')}"}
    trail = client.get("/api/audit", headers=carol).json()
    edit = next(e for e in trail if e["action"] == "opinion.edit")
    assert edit["object"] == f"batch:{batch_id}/row:{number}"
    assert edit["text"] == f"王科长 修改批次“2026年度年检第一批”第 {number} 份的审查意见"
    upload = next(e for e in trail if e["action"] == "upload")
    assert upload["text"] == "王科长 上传批次“2026年度年检第一批”（3 份）"
    reset = client.put(f"/api/batches/{batch_id}/rows/{number}/opinion", headers=headers, json={"text": ""})
    assert "opinion" not in reset.json()


def test_two_versions_compared_give_the_table_and_both_verdicts(batch, tmp_path):
    client, headers, _, _ = batch
    from test_deliver_office import COMPLIANT, _revised

    revised = _revised(tmp_path, drop=4)
    files = [("files", ("章程（原）.txt", COMPLIANT.read_bytes())),
             ("files", ("章程（修改稿）.txt", revised.read_bytes()))]
    answer = client.post("/api/compare", files=files, headers=headers)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert (data["old"], data["new"]) == ("章程（原）.txt", "章程（修改稿）.txt")
    assert data["before"] == "compliant" and data["after"] != "compliant" and data["less_compliant"]
    assert data["changes"][0]["kind"] == "removed" and data["changes"][0]["old_article"] == "第四条"
    table = client.post("/api/compare", params={"format": "docx"}, files=files, headers=headers)
    rows = docx.Document(io.BytesIO(table.content)).tables[0].rows
    assert [c.text for c in rows[0].cells] == ["原条款", "修改后条款", "修改说明"]
    empty = [("files", ("空.txt", b"")), ("files", ("章程（修改稿）.txt", revised.read_bytes()))]
    refused = client.post("/api/compare", files=empty, headers=headers)
    assert refused.status_code == 422 and "空.txt 无法读取：空文件" in refused.json()["detail"]
    assert client.post("/api/compare", files=files[:1], headers=headers).status_code == 400
