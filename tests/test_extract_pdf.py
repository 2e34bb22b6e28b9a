"""PDF extraction: text layer, page breaks, running headers/footers, fake bold, broken layers, OCR."""
from __future__ import annotations

import re
import sys

import pytest
from rapidfuzz.distance import Levenshtein

from pbdocs.errors import MissingDependency, OcrDisabled, ReadError
from pbdocs.extract import Budget, ExtractOptions, extract
from pbdocs.legal import is_page_number, strip_running_lines
from pbdocs.models import Line
from pbdocs.normalize import normalize

PAGE_NUMBER_STYLES = ["dash", "di-ye", "slash", "bare"]
CJK_SPACE_CJK = re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")


def _normalized(text: str) -> str:
    return normalize(text).text


def _cer(expected: str, actual: str) -> float:
    return Levenshtein.distance(expected, actual) / max(len(expected), 1)


@pytest.fixture(scope="module")
def reference_text(extract_fixtures) -> str:
    """The charter body as the text layer of the plain text PDF gives it, normalized."""
    return _normalized(extract(extract_fixtures["text-dash.pdf"]).text)


@pytest.mark.parametrize("style", PAGE_NUMBER_STYLES)
def test_clause_across_page_break_reads_as_one(extract_fixtures, fixture_maker, style):
    doc = extract(extract_fixtures[f"text-{style}.pdf"])
    assert doc.format == "pdf"
    assert len(doc.pages) >= 2
    # The fixture really breaks the clause between pages 1 and 2.
    assert doc.pages[0].text.endswith("设立中国")
    assert doc.pages[1].text.startswith("共产党的组织")
    assert _normalized(fixture_maker.CLAUSE) in doc.normalized.text
    assert doc.ocr_pages == []
    assert doc.warnings == []


@pytest.mark.parametrize("style", PAGE_NUMBER_STYLES)
def test_running_header_and_page_numbers_are_removed(extract_fixtures, fixture_maker, style):
    doc = extract(extract_fixtures[f"text-{style}.pdf"])
    assert fixture_maker.RUNNING_HEADER not in doc.text
    for page in doc.pages:
        assert not any(is_page_number(line) for line in page.text.splitlines())
    # The charter's own title, the first body line, is kept.
    assert doc.pages[0].text.splitlines()[0] == f"{fixture_maker.ORG_NAME}章程"


@pytest.mark.parametrize("name", ["text-dash.pdf", "fake-bold.pdf", "mixed.pdf"])
def test_no_spaces_between_cjk_characters(extract_fixtures, name):
    doc = extract(extract_fixtures[name])
    assert CJK_SPACE_CJK.search(doc.text) is None


def test_fake_bold_glyphs_are_read_once(extract_fixtures):
    import pypdfium2 as pdfium

    raw = pdfium.PdfDocument(str(extract_fixtures["fake-bold.pdf"]))
    try:
        raw_text = "".join(page.get_textpage().get_text_range() for page in raw)
    finally:
        raw.close()
    plain = extract(extract_fixtures["text-dash.pdf"]).text
    # pdfium alone leaves some of the doubles in: the fixture exercises the de-duplication.
    assert len(_normalized(raw_text)) > len(_normalized(plain))
    assert extract(extract_fixtures["fake-bold.pdf"]).text == plain


def test_pdf_locked_only_against_editing_is_read(extract_fixtures, reference_text):
    assert extract(extract_fixtures["owner-locked.pdf"]).normalized.text == reference_text


def test_concurrent_reads_from_threads_agree(extract_fixtures):
    from concurrent.futures import ThreadPoolExecutor

    names = [f"text-{style}.pdf" for style in PAGE_NUMBER_STYLES] + ["fake-bold.pdf"]
    expected = {name: extract(extract_fixtures[name]).text for name in names}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda name: (name, extract(extract_fixtures[name]).text), names * 8))
    assert all(text == expected[name] for name, text in results)


def test_max_pages_reads_the_first_pages_and_says_so(extract_fixtures):
    doc = extract(extract_fixtures["text-dash.pdf"], ExtractOptions(budget=Budget(max_pages=1)))
    assert [page.number for page in doc.pages] == [1]
    assert [w.reason for w in doc.warnings] == ["only the first 1 of 2 pages read (page limit)"]


BROKEN = ["broken-private-use.pdf", "broken-wrong-hanzi.pdf", "broken-no-tounicode.pdf", "scanned.pdf"]


