"""Issue 13: hostile files and abusive clients. One test (or a few) per hole found by the attack run,
each on a generated input. Wall-clock limits here are generous and only catch hangs and
quadratic blow-ups; they time nothing."""
from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pbdocs.cli import main
from pbdocs.errors import CorruptFile, Notice, OverBudget, ReadError, ScreenError
from pbdocs.extract import Budget, ExtractOptions, extract
from pbdocs.extract import docx as docx_reader
from pbdocs.extract import html as html_reader
from pbdocs.rules import CheckOptions, CheckResult
from pbdocs.screen import screen
from pbdocs.screen.inputs import collect_sources
from pbdocs.screen.journal import Journal, journal_path
from pbdocs.screen.records import ScreenRecord
from pbdocs.web.guard import Guard, GuardSettings

from helpers import data_module

hostile = data_module("hostile.py", "hostile_inputs")
# The package, not the function of the same name that pbdocs exports.
extract_package = importlib.import_module("pbdocs.extract")

# Generous: each of these finishes in about a second; the quadratic versions took hours on 1 MB.
LINEAR_LIMIT_S = 20


def _finishes(fn, *args):
    started = time.monotonic()
    value = fn(*args)
    assert time.monotonic() - started < LINEAR_LIMIT_S
    return value


# --- 1. render bomb ------------------------------------------------------------------------------

def test_render_bomb_pdf_is_refused_before_a_pixel_is_rendered(tmp_path):
    path = hostile.render_bomb_pdf(tmp_path / "bomb.pdf")
    assert path.stat().st_size < 1000
    with pytest.raises(OverBudget, match=r"page 1 is 200x200 inches.*over the limit of 25,000,000 per page"):
        extract(path)


class _Page:
    def __init__(self, width: float, height: float):
        self.size = (width, height)

    def get_size(self):
        return self.size


def test_a_scan_declared_at_72_dpi_is_rendered_smaller_not_refused(tmp_path):
    from pbdocs.extract.pdf import _render_scale, _Spent

    # A 300 dpi A4 scan whose page box says 72 dpi: 2480x3508 points.
    scale = _render_scale(tmp_path / "x.pdf", _Page(2480, 3508), 1, ExtractOptions(), _Spent())
    assert 100 / 72 <= scale < 200 / 72
    assert 2480 * 3508 * scale * scale <= Budget().max_page_pixels


def test_the_document_pixel_budget_counts_every_rendered_page(tmp_path):
    from pbdocs.extract.pdf import _render_scale, _Spent

    options = ExtractOptions(budget=Budget(max_document_pixels=10_000_000))
    spent = _Spent()
    _render_scale(tmp_path / "x.pdf", _Page(595, 842), 1, options, spent)  # A4: 3.9 MP at 200 dpi
    _render_scale(tmp_path / "x.pdf", _Page(595, 842), 2, options, spent)
    with pytest.raises(OverBudget, match=r"page 3 .* past its limit of 10,000,000 pixels"):
        _render_scale(tmp_path / "x.pdf", _Page(595, 842), 3, options, spent)


