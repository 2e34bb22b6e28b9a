"""Questions in, answers out: :class:`Searcher` over an index, :class:`SearchResult` records out."""
from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import Notice, QueryError, ReadError, StaleIndexError
from ..legal import title_forms, title_key
from ..messages import catalogue
from .answer import Highlight, best_answer, highlights
from .corpus import METADATA_FIELDS, Corpus, CorpusEntry, body_start, describe, expand_paths, link_versions
from .factors import (
    STRONG_CUE_BONUS,
    Candidate,
    QueryPlan,
    active_factors,
    adjusted_score,
    answer_kind,
    cited_multiplier,
    coverage,
    holds_word,
    known_word_coverage,
)
from .index import IndexedDocument, IndexReader, build_index
from .passages import CUTTING_RULES, Passage
from .query import Query, is_word
from .question import confidently_answers
from .versions import cite

if TYPE_CHECKING:
    from .rerank import DenseStage, Encoder, Progress

__all__ = ["Hit", "Supersession", "SearchResult", "Searcher", "build", "check_question", "index_is_fresh",
           "read_batch", "DENSE_WEIGHT", "ADAPTER_SHARE", "MAX_QUESTION_CHARS"]

# Below this share of the query's idf weight found in the best passage, the hit is not an answer.
# Measured here: off-topic questions (weather, recipes, sports, prices) reach at most 0.30, while
# 86% of the lay questions in tests/data/search reach 0.35 or more.
MIN_COVERAGE = 0.35
# In hybrid search the first hit answers when it holds MIN_COVERAGE_HYBRID of the question's
# terms and MIN_KNOWN_COVERAGE of the idf weight of its words the corpus knows (a word or one of
# its official wordings), its cosine with the question reaches MIN_COSINE and its score is
# MIN_LEAD times the runner-up's. The known-word share is what tells a neighbouring provision
# (党章 第三十一条 on the 支部委员会's term, asked when its meetings are held: 会议, 召开 missing)
# from the answer: a lay word the corpus never uses (搞, 花钱) cannot be missing from the answer,
# so it does not count, nor do character bigrams, which only echo the words.
# Calibrated on the real questions of eval/real_questions (benchmarks/answers.py; figures and the
# held-out check in docs/evaluation.md): 6 of 7 confident answers right there (before: 9 of 17),
# and, on the lay, held-out, knowledge and qa_dev sets not used to choose them, 43 of 43.
MIN_COVERAGE_HYBRID = 0.30
MIN_KNOWN_COVERAGE = 0.60
MIN_COSINE = 0.91
MIN_LEAD = 1.20
# A first hit scoring CLEAR_LEAD times the runner-up needs only MIN_COSINE_CLEAR: the question's
# words single it out, and short questions ("原始基金不低于多少") embed less close to their article.
CLEAR_LEAD = 2.0
MIN_COSINE_CLEAR = 0.90
# A first hit in the wording that defines the kind of answer asked (本法所称……是指 for 什么是,
# 应当具备下列条件 for 什么条件, 每年至少召开 for 多久) needs less: cosine MIN_COSINE_KIND and a lead of
# MIN_LEAD_KIND. Chosen on the three real-question development sets (24 -> 27 confident, still 2
# wrong); on the held-out real questions 8 -> 13 confident and the lay sets 25 -> 34, none wrong.
# The "cosine" of these thresholds is the dense closeness (rerank.DenseStage.closeness: 0.8 of the
# passage's cosine, 0.2 of its closest sentence's). Read on it instead of the passage cosine, the
# thresholds gave one more confident answer on each of dev2, dev3, the held-out and the lay sets,
# none wrong, and no more unanswerable questions answered.
MIN_COSINE_KIND = 0.89
MIN_LEAD_KIND = 1.15
# An uncertain first hit is still shown (as 没有把握的答案) when it means nearly what the question asks,
# even in few of its words. Measured: off-topic questions (tests/data/search/offtopic.txt) reach a
# cosine of 0.86 at most (a closeness of 0.862); at 0.88 every right first hit of the two
# real-question sets is shown, 6 of the 47 were hidden by the word share alone (加入党组织日期怎么算,
# 成立一个协会要满足什么条件). Measured again over the ten real-question sets (361 answerable): at
# 0.88, 13 questions whose answer is in the first five (11 of them first: 爱心捐赠,还能撤回吗,
# 公章換新章後舊章怎麼處理) were shown as 没有找到 with no list; at 0.87, 3. Everyday questions off the
# corpus reach 0.869 (租房合同到期房东不退押金怎么办, 交通事故对方全责怎么赔偿) and stay unshown.
MIN_COSINE_RELATED = 0.87
# The hits are shown when any of the first RELATED_DEPTH is so related, not only the first: over the
# real-question sets, of the answerable questions whose answer is in the first five yet not
# confident, 5 were shown as 没有找到 with no list (如何计算法定盈余公积: a 民法典 article on reckoning
# periods first, the 公司法's 公积金 articles third and fourth) and 2 are now. Off-topic questions
# stay unshown (23 of 23); 14 more of the 212 unanswerable ones show their nearest provisions, as
# uncertain.
RELATED_DEPTH = 3
# A passage shorter than this (a heading, a list number) may repeat in one law without being a copy.
_COPY_MIN_CHARS = 12
# A question is a sentence or two; a longer text is a document to check, not a question.
MAX_QUESTION_CHARS = 200
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# The first stage: BM25's best and the dense stage's best this many passages each, fused
# linearly, are then scored with the factors of :mod:`.factors`.
_CANDIDATES = 50
# Share of the dense closeness in the fused first-stage score (the rest is BM25's), each scaled to
# [0, 1] over the candidates. Chosen on the development sets the question adapter never learned
# from (dev5 to dev13, 160 answerable; benchmarks/answers.py --weights, docs/evaluation.md): 107
# first at 0.6, 110 at 0.7, 111 at 0.75, 0.8 and 0.85, 109 at 0.9. Since the adapter, the dense
# side ranks better than when 0.6 was chosen (three sets, no adapter: 84 of 132 at 0.6, 83 at 0.7).
DENSE_WEIGHT = 0.8
# Share of the adapted question's closeness (rerank.load_adapter) in the closeness that ranks, the
# rest the model's own. Chosen by 4-fold cross-validation on the development and lay sets and the
# adapter's half of STARD (scripts/train_query_adapter.py; docs/evaluation.md): R@1 0.728 at 0.5,
# 0.709 at 0.7 and 1.0, 0.714 without the adapter. Confidence reads the model's own closeness.
ADAPTER_SHARE = 0.5
# Scores this close count as a tie, which the newer version of a law wins.
_TIE = 1e-6
_NUMBER_NOISE = re.compile(r"[\s〔〕\[\]()（）［］【】{}]+")
_PLACE = re.compile(r"^(\w{2,3}?)(?:省|市|\w{0,4}?自治区)")


