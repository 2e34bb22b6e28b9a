"""The mistakes a new user makes, as the CLI answers them: exact exit codes and exact Chinese lines,
no English and no traceback (issue 22's "Done when" list)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pbdocs.cli import cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "charters"
TXT = "东港区餐饮商会章程.txt"
DOCX = "北辰区志愿服务联合会章程.docx"


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """A working folder holding two example charters, as a user's would."""
    for name in (TXT, DOCX):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path


def run(*args: str, stdin: str = ""):
    return CliRunner().invoke(cli, list(args), input=stdin, prog_name="pbdocs")


# Words that are names, not English a person must read.
NAMES = {"pbdocs", "word", "docx", "pages", "json"}


def english(text: str, given: tuple[str, ...] | list[str] = ()) -> list[str]:
    """English words a person would read: not the words given, command names, options, file names."""
    for word in [*given, *cli.commands]:
        text = text.replace(word, " ")
    text = re.sub(r"--?[a-z][\w-]*|[\w.\-]+\.(?:docx|txt|pages|pdf)", " ", text)
    return [w for w in re.findall(r"[A-Za-z]{4,}", text) if w.lower() not in NAMES]


@pytest.mark.parametrize(("args", "code", "stderr"), [
    (["check", "不存在.docx"], 3, "错误：不存在.docx：文件不存在\n"),
    (["search"], 2, "错误：请给出要查询的问题，或用 --batch 指定问题文件（二者选一）\n"
                    "在命令后加 -h 查看用法。\n"),
    (["search", ""], 2, "错误：问题为空：请输入要查询的问题\n"),
    (["search", "   "], 2, "错误：问题为空：请输入要查询的问题\n"),
    (["opinion", TXT], 2, "错误：缺少选项 --out / -o\n在命令后加 -h 查看用法。\n"),
    (["opinion", TXT, "-o", "o", "--date", "2024-13-45"], 2,
     "错误：选项 --date 的值无效：没有 2024-13-45 这一天\n在命令后加 -h 查看用法。\n"),
    (["opinion", TXT, "-o", "o", "--date", "2026/3/2"], 2,
     "错误：选项 --date 的值无效：“2026/3/2”不是 年-月-日 格式的日期（例如 2024-03-02）\n"
     "在命令后加 -h 查看用法。\n"),
    (["ingest", TXT, "--corpus", "语料库", "--date", "2024-02-30"], 2,
     "错误：选项 --date 的值无效：没有 2024-02-30 这一天\n在命令后加 -h 查看用法。\n"),
    (["check", TXT, "--org-type", "协会"], 2,
     "错误：选项 --org-type 的值无效：“协会”不是可选的值，可选：社会团体、社团、基金会、社会服务机构、"
     "民办非企业单位、民非\n在命令后加 -h 查看用法。\n"),
    (["amend", DOCX, "--out", "x.txt"], 2,
     f"错误：x.txt：只有 .txt 章程的修订稿能保存为 .txt；{DOCX} 的修订稿保存为 .docx\n"),
    (["screen", "不存在的文件夹", "--out", "r.csv"], 2,
     "错误：“不存在的文件夹”不存在\n在命令后加 -h 查看用法。\n"),
    (["frobnicate"], 2, "错误：没有“frobnicate”这个命令\n运行 pbdocs -h 查看所有命令。\n"),
    (["chek", TXT], 2, "错误：没有“chek”这个命令（是否想用：check）\n运行 pbdocs -h 查看所有命令。\n"),
    (["check", TXT, "--frmat", "json"], 2,
     "错误：没有 --frmat 这个选项（是否想用：--format）\n在命令后加 -h 查看用法。\n"),
    (["check"], 2, "错误：缺少要处理的文件（可以有多个）\n在命令后加 -h 查看用法。\n"),
    (["check", TXT, "--timeout", "abc"], 2,
     "错误：选项 --timeout 的值无效：“abc”不是数字\n在命令后加 -h 查看用法。\n"),
    (["check", TXT, "--pages=3"], 2, "错误：选项 --pages 不接受值\n在命令后加 -h 查看用法。\n"),
    (["rules", "extra"], 2, "错误：多余的参数：extra\n在命令后加 -h 查看用法。\n"),
])
def test_a_mistake_gets_one_chinese_line_and_its_exit_code(folder, args, code, stderr):
    result = run(*args)
    assert (result.exit_code, result.stderr) == (code, stderr)
    assert not english(result.output, args)


