"""Nothing lost, nothing done twice: the journal survives kill -9 and the rerun completes the report."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pbdocs.screen.journal import Journal, journal_path
from pbdocs.screen.records import ScreenRecord

from helpers import data_module

DATA = Path(__file__).parent / "data" / "screen"
batch = data_module("screen/batch.py", "screen_batch")

# Runs `pbdocs screen` with the checker wrapped: each call is logged to a file (and optionally
# slowed down), so the test sees which documents a run really checked.
DRIVER = textwrap.dedent("""
    import sys, time
    import pbdocs.rules
    log, delay = sys.argv[1], float(sys.argv[2])
    real = pbdocs.rules.check_path

    def logged(path, **kwargs):
        time.sleep(delay)
        result = real(path, **kwargs)
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(path + "\\n")
        return result

    pbdocs.rules.check_path = logged
    from pbdocs.cli import main
    sys.argv = ["pbdocs"] + sys.argv[3:]
    main()
""")


def _journal_entries(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.endswith("}"))


@pytest.mark.slow
def test_kill_9_halfway_then_rerun_gives_every_document_exactly_once(tmp_path):
    folder = batch.build_scale_batch(tmp_path, 12)
    out = tmp_path / "out" / "report.json"
    out.parent.mkdir()
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    command = ["screen", str(folder), "--out", str(out), "--workers", "1"]

    proc = subprocess.Popen([sys.executable, str(driver), str(first_log), "0.4", *command],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    journal = journal_path(out)
    deadline = time.monotonic() + 120
    while _journal_entries(journal) < 5:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the run never got halfway"
        time.sleep(0.05)
    # The whole job, pool workers included, dies at once as with `kill -9` on a terminal's job.
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    assert not out.exists()
    journaled = _journal_entries(journal)
    assert 5 <= journaled < 12
    journaled_paths = {json.loads(line)["check"]["path"]
                       for line in journal.read_text(encoding="utf-8").splitlines()[1:] if line.endswith("}")}

    rerun = subprocess.run([sys.executable, str(driver), str(second_log), "0", *command],
                           capture_output=True, text=True, timeout=300)
    assert rerun.returncode in (0, 1, 3), rerun.stderr
    assert f"继续上次的筛查：{journaled} 份已筛查过" in rerun.stderr
    assert "已筛查 12 份：" in rerun.stderr

    report = json.loads(out.read_text(encoding="utf-8"))
    paths = [entry["path"] for entry in report]
    assert sorted(paths) == sorted(str(p) for p in folder.iterdir())
    assert len(paths) == len(set(paths))
    checked_again = second_log.read_text(encoding="utf-8").splitlines()
    assert len(checked_again) == 12 - journaled
    assert not journaled_paths & set(checked_again), "documents in the journal are not checked again"
    assert not journal.exists(), "a finished run removes its journal"
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.json"]


def _record(path: str, verdict: str) -> ScreenRecord:
    from pbdocs.rules import CheckResult

    return ScreenRecord.of(CheckResult(path=path, verdict=verdict))


def test_journal_ignores_a_torn_last_line_and_keeps_appending(tmp_path):
    path = tmp_path / ".r.json.journal.jsonl"
    config = {"pack": "party"}
    with Journal(path, config) as journal:
        journal.record("a" * 64, _record("x", "compliant"))
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('{"sha256": "bbbb", "check": {"pa')
    with Journal(path, config) as journal:
        assert list(journal.done) == ["a" * 64]
        journal.record("c" * 64, _record("y", "error"))
    with Journal(path, config) as journal:
        assert list(journal.done) == ["a" * 64, "c" * 64]
        assert journal.done["a" * 64] == _record("x", "compliant")


@pytest.mark.parametrize("resume, other_config", [(True, True), (False, False)])
def test_journal_of_other_settings_or_a_restart_starts_over(tmp_path, resume, other_config):
    path = tmp_path / ".r.json.journal.jsonl"
    with Journal(path, {"pack": "party"}) as journal:
        journal.record("a" * 64, _record("x", "error"))
    config = {"pack": "statutory"} if other_config else {"pack": "party"}
    with Journal(path, config, resume=resume) as journal:
        assert journal.done == {}
        assert (journal.discarded_reason is not None) == other_config
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["config"] == config


def test_journal_of_another_format_version_starts_over_with_a_note(tmp_path):
    path = tmp_path / ".r.json.journal.jsonl"
    config = {"pack": "party"}
    header = {"kind": "pbdocs-screen-journal", "version": 0, "config": config}
    entry = {"sha256": "a" * 64, "document": {"path": "x"}}
    path.write_text(json.dumps(header) + "\n" + json.dumps(entry) + "\n", encoding="utf-8")
    with Journal(path, config) as journal:
        assert journal.done == {}
        assert journal.discarded_reason.reason == "journal written in another format (version 0); starting over"
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["version"] == 1


def test_journal_skips_a_line_that_is_not_a_screen_record(tmp_path):
    path = tmp_path / ".r.json.journal.jsonl"
    config = {"pack": "party"}
    with Journal(path, config) as journal:
        journal.record("a" * 64, _record("x", "compliant"))
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"sha256": "b" * 64, "check": {}, "row": "not an object"}) + "\n")
    with Journal(path, config) as journal:
        assert list(journal.done) == ["a" * 64]
