"""The policy corpus: a folder of documents plus ``manifest.json`` describing each one.

A manifest entry holds id, file (relative to the corpus folder), title, issuer (发文机关),
doc_number (文号), date, source, the file's sha256 and the version fields: ``version`` (2023修正),
``effective`` (施行 date), ``superseded_by`` (the id of the next version of the same law) and
``in_force`` (set only to pin what inference would otherwise decide). ``ingest`` adds files of any
format the extractor reads; their metadata comes from the text (the extractor's parse,
``# source:``-style header lines, and the promulgation lines under a statute's title) unless given
explicitly, and every ingest links the versions of same-titled documents again
(:func:`.versions.successors`).

Every function takes its folders as arguments; the shell (``pbdocs.shell``) decides the defaults.
:data:`PACKAGED_CORPUS` and :data:`PACKAGED_INDEX` are where a wheel carries the bundled corpus and
its ready-made index. Nothing here reads the environment or looks for the checkout or the home
folder.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ..errors import CorpusError, ReadError
from ..files import sha256_file, write_text_atomic
from ..legal import enacting_body, promulgating_order
from ..models import Document
from .versions import Edition, effective_date, enactments, successors, version_label

__all__ = [
    "CorpusEntry",
    "Corpus",
    "MANIFEST",
    "SearchLocations",
    "PACKAGED_CORPUS",
    "PACKAGED_INDEX",
    "ingest",
    "copy_corpus",
    "link_versions",
    "header_fields",
    "body_start",
]

MANIFEST = "manifest.json"
METADATA_FIELDS = ("title", "issuer", "doc_number", "date", "source")
VERSION_FIELDS = ("version", "effective")
_HEADER_LINE = re.compile(r"^#\s*(source|origin|title|note|issuer|date|doc_number)\s*:\s*(.*?)\s*$", re.I)
_INFO_END = "<!-- INFO END -->"
_VERSION_IN_SOURCE = re.compile(r"\(((?:19|20)\d{2}-\d{2}-\d{2})\)\.\w+\b")


@dataclass(frozen=True)
class CorpusEntry:
    id: str
    file: str
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None
    source: str | None = None
    sha256: str = ""
    version: str | None = None
    effective: str | None = None
    superseded_by: str | None = None
    in_force: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CorpusEntry:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def is_in_force(self) -> bool:
        """Pinned by the manifest, else in force unless a later version supersedes it."""
        return self.in_force if self.in_force is not None else self.superseded_by is None

    def version_info(self) -> dict[str, Any]:
        """What the index keeps per document beside its metadata, for ranking and citations."""
        return {"version": self.version, "effective": self.effective, "superseded_by": self.superseded_by,
                "in_force": self.is_in_force}


@dataclass(frozen=True)
class SearchLocations:
    """A corpus folder, the index folder built from it, an index shipped ready-made for it (used
    instead while it is fresh for the corpus), and an index whose stored vectors a build of
    ``index_dir`` takes instead of encoding the same passages again (the shipped one, also where
    the user chose another index folder)."""

    corpus_dir: Path
    index_dir: Path
    shipped_index: Path | None = None
    vector_seed: Path | None = None


# Where a wheel carries the bundled corpus: setup.py copies the checkout's corpus/ here at build time.
PACKAGED_CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
# The index of the bundled corpus with its passage vectors, committed (scripts/build_index.py
# makes it): the first search after installing builds nothing. Used only while its fingerprint is
# the corpus's.
PACKAGED_INDEX = Path(__file__).resolve().parents[1] / "data" / "index"


def header_fields(text: str) -> dict[str, str]:
    """``# key: value`` lines at the top of a file (how the bundled regulations cite their source)."""
    found: dict[str, str] = {}
    for line in text.split("\n"):
        if not line.strip():
            continue
        m = _HEADER_LINE.match(line.strip())
        if not m:
            break
        found.setdefault(m.group(1).lower(), m.group(2))
    return found


def body_start(text: str) -> int:
    """Offset where the document proper begins, after its ``# key: value`` header lines."""
    pos = 0
    for line in text.split("\n"):
        if line.strip() and not _HEADER_LINE.match(line.strip()):
            break
        pos += len(line) + 1
    return min(pos, len(text))


def statute_fields(text: str) -> dict[str, str]:
    """Date, issuer and decree number from the promulgation lines under a statute's title.

    The latest act that passes, promulgates or amends the text dates the version (施行 acts give
    the effective date, not the version); the decree (国务院令第250号) or the legislature named in
    that act is the issuer.
    """
    # LawRefBook closes its promulgation lines with a marker; dates after it are the articles'.
    head = text.split(_INFO_END, 1)[0]
    found: dict[str, str] = {}
    latest = ""
    for event in enactments(head):
        approval = "批准" in event.act and not re.search(r"修正|修订", event.act)
        if event.takes_effect or approval or event.date < latest:
            continue
        latest = event.date
        if order := promulgating_order(event.act):
            found["doc_number"], found["issuer"] = order.number, order.issuer
        elif body := enacting_body(event.act):
            found["issuer"] = body
    if latest:
        found["date"] = latest
    return found


