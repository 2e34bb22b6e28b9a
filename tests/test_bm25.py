"""The sparse BM25 gives rank_bm25.BM25Okapi's scores for the same tokens and parameters."""
from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from pbdocs.search.bm25 import BM25Params, build_bm25
from pbdocs.search.index import IndexReader, build_index

CORPORA = sorted((Path(__file__).parent / "data" / "search" / "bm25").glob("*.json"))


def _load(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["docs"], data["queries"], BM25Params(**data["params"])


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.stem)
def test_scores_equal_rank_bm25(path):
    docs, queries, params = _load(path)
    reference = BM25Okapi(docs, k1=params.k1, b=params.b, epsilon=params.epsilon)
    matrix, terms = build_bm25(docs, params=params)
    column = {t: i for i, t in enumerate(terms)}
    for query in queries:
        expected = reference.get_scores(query)
        got = matrix.scores((column[t], 1.0) for t in query if t in column)
        assert np.allclose(got, expected), query


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.stem)
def test_idf_floor_matches(path):
    docs, _, params = _load(path)
    reference = BM25Okapi(docs, k1=params.k1, b=params.b, epsilon=params.epsilon)
    matrix, terms = build_bm25(docs, params=params)
    assert np.allclose(matrix.idf, [reference.idf[t] for t in terms])


def _raw_idfs(docs) -> list[float]:
    df = Counter(t for d in docs for t in set(d))
    return [math.log(len(docs) - f + 0.5) - math.log(f + 0.5) for f in df.values()]


def test_fixtures_cover_negative_idf():
    """The corpora exercise the floor: negative idfs, and a negative average idf too."""
    raw = [_raw_idfs(_load(path)[0]) for path in CORPORA]
    assert sum(1 for idfs in raw if min(idfs) < 0) >= 3
    assert any(sum(idfs) / len(idfs) < 0 for idfs in raw)


def test_empty_collection_is_refused():
    with pytest.raises(ValueError):
        build_bm25([])
    with pytest.raises(ValueError):
        build_bm25([[], []])


def test_written_index_scores_like_rank_bm25(tmp_path):
    """Through tokenization, float32 storage and memory-mapped loading, scores still agree."""
    from pbdocs.models import Document, Page
    from pbdocs.search.index import IndexedDocument, index_text, passages_of
    from pbdocs.search.tokenize import tokenize

    texts = [
        "第一条 社会团体应当遵守宪法、法律、法规和国家政策。\n第二条 社会团体的章程应当包括下列事项。",
        "社会组织党建工作指导员由上级党组织选派。党建工作指导员指导社会组织开展党的工作。",
        "基金会章程应当载明下列事项：名称及住所；原始基金数额。",
    ]
    docs = [IndexedDocument(f"d{i}", Document(f"d{i}.txt", "text", [Page(1, t)])) for i, t in enumerate(texts)]
    build_index(docs, tmp_path / "idx")
    reader = IndexReader.open(tmp_path / "idx")
    assert isinstance(reader.matrix.data, np.memmap)
    tokens = [tokenize(index_text(p)) for p in passages_of(docs)]
    reference = BM25Okapi(tokens)
    for query in (["社会组织", "党建工作指导员"], ["章程", "·章程", "应当"], ["基金会", "原始基金"]):
        cols = [(reader.terms.position(t), 1.0) for t in query if reader.terms.position(t) is not None]
        assert np.allclose(reader.matrix.scores(cols), reference.get_scores(query), rtol=1e-5)


def test_parallel_counting_equals_serial(monkeypatch):
    """Batches counted in worker processes merge into exactly the serial counts."""
    from pbdocs.search import tokenize as tokenize_module
    from pbdocs.search.bm25 import build_bm25_counts

    texts = [f"第{i}条 社会组织应当按照章程开展活动，党组织每年召开{i % 7}次会议。" for i in range(60)]
    serial = tokenize_module.count_many(texts, processes=1)
    monkeypatch.setattr(tokenize_module, "_PARALLEL_MIN_TEXTS", 10)
    monkeypatch.setattr(tokenize_module, "_MIN_BATCH", 8)
    parallel = tokenize_module.count_many(texts, processes=2)
    assert parallel.terms == serial.terms
    for name in ("indptr", "doc_len"):
        assert np.array_equal(getattr(parallel, name), getattr(serial, name))
    a, _ = build_bm25_counts(serial)
    b, _ = build_bm25_counts(parallel)
    assert np.allclose(a.data, b.data) and np.array_equal(a.indices, b.indices)


def test_one_accumulation_adds_up_like_column_by_column():
    rng = np.random.default_rng(3)
    counts = [[f"t{int(i)}" for i in rng.integers(0, 40, size=int(rng.integers(1, 30)))] for _ in range(200)]
    matrix, terms = build_bm25(counts)
    column = {t: i for i, t in enumerate(terms)}
    query = [(column["t1"], 1.0), (column["t7"], 0.5), (column["t1"], 1.0), (column["t33"], 0.25)]
    expected = np.zeros(matrix.n_docs)
    for col, weight in query:
        rows, values = matrix.column(col)
        expected[rows] += weight * values
    assert np.array_equal(matrix.scores(query), expected)
    assert not matrix.scores([]).any()
