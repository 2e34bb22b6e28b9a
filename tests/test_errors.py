"""Errors as data: every typed error has a code and its fields, and the catalogue one Chinese text per code."""
from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest

from pbdocs.errors import PbdocsError, QueryError, ReadError
from pbdocs.extract import extract
from pbdocs.messages import catalogue

ZH = catalogue()
PACKAGE = Path(__file__).resolve().parents[1] / "pbdocs"
CODE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")


def test_an_error_carries_its_code_and_fields_and_reads_in_chinese(tmp_path):
    empty = tmp_path / "章程.txt"
    empty.write_bytes(b"")
    with pytest.raises(ReadError) as info:
        extract(empty)
    error = info.value
    assert (error.code, error.path, error.fields) == ("read.empty_file", str(empty), {"path": str(empty)})
    assert ZH.error_text(error) == "空文件"
    # JSON and logs keep the English reason they always had.
    assert error.reason == "empty file" and str(error) == f"{empty}: empty file"


def test_an_error_without_a_path_and_a_code_given_with_fields():
    error = QueryError("query.empty")
    assert (error.path, error.fields, str(error)) == ("", {}, "empty query")
    assert ZH.error_text(error) == ZH.error_text("query.empty") == "问题为空：请输入要查询的问题"


def test_errors_cross_process_boundaries_whole():
    error = pickle.loads(pickle.dumps(ReadError("read.cannot_open", path="a.pdf", detail="Permission denied")))
    assert type(error) is ReadError
    assert (error.code, error.path, error.fields["detail"]) == ("read.cannot_open", "a.pdf", "Permission denied")


def test_a_code_without_a_text_shows_as_itself_never_as_english():
    assert ZH.error_text(PbdocsError("made.up_code", path="x")) == "made.up_code"


def _error_classes() -> set[str]:
    import pbdocs.errors as errors

    return {name for name, value in vars(errors).items()
            if isinstance(value, type) and issubclass(value, PbdocsError)}


def raised_codes() -> dict[str, list[str]]:
    """Every code the package gives an error or a notice (a warning, a refusal), or has the catalogue
    read, with where: found by reading the source (a refusal's code follows its HTTP status)."""
    callers = _error_classes() | {"of", "Notice", "error_text", "refusal", "fail"}
    codes: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node.func, "id", getattr(node.func, "attr", "")) if isinstance(node, ast.Call) else ""
            if name not in callers:
                continue
            for arg in node.args[:2]:
                # ReadError(result.error_code or "check.cannot_read"): the constant is a code too.
                for const in ast.walk(arg):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str) and CODE.fullmatch(const.value):
                        codes.setdefault(const.value, []).append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return codes


def _texts() -> dict[str, str]:
    return {**ZH.labels("errors"), **ZH.labels("warnings")}


def test_every_code_the_package_raises_has_a_chinese_text():
    codes = raised_codes()
    assert len(codes) >= 150
    texts = _texts()
    assert not {code: where for code, where in codes.items() if code not in texts}
    han = re.compile(r"[\u4e00-\u9fff]")
    # A text is Chinese; the garbled-text reason is a sentence of the catalogue's own, and a warning of
    # before the codes has only its reason.
    assert sorted(code for code, text in texts.items() if not han.search(text)) == ["check.garbled", "legacy.reason"]


def test_no_text_waits_for_a_code_nothing_raises():
    unused = set(_texts()) - set(raised_codes()) - {"legacy.reason"}
    assert not unused


def test_every_code_has_its_english_reason_for_json():
    from pbdocs.errors import REASONS

    assert set(REASONS) == set(_texts())


def test_a_warning_is_a_code_read_in_chinese_and_kept_in_english_in_json(tmp_path):
    from pbdocs import check

    path = tmp_path / "章程.txt"
    path.write_bytes("第一条 本会名称为东港区餐饮商会。".encode("gb18030") * 20)
    result = check(path).as_dict()
    assert result["warnings"][0] == "decoded as gb18030"
    assert result["warning_codes"][0] == {"code": "warn.decoded_as", "fields": {"codec": "gb18030"}}
    assert result["warning_texts"][0] == "按 gb18030 编码读取"


def test_the_web_refuses_in_chinese_with_the_code(tmp_path, monkeypatch):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from pbdocs.web import create_app

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    with TestClient(create_app()) as client:
        response = client.post("/api/check", content=b"x", headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert response.json() == {"detail": "请以 multipart/form-data 格式在 files 字段中上传文件",
                               "code": "web.not_multipart"}


def test_every_part_code_has_its_chinese_text():
    from pbdocs.errors import PARTS
    from pbdocs.messages import PART_SECTIONS

    for name, english in PARTS.items():
        assert set(ZH.labels(PART_SECTIONS[name])) == set(english), name


@pytest.mark.parametrize("pattern,problem", [
    ("设立(党组织", "unterminated_subpattern"), ("a)", "unbalanced_parenthesis"), ("[ab", "unterminated_set"),
    ("*a", "nothing_to_repeat"), ("a**", "multiple_repeat"), (r"\q", "bad_escape"), ("[z-a]", "bad_range"),
    ("(?<=a+)b", "look_behind"), ("(?P=x)", "bad_group"),
])
def test_what_re_says_of_a_pattern_reads_as_a_problem_code(pattern, problem):
    from pbdocs.errors import regex_problem

    with pytest.raises(re.error) as info:
        re.compile(pattern)
    assert regex_problem(info.value) == problem
