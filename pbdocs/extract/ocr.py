"""Offline OCR of rendered pages with rapidocr (models ship inside the wheel).

The engine takes about a second and hundreds of megabytes to load, so it is created lazily, once
per process, and only when a page actually needs OCR.

Pages are read upright whatever way they were scanned. rapidocr's own angle classifier only
flips single lines by 180 degrees, which reads an upside-down or sideways page line by line but
in the wrong order, so it is switched off and the page itself is turned instead: text lines
detected taller than wide mean the page lies sideways, and a page whose recognition confidence
is low is tried upside down. Without the classifier an upside-down line reads as low-confidence
noise, which is what makes the wrong orientations lose.
"""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

from ..errors import MissingDependency
from ..models import Line
from ..normalize import drop_cjk_spaces, is_cjk

__all__ = ["ocr_image", "ocr_available", "load_engine", "INSTALL_HINT"]

INSTALL_HINT = 'pip install "pbdocs[ocr]"'

# Boxes whose vertical extents overlap by more than this share of the smaller height sit on the
# same printed line.
_SAME_LINE_OVERLAP = 0.5
# A detected text box this much taller than wide is a horizontal line seen sideways (charters
# are not typeset vertically).
_TALL_BOX = 1.5
# Upright print reads at a mean confidence of about 0.99; upside-down text at about 0.7.
_CONFIDENT = 0.9


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
        raise MissingDependency("read.ocr_missing", hint=INSTALL_HINT) from None
    # rapidocr logs every model load at INFO on stderr; pbdocs keeps stderr for its own messages.
    return RapidOCR(params={"Global.log_level": "warning"})


def ocr_image(image) -> list[Line]:
    """Recognize the text of a PIL image, as lines top to bottom, boxes left to right in a line.

    Line positions are fractions of the upright page, whichever way the image was turned.
    """
    first = _recognize(image)
    if not first.lines:
        return []
    if first.is_sideways:
        # rapidocr turns tall line crops a quarter turn counter-clockwise before reading them, so
        # lines that already read well say the page needs that same quarter turn.
        turns: tuple[int, ...] = (90, 270) if first.confidence >= _CONFIDENT else (270, 90)
    elif first.confidence < _CONFIDENT:
        turns = (180,)
    else:
        return first.lines
    best = first
    for degrees in turns:
        candidate = _recognize(image.rotate(degrees, expand=True))
        if candidate.weight > best.weight or best.is_sideways:
            best = candidate
        if best.confidence >= _CONFIDENT and not best.is_sideways:
            break
    return best.lines


@dataclass(frozen=True)
class _Reading:
    lines: list[Line]
    confidence: float  # mean recognition score of the boxes kept
    weight: float  # characters read, each counted by its score
    is_sideways: bool


def _recognize(image) -> _Reading:
    import numpy as np

    with _engine_lock:
        engine = load_engine()
        result = engine(np.asarray(image.convert("RGB")), use_cls=False)
    if result.boxes is None or result.txts is None:
        return _Reading([], 0.0, 0.0, False)
    height = float(image.height) or 1.0
    boxes = []
    tall = 0
    scores = list(result.scores) if result.scores is not None else [1.0] * len(result.txts)
    for box, text in zip(result.boxes, result.txts, strict=False):
        ys = [float(point[1]) for point in box]
        xs = [float(point[0]) for point in box]
        if text.strip():
            boxes.append((min(ys), max(ys), min(xs), text))
            tall += (max(ys) - min(ys)) > _TALL_BOX * (max(xs) - min(xs))
    lines = [
        Line(text=_join_boxes([text for *_, text in sorted(row, key=lambda b: b[2])]),
                top=min(b[0] for b in row) / height,
                bottom=max(b[1] for b in row) / height)
        for row in _group_rows(boxes)
    ]
    kept = [(text, float(score)) for text, score in zip(result.txts, scores, strict=False) if text.strip()]
    confidence = sum(score for _, score in kept) / len(kept) if kept else 0.0
    weight = sum(len(text) * score for text, score in kept)
    return _Reading(lines, confidence, weight, bool(boxes) and tall * 2 > len(boxes))


def _join_boxes(texts: list[str]) -> str:
    """Boxes of one line joined; a space only where Latin words or numbers meet."""
    joined = drop_cjk_spaces(texts[0])
    for text in texts[1:]:
        text = drop_cjk_spaces(text)
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
