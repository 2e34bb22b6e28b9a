"""The structure of Chinese legal text: numerals, headings and their OCR repairs, article spans,
page numbers and running headers; and that a repair made there reaches checking and search alike."""
from __future__ import annotations

import pytest

from pbdocs import legal
from pbdocs.extract.metadata import parse_date
from pbdocs.legal import (
    article_heading,
    article_label,
    article_number,
    division_heading,
    format_numeral,
    inline_headings,
    is_page_number,
    line_headings,
    list_chapter_headings,
    numbered_list_headings,
    parse_digits,
    parse_numeral,
    plausible_next_article,
    running_lines,
    strip_running_lines,
)
from pbdocs.models import Document, Line, Page
from pbdocs.rules.structure import Layout
from pbdocs.search.passages import split_passages


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


# -- numerals ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("一", 1), ("十", 10), ("十四", 14), ("二十三", 23), ("一百零五", 105), ("一百二十三", 123), ("两百", 200),
    ("一千零五", 1005), ("廿三", 23), ("卅", 30), ("〇", 0), ("14", 14), ("１４", 14), ("—", 1), ("ー", 1),
    ("甲", None), ("", None), ("十条", None),
])
def test_parse_numeral(text, value):
    assert parse_numeral(text) == value


@pytest.mark.parametrize("number,text", [
    (0, "零"), (1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"), (100, "一百"), (105, "一百零五"),
    (110, "一百一十"), (123, "一百二十三"), (1005, "一千零五"), (1010, "一千零一十"), (9999, "九千九百九十九"),
])
def test_format_numeral(number, text):
    assert format_numeral(number) == text


def test_numerals_round_trip():
    assert all(parse_numeral(format_numeral(n)) == n for n in range(10000))


def test_format_numeral_refuses_what_no_article_carries():
    with pytest.raises(ValueError):
        format_numeral(-1)
    with pytest.raises(ValueError):
        format_numeral(10000)


def test_article_labels():
    assert article_label(14) == "第十四条"
    assert article_number("第十四条") == 14
    assert article_number("第四条之一") == 4
    assert article_number("第—条") == 1
    assert article_number("本条") is None
    assert article_number(None) is None


@pytest.mark.parametrize("text,value", [("二〇一九", 2019), ("二零二四", 2024), ("2024", 2024), ("二十", None)])
def test_parse_digits(text, value):
    assert parse_digits(text) == value


def test_dates_written_in_chinese_numerals():
    assert parse_date("二〇一九年三月五日") == "2019-03-05"
    assert parse_date("二〇二四年十二月三十一日") == "2024-12-31"


# -- headings ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("line,kind,label,title", [
    ("第一章 总则", "chapter", "第一章", "总则"),
    ("  第 三 章  会员", "chapter", "第三章", "会员"),
    ("第—章 总则", "chapter", "第一章", "总则"),  # a scan's dash for 一
    ("第二竟 业务范围", "chapter", "第二章", "业务范围"),  # 竟 and 童 for 章
    ("第四童 组织机构", "chapter", "第四章", "组织机构"),
    ("第１章 总则", "chapter", "第1章", "总则"),
    ("第二编 分则", "part", "第二编", "分则"),
    ("第一节 理事会", "section", "第一节", "理事会"),
])
def test_division_headings_with_their_ocr_repairs(line, kind, label, title):
    heading = division_heading(line)
    assert (heading.kind, heading.label, heading.title) == (kind, label, title)


@pytest.mark.parametrize("line", ["第三章规定的事项", "第二章的规定，", "本章程第一章", "第一章 总则。本会"])
def test_references_and_sentences_are_not_division_headings(line):
    assert division_heading(line) is None


def test_a_punctuated_title_only_where_lines_are_whole_headings():
    line = "第三章 审查和批准决算，听取和审议国民经济计划"
    assert division_heading(line) is None
    assert division_heading(line, punctuated_title=True).title == "审查和批准决算，听取和审议国民经济计划"


def test_a_chapter_heading_shares_its_line_with_the_first_article():
    line = "第一章 总则 第一条 本会的名称是某会。"
    chapter = division_heading(line)
    assert chapter.display == "第一章 总则"
    article = article_heading(line, chapter.end)
    assert (article.label, article.number, line[article.end:].strip()) == ("第一条", 1, "本会的名称是某会。")


@pytest.mark.parametrize("line,label,number", [
    ("第一条 本会的名称", "第一条", 1),
    ("第—条 本会的名称", "第一条", 1),
    ("第ー条　本会", "第一条", 1),
    ("第１４条 会员", "第14条", 14),
    ("第 十 条 理事会", "第十条", 10),
    ("第四条之一 党组织", "第四条之一", 4),
    ("第三条 中介机构应当", "第三条", 3),  # a space apart, 中 begins the article, not a reference
])
def test_article_headings_with_their_ocr_repairs(line, label, number):
    heading = article_heading(line)
    assert (heading.label, heading.number) == (label, number)


@pytest.mark.parametrize("line", ["第十条的规定", "第三条规定的事项", "第五条第二款", "依照第三条"])
def test_cross_references_are_not_articles(line):
    assert article_heading(line) is None


