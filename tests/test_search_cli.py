"""pbdocs search | index build | ingest through the CLI: output, exit codes, error lines."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pbdocs.cli import cli

DATA = Path(__file__).parent / "data" / "search"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli") / "idx"
    corpus = folder.parent / "corpus"
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", "--corpus", str(corpus), str(DATA / "ingest"),
                                 str(DATA / "passages" / "statute.md")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["index", "build", str(corpus), "--index", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_ingest_prints_entries_as_json_lines(tmp_path):
    result = run("ingest", "--corpus", str(tmp_path / "c"), "--issuer", "示例机关", "--date", "2020-02-02",
                 str(DATA / "ingest" / "rules.md"))
    assert result.exit_code == 0
    entry = json.loads(result.stdout.strip())
    assert (entry["title"], entry["issuer"], entry["date"]) == ("示例基金会管理细则", "示例机关", "2020-02-02")
    assert "已加入 1 份文件" in result.stderr


def test_ingest_rejects_a_bad_date(tmp_path):
    result = run("ingest", "--corpus", str(tmp_path / "c"), "--date", "2020/2/2", str(DATA / "ingest" / "rules.md"))
    assert result.exit_code == 2
    assert "“2020/2/2”不是 年-月-日 格式的日期" in result.stderr


def test_ingest_of_an_unreadable_file_exits_3(tmp_path):
    bad = tmp_path / "fake.docx"
    bad.write_text("plain text pretending", encoding="utf-8")
    result = run("ingest", "--corpus", str(tmp_path / "c"), str(bad))
    assert result.exit_code == 3
    assert result.stderr == f"错误：{bad}：不是有效的 DOCX 文件（内容与扩展名不符）\n"


def test_index_build_reports_counts(index_dir):
    meta = json.loads((index_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["n_documents"] == 3


def test_index_build_of_plain_files(tmp_path):
    result = run("index", "build", str(DATA / "ingest"), "--index", str(tmp_path / "plain"))
    assert result.exit_code == 0
    assert result.stderr.startswith("已索引 2 份文件")
    assert result.stdout == ""


def test_search_text_output(index_dir):
    result = run("search", "原始基金不低于多少", "--index", str(index_dir), "-k", "2")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("[1] 《示例基金会管理细则》 第一条")
    assert lines[1].strip() == "【第一条 基金会的原始基金不低于二百万元人民币。】"
    assert lines[2].strip().startswith("来源：")


def test_search_json_output_is_the_search_result(index_dir):
    result = run("search", "示例社会团体管理办法第三条", "--index", str(index_dir), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["confident"] is True and data["message"] is None
    assert data["hits"][0]["article"] == "第三条"


def test_search_without_a_confident_answer_says_so(index_dir):
    result = run("search", "今天天气怎么样", "--index", str(index_dir))
    assert result.exit_code == 0
    assert result.stdout == "没有找到可信的答案：语料库似乎没有涉及这个问题。\n"


def test_batch_writes_one_line_per_question(index_dir, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "q": "原始基金不低于多少"}\n\n{"id": 7, "q": "党的基层组织怎么成立"}\n',
                     encoding="utf-8")
    result = run("search", "--batch", str(batch), "--index", str(index_dir), "-k", "1")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["id"], x["query"]) for x in lines] == [("a", "原始基金不低于多少"), (7, "党的基层组织怎么成立")]
    assert all(len(x["hits"]) == 1 for x in lines)


@pytest.mark.parametrize("content, message", [
    ("{oops\n", "第 1 行不是 JSON"),
    ('{"id": 1}\n', "第 1 行应为含有非空问题 q 的 JSON 对象"),
    ('{"id": 1, "q": "好"}\n[1, 2]\n', "第 2 行应为含有非空问题 q 的 JSON 对象"),
])
def test_bad_batch_file_exits_3_naming_it(index_dir, tmp_path, content, message):
    batch = tmp_path / "bad.jsonl"
    batch.write_text(content, encoding="utf-8")
    result = run("search", "--batch", str(batch), "--index", str(index_dir))
    assert result.exit_code == 3
    assert result.stderr == f"错误：{batch}：{message}\n"


@pytest.mark.parametrize("args", [[], ["问题", "--batch", "x.jsonl"]])
def test_query_or_batch_is_required(args):
    result = run("search", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：请给出要查询的问题，或用 --batch 指定问题文件（二者选一）\n")


def test_missing_index_exits_3(tmp_path):
    result = run("search", "社会组织", "--index", str(tmp_path / "none"))
    assert result.exit_code == 3
    assert result.stderr == f"错误：{tmp_path / 'none'}：这里没有检索索引（请先运行 pbdocs index build）\n"


def test_empty_query_is_a_usage_error(index_dir):
    result = run("search", "   ", "--index", str(index_dir))
    assert result.exit_code == 2
    assert result.stderr == "错误：问题为空：请输入要查询的问题\n"


def test_default_locations_follow_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PBDOCS_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.setenv("PBDOCS_INDEX", str(tmp_path / "index"))
    assert run("ingest", str(DATA / "ingest")).exit_code == 0
    result = run("index", "build")
    assert result.exit_code == 0 and result.stderr.startswith("已索引 2 份文件")
    result = run("search", "原始基金", "--format", "json")
    assert result.exit_code == 0
    assert "检索索引" not in result.stderr, "the index built above is fresh"
    assert json.loads(result.stdout)["hits"][0]["doc_id"] == "rules"


def test_search_builds_a_missing_default_index(tmp_path, monkeypatch):
    monkeypatch.setenv("PBDOCS_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.setenv("PBDOCS_INDEX", str(tmp_path / "index"))
    assert run("ingest", str(DATA / "ingest")).exit_code == 0
    result = run("search", "党的基层组织", "-k", "1", "--format", "json")
    assert result.exit_code == 0
    # Then, with the rerank extra, the new passages' vectors are encoded (a progress bar).
    assert result.stderr.startswith(f"正在 {tmp_path / 'index'} 建立检索索引……\n")
    hit = json.loads(result.stdout)["hits"][0]
    assert hit["citation"] == "《示例市民政局关于加强社会组织党建工作的通知》(示民发〔2021〕12号)"


@pytest.fixture(scope="module")
def versioned(tmp_path_factory):
    """A corpus holding two versions of one local notice beside other documents, and its index."""
    folder = tmp_path_factory.mktemp("versions")
    result = CliRunner().invoke(cli, ["ingest", "--corpus", str(folder / "corpus"), str(DATA / "local"),
                                      str(DATA / "ingest"), str(DATA / "passages" / "statute.md")])
    assert result.exit_code == 0, result.output
    return folder


def test_ingest_links_same_titled_versions(versioned):
    entries = json.loads((versioned / "corpus" / "manifest.json").read_text(encoding="utf-8"))["documents"]
    by_date = {e["date"]: e for e in entries if e["file"].startswith("示例市")}
    assert by_date["2021-02-01"]["superseded_by"] == by_date["2023-02-15"]["id"]
    assert by_date["2023-02-15"]["superseded_by"] is None


def test_search_text_labels_a_superseded_hit(versioned):
    result = run("search", "--corpus", str(versioned / "corpus"), "--index", str(versioned / "idx"), "-k", "5",
                 "示例市社会组织党建工作年度报告什么时候报送")
    assert result.exit_code == 0, result.output
    first, *rest = result.stdout.split("\n[")
    assert first.startswith("[1] 《示例市民政局关于报送社会组织党建工作年度报告的通知》(示民发〔2023〕7号)")
    assert "取代" not in first
    old = next(block for block in rest if "示民发〔2021〕3号" in block.split("\n")[0])
    assert "已被《示例市民政局关于报送社会组织党建工作年度报告的通知》(示民发〔2023〕7号)取代" in old


def test_a_revised_regulation_s_one_line_title_note_dates_the_revision_not_the_decree(tmp_path):
    # Official texts print the 题注 on one line: (2004年…国务院令第9999号发布　根据2016年…《…决定》修订). The
    # revision dates the text and names its version; the decree stays its 文号, and the source line says
    # which of the two the date is.
    corpus = tmp_path / "c"
    assert run("ingest", "--corpus", str(corpus), str(DATA / "title_notes")).exit_code == 0
    entries = {e["id"]: e for e in json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"]}
    first, revised = entries["示例社会服务机构条例_2004"], entries["示例社会服务机构条例_2016"]
    assert (revised["date"], revised["version"], revised["doc_number"], revised["issuer"]) == (
        "2016-02-06", "2016修订", "中华人民共和国国务院令第9999号", "国务院")
    assert (first["date"], first["version"], first["superseded_by"]) == ("2004-03-08", "2004", revised["id"])
    result = run("search", "--corpus", str(corpus), "--index", str(tmp_path / "idx"), "-k", "1", "--no-rerank",
                 "示例社会服务机构变更名称多久内申请变更登记")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    first_hit = next(i for i, line in enumerate(lines) if line.startswith("[1] "))
    assert lines[first_hit].startswith("[1] 《示例社会服务机构条例》(2016修订) 第二条")
    assert lines[first_hit + 2].strip() == "来源：国务院 · 中华人民共和国国务院令第9999号 · 2016-02-06修订"


def test_a_copy_of_a_regulation_from_a_web_page_is_listed_once_and_brings_no_menus(tmp_path):
    # The 2016 text, and a copy of it saved from a law site: the site's name, menus and breadcrumb
    # above the title, half-width commas in the articles. Each article is one hit, and nothing of
    # the site's is a passage.
    corpus = tmp_path / "c"
    page = Path(__file__).parent / "data" / "text" / "copied-statute-page.txt"
    assert run("ingest", "--corpus", str(corpus), str(DATA / "title_notes" / "示例社会服务机构条例_2016.txt"),
               str(page)).exit_code == 0
    result = run("search", "--corpus", str(corpus), "--index", str(tmp_path / "idx"), "-k", "10", "--no-rerank",
                 "--format", "json", "示例社会服务机构变更名称多久内申请变更登记")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["hits"]
    assert [h["article"] for h in hits].count("第二条") == 1
    assert not any("网站首页" in h["text"] or "admin" in h["text"] for h in hits)


def test_a_later_party_constitution_ingested_supersedes_the_bundled_2022_text(tmp_path):
    # A made-up next amendment, its note as the 党章 prints it: who amended it, then when.
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(Path(__file__).resolve().parents[1] / "corpus", corpus)
    result = run("ingest", "--corpus", str(corpus), str(DATA / "party_constitution" / "示例党章_下一次修改.txt"))
    assert result.exit_code == 0, result.output
    entries = {e["id"]: e for e in json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"]}
    later = next(e for e in entries.values() if e["date"] == "2027-10-20")
    assert (later["issuer"], later["version"], later["superseded_by"]) == ("中国共产党全国代表大会", "2027", None)
    assert entries["中国共产党章程_2022"]["superseded_by"] == later["id"]


def test_ingest_options_pin_the_version_status(tmp_path):
    corpus = tmp_path / "c"
    notices = sorted((DATA / "local").iterdir())
    result = run("ingest", "--corpus", str(corpus), "--in-force", "--effective", "2021-03-01",
                 "--version-label", "2021版", str(notices[0]))
    assert result.exit_code == 0, result.output
    result = run("ingest", "--corpus", str(corpus), str(notices[1]))
    entries = {e["date"]: e for e in json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"]}
    old = entries["2021-02-01"]
    assert (old["in_force"], old["superseded_by"], old["effective"], old["version"]) == (True, None, "2021-03-01",
                                                                                          "2021版")
    result = run("ingest", "--corpus", str(corpus), "--superseded-by", "nothing-like-it", str(notices[0]))
    assert result.exit_code == 3 and "不在语料库清单" in result.stderr


@pytest.mark.parametrize("question, message", [
    ("", "错误：问题为空：请输入要查询的问题\n"),
    ("   \t ", "错误：问题为空：请输入要查询的问题\n"),
    ("what is a social organization?", "错误：问题里没有汉字：请用中文提问\n"),
    ("社会团体" * 60, "错误：问题太长（240 字，上限 200 字）：请只写要问的问题\n"),
])
def test_a_question_that_cannot_be_searched_is_refused_in_chinese_with_exit_2(tmp_path, question, message):
    # Refused before any index is opened or built.
    result = run("search", question, "--index", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert result.stderr == message and result.stdout == ""


def test_an_index_without_current_vectors_is_searched_by_keywords_with_one_chinese_note(tmp_path):
    import shutil

    from pbdocs.search import rerank

    corpus = tmp_path / "corpus"
    assert run("ingest", "--corpus", str(corpus), str(DATA / "ingest")).exit_code == 0
    assert run("index", "build", str(corpus), "--index", str(tmp_path / "idx"), "--no-rerank").exit_code == 0
    missing = run("search", "党的基层组织", "--index", str(tmp_path / "idx"), "--format", "json")
    assert missing.exit_code == 0 and json.loads(missing.stdout)["hits"]
    if rerank.available():
        assert missing.stderr == "警告：该索引没有段落语义向量，本次仅按关键词检索（pbdocs index build 可补算）\n"
    else:
        assert missing.stderr.startswith("警告：未安装语义检索组件")
    # Vectors of another build of the index: stale, ignored, never a crash.
    shutil.copytree(tmp_path / "idx", tmp_path / "other")
    (tmp_path / "other" / "vectors.json").write_text(
        json.dumps({"model": "x", "n_passages": 1, "index_built_at": 0}), encoding="utf-8")
    (tmp_path / "other" / "vectors.npy").write_bytes(b"not numpy")
    stale = run("search", "党的基层组织", "--index", str(tmp_path / "other"), "--format", "json")
    assert stale.exit_code == 0 and json.loads(stale.stdout)["hits"]
    assert "仅按关键词检索" in stale.stderr and "Error" not in stale.stderr


def test_search_text_shows_a_web_address_but_never_raw_provenance(tmp_path):
    folder = tmp_path / "idx"
    assert run("index", "build", str(DATA / "provenance"), "--index", str(folder)).exit_code == 0
    statute = run("search", "社会组织年度工作报告什么时候报送", "--index", str(folder), "-k", "1")
    assert statute.exit_code == 0
    assert statute.stdout.splitlines()[2].strip() == "来源：2021-03-01"
    for raw in ("LawRefBook", "github", "commit", "0123456789abcdef", ".md"):
        assert raw not in statute.stdout
    as_json = json.loads(run("search", "社会组织年度工作报告什么时候报送", "--index", str(folder), "-k", "1",
                             "--format", "json").stdout)
    assert as_json["hits"][0]["source"].startswith("github LawRefBook/Laws/部门规章/示例社会组织年检办法")
    notice = run("search", "社会组织等级评估自评报告什么时候交", "--index", str(folder), "-k", "1")
    assert notice.stdout.splitlines()[2].strip() == (
        "来源：示例市民政局 · 示民发〔2022〕5号 · 2022-04-01 | https://www.example.gov.cn/notices/2022-5.html")


def test_an_uncertain_answer_shows_the_nearest_provisions_as_reference(tmp_path, monkeypatch):
    # Not confident is not "nothing found": the 党章's article on 党龄 is shown, under a line that
    # says it may not answer, and no more than three hits.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = run("search", "加入党组织日期怎么算")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "没有把握的答案：下面是最接近的条文，未必回答了这个问题，仅供参考。"
    assert "第七条" in result.stdout and "[4]" not in result.stdout
