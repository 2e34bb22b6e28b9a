"""Build screening batches from the plain-text charters beside this file.

The .docx and text PDFs are generated, not committed, so what each file exercises is visible here.
Used by ``tests/test_screen*.py`` and ``benchmarks/screen.py``.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHARTERS = HERE / "charters"
CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def charter_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(CHARTERS.glob("*.txt"))}


def labels() -> dict[str, dict]:
    lines = (HERE / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    return {entry["file"]: entry for entry in map(json.loads, filter(None, lines))}


def write_docx(text: str, path: Path) -> Path:
    from docx import Document

    document = Document()
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line)
    document.save(path)
    return path


_pdf_font_registered = False


def write_pdf(text: str, path: Path) -> Path:
    """A text PDF (not a scan): lines wrapped to the page width, as a word processor would."""
    global _pdf_font_registered
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if not _pdf_font_registered:
        pdfmetrics.registerFont(TTFont("WQY", CJK_FONT, subfontIndex=0))
        _pdf_font_registered = True
    size, margin = 11, 60
    width, height = A4
    per_line = int((width - 2 * margin) // size)
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("WQY", size)
    y = height - margin
    for paragraph in text.splitlines():
        if not paragraph.strip():
            continue
        for start in range(0, len(paragraph), per_line):
            if y < margin:
                pdf.showPage()
                pdf.setFont("WQY", size)
                y = height - margin
            pdf.drawString(margin, y, paragraph[start:start + per_line])
            y -= size * 1.6
    pdf.save()
    return path


def write_corrupt_docx(path: Path) -> Path:
    """Starts like a zip (so it is sniffed as .docx) but the archive is cut off."""
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00garbled" * 40)
    return path


def write_corrupt_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R" + b"\x00\xff" * 200)
    return path


def build_mixed_batch(root: Path) -> dict:
    """A folder of charters in .txt, .docx and text .pdf with two corrupt files, plus a zip with
    charters, a ``../`` member and an absolute member.

    Returns where things are and, for each display path, the original file to compare against.
    """
    texts = charter_texts()
    names = list(texts)
    folder = root / "batch"
    (folder / "word").mkdir(parents=True)
    (folder / "pdf").mkdir()
    originals: dict[str, Path] = {}
    for name in names:
        target = folder / name
        target.write_text(texts[name], encoding="utf-8")
        originals[str(target)] = target
    docx = write_docx(texts[names[0]], folder / "word" / Path(names[0]).with_suffix(".docx").name)
    pdf = write_pdf(texts[names[1]], folder / "pdf" / Path(names[1]).with_suffix(".pdf").name)
    originals[str(docx)] = docx
    originals[str(pdf)] = pdf
    corrupt = [
        write_corrupt_docx(folder / "word" / "损坏的章程.docx"),
        write_corrupt_pdf(folder / "pdf" / "broken.pdf"),
    ]

    archive = root / "upload.zip"
    members = root / "members"
    members.mkdir()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in names[2:]:
            member = f"第二批/{name}"
            zf.writestr(member, texts[name].encode("utf-8"))
            copy = members / name
            copy.write_text(texts[name], encoding="utf-8")
            originals[f"{archive}/{member}"] = copy
        docx_member = members / Path(names[3]).with_suffix(".docx").name
        write_docx(texts[names[3]], docx_member)
        zf.write(docx_member, f"第二批/{docx_member.name}")
        originals[f"{archive}/第二批/{docx_member.name}"] = docx_member
        zf.writestr("../escape.txt", texts[names[0]].encode("utf-8"))
        zf.writestr("/etc/absolute.txt", texts[names[0]].encode("utf-8"))
    return {
        "folder": folder,
        "archive": archive,
        "originals": originals,
        "corrupt": [str(p) for p in corrupt],
        "unsafe": [f"{archive}/../escape.txt", f"{archive}//etc/absolute.txt"],
    }


def full_length(text: str) -> str:
    """A short test charter grown to the length of a real one: the standard chapters on members,
    organs, assets, amendment and termination go in before its 附则 chapter."""
    body = (HERE / "body_chapters.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    closing = next((i for i, line in enumerate(lines) if "附" in line and "则" in line and line.startswith("第")),
                   len(lines))
    return "\n".join([*lines[:closing], body, *lines[closing:]])


def build_scale_batch(root: Path, count: int, *, realistic: bool = False) -> Path:
    """``count`` distinct charters cycling .txt, .docx and text .pdf; ``realistic`` gives them
    the length of real charters (for the benchmark)."""
    texts = [(name, full_length(text) if realistic else text) for name, text in charter_texts().items()]
    folder = root / "scale"
    folder.mkdir(parents=True)
    writers = (
        (".txt", lambda text, path: path.write_text(text, encoding="utf-8")),
        (".docx", write_docx),
        (".pdf", write_pdf),
    )
    for index in range(count):
        name, text = texts[index % len(texts)]
        # A distinct number per copy gives each document its own content hash.
        text = text.replace("第一章", f"（编号{index:04d}）\n第一章", 1)
        suffix, write = writers[index % len(writers)]
        write(text, folder / f"{index:04d}-{Path(name).stem}{suffix}")
    return folder
