"""Search on real questions people asked on public pages (eval/real_questions/questions.jsonl).

Usage: python benchmarks/real_questions.py [--questions FILE] [--index DIR] [--corpus DIR] [-k 10]
                                           [--json OUT] [--rows]

Each question is labelled with the document and article that govern it, answer strings a correct
passage contains, its kind and ``answerable``: whether the bundled corpus holds the answer. Over the
answerable questions the scorer reports R@1, R@5 and MRR@10 (a hit is right when its passage contains
an answer string, as ``pbdocs.search.evaluate`` counts it), the answer sentence at rank 1
(Answer@1), and how many confident first hits are wrong; over the unanswerable ones, how many are
abstained (not confident, or no hit). Figures per question kind follow. By default the bundled
corpus and its index are used, as ``pbdocs.open_searcher()`` opens them (built first when stale).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pbdocs import open_searcher  # noqa: E402
from pbdocs.search.evaluate import Question, evaluate  # noqa: E402

DEFAULT_QUESTIONS = REPO / "eval" / "real_questions" / "questions.jsonl"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(searcher, items: list[dict], k: int = 10) -> dict:
    """The figures above for ``items`` (rows of questions.jsonl) on ``searcher``."""
    answerable = [it for it in items if it["answerable"]]
    report = evaluate(searcher, [Question(it["q"], tuple(it["answers"])) for it in answerable], k=k)
    rows = []
    for it, row in zip(answerable, report.rows, strict=True):
        rows.append({**row, "id": it["id"], "kind": it["kind"], "answerable": True,
                     "confident_wrong": bool(row["confident"] and row["rank"] != 1)})
    abstained = 0
    for it in items:
        if it["answerable"]:
            continue
        result = searcher.search(it["q"], k=k)
        abstains = not result.hits or not result.confident
        abstained += abstains
        rows.append({"id": it["id"], "q": it["q"], "kind": it["kind"], "answerable": False,
                     "confident": result.confident, "abstained": abstains,
                     "top": result.hits[0].title if result.hits else None,
                     "answer": result.hits[0].answer if result.hits else None})
    unanswerable = len(items) - len(answerable)
    confident = sum(r["confident"] for r in rows if r["answerable"])
    figures = {
        **report.as_dict(),
        "confident": confident,
        "confident_wrong": sum(r["confident_wrong"] for r in rows if r["answerable"]),
        "unanswerable": unanswerable,
        "abstained": abstained,
    }
    return {"figures": figures, "by_kind": _by_kind(rows), "rows": rows}


def _by_kind(rows: list[dict]) -> dict:
    kinds: dict[str, dict] = defaultdict(lambda: {"n": 0, "R@1": 0, "R@5": 0, "Answer@1": 0})
    for r in rows:
        if not r["answerable"]:
            continue
        entry = kinds[r["kind"]]
        entry["n"] += 1
        entry["R@1"] += r["rank"] == 1
        entry["R@5"] += r["rank"] is not None and r["rank"] <= 5
        entry["Answer@1"] += r["answered"]
    return dict(sorted(kinds.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--index", type=Path, help="an index folder (default: the bundled corpus's)")
    parser.add_argument("--corpus", type=Path, help="the corpus folder the index is kept for")
    parser.add_argument("-k", type=int, default=10)
    parser.add_argument("--json", type=Path, help="write figures and per-question rows here")
    parser.add_argument("--rows", action="store_true", help="print one line per question")
    args = parser.parse_args(argv)

    searcher = open_searcher(args.index, args.corpus)
    result = score(searcher, load(args.questions), k=args.k)
    f = result["figures"]
    print(f"answerable {f['n']}: R@1 {f['R@1']:.2f}  R@5 {f['R@5']:.2f}  MRR@10 {f['MRR@10']:.2f}  "
          f"Answer@1 {f['Answer@1']:.2f}")
    print(f"confident {f['confident']}/{f['n']}, of which wrong first hit {f['confident_wrong']}")
    print(f"unanswerable {f['unanswerable']}: abstained {f['abstained']}")
    for kind, entry in result["by_kind"].items():
        print(f"  {kind:<12} n={entry['n']:<3} R@1 {entry['R@1']}/{entry['n']}  R@5 {entry['R@5']}/{entry['n']}  "
              f"Answer@1 {entry['Answer@1']}/{entry['n']}")
    if args.rows:
        for r in result["rows"]:
            mark = (f"rank={r['rank']} answered={r['answered']}" if r["answerable"]
                    else f"abstained={r['abstained']}")
            print(f"{r['id']} {mark} confident={r['confident']} top={r['top']} | {r['q']}")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
