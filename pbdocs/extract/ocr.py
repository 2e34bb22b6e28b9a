"""Offline OCR of rendered pages with rapidocr (models ship inside the wheel).

The engine takes about a second and hundreds of megabytes to load, so it is created lazily, once
per process, and only when a page actually needs OCR.
"""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

from ..errors import MissingDependency
from ..normalize import is_cjk

__all__ = ["OcrLine", "ocr_image", "ocr_available", "load_engine", "INSTALL_HINT"]

INSTALL_HINT = 'pip install "pbdocs[ocr]"'

# Boxes whose vertical extents overlap by more than this share of the smaller height sit on the
# same printed line.
_SAME_LINE_OVERLAP = 0.5


@dataclass(frozen=True)
class OcrLine:
    """One printed line: its text and vertical extent as fractions of the image height (0 = top)."""

    text: str
    top: float
    bottom: float


def ocr_available() -> bool:
    try:
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


_engine_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def load_engine():
    """The process's OCR engine; loading it up front keeps model loading out of page timings."""
    try:
        from rapidocr import RapidOCR
    except ImportError:
        raise MissingDependency("", f"OCR is not installed: {INSTALL_HINT}") from None
    # rapidocr logs every model load at INFO on stderr; pbdocs keeps stderr for its own messages.
    return RapidOCR(params={"Global.log_level": "warning"})


def ocr_image(image) -> list[OcrLine]:
    """Recognize the text of a PIL image, as lines top to bottom, boxes left to right in a line."""
    import numpy as np

    with _engine_lock:
        engine = load_engine()
        result = engine(np.asarray(image.convert("RGB")))
    if result.boxes is None or result.txts is None:
        return []
    height = float(image.height) or 1.0
    boxes = []
    for box, text in zip(result.boxes, result.txts):
        ys = [float(point[1]) for point in box]
        xs = [float(point[0]) for point in box]
        if text.strip():
            boxes.append((min(ys), max(ys), min(xs), text))
    return [
        OcrLine(text=_join_boxes([text for *_, text in sorted(row, key=lambda b: b[2])]),
                top=min(b[0] for b in row) / height,
                bottom=max(b[1] for b in row) / height)
        for row in _group_rows(boxes)
    ]


def _join_boxes(texts: list[str]) -> str:
    """Boxes of one line joined; a space only where Latin words or numbers meet."""
    joined = texts[0]
    for text in texts[1:]:
        if not (is_cjk(joined[-1]) or is_cjk(text[0])):
            joined += " "
        joined += text
    return joined


def _group_rows(boxes: list[tuple[float, float, float, str]]) -> list[list[tuple[float, float, float, str]]]:
    """Group boxes into printed lines by vertical overlap, lines ordered top to bottom."""
    rows: list[list[tuple[float, float, float, str]]] = []
    for box in sorted(boxes, key=lambda b: (b[0] + b[1]) / 2):
        top, bottom = box[0], box[1]
        if rows:
            row = rows[-1]
            row_top = min(b[0] for b in row)
            row_bottom = max(b[1] for b in row)
            overlap = min(bottom, row_bottom) - max(top, row_top)
            smaller = min(bottom - top, row_bottom - row_top) or 1.0
            if overlap / smaller > _SAME_LINE_OVERLAP:
                row.append(box)
                continue
        rows.append([box])
    return rows
