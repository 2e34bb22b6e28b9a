"""The 修改对照表 (table of changes) in the layout of the opinion it goes with (GB/T 9704-2012): a
title in 小标宋 over a table of 原条款 | 修改后条款 | a third column (the basis of each change, or
the reviewer's note when two versions are compared)."""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..messages import catalogue
from .gongwen import Gongwen
from .plan import TableRow

__all__ = ["TABLE_WIDTHS_MM", "short_basis", "table_headers", "table_docx", "table_text"]

# The 156 mm text block: the two versions wide, the note narrower.
TABLE_WIDTHS_MM = (56.0, 56.0, 44.0)
# A basis cited in full (《title》 文号 point (date)) is shown by its title and 文号.
_CITATION = re.compile(r"^(《.+?》)\s*[(（]?(\S*?〔\d{4}〕\S*?号)")


def short_basis(basis: str) -> str:
    cited = _CITATION.match(basis)
    return f"{cited.group(1)}（{cited.group(2)}）" if cited else basis


def table_headers(third: str = "table.basis") -> tuple[str, str, str]:
    zh = catalogue()
    return zh.text("table.before"), zh.text("table.after"), zh.text(third)


def table_docx(rows: Sequence[TableRow], name: str, *, template: bytes | None = None,
               third: str = "table.basis") -> bytes:
    """The table of changes to the charter ``name`` as the bytes of a .docx file."""
    page = Gongwen(template)
    title = catalogue().text("table.title", name=name)
    page.word.core_properties.title = title
    page.word.core_properties.language = "zh-CN"
    page.paragraph("title", title)
    page.blank()
    page.table(table_headers(third), [(r.before, r.after, short_basis(r.basis)) for r in rows], TABLE_WIDTHS_MM)
    return page.save()


def table_text(rows: Sequence[TableRow], name: str, *, third: str = "table.basis") -> str:
    """The table as tab-separated lines under its title (opens as a sheet, reads as text)."""
    lines = [catalogue().text("table.title", name=name), "\t".join(table_headers(third))]
    lines += ["\t".join(" ".join(c.split()) for c in (r.before, r.after, r.basis)) for r in rows]
    return "\n".join(lines) + "\n"
