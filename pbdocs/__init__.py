"""pbdocs: party-building (党建) rules for Chinese social organizations.

Public API (the heavy parts load on first use, so checking never loads the search stack):

- :func:`extract` a file into a :class:`Document`;
- :func:`check` a charter for the mandated party-building clause (``pbdocs.rules`` has the rest);
- :func:`ask` a question against the bundled policy corpus (:func:`open_searcher` keeps an index
  loaded for many questions);
- ``pbdocs.screen`` screens folders and zips of charters into a report.
"""
from __future__ import annotations

from ._version import __version__  # noqa: F401
from .errors import PbdocsError, ReadError  # noqa: F401

# Bound eagerly: the subpackage pbdocs.extract would otherwise replace this name with itself the
# first time any of its modules is imported, and ``pbdocs.extract(path)`` would stop working.
from .extract import ExtractOptions, extract  # noqa: F401
from .models import Document, Metadata, Page  # noqa: F401


def check(path, options=None):
    """Check the charter at ``path`` with ``options`` (a :class:`pbdocs.rules.CheckOptions`; default:
    the party pack); a file that cannot be read gets the verdict ``error``."""
    from .rules import check_path

    return check_path(path, options)


def ask(question: str, k: int = 5, index_dir=None, corpus_dir=None, *, cache_dir=None):
    """Answer ``question`` from the policy corpus; the folders are chosen as :func:`open_searcher` does."""
    return open_searcher(index_dir, corpus_dir, cache_dir=cache_dir).search(question, k=k)


def open_searcher(index_dir=None, corpus_dir=None, *, cache_dir=None, on_build=None):
    """A :class:`~pbdocs.search.Searcher` to answer many questions from one loaded index.

    ``index_dir`` alone: that index, as it is. Otherwise the index of ``corpus_dir`` kept in
    ``index_dir``, built first when missing or older than the corpus, ``on_build(index_dir)`` being
    told so. Neither given: the bundled corpus, the ``corpus/`` and ``index/bundled`` of the checkout
    pbdocs runs from or, installed from a wheel, the corpus the package carries with its index built
    in ``cache_dir``. Without a ``cache_dir`` that is :func:`pbdocs.shell.cache_dir`, the one place
    the platform's folders are decided (``$XDG_CACHE_HOME/pbdocs``, ``~/.cache/pbdocs``), so a
    program and the ``pbdocs`` commands share one index. The folders of ``PBDOCS_CORPUS`` and
    ``PBDOCS_INDEX`` are the commands' and the web's to read (:func:`pbdocs.shell.environment_locations`).
    """
    from pathlib import Path

    from .errors import CorpusError, InvalidOption, StaleIndexError
    from .search import Searcher, build, bundled_locations

    if corpus_dir is None:
        if index_dir is not None:
            return Searcher.load(index_dir)
        if cache_dir is None:
            from .shell import cache_dir as default_cache_dir

            cache_dir = default_cache_dir()
        bundled = bundled_locations(cache_dir)
        if bundled is None:
            raise CorpusError("corpus.none_bundled")
        index_dir, corpus_dir = bundled.index_dir, bundled.corpus_dir
    elif index_dir is None:
        raise InvalidOption("option.corpus_needs_index")
    try:
        return Searcher.load(index_dir, corpus_dir=corpus_dir)
    except StaleIndexError:
        if on_build is not None:
            on_build(Path(index_dir))
        build([corpus_dir], index_dir)
        return Searcher.load(index_dir)
