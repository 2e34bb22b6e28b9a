"""The on-disk search index: built into a temporary folder, renamed into place, read memory-mapped.

Layout of an index folder:

- ``meta.json``: format, parameters, counts, the corpus fingerprint it was built from (written
  last, so a folder without it is incomplete);
- ``data.npy``, ``indices.npy``, ``indptr.npy``: the passage x term BM25 weights in CSC form;
  ``idf.npy``: each term's idf;
- ``terms.bin`` + ``terms_offsets.npy`` + ``terms_slots.npy``: the sorted vocabulary as a
  memory-mapped hash table (:mod:`.strtable`), so loading does not build a dictionary of a million
  terms and a lookup hashes once;
- ``passages.jsonl`` + ``passage_offsets.npy``: passage records read one by one for the hits, each
  with its folded text (normalized and lower-cased once, here);
- ``docs.json``: per document its metadata, version fields, where each of its articles is and how
  many other documents cite it (``cited_by``); ``cited.npy``: per passage, log(1 + that count) of
  its document;
- ``prefixdict/``: the segmenter's dictionary (jieba's with the user dictionary) memory-mapped, so
  a process asking one question segments it without loading jieba's (see :mod:`.prefixdict`).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SearchIndexError, StaleIndexError
from ..files import map_readonly, process_alive
from ..legal import article_number, cited_titles, title_key
from ..models import Document
from .bm25 import BM25Matrix, BM25Params, build_bm25_counts
from .passages import CUTTING_RULES, Passage, split_passages
from .strtable import StringTable, write_string_table

__all__ = ["IndexedDocument", "build_index", "IndexReader", "FORMAT_VERSION", "recover"]

# 2: the prefix dictionary beside the index (``prefixdict/``), hashed term lookup, citation prior.
# 3: each passage's folded text (normalized, lower-cased) stored with it, so search never
#    normalizes a passage again.
FORMAT_VERSION = 3
_ARRAYS = ("data", "indices", "indptr", "idf", "passage_offsets", "cited")
_OLD_SUFFIX = ".old-"


@dataclass
class IndexedDocument:
    """A document as the index sees it: an id, its metadata, and its text from ``body_start``."""

    doc_id: str
    document: Document
    body_start: int = 0
    file: str | None = None
    # Kept in docs.json beside the metadata: the corpus's version fields (version, effective,
    # superseded_by, in_force), which ranking and citations read.
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.document.metadata.title or self.doc_id


def passages_of(docs: Iterable[IndexedDocument]) -> list[Passage]:
    out: list[Passage] = []
    for d in docs:
        out.extend(split_passages(d.document.text, d.doc_id, d.title, body_start=d.body_start))
    return out


def index_text(p: Passage) -> str:
    """What is tokenized for a passage: its law title and labels too, so that a question naming
    the law (基金会 ... 原始基金) finds that law's articles."""
    return " ".join(x for x in (p.title, p.chapter, p.article, p.text) if x)


