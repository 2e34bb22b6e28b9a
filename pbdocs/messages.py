"""The catalogue of what people read: Chinese labels for the codes JSON keeps, and sentences.

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
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

from .errors import LEGACY, InvalidOption, PbdocsError, fill

__all__ = ["Catalogue", "Reading", "catalogue", "parse_catalogue", "LANGUAGES"]

LANGUAGES = ("zh",)
# Label groups the web page receives through /api/config.
WEB_GROUPS = ("verdicts", "statuses", "severities", "elements", "rules", "methods", "columns", "booleans",
              "batch_statuses", "audit_actions", "report", "web")


@dataclass(frozen=True)
class Reading:
    """A Chinese reading of one family of English library reasons."""

    pattern: re.Pattern[str]
    text: str

    def read(self, reason: str) -> str | None:
        match = self.pattern.fullmatch(reason)
        if match is None:
            return None
        fields = {k: v or "" for k, v in match.groupdict().items()}
        return self.text.format(**fields)


@dataclass(frozen=True)
class Catalogue:
    """Labels by group and code, sentences by ``section.key``, readings of library reasons."""

    lang: str
    sections: Mapping[str, Mapping[str, str]]
    readings: tuple[Reading, ...]

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

    def error_text(self, error: PbdocsError | str, /, **fields: Any) -> str:
        """What went wrong, in Chinese: the ``[errors]`` text of an error's code with its fields
        (an error, or a code and its fields). The path is not part of it: the shell puts it in front."""
        if isinstance(error, PbdocsError):
            code, fields = error.code, error.fields
        else:
            code = error
        if code == LEGACY:
            return self.reading(fields.get("reason"))
        template = self.sections.get("errors", {}).get(code)
        return code if template is None else fill(template, fields)

    def reading(self, reason: str | None) -> str:
        """A library's English reason (an error, a warning) as people read it; a reason no
        reading knows is shown as it is."""
        if not reason:
            return ""
        for reading in self.readings:
            text = reading.read(reason)
            if text is not None:
                return text
        return reason

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
    readings: list[Reading] = []
    for name, value in data.items():
        if name == "readings":
            readings = [_reading(source, index, entry) for index, entry in enumerate(value)]
            continue
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            _fail(source, f"[{name}]", "must be a table of strings")
        for key, template in value.items():
            try:
                list(string.Formatter().parse(template))
            except ValueError as exc:
                _fail(source, f"[{name}]", f"bad template {key!r}: {exc}")
        sections[name] = MappingProxyType(dict(value))
    return Catalogue(lang=lang, sections=MappingProxyType(sections), readings=tuple(readings))


def _reading(source: str, index: int, entry: Any) -> Reading:
    where = f"readings[{index}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("pattern"), str) \
            or not isinstance(entry.get("text"), str):
        _fail(source, where, "needs a 'pattern' and a 'text' string")
    try:
        pattern = re.compile(entry["pattern"])
    except re.error as exc:
        _fail(source, where, f"bad regular expression: {exc}")
    unknown = {f for _, f, _, _ in string.Formatter().parse(entry["text"]) if f} - set(pattern.groupindex)
    if unknown:
        _fail(source, where, f"text fields {sorted(unknown)} are not groups of the pattern")
    return Reading(pattern, entry["text"])


@functools.cache
def catalogue(lang: str = "zh") -> Catalogue:
    """The catalogue of ``lang`` (package data, read once); :class:`InvalidOption` for another language."""
    if lang not in LANGUAGES:
        raise InvalidOption(f"unknown language {lang!r} (one of: {', '.join(LANGUAGES)})")
    text = resources.files("pbdocs").joinpath("data", "messages.toml").read_text(encoding="utf-8")
    return parse_catalogue(text, lang)
