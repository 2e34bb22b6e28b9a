"""Review opinions and amended charters (pbdocs opinion / amend / screen --opinions).

The .docx charters are generated here from the texts in tests/data/deliver/ (one per phenomenon:
clause missing, partial, only in 附则, small-organization form); amended files are opened again
with python-docx, their tracked changes read from the XML, accepted, and checked again.
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.shared import Pt

import pbdocs
from pbdocs.cli import cli
from pbdocs.deliver import OpinionSettings, amend_charter, opinion_docx, write_opinions
from pbdocs.rules import CheckResult

ROOT = Path(__file__).parent.parent
DATA = ROOT / "tests" / "data" / "deliver"
EXAMPLES = ROOT / "examples" / "charters"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CLAUSE = ("坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共产党的组织，开展党的活动，"
          "为党组织的活动提供必要条件。")


def make_docx(source: Path, target: Path) -> Path:
    """The text as a Word charter: one paragraph per line, the article label in bold, indented."""
    word = docx.Document()
    for line in source.read_text(encoding="utf-8").splitlines():
        paragraph = word.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(24)
        label, sep, rest = line.partition("　")
        if label.startswith("第") and label.endswith("条") and sep:
            paragraph.add_run(label).bold = True
            paragraph.add_run(sep + rest).font.size = Pt(14)
        else:
            paragraph.add_run(line).font.size = Pt(14)
    word.save(target)
    return target


def accept_changes(source: Path, target: Path) -> Path:
    """What Word's "accept all changes" leaves: w:ins kept, w:del and deleted paragraphs dropped."""
    word = docx.Document(source)
    body = word.element.body
    for p in list(body.iter(f"{W}p")):
        mark = p.find(f"{W}pPr/{W}rPr/{W}del")
        if mark is not None:
            p.getparent().remove(p)
    for deletion in list(body.iter(f"{W}del")):
        deletion.getparent().remove(deletion)
    for insertion in list(body.iter(f"{W}ins")):
        parent = insertion.getparent()
        if parent.tag == f"{W}rPr":
            parent.remove(insertion)
            continue
        for child in list(insertion):
            insertion.addprevious(child)
        parent.remove(insertion)
    word.save(target)
    return target


def texts(path: Path) -> list[str]:
    return [p.text for p in docx.Document(path).paragraphs]


def revisions(path: Path, tag: str) -> list[str]:
    body = docx.Document(path).element.body
    return ["".join(t.text or "" for t in mark.iter(f"{W}t", f"{W}delText")) for mark in body.iter(f"{W}{tag}")
            if mark.getparent().tag != f"{W}rPr"]


def amended(tmp_path: Path, name: str) -> tuple[Path, Path, Path]:
    charter = make_docx(DATA / f"{name}.txt", tmp_path / f"{name}.docx")
    out, table = tmp_path / f"{name}-amended.docx", tmp_path / f"{name}-table.docx"
    runner = CliRunner()
    result = runner.invoke(cli, ["amend", str(charter), "--out", str(out), "--table", str(table)])
    assert result.exit_code == 0, result.output
    return charter, out, table


@pytest.mark.parametrize("name", ["missing", "partial", "appendix", "small-organization",
                                  "small-organization-no-leadership", "small-organization-appendix"])
def test_amended_docx_accepted_checks_compliant(tmp_path, name):
    charter, out, _ = amended(tmp_path, name)
    assert pbdocs.check(charter).verdict != "compliant" or name == "appendix"
    for mark in docx.Document(out).element.body.iter(f"{W}ins", f"{W}del"):
        assert mark.get(f"{W}author") == "审查意见"
        assert mark.get(f"{W}date", "").startswith(dt.datetime.now(dt.UTC).date().isoformat())
    accepted = accept_changes(out, tmp_path / "accepted.docx")
    assert pbdocs.check(accepted).verdict == "compliant"
    runner = CliRunner()
    checked = runner.invoke(cli, ["check", str(accepted)])
    assert checked.exit_code == 0
    assert ": compliant" in checked.output or "合规" in checked.output


