"""Hostile inputs of issue 13, generated (never committed), and small valid documents of every
format for the fuzz test. Used by tests/test_hostile.py, tests/test_fuzz.py and
benchmarks/hostile.py."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

MB = 1_000_000
CHARTER = ("第一章 总则\n第一条 本会名称为示例协会。\n"
           "第三条 本会根据中国共产党章程的规定，设立中国共产党的组织，开展党的活动，"
           "为党组织的活动提供必要条件。\n")


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF with these objects (numbered from 1, the first being the catalog) and a correct xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def render_bomb_pdf(path: Path, *, inches: int = 200) -> Path:
    """A few hundred bytes: one page of ``inches`` square (the PDF maximum is 200) that is one
    grey image and no text, so OCR would render it: 1.6 gigapixels at 200 dpi."""
    side = inches * 72
    content = b"q %d 0 0 %d 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q" % (side, side)
    path.write_bytes(_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R >>" % (side, side),
        _stream(content),
    ]))
    return path


def text_pdf(path: Path, text: str = "Article 1 The association sets up a party organization.") -> Path:
    """A one-page PDF with a Helvetica text layer."""
    content = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
    path.write_bytes(_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]))
    return path


def unclosed_tags_html(path: Path, *, size: int = MB) -> Path:
    """``size`` bytes of tags that never close: each "<" used to rescan the rest of the page."""
    unit = "<a href=x "
    path.write_text("<html><body>" + unit * (size // len(unit)), encoding="utf-8")
    return path


def deep_html(path: Path, *, size: int = MB) -> Path:
    """A page nested far past the DOM parser's depth, read as flat text, full of elements that
    never close (title, script), which the flat reader used to rescan for each opening."""
    half = size // 2
    opening = "<div>" * (half // 5)
    unclosed = "<title>x<script>y<style>z" * ((size - half) // 25)
    path.write_text(f"<html><body>{opening}<p>{CHARTER}</p>{unclosed}", encoding="utf-8")
    return path


def html_as_text(path: Path, *, size: int = MB) -> Path:
    """A .txt file starting with <html>: read by the HTML reader, so it took the same slow path."""
    unclosed_tags_html(path, size=size)
    return path


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '{extra}</Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>{extra}</Relationships>'
)
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_bytes(body_xml: str, *, extra_types: str = "", extra_rels: str = "",
                parts: dict[str, str] | None = None) -> bytes:
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document xmlns:w="{_W_NS}"><w:body>{body_xml}</w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(extra=extra_types))
        archive.writestr("_rels/.rels", _ROOT_RELS.format(extra=extra_rels))
        archive.writestr("word/document.xml", document)
        for name, text in (parts or {}).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def docx(path: Path, text: str = CHARTER) -> Path:
    """A small valid .docx, one paragraph per line."""
    path.write_bytes(_docx_bytes("".join(_paragraph(line) for line in text.splitlines())))
    return path


def deep_docx(path: Path, *, depth: int = 250, size: int = MB) -> Path:
    """A paragraph whose runs sit ``depth`` wrappers deep, with as many runs as fit in ``size``
    bytes of document.xml: every run used to walk all its ancestors."""
    run = "<w:r><w:t>党</w:t></w:r>"
    wrappers = "<w:ins w:id='1' w:author='a'>" * depth
    closing = "</w:ins>" * depth
    count = (size - len(wrappers) - len(closing) - 200) // len(run.encode("utf-8"))
    body = f"<w:p>{wrappers}{run * count}{closing}</w:p>"
    path.write_bytes(_docx_bytes(body))
    return path


def docx_with_broken_core_properties(path: Path) -> Path:
    """A .docx whose core-properties relationship points to a part of a plain XML type: python-docx
    raised AttributeError from opc/package.py core_properties."""
    rel = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
           'metadata/core-properties" Target="docProps/core.xml"/>')
    path.write_bytes(_docx_bytes(_paragraph(CHARTER), extra_rels=rel,
                                 parts={"docProps/core.xml": "<notcore/>"}))
    return path


def image(path: Path, fmt: str) -> Path:
    """A small picture with a line of dark marks, in ``fmt`` (PNG, JPEG, TIFF)."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (96, 48), "white")
    ImageDraw.Draw(picture).rectangle((10, 20, 80, 28), fill="black")
    picture.save(path, fmt)
    return path


def zip_archive(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def seeds(folder: Path) -> list[Path]:
    """Small valid documents of every format pbdocs reads, to mutate."""
    folder.mkdir(parents=True, exist_ok=True)
    made = [
        _write(folder / "utf8.txt", CHARTER.encode("utf-8")),
        _write(folder / "gbk.txt", CHARTER.encode("gbk")),
        _write(folder / "page.html", f"<html><head><title>章程</title></head><body><div><p>{CHARTER}</p>"
                                     f"</div></body></html>".encode()),
        docx(folder / "charter.docx"),
        text_pdf(folder / "text.pdf"),
        image(folder / "photo.png", "PNG"),
        image(folder / "photo.jpg", "JPEG"),
        image(folder / "scan.tif", "TIFF"),
    ]
    made.append(zip_archive(folder / "batch.zip", {"a.txt": CHARTER.encode("utf-8"),
                                                   "b.docx": (folder / "charter.docx").read_bytes()}))
    return made


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
