"""Text normalization for matching, keeping a map back to the original characters.

Every function here returns a :class:`Normalized`: the transformed text plus, for each of its
characters, the index of the original character it came from. The checker matches on the
normalized text and quotes the original through that map.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

__all__ = ["Normalized", "normalize", "is_cjk", "fold_width", "to_simplified"]


def is_cjk(ch: str) -> bool:
    """True for Han characters and CJK/full-width punctuation, where spaces carry no meaning."""
    if not ch:
        return False
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2FFFF
        or 0xF900 <= cp <= 0xFAFF
        or 0x3000 <= cp <= 0x303F  # CJK punctuation: 、。〈〉《》「」【】〔〕
        or 0xFF00 <= cp <= 0xFFEF  # full-width forms
        or 0x2E80 <= cp <= 0x2FDF  # radicals
        or cp in _CJK_ADJACENT_PUNCT
    )


# Punctuation that NFKC turns half-width but which still sits inside Chinese sentences.
_CJK_ADJACENT_PUNCT = frozenset(map(ord, ",.;:!?()“”‘’—…·"))


@dataclass(frozen=True)
class Normalized:
    """Normalized text with ``offsets[i]`` = index in the original of normalized char ``i``.

    ``offsets`` has one extra trailing entry, the original length, so that half-open spans map
    cleanly: ``original[offsets[s]:offsets[e]]`` covers normalized ``text[s:e]`` whenever ``e`` is
    a character boundary in both.
    """

    text: str
    offsets: tuple[int, ...]
    original: str

    def __post_init__(self):
        if len(self.offsets) != len(self.text) + 1:
            raise ValueError("offsets must have one entry per character plus the end")

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original half-open span covering normalized ``text[start:end]``."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside 0:{len(self.text)}")
        if start == end:
            pos = self.offsets[start]
            return pos, pos
        orig_start = self.offsets[start]
        # The last normalized char may come from a char that expanded (NFKC "㈠" -> "(一)"):
        # end after that whole original char, not at the next normalized one's origin.
        orig_end = self.offsets[end - 1] + 1
        return orig_start, max(orig_end, orig_start)

    def original_text(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]


def _compose(outer: Normalized, inner_offsets: list[int], text: str) -> Normalized:
    """Chain a step whose offsets point into ``outer.text`` back to ``outer.original``."""
    mapped = [outer.offsets[i] for i in inner_offsets]
    mapped.append(len(outer.original))
    return Normalized(text, tuple(mapped), outer.original)


def identity(text: str) -> Normalized:
    return Normalized(text, tuple(range(len(text) + 1)), text)


@functools.lru_cache(maxsize=8192)
def _nfkc_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    # NFKC maps the ideographic space to a plain space and 〔〕 stays; keep 。and 、 as they are.
    return folded


def fold_width(text: str) -> Normalized:
    """NFKC per character: full-width Latin/digits/punctuation to half-width, compatibility forms."""
    out: list[str] = []
    offs: list[int] = []
    for i, ch in enumerate(text):
        folded = _nfkc_char(ch) if ord(ch) > 0x7F else ch
        for f in folded:
            out.append(f)
            offs.append(i)
    offs.append(len(text))
    return Normalized("".join(out), tuple(offs), text)


def _collapse_whitespace(src: Normalized, keep_paragraphs: bool) -> Normalized:
    """Drop whitespace next to CJK text (line joining included), collapse other runs to one space.

    With ``keep_paragraphs`` a run holding a blank line becomes a single newline.
    """
    text = src.text
    n = len(text)
    out: list[str] = []
    offs: list[int] = []
    i = 0
    while i < n:
        ch = text[i]
        if not ch.isspace():
            out.append(ch)
            offs.append(i)
            i += 1
            continue
        j = i
        while j < n and text[j].isspace():
            j += 1
        if not out or j == n:
            i = j
            continue
        run = text[i:j]
        if keep_paragraphs and run.count("\n") >= 2:
            out.append("\n")
            offs.append(i)
        elif not (is_cjk(out[-1]) or is_cjk(text[j])):
            out.append(" ")
            offs.append(i)
        i = j
    inner = Normalized("".join(out), tuple(offs) + (n,), text)
    return _compose(src, list(inner.offsets[:-1]), inner.text)


@functools.lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """Per-character traditional-to-simplified table from OpenCC's own dictionary."""
    from importlib import resources

    table: dict[int, str] = {}
    source = resources.files("opencc").joinpath("dictionary/TSCharacters.txt")
    for line in source.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        simp = simp.split(" ")[0]
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            table[ord(trad)] = simp
    return table


def to_simplified(src: Normalized) -> Normalized:
    """Traditional to simplified, character for character so the offset map stays exact.

    Phrase-level conversion would change lengths; what matching needs is per character
    (黨→党, 組織→组织, 設立→设立).
    """
    return Normalized(src.text.translate(_t2s_table()), src.offsets, src.original)


def normalize(text: str, *, simplified: bool = True, keep_paragraphs: bool = False) -> Normalized:
    """The matching form of ``text``: width-folded, CJK whitespace removed, lines joined.

    ``simplified`` also folds traditional characters to simplified ones.
    """
    result = _collapse_whitespace(fold_width(text), keep_paragraphs)
    if simplified and _has_non_ascii(result.text):
        result = to_simplified(result)
    return result


def _has_non_ascii(text: str) -> bool:
    return not text.isascii()
