"""Documents an office sends (GB/T 9704-2012): the review opinion as a 公文, amendments of charters in
any format, and `pbdocs compare` of two versions.

Word files are read back with python-docx and their XML; the LibreOffice test renders the opinion
to PDF and reads the page size and the 文号 line with poppler. Scans are rendered from the charter
texts here (tests/data/check/render.py), .doc files built by tests/data/make_fixtures.py.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from test_deliver import DATA, EXAMPLES, W, accept_changes, revisions

import pbdocs
from pbdocs.cli import cli
from pbdocs.deliver import Comparison, OpinionSettings, compare_charters, opinion_docx
from pbdocs.legal import article_label, parse_numeral

from helpers import data_module

COMPLIANT = EXAMPLES / "江州市青年企业家协会章程.txt"
PARTIAL = EXAMPLES / "青松公益基金会章程.txt"


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def _near(length, mm: float) -> bool:
    return abs(length - docx.shared.Mm(mm)) < docx.shared.Mm(0.1)


def _opinion(**settings) -> docx.document.Document:
    result = pbdocs.check(PARTIAL)
    data = opinion_docx(result, OpinionSettings(date=dt.date(2026, 3, 2), **settings))
    return docx.Document(io.BytesIO(data))


def _styled_fonts(word, name: str) -> tuple[str | None, float | None]:
    style = word.styles[name]
    fonts = style.element.rPr.find(f"{W}rFonts")
    return fonts.get(f"{W}eastAsia"), style.font.size.pt if style.font.size else None


def test_opinion_page_is_gb9704():
    word = _opinion(office="滨海市民政局", doc_number="滨民社〔2026〕12号")
    section = word.sections[0]
    assert _near(section.page_width, 210) and _near(section.page_height, 297)
    assert [_near(m, v) for m, v in (
        (section.top_margin, 37), (section.bottom_margin, 35), (section.left_margin, 28),
        (section.right_margin, 26))] == [True] * 4
    grid = section._sectPr.find(f"{W}docGrid")
    # 225 mm over 22 lines.
    assert abs(int(grid.get(f"{W}linePitch")) * 22 - _twips(225)) < 30
    assert _styled_fonts(word, "公文标题") == ("方正小标宋简体", 22.0)
    assert _styled_fonts(word, "公文正文") == ("仿宋_GB2312", 16.0)
    assert _styled_fonts(word, "公文一级标题")[0] == "黑体"
    assert _styled_fonts(word, "公文二级标题")[0] == "楷体_GB2312"
    # 28 characters of 3号 in the 156 mm line: 16 pt less the character spacing, 28 times.
    spacing = int(word.styles["公文正文"].element.rPr.find(f"{W}spacing").get(f"{W}val"))
    assert 28 * (16 + spacing / 20) <= 156 / 25.4 * 72 < 29 * (16 + spacing / 20)
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "滨海市民政局" and word.paragraphs[0].style.name == "公文发文机关标志"
    assert "滨民社〔2026〕12号" in texts and "青松公益基金会：" in texts
    assert word.styles["公文发文机关标志"].font.color.rgb == docx.shared.RGBColor(0xFF, 0, 0)


def test_opinion_is_chinese_with_page_numbers_and_no_theme():
    word = _opinion(office="滨海市民政局")
    styles = word.styles.element
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}eastAsia") == "zh-CN"
    assert word.settings.element.find(f"{W}themeFontLang").get(f"{W}eastAsia") == "zh-CN"
    used = {p.style.name for p in word.paragraphs}
    for name in used:
        xml = word.styles[name].element.xml
        assert "themeColor" not in xml and "asciiTheme" not in xml, name
    footer = word.sections[0].footer
    xml = footer._element.xml
    assert "PAGE" in xml and footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(" —")
    assert footer.paragraphs[0].style.name == "公文页码"
    assert _styled_fonts(word, "公文页码") == ("宋体", 14.0)
    # The substitutes a machine without the office fonts uses.
    table = next(p for p in word.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml").blob
    assert "仿宋_GB2312".encode() in table and "方正小标宋简体".encode() in table


def test_opinion_without_doc_number_leaves_one_to_fill_in():
    texts = [p.text for p in _opinion().paragraphs]
    assert "〔2026〕　　号" in texts
    assert texts[-1] == "2026年3月2日"


def test_opinion_attaches_the_table(tmp_path):
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["opinion", str(PARTIAL), "-o", str(out), "--attach-table",
                                      "--office", "滨海市民政局", "--date", "2026-03-02"])
    assert result.exit_code == 0, result.output
    word = docx.Document(next(out.iterdir()))
    texts = [p.text for p in word.paragraphs]
    assert "附件：《青松公益基金会章程》修改对照表" in texts and "附件" in texts
    table = word.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["原条款", "修改后条款", "修改依据"]
    assert "坚持中国共产党的全面领导" in table.rows[1].cells[1].text
    assert table.rows[1].cells[2].text == (
        "《民政部关于在社会组织登记管理工作中贯彻落实〈中共中央关于加强党的政治建设的意见〉有关要求的通知》（民函〔2019〕54号）")


def test_opinion_command_with_doc_number(tmp_path):
    out = tmp_path / "opinions"
    result = CliRunner().invoke(cli, ["opinion", str(PARTIAL), "--office", "滨海市民政局",
                                      "--doc-number", "滨民社〔2026〕12号", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in docx.Document(next(out.iterdir())).paragraphs)
    assert "滨民社〔2026〕12号" in text
    assert ".txt" not in text and "部分缺失" not in text and "party-clause" not in text


def test_template_that_is_not_docx_is_a_usage_error(tmp_path):
    template = tmp_path / "letterhead.txt"
    template.write_text("滨海市民政局", encoding="utf-8")
    for command in (["opinion", str(PARTIAL), "-o", str(tmp_path / "o")],
                    ["amend", str(PARTIAL), "-o", str(tmp_path / "a.docx")]):
        result = CliRunner().invoke(cli, [*command, "--template", str(template)])
        assert result.exit_code == 2, result.output
        assert "模板须是 Word .docx 文件" in result.output


def test_template_gives_its_letterhead_and_styles(tmp_path):
    template = docx.Document()
    template.add_paragraph("滨海市民政局文件（模板版头）")
    template.sections[0].left_margin = docx.shared.Mm(30)
    template.save(tmp_path / "letterhead.docx")
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["opinion", str(PARTIAL), "-o", str(out), "--office", "滨海市民政局",
                                      "--template", str(tmp_path / "letterhead.docx")])
    assert result.exit_code == 0, result.output
    word = docx.Document(next(out.iterdir()))
    texts = [p.text for p in word.paragraphs]
    # The template's letterhead and page stay; the office's name is not printed twice over it.
    assert texts[0] == "滨海市民政局文件（模板版头）" and texts.count("滨海市民政局") == 1
    assert _near(word.sections[0].left_margin, 30)
    assert "公文正文" in {s.name for s in word.styles}


def test_opinion_of_unreadable_file_exit_3_in_chinese(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["opinion", str(empty), "-o", str(tmp_path / "o")])
    assert result.exit_code == 3
    assert "空文件" in result.output


# -- amend of any format -------------------------------------------------------------------------

def _accepted_check(amended: Path, tmp_path: Path):
    return pbdocs.check(accept_changes(amended, tmp_path / "accepted.docx"))


def test_amend_txt_to_docx_builds_the_charter_with_tracked_changes(tmp_path):
    out, table = tmp_path / "amended.docx", tmp_path / "table.docx"
    result = CliRunner().invoke(cli, ["amend", str(DATA / "missing.txt"), "-o", str(out), "--table", str(table),
                                      "--office", "滨海市民政局"])
    assert result.exit_code == 0, result.output
    word = docx.Document(out)
    styles = [p.style.name for p in word.paragraphs]
    assert styles[0] == "公文标题" and "公文章标题" in styles and _near(word.sections[0].page_width, 210)
    assert {m.get(f"{W}author") for m in word.element.body.iter(f"{W}ins")} == {"滨海市民政局"}
    assert any("坚持中国共产党的全面领导" in text for text in revisions(out, "ins"))
    assert _accepted_check(out, tmp_path).verdict == "compliant"
    assert docx.Document(table).paragraphs[0].style.name == "公文标题"


def test_amend_doc_accepted_checks_compliant(tmp_path, fixture_maker):
    if not shutil.which("antiword"):
        pytest.skip("antiword is not installed (scripts/setup.sh installs it)")
    lines = [ln for ln in (DATA / "missing.txt").read_text(encoding="utf-8").splitlines() if ln.strip()]
    charter = fixture_maker.make_doc(tmp_path / "charter.doc", lines)
    out = tmp_path / "amended.docx"
    result = CliRunner().invoke(cli, ["amend", str(charter), "-o", str(out), "--author", "王科长"])
    assert result.exit_code == 0, result.output
    assert {m.get(f"{W}author") for m in docx.Document(out).element.body.iter(f"{W}ins")} == {"王科长"}
    assert _accepted_check(out, tmp_path).verdict == "compliant"


@pytest.mark.slow
def test_amend_scanned_pdf_accepted_checks_compliant(tmp_path):
    render = data_module("check/render.py", "check_render")
    text = (DATA / "missing.txt").read_text(encoding="utf-8")
    scan = render.render_scanned_pdf(text, tmp_path / "scan.pdf", header=text.splitlines()[0])
    assert pbdocs.check(scan).ocr_pages
    out = tmp_path / "amended.docx"
    result = CliRunner().invoke(cli, ["amend", str(scan), "-o", str(out)])
    assert result.exit_code == 0, result.output
    paragraphs = [p.text for p in docx.Document(out).paragraphs]
    # The scan's page furniture (running header, page numbers) is not part of the rebuilt charter.
    assert not any(re.fullmatch(r"[-—\s\d]+", p) for p in paragraphs if p)
    assert _accepted_check(out, tmp_path).verdict == "compliant"


def test_amend_unreadable_exit_3_in_chinese(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = CliRunner().invoke(cli, ["amend", str(empty), "-o", str(tmp_path / "out.docx")])
    assert result.exit_code == 3
    assert "空文件" in result.output


def test_amend_non_text_charter_to_txt_is_a_usage_error(tmp_path):
    source = tmp_path / "charter.docx"
    source.write_bytes((EXAMPLES / "北辰区志愿服务联合会章程.docx").read_bytes())
    result = CliRunner().invoke(cli, ["amend", str(source), "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 2
    assert "只有 .txt 章程的修订稿能保存为 .txt" in result.output


# -- compare -------------------------------------------------------------------------------------

def _revised(tmp_path: Path, *, drop: int | None = None, insert_after: int | None = None,
             edit: tuple[int, str, str] | None = None) -> Path:
    """The compliant example revised: article ``drop`` removed, a new article after
    ``insert_after``, words of one article changed; later articles renumbered."""
    out, shift = [], 0
    for line in COMPLIANT.read_text(encoding="utf-8").split("\n"):
        label = re.match(r"第(.+?)条　", line)
        if label:
            number = parse_numeral(label.group(1))
            if number == drop:
                shift -= 1
                continue
            if edit and number == edit[0]:
                line = line.replace(edit[1], edit[2])
            line = article_label(number + shift) + line[label.end() - 1:]
            if number == insert_after:
                out += [line, "", article_label(number + shift + 1) + "　本会设立监事会，监督理事会的工作。"]
                shift += 1
                continue
        out.append(line)
    path = tmp_path / "revised.txt"
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def test_compare_revision_dropping_the_clause_exits_1_and_writes_the_table(tmp_path):
    revised = _revised(tmp_path, drop=4, edit=(6, "滨江路88号", "滨江路99号"))
    table = tmp_path / "对照表.docx"
    result = CliRunner().invoke(cli, ["compare", str(COMPLIANT), str(revised), "--out", str(table)])
    assert result.exit_code == 1, result.output
    assert "删除 第四条：第四条 本会坚持中国共产党的全面领导" in result.output
    assert "修改 第六条 → 第五条" in result.output
    assert "序号调整 第七条至第十四条 → 第六条至第十三条" in result.output
    assert "新版本不如原版本合规" in result.output and "党建条款：具备 → 缺失" in result.output
    word = docx.Document(table)
    assert word.paragraphs[0].style.name == "公文标题"
    rows = [[c.text for c in row.cells] for row in word.tables[0].rows]
    assert rows[0] == ["原条款", "修改后条款", "修改说明"]
    assert rows[1][0].startswith("第四条　本会坚持中国共产党的全面领导") and rows[1][1] == "（删除）"
    assert rows[1][2].startswith("删除条款（删去了“") and "“坚持中国共产党的全面领导”）" in rows[1][2]
    assert rows[2][2] == "修改条款内容，条款序号由第六条调整为第五条"


def test_compare_json_and_renumbering_aware_alignment(tmp_path):
    revised = _revised(tmp_path, insert_after=6)
    result = CliRunner().invoke(cli, ["compare", str(COMPLIANT), str(revised), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["before"] == data["after"] == "compliant" and data["less_compliant"] is False
    kinds = [c["kind"] for c in data["changes"]]
    # One article added; the later ones only renumbered, none read as reworded.
    assert kinds.count("added") == 1 and "modified" not in kinds and "removed" not in kinds
    added = next(c for c in data["changes"] if c["kind"] == "added")
    assert added["new_article"] == "第七条" and added["old_article"] is None
    assert set(added) >= {"kind", "old_article", "new_article", "old_text", "new_text"}
    assert Comparison.from_dict(data).as_dict() == data


def test_compare_adding_the_clause_is_not_less_compliant(tmp_path):
    revised = _revised(tmp_path, drop=4)
    comparison = compare_charters(revised, COMPLIANT)
    assert not comparison.less_compliant and comparison.after.verdict == "compliant"


def test_compare_identical_exits_0(tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes(COMPLIANT.read_bytes())
    result = CliRunner().invoke(cli, ["compare", str(COMPLIANT), str(copy), "--out", str(tmp_path / "t.docx")])
    assert result.exit_code == 0
    assert "两个版本内容相同，没有修改。" in result.output
    assert not (tmp_path / "t.docx").exists()


def test_compare_unreadable_exit_3(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["compare", str(COMPLIANT), str(empty)])
    assert result.exit_code == 3
    assert "空文件" in result.output
    bad = CliRunner().invoke(cli, ["compare", str(COMPLIANT), str(COMPLIANT), "--out", str(tmp_path / "t.xlsx")])
    assert bad.exit_code == 2


def test_compare_of_a_missing_version_is_unreadable_not_a_usage_error(tmp_path):
    missing = tmp_path / "无此文件.txt"
    result = CliRunner().invoke(cli, ["compare", str(COMPLIANT), str(missing)])
    assert result.exit_code == 3
    assert result.stderr == f"错误：{missing}：文件不存在\n"


# -- rendered --------------------------------------------------------------------------------------

@pytest.mark.slow
def test_opinion_renders_in_libreoffice_as_a4_with_the_doc_number(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: bash scripts/setup.sh test installs libreoffice-writer"
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["opinion", str(PARTIAL), "--office", "滨海市民政局",
                                      "--doc-number", "滨民社〔2026〕12号", "-o", str(out)])
    assert result.exit_code == 0, result.output
    source = next(out.iterdir())
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=300)
    pdf = tmp_path / (source.stem + ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    lines = [" ".join(ln.split()) for ln in text.splitlines() if ln.strip()]
    assert lines[0] == "滨海市民政局"
    assert "滨民社〔2026〕12 号" in lines or "滨民社〔2026〕12号" in lines
    assert any(re.fullmatch(r"— ?1 ?—", ln) for ln in lines)
