"""Bad binary inputs through `pbdocs extract`: exit 3, one `错误：<path>：<reason>` line, no traceback."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from pbdocs.cli import cli

BAD_INPUTS = [
    ("encrypted.pdf", "PDF 已加密（需要密码）"),
    ("truncated.pdf", "PDF 文件已损坏，无法打开"),
    ("truncated-tail.pdf", "PDF 文件已损坏，无法打开"),
    ("cut-update.pdf", "PDF 文件不完整（文件被截断）"),
    ("random.pdf", "不是有效的 PDF 文件（内容与扩展名不符）"),
    ("random.docx", "不是有效的 DOCX 文件（内容与扩展名不符）"),
    ("empty.pdf", "空文件"),
    ("empty.docx", "空文件"),
    ("corrupt.docx", "Word 文件已损坏（不是完整的 ZIP 结构）"),
    ("no-body.docx", "不是 Word 文件（缺少 word/document.xml）"),
    ("zip-bomb.docx", "Word 文件解压后过大，已拒绝读取（疑似压缩炸弹）"),
    ("ratio-bomb.docx", "Word 文件压缩比异常（1011:1），已拒绝读取（疑似压缩炸弹）"),
    ("bomb.png", "图片像素超过 150,000,000 的上限，已拒绝读取"),
    ("random.png", "不是有效的 PNG 文件（内容与扩展名不符）"),
    ("truncated.png", "图片已损坏，无法读取"),
]


def _run(*args: str):
    return CliRunner().invoke(cli, ["extract", *args])


@pytest.mark.parametrize(("name", "reason"), BAD_INPUTS)
def test_bad_input_exits_3_with_one_error_line(extract_fixtures, name, reason):
    path = extract_fixtures[name]
    result = _run(str(path))
    assert result.exit_code == 3
    assert result.stderr == f"错误：{path}：{reason}\n"
    assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_doc_without_antiword_or_libreoffice(extract_fixtures, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = extract_fixtures["garbage.doc"]
    result = _run(str(path))
    assert result.exit_code == 3
    assert result.stderr == (
        f"错误：{path}：读取 .doc 文件需要 antiword 或 LibreOffice：apt-get install antiword，"
        "或在 Word 中另存为 .docx\n"
    )


def test_doc_that_antiword_rejects(extract_fixtures):
    path = extract_fixtures["garbage.doc"]
    result = _run(str(path))
    assert result.exit_code == 3
    assert result.stderr == f"错误：{path}：antiword 无法读取这个 .doc 文件\n"
    assert result.stderr.count("\n") == 1


def test_scanned_pdf_with_ocr_disabled(extract_fixtures):
    path = extract_fixtures["scanned.pdf"]
    result = _run("--ocr", "never", str(path))
    assert result.exit_code == 3
    assert result.stderr == (
        f"错误：{path}：第 1 页需要文字识别（OCR）才能读取，但已关闭 OCR（--ocr never）\n"
    )


def test_good_files_are_still_extracted_next_to_bad_ones(extract_fixtures, fixture_maker):
    good, bad = extract_fixtures["charter.docx"], extract_fixtures["zip-bomb.docx"]
    result = _run(str(bad), str(good))
    assert result.exit_code == 3
    assert fixture_maker.CLAUSE in result.stdout
    assert [line for line in result.stderr.splitlines() if line.startswith("错误：")] == [
        f"错误：{bad}：Word 文件解压后过大，已拒绝读取（疑似压缩炸弹）"
    ]
