"""The structure of Chinese legal and official text: numerals, headings, articles, page furniture.

Laws, regulations and charters are built from 编/章/节 divisions and 第X条 articles numbered in
Chinese or Arabic numerals; paginated copies carry page numbers and running headers or footers.
Extraction, the checker's layout and search passages all read that structure through this module,
so a scan's misreading repaired here (第—条 for 第一条, 第三竟 for 第三章) is repaired for every
command. It works on plain strings and :class:`pbdocs.models.Line` and imports nothing from
extract, rules or search.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from .models import Line
from .normalize import normalize

__all__ = [
    "NUMERAL", "CHAPTER_WORD", "REFERENCE_FOLLOWER", "ARTICLE_MARK",
    "parse_numeral", "parse_digits", "format_numeral", "repair_numeral", "article_label", "article_number",
    "Heading", "division_heading", "article_heading", "plausible_next_article", "MAX_ARTICLE_STEP",
    "line_headings", "numbered_list_headings", "list_chapter_headings", "inline_headings",
    "is_page_number", "running_key", "running_lines", "strip_running_lines", "EDGE_LINES", "RUNNING_SHARE",
    "cited_titles", "title_key", "break_furniture", "TextLine", "text_lines", "proviso", "opening_condition",
    "ARTICLE_REFERENCE", "is_general_chapter", "short_title", "title_forms", "citation",
    "copied_furniture", "shows_navigation", "is_menu_words", "is_list_item", "Order", "promulgating_order",
    "enacting_body", "is_promulgation_note",
]

# -- lines ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TextLine:
    """One line of a text without its newline, and where it sits in that text."""
    start: int
    end: int
    text: str


def text_lines(text: str, start: int = 0) -> list[TextLine]:
    """The lines of ``text[start:]`` with their offsets in ``text``."""
    out: list[TextLine] = []
    pos = start
    for raw in text[start:].split("\n"):
        out.append(TextLine(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


# -- numerals -----------------------------------------------------------------------------------

_DIGIT_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_ZERO_LOOKALIKES = str.maketrans({"0": "〇", "○": "〇", "O": "〇", "o": "〇"})
_UNIT_VALUES = {"十": 10, "百": 100, "千": 1000}
# 廿 and 卅 are written for 二十 and 三十 in dates and old texts (廿三日).
_TENS_VALUES = {"廿": 20, "卅": 30}
# Scans read 一 as a dash (第—条, 第ー章).
_OCR_ONE = str.maketrans({"—": "一", "ー": "一"})
# A numeral as it may appear in a heading: Chinese, Arabic or full-width digits (\d matches all
# Unicode decimals) and the dashes scans make of 一.
NUMERAL = r"[零〇一二三四五六七八九十百千两廿卅—ー\d]+"


def repair_numeral(text: str) -> str:
    """A numeral as it should be cited: full-width digits folded (４ -> 4), a scanned dash read
    back as 一 (— -> 一)."""
    return unicodedata.normalize("NFKC", text).translate(_OCR_ONE)


def parse_numeral(text: str) -> int | None:
    """二十三 -> 23, 一百零五 -> 105, 廿三 -> 23, 两百 -> 200, 14 or １４ -> 14, 第—条's — -> 1;
    None when ``text`` is not a numeral."""
    text = repair_numeral(text)
    if not text:
        return None
    if text.isdecimal():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGIT_VALUES:
            current = _DIGIT_VALUES[ch]
        elif ch in _UNIT_VALUES:
            total += (current or 1) * _UNIT_VALUES[ch]
            current = 0
        elif ch in _TENS_VALUES:
            total += _TENS_VALUES[ch]
            current = 0
        else:
            return None
    return total + current


def parse_digits(text: str) -> int | None:
    """Numerals written digit by digit, as years are: 二〇一九 -> 2019, 二零二四 -> 2024."""
    text = repair_numeral(text)
    if text.isdecimal():
        return int(text)
    # Typed years mix a digit 0 or a circle ○ into the numerals (二00四, 二○○四).
    text = text.translate(_ZERO_LOOKALIKES)
    if not text or any(ch not in _DIGIT_VALUES for ch in text):
        return None
    return int("".join(str(_DIGIT_VALUES[ch]) for ch in text))


def format_numeral(number: int) -> str:
    """123 -> 一百二十三, 10 -> 十, 105 -> 一百零五, 110 -> 一百一十: the numerals of 第X条 (0 to 9999)."""
    if not 0 <= number < 10000:
        raise ValueError(f"no article numeral for {number}")
    if 10 <= number < 20:
        return "十" + format_numeral(number - 10) if number > 10 else "十"
    digits = "零一二三四五六七八九"
    out: list[str] = []
    gap = False  # a zero between written digits is read 零 (一百零五), trailing zeros are not
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, value)
        if digit:
            out.append(("零" if gap else "") + digits[digit] + unit)
            gap = False
        elif out:
            gap = True
    return "".join(out) or digits[0]


def article_label(number: int) -> str:
    """14 -> 第十四条."""
    return f"第{format_numeral(number)}条"


# 第X条 wherever it stands, a heading or a reference (依照本章程第十四条); group 1 is the numeral.
ARTICLE_REFERENCE = re.compile(rf"第\s*({NUMERAL})\s*[条條]")


def article_number(label: str | None) -> int | None:
    """The number of a 第X条 label: 第十四条 -> 14, 第四条之一 -> 4, 第—条 -> 1."""
    m = ARTICLE_REFERENCE.match(label or "")
    return parse_numeral(m.group(1)) if m else None


# -- headings -----------------------------------------------------------------------------------

# Scans read 章 as 竟 or 童.
CHAPTER_WORD = "[章竟童]"
_DIVISION_WORD = "[编章竟童节]"
_DIVISION_KIND = {"编": "part", "章": "chapter", "竟": "chapter", "童": "chapter", "节": "section"}
_CANONICAL_WORD = {"part": "编", "chapter": "章", "section": "节"}
# A wrapped line can begin with a cross-reference (第十条的规定..., 第三章规定的...): the words
# that follow one are excluded.
REFERENCE_FOLLOWER = "的规之款项所中、和或至及第"
_SUPPLEMENT = "之[一二三四五六七八九十]+"  # 第四条之一: an article inserted by an amendment
ARTICLE_MARK = rf"第\s*({NUMERAL})\s*[条條](?:{_SUPPLEMENT})?(?![{REFERENCE_FOLLOWER}])"
_ARTICLE_AT = re.compile(rf"\s*(第\s*({NUMERAL})\s*[条條]({_SUPPLEMENT})?)(?![{REFERENCE_FOLLOWER}])")
# A division title holds no sentence punctuation; the heading may share its line with the
# division's first article (第一章 总则 第一条 本会的名称是...).
_DIVISION_START = rf"^\s*第\s*({NUMERAL})\s*({_DIVISION_WORD})(?![{REFERENCE_FOLLOWER}])\s*"
_DIVISION_LINE = re.compile(rf"{_DIVISION_START}([^。，；,;：:…·．]{{0,30}}?)\s*(?:$|(?={ARTICLE_MARK}))")
# A long title may hold commas (第三章 审查和批准决算，听取和审议...) where lines are known
# to be whole headings rather than wrapped sentences.
_DIVISION_ALONE = re.compile(rf"{_DIVISION_START}(\S.{{0,30}})?$")
# Article numbers move forward by a few (renumbering leaves gaps) or restart at 1.
MAX_ARTICLE_STEP = 5


_LETTER_SPACING = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


@dataclass(frozen=True)
class Heading:
    """A 编/章/节 division or 第X条 article heading found in a line.

    ``label`` is the heading as it should be cited, misreadings repaired (第一章, 第四条之一);
    ``title`` the division's words as written on the line ('' for articles); ``start``/``end`` the
    span of the heading in the line, ``end`` being where the article's or line's text goes on.
    """

    kind: str  # "part" (编), "chapter" (章), "section" (节) or "article" (条)
    label: str
    number: int | None
    title: str
    start: int
    end: int

    @property
    def display(self) -> str:
        # Official texts space a short title out (第一章　总　　则); cited, it reads 第一章 总则.
        return f"{self.label} {_LETTER_SPACING.sub('', self.title)}".strip()


def division_heading(line: str, *, punctuated_title: bool = False) -> Heading | None:
    """The 编/章/节 heading that begins ``line`` (第一章 总则), misread 章 included (第一竟).

    With ``punctuated_title`` a heading filling its line may have punctuation in its title, for
    text whose lines are known not to be wrapped sentences.
    """
    m = _DIVISION_LINE.match(line) or (_DIVISION_ALONE.match(line) if punctuated_title else None)
    if m is None:
        return None
    kind = _DIVISION_KIND[m.group(2)]
    numeral = repair_numeral(m.group(1))
    label = f"第{numeral}{_CANONICAL_WORD[kind]}"
    start = len(line) - len(line.lstrip())
    return Heading(kind, label, parse_numeral(numeral), m.group(3) or "", start, m.end())


def article_heading(line: str, pos: int = 0) -> Heading | None:
    """The 第X条 heading at ``pos`` of ``line`` (after spaces), unless it is a cross-reference
    wrapped to the line start (第十条的规定...)."""
    m = _ARTICLE_AT.match(line, pos)
    if m is None:
        return None
    numeral = repair_numeral(m.group(2))
    label = f"第{numeral}条{m.group(3) or ''}"
    return Heading("article", label, parse_numeral(numeral), "", m.start(1), m.end())


def plausible_next_article(previous: int | None, number: int | None, fresh_line: bool) -> bool:
    """Whether article ``number`` can follow article ``previous``: a step forward of at most
    MAX_ARTICLE_STEP or a restart at 1; a longer jump only on a line that does not continue the
    previous line's sentence (``fresh_line``), since a wrapped cross-reference looks the same."""
    if number is None:
        return False
    if previous is None or number == 1 or previous < number <= previous + MAX_ARTICLE_STEP:
        return True
    return fresh_line and number > previous


