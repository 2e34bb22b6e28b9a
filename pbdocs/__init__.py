"""pbdocs: party-building (党建) rules for Chinese social organizations.

Public API (the heavy parts load on first use, so checking never loads the search stack):

- :func:`extract` a file into a :class:`Document`;
- :func:`check` a charter for the mandated party-building clause (``pbdocs.rules`` has the rest);
- :func:`ask` a question against the bundled policy corpus (``pbdocs.search.Searcher`` keeps an
  index loaded for many questions);
- ``pbdocs.screen`` screens folders and zips of charters into a report.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import PbdocsError, ReadError  # noqa: F401
from .models import Document, Metadata, Page  # noqa: F401

# Bound eagerly: the subpackage pbdocs.extract would otherwise replace this name with itself the
# first time any of its modules is imported, and ``pbdocs.extract(path)`` would stop working.
from .extract import ExtractOptions, extract  # noqa: E402,F401


def check(path, options=None):
    """Check the charter at ``path`` with ``options`` (a :class:`pbdocs.rules.CheckOptions`; default:
    the party pack); a file that cannot be read gets the verdict ``error``."""
    from .rules import check_path

    return check_path(path, options)


def ask(question: str, k: int = 5, index_dir=None):
    """Answer ``question`` from the policy corpus (the default index is built when missing)."""
    from .search import Searcher

    return Searcher.load(index_dir).search(question, k=k)
