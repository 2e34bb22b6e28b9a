"""Turn the PATHs a user gives into the list of documents to screen.

Folders are walked recursively; ``.zip`` archives are unpacked into a private work directory with
hard limits, so a hostile archive can neither write outside it nor exhaust the disk. A member that
is refused (path escaping the archive, symlink, over a limit, nested archive) becomes a
:class:`Source` with an ``error`` and is reported as an ``error`` row instead of being read.
"""
from __future__ import annotations

import hashlib
import os
import posixpath
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Notice
from ..extract import SUPPORTED_SUFFIXES
from ..files import sha256_file
from .records import member_label

__all__ = ["ArchiveLimits", "Source", "collect_sources"]

ARCHIVE_SUFFIX = ".zip"
# Files an operating system or office suite leaves in folders and archives; never charters.
_JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
_JUNK_DIRS = {"__macosx"}
_CHUNK = 1 << 16


@dataclass(frozen=True)
class ArchiveLimits:
    """Ceilings applied to every archive, checked against the zip headers before anything is
    inflated and enforced again on the bytes actually produced while streaming."""

    max_members: int = 10_000
    max_member_bytes: int = 200 * 1024 * 1024
    max_total_bytes: int = 2 * 1024 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """One document of the batch.

    ``display`` is the path shown in the report (``archive.zip/member`` for archive members, then
    ``member`` is the name inside the archive), ``local`` the file to read (inside the work
    directory for archive members), ``sha256`` its content hash; ``error`` is set instead when the
    document was refused before reading.
    """

    display: str
    local: str | None = None
    sha256: str | None = None
    error: Notice | None = None
    member: str | None = None




def collect_sources(
    paths: list[str],
    work_dir: str | os.PathLike,
    *,
    limits: ArchiveLimits | None = None,
    exclude: set[str] | None = None,
) -> list[Source]:
    """Every document under ``paths`` in a stable order (arguments in order, folders sorted).

    ``exclude`` holds absolute paths never to pick up (the report and its journal when they are
    written inside a screened folder).
    """
    limits = limits or ArchiveLimits()
    exclude = {os.path.abspath(p) for p in (exclude or set())}
    work = Path(work_dir)
    sources: list[Source] = []
    archive_counter = 0
    seen: set[str] = set()
    for arg in paths:
        root = os.path.realpath(arg) if os.path.isdir(arg) else None
        for path in _walk(arg, exclude):
            # A file named twice (a folder and a file in it, or two spellings of one path) is one
            # document and gets one row.
            real = os.path.realpath(path)
            if real in seen:
                continue
            seen.add(real)
            refused = _not_a_document_file(path, real, root)
            if refused:
                sources.append(Source(path, error=refused))
            elif path.lower().endswith(ARCHIVE_SUFFIX):
                archive_counter += 1
                target = work / f"zip{archive_counter:04d}"
                sources.extend(_unpack_archive(path, target, limits))
            elif _is_screenable(path):
                sources.append(_file_source(path))
            else:
                suffix = Path(path).suffix or "(no extension)"
                sources.append(Source(path, error=Notice.of("read.unsupported_type", suffix=suffix)))
    return sources


def _walk(arg: str, exclude: set[str]):
    """The files under one argument, as the user would spell them; hidden files and OS junk
    skipped."""
    if not os.path.isdir(arg):
        yield arg
        return
    for root, dirs, files in os.walk(arg):
        dirs[:] = sorted(d for d in dirs if not _is_junk(d, is_dir=True))
        for name in sorted(files):
            full = os.path.join(root, name)
            if _is_junk(name) or os.path.abspath(full) in exclude:
                continue
            yield full


def _not_a_document_file(path: str, real: str, root: str | None) -> Notice | None:
    """Why ``path`` is not read at all, or None. Only regular files are opened: reading a FIFO
    blocks forever and a device never ends, before any time limit applies. In a screened folder a
    symbolic link may not lead out of it (to /dev/zero, to the user's other files)."""
    if root is not None and not (real == root or real.startswith(root.rstrip(os.sep) + os.sep)):
        return Notice.of("screen.link_out_of_folder")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return Notice.of("screen.broken_link")
    except OSError as exc:
        return Notice.of("read.cannot_read", detail=exc.strerror or str(exc))
    if not stat.S_ISREG(mode):
        return Notice.of("screen.not_regular")
    return None