@pytest.mark.parametrize("name", BROKEN)
def test_pages_needing_ocr_are_refused_when_ocr_is_off(extract_fixtures, name):
    with pytest.raises(ReadError) as info:
        extract(extract_fixtures[name], ExtractOptions(ocr="never"))
    assert info.value.reason.startswith("page 1 needs OCR (")
    assert info.value.reason.endswith(") but OCR is disabled")
    assert isinstance(info.value, OcrDisabled)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("broken-private-use.pdf", "private-use characters in the text layer"),
        ("broken-wrong-hanzi.pdf", "text layer maps to implausible characters"),
        ("broken-no-tounicode.pdf", "unmapped glyphs in the text layer"),
        ("scanned.pdf", "scanned image without a usable text layer"),
    ],
)
def test_missing_ocr_package_is_a_clear_error(extract_fixtures, monkeypatch, name, why):
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # makes `import rapidocr` fail
    with pytest.raises(MissingDependency) as info:
        extract(extract_fixtures[name])
    assert info.value.reason == f'page 1 needs OCR ({why}) but OCR is not installed: pip install "pbdocs[ocr]"'


@pytest.mark.slow
@pytest.mark.parametrize("name", BROKEN)
def test_unreadable_text_layers_are_read_by_ocr(extract_fixtures, fixture_maker, reference_text, name):
    doc = extract(extract_fixtures[name])
    assert doc.ocr_pages == [1, 2]
    assert all(page.ocr for page in doc.pages)
    assert "pages 1-2 read by OCR" in [w.reason for w in doc.warnings]
    assert _normalized(fixture_maker.CLAUSE) in doc.normalized.text
    # Running header and page numbers are found on OCR'd pages too.
    assert _normalized(fixture_maker.RUNNING_HEADER) not in doc.normalized.text
    assert _cer(reference_text, doc.normalized.text) < 0.02


@pytest.mark.slow
def test_ocr_is_decided_page_by_page(extract_fixtures, fixture_maker):
    doc = extract(extract_fixtures["mixed.pdf"])
    assert doc.ocr_pages == [2]
    assert [page.ocr for page in doc.pages] == [False, True]
    assert [w.reason for w in doc.warnings] == ["page 2 read by OCR"]
    assert _normalized(fixture_maker.CLAUSE) in doc.normalized.text


@pytest.mark.slow
def test_ocr_always_reads_text_pdfs_by_ocr(extract_fixtures, reference_text):
    doc = extract(extract_fixtures["text-dash.pdf"], ExtractOptions(ocr="always"))
    assert doc.ocr_pages == [1, 2]
    assert _cer(reference_text, doc.normalized.text) < 0.02


@pytest.mark.parametrize(
    "line", ["3", "- 3 -", "—12—", "第3页", "第 3 页 共 10 页", "第三页", "3/10", "３／１０", "Page 3 of 10",
             "共 10 页 第 3 页"],
)
def test_page_number_shapes(line):
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["第三条", "2024年5月", "第3条", "本会设理事3名", "1.", "3 个月", ""])
def test_body_lines_are_not_page_numbers(line):
    assert not is_page_number(line)


def _page(*texts: str) -> list[Line]:
    step = 1 / (len(texts) + 1)
    return [Line(text, (i + 1) * step, (i + 1) * step + 0.02) for i, text in enumerate(texts)]


def test_running_lines_recur_with_changing_digits():
    pages = [
        _page("协会章程 第1章", "正文甲", "正文乙", "正文丙", "2024年版 1"),
        _page("协会章程 第2章", "正文丁", "正文戊", "正文己", "2024年版 2"),
        _page("协会章程 第3章", "正文庚", "正文辛", "正文壬", "2024年版 3"),
    ]
    assert [[line.text for line in page] for page in strip_running_lines(pages)] == [
        ["正文甲", "正文乙", "正文丙"], ["正文丁", "正文戊", "正文己"], ["正文庚", "正文辛", "正文壬"],
    ]


def test_body_lines_in_the_middle_of_a_page_are_never_stripped():
    # "3" and the repeated line sit in the middle of the pages: a table cell, a repeated heading.
    pages = [
        _page("甲一", "甲二", "3", "重复行", "甲三", "甲四"),
        _page("乙一", "乙二", "重复行", "4", "乙三", "乙四"),
    ]
    assert strip_running_lines(pages) == pages


def test_a_line_on_one_page_only_is_kept():
    pages = [_page("只出现一次的标题", "正文", "末行"), _page("另一页", "正文二", "末行二")]
    assert strip_running_lines(pages) == pages


@pytest.mark.slow
def test_cli_reports_ocr_pages_on_stderr_and_data_on_stdout(extract_fixtures, fixture_maker):
    import json

    from click.testing import CliRunner

    from pbdocs.cli import cli

    path = extract_fixtures["mixed.pdf"]
    result = CliRunner().invoke(cli, ["extract", "--format", "json", str(path)])
    assert result.exit_code == 0
    assert result.stderr == f"{path}：第 2 页经文字识别（OCR）读取\n"
    record = json.loads(result.stdout)
    assert record["format"] == "pdf"
    assert record["ocr_pages"] == [2]
    assert [page["ocr"] for page in record["pages"]] == [False, True]
    assert _normalized(fixture_maker.CLAUSE) in _normalized(record["text"])
