"""Word extraction: .docx body order, runs, tables, headers/footers; .doc through external tools."""
from __future__ import annotations

import re
import shutil
import stat
import sys
import zipfile
from pathlib import Path

import pytest

from pbdocs.errors import MissingDependency, ReadError, UnsafeArchive
from pbdocs.extract import Budget, ExtractOptions, extract
from pbdocs.extract.docx import check_archive, read_doc
from pbdocs.normalize import normalize


@pytest.fixture(scope="module")
def charter(extract_fixtures):
    return extract(extract_fixtures["charter.docx"])


def test_fixture_splits_the_clause_across_runs(extract_fixtures, fixture_maker):
    from lxml import etree

    with zipfile.ZipFile(extract_fixtures["charter.docx"]) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    texts = [node.text or "" for node in body.iter("{*}t")]
    assert not any(fixture_maker.CLAUSE in text for text in texts)
    assert sum(1 for text in texts if text and text in fixture_maker.CLAUSE) >= 4


def test_clause_split_across_runs_reads_intact(charter, fixture_maker):
    assert charter.format == "docx"
    assert f"第四条　{fixture_maker.CLAUSE}" in charter.text.splitlines()
    assert normalize(fixture_maker.CLAUSE).text in charter.normalized.text


def test_body_paragraphs_and_tables_keep_document_order(charter, fixture_maker):
    lines = charter.text.splitlines()
    expected = [p for p in fixture_maker.CHARTER_PARAGRAPHS]
    table_at = expected.index(next(p for p in expected if p.startswith("第七条"))) + 1
    expected[table_at:table_at] = ["职务\t人数", "理事长\t一名", "副理事长\t二至四名"]
    assert [line for line in lines if line] == expected


def test_headers_and_footers_stay_out_of_the_body(charter, fixture_maker):
    assert "页眉" not in charter.text
    assert "页脚" not in charter.text
    assert fixture_maker.RUNNING_HEADER not in charter.text


def test_document_title_comes_from_core_properties(charter, fixture_maker):
    assert charter.metadata.title == f"{fixture_maker.ORG_NAME}章程"


