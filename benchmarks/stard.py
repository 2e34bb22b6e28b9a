"""Search quality on STARD: real lay legal questions against the national laws, one article each.

Usage:
  python benchmarks/stard.py build --laws ARCHIVE_OR_FOLDER --index DIR [--processes 2]
  python benchmarks/stard.py eval --queries queries_dev.json --index DIR [--limit N] [--every N]
                                  [--disable FACTOR ...] [--each-factor] [--rows OUT.jsonl]

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


def cmd_eval(args: argparse.Namespace) -> int:
    from pbdocs.search import Searcher
    from pbdocs.search.factors import SCORE_FACTORS

    items = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    items = items[:: args.every][: args.limit] if args.limit else items[:: args.every]
    searcher = Searcher.load(args.index)
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
    e.add_argument("--disable", nargs="*", default=[], help="score factors to switch off")
    e.add_argument("--each-factor", action="store_true", help="also measure with each factor off")
    e.add_argument("--rows", help="write one JSON line per question here")
    args = parser.parse_args(argv)
    return cmd_build(args) if args.command == "build" else cmd_eval(args)


if __name__ == "__main__":
    sys.exit(main())
