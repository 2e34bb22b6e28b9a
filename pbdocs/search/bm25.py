"""Okapi BM25 on a sparse matrix: a query's scores are a weighted sum of a few matrix columns.

The weights are exactly those of ``rank_bm25.BM25Okapi`` (same k1, b, epsilon, and the same floor
for negative idf: a term in more than half of the passages gets ``epsilon * average_idf``), so
for the same tokens both give the same scores; this one precomputes every (passage, term) weight
once at build time instead of scanning all passages per query term.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

__all__ = ["BM25Params", "BM25Matrix", "build_bm25"]


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


def build_bm25(
    docs: Sequence[Sequence[str]],
    vocabulary: Mapping[str, int] | None = None,
    params: BM25Params = BM25Params(),
    dtype=np.float64,
) -> tuple[BM25Matrix, dict[str, int]]:
    """BM25 weights of tokenized ``docs``; returns the matrix and the term -> column vocabulary.

    Counting goes through scikit-learn's CountVectorizer on pre-split tokens, which builds the
    term-frequency matrix in C-speed loops; the weighting is then vectorized over its non-zeros.
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    if not docs:
        raise ValueError("cannot build BM25 over an empty collection")
    vectorizer = CountVectorizer(
        analyzer=_identity, vocabulary=vocabulary, lowercase=False, dtype=np.int32
    )
    tf = vectorizer.fit_transform(docs) if vocabulary is None else vectorizer.transform(docs)
    vocab = dict(vectorizer.vocabulary_) if vocabulary is None else dict(vocabulary)
    if not vocab:
        raise ValueError("cannot build BM25: the documents have no tokens")
    tf = sparse.csr_matrix(tf)
    n_docs = tf.shape[0]
    doc_len = np.asarray([len(d) for d in docs], dtype=np.float64)
    avgdl = doc_len.sum() / n_docs

    df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float64)
    present = df > 0
    idf = np.log(n_docs - df + 0.5) - np.log(df + 0.5)
    # rank_bm25 averages over the terms it has seen; a fixed vocabulary may list absent ones.
    average_idf = idf[present].sum() / present.sum()
    idf = np.where(present & (idf < 0), params.epsilon * average_idf, idf)
    idf[~present] = 0.0

    rows = np.repeat(np.arange(n_docs), np.diff(tf.indptr))
    freq = tf.data.astype(np.float64)
    norm = params.k1 * (1 - params.b + params.b * doc_len[rows] / avgdl)
    weights = idf[tf.indices] * freq * (params.k1 + 1) / (freq + norm)
    csc = sparse.csr_matrix((weights.astype(dtype), tf.indices, tf.indptr), shape=tf.shape).tocsc()
    csc.sort_indices()
    matrix = BM25Matrix(
        data=csc.data,
        indices=csc.indices.astype(np.int32, copy=False),
        indptr=csc.indptr.astype(np.int64, copy=False),
        idf=idf,
        n_docs=n_docs,
    )
    return matrix, vocab


def _identity(tokens):
    return tokens
