"""Where the shell finds the search corpus and index: shell code, like ``cli.py`` and ``pbdocs/web/``.

The library takes every folder as an argument and reads no environment. The commands and the web
decide: a folder the user gives (a command option, or ``$PBDOCS_CORPUS`` / ``$PBDOCS_INDEX``, which
the commands read through their options and the web through :func:`environment_locations`), else the
bundled ``corpus/`` and ``index/bundled`` of the checkout, else, for an index, a per-user cache folder.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import CorpusError

__all__ = ["CORPUS_ENV", "INDEX_ENV", "corpus_dir", "data_dir", "environment_locations", "index_dir"]

CORPUS_ENV = "PBDOCS_CORPUS"
INDEX_ENV = "PBDOCS_INDEX"


def corpus_dir(given: str | os.PathLike | None = None) -> Path:
    """``given``, else the bundled corpus."""
    from .search.corpus import bundled_locations

    if given:
        return Path(given)
    bundled = bundled_locations()
    if bundled is None:
        raise CorpusError(f"no corpus found: set {CORPUS_ENV} to a folder with a manifest.json")
    return bundled.corpus_dir


def index_dir(given: str | os.PathLike | None = None) -> Path:
    """``given``, else the bundled index, else (no checkout) a per-user cache folder."""
    from .search.corpus import bundled_locations

    if given:
        return Path(given)
    bundled = bundled_locations()
    if bundled is not None:
        return bundled.index_dir
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "pbdocs" / "index"


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
