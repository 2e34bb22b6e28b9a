"""Is this text plausible Chinese? Used to pick a codec and to spot broken PDF text layers."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from ..normalize import is_han

_CID = re.compile(r"\(cid:\d+\)")


@functools.lru_cache(maxsize=1)
def common_hanzi() -> frozenset[str]:
    text = resources.files("pbdocs").joinpath("data/common_hanzi.txt").read_text(encoding="utf-8")
    return frozenset(text.strip())


def _is_private_use(ch: str) -> bool:
    cp = ord(ch)
    return 0xE000 <= cp <= 0xF8FF or 0xF0000 <= cp <= 0x10FFFF


def han_plausibility(text: str) -> float | None:
    """Share of Han characters that are common ones (traditional folded to simplified).

    None when the text holds too few Han characters to judge.
    """
    han = [ch for ch in text if is_han(ch)]
    if len(han) < 20:
        return None
    common = common_hanzi()
    hits = sum(1 for ch in han if ch in common)
    if hits / len(han) < 0.9:
        from ..normalize import identity, to_simplified

        folded = to_simplified(identity("".join(han))).text
        hits = sum(1 for ch in folded if ch in common)
    return hits / len(han)


def broken_text_reason(text: str) -> str | None:
    """Why a page's text layer cannot be trusted, or None when it looks like real text."""
    stripped = "".join(text.split())
    if not stripped:
        return "no text layer"
    if _CID.search(text):
        return "unmapped glyphs (cid:N) in the text layer"
    pua = sum(1 for ch in stripped if _is_private_use(ch))
    if pua >= 3 and pua / len(stripped) > 0.05:
        return "private-use characters in the text layer"
    replacement = stripped.count("\ufffd")
    if replacement >= 3 and replacement / len(stripped) > 0.05:
        return "undecodable characters in the text layer"
    score = han_plausibility(stripped)
    if score is not None and score < 0.75:
        return "text layer maps to implausible characters"
    return None


# -- garbled text -----------------------------------------------------------------------------------
# Text saved after being decoded with the wrong codec: UTF-8 read as GBK gives rare hanzi
# (鍏变骇鍏氱殑), UTF-8 read as Windows-1252 gives Latin letters (å…±äº§å…š), GBK read as Big5
# gives other rare hanzi. Each route is (the codec it was wrongly read with, the right one).
_MOJIBAKE_ROUTES = (("gb18030", "utf-8"), ("cp1252", "utf-8"), ("latin-1", "utf-8"),
                    ("big5", "gb18030"), ("gb18030", "big5"))
# A page's text is garbled below this share of common hanzi; real charters score 0.95 and more.
GARBLED_BELOW = 0.8
# Or when this share of its letters are Latin-1 letters (å, æ, ç...) beside next to no hanzi.
_LATIN_GARBLE_SHARE = 0.3
_MIN_LETTERS = 40
# A recovery may lose the characters the wrong decoding had replaced; a few in a hundred.
_MAX_LOST_SHARE = 0.03


@dataclass(frozen=True)
class Garbled:
    """Why a text looks garbled: the share of its hanzi that are common ones (None when it has
    almost none) and the share of its letters that are Latin-1 letters or replacement marks."""

    common_share: float | None
    latin_share: float


def _latin_share(letters: str) -> float:
    odd = sum(1 for ch in letters if "\u0080" <= ch <= "\u00ff" or ch == "\ufffd" or "\u2013" <= ch <= "\u203a")
    return odd / len(letters)


def garbled(text: str) -> Garbled | None:
    """A :class:`Garbled` when ``text`` reads as mojibake rather than Chinese, else None."""
    letters = "".join(ch for ch in text if not ch.isspace() and not ch.isascii())
    if len(letters) < _MIN_LETTERS:
        return None
    share = han_plausibility(letters)
    latin = _latin_share(letters)
    han = sum(1 for ch in letters if is_han(ch))
    if (share is not None and share < GARBLED_BELOW) or (latin > _LATIN_GARBLE_SHARE and han < len(letters) / 2):
        return Garbled(share, latin)
    return None


def recover_garbled(text: str) -> tuple[str, str] | None:
    """``text`` decoded back the way it was meant, and the route (``utf-8 read as gb18030``), when
    one route turns it into plausible Chinese, losing at most a few characters; else None."""
    if garbled(text) is None:
        return None
    best: tuple[int, str, str] | None = None
    for wrong, right in _MOJIBAKE_ROUTES:
        candidate = text.encode(wrong, errors="replace").decode(right, errors="replace")
        # Characters the route could not carry come out as \ufffd, as an encoder's "?", or as
        # private-use characters (GB18030 maps unassigned byte pairs there).
        lost = (candidate.count("\ufffd") + max(0, candidate.count("?") - text.count("?"))
                + sum(1 for ch in candidate if _is_private_use(ch)))
        score = han_plausibility(candidate)
        if (score is None or score < 0.95 or garbled(candidate) is not None
                or lost > len(candidate) * _MAX_LOST_SHARE):
            continue
        if best is None or lost < best[0]:
            best = (lost, candidate, f"{right} read as {wrong}")
    return (best[1], best[2]) if best else None
