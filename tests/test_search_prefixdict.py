"""The memory-mapped prefix dictionary segments exactly as jieba with its whole dictionary loaded."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from pbdocs.normalize import normalize
from pbdocs.search import tokenize
from pbdocs.search.corpus import PACKAGED_INDEX
from pbdocs.search.prefixdict import PrefixDict
from pbdocs.search.strtable import StringTable, write_string_table

from helpers import segmentation_texts


@pytest.fixture(scope="module")
def tokenizers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prefixdict")
    tokenize.write_prefix_dict(folder)
    return tokenize.jieba_tokenizer(), tokenize.jieba_tokenizer(folder), folder


def test_segmentation_matches_jieba_on_the_test_corpora(tokenizers):
    full, compact, _ = tokenizers
    texts = segmentation_texts()
    assert len(texts) > 100
    for text in texts:
        folded = normalize(text).text.lower()
        assert list(compact.cut_for_search(folded)) == list(full.cut_for_search(folded))
        assert list(compact.cut(folded)) == list(full.cut(folded))


def test_the_user_dictionary_is_in_it(tokenizers):
    full, compact, folder = tokenizers
    for term in tokenize.domain_terms():
        assert compact.FREQ.get(term) == full.FREQ[term] > 0
    assert compact.total == full.total
    assert len(PrefixDict(folder)) == len(full.FREQ)


def test_a_dictionary_for_another_tokenizer_is_not_taken(tmp_path, monkeypatch):
    tokenize.write_prefix_dict(tmp_path)
    meta = tmp_path / "prefixdict.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "fingerprint": "other"}))
    monkeypatch.setattr(tokenize, "_prefix_dict", [])
    tokenize._segmenter.cache_clear()
    try:
        assert not tokenize.use_prefix_dict(tmp_path)
        assert not tokenize.use_prefix_dict(tmp_path / "missing")
        assert tokenize._prefix_dict == []
    finally:
        tokenize._segmenter.cache_clear()


def test_string_table_finds_every_key_and_nothing_else(tmp_path):
    keys = ["社会组织", "党建", "a", "·党建", "#70%", "中华人民共和国慈善法"] + [f"词{i}" for i in range(500)]
    write_string_table(keys, tmp_path, "t")
    table = StringTable(tmp_path, "t")
    assert len(table) == len(keys)
    assert all(table.position(k) == i and table.key(i) == k for i, k in enumerate(keys))
    assert table.position("社会") is None and table.position("") is None and table.position("词500") is None


def test_colliding_keys_sit_where_a_probe_from_home_finds_them():
    from pbdocs.search.strtable import _slots

    # Six keys on home slot 3 of 16 and two on 14, which wrap around to 0 and 1.
    hashes = np.array([3, 3, 14, 3, 3, 14, 3, 3], dtype=np.uint64)
    table = _slots(hashes, 16)
    for key, home in enumerate(hashes.astype(int)):
        slot = home
        while table[slot] != key:
            assert table[slot] != -1, f"key {key} is not reachable from its home slot"
            slot = (slot + 1) % 16
    assert sorted(table[table >= 0].tolist()) == list(range(8))


def test_an_index_whose_dictionary_is_not_taken_leaves_one_in_the_cache_for_the_next_process(tmp_path):
    # Another jieba or user dictionary than the shipped index's was made with: the first process
    # loads jieba's own and writes the cache, the next one segments over the cache.
    index = tmp_path / "index"
    shutil.copytree(PACKAGED_INDEX, index)
    meta = index / "prefixdict" / "prefixdict.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "fingerprint": "another jieba"}))
    cache = tmp_path / "cache"
    code = (
        "from pbdocs import open_searcher; from pbdocs.search import tokenize; "
        f"s = open_searcher({str(index)!r}, prefix_cache={str(cache)!r}, dense=False); "
        "s.search('社会团体的登记管理机关是哪个部门'); print(tokenize._prefix_dict)"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert first.stdout.strip() == "[]" and (cache / "prefixdict.json").is_file()
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert second.stdout.strip() == f"[{cache!r}]"
