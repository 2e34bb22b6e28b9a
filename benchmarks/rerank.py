"""Quality and latency of the optional re-ranker (the ``rerank`` extra) on STARD, with and without.

Usage:
  python benchmarks/rerank.py --queries queries_dev.json --index DIR [--every 4] [--offset 0] [--limit N]
                              [--candidates 20 30] [--weights 0.3 0.5 0.7] [--cache VECTORS.npz]

``DIR`` is an index built by ``benchmarks/stard.py build``. When it has passage vectors
(``pbdocs index build --rerank``), they are used as they are. When it has none -- encoding the
64k articles of the STARD corpus takes hours on two shared cores -- only the passages that can be
re-ranked are encoded: the lexical top ``max(--candidates)`` of each question asked. Re-ranking
reads nothing else, so the figures are those a fully encoded index gives for these questions;
``--cache`` keeps those vectors between runs. Prints nDCG@10, R@10, R@100 and MRR@10 of lexical
search and of each (candidates, weight) setting, the time to encode a question on one thread and
the time a question takes with and without re-ranking. Data paths on the command line; nothing of
it is committed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _sample_vectors(searcher, ranked_lists, encoder, cache: Path | None):
    """Passage vectors for every pid in ``ranked_lists`` (others zero), in the stored layout. The
    cache is keyed by the encoded text, so it stays valid across rebuilds of the index."""
    import numpy as np

    from pbdocs.search.rerank import PassageVectors, _quantize, _row_dtype, passage_text

    wanted = sorted({pid for ranked in ranked_lists for pid in ranked})
    keys = {pid: _text_key(passage_text(searcher.reader.passage(pid))) for pid in wanted}
    known: dict[str, np.ndarray] = {}
    if cache is not None and cache.exists():
        stored = np.load(cache)
        known = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
    missing = [pid for pid in wanted if keys[pid] not in known]
    started = time.perf_counter()
    for start in range(0, len(missing), 64):
        chunk = missing[start:start + 64]
        vectors = encoder.passages([passage_text(searcher.reader.passage(pid)) for pid in chunk])
        known.update(zip([keys[pid] for pid in chunk], vectors, strict=True))
        done = start + len(chunk)
        rate = done / (time.perf_counter() - started)
        print(f"  encoded {done}/{len(missing)} passages ({rate:.1f}/s)", file=sys.stderr, flush=True)
        if cache is not None:
            names = sorted(known)
            np.savez(cache, keys=np.asarray(names), vectors=np.stack([known[k] for k in names]))
    rows = np.zeros(searcher.reader.n_passages, dtype=_row_dtype(encoder_dim(known)))
    rows["scale"] = 1.0
    if wanted:
        rows[np.asarray(wanted, dtype=np.int64)] = _quantize(np.stack([known[keys[p]] for p in wanted]))
    return PassageVectors(encoder.name, rows), len(missing), time.perf_counter() - started


def encoder_dim(known) -> int:
    return len(next(iter(known.values()))) if known else 384


def _figures(items, ranked_lists, searcher):
    from stard import _grade, metrics, relevant_articles

    totals = {"nDCG@10": 0.0, "R@10": 0.0, "R@100": 0.0, "MRR@10": 0.0}
    for item, ranked in zip(items, ranked_lists, strict=True):
        relevant = relevant_articles(item)
        grades = _grade([searcher.reader.passage(pid) for pid in ranked], relevant)
        for name, value in metrics(grades, len(relevant)).items():
            totals[name] += value
    return {name: value / max(len(items), 1) for name, value in totals.items()}


def _line(label: str, figures: dict[str, float]) -> str:
    return f"{label:<34}" + "  ".join(f"{k} {v:.4f}" for k, v in figures.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", required=True, help="STARD queries_dev.json")
    parser.add_argument("--index", required=True, help="an index built by benchmarks/stard.py build")
    parser.add_argument("--every", type=int, default=4, help="every Nth question (a spread-out sample)")
    parser.add_argument("--offset", type=int, default=0, help="start the sample at this question (another sample)")
    parser.add_argument("--limit", type=int, default=None, help="at most N questions (after --every)")
    parser.add_argument("--candidates", type=int, nargs="+", default=[20, 30])
    parser.add_argument("--weights", type=float, nargs="+", default=[0.3, 0.4, 0.5, 0.6, 0.7])
    parser.add_argument("--cache", type=Path, default=None, help="keep the sample's passage vectors here (.npz)")
    args = parser.parse_args(argv)

    from pbdocs.search import Searcher
    from pbdocs.search.rerank import PassageVectors, Reranker, default_encoder

    items = json.loads(Path(args.queries).read_text(encoding="utf-8"))[args.offset:: args.every][: args.limit]
    searcher = Searcher.load(args.index)
    encoder = default_encoder(threads=1)
    started = time.perf_counter()
    lexical = [[pid for pid, _ in searcher.rank(item["问题"], 100)] for item in items]
    lexical_ms = (time.perf_counter() - started) / len(items) * 1000
    print(_line(f"lexical (n={len(items)})", _figures(items, lexical, searcher)) + f"  {lexical_ms:.0f} ms/question")

    deepest = max(args.candidates)
    vectors = PassageVectors.load(searcher.reader.folder, searcher.reader.meta)
    if vectors is None:
        vectors, encoded, seconds = _sample_vectors(searcher, [r[:deepest] for r in lexical], encoder, args.cache)
        print(f"index without vectors: encoded the {encoded} passages of the sample's top {deepest} not cached "
              f"({encoded / seconds if seconds else 0:.1f} passages/s, one thread)" if encoded else
              f"index without vectors: the sample's top {deepest} passages came from {args.cache}")

    query_ms = []
    for item in items:
        t = time.perf_counter()
        encoder.queries([item["问题"]])
        query_ms.append((time.perf_counter() - t) * 1000)
    print(f"question encoding, one thread: median {statistics.median(query_ms):.0f} ms, "
          f"max {max(query_ms):.0f} ms")

    for candidates in args.candidates:
        for weight in args.weights:
            searcher.reranker = Reranker(vectors, encoder, candidates=candidates, weight=weight)
            t = time.perf_counter()
            ranked = [[pid for pid, _ in searcher.rank(item["问题"], 100)] for item in items]
            ms = (time.perf_counter() - t) / len(items) * 1000
            print(_line(f"re-ranked top {candidates}, weight {weight:.2f}", _figures(items, ranked, searcher))
                  + f"  {ms:.0f} ms/question", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
