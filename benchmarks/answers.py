"""Answers to real questions on the bundled corpus: lexical against hybrid, and honest confidence.

Usage:
  python benchmarks/answers.py [--index DIR] [--sets FILE.jsonl ...] [--offtopic FILE]
                               [--weights 0 0.3 0.5 0.7] [--rows OUT.jsonl] [--startups 5]
                               [--no-adapter | --adapter DIR]

Every set is JSON Lines of ``{"q", "answers": [...]}`` (an empty ``answers`` list: the corpus
cannot answer it). A hit is right when its passage holds one of the answers (whitespace and
punctuation ignored, :mod:`pbdocs.search.evaluate`). Per set and per dense weight (0 = lexical),
prints R@1, R@5, MRR@10, Answer@1 (the first hit's answer sentence holds the answer), how many
answers are confident, how many of the answerable ones have a wrong first hit, the precision of
confident answers (a confident answer to an unanswerable question counts as wrong), and how many
unanswerable questions (and off-topic ones) are abstained on. Defaults: the shipped index of the
bundled corpus, the real-question development and held-out sets (``eval/real_questions``) when present,
``tests/data/search``'s sets and off-topic questions. ``--no-adapter`` measures hybrid search
without the question adapter (pbdocs.search.rerank.load_adapter), which learned from the
development and lay sets: their figures with it are in sample. ``--adapter DIR`` reads the adapter
from ``DIR`` instead (one ``scripts/train_query_adapter.py --out DIR`` wrote), to measure a new one
before it ships.

``--startups N`` also times whole processes, alternated, median of N each, run from a temporary
folder with an empty cache: ``pbdocs search`` on the bundled corpus (hybrid, and ``--no-rerank``)
against the floor ``python -c "import numpy, scipy.sparse"``, and says whether the searches built an
index or wrote anything into the cache (they should not: the shipped index and its segmenter's
dictionary answer).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_SETS = [REPO / "eval" / "real_questions" / "questions.jsonl",
                REPO / "eval" / "real_questions" / "dev2.jsonl",
                REPO / "eval" / "real_questions" / "dev3.jsonl",
                REPO / "eval" / "real_questions" / "dev4.jsonl",
                REPO / "eval" / "real_questions" / "dev5.jsonl",
                REPO / "eval" / "real_questions" / "dev6.jsonl",
                REPO / "eval" / "real_questions" / "dev7.jsonl",
                REPO / "eval" / "real_questions" / "dev8.jsonl",
                REPO / "eval" / "real_questions" / "dev9.jsonl",
                REPO / "eval" / "real_questions" / "dev10.jsonl",
                REPO / "eval" / "real_questions" / "dev11.jsonl",
                REPO / "eval" / "real_questions" / "dev12.jsonl",
                REPO / "eval" / "real_questions" / "dev13.jsonl",
                REPO / "eval" / "real_questions" / "dev14.jsonl",
                REPO / "eval" / "real_questions" / "dev15.jsonl",
                REPO / "eval" / "real_questions" / "heldout.jsonl",
                REPO / "eval" / "real_questions" / "heldout2.jsonl",
                REPO / "eval" / "real_questions" / "heldout3.jsonl",
                REPO / "eval" / "real_questions" / "heldout4.jsonl",
                REPO / "eval" / "real_questions" / "heldout5.jsonl",
                REPO / "eval" / "real_questions" / "heldout6.jsonl",
                REPO / "eval" / "real_questions" / "heldout7.jsonl",
                REPO / "tests" / "data" / "search" / "lay_questions.jsonl",
                REPO / "tests" / "data" / "search" / "lay_questions_heldout.jsonl",
                REPO / "tests" / "data" / "search" / "knowledge_questions.jsonl",
                REPO.parent.parent / "shared" / "eval" / "qa_dev.jsonl"]


def _load(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            answerable = item.get("answerable", True)
            rows.append({"q": item.get("q") or item.get("question"),
                         "answers": (item.get("answers") or []) if answerable else []})
    return rows


def grade(searcher, questions: list[dict], k: int = 10) -> tuple[dict, list[dict]]:
    from pbdocs.search.evaluate import contains_answer

    n_ans = r1 = r5 = mrr = a1 = conf_wrong = conf_right = 0
    n_unans = abstained = conf_unans = 0
    rows = []
    for item in questions:
        result = searcher.search(item["q"], k=k)
        answers = item["answers"]
        rank = next((h.rank for h in result.hits if answers and contains_answer(h.text, answers)), None)
        row = {"q": item["q"], "rank": rank, "confident": result.confident,
               "top": f"{result.hits[0].title} {result.hits[0].article or ''}" if result.hits else None,
               "answer": result.hits[0].answer[:80] if result.hits else None}
        rows.append(row)
        if not answers:
            n_unans += 1
            abstained += not result.confident
            conf_unans += result.confident
            continue
        n_ans += 1
        r1 += rank == 1
        r5 += rank is not None and rank <= 5
        mrr += 1.0 / rank if rank and rank <= 10 else 0.0
        a1 += bool(result.hits) and contains_answer(result.hits[0].answer, answers)
        if result.confident:
            conf_right += rank == 1
            conf_wrong += rank != 1
    n = max(n_ans, 1)
    # Precision of confident answers: a confident answer to a question the corpus cannot answer is wrong.
    confident = conf_right + conf_wrong + conf_unans
    figures = {"n": n_ans, "R@1": round(r1 / n, 3), "R@5": round(r5 / n, 3), "MRR@10": round(mrr / n, 3),
               "Answer@1": round(a1 / n, 3), "confident": confident, "confident_wrong": conf_wrong,
               "precision": round(conf_right / confident, 3) if confident else None,
               "unanswerable": n_unans, "abstained": abstained}
    return figures, rows


def startup(runs: int) -> None:
    import os
    import statistics
    import subprocess
    import tempfile
    import time

    question = "社会团体多久召开一次会员大会"
    commands = {
        "floor: python -c 'import numpy, scipy.sparse'": [sys.executable, "-c", "import numpy, scipy.sparse"],
        "pbdocs search (hybrid)": [sys.executable, "-m", "pbdocs", "search", question, "-k", "3"],
        "pbdocs search --no-rerank": [sys.executable, "-m", "pbdocs", "search", question, "-k", "3", "--no-rerank"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    checkout_index = REPO / "index" / "bundled" / "meta.json"
    before = checkout_index.stat().st_mtime if checkout_index.exists() else None
    with tempfile.TemporaryDirectory(prefix="pbdocs-startup-") as tmp:
        env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(Path(tmp) / "cache"),
               "XDG_DATA_HOME": str(Path(tmp) / "data")}
        for _ in range(runs):
            for name, command in commands.items():
                started = time.perf_counter()
                done = subprocess.run(command, cwd=tmp, env=env, capture_output=True, text=True)
                times[name].append(time.perf_counter() - started)
                if done.returncode != 0:
                    raise SystemExit(f"{name} failed: {done.stderr}")
        after = checkout_index.stat().st_mtime if checkout_index.exists() else None
        cache = Path(tmp) / "cache" / "pbdocs"
        built = (cache / "index").exists() or after != before
        written = sorted(p.name for p in cache.iterdir()) if cache.exists() else []
    floor = statistics.median(times[next(iter(commands))])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"start-up {name:48} {median:.2f} s  ({median / floor:.2f}x the floor; median of {runs})")
    first = times["pbdocs search (hybrid)"][0]
    print(f"start-up: the first search with an empty cache {first:.2f} s ({first / floor:.2f}x the floor); "
          f"the searches {'built an index' if built else 'built no index'} and wrote "
          f"{'into the cache: ' + ', '.join(written) if written else 'nothing into the cache'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--sets", type=Path, nargs="*", default=None)
    parser.add_argument("--offtopic", type=Path, default=REPO / "tests" / "data" / "search" / "offtopic.txt")
    parser.add_argument("--weights", type=float, nargs="*", default=None)
    parser.add_argument("--rows", type=Path, default=None)
    parser.add_argument("--startups", type=int, default=0)
    parser.add_argument("--no-adapter", action="store_true", help="hybrid without the question adapter")
    parser.add_argument("--adapter", type=Path, default=None, help="the question adapter of this folder")
    args = parser.parse_args(argv)
    if args.startups:
        startup(args.startups)

    from pbdocs.search import Searcher
    from pbdocs.search.corpus import PACKAGED_INDEX

    searcher = Searcher.load(args.index or PACKAGED_INDEX)
    print(f"index {args.index or PACKAGED_INDEX}: {searcher.reader.n_passages} passages, {searcher.mode}")
    dense = searcher.dense
    if dense is not None and (args.no_adapter or args.adapter):
        from pbdocs.search.rerank import load_adapter

        dense.adapter = None if args.no_adapter else load_adapter(dense.encoder.name, args.adapter)
        if args.adapter and dense.adapter is None:
            print(f"{args.adapter}: no question adapter for {dense.encoder.name} there", file=sys.stderr)
            return 2
    weights = args.weights if args.weights is not None else ([0.0, searcher.dense_weight] if dense else [0.0])
    sets = [p for p in (args.sets or DEFAULT_SETS) if p.is_file()]
    offtopic = [q for q in args.offtopic.read_text(encoding="utf-8").split() if q] if args.offtopic.is_file() else []
    out_rows = []
    for weight in weights:
        searcher.dense = dense if weight > 0 else None
        searcher.dense_weight = weight
        label = "lexical" if weight == 0 else f"hybrid w={weight}"
        real = {"confident": 0, "right": 0, "unanswerable": 0, "abstained": 0, "answerable": 0, "unsure": 0}
        for path in sets:
            items = _load(path)
            figures, rows = grade(searcher, items)
            print(f"{label:14} {path.name:34} " + " ".join(f"{k}={v}" for k, v in figures.items()))
            out_rows.extend({"set": path.name, "weight": weight, **r} for r in rows)
            if path.parent.name == "real_questions":
                for item, row in zip(items, rows, strict=True):
                    real["confident"] += row["confident"]
                    if item["answers"]:
                        real["answerable"] += 1
                        real["right"] += row["confident"] and row["rank"] == 1
                        real["unsure"] += not row["confident"]
                    else:
                        real["unanswerable"] += 1
                        real["abstained"] += not row["confident"]
        if real["confident"] or real["unanswerable"]:
            # The confidence figures over every real-question set at once (docs/evaluation.md).
            print(f"{label:14} {'real questions together':34} confident={real['confident']} right={real['right']} "
                  f"precision={round(real['right'] / max(real['confident'], 1), 3)} "
                  f"abstained={real['abstained']}/{real['unanswerable']} unsure={real['unsure']}/{real['answerable']}")
        if offtopic:
            confident = sum(searcher.search(q).confident for q in offtopic)
            print(f"{label:14} {'off-topic':34} abstained={len(offtopic) - confident}/{len(offtopic)}")
    if args.rows:
        args.rows.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out_rows), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
