"""Rule packs: TOML files of rules, loaded from package data or a user's file and validated.

A pack is data only (ids, legal basis, fix templates, regular expressions); the kinds a rule may
have, and what each asks of its pack entry, are the table ``RULE_KINDS`` here; the engine
(:mod:`pbdocs.rules.engine`) gives each kind its evaluation. Pack names,
organization types and the types each built-in statutory rule applies to come from the domain
registry (:mod:`pbdocs.domain`).
"""
from __future__ import annotations

import functools
import os
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn, overload

from ..domain import registry
from ..errors import RulePackError, regex_problem, toml_fault_at
from ..legal import citation

__all__ = [
    "LegalBasis", "ElementSpec", "Alternative", "RuleSpec", "Pack", "Lexicon",
    "load_pack", "resolve_packs", "builtin_pack_names", "list_rules", "lexicon", "RuleKind", "RULE_KINDS",
]

SEVERITIES = ("error", "warning", "info")
# Fix templates may only use what the engine can fill in from the charter.
FIX_FIELDS = frozenset({"subject", "after", "purpose", "supervision", "article", "missing", "clause"})


@dataclass(frozen=True)
class RuleKind:
    """What a rule ``kind`` asks of its pack entry; the engine runs each kind its own way."""

    # clause, contents and mention rules look for their elements in the text.
    needs_elements: bool = True
    # A rule about another rule's finding names it as `target` and runs after every other kind.
    reads_target: bool = False


# The kinds a pack may use, in this order in messages (the engine has one evaluation for each).
RULE_KINDS: Mapping[str, RuleKind] = MappingProxyType({
    "clause": RuleKind(),
    "contents": RuleKind(),
    "placement": RuleKind(needs_elements=False, reads_target=True),
    "mention": RuleKind(),
})


@dataclass(frozen=True)
class LegalBasis:
    title: str
    doc_number: str | None
    date: str | None
    article: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "doc_number": self.doc_number, "date": self.date, "article": self.article}

    @classmethod
    def from_dict(cls, data: Any) -> LegalBasis:
        """The basis ``as_dict`` gave; ValueError for anything else."""
        if not isinstance(data, dict) or not isinstance(data.get("title"), str):
            raise ValueError("a legal basis is a JSON object with a 'title'")
        return cls(data["title"], data.get("doc_number"), data.get("date"), data.get("article"))

    def cite(self) -> str:
        return citation(self.title, doc_number=self.doc_number, article=self.article, date=self.date)


@dataclass(frozen=True)
class ElementSpec:
    id: str
    title: str
    canonical: str | None
    patterns: tuple[str, ...]
    weak: tuple[str, ...] = ()
    anchors: str = ""
    required: bool = True
    article: str | None = None
    # Other words for the same duty (设立中共XX协会党支部, 保证党组织的活动经费): found with a lower
    # confidence than the accepted variants, and quoted so that a person can judge them.
    paraphrases: tuple[str, ...] = ()
    # A hit whose sentence goes on to one of these does not count (制定本细则 after 根据《党章》).
    unless: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alternative:
    """Another arrangement that satisfies some elements (the small-organization clause)."""

    title: str
    replaces: tuple[str, ...]
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class RuleSpec:
    id: str
    title: str
    kind: str
    severity: str
    basis: LegalBasis
    fix_text: str | None
    fix_where: str | None
    elements: tuple[ElementSpec, ...] = ()
    gate: bool = False
    primary: bool = False
    org_types: tuple[str, ...] = ()
    target: str | None = None
    alternative: Alternative | None = None
    pack: str = ""

    def as_dict(self) -> dict[str, Any]:
        """What `pbdocs rules` shows: identity, legal basis, elements and fix template."""
        return {
            "id": self.id,
            "pack": self.pack,
            "title": self.title,
            "kind": self.kind,
            "severity": self.severity,
            "gate": self.gate,
            "org_types": list(self.org_types),
            "basis": self.basis.as_dict(),
            "elements": [
                {"id": e.id, "title": e.title, "canonical": e.canonical, "required": e.required,
                 "article": e.article}
                for e in self.elements
            ],
            "alternative": self.alternative.title if self.alternative else None,
            "fix": {"text": self.fix_text, "where": self.fix_where} if self.fix_text else None,
        }


