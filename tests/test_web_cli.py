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
    assert result.stderr == "" and result.stdout == ""
    with TestClient(call["app"], base_url="http://localhost:8000") as client:
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
        config = client.get("/api/config").json()
        search = client.get("/api/search", params={"q": "党建"})
    assert (config["max_upload_mb"], config["max_files"]) == (5, 9)
    # The index given is the one searched: it does not exist, and the answer names it.
    assert search.status_code == 503 and "office-index" in search.json()["detail"]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_serve_on_a_network_address_warns_on_stderr(uvicorn_calls, host):
    result = CliRunner().invoke(cli, ["serve", "--host", host])
    assert result.exit_code == 0
    assert result.stderr.startswith(f"Warning: listening on {host}: anyone who can reach this machine")
    assert result.stdout == ""


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1"])
def test_serve_on_loopback_does_not_warn(uvicorn_calls, host):
    result = CliRunner().invoke(cli, ["serve", "--host", host])
    assert result.exit_code == 0 and result.stderr == ""


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
    assert "Error: Invalid value for" in result.stderr and mentioned in result.stderr
    assert uvicorn_calls == []


def test_serve_without_the_web_extra_says_what_to_install(monkeypatch):
    # A None entry in sys.modules makes `import uvicorn` fail as if the package were not installed.
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert result.stderr == "Error: pbdocs serve needs the web extra (uvicorn is missing): pip install 'pbdocs[web]'\n"


def test_serve_answers_its_own_names_only(uvicorn_calls):
    result = CliRunner().invoke(cli, ["serve", "--allowed-host", "pbdocs.office.lan"])
    assert result.exit_code == 0
    [call] = uvicorn_calls
    for url, status in (("http://127.0.0.1:8000", 200), ("http://localhost:8000", 200),
                        ("http://pbdocs.office.lan", 200), ("http://rebound.example", 400)):
        with TestClient(call["app"], base_url=url) as client:
            assert client.get("/api/config").status_code == status, url
