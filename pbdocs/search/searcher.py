"""Questions in, answers out: :class:`Searcher` over an index, :class:`SearchResult` records out."""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from ..errors import QueryError, ReadError
from .answer import Highlight, best_answer, fold, highlights, matched_weight
from .corpus import Corpus, body_start, default_corpus_dir, default_index_dir, describe, expand_paths
from .index import IndexedDocument, IndexReader, build_index
from .passages import Passage, cn_to_int
from .question import AMOUNT_PREFIX, Cue, analyze, has_amount, is_list_lead

__all__ = ["Hit", "SearchResult", "Searcher", "build", "index_is_fresh", "read_batch"]

# Below this share of the query's idf weight found in the best passage, the hit is not an answer.
# Measured here: off-topic questions (weather, recipes, sports, prices) reach at most 0.30, while
# 86% of the lay questions in tests/data/search reach 0.35 or more.
MIN_COVERAGE = 0.35
_CANDIDATES = 50
# Score factors on BM25's candidates (BM25 itself stays rank_bm25's). A passage is scaled by
# its coordination, the share of the question's terms it holds. A question asking 多少天 is
# answered by a passage that states a number of days; one naming a law or a place by that law
# or that place's rules; one about 基金会 most likely by the law with 基金会 in its title; an
# unqualified question by the national rule rather than one place's.
_CUE_BONUS = 0.5
_COORDINATION = 0.5
_NAMED_BONUS = 0.3
_SUBJECT_BONUS = 0.2
_LOCAL_FACTOR = 0.8
# Scores this close count as a tie, which the newer version of a law wins.
_TIE = 1e-6
_PLACE = re.compile(r"^(\w{2,3}?)(?:省|市|\w{0,4}?自治区)")
_ARTICLE_REF = re.compile(r"第\s*([零〇一二三四五六七八九十百千两0-9]+)\s*条")
NO_ANSWER = "没有找到可信的答案 (no confident answer): the corpus does not seem to address this question."


@dataclass
class Hit:
    rank: int
    score: float
    doc_id: str
    title: str
    source: str | None
    article: str | None
    chapter: str | None
    issuer: str | None
    doc_number: str | None
    date: str | None
    text: str
    answer: str
    answer_start: int
    answer_end: int
    highlights: list[Highlight] = field(default_factory=list)
    start: int = 0
    end: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "doc_id": self.doc_id,
            "title": self.title,
            "source": self.source,
            "article": self.article,
            "chapter": self.chapter,
            "issuer": self.issuer,
            "doc_number": self.doc_number,
            "date": self.date,
            "text": self.text,
            "answer": self.answer,
            "answer_span": [self.answer_start, self.answer_end],
            "highlights": [h.as_dict() for h in self.highlights],
            "offsets": [self.start, self.end],
        }


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    confident: bool
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "hits": [h.as_dict() for h in self.hits],
            "confident": self.confident,
            "message": self.message,
        }


def index_is_fresh(index_dir: Path, corpus: Corpus) -> bool:
    """An index is fresh when built by this tokenizer from this manifest, after its last change."""
    import json

    from .tokenize import data_fingerprint

    meta_path = index_dir / "meta.json"
    if not meta_path.is_file():
        return False
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    from .index import FORMAT_VERSION

    return (
        meta.get("format") == FORMAT_VERSION
        and meta.get("fingerprint") == corpus.fingerprint()
        and meta.get("tokenizer") == data_fingerprint()
        and float(meta.get("built_at", 0)) >= corpus.newest_mtime()
    )


