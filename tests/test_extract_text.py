"""Plain text in every encoding users bring, and saved web pages with their site chrome."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pbdocs.cli import cli
from pbdocs.extract import extract
from pbdocs.extract.text import decode_bytes

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
CLAUSE = ("本会坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共产党的组织，"
          "开展党的活动，为党组织的活动提供必要条件。")
CLAUSE_NORM = CLAUSE.replace("，", ",")
TRADITIONAL = (
    "某某市青年志願者協會章程\n\n第一章　總　則\n\n第三條　本會堅持中國共產黨的全面領導，根據中國共產黨章程的規定，"
    "設立中國共產\n黨的組織，開展黨的活動，為黨組織的活動提供必要條件。\n"
)


@pytest.mark.parametrize(
    "codec, prefix",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""), ("gb18030", b""), ("big5", b""), ("utf-16", b"")],
)
def test_encodings_are_detected_from_the_bytes(tmp_path, codec, prefix):
    text = (DATA / "text" / "charter-utf8.txt").read_text(encoding="utf-8")
    if codec == "big5":
        text = TRADITIONAL
    path = tmp_path / f"charter-{codec}.txt"
    path.write_bytes(prefix + text.encode(codec))
    doc = extract(path)
    assert doc.text.strip() == text.strip()
    assert CLAUSE_NORM in doc.normalized.text


def test_gbk_and_big5_that_decode_both_ways_pick_the_plausible_one():
    simplified = "社会组织应当在章程中写明党建工作要求，设立党的组织，开展党的活动。" * 3
    data = simplified.encode("gbk")
    text, codec = decode_bytes(data)
    assert (text, codec) == (simplified, "gb18030")


def test_charter_text_is_not_mistaken_for_a_web_page():
    doc = extract(DATA / "text" / "charter-utf8.txt")
    assert doc.text.startswith("某某市青年志愿者协会章程\n\n第一章　总　则")
    assert "第二章　业务范围" in doc.text
    assert doc.metadata.title == "某某市青年志愿者协会章程"
    assert not doc.warnings


def test_clause_across_a_line_break_is_contiguous_after_normalization():
    doc = extract(DATA / "text" / "charter-utf8.txt")
    norm = doc.normalized
    start = norm.text.index(CLAUSE_NORM)
    quoted = norm.original_text(start, start + len(CLAUSE_NORM))
    assert quoted.replace("\n", "") == CLAUSE
    assert doc.page_at(doc.text.index("第三条")) == 1


CHROME = ("Internet Explorer", "当前位置", "您现在的位置", "ICP备", "Copyright", "在线客服", "关注官方微信",
          "返回列表", "最新评论", "热点关键词", "扫一扫", "全站变灰", "【打印】", "相关文章", "责编")


@pytest.mark.parametrize("seed", SEEDS, ids=[p.name for p in SEEDS])
def test_seed_pages_lose_their_site_chrome_and_keep_the_article(seed):
    raw = seed.read_text(encoding="utf-8")
    doc = extract(seed)
    for marker in CHROME:
        assert marker not in doc.text, marker
    paragraphs = [ln.strip() for ln in raw.splitlines() if len(ln.strip()) > 60 and "，" not in ln[:0]]
    article = [p for p in paragraphs if not any(m in p for m in CHROME)]
    assert article, "seed has article paragraphs"
    for paragraph in article:
        assert paragraph in doc.text
    assert len(doc.text) > 0.6 * sum(len(p) for p in article)


@pytest.mark.parametrize(
    "name, title, date, source",
    [
        ("000_3a5683b52580cf25.txt", "民政部全力推进部管社会组织党建工作", "2019-07-08", "中科服"),
        ("001_8a263f2e768824c1.txt", "以新时代党的建设总要求为根本遵循 创新和加强社会组织党建工作", "2021-03-23",
         "党建先锋网"),
        ("002_3933d1552c9bd586.txt", "甘肃省社会组织党建呈现新气象新作为", None, "中国社会报"),
        ("004_e9b618edeaa0a069.txt", "北京:党建与社会组织发展互促互融", "2015-11-27", "中国组织人事报"),
    ],
)
def test_seed_metadata(name, title, date, source):
    meta = extract(SHARED / "seeds" / name).metadata
    assert (meta.title, meta.date, meta.source) == (title, date, source)


def test_notice_metadata_issuer_number_and_date(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(
        "民政部关于在社会组织章程增加党的建设和社会主义核心价值观有关内容的通知\n民函〔2018〕78号\n\n"
        "各省、自治区、直辖市民政厅（局）：\n为贯彻落实中办《关于加强社会组织党的建设工作的意见（试行）》"
        "（中办发〔2015〕51号），现就有关事项通知如下。\n\n民政部\n2018年4月28日\n",
        encoding="gbk",
    )
    meta = extract(path).metadata
    assert meta.as_dict() == {
        "title": "民政部关于在社会组织章程增加党的建设和社会主义核心价值观有关内容的通知",
        "issuer": "民政部",
        "doc_number": "民函〔2018〕78号",
        "date": "2018-04-28",
        "source": None,
    }


def test_a_statute_copied_with_its_site_s_menus_is_titled_by_the_line_over_its_promulgation_note(tmp_path):
    # The site's name is the first line, then its menus and breadcrumb (主页 > 法律法规 > …); the title is
    # the line naming a kind of document (……条例) right over the 题注. Ingested, it is the 2016 revision.
    source = DATA / "text" / "copied-statute-page.txt"
    meta = extract(source).metadata
    assert (meta.title, meta.issuer, meta.date) == ("示例社会服务机构条例", "国务院", "2016-02-06")
    corpus = tmp_path / "corpus"
    assert CliRunner().invoke(cli, ["ingest", "--corpus", str(corpus), str(source)]).exit_code == 0
    entry = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"][0]
    assert {k: entry[k] for k in ("title", "issuer", "doc_number", "date", "version")} == {
        "title": "示例社会服务机构条例", "issuer": "国务院", "doc_number": "中华人民共和国国务院令第9999号",
        "date": "2016-02-06", "version": "2016修订"}


@pytest.mark.parametrize("first_lines, title", [
    # A breadcrumb ends like a title but is the page's path.
    ("您的位置：首页 > 关于协会 > 协会章程\n示例互助会章程\n第一章 总则\n", "示例互助会章程"),
    # A title with a parenthesized addition is a title.
    ("示例合作社章程(示例部2007版)\n第一章 总则\n", "示例合作社章程(示例部2007版)"),
    # The breadcrumb's last step when nothing heads the text.
    ("您的位置：首页 > 政策法规 > 示例互助会章程\n会员须知\n", "示例互助会章程"),
    # A title over the promulgating order, a posting line between them.
    ("示例互助会管理條例\n時間：2019-06-27\n中華人民共和國國務院令\n第9999號\n", "示例互助会管理條例"),
    # A section heading that ends like a title (一、一般规定) is inside the text.
    ("最高人民法院关于适用《示例法》若干问题的解释\n一、一般规定\n", "最高人民法院关于适用《示例法》若干问题的解释"),
])
def test_a_title_is_the_line_naming_a_kind_of_document(tmp_path, first_lines, title):
    # Under a site's name: the line naming a kind of document is the title.
    path = tmp_path / "page.txt"
    path.write_text("示例网站\n" + first_lines + "第一条 本会的名称是示例互助会。\n", encoding="utf-8")
    assert extract(path).metadata.title == title


@pytest.mark.parametrize("menu", ["网站公告", "通知公告", "政策法规"])
def test_a_site_s_menu_label_heading_the_page_is_no_title(tmp_path, menu):
    # A copied page opens with its site's menu (网站公告 / 会员中心 / …, eval/real_statutes s04): the
    # label names a kind of document but no document; the line over the promulgating order is the title.
    path = tmp_path / "page.txt"
    path.write_text(f"{menu}\n会员中心\n会员列表\n示例互助会管理条例\n中华人民共和国国务院令\n第9999号\n"
                    "第一条 为了规范示例互助会，制定本条例。\n", encoding="utf-8")
    assert extract(path).metadata.title == "示例互助会管理条例"


@pytest.mark.parametrize("name, title, issuer, number, date", [
    # 中华人民共和国民政部令 / 第99号 / …现予公布 / 部长　张某某 / 二〇一〇年十二月二十七日, over the text.
    ("promulgating-order-ministry.txt", "示例社会组织评估办法", "民政部", "中华人民共和国民政部令第99号", "2010-12-27"),
    # The order's number in brackets on the line under it, signed by the premier.
    ("promulgating-order-state-council.txt", "示例社会团体管理条例(1998)", "国务院", "中华人民共和国国务院令第9999号",
     "1998-10-25"),
])
def test_a_statute_under_its_promulgating_order_is_numbered_and_issued_by_the_order(name, title, issuer, number, date):
    meta = extract(DATA / "text" / name).metadata
    assert (meta.title, meta.issuer, meta.doc_number, meta.date) == (title, issuer, number, date)


def test_a_judicial_interpretation_s_first_line_is_its_title_over_its_sections(tmp_path):
    path = tmp_path / "interpretation.txt"
    path.write_text("最高人民法院关于适用《示例法》若干问题的解释\n一、一般规定\n第一条 示例。\n", encoding="utf-8")
    assert extract(path).metadata.title == "最高人民法院关于适用《示例法》若干问题的解释"


def test_an_order_in_traditional_characters_dated_with_a_typed_zero_is_read(tmp_path):
    # Copied from 中国政府网 in traditional characters; the year typed 二00四 with the digit 0.
    path = tmp_path / "order.txt"
    path.write_text("示例基金會管理條例\n中華人民共和國國務院令\n第9999號\n《示例基金會管理條例》已經國務院常務會議通過，現予公布。\n"
                    "總理 某某\n二00四年三月八日\n第一章 總則\n第一條 為了規范示例基金會的組織和活動，制定本條例。\n",
                    encoding="utf-8")
    meta = extract(path).metadata
    assert (meta.issuer, meta.doc_number, meta.date) == ("国务院", "中华人民共和国国务院令第9999号", "2004-03-08")


def test_cited_document_numbers_are_not_the_notice_number():
    meta = extract(SHARED / "seeds" / "003_63aea367893a2ace.txt").metadata
    assert meta.doc_number is None


def test_cli_extract_json_contract(tmp_path):
    result = CliRunner().invoke(cli, ["extract", "--format", "json", str(DATA / "text" / "charter-utf8.txt")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"path", "format", "pages", "text", "metadata", "warnings", "ocr_pages"}
    assert data["format"] == "text"
    assert data["pages"][0]["number"] == 1
    assert set(data["metadata"]) == {"title", "issuer", "doc_number", "date", "source"}


def test_cli_extract_text_goes_to_stdout_and_warnings_to_stderr(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(CLAUSE.encode("gbk") * 2)
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 0
    assert result.stdout.strip() == CLAUSE * 2
    assert result.stderr == f"{path}：按 gb18030 编码读取\n"


@pytest.mark.parametrize(
    "setup, reason",
    [
        (lambda p: p.write_bytes(b""), "空文件"),
        (lambda p: None, "文件不存在"),
        (lambda p: p.write_bytes(b"   \n\n\t  \n"), "文件中没有可读的文字"),
    ],
    ids=["empty", "missing", "blank"],
)
def test_cli_extract_unreadable_files_exit_3_with_one_error_line(tmp_path, setup, reason):
    path = tmp_path / "charter.txt"
    setup(path)
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == f"错误：{path}：{reason}\n"


def test_cli_extract_goes_on_after_a_bad_file(tmp_path):
    good = DATA / "text" / "charter-utf8.txt"
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = CliRunner().invoke(cli, ["extract", str(bad), str(good)])
    assert result.exit_code == 3
    assert "某某市青年志愿者协会章程" in result.stdout
    assert result.stderr.splitlines() == [f"错误：{bad}：空文件"]


def test_cli_usage_error_exits_2():
    result = CliRunner().invoke(cli, ["extract"])
    assert result.exit_code == 2
    result = CliRunner().invoke(cli, ["extract", "--format", "xml", "a.txt"])
    assert result.exit_code == 2


def test_random_bytes_named_txt_are_refused(tmp_path):
    import random

    path = tmp_path / "noise.txt"
    path.write_bytes(random.Random(7).randbytes(30000))
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 3
    assert result.stderr == f"错误：{path}：二进制数据，不是文本\n"


PAGED = (
    "某市围棋协会章程\n\n第一章　总　则\n第一条　本会的名称是某市围棋协会。\n"
    "第四条　本会坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共产\n"
    "{sep}"
    "某市围棋协会章程\n党的组织，开展党的活动，为党组织的活动提供必要条件。\n第五条　本会的住所设在某市。\n"
    "{sep2}"
    "某市围棋协会章程\n第二章　业务范围\n第六条　本会的业务范围：围棋培训、赛事组织。\n"
)


@pytest.mark.parametrize(
    "sep, sep2",
    [("\f", "\f"), ("\n— 2 —\n\n", "\n— 3 —\n"), ("第 1 页 共 3 页\n\f", "第 2 页 共 3 页\n\f"), ("\n- 2 -\n", "\f")],
    ids=["form-feed", "dash-numbers", "page-of-pages", "mixed"],
)
def test_saved_paginated_text_reads_across_page_breaks(tmp_path, sep, sep2):
    path = tmp_path / "paged.txt"
    path.write_text(PAGED.format(sep=sep, sep2=sep2), encoding="utf-8")
    doc = extract(path)
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert CLAUSE_NORM in doc.normalized.text
    assert doc.text.startswith("某市围棋协会章程\n")
    assert doc.text.count("某市围棋协会章程") == 1
    assert "页" not in doc.text and "—" not in doc.text
    assert doc.page_at(doc.text.index("第六条")) == 3


def test_numbered_lines_are_not_page_breaks(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("会员的权利：\n1\n选举权\n2\n被选举权\n", encoding="utf-8")
    doc = extract(path)
    assert len(doc.pages) == 1
    assert doc.text == "会员的权利：\n1\n选举权\n2\n被选举权"


def test_options_refuse_an_unknown_ocr_mode():
    from pbdocs.extract import ExtractOptions

    with pytest.raises(ValueError, match="ocr must be"):
        ExtractOptions(ocr="sometimes")


def test_python_dash_m_runs_the_cli():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "pbdocs", "extract", str(DATA / "text" / "charter-utf8.txt")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.startswith("某某市青年志愿者协会章程")