@dataclass(frozen=True)
class Supersession:
    """The version that replaces a superseded hit's document: its id and how it is cited."""

    doc_id: str
    citation: str

    def as_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "citation": self.citation}


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
    citation: str = ""
    version: str | None = None
    effective: str | None = None
    in_force: bool = True
    superseded_by: Supersession | None = None

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
            "citation": self.citation,
            "version": self.version,
            "effective": self.effective,
            "in_force": self.in_force,
            "superseded_by": self.superseded_by.as_dict() if self.superseded_by else None,
        }


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    confident: bool
    message: str | None = None
    # Not confident, yet the first hit holds enough of the question's words to be worth reading
    # (off-topic questions never reach MIN_COVERAGE): the hits are shown as reference, not as the answer.
    related: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "hits": [h.as_dict() for h in self.hits],
            "confident": self.confident,
            "message": self.message,
        }


def index_is_fresh(index_dir: Path, corpus: Corpus, *, check_mtime: bool = True) -> bool:
    """An index is fresh when built by this tokenizer and these passage-cutting rules from this
    manifest (and, with ``check_mtime``, after the corpus's last change)."""
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
        and meta.get("passages") == CUTTING_RULES
        and (not check_mtime or float(meta.get("built_at", 0)) >= corpus.newest_mtime())
    )