def _is_junk(name: str, *, is_dir: bool = False) -> bool:
    lowered = name.lower()
    if name.startswith(".") or name.startswith("~$"):
        return True
    return lowered in (_JUNK_DIRS if is_dir else _JUNK_NAMES)


def _is_screenable(name: str) -> bool:
    return Path(name).suffix.lower() in SUPPORTED_SUFFIXES


def _file_source(path: str) -> Source:
    try:
        if not os.path.exists(path):
            return Source(path, error=Notice.of("read.no_such_file"))
        return Source(path, local=path, sha256=sha256_file(path))
    except OSError as exc:
        return Source(path, error=Notice.of("read.cannot_read", detail=exc.strerror or str(exc)))


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member name as its author wrote it: archives made on Chinese Windows store GBK names
    without the UTF-8 flag, which :mod:`zipfile` decodes as cp437."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return name


def _unsafe_reason(name: str) -> Notice | None:
    """Why a member name may not be written, or None when it stays inside the archive root."""
    unified = name.replace("\\", "/")
    if unified.startswith("/") or re.match(r"^[A-Za-z]:", unified):
        return Notice.of("archive.absolute_path")
    if ".." in unified.split("/"):
        return Notice.of("archive.leaves_archive")
    if "\x00" in unified:
        return Notice.of("archive.nul_in_name")
    return None


def _unpack_archive(path: str, target: Path, limits: ArchiveLimits) -> list[Source]:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        return [Source(path, error=Notice.of("read.no_such_file"))]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return [Source(path, error=Notice.of("archive.unreadable", detail=str(exc)))]
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > limits.max_members:
            return [Source(path, error=Notice.of("archive.too_many_members", members=len(infos),
                                                 limit=limits.max_members))]
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_total_bytes:
            return [Source(path, error=Notice.of("archive.too_large", size=_mb(declared),
                                                 limit=_mb(limits.max_total_bytes)))]
        target.mkdir(parents=True, exist_ok=False)
        sources: list[Source] = []
        budget = limits.max_total_bytes
        for index, info in enumerate(infos, start=1):
            name = _member_name(info)
            parts = name.replace("\\", "/").split("/")
            unsafe = _unsafe_reason(name) is not None
            if not unsafe and (any(_is_junk(p, is_dir=True) for p in parts[:-1]) or _is_junk(parts[-1])):
                continue
            source, used = _unpack_member(archive, info, name, member_label(path, name), target, index, limits,
                                          budget)
            budget -= used
            sources.append(replace(source, member=name))
        return sources


def _unpack_member(archive, info, name, display, target: Path, index: int, limits: ArchiveLimits,
                   budget: int) -> tuple[Source, int]:
    reason = _unsafe_reason(name)
    if reason:
        return Source(display, error=reason), 0
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return Source(display, error=Notice.of("archive.symlink")), 0
    if name.lower().endswith(ARCHIVE_SUFFIX):
        return Source(display, error=Notice.of("archive.nested")), 0
    if not _is_screenable(name):
        suffix = posixpath.splitext(name)[1] or "(no extension)"
        return Source(display, error=Notice.of("read.unsupported_type", suffix=suffix)), 0
    if info.flag_bits & 0x1:
        return Source(display, error=Notice.of("archive.encrypted")), 0
    ceiling = min(limits.max_member_bytes, budget)
    if info.file_size > ceiling:
        return Source(display, error=Notice.of("archive.member_too_large", size=_mb(info.file_size),
                                               limit=_mb(ceiling))), 0
    # The local name is an index: nothing of the member name reaches the file system.
    suffix = posixpath.splitext(name)[1].lower()
    local = target / f"{index:05d}{suffix}"
    digest = hashlib.sha256()
    written = 0
    try:
        with archive.open(info) as src, open(local, "xb") as dst:
            for chunk in iter(lambda: src.read(_CHUNK), b""):
                written += len(chunk)
                if written > ceiling:
                    raise _Overflow
                digest.update(chunk)
                dst.write(chunk)
    except _Overflow:
        local.unlink(missing_ok=True)
        return Source(display, error=Notice.of("archive.member_overflow", limit=_mb(ceiling))), written
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
        local.unlink(missing_ok=True)
        return Source(display, error=Notice.of("archive.cannot_unpack", detail=str(exc))), written
    return Source(display, local=str(local), sha256=digest.hexdigest()), written


class _Overflow(Exception):
    """Streaming produced more bytes than the member may inflate to."""


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"