# -- article spans ------------------------------------------------------------------------------
# Where chapters and articles begin in a text: each function takes the text's lines as (offset,
# line) pairs, gaps allowed where a caller cut lines out, and gives headings at absolute offsets.

_LINE_ENDS_SENTENCE = re.compile(r"[。；;：:！!？?”」』）)]\s*$")
# Small charters number articles 一、 or 1. instead of 第X条; a short 一、 line without sentence
# punctuation (一、总则) is then a chapter heading.
_LIST_ARTICLE = re.compile(r"^\s*(?:(\d{1,3})\s*[.．、](?![\d０-９])|([一二三四五六七八九十百]+)\s*、)")
_LIST_HEADING = re.compile(r"^\s*([一二三四五六七八九十百]+)\s*、\s*([^。，；,;：:]{1,20}?)\s*$")
# An article's enumerated items: （一）…；（二）…, led in by a sentence ending in a colon.
_LIST_ITEM = re.compile(r"^\s*[（(][一二三四五六七八九十]{1,3}[)）]")


def is_list_item(text: str) -> bool:
    """Whether ``text`` opens as one of an article's enumerated items (（一）, (二))."""
    return bool(_LIST_ITEM.match(text))


# Text without line structure (one long line): an article starts after sentence punctuation or
# right after its chapter's heading, a titled 第X章 directly followed by 第Y条.
_CHAPTER_INLINE = re.compile(
    rf"第({NUMERAL}){CHAPTER_WORD}(?![{REFERENCE_FOLLOWER}])([^。;:,!?第]{{1,20}}?)(?=第{NUMERAL}条)")
