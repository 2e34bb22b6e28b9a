"""Build the binary extraction fixtures (DOCX, text/scanned/broken/encrypted/rotated PDFs, page
images, bad inputs).

Binary files are generated rather than committed so that what each one exercises is visible here.
Run ``python tests/data/make_fixtures.py OUTDIR`` to write them all; the test suite and
``benchmarks/extract.py`` import the functions and build into a temporary directory.
"""
from __future__ import annotations

import itertools
import os
import random
import struct
import sys
import zlib
from pathlib import Path

CLAUSE = (
    "本会坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共产党的组织，"
    "开展党的活动，为党组织的活动提供必要条件。"
)
ORG_NAME = "某市青年志愿服务协会"
RUNNING_HEADER = f"{ORG_NAME}章程（2024年5月修订）"

# Body paragraphs of a small charter; the party clause is 第四条. Filler articles are real-looking
# so that page layout, header detection and OCR face ordinary charter prose.
CHARTER_PARAGRAPHS = [
    f"{ORG_NAME}章程",
    "第一章　总则",
    f"第一条　本会的名称是{ORG_NAME}。",
    "第二条　本会是由本市从事志愿服务的单位和个人自愿结成的地方性、非营利性社会组织。",
    "第三条　本会的宗旨是：遵守宪法、法律、法规和国家政策，践行社会主义核心价值观，"
    "弘扬爱国主义精神，遵守社会道德风尚，自觉加强诚信自律建设，团结广大志愿者服务社会。",
    "第四条　" + CLAUSE,
    "第五条　本会接受登记管理机关市民政局和行业管理部门的业务指导和监督管理。",
    "第六条　本会的住所设在本市中山路一百二十号。",
    "第二章　业务范围",
    "第七条　本会的业务范围：组织开展志愿服务活动；开展志愿者培训和交流；"
    "宣传志愿服务理念；承接政府委托的有关事项。",
    "第三章　会员",
    "第八条　本会的会员为单位会员和个人会员。",
    "第九条　申请加入本会的会员，必须具备下列条件：拥护本会的章程；有加入本会的意愿；"
    "在本会的业务领域内具有一定的影响。",
    "第十条　会员入会的程序是：提交入会申请书；经理事会讨论通过；由理事会或者理事会授权的机构发给会员证。",
]

# Page 1 ends right after the first line of the party clause (see paginate); later pages hold
# this many lines.
LINES_PER_PAGE = 12
FONT_SIZE = 12
PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN_X = 72.0
BODY_TOP = PAGE_H - 110.0
LINE_GAP = 20.0

# Footer and header page-number styles seen on charters; each text PDF uses one of them.
PAGE_NUMBER_STYLES = {
    "dash": lambda n, total: f"- {n} -",
    "di-ye": lambda n, total: f"第 {n} 页 共 {total} 页",
    "slash": lambda n, total: f"{n}/{total}",
    "bare": lambda n, total: f"{n}",
}

_FONT_NAME = "PbdocsFixtureCJK"


def find_cjk_font() -> Path:
    """A TrueType collection or font with Chinese glyphs, preferring the WenQuanYi fonts."""
    roots = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"]
    preferred = ("wqy-zenhei.ttc", "wqy-microhei.ttc")
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found.extend(p for p in root.rglob("*") if p.name.lower() in preferred)
    if not found:
        raise FileNotFoundError(
            "no CJK font found under /usr/share/fonts: apt-get install fonts-wqy-zenhei"
        )
    return sorted(found, key=lambda p: preferred.index(p.name.lower()))[0]


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_FONT_NAME, str(find_cjk_font()), subfontIndex=0))
    return _FONT_NAME


def _wrap(paragraph: str, width_chars: int) -> list[str]:
    """Break a CJK paragraph into lines of at most ``width_chars`` characters, as a typesetter would."""
    return [paragraph[i:i + width_chars] for i in range(0, len(paragraph), width_chars)] or [""]


def charter_lines(width_chars: int = 36) -> list[str]:
    lines: list[str] = []
    for paragraph in CHARTER_PARAGRAPHS:
        lines.extend(_wrap(paragraph, width_chars))
    return lines


def paginate(lines: list[str]) -> list[list[str]]:
    """Split lines into pages so the page break falls inside the party clause."""
    clause_first = next(i for i, line in enumerate(lines) if line.startswith("第四条"))
    first_page_end = clause_first + 1
    pages = [lines[:first_page_end]]
    rest = lines[first_page_end:]
    while rest:
        pages.append(rest[:LINES_PER_PAGE])
        rest = rest[LINES_PER_PAGE:]
    return pages