def test_missing_clause_inserted_after_purpose_and_articles_renumbered(tmp_path):
    charter, out, table = amended(tmp_path, "missing")
    original = texts(charter)
    inserted = revisions(out, "ins")
    assert "第四条　本会" + CLAUSE in inserted
    # Article numbers: only the numeral is tracked, 第四条 -> 第五条 ... 第八条 -> 第九条.
    assert sorted(d for d in revisions(out, "del")) == sorted("四五六七八")
    assert [i for i in inserted if len(i) == 1] == list("五六七八九")
    accepted = texts(accept_changes(out, tmp_path / "accepted.docx"))
    labels = [t.split("　")[0] for t in accepted if t.startswith("第") and "条" in t.split("　")[0]]
    assert labels == [f"第{n}条" for n in "一二三四五六七八九"]
    assert accepted[accepted.index("第四条　本会" + CLAUSE) - 1].startswith("第三条　本会的宗旨是")
    # The original words are all still there, only renumbered (the 宗旨 gains the core values).
    kept = [t.split("　", 1)[-1] for t in accepted if "　" in t and CLAUSE not in t]
    assert all(after.startswith(before) for before, after in
               zip([t.split("　", 1)[-1] for t in original if "　" in t], kept, strict=True))
    assert "践行社会主义核心价值观" in kept[3]
    # The new article is formatted like its neighbour: same indent, bold label run's properties.
    word = docx.Document(out)
    new = next(p for p in word.paragraphs if CLAUSE in "".join(t.text for t in p._p.iter(f"{W}t")))
    purpose = next(p for p in word.paragraphs if p.text.startswith("第三条"))
    assert new.paragraph_format.first_line_indent == purpose.paragraph_format.first_line_indent
    assert new._p.find(f"{W}pPr/{W}rPr/{W}ins") is not None
    rows = [[c.text for c in row.cells] for row in docx.Document(table).tables[0].rows]
    assert rows[0] == ["原条款", "修改后条款", "修改依据"]
    assert rows[2][:2] == ["（无）", "第四条　本会" + CLAUSE]
    assert "民函〔2019〕54号" in rows[2][2]
    assert rows[-1][:2] == ["第四条至第八条", "第五条至第九条（序号顺延）"]


def test_small_organization_arrangement_is_kept(tmp_path):
    _, out, _ = amended(tmp_path, "small-organization")
    assert revisions(out, "del") == []
    assert revisions(out, "ins") == ["全面"]
    accepted = texts(accept_changes(out, tmp_path / "accepted.docx"))
    article = next(t for t in accepted if t.startswith("第四条"))
    assert "由上级党组织选派党建工作指导员，在本会开展党的工作，为开展党的活动提供必要条件。" in article
    assert article.startswith("第四条　本会坚持中国共产党的全面领导，本会正式党员不足三名")


ARRANGEMENT = "本会正式党员不足三名，由上级党组织选派党建工作指导员，在本会开展党的工作，为开展党的活动提供必要条件。"


def test_small_organization_without_leadership_gets_it_added_to_the_article(tmp_path):
    # The fix adds the words to the article (add_to_article); nothing of the arrangement is deleted.
    result = pbdocs.check(DATA / "small-organization-no-leadership.txt")
    clause = result.finding("party-clause")
    assert clause.fix.where.startswith("加入第四条，保留该条中的")
    assert clause.fix.text == "本会坚持中国共产党的全面领导。"
    _, out, _ = amended(tmp_path, "small-organization-no-leadership")
    assert revisions(out, "del") == []
    assert revisions(out, "ins") == ["本会坚持中国共产党的全面领导。"]
    accepted = texts(accept_changes(out, tmp_path / "accepted.docx"))
    assert "第四条　" + ARRANGEMENT + "本会坚持中国共产党的全面领导。" in accepted


