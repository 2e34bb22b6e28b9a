"""The segmenter gives exactly jieba's words, with jieba's whole dictionary or the prefix dictionary."""
from __future__ import annotations

import pytest

from pbdocs.normalize import normalize
from pbdocs.search import tokenize
from pbdocs.search.prefixdict import PrefixDict
from pbdocs.search.segment import Segmenter

from helpers import segmentation_texts


@pytest.fixture(scope="module")
def reference():
    return tokenize.jieba_tokenizer()


@pytest.fixture(scope="module")
def texts():
    folded = [normalize(t).text.lower() for t in segmentation_texts()]
    assert len(folded) > 100
    # Raw text too: line breaks, spaces, Latin words, digits and punctuation take jieba's other paths.
    return folded + segmentation_texts()[:20]


def test_precise_and_search_mode_match_jieba(reference, texts):
    segmenter = Segmenter(reference.FREQ, reference.total)
    for text in texts:
        assert segmenter.cut(text) == list(reference.cut(text))
        assert segmenter.cut_for_search(text) == list(reference.cut_for_search(text))
    # Again from the block cache.
    assert all(segmenter.cut(text) == list(reference.cut(text)) for text in texts)


def test_over_the_prefix_dictionary_it_matches_jieba(reference, texts, tmp_path):
    tokenize.write_prefix_dict(tmp_path)
    prefix = PrefixDict(tmp_path)
    segmenter = Segmenter(prefix, prefix.total)
    for text in texts[::5]:
        assert segmenter.cut(text) == list(reference.cut(text))


@pytest.mark.parametrize("text", [
    "", " ", "\r\n", "a", "第一条", "abc123 def", "3.5%的比例", "共青团员和少先队员",
    # Runs of characters no dictionary word joins go to jieba's HMM.
    "龘靐齉爩", "某甲某乙某丙", "卡卡西鸣人佐助",
])
def test_edge_cases_match_jieba(reference, text):
    segmenter = Segmenter(reference.FREQ, reference.total)
    assert segmenter.cut(text) == list(reference.cut(text))
    assert segmenter.cut_for_search(text) == list(reference.cut_for_search(text))