def collect_documents(sources: Iterable[str | os.PathLike]) -> tuple[list[IndexedDocument], str | None]:
    """Documents to index from corpus folders (with a manifest) and plain files or folders.

    Returns them with the corpus fingerprint when the sources are exactly one corpus.
    """
    from ..extract import extract

    folders = [Path(s) for s in sources]
    docs: list[IndexedDocument] = []
    fingerprint = None
    for src in folders:
        if src.is_dir() and (src / "manifest.json").is_file():
            corpus = Corpus.load(src)
            if len(folders) == 1:
                fingerprint = corpus.fingerprint()
            for entry, doc in corpus.documents():
                docs.append(IndexedDocument(entry.id, doc, body_start(doc.text), entry.file, entry.version_info()))
            continue
        root = src if src.is_dir() else src.parent
        loose: list[tuple[CorpusEntry, IndexedDocument]] = []
        for path in expand_paths([src]):
            doc = extract(path)
            meta = describe(doc)
            for key in METADATA_FIELDS:
                setattr(doc.metadata, key, meta[key])
            doc_id = path.relative_to(root).with_suffix("").as_posix()
            entry = CorpusEntry.from_dict({"id": doc_id, "file": str(path), **meta})
            loose.append((entry, IndexedDocument(doc_id, doc, body_start(doc.text), str(path))))
        # Versions among loose files are linked as ingest links them in a corpus.
        linked = link_versions([entry for entry, _ in loose])
        for entry, (_, indexed) in zip(linked, loose, strict=True):
            indexed.info = entry.version_info()
            docs.append(indexed)
    seen: set[str] = set()
    for d in docs:
        if d.doc_id in seen:
            raise ReadError("corpus.shared_id", path=d.file or d.doc_id, id=d.doc_id)
        seen.add(d.doc_id)
    return docs, fingerprint


def build(
    sources: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    *,
    processes: int | None = None,
    encoder: Encoder | None = None,
    progress: Progress | None = None,
    vector_cache: str | os.PathLike | None = None,
    vector_seed: str | os.PathLike | None = None,
) -> dict[str, Any]:
    """Build an index of ``sources`` (corpus folders, document files or folders) into ``index_dir``;
    returns its meta. An index of exactly one corpus folder records that corpus's fingerprint, so
    :meth:`Searcher.load` can tell when the corpus has changed since. With an ``encoder`` (see
    :mod:`.rerank`), every passage's vector is stored with it, ``progress(done, total)`` told after
    each batch encoded, and the folder ``vector_cache`` keeps what was encoded for the next build
    (or the rest of this one, after an interruption); the vectors stored in the index
    ``vector_seed`` (the shipped one) are added to that cache first, so the bundled passages are
    never encoded again."""
    docs, fingerprint = collect_documents(sources)
    extra = None
    if encoder is not None:
        from .rerank import VectorCache, seed_cache, vectors_writer

        cache = VectorCache(Path(vector_cache), encoder.name) if vector_cache is not None else None
        if cache is not None and vector_seed is not None:
            seed_cache(cache, Path(vector_seed))
        extra = vectors_writer(encoder, progress, cache)
    return build_index(docs, Path(index_dir), fingerprint=fingerprint, processes=processes, extra_files=extra)


