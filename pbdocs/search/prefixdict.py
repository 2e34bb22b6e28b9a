"""jieba's prefix dictionary as a memory-mapped hash table, so a process that only asks one
question does not load (unmarshal) jieba's whole dictionary, which costs about a second.

jieba segments with a dictionary ``FREQ`` (every word with its frequency, every prefix of a word
with 0) and its ``total``; its DAG, route and search-mode code only ever ask ``frag in FREQ``,
``FREQ[frag]`` and ``FREQ.get(frag)``. :class:`PrefixDict` answers exactly those from a
:class:`~.strtable.StringTable` of the words plus their frequencies, written once at index build
from the very ``FREQ`` jieba built with the user dictionary. A jieba ``Tokenizer`` given it as
``FREQ`` therefore segments exactly as the fully loaded one does, with jieba's own algorithm.

Files in its folder: the table ``words``, ``freqs.npy`` and ``prefixdict.json`` (jieba's total,
the tokenizer fingerprint it was made for).
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from .strtable import StringTable, write_string_table

__all__ = ["PrefixDict", "write_prefix_dict", "META_FILE"]

META_FILE = "prefixdict.json"


def write_prefix_dict(freq: Mapping[str, int], total: int, folder: str | os.PathLike, fingerprint: str) -> None:
    """Write jieba's ``FREQ`` and ``total`` into ``folder`` (created) as a :class:`PrefixDict`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    n = write_string_table(freq, folder, "words")
    freqs = np.fromiter(freq.values(), dtype=np.int64, count=n)
    np.save(folder / "freqs.npy", freqs.astype(np.int32) if freqs.max(initial=0) < 2**31 else freqs)
    meta = {"total": int(total), "n_words": n, "fingerprint": fingerprint}
    (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")


class PrefixDict(Mapping):
    """A read-only ``FREQ`` for jieba, answered from the memory-mapped table in ``folder``."""

    def __init__(self, folder: str | os.PathLike):
        folder = Path(folder)
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        self.total: int = int(meta["total"])
        self._table = StringTable(folder, "words")
        self._freqs = np.load(folder / "freqs.npy", mmap_mode="r")
        # jieba asks for the same prefixes again and again within a sentence.
        self._memo: dict[str, int | None] = {}

    def _find(self, key: str) -> int | None:
        try:
            return self._memo[key]
        except KeyError:
            position = self._table.position(key)
            found = None if position is None else int(self._freqs[position])
            self._memo[key] = found
            return found

    def __getitem__(self, key: str) -> int:
        found = self._find(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key) is not None

    def get(self, key, default=None):
        found = self._find(key) if isinstance(key, str) else None
        return default if found is None else found

    def __len__(self) -> int:
        return len(self._table)

    def __iter__(self):
        return (self._table.key(i) for i in range(len(self._table)))
