"""Collecting a batch: folders, junk files, and zip archives unpacked safely within limits."""
from __future__ import annotations

import csv
import os
import stat
import struct
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pbdocs.cli import cli
from pbdocs.files import sha256_file
from pbdocs.screen.inputs import ArchiveLimits, collect_sources

CHARTER = "某市书法家协会章程\n第一章 总则\n第一条 本会的名称是某市书法家协会。\n".encode()


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _zip(path: Path, members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_folders_are_walked_in_order_without_hidden_or_junk_files(tmp_path):
    root = tmp_path / "in"
    (root / "b").mkdir(parents=True)
    (root / ".git").mkdir()
    for rel in ("b/2.txt", "a.docx", ".hidden.txt", "~$lock.docx", "Thumbs.db", ".git/x.txt", "notes.xyz"):
        (root / rel).write_bytes(CHARTER)
    work = tmp_path / "work"
    work.mkdir()
    sources = collect_sources([str(root)], work)
    assert [s.display for s in sources] == [str(root / "a.docx"), str(root / "notes.xyz"), str(root / "b" / "2.txt")]
    assert sources[1].error.reason == "unsupported file type .xyz"
    assert sources[2].sha256 == sha256_file(root / "b" / "2.txt") and sources[2].local == str(root / "b" / "2.txt")
    assert _files_under(work) == []


@pytest.mark.parametrize("name, reason", [
    ("../escape.txt", "member path leaves the archive (..) refused"),
    ("ok/../../escape.txt", "member path leaves the archive (..) refused"),
    ("..\\escape.txt", "member path leaves the archive (..) refused"),
    ("/etc/cron.d/escape.txt", "absolute member path refused"),
    ("C:\\Windows\\escape.txt", "absolute member path refused"),
])
def test_members_leaving_the_work_dir_are_error_rows_and_never_written(tmp_path, name, reason):
    archive = _zip(tmp_path / "up.zip", {"good.txt": CHARTER, name: CHARTER})
    work = tmp_path / "work"
    work.mkdir()
    before = _files_under(tmp_path)
    sources = collect_sources([str(archive)], work)
    refused = [s for s in sources if s.error]
    assert len(sources) == 2 and len(refused) == 1
    assert refused[0].error.reason == reason and refused[0].local is None
    assert refused[0].display == f"{archive}/{zipfile.ZipInfo(name).filename}"
    written = sorted(set(_files_under(tmp_path)) - set(before))
    assert [p.parent for p in written] == [work / "zip0001"]
    assert written[0].read_bytes() == CHARTER


def test_symlink_and_nested_archive_members_are_refused(tmp_path):
    link = zipfile.ZipInfo("link.txt")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = tmp_path / "up.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(link, "/etc/passwd")
        zf.writestr("inner.zip", b"PK\x05\x06" + b"\x00" * 18)
    work = tmp_path / "work"
    work.mkdir()
    errors = {Path(s.display).name: s.error and s.error.reason for s in collect_sources([str(archive)], work)}
    assert errors == {"link.txt": "symbolic link member refused",
                      "inner.zip": "nested archive not opened; unpack it and screen its contents"}
    assert _files_under(work) == []


def test_gbk_member_names_from_chinese_windows_are_decoded(tmp_path):
    archive = tmp_path / "up.zip"
    raw_name = "党建/章程.txt".encode("gbk")
    placeholder = b"abcd/efgh.txt"
    assert len(placeholder) == len(raw_name)
    # zipfile always writes non-ASCII names as UTF-8; the GBK bytes are patched in afterwards,
    # without the UTF-8 flag, as Windows' built-in zip tool leaves them.
    _zip(archive, {placeholder.decode(): CHARTER})
    archive.write_bytes(archive.read_bytes().replace(placeholder, raw_name))
    work = tmp_path / "work"
    work.mkdir()
    (source,) = collect_sources([str(archive)], work)
    assert source.display == f"{archive}/党建/章程.txt" and source.error is None


def _bomb(path: Path, inflated: int, companion: bytes = CHARTER) -> Path:
    """A small ``readme.txt`` and one deflated member of ``inflated`` zero bytes, written in chunks
    to keep memory flat."""
    chunk = b"\x00" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", companion)
        with zf.open("bomb.txt", "w", force_zip64=True) as member:
            for _ in range(inflated // len(chunk)):
                member.write(chunk)
    return path


def test_zip_bomb_member_is_refused_from_its_header_before_inflating(tmp_path, monkeypatch):
    archive = _bomb(tmp_path / "bomb.zip", 64 << 20)
    assert archive.stat().st_size < 1 << 20
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open",
                        lambda self, name, *a, **k: opened.append(getattr(name, "filename", name)) or
                        real_open(self, name, *a, **k))
    work = tmp_path / "work"
    work.mkdir()
    sources = collect_sources([str(archive)], work, limits=ArchiveLimits(max_member_bytes=8 << 20))
    by_name = {Path(s.display).name: s for s in sources}
    assert by_name["bomb.txt"].error.reason == "member refused: inflates to 64 MB, over the 8 MB limit"
    assert by_name["readme.txt"].error is None
    assert opened == ["readme.txt"], "the bomb must not even be opened"
    assert sum(p.stat().st_size for p in _files_under(work)) == len(CHARTER)


def test_archive_over_the_total_limit_is_refused_whole(tmp_path):
    archive = _zip(tmp_path / "big.zip", {f"{i}.txt": b"\x00" * (1 << 20) for i in range(6)})
    work = tmp_path / "work"
    work.mkdir()
    (source,) = collect_sources([str(archive)], work, limits=ArchiveLimits(max_total_bytes=5 << 20))
    assert source.display == str(archive)
    assert source.error.reason == "archive refused: inflates to 6 MB, over the 5 MB limit"
    assert _files_under(work) == []


def test_archive_with_too_many_members_is_refused_whole(tmp_path):
    archive = _zip(tmp_path / "many.zip", {f"{i}.txt": CHARTER for i in range(12)})
    work = tmp_path / "work"
    work.mkdir()
    (source,) = collect_sources([str(archive)], work, limits=ArchiveLimits(max_members=10))
    assert source.error.reason == "archive refused: 12 members, over the limit of 10"


def _lie_about_size(archive: Path, member: str, claimed: int) -> None:
    """Rewrite the local and central headers of ``member`` to claim ``claimed`` inflated bytes."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, claimed)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + name_len].decode() == member:
            struct.pack_into("<I", data, central + 24, claimed)
        central = data.find(b"PK\x01\x02", central + 4)
    archive.write_bytes(bytes(data))


def test_member_whose_header_understates_its_size_is_not_written_past_the_claim(tmp_path):
    archive = _zip(tmp_path / "liar.zip", {"liar.txt": b"\x00" * (4 << 20)})
    _lie_about_size(archive, "liar.txt", 1000)
    work = tmp_path / "work"
    work.mkdir()
    (source,) = collect_sources([str(archive)], work, limits=ArchiveLimits(max_member_bytes=1 << 20))
    assert source.error is not None and source.error.code == "archive.cannot_unpack"
    assert _files_under(work) == []


def test_corrupt_archive_is_one_error_row(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    work = tmp_path / "work"
    work.mkdir()
    (source,) = collect_sources([str(bad)], work)
    assert source.display == str(bad) and source.error.code == "archive.unreadable"


def test_zip_bomb_in_a_batch_is_an_error_row_and_the_batch_goes_on(tmp_path):
    charter = (Path(__file__).parent / "data" / "screen" / "charters" / "海城市物流行业协会章程.txt").read_bytes()
    archive = _bomb(tmp_path / "bomb.zip", 210 << 20, charter)
    out = tmp_path / "out" / "r.csv"
    out.parent.mkdir()
    result = CliRunner().invoke(cli, ["screen", str(archive), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 3, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    # Worst first: the refused member, then the charter beside it.
    assert [(r["文件"], r["结论"]) for r in rows] == [(f"{archive}/bomb.txt", "无法读取"),
                                                   (f"{archive}/readme.txt", "合规")]
    assert rows[0]["错误"] == "压缩包中的文件解压后为 210 MB，超过 200 MB 的上限，已拒绝"
    assert os.listdir(out.parent) == ["r.csv"]


def test_a_file_named_twice_is_one_document(tmp_path, monkeypatch):
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_bytes(CHARTER)
    archive = _zip(tmp_path / "up.zip", {"b.txt": CHARTER})
    monkeypatch.chdir(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    sources = collect_sources(["in", "in/a.txt", "./in/a.txt", "up.zip", str(archive)], work)
    assert [s.display for s in sources] == [os.path.join("in", "a.txt"), "up.zip/b.txt"]
