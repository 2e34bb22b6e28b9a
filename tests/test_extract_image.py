"""Photos and scans: image files, multi-page TIFFs, page images pasted into Word, rotated PDF pages."""
from __future__ import annotations

import io
import sys

import pytest
from click.testing import CliRunner
from PIL import Image
from rapidfuzz.distance import Levenshtein

from pbdocs.cli import cli
from pbdocs.extract import Budget, ExtractOptions, extract, sniff_format
from pbdocs.extract import ocr as ocr_module
from pbdocs.models import Line
from pbdocs.normalize import normalize


def _normalized(text: str) -> str:
    return normalize(text).text


def _cer(expected: str, actual: str) -> float:
    return Levenshtein.distance(expected, actual) / max(len(expected), 1)


@pytest.fixture(scope="module")
def reference(extract_fixtures) -> dict[str, str]:
    """What the text layers of the source PDFs read, normalized: the answer OCR must give."""
    return {
        "one-page": _normalized(extract(extract_fixtures["one-page.pdf"]).text),
        "two-pages": _normalized(extract(extract_fixtures["text-dash.pdf"]).text),
    }


# name -> (format, warnings, source text): every page of these is a picture.
SCANS = {
    "page.png": ("image", ["page 1 read by OCR"], "one-page"),
    "upside-down.png": ("image", ["page 1 read by OCR"], "one-page"),
    "turned-left.png": ("image", ["page 1 read by OCR"], "one-page"),
    "exif-rotated.jpg": ("image", ["page 1 read by OCR"], "one-page"),
    "two-pages.tif": ("image", ["pages 1-2 read by OCR"], "two-pages"),
    "pasted-scans.docx": ("docx", ["2 images read by OCR"], "two-pages"),
    "rotated-scan.pdf": ("pdf", ["pages 1-2 read by OCR"], "two-pages"),
    "sideways-scan.pdf": ("pdf", ["page 1 read by OCR"], "one-page"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SCANS))
def test_scans_read_upright_with_the_clause_intact(extract_fixtures, fixture_maker, reference, name):
    fmt, warnings, source = SCANS[name]
    doc = extract(extract_fixtures[name])
    assert doc.format == fmt
    assert [w.reason for w in doc.warnings] == warnings
    assert all(page.ocr for page in doc.pages)
    assert _normalized(fixture_maker.CLAUSE) in doc.normalized.text
    assert _cer(reference[source], doc.normalized.text) < 0.02
    if source == "two-pages":
        # The clause really crosses the page break, and the running header between the halves
        # was found on the pictures and removed.
        assert [page.number for page in doc.pages] == [1, 2]
        assert not any(_normalized(fixture_maker.CLAUSE) in _normalized(page.text) for page in doc.pages)
        assert _normalized(fixture_maker.RUNNING_HEADER) not in doc.normalized.text


@pytest.mark.slow
def test_photographed_compliant_charter_checks_compliant(extract_fixtures):
    from pbdocs.rules import check_path

    result = check_path(extract_fixtures["page.jpg"])
    assert result.verdict == "compliant"
    assert "page 1 read by OCR" in [w.reason for w in result.warnings]


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_rotated_text_pages_read_like_upright_ones(extract_fixtures, rotate):
    # The stored pages are turned; the header is at a side edge (or the bottom) of the page's
    # coordinates.
    upright = extract(extract_fixtures["text-dash.pdf"])
    doc = extract(extract_fixtures[f"rotated-{rotate}.pdf"])
    assert doc.text == upright.text
    assert doc.ocr_pages == []
    assert doc.warnings == []


@pytest.mark.parametrize("name", ["text-dash.pdf", "rotated-90.pdf", "rotated-180.pdf", "rotated-270.pdf"])
def test_line_positions_follow_the_page_as_displayed(extract_fixtures, fixture_maker, name):
    import pypdfium2 as pdfium

    from pbdocs.extract.pdf import _text_layer

    document = pdfium.PdfDocument(str(extract_fixtures[name]))
    try:
        lines, _ = _text_layer(document[0])
    finally:
        document.close()
    by_position = sorted(lines, key=lambda line: line.top)
    assert by_position[0].text == fixture_maker.RUNNING_HEADER
    assert by_position[1].text == f"{fixture_maker.ORG_NAME}章程"
    assert by_position[-1].text == "- 1 -"
    assert all(0 <= line.top < line.bottom <= 1 for line in lines)