def make_text_pdf(
    path: Path,
    *,
    page_number_style: str = "dash",
    fake_bold: bool = False,
    one_page: bool = False,
) -> Path:
    """A charter PDF with a running header, page numbers and the party clause across pages 1-2.

    ``fake_bold`` draws every line a second time shifted by 0.3 pt, the way office suites and
    some PDF printers render bold for fonts without a bold face. ``one_page`` puts the whole
    charter on one page (the picture of a single page then holds the whole clause).
    """
    from reportlab.pdfgen import canvas

    font = _register_font()
    pages = [charter_lines()] if one_page else paginate(charter_lines())
    numbering = PAGE_NUMBER_STYLES[page_number_style]
    pdf = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    pdf.setTitle(f"{ORG_NAME}章程")
    for number, lines in enumerate(pages, start=1):
        pdf.setFont(font, 10)
        pdf.drawCentredString(PAGE_W / 2, PAGE_H - 50, RUNNING_HEADER)
        pdf.line(MARGIN_X, PAGE_H - 58, PAGE_W - MARGIN_X, PAGE_H - 58)
        pdf.drawCentredString(PAGE_W / 2, 40, numbering(number, len(pages)))
        pdf.setFont(font, FONT_SIZE)
        for row, line in enumerate(lines):
            y = BODY_TOP - row * LINE_GAP
            pdf.drawString(MARGIN_X, y, line)
            if fake_bold:
                pdf.drawString(MARGIN_X + 0.3, y, line)
        pdf.showPage()
    pdf.save()
    return path


def _parse_bfchar(cmap: bytes) -> dict[int, int]:
    """Code -> Unicode code point from a ToUnicode CMap's bfchar and bfrange sections."""
    import re

    mapping: dict[int, int] = {}
    text = cmap.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = int(dst[:4], 16)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = int(dst, 16) + offset
    return mapping


def _cmap_stream(mapping: dict[int, int]) -> bytes:
    entries = "\n".join(f"<{code:02X}> <{uni:04X}>" for code, uni in sorted(mapping.items()))
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
        f"{len(mapping)} beginbfchar\n{entries}\nendbfchar\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def _garble(code_point: int, mode: str) -> int:
    if mode == "private-use":
        return 0xE000 + code_point % 0x1000
    # A wrong but valid hanzi: what a font whose cmap was built against another encoding yields.
    if 0x4E00 <= code_point <= 0x9FFF:
        return 0x4E00 + (code_point - 0x4E00 + 7919) % (0x9FA5 - 0x4E00)
    return code_point


def make_broken_text_pdf(path: Path, source: Path, *, mode: str = "private-use") -> Path:
    """Copy ``source`` with every font's ToUnicode CMap rewritten so its text layer lies.

    The page still looks right (glyphs are unchanged), so OCR of the rendering recovers the text.
    ``mode``: "private-use" maps glyphs to U+E000.., "wrong-hanzi" to other, mostly rare, hanzi,
    "no-tounicode" deletes the CMap so the glyphs map to nothing at all.
    """
    import pikepdf

    with pikepdf.open(source) as pdf:
        seen: set[tuple[int, int]] = set()
        for page in pdf.pages:
            for _, font in page.resources.get("/Font", {}).items():
                if font.objgen in seen or "/ToUnicode" not in font:
                    continue
                seen.add(font.objgen)
                if mode == "no-tounicode":
                    del font["/ToUnicode"]
                    continue
                original = _parse_bfchar(font.ToUnicode.read_bytes())
                garbled = {code: _garble(uni, mode) for code, uni in original.items()}
                font.ToUnicode = pdf.make_stream(_cmap_stream(garbled))
        pdf.save(path)
    return path


