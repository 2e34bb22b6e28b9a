"""The bundled texts themselves: the 2022 党章 as scripts/build_corpus.py establishes it, and article
numbering (or point numbering, 一、二、…) of every bundled regulation."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from pbdocs.legal import parse_numeral
from pbdocs.search.corpus import Corpus, body_start

REPO = Path(__file__).resolve().parents[1]
ARTICLE = re.compile(r"^第([一二三四五六七八九十百零〇]+)条[　 ]", re.M)
# A State Council notice numbers its points 一、二、… instead of articles.
POINT = re.compile(r"^([一二三四五六七八九十]+)、", re.M)


def _build_corpus_script():
    spec = importlib.util.spec_from_file_location("build_corpus", REPO / "scripts" / "build_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bundled_2022_party_constitution_is_what_the_build_script_establishes():
    script = _build_corpus_script()
    text_2017 = (REPO / "corpus" / "policies" / "中国共产党章程_2017.txt").read_text(encoding="utf-8")
    bundled = (REPO / "corpus" / "policies" / "中国共产党章程_2022.txt").read_text(encoding="utf-8")
    assert script.party_constitution_2022(text_2017) == bundled
    body = bundled[body_start(bundled):]
    assert [parse_numeral(n) for n in ARTICLE.findall(body)] == list(range(1, 56))
    assert len(re.findall(r"^第[一二三四五六七八九十]+章　", body, re.M)) == 11
    assert "总纲" not in body
    for _, old, new, _ in script.PARTY_CONSTITUTION_2022:
        assert new in body and old not in body.replace(new, "")
    # each passage whose 2022 wording no source states is marked, none is left in its 2017 wording
    assert body.count("……") == len(script.PARTY_CONSTITUTION_2022_UNSTATED)
    for number, opening, _ in script.PARTY_CONSTITUTION_2022_UNSTATED:
        assert re.sub(r"^（[一二三四五六七八九十]+）", "", opening) not in body, number


@pytest.mark.parametrize("entry", [e for e in Corpus.load(REPO / "corpus").entries if e.file.startswith("policies/")],
                         ids=lambda e: e.id)
def test_bundled_regulations_number_their_articles_without_gaps(entry):
    text = (REPO / "corpus" / entry.file).read_text(encoding="utf-8")
    body = text[body_start(text):]
    numbers = [parse_numeral(n) for n in ARTICLE.findall(body) or POINT.findall(body)]
    assert numbers, f"{entry.id}: neither articles nor numbered points"
    # a code's book (民法典 总则编) starts where the book starts; the rest start at 第一条
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), entry.id
