"""Metadata read off the text: title, 发文机关 (issuer), 文号 (document number), 成文日期 (date)."""
from __future__ import annotations

import functools
import re

from ..legal import (
    is_menu_words,
    is_promulgation_note,
    parse_digits,
    parse_numeral,
    promulgating_order,
    shows_navigation,
)
from ..models import Metadata
from ..normalize import normalize

# 民函〔2018〕78号, 中办发[2015]51号, 国发(2016)1号, 组通字〔2018〕1号
DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fa5]{1,12}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*\d{1,4}\s*号"
)
DATE = re.compile(
    r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    r"|((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})"
    r"|([〇○零0一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_ISSUER_IN_TITLE = re.compile(
    r"^(?P<issuer>(?:中共中央|国务院|中共[\u4e00-\u9fa5]{1,12}?委员会|[\u4e00-\u9fa5]{2,20}?"
    r"(?:部|厅|局|委员会|委|办公厅|办公室|政府|人大常委会|党委|组织部|民政厅|民政局)))"
    r"(?:、[\u4e00-\u9fa5]{2,20}?(?:部|厅|局|委员会|委|办公厅|办公室))*"
    r"关于"
)
_LABELLED = {
    "issuer": re.compile(r"^\s*(?:发文机关|发布机关|制定机关|颁布机关)\s*[:：]\s*(\S.{0,40}?)\s*$", re.M),
    "source": re.compile(r"(?:来源|来\s*源|出处)\s*[:：]\s*([^\s　]{2,30})"),
    "date": re.compile(r"(?:成文日期|发文日期|发布日期|发布时间|发布于|公布日期|印发日期)\s*[:：]?\s*"
                       r"((?:19|20)\d{2}[-年./]\s*\d{1,2}[-月./]\s*\d{1,2}日?)"),
}


def _iso_date(match: re.Match) -> str | None:
    g = match.groups()
    if g[0]:
        y, m, d = int(g[0]), int(g[1]), int(g[2])
    elif g[3]:
        y, m, d = int(g[3]), int(g[4]), int(g[5])
    else:
        y, m, d = parse_digits(g[6]) or 0, parse_numeral(g[7]) or 0, parse_numeral(g[8]) or 0
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def parse_date(text: str) -> str | None:
    m = DATE.search(text)
    return _iso_date(m) if m else None


# What a document's title ends with, the kind of document it is (……条例, ……办法（试行）, ……的通知,
# 社会团体登记管理条例(1998), ……章程(农业部2007版)).
_TITLE_KIND = re.compile(
    r"(?:法|条例|办法|规定|细则|规则|章程|决定|通知|意见|准则|纲要|方案|规划|公告|批复|守则|制度|指引|解释|安排"
    r"|纪要|答复|复函|公约|协定|条约|议定书|规范|标准)"
    r"(?:\s*[（(][^（）()]{1,16}[)）])?$")
# A heading or numbered item inside the text (第一章 总则, 一、一般规定, 1、关于……的通知, （一）申请条件)
# names no document.
_SECTION_HEADING = re.compile(
    r"^(?:第\s*[一二三四五六七八九十百零〇\d]+\s*[章节编条]|[一二三四五六七八九十\d]+[、.．]|[（(][一二三四五六七八九十\d]+[)）])")
# How far below a title its promulgating order, note or first article may stand (a posting line and
# a print button between them).
_UNDER_A_TITLE_LINES = 4
# What stands under a statute's title besides its promulgation note or order: its first chapter or article.
_FIRST_DIVISION = re.compile(r"^第[一1]\s*[章条]")


# How many lines from the top a promulgating order and its signature may stand (a site's menus,
# spaced out, above them).
_ORDER_LINES = 60


def _first_title_line(text: str) -> str | None:
    lines = [line.strip().strip("#•·").strip() for line in text.splitlines()[:40]]
    lines = [line for line in lines if line]
    candidates = [i for i, line in enumerate(lines[:15])
                  if not re.search(r"(来源|发布时间|发布于|作者|时间)\s*[:：]", line)
                  and 4 <= len(line) <= 60 and not line.startswith(("第", "# source", "source:"))
                  and not re.search(r"[。;；]$", line)]
    if not candidates:
        return None
    first = candidates[0]
    crumb = shows_navigation(_folded(lines[first])) or _is_menu_label(lines[first])
    if not crumb and (_TITLE_KIND.search(_folded(lines[first])) or "关于" in _folded(lines[first])):
        return lines[first]
    # A page copied with its site's name, menus or breadcrumb above the text: the title is the line
    # that names a kind of document and stands over its promulgating order, its promulgation note or
    # its first article; else the breadcrumb's last step when that names one (首页 > 关于协会 >
    # 协会章程); else the first line that is no breadcrumb.
    heading = next((i for i in range(min(len(lines), 38)) if _heads_the_text(lines, i)), None)
    if heading is not None:
        return lines[heading]
    for i in candidates:
        last = re.split(r"[>»→|]+", lines[i])[-1].strip()
        if shows_navigation(_folded(lines[i])) and len(last) >= 4 and _TITLE_KIND.search(_folded(last)):
            return last
    return next((lines[i] for i in candidates
                 if not shows_navigation(_folded(lines[i])) and not _is_menu_label(lines[i])), None)


