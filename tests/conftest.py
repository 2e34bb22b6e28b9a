"""Shared fixtures: the generated binary extraction fixtures (see tests/data/make_fixtures.py)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).parent / "data"


def _load_fixture_maker():
    if "make_fixtures" in sys.modules:
        return sys.modules["make_fixtures"]
    spec = importlib.util.spec_from_file_location("make_fixtures", DATA_DIR / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_fixtures"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def fixture_maker():
    """The fixture-generating module: its builders and the texts the fixtures contain (CLAUSE...)."""
    return _load_fixture_maker()


@pytest.fixture(scope="session")
def extract_fixtures(fixture_maker, tmp_path_factory) -> dict[str, Path]:
    """Every binary extraction fixture, built once per test session: file name -> path."""
    return fixture_maker.build_all(tmp_path_factory.mktemp("extract-fixtures"))
