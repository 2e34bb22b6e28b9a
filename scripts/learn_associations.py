"""Learn which words of lay questions go with which words of the articles that answer them.

Usage: python scripts/learn_associations.py [--queries STARD/queries_dev.json]
                                            [--out pbdocs/data/search/associations.txt]
                                            [--every N] [--start I]

Reads the STARD development half (real lay legal questions, each with the statute articles that
answer it; MIT licence, github.com/oneal2000/STARD) and, for every word of a question absent from
its articles, counts the article words absent from the question. A pair is kept when the lay word
occurs in at least ``--min-questions`` questions, the article word comes with it in at least
``--min-share`` of them, and it does so at least ``--min-lift`` times more often than in articles
at large. Each lay word keeps its ``--per-word`` strongest article words. The result is package
data read by :func:`pbdocs.search.tokenize.associations`; queries weigh these words below the
question's own words and below the hand-made expansion table (``synonyms.txt``). Learned on the
development half only: the other half stays for evaluation.

``--every 2 --start 0`` learns from every other question only, so that ``benchmarks/stard.py eval
--associations FILE --every 2 --start 1`` measures the other half on words it never learned from (the
shipped table is learned from all 772: that half is in sample for it).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=Path,
                        default=REPO.parent.parent / "shared" / "eval" / "stard" / "queries_dev.json")
    parser.add_argument("--out", type=Path, default=REPO / "pbdocs" / "data" / "search" / "associations.txt")
    parser.add_argument("--min-questions", type=int, default=5)
    parser.add_argument("--min-share", type=float, default=0.34)
    parser.add_argument("--min-lift", type=float, default=8.0)
    parser.add_argument("--per-word", type=int, default=2)
    parser.add_argument("--every", type=int, default=1, help="every Nth question only")
    parser.add_argument("--start", type=int, default=0, help="the first question learned from")
    args = parser.parse_args(argv)

    from pbdocs.normalize import normalize
    from pbdocs.search.question import analyze
    from pbdocs.search.tokenize import query_stopwords, words

    stop = query_stopwords()
    items = json.loads(args.queries.read_text(encoding="utf-8"))[args.start::args.every]

    def content(text: str) -> set[str]:
        return {w for w in words(text, normalized=True) if len(w) >= 2 and w not in stop
                and not any(ch.isdigit() for ch in w)}

    lay_count: Counter[str] = Counter()
    pair_count: dict[str, Counter[str]] = defaultdict(Counter)
    article_df: Counter[str] = Counter()
    n_articles = 0
    for item in items:
        question = analyze(normalize(item["问题"]).text)[0]
        lay = content(question)
        article_words: set[str] = set()
        for text in item["相关法规"].values():
            found = content(normalize(text).text)
            article_df.update(found)
            n_articles += 1
            article_words |= found
        for word in lay - article_words:
            lay_count[word] += 1
            pair_count[word].update(article_words - lay)
    lines = []
    for word, n in sorted(lay_count.items()):
        if n < args.min_questions:
            continue
        scored = []
        for other, together in pair_count[word].items():
            share = together / n
            lift = share / (article_df[other] / n_articles)
            if share >= args.min_share and lift >= args.min_lift:
                scored.append((share * math.log(lift), other))
        best = [other for _, other in sorted(scored, reverse=True)[: args.per_word]]
        if best:
            lines.append(f"{word}\t{','.join(best)}")
    header = ("# Lay question word<TAB>article words that answer it (comma separated), learned by\n"
              "# scripts/learn_associations.py from the STARD development half (MIT licence,\n"
              "# github.com/oneal2000/STARD). Queries weigh them below their own words. Do not edit: rerun.\n"
              f"# {len(items)} questions; --min-questions {args.min_questions} --min-share {args.min_share} "
              f"--min-lift {args.min_lift} --per-word {args.per_word}\n")
    args.out.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(lines)} lay words from {len(items)} questions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
