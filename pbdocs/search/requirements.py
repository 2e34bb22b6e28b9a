"""The corpus documents stating what the checker requires, generated from the rule packs.

Every legal basis a built-in rule cites is either a statute whose full text the corpus holds
(社会团体登记管理条例 第十四条 ...) or a notice or model text summarized here: one document per
basis, holding the rule's title, elements, the basis's title, 文号 and date, and the formula of its
fix text, framed by the sentences of ``pbdocs/data/search/requirements.toml``. The bundled corpus is
written from this (``scripts/build_corpus.py``) and a test checks it still agrees, so ``pbdocs
check`` and ``pbdocs search`` cannot quote different requirements.
"""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..legal import citation, format_numeral
from ..rules.packs import LegalBasis, RuleSpec, builtin_pack_names, load_pack
from .corpus import Corpus, CorpusEntry, link_versions

__all__ = ["RequirementDocument", "cited_bases", "requirement_documents", "write_requirements"]

# Stands for the subject word in a fix template; the pack's own placeholders besides it stay blank.
_OTHER_PLACEHOLDERS = {"after": "", "purpose": "", "supervision": "", "article": "", "missing": ""}


@dataclass(frozen=True)
class RequirementDocument:
    """One generated document: where it goes in the corpus, its manifest fields and its text."""

    file: str
    title: str
    issuer: str | None
    doc_number: str | None
    date: str | None
    source: str
    text: str

    def entry(self, sha256: str, entry_id: str) -> CorpusEntry:
        return CorpusEntry(id=entry_id, file=self.file, title=self.title, issuer=self.issuer,
                           doc_number=self.doc_number, date=self.date, source=self.source, sha256=sha256)


@functools.lru_cache(maxsize=1)
def _templates() -> dict[str, Any]:
    text = resources.files("pbdocs").joinpath("data", "search", "requirements.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def cited_bases() -> dict[str, list[RuleSpec]]:
    """The built-in rules by the title of the legal basis they cite, in pack order."""
    out: dict[str, list[RuleSpec]] = {}
    for name in builtin_pack_names():
        for rule in load_pack(name).rules:
            out.setdefault(rule.basis.title, []).append(rule)
    return out


def formula(rule: RuleSpec, subject: str) -> str | None:
    """The official wording a clause rule's fix text states, with ``subject`` as its subject."""
    if rule.kind != "clause" or not rule.fix_text:
        return None
    return rule.fix_text.format(subject=subject, **_OTHER_PLACEHOLDERS)


def _rule_paragraphs(rule: RuleSpec, subject: str) -> list[str]:
    sentences = _templates()["sentences"]
    basis = (rule.basis.article or "").rstrip("。")
    if rule.kind == "placement":
        return [sentences["placement"].format(rule=rule.title, basis=basis)]
    if rule.kind == "mention":
        return [sentences["mention"].format(rule=rule.title, basis=basis + "。")]
    lines = []
    if wording := formula(rule, subject):
        lines.append(sentences["clause"].format(rule=rule.title, formula=wording))
    required = [e.title for e in rule.elements if e.required]
    optional = [e.title for e in rule.elements if not e.required]
    if required:
        lines.append(sentences["elements"].format(rule=rule.title, elements="；".join(required)))
    if optional:
        lines.append(sentences["optional"].format(elements="；".join(optional)))
    if rule.alternative is not None:
        lines.append(sentences["alternative"].format(alternative=rule.alternative.title))
    if subject:
        lines.append(sentences["subject"])
    return lines


def _document(spec: dict[str, Any], basis: LegalBasis, rules: list[RuleSpec]) -> RequirementDocument:
    templates = _templates()
    label = citation(basis.title, doc_number=basis.doc_number or None)
    body = [templates["summary"].format(label=label), "", templates["notice"], ""]
    for n, rule in enumerate(rules, 1):
        body.append(f"{format_numeral(n)}、{rule.title}")
        # One paragraph per rule, so that a passage holds the whole requirement: its formula with
        # the elements, the subject words and the small-organization arrangement.
        body.append("".join(_rule_paragraphs(rule, spec.get("formula_subject", ""))))
        body.append("")
    body.extend(spec.get("notes", []))
    packs = sorted({rule.pack for rule in rules})
    source = "pbdocs 审查规则 " + "、".join(f"pbdocs/data/rules/{p}.toml" for p in packs)
    header = [f"# title: {basis.title}", f"# source: {source}"]
    if spec.get("issuer"):
        header.append(f"# issuer: {spec['issuer']}")
    if basis.doc_number:
        header.append(f"# doc_number: {basis.doc_number}")
    if basis.date:
        header.append(f"# date: {basis.date}")
    text = "\n".join(header) + "\n\n" + "\n".join(body).rstrip() + "\n"
    return RequirementDocument(f"{templates['folder']}/{spec['file']}", basis.title, spec.get("issuer"),
                               basis.doc_number or None, basis.date or None, source, text)


def requirement_documents() -> list[RequirementDocument]:
    """The generated documents, one per legal basis listed in requirements.toml."""
    bases = cited_bases()
    out = []
    for spec in _templates()["documents"]:
        rules = bases.get(spec["title"])
        if not rules:
            raise ValueError(f"requirements.toml names {spec['title']!r}, which no built-in rule cites")
        out.append(_document(spec, rules[0].basis, rules))
    return out


def write_requirements(corpus_dir: str | Path) -> list[CorpusEntry]:
    """Write the generated documents into the corpus and its manifest (replacing earlier ones)."""
    from ..files import sha256_file, write_text_atomic

    corpus = Corpus.load(corpus_dir)
    entries = []
    for doc in requirement_documents():
        path = corpus.root / doc.file
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, doc.text)
        previous = next((e for e in corpus.entries if e.file == doc.file), None)
        entry_id = previous.id if previous else Path(doc.file).stem
        entry = doc.entry(sha256_file(path), entry_id)
        corpus.entries = [e for e in corpus.entries if e.id != entry_id] + [entry]
        entries.append(entry)
    corpus.entries = link_versions(corpus.entries)
    corpus.save()
    return entries