def test_small_organization_in_appendix_moves_with_its_wording_strengthened(tmp_path):
    # The weak wording stands in 附则: the article moves to 第一章 总则 as the charter wrote it, with
    # 坚持中国共产党的领导 corrected -- the arrangement kept, no standard clause in its place.
    moved = "本会坚持中国共产党的全面领导，" + ARRANGEMENT
    result = pbdocs.check(DATA / "small-organization-appendix.txt")
    assert result.finding("placement").fix.text == moved
    _, out, table = amended(tmp_path, "small-organization-appendix")
    accepted = texts(accept_changes(out, tmp_path / "accepted.docx"))
    assert accepted.index("第四条　" + moved) < accepted.index("第二章　附　则")
    assert not any("坚持中国共产党的领导" in t or CLAUSE in t for t in accepted)
    assert [t for t in accepted if t.startswith("第六条")] == ["第六条　本章程自登记管理机关核准之日起生效。"]
    rows = [[c.text for c in row.cells] for row in docx.Document(table).tables[0].rows]
    assert rows[-1][:2] == ["第四条", "第五条（序号顺延）"]


def test_partial_clause_replaced_in_place(tmp_path):
    _, out, _ = amended(tmp_path, "partial")
    accepted = texts(accept_changes(out, tmp_path / "accepted.docx"))
    assert "第四条　本中心" + CLAUSE in accepted
    assert not any(t.startswith("第五条") and CLAUSE in t for t in accepted)


def test_element_found_outside_the_clause_article_is_left_alone(tmp_path):
    out = tmp_path / "out.txt"
    amend_charter(DATA / "element-elsewhere.txt", out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[3].startswith("第二条　本会的宗旨是：服务青年创业，开展党的活动宣传教育。")
    assert lines[4] == "第三条　本会" + CLAUSE
    assert pbdocs.check(out).verdict == "compliant"


def test_clause_in_appendix_moves_to_general_chapter(tmp_path):
    _, out, _ = amended(tmp_path, "appendix")
    accepted = texts(accept_changes(out, tmp_path / "accepted.docx"))
    assert accepted.index("第四条　本会" + CLAUSE) < accepted.index("第二章　会　员")
    assert sum(CLAUSE in t for t in accepted) == 1
    assert [t.split("　")[0] for t in accepted if t.startswith("第") and t.split("　")[0].endswith("条")] == \
        [f"第{n}条" for n in "一二三四五六七"]
    result = pbdocs.check(tmp_path / "accepted.docx")
    assert result.finding("placement").status == "present"


def test_compliant_charter_left_untouched(tmp_path):
    out = tmp_path / "out.txt"
    result = CliRunner().invoke(cli, ["amend", str(EXAMPLES / "云溪镇茶农互助协会章程.txt"), "--out", str(out)])
    assert result.exit_code == 0
    assert "章程已合规，未作修改" in result.output
    assert not out.exists()


@pytest.mark.parametrize("path", sorted(EXAMPLES.iterdir()), ids=lambda p: p.name)
def test_bundled_examples_amend_to_compliant(tmp_path, path):
    out = tmp_path / f"out{path.suffix}"
    table = tmp_path / "table.txt"
    result = CliRunner().invoke(cli, ["amend", str(path), "--out", str(out), "--table", str(table)])
    assert result.exit_code == 0, result.output
    if pbdocs.check(path).verdict == "compliant":
        assert not out.exists()
        return
    checked = out if path.suffix == ".txt" else accept_changes(out, tmp_path / "accepted.docx")
    assert pbdocs.check(checked).verdict == "compliant"
    lines = table.read_text(encoding="utf-8").splitlines()
    assert lines[1] == "原条款\t修改后条款\t修改依据" and len(lines) > 2


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.txt")), ids=lambda p: p.name)
def test_bundled_text_examples_as_word_amend_to_compliant(tmp_path, path):
    charter = make_docx(path, tmp_path / "charter.docx")
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(cli, ["amend", str(charter), "--out", str(out)])
    assert result.exit_code == 0, result.output
    if not out.exists():
        assert "章程已合规，未作修改" in result.output
        return
    assert pbdocs.check(accept_changes(out, tmp_path / "accepted.docx")).verdict == "compliant"
    # Rejecting every change gives the charter back: nothing was written outside w:ins / w:del.
    rejected = docx.Document(out)
    for p in list(rejected.element.body.iter(f"{W}p")):
        if p.find(f"{W}pPr/{W}rPr/{W}ins") is not None:
            p.getparent().remove(p)
    for insertion in list(rejected.element.body.iter(f"{W}ins")):
        insertion.getparent().remove(insertion)
    for deleted in rejected.element.body.iter(f"{W}delText"):
        deleted.tag = f"{W}t"
    assert ["".join(t.text for t in p._p.iter(f"{W}t")) for p in rejected.paragraphs] == texts(charter)


def test_arabic_article_numbers_stay_arabic(tmp_path):
    out, table = tmp_path / "out.txt", tmp_path / "table.txt"
    amend_charter(DATA / "arabic-numbers.txt", out, table)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [line.split(" ")[0] for line in lines if line.startswith("第") and "条" in line.split(" ")[0]] == \
        ["第1条", "第2条", "第3条", "第4条", "第5条"]
    assert lines[4] == "第3条 本基金会" + CLAUSE
    assert table.read_text(encoding="utf-8").splitlines()[-1] == \
        "第3条至第4条\t第4条至第5条（序号顺延）\t因增删条款，条款序号相应调整"
    assert pbdocs.check(out).verdict == "compliant"


def test_word_list_numbering_gets_a_numbered_paragraph(tmp_path):
    """Articles numbered by Word itself (a numbered list style, no 第X条 in the text)."""
    word = docx.Document()
    for line in (DATA / "arabic-numbers.txt").read_text(encoding="utf-8").splitlines():
        label, _, rest = line.partition(" ")
        if label.endswith("条"):
            word.add_paragraph(rest, style="List Number")
        else:
            word.add_paragraph(line)
    word.save(tmp_path / "listed.docx")
    amend_charter(tmp_path / "listed.docx", tmp_path / "out.docx")
    accepted = docx.Document(accept_changes(tmp_path / "out.docx", tmp_path / "accepted.docx"))
    paragraphs = accepted.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if CLAUSE in p.text)
    assert paragraphs[at].style.name == "List Number"
    assert paragraphs[at - 1].text.startswith("本基金会的宗旨是")
    assert pbdocs.check(tmp_path / "accepted.docx").verdict == "compliant"


