"""The page of a document an office sends, per GB/T 9704-2012 (党政机关公文格式).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, so that the text block (版心) is
156 × 225 mm: 22 lines of 28 characters in 3号 (16 pt). Titles in 2号 小标宋, the body in 3号 仿宋,
first-level headings in 黑体, second-level in 楷体, page numbers "— 1 —" in 4号 宋体 at the foot (odd
pages at the right, even pages at the left, one character in). Fonts are named for the East Asian
script (w:eastAsia) with substitutes in the font table, so a machine without 方正小标宋简体 or
仿宋_GB2312 falls back to a serif Chinese face; the language is zh-CN; no theme colours or fonts.

An office's own ``template`` (.docx) keeps its page setup, its styles of the names below and its
letterhead (whatever its body holds); the styles it lacks are added.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ..errors import InvalidOption

__all__ = ["Gongwen", "new_document", "STYLE"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# Sizes in points: 2号 22, 3号 16, 4号 14.
SIZE_TITLE, SIZE_BODY, SIZE_PAGE_NUMBER, SIZE_TABLE = 22.0, 16.0, 14.0, 14.0
# 225 mm over 22 lines; 28 characters in 156 mm need 0.25 pt less than 16 pt between characters.
LINE_PITCH_TWIPS = 579
CHAR_SPACING_TWENTIETHS = -5

# Font names in the order a Chinese office has them; the first is written, the others are its
# substitutes (w:altName) in the font table. "roman" asks for a serif face where none is found.
FONTS = {
    "xiaobiaosong": ("方正小标宋简体", "华文中宋", "roman"),
    "fangsong": ("仿宋_GB2312", "仿宋", "roman"),
    "heiti": ("黑体", "SimHei", "swiss"),
    "kaiti": ("楷体_GB2312", "楷体", "roman"),
    "songti": ("宋体", "SimSun", "roman"),
}
LATIN = "Times New Roman"


@dataclass(frozen=True)
class _Style:
    name: str
    font: str
    size: float
    align: str = "both"
    indent_chars: int = 0
    bold: bool = False
    color: str | None = None
    exact: bool = True


STYLE = {
    "mark": _Style("公文发文机关标志", "xiaobiaosong", 36.0, "center", color="FF0000", exact=False),
    "number": _Style("公文发文字号", "fangsong", SIZE_BODY, "center"),
    "title": _Style("公文标题", "xiaobiaosong", SIZE_TITLE, "center"),
    "addressee": _Style("公文主送机关", "fangsong", SIZE_BODY),
    "body": _Style("公文正文", "fangsong", SIZE_BODY, indent_chars=2),
    "heading1": _Style("公文一级标题", "heiti", SIZE_BODY, indent_chars=2),
    "heading2": _Style("公文二级标题", "kaiti", SIZE_BODY, indent_chars=2),
    "chapter": _Style("公文章标题", "heiti", SIZE_BODY, "center"),
    "signed": _Style("公文落款", "fangsong", SIZE_BODY, "right"),
    "attachment": _Style("公文附件标识", "heiti", SIZE_BODY, "left"),
    "table": _Style("公文表格", "fangsong", SIZE_TABLE, "left", exact=False),
    "table_head": _Style("公文表头", "heiti", SIZE_TABLE, "center", exact=False),
    "page": _Style("公文页码", "songti", SIZE_PAGE_NUMBER, "right", exact=False),
}


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _element(tag: str, **attributes: str):
    from docx.oxml import OxmlElement

    element = OxmlElement(f"w:{tag}")
    for key, value in attributes.items():
        element.set(_w(key), value)
    return element


def _child(parent, tag: str, before: tuple[str, ...] = ()):
    """``parent``'s w:``tag``, made (before the first of ``before`` present) when missing."""
    found = parent.find(_w(tag))
    if found is None:
        found = _element(tag)
        anchor = next((a for a in (parent.find(_w(b)) for b in before) if a is not None), None)
        if anchor is not None:
            anchor.addprevious(found)
        else:
            parent.append(found)
    return found


def _fonts(rpr, font: str) -> None:
    name = FONTS[font][0]
    fonts = rpr.find(_w("rFonts"))
    if fonts is not None:
        rpr.remove(fonts)
    fonts = _element("rFonts", ascii=LATIN, hAnsi=LATIN, eastAsia=name, cs=LATIN, hint="eastAsia")
    rpr.insert(0, fonts)


def _language(rpr) -> None:
    lang = rpr.find(_w("lang"))
    if lang is None:
        lang = _element("lang")
        rpr.append(lang)
    lang.set(_w("val"), "zh-CN")
    lang.set(_w("eastAsia"), "zh-CN")
    lang.set(_w("bidi"), "ar-SA")