@pytest.mark.parametrize(
    ("head", "suffix", "fmt"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", ".jpg", "image"),
        (b"\x89PNG\r\n\x1a\n", ".png", "image"),
        (b"II*\x00\x08\x00", ".tif", "image"),
        (b"MM\x00*\x00\x00", ".tiff", "image"),
        (b"BM6\x00\x0c\x00", ".bmp", "image"),
        (b"\x89PNG\r\n\x1a\n", ".txt", "image"),
        (b"BMW and other makes", ".txt", "text"),
        (b"plain words", ".png", "mislabeled"),
        (b"%PDF-1.7", ".jpg", "pdf"),
    ],
)
def test_image_formats_are_sniffed_from_their_bytes(head, suffix, fmt):
    assert sniff_format(head, suffix) == fmt


@pytest.fixture
def fake_ocr(monkeypatch):
    """OCR replaced by a recorder: each picture 'reads' as its place in the reading order and its
    size, so tests see what OCR got (the numeral keeps pages from looking like running headers)."""
    seen: list = []

    def read(image):
        seen.append(image)
        return [Line(f"第{'一二三四五六'[len(seen) - 1]}张{image.width}x{image.height}", 0.5, 0.52)]

    monkeypatch.setattr(ocr_module, "ocr_image", read)
    return seen


def test_exif_orientation_is_applied_before_ocr(extract_fixtures, fake_ocr):
    with Image.open(extract_fixtures["exif-rotated.jpg"]) as stored:
        assert stored.width > stored.height  # the pixels lie sideways
    extract(extract_fixtures["exif-rotated.jpg"])
    assert [(image.width, image.height) for image in fake_ocr] == [(stored.height, stored.width)]


@pytest.mark.parametrize("suffix", [".jpg", ".png"])
def test_huge_photos_are_scaled_down_for_ocr(tmp_path, fake_ocr, suffix):
    from pbdocs.extract.image import MAX_LONG_SIDE

    path = tmp_path / f"photo{suffix}"
    Image.new("L", (6000, 8000), "white").save(path)
    doc = extract(path)
    assert [w.reason for w in doc.warnings] == ["page 1 read by OCR"]
    (image,) = fake_ocr
    assert max(image.size) <= MAX_LONG_SIDE
    assert abs(image.width / image.height - 0.75) < 0.01


def test_transparent_background_is_read_as_white(tmp_path, fake_ocr):
    path = tmp_path / "transparent.png"
    Image.new("RGBA", (300, 400), (0, 0, 0, 0)).save(path)
    extract(path)
    (image,) = fake_ocr
    assert image.convert("L").getextrema() == (255, 255)


def test_sixteen_bit_greyscale_keeps_its_tones(tmp_path, fake_ocr):
    import numpy as np

    path = tmp_path / "grey16.png"
    Image.fromarray(np.full((400, 300), 32768, dtype=np.uint16)).save(path)
    extract(path)
    (image,) = fake_ocr
    assert image.convert("L").getextrema() == (128, 128)


def test_every_tiff_frame_is_a_page_up_to_the_page_limit(extract_fixtures, fake_ocr):
    path = extract_fixtures["two-pages.tif"]
    assert [page.number for page in extract(path).pages] == [1, 2]
    doc = extract(path, ExtractOptions(budget=Budget(max_pages=1)))
    assert [page.number for page in doc.pages] == [1]
    assert [w.reason for w in doc.warnings] == ["only the first 1 of 2 pages read (page limit)", "page 1 read by OCR"]


def _docx_with_pictures(path, sizes, paragraphs=()):
    import docx
    from docx.shared import Cm

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for size in sizes:
        data = io.BytesIO()
        Image.new("L", size, "white").save(data, "PNG")
        data.seek(0)
        document.add_picture(data, width=Cm(4))
    document.save(str(path))
    return path


