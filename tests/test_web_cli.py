"""`pbdocs serve`: safe defaults, options reaching the app, usage errors, and a missing web extra."""
from __future__ import annotations

import sys
import warnings

import pytest
from click.testing import CliRunner

from pbdocs.cli import cli

with warnings.catch_warnings():
    # Starlette warns at import that its client will move to httpx2; the client itself works unchanged.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    """The default data folder, under the test's own folder, with one administrator."""
    from pbdocs.office import Office

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    Office(tmp_path / "data-home" / "pbdocs").add_user("admin", "office-secret-7", admin=True)
    return tmp_path / "data-home" / "pbdocs"


def _signed_in(client) -> None:
    assert client.post("/api/login", data={"name": "admin", "password": "office-secret-7"}).status_code == 204


@pytest.fixture
def uvicorn_calls(monkeypatch):
    """Records what `serve` hands to uvicorn instead of starting a server."""
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    return calls


def test_serve_listens_on_loopback_by_default(uvicorn_calls):
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 0
    [call] = uvicorn_calls
    assert (call["host"], call["port"]) == ("127.0.0.1", 8000)
    # One Chinese line says where the workspace is; uvicorn's own English lines are turned off.
    assert result.stderr == "pbdocs 工作台已在 http://127.0.0.1:8000/ 启动，按 Ctrl+C 停止。\n" and result.stdout == ""
    assert call["log_level"] == "error"
    with TestClient(call["app"], base_url="http://localhost:8000") as client:
        assert client.get("/api/config").status_code == 401
        _signed_in(client)
        config = client.get("/api/config").json()
    assert (config["max_upload_mb"], config["max_files"]) == (20, 200)


def test_serve_passes_its_options_to_the_app(uvicorn_calls, tmp_path):
    index_dir = tmp_path / "office-index"
    result = CliRunner().invoke(cli, ["serve", "--port", "8123", "--max-upload-mb", "5", "--max-files", "9",
                                      "--index", str(index_dir), "--workers", "2"])
    assert result.exit_code == 0
    [call] = uvicorn_calls
    assert call["port"] == 8123
    with TestClient(call["app"], base_url="http://localhost:8000") as client:
        _signed_in(client)
        config = client.get("/api/config").json()
        search = client.get("/api/search", params={"q": "党建"})
    assert (config["max_upload_mb"], config["max_files"]) == (5, 9)
    # The index given is the one searched: it does not exist, and the answer names it.
    assert search.status_code == 503 and "office-index" in search.json()["detail"]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_serve_on_a_network_address_warns_on_stderr(uvicorn_calls, host):
    result = CliRunner().invoke(cli, ["serve", "--host", host])
    assert result.exit_code == 0
    assert result.stderr.startswith(f"警告：正在 {host} 上以明文 HTTP 监听：密码和文件将以未加密的形式在网络上传输")
    assert result.stdout == ""


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1"])
def test_serve_on_loopback_does_not_warn(uvicorn_calls, host):
    result = CliRunner().invoke(cli, ["serve", "--host", host])
    shown = f"[{host}]" if ":" in host else host
    assert result.exit_code == 0 and result.stderr == f"pbdocs 工作台已在 http://{shown}:8000/ 启动，按 Ctrl+C 停止。\n"


@pytest.mark.parametrize("args, mentioned", [
    (["--port", "70000"], "--port"),
    (["--max-upload-mb", "0"], "--max-upload-mb"),
    (["--max-files", "-3"], "--max-files"),
    (["--workers", "0"], "--workers"),
    (["--timeout", "0"], "--timeout"),
])
def test_bad_options_are_usage_errors(uvicorn_calls, args, mentioned):
    result = CliRunner().invoke(cli, ["serve", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"错误：选项 {mentioned} 的值无效：") and mentioned in result.stderr
    assert uvicorn_calls == []


def test_serve_without_the_web_extra_says_what_to_install(monkeypatch):
    # A None entry in sys.modules makes `import uvicorn` fail as if the package were not installed.
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert result.stderr == "错误：需要安装可选组件 web（缺少 uvicorn）：pip install 'pbdocs[web]'\n"


def test_serve_keeps_its_data_where_told(uvicorn_calls, tmp_path, data_home):
    folder = tmp_path / "elsewhere"
    result = CliRunner().invoke(cli, ["serve", "--data", str(folder)])
    assert result.exit_code == 0
    # A fresh folder has no account yet: the server says how to add one.
    assert "pbdocs users add" in result.stderr and str(folder) in result.stderr
    assert (folder / "pbdocs.sqlite3").is_file()
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_serve_refuses_a_database_address_it_cannot_use(uvicorn_calls):
    result = CliRunner().invoke(cli, ["serve", "--database", "mysql://clerk:secret@office/pbdocs"])
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：不支持的数据库地址 'mysql://office/pbdocs'：")
    assert "secret" not in result.stderr
    assert uvicorn_calls == []


def test_serve_answers_its_own_names_only(uvicorn_calls, data_home):
    result = CliRunner().invoke(cli, ["serve", "--allowed-host", "pbdocs.office.lan"])
    assert result.exit_code == 0
    [call] = uvicorn_calls
    for url, refused in (("http://127.0.0.1:8000", False), ("http://localhost:8000", False),
                         ("http://pbdocs.office.lan", False), ("http://rebound.example", True)):
        with TestClient(call["app"], base_url=url) as client:
            assert (client.get("/api/config").status_code == 400) == refused, url
