"""Files read by content hash or memory-mapped, and written whole or not at all.

The corpus manifest, screening journals and reports are all replaced atomically: a crash or a full disk
leaves the previous file intact, never half of a new one.
"""
from __future__ import annotations

import hashlib
import mmap
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["sha256_file", "map_readonly", "atomic_path", "write_text_atomic", "process_alive"]

_CHUNK = 1 << 20


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The hex SHA-256 of the file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def map_readonly(path: str | os.PathLike[str]) -> mmap.mmap | bytes:
    """The file's bytes memory-mapped read-only; an empty file (which cannot be mapped) as ``b""``."""
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return b""
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


@contextmanager
def atomic_path(target: str | os.PathLike[str], *, shared: bool = False) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed over it once the block has written it.

    ``shared`` gives the result the permissions of any file the user creates (mkstemp's are private).
    On any exception the temporary file is removed and ``target`` is left as it was.
    """
    target = Path(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if shared:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically, creating its folder when needed."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a work folder named after it is still in use)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True