def describe(doc: Document) -> dict[str, str | None]:
    """Metadata of an extracted document: header lines over statute lines over the extractor's parse."""
    meta = {k: v for k, v in doc.metadata.as_dict().items() if v}
    headers = header_fields(doc.text)
    if headers:
        # The extractor takes the first line for a title; with header lines that is a header.
        meta.pop("title", None)
    meta.update(statute_fields(doc.text))
    for key in METADATA_FIELDS:
        if headers.get(key):
            meta[key] = headers[key]
    # LawRefBook names each file after the version's date: 社会团体登记管理条例(2016-02-06).md.
    if version := _VERSION_IN_SOURCE.search(headers.get("source", "")):
        meta["date"] = version.group(1)
    if "title" not in meta:
        first = doc.text[body_start(doc.text):].lstrip().split("\n", 1)[0].strip().lstrip("#").strip()
        if 2 <= len(first) <= 60:
            meta["title"] = first
    body = doc.text[body_start(doc.text):]
    meta["version"] = version_label(body, meta.get("date"))
    if meta["version"] is None and meta.get("date") and promulgating_order(meta.get("doc_number") or ""):
        # Issued by an order (国务院令第250号 over the text, no promulgation lines): the order's year.
        meta["version"] = meta["date"][:4]
    meta["effective"] = effective_date(body, meta.get("date"))
    return {key: meta.get(key) for key in METADATA_FIELDS + VERSION_FIELDS}


