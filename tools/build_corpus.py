"""(Re)build the bundled corpus in corpus/ from ../shared/seeds and ../shared/policies.

Usage: python tools/build_corpus.py [SHARED_DIR]

Metadata is parsed from each file; the table below only fills what the texts do not state.
"""
from __future__ import annotations

import sys
from pathlib import Path

from pbdocs.search.corpus import ingest

REPO = Path(__file__).resolve().parents[1]

# The saved page of this seed lost its headline; the body calls itself 实施办法 and cites 苏组发.
MISSING_METADATA = {
    "003_63aea367893a2ace.txt": {"title": "关于加强和改进社会组织党建工作的实施办法(江苏省某市)"},
    # Its title says who adopted it and when: 第十九次全国代表大会部分修改，2017年10月24日通过.
    "中国共产党章程_2017.txt": {"issuer": "中国共产党全国代表大会", "date": "2017-10-24"},
}


def main(argv: list[str]) -> int:
    shared = Path(argv[1]) if len(argv) > 1 else REPO.parent / "shared"
    corpus = REPO / "corpus"
    for sub in ("seeds", "policies"):
        for path in sorted((shared / sub).glob("*.txt")):
            entries = ingest([path], corpus, subdir=sub, overrides=MISSING_METADATA.get(path.name))
            for entry in entries:
                print(f"{entry.id}\t{entry.title}\t{entry.issuer}\t{entry.date}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