def test_pasted_pictures_are_read_in_document_order(tmp_path, fake_ocr):
    path = _docx_with_pictures(tmp_path / "scans.docx", [(300, 400), (310, 400), (320, 400)], ["章程扫描件"])
    doc = extract(path)
    assert [page.text for page in doc.pages] == ["章程扫描件\n第一张300x400", "第二张310x400", "第三张320x400"]
    assert doc.ocr_pages == [1, 2, 3]
    assert [w.reason for w in doc.warnings] == ["3 images read by OCR"]


def test_docx_with_body_text_keeps_the_text_path(tmp_path, fixture_maker, fake_ocr):
    path = _docx_with_pictures(tmp_path / "with-logo.docx", [(200, 200)], fixture_maker.CHARTER_PARAGRAPHS)
    doc = extract(path)
    assert fake_ocr == []
    assert doc.ocr_pages == []
    assert fixture_maker.CLAUSE in doc.text


def test_unreadable_pasted_picture_is_skipped_with_a_warning(tmp_path, fake_ocr):
    import zipfile

    source = _docx_with_pictures(tmp_path / "source.docx", [(300, 400), (310, 400)])
    path = tmp_path / "one-broken.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/media/image2.png":
                data = data[:60]
            new.writestr(item, data)
    doc = extract(path)
    assert [page.text for page in doc.pages] == ["第一张300x400"]
    assert [w.reason for w in doc.warnings] == [
        "1 image read by OCR", "word/media/image2.png skipped: corrupt image: image file is truncated",
    ]


def test_pasted_picture_over_the_pixel_limit_is_skipped(tmp_path, fake_ocr):
    path = _docx_with_pictures(tmp_path / "scans.docx", [(300, 400), (20, 30)])
    doc = extract(path, ExtractOptions(budget=Budget(max_image_pixels=10_000)))
    assert [page.text for page in doc.pages] == ["第一张20x30"]
    assert [w.reason for w in doc.warnings] == [
        "1 image read by OCR",
        "word/media/image1.png skipped: image too large (300x400 pixels, over the limit of 10,000 pixels)",
    ]


def _run(*args: str):
    return CliRunner().invoke(cli, ["extract", *args])


# pbdocs silences this Pillow warning when it is imported, but pytest resets warning filters per test.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_image_over_the_pixel_limit_is_refused_before_decoding(tmp_path, fixture_maker):
    # Below Pillow's own bomb limit but above pbdocs' limit: refused by pbdocs, with the size.
    path = fixture_maker.make_png_bomb(tmp_path / "large.png", width=12_000, height=13_000)
    result = _run(str(path))
    assert result.exit_code == 3
    assert result.stderr == (
        f"错误：{path}：图片为 12000×13000 像素，超过 150,000,000 像素的上限，已拒绝读取\n"
    )


@pytest.mark.parametrize(
    ("name", "option", "reason"),
    [
        ("page.png", "never", "需要文字识别（OCR）才能读取，但已关闭 OCR（--ocr never）"),
        ("pasted-scans.docx", "never", "需要文字识别（OCR）才能读取，但已关闭 OCR（--ocr never）"),
    ],
)
def test_scans_with_ocr_disabled(extract_fixtures, name, option, reason):
    path = extract_fixtures[name]
    result = _run("--ocr", option, str(path))
    assert result.exit_code == 3
    assert result.stderr == f"错误：{path}：{reason}\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("two-pages.tif", "需要文字识别（OCR）才能读取，但未安装 OCR 组件：pip install 'pbdocs[ocr]'"),
        ("pasted-scans.docx", "需要文字识别（OCR）才能读取，但未安装 OCR 组件：pip install 'pbdocs[ocr]'"),
    ],
)
def test_missing_ocr_package_is_named(extract_fixtures, monkeypatch, name, reason):
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # makes `import rapidocr` fail
    path = extract_fixtures[name]
    result = _run(str(path))
    assert result.exit_code == 3
    assert result.stderr == f"错误：{path}：{reason}\n"
