"""Uploaded documents kept by content: ``originals/ab/abcdef....pdf`` under the data folder.

The same charter uploaded twice is stored once, and a batch can be checked again later, with a newer
rule pack, from exactly the bytes that were uploaded.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from ..files import atomic_path, sha256_file

__all__ = ["Originals"]

# A key is the hex SHA-256 and the lower-case suffix the readers dispatch on.
_KEY = re.compile(r"[0-9a-f]{64}(\.[a-z0-9]{1,8})?")


class Originals:
    def __init__(self, root: Path):
        self.root = root
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)

    def put(self, path: str | os.PathLike[str]) -> str:
        """Store the file at ``path``; returns its key."""
        suffix = Path(path).suffix.lower()
        key = sha256_file(path) + (suffix if _KEY.fullmatch("0" * 64 + suffix) else "")
        target = self.path(key)
        if not target.exists():
            target.parent.mkdir(mode=0o700, exist_ok=True)
            with atomic_path(target) as tmp:
                shutil.copyfile(path, tmp)
        return key

    def path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError(f"not an original's key: {key!r}")
        return self.root / key[:2] / key

    def remove(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)
