"""Learn the question adapter the package ships: a linear map of e5 question vectors.

Usage: python scripts/train_query_adapter.py --stard-index DIR [--stard-queries FILE]
                                             [--out pbdocs/data/search] [--steps 150] [--lam 0.03]
                                             [--stard-start 0] [--stard-every 2] [--also SET.jsonl ...]

e5 places a lay question (协会注销资产怎么处理) far from the article that answers it (剩余财产的处理);
a 384 x 384 matrix, started at the identity, is fitted so that each labelled question's vector,
mapped by it, is closer to the passages that answer it than to the passages ranked near them
(softmax over the answer and its hard negatives: the dense top 100 and the hybrid top 50, at
temperature ``--tau``), with ``--lam`` times the squared distance from the identity as penalty.
Only the question side moves: the passage vectors of every index stay as encoded.

Questions learned from:
- the development sets of real questions (``eval/real_questions``: questions, dev2, dev3, dev4) and
  the lay questions of ``tests/data/search/lay_questions.jsonl``, on the shipped index;
- the first, third, fifth... question of STARD's development half (``--stard-queries``), on the
  national laws (``--stard-index``: an index made by ``benchmarks/stard.py build`` and ``encode
  --sentences``), so that the other half measures it on questions it never saw.

``--also`` adds further labelled sets, ``--stard-every 1`` all of STARD's questions: the adapter that
ships was learned without them (docs/evaluation.md says what they did). Write such an experiment
elsewhere (``--out DIR``) and score it with ``benchmarks/answers.py --adapter DIR`` and
``benchmarks/stard.py eval --adapter DIR``.

The held-out sets (``heldout``, ``heldout2``, ``lay_questions_heldout``, ``knowledge_questions``,
``qa_dev``) are never read. It writes ``query_adapter.npy`` and ``query_adapter.json`` (the model, the
settings, what it learned from and the matrix's SHA-256) into ``--out``. Run it again after changing
those sets' labels, or the shipped index's passages, and commit both files. It needs the ``rerank``
extra and takes a few minutes on two cores.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

TRAINING_SETS = [REPO / "eval" / "real_questions" / name
                 for name in ("questions.jsonl", "dev2.jsonl", "dev3.jsonl", "dev4.jsonl")]
TRAINING_SETS.append(REPO / "tests" / "data" / "search" / "lay_questions.jsonl")
# Hard negatives per question: the passages the model itself puts near it.
_DENSE_NEGATIVES = 100
_HYBRID_NEGATIVES = 50


def labelled(path: Path) -> list[tuple[str, list[str]]]:
    """(question, answers) of the answerable questions of a set."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            if item.get("answerable", True) and item.get("answers"):
                out.append((item["q"], item["answers"]))
    return out


def unit(vector: np.ndarray) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float64)
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