def _docx_with_body(path: Path, body_xml: str) -> Path:
    """A minimal .docx package whose document.xml body is ``body_xml``."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}" xmlns:mc="{mc}">'
            f"<w:body>{body_xml}</w:body></w:document>",
        )
    return path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Tracked changes: inserted text counts, deleted and moved-away text does not.
        ('<w:p><w:r><w:t>本会坚持</w:t></w:r><w:ins><w:r><w:t>中国共产党的</w:t></w:r></w:ins>'
         '<w:del><w:r><w:delText>删除的</w:delText></w:r></w:del><w:r><w:t>全面领导</w:t></w:r></w:p>',
         "本会坚持中国共产党的全面领导"),
        ('<w:p><w:moveFrom><w:r><w:t>旧位置</w:t></w:r></w:moveFrom><w:r><w:t>正文</w:t></w:r></w:p>', "正文"),
        # Hyperlinks and fields: the displayed text, not the field code.
        ('<w:p><w:hyperlink><w:r><w:t>党章</w:t></w:r></w:hyperlink><w:r><w:instrText>PAGE</w:instrText></w:r>'
         '<w:r><w:t>第二条</w:t></w:r></w:p>', "党章第二条"),
        # A content control around a paragraph, and a text box given twice (Choice and Fallback).
        ('<w:sdt><w:sdtContent><w:p><w:r><w:t>控件内文字</w:t></w:r></w:p></w:sdtContent></w:sdt>', "控件内文字"),
        ('<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>文本框</w:t></mc:Choice>'
         '<mc:Fallback><w:t>文本框</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>', "文本框"),
        # A vertically merged cell is read once.
        ('<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>理事</w:t></w:r></w:p></w:tc>'
         '<w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc></w:tr>'
         '<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc></w:tr>'
         '</w:tbl>', "理事\t甲\n乙"),
    ],
)
def test_word_markup_is_read_as_displayed(tmp_path, body, expected):
    doc = extract(_docx_with_body(tmp_path / "markup.docx", body))
    assert doc.text == expected


def test_malformed_document_xml_is_a_read_error(tmp_path):
    path = _docx_with_body(tmp_path / "malformed.docx", "<w:p><w:r><w:t>未闭合</w:r></w:p>")
    with pytest.raises(ReadError) as info:
        extract(path)
    assert info.value.reason.startswith("corrupt DOCX: XMLSyntaxError: Opening and ending tag mismatch")


def test_document_without_a_body_has_no_text(tmp_path):
    path = tmp_path / "bodiless.docx"
    _docx_with_body(path, "")
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["word/document.xml"] = re.sub(rb"<w:body>.*</w:body>", b"", parts["word/document.xml"])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(ReadError) as info:
        extract(path)
    assert info.value.reason == "no text found in the file"


def test_declared_sizes_over_the_limit_are_refused_without_inflating(extract_fixtures, monkeypatch):
    def never_inflate(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", never_inflate)
    message = r"would inflate to 4,000,000,000 bytes, over the limit of 268,435,456 bytes"
    with pytest.raises(UnsafeArchive, match=message):
        check_archive(extract_fixtures["zip-bomb.docx"], ExtractOptions())


def test_total_inflated_size_is_limited(extract_fixtures):
    charter_size = sum(i.file_size for i in zipfile.ZipFile(extract_fixtures["charter.docx"]).infolist())
    largest = max(i.file_size for i in zipfile.ZipFile(extract_fixtures["charter.docx"]).infolist())
    options = ExtractOptions(budget=Budget(max_inflated_bytes=(largest + charter_size) // 2))
    message = r": DOCX would inflate to [\d,]+ bytes in total, over the limit of [\d,]+ bytes$"
    with pytest.raises(UnsafeArchive, match=message):
        check_archive(extract_fixtures["charter.docx"], options)


def test_zip_bomb_is_refused_in_bounded_memory(extract_fixtures):
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(UnsafeArchive):
            extract(extract_fixtures["zip-bomb.docx"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024


def test_doc_without_converters_names_what_to_install(extract_fixtures, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(MissingDependency) as info:
        extract(extract_fixtures["garbage.doc"])
    assert info.value.reason == "reading .doc files needs antiword or LibreOffice: apt-get install antiword"


def test_doc_is_read_through_antiword(extract_fixtures, fixture_maker):
    doc = extract(extract_fixtures["charter.doc"])
    assert doc.format == "doc"
    assert [line for line in doc.text.splitlines() if line] == fixture_maker.CHARTER_PARAGRAPHS
    assert normalize(fixture_maker.CLAUSE).text in doc.normalized.text


def _stand_in(path: Path, body: str) -> Path:
    """An executable Python script at ``path`` playing a converter that CI does not have."""
    path.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_converter_crash_is_a_read_error(extract_fixtures, tmp_path, monkeypatch):
    crashing = _stand_in(tmp_path / "antiword", "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    monkeypatch.setattr(shutil, "which", lambda name: str(crashing) if name == "antiword" else None)
    with pytest.raises(ReadError) as info:
        read_doc(extract_fixtures["charter.doc"], ExtractOptions())
    assert info.value.reason == "antiword crashed (signal 11) on this .doc file"


def _fake_libreoffice(tmp_path: Path, text: str) -> Path:
    """A stand-in for LibreOffice (not installed in CI): like `--convert-to txt`, it writes
    <outdir>/<stem>.txt in UTF-8 with a BOM; it fails on anything but the expected arguments."""
    return _stand_in(
        tmp_path / "libreoffice",
        "import pathlib, sys\n"
        "args = sys.argv[1:]\n"
        "if args[:4] != ['--headless', '--norestore', '--convert-to', 'txt:Text (encoded):UTF8']:\n"
        "    sys.exit('unexpected arguments')\n"
        "outdir, source = pathlib.Path(args[5]), pathlib.Path(args[6])\n"
        f"(outdir / (source.stem + '.txt')).write_text('\\ufeff' + {text!r}, encoding='utf-8')\n",
    )


def test_doc_falls_back_to_libreoffice(extract_fixtures, fixture_maker, tmp_path, monkeypatch):
    office = _fake_libreoffice(tmp_path, fixture_maker.CLAUSE + "\n")
    monkeypatch.setattr(shutil, "which", lambda name: str(office) if name == "libreoffice" else None)
    result = read_doc(extract_fixtures["charter.doc"], ExtractOptions())
    assert result.pages[0].text == fixture_maker.CLAUSE


def test_libreoffice_failure_is_a_read_error(extract_fixtures, tmp_path, monkeypatch):
    office = _stand_in(tmp_path / "soffice", "import sys\nsys.exit('Error: source file could not be loaded')\n")
    monkeypatch.setattr(shutil, "which", lambda name: str(office) if name == "soffice" else None)
    with pytest.raises(ReadError) as info:
        read_doc(extract_fixtures["garbage.doc"], ExtractOptions())
    assert info.value.reason == "LibreOffice could not read this .doc file: Error: source file could not be loaded"