def collect_documents(sources: Iterable[str | os.PathLike]) -> tuple[list[IndexedDocument], str | None]:
    """Documents to index from corpus folders (with a manifest) and plain files or folders.

    Returns them with the corpus fingerprint when the sources are exactly one corpus.
    """
    from ..extract import extract

    sources = [Path(s) for s in sources]
    docs: list[IndexedDocument] = []
    fingerprint = None
    for src in sources:
        if src.is_dir() and (src / "manifest.json").is_file():
            corpus = Corpus.load(src)
            if len(sources) == 1:
                fingerprint = corpus.fingerprint()
            for entry, doc in corpus.documents():
                docs.append(IndexedDocument(entry.id, doc, body_start(doc.text), entry.file))
            continue
        root = src if src.is_dir() else src.parent
        for path in expand_paths([src]):
            doc = extract(path)
            meta = describe(doc)
            for key, value in meta.items():
                setattr(doc.metadata, key, value)
            doc_id = path.relative_to(root).with_suffix("").as_posix()
            docs.append(IndexedDocument(doc_id, doc, body_start(doc.text), str(path)))
    seen: set[str] = set()
    for d in docs:
        if d.doc_id in seen:
            raise ReadError(d.file or d.doc_id, f"two documents would share the id {d.doc_id!r}")
        seen.add(d.doc_id)
    return docs, fingerprint


def build(
    sources: Iterable[str | os.PathLike] | None = None,
    index_dir: str | os.PathLike | None = None,
    *,
    processes: int | None = None,
) -> dict[str, Any]:
    """Build an index of ``sources`` (default: the bundled corpus) into ``index_dir``; returns meta."""
    sources = list(sources or [default_corpus_dir()])
    target = Path(index_dir) if index_dir is not None else default_index_dir()
    docs, fingerprint = collect_documents(sources)
    return build_index(docs, target, fingerprint=fingerprint, processes=processes)


