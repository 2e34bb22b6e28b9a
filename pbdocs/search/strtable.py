"""A memory-mapped string -> position table: open addressing over an 8-byte BLAKE2b of the UTF-8
key, the keys themselves kept to confirm a match. Opening it reads nothing; a lookup hashes once
and compares one or two byte strings, where bisecting a sorted vocabulary decodes ~20 of them.

Files, for a table named ``stem`` in a folder: ``{stem}.bin`` (the UTF-8 keys one after another),
``{stem}_offsets.npy`` (where key ``i`` starts; key ``i`` has position ``i``) and
``{stem}_slots.npy`` (the hash table: a position, or -1 for an empty slot).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from hashlib import blake2b
from pathlib import Path

import numpy as np

from ..files import map_readonly

__all__ = ["StringTable", "write_string_table"]


def _digest(key: bytes) -> bytes:
    return blake2b(key, digest_size=8).digest()


def _hash(key: bytes) -> int:
    return int.from_bytes(_digest(key), "little")


def write_string_table(keys: Iterable[str], folder: str | os.PathLike, stem: str) -> int:
    """Write ``keys`` (distinct) as a table named ``stem`` in ``folder``; returns how many."""
    folder = Path(folder)
    encoded = [k.encode("utf-8") for k in keys]
    joined = b"".join(encoded)
    # Four bytes an offset where they suffice: the segmenter's table ships in the package.
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32 if len(joined) < 2**31 else np.int64)
    np.cumsum([len(k) for k in encoded], out=offsets[1:])
    # At most half full, so probes stay short.
    size = 1 << max(4, (2 * len(encoded)).bit_length())
    # _hash of every key, read from one buffer rather than made an int at a time.
    hashes = np.frombuffer(b"".join(map(_digest, encoded)), dtype="<u8")
    (folder / f"{stem}.bin").write_bytes(joined)
    np.save(folder / f"{stem}_offsets.npy", offsets)
    np.save(folder / f"{stem}_slots.npy", _slots(hashes, size))
    return len(encoded)


def _slots(hashes: np.ndarray, size: int) -> np.ndarray:
    """The hash table: linear probing, filled in rounds instead of key by key. In each round every
    key not yet placed tries its current slot; where that slot is free, one of the keys trying it
    takes it, and all the others move one slot on. A key thus only ever moves past an occupied
    slot, so a lookup probing from the key's home slot meets no empty slot before finding it."""
    mask = size - 1
    table = np.full(size, -1, dtype=np.int32)
    pending = np.arange(len(hashes), dtype=np.int64)
    slot = (hashes & np.uint64(mask)).astype(np.int64)
    while len(pending):
        trying = np.flatnonzero(table[slot] == -1)
        _, first = np.unique(slot[trying], return_index=True)
        placed = trying[first]
        table[slot[placed]] = pending[placed]
        left = np.ones(len(pending), dtype=bool)
        left[placed] = False
        pending, slot = pending[left], (slot[left] + 1) & mask
    return table



class StringTable:
    """The table named ``stem`` in ``folder``, memory-mapped."""

    def __init__(self, folder: str | os.PathLike, stem: str):
        folder = Path(folder)
        self._keys = map_readonly(folder / f"{stem}.bin")
        self._offsets = np.load(folder / f"{stem}_offsets.npy", mmap_mode="r")
        self._slots = np.load(folder / f"{stem}_slots.npy", mmap_mode="r")
        self._mask = len(self._slots) - 1

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def key(self, position: int) -> str:
        return self._keys[int(self._offsets[position]):int(self._offsets[position + 1])].decode("utf-8")

    def position(self, key: str) -> int | None:
        """Where ``key`` is, or None."""
        raw = key.encode("utf-8")
        slot = _hash(raw) & self._mask
        while (entry := int(self._slots[slot])) != -1:
            if self._keys[int(self._offsets[entry]):int(self._offsets[entry + 1])] == raw:
                return entry
            slot = (slot + 1) & self._mask
        return None
