"""The office workspace's core (pbdocs.office) and its commands: `pbdocs users ...`, `pbdocs audit`."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from pbdocs.cli import cli
from pbdocs.errors import OfficeError
from pbdocs.office import Intake, Office
from pbdocs.office.credentials import hash_password, verify_password
from pbdocs.office.store import MIGRATIONS

PASSWORD = "s3cret-enough"


def _run(*args, data, input=None):
    return CliRunner().invoke(cli, [*args, "--data", str(data)], input=input)


def test_users_add_list_disable_and_token(tmp_path):
    data = tmp_path / "office"
    added = _run("users", "add", "王科长", "--admin", data=data, input=PASSWORD + "\n")
    assert added.exit_code == 0 and added.stderr == "已添加用户 王科长（管理员）。\n"
    assert _run("users", "add", "li", data=data, input=PASSWORD + "\n").exit_code == 0
    listed = _run("users", "list", data=data)
    assert [line.split("\t")[:3] for line in listed.stdout.splitlines()] == [
        ["li", "审查人员", "正常"], ["王科长", "管理员", "正常"]]

    token = _run("users", "token", "li", data=data)
    assert token.exit_code == 0 and token.stdout.startswith("pbdocs-api-")
    assert "只显示这一次" in token.stderr
    office = Office(data)
    assert office.token_user(token.stdout.strip()).name == "li"

    assert _run("users", "disable", "li", data=data).exit_code == 0
    assert office.token_user(token.stdout.strip()) is None
    assert "已停用" in _run("users", "list", data=data).stdout.splitlines()[0]


@pytest.mark.parametrize("args, stdin, message", [
    (["users", "add", "li"], "short\n", "错误：密码太短：至少 10 个字符\n"),
    (["users", "add", " li"], PASSWORD + "\n", "错误：用户名须为 1 至 64 个可打印字符，首尾不能有空格\n"),
    (["users", "disable", "nobody"], None, "错误：没有用户 nobody\n"),
    (["users", "token", "nobody"], None, "错误：没有可用的用户 nobody\n"),
    (["users", "revoke", "nobody", "token-1"], None, "错误：没有用户 nobody\n"),
])
def test_account_commands_refuse_with_exit_2(tmp_path, args, stdin, message):
    result = _run(*args, data=tmp_path / "office", input=stdin)
    assert result.exit_code == 2 and result.stderr == message


def test_a_user_is_added_once(tmp_path):
    data = tmp_path / "office"
    _run("users", "add", "li", data=data, input=PASSWORD + "\n")
    again = _run("users", "add", "li", data=data, input=PASSWORD + "\n")
    assert again.exit_code == 2 and again.stderr == "错误：用户 li 已存在（用户名不区分大小写和全角半角）\n"


def test_audit_prints_the_trail_filtered_by_date_and_user(tmp_path):
    data = tmp_path / "office"
    office = Office(data)
    li = office.add_user("li", PASSWORD)
    office.add_user("zhao", PASSWORD)
    office.login("li", PASSWORD)
    office.login("zhao", "wrong password")
    sample = tmp_path / "章程.txt"
    sample.write_text("某某协会章程", encoding="utf-8")
    batch = office.create_batch(li, "第一批", [Intake("章程.txt", str(sample))], {"pack": "party"})
    office.delete_batch(li, batch)

    lines = _run("audit", data=data).stdout.splitlines()
    assert [line.split("\t")[2] for line in lines] == [
        "新增用户", "新增用户", "登录", "登录失败", "上传批次", "删除批次"]
    as_json = _run("audit", "--user", "li", "--format", "json", data=data).stdout
    mine = [json.loads(line) for line in as_json.splitlines()]
    assert [(e["action"], e["object"]) for e in mine] == [
        ("login", "user:li"), ("upload", f"batch:{batch.id}"), ("delete", f"batch:{batch.id}")]
    assert _run("audit", "--since", "2999-01-01", data=data).stdout == ""
    bad = _run("audit", "--since", "yesterday", data=data)
    assert bad.exit_code == 2 and "不是 年-月-日 格式的日期" in bad.stderr


def test_passwords_and_tokens_are_stored_only_hashed(tmp_path):
    office = Office(tmp_path / "office")
    office.add_user("li", PASSWORD)
    token = office.issue_token("li")
    _, session = office.login("li", PASSWORD)
    stored = b"".join(p.read_bytes() for p in (tmp_path / "office").glob("pbdocs.sqlite3*"))
    for secret in (PASSWORD, token, session):
        assert secret.encode() not in stored
    assert office.session_user(session).name == "li"
    assert office.token_user(session) is None  # a session is not an API token


def test_password_hashes_are_salted_and_verified():
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second and first.startswith("scrypt$")
    assert verify_password(PASSWORD, first) and not verify_password("other password", first)
    assert not verify_password(PASSWORD, None) and not verify_password(PASSWORD, "md5$abc")


def test_the_database_is_versioned_and_in_wal_mode(tmp_path):
    Office(tmp_path / "office")
    Office(tmp_path / "office")  # opening again runs no migration twice
    database = sqlite3.connect(tmp_path / "office" / "pbdocs.sqlite3")
    assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute("SELECT MAX(version), COUNT(*) FROM schema_version").fetchall() == [
        (len(MIGRATIONS), len(MIGRATIONS))]
    database.execute("INSERT INTO schema_version (version) VALUES (?)", (len(MIGRATIONS) + 1,))
    database.commit()
    database.close()
    with pytest.raises(OfficeError, match="newer than this pbdocs"):
        Office(tmp_path / "office")


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    (tmp_path / "office").mkdir()
    (tmp_path / "office" / "pbdocs.sqlite3").write_bytes(b"not a database at all" * 100)
    result = _run("users", "list", data=tmp_path / "office")
    assert result.exit_code == 2 and "不是可用的 SQLite 数据库" in result.stderr
