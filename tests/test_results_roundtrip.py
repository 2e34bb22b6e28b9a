"""CheckResult.from_dict rebuilds what as_dict wrote, for real check results of every kind."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import pbdocs
from pbdocs.rules import CheckOptions, CheckResult, Finding
from pbdocs.rules.packs import LegalBasis
from pbdocs.rules.structure import Evidence

ROOT = Path(__file__).parent.parent
CHARTERS = sorted((ROOT / "tests/data/check/charters").glob("*.txt")) + sorted((ROOT / "examples/charters").iterdir())


@pytest.mark.parametrize("path", CHARTERS, ids=lambda p: p.name)
def test_round_trip_through_json(path):
    result = pbdocs.check(path, CheckOptions.build(pack="all"))
    data = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    rebuilt = CheckResult.from_dict(data)
    assert rebuilt.as_dict() == result.as_dict()
    assert rebuilt.row() == result.row()
    for before, after in zip(result.findings, rebuilt.findings, strict=True):
        # Everything but the rule's own gate/primary flags, which the JSON does not carry.
        assert after.elements == before.elements
        assert (after.basis, after.fix, after.status) == (before.basis, before.fix, before.status)


def test_error_result_round_trips():
    result = CheckResult(path="x.pdf", verdict="error", error="x.pdf: encrypted PDF")
    assert CheckResult.from_dict(result.as_dict()) == result


@pytest.mark.parametrize("data, message", [
    ([], "JSON object"),
    ({"path": "a", "verdict": 3}, "'verdict'"),
    ({"path": "a", "verdict": "missing", "findings": {}}, "must be lists"),
    ({"path": "a", "verdict": "missing", "findings": [{"rule": "r", "status": "missing"}]}, "'title'"),
])
def test_malformed_results_raise_value_error(data, message):
    with pytest.raises(ValueError, match=message):
        CheckResult.from_dict(data)


def test_parts_raise_value_error():
    with pytest.raises(ValueError):
        Evidence.from_dict({"page": 1})
    with pytest.raises(ValueError):
        LegalBasis.from_dict({"doc_number": "x"})
    with pytest.raises(ValueError):
        Finding.from_dict({"rule": "r", "title": "t", "severity": "error", "status": "missing", "basis": None})
