"""Bad binary inputs through `pbdocs extract`: exit 3, one `Error: <path>: <reason>` line, no traceback."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from pbdocs.cli import cli

BAD_INPUTS = [
    ("encrypted.pdf", "encrypted PDF (password required)"),
    ("truncated.pdf", "corrupt PDF: data format error"),
    ("truncated-tail.pdf", "corrupt PDF: data format error"),
    ("cut-update.pdf", "corrupt PDF: truncated (the file does not end with %%EOF)"),
    ("random.pdf", "not a valid PDF file (its bytes are not that format)"),
    ("random.docx", "not a valid DOCX file (its bytes are not that format)"),
    ("empty.pdf", "empty file"),
    ("empty.docx", "empty file"),
    ("corrupt.docx", "corrupt DOCX (bad zip archive: File is not a zip file)"),
    ("no-body.docx", "not a Word document (the archive has no word/document.xml)"),
    ("zip-bomb.docx",
     "DOCX part word/document.xml would inflate to 4,000,000,000 bytes, over the limit of 268,435,456 bytes "
     "(zip bomb?)"),
    ("ratio-bomb.docx", "DOCX part word/document.xml is compressed 1011:1 (zip bomb?)"),
    ("bomb.png", "image too large (over the limit of 150,000,000 pixels; decompression bomb?)"),
    ("random.png", "not a valid PNG file (its bytes are not that format)"),
    ("truncated.png", "corrupt image: image file is truncated"),
]


def _run(*args: str):
    return CliRunner().invoke(cli, ["extract", *args])


@pytest.mark.parametrize(("name", "reason"), BAD_INPUTS)
def test_bad_input_exits_3_with_one_error_line(extract_fixtures, name, reason):
    path = extract_fixtures[name]
    result = _run(str(path))
    assert result.exit_code == 3
    assert result.stderr == f"Error: {path}: {reason}\n"
    assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_doc_without_antiword_or_libreoffice(extract_fixtures, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = extract_fixtures["garbage.doc"]
    result = _run(str(path))
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: {path}: reading .doc files needs antiword or LibreOffice: apt-get install antiword\n"
    )


def test_doc_that_antiword_rejects(extract_fixtures):
    path = extract_fixtures["garbage.doc"]
    result = _run(str(path))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {path}: antiword could not read this .doc file: ")
    assert result.stderr.count("\n") == 1


def test_scanned_pdf_with_ocr_disabled(extract_fixtures):
    path = extract_fixtures["scanned.pdf"]
    result = _run("--ocr", "never", str(path))
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: {path}: page 1 needs OCR (scanned image without a usable text layer) "
        "but OCR is disabled (--ocr never)\n"
    )


def test_good_files_are_still_extracted_next_to_bad_ones(extract_fixtures, fixture_maker):
    good, bad = extract_fixtures["charter.docx"], extract_fixtures["zip-bomb.docx"]
    result = _run(str(bad), str(good))
    assert result.exit_code == 3
    assert fixture_maker.CLAUSE in result.stdout
    assert [line for line in result.stderr.splitlines() if line.startswith("Error:")] == [
        f"Error: {bad}: DOCX part word/document.xml would inflate to 4,000,000,000 bytes, over the limit of "
        "268,435,456 bytes (zip bomb?)"
    ]