_ARTICLE_INLINE = re.compile(rf"(?:^|(?<=[。;:!?]))第({NUMERAL})条(?![{REFERENCE_FOLLOWER}])")
_ARTICLE_HERE = re.compile(rf"第({NUMERAL})条")


def line_headings(lines: Iterable[tuple[int, str]]) -> list[Heading]:
    """Chapters and articles that begin lines (第一章 总则 / 第一条 ...), in order.

    A chapter starts at its line's offset; an article sharing the line with its chapter heading
    starts where the heading ends. An article number that cannot follow the previous one is a
    cross-reference wrapped to the line start, not an article.
    """
    headings: list[Heading] = []
    previous: int | None = None
    fresh = True  # the previous line ended its sentence or paragraph: this one starts anew
    for offset, text in lines:
        if not text.strip():
            fresh = True
            continue
        chapter = division_heading(text)
        if chapter is not None and chapter.kind != "chapter":
            chapter = None
        article_from = 0
        if chapter is not None:
            headings.append(replace(chapter, start=offset, end=offset + chapter.end))
            article_from, fresh = chapter.end, True
        article = article_heading(text, article_from)
        if article is not None and plausible_next_article(previous, article.number, fresh):
            previous = article.number
            headings.append(replace(article, start=offset + article_from, end=offset + article.end))
        fresh = bool(_LINE_ENDS_SENTENCE.search(text)) or (chapter is not None and article is None)
    return headings


def numbered_list_headings(lines: Iterable[tuple[int, str]], *, with_chapters: bool) -> list[Heading]:
    """Articles numbered 一、 or 1. (small charters without 第X条), and with ``with_chapters``
    their 一、总则 style chapter headings; labels and titles normalized."""
    headings: list[Heading] = []
    previous: int | None = None
    for offset, text in lines:
        chapter = _LIST_HEADING.match(text) if with_chapters else None
        if chapter:
            headings.append(Heading("chapter", f"{chapter.group(1)}、", parse_numeral(chapter.group(1)),
                                    normalize(chapter.group(2)).text, offset, offset + chapter.end()))
            continue
        m = _LIST_ARTICLE.match(text)
        if m:
            number = parse_numeral(m.group(1) or m.group(2))
            if plausible_next_article(previous, number, True):
                previous = number
                headings.append(Heading("article", normalize(m.group()).text, number, "", offset, offset + m.end()))
    return headings


