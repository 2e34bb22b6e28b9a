"""`pbdocs check` and `pbdocs rules`: exit codes, messages, text report and the JSON Lines contract."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pbdocs.cli import cli

REPO = Path(__file__).resolve().parents[1]
CHARTERS = Path(__file__).parent / "data" / "check" / "charters"
PACKS = Path(__file__).parent / "data" / "check" / "packs"
COMPLIANT = CHARTERS / "variant-wordings.txt"
PARTIAL = CHARTERS / "yuan-2018-only.txt"
MISSING = CHARTERS / "toc-only.txt"
CONTRADICTED = CHARTERS / "deferred.txt"


def run(*args: str):
    return CliRunner().invoke(cli, list(map(str, args)))


@pytest.fixture
def unreadable(tmp_path) -> Path:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\n garbage")
    return path


@pytest.mark.parametrize("paths,fail_on,code", [
    ([COMPLIANT], "partial", 0),
    ([COMPLIANT, PARTIAL], "partial", 1),
    ([MISSING], "partial", 1),
    ([CONTRADICTED], "partial", 1),
    ([COMPLIANT, PARTIAL], "missing", 0),
    ([PARTIAL, MISSING], "missing", 1),
    ([CONTRADICTED], "missing", 1),
    ([PARTIAL, MISSING, CONTRADICTED], "none", 0),
])
def test_exit_codes(paths, fail_on, code):
    result = run("check", *paths, "--fail-on", fail_on)
    assert result.exit_code == code, result.output


def test_unreadable_file_exits_3_even_with_findings(unreadable):
    result = run("check", PARTIAL, unreadable, "--format", "json")
    assert result.exit_code == 3
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["verdict"] for line in lines] == ["partial", "error"]
    assert lines[1]["error"].startswith("corrupt PDF")
    assert (lines[1]["error_code"], lines[1]["error_text"]) == ("read.pdf_corrupt", "PDF 文件已损坏，无法打开")
    assert result.stderr == f"错误：{unreadable}：PDF 文件已损坏，无法打开\n"


def test_missing_path_exits_3_with_error_line(tmp_path):
    absent = tmp_path / "absent.docx"
    result = run("check", absent)
    assert result.exit_code == 3
    assert result.stderr == f"错误：{absent}：文件不存在\n"
    assert result.stdout == f"{absent}：无法读取\n  原因：文件不存在\n"


def test_json_lines_contract():
    result = run("check", COMPLIANT, PARTIAL, "--format", "json")
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 2
    for record in records:
        assert {"path", "verdict", "org_type", "findings"} <= set(record)
        for finding in record["findings"]:
            assert {"rule", "status", "elements", "basis", "fix"} <= set(finding)
            assert finding["status"] in ("present", "partial", "missing", "contradicted")
            assert set(finding["basis"]) == {"title", "doc_number", "date", "article"}
            assert finding["fix"] is None or set(finding["fix"]) == {"text", "where"}
            for element in finding["elements"].values():
                assert {"found", "confidence", "evidence"} <= set(element)
                if element["found"]:
                    assert {"page", "article", "text", "start", "end"} <= set(element["evidence"])
                else:
                    assert element["evidence"] is None
    partial = records[1]
    clause = next(f for f in partial["findings"] if f["rule"] == "party-clause")
    assert clause["status"] == "partial"
    assert clause["elements"]["leadership"]["found"] is False
    assert clause["elements"]["organization"]["evidence"]["article"] == "第四条"
    assert clause["fix"]["text"].startswith("本院坚持中国共产党的全面领导")
    assert partial["org_type"] == "社会服务机构" and partial["name"] == "明德康复研究院"


def test_text_report_marks_elements_quotes_evidence_and_fix():
    result = run("check", PARTIAL)
    out = result.stdout
    assert out.startswith(f"{PARTIAL}：部分缺失（社会服务机构 · 明德康复研究院）")
    assert "  【必改】党建条款：不完整 — " in out
    assert "✓ 设立中国共产党的组织  第一章 总则，第四条，第1页「设立中国共产党的组织」" in out
    assert "✗ 坚持中国共产党的全面领导" in out
    assert "修改建议（替换第四条的现有表述）：“本院坚持中国共产党的全面领导，" in out
    assert ("法律依据：《民政部关于在社会组织登记管理工作中贯彻落实〈中共中央关于加强党的政治建设的意见〉"
            "有关要求的通知》(民函〔2019〕54号)") in out
    assert result.stderr == ""


# Codes JSON uses and people must never read: verdicts, statuses, severities, element and rule ids.
ENGLISH_CODES = re.compile(
    r"\b(?:compliant|partial|missing|contradicted|error|present|warning|info|not_applicable|fix|basis"
    r"|organization|activities|conditions|leadership|core-values|party-clause|placement|exact|variant"
    r"|normalized|ocr|fuzzy|alternative)\b")


@pytest.mark.parametrize("charter", sorted((REPO / "examples" / "charters").iterdir()), ids=lambda p: p.name)
def test_text_report_speaks_chinese_and_marks_only_shortfalls(charter):
    out = run("check", charter, "--pack", "all").stdout
    body = out.replace(str(charter), "")
    assert not ENGLISH_CODES.search(body), ENGLISH_CODES.search(body)
    for line in out.splitlines():
        if line.startswith("  ") and not line.startswith("   ") and "：具备" in line:
            assert "【" not in line, line  # a rule that passes has no severity mark
        if line.startswith("  【"):
            assert "：具备" not in line.split(" — ")[0], line
    record = json.loads(run("check", charter, "--pack", "all", "--format", "json").stdout)
    assert record["verdict"] in ("compliant", "partial", "missing", "contradicted")


def test_pack_statutory_and_org_type_override():
    detected = json.loads(run("check", COMPLIANT, "--pack", "statutory", "--format", "json").stdout)
    assert [f["rule"] for f in detected["findings"]] == ["social-group-contents"]
    forced = json.loads(run("check", COMPLIANT, "--pack", "statutory", "--org-type", "foundation",
                            "--format", "json").stdout)
    assert forced["org_type"] == "基金会"
    assert [f["rule"] for f in forced["findings"]] == ["foundation-contents"]
    missing = forced["findings"][0]["elements"]["original-fund"]
    assert missing["found"] is False and missing["statute_article"] == "第十条（三）"


def test_pack_all_runs_both_packs():
    record = json.loads(run("check", COMPLIANT, "--pack", "all", "--format", "json").stdout)
    rules = [f["rule"] for f in record["findings"]]
    assert rules == ["party-clause", "core-values", "placement", "party-building-body", "social-group-contents"]


@pytest.mark.parametrize("args,message", [
    (["--rules", PACKS / "bad-regex.toml"], f"错误：{PACKS / 'bad-regex.toml'}：规则文件有误：规则“r”的要素“e”的"
                                            "“patterns”中的正则表达式“设立(党组织”写法有误：左括号“(”没有对应的右括号"),
    (["--rules", PACKS / "bad-toml.toml"], f"错误：{PACKS / 'bad-toml.toml'}：规则文件不是有效的 TOML："
                                           "第 2 行第 6 列附近写法有误"),
    (["--rules", PACKS / "unknown-key.toml"], f"错误：{PACKS / 'unknown-key.toml'}：规则文件有误："
                                              "第 1 条规则中有不认识的键 severtiy（可用的键："
                                              "alternative, basis, elements, fix, gate, id, kind, "
                                              "org_types, primary, severity, target, title）"),
    (["--rules", PACKS / "missing-basis.toml"], f"错误：{PACKS / 'missing-basis.toml'}：规则文件有误："
                                                "规则“r”缺少法律依据 basis（title、doc_number、date、article）"),
    (["--rules", PACKS / "no-elements.toml"], f"错误：{PACKS / 'no-elements.toml'}：规则文件有误："
                                              "规则“r”是 clause 类规则，至少需要一个要素（[[rules.elements]]）"),
    (["--rules", PACKS / "absent.toml"], f"错误：{PACKS / 'absent.toml'}：规则文件不存在"),
])
def test_bad_rules_file_is_a_usage_error(args, message):
    result = run("check", COMPLIANT, *args)
    assert result.exit_code == 2
    assert result.stderr.strip() == message
    assert result.stdout == ""


def test_bad_option_values_are_usage_errors():
    assert run("check", COMPLIANT, "--org-type", "协会").exit_code == 2
    assert run("check", COMPLIANT, "--fail-on", "never").exit_code == 2
    assert run("check").exit_code == 2


def test_rules_command_lists_rules_with_legal_basis():
    result = run("rules")
    assert result.exit_code == 0
    out = result.stdout
    assert "party-clause  【必改】  党建条款" in out
    assert "民函〔2019〕54号" in out and "民函〔2018〕78号" in out
    assert "social-group-contents  【必改】  社会团体章程应当包括的事项  （社会团体）" in out
    assert "《基金会管理条例》(国务院令第400号) 第十条 (2004-03-08)" in out


def test_rules_command_json_and_user_pack():
    result = run("rules", "--pack", "party", "--rules", PACKS / "custom-ok.toml", "--format", "json")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records][-1] == "volunteer-service"
    assert records[0]["basis"]["doc_number"] == "民函〔2019〕54号"
    bad = run("rules", "--rules", PACKS / "no-rules.toml")
    assert bad.exit_code == 2
    assert bad.stderr.strip() == f"错误：{PACKS / 'no-rules.toml'}：规则文件有误：至少需要一条规则（[[rules]]）"


def test_checking_does_not_load_search_or_jieba():
    code = (
        "import sys; from pbdocs.cli import cli; from click.testing import CliRunner;"
        f"r = CliRunner().invoke(cli, ['check', {str(COMPLIANT)!r}]);"
        "assert r.exit_code == 0, r.output;"
        "print(sorted(m for m in sys.modules"
        " if m == 'jieba' or m.startswith(('pbdocs.search', 'sklearn', 'rank_bm25'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- several files as the pages of one charter, and document kinds ------------------------------

PAGED = ("澜沧市书法家协会章程\n第一章 总则\n第一条 本会的名称是澜沧市书法家协会。\n"
         "第二条 本会是由书法工作者自愿结成的地方性、非营利性社会团体。\n"
         "第三条 本会的宗旨是：繁荣书法艺术。本会遵守宪法、法律、法规和国家政策，践行社会主义核心价值观，"
         "遵守社会道德风尚。\n第四条 本会坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共产",
         "党的组织，开展党的活动，为党组织的活动提供必要条件。\n第五条 本会的住所设在澜沧市墨香路1号。\n")


@pytest.fixture
def pages(tmp_path) -> list[Path]:
    paths = []
    for number, text in enumerate(PAGED, 1):
        path = tmp_path / f"p{number}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_pages_are_read_as_one_charter_in_the_order_given(pages):
    result = run("check", "--pages", "--format", "json", *pages)
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    data = json.loads(line)
    assert data["path"] == f"{pages[0]}+{pages[1]}"
    assert data["verdict"] == "compliant"
    clause = next(f for f in data["findings"] if f["rule"] == "party-clause")
    assert clause["elements"]["organization"]["evidence"]["page"] == 1
    assert clause["elements"]["activities"]["evidence"]["page"] == 2


def test_pages_one_by_one_are_two_partial_charters(pages):
    """What --pages is for: without it each photo is judged as a charter of its own."""
    result = run("check", "--format", "json", *pages)
    assert result.exit_code == 1
    assert [json.loads(line)["verdict"] for line in result.stdout.splitlines()] == ["partial", "partial"]


def test_pages_in_the_wrong_order_split_the_clause(pages):
    result = run("check", "--pages", "--format", "json", pages[1], pages[0])
    assert json.loads(result.stdout)["verdict"] != "compliant"


def test_an_unreadable_page_makes_the_charter_an_error_naming_that_file(pages, unreadable):
    result = run("check", "--pages", pages[0], unreadable, pages[1])
    assert result.exit_code == 3
    assert result.stderr == f"错误：{pages[0]}+{unreadable}+{pages[1]}：{unreadable}：PDF 文件已损坏，无法打开\n"


def test_a_company_is_not_applicable_and_exits_0():
    company = Path(__file__).parent / "data" / "check" / "real" / "company-no-party.txt"
    result = run("check", company)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        f"{company}：不适用（澜沧绿源农业股份有限公司）",
        "  理由：公司章程不适用民政部门对社会组织章程的党建条款要求，改按《中华人民共和国公司法》第十八条核对"]
    assert "【提示】公司党组织条款：缺失" in result.stdout
    forced = run("check", "--kind", "social_organization", company)
    assert forced.exit_code == 1 and forced.stdout.splitlines()[0].endswith("：缺失（澜沧绿源农业股份有限公司）")


def test_an_unknown_kind_is_a_usage_error():
    result = run("check", "--kind", "bank", COMPLIANT)
    assert result.exit_code == 2
    assert "选项 --kind 的值无效：“bank”不是可选的值" in result.stderr
