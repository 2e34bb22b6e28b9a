"""Policy search: the bundled corpus, legal-text passages, jieba + bigram BM25, answers.

``Searcher.load()`` opens (building if needed) the default index; ``Searcher.search(q, k)``
returns a :class:`SearchResult`. Submodules load lazily so importing this package is cheap.
"""
from __future__ import annotations

__all__ = ["Searcher", "SearchResult", "Hit", "build", "ingest", "Corpus", "default_corpus_dir",
           "default_index_dir"]

_EXPORTS = {
    "Searcher": "searcher",
    "SearchResult": "searcher",
    "Hit": "searcher",
    "build": "searcher",
    "ingest": "corpus",
    "Corpus": "corpus",
    "default_corpus_dir": "corpus",
    "default_index_dir": "corpus",
}


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)
