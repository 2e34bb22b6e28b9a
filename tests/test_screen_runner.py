"""Running a batch: a worker that dies, the progress bar on a terminal, quiet output elsewhere."""
from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pbdocs.cli import cli
from pbdocs.screen import screen

from helpers import data_module

DATA = Path(__file__).parent / "data" / "screen"
batch = data_module("screen/batch.py", "screen_batch")


def _folder(root: Path) -> Path:
    folder = root / "in"
    folder.mkdir()
    for name, text in batch.charter_texts().items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_worker_that_dies_is_an_error_row_and_the_batch_goes_on(tmp_path, monkeypatch):
    import pbdocs.rules

    folder = _folder(tmp_path)
    victim = sorted(folder.iterdir())[1]
    real = pbdocs.rules.check_path

    def crashing(path, **kwargs):
        if Path(path).name == victim.name:
            os._exit(70)  # what a segfault in a native reader looks like to the pool
        return real(path, **kwargs)

    # Pool workers are forked from this process, so they inherit the patched checker.
    monkeypatch.setattr(pbdocs.rules, "check_path", crashing)
    result = screen([str(folder)], tmp_path / "r.json", workers=2)
    rows = {Path(r["path"]).name: r for r in result.rows}
    assert len(rows) == len(batch.charter_texts())
    assert rows[victim.name]["verdict"] == "error"
    assert rows[victim.name]["error"] == "the reader crashed on this file"
    labels = batch.labels()
    for name, row in rows.items():
        if name != victim.name:
            assert row["verdict"] == labels[name]["verdict"]


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    folder = _folder(tmp_path)
    out = tmp_path / "r.csv"
    result = CliRunner().invoke(cli, ["screen", str(folder), "--out", str(out), "--workers", "1"])
    counts = {v: sum(1 for lab in batch.labels().values() if lab["verdict"] == v)
              for v in ("compliant", "partial", "missing", "contradicted")}
    assert result.stderr == (f"已筛查 {len(batch.labels())} 份：合规 {counts['compliant']}，"
                             f"部分缺失 {counts['partial']}，缺失 {counts['missing']}，"
                             f"明确拒绝 {counts['contradicted']}，无法读取 0\n报告：{out}\n")


@pytest.mark.slow
def test_progress_bar_on_a_terminal_shows_files_rate_and_time_left(tmp_path):
    folder = batch.build_scale_batch(tmp_path, 9)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "pbdocs.cli", "screen", str(folder), "--out",
                             str(tmp_path / "r.csv"), "--workers", "1"],
                            stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the process exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=120)
    os.close(leader)
    shown = b"".join(chunks).decode("utf-8")
    frames = [f for f in shown.split("\r") if f.startswith("[")]
    assert frames[0].startswith("[" + "." * 30 + "] 0/9")
    assert frames[-1].startswith("[" + "#" * 30 + "] 9/9")
    assert all("份/秒" in f for f in frames)
    assert any("剩余" in f for f in frames[1:-1])
    assert "已筛查 9 份：" in shown
    assert proc.stdout.read() == b""


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_keeps_the_journal_for_a_resume(tmp_path):
    import signal
    import time

    from pbdocs.screen.journal import journal_path

    folder = batch.build_scale_batch(tmp_path, 40)
    out = tmp_path / "out" / "r.csv"
    out.parent.mkdir()
    slow = ("import sys, time, pbdocs.rules\n"
            "real = pbdocs.rules.check_path\n"
            "pbdocs.rules.check_path = lambda path, **k: (time.sleep(0.2), real(path, **k))[1]\n"
            "from pbdocs.cli import main\n"
            "sys.argv = ['pbdocs'] + sys.argv[1:]\n"
            "main()\n")
    # A terminal's Ctrl-C reaches the whole foreground job, pool workers included.
    proc = subprocess.Popen([sys.executable, "-c", slow, "screen", str(folder), "--out", str(out), "--workers", "2"],
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    journal = journal_path(out)
    deadline = time.monotonic() + 120
    while not journal.exists() or len(journal.read_text(encoding="utf-8").splitlines()) < 4:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    assert proc.stderr.read() == "错误：已中断；再次运行同一命令即可从中断处继续\n"
    assert sorted(p.name for p in out.parent.iterdir()) == [journal.name]


def test_a_document_over_the_timeout_is_an_error_row(tmp_path, monkeypatch):
    import time

    import pbdocs.rules

    folder = _folder(tmp_path)
    victim = sorted(folder.iterdir())[0]
    real = pbdocs.rules.check_path

    def hanging(path, **kwargs):
        if Path(path).name == victim.name:
            time.sleep(60)
        return real(path, **kwargs)

    monkeypatch.setattr(pbdocs.rules, "check_path", hanging)
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["screen", str(folder), "--out", str(tmp_path / "r.json"), "--workers", "2",
                                      "--timeout", "1.5"])
    assert time.monotonic() - started < 30
    assert result.exit_code == 3
    rows = {Path(r["path"]).name: r for r in json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))}
    assert rows[victim.name]["error"] == "gave up after 1.5 s: the document is too slow to read"
    assert sum(r["verdict"] == "error" for r in rows.values()) == 1