def _is_menu_label(line: str) -> bool:
    """Whether ``line`` is a site's menu label that names a kind of document but no document: nothing
    but menu words stands before the kind (网站公告, 通知公告, 政策法规)."""
    kind = _TITLE_KIND.search(_folded(line))
    return kind is not None and kind.start() > 0 and is_menu_words(_folded(line)[:kind.start()])


@functools.lru_cache(maxsize=4096)
def _folded(line: str) -> str:
    # Folded only when looked at: a charter's own first line is its title, and metadata is read for
    # every document a batch screens.
    return normalize(line).text


def _heads_the_text(lines: list[str], i: int) -> bool:
    below = lines[i + 1:i + 1 + _UNDER_A_TITLE_LINES]
    return (4 <= len(lines[i]) <= 60 and _TITLE_KIND.search(_folded(lines[i])) is not None
            and not _SECTION_HEADING.match(_folded(lines[i])) and not shows_navigation(_folded(lines[i]))
            and (any(is_promulgation_note(row) or _FIRST_DIVISION.match(row) for row in below)
                 or promulgating_order("\n".join(below), lines=len(below)) is not None))


def parse_metadata(text: str, *, title_hint: str | None = None, header_lines=()) -> Metadata:
    """Parse metadata from the head and tail of ``text`` plus header lines the reader set aside."""
    head = "\n".join(header_lines) + "\n" + text[:1500]
    tail = text[-600:]
    meta = Metadata()
    meta.title = (title_hint or _first_title_line(text) or None)
    if meta.title:
        meta.title = re.sub(r"\s+", " ", meta.title).strip()

    # A notice's own 文号 stands on a line of its own near the top (or after a label); numbers
    # inside sentences are citations of other documents.
    for line in list(header_lines) + text.splitlines()[:15]:
        line = line.strip()
        number = DOC_NUMBER.search(line)
        if number and (len(line) <= len(number.group(0)) + 6 or re.match(r"^\s*文\s*号", line)):
            meta.doc_number = re.sub(r"\s+", "", number.group(0))
            break

    # A statute copied from a government site opens with the order that promulgated it (中华人民共和国
    # 民政部令 / 第39号 / …现予公布 / 部长 李立国 / 2010年12月27日): its number, its issuer (not the
    # minister who signed it) and its date.
    top = [*header_lines, *text.splitlines()[:_ORDER_LINES]]
    # Every promulgating order's name ends in 令, traditional or not: without one there is none to fold.
    order = (promulgating_order("\n".join(_folded(line) for line in top), lines=_ORDER_LINES)
             if any("令" in line for line in top) else None)
    if order is not None:
        meta.doc_number = meta.doc_number or order.number
    labelled = _LABELLED["issuer"].search(head)
    if labelled:
        meta.issuer = labelled.group(1)
    elif order is not None:
        meta.issuer = order.issuer
    elif meta.title and (m := _ISSUER_IN_TITLE.match(meta.title)):
        meta.issuer = m.group("issuer")
    else:
        meta.issuer = _issuer_from_signature(tail)

    labelled_date = _LABELLED["date"].search(head)
    if labelled_date:
        meta.date = parse_date(labelled_date.group(1).replace(".", "-").replace("/", "-")
                               .replace("年", "-").replace("月", "-").replace("日", ""))
    elif header_lines and (m := DATE.search("\n".join(header_lines))):
        meta.date = _iso_date(m)
    elif order is not None and (signed := _order_date(text)):
        meta.date = signed
    else:
        # A notice is dated under its signature, at the end.
        tail_dates = list(DATE.finditer(tail))
        if tail_dates:
            meta.date = _iso_date(tail_dates[-1])
    source = _LABELLED["source"].search(head)
    if source:
        meta.source = source.group(1)
    return meta


def _order_date(text: str) -> str | None:
    """The date under a promulgating order's signature: the first line near the top that is a date."""
    for line in text.splitlines()[:_ORDER_LINES]:
        if (m := DATE.fullmatch(line.strip())) is not None:
            return _iso_date(m)
    return None


def _issuer_from_signature(tail: str) -> str | None:
    lines = [ln.strip() for ln in tail.splitlines() if ln.strip()]
    for i, line in enumerate(lines):
        if DATE.fullmatch(line) and i > 0:
            cand = lines[i - 1]
            if 2 <= len(cand) <= 30 and not re.search(r"[。,，;；:：]", cand):
                return cand
    return None