def list_chapter_headings(lines: Sequence[tuple[int, str]]) -> list[Heading]:
    """一、总则 style chapter headings over 第X条 articles: numbered 一, 二, 三 in turn and each
    directly followed by an article (short list items inside an article are not chapters)."""
    headings: list[Heading] = []
    expected = 1
    content = [(offset, text) for offset, text in lines if text.strip()]
    for (offset, text), (_, following) in pairwise(content):
        m = _LIST_HEADING.match(text)
        if m and parse_numeral(m.group(1)) == expected and article_heading(following) is not None:
            headings.append(Heading("chapter", f"{m.group(1)}、", expected, normalize(m.group(2)).text,
                                    offset, offset + m.end()))
            expected += 1
    return headings


def inline_headings(text: str) -> list[Heading]:
    """Chapters and articles of text without line structure, after sentence punctuation."""
    headings: list[Heading] = []
    for m in _CHAPTER_INLINE.finditer(text):
        numeral = repair_numeral(m.group(1))
        headings.append(Heading("chapter", f"第{numeral}章", parse_numeral(numeral), m.group(2), m.start(), m.end()))
    after_chapter = [_ARTICLE_HERE.match(text, heading.end) for heading in headings]
    candidates = sorted([(m.start(), m) for m in _ARTICLE_INLINE.finditer(text)]
                        + [(m.start(), m) for m in after_chapter if m is not None], key=lambda c: c[0])
    previous: int | None = None
    for start, m in candidates:
        numeral = repair_numeral(m.group(1))
        number = parse_numeral(numeral)
        if plausible_next_article(previous, number, True):
            previous = number
            headings.append(Heading("article", f"第{numeral}条", number, "", start, m.end()))
    return headings


# -- page furniture -----------------------------------------------------------------------------

# How many lines at each end of a page (by position) may be running headers, footers or numbers.
EDGE_LINES = 2
# A running header must recur on at least this share of pages (odd/even headers recur on half).
RUNNING_SHARE = 0.4
_PAGE_NUMBER = re.compile(
    r"""(?ix)
    [-–—―‐~·•_一ー－]*\d{1,4}[-–—―‐~·•_一ー－]*  # 3, - 3 -, —3—, and OCR's -1一 for —1—
    | 第[\d一二三四五六七八九十百零〇]{1,6}页(共[\d一二三四五六七八九十百零〇]{1,6}页)?
    | 共\d{1,4}页第\d{1,4}页
    | \d{1,4}/\d{1,4}                     # 3/10
    | page\d{1,4}(of\d{1,4})?
    """
)
_DIGITS = re.compile(r"\d+")


def is_page_number(text: str) -> bool:
    """True for page-number lines: ``3``, ``- 3 -``, ``第3页``, ``第 3 页 共 10 页``, ``3/10``."""
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    return bool(compact) and _PAGE_NUMBER.fullmatch(compact) is not None


def running_key(text: str) -> str:
    """A line's identity across pages: width-folded, spaces dropped, digits masked."""
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    return _DIGITS.sub("#", compact)


def running_lines(pages: Sequence[Sequence[Line]], *, min_share: float = RUNNING_SHARE) -> list[set[int]]:
    """For each page, the indices of its page-number lines and running headers/footers.

    Only the EDGE_LINES top and bottom lines of a page (by position) are candidates. A header or
    footer is one whose digit-masked text recurs at the edges of at least ``min_share`` of the
    pages, and of two at least; page numbers are recognized by their shape alone.
    """
    edges: list[set[int]] = []
    recurrence: dict[str, set[int]] = {}
    for page_index, lines in enumerate(pages):
        by_position = sorted(range(len(lines)), key=lambda i: (lines[i].top, lines[i].bottom))
        edge = set(by_position[:EDGE_LINES]) | set(by_position[-EDGE_LINES:])
        edges.append(edge)
        for i in edge:
            recurrence.setdefault(running_key(lines[i].text), set()).add(page_index)
    needed = max(2, math.ceil(min_share * len(pages)))
    running = {key for key, seen_on in recurrence.items() if len(seen_on) >= needed}
    return [
        {i for i in edge if is_page_number(lines[i].text) or running_key(lines[i].text) in running}
        for lines, edge in zip(pages, edges, strict=False)
    ]


def strip_running_lines(pages: Sequence[Sequence[Line]]) -> list[list[Line]]:
    """The pages without their page numbers and running headers/footers."""
    return [
        [line for i, line in enumerate(lines) if i not in furniture]
        for lines, furniture in zip(pages, running_lines(pages), strict=False)
    ]


_ENDS_SENTENCE = re.compile(r"[。；;：:！!？?”」』）)]\s*$")


def _is_title_copy(text: str, header_key: str) -> bool:
    key = running_key(text)
    # A header may repeat the title without its edition note (XX协会章程 under XX协会章程（2024年
    # 修订）) or without the breadcrumb the title line was copied with.
    return bool(key) and (key == header_key or (len(key) >= 6 and key.endswith("章程") and key in header_key))


