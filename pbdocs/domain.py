"""The domain registry: organization types, subject words, pack names, rule ids and texts.

Everything pbdocs knows about the organizations it checks is package data in
``pbdocs/data/domain.toml``, read once by :func:`registry`. The checker, the CLI's choices, the
web's form options and report columns are derived from it, so a new alias or pack is one edit
there. This module imports only :mod:`pbdocs.errors` and the standard library, so every layer
may use it.
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
from typing import Any, NoReturn

from .errors import InvalidOption, RulePackError, regex_problem, toml_fault_at

__all__ = ["Approval", "Cue", "Domain", "DocumentKind", "KindJudging", "OrgType", "Place", "RuleIds", "parse_domain",
           "registry"]

_SOURCE = "pbdocs/data/domain.toml"
# The [fix] templates that give a fix's place (the others give its text or a missing article's name).
_FIX_PLACES = ("replace_contradicted", "replace_partial", "amend_weak", "add_to_article")


@dataclass(frozen=True)
class OrgType:
    """One kind of social organization (社会团体, 基金会, 社会服务机构)."""

    code: str
    name: str
    aliases: tuple[str, ...]
    default_subject: str
    statutory_rules: tuple[str, ...]
    describes: str
    named: str

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every way a user may name this type: the Chinese name, its aliases, the English code."""
        return (self.name, *self.aliases, self.code)


@dataclass(frozen=True)
class Cue:
    """Words that speak for a document kind wherever they stand in the text: ``pattern`` (a regular
    expression over normalized text) adds ``weight`` for each time it is found, up to ``cap`` times."""

    pattern: str
    weight: float
    cap: int = 3

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.M)