@dataclass(frozen=True)
class Pack:
    name: str
    title: str
    source: str
    rules: tuple[RuleSpec, ...]


@dataclass(frozen=True)
class Lexicon:
    """The matcher's vocabulary: OCR look-alikes, negation, mention, citation and quotation cues."""

    ocr_confusions: dict[str, str]
    negation_window: int
    negation: tuple[str, ...]
    negation_exempt: tuple[str, ...]
    negation_after: tuple[str, ...]
    mention: tuple[str, ...]
    citation: tuple[str, ...]
    quotation_window: int
    quotation_cues: tuple[str, ...]


def _data_dir():
    return resources.files("pbdocs").joinpath("data", "rules")


def builtin_pack_names() -> list[str]:
    """Packs shipped with pbdocs: those for social organizations, then those of other document kinds."""
    domain = registry()
    return [*domain.builtin_packs, *domain.kind_packs]


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulePackError("rules.not_toml", path=source, detail=exc, **toml_fault_at(exc, text)) from None


# Where in a pack a fault is: a place code of pbdocs.errors.PARTS and its fields (rule, element, index).
Place = dict[str, Any]


def _place(code: str, **fields: Any) -> Place:
    if "index" in fields:
        fields["number"] = fields["index"] + 1
    return {"place": code, **fields}


