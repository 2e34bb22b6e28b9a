"""Web pages: charset from bytes and meta, the article body only, bounded on hostile nesting."""
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pbdocs.cli import cli
from pbdocs.extract import extract

DATA = Path(__file__).parent / "data" / "html"
CLAUSE_NORM = ("本会坚持中国共产党的全面领导,根据中国共产党章程的规定,设立中国共产党的组织,"
               "开展党的活动,为党组织的活动提供必要条件。")
CHROME = ("Internet Explorer", "首页", "当前位置", "版权所有", "ICP", "联系我们", "脚本", "广告", "相关文章", "分享",
          "站内搜索", "政策法规", "友情链接")


@pytest.mark.parametrize("name", ["notice-gbk.html", "article-utf8.html"])
def test_article_body_without_site_chrome(name):
    doc = extract(DATA / name)
    assert doc.format == "html"
    for marker in CHROME:
        assert marker not in doc.text, marker


def test_gbk_page_keeps_the_clause_intact_and_its_metadata():
    doc = extract(DATA / "notice-gbk.html")
    assert CLAUSE_NORM in doc.normalized.text
    assert [w.reason for w in doc.warnings] == ["decoded as gb18030"]
    assert doc.metadata.as_dict() == {
        "title": "关于社会组织章程党建条款的通知",
        "issuer": "某某市民政局",
        "doc_number": None,
        "date": "2019-09-01",
        "source": "某某市民政局",
    }
    assert doc.text.rstrip().endswith("某某市民政局\n\n2019年9月1日")


def test_table_cells_and_paragraphs_in_document_order():
    doc = extract(DATA / "article-utf8.html")
    text = doc.text
    order = ["社会组织党建工作指引", "一、社会组织应当", "二、有3名以上", "3名以上 单独组建", "不足3名 联合组建",
             "三、暂不具备"]
    positions = [text.index(piece) for piece in order]
    assert positions == sorted(positions)
    assert doc.metadata.title == "社会组织党建工作指引"
    assert doc.metadata.date == "2021-05-10"


def test_meta_charset_that_lies_is_overruled_by_the_bytes(tmp_path):
    page = (DATA / "article-utf8.html").read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="gbk"')
    path = tmp_path / "lying.html"
    path.write_text(page, encoding="utf-8")
    assert "单独建立党组织" in extract(path).text


def test_saved_page_without_html_suffix_is_sniffed(tmp_path):
    path = tmp_path / "saved.txt"
    path.write_bytes((DATA / "article-utf8.html").read_bytes())
    doc = extract(path)
    assert doc.format == "html"
    assert "<p>" not in doc.text


@pytest.mark.parametrize("depth", [500, 200_000])
def test_deeply_nested_html_is_read_in_bounded_time(tmp_path, depth):
    path = tmp_path / "deep.html"
    path.write_text(f"<html><body>{'<div>' * depth}本会坚持中国共产党的全面领导。{'</div>' * depth}</body></html>")
    started = time.monotonic()
    doc = extract(path)
    assert "本会坚持中国共产党的全面领导。" in doc.text
    assert any("nested" in w.reason for w in doc.warnings)
    # Bounded means seconds, not the minutes a DOM parser needs for such input.
    assert time.monotonic() - started < 20


def test_page_with_only_chrome_is_an_error(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>x</title></head><body><script>var a=1;</script></body></html>")
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 3
    assert result.stderr == f"错误：{path}：网页中没有可读的文字\n"


def test_old_table_layout_notice_keeps_its_number_and_drops_the_side_column():
    doc = extract(DATA / "table-layout-gbk.html")
    assert doc.metadata.as_dict() == {
        "title": "民政部关于在社会组织章程增加党的建设和社会主义核心价值观有关内容的通知",
        "issuer": "民政部",
        "doc_number": "民函〔2018〕78号",
        "date": "2018-04-28",
        "source": None,
    }
    assert doc.text.startswith(
        "民政部关于在社会组织章程增加党的建设和社会主义核心价值观有关内容的通知\n\n民函〔2018〕78号\n\n各省")
    for marker in ("政策文件", "法律法规", "机构概况", "网站地图", "版权所有", "ICP"):
        assert marker not in doc.text, marker
    assert "设立中国共产党的组织,开展党的活动,为党组织的活动提供必要条件" in doc.normalized.text


def test_a_long_news_column_does_not_outvote_a_short_article():
    doc = extract(DATA / "news-column.html")
    assert "等级评估" not in doc.text
    assert doc.text.startswith("某市社会组织党建工作推进会召开\n\n11月5日")
    assert doc.text.endswith("会上，三家社会组织作了交流发言。")
