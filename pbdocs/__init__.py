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


def open_searcher(index_dir=None, corpus_dir=None, *, cache_dir=None, shipped_index=None, on_build=None,
                  progress=None, vector_cache=None, prefix_cache=None, dense=True, vector_seed=None):
    """A :class:`~pbdocs.search.Searcher` to answer many questions from one loaded index.

    ``index_dir`` alone: that index, as it is. Otherwise the index of ``corpus_dir``: the
    ``shipped_index`` while it is fresh for that corpus, else the one kept in ``index_dir``, built
    first when missing or older than the corpus (``on_build(index_dir)`` told so; passage vectors
    encoded with ``progress(done, total)`` after each batch, those of ``vector_cache``, a folder,
    reused, and those stored in ``vector_seed`` or ``shipped_index`` added to it first). Neither
    folder given: the bundled corpus and the index shipped with the package, as
    :mod:`pbdocs.shell` (the one place the platform's folders are decided) finds them, with the
    caches (vectors, the segmenter's dictionary, an index of the corpus when the shipped one is
    stale) in ``cache_dir`` (default :func:`pbdocs.shell.cache_dir`: ``$XDG_CACHE_HOME/pbdocs``,
    ``~/.cache/pbdocs``). The folders of ``PBDOCS_CORPUS`` and ``PBDOCS_INDEX`` are the commands'
    and the web's to read (:func:`pbdocs.shell.environment_locations`). With ``dense``, search is
    hybrid where the index has passage vectors and the ``rerank`` extra is installed (see
    :attr:`Searcher.mode`). An index without a current segmenter's dictionary (the shipped one carries
    one) takes it from the folder ``prefix_cache``, where the first process writes it.
    """
    defaults = index_dir is None and corpus_dir is None
    if defaults:
        from .shell import prefix_cache_dir, search_locations, vector_cache_dir

        locations = search_locations(cache=cache_dir)
        index_dir, corpus_dir, shipped_index = locations.index_dir, locations.corpus_dir, locations.shipped_index
        vector_seed = vector_seed or locations.vector_seed
        vector_cache = vector_cache or vector_cache_dir(cache_dir)
        prefix_cache = prefix_cache or prefix_cache_dir(cache_dir)
    searcher = _open_searcher(index_dir, corpus_dir, shipped_index, on_build, progress, vector_cache, dense,
                              vector_seed or shipped_index)
    if prefix_cache is not None:
        from .search.tokenize import cached_prefix_dict

        cached_prefix_dict(prefix_cache)
    return searcher


def _open_searcher(index_dir, corpus_dir, shipped_index, on_build, progress, vector_cache, dense, vector_seed):
    from pathlib import Path

    from .errors import InvalidOption, StaleIndexError
    from .search import Searcher, build

    if corpus_dir is None:
        return Searcher.load(index_dir, dense=dense)
    if index_dir is None:
        raise InvalidOption("option.corpus_needs_index")
    if shipped_index is not None:
        try:
            return Searcher.load(shipped_index, corpus_dir=corpus_dir, check_mtime=False, dense=dense)
        except StaleIndexError:
            pass
    try:
        return Searcher.load(index_dir, corpus_dir=corpus_dir, dense=dense)
    except StaleIndexError:
        if on_build is not None:
            on_build(Path(index_dir))
        encoder = None
        if dense:
            from .search import rerank

            encoder = rerank.default_encoder() if rerank.available() else None
        build([corpus_dir], index_dir, encoder=encoder, progress=progress, vector_cache=vector_cache,
              vector_seed=vector_seed)
        return Searcher.load(index_dir, dense=dense)
