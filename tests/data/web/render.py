"""Render the plain-text test charters of this folder as .docx and .pdf, as offices receive them."""
from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FONT_NAME = "WenQuanYiZenHei"
CHARS_PER_LINE = 34


def expected_verdicts() -> dict[str, str]:
    return json.loads((HERE / "expected.json").read_text(encoding="utf-8"))


def charter_paths() -> list[Path]:
    return sorted(HERE / name for name in expected_verdicts())


def write_docx(source: Path, target: Path) -> Path:
    from docx import Document

    document = Document()
    lines = source.read_text(encoding="utf-8").splitlines()
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        if line.strip():
            document.add_paragraph(line)
    document.save(target)
    return target


def write_pdf(source: Path, target: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(CJK_FONT), subfontIndex=0))
    page = canvas.Canvas(str(target), pagesize=A4)
    _, height = A4
    y = height - 72
    for paragraph in source.read_text(encoding="utf-8").splitlines():
        # Long articles wrap as a typesetter would, so the clause spans lines like in real PDFs.
        pieces = [paragraph[i:i + CHARS_PER_LINE] for i in range(0, len(paragraph), CHARS_PER_LINE)] or [""]
        for piece in pieces:
            if y < 72:
                page.showPage()
                y = height - 72
            page.setFont(FONT_NAME, 12)
            page.drawString(60, y, piece)
            y -= 18
    page.save()
    return target


def render(source: Path, suffix: str, directory: Path) -> Path:
    """``source`` as a file of type ``suffix`` (".txt", ".docx" or ".pdf") inside ``directory``."""
    target = directory / (source.stem + suffix)
    if suffix == ".txt":
        target.write_bytes(source.read_bytes())
        return target
    return {".docx": write_docx, ".pdf": write_pdf}[suffix](source, target)