def test_characters_over_budget_are_refused_before_decoding(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("党" * 5000, encoding="utf-8")
    with pytest.raises(OverBudget, match="limit for text"):
        extract(path, ExtractOptions(budget=Budget(max_chars=1000)))
    with pytest.raises(OverBudget, match="5,000 characters of text, over the limit of 4,000"):
        extract(path, ExtractOptions(budget=Budget(max_chars=4000)))


# --- 2. super-linear text paths (each input is 1 MB) ----------------------------------------------

def test_nesting_depth_is_linear_on_1_mb_of_unclosed_tags(tmp_path):
    markup = hostile.unclosed_tags_html(tmp_path / "u.html").read_text(encoding="utf-8")
    assert len(markup) >= 1_000_000
    assert _finishes(html_reader._nesting_depth, markup) == 2  # <html><body>; the rest never closes


def test_flat_text_is_linear_on_1_mb_of_unclosed_title_script_and_style(tmp_path):
    markup = hostile.deep_html(tmp_path / "d.html").read_text(encoding="utf-8")
    assert len(markup.encode("utf-8")) >= 1_000_000
    _, text = _finishes(html_reader._flat_text, markup)
    assert "本会根据中国共产党章程的规定" in text


def test_flat_text_still_drops_closed_scripts_and_reads_the_title():
    title, text = html_reader._flat_text(
        "<html><head><TITLE>章程</TITLE></head><body><script>var x = '<p>';</SCRIPT>"
        "<div>第一条</div><style>p{}</style><p>第二条</p><noscript>开启脚本")
    assert title == "章程"
    assert "var x" not in text and "p{}" not in text
    assert "第一条" in text and "第二条" in text and "开启脚本" in text


@pytest.mark.parametrize("maker, name", [(hostile.unclosed_tags_html, "page.html"),
                                         (hostile.html_as_text, "saved.txt"),
                                         (hostile.deep_html, "deep.html")])
def test_1_mb_hostile_pages_are_read_or_refused_in_linear_time(tmp_path, maker, name):
    path = maker(tmp_path / name)
    assert path.stat().st_size >= 1_000_000
    started = time.monotonic()
    # No text in a page of bare tags is a fine answer; the point is that it comes.
    with contextlib.suppress(ReadError):
        extract(path)
    assert time.monotonic() - started < LINEAR_LIMIT_S


def test_docx_250_levels_deep_with_1_mb_of_runs_is_read_in_linear_time(tmp_path):
    path = hostile.deep_docx(tmp_path / "deep.docx")
    doc = _finishes(extract, path)
    assert doc.text.count("党") > 30_000


def test_docx_skipped_wrappers_are_still_skipped():
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    paragraph = etree.fromstring(
        f'<w:p xmlns:w="{w}" xmlns:mc="{mc}"><w:r><w:t>甲</w:t></w:r>'
        f"<w:moveFrom><w:r><w:t>旧</w:t></w:r></w:moveFrom>"
        f"<mc:AlternateContent><mc:Choice><w:r><w:t>乙</w:t></w:r></mc:Choice>"
        f"<mc:Fallback><w:r><w:t>乙</w:t></w:r></mc:Fallback></mc:AlternateContent>"
        f"<w:ins><w:r><w:t>丙</w:t><w:tab/></w:r></w:ins></w:p>")
    assert docx_reader._paragraph_text(paragraph) == "甲乙丙\t"


def test_extract_and_check_give_up_at_their_timeout(tmp_path, monkeypatch):
    path = tmp_path / "slow.txt"
    path.write_text("第一条", encoding="utf-8")

    def endless(path, options):
        while True:
            pass

    monkeypatch.setattr(extract_package, "_reader", lambda fmt: endless)
    runner = CliRunner()
    for command in ("extract", "check"):
        result = runner.invoke(main, [command, "--timeout", "1", str(path)])
        assert result.exit_code == 3, result.output
        errors = [line for line in result.stderr.splitlines() if line.startswith("错误：")]
        assert errors == [f"错误：{path}：读取超过 1 秒，已放弃（文件读取过慢）"]


# --- 3. reports never fail on content -----------------------------------------------------------

def _record(path: str, verdict: str = "error") -> ScreenRecord:
    return ScreenRecord.failed(path, Notice.of("check.crashed")) if verdict == "error" else ScreenRecord(
        CheckResult(path=path, verdict=verdict))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".json", ".html"])
def test_control_characters_and_undecodable_names_are_written_in_every_report(tmp_path, suffix):
    from pbdocs.screen.reports import write_report

    names = ["bell\x07name.docx", "nul\x00.txt", "bad-bytes-\udce9.txt", "=cmd|' /C calc'!A0.txt"]
    failed = [ScreenRecord.failed(n, Notice.of("check.internal_error", detail=f"why: {n}")) for n in names]
    out = write_report(tmp_path / f"report{suffix}", failed)
    data = out.read_bytes()
    assert data
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        cells = [row[0] for row in load_workbook(out).active.iter_rows(min_row=2, values_only=True)]
        # Rows are sorted by file name within a verdict, so the order is not the input's.
        assert {"bell\ufffdname.docx", "nul\ufffd.txt"} <= set(cells)