def break_furniture(lines: Sequence[str], title: int | None) -> set[int]:
    """Indices of the lines a page break left inside the text, whether or not they recur.

    ``lines`` are a document's lines and ``title`` the index of its title line. A copy of the
    title further down is a page header; a page number, bare digits included, is furniture when
    it stands next to such a header or between the two halves of a sentence (the line before it
    does not end its sentence). The title itself and headings never are.
    """
    header_key = running_key(lines[title]) if title is not None else ""
    furniture: set[int] = set()
    content = [i for i, line in enumerate(lines) if line.strip()]
    k = 0
    while k < len(content):
        run: list[int] = []
        while k + len(run) < len(content):
            i = content[k + len(run)]
            text = lines[i]
            numbered = is_page_number(text)
            copy = i != title and header_key and _is_title_copy(text, header_key)
            if not (numbered or copy) or division_heading(text) or article_heading(text):
                break
            run.append(i)
        if not run:
            k += 1
            continue
        before = content[k - 1] if k else None
        after_exists = k + len(run) < len(content)
        has_copy = any(i != title and header_key and _is_title_copy(lines[i], header_key) for i in run)
        open_sentence = before is not None and not _ENDS_SENTENCE.search(lines[before])
        if after_exists and before is not None and (has_copy or open_sentence):
            furniture.update(run)
        k += len(run)
    return furniture


# -- chapters -----------------------------------------------------------------------------------

def is_general_chapter(number: int | None, title: str) -> bool:
    """第一章 总则, where the 2019 notice puts the party clause: the first chapter, or one titled 总则
    wherever it stands."""
    return number == 1 or "总则" in title


# -- furniture of copied pages ----------------------------------------------------------------------
# Text copied from web pages carries what the site put around and inside the document: a law
# database's metadata block (【法规类别】…【效力级别】…), breadcrumbs and share bars, a forum's
# anti-copy strings (random ASCII stuck to the ends of lines), and a document site's chunk markers
# (1、 2、 3、 at the start of each piece the site cut the document into, often mid-sentence).
# None of it is an article number, a name or a title.

_METADATA_KEY = (r"(?:法规)?标题|发布部门|发文机关|发文字号|文号|发布日期|颁布日期|公布日期|实施日期|生效日期|失效日期"
                 r"|批准日期|法规类别|类别|效力级别|效力等级|时效性|法宝引证码|唯一标志|来源|正文|全文|专题分类")
_METADATA_LINE = re.compile(rf"^\s*(?:【(?:{_METADATA_KEY})】|(?:{_METADATA_KEY})\s*[:：]).*$")
_BREADCRUMB_LINE = re.compile(
    r"^\s*(?:(?:当前位置|您的位置|您现在的位置|您当前的位置|所在位置|当前页面)\s*[:：]?.*"
    r"|(?:[^>»›\n]{1,16}\s*(?:>>|>|»|›)\s*){2,}[^>»›\n]{0,40})$")
# Any sign of a site's navigation in a line (首页, 当前位置：, an arrow between steps). Too loose to strip
# a line by, since a menu may share its line with text; enough to tell a line is no document's title.
_NAVIGATION = re.compile(r"[>»→]|位置\s*[:：]|首页|首頁")


def shows_navigation(line: str) -> bool:
    """Whether ``line`` holds any sign of a site's navigation: a breadcrumb's arrow, 首页, 位置：."""
    return _NAVIGATION.search(line) is not None


# The words a site's menu labels are made of (网站公告, 通知公告, 政策法规, 最新动态): a label of them names a
# section of the site, not a document.
_MENU_WORDS = re.compile(r"(?:网站|通知|公告|新闻|最新|政务|信息|重要|工作|热点|专题|法规|政策|文件|动态|公示|资讯)+")


def is_menu_words(text: str) -> bool:
    """Whether ``text`` is nothing but the words of a site's menu labels (网站, 通知, 政策, 最新…)."""
    return _MENU_WORDS.fullmatch(text) is not None


_SHARE_WORDS = re.compile(
    r"分享到|分享|微信|朋友圈|微博|QQ空间|QQ|豆瓣|打印|关闭|收藏|返回|字号|大|中|小|【|】|\||[:：\s/·]")
