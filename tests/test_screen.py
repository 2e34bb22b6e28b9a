"""`pbdocs screen` end to end: a mixed folder plus a zip screen to the right rows in every format."""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pbdocs.cli import cli
from pbdocs.messages import catalogue
from pbdocs.rules import STATUSES, check_path
from pbdocs.screen.reports import REPORT_COLUMNS, VERDICTS

from helpers import data_module

DATA = Path(__file__).parent / "data" / "screen"
batch = data_module("screen/batch.py", "screen_batch")

FORMATS = (".csv", ".xlsx", ".json", ".html")


def _tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _expected(mixed: dict) -> dict[str, dict]:
    """What `pbdocs check` says of each original file, under the path the report must use."""
    expected = {}
    for display, original in mixed["originals"].items():
        result = check_path(str(original))
        check, row = result.as_dict(), result.row()
        check["path"] = row["path"] = display
        expected[display] = {"check": check, "row": row}
    return expected


ZH = catalogue()
BY_LABEL = {label: code for code, label in ZH.labels("columns").items()}
VERDICT_BY_LABEL = {label: code for code, label in ZH.labels("verdicts").items()}
ELEMENT_BY_LABEL = {ZH.label("elements", e): e for e in
                    ("basis", "organization", "activities", "conditions", "leadership")}


def _read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    return [_typed(row) for row in rows]


def _typed(cells: dict) -> dict:
    """A CSV/XLSX line (Chinese headers and values) back to the codes of CheckResult.row()."""
    row = {BY_LABEL[k]: (v if v not in ("", None) else None) for k, v in cells.items()}
    verdict = row["verdict"].split("（")[0]
    return {
        "path": row["path"], "name": row["name"], "org_type": row["org_type"],
        "verdict": VERDICT_BY_LABEL[verdict],
        "party_clause": {ZH.label("statuses", s): s for s in STATUSES}.get(row["party_clause"]),
        "missing_elements": [ELEMENT_BY_LABEL[e] for e in row["missing_elements"].split("、")]
        if row["missing_elements"] else [],
        "core_values": {"是": True, "否": False, None: None}[row["core_values"]],
        "ocr_pages": [int(p) for p in str(row["ocr_pages"]).split("、")] if row["ocr_pages"] else [],
        "error": row["error"],
    }


def _comparable(row: dict) -> dict:
    """The fields of CheckResult.row() a report shows, as the reports show them."""
    keep = ("path", "name", "org_type", "verdict", "party_clause", "missing_elements", "core_values",
            "ocr_pages", "error")
    return {k: row.get(k) for k in keep}