def test_a_writer_failure_keeps_the_journal_and_says_where_it_is(tmp_path, monkeypatch):
    import pbdocs.screen.reports as reports

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("not a charter at all, but text", encoding="utf-8")
    out = tmp_path / "report.xlsx"

    def broken(path, records):
        raise RuntimeError("writer library failed")

    monkeypatch.setitem(reports.__dict__, "_write_xlsx", broken)
    with pytest.raises(ScreenError, match=r"cannot write the report \(RuntimeError.*kept in .*journal"):
        screen([str(tmp_path / "in")], out, workers=1)
    assert journal_path(out).exists()
    monkeypatch.undo()
    result = screen([str(tmp_path / "in")], out, workers=1)
    assert result.reused == 1 and out.exists()


# --- 5. FIFOs, devices and symlinks leaving the tree ----------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_symlink_to_dev_zero_are_error_rows_not_hangs(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "ok.txt").write_text("第一条", encoding="utf-8")
    os.mkfifo(tree / "pipe.txt")
    (tree / "zero.txt").symlink_to("/dev/zero")
    outside = tmp_path / "secret.txt"
    outside.write_text("秘密", encoding="utf-8")
    (tree / "leak.txt").symlink_to(outside)
    (tree / "inside.txt").symlink_to(tree / "ok.txt")
    found: list = []
    worker = threading.Thread(target=lambda: found.extend(collect_sources([str(tree)], tmp_path / "work")),
                              daemon=True)
    worker.start()
    worker.join(LINEAR_LIMIT_S)
    assert not worker.is_alive(), "collecting sources hung on a FIFO or a device"
    errors = {Path(s.display).name: s.error and s.error.reason for s in found}
    assert "not a regular file" in errors["pipe.txt"]
    assert "leading out of the screened folder" in errors["zero.txt"]
    assert "leading out of the screened folder" in errors["leak.txt"]
    # ok.txt and the link to it inside the folder are one document, read once.
    assert [errors.get(n, "absent") for n in ("inside.txt", "ok.txt")] == [None, "absent"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_extract_refuses_a_fifo_without_opening_it(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(ReadError, match="not a regular file"):
        extract(tmp_path / "pipe.txt")


# --- 6. workers die with their parent ---------------------------------------------------------

_ORPHAN_SCRIPT = textwrap.dedent("""
    import os, sys, time
    from pbdocs.executor import Job, LocalPool

    def hold(folder):
        open(os.path.join(folder, str(os.getpid())), "w").close()
        time.sleep(300)

    LocalPool(2).run([Job(str(i), hold, sys.argv[1], deadline=600) for i in range(2)], lambda j, o: None)
""")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split(") ")[1][0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_the_parent_ends_its_workers(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(_ORPHAN_SCRIPT, encoding="utf-8")
    flags = tmp_path / "flags"
    flags.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    parent = subprocess.Popen([sys.executable, str(script), str(flags)], env=env)
    try:
        deadline = time.monotonic() + 120
        while len(list(flags.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        workers = [int(p.name) for p in flags.iterdir()]
        assert len(workers) == 2
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


# --- 7. typed errors from reader libraries ----------------------------------------------------

def test_docx_with_a_malformed_part_is_a_typed_error_and_one_error_line(tmp_path):
    path = hostile.docx_with_broken_core_properties(tmp_path / "core.docx")
    with pytest.raises(CorruptFile, match="corrupt DOCX"):
        extract(path)
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 3
    assert result.stderr.count("错误：") == 1 and "Traceback" not in result.output


def test_an_unknown_reader_failure_is_one_error_line_not_a_traceback(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text("第一条", encoding="utf-8")

    def broken(path, options):
        raise AttributeError("'NoneType' object has no attribute 'x'")

    monkeypatch.setattr(extract_package, "_reader", lambda fmt: broken)
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 3
    assert result.stderr == f"错误：{path}：读取程序出错，无法读取此文件\n"


# --- 8. journals with wrong types or a cut header -----------------------------------------------

def _options_config() -> dict:
    return CheckOptions().fingerprint()


def test_journal_lines_of_wrong_types_are_ignored_with_a_note(tmp_path):
    path = tmp_path / ".r.csv.journal.jsonl"
    good = ScreenRecord.failed("a.txt", Notice.of("check.crashed"))
    bad_types = {"sha256": "b" * 64, "check": {"path": "b", "verdict": "missing"},
                 "row": {**good.row, "path": "b.txt", "missing_elements": 5}}
    bad_findings = {"sha256": "c" * 64, "check": {**good.check, "findings": "none"}, "row": good.row}
    lines = [{"kind": "pbdocs-screen-journal", "version": 1, "config": _options_config()},
             {"sha256": "a" * 64, **good.as_dict()}, bad_types, bad_findings,
             {"sha256": 7, **good.as_dict()}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with Journal(path, _options_config()) as journal:
        assert list(journal.done) == ["a" * 64]
        assert "3 damaged line(s)" in journal.discarded_reason.reason


def test_a_cut_journal_header_says_so(tmp_path):
    path = tmp_path / ".r.csv.journal.jsonl"
    path.write_text('{"kind": "pbdocs-screen-jour', encoding="utf-8")
    with Journal(path, _options_config()) as journal:
        assert "damaged first line" in journal.discarded_reason.reason
        assert journal.done == {}


def test_a_screen_over_a_journal_of_wrong_types_finishes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("不是章程的一段文字，但足够长。" * 5, encoding="utf-8")
    out = tmp_path / "r.xlsx"
    from pbdocs.files import sha256_file

    entry = {"sha256": sha256_file(folder / "a.txt"), "check": {"path": 1}, "row": {"path": [], "verdict": {}}}
    header = {"kind": "pbdocs-screen-journal", "version": 1, "config": _options_config()}
    journal_path(out).write_text(json.dumps(header) + "\n" + json.dumps(entry) + "\n", encoding="utf-8")
    result = screen([str(folder)], out, workers=1)
    assert len(result.records) == 1 and out.exists()
    assert any("damaged line" in note.reason for note in result.notes)


# --- 9. index temp folders, server abuse ---------------------------------------------------------

def test_a_build_removes_the_temp_folders_of_killed_builds_only(tmp_path):
    from pbdocs.search.index import remove_leftover_builds

    target = tmp_path / "bundled"
    dead = tmp_path / ".bundled.tmp-999999999-abc"
    legacy = tmp_path / ".bundled.tmp-k2j4x_q1"
    running = tmp_path / f".bundled.tmp-{os.getpid()}-xyz"
    for folder in (dead, legacy, running):
        folder.mkdir()
    remove_leftover_builds(target)
    assert not dead.exists() and not legacy.exists() and running.exists()


async def _endpoint(scope, receive, send):
    """An app that reads the whole body, then answers 200."""
    from starlette.requests import Request

    body = b""
    async for chunk in Request(scope, receive).stream():
        body += chunk
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"%d" % len(body)})


def _call(app, *, method="POST", host="localhost:8000", headers=(), body_messages=None):
    """Drive one request through an ASGI app; (status, body)."""
    scope = {"type": "http", "method": method, "path": "/api/check", "client": ("127.0.0.1", 5000),
             "query_string": b"", "root_path": "", "scheme": "http", "http_version": "1.1",
             "server": ("127.0.0.1", 8000),
             "headers": [(b"host", host.encode()), *((k.encode(), v.encode()) for k, v in headers)]}
    messages = list(body_messages if body_messages is not None else
                    [{"type": "http.request", "body": b"x", "more_body": False}])
    sent: list = []

    async def receive():
        if messages:
            message = messages.pop(0)
            if message == "hang":
                await asyncio.Event().wait()
            return message
        await asyncio.Event().wait()

    async def send(message):
        sent.append(message)

    async def run():
        await app(scope, receive, send)

    asyncio.run(run())
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return (start["status"] if start else None), body


MULTIPART = ("content-type", "multipart/form-data; boundary=x")


def test_hosts_not_on_the_allowed_list_are_refused():
    guard = Guard(_endpoint, GuardSettings.build(["localhost", "127.0.0.1", "office.example"]))
    assert _call(guard, method="GET", host="localhost:8000")[0] == 200
    assert _call(guard, method="GET", host="OFFICE.example")[0] == 200
    status, body = _call(guard, method="GET", host="attacker.example")
    assert status == 400 and b"--allowed-host" in body


def test_cross_origin_state_changing_requests_are_refused():
    guard = Guard(_endpoint, GuardSettings.build(["localhost"]))
    assert _call(guard, headers=[("origin", "http://localhost:8000")])[0] == 200
    assert _call(guard)[0] == 200  # curl and scripts send no Origin
    assert _call(guard, headers=[("origin", "http://evil.example")])[0] == 403
    assert _call(guard, headers=[("referer", "http://evil.example/page")])[0] == 403
    assert _call(guard, headers=[("origin", "null")])[0] == 403
    assert _call(guard, method="GET", headers=[("origin", "http://evil.example")])[0] == 200


def test_an_upload_that_never_finishes_gets_408(caplog):
    guard = Guard(_endpoint, GuardSettings.build(upload_timeout=0.2))
    with caplog.at_level(logging.WARNING, "pbdocs.web"):
        status, _ = _call(guard, headers=[MULTIPART],
                          body_messages=[{"type": "http.request", "body": b"x", "more_body": True}, "hang"])
    assert status == 408
    assert [r.getMessage() for r in caplog.records] == ["127.0.0.1:5000：上传未能在 0.2 秒内完成，已拒绝"]


def test_uploads_beyond_the_cap_get_429_before_their_body_is_read():
    guard = Guard(_endpoint, GuardSettings.build(max_uploads=1))
    guard.uploads = 1  # one upload in flight
    assert _call(guard, headers=[MULTIPART])[0] == 429
    assert _call(guard, headers=[("content-type", "application/json")])[0] == 200
    guard.uploads = 0
    assert _call(guard, headers=[MULTIPART])[0] == 200
    assert guard.uploads == 0


def test_a_client_disconnect_mid_upload_is_one_log_line_and_leaves_no_folder(tmp_path, monkeypatch, caplog):
    import tempfile

    from pbdocs.web import create_app

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    app = create_app(workers=1)
    part = (b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\n" + b"a" * 100)
    with caplog.at_level(logging.WARNING):
        status, _ = _call(app, headers=[MULTIPART],
                          body_messages=[{"type": "http.request", "body": part, "more_body": True},
                                         {"type": "http.disconnect"}])
    assert status is None  # nobody to answer
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["127.0.0.1:5000：在 POST /api/check 的处理过程中客户端断开了连接"]
    assert all(r.exc_info is None for r in caplog.records)
    assert list(tmp_path.glob("pbdocs-upload-*")) == []


def test_the_web_xlsx_report_of_a_zip_with_control_characters_in_member_names(tmp_path, monkeypatch):
    import io
    import tempfile
    import warnings
    import zipfile

    from pbdocs.web import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bell\x07\x1b[31m.txt", hostile.CHARTER.encode("utf-8"))
    with TestClient(create_app(workers=1)) as client:
        checked = client.post("/api/check", files=[("files", ("批次.zip", buffer.getvalue()))])
        assert checked.status_code == 200
        report = client.get(f"/api/reports/{checked.headers['x-report-id']}.xlsx")
    assert report.status_code == 200 and report.content.startswith(b"PK")