def build_index(
    docs: Sequence[IndexedDocument],
    index_dir: str | os.PathLike,
    *,
    params: BM25Params = BM25Params(),
    fingerprint: str | None = None,
    processes: int | None = None,
    extra_files: Callable[[Path, Sequence[Passage], dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Tokenize, weight and write an index for ``docs`` to ``index_dir``; returns its meta.

    ``extra_files(folder, passages, meta)`` writes what else belongs to this build into its folder
    before the meta (the re-ranker's passage vectors, :mod:`.rerank`).

    The folder is written under a temporary name beside ``index_dir`` and swapped in by rename:
    a crash at any point leaves the previous index whole (at worst under its ``.old-`` name, which
    :func:`recover` puts back).
    """
    from .tokenize import count_many, data_fingerprint, write_prefix_dict

    if not docs:
        raise SearchIndexError("index.no_documents")
    started = time.perf_counter()
    passages = passages_of(docs)
    if not passages:
        raise SearchIndexError("index.no_text")
    counted = count_many([index_text(p) for p in passages], processes=processes)
    tokenized = time.perf_counter()
    try:
        matrix, terms = build_bm25_counts(counted, params=params, dtype=np.float32)
    except ValueError as exc:
        raise SearchIndexError("index.cannot_build", detail=exc) from None

    target = Path(index_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    remove_leftover_builds(target)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.tmp-{os.getpid()}-"))
    try:
        _write_arrays(tmp, matrix, terms)
        _write_passages(tmp, passages)
        cited_by = citation_counts(docs, passages)
        _write_docs(tmp, docs, passages, cited_by)
        np.save(tmp / "cited.npy", np.log1p(np.asarray([cited_by[p.doc_id] for p in passages], dtype=np.float32)))
        write_prefix_dict(tmp / "prefixdict")
        meta = {
            "format": FORMAT_VERSION,
            "tokenizer": data_fingerprint(),
            "passages": CUTTING_RULES,
            "params": params.as_dict(),
            "fingerprint": fingerprint,
            "n_documents": len(docs),
            "n_passages": len(passages),
            "n_terms": len(terms),
            "n_postings": int(matrix.data.shape[0]),
            "tokenize_seconds": round(tokenized - started, 3),
            "build_seconds": round(time.perf_counter() - started, 3),
            "built_at": time.time(),
        }
        if extra_files is not None:
            extra_files(tmp, passages, meta)
            meta["build_seconds"] = round(time.perf_counter() - started, 3)
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        _swap_in(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return meta


def _write_arrays(folder: Path, matrix: BM25Matrix, terms: list[str]) -> None:
    np.save(folder / "data.npy", np.ascontiguousarray(matrix.data, dtype=np.float32))
    np.save(folder / "indices.npy", np.ascontiguousarray(matrix.indices, dtype=np.int32))
    np.save(folder / "indptr.npy", np.ascontiguousarray(matrix.indptr, dtype=np.int64))
    np.save(folder / "idf.npy", np.asarray(matrix.idf, dtype=np.float32))
    write_string_table(terms, folder, "terms")


def _write_passages(folder: Path, passages: list[Passage]) -> None:
    from .answer import fold

    offsets = [0]
    with (folder / "passages.jsonl").open("wb") as fh:
        for p in passages:
            line = (json.dumps({**p.as_dict(), "folded": fold(p.text)}, ensure_ascii=False) + "\n").encode("utf-8")
            fh.write(line)
            offsets.append(offsets[-1] + len(line))
    np.save(folder / "passage_offsets.npy", np.asarray(offsets, dtype=np.int64))


def citation_counts(docs: Sequence[IndexedDocument], passages: Sequence[Passage]) -> dict[str, int]:
    """For each document, how many other documents of the collection cite it by title (in 《》).

    The laws a whole body of law keeps referring to (民法典, 刑法, 公司法) are the ones lay questions
    are most often about: this count, taken from the collection itself at every build and needing
    no labels, is the prior the ``cited`` score factor reads.
    """
    by_title: dict[str, list[str]] = {}
    for d in docs:
        by_title.setdefault(title_key(d.title), []).append(d.doc_id)
    citing: dict[str, set[str]] = {d.doc_id: set() for d in docs}
    for p in passages:
        for key in set(cited_titles(p.text)):
            for doc_id in by_title.get(key, ()):
                if doc_id != p.doc_id:
                    citing[doc_id].add(p.doc_id)
    return {doc_id: len(citers) for doc_id, citers in citing.items()}


def _write_docs(folder: Path, docs: Sequence[IndexedDocument], passages: list[Passage],
                cited_by: dict[str, int]) -> None:
    articles: dict[str, dict[int, int]] = {}
    for pid, p in enumerate(passages):
        number = article_number(p.article)
        if number is not None:
            # The first passage of a long article stands for it.
            articles.setdefault(p.doc_id, {}).setdefault(number, pid)
    payload = {
        d.doc_id: {
            **d.document.metadata.as_dict(),
            **d.info,
            "title": d.title,
            "file": d.file,
            "cited_by": cited_by[d.doc_id],
            "articles": {str(k): v for k, v in articles.get(d.doc_id, {}).items()},
        }
        for d in docs
    }
    (folder / "docs.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


def _swap_in(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` to ``target``, moving an existing index aside first and deleting it after.

    Another process may be swapping in its own build at the same moment (the web server and a
    command both finding the index stale): whoever renames last wins, and a rename that finds
    the place taken again simply moves that index aside too and retries.
    """
    olds: list[Path] = []
    for attempt in range(10):
        if target.exists():
            old = target.with_name(f"{target.name}{_OLD_SUFFIX}{os.getpid()}-{time.time_ns()}")
            try:
                os.rename(target, old)
                olds.append(old)
            except FileNotFoundError:
                pass
        try:
            os.rename(tmp, target)
            break
        except OSError:
            if attempt == 9:
                raise
    for old in olds:
        shutil.rmtree(old, ignore_errors=True)


def remove_leftover_builds(target: Path) -> None:
    """Delete the half-written builds of ``target`` whose process is gone (killed mid-build); a
    build still running in another process keeps its folder. Folders are named
    ``.NAME.tmp-PID-XXXX``; one without a process id is from before that naming and is removed."""
    for leftover in target.parent.glob(f".{target.name}.tmp-*"):
        owner = leftover.name[len(f".{target.name}.tmp-"):].split("-", 1)[0]
        if owner.isdigit() and process_alive(int(owner)):
            continue
        shutil.rmtree(leftover, ignore_errors=True)


def recover(target: Path) -> None:
    """Put back an index a crash left under its ``.old-`` name between the two renames."""
    if (target / "meta.json").exists():
        return
    olds = sorted(target.parent.glob(f"{target.name}{_OLD_SUFFIX}*"))
    complete = [o for o in olds if (o / "meta.json").exists()]
    if complete and not target.exists():
        os.rename(complete[-1], target)


class IndexReader:
    """A loaded index. Arrays are memory-mapped; nothing is read until a query needs it."""

    def __init__(self, folder: Path, meta: dict[str, Any], matrix: BM25Matrix, terms: StringTable,
                 passages_blob, passage_offsets: np.ndarray, docs: dict[str, Any], cited: np.ndarray):
        self.folder = folder
        self.meta = meta
        self.matrix = matrix
        self.terms = terms
        self._passages_blob = passages_blob
        self._passage_offsets = passage_offsets
        self.docs = docs
        # Per passage, log(1 + how many documents cite its document): see factors.cited.
        self.cited = cited

    @classmethod
    def open(cls, folder: str | os.PathLike) -> IndexReader:
        folder = Path(folder)
        recover(folder)
        meta_path = folder / "meta.json"
        if not meta_path.is_file():
            raise StaleIndexError("index.missing", path=folder)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT_VERSION:
                raise SearchIndexError("index.old_format", path=folder, format=meta.get("format"),
                                       expected=FORMAT_VERSION)
            arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
            terms = StringTable(folder, "terms")
            passages_blob = map_readonly(folder / "passages.jsonl")
            docs = json.loads((folder / "docs.json").read_text(encoding="utf-8"))
        except SearchIndexError:
            raise
        except (OSError, ValueError, json.JSONDecodeError) as exc:
            raise SearchIndexError("index.corrupt", path=folder, detail=exc) from None
        n_terms = len(terms)
        if len(arrays["indptr"]) != n_terms + 1 or n_terms != meta.get("n_terms"):
            raise SearchIndexError("index.corrupt", path=folder, detail="term counts disagree")
        matrix = BM25Matrix(arrays["data"], arrays["indices"], arrays["indptr"], arrays["idf"],
                            int(meta["n_passages"]))
        from .tokenize import use_prefix_dict

        use_prefix_dict(folder / "prefixdict")
        if len(arrays["cited"]) != matrix.n_docs:
            raise SearchIndexError("index.corrupt", path=folder, detail="passage counts disagree")
        return cls(folder, meta, matrix, terms, passages_blob, arrays["passage_offsets"], docs, arrays["cited"])

    @property
    def n_passages(self) -> int:
        return self.matrix.n_docs

    def passage(self, pid: int) -> Passage:
        return self.passage_and_folded(pid)[0]

    def passage_and_folded(self, pid: int) -> tuple[Passage, str]:
        """A passage and its text as :func:`.answer.fold` gives it, normalized once at build."""
        a, b = int(self._passage_offsets[pid]), int(self._passage_offsets[pid + 1])
        record = json.loads(self._passages_blob[a:b].decode("utf-8"))
        folded = record.pop("folded")
        return Passage(**record), folded

    def article_passage(self, doc_id: str, number: int) -> int | None:
        pid = self.docs.get(doc_id, {}).get("articles", {}).get(str(number))
        return int(pid) if pid is not None else None