def test_article_numbers_move_forward_by_a_few_or_restart():
    assert plausible_next_article(None, 7, False)
    assert plausible_next_article(3, 4, False) and plausible_next_article(3, 8, False)
    assert plausible_next_article(9, 1, False)
    assert not plausible_next_article(3, 20, False)
    assert plausible_next_article(3, 20, True)
    assert not plausible_next_article(5, 5, True)
    assert not plausible_next_article(None, None, True)


# -- article spans ----------------------------------------------------------------------------------

def test_line_headings_give_chapters_and_articles_at_their_offsets():
    text = "某会章程\n第一章 总则\n第一条 本会名称。\n第二条 本会依照\n第十条的规定办理。\n第二竟 会员 第三条 会员。"
    headings = line_headings(_lines(text))
    assert [(h.kind, h.label) for h in headings] == [
        ("chapter", "第一章"), ("article", "第一条"), ("article", "第二条"),
        ("chapter", "第二章"), ("article", "第三条"),
    ]
    first = headings[1]
    assert text[first.start:first.end] == "第一条" and text[first.end:].startswith(" 本会名称")
    shared = headings[-1]
    assert text[shared.start:].lstrip().startswith("第三条")


def test_a_wrapped_cross_reference_number_is_no_article():
    # 第三十条 here continues the sentence of 第二条: no charter jumps from 2 to 30.
    text = "第一条 总则。\n第二条 依照本章程\n第三十条 办理会员登记"
    assert [h.label for h in line_headings(_lines(text))] == ["第一条", "第二条"]


def test_numbered_list_articles_and_their_chapters():
    text = "一、总则\n1. 本会名称。\n2. 本会宗旨。\n二、会员\n3. 会员条件。"
    headings = numbered_list_headings(_lines(text), with_chapters=True)
    assert [(h.kind, h.label, h.title) for h in headings] == [
        ("chapter", "一、", "总则"), ("article", "1.", ""), ("article", "2.", ""),
        ("chapter", "二、", "会员"), ("article", "3.", ""),
    ]
    # Without chapters 一、总则 is the first item; 二、会员 cannot follow item 2.
    assert [h.label for h in numbered_list_headings(_lines(text), with_chapters=False)] == ["一、", "1.", "2.", "3."]


def test_list_chapter_headings_over_articles():
    text = "一、总则\n第一条 本会名称。\n一、会员须知\n二、会员\n第二条 会员条件。"
    assert [h.title for h in list_chapter_headings(_lines(text))] == ["总则", "会员"]


def test_inline_headings_in_text_without_lines():
    text = "某会章程第一章总则第一条本会名称是某会。第二条本会宗旨。依照第三条的规定。"
    assert [(h.kind, h.label) for h in inline_headings(text)] == [
        ("chapter", "第一章"), ("article", "第一条"), ("article", "第二条"),
    ]


# -- a repair made once reaches checking and search --------------------------------------------------

SCANNED = "\n".join([
    "某市某协会章程",
    "第—竟 总则",
    "第—条 本会的名称是某市某协会。",
    "第二条 本会是非营利性社会组织。",
    "第二童 会员",
    "第三条 本会的会员为单位会员。",
])


def test_a_scanned_heading_splits_into_the_right_article_in_search_passages():
    passages = split_passages(SCANNED, "doc", "某市某协会章程")
    by_article = {p.article: p for p in passages if p.article}
    assert list(by_article) == ["第一条", "第二条", "第三条"]
    assert by_article["第一条"].text == "第—条 本会的名称是某市某协会。"
    assert by_article["第一条"].chapter == "第一章 总则"
    assert by_article["第三条"].chapter == "第二章 会员"


def test_the_same_scanned_heading_splits_alike_in_the_checker():
    layout = Layout(Document("scan.txt", "txt", [Page(1, SCANNED)]))
    articles = [s for s in layout.segments if s.kind == "article"]
    assert [(s.label, s.chapter.display) for s in articles] == [
        ("第一条", "第一章 总则"), ("第二条", "第一章 总则"), ("第三条", "第二章 会员"),
    ]


# -- page furniture ---------------------------------------------------------------------------------

@pytest.mark.parametrize("line", ["3", "- 3 -", "—12—", "第3页", "第 3 页 共 10 页", "第三页", "3/10", "Page 3 of 10"])
def test_page_number_lines(line):
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["第三条", "第3条", "2024年5月", "本会设理事3名", "1.", ""])
def test_body_lines_are_not_page_numbers(line):
    assert not is_page_number(line)


def _page(*texts: str) -> list[Line]:
    step = 1 / (len(texts) + 1)
    return [Line(text, (i + 1) * step, (i + 1) * step + 0.02) for i, text in enumerate(texts)]


