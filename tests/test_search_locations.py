"""Where an installed pbdocs keeps the bundled corpus's index and an office's own corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

from pbdocs import shell
from pbdocs.search import corpus as corpus_module
from pbdocs.search.corpus import Corpus, SearchLocations, ingest

DATA = Path(__file__).parent / "data" / "search"


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """pbdocs as a wheel installs it: the corpus is package data, there is no checkout."""
    packaged = tmp_path / "site-packages" / "pbdocs" / "data" / "corpus"
    ingest([DATA / "ingest"], packaged)

    def locations(cache=None):
        return SearchLocations(packaged, Path(cache or shell.cache_dir()) / "index" / "bundled-test")

    monkeypatch.setattr(corpus_module, "PACKAGED_CORPUS", packaged)
    monkeypatch.setattr(shell, "bundled_locations", locations)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path, packaged


def test_the_index_goes_to_the_user_cache(installed):
    tmp_path, packaged = installed
    assert shell.corpus_dir() == packaged
    assert shell.index_dir() == tmp_path / "cache" / "pbdocs" / "index" / "bundled-test"


def test_ingest_copies_the_bundled_corpus_to_the_user_data_folder_first(installed):
    tmp_path, packaged = installed
    before = (packaged / "manifest.json").read_text(encoding="utf-8")
    target = shell.corpus_dir(for_writing=True)
    assert target == tmp_path / "data" / "pbdocs" / "corpus"
    ingest([DATA / "local"], target)
    assert (packaged / "manifest.json").read_text(encoding="utf-8") == before
    assert shell.corpus_dir() == target
    assert len(Corpus.load(target).entries) == len(Corpus.load(packaged).entries) + 2



def test_ask_builds_the_bundled_index_where_the_shell_says(installed):
    """The library takes the platform's cache folder from pbdocs.shell, like the commands do: one
    index for a program and for `pbdocs search`, under $XDG_CACHE_HOME."""
    import pbdocs

    tmp_path, _ = installed
    built: list[Path] = []
    pbdocs.open_searcher(on_build=built.append)
    assert built == [shell.cache_dir() / "index" / "bundled-test"]
    assert shell.cache_dir() == tmp_path / "cache" / "pbdocs"


def test_ask_takes_the_cache_folder_from_its_caller(installed, tmp_path):
    import pbdocs

    built: list[Path] = []
    pbdocs.open_searcher(cache_dir=tmp_path / "mine", on_build=built.append)
    assert built == [tmp_path / "mine" / "index" / "bundled-test"]
    assert pbdocs.ask("社会团体", k=1, cache_dir=tmp_path / "mine").as_dict()["query"] == "社会团体"
