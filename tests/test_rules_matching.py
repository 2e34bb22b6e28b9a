"""Matching and layout units: OCR expansion, numerals, table of contents, negation, mentions."""
from __future__ import annotations

import re

import pytest

from pbdocs.errors import InvalidOption, RulePackError
from pbdocs.legal import parse_numeral as cn_number
from pbdocs.models import Document, Page
from pbdocs.rules import CheckOptions, check_document, org_type_name
from pbdocs.rules.matching import expand_ocr
from pbdocs.rules.packs import lexicon
from pbdocs.rules.structure import Layout


def charter(article4: str, *, subject: str = "本会", kind: str = "社会团体", general: str = "") -> Document:
    text = "\n".join([
        "某市测试协会章程",
        "第一章 总则",
        f"第一条 {subject}的名称是某市测试协会。",
        f"第二条 {subject}是依法登记的非营利性{kind}。",
        f"第三条 {subject}的宗旨是：服务会员。{subject}遵守宪法、法律、法规和国家政策，践行社会主义核心价值观。",
        f"第四条 {article4}",
        f"第五条 {subject}接受登记管理机关的监督管理。{general}",
        "第二章 附则",
        "第六条 本章程自核准之日起生效。",
    ])
    return Document(path="memory.txt", format="text", pages=[Page(1, text)])


FULL = ("本会坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共产党的组织，"
        "开展党的活动，为党组织的活动提供必要条件。")