# Runs of one- to three-character ASCII tokens, with symbols among them, at a line's edge.
_ANTICOPY = r"(?:[!-~]{1,3}[ \t]){3,}[!-~]{1,3}"
_ANTICOPY_END = re.compile(rf"(?<=[\u4e00-\u9fff。，；：、）)”」])[ \t]*({_ANTICOPY})[ \t]*$", re.M)
_ANTICOPY_START = re.compile(rf"^[ \t]*({_ANTICOPY})[ \t]*(?=[\u4e00-\u9fff第（(])", re.M)
_ANTICOPY_SYMBOLS = re.compile(r"[^0-9A-Za-z\s]")
_CHUNK_MARKER = re.compile(r"^[ \t]*(\d{1,3})、(?!\d)", re.M)
# Chunks a document site cuts are long; a list's items are not.
_CHUNK_CHARS = 150


def _metadata_lines(lines: Sequence[TextLine]) -> list[TextLine]:
    """A law database's metadata block: two or more 【法规类别】… lines near each other."""
    hits = [line for line in lines if _METADATA_LINE.match(line.text) and len(line.text.strip()) <= 80]
    return hits if len(hits) >= 2 else []


def _site_lines(lines: Sequence[TextLine]) -> list[TextLine]:
    """Breadcrumbs and share bars: lines that are only a site's navigation."""
    out = []
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        breadcrumb = _BREADCRUMB_LINE.match(text) and "。" not in text
        share_bar = len(text) <= 40 and ("分享" in text or "打印" in text) and not _SHARE_WORDS.sub("", text)
        if breadcrumb or share_bar:
            out.append(line)
    return out


def _anticopy_spans(text: str) -> list[TextLine]:
    spans = []
    for pattern in (_ANTICOPY_END, _ANTICOPY_START):
        for m in pattern.finditer(text):
            junk = m.group(1)
            if len(_ANTICOPY_SYMBOLS.findall(junk)) >= 2:
                spans.append(TextLine(m.start(1), m.end(1), junk))
    return spans


def _chunk_markers(text: str) -> list[TextLine]:
    """The 1、 2、 3、 a document site numbers its pieces with: numbered from 1 in turn, each piece
    long, at least one piece ending mid-sentence, and the document's own 第X条 inside them. The
    marker goes with the line break before it, so that the sentence it cut reads as one again."""
    markers = list(_CHUNK_MARKER.finditer(text))
    run: list[re.Match[str]] = []
    for m in markers:
        if int(m.group(1)) == len(run) + 1:
            run.append(m)
        elif int(m.group(1)) == 1:
            run = [m]
    if len(run) < 2:
        return []
    ends = [m.start() for m in run[1:]] + [len(text)]
    pieces = [text[m.end():end] for m, end in zip(run, ends, strict=True)]
    if sum(len(p) for p in pieces[:-1]) / (len(pieces) - 1) < _CHUNK_CHARS:
        return []
    if not any(not _ENDS_SENTENCE.search(p.rstrip()) for p in pieces[:-1]):
        return []
    # The pieces carry the document's own 第X条 articles: the numbers before them are the site's.
    if sum(1 for p in pieces for _ in _ARTICLE_HERE.finditer(p)) < 2:
        return []
    spans = []
    for m in run:
        start = m.start()
        if start > 0 and text[start - 1] == "\n":
            start -= 1
        spans.append(TextLine(start, m.end(), text[start:m.end()]))
    return spans


def copied_furniture(text: str) -> list[TextLine]:
    """Spans of ``text`` that a web page or document site added to the document: metadata blocks,
    breadcrumbs, share bars (whole lines), anti-copy strings and chunk markers (parts of lines),
    in order."""
    lines = text_lines(text)
    found = [*_metadata_lines(lines), *_site_lines(lines), *_anticopy_spans(text), *_chunk_markers(text)]
    return sorted(set(found), key=lambda span: (span.start, span.end))


# -- promulgating orders ------------------------------------------------------------------------

# A promulgation note under a statute's title opens with the date of what was done ((1998年10月25日……发布),
# 2004年3月8日 国务院令第400号公布, 2020年8月31日 最高人民法院审判委员会第1811次会议).
_PROMULGATION_NOTE = re.compile(r"^[（(]?\s*(?:19|20)\d{2}\s*年.*?(?:通过|发布|公布|施行|修正|修订|印发|批准|会议)")


def is_promulgation_note(line: str) -> bool:
    """Whether ``line``, under a statute's title, is (or opens) its promulgation note."""
    return _PROMULGATION_NOTE.match(line.strip()) is not None


# The order that promulgates a statute: 中华人民共和国国务院令第250号, 民政部令第39号, 中华人民共和国主席令
# 第四十三号, a joint one (中华人民共和国国务院、中华人民共和国中央军事委员会令第608号). It stands in a 题注 on
# one line, or over a text copied from a government site on two (中华人民共和国民政部令 / 第39号, or
# (第250号)). A date's 日 may stand right before it (2010年12月27日民政部令第39号公布).
_ORDER_BODY = (r"(?:(?<=\d)日)?((?:中华人民共和国)?([\u4e00-\u9fa5]{2,16}?"
               r"(?:、(?:中华人民共和国)?[\u4e00-\u9fa5]{2,16}?)*)令)")