def render_pages(source: Path, *, dpi: int = 200) -> list:
    """Every page of the PDF ``source`` as a greyscale PIL image, as a scanner at ``dpi`` sees it."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source))
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
    finally:
        document.close()


def make_scanned_pdf(path: Path, source: Path, *, dpi: int = 200) -> Path:
    """An image-only PDF: every page of ``source`` rendered at ``dpi`` and saved as a picture."""
    images = render_pages(source, dpi=dpi)
    images[0].save(path, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return path


def make_sideways_scan_pdf(path: Path, source: Path, *, dpi: int = 200) -> Path:
    """A scan fed into the scanner sideways: landscape pages, text running top to bottom, no /Rotate."""
    images = [image.rotate(-90, expand=True) for image in render_pages(source, dpi=dpi)]
    images[0].save(path, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return path


# Content-stream matrices that draw an upright page turned against the page's /Rotate (sideways on
# a landscape MediaBox for 90 and 270, upside down for 180), so that viewers show it upright again
# ("a b c d e f" of the cm operator).
_TURN_MATRICES = {
    90: "0 1 -1 0 {height} 0",
    180: "-1 0 0 -1 {width} {height}",
    270: "0 -1 1 0 0 {width}",
}


def make_rotated_pdf(path: Path, source: Path, *, rotate: int = 90) -> Path:
    """``source`` stored the way landscape printing or some scanners store it: the content drawn
    turned on the page, with /Rotate ``rotate`` so that viewers still show it upright.

    The text layer of such a page runs vertically (or upside down) in PDF coordinates; what is a
    header on screen sits at the left or right edge (or the bottom) of the stored page.
    """
    import pikepdf

    with pikepdf.open(source) as pdf:
        for page in pdf.pages:
            left, bottom, right, top = (float(v) for v in page.mediabox)
            width, height = right - left, top - bottom
            matrix = _TURN_MATRICES[rotate].format(width=width, height=height)
            page.contents_add(pdf.make_stream(f"q {matrix} cm ".encode()), prepend=True)
            page.contents_add(pdf.make_stream(b" Q"))
            if rotate != 180:
                page.mediabox = [0, 0, height, width]
            page.Rotate = rotate
        pdf.save(path)
    return path


def make_page_image(path: Path, source: Path, *, dpi: int = 200, page: int = 0, turn: int = 0) -> Path:
    """One page of the PDF ``source`` as a picture, turned ``turn`` degrees counter-clockwise (a
    page put on the scanner the wrong way round); the suffix of ``path`` picks PNG, JPEG, BMP."""
    image = render_pages(source, dpi=dpi)[page].rotate(turn, expand=True)
    image.save(path, dpi=(dpi, dpi), **({"quality": 90} if path.suffix.lower() in (".jpg", ".jpeg") else {}))
    return path


def make_exif_rotated_jpeg(path: Path, source: Path, *, dpi: int = 200) -> Path:
    """A phone photo held sideways: pixels stored turned a quarter left, EXIF Orientation 6 says
    "turn a quarter right to show"."""
    from PIL import Image

    image = render_pages(source, dpi=dpi)[0].rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    image.save(path, "JPEG", quality=90, exif=exif)
    return path


def make_tiff(path: Path, source: Path, *, dpi: int = 200) -> Path:
    """Every page of ``source`` as one frame of a multi-page TIFF, as office scanners save them."""
    images = render_pages(source, dpi=dpi)
    images[0].save(path, "TIFF", compression="tiff_lzw", dpi=(dpi, dpi), save_all=True,
                   append_images=images[1:])
    return path


def make_pasted_scans_docx(path: Path, source: Path, *, dpi: int = 200) -> Path:
    """A .docx whose body is only the pages of ``source`` pasted as pictures, one per paragraph."""
    import io

    import docx
    from docx.shared import Cm

    document = docx.Document()
    for image in render_pages(source, dpi=dpi):
        data = io.BytesIO()
        image.save(data, "PNG")
        data.seek(0)
        document.add_picture(data, width=Cm(16))
    document.save(str(path))
    return path


def make_png_bomb(path: Path, *, width: int = 100_000, height: int = 100_000) -> Path:
    """A tiny valid-looking PNG declaring a ``width`` x ``height`` canvas (tens of GB decoded)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    # A few rows of zeros; the decoder would ask for billions more.
    pixels = zlib.compress(bytes(width + 1) * 4, 9)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return path


def make_mixed_pdf(path: Path, text_source: Path, scanned_source: Path) -> Path:
    """Page 1 from the text PDF, page 2 from its scan: OCR must be decided page by page."""
    import pikepdf

    with pikepdf.open(text_source) as text_pdf, pikepdf.open(scanned_source) as scanned_pdf:
        mixed = pikepdf.new()
        mixed.pages.append(text_pdf.pages[0])
        mixed.pages.append(scanned_pdf.pages[1])
        mixed.save(path)
    return path


def make_encrypted_pdf(path: Path, source: Path, *, password: str = "secret") -> Path:
    """An AES-256 encrypted copy; with ``password=""`` anyone may open it (only editing is locked)."""
    import pikepdf

    with pikepdf.open(source) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user=password, owner=password + "-owner", R=6))
    return path


