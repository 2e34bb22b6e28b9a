"""Plain text and Markdown in UTF-8 (BOM or not), UTF-16, GB18030/GBK or Big5, told from the bytes."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Notice, OverBudget, ReadError
from ..legal import is_page_number, strip_running_lines
from ..models import Line, Page

if TYPE_CHECKING:
    from . import Extracted
from .quality import han_plausibility

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CANDIDATES = ("utf-8", "gb18030", "big5")


def decode_bytes(data: bytes, hint: str | None = None) -> tuple[str, str]:
    """Decode ``data``; returns (text, codec). ``hint`` (e.g. an HTML meta charset) is tried first
    but is overruled when it does not decode cleanly."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace"), codec
    candidates = list(_CANDIDATES)
    if hint:
        hint = _canonical_codec(hint)
        if hint in candidates:
            candidates.remove(hint)
        candidates.insert(0, hint)
    decoded: list[tuple[float, int, str, str]] = []
    for order, codec in enumerate(candidates):
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if codec == "utf-8" or data.isascii():
            return text, codec
        score = han_plausibility(text)
        decoded.append((score if score is not None else 0.5, -order, text, codec))
    if decoded:
        _, _, text, codec = max(decoded)
        return text, codec
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    return data.decode("gb18030", errors="replace"), "gb18030"


def _canonical_codec(name: str) -> str:
    name = name.strip().strip("\"'").lower()
    if name in ("gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936", "gb18030"):
        return "gb18030"
    if name in ("big5", "big5-hkscs", "cp950"):
        return "big5"
    if name in ("utf8", "utf-8"):
        return "utf-8"
    return name


def _looks_binary(text: str, *, replaced: bool = True) -> bool:
    """Binary data rather than text. ``replaced``: U+FFFD marks come from our decoding; in strict
    UTF-8 they were written in the file (garbled text saved as is) and are left to the checker."""
    if "\x00" in text:
        return True
    sample = text[:20000]
    controls = sum(1 for ch in sample if (ch < " " and ch not in "\n\r\t\f") or (replaced and ch == "\ufffd"))
    return controls > max(8, len(sample) // 50)


# Bytes a character of text takes at most in any encoding pbdocs reads (UTF-8 CJK: 3, GB18030: 4).
_MAX_BYTES_PER_CHAR = 4


def read_bytes_limited(path: Path, budget) -> bytes:
    """The bytes of a text-like file, refused before decoding when they cannot fit the budget."""
    limit = min(budget.max_file_bytes, _MAX_BYTES_PER_CHAR * budget.max_chars)
    with path.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise OverBudget("read.text_too_large", path=path, limit=f"{limit / 1e6:.0f}")
    return data


def read_text(path: Path, options) -> Extracted:
    from . import Extracted

    data = read_bytes_limited(path, options.budget)
    text, codec = decode_bytes(data)
    if _looks_binary(text, replaced=codec != "utf-8"):
        raise ReadError("read.binary", path=path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    warnings = [] if codec in ("utf-8", "ascii") else [Notice.of("warn.decoded_as", codec=codec)]
    title = None
    header: list[str] = []
    if options.strip_boilerplate:
        from .boilerplate import strip_web_boilerplate

        cleaned = strip_web_boilerplate(text)
        if cleaned.removed_lines:
            warnings.append(Notice.of("warn.boilerplate_removed", count=cleaned.removed_lines))
        text, title = cleaned.text, cleaned.title
        header = cleaned.header_lines
    pages = split_pages(text)
    return Extracted(pages=[Page(i + 1, t) for i, t in enumerate(pages)], warnings=warnings, title=title,
                     header_lines=header)


def _is_page_break_line(line: str) -> bool:
    """A page number standing on its own line, decorated enough not to be a list item or a count."""
    stripped = line.strip()
    return bool(stripped) and not stripped.isdigit() and is_page_number(stripped)


def split_pages(text: str) -> list[str]:
    """Pages of text saved from a paginated document, without running headers and page numbers.

    Form feeds separate pages; so do page-number lines (``— 2 —``, ``第 2 页``) that a PDF-to-text
    tool left between pages. Running headers and footers are then removed as for PDFs, so a
    sentence that crossed the page break reads as one. The document's first line is its title
    and always stays, even when the same words run as a header on later pages.
    """
    chunks = [chunk for chunk in text.split("\f")]
    pages: list[list[str]] = []
    for chunk in chunks:
        current: list[str] = []
        for line in chunk.split("\n"):
            if _is_page_break_line(line):
                pages.append(current)
                current = []
            else:
                current.append(line)
        pages.append(current)
    pages = [page for page in pages if any(line.strip() for line in page)] or [[text]]
    if len(pages) == 1:
        return ["\n".join(pages[0]).strip("\n")]
    first_line = next(line for line in pages[0] if line.strip())
    positioned = [
        [Line(line, float(i), float(i)) for i, line in enumerate(page) if line.strip()] for page in pages
    ]
    kept = strip_running_lines(positioned)
    out = []
    for index, (page, survivors) in enumerate(zip(pages, kept, strict=False)):
        keep_rows = {int(line.top) for line in survivors}
        lines = [line for i, line in enumerate(page)
                 if not line.strip() or i in keep_rows or (index == 0 and line is first_line)]
        out.append("\n".join(lines).strip("\n"))
    return [page for page in out if page.strip()] or [text]
