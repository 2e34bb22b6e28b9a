"""Okapi BM25 on a sparse matrix: a query's scores are a weighted sum of a few matrix columns.

The weights are exactly those of ``rank_bm25.BM25Okapi`` (same k1, b, epsilon, and the same floor
for negative idf: a term in more than half of the passages gets ``epsilon * average_idf``), so
for the same tokens both give the same scores; this one precomputes every (passage, term) weight
once at build time instead of scanning all passages per query term.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections import Counter
from typing import Iterable, Sequence

import numpy as np

__all__ = ["BM25Params", "BM25Matrix", "build_bm25", "build_bm25_counts", "count_terms"]


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25

    def as_dict(self) -> dict[str, float]:
        return {"k1": self.k1, "b": self.b, "epsilon": self.epsilon}


@dataclass
class BM25Matrix:
    """Passage x term BM25 weights in CSC form (columns = terms) plus the idf of every term.

    The three CSC arrays may be memory-mapped; scoring only reads the columns a query names.
    """

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    idf: np.ndarray
    n_docs: int

    def scores(self, term_weights: Iterable[tuple[int, float]]) -> np.ndarray:
        """Scores of all passages for (column, weight) pairs; a repeated token repeats its pair."""
        out = np.zeros(self.n_docs, dtype=np.float64)
        for col, weight in term_weights:
            lo, hi = int(self.indptr[col]), int(self.indptr[col + 1])
            if hi > lo:
                # Rows are unique within a column, so fancy-index addition is exact here.
                out[self.indices[lo:hi]] += weight * self.data[lo:hi]
        return out

    def column(self, col: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = int(self.indptr[col]), int(self.indptr[col + 1])
        return self.indices[lo:hi], self.data[lo:hi]


TermCounts = tuple[Sequence[str], Sequence[int], int]
"""One document as (distinct terms, their counts, its length in tokens)."""


def count_terms(tokens: Sequence[str]) -> TermCounts:
    counts = Counter(tokens)
    return list(counts.keys()), list(counts.values()), len(tokens)


def build_bm25(
    docs: Sequence[Sequence[str]],
    params: BM25Params = BM25Params(),
    dtype=np.float64,
) -> tuple[BM25Matrix, list[str]]:
    """BM25 weights of tokenized ``docs``; see :func:`build_bm25_counts`."""
    return build_bm25_counts([count_terms(d) for d in docs], params, dtype)


def build_bm25_counts(
    counted: Sequence[TermCounts],
    params: BM25Params = BM25Params(),
    dtype=np.float64,
) -> tuple[BM25Matrix, list[str]]:
    """BM25 weights from per-document term counts; returns the matrix and its sorted terms
    (column ``j`` is ``terms[j]``).

    Documents arrive already counted (the tokenizing workers count them), so the only loop
    here is one dictionary lookup per distinct term of each document; the weighting is then
    vectorized over all non-zeros.
    """
    from scipy import sparse

    if not counted:
        raise ValueError("cannot build BM25 over an empty collection")
    vocab: dict[str, int] = {}
    columns: list[int] = []
    freqs: list[int] = []
    indptr = np.zeros(len(counted) + 1, dtype=np.int64)
    doc_len = np.zeros(len(counted), dtype=np.float64)
    for i, (terms, counts, length) in enumerate(counted):
        columns.extend([vocab.setdefault(t, len(vocab)) for t in terms])
        freqs.extend(counts)
        indptr[i + 1] = len(columns)
        doc_len[i] = length
    if not vocab:
        raise ValueError("the documents have no tokens")
    terms_sorted = sorted(vocab)
    position = np.empty(len(vocab), dtype=np.int32)
    position[np.fromiter((vocab[t] for t in terms_sorted), dtype=np.int64, count=len(vocab))] = np.arange(
        len(vocab), dtype=np.int32
    )
    indices = position[np.asarray(columns, dtype=np.int64)]
    freq = np.asarray(freqs, dtype=np.float64)

    n_docs = len(counted)
    avgdl = doc_len.sum() / n_docs
    df = np.bincount(indices, minlength=len(vocab)).astype(np.float64)
    idf = np.log(n_docs - df + 0.5) - np.log(df + 0.5)
    average_idf = idf.sum() / len(idf)
    idf = np.where(idf < 0, params.epsilon * average_idf, idf)

    rows = np.repeat(np.arange(n_docs), np.diff(indptr))
    norm = params.k1 * (1 - params.b + params.b * doc_len[rows] / avgdl)
    weights = idf[indices] * freq * (params.k1 + 1) / (freq + norm)
    csc = sparse.csr_matrix((weights.astype(dtype), indices, indptr), shape=(n_docs, len(vocab))).tocsc()
    csc.sort_indices()
    matrix = BM25Matrix(
        data=csc.data,
        indices=csc.indices.astype(np.int32, copy=False),
        indptr=csc.indptr.astype(np.int64, copy=False),
        idf=idf,
        n_docs=n_docs,
    )
    return matrix, terms_sorted