class Corpus:
    """A corpus folder and its manifest; documents are extracted on demand."""

    def __init__(self, root: str | os.PathLike, entries: list[CorpusEntry]):
        self.root = Path(root)
        self.entries = entries

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    @classmethod
    def load(cls, root: str | os.PathLike) -> Corpus:
        root = Path(root)
        path = root / MANIFEST
        if not root.is_dir():
            raise CorpusError("corpus.not_found", path=root)
        if not path.is_file():
            return cls(root, [])
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CorpusError("corpus.bad_manifest", path=path, detail=exc) from None
        docs = raw.get("documents") if isinstance(raw, dict) else None
        if not isinstance(docs, list):
            raise CorpusError("corpus.no_document_list", path=path)
        entries: list[CorpusEntry] = []
        seen: set[str] = set()
        for i, item in enumerate(docs):
            if not isinstance(item, dict) or not item.get("id") or not item.get("file"):
                raise CorpusError("corpus.bad_entry", path=path, entry=i + 1)
            if item["id"] in seen:
                raise CorpusError("corpus.duplicate_id", path=path, id=item["id"])
            seen.add(item["id"])
            entries.append(CorpusEntry.from_dict(item))
        return cls(root, entries)

    def file_path(self, entry: CorpusEntry) -> Path:
        return self.root / entry.file

    def fingerprint(self) -> str:
        """Identifies the corpus content: the manifest lists every file's sha256."""
        digest = hashlib.sha256()
        digest.update(json.dumps([e.as_dict() for e in self.entries], ensure_ascii=False).encode())
        return digest.hexdigest()[:16]

    def newest_mtime(self) -> float:
        paths = [self.manifest_path] + [self.file_path(e) for e in self.entries]
        return max((p.stat().st_mtime for p in paths if p.exists()), default=0.0)

    def read(self, entry: CorpusEntry) -> Document:
        """Extract one corpus document, checking it is the file the manifest describes."""
        from ..extract import extract

        path = self.file_path(entry)
        if not path.is_file():
            raise CorpusError("corpus.file_missing", path=path, manifest=self.manifest_path)
        if entry.sha256 and sha256_file(path) != entry.sha256:
            raise CorpusError("corpus.file_changed", path=path)
        doc = extract(path)
        for key in METADATA_FIELDS:
            setattr(doc.metadata, key, getattr(entry, key))
        return doc

    def documents(self) -> Iterable[tuple[CorpusEntry, Document]]:
        for entry in self.entries:
            yield entry, self.read(entry)

    def infer_versions(self) -> None:
        """Fill in ``version`` and ``effective`` where the manifest lacks them, from each document's
        text, and link the versions of same-titled documents again."""
        updated = []
        for entry in self.entries:
            if entry.version is None or entry.effective is None:
                text = self.read(entry).text
                body = text[body_start(text):]
                entry = replace(entry, version=entry.version or version_label(body, entry.date),
                                effective=entry.effective or effective_date(body, entry.date))
            updated.append(entry)
        self.entries = link_versions(updated)

    def save(self) -> None:
        payload = {"version": 1, "documents": [e.as_dict() for e in self.entries]}
        write_text_atomic(self.manifest_path, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")




def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files named, and the readable files inside folders named, in a stable order."""
    from ..extract import SUPPORTED_SUFFIXES

    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                              and not f.name.startswith(".")))
        elif p.exists():
            out.append(p)
        else:
            raise ReadError("read.no_such_path", path=p)
    return out


def _slug(stem: str) -> str:
    slug = re.sub(r"[^\w\u3400-\u9fff.-]+", "-", stem).strip("-")
    return slug or "document"


def ingest(
    paths: Iterable[str | os.PathLike],
    corpus_dir: str | os.PathLike,
    *,
    subdir: str = "",
    overrides: dict[str, Any] | None = None,
) -> list[CorpusEntry]:
    """Copy documents into the corpus in ``corpus_dir`` (created when missing) and record them in its
    manifest; returns their entries.

    ``overrides`` replaces what is read from the text: any of :data:`METADATA_FIELDS`, ``version``,
    ``effective``, and the version links: ``superseded_by`` (an id of the corpus) or ``in_force``
    (True) pin the documents' status instead of inferring it from same-titled documents.

    Each file is extracted first, so an unreadable one raises :class:`ReadError` before anything
    is written. Ingesting a file already present (same content) updates its entry in place.
    """
    from ..extract import extract

    corpus = _load_or_create(Path(corpus_dir))
    given = {k: v for k, v in (overrides or {}).items() if v is not None and v != ""}
    pinned = _pinned_status(corpus, given)
    staged: list[tuple[Path, CorpusEntry]] = []
    for path in expand_paths(paths):
        doc = extract(path)
        meta: dict[str, Any] = describe(doc)
        meta.update({k: v for k, v in given.items() if k in METADATA_FIELDS + VERSION_FIELDS})
        meta.update(pinned)
        digest = sha256_file(path)
        existing = next((e for e in corpus.entries if e.sha256 == digest), None)
        if existing is not None:
            staged.append((path, replace(existing, **meta)))
            continue
        rel = _free_name(corpus, Path(subdir) / path.name, digest)
        entry_id = _free_id(corpus, [e.id for _, e in staged], _slug(path.stem))
        staged.append((path, CorpusEntry(id=entry_id, file=rel.as_posix(), sha256=digest, **meta)))
    for path, entry in staged:
        target = corpus.root / entry.file
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)
        corpus.entries = [e for e in corpus.entries if e.id != entry.id] + [entry]
    corpus.entries = link_versions(corpus.entries)
    corpus.save()
    by_id = {e.id: e for e in corpus.entries}
    return [by_id[entry.id] for _, entry in staged]


def _pinned_status(corpus: Corpus, given: dict[str, Any]) -> dict[str, Any]:
    """The version status an ingest pins: superseded by a named document, or in force."""
    successor = given.get("superseded_by")
    if successor is not None:
        if given.get("in_force"):
            raise CorpusError("corpus.in_force_and_superseded")
        if successor not in {e.id for e in corpus.entries}:
            raise CorpusError("corpus.unknown_successor", id=successor, manifest=corpus.manifest_path)
        return {"superseded_by": successor, "in_force": False}
    if given.get("in_force"):
        return {"superseded_by": None, "in_force": True}
    return {}


def link_versions(entries: list[CorpusEntry]) -> list[CorpusEntry]:
    """``entries`` with ``superseded_by`` inferred for every document whose status is not pinned:
    the next newer document of the same short title supersedes it."""
    links = successors([Edition(e.id, e.title, e.date, e.in_force is not None) for e in entries])
    return [replace(e, superseded_by=links[e.id]) if e.id in links else e for e in entries]


def copy_corpus(source: str | os.PathLike, target: str | os.PathLike) -> Path:
    """Copy the corpus folder ``source`` to ``target`` (which must not exist yet) whole or not at all:
    into a temporary folder beside it, then renamed."""
    import tempfile

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.tmp-"))
    try:
        shutil.copytree(source, tmp, dirs_exist_ok=True)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _load_or_create(root: Path) -> Corpus:
    root.mkdir(parents=True, exist_ok=True)
    return Corpus.load(root)


def _free_name(corpus: Corpus, rel: Path, digest: str) -> Path:
    candidate, n = rel, 1
    while (corpus.root / candidate).exists() and sha256_file(corpus.root / candidate) != digest:
        n += 1
        candidate = rel.with_name(f"{rel.stem}-{n}{rel.suffix}")
    return candidate


def _free_id(corpus: Corpus, staged_ids: list[str], base: str) -> str:
    taken = {e.id for e in corpus.entries} | set(staged_ids)
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
