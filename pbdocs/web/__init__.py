"""The web page and JSON API served by ``pbdocs serve`` (needs the ``web`` extra: FastAPI, uvicorn)."""
from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