class Searcher:
    """Answers questions from one loaded index. Load once, search many times."""

    def __init__(self, reader: IndexReader):
        self.reader = reader
        # Set by :func:`.rerank.attach`: the dense half of the first stage. Without it search is
        # lexical, and ``lexical_reason`` says why (``no_extra``, ``vectors_missing``,
        # ``vectors_stale``; None when nobody asked for the dense stage).
        self.dense: DenseStage | None = None
        self.lexical_reason: str | None = None
        self.dense_weight = DENSE_WEIGHT

    @property
    def mode(self) -> str:
        """``hybrid`` (lexical and dense) or ``lexical``."""
        return "hybrid" if self.dense is not None else "lexical"

    @property
    def notice(self) -> Notice | None:
        """Why search is lexical (a warning code: ``warn.search_no_extra``...), when the dense
        stage was asked for and cannot be had; None otherwise."""
        if self.dense is not None or not self.lexical_reason:
            return None
        if self.lexical_reason == "no_extra":
            return Notice("warn.search_no_extra")
        if self.lexical_reason == "vectors_missing":
            return Notice("warn.search_vectors_missing")
        return Notice("warn.search_vectors_stale")

    @classmethod
    def load(cls, index_dir: str | os.PathLike, *, corpus_dir: str | os.PathLike | None = None,
             dense: bool = True, check_mtime: bool = True) -> Searcher:
        """Open the index in ``index_dir``; with ``corpus_dir``, it must be fresh for that corpus
        (``check_mtime=False``: by its fingerprint alone, as for an index shipped with the package,
        whose files' times say nothing).

        Raises :class:`~pbdocs.errors.StaleIndexError` when the index is missing or (given a corpus)
        was built from another version of it or by another tokenizer: ``build([corpus_dir],
        index_dir)`` fixes that. Loading never builds. With ``dense``, search is hybrid when the
        index has current passage vectors and the ``rerank`` extra is installed, else lexical
        (``lexical_reason`` says why).
        """
        index_dir = Path(index_dir)
        if corpus_dir is not None and not index_is_fresh(index_dir, Corpus.load(corpus_dir), check_mtime=check_mtime):
            raise StaleIndexError("index.stale", path=index_dir, corpus=corpus_dir)
        searcher = cls(IndexReader.open(index_dir))
        if dense:
            from .rerank import attach

            attach(searcher)
        return searcher

    # -- what the index knows about its documents, read once ----------------------------------

    @cached_property
    def law_names(self) -> dict[str, set[str]]:
        """Ways a question may name each document: its title, without 中华人民共和国, without a
        parenthesized addition (中国共产党章程（...部分修改...）)."""
        return {doc_id: title_forms(title) for doc_id, title in self._normalized_titles.items()}

    @cached_property
    def places(self) -> dict[str, str]:
        """Documents of one place (省, 市, 自治区) by the place's short name."""
        return {doc_id: m.group(1) for doc_id, title in self._normalized_titles.items()
                if (m := _PLACE.match(title))}

    @cached_property
    def _normalized_titles(self) -> dict[str, str]:
        from ..normalize import normalize

        return {doc_id: normalize(info.get("title") or "").text for doc_id, info in self.reader.docs.items()}

    @cached_property
    def _editions(self) -> dict[str, tuple[str, str]]:
        """Per document, the law it is a text of and which version: copies of one share both."""
        return {doc_id: (title_key(info.get("title") or ""), info.get("version") or info.get("date") or "")
                for doc_id, info in self.reader.docs.items()}

    @cached_property
    def _shared_editions(self) -> frozenset[tuple[str, str]]:
        """Versions of a law the index holds in more than one document: only their passages can be
        copies (none in the bundled corpus)."""
        counts = Counter(self._editions.values())
        return frozenset(edition for edition, n in counts.items() if n > 1)

    @cached_property
    def _folded_titles(self) -> dict[str, str]:
        return {doc_id: title.lower() for doc_id, title in self._normalized_titles.items()}

    # -- query side ---------------------------------------------------------------------------

    def plan(self, query: Query | str) -> QueryPlan:
        """``query`` resolved against this index: term columns and weights, the documents it names."""
        if isinstance(query, str):
            query = Query.parse(query)
        columns: dict[int, float] = {}
        term_weights: dict[str, float] = {}
        own: dict[str, float] = {}
        known: dict[str, float] = {}
        # A term the corpus lacks weighs as much as its rarest one: the question asks for it.
        max_idf = math.log(self.reader.n_passages - 0.5) - math.log(1.5)
        for term, weight in query.terms:
            col = self.reader.terms.position(term)
            idf = float(self.reader.matrix.idf[col]) if col is not None else max_idf
            if col is not None:
                columns[col] = columns.get(col, 0.0) + weight
            term_weights[term] = max(term_weights.get(term, 0.0), weight * max(idf, 0.0))
            if weight >= 1.0:
                own[term] = max(idf, 0.0)
                if col is not None and is_word(term):
                    known[term] = max(idf, 0.0)
        named = self._named_documents(query)
        versions_named = self._named_versions(query, named)
        background = frozenset(doc_id for doc_id, words in self._background_laws.items()
                               if not any(w in query.normalized for w in words))
        return QueryPlan(query, columns, term_weights, sum(own.values()), named,
                         self._subject_documents(query.words), frozenset(self.places),
                         self._article_passage(query, versions_named), self.superseded, versions_named,
                         background, known)

    @cached_property
    def _background_laws(self) -> dict[str, tuple[str, ...]]:
        """Documents of the background laws (``background_laws.txt``) with their subject words."""
        from importlib import resources

        table: dict[str, tuple[str, ...]] = {}
        text = resources.files("pbdocs.data.search").joinpath("background_laws.txt").read_text(encoding="utf-8")
        for line in text.splitlines():
            if line.strip() and not line.startswith("#"):
                title, _, words = line.partition("\t")
                table[title.strip()] = tuple(w for w in words.strip().split(",") if w)
        out: dict[str, tuple[str, ...]] = {}
        for doc_id, title in self._normalized_titles.items():
            key = title_key(title)
            if key in table:
                out[doc_id] = table[key]
        return out

    @cached_property
    def superseded(self) -> frozenset[str]:
        """Documents a later version of the same law replaces."""
        return frozenset(doc_id for doc_id, info in self.reader.docs.items() if info.get("in_force") is False)

    @cached_property
    def _version_marks(self) -> dict[str, tuple[str, str]]:
        """Per document, its 文号 folded for matching and the year of its version."""
        return {doc_id: (_fold_number(info.get("doc_number") or ""),
                         (info.get("version") or info.get("date") or "")[:4])
                for doc_id, info in self.reader.docs.items()}

    def _named_versions(self, query: Query, named: frozenset[str]) -> frozenset[str]:
        """Documents whose 文号 the question quotes, or whose law it names together with that
        version's year (2016年的慈善法)."""
        text = _fold_number(query.normalized)
        years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text))
        return frozenset(doc_id for doc_id, (number, year) in self._version_marks.items()
                         if (len(number) >= 6 and number in text) or (year in years and doc_id in named))

    def _article_passage(self, query: Query, versions_named: frozenset[str] = frozenset()) -> int | None:
        """The passage of the article a query names (社会团体登记管理条例第十四条, 党章第三十条)."""
        ref = query.article
        if ref is None:
            return None
        best: tuple[int, bool, bool, str, str] | None = None
        for doc_id, names in self.law_names.items():
            info = self.reader.docs[doc_id]
            if str(ref.number) not in info.get("articles", {}):
                continue
            for name in names:
                if any(name in form for form in ref.law_forms):
                    # The longest title named wins; among versions of one law, the version the
                    # question names, else the one in force, else the latest.
                    key = (len(name), doc_id in versions_named, info.get("in_force") is not False,
                           info.get("date") or "", doc_id)
                    if best is None or key > best:
                        best = key
        if best is None:
            return None
        return self.reader.article_passage(best[-1], ref.number)

    def _named_documents(self, query: Query) -> frozenset[str]:
        """Documents the question names: by title (基金会管理条例, 慈善法, 党章) or by the place
        whose rules they are (上海 for 上海市慈善条例)."""
        named = {doc_id for doc_id, names in self.law_names.items()
                 if any(len(name) >= 3 and name in form for name in names for form in query.name_forms)}
        named.update(doc_id for doc_id, place in self.places.items() if place in query.normalized)
        return frozenset(named)

    def _subject_documents(self, words: list[str]) -> frozenset[str]:
        """Documents whose title holds one of the question's words (its own or their official
        wordings): a question about 公司 or 基金会 is most likely about the law on them."""
        wanted = {w for w in words if len(w) >= 2}
        return frozenset(doc_id for doc_id, title in self._folded_titles.items() if any(w in title for w in wanted))

    def search(self, query: str, k: int = 5, *, disabled_factors: Collection[str] = ()) -> SearchResult:
        """The ``k`` best passages for ``query`` with their answers; ``disabled_factors`` names
        score factors (see :data:`~.factors.SCORE_FACTORS`) to leave out, for measurement."""
        ranking = self._ranked(query, k, disabled_factors)
        plan = ranking.plan
        hits = [self._hit(rank, ranking.passages.get(pid) or self.reader.passage(pid), score, plan)
                for rank, (pid, score) in enumerate(ranking.ranked, start=1)]
        confident = bool(hits) and self._answers(plan, hits[0], ranking)
        related = confident or (bool(hits) and self._related(plan, ranking))
        message = None if confident else catalogue().text("search.uncertain" if related else "search.no_answer")
        return SearchResult(query, hits, confident, message, related)

    def _related(self, plan: QueryPlan, ranking: _Ranking) -> bool:
        """Whether uncertain hits are worth showing: one of the first RELATED_DEPTH holds the
        question's words, or in hybrid search means nearly what the question asks."""
        return any(self._related_at(plan, ranking, rank) for rank in range(min(RELATED_DEPTH, len(ranking.ranked))))

    def _related_at(self, plan: QueryPlan, ranking: _Ranking, rank: int) -> bool:
        folded = self.reader.passage_and_folded(ranking.ranked[rank][0])[1]
        closeness = ranking.closeness_at(rank)
        return coverage(folded, plan, folded=True) >= MIN_COVERAGE or (
            closeness is not None and closeness >= MIN_COSINE_RELATED)

    def rank(self, query: str, k: int = 5, *, disabled_factors: Collection[str] = ()) -> list[tuple[int, float]]:
        """(passage id, score) of the ``k`` best passages, best first, without answers: what
        :meth:`search` ranks, for evaluations that grade many hits per question."""
        return self._ranked(query, k, disabled_factors, with_lead=False).ranked

    def _answers(self, plan: QueryPlan, first: Hit, ranking: _Ranking) -> bool:
        """Whether the first hit answers the question: it is the article the question names, or, in
        hybrid search, it is about what the question names, holds enough of its words, means what it
        asks and clearly beats the runner-up."""
        if plan.pinned is not None:
            return True
        closeness = ranking.closeness_at(0)
        if closeness is None:
            # Keyword-only search (no rerank extra, or an index without vectors) cannot tell a
            # neighbouring provision from the answer: with the word share and a lead of 1.5 over the
            # runner-up, 8 of 10 confident answers were right on the real questions it was chosen
            # on and 9 of 20 on the held-out ones. It answers with confidence only the article a
            # question names, and lists its hits otherwise.
            return False
        pid = ranking.ranked[0][0]
        passage, folded = self.reader.passage_and_folded(pid)
        if not self._on_subject(plan, pid, folded):
            return False
        if not confidently_answers(plan.query.cue, folded):
            return False
        share = coverage(folded, plan, folded=True)
        lead = ranking.lead
        known = known_word_coverage(folded, plan, folded=True)
        agrees = ((closeness >= MIN_COSINE and lead >= MIN_LEAD)
                  or (closeness >= MIN_COSINE_CLEAR and lead >= CLEAR_LEAD)
                  or (closeness >= MIN_COSINE_KIND and lead >= MIN_LEAD_KIND
                      and answer_kind(plan, Candidate(pid, passage, 1.0, 0.0, folded)) >= STRONG_CUE_BONUS))
        return share >= MIN_COVERAGE_HYBRID and known >= MIN_KNOWN_COVERAGE and agrees

    def _on_subject(self, plan: QueryPlan, pid: int, folded: str) -> bool:
        """Whether a hit is about what the question names: every word of the question that a rule's
        title opens with (事业单位, 基金会, 志愿服务) is in the hit's title or text, itself or in an
        official wording. An article of the 民办非企业单位 rules does not answer a question about
        事业单位, however alike the two procedures read."""
        title = self._folded_titles.get(self.reader.passage(pid).doc_id, "")
        return all(holds_word(title, word) or holds_word(folded, word)
                   for word, weight in plan.query.terms
                   if weight >= 1.0 and len(word) >= 2 and is_word(word) and self._is_rule_subject(word))

    def _is_rule_subject(self, word: str) -> bool:
        """Whether ``word`` is what a rule is about: the subject its title opens with (事业单位 of
        事业单位登记管理暂行条例, 基金会 of 基金会管理条例), not a word further in (登记, 工作)."""
        return any(subject.startswith(word) for subject in self._rule_subjects)

    @cached_property
    def _rule_subjects(self) -> list[str]:
        """The titles of the documents with an issuer, without 中华人民共和国 and 某机关关于."""
        out = []
        for doc_id, info in self.reader.docs.items():
            if info.get("issuer"):
                title = self._folded_titles[doc_id].removeprefix("中华人民共和国")
                out.append(title.split("关于", 1)[1] if "关于" in title[:12] else title)
        return out

    def _ranked(self, query: str, k: int, disabled_factors: Collection[str], *, with_lead: bool = True) -> _Ranking:
        question = check_question(query)
        factors = active_factors(disabled_factors)
        k = max(1, int(k))
        plan = self.plan(Query.parse(question))
        scores = self.reader.matrix.scores(plan.columns.items())
        prior = self.reader.cited
        # Both sides take their candidates under the citation prior, unless it is switched off.
        weight = cited_multiplier(prior) if any(f.name == "cited" for f in factors) else 1.0
        first = scores * weight
        n = max(k, _CANDIDATES)
        pool = [int(i) for i in _top(first, n) if scores[i] > 0]
        closeness = ranking_closeness = None
        if self.dense is not None:
            closeness = self.dense.closeness(plan.query.meant)
            ranking_closeness = closeness
            if self.dense.adapter is not None:
                adapted = self.dense.closeness(plan.query.meant, adapted=True)
                ranking_closeness = (1.0 - ADAPTER_SHARE) * closeness + ADAPTER_SHARE * adapted
            lexical = set(pool)
            # The dense side takes its candidates under the same citation prior as the lexical
            # side (closeness above the typical passage, times the prior): over the national laws
            # the article asked about is more often in a much-cited law (STARD R@100 0.809 -> 0.830).
            above = (ranking_closeness - float(np.median(ranking_closeness))) * weight
            pool.extend(int(i) for i in _top(above, n) if int(i) not in lexical)
        candidates = [Candidate(pid, passage, 0.0, float(prior[pid]), folded)
                      for pid in pool for passage, folded in [self.reader.passage_and_folded(pid)]]
        adjusted = self._adjusted(candidates, factors, plan, scores, ranking_closeness)
        copies = self._copies(candidates, adjusted)
        adjusted = {pid: score for pid, score in adjusted.items() if pid not in copies}
        passages = {c.pid: c.passage for c in candidates}
        newest_first = sorted(adjusted, key=lambda i: self._date(passages[i]), reverse=True)
        ranked = sorted(newest_first, key=lambda i: -round(adjusted[i] / _TIE))
        if plan.pinned is not None:
            adjusted.setdefault(plan.pinned, float(scores[plan.pinned]))
            ranked = [plan.pinned] + [i for i in ranked if i != plan.pinned]
        lead = float("inf")
        if with_lead and ranked:
            # How clearly the first hit wins is read on the model's own closeness: where the question
            # adapter put another passage first, the two rankings disagree and the lead is below 1.
            own = adjusted if ranking_closeness is closeness else self._adjusted(candidates, factors, plan, scores,
                                                                                   closeness)
            others = [score for pid, score in own.items() if pid != ranked[0] and pid not in copies]
            if others and max(others) > 0:
                lead = own.get(ranked[0], 0.0) / max(others)
        return _Ranking(plan, [(pid, adjusted[pid]) for pid in ranked[:k]], passages, closeness, lead)

    def _copies(self, candidates: list[Candidate], adjusted: dict[int, float]) -> set[int]:
        """Candidates that repeat a better-scored one: the same article of the same version of one
        law, in two documents (a copy of a bundled regulation ingested from a web page, its
        punctuation half-width, a paragraph cut off). Listed once, a copy neither fills the list nor
        makes the first hit look less sure than it is."""
        kept: dict[tuple[str, str, str], list[str]] = {}
        copies: set[int] = set()
        shared = self._shared_editions
        for c in sorted(candidates, key=lambda c: (-adjusted.get(c.pid, 0.0), c.pid)):
            edition = self._editions.get(c.passage.doc_id, ("", ""))
            if edition not in shared:
                continue
            text = re.sub(r"\W+", "", c.folded)
            if len(text) < _COPY_MIN_CHARS:
                continue
            group = kept.setdefault((*edition, c.passage.article or ""), [])
            if any(text in other or other in text for other in group):
                copies.add(c.pid)
            else:
                group.append(text)
        return copies

    def _adjusted(self, candidates: list[Candidate], factors, plan: QueryPlan, scores: np.ndarray,
                  closeness: np.ndarray | None) -> dict[int, float]:
        """Each candidate's score: its first-stage score (fused with ``closeness`` in hybrid
        search) adjusted by the factors."""
        stage = self._first_stage([c.pid for c in candidates], scores, closeness)
        return {c.pid: adjusted_score(factors, plan,
                                      Candidate(c.pid, c.passage, stage[c.pid], c.cited, c.stored_folded))
                for c in candidates}

    def _first_stage(self, pool: list[int], scores: np.ndarray, closeness: np.ndarray | None) -> dict[int, float]:
        """Each candidate's score before the factors: BM25's alone in lexical search; in hybrid
        search ``(1 - w) * bm25 + w * closeness``, each scaled to [0, 1] over the candidates."""
        if closeness is None or not pool:
            return {pid: float(scores[pid]) for pid in pool}
        lexical = np.asarray([scores[pid] for pid in pool], dtype=np.float64)
        dense = np.asarray([closeness[pid] for pid in pool], dtype=np.float64)
        top = float(lexical.max())
        lexical = lexical / top if top > 0 else lexical
        low, high = float(dense.min()), float(dense.max())
        dense = (dense - low) / (high - low) if high > low else np.ones_like(dense)
        w = self.dense_weight
        fused = (1.0 - w) * lexical + w * dense
        return {pid: float(value) for pid, value in zip(pool, fused, strict=True)}

    def _date(self, passage: Passage) -> str:
        return self.reader.docs.get(passage.doc_id, {}).get("date") or ""

    def _hit(self, rank: int, p: Passage, score: float, plan: QueryPlan) -> Hit:
        info = self.reader.docs.get(p.doc_id, {})
        a, b = best_answer(p.text, plan.term_weights, plan.query.cue, plan.query.acts, plan.query.asked_words)
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
            highlights=highlights(p.text, plan.query.words),
            start=p.start,
            end=p.end,
            citation=cite({**info, "title": p.title}, p.article),
            version=info.get("version"),
            effective=info.get("effective"),
            in_force=info.get("in_force") is not False,
            superseded_by=self._supersession(info.get("superseded_by")),
        )

    def _supersession(self, doc_id: str | None) -> Supersession | None:
        if not doc_id:
            return None
        return Supersession(doc_id, cite(self.reader.docs.get(doc_id, {"title": doc_id})))