_ORDER_SERIAL = r"[（(]?\s*(第\s*[0-9〇零一二三四五六七八九十百]+\s*号)\s*[)）]?"
_ORDER = re.compile(_ORDER_BODY + r"\s*" + _ORDER_SERIAL)
_ORDER_HEAD = re.compile(r"^\s*" + _ORDER_BODY + r"\s*$")
_ORDER_TAIL = re.compile(r"^\s*" + _ORDER_SERIAL + r"\s*$")


@dataclass(frozen=True)
class Order:
    """A promulgating order: its number as cited (国务院令第250号 with 中华人民共和国 when the text has
    it) and the body that issued it (国务院, 民政部; 国家主席 for a 主席令)."""
    number: str
    issuer: str


def _order(head: re.Match, serial: str) -> Order:
    # A joint order (中华人民共和国国务院、中华人民共和国中央军事委员会令) is issued by both.
    body = "、".join(part.rpartition(_STATE_PREFIX)[2] for part in head.group(2).split("、"))
    return Order(re.sub(r"\s+", "", head.group(1) + serial), "国家主席" if body == "主席" else body)


def _unbracketed(row: str) -> str:
    return row[1:-1].strip() if row[:1] in "(（" and row[-1:] in ")）" else row


def promulgating_order(text: str, *, lines: int = 0) -> Order | None:
    """The first promulgating order in ``text``: anywhere in it, or with ``lines``, only as a block
    of its own among the first ``lines`` lines that hold anything (a line that is the order, in
    brackets or not, or the order's name over its number), as government sites print it above the
    text."""
    if not lines:
        m = _ORDER.search(text)
        return _order(m, m.group(3)) if m else None
    rows = [_unbracketed(row.strip()) for row in text.splitlines() if row.strip()][:lines]
    for row, below in zip(rows, [*rows[1:], ""], strict=True):
        if (m := _ORDER.fullmatch(row)) is not None:
            return _order(m, m.group(3))
        if (m := _ORDER_HEAD.match(row)) is not None and (serial := _ORDER_TAIL.match(below)) is not None:
            return _order(m, serial.group(1))
    return None


# A legislature: 全国人民代表大会常务委员会, 青岛市第十四届人民代表大会常务委员会. A date's 日 or the 经 of 并经
# can stand right before the name (2011年11月15日青岛市…, 经济宁市…).
_LEGISLATURE = re.compile(
    r"(?:(?<=\d)日|经)?(全国|[\u4e00-\u9fa5]{2,8}?[省市区州县])(?:第[^届]{1,6}届)?(人民代表大会)(常务委员会)?")
# A body that issues or amends by itself (2018年11月25日中共中央发布, 2015年10月12日中共中央修订, 国务院办公厅印发),
# or whose meeting passed the text (1989年10月13日国务院第四十九次常务会议通过, 民政部部务会议通过).
_ISSUING_BODY = re.compile(
    r"^(中共中央(?:办公厅)?|中央办公厅|国务院(?:办公厅)?|中央军委|[\u4e00-\u9fa5]{2,16}?(?:部|委员会|总局|局|署|办公厅|办公室))"
    r"(?:发布|印发|公布|修订|修正|(?:第[^次]{1,6}次)?(?:常务|部务|局务|委务|署务)?会议(?:审议)?通过)")


# The party's congress amends its constitution (中国共产党第二十次全国代表大会部分修改).
_PARTY_CONGRESS = re.compile(r"中国共产党(?:第[^次]{1,6}次)?全国代表大会")


def enacting_body(act: str) -> str | None:
    """Who passed, issued or amended, as one dated act under a statute's title says it: the
    legislature (of 河南省人大常委会……批准的《洛阳市人大常委会关于修改……的决定》, the city's, not the
    province that approved it), the party's congress, or the body before 发布, 印发 or 修订 (中共中央).
    None when the act names
    only an approving legislature: the enacting one is then on the line that passed the text."""
    bodies = list(_LEGISLATURE.finditer(act))
    ends = [b.start() for b in bodies[1:]] + [len(act)]
    body = next((b for b, end in zip(bodies, ends, strict=False) if "批准" not in act[b.end():end]), None)
    if body is not None:
        return body.group(1) + body.group(2) + (body.group(3) or "")
    if _PARTY_CONGRESS.search(act):
        return "中国共产党全国代表大会"
    issuing = _ISSUING_BODY.match(act.strip())
    return issuing.group(1) if issuing and not bodies else None


# -- citations ----------------------------------------------------------------------------------