def make_truncated(path: Path, source: Path, *, keep: float = 0.5) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def make_cut_update(path: Path, source: Path) -> Path:
    """``source`` plus the start of an incremental update cut off before its xref and %%EOF.

    This is what an interrupted download of an edited or signed PDF looks like; pdfium still
    opens it (it finds the old revision's xref) and would silently serve the old text.
    """
    update = b"\n8 0 obj\n<< /Length 60 >>\nstream\nBT /F1 12 Tf 72 700 Td (revised text of article 4"
    path.write_bytes(source.read_bytes() + update)
    return path


def make_random_bytes(path: Path, *, size: int = 4096, seed: int = 2) -> Path:
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


_CFB_SECTOR = 512
_CFB_FREE, _CFB_END, _CFB_FAT, _CFB_NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_DOC_TEXT_AT = 0x800  # the text follows the 2 KB file information block, as Word lays it out


def _cfb_entry(name: str, kind: int, *, left: int = _CFB_NONE, child: int = _CFB_NONE,
               start: int = _CFB_END, size: int = 0) -> bytes:
    """A 128-byte compound-file directory entry (kind 5 root, 2 stream, 0 unused)."""
    raw = (name + "\0").encode("utf-16-le") if name else b""
    return (raw.ljust(64, b"\0") + struct.pack("<HBB3I", len(raw), kind, 1, left, _CFB_NONE, child)
            + bytes(16 + 4 + 16) + struct.pack("<IQ", start, size))


