"""The message catalogue: every code people see has a Chinese label, every reason a Chinese reading."""
from __future__ import annotations

import re

import pytest

from pbdocs.errors import InvalidOption
from pbdocs.messages import catalogue, parse_catalogue
from pbdocs.rules import STATUSES, VERDICTS, list_rules

ZH = catalogue()
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_verdict_labels_are_the_agreed_ones():
    assert {v: ZH.label("verdicts", v) for v in VERDICTS} == {
        "compliant": "合规", "partial": "部分缺失", "missing": "缺失", "contradicted": "明确拒绝",
        "not_applicable": "不适用", "error": "无法读取"}


def test_every_status_and_severity_has_a_chinese_label():
    for status in STATUSES:
        assert HAN.search(ZH.label("statuses", status)), status
    for rule in list_rules("all"):
        assert HAN.search(ZH.label("severities", rule.severity)), rule.severity
        assert HAN.search(ZH.label("rules", rule.id) if rule.id in ZH.labels("rules") else rule.title)


def test_element_labels_are_the_official_wordings_of_the_builtin_packs():
    """The catalogue and the party pack name an element the same way (民函〔2019〕54号 wording)."""
    for rule in list_rules("party"):
        for element in rule.elements:
            assert ZH.label("elements", element.id) == element.title, element.id


def test_unknown_code_shows_as_itself_and_none_as_nothing():
    assert ZH.label("rules", "my-own-rule") == "my-own-rule"
    assert ZH.label("verdicts", None) == ""


def test_text_fills_fields_and_unknown_keys_fail_loudly():
    assert ZH.text("check.heading", path="a.txt", verdict="合规") == "a.txt：合规"
    with pytest.raises(KeyError):
        ZH.text("check.no-such-key")


@pytest.mark.parametrize(("reason", "reading"), [
    ("empty file", "空文件"),
    ("no such file", "文件不存在"),
    ("encrypted PDF (password required)", "PDF 已加密（需要密码）"),
    ("corrupt PDF: truncated (the file does not end with %EOF)", "PDF 文件不完整（文件被截断）"),
    ("not a valid PDF file (its bytes are not that format)", "不是有效的 PDF 文件（内容与扩展名不符）"),
    ("near-empty text (12 characters): nothing to check", "文字过少（仅 12 个字符），无法审查"),
    ("gave up after 300 s: the document is too slow to read", "读取超过 300 秒，已放弃（文件读取过慢）"),
    ("unsupported file type .xyz", "不支持的文件类型 .xyz"),
    ("pages 2-3, 5 read by OCR", "第 2-3, 5 页经文字识别（OCR）读取"),
    ("decoded as gb18030", "按 gb18030 编码读取"),
])
def test_library_reasons_read_in_chinese(reason, reading):
    assert ZH.reading(reason) == reading


def test_a_reason_no_reading_knows_is_kept():
    assert ZH.reading("something new") == "something new"
    assert ZH.reading(None) == ""


def test_web_labels_carry_the_groups_the_page_uses():
    labels = ZH.web_labels()
    assert labels["verdicts"]["contradicted"] == "明确拒绝"
    assert labels["elements"]["organization"] == "设立中国共产党的组织"


def test_bad_catalogues_are_refused_with_the_place():
    with pytest.raises(ValueError, match=r"readings\[0\].*not groups"):
        parse_catalogue("[[readings]]\npattern = '^x$'\ntext = '{y}'\n")
    with pytest.raises(ValueError, match=r"\[verdicts\]"):
        parse_catalogue("[verdicts]\ncompliant = 1\n")
    with pytest.raises(InvalidOption):
        catalogue("fr")


def _literal_reasons() -> list[str]:
    """The plain-string reasons the package gives ReadError and its kind, and screening sources."""
    import ast
    from pathlib import Path

    reasons = []
    for path in (Path(__file__).resolve().parents[1] / "pbdocs").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                    "ReadError", "OcrDisabled", "UnsupportedFormat", "MissingDependency", "UnsafeArchive"):
                args = node.args[1:2]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Source":
                args = [k.value for k in node.keywords if k.arg == "error"]
            else:
                continue
            reasons += [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return reasons


def test_every_plain_reason_the_library_gives_has_a_chinese_reading():
    reasons = _literal_reasons()
    assert len(reasons) >= 10
    unread = [r for r in reasons if ZH.reading(r) == r]
    assert not unread, unread


def test_every_document_kind_has_its_reason_in_the_catalogue_not_the_registry():
    from importlib import resources

    from pbdocs.domain import registry

    for kind in registry().document_kinds:
        assert HAN.search(ZH.label("kind_reasons", kind.code)), kind.code
    domain_toml = resources.files("pbdocs").joinpath("data", "domain.toml").read_text(encoding="utf-8")
    assert "\nreason = " not in domain_toml and "garbled_" not in domain_toml


def test_every_help_text_is_chinese():
    from click.testing import CliRunner

    from pbdocs.cli import cli

    def commands(group, path=()):
        yield path
        for name, command in getattr(group, "commands", {}).items():
            yield from commands(command, (*path, name))

    # Three English words in a row would be a sentence; option names, metavars and codes are single words.
    sentence = re.compile(r"[a-z]{2,}[ ,;:.']+[a-z]{2,}[ ,;:.']+[a-z]{2,}")
    for path in commands(cli):
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0
        lines = result.output.splitlines()
        assert lines[0].startswith("用法：")
        # click's type names (FLOAT RANGE, TEXT) are upper case; a wrapped PostgreSQL address is one word.
        english = [line for line in lines[1:] if sentence.search(line)]
        assert not english, (path, english)
