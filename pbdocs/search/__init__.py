"""Policy search: the bundled corpus, legal-text passages, jieba + bigram BM25, answers.

``build(sources, index_dir)`` writes an index; ``Searcher.load(index_dir)`` opens one (it never
builds); ``Searcher.search(q, k)`` returns a :class:`SearchResult`. Every location is an argument:
the shell decides where things live. Submodules load lazily so importing this package is cheap.
"""
from __future__ import annotations

__all__ = ["Searcher", "SearchResult", "Hit", "Query", "SCORE_FACTORS", "build", "ingest", "Corpus",
           "SearchLocations"]

_EXPORTS = {
    "Searcher": "searcher",
    "SearchResult": "searcher",
    "Hit": "searcher",
    "build": "searcher",
    "ingest": "corpus",
    "Corpus": "corpus",
    "Query": "query",
    "SCORE_FACTORS": "factors",
    "SearchLocations": "corpus",
}


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)