class _Checker:
    """Reads typed fields out of TOML tables, naming the file and the place in every complaint."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, code: str, where: Place, /, **fields: Any) -> NoReturn:
        raise RulePackError(code, path=self.source, **where, **fields)

    def table(self, data: Any, where: Place) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.fail("rules.not_table", where)
        return data

    def only(self, data: dict[str, Any], allowed: set[str], where: Place) -> None:
        unknown = sorted(set(data) - allowed)
        if unknown:
            self.fail("rules.unknown_keys", where, keys=", ".join(unknown), allowed=", ".join(sorted(allowed)))

    @overload
    def text(self, data: dict[str, Any], key: str, where: Place) -> str: ...
    @overload
    def text(self, data: dict[str, Any], key: str, where: Place, *, required: bool) -> str | None: ...

    def text(self, data: dict[str, Any], key: str, where: Place, *, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail("rules.missing_key", where, key=key)
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail("rules.not_text", where, key=key)
        return value

    def flag(self, data: dict[str, Any], key: str, where: Place, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail("rules.not_flag", where, key=key)
        return value

    def strings(self, data: dict[str, Any], key: str, where: Place, *, required: bool = False) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail("rules.not_strings", where, key=key)
        if required and not value:
            self.fail("rules.empty_list", where, key=key)
        return tuple(value)

    def patterns(self, data: dict[str, Any], key: str, where: Place, *, required: bool = False) -> tuple[str, ...]:
        values = self.strings(data, key, where, required=required)
        for pattern in values:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                self.fail("rules.bad_regex", where, key=key, pattern=pattern, detail=exc,
                          problem=regex_problem(exc), position=exc.pos)
            if compiled.match(""):
                self.fail("rules.empty_match", where, key=key, pattern=pattern)
        return values

    def template(self, value: str | None, where: Place) -> str | None:
        if value is None:
            return None
        try:
            fields = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            self.fail("rules.bad_template", where, template=value, detail=exc)
        unknown = fields - FIX_FIELDS
        if unknown:
            self.fail("rules.template_fields", where, unknown=", ".join(sorted(unknown)),
                      allowed=", ".join(sorted(FIX_FIELDS)))
        return value


_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _parse_basis(check: _Checker, data: Any, rule_id: str) -> LegalBasis:
    where = _place("basis", rule=rule_id)
    data = check.table(data, where)
    check.only(data, {"title", "doc_number", "date", "article"}, where)
    return LegalBasis(
        title=check.text(data, "title", where),
        doc_number=check.text(data, "doc_number", where, required=False) or None,
        date=check.text(data, "date", where, required=False) or None,
        article=check.text(data, "article", where, required=False) or None,
    )


def _parse_element(check: _Checker, data: Any, rule_id: str, index: int) -> ElementSpec:
    where = _place("element_at", rule=rule_id, index=index)
    data = check.table(data, where)
    check.only(data, {"id", "title", "canonical", "patterns", "weak", "anchors", "required", "article",
                      "paraphrases", "unless"}, where)
    element_id = check.text(data, "id", where)
    if not _ID.match(element_id):
        check.fail("rules.bad_id", where, id=element_id)
    named = _place("element", rule=rule_id, index=index, element=element_id)
    return ElementSpec(
        id=element_id,
        title=check.text(data, "title", named),
        canonical=check.text(data, "canonical", named, required=False),
        patterns=check.patterns(data, "patterns", named, required=True),
        weak=check.patterns(data, "weak", named),
        anchors=check.text(data, "anchors", named, required=False) or "",
        required=check.flag(data, "required", named, True),
        article=check.text(data, "article", named, required=False),
        paraphrases=check.patterns(data, "paraphrases", named),
        unless=check.patterns(data, "unless", named),
    )


def _parse_rule(check: _Checker, data: Any, index: int, pack_name: str) -> RuleSpec:
    where = _place("rule_at", index=index)
    data = check.table(data, where)
    check.only(data, {"id", "title", "kind", "severity", "basis", "fix", "elements", "gate", "primary",
                      "org_types", "target", "alternative"}, where)
    rule_id = check.text(data, "id", where)
    if not _ID.match(rule_id):
        check.fail("rules.bad_id", where, id=rule_id)
    where = _place("rule", rule=rule_id)
    kinds = RULE_KINDS
    kind = check.text(data, "kind", where)
    if kind not in kinds:
        check.fail("rules.unknown_kind", where, kind=kind, kinds=", ".join(kinds))
    kind_spec = kinds[kind]
    severity = check.text(data, "severity", where)
    if severity not in SEVERITIES:
        check.fail("rules.unknown_severity", where, severity=severity, severities=", ".join(SEVERITIES))
    if "basis" not in data:
        check.fail("rules.missing_basis", where)
    basis = _parse_basis(check, data["basis"], rule_id)
    at_fix = _place("fix", rule=rule_id)
    fix = check.table(data.get("fix", {}), at_fix)
    check.only(fix, {"text", "where"}, at_fix)
    fix_text = check.template(check.text(fix, "text", at_fix, required=False), at_fix)
    fix_where = check.template(check.text(fix, "where", at_fix, required=False), at_fix)
    raw_elements = data.get("elements", [])
    if not isinstance(raw_elements, list):
        check.fail("rules.elements_not_list", where)
    elements = tuple(_parse_element(check, e, rule_id, i) for i, e in enumerate(raw_elements))
    ids = [e.id for e in elements]
    if len(set(ids)) != len(ids):
        check.fail("rules.duplicate_elements", where)
    if kind_spec.needs_elements and not elements:
        check.fail("rules.needs_elements", where, kind=kind)
    target = check.text(data, "target", where, required=kind_spec.reads_target)
    org_types = check.strings(data, "org_types", where)
    known_types = registry().org_type_names()
    for org_type in org_types:
        if org_type not in known_types:
            check.fail("rules.unknown_org_type", where, org_type=org_type, org_types=", ".join(known_types))
    alternative = None
    if "alternative" in data:
        at_alt = _place("alternative", rule=rule_id)
        alt = check.table(data["alternative"], at_alt)
        check.only(alt, {"title", "replaces", "patterns"}, at_alt)
        replaces = check.strings(alt, "replaces", at_alt, required=True)
        for element_id in replaces:
            if element_id not in ids:
                check.fail("rules.unknown_replaced", at_alt, element_id=element_id)
        alternative = Alternative(
            title=check.text(alt, "title", at_alt),
            replaces=replaces,
            patterns=check.patterns(alt, "patterns", at_alt, required=True),
        )
    return RuleSpec(
        id=rule_id,
        title=check.text(data, "title", where),
        kind=kind,
        severity=severity,
        basis=basis,
        fix_text=fix_text,
        fix_where=fix_where,
        elements=elements,
        gate=check.flag(data, "gate", where, False),
        primary=check.flag(data, "primary", where, False),
        org_types=org_types,
        target=target,
        alternative=alternative,
        pack=pack_name,
    )


def parse_pack(text: str, source: str) -> Pack:
    """Validate the TOML ``text`` of a pack; ``source`` names it in error messages."""
    check = _Checker(source)
    data = _parse_toml(text, source)
    top, at_pack = _place("top"), _place("pack")
    check.only(data, {"pack", "rules"}, top)
    if "pack" not in data:
        check.fail("rules.missing_pack", top)
    header = check.table(data["pack"], at_pack)
    check.only(header, {"name", "title"}, at_pack)
    name = check.text(header, "name", at_pack)
    rules_data = data.get("rules")
    if not isinstance(rules_data, list) or not rules_data:
        check.fail("rules.no_rules", top)
    rules = tuple(_parse_rule(check, r, i, name) for i, r in enumerate(rules_data))
    ids = [r.id for r in rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        check.fail("rules.duplicate_rules", _place("rules"), ids=", ".join(duplicates))
    for rule in rules:
        if RULE_KINDS[rule.kind].reads_target and rule.target not in ids:
            check.fail("rules.unknown_target", _place("rule", rule=rule.id), target=rule.target)
    return Pack(name=name, title=check.text(header, "title", at_pack), source=source, rules=rules)


@functools.lru_cache(maxsize=16)
def _builtin(name: str) -> Pack:
    resource = _data_dir().joinpath(f"{name}.toml")
    pack = parse_pack(resource.read_text(encoding="utf-8"), f"pbdocs/data/rules/{name}.toml")
    # Which organization types a built-in rule applies to is the registry's to say.
    domain = registry()
    rules = tuple(replace(r, org_types=r.org_types or domain.statutory_scope(r.id)) for r in pack.rules)
    return replace(pack, rules=rules)


def load_pack(name_or_path: str | os.PathLike[str]) -> Pack:
    """A built-in pack by name (``party``, ``statutory``) or a pack file by path."""
    name = str(name_or_path)
    if name in builtin_pack_names():
        return _builtin(name)
    path = Path(name_or_path)
    if not path.suffix and path.parent == Path("."):
        raise RulePackError("rules.unknown_pack", name=name, packs=", ".join(builtin_pack_names()))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulePackError("rules.no_such_file", path=path) from None
    except UnicodeDecodeError:
        raise RulePackError("rules.not_utf8", path=path) from None
    except OSError as exc:
        raise RulePackError("rules.cannot_read", path=path, detail=exc.strerror or exc) from None
    return parse_pack(text, str(path))


def resolve_packs(pack: str = "party", rules_file: str | os.PathLike[str] | Pack | None = None) -> list[Pack]:
    """The packs a check runs: ``pack`` (a built-in pack, a group of them, a file) plus the user's file
    (or the pack already parsed from it)."""
    packs = [load_pack(n) for n in registry().packs_named(pack)]
    if rules_file is not None:
        extra = rules_file if isinstance(rules_file, Pack) else load_pack(rules_file)
        known = {r.id for p in packs for r in p.rules}
        clash = sorted(known & {r.id for r in extra.rules})
        if clash:
            raise RulePackError("rules.id_clash", path=extra.source, ids=", ".join(clash))
        packs.append(extra)
    return packs


def list_rules(pack: str = "party", rules_file: str | os.PathLike[str] | None = None) -> list[RuleSpec]:
    return [rule for p in resolve_packs(pack, rules_file) for rule in p.rules]


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    source = "pbdocs/data/rules/_lexicon.toml"
    data = _parse_toml(_data_dir().joinpath("_lexicon.toml").read_text(encoding="utf-8"), source)
    try:
        return Lexicon(
            ocr_confusions=dict(data["ocr_confusions"]),
            negation_window=int(data["negation"]["window"]),
            negation=tuple(data["negation"]["patterns"]),
            negation_exempt=tuple(data["negation"]["exempt"]),
            negation_after=tuple(data["negation"]["after"]),
            mention=tuple(data["mention"]["patterns"]),
            citation=tuple(data["citation"]["patterns"]),
            quotation_window=int(data["quotation"]["window"]),
            quotation_cues=tuple(data["quotation"]["cues"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RulePackError("rules.bad_lexicon", path=source, detail=repr(exc)) from None