@dataclass(frozen=True)
class _Ranking:
    """One question ranked: its plan, the (passage, score) list, the candidates' passages, in
    hybrid search every passage's dense closeness to the question (rerank.DenseStage.closeness),
    and how clearly its first hit wins."""

    plan: QueryPlan
    ranked: list[tuple[int, float]]
    passages: dict[int, Passage]
    closeness: np.ndarray | None
    # The first hit's score over the best other candidate's (whatever k is): how clearly it wins.
    lead: float = float("inf")

    def closeness_at(self, rank: int) -> float | None:
        if self.closeness is None or rank >= len(self.ranked):
            return None
        return float(self.closeness[self.ranked[rank][0]])


def check_question(query: object) -> str:
    """``query`` as a question that can be searched, or :class:`~pbdocs.errors.QueryError`: empty,
    longer than :data:`MAX_QUESTION_CHARS`, or without a Chinese character."""
    if not isinstance(query, str) or not query.strip():
        raise QueryError("query.empty")
    if len(query) > MAX_QUESTION_CHARS:
        raise QueryError("query.too_long", limit=MAX_QUESTION_CHARS, length=len(query))
    if not _HAN.search(query):
        raise QueryError("query.no_chinese")
    return query


def read_batch(path: str | os.PathLike) -> list[tuple[Any, str]]:
    """(id, question) pairs from a JSON Lines file of ``{"id", "q"}`` objects; blank lines skipped."""
    import json

    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise ReadError("read.no_such_file", path=p) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadError("read.cannot_read", path=p, detail=exc) from None
    queries: list[tuple[Any, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReadError("batch.not_json", path=p, line=number, detail=exc.msg) from None
        if not isinstance(item, dict) or not isinstance(item.get("q"), str) or not item["q"].strip():
            raise ReadError("batch.no_question", path=p, line=number)
        queries.append((item.get("id", number), item["q"]))
    return queries


def _fold_number(text: str) -> str:
    """A 文号 or question with brackets and spaces dropped: 民函〔2019〕54号 = 民函[2019]54号 = 民函2019 54号."""
    from ..normalize import normalize

    return _NUMBER_NOISE.sub("", normalize(text).text)


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    if n >= len(scores):
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, n)[:n]
    return part[np.argsort(-scores[part], kind="stable")]
