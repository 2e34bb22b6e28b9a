"""Text normalization for matching, keeping a map back to the original characters.

Every function here returns a :class:`Normalized`: the transformed text plus, for each of its
characters, the index of the original character it came from. The checker matches on the
normalized text and quotes the original through that map.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "Normalized", "normalize", "HAN", "is_han", "is_cjk", "fold_width", "simplified", "to_simplified",
    "drop_cjk_spaces", "drop_readings",
]


# Han ideographs for regular-expression classes: the unified block, extension A, the compatibility
# block and the supplementary planes' extensions B-F.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"


def is_han(ch: str) -> bool:
    """True for one Han character (not punctuation); the ranges of :data:`HAN`."""
    if len(ch) != 1:
        return False
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x2FFFF


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


def drop_cjk_spaces(text: str) -> str:
    """``text`` stripped, runs of spaces as one, and none between two CJK characters: a text
    layer or an OCR engine puts spaces where it sees a wide gap (第四条 本会), which between
    CJK characters is layout, not content."""
    words = text.strip().split(" ")
    joined = words[0]
    for word in words[1:]:
        if not word:
            continue
        if not (joined and is_cjk(joined[-1]) and is_cjk(word[0])):
            joined += " "
        joined += word
    return joined


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

    def _replace_original(self, original: str) -> Normalized:
        return Normalized(self.text, self.offsets, original)

    def original_text(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]


def identity(text: str) -> Normalized:
    return Normalized(text, tuple(range(len(text) + 1)), text)


@functools.lru_cache(maxsize=8192)
def _nfkc_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


# Full-width ASCII and the ideographic space: the bulk of what NFKC changes in Chinese text,
# done by str.translate so that typical documents never take the per-character path.
_WIDTH_TABLE = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}
_WHITESPACE = re.compile(r"\s+")


def fold_width(text: str) -> Normalized:
    """NFKC per character: full-width Latin/digits/punctuation to half-width, compatibility forms."""
    translated = text.translate(_WIDTH_TABLE)
    if unicodedata.is_normalized("NFKC", translated):
        return identity(translated)._replace_original(text)
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
    src_offsets = src.offsets
    parts: list[str] = []
    offs: list[int] = []
    pos = 0
    for run in _WHITESPACE.finditer(text):
        a, b = run.span()
        if a > pos:
            parts.append(text[pos:a])
            offs.extend(src_offsets[pos:a])
        pos = b
        if a == 0 or b == n:
            continue
        if keep_paragraphs and run.group().count("\n") >= 2:
            parts.append("\n")
            offs.append(src_offsets[a])
        elif not (is_cjk(text[a - 1]) or is_cjk(text[b])):
            parts.append(" ")
            offs.append(src_offsets[a])
    if pos < n:
        parts.append(text[pos:])
        offs.extend(src_offsets[pos:n])
    offs.append(len(src.original))
    return Normalized("".join(parts), tuple(offs), src.original)


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


def simplified(text: str) -> str:
    """``text`` with traditional characters folded to simplified ones, character for character."""
    return text.translate(_t2s_table())


def to_simplified(src: Normalized) -> Normalized:
    """Traditional to simplified, character for character so the offset map stays exact.

    Phrase-level conversion would change lengths; what matching needs is per character
    (黨→党, 組織→组织, 設立→设立).
    """
    return Normalized(simplified(src.text), src.offsets, src.original)


# Readings that sites copying from dictionaries put after characters: 共產(chǎn)黨, 領(lǐng)導(dǎo),
# 根据(gēn jù), 党(dang3), 党(ㄉㄤˇ). Pinyin syllables are spelled out so that an English word in
# brackets (CSA, China) is not taken for one.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_SYLLABLE = (rf"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:[aeiouüv{_TONED}]{{1,3}})(?:ng|n|r)?[1-5]?")
_READING = re.compile(
    rf"[ \t]?\(\s*(?:(?P<pinyin>{_SYLLABLE}(?:[ '\-]?{_SYLLABLE}){{0,5}})"
    rf"|(?P<zhuyin>[\u3105-\u312f\u31a0-\u31bfˊˇˋ˙ ]{{1,24}}))\s*\)")
# Toneless pinyin is believed only where a text carries readings throughout.
_TONELESS_AT_LEAST = 3


def _reading_spans(text: str) -> list[tuple[int, int]]:
    toned: list[tuple[int, int]] = []
    toneless: list[tuple[int, int]] = []
    for m in _READING.finditer(text):
        if m.start() == 0 or not is_han(text[m.start() - 1]):
            continue
        pinyin = m.group("pinyin")
        if pinyin is None or any(ch in _TONED or ch.isdigit() for ch in pinyin):
            toned.append(m.span())
        else:
            toneless.append(m.span())
    if len(toned) + len(toneless) >= _TONELESS_AT_LEAST:
        toned.extend(toneless)
    return sorted(toned)


def drop_readings(src: Normalized) -> Normalized:
    """``src`` without pinyin or zhuyin readings in brackets after Han characters; the offset map
    keeps pointing at the original, so evidence quotes the text as written, readings and all."""
    spans = _reading_spans(src.text) if "(" in src.text else []
    if not spans:
        return src
    parts: list[str] = []
    offs: list[int] = []
    pos = 0
    for a, b in spans:
        parts.append(src.text[pos:a])
        offs.extend(src.offsets[pos:a])
        pos = b
    parts.append(src.text[pos:])
    offs.extend(src.offsets[pos:])
    return Normalized("".join(parts), tuple(offs), src.original)


def normalize(text: str, *, simplified: bool = True, keep_paragraphs: bool = False) -> Normalized:
    """The matching form of ``text``: width-folded, readings after characters dropped, CJK
    whitespace removed, lines joined.

    ``simplified`` also folds traditional characters to simplified ones.
    """
    result = _collapse_whitespace(drop_readings(fold_width(text)), keep_paragraphs)
    if simplified and _has_non_ascii(result.text):
        result = to_simplified(result)
    return result


def _has_non_ascii(text: str) -> bool:
    return not text.isascii()
