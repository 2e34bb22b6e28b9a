"""Where the shell finds the search corpus and index: shell code, like ``cli.py`` and ``pbdocs/web/``.

The library takes every folder as an argument and reads no environment. The commands and the web
decide: a folder the user gives (a command option, or ``$PBDOCS_CORPUS`` / ``$PBDOCS_INDEX``, which
the commands read through their options and the web through :func:`environment_locations`), else the
bundled ``corpus/`` and ``index/bundled`` of a checkout. Installed from a wheel, the bundled corpus
is package data: its index is built once into ``$XDG_CACHE_HOME/pbdocs`` (``~/.cache/pbdocs``), and
the first ``pbdocs ingest`` without ``--corpus`` copies it to ``$XDG_DATA_HOME/pbdocs/corpus``
(``~/.local/share/pbdocs/corpus``), which from then on is the default corpus. Nothing is ever
written inside the installed package or the current folder.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CorpusError

if TYPE_CHECKING:
    from .search.corpus import SearchLocations

__all__ = ["CORPUS_ENV", "INDEX_ENV", "bundled_locations", "cache_dir", "corpus_dir", "data_dir",
           "environment_locations", "index_dir", "prefix_cache_dir", "search_locations", "vector_cache_dir"]

CORPUS_ENV = "PBDOCS_CORPUS"
INDEX_ENV = "PBDOCS_INDEX"


def _user_folder(variable: str, fallback: str) -> Path:
    return Path(os.environ.get(variable) or Path.home() / fallback) / "pbdocs"


def cache_dir() -> Path:
    """The per-user cache folder pbdocs builds the bundled corpus's index in when installed from a
    wheel: ``$XDG_CACHE_HOME/pbdocs``, else ``~/.cache/pbdocs``. The commands and the web use it;
    a program calling :func:`pbdocs.ask` may pass it as ``cache_dir`` (or a folder of its own)."""
    return _user_folder("XDG_CACHE_HOME", ".cache")


def _user_corpus() -> Path:
    return _user_folder("XDG_DATA_HOME", ".local/share") / "corpus"


def bundled_locations(cache: str | os.PathLike | None = None) -> SearchLocations | None:
    """Where the bundled corpus and its index are: run from a checkout (installed editable), its
    ``corpus/`` and ``index/bundled``; installed from a wheel, the corpus the package carries with
    its index kept under the user's cache folder, never inside the installed package. Either way
    the index shipped in the package is used while it is fresh. None when there is no corpus."""
    from ._version import __version__
    from .search.corpus import MANIFEST, PACKAGED_CORPUS, PACKAGED_INDEX, SearchLocations

    root = Path(__file__).resolve().parents[1]
    if (root / "corpus" / MANIFEST).is_file():
        return SearchLocations(root / "corpus", root / "index" / "bundled", PACKAGED_INDEX)
    if not (PACKAGED_CORPUS / MANIFEST).is_file():
        return None
    return SearchLocations(PACKAGED_CORPUS, Path(cache or cache_dir()) / "index" / f"bundled-{__version__}",
                           PACKAGED_INDEX)


def prefix_cache_dir(cache: str | os.PathLike | None = None) -> Path:
    """Where the segmenter's dictionary is kept for an index that carries none, or one this tokenizer
    does not take (the shipped index's, under another jieba or user dictionary)."""
    return Path(cache or cache_dir()) / "prefixdict"


def vector_cache_dir(cache: str | os.PathLike | None = None) -> Path:
    """Where passage vectors already encoded are kept between index builds."""
    return Path(cache or cache_dir()) / "vectors"


def search_locations(index: str | os.PathLike | None = None, corpus: str | os.PathLike | None = None,
                     cache: str | os.PathLike | None = None) -> SearchLocations:
    """The index and corpus a search uses, given the user's choices (either may be None): the
    shipped index stands in for the default one of the bundled corpus while it is fresh."""
    from .search.corpus import SearchLocations

    chosen_corpus = corpus_dir(corpus)
    bundled = bundled_locations(cache)
    shipped = bundled.shipped_index if bundled is not None and not index else None
    chosen_index = Path(index) if index else bundled.index_dir if bundled is not None else index_dir()
    return SearchLocations(chosen_corpus, chosen_index, shipped,
                           bundled.shipped_index if bundled is not None else None)


def corpus_dir(given: str | os.PathLike | None = None, *, for_writing: bool = False) -> Path:
    """``given``, else the bundled corpus; installed from a wheel, the user's copy of it once there
    is one (made here when ``for_writing``, so that ``ingest`` never writes into the package)."""
    from .search.corpus import MANIFEST, PACKAGED_CORPUS, copy_corpus

    if given:
        return Path(given)
    bundled = bundled_locations()
    if bundled is None:
        raise CorpusError("corpus.none_found", variable=CORPUS_ENV)
    if bundled.corpus_dir != PACKAGED_CORPUS:
        return bundled.corpus_dir
    local = _user_corpus()
    if (local / MANIFEST).is_file():
        return local
    if for_writing:
        copy_corpus(PACKAGED_CORPUS, local)
        return local
    return bundled.corpus_dir


def index_dir(given: str | os.PathLike | None = None) -> Path:
    """``given``, else the bundled index (of a checkout, or in the user's cache folder)."""
    if given:
        return Path(given)
    bundled = bundled_locations()
    if bundled is None:
        return cache_dir() / "index" / "default"
    return bundled.index_dir


def environment_locations() -> SearchLocations:
    """The default index and the corpus it is kept fresh against, as the environment sets them."""
    return search_locations(os.environ.get(INDEX_ENV), os.environ.get(CORPUS_ENV))


def data_dir(given: str | os.PathLike | None = None) -> Path:
    """``given``, else the platform's per-user data folder: where ``pbdocs serve`` keeps accounts,
    batches and uploaded originals (``%LOCALAPPDATA%\\pbdocs``, ``~/Library/Application Support/pbdocs``,
    ``$XDG_DATA_HOME/pbdocs`` or ``~/.local/share/pbdocs``)."""
    import sys

    if given:
        return Path(given)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "pbdocs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "pbdocs"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "pbdocs"
