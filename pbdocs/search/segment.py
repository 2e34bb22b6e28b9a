"""jieba's precise mode (with its HMM for unknown words), segmenting exactly as ``jieba.cut``
does, about twice as fast.

jieba builds a dict of lists (the DAG of dictionary words from each position), then a dict of
tuples (the best route) through a generator per position, calling ``log`` for every candidate
word, and yields words through three nested generators. :class:`Segmenter` walks the same
candidates with the same arithmetic -- ``log(freq) - log(total) + best score of the rest``, ties
going to the longer word, as ``max`` over jieba's ``(score, end)`` tuples does -- but keeps each
fragment's log-probability once computed, uses flat lists, and remembers the words of every block
(a run between punctuation) it has cut, which legal text repeats often (有下列情形之一的,
由县级以上人民政府). Unknown-word buffers go to jieba's own ``finalseg``, so its HMM decides them
exactly as in jieba. ``tests/test_search_segment.py`` checks the output against ``jieba.cut`` on
the bundled corpus and the test texts.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from math import log

__all__ = ["Segmenter"]

# jieba's own block and skip patterns (jieba/__init__.py, re_han_default and re_skip_default).
_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_SKIP = re.compile("(\r\n|\\s)", re.U)
# Blocks remembered; past this many, new blocks are cut without being kept.
_CACHE_LIMIT = 200_000


class Segmenter:
    """Precise-mode segmentation over jieba's ``FREQ`` (word -> frequency, prefixes -> 0) and
    ``total``, identical to ``jieba.Tokenizer.cut(text)`` with that dictionary."""

    def __init__(self, freq: Mapping[str, int], total: int):
        self.freq = freq
        self.total = total
        self._log_total = log(total)
        # word -> log(freq) - log(total), the score jieba computes again at every occurrence.
        self._scores: dict[str, float] = {}
        # The words of every block cut so far, in precise and in search mode.
        self._blocks: dict[str, tuple[str, ...]] = {}
        self._search_blocks: dict[str, tuple[str, ...]] = {}

    def cut(self, text: str) -> list[str]:
        """The words of ``text``, punctuation and spaces included, as ``jieba.cut`` gives them."""
        return self._cut(text, self._blocks, self._cut_block)

    def cut_for_search(self, text: str) -> list[str]:
        """``jieba.cut_for_search(text)``: every word of :meth:`cut` preceded by its parts."""
        return self._cut(text, self._search_blocks, self._search_block)

    def parts(self, word: str) -> list[str]:
        """The dictionary words jieba's search mode adds for ``word``: two-character ones inside a
        word over two characters, then three-character ones inside a word over three."""
        n, freq = len(word), self.freq
        out = [word[i:i + 2] for i in range(n - 1) if freq.get(word[i:i + 2])] if n > 2 else []
        if n > 3:
            out.extend(word[i:i + 3] for i in range(n - 2) if freq.get(word[i:i + 3]))
        return out

    def _cut(self, text: str, cache: dict[str, tuple[str, ...]], cut_block) -> list[str]:
        out: list[str] = []
        for block in _BLOCK.split(text):
            if not block:
                continue
            if _BLOCK.match(block):
                found = cache.get(block)
                if found is None:
                    found = tuple(cut_block(block))
                    if len(cache) < _CACHE_LIMIT:
                        cache[block] = found
                out.extend(found)
            else:
                # Spaces, line breaks and punctuation, one by one (none has parts in search mode).
                for piece in _SKIP.split(block):
                    if _SKIP.match(piece):
                        out.append(piece)
                    else:
                        out.extend(piece)
        return out

    def _search_block(self, block: str) -> list[str]:
        out: list[str] = []
        for word in self._cut_block(block):
            if len(word) > 2:
                out.extend(self.parts(word))
            out.append(word)
        return out

    def _route(self, block: str) -> list[int]:
        """For each position, where the best route's word starting there ends (exclusive)."""
        n = len(block)
        get, scores, log_total = self.freq.get, self._scores, self._log_total
        best = [0.0] * (n + 1)
        end = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            top = None
            top_end = k + 1
            i = k + 1
            fragment = block[k]
            value = get(fragment)
            while value is not None:
                if value:
                    score = scores.get(fragment)
                    if score is None:
                        score = scores[fragment] = log(value) - log_total
                    total = score + best[i]
                    # jieba takes max((score, end)): equal scores go to the longer word.
                    if top is None or total >= top:
                        top, top_end = total, i
                if i == n:
                    break
                i += 1
                fragment = block[k:i]
                value = get(fragment)
            if top is None:
                # No dictionary word starts here: the character alone, scored as jieba does.
                top = -log_total + best[k + 1]
            best[k], end[k] = top, top_end
        return end

    def _cut_block(self, block: str) -> list[str]:
        end = self._route(block)
        out: list[str] = []
        buffer = ""
        x, n = 0, len(block)
        while x < n:
            y = end[x]
            if y - x == 1:
                buffer += block[x]
            else:
                if buffer:
                    self._flush(buffer, out)
                    buffer = ""
                out.append(block[x:y])
            x = y
        if buffer:
            self._flush(buffer, out)
        return out

    def _flush(self, buffer: str, out: list[str]) -> None:
        """Single characters in a row: jieba's HMM joins them into unknown words unless the run
        is itself a dictionary word."""
        if len(buffer) == 1:
            out.append(buffer)
        elif not self.freq.get(buffer):
            from jieba import finalseg

            out.extend(finalseg.cut(buffer))
        else:
            out.extend(buffer)