# A law or document is cited by its title in book-title marks: 依照《中华人民共和国慈善法》的规定.
_CITED_TITLE = re.compile(r"《([^《》\n]{2,80})》")
_STATE_PREFIX = "中华人民共和国"


_TRAILING_PARENTHESIS = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


def short_title(title: str) -> str:
    """The name people cite a law by: 中华人民共和国慈善法 -> 慈善法; 中国共产党章程（...修改...）->
    中国共产党章程. Titles of other documents come back whole but for a trailing parenthesis."""
    short = _TRAILING_PARENTHESIS.sub("", title.strip()).strip("《》 ")
    return short.removeprefix(_STATE_PREFIX) or title


def title_forms(title: str) -> set[str]:
    """The ways a question may name a document: its title, without 中华人民共和国, without a
    parenthesized addition (中国共产党章程（...部分修改...）), each at least two characters."""
    short = re.split(r"[(（]", title, maxsplit=1)[0]
    forms = {title, short} | {t.removeprefix(_STATE_PREFIX) for t in (title, short)}
    return {f for f in forms if len(f) >= 2}


def citation(title: str, *, version: str | None = None, doc_number: str | None = None,
             article: str | None = None, date: str | None = None) -> str:
    """How pbdocs cites a document: 《慈善法》(2023修正) 第六十一条 for a law's version (by its short
    title), 《…通知》(民函〔2019〕54号) for a numbered document, else 《title》; then the article and,
    when given, the date (2019-05-20) in parentheses."""
    if version:
        label = f"《{short_title(title)}》({version})"
    else:
        name = title.strip().strip("《》")
        label = f"《{name}》({doc_number})" if doc_number else f"《{name}》"
    return " ".join([label] + [part for part in (article, f"({date})" if date else None) if part])


def title_key(title: str) -> str:
    """The form in which a law's title and the citations of it compare: normalized, without
    中华人民共和国 (the 慈善法 is cited both ways) and without a parenthesized addition
    (（2023年修订）, （试行）)."""
    title = normalize(title).text.strip().strip("《》")
    title = re.split(r"[(（]", title, maxsplit=1)[0]
    return title.replace(_STATE_PREFIX, "").strip()


def cited_titles(text: str) -> list[str]:
    """Titles ``text`` cites in book-title marks, as :func:`title_key` gives them, in order."""
    return [key for m in _CITED_TITLE.finditer(text) if (key := title_key(m.group(1)))]


# -- provisos -----------------------------------------------------------------------------------

# What follows a rule and carves out of it: 但书 (但是，……除外), a deferral to other rules (法律另有
# 规定的，从其规定) and the special-case escape (特殊情况下，……难以符合前述规定的). Wordings as in
# 民法典 第一百五十三条 and 慈善法 (2023修正) 第六十一条, and the rule for those another article covers
# (对于依照本条例第十五条的规定发给……的社会团体，……应当简化年度检查的内容: 社会团体登记管理条例 第二十八条).
# Only a sentence that opens with one is an exception: "任期不得超过五年，但法律另有规定的除外。" states
# its rule first.
_PROVISO = re.compile(
    r"^但(?:是)?(?=[，,\w]|$)|另有规定|从其规定|除外|特殊情况|情况特殊|难以符合(?:前述|前款|上述|本条)?规定"
    r"|^对于?依照本(?:法|条例|办法|规定)第"
    r"|不适用(?:前款|本条|前述)|(?:前款|前述|上述)规定(?:的情形)?不适用"
)
_FIRST_CLAUSE = re.compile(r"^[^，,：:；;。]*")


# A paragraph after an article's first that opens with a condition (法定代表人辞任的，……; 股东对失权有
# 异议的，……; 因意外事件下落不明，经有关机关证明……的，……) states a special case of the rule before it;
# one whose condition is the rule's own case (前款规定的行为有违法所得的，……; 未按照前款规定……的) goes on
# with that rule.
_OPENING_CONDITION = re.compile(r"^[^。；;：:！？]{2,60}?的[，,]")
_BACK_REFERENCE = re.compile(r"(?:前款|前两款|前述|上述|本条)(?:规定|所列|情形)")


def opening_condition(sentence: str) -> str | None:
    """The condition of another case than the rule's that ``sentence`` opens with (……的，), else None."""
    m = _OPENING_CONDITION.match(sentence.strip())
    return m.group(0) if m and not _BACK_REFERENCE.search(m.group(0)) else None


def proviso(sentence: str) -> str | None:
    """The wording that makes ``sentence`` an exception to the rule before it (但是……除外,
    另有规定的, 特殊情况下...) when its first clause holds one, else None."""
    first = _FIRST_CLAUSE.match(sentence.strip())
    m = _PROVISO.search(first.group(0)) if first else None
    return m.group(0) if m else None
