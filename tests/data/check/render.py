"""Render plain-text charters as .docx and text .pdf for the checker's quality gate and benchmark.

The PDF puts a running header and a page number on every page and breaks the page inside the
party clause (at ``split_after`` characters into the article holding 设立), so the checker sees
what real scanned-to-PDF or printed-to-PDF charters give it: a clause cut by a page break,
wrapped lines, headers and footers in between.
"""
from __future__ import annotations

from pathlib import Path

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FONT_NAME = "WQYZenHei"
CHARS_PER_LINE = 34
LINES_PER_PAGE = 40


def render_docx(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for paragraph in text.split("\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        if not FONT_PATH.exists():
            raise FileNotFoundError(f"CJK font {FONT_PATH} missing: install fonts-wqy-zenhei")
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
    return FONT_NAME


def _wrapped(text: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        while len(paragraph) > CHARS_PER_LINE:
            lines.append(paragraph[:CHARS_PER_LINE])
            paragraph = paragraph[CHARS_PER_LINE:]
        lines.append(paragraph)
    return lines


def pdf_pages(text: str, *, split_in: str | None = "设立", split_after: int = 20) -> list[list[str]]:
    """Lines per page; the first line containing ``split_in`` is cut and continued on a new page."""
    pages: list[list[str]] = [[]]
    split_done = split_in is None
    for line in _wrapped(text):
        if not split_done and split_in in line:
            pages[-1].append(line[:split_after])
            pages.append([line[split_after:]])
            split_done = True
            continue
        if len(pages[-1]) >= LINES_PER_PAGE:
            pages.append([])
        pages[-1].append(line)
    return pages


def render_pdf(text: str, path: Path, *, header: str | None = None, split_in: str | None = "设立") -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _font()
    pages = pdf_pages(text, split_in=split_in)
    width, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number, lines in enumerate(pages, start=1):
        if header:
            pdf.setFont(font, 9)
            pdf.drawString(72, height - 40, header)
        pdf.setFont(font, 12)
        y = height - 80
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 18
        pdf.setFont(font, 9)
        pdf.drawCentredString(width / 2, 30, f"- {number} -")
        pdf.showPage()
    pdf.save()
    return path


def render_scanned_pdf(text: str, path: Path, *, dpi: int = 200, header: str | None = None) -> Path:
    """The text PDF printed and scanned: every page an image, no text layer."""
    import pypdfium2
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    text_pdf = render_pdf(text, path.with_suffix(".text.pdf"), header=header)
    source = pypdfium2.PdfDocument(str(text_pdf))
    width, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4)
    try:
        for page in source:
            image = page.render(scale=dpi / 72).to_pil().convert("L")
            pdf.drawImage(ImageReader(image), 0, 0, width=width, height=height)
            pdf.showPage()
    finally:
        source.close()
    pdf.save()
    text_pdf.unlink()
    return path
