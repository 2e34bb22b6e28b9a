"""The catalogue of what people read: Chinese labels for the codes JSON keeps, sentences, and the
text of every error and warning code.

Programs exchange English codes (verdict ``partial``, element ``organization``); people read the
labels and sentences of ``pbdocs/data/messages.toml``, through one object::

    from pbdocs.messages import catalogue
    zh = catalogue()
    zh.label("verdicts", "partial")                  # 部分缺失
    zh.text("check.fix", where="…", text="…")          # a sentence with its fields
    zh.error_text(exc)                                 # 空文件: a typed error (or a code and fields)

Like :mod:`pbdocs.domain`, this module imports only :mod:`pbdocs.errors` and the standard library,
so every layer may use it.
"""
from __future__ import annotations

import functools
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

from .errors import PARTS, InvalidOption, Notice, PbdocsError, fill, with_parts

__all__ = ["Catalogue", "catalogue", "parse_catalogue", "LANGUAGES"]

LANGUAGES = ("zh",)
# Label groups the web page receives through /api/config.
WEB_GROUPS = ("verdicts", "statuses", "severities", "elements", "rules", "methods", "columns", "booleans",
              "batch_statuses", "audit_actions", "report", "web", "search")
# The catalogue section of each kind of part code an error's fields may hold (pbdocs.errors.PARTS).
PART_SECTIONS = {"place": "error_places", "problem": "error_problems"}


@dataclass(frozen=True)
class Catalogue:
    """Labels by group and code, sentences by ``section.key``, texts of error and warning codes."""

    lang: str
    sections: Mapping[str, Mapping[str, str]]

    def label(self, group: str, code: Any) -> str:
        """The label of ``code`` in ``group``; the code itself when it has none (a rule of the
        user's own pack), and "" for no code."""
        if code is None or code == "":
            return ""
        return self.sections.get(group, {}).get(str(code), str(code))

    def labels(self, group: str) -> Mapping[str, str]:
        return self.sections.get(group, MappingProxyType({}))

    def text(self, key: str, **fields: Any) -> str:
        """The sentence ``section.key`` with ``fields`` filled in; KeyError for an unknown key."""
        section, _, name = key.partition(".")
        template = self.sections[section][name]
        return template.format(**fields) if fields else template

    def error_text(self, error: PbdocsError | Notice | str, /, **fields: Any) -> str:
        """What went wrong, in Chinese: the ``[errors]`` text of an error's code with its fields
        (an error, a notice, or a code and its fields). The path is not part of it: the shell puts
        it in front."""
        if isinstance(error, (PbdocsError, Notice)):
            code, fields = error.code, error.fields
        else:
            code = error
        template = self.sections.get("errors", {}).get(code) or self.sections.get("warnings", {}).get(code)
        parts = {name: self.sections.get(PART_SECTIONS[name], {}) for name in PARTS}
        text = code if template is None else fill(template, with_parts(fields, parts))
        return self.text("cli.error_in", path=fields["file"], message=text) if fields.get("file") else text

    def web_labels(self) -> dict[str, dict[str, str]]:
        """The label groups the web page uses (JSON-ready)."""
        return {group: dict(self.labels(group)) for group in WEB_GROUPS}


def _fail(source: str, where: str, message: str):
    raise ValueError(f"{source}: {where}: {message}")


def parse_catalogue(text: str, lang: str = "zh", source: str = "pbdocs/data/messages.toml") -> Catalogue:
    """Validate the TOML ``text`` of a catalogue; ValueError naming the place of any fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        _fail(source, "top level", f"not valid TOML: {exc}")
    sections: dict[str, Mapping[str, str]] = {}
    for name, value in data.items():
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            _fail(source, f"[{name}]", "must be a table of strings")
        for key, template in value.items():
            try:
                list(string.Formatter().parse(template))
            except ValueError as exc:
                _fail(source, f"[{name}]", f"bad template {key!r}: {exc}")
        sections[name] = MappingProxyType(dict(value))
    return Catalogue(lang=lang, sections=MappingProxyType(sections))


@functools.cache
def catalogue(lang: str = "zh") -> Catalogue:
    """The catalogue of ``lang`` (package data, read once); :class:`InvalidOption` for another language."""
    if lang not in LANGUAGES:
        raise InvalidOption("option.unknown_language", value=lang, choices=", ".join(LANGUAGES))
    text = resources.files("pbdocs").joinpath("data", "messages.toml").read_text(encoding="utf-8")
    return parse_catalogue(text, lang)
