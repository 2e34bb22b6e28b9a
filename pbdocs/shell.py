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

from .errors import CorpusError

__all__ = ["CORPUS_ENV", "INDEX_ENV", "cache_dir", "corpus_dir", "data_dir", "environment_locations", "index_dir"]

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


def corpus_dir(given: str | os.PathLike | None = None, *, for_writing: bool = False) -> Path:
    """``given``, else the bundled corpus; installed from a wheel, the user's copy of it once there
    is one (made here when ``for_writing``, so that ``ingest`` never writes into the package)."""
    from .search.corpus import MANIFEST, PACKAGED_CORPUS, bundled_locations, copy_corpus

    if given:
        return Path(given)
    bundled = bundled_locations(cache_dir())
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
    from .search.corpus import bundled_locations

    if given:
        return Path(given)
    bundled = bundled_locations(cache_dir())
    if bundled is None:
        return cache_dir() / "index" / "default"
    return bundled.index_dir


def environment_locations() -> tuple[Path, Path]:
    """The default index and the corpus it is kept fresh against, as the environment sets them."""
    return index_dir(os.environ.get(INDEX_ENV)), corpus_dir(os.environ.get(CORPUS_ENV))


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
