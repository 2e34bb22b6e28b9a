"""The top-level API a Python user sees: one call per job, each returning the pipeline's records."""
from pathlib import Path

import pbdocs

SHARED = Path(__file__).resolve().parents[2] / "shared"


def test_check_reads_and_checks_a_charter():
    result = pbdocs.check(SHARED / "eval" / "charters" / "full-2019.txt")
    assert result.verdict == "compliant"
    assert result.as_dict()["findings"][0]["rule"] == "party-clause"


def test_check_of_an_unreadable_file_is_an_error_not_missing(tmp_path):
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    result = pbdocs.check(empty)
    assert result.verdict == "error"
    assert result.error == "empty file"


def test_ask_answers_from_the_bundled_corpus():
    result = pbdocs.ask("社会团体的章程应当包括哪些事项", k=3).as_dict()
    top = result["hits"][0]
    assert top["article"] == "第十四条"
    assert "社会团体登记管理条例" in top["title"]
    assert "章程的修改程序" in top["answer"]


def test_extract_is_the_function_even_after_every_subpackage_loads():
    import pbdocs.rules
    import pbdocs.screen
    import pbdocs.search

    doc = pbdocs.extract(SHARED / "eval" / "charters" / "full-2019.txt")
    assert isinstance(doc, pbdocs.Document)
    assert callable(pbdocs.check) and callable(pbdocs.ask)
