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
}


def main(corpus_dir: Path) -> None:
    written = write_requirements(corpus_dir)
    corpus = Corpus.load(corpus_dir)
    corpus.entries = [replace(e, effective=EFFECTIVE.get(e.id, e.effective)) for e in corpus.entries]
    corpus.infer_versions()
    corpus.save()
    superseded = [f"{e.id} -> {e.superseded_by}" for e in corpus.entries if e.superseded_by]
    print(f"{len(corpus.entries)} documents, {len(written)} generated; superseded: {', '.join(superseded) or 'none'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "corpus")
