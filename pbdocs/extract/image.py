"""Photos and scans of charters (.jpg, .png, .tif, .bmp): every page read by OCR.

Pictures are opened with Pillow, which reads only the header until pixels are needed, so the
declared size is checked against a pixel limit before anything is decoded: a small file that
declares a gigantic canvas (a decompression bomb) is refused without allocating it. Each frame
of a multi-page TIFF is a page; camera photos are turned upright by their EXIF orientation and
scaled down to what OCR needs (about 300 dpi on A4), which also bounds memory.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import BinaryIO

from ..errors import CorruptFile, MissingDependency, Notice, OcrDisabled, OverBudget
from ..legal import strip_running_lines
from ..models import Page
from . import Extracted, ExtractOptions
from .pdf import ocr_notice

__all__ = ["read_image", "ocr_picture", "require_ocr"]

# An A4 page at 300 dpi is 3508 px high; more resolution only slows OCR down.
MAX_LONG_SIDE = 3500


def require_ocr(path: Path, what: str, options: ExtractOptions) -> None:
    """Raise unless OCR may run and is installed; ``what`` says what needs it."""
    from .ocr import INSTALL_HINT, ocr_available

    if options.ocr == "never":
        raise OcrDisabled("read.ocr_disabled", path=path, what=what)
    if not ocr_available():
        raise MissingDependency("read.ocr_not_installed", path=path, what=what, hint=INSTALL_HINT)


def read_image(path: Path, options: ExtractOptions) -> Extracted:
    require_ocr(path, "an image file", options)
    with path.open("rb") as stream:
        frames, total = ocr_picture(stream, path, options)
    notes: list[Notice] = []
    if total > len(frames):
        notes.append(Notice.of("warn.page_limit", count=len(frames), total=total))
    numbers = list(range(1, len(frames) + 1))
    notes.append(ocr_notice(numbers))
    pages = [
        Page(number=number, text="\n".join(line.text for line in lines), ocr=True)
        for number, lines in zip(numbers, strip_running_lines(frames), strict=False)
    ]
    return Extracted(pages=pages, warnings=notes)


def ocr_picture(stream: BinaryIO, path: Path, options: ExtractOptions):
    """OCR every frame of a picture: (lines of each frame read, frames in the picture).

    Errors name ``path``: the image file itself, or the document the picture is embedded in.
    """
    from PIL import Image, ImageSequence, UnidentifiedImageError

    from .ocr import ocr_image

    try:
        with warnings.catch_warnings():
            # Pillow warns about large images on its own, as a Python warning printed on stderr;
            # pbdocs applies its own limit (Budget.max_image_pixels) and reports an error.
            warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
            with Image.open(stream) as picture:
                total = getattr(picture, "n_frames", 1)
                frames = [
                    ocr_image(_upright_page(frame, path, options))
                    for _, frame in zip(range(options.budget.max_pages), ImageSequence.Iterator(picture), strict=False)
                ]
    except Image.DecompressionBombError:
        # Pillow refuses canvases far beyond its own limit (which is above ours) before pbdocs can
        # look at the size.
        raise OverBudget("read.image_bomb", path=path, limit=f"{options.budget.max_image_pixels:,}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptFile("read.corrupt_image", path=path, detail=_reason(exc)) from None
    return frames, total


def _upright_page(frame, path: Path, options: ExtractOptions):
    """One frame decoded, turned by its EXIF orientation, flattened onto white and scaled for OCR."""
    from PIL import Image, ImageOps

    width, height = frame.size
    if width * height > options.budget.max_image_pixels:
        raise OverBudget("read.image_too_large", path=path, width=width, height=height,
                         limit=f"{options.budget.max_image_pixels:,}")
    scale = MAX_LONG_SIDE / max(width, height, 1)
    if scale < 1 and frame.format == "JPEG":
        # JPEG decodes straight to a half, quarter or eighth of its size: far less memory and time.
        frame.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
    frame.load()
    page = ImageOps.exif_transpose(frame)
    if page.mode in ("RGBA", "LA", "PA") or (page.mode == "P" and "transparency" in page.info):
        # Transparent pixels are black underneath; on white they look as printed.
        rgba = page.convert("RGBA")
        page = Image.new("RGB", rgba.size, "white")
        page.paste(rgba, mask=rgba.getchannel("A"))
    elif page.mode.startswith("I;16"):
        # 16-bit greyscale scans: Pillow's own conversion to 8 bits clips everything above 255.
        page = page.convert("I").point(lambda value: value / 256).convert("L")
    elif page.mode not in ("RGB", "L"):
        page = page.convert("RGB") if page.mode in ("CMYK", "YCbCr", "P") else page.convert("L")
    if max(page.size) > MAX_LONG_SIDE:
        page = page.copy()
        page.thumbnail((MAX_LONG_SIDE, MAX_LONG_SIDE), Image.Resampling.LANCZOS)
    return page


def _reason(exc: Exception) -> str:
    """Pillow's message without the file name it sometimes includes."""
    message = str(exc).split(" '")[0].strip().rstrip(".")
    return message or exc.__class__.__name__
