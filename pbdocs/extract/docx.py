"""Word documents: .docx with python-docx after a zip safety check, .doc through antiword or LibreOffice.

A .docx is a zip archive, and a hostile one can declare a member that inflates to gigabytes.
The archive's directory is inspected first, without inflating anything, and refused when the
declared sizes or compression ratios are beyond what any real document needs. Python's zipfile
never inflates past a member's declared size, so checking declared sizes bounds the work.

Scans are often pasted into Word, one picture per page: a body with (almost) no text but with
pictures is read by OCR of those pictures, in the order the body shows them.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

from ..errors import CorruptFile, MissingDependency, Notice, ReadError, UnsafeArchive
from ..messages import catalogue
from ..models import Page
from . import Extracted, ExtractOptions

__all__ = ["read_docx", "read_doc", "check_archive", "paragraph_starts"]

# Word packages hold a few dozen parts; tens of thousands mean a crafted archive.
_MAX_MEMBERS = 5000
# XML compresses about 5-20x; deflate cannot exceed ~1030x, which only runs of one byte reach.
_MAX_RATIO = 200
# Small members may compress absurdly well without mattering (an empty styles part).
_RATIO_EXEMPT_BYTES = 1 << 20
_CONVERTER_TIMEOUT_S = 120

# A body with pasted page scans may still carry a typed title or caption; a real typed page
# holds hundreds of characters.
_MAX_TEXT_BESIDE_SCANS = 50

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
# DrawingML pictures (Word 2007+) and VML pictures (older documents, some scanner software).
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_VML_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"
# mc:Fallback repeats a text box already read from mc:Choice; w:moveFrom is the old place of moved
# text, still stored as w:t.
_SKIPPED_WRAPPERS = frozenset({
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
    f"{_W}moveFrom",
})


def check_archive(path: Path, options: ExtractOptions) -> None:
    """Refuse a zip whose declared contents are too large, too compressed, or not a Word document."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise CorruptFile("read.docx_bad_zip", path=path, detail=exc) from None
    if len(members) > _MAX_MEMBERS:
        raise UnsafeArchive("read.docx_too_many_parts", path=path, parts=len(members), limit=_MAX_MEMBERS)
    limit = options.budget.max_inflated_bytes
    total = 0
    for member in members:
        if member.file_size > limit:
            raise UnsafeArchive("read.docx_part_too_large", path=path, part=member.filename,
                                size=_size(member.file_size), limit=_size(limit))
        if member.file_size > _RATIO_EXEMPT_BYTES and member.file_size > _MAX_RATIO * max(member.compress_size, 1):
            raise UnsafeArchive("read.docx_part_ratio", path=path, part=member.filename,
                                ratio=member.file_size // max(member.compress_size, 1))
        total += member.file_size
    if total > limit:
        raise UnsafeArchive("read.docx_too_large", path=path, size=_size(total), limit=_size(limit))
    if "word/document.xml" not in {member.filename for member in members}:
        raise ReadError("read.not_word", path=path)


def _size(size: int) -> str:
    return f"{size:,} bytes"


def read_docx(path: Path, options: ExtractOptions) -> Extracted:
    check_archive(path, options)
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    try:
        document = docx.Document(str(path))
        body = document.element.body
        lines = list(_block_lines(body)) if body is not None else []
        title = document.core_properties.title or None
        text = "\n".join(lines).strip("\n")
        nearly_empty = sum(not ch.isspace() for ch in text) <= _MAX_TEXT_BESIDE_SCANS
        pictures = _body_pictures(body, document.part) if body is not None and nearly_empty else []
    except (PackageNotFoundError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, EOFError,
            etree.XMLSyntaxError, NotImplementedError, OSError) as exc:
        # OSError: a member header pointing outside the archive makes zipfile seek before its start.
        detail = f"{exc.__class__.__name__}: {exc}".rstrip(": ")
        raise CorruptFile("read.docx_corrupt", path=path, detail=detail) from None
    except (AttributeError, TypeError, IndexError) as exc:
        # python-docx assumes a well-formed package: a part missing or of the wrong type surfaces as
        # these from deep inside it (opc/package.py core_properties, opc/pkgreader.py load_from_xml).
        raise CorruptFile("read.docx_malformed", path=path, detail=exc.__class__.__name__) from None
    if pictures:
        return _read_pasted_scans(path, text, pictures, title, options)
    return Extracted(pages=[Page(number=1, text=text)], title=title)


def _body_pictures(body, part) -> list[tuple[str, bytes]]:
    """(part name, bytes) of each picture the body shows, in document order, each once."""
    pictures: list[tuple[str, bytes]] = []
    seen: set[str] = set()
    for node in _visible(body, (_BLIP, _VML_IMAGE)):
        rel_id = node.get(_R_EMBED) if node.tag == _BLIP else node.get(_R_ID)
        rel = part.rels.get(rel_id) if rel_id else None
        if rel is None or rel.is_external:
            continue
        target = rel.target_part
        name = str(target.partname).lstrip("/")
        if name not in seen:
            seen.add(name)
            pictures.append((name, target.blob))
    return pictures


def _read_pasted_scans(path: Path, text: str, pictures: list[tuple[str, bytes]], title, options) -> Extracted:
    """Each pasted picture OCR'd as a page (a multi-page TIFF as several); typed text kept first."""
    import io

    from ..legal import strip_running_lines
    from .image import ocr_picture, require_ocr

    plural = "s" if len(pictures) != 1 else ""
    require_ocr(path, f"a body of {len(pictures)} pasted page image{plural} and no text", options)
    frames: list = []
    read = 0
    notes: list[Notice] = []
    for name, blob in pictures:
        if len(frames) >= options.budget.max_pages:
            notes.append(Notice.of("warn.page_limit_of_pictures", count=len(frames)))
            break
        try:
            picture_frames, _ = ocr_picture(io.BytesIO(blob), path, options)
        except ReadError as exc:
            notes.append(Notice.of("warn.picture_skipped", name=name, detail=exc.reason,
                                   detail_text=catalogue().error_text(exc)))
            continue
        frames.extend(picture_frames[: options.budget.max_pages - len(frames)])
        read += 1
    pages = [
        Page(number=number, text="\n".join(line.text for line in lines), ocr=True)
        for number, lines in enumerate(strip_running_lines(frames), start=1)
    ]
    if text and pages:
        pages[0] = Page(number=1, text=f"{text}\n{pages[0].text}", ocr=True)
    elif text:
        pages = [Page(number=1, text=text)]
    notes.insert(0, Notice.of("warn.ocr_images", count=read, images="image" if read == 1 else "images"))
    return Extracted(pages=pages, warnings=notes, title=title)


def _block_lines(container):
    """Lines of a body-like element in document order: paragraphs, table rows, content controls."""
    for child in container.iterchildren():
        yield from _child_lines(child)


def _child_lines(child):
    tag = child.tag
    if tag == f"{_W}p":
        yield _paragraph_text(child)
    elif tag == f"{_W}tbl":
        yield from _table_lines(child)
    elif tag == f"{_W}sdt":
        content = child.find(f"{_W}sdtContent")
        if content is not None:
            yield from _block_lines(content)
    elif tag == f"{_W}customXml":
        yield from _block_lines(child)


def paragraph_starts(body) -> list[int | None]:
    """Where each paragraph directly in ``body`` (python-docx's ``Document.paragraphs``, in order)
    begins in the text :func:`read_docx` reads from it; None for a blank one cut off its start."""
    starts: list[int] = []
    pos = 0
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            starts.append(pos)
        pos += sum(len(line) + 1 for line in _child_lines(child))
    text = "\n".join(_block_lines(body))
    cut = len(text) - len(text.lstrip("\n"))
    return [start - cut if start >= cut else None for start in starts]


def _table_lines(table):
    """One line per row, cells separated by a tab; a merged cell is read once."""
    for row in table.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        for cell in row.iterchildren(f"{_W}tc"):
            if _is_vertical_merge_continuation(cell):
                continue
            cells.append("\n".join(line for line in _block_lines(cell) if line))
        if any(cells):
            yield "\t".join(cells)


def _is_vertical_merge_continuation(cell) -> bool:
    merge = cell.find(f"{_W}tcPr/{_W}vMerge")
    return merge is not None and merge.get(f"{_W}val", "continue") == "continue"


def _paragraph_text(paragraph) -> str:
    """All visible text of a paragraph, runs joined, whatever wraps them (links, insertions,
    fields, content controls); deleted or moved-away text, field codes and duplicate fallback
    drawings skipped."""
    parts: list[str] = []
    for node in _visible(paragraph, _TEXT_TAGS):
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


_TEXT_TAGS = (f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen")


def _visible(root, tags: tuple[str, ...]):
    """The descendants of ``root`` with one of ``tags``, in document order, except those inside a
    skipped wrapper. One walk that counts the wrappers it is inside: asking each node for its
    ancestors instead costs the nesting depth per node, which a crafted document makes huge."""
    from lxml import etree

    inside = 0
    for event, node in etree.iterwalk(root, events=("start", "end")):
        tag = node.tag
        if tag in _SKIPPED_WRAPPERS:
            inside += 1 if event == "start" else -1
        elif event == "start" and not inside and tag in tags:
            yield node


def read_doc(path: Path, options: ExtractOptions) -> Extracted:
    """Legacy Word 97-2003 through antiword, or LibreOffice when antiword is not installed."""
    antiword = shutil.which("antiword")
    if antiword:
        text = _run_converter(path, [antiword, "-m", "UTF-8.txt", "-w", "0", str(path.resolve())], "antiword")
        return Extracted(pages=[Page(number=1, text=text.strip("\n"))])
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office:
        with tempfile.TemporaryDirectory(prefix="pbdocs-doc-") as outdir:
            _run_converter(
                path,
                [office, "--headless", "--norestore", "--convert-to", "txt:Text (encoded):UTF8",
                 "--outdir", outdir, str(path.resolve())],
                "LibreOffice",
            )
            converted = Path(outdir) / (path.stem + ".txt")
            if not converted.is_file():
                raise ReadError("read.doc_not_converted", path=path)
            text = converted.read_text(encoding="utf-8-sig", errors="replace")
        return Extracted(pages=[Page(number=1, text=text.strip("\n"))])
    raise MissingDependency("read.doc_needs_tool", path=path)


def _run_converter(path: Path, command: list[str], tool: str) -> str:
    try:
        done = subprocess.run(command, capture_output=True, timeout=_CONVERTER_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise ReadError("read.tool_timeout", path=path, tool=tool, seconds=_CONVERTER_TIMEOUT_S) from None
    except OSError as exc:
        raise ReadError("read.tool_not_started", path=path, tool=tool, detail=exc.strerror or exc) from None
    if done.returncode < 0:
        raise ReadError("read.tool_crashed", path=path, tool=tool, signal=-done.returncode)
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        reason = detail[-1] if detail else f"exit status {done.returncode}"
        raise ReadError("read.tool_failed", path=path, tool=tool, detail=reason)
    return done.stdout.decode("utf-8", errors="replace")
