"""pbdocs: party-building (党建) rules for Chinese social organizations.

Public API (imports are lazy so that ``pbdocs check`` never loads the search stack):

- :func:`extract` a file into a :class:`Document`;
- :func:`check` a charter for the mandated party-building clause;
- :func:`search` a policy corpus with BM25;
- :func:`screen` folders and zips of charters into a report.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import PbdocsError, ReadError  # noqa: F401
from .models import Document, Metadata, Page  # noqa: F401

# Bound eagerly: the subpackage pbdocs.extract would otherwise replace this name with itself the
# first time any of its modules is imported, and ``pbdocs.extract(path)`` would stop working.
from .extract import ExtractOptions, extract  # noqa: E402,F401
