"""Refusals of an HTTP request, said in Chinese: an error code of the catalogue and its fields."""
from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse

from ..messages import catalogue

__all__ = ["Refusal", "refusal", "refusal_response"]


class Refusal(HTTPException):
    """An HTTP error with the code of its ``[errors]`` text, which programs read beside ``detail``."""

    def __init__(self, status: int, code: str, detail: str, headers: dict[str, str] | None = None):
        super().__init__(status, detail, headers=headers)
        self.code = code


def refusal(status: int, code: str, /, headers: dict[str, str] | None = None, **fields: Any) -> Refusal:
    """The HTTP error whose ``detail`` is the ``[errors]`` text of ``code``: what the page shows."""
    return Refusal(status, code, catalogue().error_text(code, **fields), headers)


async def refusal_response(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refusal)
    return JSONResponse({"detail": exc.detail, "code": exc.code}, status_code=exc.status_code, headers=exc.headers)