class Searcher:
    """Answers questions from one loaded index. Load once, search many times."""

    def __init__(self, reader: IndexReader):
        self.reader = reader
        self._names: dict[str, set[str]] | None = None
        self._place_names: dict[str, str] | None = None
        self._folded_titles: dict[str, str] | None = None

    @classmethod
    def load(
        cls,
        index_dir: str | os.PathLike | None = None,
        *,
        on_build: Callable[[Path], None] | None = None,
    ) -> "Searcher":
        """Open ``index_dir``; ``None`` means the default index of the bundled corpus, which is
        (re)built first when missing or older than the corpus (``on_build`` is told so)."""
        if index_dir is None:
            corpus = Corpus.load(default_corpus_dir())
            target = default_index_dir()
            if not index_is_fresh(target, corpus):
                if on_build is not None:
                    on_build(target)
                docs = [IndexedDocument(e.id, d, body_start(d.text), e.file) for e, d in corpus.documents()]
                build_index(docs, target, fingerprint=corpus.fingerprint())
            return cls(IndexReader.open(target))
        return cls(IndexReader.open(index_dir))

    # -- query side ---------------------------------------------------------------------------

    def _weighted_columns(self, query: str) -> tuple[dict[int, float], dict[str, float], list[str], float]:
        """Query columns with summed weights, each term's idf weight, the query words, and the
        idf weight of the question's own terms (synonyms excluded)."""
        from .tokenize import BIGRAM_PREFIX, query_terms

        columns: dict[int, float] = {}
        term_weights: dict[str, float] = {}
        words: list[str] = []
        own: dict[str, float] = {}
        # A term the corpus lacks weighs as much as its rarest one: the question asks for it.
        max_idf = math.log(self.reader.n_passages - 0.5) - math.log(1.5)
        for term, weight in query_terms(query):
            col = self.reader.terms.column(term)
            idf = float(self.reader.matrix.idf[col]) if col is not None else max_idf
            if col is not None:
                columns[col] = columns.get(col, 0.0) + weight
            term_weights[term] = max(term_weights.get(term, 0.0), weight * max(idf, 0.0))
            if not term.startswith((BIGRAM_PREFIX, AMOUNT_PREFIX)):
                words.append(term)
            if weight >= 1.0:
                own[term] = max(idf, 0.0)
        return columns, term_weights, words, sum(own.values())

    def _law_names(self) -> dict[str, set[str]]:
        """Ways a question may name each document: its title, without 中华人民共和国, without a
        parenthesized addition (中国共产党章程（...部分修改...）)."""
        if self._names is None:
            from ..normalize import normalize

            self._names = {}
            for doc_id, info in self.reader.docs.items():
                title = normalize(info.get("title") or "").text
                short = re.split(r"[(（]", title, maxsplit=1)[0]
                forms = {title, short} | {t.removeprefix("中华人民共和国") for t in (title, short)}
                self._names[doc_id] = {f for f in forms if len(f) >= 2}
        return self._names

    def _article_reference(self, query: str) -> int | None:
        """The passage of the article a query names (社会团体登记管理条例第十四条, 党章第三十条)."""
        from ..normalize import normalize
        from .tokenize import synonyms

        text = normalize(query).text
        m = _ARTICLE_REF.search(text)
        if not m:
            return None
        number = cn_to_int(m.group(1))
        if number is None:
            return None
        named = text[: m.start()].strip("《》 ") + text[m.end():]
        # Common short names (党章) stand for the full title.
        forms = {named} | {named.replace(lay, official) for lay, officials in synonyms().items()
                           if lay in named for official in officials}
        best: tuple[int, str, str] | None = None
        for doc_id, names in self._law_names().items():
            info = self.reader.docs[doc_id]
            if str(number) not in info.get("articles", {}):
                continue
            for name in names:
                if any(name in form for form in forms):
                    # The longest title named wins; among versions of one law, the latest.
                    key = (len(name), info.get("date") or "", doc_id)
                    if best is None or key > best:
                        best = key
        if best is None:
            return None
        return self.reader.article_passage(best[2], number)

    def search(self, query: str, k: int = 5) -> SearchResult:
        if not isinstance(query, str) or not query.strip():
            raise QueryError("empty query")
        from ..normalize import normalize

        k = max(1, int(k))
        columns, term_weights, words, own_weight = self._weighted_columns(query)
        scores = self.reader.matrix.scores(columns.items())
        pinned = self._article_reference(query)
        order = _top(scores, max(k, _CANDIDATES))
        folded_query = normalize(query).text
        _, cue = analyze(folded_query)
        named = self._named_documents(folded_query)
        subject = self._subject_documents(words)
        adjusted = {}
        for i in order:
            if scores[i] > 0:
                passage = self.reader.passage(int(i))
                folded = fold(passage.text)
                adjusted[int(i)] = (float(scores[i]) * self._prior(passage, folded, cue, named, subject)
                                    * _coordination(folded, term_weights, own_weight))
        newest_first = sorted(adjusted, key=lambda i: self._date(i), reverse=True)
        ranked = sorted(newest_first, key=lambda i: -round(adjusted[i] / _TIE))
        if pinned is not None:
            adjusted.setdefault(pinned, float(scores[pinned]))
            ranked = [pinned] + [i for i in ranked if i != pinned]
        hits = [self._hit(rank, pid, adjusted[pid], term_weights, words, cue)
                for rank, pid in enumerate(ranked[:k], start=1)]
        confident = bool(hits) and (
            pinned is not None or _coverage(hits[0].text, term_weights, own_weight) >= MIN_COVERAGE
        )
        return SearchResult(query, hits, confident, None if confident else NO_ANSWER)

    def _date(self, pid: int) -> str:
        return self.reader.docs.get(self.reader.passage(pid).doc_id, {}).get("date") or ""

    def _named_documents(self, folded_query: str) -> set[str]:
        """Documents the question names: by title (基金会管理条例, 慈善法, 党章) or by the place
        whose rules they are (上海 for 上海市慈善条例)."""
        from .tokenize import synonyms

        forms = {folded_query} | {folded_query.replace(lay, official) for lay, officials in synonyms().items()
                                  if lay in folded_query for official in officials}
        named = {doc_id for doc_id, names in self._law_names().items()
                 if any(len(name) >= 3 and name in form for name in names for form in forms)}
        for doc_id, place in self._places().items():
            if place in folded_query:
                named.add(doc_id)
        return named

    def _places(self) -> dict[str, str]:
        """Documents of one place (省, 市, 自治区) by the place's short name."""
        if self._place_names is None:
            from ..normalize import normalize

            self._place_names = {}
            for doc_id, info in self.reader.docs.items():
                m = _PLACE.match(normalize(info.get("title") or "").text)
                if m:
                    self._place_names[doc_id] = m.group(1)
        return self._place_names

    def _subject_documents(self, words: list[str]) -> set[str]:
        """Documents whose title holds one of the question's words (its own or their official
        wordings): a question about 公司 or 基金会 is most likely about the law on them."""
        wanted = {w for w in words if len(w) >= 2}
        return {doc_id for doc_id, title in self._titles().items() if any(w in title for w in wanted)}

    def _titles(self) -> dict[str, str]:
        if self._folded_titles is None:
            from ..normalize import normalize

            self._folded_titles = {doc_id: normalize(info.get("title") or "").text.lower()
                                   for doc_id, info in self.reader.docs.items()}
        return self._folded_titles

    def _prior(self, passage: Passage, folded: str, cue: Cue, named: set[str], subject: set[str]) -> float:
        """Factor on a candidate's BM25 score; ``folded`` is its text as :func:`fold` gives it."""
        factor = 1.0
        if cue.kind == "list" and any(is_list_lead(line) for line in passage.text.splitlines()):
            factor += _CUE_BONUS
        elif cue.kind in ("quantity", "date"):
            # The article label is a number but never an amount.
            body = folded.removeprefix(fold(passage.article)) if passage.article else folded
            if has_amount(body, cue.units):
                factor += _CUE_BONUS
        if passage.doc_id in subject:
            factor += _SUBJECT_BONUS
        if passage.doc_id in named:
            factor += _NAMED_BONUS
        elif passage.doc_id in self._places():
            factor *= _LOCAL_FACTOR
        return factor

    def search_many(self, queries: Iterable[str], k: int = 5) -> list[SearchResult]:
        return [self.search(q, k) for q in queries]

    def _hit(self, rank: int, pid: int, score: float, term_weights: dict[str, float], words: list[str],
             cue: Cue) -> Hit:
        p = self.reader.passage(pid)
        info = self.reader.docs.get(p.doc_id, {})
        a, b = best_answer(p.text, term_weights, cue)
        return Hit(
            rank=rank,
            score=score,
            doc_id=p.doc_id,
            title=p.title,
            source=info.get("source"),
            article=p.article,
            chapter=p.chapter,
            issuer=info.get("issuer"),
            doc_number=info.get("doc_number"),
            date=info.get("date"),
            text=p.text,
            answer=p.text[a:b],
            answer_start=a,
            answer_end=b,
            highlights=highlights(p.text, words),
            start=p.start,
            end=p.end,
        )


