"""Okapi BM25 on a sparse matrix: a query's scores are a weighted sum of a few matrix columns.

The weights are exactly those of ``rank_bm25.BM25Okapi`` (same k1, b, epsilon, and the same floor
for negative idf: a term in more than half of the passages gets ``epsilon * average_idf``), so
for the same tokens both give the same scores; this one precomputes every (passage, term) weight
once at build time instead of scanning all passages per query term.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["BM25Params", "BM25Matrix", "TermCounts", "build_bm25", "build_bm25_counts", "count_terms", "merge_counts"]


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
        """Scores of all passages for (column, weight) pairs; a repeated token repeats its pair.

        One accumulation for the whole query: the postings of all its columns are gathered into
        one array and summed per passage by ``bincount``, in column order, so each passage's score
        adds up in the same order as column by column.
        """
        pairs = list(term_weights)
        if not pairs:
            return np.zeros(self.n_docs, dtype=np.float64)
        cols = np.fromiter((c for c, _ in pairs), dtype=np.int64, count=len(pairs))
        weights = np.fromiter((w for _, w in pairs), dtype=np.float64, count=len(pairs))
        starts = np.asarray(self.indptr[cols], dtype=np.int64)
        lengths = np.asarray(self.indptr[cols + 1], dtype=np.int64) - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(self.n_docs, dtype=np.float64)
        # Position of every posting: each column's start plus 0, 1, 2, ... within it.
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
        values = self.data[offsets] * np.repeat(weights, lengths)
        return np.bincount(self.indices[offsets], weights=values, minlength=self.n_docs)

    def column(self, col: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = int(self.indptr[col]), int(self.indptr[col + 1])
        return self.indices[lo:hi], self.data[lo:hi]


@dataclass
class TermCounts:
    """Term counts of a batch of documents: CSR rows over the batch's own vocabulary ``terms``."""

    terms: list[str]
    indptr: np.ndarray
    indices: np.ndarray
    counts: np.ndarray
    doc_len: np.ndarray


def count_terms(docs: Iterable[Sequence[str]]) -> TermCounts:
    """Count the tokens of each document (run in the tokenizing workers, batch by batch)."""
    vocab: dict[str, int] = {}
    indices: list[int] = []
    counts: list[int] = []
    indptr = [0]
    lengths: list[int] = []
    for tokens in docs:
        for term, n in Counter(tokens).items():
            column = vocab.get(term)
            if column is None:
                column = vocab[term] = len(vocab)
            indices.append(column)
            counts.append(n)
        indptr.append(len(indices))
        lengths.append(len(tokens))
    return TermCounts(
        list(vocab),
        np.asarray(indptr, dtype=np.int64),
        np.asarray(indices, dtype=np.int64),
        np.asarray(counts, dtype=np.int64),
        np.asarray(lengths, dtype=np.int64),
    )


def merge_counts(parts: Sequence[TermCounts]) -> TermCounts:
    """One batch from many, over the sorted union vocabulary: one dictionary lookup per distinct
    term of each batch, everything else vectorized."""
    vocab: dict[str, int] = {}
    for part in parts:
        for term in part.terms:
            if term not in vocab:
                vocab[term] = len(vocab)
    terms = sorted(vocab)
    position = np.empty(len(vocab), dtype=np.int64)
    position[np.fromiter((vocab[t] for t in terms), dtype=np.int64, count=len(terms))] = np.arange(len(terms))
    indices, counts, lengths, indptrs = [], [], [], [np.zeros(1, dtype=np.int64)]
    offset = 0
    for part in parts:
        local = np.fromiter((vocab[t] for t in part.terms), dtype=np.int64, count=len(part.terms))
        indices.append(position[local][part.indices] if len(local) else part.indices)
        counts.append(part.counts)
        lengths.append(part.doc_len)
        indptrs.append(part.indptr[1:] + offset)
        offset += int(part.indptr[-1])
    return TermCounts(
        terms,
        np.concatenate(indptrs),
        np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64),
        np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64),
        np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64),
    )


def build_bm25(
    docs: Sequence[Sequence[str]],
    params: BM25Params = BM25Params(),
    dtype=np.float64,
) -> tuple[BM25Matrix, list[str]]:
    """BM25 weights of tokenized ``docs``; see :func:`build_bm25_counts`."""
    return build_bm25_counts(merge_counts([count_terms(docs)]), params, dtype)


def build_bm25_counts(
    counted: TermCounts,
    params: BM25Params = BM25Params(),
    dtype=np.float64,
) -> tuple[BM25Matrix, list[str]]:
    """BM25 weights from term counts over a sorted vocabulary (as :func:`merge_counts` makes);
    returns the matrix and its terms (column ``j`` is ``terms[j]``). Vectorized over the non-zeros."""
    from scipy import sparse

    n_docs = len(counted.doc_len)
    if n_docs == 0:
        raise ValueError("cannot build BM25 over an empty collection")
    if not counted.terms:
        raise ValueError("the documents have no tokens")
    n_terms = len(counted.terms)
    doc_len = counted.doc_len.astype(np.float64)
    avgdl = doc_len.sum() / n_docs
    df = np.bincount(counted.indices, minlength=n_terms).astype(np.float64)
    idf = np.log(n_docs - df + 0.5) - np.log(df + 0.5)
    average_idf = idf.sum() / n_terms
    idf = np.where(idf < 0, params.epsilon * average_idf, idf)

    rows = np.repeat(np.arange(n_docs), np.diff(counted.indptr))
    freq = counted.counts.astype(np.float64)
    norm = params.k1 * (1 - params.b + params.b * doc_len[rows] / avgdl)
    weights = idf[counted.indices] * freq * (params.k1 + 1) / (freq + norm)
    csc = sparse.csr_matrix(
        (weights.astype(dtype), counted.indices.astype(np.int32), counted.indptr), shape=(n_docs, n_terms)
    ).tocsc()
    csc.sort_indices()
    matrix = BM25Matrix(
        data=csc.data,
        indices=csc.indices.astype(np.int32, copy=False),
        indptr=csc.indptr.astype(np.int64, copy=False),
        idf=idf,
        n_docs=n_docs,
    )
    return matrix, counted.terms