def test_txt_amend_keeps_every_other_line(tmp_path):
    source = DATA / "missing.txt"
    out = tmp_path / "out.txt"
    amendment = amend_charter(source, out, tmp_path / "t.docx")
    before = source.read_text(encoding="utf-8").splitlines()
    after = out.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before) + 1
    assert after[5] == "第四条　本会" + CLAUSE
    assert amendment.table is not None and amendment.table.exists()


@pytest.mark.parametrize("args, message", [
    (["x.pdf"], "修订稿须保存为 .docx 文件（纯文本章程也可保存为 .txt）"),
    (["out.txt", "--table", "t.xlsx"], "修改对照表须保存为 .docx 或 .txt 文件"),
])
def test_amend_usage_errors_exit_2(tmp_path, args, message):
    source = tmp_path / "x.pdf"
    source.write_bytes(b"%PDF-1.4")
    charter = str(source) if args[0] == "x.pdf" else str(DATA / "missing.txt")
    out = args[0] if args[0] != "x.pdf" else "out.pdf"
    assert message
    result = CliRunner().invoke(cli, ["amend", charter, "--out", str(tmp_path / out), *args[1:]])
    assert result.exit_code == 2
    assert message in result.output


def _opinion_lines(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_opinion_names_shortfall_evidence_basis_fix_and_route():
    result = pbdocs.check(EXAMPLES / "青松公益基金会章程.txt")
    settings = OpinionSettings(office="青州市民政局", signatory="审查人：李明", date=dt.date(2026, 3, 2))
    lines = _opinion_lines(opinion_docx(result, settings))
    text = "\n".join(lines)
    assert "青松公益基金会：" in lines
    assert ("章程第一章 总则第四条现表述为：“本基金会根据中国共产党章程的规定，设立中国共产党的组织，开展党的活动，"
            "为党组织的活动提供必要条件。”其中缺少“坚持中国共产党的全面领导”的内容。") in lines
    assert "（民函〔2019〕54号）规定：“章程总则统一表述为‘本会" in text
    assert "修改意见：替换第四条的现有表述，修改为：“本基金会" + CLAUSE + "”" in lines
    assert "章程修改经理事会表决通过，经业务主管单位或党建领导机关审查同意后，报登记管理机关核准。" in lines
    # The 【提示】 (党建领导机关) is advice, under its own heading after what must change.
    assert lines.index("一、必须修改的内容") < lines.index("（一）党建条款") < lines.index("二、建议修改的内容") \
        < lines.index("（一）党建领导机关")
    assert lines[0] == "青州市民政局" and lines[-3:] == ["青州市民政局", "2026年3月2日", "（审查人：李明）"]
    # No verdict label, no file name.
    assert "青松公益基金会章程.txt" not in text and "部分缺失" not in text and "审查结论" not in text


def test_opinion_route_follows_the_organization_type():
    result = pbdocs.check(EXAMPLES / "临江市老年书画研究会章程.txt")
    lines = _opinion_lines(opinion_docx(result, OpinionSettings()))
    assert any(line.startswith("章程修改经会员（代表）大会表决通过") for line in lines)
    assert "章程中没有关于党建条款的表述。" in lines


def test_misplaced_clause_opinion_gives_an_instruction():
    result = pbdocs.check(DATA / "appendix.txt")
    text = "\n".join(_opinion_lines(opinion_docx(result, OpinionSettings())))
    # The fix is the clause itself to move (charter text), with the move and the deletion as its place.
    assert ("修改意见：移入第一章 总则，第三条（宗旨）之后，并删去第六条中的原文："
            "“本会坚持中国共产党的全面领导，") in text
    assert "修改意见：将" not in text
    assert "党建条款位于第三章 附则（第六条），应在第一章 总则。" in text


def test_small_organization_opinions_keep_the_arrangement():
    def fixes(name: str) -> list[str]:
        lines = _opinion_lines(opinion_docx(pbdocs.check(DATA / name), OpinionSettings()))
        return [line for line in lines if line.startswith("修改意见")]

    assert fixes("small-organization.txt") == [
        "修改意见：将第四条中的“坚持中国共产党的领导”改为“坚持中国共产党的全面领导”",
        "修改意见：写入第一章 总则，第五条（登记管理机关、业务主管单位）中：“本会的党建领导机关是＿＿＿。”"]
    assert fixes("small-organization-no-leadership.txt") == [
        "修改意见：加入第四条，保留该条中的联合党组织/党建工作联络员/党建工作指导员安排：“本会坚持中国共产党的全面领导。”"]
    assert fixes("small-organization-appendix.txt") == [
        "修改意见：将第五条中的“坚持中国共产党的领导”改为“坚持中国共产党的全面领导”",
        "修改意见：移入第一章 总则，第三条（宗旨）之后，并删去第五条中的原文："
        "“本会坚持中国共产党的全面领导，" + ARRANGEMENT + "”"]


def test_write_opinions_skips_compliant_and_unreadable(tmp_path):
    results = [pbdocs.check(p) for p in sorted(EXAMPLES.iterdir())]
    results.append(CheckResult(path="bad.pdf", verdict="error", error="encrypted"))
    written = write_opinions(results, tmp_path / "out")
    expected = {Path(r.path).stem for r in results if r.verdict not in ("compliant", "error")}
    assert {p.name.removesuffix("-审查意见.docx") for p in written} == expected
    # Two charters of the same name get their own files.
    again = write_opinions([results[0], results[0]], tmp_path / "twice")
    assert [p.name for p in again] == ["东港区餐饮商会章程-审查意见.docx", "东港区餐饮商会章程-2-审查意见.docx"]


def test_opinion_command(tmp_path):
    out = tmp_path / "opinions"
    paths = [str(p) for p in sorted(EXAMPLES.iterdir())]
    result = CliRunner().invoke(cli, ["opinion", *paths, "--out", str(out), "--office", "某市民政局",
                                      "--signatory", "经办人：王五", "--date", "2026-01-05"])
    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    assert len(files) == 4
    assert _opinion_lines(files[0].read_bytes())[-3:] == ["某市民政局", "2026年1月5日", "（经办人：王五）"]
    bad = CliRunner().invoke(cli, ["opinion", paths[0], "--out", str(out), "--date", "5.1.2026"])
    assert bad.exit_code == 2
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    unreadable = CliRunner().invoke(cli, ["opinion", str(empty), "--out", str(out)])
    assert unreadable.exit_code == 3


def test_screen_writes_opinions(tmp_path):
    out = tmp_path / "opinions"
    result = CliRunner().invoke(cli, ["screen", str(EXAMPLES), "--out", str(tmp_path / "r.csv"),
                                      "--opinions", str(out), "--fail-on", "none", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("*-审查意见.docx"))) == 4


def test_web_opinions_zip(tmp_path, monkeypatch):
    import warnings

    from pbdocs.web import create_app

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    with TestClient(create_app(workers=1)) as client:
        files = [("files", (p.name, p.read_bytes())) for p in sorted(EXAMPLES.iterdir())]
        response = client.post("/api/check", files=files)
        report_id = response.headers["x-report-id"]
        archive = client.get(f"/api/reports/{report_id}/opinions.zip")
        assert archive.status_code == 200
        names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
        assert len(names) == 4 and all(n.endswith("-审查意见.docx") for n in names)
        assert client.get("/api/reports/nothing/opinions.zip").status_code == 404


def test_round_trip_result_gives_the_same_opinion():
    result = pbdocs.check(EXAMPLES / "东港区餐饮商会章程.txt")
    settings = OpinionSettings(date=dt.date(2026, 1, 1))
    rebuilt = CheckResult.from_dict(copy.deepcopy(result.as_dict()))
    assert _opinion_lines(opinion_docx(rebuilt, settings)) == _opinion_lines(opinion_docx(result, settings))


def test_amend_plans_from_the_checkers_offsets_past_a_table(tmp_path):
    """A table before the clause adds lines to the text the checker read but no paragraphs to the
    Word body: the plan maps the evidence's offsets onto the right paragraph all the same."""
    from pbdocs.deliver.amend import docx_paragraph_starts, docx_paragraphs
    from pbdocs.extract import extract

    lines = (DATA / "partial.txt").read_text(encoding="utf-8").split("\n")
    word = docx.Document()
    for line in lines[:2]:
        word.add_paragraph(line)
    table = word.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("发起单位", "安平市慈善总会"), ("住所", "安平市")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    for line in lines[2:]:
        word.add_paragraph(line)
    source = tmp_path / "with-table.docx"
    word.save(source)
    data = source.read_bytes()
    paragraphs = docx_paragraphs(data)
    text = extract(source).text
    starts = docx_paragraph_starts(data, paragraphs, text)
    assert all(text[s:s + len(p)] == p for s, p in zip(starts, paragraphs, strict=True) if s is not None)
    assert all(s is not None for s, p in zip(starts, paragraphs, strict=True) if p)
    amendment = amend_charter(source, tmp_path / "out.docx")
    accepted = texts(accept_changes(tmp_path / "out.docx", tmp_path / "accepted.docx"))
    assert "第四条　本中心" + CLAUSE in accepted
    assert [e.paragraph for e in amendment.plan.edits] == [paragraphs.index(lines[5])]
