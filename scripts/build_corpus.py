"""Rebuild the bundled corpus's generated parts: python scripts/build_corpus.py [CORPUS_DIR]

- the requirement documents (corpus/requirements/), written from the built-in rule packs by
  pbdocs.search.requirements;
- the version fields of the manifest: version and effective read from each text where missing,
  superseded_by linked between same-titled documents, and the facts below that the texts do not state.

Documents themselves are added with `pbdocs ingest --corpus corpus FILE` (see README, "Policy search").
"""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from pbdocs.search.corpus import Corpus
from pbdocs.search.requirements import write_requirements

# Dates a consolidated text does not carry: it keeps the 施行 article of its first version.
EFFECTIVE = {
    # 全国人民代表大会常务委员会关于修改《中华人民共和国慈善法》的决定 (2023-12-29): 本决定自2024年9月5日起施行.
    "慈善法_2023修正": "2024-09-05",
    # A revision of the 党章 is in force from the day the congress adopts it.
    "中国共产党章程_2017": "2017-10-24",
}

# Status the corpus cannot infer because the newer version is not bundled: the 党章 in force is the
# text partially amended by the 二十大 (adopted 2022-10-22, in force that day); the 2017 text is kept
# for the provisions it shares with it, marked as no longer in force.
NOT_IN_FORCE = {"中国共产党章程_2017"}

# How a document is cited where its text's own heading says more than its title: the 党章's heading
# carries the congress that amended it (第十九次全国代表大会部分修改，2017年10月24日通过, in force on
# adoption), which the citation gives as the version: 《中国共产党章程》(2017) 第三十条.
CITED_AS = {"中国共产党章程_2017": {"title": "中国共产党章程", "version": "2017"}}


def main(corpus_dir: Path) -> None:
    written = write_requirements(corpus_dir)
    corpus = Corpus.load(corpus_dir)
    corpus.entries = [replace(e, effective=EFFECTIVE.get(e.id, e.effective),
                              in_force=False if e.id in NOT_IN_FORCE else e.in_force,
                              **CITED_AS.get(e.id, {}))
                      for e in corpus.entries]
    corpus.infer_versions()
    corpus.save()
    superseded = [f"{e.id} -> {e.superseded_by}" for e in corpus.entries if e.superseded_by]
    print(f"{len(corpus.entries)} documents, {len(written)} generated; superseded: {', '.join(superseded) or 'none'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "corpus")