def test_a_folder_is_not_a_file(folder):
    result = run("check", str(folder))
    assert result.exit_code == 3
    assert result.stderr == f"错误：{folder}：这是一个文件夹，不是文件\n"
    assert result.stdout == f"{folder}：无法读取\n  原因：这是一个文件夹，不是文件\n"


def test_a_pages_file_is_told_to_be_exported_to_word(folder):
    (folder / "章程.pages").write_bytes(b"PK\x03\x04" + b"\0" * 200)
    result = run("check", "章程.pages")
    assert result.exit_code == 3
    assert result.stderr == "错误：章程.pages：这是 Pages 文稿，请在 Pages 中导出为 Word 文件（.docx）后再审查\n"


def test_users_added_twice_and_with_a_short_password(folder):
    assert run("users", "add", "李四", stdin="S3cret-pass-123\n").exit_code == 0
    again = run("users", "add", "李四", stdin="S3cret-pass-123\n")
    assert (again.exit_code, again.stderr) == (2, "错误：用户 李四 已存在（用户名不区分大小写和全角半角）\n")
    short = run("users", "add", "王五", stdin="abc\n")
    assert (short.exit_code, short.stderr) == (2, "错误：密码太短：至少 10 个字符\n")


def test_rules_list_reads_in_chinese_but_for_rule_ids(folder):
    result = run("rules")
    assert result.exit_code == 0
    words = [w for w in english(result.output) if not re.fullmatch(r"[a-z]+", w)]
    assert not words


def test_an_impossible_date_is_refused_before_anything_is_written(folder):
    result = run("opinion", TXT, "-o", "out", "--date", "2024-13-45")
    assert result.exit_code == 2
    assert not (folder / "out").exists()


def test_a_wps_file_is_read_as_doc_when_it_is_an_ole_word_file(folder, monkeypatch):
    """.wps is decided in one place (extract), so check, screen and the web agree."""
    from pbdocs.extract import SUPPORTED_SUFFIXES

    assert ".wps" in SUPPORTED_SUFFIXES and ".pages" in SUPPORTED_SUFFIXES
    monkeypatch.setattr(shutil, "which", lambda name: None)
    (folder / "旧章程.wps").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    ole = run("check", "旧章程.wps")
    assert ole.exit_code == 3
    assert ole.stderr == ("错误：旧章程.wps：读取 .doc 文件需要 antiword 或 LibreOffice：apt-get install antiword，"
                          "或在 Word 中另存为 .docx\n")
    (folder / "文字.wps").write_bytes("第一条 本会名称".encode())
    other = run("check", "文字.wps")
    assert other.exit_code == 3
    assert other.stderr == "错误：文字.wps：这个 .wps 文件不是 Word 格式，请在 WPS 中另存为 .docx 后再审查\n"


def test_a_spreadsheet_report_without_its_extra_names_the_extra(folder, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if the report extra were not installed
    result = run("screen", TXT, "--out", "报告.xlsx")
    assert result.exit_code == 2
    assert result.stderr == "错误：报告.xlsx：需要安装可选组件 report（缺少 openpyxl）：pip install 'pbdocs[report]'\n"
    assert not (folder / "报告.xlsx").exists()


@pytest.mark.parametrize("command", [["opinion", "-o", "意见"], ["amend", "--out", "修订稿.txt"]])
def test_opinion_and_amend_give_up_at_their_timeout(folder, monkeypatch, command):
    import importlib

    extract_package = importlib.import_module("pbdocs.extract")  # the package, not the function it exports

    def endless(path, options):
        while True:
            pass

    monkeypatch.setattr(extract_package, "_reader", lambda fmt: endless)
    result = run(command[0], TXT, *command[1:], "--timeout", "1")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == f"错误：{TXT}：读取超过 1 秒，已放弃（文件读取过慢）"