def bundled_examples(searcher, sets: list[Path]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    from pbdocs.search.evaluate import contains_answer
    from pbdocs.search.query import Query
    from pbdocs.search.rerank import _unit_rows

    passages = _unit_rows(searcher.dense.vectors.rows).astype(np.float64)
    texts = [searcher.reader.passage(i).text for i in range(searcher.reader.n_passages)]
    examples = []
    for path in sets:
        for question, answers in labelled(path):
            gold = [i for i, text in enumerate(texts) if contains_answer(text, answers)]
            if not gold:
                continue
            vector = unit(searcher.dense.encode(Query.parse(question).meant))
            near = set(np.argsort(-(passages @ vector))[:_DENSE_NEGATIVES].tolist())
            near |= {pid for pid, _ in searcher.rank(question, _HYBRID_NEGATIVES)}
            examples.append(_example(vector, passages, gold, near))
    return examples


def stard_examples(searcher, items: list[dict]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    from stard import law_key, relevant_articles

    from pbdocs.legal import article_number
    from pbdocs.search.query import Query
    from pbdocs.search.rerank import _unit_rows

    by_article: dict[tuple[str, int], list[int]] = {}
    for pid in range(searcher.reader.n_passages):
        p = searcher.reader.passage(pid)
        number = article_number(p.article) if p.article else None
        if number is not None:
            by_article.setdefault((law_key(p.title), number), []).append(pid)
    passages = _unit_rows(searcher.dense.vectors.rows)
    examples = []
    for item in items:
        gold = sorted({pid for key, _ in relevant_articles(item) if key for pid in by_article.get(key, [])})
        if not gold:
            continue
        vector = unit(searcher.dense.encode(Query.parse(item["问题"]).meant))
        near = set(np.argsort(-(passages @ vector.astype(np.float32)))[:_DENSE_NEGATIVES].tolist())
        examples.append(_example(vector, passages, gold, near))
    return examples


def _example(vector, passages, gold, near):
    candidates = list(gold) + sorted(set(near) - set(gold))
    is_gold = np.zeros(len(candidates))
    is_gold[:len(gold)] = 1.0
    return vector, np.asarray(passages[candidates], dtype=np.float64), is_gold


def loss_and_gradient(matrix, examples, tau: float, lam: float):
    """Mean -log P(an answer | question) over the examples, plus lam * ||matrix - I||^2."""
    loss, gradient = 0.0, np.zeros_like(matrix)
    for vector, candidates, is_gold in examples:
        mapped = matrix @ vector
        norm = np.linalg.norm(mapped)
        direction = mapped / norm
        scores = candidates @ direction / tau
        scores -= scores.max()
        p = np.exp(scores)
        p /= p.sum()
        p_gold = float(p @ is_gold)
        loss -= np.log(p_gold + 1e-12)
        d_direction = candidates.T @ (p - p * is_gold / (p_gold + 1e-12)) / tau
        d_mapped = (d_direction - direction * (direction @ d_direction)) / norm
        gradient += np.outer(d_mapped, vector)
    loss, gradient = loss / len(examples), gradient / len(examples)
    drift = matrix - np.eye(len(matrix))
    return loss + lam * float((drift * drift).sum()), gradient + 2 * lam * drift


def fit(examples, *, dims: int, tau: float, lam: float, steps: int, rate: float) -> np.ndarray:
    """Adam from the identity, a fixed number of full-batch steps: the same data gives the same matrix."""
    matrix = np.eye(dims)
    first, second = np.zeros_like(matrix), np.zeros_like(matrix)
    for step in range(1, steps + 1):
        loss, gradient = loss_and_gradient(matrix, examples, tau, lam)
        first = 0.9 * first + 0.1 * gradient
        second = 0.999 * second + 0.001 * gradient * gradient
        matrix -= rate * (first / (1 - 0.9 ** step)) / (np.sqrt(second / (1 - 0.999 ** step)) + 1e-8)
        if step % 25 == 0 or step == steps:
            print(f"step {step}: loss {loss:.4f}", flush=True)
    return matrix


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stard-index", type=Path, required=True)
    parser.add_argument("--stard-queries", type=Path,
                        default=REPO.parent.parent / "shared" / "eval" / "stard" / "queries_dev.json")
    parser.add_argument("--stard-start", type=int, default=0, help="the first STARD question learned from")
    parser.add_argument("--stard-every", type=int, default=2, help="every Nth STARD question from there")
    parser.add_argument("--also", type=Path, nargs="*", default=[], help="further labelled sets to learn from")
    parser.add_argument("--out", type=Path, default=REPO / "pbdocs" / "data" / "search")
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--tau", type=float, default=0.02)
    parser.add_argument("--lam", type=float, default=0.03)
    parser.add_argument("--rate", type=float, default=0.002)
    args = parser.parse_args(argv)

    from pbdocs.files import atomic_path
    from pbdocs.search import Searcher
    from pbdocs.search.corpus import PACKAGED_INDEX
    from pbdocs.search.rerank import ADAPTER, ADAPTER_META

    bundled = Searcher.load(PACKAGED_INDEX)
    stard = Searcher.load(args.stard_index)
    if bundled.dense is None or stard.dense is None:
        print("both indexes need their passage vectors and the rerank extra", file=sys.stderr)
        return 2
    # Negatives and vectors are the model's own: an adapter already installed is not applied.
    bundled.dense.adapter = stard.dense.adapter = None
    items = json.loads(args.stard_queries.read_text(encoding="utf-8"))[args.stard_start::args.stard_every]
    sets = TRAINING_SETS + [path.resolve() for path in args.also]
    examples = bundled_examples(bundled, sets)
    n_bundled = len(examples)
    examples += stard_examples(stard, items)
    print(f"{n_bundled} bundled-corpus questions and {len(examples) - n_bundled} STARD questions", flush=True)
    dims = len(examples[0][0])
    matrix = fit(examples, dims=dims, tau=args.tau, lam=args.lam, steps=args.steps, rate=args.rate)
    args.out.mkdir(parents=True, exist_ok=True)
    with atomic_path(args.out / ADAPTER, shared=True) as tmp, tmp.open("wb") as fh:
        np.save(fh, matrix.astype(np.float32))
    meta = {
        "model": bundled.dense.encoder.name,
        "dims": dims,
        "sha256": _sha(args.out / ADAPTER),
        "settings": {"steps": args.steps, "tau": args.tau, "lam": args.lam, "rate": args.rate,
                     "dense_negatives": _DENSE_NEGATIVES, "hybrid_negatives": _HYBRID_NEGATIVES},
        "learned_from": {
            **{_shown(p): {"sha256": _sha(p), "questions": len(labelled(p))} for p in sets},
            f"STARD queries_dev.json, every {args.stard_every} from question {args.stard_start}": {
                "sha256": _sha(args.stard_queries), "questions": len(items)},
        },
        "examples": {"bundled": n_bundled, "stard": len(examples) - n_bundled},
    }
    with atomic_path(args.out / ADAPTER_META, shared=True) as tmp:
        tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out / ADAPTER} and {ADAPTER_META}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