@pytest.mark.parametrize("article4,status,missing", [
    (FULL, "present", []),
    (FULL.replace("，", ",").replace("。", "."), "present", []),
    (" ".join(FULL), "present", []),
    (FULL.replace("，", "，\n"), "present", []),
    (FULL + "本会不断加强自身建设。", "present", []),
    (FULL.replace("本会坚持", "本会坚定不移地坚持"), "present", []),
    (FULL.replace("本会坚持", "本会毫不动摇地坚持").replace("开展党的活动", "不折不扣地开展党的活动"), "present", []),
    (FULL.replace("开展党的活动", "不定期开展党的活动"), "present", []),
    (FULL.replace("根据中国共产党章程的规定", "根据中国共产党党章的规定"), "present", []),
    (FULL.replace("设立中国共产党的组织", "成立党组织"), "present", []),
    (FULL.replace("根据中国共产党章程的规定", "按照党章规定"), "present", []),
    (FULL.replace("根据中国共产党章程的规定", "根据中国共产党章程及有关规定"), "present", []),
    (FULL.replace("为党组织的活动提供必要条件", "为党组织开展活动提供必要的场地、人员和经费"), "present", []),
    (FULL.replace("中国共产党的全面领导", "党的全面领导"), "present", []),
    (FULL.replace("党", "黨").replace("设立", "設立").replace("组织", "組織"), "present", []),
    (FULL.replace("党的活动", "觉的活动").replace("组织", "细织"), "present", []),
    # A look-alike the table knows beside an error it does not (鋭 for 织).
    (FULL.replace("设立中国共产党的组织", "没立中国共产觉旳組鋭"), "present", []),
    (FULL.replace("坚持中国共产党的全面领导，", ""), "partial", ["leadership"]),
    (FULL.replace("坚持中国共产党的全面领导", "坚持中国共产党的领导"), "partial", ["leadership"]),
    ("本会坚持党的领导，开展党的工作。", "partial", ["basis", "organization", "conditions", "leadership"]),
    ("本会不设立党组织。", "contradicted", ["basis", "organization", "activities", "conditions", "leadership"]),
    ("本会暂不设立中国共产党的组织。", "contradicted",
     ["basis", "organization", "activities", "conditions", "leadership"]),
    ("本会无需设立党组织，不开展党的活动。", "contradicted",
     ["basis", "organization", "activities", "conditions", "leadership"]),
    ("本会待条件成熟时设立中国共产党的组织。", "contradicted",
     ["basis", "organization", "activities", "conditions", "leadership"]),
    ("本会支持会员单位党组织开展党的活动，做好党组织关系转接。", "missing",
     ["basis", "organization", "activities", "conditions", "leadership"]),
    ("本会的业务主管单位是市科协。", "missing", ["basis", "organization", "activities", "conditions", "leadership"]),
    ("本会坚持中国共产党的领导。", "missing", ["basis", "organization", "activities", "conditions", "leadership"]),
    (f"按照民政部通知要求，章程应当写明“{FULL}”。", "missing",
     ["basis", "organization", "activities", "conditions", "leadership"]),
    (f"本条修改为：“{FULL}”", "present", []),
    # Double negatives are obligations.
    (FULL.replace("设立中国共产党的组织", "不得拒绝设立中国共产党的组织")
     .replace("开展党的活动", "不得阻挠开展党的活动"), "present", []),
    (FULL.replace("开展党的活动", "不得以任何理由拒绝开展党的活动"), "present", []),
    (FULL.replace("为党组织", "不得推诿为党组织"), "present", []),
    (FULL.replace("设立中国共产党的组织", "严禁阻碍设立中国共产党的组织"), "present", []),
    # Ordinary negations in the same article say nothing about the clause.
    ("本会不以营利为目的，" + FULL + "本会不得开展营利性活动。", "present", []),
    (FULL.replace("坚持中国共产党的全面领导，", "坚持中国共产党的全面领导，不以营利为目的，"), "present", []),
    # Refusals, deferrals and conditions are not.
    (FULL.replace("设立中国共产党的组织", "拒绝设立中国共产党的组织"), "contradicted", ["organization"]),
    (FULL.replace("设立中国共产党的组织", "可以不设立中国共产党的组织"), "contradicted", ["organization"]),
    (FULL.replace("设立中国共产党的组织", "视情况设立中国共产党的组织"), "contradicted", ["organization"]),
    (FULL.replace("开展党的活动", "原则上不开展党的活动"), "contradicted", ["activities"]),
    (FULL.replace("设立中国共产党的组织", "设立中国共产党的组织暂缓"), "contradicted", ["organization"]),
    (FULL.replace("设立中国共产党的组织", "待条件成熟后再设立中国共产党的组织"), "contradicted", ["organization"]),
    ("本会坚持中国共产党的全面领导，设立党组织的条件尚不具备。", "contradicted",
     ["basis", "organization", "activities", "conditions"]),
    ("本会不设党组织。", "contradicted", ["basis", "organization", "activities", "conditions", "leadership"]),
    ("本会目前没有设立党组织。", "contradicted", ["basis", "organization", "activities", "conditions", "leadership"]),
    ("本会坚持中国共产党的全面领导，本会党组织暂不设立。", "contradicted",
     ["basis", "organization", "activities", "conditions"]),
    (FULL.replace("设立中国共产党的组织", "本会设有党组织"), "present", []),
    (FULL.replace("设立中国共产党的组织", "加强党组织建设"), "partial", ["organization"]),
    # Later wordings of the leadership element.
    (FULL.replace("坚持中国共产党的全面领导", "坚持和加强党的全面领导"), "present", []),
    (FULL.replace("坚持中国共产党的全面领导", "坚持党对本会工作的全面领导"), "present", []),
    (FULL.replace("坚持中国共产党的全面领导", "坚持和加强党的领导"), "partial", ["leadership"]),
    ("本会是不以营利为目的、坚持中国共产党的全面领导的社会团体。" + FULL.replace("坚持中国共产党的全面领导，", ""),
     "present", []),
    # A sentence about member units stays about them until the organization is the subject again.
    ("本会支持会员单位依照党章规定设立党组织，开展党的活动，为党组织的活动提供必要条件。", "missing",
     ["basis", "organization", "activities", "conditions", "leadership"]),
    ("本会指导会员单位建立党组织，" + FULL, "present", []),
    # Serving 党和政府 is a think tank's business, not conditions for the party organization.
    ("本会为党和政府科学决策提供智力支持。", "missing",
     ["basis", "organization", "activities", "conditions", "leadership"]),
    (FULL.replace("为党组织的活动", "为本会党组织开展工作"), "present", []),
])
def test_clause_variants_and_traps(article4, status, missing):
    clause = check_document(charter(article4)).finding("party-clause")
    assert clause.status == status, clause.message
    assert clause.missing_elements == missing


@pytest.mark.parametrize("subject,kind", [
    ("本基金会", "基金会"), ("本中心", "社会服务机构"), ("本院", "社会服务机构"), ("本团体", "社会团体"),
    ("本商会", "社会团体"), ("本校", "社会服务机构"),
])
def test_any_subject_word(subject, kind):
    result = check_document(charter(FULL.replace("本会", subject), subject=subject, kind=kind))
    assert result.verdict == "compliant"
    assert result.subject == subject and result.org_type == kind
    partial = check_document(charter("开展党的活动。", subject=subject, kind=kind))
    assert partial.finding("party-clause").fix.text.startswith(f"{subject}坚持中国共产党的全面领导")


