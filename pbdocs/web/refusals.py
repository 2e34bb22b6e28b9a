"""Refusals of an HTTP request, said in Chinese: an error code of the catalogue and its fields."""
from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from ..messages import catalogue

__all__ = ["refusal"]


def refusal(status: int, code: str, /, headers: dict[str, str] | None = None, **fields: Any) -> HTTPException:
    """The HTTP error whose ``detail`` is the ``[errors]`` text of ``code``: what the page shows."""
    return HTTPException(status, catalogue().error_text(code, **fields), headers=headers)