def read_batch(path: str | os.PathLike) -> list[tuple[Any, str]]:
    """(id, question) pairs from a JSON Lines file of ``{"id", "q"}`` objects; blank lines skipped."""
    import json

    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise ReadError(p, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadError(p, f"cannot read: {exc}") from None
    queries: list[tuple[Any, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReadError(p, f"line {number}: not JSON ({exc.msg})") from None
        if not isinstance(item, dict) or not isinstance(item.get("q"), str) or not item["q"].strip():
            raise ReadError(p, f'line {number}: expected an object with a non-empty "q" string')
        queries.append((item.get("id", number), item["q"]))
    return queries


def _coverage(text: str, term_weights: dict[str, float], own_weight: float, *, folded: bool = False) -> float:
    """Share of the question's idf weight found in ``text``; a synonym found stands in for the
    lay word it expands, so the share is capped at 1."""
    if own_weight <= 0:
        return 0.0
    return min(1.0, matched_weight(text, term_weights, folded=folded) / own_weight)


def _coordination(folded: str, term_weights: dict[str, float], own_weight: float) -> float:
    """Between 1 - _COORDINATION (none of the question's terms) and 1 (all of them): a passage
    holding every concept of the question beats one repeating a few of them."""
    return 1.0 - _COORDINATION + _COORDINATION * _coverage(folded, term_weights, own_weight, folded=True)


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    if n >= len(scores):
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, n)[:n]
    return part[np.argsort(-scores[part], kind="stable")]
