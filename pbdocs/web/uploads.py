"""Uploads, shared by the open page and the office workspace: the request's files spooled to disk as
they arrive (bytes and files counted, refused with 413 before the body is ever held whole), then each
upload, or each member of an uploaded zip, as one document for the checker. The names users gave
their files are labels only; nothing of them touches the file system.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote

from fastapi import Request

from ..domain import registry
from ..errors import Notice
from ..extract import SUPPORTED_SUFFIXES
from ..files import process_alive
from ..screen.inputs import ARCHIVE_SUFFIX, ArchiveLimits, collect_sources
from ..screen.records import member_label
from .refusals import refusal

__all__ = ["Upload", "UploadedDocument", "spool_request", "collect_documents", "upload_folder",
           "remove_leftover_uploads", "ACCEPTED_SUFFIXES", "MIB",
           "ARCHIVE_INFLATION_FACTOR", "PackName", "OrgTypeName", "KindName", "DEFAULT_PACK"]

# The packs and organization-type spellings /api/check accepts: the CLI's, from the domain registry.
PackName = Literal[registry().pack_names]  # type: ignore[valid-type]
OrgTypeName = Literal[registry().org_type_choices()]  # type: ignore[valid-type]
KindName = Literal[registry().kind_choices()]  # type: ignore[valid-type]
DEFAULT_PACK = registry().default_pack

MIB = 1024 * 1024
ACCEPTED_SUFFIXES = (*tuple(SUPPORTED_SUFFIXES), ARCHIVE_SUFFIX)
# Charters compress about fivefold; an archive inflating past ten times the upload limit is a bomb.
ARCHIVE_INFLATION_FACTOR = 10
UPLOAD_FIELD = b"files"
# Short text fields an upload may carry beside its files (a batch's name), and their longest value.
TEXT_FIELDS = (b"name",)
TEXT_FIELD_BYTES = 1024
# RFC 5987 extended file names (filename*=UTF-8''%E7%AB%A0...), which python-multipart drops.
EXTENDED_FILENAME = re.compile(rb"filename\*\s*=\s*([\w!#$&+.^`|~-]+)'[^']*'([^;\s]+)", re.IGNORECASE)

@dataclass
class Upload:
    """One uploaded file: ``label`` is what the user called it, ``path`` where its bytes are."""

    label: str
    path: Path


def _suffix(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return os.path.splitext(base)[1].lower()


def _filename(disposition: bytes, params: dict[bytes, bytes]) -> str | None:
    extended = EXTENDED_FILENAME.search(disposition)
    if extended:
        charset = extended.group(1).decode("ascii")
        try:
            return unquote(extended.group(2).decode("ascii"), encoding=charset, errors="replace")
        except LookupError:
            pass  # an unknown charset: fall back on the plain filename parameter
    filename = params.get(b"filename")
    return filename.decode("utf-8", "replace") if filename else None


class _MultipartSpool:
    """Feeds a multipart body through python-multipart, writing each ``files`` part to its own file.

    Parts are stored as ``0001.docx``, ``0002.pdf``...: the suffix comes from an allow-list, nothing
    else of the user's file name touches the file system.
    """

    def __init__(self, boundary: bytes, workdir: Path, max_files: int):
        from python_multipart.multipart import MultipartParser

        self.workdir = workdir
        self.max_files = max_files
        self.uploads: list[Upload] = []
        self.fields: dict[str, str] = {}
        self.finished = False
        self._text: bytearray | None = None
        self._text_name = ""
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._out: io.BufferedWriter | None = None
        self._parser = MultipartParser(boundary, {
            "on_part_begin": self._on_part_begin,
            "on_header_field": lambda data, start, end: self._header_field.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
            "on_header_end": self._on_header_end,
            "on_headers_finished": self._on_headers_finished,
            "on_part_data": self._on_part_data,
            "on_part_end": self._close_part,
            "on_end": self._on_end,
        })

    def write(self, chunk: bytes) -> None:
        self._parser.write(chunk)

    def close(self) -> None:
        self._close_part()

    def _on_part_begin(self) -> None:
        self._headers = {}

    def _on_header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _on_headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        disposition = self._headers.get(b"content-disposition", b"")
        _, params = parse_options_header(disposition)
        label = _filename(disposition, params)
        if params.get(b"name") in TEXT_FIELDS and label is None:
            self._text, self._text_name = bytearray(), params[b"name"].decode("ascii")
            return
        if params.get(b"name") != UPLOAD_FIELD or not label:
            return
        suffix = _suffix(label)
        if suffix not in ACCEPTED_SUFFIXES:
            raise refusal(415, "web.unsupported_type", label=label, suffix=suffix or "(no extension)",
                          accepted=" ".join(ACCEPTED_SUFFIXES))
        if len(self.uploads) >= self.max_files:
            raise refusal(413, "web.too_many_files", max=self.max_files)
        path = self.workdir / f"{len(self.uploads) + 1:04d}{suffix}"
        self._out = path.open("xb")
        self.uploads.append(Upload(label, path))

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._out is not None:
            self._out.write(data[start:end])
        elif self._text is not None and len(self._text) < TEXT_FIELD_BYTES:
            self._text.extend(data[start:min(end, start + TEXT_FIELD_BYTES - len(self._text))])

    def _close_part(self) -> None:
        if self._text is not None:
            self.fields[self._text_name] = self._text.decode("utf-8", "replace")
            self._text = None
        if self._out is not None:
            self._out.close()
            self._out = None

    def _on_end(self) -> None:
        self.finished = True


async def spool_request(request: Request, workdir: Path, max_bytes: int, max_files: int,
                         fields: dict[str, str] | None = None) -> list[Upload]:
    """The request's files, spooled to ``workdir``; its short text fields go into ``fields``."""
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import parse_options_header

    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise refusal(415, "web.not_multipart")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise refusal(413, "web.upload_too_large", size=f"{int(declared) / MIB:.1f}", limit=max_bytes // MIB)
    spool = _MultipartSpool(boundary, workdir, max_files)
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes:
                raise refusal(413, "web.upload_over_limit", limit=max_bytes // MIB)
            spool.write(chunk)
    except MultipartParseError as exc:
        raise refusal(400, "web.malformed_multipart", detail=str(exc)) from None
    finally:
        spool.close()
    if not spool.finished:
        raise refusal(400, "web.upload_cut_off")
    if not spool.uploads:
        raise refusal(400, "web.no_files")
    if fields is not None:
        fields.update(spool.fields)
    return spool.uploads


@dataclass
class UploadedDocument:
    """What the checker gets: a local file, or the reason it was refused before reading."""

    label: str
    local: str | None
    error: Notice | None = None


def _count_archive_documents(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(1 for info in archive.infolist() if not info.is_dir())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 1  # one error row, reported by the unpacking below


def collect_documents(uploads: list[Upload], workdir: Path, max_files: int,
                      max_inflated: int) -> list[UploadedDocument]:
    """Each upload, with each uploaded zip replaced by its members (``archive.zip/member``), in order.

    Archives are unpacked by the batch screener's own safe unpacker, so the page and ``pbdocs screen``
    refuse the same members (``../`` names, symlinks, bombs, nested archives) the same way.
    """
    archives = [u for u in uploads if u.path.suffix == ARCHIVE_SUFFIX]
    total = len(uploads) - len(archives) + sum(_count_archive_documents(u.path) for u in archives)
    if total > max_files:
        raise refusal(413, "web.too_many_documents", total=total, max=max_files)
    limits = ArchiveLimits(max_members=max_files, max_member_bytes=max_inflated, max_total_bytes=max_inflated)
    documents: list[UploadedDocument] = []
    for upload in uploads:
        if upload.path.suffix != ARCHIVE_SUFFIX:
            documents.append(UploadedDocument(upload.label, str(upload.path)))
            continue
        members = collect_sources([str(upload.path)], workdir / f"{upload.path.stem}-members", limits=limits)
        for source in members:
            label = member_label(upload.label, source.member) if source.member else upload.label
            documents.append(UploadedDocument(label, source.local, source.error))
    return documents


# Per-request upload folders in the temporary directory: pbdocs-upload-<server pid>-XXXX, so a
# server starting removes those of servers that died mid-upload and keeps those of live ones.
UPLOAD_PREFIX = "pbdocs-upload-"


def upload_folder() -> Path:
    """A new private folder for one request's uploads, named after this process."""
    return Path(tempfile.mkdtemp(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-"))


def remove_leftover_uploads() -> None:
    """Delete upload folders whose server is gone (killed mid-upload); a live server's stay."""
    for leftover in Path(tempfile.gettempdir()).glob(f"{UPLOAD_PREFIX}*"):
        owner = leftover.name[len(UPLOAD_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and (int(owner) == os.getpid() or process_alive(int(owner))):
            continue
        shutil.rmtree(leftover, ignore_errors=True)