def test_running_headers_recur_at_page_edges_with_changing_digits():
    pages = [
        _page("协会章程 第1页", "正文甲", "正文乙", "正文丙", "- 1 -"),
        _page("协会章程 第2页", "正文丁", "正文戊", "正文己", "- 2 -"),
        _page("正文庚", "正文辛", "正文壬", "正文癸", "- 3 -"),
    ]
    assert running_lines(pages) == [{0, 4}, {0, 4}, {4}]
    assert [[line.text for line in page] for page in strip_running_lines(pages)] == [
        ["正文甲", "正文乙", "正文丙"], ["正文丁", "正文戊", "正文己"], ["正文庚", "正文辛", "正文壬", "正文癸"],
    ]


def test_running_headers_must_recur_on_a_share_of_the_pages():
    headers = ["页眉"] * 2 + list("子丑寅卯辰巳")
    pages = [_page(header, f"甲{i}", f"乙{i}", f"丙{i}") for header, i in zip(headers, "一二三四五六七八", strict=True)]
    assert running_lines(pages)[0] == set()
    assert running_lines(pages, min_share=0)[0] == {0}


def test_lines_are_ordered_by_position_not_by_reading_order():
    # A footer a reader put first is still at the bottom of the page.
    footer = Line("机密 文件", 0.95, 0.97)
    pages = [[footer, *_page("甲", "乙", "丙")], [footer, *_page("丁", "戊", "己")]]
    assert running_lines(pages) == [{0}, {0}]


# -- titles, chapters and citations: one room for every command ----------------------------------

@pytest.mark.parametrize("title, short", [
    ("中华人民共和国慈善法", "慈善法"),
    ("《中华人民共和国慈善法》", "慈善法"),
    ("中国共产党章程（中国共产党第二十次全国代表大会部分修改，2022年10月22日通过）", "中国共产党章程"),
    ("社会团体登记管理条例", "社会团体登记管理条例"),
])
def test_short_titles(title, short):
    assert legal.short_title(title) == short


def test_title_forms_name_a_law_with_and_without_its_state_prefix_and_addition():
    assert legal.title_forms("中华人民共和国慈善法（2023修正）") == {
        "中华人民共和国慈善法（2023修正）", "中华人民共和国慈善法", "慈善法（2023修正）", "慈善法"}


@pytest.mark.parametrize("kwargs, cited", [
    ({"title": "中华人民共和国慈善法", "version": "2023修正", "article": "第六十一条"},
     "《慈善法》(2023修正) 第六十一条"),
    ({"title": "民政部关于…的通知", "doc_number": "民函〔2019〕54号"}, "《民政部关于…的通知》(民函〔2019〕54号)"),
    ({"title": "公司法", "doc_number": "", "article": "第十八条", "date": "2023-12-29"},
     "《公司法》 第十八条 (2023-12-29)"),
    ({"title": "《示范文本》"}, "《示范文本》"),
])
def test_one_citation_format(kwargs, cited):
    assert legal.citation(**kwargs) == cited


def test_a_rule_basis_is_cited_like_a_search_hit():
    from pbdocs.rules.packs import LegalBasis

    basis = LegalBasis("民政部关于…的通知", "民函〔2019〕54号", "2019-05-20", "党建内容载入社会组织章程总则部分")
    assert basis.cite() == "《民政部关于…的通知》(民函〔2019〕54号) 党建内容载入社会组织章程总则部分 (2019-05-20)"


@pytest.mark.parametrize("number, title, general", [
    (1, "总则", True), (1, "名称和宗旨", True), (2, "总则", True), (2, "业务范围", False), (None, "", False)])
def test_the_general_chapter(number, title, general):
    assert legal.is_general_chapter(number, title) is general


def test_article_references_inside_sentences():
    sentence = "依照本章程第十四条、第 3 条的规定"
    found = [legal.parse_numeral(m.group(1)) for m in legal.ARTICLE_REFERENCE.finditer(sentence)]
    assert found == [14, 3]


@pytest.mark.parametrize("sentence, condition", [
    ("法定代表人辞任的，公司应当在三十日内确定新的法定代表人。", "法定代表人辞任的，"),
    ("因意外事件下落不明，经有关机关证明该自然人不可能生存的，申请宣告死亡不受二年时间的限制。",
     "因意外事件下落不明，经有关机关证明该自然人不可能生存的，"),
    # The rule's own case goes on with the rule: its fine, its consequence of not filing.
    ("前款规定的行为有违法所得的，予以没收，并处罚款。", None),
    ("未按照前款规定将相关文件报民政部门备案的，不享受税收优惠。", None),
    ("社会团体应当按照章程开展活动。", None),
])
def test_the_condition_a_later_paragraph_opens_with(sentence, condition):
    assert legal.opening_condition(sentence) == condition


@pytest.mark.parametrize("line, shown", [
    ("第一章　总　　则", "第一章 总则"),
    ("第一章 总 则", "第一章 总则"),
    ("第二节 监  护", "第二节 监护"),
    ("第三章 有限责任公司的设立和组织机构", "第三章 有限责任公司的设立和组织机构"),
])
def test_a_spaced_out_division_title_is_cited_without_its_spaces(line, shown):
    # The 公司法 and 慈善法 print 第一章 总 则; a search hit's chapter read 第一章 总 则 before.
    heading = legal.division_heading(line)
    assert heading is not None and heading.display == shown