@pytest.mark.parametrize("values_sentence,status", [
    ("本会遵守宪法、法律、法规和国家政策，践行社会主义核心价值观。", "present"),
    ("本会是不以营利为目的、践行社会主义核心价值观的社会团体。", "present"),
    ("本会遵守宪法、法律、法规和国家政策，践行社会\n主义核心价值观，弘扬爱国主义精神，"
     "自觉加强诚信自律建设。", "present"),
    ("本会遵守宪法、法律、法规和国家政策，遵守社会道德风尚。", "missing"),
    ("本会遵守宪法、法律、法规和国家政策，不践行社会主义核心价值观。", "contradicted"),
])
def test_core_values_sentence(values_sentence, status):
    text = charter(FULL).pages[0].text.replace(
        "本会遵守宪法、法律、法规和国家政策，践行社会主义核心价值观。", values_sentence)
    assert check_document(Document(path="v.txt", format="text", pages=[Page(1, text)])).finding(
        "core-values").status == status


@pytest.mark.parametrize("name,subject,nature,supervisor,org_type", [
    ("某市科技服务中心", "本中心", "本中心是从事非营利性社会服务活动的社会组织。", "某市科学技术协会", "社会服务机构"),
    ("某市教育发展基金会", "本基金会", "本基金会是非公募基金会，其业务主管单位是某市教育协会。", "某市教育协会",
     "基金会"),
    ("某市社区服务中心", "本中心", "本中心是由某市慈善协会举办的非营利性社会组织。", "某市民政局", "社会服务机构"),
    ("某市老年大学", "本校", "本校是非营利性社会组织。", "某市老干部局", "社会服务机构"),
    ("某市慈善总会", "本总会", "本总会是由热心慈善事业的单位和个人自愿结成的社会组织。", "某市民政局", "社会团体"),
    ("某市机器人产业联盟", "本联盟", "本联盟是由机器人企业自愿结成的行业组织。", "某市工信局", "社会团体"),
])
def test_org_type_and_subject_from_the_charter_not_from_its_supervisor(name, subject, nature, supervisor, org_type):
    text = "\n".join([
        f"{name}章程", "第一章 总则", f"第一条 {subject}的名称是{name}。", f"第二条 {nature}",
        f"第三条 {FULL.replace('本会', subject)}", f"第四条 {subject}的业务主管单位是{supervisor}。",
        f"第五条 {subject}执行基本会计制度，本会计年度自一月一日起。",
    ])
    result = check_document(Document(path="t.txt", format="text", pages=[Page(1, text)]))
    assert (result.org_type, result.subject) == (org_type, subject)


@pytest.mark.parametrize("appendix,status", [
    ("根据民政部民函〔2019〕54号通知要求，" + FULL, "present"),
    ("民政部民函〔2019〕54号通知要求本会坚持中国共产党的全面领导，"
     "根据中国共产党章程的规定，设立中国共产党的组织。", "missing"),
    ("根据民政部民函〔2019〕54号通知，本章程增加如下内容：" + FULL, "missing"),
    ("根据民函〔2019〕54号通知精神，本次修订增加了党的建设有关内容，"
     "即根据中国共产党章程的规定，设立中国共产党的组织。", "missing"),
])
def test_appendix_citing_the_notice_adopts_only_with_the_charter_as_subject(appendix, status):
    text = charter("本会接受社会监督。").pages[0].text.replace("第六条 本章程自核准之日起生效。", f"第六条 {appendix}")
    clause = check_document(Document(path="a.txt", format="text", pages=[Page(1, text)])).finding("party-clause")
    assert clause.status == status, clause.message


def test_small_organization_alternative_with_deferral_is_compliant():
    alternative = ("本会坚持中国共产党的全面领导，根据中国共产党章程的规定，"
                   "因正式党员不足三名暂不具备单独成立党组织的条件，"
                   "由上级党组织选派党建工作联络员在本会开展党的工作，为开展党的活动提供必要条件。")
    clause = check_document(charter(alternative)).finding("party-clause")
    assert clause.status == "present"
    assert clause.elements["organization"].method == "alternative"
    # Without the replacement arrangement the same deferral contradicts the clause.
    bare = alternative.replace("由上级党组织选派党建工作联络员", "")
    assert check_document(charter(bare)).finding("party-clause").status == "contradicted"


def test_party_building_body_beside_supervision():
    doc = charter(FULL, general="本会的党建领导机关是中共某市社会组织工作委员会。")
    body = check_document(doc).finding("party-building-body")
    assert body.status == "present"
    assert body.elements["body"].evidence.article == "第五条"