def _read_xlsx(path: Path) -> list[dict]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book["筛查结果"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:N{sheet.max_row}"
    header = [c.value for c in sheet[1]]
    assert [BY_LABEL[h] for h in header] == list(REPORT_COLUMNS)
    rows = []
    verdict_col = REPORT_COLUMNS.index("verdict")
    for line in sheet.iter_rows(min_row=2):
        values = [c.value for c in line]
        row = _typed({k: (str(v) if v is not None else None) for k, v in zip(header, values, strict=True)})
        assert line[verdict_col].fill.fgColor.rgb.endswith(
            {"compliant": "C8E6C9", "partial": "FFE0B2", "missing": "FFCDD2", "contradicted": "E1BEE7",
             "error": "E0E0E0"}[row["verdict"]])
        rows.append(row)
    # 不适用 is a line of the summary only when some document is not a social-organization charter.
    counts = {v: sum(1 for r in rows if r["verdict"] == v) for v in VERDICTS}
    shown = [v for v in VERDICTS if v != "not_applicable" or counts[v]]
    summary = {r[0]: r[1] for r in book["汇总"].iter_rows(min_row=2, max_row=len(shown) + 1, values_only=True)}
    assert summary == {ZH.label("verdicts", v): counts[v] for v in shown}
    return rows


def _read_html(path: Path) -> list[dict]:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    text = path.read_text(encoding="utf-8")
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text
    tree = HTMLParser(text)
    rows = []
    for body in tree.css("table#results > tbody"):
        cells = body.css_first("tr.doc").css("td")
        assert len(cells) == len(REPORT_COLUMNS)
        detail = body.css_first("tr.detail")
        assert "hidden" in detail.attributes
        rows.append({"path": cells[0].text(), "verdict": body.attributes["data-verdict"],
                     "name": cells[1].text() or None, "detail": detail.text()})
    cards = {c.attributes["data-verdict"]: int(c.css_first(".n").text())
             for c in tree.css("#summary .card[data-verdict]")}
    counts = {v: sum(1 for r in rows if r["verdict"] == v) for v in VERDICTS}
    assert cards == {v: n for v, n in counts.items() if v != "not_applicable" or n}
    assert tree.css_first("svg#verdict-chart") is not None
    return rows


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("screen-mixed")
    made = batch.build_mixed_batch(root / "in")
    made["expected"] = _expected(made)
    return made


@pytest.mark.parametrize("suffix", FORMATS)
def test_mixed_batch_rows_in_every_format(mixed, tmp_path, monkeypatch, suffix):
    inputs_before = _tree_digest(mixed["folder"].parent)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / f"report{suffix}"
    result = CliRunner().invoke(cli, ["screen", str(mixed["folder"]), str(mixed["archive"]), "--out", str(out),
                                      "--workers", "2"])
    total = len(mixed["originals"]) + len(mixed["corrupt"]) + len(mixed["unsafe"])
    assert result.exit_code == 3, result.output
    counts = {v: 0 for v in VERDICTS}
    for expected in mixed["expected"].values():
        counts[expected["row"]["verdict"]] += 1
    counts["error"] += len(mixed["corrupt"]) + len(mixed["unsafe"])
    names = {"compliant": "合规", "partial": "部分缺失", "missing": "缺失", "contradicted": "明确拒绝",
             "not_applicable": "不适用", "error": "无法读取"}
    # 不适用 is named only when some document is not a social-organization charter.
    shown = [v for v in VERDICTS if v != "not_applicable" or counts[v]]
    summary = "，".join(f"{names[v]} {counts[v]}" for v in shown)
    assert f"已筛查 {total} 份：{summary}" in result.stderr
    assert result.stdout == ""

    # Nothing written anywhere but the report: not beside it, not in the inputs, not in the cwd.
    assert sorted(p.name for p in out_dir.iterdir()) == [out.name]
    assert _tree_digest(mixed["folder"].parent) == inputs_before
    assert list(cwd.iterdir()) == []
    assert not (mixed["archive"].parent.parent / "escape.txt").exists()

    if suffix == ".json":
        objects = json.loads(out.read_text(encoding="utf-8"))
        rows = [{"path": o["path"], "verdict": o["verdict"], "error": o["error"], "check": o} for o in objects]
    elif suffix == ".csv":
        rows = _read_csv(out)
    elif suffix == ".xlsx":
        rows = _read_xlsx(out)
    else:
        rows = _read_html(out)

    paths = [r["path"] for r in rows]
    assert len(paths) == total == len(set(paths)), "each document exactly once"
    by_path = {r["path"]: r for r in rows}
    for display, expected in mixed["expected"].items():
        row = by_path[display]
        if suffix == ".json":
            assert row["check"] == expected["check"]
        elif suffix == ".html":
            assert (row["verdict"], row["name"]) == (expected["row"]["verdict"], expected["row"]["name"])
        else:
            assert row == _comparable(expected["row"]) | {"error": None}
    for display in mixed["corrupt"] + mixed["unsafe"]:
        assert by_path[display]["verdict"] == "error"
    for display in mixed["unsafe"]:
        reason = by_path[display]["detail" if suffix == ".html" else "error"]
        assert ("refused" if suffix == ".json" else "拒绝") in reason
    for display in mixed["corrupt"]:
        if suffix != ".html":
            assert by_path[display]["error"]


def test_rows_carry_the_labelled_verdicts(mixed):
    known = batch.labels()
    for display, expected in mixed["expected"].items():
        stem = Path(display).stem
        label = next(v for name, v in known.items() if Path(name).stem == stem)
        assert expected["row"]["verdict"] == label["verdict"], display
        assert expected["row"]["org_type"] == label["org_type"], display


def _write_charters(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    texts = batch.charter_texts()
    for name in names:
        (folder / name).write_text(texts[name], encoding="utf-8")


def _names_with(verdicts: set[str]) -> list[str]:
    return [name for name, label in batch.labels().items() if label["verdict"] in verdicts]


@pytest.mark.parametrize("verdicts, exit_code", [({"compliant"}, 0), ({"compliant", "partial"}, 1),
                                                 ({"missing", "contradicted"}, 1)])
def test_exit_codes_follow_the_verdicts(tmp_path, verdicts, exit_code):
    _write_charters(tmp_path / "in", _names_with(verdicts))
    result = CliRunner().invoke(cli, ["screen", str(tmp_path / "in"), "--out", str(tmp_path / "r.json"),
                                      "--workers", "1"])
    assert result.exit_code == exit_code, result.output
    objects = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert {o["verdict"] for o in objects} == verdicts


def test_unknown_report_type_is_a_usage_error_before_any_work(tmp_path):
    _write_charters(tmp_path / "in", _names_with({"compliant"}))
    result = CliRunner().invoke(cli, ["screen", str(tmp_path / "in"), "--out", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2
    assert result.stderr == f"错误：{tmp_path / 'r.pdf'}：不支持的报告类型（.pdf），可用：.csv, .xlsx, .json, .html\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_folder_without_documents_is_an_error(tmp_path):
    (tmp_path / "empty" / ".hidden").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["screen", str(tmp_path / "empty"), "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 2
    assert result.stderr == f"错误：在 {tmp_path / 'empty'} 中没有找到文件\n"


def test_missing_input_path_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["screen", str(tmp_path / "nope"), "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"错误：“{tmp_path / 'nope'}”不存在\n")


def test_report_inside_the_screened_folder_is_not_screened(tmp_path):
    folder = tmp_path / "in"
    _write_charters(folder, _names_with({"compliant"}))
    out = folder / "report.json"
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(cli, ["screen", str(folder), "--out", str(out), "--workers", "1"])
        assert result.exit_code == 0, result.output
    paths = [o["path"] for o in json.loads(out.read_text(encoding="utf-8"))]
    assert paths == [str(folder / n) for n in sorted(_names_with({"compliant"}))]


def test_identical_documents_are_checked_once_and_reported_under_each_path(tmp_path, monkeypatch):
    import pbdocs.rules

    calls = []
    real = pbdocs.rules.check_path

    def counting(path, **kwargs):
        calls.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(pbdocs.rules, "check_path", counting)
    from pbdocs.executor import Executor, Outcome
    from pbdocs.screen import screen

    class InProcess(Executor):
        def run(self, jobs, on_done):
            for job in jobs:
                on_done(job, Outcome(job.fn(job.arg)))

    name = _names_with({"compliant"})[0]
    _write_charters(tmp_path / "a", [name])
    _write_charters(tmp_path / "b", [name])
    # One worker process per call would hide the calls from this process; run in-process instead.
    result = screen([str(tmp_path / "a"), str(tmp_path / "b")], tmp_path / "r.json", executor=InProcess())
    assert len(calls) == 1
    assert [r["path"] for r in result.rows] == [str(tmp_path / "a" / name), str(tmp_path / "b" / name)]
    assert result.rows[0]["verdict"] == result.rows[1]["verdict"] == "compliant"
    summary = result.as_dict()
    assert summary["report"] == str(tmp_path / "r.json") and summary["rows"] == result.rows
    assert summary["summary"]["verdicts"]["compliant"] == summary["summary"]["total"] == 2


def test_user_text_is_escaped_in_the_html_report(tmp_path):
    texts = batch.charter_texts()
    name = _names_with({"missing"})[0]
    hostile = texts[name].replace("章程", "<script>alert(1)</script>章程", 1)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "<img src=x onerror=alert(2)>.txt").write_text(hostile, encoding="utf-8")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["screen", str(tmp_path / "in"), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 1, result.output
    page = out.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;.txt" in page


def test_a_bad_rules_file_stops_the_batch_before_reading(tmp_path):
    _write_charters(tmp_path / "in", _names_with({"compliant"}))
    bad = tmp_path / "bad.toml"
    bad.write_text("[pack\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["screen", str(tmp_path / "in"), "--out", str(tmp_path / "r.csv"),
                                      "--rules", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"错误：{bad}：规则文件不是有效的 TOML")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "in"]


def test_unknown_organization_type_is_a_usage_error(tmp_path):
    _write_charters(tmp_path / "in", _names_with({"compliant"}))
    result = CliRunner().invoke(cli, ["screen", str(tmp_path / "in"), "--out", str(tmp_path / "r.csv"),
                                      "--org-type", "学校"])
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：未知的组织类型“学校”（可选：社会团体、基金会、社会服务机构）\n")


def test_fail_on_missing_lets_partial_charters_pass(tmp_path):
    _write_charters(tmp_path / "in", _names_with({"compliant", "partial"}))
    args = ["screen", str(tmp_path / "in"), "--out", str(tmp_path / "r.csv"), "--workers", "1"]
    assert CliRunner().invoke(cli, args).exit_code == 1
    assert CliRunner().invoke(cli, [*args, "--fail-on", "missing"]).exit_code == 0


def test_report_folder_that_does_not_exist_is_a_usage_error(tmp_path):
    _write_charters(tmp_path / "in", _names_with({"compliant"}))
    out = tmp_path / "no" / "r.csv"
    result = CliRunner().invoke(cli, ["screen", str(tmp_path / "in"), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr == f"错误：{out}：报告所在的文件夹不存在\n"


def test_report_that_cannot_be_written_is_a_typed_error_and_leaves_no_temp_file(tmp_path):
    from pbdocs.errors import ScreenError
    from pbdocs.screen import screen

    _write_charters(tmp_path / "in", _names_with({"compliant"}))
    out = tmp_path / "r.csv"
    out.mkdir()  # something that is not a file already holds the report's name
    with pytest.raises(ScreenError, match=r"r\.csv: cannot write the report: Is a directory"):
        screen([str(tmp_path / "in")], out, workers=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".r.csv.journal.jsonl", "in", "r.csv"]
