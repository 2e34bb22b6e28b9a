"""The screening record and its names: one record read back as written, one way to name a member."""
from __future__ import annotations

import json
import os

import pytest

from pbdocs.errors import Notice, ReadError
from pbdocs.rules import CheckResult
from pbdocs.screen.records import ScreenRecord, member_label


def test_record_round_trips_through_json():
    record = ScreenRecord.of(CheckResult(path="a/章程.docx", verdict="partial", org_type="基金会", name="某基金会",
                                         ocr_pages=[2]))
    again = ScreenRecord.from_dict(json.loads(json.dumps(record.as_dict(), ensure_ascii=False)))
    assert again == record
    assert (again.path, again.verdict) == ("a/章程.docx", "partial")
    assert again.row["ocr_pages"] == [2] and again.check["name"] == "某基金会"


@pytest.mark.parametrize("data", [
    [], {"check": {}}, {"check": {}, "row": []}, {"check": {"path": "x"}, "row": {"path": "x"}},
    {"check": {}, "row": {"path": 3, "verdict": "error"}},
])
def test_from_dict_refuses_what_is_not_a_record(data):
    with pytest.raises(ValueError):
        ScreenRecord.from_dict(data)


def test_failed_record_is_an_error_row_with_the_reason():
    record = ScreenRecord.failed("批次.zip/坏.pdf", Notice.of("archive.encrypted"))
    assert record.verdict == "error"
    assert record.row["error"] == record.check["error"] == "encrypted archive member"
    assert (record.check["error_code"], record.check["error_text"]) == ("archive.encrypted", "压缩包中的加密文件")
    assert record.path == record.check["path"] == "批次.zip/坏.pdf"


def test_labelled_renames_the_document_and_its_error_message_and_leaves_the_original():
    scratch = "/tmp/pbdocs-doc-x/0003.pdf"
    encrypted = ReadError("read.pdf_password", path=scratch)
    record = ScreenRecord.failed(scratch, encrypted, error=f"{scratch}: encrypted PDF")
    named = record.labelled("章程/协会.pdf")
    assert named.path == named.check["path"] == "章程/协会.pdf"
    assert named.row["error"] == named.check["error"] == "章程/协会.pdf: encrypted PDF"
    assert named.check["error_fields"] == {"path": "章程/协会.pdf"}
    assert named.check["error_text"] == "PDF 已加密（需要密码）"
    assert record.path == scratch, "a record is a value: labelling makes a new one"


def test_member_label_joins_archive_and_member_with_a_slash():
    assert member_label("uploads/批次.zip", "一/章程.docx") == "uploads/批次.zip/一/章程.docx"
    assert member_label("批次.zip/", "a.txt") == "批次.zip/a.txt"
    assert member_label(os.path.join("in", "b.zip"), "a.txt") == "in/b.zip/a.txt"