class Gongwen:
    """A python-docx document with the 公文 page and styles; ``paragraph(kind, text)`` adds text."""

    def __init__(self, template: bytes | None = None):
        from docx import Document as WordDocument

        self.templated = template is not None
        try:
            self.word = WordDocument(io.BytesIO(template) if template is not None else None)
        except (ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
            raise InvalidOption("deliver.bad_template", detail=type(exc).__name__) from None
        self.letterhead = self.templated and any(p.text.strip() for p in self.word.paragraphs)
        if not self.templated:
            body = self.word.element.body
            for child in list(body):
                if child.tag != _w("sectPr"):
                    body.remove(child)
            self._page()
        self._defaults()
        self._styles()
        self._font_table()
        if not self.templated:
            self._footer()

    # -- setup ------------------------------------------------------------------------------

    def _page(self) -> None:
        from docx.shared import Mm

        section = self.word.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance, section.footer_distance = Mm(15), Mm(24)
        grid = section._sectPr.find(_w("docGrid"))
        if grid is None:
            grid = _element("docGrid")
            section._sectPr.append(grid)
        grid.attrib.clear()
        grid.set(_w("type"), "lines")
        grid.set(_w("linePitch"), str(LINE_PITCH_TWIPS))

    def _footer(self) -> None:
        """Page numbers "— 1 —": odd pages at the right, even pages at the left, one character in."""
        from docx.shared import Pt

        self.word.settings.odd_and_even_pages_header_footer = True
        section = self.word.sections[0]
        for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            self._format(paragraph, "page")
            paragraph.paragraph_format.first_line_indent = None
            if align == "right":
                paragraph.paragraph_format.right_indent = Pt(SIZE_PAGE_NUMBER)
            else:
                paragraph.paragraph_format.left_indent = Pt(SIZE_PAGE_NUMBER)
            paragraph.alignment = 0 if align == "left" else 2
            paragraph.add_run("— ")
            self._page_field(paragraph)
            paragraph.add_run(" —")

    @staticmethod
    def _page_field(paragraph) -> None:
        for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"),
                           ("end", None)):
            run = paragraph.add_run()
            if kind == "instr":
                instruction = _element("instrText")
                instruction.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                instruction.text = text
                run._r.append(instruction)
            elif kind == "text":
                run.text = text
            else:
                run._r.append(_element("fldChar", fldCharType=kind))

    def _defaults(self) -> None:
        styles = self.word.styles.element
        defaults = _child(styles, "docDefaults", ("latentStyles", "style"))
        rpr = _child(_child(defaults, "rPrDefault"), "rPr")
        _fonts(rpr, "fangsong")
        _language(rpr)
        settings = self.word.settings.element
        lang = settings.find(_w("themeFontLang"))
        if lang is None:
            lang = _element("themeFontLang")
            anchor = settings.find(_w("clrSchemeMapping"))
            if anchor is not None:
                anchor.addprevious(lang)
            else:
                settings.append(lang)
        lang.set(_w("val"), "zh-CN")
        lang.set(_w("eastAsia"), "zh-CN")
        normal = self.word.styles["Normal"].element
        normal_rpr = normal.get_or_add_rPr()
        _fonts(normal_rpr, "fangsong")
        _language(normal_rpr)

    def _styles(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Pt, RGBColor

        existing = {s.name for s in self.word.styles}
        for spec in STYLE.values():
            if spec.name in existing:
                continue
            style = self.word.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = self.word.styles["Normal"]
            style.quick_style = True
            font = style.font
            font.size = Pt(spec.size)
            font.bold = spec.bold
            font.color.rgb = RGBColor.from_string(spec.color or "000000")
            rpr = style.element.get_or_add_rPr()
            _fonts(rpr, spec.font)
            if spec.size == SIZE_BODY and spec.exact:
                rpr.append(_element("spacing", val=str(CHAR_SPACING_TWENTIETHS)))
            fmt = style.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            if spec.exact:
                from docx.enum.text import WD_LINE_SPACING

                fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                fmt.line_spacing = Pt(LINE_PITCH_TWIPS / 20)
            else:
                fmt.line_spacing = 1.0 if spec.name != STYLE["mark"].name else 1.2
            ppr = style.element.get_or_add_pPr()
            jc = ppr.find(_w("jc"))
            if jc is None:
                jc = _element("jc")
                ppr.append(jc)
            jc.set(_w("val"), spec.align)
            if spec.indent_chars:
                ind = _element("ind", firstLineChars=str(spec.indent_chars * 100),
                               firstLine=str(int(spec.indent_chars * spec.size * 20)))
                ppr.append(ind)
            if spec.name in (STYLE["heading1"].name, STYLE["heading2"].name):
                level = "0" if spec.name == STYLE["heading1"].name else "1"
                ppr.append(_element("outlineLvl", val=level))

    def _font_table(self) -> None:
        """Substitutes for the Chinese office fonts, so a machine without them picks a like face."""
        from lxml import etree

        part = next((p for p in self.word.part.package.iter_parts()
                     if str(p.partname) == "/word/fontTable.xml"), None)
        if part is None:
            return
        root = etree.fromstring(part.blob)
        have = {f.get(_w("name")) for f in root.findall(_w("font"))}
        for name, alternative, family in FONTS.values():
            if name in have:
                continue
            font = etree.SubElement(root, _w("font"))
            font.set(_w("name"), name)
            etree.SubElement(font, _w("altName")).set(_w("val"), alternative)
            etree.SubElement(font, _w("charset")).set(_w("val"), "86")
            etree.SubElement(font, _w("family")).set(_w("val"), family)
            etree.SubElement(font, _w("pitch")).set(_w("val"), "variable")
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # -- writing ---------------------------------------------------------------------------------

    def _format(self, paragraph, kind: str) -> None:
        paragraph.style = self.word.styles[STYLE[kind].name]

    def paragraph(self, kind: str, text: str = ""):
        paragraph = self.word.add_paragraph(text)
        self._format(paragraph, kind)
        return paragraph

    def blank(self, lines: int = 1) -> None:
        for _ in range(lines):
            self.paragraph("body")

    def mark(self, office: str) -> None:
        """The 发文机关标志: red, centred, no wider than the text block."""
        from docx.shared import Pt

        paragraph = self.paragraph("mark", office)
        width = sum(1.0 if not ch.isascii() else 0.5 for ch in office) or 1.0
        size = min(STYLE["mark"].size, 442.0 / width * 0.95)
        for run in paragraph.runs:
            run.font.size = Pt(round(size))

    def separator(self, paragraph) -> None:
        """The red line under the 发文字号 (版头中的分隔线)."""
        ppr = paragraph._p.get_or_add_pPr()
        borders = _element("pBdr")
        borders.append(_element("bottom", val="single", sz="12", space="8", color="FF0000"))
        anchor = next((c for c in ppr if c.tag in {_w(t) for t in ("shd", "tabs", "spacing", "ind", "jc",
                                                                    "outlineLvl", "rPr")}), None)
        if anchor is not None:
            anchor.addprevious(borders)
        else:
            ppr.append(borders)

    def signature(self, office: str | None, date_text: str) -> None:
        """The office's name centred over the date, the date four characters from the right."""
        from docx.shared import Pt

        def width(text: str) -> float:
            return sum(0.5 if ch.isascii() else 1.0 for ch in text)

        date = self.paragraph("signed", date_text)
        date.paragraph_format.right_indent = Pt(4 * SIZE_BODY)
        if office:
            indent = 4 + (width(date_text) - width(office)) / 2
            signed = self.paragraph("signed", office)
            signed.paragraph_format.right_indent = Pt(max(indent, 0) * SIZE_BODY)
            signed.paragraph_format.keep_with_next = True
            date._p.addprevious(signed._p)

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.paragraph("body").add_run().add_break(WD_BREAK.PAGE)

    def table(self, headers: tuple[str, ...], rows: list[tuple[str, ...]], widths_mm: tuple[float, ...]):
        from docx.shared import Mm

        table = self.word.add_table(rows=1, cols=len(headers))
        properties = table._tbl.tblPr
        borders = _element("tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(_element(edge, val="single", sz="4", space="0", color="000000"))
        properties.append(borders)
        table.autofit = False
        for cell, text, width in zip(table.rows[0].cells, headers, widths_mm, strict=True):
            cell.width = Mm(width)
            self._cell(cell, text, "table_head")
        # The header row repeats on every page the table runs over.
        row_props = table.rows[0]._tr.get_or_add_trPr()
        row_props.append(_element("tblHeader"))
        for row in rows:
            for cell, text, width in zip(table.add_row().cells, row, widths_mm, strict=True):
                cell.width = Mm(width)
                self._cell(cell, text, "table")
        return table

    def _cell(self, cell, text: str, kind: str) -> None:
        lines = text.split("\n") or [""]
        first = cell.paragraphs[0]
        first.text = lines[0]
        self._format(first, kind)
        for line in lines[1:]:
            self._format(cell.add_paragraph(line), kind)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.word.save(out)
        return out.getvalue()


def new_document(template: bytes | None = None) -> Gongwen:
    return Gongwen(template)
