"""Search quality on STARD: real lay legal questions against the national laws, one article each.

Usage:
  python benchmarks/stard.py build --laws ARCHIVE_OR_FOLDER --index DIR [--processes 2]
  python benchmarks/stard.py eval --queries queries_dev.json --index DIR [--limit N] [--every N]
                                  [--start N] [--no-adapter | --adapter DIR] [--disable FACTOR ...] [--each-factor]
                                  [--associations FILE] [--rows OUT.jsonl]

``build`` picks the corpus the STARD README describes out of the LawRefBook archive (or an
unpacked copy): every law outside ``DLC/`` (local regulations) and ``案例/`` (cases), the newest
version of each when several are dated (``民事诉讼法(2021-12-24).md`` loses to its 2023 version),
and indexes it with pbdocs' own ``build``: one passage per 第X条. Nothing is written into the
repository; the archive is unpacked into a temporary folder.

``eval`` asks every question (``问题``) and grades the hits against its relevant articles
(``相关法规``: "law name" + 第X条): a hit is relevant when its law title (中华人民共和国 and
parenthesized additions dropped) and article number match, or when its text is the article's
text. Several passages of one article count once. Prints nDCG@10 (binary gains), R@10, R@100 and
MRR@10; ``--each-factor`` also measures the searcher with each score factor switched off.
The question adapter (pbdocs.search.rerank.load_adapter) learned from the first, third, fifth...
question: ``--every 2 --start 1`` measures on the other half, ``--no-adapter`` without it,
``--adapter DIR`` with the one ``scripts/train_query_adapter.py --out DIR`` wrote. The shipped word
associations learned from all 772 questions; ``--associations FILE`` reads a table that
``scripts/learn_associations.py --every 2 --start 0 --out FILE`` learned from the adapter's half
instead, so that ``--every 2 --start 1`` is out of sample for both.

Hybrid search needs every passage's vector. ``encode`` computes them (about 60,000 articles: hours
on one shared core), resumable: every batch goes to a vector cache outside the repository
(``--cache``, default ``$XDG_CACHE_HOME/pbdocs/stard-vectors``), ``--seconds`` stops after that
long, and running it again goes on where it stopped; once all are encoded it stores them beside
the index, and ``eval`` is hybrid from then on (``--lexical`` measures without). ``encode
--sentences`` also computes the vector of each sentence of a passage of several (see
pbdocs.search.rerank), as ``pbdocs index build`` does; without it the index is ranked by its passage
vectors alone. Until then,
``eval --pool K`` measures the hybrid ranking over the passages of the lexical top ``K`` of each
question asked (encoding those, through the same cache; a passage outside the pool counts as the
pool's least close): the dense stage then cannot bring in a passage from outside that pool, so the
figure is a lower bound of the full hybrid one.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

_DATED = re.compile(r"^(?P<name>.+?)\((?P<date>\d{4}-\d{2}-\d{2})\)$")
_ARTICLE = re.compile(
    r"^(?P<law>.+?)第(?P<num>[零〇一二三四五六七八九十百千两0-9]+)条(?:之(?P<sub>[一二三四五六七八九十]+))?$")
_SKIP_FOLDERS = {"DLC", "案例"}


def _newest_laws(root: Path) -> list[Path]:
    """One file per law: the newest dated version, an undated file when that is all there is."""
    best: dict[tuple[str, str], tuple[str, Path]] = {}
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root)
        if rel.parts[0] in _SKIP_FOLDERS or path.name == "_index.md" or len(rel.parts) < 2:
            continue
        m = _DATED.match(path.stem)
        name, date = (m.group("name"), m.group("date")) if m else (path.stem, "")
        key = (rel.parts[0], name)
        if key not in best or date > best[key][0]:
            best[key] = (date, path)
    return [p for _, p in best.values()]


def cmd_build(args: argparse.Namespace) -> int:
    from pbdocs.search import build

    with tempfile.TemporaryDirectory(prefix="pbdocs-stard-") as tmp:
        source = Path(args.laws)
        if source.is_file():
            unpacked = Path(tmp) / "all"
            with tarfile.open(source) as archive:
                archive.extractall(unpacked, filter="data")
            source = unpacked
        laws = Path(tmp) / "laws"
        for path in _newest_laws(source):
            target = laws / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        started = time.perf_counter()
        meta = build([laws], args.index, processes=args.processes)
    print(f"{meta['n_documents']} laws, {meta['n_passages']} passages, {meta['n_terms']} terms; "
          f"built in {time.perf_counter() - started:.1f} s (tokenizing {meta['tokenize_seconds']:.1f} s)")
    return 0


def law_key(title: str) -> str:
    from pbdocs.normalize import normalize

    title = normalize(title).text
    title = re.split(r"[(（]", title, maxsplit=1)[0]
    return title.removeprefix("中华人民共和国").strip("《》 ")


def _fold(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text)


def relevant_articles(item: dict) -> list[tuple[tuple[str, int] | None, str]]:
    """(law key, article number) and folded text of each relevant article of a STARD item."""
    from pbdocs.legal import parse_numeral

    out = []
    for name, text in item["相关法规"].items():
        m = _ARTICLE.match(name.strip())
        number = parse_numeral(m.group("num")) if m and not m.group("sub") else None
        key = (law_key(m.group("law")), number) if m and number is not None else None
        out.append((key, _fold(text)))
    return out


def _grade(hits, relevant) -> list[int]:
    """For each distinct article among ``hits`` (Passage list), the relevant article it is or -1."""
    from pbdocs.legal import article_number

    seen: set[tuple[str, str | None]] = set()
    grades: list[int] = []
    for p in hits:
        ident = (p.doc_id, p.article or f"@{p.start}")
        if ident in seen:
            continue
        seen.add(ident)
        number = article_number(p.article) if p.article else None
        key = (law_key(p.title), number) if number is not None else None
        text = _fold(p.text)
        match = -1
        for i, (rkey, rtext) in enumerate(relevant):
            if (key is not None and key == rkey) or (len(rtext) >= 20 and (rtext in text or (len(text) >= 40
                                                                                            and text in rtext))):
                match = i
                break
        grades.append(match)
    return grades


def metrics(grades: list[int], n_relevant: int) -> dict[str, float]:
    found_at: dict[int, int] = {}
    for rank, g in enumerate(grades, start=1):
        if g >= 0 and g not in found_at:
            found_at[g] = rank
    dcg = sum(1.0 / math.log2(r + 1) for r in found_at.values() if r <= 10)
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(n_relevant, 10) + 1))
    first = min(found_at.values(), default=None)
    return {
        "nDCG@10": dcg / ideal if ideal else 0.0,
        "R@10": sum(r <= 10 for r in found_at.values()) / n_relevant,
        "R@100": sum(r <= 100 for r in found_at.values()) / n_relevant,
        "MRR@10": 1.0 / first if first and first <= 10 else 0.0,
    }


def evaluate(searcher, items: list[dict], disabled: tuple[str, ...] = (), rows=None) -> dict[str, float]:
    totals = {"nDCG@10": 0.0, "R@10": 0.0, "R@100": 0.0, "MRR@10": 0.0}
    for item in items:
        relevant = relevant_articles(item)
        ranked = searcher.rank(item["问题"], 100, disabled_factors=disabled)
        passages = [searcher.reader.passage(pid) for pid, _ in ranked]
        grades = _grade(passages, relevant)
        figures = metrics(grades, len(relevant))
        for name, value in figures.items():
            totals[name] += value
        if rows is not None:
            rows.write(json.dumps({"id": item["query_id"], "q": item["问题"], **figures,
                                   "top": [f"{p.title} {p.article}" for p in passages[:3]]},
                                  ensure_ascii=False) + "\n")
    return {name: round(value / max(len(items), 1), 4) for name, value in totals.items()}


def _cache_dir(args: argparse.Namespace) -> Path:
    import os

    if args.cache:
        return Path(args.cache)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pbdocs" / "stard-vectors"


def cmd_encode(args: argparse.Namespace) -> int:
    import numpy as np

    from pbdocs.search.index import IndexReader
    from pbdocs.search.rerank import VectorCache, _encode_and_write, _Texts, default_encoder, encode_texts

    reader = IndexReader.open(args.index)
    encoder = default_encoder(threads=args.threads)
    cache = VectorCache(_cache_dir(args), encoder.name)
    wanted = _Texts.of([reader.passage(i) for i in range(reader.n_passages)])
    if not args.sentences:
        # Passage vectors only, as the STARD figures before sentence vectors were measured: the
        # search then ranks by the passages' cosines alone (rerank.DenseStage.closeness).
        wanted = _Texts(wanted.passages, [], np.zeros(0, dtype=np.int32))
    texts = wanted.passages + wanted.sentences
    started = time.perf_counter()
    step = 512
    for start in range(0, len(texts), step):
        if args.seconds and time.perf_counter() - started > args.seconds:
            done = sum(1 for t in texts if _known(cache, encoder, t))
            print(f"stopped after {args.seconds} s: {done}/{len(texts)} texts encoded; run again to go on")
            return 0
        encode_texts(texts[start:start + step], encoder, cache=cache)
        print(f"  {min(start + step, len(texts))}/{len(texts)} ({time.perf_counter() - started:.0f} s)",
              file=sys.stderr, flush=True)
    _encode_and_write(reader.folder, wanted, encoder, reader.meta["built_at"], cache=cache, progress=None)
    print(f"{len(wanted.passages)} passage and {len(wanted.sentences)} sentence vectors stored in {reader.folder}")
    return 0


def _known(cache, encoder, text: str) -> bool:
    from pbdocs.search.rerank import text_key

    return text_key(encoder.name, text) in cache.known()


def _pool_dense(searcher, items: list[dict], pool: int, cache_dir: Path):
    """A dense stage over the lexical top ``pool`` passages of ``items``' questions; every other
    passage has a zero vector (cosine 0), so it never comes in through the dense side."""
    import numpy as np

    from pbdocs.search.rerank import (
        DenseStage,
        PassageVectors,
        VectorCache,
        default_encoder,
        encode_texts,
        load_adapter,
        passage_text,
    )

    encoder = default_encoder()
    wanted = sorted({pid for item in items for pid, _ in searcher.rank(item["问题"], pool)})
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done == total or done % 256 == 0:
            print(f"  pool vectors: {done}/{total} new ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr, flush=True)

    made = encode_texts([passage_text(searcher.reader.passage(pid)) for pid in wanted], encoder,
                        cache=VectorCache(cache_dir, encoder.name), progress=progress)
    rows = np.zeros(searcher.reader.n_passages, dtype=made.dtype)
    rows["scale"] = 1.0
    encoded = np.zeros(searcher.reader.n_passages, dtype=bool)
    encoded[np.asarray(wanted, dtype=np.int64)] = True
    rows[encoded] = made

    class PoolDense(DenseStage):
        # A passage outside the pool has no vector: it gets the pool's lowest cosine, so that it
        # neither comes in through the dense side nor stretches the candidates' cosine scale.
        def cosines(self, question: str, *, adapted: bool = False) -> np.ndarray:
            values = super().cosines(question, adapted=adapted)
            values[~encoded] = values[encoded].min()
            return values

    return PoolDense(PassageVectors(encoder.name, rows), encoder, adapter=load_adapter(encoder.name)), len(wanted)


def _with_sentences(searcher, items: list[dict], top: int, cache_dir: Path) -> int:
    """Give the searcher's dense stage the sentence vectors of the passages in each question's
    hybrid top ``top`` (encoded through the vector cache, resumable); returns how many passages.
    The others keep their cosine as closeness, so this measures how sentence vectors reorder what
    passage vectors already bring near the top, not what they would bring in from further down."""
    import dataclasses

    import numpy as np

    from pbdocs.search.rerank import DenseStage, VectorCache, default_encoder, encode_texts, sentence_texts

    wanted = sorted({pid for item in items for pid, _ in searcher.rank(item["问题"], top)})
    texts: list[str] = []
    owners: list[int] = []
    for pid in wanted:
        made = sentence_texts(searcher.reader.passage(pid))
        texts.extend(made)
        owners.extend([pid] * len(made))
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done == total or done % 1024 == 0:
            print(f"  sentence vectors: {done}/{total} new ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr, flush=True)

    dense = searcher.dense
    # Both cores for the encoding; the questions are then encoded on one, as a search does.
    rows = encode_texts(texts, default_encoder(threads=2), cache=VectorCache(cache_dir, dense.encoder.name),
                        progress=progress)
    vectors = dataclasses.replace(dense.vectors, sentences=rows, owners=np.asarray(owners, dtype=np.int32))
    searcher.dense = DenseStage(vectors, dense.encoder, adapter=dense.adapter)
    return len(wanted)


def _use_associations(path: Path) -> None:
    """Query with the word associations of ``path`` (associations.txt's format) in place of the
    shipped table, for this process only."""
    import pbdocs.search.tokenize as tokenize

    table = tokenize.word_table(path.read_text(encoding="utf-8"))
    tokenize.associations = lambda: table  # type: ignore[assignment]


def cmd_eval(args: argparse.Namespace) -> int:
    from pbdocs.search import Searcher
    from pbdocs.search.factors import SCORE_FACTORS

    items = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    items = items[args.start:: args.every][: args.limit] if args.limit else items[args.start:: args.every]
    if args.associations:
        _use_associations(Path(args.associations))
    searcher = Searcher.load(args.index, dense=not args.lexical)
    if searcher.dense is not None and (args.no_adapter or args.adapter):
        from pbdocs.search.rerank import load_adapter

        searcher.dense.adapter = None if args.no_adapter else load_adapter(searcher.dense.encoder.name, args.adapter)
        if args.adapter and searcher.dense.adapter is None:
            print(f"{args.adapter}: no question adapter for {searcher.dense.encoder.name} there", file=sys.stderr)
            return 2
    if args.pool and searcher.dense is None and not args.lexical:
        lexical = evaluate(searcher, items)
        print(f"{'lexical':<28} n={len(items)}  " + "  ".join(f"{k} {v:.4f}" for k, v in lexical.items()), flush=True)
        searcher.dense, encoded = _pool_dense(searcher, items, args.pool, _cache_dir(args))
        print(f"hybrid over the lexical top {args.pool} of each question ({encoded} passages encoded), "
              f"dense weight {searcher.dense_weight}", flush=True)
    if args.sentences_of_top and searcher.dense is not None:
        alone = evaluate(searcher, items)
        print(f"{'passage vectors alone':<28} n={len(items)}  " + "  ".join(f"{k} {v:.4f}" for k, v in alone.items()),
              flush=True)
        count = _with_sentences(searcher, items, args.sentences_of_top, _cache_dir(args))
        print(f"with the sentence vectors of each question's top {args.sentences_of_top} ({count} passages)",
              flush=True)
    print(f"mode: {searcher.mode}", flush=True)
    runs: list[tuple[str, tuple[str, ...]]] = [("as configured" if not args.disable else
                                                "without " + ", ".join(args.disable), tuple(args.disable))]
    if args.each_factor:
        runs.append(("no factors", tuple(SCORE_FACTORS)))
        runs.extend((f"without {name}", (*args.disable, name)) for name in SCORE_FACTORS if name not in args.disable)
    with contextlib.ExitStack() as stack:
        rows = stack.enter_context(open(args.rows, "w", encoding="utf-8")) if args.rows else None
        for label, disabled in runs:
            started = time.perf_counter()
            figures = evaluate(searcher, items, disabled, rows if label == runs[0][0] else None)
            seconds = time.perf_counter() - started
            print(f"{label:<28} n={len(items)}  " + "  ".join(f"{k} {v:.4f}" for k, v in figures.items())
                  + f"  ({seconds / max(len(items), 1) * 1000:.0f} ms/question)", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="index the STARD corpus")
    b.add_argument("--laws", required=True, help="lawrefbook-laws.tar.xz or its unpacked folder")
    b.add_argument("--index", required=True)
    b.add_argument("--processes", type=int, default=2)
    e = sub.add_parser("eval", help="grade search on the STARD questions")
    e.add_argument("--queries", required=True, help="queries_dev.json")
    e.add_argument("--index", required=True)
    e.add_argument("--limit", type=int, default=None, help="only the first N questions (after --every)")
    e.add_argument("--every", type=int, default=1, help="every Nth question (a spread-out subset)")
    e.add_argument("--start", type=int, default=0,
                   help="the first question taken (--every 2 --start 1: the half the question adapter never saw)")
    e.add_argument("--no-adapter", action="store_true", help="hybrid without the question adapter")
    e.add_argument("--adapter", type=Path, default=None, help="the question adapter of this folder")
    e.add_argument("--disable", nargs="*", default=[], help="score factors to switch off")
    e.add_argument("--each-factor", action="store_true", help="also measure with each factor off")
    e.add_argument("--rows", help="write one JSON line per question here")
    e.add_argument("--associations", help="a word-association table to query with instead of the shipped one")
    e.add_argument("--lexical", action="store_true", help="without the dense stage")
    e.add_argument("--pool", type=int, default=0, help="hybrid over each question's lexical top N (see above)")
    e.add_argument("--cache", default=None, help="the vector cache folder")
    e.add_argument("--sentences-of-top", type=int, default=0,
                   help="also measure with the sentence vectors of each question's hybrid top N")
    c = sub.add_parser("encode", help="compute the passage vectors of the STARD index (resumable)")
    c.add_argument("--index", required=True)
    c.add_argument("--cache", default=None, help="the vector cache folder")
    c.add_argument("--threads", type=int, default=1)
    c.add_argument("--seconds", type=float, default=0, help="stop after this long (0: until done)")
    c.add_argument("--sentences", action="store_true",
                   help="also the vector of each sentence of a passage of several (about twice the texts)")
    args = parser.parse_args(argv)
    commands = {"build": cmd_build, "eval": cmd_eval, "encode": cmd_encode}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
