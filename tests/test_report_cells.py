"""The reports an officer hands on, cell by cell: Chinese values, the placement flag, worst first."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from pbdocs.errors import ReadError
from pbdocs.rules import check_path
from pbdocs.screen.records import ScreenRecord
from pbdocs.screen.reports import write_report

DATA = Path(__file__).parent / "data" / "reports"
CHARTERS = Path(__file__).parent / "data" / "check" / "charters"
HEADER = ["文件", "组织名称", "组织类型", "结论", "党建条款", "缺少要素", "核心价值观", "位置", "原文摘录", "修改建议",
          "法律依据", "党建领导机关", "OCR 页", "错误"]
CLAUSE_BASIS = ("《民政部关于在社会组织登记管理工作中贯彻落实〈中共中央关于加强党的政治建设的意见〉有关要求的通知》"
                "(民函〔2019〕54号)")
# Codes a person must never read in a report (and list separators of the old reports).
ENGLISH = re.compile(r"\b(?:compliant|partial|missing|contradicted|error|present|true|false|basis|organization"
                     r"|activities|conditions|leadership|placement|core-values|party-clause)\b|;")


def _records() -> list[ScreenRecord]:
    paths = [DATA / "appendix-only.txt", DATA / "instructor-weak.txt", CHARTERS / "variant-wordings.txt",
             CHARTERS / "deferred.txt", CHARTERS / "toc-only.txt"]
    records = [ScreenRecord.of(check_path(p)) for p in paths]
    return [*records, ScreenRecord.failed("空的.docx", ReadError("read.empty_file", path="空的.docx"))]


@pytest.fixture(scope="module")
def csv_rows(tmp_path_factory) -> list[dict[str, str]]:
    out = write_report(tmp_path_factory.mktemp("cells") / "r.csv", _records())
    lines = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert lines[0] == HEADER
    return [dict(zip(HEADER, line, strict=True)) for line in lines[1:]]


def test_rows_come_worst_first(csv_rows):
    assert [Path(r["文件"]).name for r in csv_rows] == [
        "空的.docx", "deferred.txt", "toc-only.txt", "instructor-weak.txt", "appendix-only.txt",
        "variant-wordings.txt"]
    assert [r["结论"] for r in csv_rows] == [
        "无法读取", "明确拒绝", "缺失", "部分缺失", "合规（条款不在第一章 总则）", "合规"]


def test_no_cell_holds_a_code(csv_rows):
    for row in csv_rows:
        for column, cell in row.items():
            if column != "文件":
                assert not ENGLISH.search(cell), (column, cell)


def test_misplaced_clause_is_flagged_with_its_place_and_the_clause_to_move(csv_rows):
    row = next(r for r in csv_rows if r["文件"].endswith("appendix-only.txt"))
    assert row["组织名称"] == "松山区摄影家协会" and row["组织类型"] == "社会团体"
    assert row["党建条款"] == "具备" and row["缺少要素"] == "" and row["核心价值观"] == "是"
    assert row["位置"] == "第四章 附则 第八条　⚠ 不在第一章 总则"
    clause = ("本会坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共产党的组织，开展党的活动，"
              "为党组织的活动提供必要条件。")
    assert row["原文摘录"] == clause
    assert row["修改建议"] == ("【党建条款位于第一章 总则】移入第一章 总则，第三条（宗旨）之后，并删去第八条中的原文："
                           f"“{clause}”")
    assert row["法律依据"] == f"{CLAUSE_BASIS} 党建内容载入社会组织章程总则部分 (2019-05-20)"
    assert row["党建领导机关"] == "党建领导机关是中共松山区委社会工作部"
    assert row["OCR 页"] == "" and row["错误"] == ""


def test_small_organization_fix_adds_the_missing_word_and_keeps_the_arrangement(csv_rows):
    row = next(r for r in csv_rows if r["文件"].endswith("instructor-weak.txt"))
    assert row["党建条款"] == "不完整" and row["缺少要素"] == "坚持中国共产党的全面领导"
    assert row["位置"] == "第一章 总则 第四条"
    assert "党建工作指导员" in row["原文摘录"]
    assert row["修改建议"] == "【党建条款】将第四条中的“坚持中国共产党的领导”改为“坚持中国共产党的全面领导”"


def test_refused_and_missing_clauses(csv_rows):
    refused = next(r for r in csv_rows if r["文件"].endswith("deferred.txt"))
    assert refused["党建条款"] == "明确拒绝" and "暂不设立" in refused["原文摘录"]
    assert refused["修改建议"].startswith("【党建条款】替换第四条（删除否定或推迟的表述）：“")
    missing = next(r for r in csv_rows if r["文件"].endswith("toc-only.txt"))
    assert missing["党建条款"] == "缺失"
    assert missing["缺少要素"] == ("根据中国共产党章程的规定、设立中国共产党的组织、开展党的活动、"
                               "为党组织的活动提供必要条件、坚持中国共产党的全面领导")
    assert missing["法律依据"].startswith(CLAUSE_BASIS)


def test_unreadable_file_reads_its_reason_in_chinese(csv_rows):
    row = csv_rows[0]
    assert row["错误"] == "空文件"
    assert row["党建条款"] == row["核心价值观"] == row["党建领导机关"] == ""


def test_xlsx_cells_and_summary_sheet(tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(write_report(tmp_path / "r.xlsx", _records()))
    sheet = book["筛查结果"]
    assert [c.value for c in sheet[1]] == HEADER
    assert [c.value for c in sheet["D"][1:]] == [
        "无法读取", "明确拒绝", "缺失", "部分缺失", "合规（条款不在第一章 总则）", "合规"]
    assert sheet["H6"].value == "第四章 附则 第八条　⚠ 不在第一章 总则"
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    assert summary[:7] == [["结论", "份数"], ["合规", 2], ["部分缺失", 1], ["缺失", 1], ["明确拒绝", 1],
                           ["无法读取", 1], ["合计", 6]]
    assert summary[8] == ["缺少的要素", "份数"]
    assert ["坚持中国共产党的全面领导", 3] in summary[9:]
    assert ["设立中国共产党的组织", 2] in summary[9:]


def test_html_report_is_chinese_sorted_and_prints_on_a4(tmp_path):
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    text = write_report(tmp_path / "r.html", _records()).read_text(encoding="utf-8")
    tree = HTMLParser(text)
    assert [th.text() for th in tree.css("#results thead th")] == HEADER
    rows = [[td.text() for td in body.css_first("tr.doc").css("td")] for body in tree.css("#results > tbody")]
    assert [r[3] for r in rows] == ["无法读取", "明确拒绝", "缺失", "部分缺失", "合规（条款不在第一章 总则）", "合规"]
    for row in rows:
        for cell in row[1:]:
            assert not ENGLISH.search(cell), cell
    assert tree.css_first("tbody[data-verdict=compliant] .badge.misplaced") is not None
    assert "@media print" in text and "size: A4" in text
    assert "无法读取：空文件" in tree.css_first("#results > tbody").text()
