"""`--executor dask`: the same per-document function on a Dask cluster gives the same report."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pbdocs.rules import CheckOptions
from pbdocs.screen import screen

from helpers import data_module

DATA = Path(__file__).parent / "data" / "screen"
batch = data_module("screen/batch.py", "screen_batch")


@pytest.mark.slow
def test_dask_local_cluster_report_equals_the_local_run(tmp_path):
    from distributed import LocalCluster

    made = batch.build_mixed_batch(tmp_path / "in")
    inputs = [str(made["folder"]), str(made["archive"])]
    # A user rule file travels to the workers as content: they never see the driver's files.
    options = CheckOptions.build(rules_file=DATA / "packs" / "residence.toml")
    local = screen(inputs, tmp_path / "local.json", workers=2, options=options)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = screen(inputs, tmp_path / "dask.json", executor="dask", scheduler=cluster.scheduler_address,
                         options=options)
    on_dask_report = json.loads((tmp_path / "dask.json").read_text(encoding="utf-8"))
    assert on_dask_report == json.loads((tmp_path / "local.json").read_text(encoding="utf-8"))
    assert on_dask.rows == local.rows
    assert on_dask.counts["error"] == len(made["corrupt"]) + len(made["unsafe"])
    read = [entry for entry in on_dask_report if entry["verdict"] != "error"]
    assert read and all(any(f["rule"] == "residence" for f in entry["findings"]) for entry in read)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dask.json", "in", "local.json"]


def test_unreachable_scheduler_is_a_clear_error(tmp_path):
    from click.testing import CliRunner

    from pbdocs.cli import cli

    charter = next(iter(batch.charter_texts().items()))
    (tmp_path / charter[0]).write_text(charter[1], encoding="utf-8")
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        result = CliRunner().invoke(cli, ["screen", str(tmp_path / charter[0]), "--out", str(tmp_path / "r.csv"),
                                          "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2
    assert result.stderr == "错误：无法连接 Dask 调度器 tcp://127.0.0.1:1\n"
    assert not (tmp_path / "r.csv").exists()


def test_scheduler_without_dask_executor_is_a_usage_error(tmp_path):
    from click.testing import CliRunner

    from pbdocs.cli import cli

    result = CliRunner().invoke(cli, ["screen", str(tmp_path), "--out", str(tmp_path / "r.csv"),
                                      "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：--scheduler 只能与 --executor dask 一起使用\n")
