"""eval/real_statutes: what ingest reads off real copies of regulations, pinned to the figures measured."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_real_statute_metadata_gate():
    spec = importlib.util.spec_from_file_location("real_statutes", ROOT / "benchmarks" / "real_statutes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    figures = module.score()
    assert figures["pages"] == 12
    # Measured 72 of 72 fields (71 while a menu label, 网站公告, was taken for a title).
    assert sum(figures["right"].values()) == 72, figures["wrong"]
    for field in ("issuer", "doc_number", "date", "version", "effective"):
        assert figures["right"][field] == 12, (field, figures["wrong"])