@pytest.mark.parametrize("pattern,expanded", [
    ("党组织", "[党觉赏尝堂兑][组细纽姐阻][织积识炽]"),
    ("[^党]的", "[^党觉赏尝堂兑][的旳约灼]"),
    (r"\d+党", r"\d+[党觉赏尝堂兑]"),
    ("(?<!为)开展", "(?<!为)[开幵升][展屐]"),
])
def test_expand_ocr(pattern, expanded):
    assert expand_ocr(pattern, lexicon().ocr_confusions) == expanded
    re.compile(expanded)


@pytest.mark.parametrize("text,value", [
    ("一", 1), ("十", 10), ("十四", 14), ("二十", 20), ("二十三", 23), ("一百零五", 105), ("两", 2), ("12", 12),
    ("甲", None),
])
def test_cn_number(text, value):
    assert cn_number(text) == value


def test_layout_articles_chapters_and_masked_table_of_contents():
    text = "\n".join([
        "某会章程", "目录", "第一章 总则……1", "第二章 附则……3", "",
        "第一章 总则", "第一条 本会的名称是某会。", "第二条 本会坚持中国共产党的全面领导。",
        "第二章 附则", "第三条 本章程自核准之日起生效。",
    ])
    layout = Layout(Document(path="m.txt", format="text", pages=[Page(1, text)]))
    assert layout.masked_lines == 3
    articles = [s for s in layout.segments if s.kind == "article"]
    assert [(s.label, s.chapter.display) for s in articles] == [
        ("第一条", "第一章 总则"), ("第二条", "第一章 总则"), ("第三条", "第二章 附则")]
    assert [c.display for c in layout.chapters] == ["第一章 总则", "第二章 附则"]
    assert "目录" not in layout.text and "……" not in layout.text


def _articles(text: str) -> list[tuple[str, str | None]]:
    layout = Layout(Document(path="s.txt", format="text", pages=[Page(1, text)]))
    return [(s.label, s.chapter.display if s.chapter else None) for s in layout.segments if s.kind == "article"]


@pytest.mark.parametrize("lines,expected", [
    (["第一章 总则 第一条 本会的名称是某会。", "第二条 本会坚持中国共产党的全面领导。", "第二章 附则 第三条 生效。"],
     [("第一条", "第一章 总则"), ("第二条", "第一章 总则"), ("第三条", "第二章 附则")]),
    (["第一章总则", "第1条 本会的名称是某会。", "第２条 本会是社会团体。", "第 3 条 本会遵守宪法。"],
     [("第1条", "第一章 总则"), ("第2条", "第一章 总则"), ("第3条", "第一章 总则")]),
    (["第一章 总则", "第一条 本会的名称是某会。", "第二条 本会是社会团体。", "第二章 附则", "第十八条 生效。"],
     [("第一条", "第一章 总则"), ("第二条", "第一章 总则"), ("第十八条", "第二章 附则")]),
    (["一、总则", "1. 本会的名称是某会。", "2．本会是社会团体。", "二、附则", "3、本章程自核准之日起生效。"],
     [("1.", "一、 总则"), ("2.", "一、 总则"), ("3、", "二、 附则")]),
    (["某会章程", "一、本会的名称是某会。", "二、本会的宗旨是服务会员，会费标准为每年1.5万元。", "三、生效。"],
     [("一、", None), ("二、", None), ("三、", None)]),
    (["某会章程 第一章 总则 第一条 本会的名称是某会。第二条 本会依照本章程第三章第十条。"
      "第二章 附则 第十条 生效。"],
     [("第一条", "第一章 总则"), ("第二条", "第一章 总则"), ("第十条", "第二章 附则")]),
    (["第—竟 总则", "第—条 本会的名称是某会。", "第二条 本会是社会团体。", "第二竟 附则", "第三条 生效。"],
     [("第一条", "第一章 总则"), ("第二条", "第一章 总则"), ("第三条", "第二章 附则")]),
    (["一、总则", "第一条 本会的名称是某会。", "第二条 本会的业务范围：", "一、培训", "二、交流", "二、附则",
      "第三条 生效。"],
     [("第一条", "一、 总则"), ("第二条", "一、 总则"), ("第三条", "二、 附则")]),
], ids=["heading-and-article-on-one-line", "arabic-and-full-width-numbers", "number-jump",
        "list-numbered-with-headings", "list-numbered-only", "one-long-line", "scanned-dash-and-look-alike",
        "list-headings-over-articles"])
def test_layout_article_markers(lines, expected):
    assert _articles("\n".join(lines)) == expected


def test_heading_sharing_its_line_is_not_a_table_of_contents_entry():
    text = "\n".join(["第一章 总则 第一条 " + FULL, "第二章 附则 第二条 生效。"])
    assert _articles(text) == [("第一条", "第一章 总则"), ("第二条", "第二章 附则")]
    result = check_document(Document(path="s.txt", format="text", pages=[Page(1, text)]))
    assert result.finding("placement").status == "present"


