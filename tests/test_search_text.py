"""Tokenization with the domain dictionary, query stop words, passages and answer spans."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from pbdocs.extract import extract
from pbdocs.legal import article_number
from pbdocs.legal import parse_numeral as cn_to_int
from pbdocs.search.answer import best_answer, highlights
from pbdocs.search.corpus import body_start
from pbdocs.search.passages import split_passages, split_sentences
from pbdocs.search.question import AMOUNT_PREFIX, Cue, analyze, answers_kind, has_amount
from pbdocs.search.tokenize import (
    BIGRAM_PREFIX,
    PART_WEIGHT,
    domain_terms,
    query_stopwords,
    query_terms,
    tokenize,
    words,
)

DATA = Path(__file__).parent / "data" / "search"


@pytest.mark.parametrize("term", domain_terms())
def test_jieba_keeps_domain_terms_whole(term):
    import jieba

    # Precise mode, the segmentation search mode builds on, must yield the term as one word even
    # between words that could glue onto it.
    sentence = f"关于{term}的规定和各级{term}工作"
    tokenizer_words = list(words(sentence))
    assert term in tokenizer_words
    assert sum(1 for w in jieba.lcut(sentence) if w == term) <= tokenizer_words.count(term)


def test_listed_terms_are_in_the_dictionary():
    for term in ("社会组织", "党建工作指导员", "三会一课", "两学一做", "业务主管单位", "登记管理机关"):
        assert term in domain_terms()


def test_index_tokens_are_words_and_bigrams():
    tokens = tokenize("党建工作指导员")
    # Search mode: the word and the dictionary words inside it, so a question saying 指导员 finds it.
    assert "党建工作指导员" in tokens and "指导员" in tokens
    assert BIGRAM_PREFIX + "指导" in tokens and BIGRAM_PREFIX + "作指" in tokens


def test_question_words_bring_their_parts():
    terms = dict(query_terms("党建工作指导员"))
    assert terms["党建工作指导员"] == 1.0 and terms["指导员"] == PART_WEIGHT


def test_full_width_and_traditional_text_tokenize_alike():
    assert tokenize("社會組織 黨建") == tokenize("社会组织党建")


@pytest.mark.parametrize("question", ["请问社会组织怎么办党建", "社会组织有哪些党建要求", "社会组织党建如何开展呢",
                                      "您好，社会组织党建怎么开展", "你知道社会组织党建怎么开展吗"])
def test_query_stop_words_are_dropped(question):
    terms = [t for t, _ in query_terms(question)]
    stop = query_stopwords()
    assert "社会组织" in terms
    assert not any(t in stop for t in terms if not t.startswith(BIGRAM_PREFIX))
    # No bigram straddles a dropped word (请问社 ... 问社, 么办).
    assert BIGRAM_PREFIX + "问社" not in terms and BIGRAM_PREFIX + "么办" not in terms


def test_an_official_wording_brings_no_stop_word():
    # 党建条款 stands for 党的建设 (synonyms.txt): its 党 and 建设, not the 的 a highlight would mark.
    terms = [t for t, _ in query_terms("章程里必须写进什么党建条款")]
    assert "党的建设" in terms or "建设" in terms
    assert "的" not in terms


def test_synonyms_expand_at_lower_weight():
    weights = dict(query_terms("党建指导员由谁选派"))
    assert weights["党建指导员"] == 1.0
    assert weights["党建工作指导员"] == 0.5


@pytest.mark.parametrize("question, lay, official", [("培训机构应申请哪些牌照", "牌照", "许可证"),
                                                     ("发现假章如何举报", "假章", "伪造"),
                                                     # Everyday short names of party bodies.
                                                     ("党代会有哪些职权", "党代会", "代表大会"),
                                                     ("纪委由谁选举", "纪委", "纪律检查"),
                                                     ("共青团的性质", "共青团", "中国共产主义青年团"),
                                                     ("妇联归谁管", "妇联", "联合会"),
                                                     ("县委几年换届一次", "县委", "委员会"),
                                                     # What a foundation's investment is called in the rules.
                                                     ("基金会可以投资吗", "投资", "保值"),
                                                     # A rename is a change of 名称; an injury, 人身意外伤害.
                                                     ("民办大学改名程序是什么", "改名", "名称"),
                                                     ("志愿服务受伤谁来埋单", "受伤", "意外"),
                                                     # Whether a volunteer is paid: the rules say 无偿.
                                                     ("志愿者有工资吗", "工资", "无偿"),
                                                     # A 公章 is, most often, a company's or an association's.
                                                     ("公章大小尺寸", "公章", "社会团体"),
                                                     # A private school is, in the statute's words, 民办.
                                                     ("私立幼儿园属于民办吗", "私立", "国家"),
                                                     # 纪检 is how people say 纪律检查.
                                                     ("党的基层组织的纪检机构应如何设置", "纪检", "纪律检查"),
                                                     # The accountant's 盈余公积 is the statute's 公积金.
                                                     ("如何计算法定盈余公积", "公积", "公积金")])
def test_everyday_names_of_papers_seals_and_bodies_expand_to_the_statute_words(question, lay, official):
    weights = dict(query_terms(question))
    assert weights[lay] == 1.0 and weights[official] == 0.5


@pytest.mark.parametrize("numeral, value", [("十四", 14), ("二十三", 23), ("一百零五", 105), ("十", 10),
                                            ("两百", 200), ("14", 14), ("１４", 14), ("条", None)])
def test_cn_to_int(numeral, value):
    assert cn_to_int(numeral) == value


def test_article_number():
    assert article_number("第十四条") == 14
    assert article_number("第四条之一") == 4
    assert article_number(None) is None


def test_statute_passages():
    doc = extract(DATA / "passages" / "statute.md")
    passages = split_passages(doc.text, "s", "示例", body_start=body_start(doc.text))
    expected = json.loads((DATA / "passages" / "statute.expected.json").read_text(encoding="utf-8"))
    assert [(p.chapter, p.article) for p in passages] == [(e["chapter"], e["article"]) for e in expected]
    for p, e in zip(passages, expected, strict=True):
        assert p.text.startswith(e["starts"])
        assert e.get("contains", "") in p.text
        assert doc.text[p.start:p.end] == p.text
        assert p.title == "示例" and p.doc_id == "s"


def test_a_laws_own_title_above_its_front_matter_is_no_heading_of_it():
    doc = extract(DATA / "passages" / "statute_title_block.md")
    passages = split_passages(doc.text, "s", "中华人民共和国示例组织管理法", body_start=body_start(doc.text))
    assert passages[0].article is None and passages[0].text.startswith("2020年1月1日")
    assert [p.article for p in passages[1:]] == ["第一条", "第二条"]
    assert not any("<!--" in p.text or p.text.startswith("#") for p in passages)
    assert all(doc.text[p.start:p.end] == p.text for p in passages)


def test_prose_passages_split_long_paragraphs_with_overlap():
    doc = extract(DATA / "passages" / "prose.txt")
    spec = json.loads((DATA / "passages" / "prose.expected.json").read_text(encoding="utf-8"))
    passages = split_passages(doc.text, "p", "t")
    assert len(passages) >= spec["min_passages"]
    assert all(len(p.text) <= spec["max_chars"] for p in passages)
    assert all(doc.text[p.start:p.end] == p.text for p in passages)
    for heading in spec["heading_joins"]:
        holder = next(p for p in passages if heading in p.text)
        assert len(holder.text) > len(heading) + 10, "a heading is kept with the paragraph under it"
    windows = [p for p in passages if p.text.startswith("第")]

    def sentences(passage):
        return {passage.text[a:b] for a, b in split_sentences(passage.text)}

    assert len(windows) >= 2
    assert all(len(sentences(p) & sentences(q)) == 1 for p, q in itertools.pairwise(windows))


def test_sentences_trim_and_keep_offsets():
    text = "  第一句。第二句！\n第三句没有句号"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["第一句。", "第二句！", "第三句没有句号"]


@pytest.mark.parametrize("text, weights, expected", [
    ("社会团体的章程应当包括下列事项：\n(一)名称、住所；\n(二)宗旨。\n另有规定。",
     {"章程": 2.0, "事项": 2.0}, "社会团体的章程应当包括下列事项：\n(一)名称、住所；\n(二)宗旨。\n另有规定。"),
    ("基金会应当依法设立。理事会每年至少召开两次会议，审议年度工作报告。监事列席会议。",
     {"理事会": 3.0, "召开": 1.0}, "理事会每年至少召开两次会议，审议年度工作报告。"),
    ("会员的权利如下。会员有选举权。会员有被选举权和表决权，并可以提出建议。",
     {"被选举权": 3.0, "表决权": 3.0, "选举权": 1.0}, "会员有被选举权和表决权，并可以提出建议。"),
])
def test_best_answer(text, weights, expected):
    a, b = best_answer(text, weights)
    assert text[a:b] == expected


def test_highlights_map_to_original_offsets():
    text = "社會組織應當建立黨組織，社会组织党建工作指导员"
    marks = highlights(text, ["社会组织", "党建工作指导员"])
    assert [(h.start, h.end) for h in marks] == [(0, 4), (12, 16), (16, 23)]
    assert [text[h.start:h.end] for h in marks] == [h.term for h in marks]


@pytest.mark.parametrize("text, token", [
    ("正式党员三人以上", "#3"), ("有3名以上正式党员", "#3"), ("两名党员", "#2"),
    ("不得低于上一年总收入的百分之七十", "#70%"), ("不得低于上一年总收入的70%", "#70%"),
    ("三十日内作出决定", "#30"), ("60日内作出决定", "#60"),
])
def test_amounts_tokenize_alike_in_digits_and_chinese(text, token):
    assert token in tokenize(text)


@pytest.mark.parametrize("text", ["第十条 社会团体应当统一管理", "一切工作"])
def test_article_labels_and_words_with_numerals_are_not_amounts(text):
    assert not [t for t in tokenize(text) if t.startswith(AMOUNT_PREFIX)]


@pytest.mark.parametrize("question, kind, unit", [
    ("成立社会团体需要多少个会员", "quantity", "个"),
    ("民政局多少天给答复", "quantity", "日"),
    ("理事一届可以干几年", "quantity", "年"),
    ("公益支出不能少于收入的百分之几", "quantity", "%"),
    ("年度报告几月份之前要交", "date", "月"),
    ("境外非政府组织归哪个部门登记", "agency", None),
    # Conditions, materials and steps are three kinds (question_types.toml): 具备下列条件,
    # 提交下列文件 and 应当经……审查同意 answer them.
    ("登记要交哪些材料", "materials", None),
    ("登记要走哪些程序", "procedure", None),
    ("登记需要什么条件", "conditions", None),
    ("怎么申请登记", "conditions", None),
    ("与境外组织合作应当如何报批", "procedure", None),
    # A service guide's task name asks how the act is done, with no asking word.
    ("示例协会住所变更登记", "procedure", None),
    ("示例基金会注销", "procedure", None),
    ("示例中心设立登记（备案）服务指南", "procedure", None),
    ("社会组织党建工作的意义", None, None),
    ("登记管理机关", "agency", None),
    # How a post is filled asks by whom it is held or chosen.
    ("示例会理事长的产生方式是什么", "agency", None),
    ("示例会党小组长怎么产生", "agency", None),
    # A bare closing 吗 is the sentence's particle; the period asked inside it says what is wanted.
    ("你知道示例会几年开一次，都有哪些职权吗", "period", "年"),
    ("示例会几年开一次会吗", "period", "年"),
    ("示例会可以设几个分会吗", "permission", None),
    # A noun phrase ends in its head: 审批流程 asks for the steps, not for who approves; a task name
    # (……设立审批) is read by its shape before its words.
    ("示例会成立审批流程", "procedure", None),
    ("示例学校设立审批", "procedure", None),
    ("示例中心年度检查办理程序", "procedure", None),
    # A period question naming a term of office asks how long the term runs (每届任期五年).
    ("示例会几年换届一次", "term", "年"),
    ("示例会理事任期多久", "term", "年"),
    ("示例会多久开一次会", "period", "次"),
    # One naming a duration asks how long a thing lasts (有效期为5年, 期限不超过一年).
    ("示例证书的有效期是多长时间", "duration", "年"),
    ("示例活动最长能搞多久", "duration", "年"),
    # Asked for, 人数 is the head count wanted, not a word the answer repeats (五十个以下股东).
    ("示例会会员人数上限是多少", "quantity", "人"),
    ("示例会会员人数有上限吗", "quantity", "人"),
    # 大小 asks a size as 多大 does; it is no word of the answer (直径不得大于4.5厘米, not 责任大小).
    ("示例公章的大小尺寸", "quantity", None),
    # A 吗 closing the first of two sentences asks as well.
    ("示例会会员人数有限制吗?登记机关有具体规定?", "quantity", "人"),
    # Without an asking word 人数 names the value and stays a word of the answer (理事会人数应当为单数).
    ("示例会理事会人数", "quantity", "人"),
    # A phrase of question_cues.txt outranks a bare closing 吗 as well.
    ("你知道示例会的年度报告什么时候交吗", "date", "月"),
])
def test_questions_say_what_kind_of_answer_they_want(question, kind, unit):
    _, cue = analyze(question)
    assert cue.kind == kind
    assert (unit in cue.units) if unit else not cue.units


@pytest.mark.parametrize("text, defines", [
    ("本条例所称示例会，是指由会员自愿组成的非营利性社会组织。", True),
    ("示例会是指由会员自愿组成的非营利性社会组织。", True),
    # 所称……包括 widens what a word covers; it does not say what the thing is.
    ("本法所称的示例学校包括依法举办的其他示例教育机构。", False),
])
def test_only_a_definition_answers_what_is_with_confidence(text, defines):
    assert answers_kind(Cue("definition"), text, strong=True) is defines


def test_a_laws_scope_article_answers_what_its_subject_is():
    cue = analyze("示例学校是什么")[1]
    assert cue.kind == "definition"
    assert answers_kind(cue, "社会组织或者个人利用非国家财政性经费举办示例学校的活动,适用本法。")
    assert not answers_kind(cue, "示例学校应当遵守招生规则。")


def test_who_may_apply_states_the_conditions():
    cue = analyze("加入示例会需要什么条件")[1]
    assert cue.kind == "conditions"
    assert answers_kind(cue, "年满十八岁、承认示例会章程的,可以申请加入示例会。")
    assert not answers_kind(cue, "示例会会员可以申请退会。")


def test_asking_phrases_are_cut_out_before_segmentation():
    terms = [t for t, _ in query_terms("民办非企业单位改了章程多少天内要报批")]
    assert "民办非企业单位" in terms and "章程" in terms
    assert not any("多少" in t or "天内" in t for t in terms)
    # The context after an asking word stays: 哪些材料 keeps 材料.
    assert "材料" in [t for t, _ in query_terms("登记要交哪些材料")]
    # A service guide's own words are not what it is about.
    assert not any("指南" in t for t, _ in query_terms("事业单位设立登记服务指南"))


def test_amounts_in_units_asked_for():
    assert has_amount("自收到全部有效文件之日起60日内", ("日", "天"))
    assert not has_amount("自收到全部有效文件之日起60日内", ("元", "万元"))
    assert has_amount("不低于上一年总收入的百分之七十", ("%", "百分之"))
    assert has_amount("理事为5人至25人")


@pytest.mark.parametrize("cue, expected", [
    (None, "理事由基金会依照章程的规定选任产生。"),
    (Cue("quantity", ("人", "名", "个")), "理事为5人至25人，由章程规定具体人数。"),
    (Cue("quantity", ("元",)), "理事由基金会依照章程的规定选任产生。"),
])
def test_best_answer_prefers_the_sentence_holding_the_kind_of_answer_asked(cue, expected):
    text = "理事由基金会依照章程的规定选任产生。监事不得兼任本会的其他任何职务。理事为5人至25人，由章程规定具体人数。"
    a, b = best_answer(text, {"理事": 2.0}, cue)
    assert text[a:b] == expected


def test_amounts_count_as_matched_however_written():
    from pbdocs.search.answer import matched_weight

    weights = dict(query_terms("有三个党员却没建党组织"))
    assert weights["#3"] == 1.0
    assert matched_weight("凡有3名及以上正式党员", {"#3": 2.0, "党员": 1.0}) == 3.0
    assert matched_weight("凡有5名及以上正式党员", {"#3": 2.0, "党员": 1.0}) == 1.0


@pytest.mark.parametrize("cue, expected", [
    (None, "申请材料应当齐全并且真实有效合法规范。"),
    (Cue("agency"), "申请材料由登记管理机关负责审查并核实其真实性。"),
])
def test_best_answer_for_who_questions_prefers_the_sentence_naming_a_body(cue, expected):
    text = ("申请材料应当齐全并且真实有效合法规范。格式另行规定，不得随意更改其内容。"
            "申请材料由登记管理机关负责审查并核实其真实性。")
    a, b = best_answer(text, {"申请材料": 2.0}, cue)
    assert text[a:b] == expected


def test_each_lay_word_has_one_line_of_official_wordings():
    # A second line for the same word would silently replace the first (synonyms() keeps the last).
    from importlib import resources

    text = resources.files("pbdocs.data.search").joinpath("synonyms.txt").read_text(encoding="utf-8")
    words = [line.split("\t")[0] for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert len(words) == len(set(words)), sorted(w for w in set(words) if words.count(w) > 1)
