"""Report writers on their own: text from charters stays inert in spreadsheets; writes are atomic."""
from __future__ import annotations

import csv
import os
from dataclasses import replace

import pytest

from pbdocs.errors import Notice, ScreenError
from pbdocs.screen.records import ScreenRecord
from pbdocs.screen.reports import write_report

HOSTILE = ["=HYPERLINK(\"http://x\",\"点击\")", "+1+2", "-3", "@SUM(A1)", "普通名称"]


def _records() -> list[ScreenRecord]:
    records = []
    for index, name in enumerate(HOSTILE):
        record = ScreenRecord.failed(f"批次/{index}.txt", Notice.of("check.near_empty", chars=3))
        records.append(ScreenRecord(replace(record.result, name=name)))
    return records


def test_csv_cells_that_look_like_formulas_are_quoted(tmp_path):
    out = write_report(tmp_path / "r.csv", _records())
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["组织名称"] for r in rows] == ["'" + n for n in HOSTILE[:4]] + [HOSTILE[4]]


def test_xlsx_cells_that_look_like_formulas_stay_text(tmp_path):
    from openpyxl import load_workbook

    out = write_report(tmp_path / "r.xlsx", _records())
    sheet = load_workbook(out)["筛查结果"]
    names = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in names] == HOSTILE
    assert {c.data_type for c in names} == {"s"}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".html"])
def test_report_replaces_an_old_one_atomically_with_ordinary_permissions(tmp_path, suffix):
    out = tmp_path / f"r{suffix}"
    out.write_text("old report", encoding="utf-8")
    write_report(out, _records())
    assert out.read_bytes() != b"old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_unknown_report_type_is_refused(tmp_path):
    with pytest.raises(ScreenError, match=r"unknown report type \.txt"):
        write_report(tmp_path / "r.txt", _records())
