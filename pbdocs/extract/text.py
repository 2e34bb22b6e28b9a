"""Plain text and Markdown in UTF-8 (BOM or not), UTF-16, GB18030/GBK or Big5, told from the bytes."""
from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from ..models import Page
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


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:20000]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\n\r\t\f" or ch == "\ufffd")
    return controls > max(8, len(sample) // 50)


def read_bytes_limited(path: Path, limit: int) -> bytes:
    with path.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ReadError(path, f"file is over the {limit / 1e6:.0f} MB limit")
    return data


def read_text(path: Path, options) -> "Extracted":
    from . import Extracted

    data = read_bytes_limited(path, options.max_file_bytes)
    text, codec = decode_bytes(data)
    if _looks_binary(text):
        raise ReadError(path, "binary data, not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    warnings = [] if codec in ("utf-8", "ascii") else [f"decoded as {codec}"]
    title = None
    if options.strip_boilerplate:
        from .boilerplate import strip_web_boilerplate

        cleaned = strip_web_boilerplate(text)
        if cleaned.removed_lines:
            warnings.append(f"removed {cleaned.removed_lines} lines of site boilerplate")
        text, title = cleaned.text, cleaned.title
        header = cleaned.header_lines
    else:
        header = []
    return Extracted(pages=[Page(1, text)], warnings=warnings, title=title, header_lines=header)
