"""Is this text plausible Chinese? Used to pick a codec and to spot broken PDF text layers."""
from __future__ import annotations

import functools
import re
from importlib import resources

_CID = re.compile(r"\(cid:\d+\)")


@functools.lru_cache(maxsize=1)
def common_hanzi() -> frozenset[str]:
    text = resources.files("pbdocs").joinpath("data/common_hanzi.txt").read_text(encoding="utf-8")
    return frozenset(text.strip())


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\U00020000" <= ch <= "\U0002ffff"


def _is_private_use(ch: str) -> bool:
    cp = ord(ch)
    return 0xE000 <= cp <= 0xF8FF or 0xF0000 <= cp <= 0x10FFFF


def han_plausibility(text: str) -> float | None:
    """Share of Han characters that are common ones (traditional folded to simplified).

    None when the text holds too few Han characters to judge.
    """
    han = [ch for ch in text if _is_han(ch)]
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
