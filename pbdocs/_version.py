"""The version of pbdocs, at the bottom of the import graph so any module may report it."""

__version__ = "0.1.0"