@pytest.mark.parametrize("toc_title", ["目录", "目 錄"])
def test_wrapped_table_of_contents_and_the_preamble_after_it(toc_title):
    """Entries wrapped away from their leaders are no chapters; the 序言 after them is a preamble."""
    text = "\n".join([
        "某会章程", toc_title, "第一章　总则……………………", "………1", "第二章　附则……………………", "………2", "",
        "序　言", "根据民政部民函〔2019〕54号通知精神，本次修订增加了：" + FULL.replace("本会", ""), "",
        "第一章 总则", "第一条 本会的名称是某会。", "第二章 附则", "第二条 本章程自核准之日起生效。",
    ])
    layout = Layout(Document(path="t.txt", format="text", pages=[Page(1, text)]))
    assert [c.display for c in layout.chapters] == ["第一章 总则", "第二章 附则"]
    assert layout.segments[0].kind == "preamble" and "序言" in layout.text[:layout.segments[0].end]
    result = check_document(Document(path="t.txt", format="text", pages=[Page(1, text)]))
    assert result.finding("party-clause").status == "missing"


def test_layout_without_line_structure_finds_inline_articles():
    text = "某会章程 第一条 本会的名称是某会。第二条 " + FULL + "第三条 本章程自核准之日起生效。"
    result = check_document(Document(path="m.html", format="html", pages=[Page(1, text)]))
    assert result.verdict == "partial"  # no core-values sentence
    assert result.finding("party-clause").article == "第二条"


def test_org_type_aliases_and_errors():
    assert org_type_name("民办非企业单位") == "社会服务机构"
    assert org_type_name("foundation") == "基金会"
    with pytest.raises(InvalidOption, match="unknown organization type '协会'"):
        org_type_name("协会")
    with pytest.raises(RulePackError, match="unknown rule pack"):
        check_document(charter(FULL), CheckOptions(pack="nonsense"))


def test_near_empty_document_is_error():
    result = check_document(Document(path="blank.pdf", format="pdf", pages=[Page(1, "第 1 页")]))
    assert result.verdict == "error" and "near-empty" in result.error


@pytest.mark.parametrize("first_article,name,org_type", [
    ("本会的名称是：滨江市摄影家协会。", "滨江市摄影家协会", "社会团体"),
    ("本会中文名称为“滨江市摄影家协会”，英文名称为Binjiang Photographers Association。", "滨江市摄影家协会",
     "社会团体"),
    ("本基金会名称：滨江助学基金会。", "滨江助学基金会", "基金会"),
])
def test_name_and_type_from_the_name_article(first_article, name, org_type):
    text = f"章程\n第一章 总则\n第一条 {first_article}\n第二条 {FULL}\n第三条 本会遵守宪法。" * 1
    result = check_document(Document(path="n.txt", format="text", pages=[Page(1, text)]))
    assert result.name == name
    assert result.org_type == org_type


def test_name_from_title_line_and_type_from_self_description():
    text = f"南湖区养老服务中心章程（草案）\n第一条 本中心是民办非企业单位。\n第二条 {FULL}"
    result = check_document(Document(path="n.txt", format="text", pages=[Page(1, text)]))
    assert result.name == "南湖区养老服务中心"
    assert result.org_type == "社会服务机构"


def test_wrapped_cross_references_do_not_start_articles_or_chapters():
    text = "\n".join([
        "第一章 总则", "第一条 本会的名称是某会。", "第二条 本会坚持中国共产党的全面领导，依照本章程",
        "第八条的规定，根据中国共产党章程的规定，设立中国共产党的组织，开展党的活动，为党组织的活动提供",
        "必要条件。本会的重大事项依照", "第三章规定的程序决定。", "第三条 本会遵守宪法，分支机构依照",
        "第四十条办理。", "第四十一条 本会不设立分支机构。",
    ])
    layout = Layout(Document(path="w.pdf", format="pdf", pages=[Page(1, text)]))
    # 第四十条 continues a wrapped sentence; 第四十一条 follows a finished one, so it is an article
    # even though the numbering jumps.
    assert [s.label for s in layout.segments if s.kind == "article"] == ["第一条", "第二条", "第三条", "第四十一条"]
    assert [c.display for c in layout.chapters] == ["第一章 总则"]
    clause = check_document(Document(path="w.pdf", format="pdf", pages=[Page(1, text)])).finding("party-clause")
    assert clause.status == "present" and clause.article == "第二条"
