"""Corpus manifest and ingest, atomic index writes, memory-mapped loads, staleness."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from pbdocs import open_searcher
from pbdocs.errors import CorpusError, ReadError, SearchIndexError, StaleIndexError
from pbdocs.search import Searcher, build
from pbdocs.search import index as index_module
from pbdocs.search.corpus import Corpus, ingest
from pbdocs.search.index import IndexReader, recover
from pbdocs.search.searcher import index_is_fresh

DATA = Path(__file__).parent / "data" / "search"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def corpus_dir(tmp_path):
    folder = tmp_path / "corpus"
    ingest(sorted((DATA / "ingest").iterdir()), folder)
    return folder


def test_ingest_reads_metadata_and_hashes(corpus_dir):
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    by_file = {e["file"]: e for e in manifest["documents"]}
    notice = by_file["notice.html"]
    assert notice["title"] == "示例市民政局关于加强社会组织党建工作的通知"
    assert notice["issuer"] == "示例市民政局"
    assert notice["doc_number"] == "示民发〔2021〕12号"
    assert notice["date"] == "2021-05-06"
    assert by_file["rules.md"]["title"] == "示例基金会管理细则"
    for entry in manifest["documents"]:
        assert len(entry["sha256"]) == 64 and (corpus_dir / entry["file"]).is_file()


def test_ingest_again_updates_instead_of_duplicating(corpus_dir):
    overrides = {"issuer": "示例市民政局", "date": "2022-01-01"}
    entries = ingest([DATA / "ingest" / "rules.md"], corpus_dir, overrides=overrides)
    corpus = Corpus.load(corpus_dir)
    assert len(corpus.entries) == 2
    rules = next(e for e in corpus.entries if e.file == "rules.md")
    assert (rules.issuer, rules.date) == ("示例市民政局", "2022-01-01") == (entries[0].issuer, entries[0].date)


def test_ingest_refuses_unreadable_files_before_writing(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf at all")
    with pytest.raises(ReadError, match=r"broken\.pdf"):
        ingest([bad], tmp_path / "corpus")
    assert not (tmp_path / "corpus" / "manifest.json").exists()


@pytest.mark.parametrize("content, message", [
    ("{not json", "not a readable JSON manifest"),
    ('{"documents": 3}', "documents"),
    ('{"documents": [{"id": "a"}]}', "needs an \"id\" and a \"file\""),
    ('{"documents": [{"id": "a", "file": "x.txt"}, {"id": "a", "file": "y.txt"}]}', "duplicate id"),
])
def test_bad_manifest_is_a_corpus_error(tmp_path, content, message):
    (tmp_path / "manifest.json").write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=message) as info:
        Corpus.load(tmp_path)
    assert "manifest.json" in str(info.value)


def test_changed_or_missing_corpus_files_are_reported(corpus_dir):
    corpus = Corpus.load(corpus_dir)
    rules = next(e for e in corpus.entries if e.file == "rules.md")
    (corpus_dir / "rules.md").write_text("# 改过了\n\n第一条 内容已改。\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"rules\.md: changed since it was ingested"):
        corpus.read(rules)
    (corpus_dir / "rules.md").unlink()
    with pytest.raises(CorpusError, match=r"rules\.md: listed in .* but missing"):
        corpus.read(rules)


def test_bundled_manifest_matches_its_files():
    corpus = Corpus.load(REPO / "corpus")
    # Every text of corpus/ is listed once (no count pinned: documents are added to the corpus over time).
    assert sorted(e.file for e in corpus.entries) == sorted(
        p.relative_to(REPO / "corpus").as_posix() for p in (REPO / "corpus").rglob("*.txt"))
    for entry in corpus.entries:
        assert entry.title and entry.sha256
        if entry.file.startswith("policies/"):
            # Taken from a public file, or (the 2022 党章) established from a bundled text and its amendment.
            assert entry.source.startswith(("github ", "established from the bundled")), entry.id
        if entry.file.startswith("requirements/"):
            assert entry.source.startswith("pbdocs 审查规则"), entry.id
    superseded = {e.id: e.superseded_by for e in corpus.entries if not e.is_in_force}
    assert superseded == {"慈善法_2016": "慈善法_2023修正", "公司法_2018": "公司法_2023",
                          "中国共产党章程_2017": "中国共产党章程_2022"}
    assert all(doc.text for _, doc in corpus.documents())


def test_build_writes_a_memory_mapped_index(corpus_dir, tmp_path):
    meta = build([corpus_dir], tmp_path / "idx")
    assert meta["n_documents"] == 2 and meta["n_passages"] >= 4
    reader = IndexReader.open(tmp_path / "idx")
    for array in (reader.matrix.data, reader.matrix.indices, reader.matrix.indptr):
        assert isinstance(array, np.memmap)
    assert reader.terms.position("原始基金") is not None and reader.terms.position("不存在的词语") is None
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".idx")]


def test_a_crash_while_building_leaves_the_old_index(corpus_dir, tmp_path, monkeypatch):
    build([corpus_dir], tmp_path / "idx")
    before = (tmp_path / "idx" / "meta.json").read_text(encoding="utf-8")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(index_module, "_write_docs", crash)
    with pytest.raises(OSError, match="disk full"):
        build([corpus_dir], tmp_path / "idx")
    assert (tmp_path / "idx" / "meta.json").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "idx"]
    IndexReader.open(tmp_path / "idx")


def test_a_crash_between_the_renames_is_recovered(corpus_dir, tmp_path):
    build([corpus_dir], tmp_path / "idx")
    os.rename(tmp_path / "idx", tmp_path / "idx.old-123-456")
    reader = IndexReader.open(tmp_path / "idx")
    assert reader.n_passages > 0
    assert not (tmp_path / "idx.old-123-456").exists()
    recover(tmp_path / "idx")


@pytest.mark.parametrize("damage, message", [
    (lambda d: (d / "meta.json").unlink(), "no search index here"),
    (lambda d: (d / "indptr.npy").write_bytes(b"garbage"), "corrupt search index"),
    (lambda d: (d / "docs.json").write_text("{", encoding="utf-8"), "corrupt search index"),
])
def test_damaged_index_is_a_typed_error(corpus_dir, tmp_path, damage, message):
    build([corpus_dir], tmp_path / "idx")
    damage(tmp_path / "idx")
    with pytest.raises(SearchIndexError, match=message):
        IndexReader.open(tmp_path / "idx")


def test_default_index_is_built_when_missing_and_rebuilt_when_stale(corpus_dir, tmp_path):
    index = tmp_path / "default-index"
    built = []
    searcher = open_searcher(index, corpus_dir, on_build=built.append)
    assert built == [index]
    assert searcher.search("原始基金不低于多少").hits[0].doc_id == "rules"
    open_searcher(index, corpus_dir, on_build=built.append)
    assert len(built) == 1, "a fresh index is reused"

    shutil.copy(DATA / "passages" / "statute.md", tmp_path / "statute.md")
    ingest([tmp_path / "statute.md"], corpus_dir)
    assert not index_is_fresh(index, Corpus.load(corpus_dir))
    searcher = open_searcher(index, corpus_dir, on_build=built.append)
    assert len(built) == 2
    assert searcher.search("示例社会团体管理办法第三条").hits[0].article == "第三条"


def test_an_index_cut_by_other_passage_rules_is_rebuilt(corpus_dir, tmp_path):
    # Built before a change to how documents are cut (a copied page's menus made a passage then).
    index = tmp_path / "default-index"
    built = []
    open_searcher(index, corpus_dir, on_build=built.append)
    meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
    (index / "meta.json").write_text(json.dumps({**meta, "passages": meta["passages"] - 1}), encoding="utf-8")
    assert not index_is_fresh(index, Corpus.load(corpus_dir))
    open_searcher(index, corpus_dir, on_build=built.append)
    assert built == [index, index]


def test_loading_never_builds(corpus_dir, tmp_path):
    index = tmp_path / "idx"
    with pytest.raises(StaleIndexError, match="no search index here"):
        Searcher.load(index)
    with pytest.raises(StaleIndexError, match="missing or older than the corpus"):
        Searcher.load(index, corpus_dir=corpus_dir)
    assert not index.exists()
    build([corpus_dir], index)
    assert Searcher.load(index, corpus_dir=corpus_dir).reader.n_passages > 0
    shutil.copy(DATA / "passages" / "statute.md", tmp_path / "statute.md")
    ingest([tmp_path / "statute.md"], corpus_dir)
    with pytest.raises(StaleIndexError, match="missing or older than the corpus"):
        Searcher.load(index, corpus_dir=corpus_dir)


def test_explicit_index_dir_must_exist(tmp_path):
    with pytest.raises(SearchIndexError, match="no search index here"):
        Searcher.load(tmp_path / "nowhere")


def test_concurrent_builds_leave_one_whole_index(corpus_dir, tmp_path):
    """Two processes rebuilding the same index at once: both finish, the index is readable."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=build, args=([corpus_dir], tmp_path / "idx")) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert IndexReader.open(tmp_path / "idx").n_passages > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "idx"]


def test_same_name_different_content_gets_its_own_file_and_id(corpus_dir, tmp_path):
    other = tmp_path / "elsewhere" / "rules.md"
    other.parent.mkdir()
    other.write_text("# 另一份细则\n\n第一条 会员大会每年召开一次。\n", encoding="utf-8")
    entry, = ingest([other], corpus_dir)
    assert (entry.id, entry.file) == ("rules-2", "rules-2.md")
    assert (corpus_dir / "rules-2.md").read_text(encoding="utf-8") == other.read_text(encoding="utf-8")
    assert len(Corpus.load(corpus_dir).entries) == 3
