"""The message catalogue: every code people see has a Chinese label (error codes: tests/test_errors.py)."""
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


def test_web_labels_carry_the_groups_the_page_uses():
    labels = ZH.web_labels()
    assert labels["verdicts"]["contradicted"] == "明确拒绝"
    assert labels["elements"]["organization"] == "设立中国共产党的组织"


def test_bad_catalogues_are_refused_with_the_place():
    with pytest.raises(ValueError, match=r"\[verdicts\]"):
        parse_catalogue("[verdicts]\ncompliant = 1\n")
    with pytest.raises(InvalidOption):
        catalogue("fr")


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
        # headings take the full-width colon of the Chinese around them
        assert "选项：" in lines and not [line for line in lines if line.rstrip().endswith(":")], path
        # click's type names (FLOAT RANGE, TEXT) are upper case; a wrapped PostgreSQL address is one word.
        english = [line for line in lines[1:] if sentence.search(line)]
        assert not english, (path, english)
