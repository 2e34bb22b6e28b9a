"""The pieces behind real charters as they arrive: readings, page-break furniture, duplicated
layers, names, document kinds, garbled text, photos of pages. The end-to-end gate is in
test_check_quality.py (tests/data/check/charters and tests/data/check/real)."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from pbdocs.domain import parse_domain, registry
from pbdocs.errors import InvalidOption, RulePackError
from pbdocs.extract.boilerplate import duplicate_lines
from pbdocs.extract.quality import garbled, recover_garbled
from pbdocs.legal import break_furniture
from pbdocs.normalize import normalize
from pbdocs.rules import CheckOptions, check_pages
from pbdocs.rules.identity import clean_name

from helpers import data_module

SAMPLE = ("澜沧市陶艺研究会章程\n第一条 本会坚持中国共产党的全面领导，根据中国共产党章程的规定，"
          "设立中国共产党的组织，开展党的活动，为党组织的活动提供必要条件。\n") * 2


@pytest.mark.parametrize("written,reads", [
    ("共產(chǎn)黨", "共产党"),
    ("領(lǐng)導(dǎo)人", "领导人"),
    ("根据（gēn jù）党章", "根据党章"),
    ("党(ㄉㄤˇ)的组织", "党的组织"),
    ("本会(ben)坚持(jian chi)党(dang)的领导", "本会坚持党的领导"),  # toneless, but throughout
])
def test_readings_after_characters_are_dropped_and_the_original_kept(written, reads):
    norm = normalize(written)
    assert norm.text == reads
    assert norm.original_text(0, len(norm.text)) == written.strip()


@pytest.mark.parametrize("written", ["本会(CSA)", "协会(China)", "一次(gong)", "第3条(a)", "会费(元)"])
def test_english_and_lone_toneless_words_in_brackets_stay(written):
    assert "(" in normalize(written).text


def test_page_break_furniture_between_two_halves_of_a_sentence():
    lines = ["澜沧市琴社章程", "第一条 本会设立中国共产", "", "7", "", "澜沧市琴社章程", "党的组织。", "第二条 本会。"]
    assert break_furniture(lines, 0) == {3, 5}


def test_a_number_after_a_finished_sentence_is_not_furniture():
    lines = ["澜沧市琴社章程", "会费标准如下。", "3", "第二条 本会。"]
    assert break_furniture(lines, 0) == set()


def test_the_title_and_a_heading_are_never_furniture():
    lines = ["澜沧市琴社章程", "第一章 总则", "第一条 本会名称是澜沧市琴社。"]
    assert break_furniture(lines, 0) == set()


def test_duplicated_layers_are_found_and_single_lines_kept():
    body = ["第一条 本会的名称是澜沧市琴社。", "第二条 本会是社会团体。", "第三条 本会的宗旨是弘扬琴艺。"]
    assert duplicate_lines([x for line in body for x in (line, line)]) == {1, 3, 5}
    assert duplicate_lines(body + body) == {3, 4, 5}
    assert duplicate_lines(["（一）会费；", "第九条 资产来源：", "（一）会费；"]) == set()


@pytest.mark.parametrize("raw,name", [
    ("首页>>法律法规>>澜沧市围棋总会", "澜沧市围棋总会"),
    ("澜沧市网络微博协会第二条本会英文名称", "澜沧市网络微博协会"),
    ("澜沧市网络微博协会 Lancang Weibo Association", "澜沧市网络微博协会"),
    ("1、澜沧市琴社", "澜沧市琴社"),
    ("澜沧市摄(shè)影家协会", "澜沧市摄影家协会"),
    ("澜沧市青年创客协会（以下简称本会）", "澜沧市青年创客协会"),
    ("【请填写全称】", None),
])
def test_names_are_cleaned(raw, name):
    assert clean_name(raw) == name


def test_kinds_come_from_the_registry():
    domain = registry()
    assert domain.kind_codes()[:2] == ("social_organization", "company")
    assert {"village", "people_organization", "trade_union", "democratic_party", "party_rules",
            "public_institution", "regulation", "other"} <= set(domain.kind_codes())
    assert domain.kind("公司章程").code == "company"
    assert domain.kind("charter").code == "social_organization"
    assert "charter" in domain.kind_choices()
    with pytest.raises(InvalidOption):
        domain.kind("bank")
    assert CheckOptions(kind="公司章程").kind == "company"


def test_a_kind_without_patterns_or_with_an_unlisted_pack_is_refused():
    text = resources.files("pbdocs").joinpath("data", "domain.toml").read_text(encoding="utf-8")
    with pytest.raises(RulePackError, match="needs at least one of"):
        parse_domain(text + '\n[[document_kinds]]\ncode = "x"\nname = "X"\nreason = "r"\n')
    with pytest.raises(RulePackError, match="not listed in"):
        parse_domain(text + '\n[[document_kinds]]\ncode = "x"\nname = "X"\nreason = "r"\ntitle = "X"\npack = "bank"\n')


@pytest.mark.parametrize("wrong,source", [("gbk", "utf-8"), ("cp1252", "utf-8"), ("big5", "gbk")])
def test_lossy_mojibake_is_garbled_and_not_recovered(wrong, source):
    text = SAMPLE.encode(source).decode(wrong, errors="replace")
    assert garbled(text) is not None
    assert recover_garbled(text) is None


def test_lossless_mojibake_is_decoded_back():
    text = SAMPLE.encode("utf-8").decode("latin-1")
    assert recover_garbled(text) == (SAMPLE, "utf-8 read as latin-1")
    assert garbled(SAMPLE) is None


@pytest.mark.slow
def test_photos_of_pages_are_one_charter(tmp_path):
    """Two page photos (rendered, then rasterized) read by OCR as one compliant charter."""
    import pypdfium2

    render = data_module("check/render.py", "check_render_real")
    text = Path(__file__).parent.joinpath("data", "check", "charters", "page-break-title-once.txt").read_text(
        encoding="utf-8")
    pdf = render.render_pdf(text.replace("\n澜沧市青少年科普促进会章程\n— 2 —\n", ""), tmp_path / "c.pdf")
    document = pypdfium2.PdfDocument(str(pdf))
    photos = []
    try:
        for number, page in enumerate(document, 1):
            photo = tmp_path / f"p{number}.png"
            page.render(scale=150 / 72).to_pil().convert("L").save(photo)
            photos.append(photo)
    finally:
        document.close()
    assert len(photos) == 2
    result = check_pages(photos)
    assert result.verdict == "compliant", [f.message for f in result.findings]
    assert result.ocr_pages == [1, 2]


def test_a_charter_without_articles_never_says_none():
    from pbdocs.models import Document, Page
    from pbdocs.rules import check_document

    text = ("澜沧市琴社章程\n本会的名称是澜沧市琴社，是非营利性社会团体。本会坚持中国共产党的全面领导，"
            "根据中国共产党章程的规定，设立中国共产党的组织，开展党的活动，为党组织的活动提供必要条件。")
    result = check_document(Document(path="prose.txt", format="text", pages=[Page(1, text)]))
    placement = result.finding("placement")
    assert placement.message == "章程未分章，党建条款的位置无法按章核对"
    assert not [f.message for f in result.findings if "None" in f.message]
