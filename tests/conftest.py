"""Shared fixtures: the generated binary extraction fixtures (see tests/data/make_fixtures.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import data_module


@pytest.fixture(scope="session")
def fixture_maker():
    """The fixture-generating module: its builders and the texts the fixtures contain (CLAUSE...)."""
    return data_module("make_fixtures.py", "make_fixtures")


@pytest.fixture(scope="session")
def extract_fixtures(fixture_maker, tmp_path_factory) -> dict[str, Path]:
    """Every binary extraction fixture, built once per test session: file name -> path."""
    return fixture_maker.build_all(tmp_path_factory.mktemp("extract-fixtures"))