def make_doc(path: Path, paragraphs: list[str] | None = None) -> Path:
    """A minimal Word 97 .doc: an OLE compound file with a WordDocument and a 1Table stream.

    The WordDocument stream holds the file information block (magic 0xA5EC, nFib 193, the table
    stream flag, ccpText, fcClx/lcbClx) and the text as UTF-16; 1Table holds a one-piece piece
    table. There is no formatting at all, which is enough for antiword and LibreOffice to read
    the text. Both streams are padded to 4 KB so they live in regular sectors (no mini stream).
    """
    text = "\r".join(paragraphs if paragraphs is not None else CHARTER_PARAGRAPHS) + "\r"
    encoded = text.encode("utf-16-le")
    fib = bytearray(_DOC_TEXT_AT)
    struct.pack_into("<HH", fib, 0x00, 0xA5EC, 193)          # wIdent, nFib (Word 97)
    struct.pack_into("<H", fib, 0x06, 0x0804)                # lid: Chinese (PRC)
    struct.pack_into("<H", fib, 0x0A, 1 << 9)                # fWhichTblStm: tables in 1Table
    struct.pack_into("<H", fib, 0x0C, 0xBF)                  # nFibBack
    struct.pack_into("<II", fib, 0x18, _DOC_TEXT_AT, _DOC_TEXT_AT + len(encoded))  # fcMin, fcMac
    struct.pack_into("<H", fib, 0x20, 14)                    # csw
    struct.pack_into("<H", fib, 0x3E, 22)                    # cslw
    struct.pack_into("<I", fib, 0x4C, len(text))             # ccpText
    struct.pack_into("<H", fib, 0x98, 0x5D)                  # cbRgFcLcb
    # Piece table: character positions [0, len) map to UTF-16 text at _DOC_TEXT_AT (bit 30 clear).
    pieces = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, _DOC_TEXT_AT, 0)
    clx = b"\x02" + struct.pack("<I", len(pieces)) + pieces
    # An empty style sheet: an 18-byte header declaring no styles. Readers parse it unconditionally.
    stylesheet = struct.pack("<H9H", 18, 0, 10, 0, 0, 0, 0, 0, 0, 0)
    struct.pack_into("<II", fib, 0xA2, len(clx), len(stylesheet))  # fcStshf, lcbStshf
    struct.pack_into("<II", fib, 0x1A2, 0, len(clx))         # fcClx, lcbClx
    word = _pad_sectors((bytes(fib) + encoded).ljust(4096, b"\0"))
    table = _pad_sectors((clx + stylesheet).ljust(4096, b"\0"))
    n_word, n_table = len(word) // _CFB_SECTOR, len(table) // _CFB_SECTOR
    fat = [_CFB_FAT, _CFB_END]  # sector 0: this FAT, sector 1: the directory
    first_word = len(fat)
    fat += [first_word + i + 1 for i in range(n_word - 1)] + [_CFB_END]
    first_table = len(fat)
    fat += [first_table + i + 1 for i in range(n_table - 1)] + [_CFB_END]
    if len(fat) > _CFB_SECTOR // 4:
        raise ValueError("text too long for a one-sector FAT")
    fat_sector = struct.pack("<128I", *(fat + [_CFB_FREE] * (128 - len(fat))))
    # "1Table" sorts before "WordDocument" (shorter names first), so it is the left sibling.
    directory = (_cfb_entry("Root Entry", 5, child=1)
                 + _cfb_entry("WordDocument", 2, left=2, start=first_word, size=len(word))
                 + _cfb_entry("1Table", 2, start=first_table, size=len(table))
                 + _cfb_entry("", 0))
    header = bytearray(_CFB_SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<5H", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)  # version 3, 512-byte sectors
    # FAT sectors, first directory sector, mini stream cutoff, no mini FAT, no extra FAT list.
    struct.pack_into("<9I", header, 0x28, 0, 1, 1, 0, 0x1000, _CFB_END, 0, _CFB_END, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([_CFB_FREE] * 108))
    path.write_bytes(bytes(header) + fat_sector + directory + word + table)
    return path


def _pad_sectors(data: bytes) -> bytes:
    return data.ljust(-(-len(data) // _CFB_SECTOR) * _CFB_SECTOR, b"\0")


def make_garbage_doc(path: Path) -> Path:
    """The OLE2 signature of a Word 97 file followed by noise: sniffed as .doc, unreadable."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(5).randbytes(8192))
    return path


def make_empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def make_docx(path: Path) -> Path:
    """A charter .docx: clause split across formatted runs, a table, and a header/footer.

    The header and footer hold text that must never show up in the extracted body.
    """
    import docx
    from docx.shared import Pt

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉：" + RUNNING_HEADER
    section.footer.paragraphs[0].text = "页脚：内部资料 注意保存"
    for paragraph in CHARTER_PARAGRAPHS:
        if paragraph.startswith("第四条"):
            para = document.add_paragraph()
            para.add_run("第四条　")
            # Word splits runs at every formatting or revision boundary, often mid-word
            # (中国共产|党, 设立中国|共产党).
            cuts = [0, 8, 15, 32, 46, len(CLAUSE)]
            pieces = [CLAUSE[a:b] for a, b in itertools.pairwise(cuts)]
            for i, piece in enumerate(pieces):
                run = para.add_run(piece)
                run.bold = i % 2 == 0
                run.font.size = Pt(12 if i % 2 else 14)
            continue
        document.add_paragraph(paragraph)
        if paragraph.startswith("第七条"):
            table = document.add_table(rows=3, cols=2)
            cells = [("职务", "人数"), ("理事长", "一名"), ("副理事长", "二至四名")]
            for row, (left, right) in zip(table.rows, cells, strict=True):
                row.cells[0].text = left
                row.cells[1].text = right
    document.core_properties.title = f"{ORG_NAME}章程"
    document.save(str(path))
    return path


def make_docx_without_body(path: Path) -> Path:
    """A valid zip holding no word/document.xml: an .xlsx-like package renamed .docx."""
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    return path


def make_zip_bomb_docx(path: Path, *, declared: int = 4_000_000_000) -> Path:
    """A .docx whose word/document.xml really inflates to ``declared`` zero bytes (~4 GB).

    Deflating gigabytes would take seconds, so one megabyte of zeros is compressed once, ending in
    a full flush (byte-aligned, dictionary reset), and that segment is repeated: each copy
    inflates to the same megabyte. The CRC is left 0; a reader must refuse before inflating.
    """
    chunk = 1_000_000
    if declared % chunk:
        raise ValueError("declared size must be a multiple of 1,000,000")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(bytes(chunk)) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    compressed_size = len(segment) * (declared // chunk) + len(final)
    members = [
        ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
        ("word/document.xml", None),
    ]
    with path.open("wb") as out:
        central = []
        for name, data in members:
            offset = out.tell()
            raw = name.encode()
            if data is None:
                crc, size, csize, method = 0, declared, compressed_size, 8
            else:
                crc, size, csize, method = zlib.crc32(data), len(data), len(data), 0
            out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, csize, size,
                                  len(raw), 0))
            out.write(raw)
            if data is None:
                for _ in range(declared // chunk):
                    out.write(segment)
                out.write(final)
            else:
                out.write(data)
            central.append(struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc, csize,
                                       size, len(raw), 0, 0, 0, 0, 0, offset) + raw)
        start = out.tell()
        directory = b"".join(central)
        out.write(directory)
        out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory),
                              start, 0))
    return path


def make_corrupt_docx(path: Path, source: Path) -> Path:
    """A real .docx cut in half: the zip signature is there, the central directory is not."""
    return make_truncated(path, source, keep=0.5)


def build_all(outdir: Path) -> dict[str, Path]:
    """Write every fixture into ``outdir``; returns name -> path."""
    outdir.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    for style in PAGE_NUMBER_STYLES:
        made[f"text-{style}.pdf"] = make_text_pdf(outdir / f"text-{style}.pdf", page_number_style=style)
    text_pdf = made["text-dash.pdf"]
    made["fake-bold.pdf"] = make_text_pdf(outdir / "fake-bold.pdf", fake_bold=True)
    for mode in ("private-use", "wrong-hanzi", "no-tounicode"):
        made[f"broken-{mode}.pdf"] = make_broken_text_pdf(outdir / f"broken-{mode}.pdf", text_pdf, mode=mode)
    made["scanned.pdf"] = make_scanned_pdf(outdir / "scanned.pdf", text_pdf)
    made["mixed.pdf"] = make_mixed_pdf(outdir / "mixed.pdf", text_pdf, made["scanned.pdf"])
    made["encrypted.pdf"] = make_encrypted_pdf(outdir / "encrypted.pdf", text_pdf)
    made["owner-locked.pdf"] = make_encrypted_pdf(outdir / "owner-locked.pdf", text_pdf, password="")
    made["truncated.pdf"] = make_truncated(outdir / "truncated.pdf", text_pdf)
    made["truncated-tail.pdf"] = make_truncated(outdir / "truncated-tail.pdf", text_pdf, keep=0.98)
    made["cut-update.pdf"] = make_cut_update(outdir / "cut-update.pdf", text_pdf)
    made["random.pdf"] = make_random_bytes(outdir / "random.pdf")
    made["random.docx"] = make_random_bytes(outdir / "random.docx", seed=3)
    made["empty.pdf"] = make_empty(outdir / "empty.pdf")
    made["empty.docx"] = make_empty(outdir / "empty.docx")
    made["charter.docx"] = make_docx(outdir / "charter.docx")
    made["corrupt.docx"] = make_corrupt_docx(outdir / "corrupt.docx", made["charter.docx"])
    made["no-body.docx"] = make_docx_without_body(outdir / "no-body.docx")
    made["zip-bomb.docx"] = make_zip_bomb_docx(outdir / "zip-bomb.docx")
    # Under the size limit but compressed 1000:1: no real document part looks like that.
    made["ratio-bomb.docx"] = make_zip_bomb_docx(outdir / "ratio-bomb.docx", declared=100_000_000)
    made["garbage.doc"] = make_garbage_doc(outdir / "garbage.doc")
    one_page = make_text_pdf(outdir / "one-page.pdf", one_page=True)
    made["one-page.pdf"] = one_page
    made["page.png"] = make_page_image(outdir / "page.png", one_page)
    made["page.jpg"] = make_page_image(outdir / "page.jpg", one_page)
    made["upside-down.png"] = make_page_image(outdir / "upside-down.png", one_page, turn=180)
    made["turned-left.png"] = make_page_image(outdir / "turned-left.png", one_page, turn=90)
    made["exif-rotated.jpg"] = make_exif_rotated_jpeg(outdir / "exif-rotated.jpg", one_page)
    made["two-pages.tif"] = make_tiff(outdir / "two-pages.tif", text_pdf)
    made["pasted-scans.docx"] = make_pasted_scans_docx(outdir / "pasted-scans.docx", text_pdf)
    for rotate in (90, 180, 270):
        made[f"rotated-{rotate}.pdf"] = make_rotated_pdf(outdir / f"rotated-{rotate}.pdf", text_pdf, rotate=rotate)
    made["rotated-scan.pdf"] = make_rotated_pdf(outdir / "rotated-scan.pdf", made["scanned.pdf"], rotate=90)
    made["sideways-scan.pdf"] = make_sideways_scan_pdf(outdir / "sideways-scan.pdf", one_page)
    made["bomb.png"] = make_png_bomb(outdir / "bomb.png")
    made["random.png"] = make_random_bytes(outdir / "random.png", seed=4)
    made["truncated.png"] = make_truncated(outdir / "truncated.png", made["page.png"])
    made["charter.doc"] = make_doc(outdir / "charter.doc")
    return made


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/extract/generated")
    for made_path in build_all(target).values():
        print(f"{made_path}\t{os.path.getsize(made_path)}")
