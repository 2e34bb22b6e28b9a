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
    """Every code the package gives an error class, with where (found by reading the source)."""
    classes = _error_classes()
    codes: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in classes \
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) \
                    and CODE.fullmatch(node.args[0].value):
                codes.setdefault(node.args[0].value, []).append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return codes


def test_every_code_the_package_raises_has_a_chinese_text():
    codes = raised_codes()
    assert len(codes) >= 2
    texts = ZH.labels("errors")
    assert not {code: where for code, where in codes.items() if code not in texts}
    han = re.compile(r"[\u4e00-\u9fff]")
    assert all(han.search(text) for text in texts.values())