@dataclass(frozen=True)
class DocumentKind:
    """What a document is: a social-organization charter (the default kind) or a look-alike
    (company articles, a trade union's charter, a village pact...) that the party-clause verdicts
    do not fit. ``cues`` are read over the whole text; ``title``, ``named`` and ``describes`` are
    strong cues on the title line, the organization's name and its first sentences."""

    code: str
    name: str
    title: str | None = None
    named: str | None = None
    describes: str | None = None
    pack: str | None = None
    subject: str | None = None
    cues: tuple[Cue, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class KindJudging:
    """How the kind is told from the whole text: the weight of a ``title``/``named``/``describes``
    match, the score another kind needs (``min_score``) and its lead over the charter's (``margin``)."""

    title_weight: float
    named_weight: float
    describes_weight: float
    min_score: float
    margin: float


@dataclass(frozen=True)
class RuleIds:
    """Rules other parts of pbdocs report on by name (the one-line summary of a file)."""

    party_clause: str
    core_values: str
    placement: str
    party_building_body: str

    def as_dict(self) -> dict[str, str]:
        return {"party_clause": self.party_clause, "core_values": self.core_values,
                "placement": self.placement, "party_building_body": self.party_building_body}


@dataclass(frozen=True)
class Approval:
    """How an amended charter is approved: the body that adopts it, by type code, then the
    review and the registration authority's approval."""

    bodies: Mapping[str, str]
    default: str
    unknown: str
    review: str
    approve: str


@dataclass(frozen=True)
class Place:
    """An article a fix points to: the first matching ``pattern``, named by ``found``."""

    pattern: str
    found: str
    missing: str
    # What to say in an excerpt that starts mid-charter ({first}: its first article).
    excerpt: str | None = None


@dataclass(frozen=True)
class Domain:
    org_types: tuple[OrgType, ...]
    detection_order: tuple[OrgType, ...]
    other_subject: str
    founder_after: str
    subject_types: Mapping[str, str]
    subjects: tuple[str, ...]
    subject_not_after: str
    subject_fallback: str
    bare_subjects: tuple[str, ...]
    default_kind: DocumentKind
    document_kinds: tuple[DocumentKind, ...]
    kind_judging: KindJudging
    kind_packs: tuple[str, ...]
    default_pack: str
    every_pack: str
    builtin_packs: tuple[str, ...]
    pack_groups: Mapping[str, tuple[str, ...]]
    rule_ids: RuleIds
    places: Mapping[str, Place]
    fix_templates: Mapping[str, str]
    message_templates: Mapping[str, str]
    approval: Approval

    def approval_route(self, org_type: str | None) -> tuple[str, ...]:
        """The steps that approve an amendment of a charter of ``org_type`` (any spelling)."""
        code = next((t.code for t in self.org_types if org_type in t.spellings), None)
        body = self.approval.unknown if code is None else self.approval.bodies.get(code, self.approval.default)
        return (body, self.approval.review, self.approval.approve)

    def org_type(self, value: str) -> OrgType:
        """The type ``value`` names (any of its spellings); :class:`InvalidOption` for no type."""
        wanted = value.strip()
        for org_type in self.org_types:
            if wanted in org_type.spellings:
                return org_type
        raise InvalidOption("option.unknown_org_type", value=value, choices="、".join(self.org_type_names()),
                            codes=", ".join(self.org_type_choices()))

    def org_type_names(self) -> tuple[str, ...]:
        """The canonical Chinese names, as results and rule packs spell them."""
        return tuple(t.name for t in self.org_types)

    def org_type_choices(self) -> tuple[str, ...]:
        """Every accepted spelling of every type, for option choices."""
        return tuple(s for t in self.org_types for s in t.spellings)

    def statutory_scope(self, rule_id: str) -> tuple[str, ...]:
        """The types (canonical names) a built-in statutory rule applies to; () for every type."""
        return tuple(t.name for t in self.org_types if rule_id in t.statutory_rules)

    def default_subject(self, org_type: str | None) -> str:
        """The subject word for a type's charter that never names itself."""
        for candidate in self.org_types:
            if candidate.name == org_type:
                return candidate.default_subject
        return self.subject_fallback

    @property
    def pack_names(self) -> tuple[str, ...]:
        """Every name ``--pack`` accepts: the built-in packs, the packs of other kinds, the groups."""
        return (*self.builtin_packs, *self.kind_packs, *self.pack_groups)

    @property
    def kinds(self) -> tuple[DocumentKind, ...]:
        """Every document kind, the default (social-organization charter) first."""
        return (self.default_kind, *self.document_kinds)

    def kind(self, code: str) -> DocumentKind:
        """The kind named by ``code`` (its Chinese name or an alias: ``charter``); :class:`InvalidOption`
        for none."""
        wanted = code.strip()
        for kind in self.kinds:
            if wanted in (kind.code, kind.name, *kind.aliases):
                return kind
        raise InvalidOption("option.unknown_kind", value=code, choices=", ".join(self.kind_choices()))

    def kind_codes(self) -> tuple[str, ...]:
        return tuple(k.code for k in self.kinds)

    def kind_choices(self) -> tuple[str, ...]:
        """Every spelling ``--kind`` accepts: the codes, then the aliases."""
        return (*self.kind_codes(), *(a for k in self.kinds for a in k.aliases))

    def packs_named(self, name: str) -> tuple[str, ...]:
        """The built-in packs a group name stands for, or ``(name,)`` for any other name."""
        return self.pack_groups.get(name, (name,))

    def fix_template(self, key: str) -> str:
        return self.fix_templates[key]

    def fix_kind(self, where: str) -> str | None:
        """Which ``[fix]`` template the place of a fix was written from (``amend_weak``: words
        corrected in place; ``add_to_article``: words added to an article that stays...), None for
        a rule's own place. Readers of a fix (opinions, amendments) tell by it whether its text is
        a whole clause or only words."""
        return next((key for key, pattern in self._fix_places.items() if pattern.fullmatch(where)), None)

    @functools.cached_property
    def _fix_places(self) -> dict[str, re.Pattern[str]]:
        patterns = {}
        for key in _FIX_PLACES:
            template = self.fix_templates.get(key)
            if template is None:
                continue
            parts = [re.escape(literal) + ("(?:.+?)" if field is not None else "")
                     for literal, field, _, _ in string.Formatter().parse(template)]
            patterns[key] = re.compile("".join(parts), re.S)
        return patterns

    def message_template(self, key: str) -> str:
        return self.message_templates[key]

    @functools.cached_property
    def subject_pattern(self) -> re.Pattern[str]:
        """Any subject word (longest first), not inside 基本, 成本..."""
        words = "|".join(re.escape(w) for w in sorted(self.subjects, key=len, reverse=True))
        return re.compile(f"(?<![{re.escape(self.subject_not_after)}])(?:{words})")


class _Reader:
    """Typed fields out of the TOML tables, naming the table in every complaint."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, code: str, where: str, /, **fields: Any) -> NoReturn:
        place = {"place": "top"} if where == "top level" else {"place": "table", "table": where}
        raise RulePackError(code, path=self.source, **place, **fields)

    def table(self, data: Any, key: str, where: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            self.fail("domain.not_table", where, key=key)
        return value

    def text(self, data: dict[str, Any], key: str, where: str, *, pattern: bool = False) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value:
            self.fail("domain.not_text", where, key=key)
        if pattern:
            try:
                re.compile(value)
            except re.error as exc:
                self.fail("domain.bad_regex", where, key=key, pattern=value, detail=exc,
                          problem=regex_problem(exc), position=exc.pos)
        return value

    def strings(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail("domain.not_strings", where, key=key)
        return tuple(value)

    def templates(self, data: dict[str, Any], key: str) -> Mapping[str, str]:
        table = self.table(data, key, "top level")
        for name in table:
            template = self.text(table, name, f"[{key}]")
            try:
                list(string.Formatter().parse(template))
            except ValueError as exc:
                self.fail("domain.bad_template", f"[{key}]", name=name, detail=exc)
        return MappingProxyType(dict(table))


def _org_types(read: _Reader, data: dict[str, Any]) -> tuple[OrgType, ...]:
    entries = data.get("org_types")
    if not isinstance(entries, list) or not entries:
        read.fail("domain.no_org_types", "top level")
    types = []
    for index, entry in enumerate(entries):
        where = f"org_types[{index}]"
        types.append(OrgType(
            code=read.text(entry, "code", where), name=read.text(entry, "name", where),
            aliases=read.strings(entry, "aliases", where),
            default_subject=read.text(entry, "default_subject", where),
            statutory_rules=read.strings(entry, "statutory_rules", where),
            describes=read.text(entry, "describes", where, pattern=True),
            named=read.text(entry, "named", where, pattern=True),
        ))
    spellings = [s for t in types for s in t.spellings]
    if len(set(spellings)) != len(spellings):
        read.fail("domain.spelling_clash", "org_types")
    return tuple(types)


def _subject_types(read: _Reader, detection: dict[str, Any], by_code: Mapping[str, OrgType]) -> Mapping[str, str]:
    """[detection.subjects]: subject word -> the canonical name of the type it suggests."""
    table = detection.get("subjects", {})
    if not isinstance(table, dict) or not all(isinstance(v, str) and v in by_code for v in table.values()):
        read.fail("domain.bad_subjects", "[detection.subjects]")
    return MappingProxyType({word: by_code[code].name for word, code in table.items()})


def _places(read: _Reader, data: dict[str, Any]) -> Mapping[str, Place]:
    places = {}
    for name, entry in read.table(data, "places", "top level").items():
        where = f"[places.{name}]"
        if not isinstance(entry, dict):
            read.fail("domain.entry_not_table", where)
        places[name] = Place(pattern=read.text(entry, "pattern", where, pattern=True),
                             found=read.text(entry, "found", where), missing=read.text(entry, "missing", where),
                             excerpt=_optional(read, entry, "excerpt", where))
    return MappingProxyType(places)


@dataclass(frozen=True)
class _Packs:
    default: str
    every: str
    builtin: tuple[str, ...]
    groups: Mapping[str, tuple[str, ...]]
    kinds: tuple[str, ...]


def _packs(read: _Reader, data: dict[str, Any]) -> _Packs:
    packs = read.table(data, "packs", "top level")
    builtin = read.strings(packs, "builtin", "[packs]")
    groups = {name: read.strings(packs["groups"], name, "[packs.groups]")
              for name in read.table(packs, "groups", "[packs]")}
    default = read.text(packs, "default", "[packs]")
    for name, members in groups.items():
        if name in builtin or not set(members) <= set(builtin):
            read.fail("domain.bad_group", "[packs.groups]", group=name)
    if default not in builtin and default not in groups:
        read.fail("domain.unknown_default", "[packs]", default=default)
    every = read.text(packs, "every", "[packs]")
    if set(groups.get(every, ())) != set(builtin):
        read.fail("domain.bad_every", "[packs]", every=every)
    kinds = read.strings(packs, "kinds", "[packs]") if "kinds" in packs else ()
    if set(kinds) & (set(builtin) | set(groups)):
        read.fail("domain.kind_pack_clash", "[packs]")
    return _Packs(default, every, builtin, MappingProxyType(groups), kinds)


def _optional(read: _Reader, data: dict[str, Any], key: str, where: str, *, pattern: bool = False) -> str | None:
    return read.text(data, key, where, pattern=pattern) if key in data else None


def _cues(read: _Reader, entry: dict[str, Any], where: str) -> tuple[Cue, ...]:
    """``[…cues]``: pattern = weight, or pattern = [weight, cap]."""
    table = entry.get("cues", {})
    if not isinstance(table, dict):
        read.fail("domain.bad_cues", where)
    cues = []
    for pattern, value in table.items():
        weight, cap = (value, 3) if not isinstance(value, list) else [*value, 3][:2]
        if not isinstance(weight, (int, float)) or not isinstance(cap, int) or cap < 1:
            read.fail("domain.bad_cue_weight", where, pattern=pattern)
        try:
            re.compile(pattern)
        except re.error as exc:
            read.fail("domain.bad_cue_regex", where, pattern=pattern, detail=exc,
                      problem=regex_problem(exc), position=exc.pos)
        cues.append(Cue(pattern, float(weight), cap))
    return tuple(cues)


def _kind_judging(read: _Reader, head: dict[str, Any]) -> KindJudging:
    table = head.get("judging", {})
    if not isinstance(table, dict):
        read.fail("domain.entry_not_table", "[kinds.judging]")
    values = {key: table.get(key, default) for key, default in (
        ("title_weight", 8), ("named_weight", 8), ("describes_weight", 6), ("min_score", 8), ("margin", 4))}
    if not all(isinstance(v, (int, float)) for v in values.values()):
        read.fail("domain.bad_judging", "[kinds.judging]")
    return KindJudging(**{key: float(value) for key, value in values.items()})


def _document_kinds(read: _Reader, data: dict[str, Any],
                    packs: _Packs) -> tuple[DocumentKind, tuple[DocumentKind, ...]]:
    head = read.table(data, "kinds", "top level")
    default = DocumentKind(read.text(head, "default", "[kinds]"), read.text(head, "default_name", "[kinds]"),
                           cues=_cues(read, head, "[kinds]"),
                           aliases=read.strings(head, "aliases", "[kinds]") if "aliases" in head else ())
    entries = data.get("document_kinds", [])
    if not isinstance(entries, list):
        read.fail("domain.kinds_not_list", "top level")
    kinds = []
    for index, entry in enumerate(entries):
        where = f"document_kinds[{index}]"
        kind = DocumentKind(
            code=read.text(entry, "code", where), name=read.text(entry, "name", where),
            title=_optional(read, entry, "title", where, pattern=True),
            named=_optional(read, entry, "named", where, pattern=True),
            describes=_optional(read, entry, "describes", where, pattern=True),
            pack=_optional(read, entry, "pack", where), subject=_optional(read, entry, "subject", where),
            cues=_cues(read, entry, where),
        )
        if not (kind.title or kind.named or kind.describes or kind.cues):
            read.fail("domain.kind_without_cues", where)
        if kind.pack is not None and kind.pack not in packs.kinds:
            read.fail("domain.unknown_kind_pack", where, pack=kind.pack)
        kinds.append(kind)
    codes = [default.code, *(k.code for k in kinds)]
    if len(set(codes)) != len(codes):
        read.fail("domain.duplicate_kind", "document_kinds")
    return default, tuple(kinds)


def _approval(read: _Reader, data: dict[str, Any], codes: set[str]) -> Approval:
    table = read.table(data, "approval", "top level")
    bodies = read.table(table, "bodies", "[approval]")
    for code in bodies:
        if code not in codes:
            read.fail("domain.unknown_body", "[approval.bodies]", code=code)
        read.text(bodies, code, "[approval.bodies]")
    return Approval(MappingProxyType(dict(bodies)), read.text(table, "default", "[approval]"),
                    read.text(table, "unknown", "[approval]"), read.text(table, "review", "[approval]"),
                    read.text(table, "approve", "[approval]"))


def parse_domain(text: str, source: str = _SOURCE) -> Domain:
    """Validate the TOML ``text`` of a domain registry; ``source`` names it in error messages."""
    read = _Reader(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        read.fail("domain.not_toml", "top level", detail=exc, **toml_fault_at(exc, text))
    org_types = _org_types(read, data)
    by_code = {t.code: t for t in org_types}
    detection = read.table(data, "detection", "top level")
    order = read.strings(detection, "order", "[detection]")
    if sorted(order) != sorted(by_code):
        read.fail("domain.bad_order", "[detection]", codes=", ".join(by_code))
    subjects = read.table(data, "subjects", "top level")
    packs = _packs(read, data)
    rule_ids = read.table(data, "rule_ids", "top level")
    default_kind, document_kinds = _document_kinds(read, data, packs)
    return Domain(
        org_types=org_types,
        detection_order=tuple(by_code[code] for code in order),
        other_subject=read.text(detection, "other_subject", "[detection]", pattern=True),
        founder_after=read.text(detection, "founder_after", "[detection]", pattern=True),
        subject_types=_subject_types(read, detection, by_code),
        subjects=read.strings(subjects, "words", "[subjects]"),
        subject_not_after=read.text(subjects, "not_after", "[subjects]"),
        subject_fallback=read.text(subjects, "default", "[subjects]"),
        bare_subjects=read.strings(subjects, "bare", "[subjects]") if "bare" in subjects else (),
        default_kind=default_kind,
        document_kinds=document_kinds,
        kind_judging=_kind_judging(read, read.table(data, "kinds", "top level")),
        kind_packs=packs.kinds,
        default_pack=packs.default,
        every_pack=packs.every,
        builtin_packs=packs.builtin,
        pack_groups=packs.groups,
        rule_ids=RuleIds(**{key: read.text(rule_ids, key, "[rule_ids]") for key in RuleIds.__dataclass_fields__}),
        places=_places(read, data),
        fix_templates=read.templates(data, "fix"),
        message_templates=read.templates(data, "messages"),
        approval=_approval(read, data, set(by_code)),
    )


@functools.cache
def registry() -> Domain:
    """The registry in ``pbdocs/data/domain.toml``, read on first use."""
    text = resources.files("pbdocs").joinpath("data", "domain.toml").read_text(encoding="utf-8")
    return parse_domain(text)
