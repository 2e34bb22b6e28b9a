"""Render the charters in ``examples/sources/`` as .docx into ``examples/charters/``.

The bundled examples show that a batch mixes formats; the .docx is generated from plain text so
its content stays reviewable. Run: ``python examples/make_docx.py``.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

HERE = Path(__file__).resolve().parent


def render(source: Path, target: Path) -> None:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    # Word picks the East Asian font from this attribute, not from font.name.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    document.save(target)


def main() -> None:
    for source in sorted((HERE / "sources").glob("*.txt")):
        target = HERE / "charters" / (source.stem + ".docx")
        render(source, target)
        print(target.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
