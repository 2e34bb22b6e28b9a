"""Definition questions over the corpus's own definitions.

Usage: python benchmarks/definitions.py [--index DIR] [--rows]

Every 所称X，是指 of an indexed passage (本法所称慈善组织，是指……) gives two questions in everyday
form, 什么是X and X是什么意思. A hit is right when its text holds the defining clause 所称X itself: the
article defining 境外基金会 does not answer 基金会是什么意思. Each term is asked once, as first met
(the in-force and superseded versions of a law define it alike). Prints R@1 and R@5 over all of
them, keyword-only search alongside the default, so the method's gain is read against its own
lexical floor in the same run.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pbdocs import open_searcher  # noqa: E402
from pbdocs.normalize import normalize  # noqa: E402
from pbdocs.search.evaluate import Question, evaluate  # noqa: E402
from pbdocs.search.question import defined_terms  # noqa: E402

_FORMS = ("什么是{}", "{}是什么意思")


def probes(searcher) -> list[Question]:
    """Two questions per term the corpus defines, each answered by the passage that defines it."""
    seen: set[str] = set()
    out: list[Question] = []
    for pid in range(searcher.reader.n_passages):
        for term in defined_terms(normalize(searcher.reader.passage(pid).text).text):
            if len(term) < 2 or term in seen:
                continue
            seen.add(term)
            out.extend(Question(form.format(term), (f"所称{term}",)) for form in _FORMS)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--rows", action="store_true", help="print every question not answered first")
    args = parser.parse_args(argv)
    searcher = open_searcher(args.index) if args.index else open_searcher()
    questions = probes(searcher)
    dense = searcher.dense
    for mode in ("keywords only", "default"):
        searcher.dense = None if mode == "keywords only" else dense
        if mode == "default" and dense is None:
            continue
        report = evaluate(searcher, questions)
        print(f"{mode:14} {len(questions)} questions  R@1 {report.r_at_1:.3f}  R@5 {report.r_at_5:.3f}")
        if args.rows:
            for row in report.rows:
                if row["rank"] != 1:
                    print(f"   rank {row['rank']}: {row['q']}  (first: {row['top']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
