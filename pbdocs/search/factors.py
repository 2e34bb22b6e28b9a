"""Score factors: how a BM25 candidate's score is adjusted, one named function per reason.

BM25 itself stays rank_bm25's. A candidate passage then scores

    bm25 * (1 + the sum of the bonuses) * each multiplier, in table order,

where every entry of :data:`SCORE_FACTORS` is a bonus (added to 1) or a multiplier. Each can be
switched off by name (``Searcher.search(q, disabled_factors={"subject"})``) to measure what it
brings; ``notebooks/corpus_and_search.ipynb`` does so on the lay questions of ``tests/data/search``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from ..errors import QueryError
from .answer import fold, matched_weight, names_acts
from .passages import Passage
from .query import Query
from .question import ACT_KINDS, answers_kind, defines_asked_term, names_asked_term
from .tokenize import synonyms

__all__ = [
    "SCORE_FACTORS",
    "Candidate",
    "QueryPlan",
    "ScoreFactor",
    "active_factors",
    "adjusted_score",
    "CITED_WEIGHT",
    "STRONG_CUE_BONUS",
    "answer_kind",
    "cited_multiplier",
    "coverage",
    "known_word_coverage",
    "holds_word",
]

# Sizes of the adjustments; see the function of each for why it exists.
_CUE_BONUS = 0.5
_SUBJECT_BONUS = 0.2
_NAMED_BONUS = 0.3
_LOCAL_FACTOR = 0.8
_SUPERSEDED_FACTOR = 0.6
_VERSION_BONUS = 0.5
_COORDINATION = 0.5
_BACKGROUND_FACTOR = 0.7
# A passage with the wording that defines the kind's answer (本法所称……是指, 应当具备下列条件,
# 每年至少召开) gets this bonus instead of _CUE_BONUS.
STRONG_CUE_BONUS = 1.0
# A passage giving a wording: 统一表述为, or a quotation long enough to be a clause.
_WORDING = re.compile(r"表述为|“[^”]{20,}”")
# Tuned on the STARD development half (benchmarks/stard.py): 0.1 / 0.15 / 0.2 / 0.3 gave nDCG@10
# 0.456 / 0.456 / 0.455 / 0.447 and R@100 0.701 / 0.713 / 0.721 / 0.734 on a quarter of it; on
# the lay questions of tests/data/search, MRR@10 0.847 / 0.850 / 0.850 / 0.852 (0.852 at 0.25).
CITED_WEIGHT = 0.25


@dataclass(frozen=True)
class QueryPlan:
    """A :class:`Query` resolved against one index.

    ``columns``: the index columns of its terms with their summed weights; ``term_weights``: each
    term's weight times its idf; ``own_weight``: the idf weight of the question's own terms
    (synonyms excluded); ``named``: documents it names by title or place; ``subject``: documents
    whose title holds one of its words; ``local``: documents that are one place's rules;
    ``pinned``: the passage of the article it names; ``superseded``: documents a later version
    replaces; ``versions_named``: documents whose year or 文号 the question names; ``background``:
    background laws (公司法) whose subject the question does not name.
    """

    query: Query
    columns: dict[int, float]
    term_weights: dict[str, float]
    own_weight: float
    named: frozenset[str]
    subject: frozenset[str]
    local: frozenset[str]
    pinned: int | None
    superseded: frozenset[str] = frozenset()
    versions_named: frozenset[str] = frozenset()
    background: frozenset[str] = frozenset()
    known_words: Mapping[str, float] = field(default_factory=dict)


@dataclass
class Candidate:
    """A passage BM25 found, with its score before adjustment."""

    pid: int
    passage: Passage
    bm25: float
    # log(1 + how many documents of the collection cite this passage's document by title).
    cited: float = 0.0
    # The passage text as :func:`~.answer.fold` gives it (the form query terms are found in), as
    # the index stores it; folded here only for a passage from elsewhere.
    stored_folded: str | None = None

    @cached_property
    def folded(self) -> str:
        return self.stored_folded if self.stored_folded is not None else fold(self.passage.text)


def coverage(text: str, plan: QueryPlan, *, folded: bool = False) -> float:
    """Share of the question's idf weight found in ``text``; a synonym found stands in for the
    lay word it expands, so the share is capped at 1."""
    if plan.own_weight <= 0:
        return 0.0
    return min(1.0, matched_weight(text, plan.term_weights, folded=folded) / plan.own_weight)


def known_word_coverage(text: str, plan: QueryPlan, *, folded: bool = False) -> float:
    """Share of the idf weight of the question's own words that the corpus knows (``known_words``)
    found in ``text``, each word found when it or one of its official wordings is; 1 when the
    question has none."""
    total = sum(plan.known_words.values())
    if total <= 0:
        return 1.0
    text = text if folded else fold(text)
    found = sum(idf for word, idf in plan.known_words.items() if holds_word(text, word))
    return found / total


def holds_word(folded: str, word: str) -> bool:
    """Whether ``folded`` text holds ``word`` or one of its official wordings (``synonyms.txt``)."""
    return word in folded or any(fold(official) in folded for official in synonyms().get(word, ()))


def answer_kind(plan: QueryPlan, candidate: Candidate) -> float:
    """A passage holding the kind of answer the question asks for gets a bonus: a definition
    (本法所称……是指) for 什么是, a period (每年至少召开) for 多久, a body (由……负责) for 由谁, the
    conditions or documents (应当具备下列条件) for 条件/材料, a prohibition or penalty (不得, 处……罚款)
    for 处罚, a number of days for 多少天, a list for 哪些, a quoted wording for 怎么写 (see
    ``pbdocs/data/search/question_types.toml``)."""
    cue = plan.query.cue
    passage = candidate.passage
    if cue.kind is None:
        return 0.0
    if cue.kind == "wording":
        return _CUE_BONUS if _WORDING.search(passage.text) else 0.0
    # The article label is a number but never an amount.
    folded = candidate.folded
    body = folded.removeprefix(fold(passage.article)) if passage.article else folded
    named = cue.kind == "definition" and names_asked_term(body, plan.query.asked_words)
    if not named and not answers_kind(cue, body):
        return 0.0
    if cue.kind in ACT_KINDS and not names_acts(plan.query.acts, candidate.folded):
        return 0.0
    strong = answers_kind(cue, body, strong=True)
    if strong and cue.kind == "definition":
        strong = defines_asked_term(body, fold(plan.query.normalized))
    return STRONG_CUE_BONUS if strong or named else _CUE_BONUS


def background(plan: QueryPlan, candidate: Candidate) -> float:
    """A law bundled as background (公司法, ``background_laws.txt``) answers questions about its
    own subject: a question that names neither it nor one of its subject words is about the
    social-organization rule that reads alike."""
    doc_id = candidate.passage.doc_id
    if doc_id not in plan.background or doc_id in plan.named:
        return 1.0
    return _BACKGROUND_FACTOR


def subject(plan: QueryPlan, candidate: Candidate) -> float:
    """A question about 公司 or 基金会 is most likely about the law with that word in its title."""
    return _SUBJECT_BONUS if candidate.passage.doc_id in plan.subject else 0.0


def named(plan: QueryPlan, candidate: Candidate) -> float:
    """A question naming a law (基金会管理条例, 党章) or a place (上海) is about that law or
    that place's rules."""
    return _NAMED_BONUS if candidate.passage.doc_id in plan.named else 0.0


def local(plan: QueryPlan, candidate: Candidate) -> float:
    """A question that names no place is answered by the national rule rather than one place's."""
    doc_id = candidate.passage.doc_id
    return _LOCAL_FACTOR if doc_id in plan.local and doc_id not in plan.named else 1.0


def in_force(plan: QueryPlan, candidate: Candidate) -> float:
    """A question about what the rules require is answered by the version in force: a superseded
    version (慈善法 2016 once the 2023 amendment exists) scores lower, unless the question names
    that very version."""
    doc_id = candidate.passage.doc_id
    return _SUPERSEDED_FACTOR if doc_id in plan.superseded and doc_id not in plan.versions_named else 1.0


def version_named(plan: QueryPlan, candidate: Candidate) -> float:
    """A question naming a version's year or 文号 (2016年慈善法, 民函〔2018〕78号) is about that
    version, even where a later one says the same words."""
    return _VERSION_BONUS if candidate.passage.doc_id in plan.versions_named else 0.0


def coordination(plan: QueryPlan, candidate: Candidate) -> float:
    """Between 1 - _COORDINATION (none of the question's terms) and 1 (all of them): a passage
    holding every concept of the question beats one repeating a few of them."""
    return 1.0 - _COORDINATION + _COORDINATION * coverage(candidate.folded, plan, folded=True)


def cited_multiplier(prior):
    """1 + CITED_WEIGHT * log(1 + citing documents), for one passage's prior or an array of them."""
    return 1.0 + CITED_WEIGHT * prior


def cited(plan: QueryPlan, candidate: Candidate) -> float:
    """The laws the rest of the collection keeps citing (民法典, 刑法, 劳动合同法) are the ones
    questions are most often about. The searcher applies the same multiplier to every passage
    before taking candidates, so that it decides which come in."""
    return cited_multiplier(candidate.cited)


@dataclass(frozen=True)
class ScoreFactor:
    """One adjustment: a ``bonus`` is added to 1, a ``multiplier`` multiplies the score."""

    name: str
    kind: Literal["bonus", "multiplier"]
    function: Callable[[QueryPlan, Candidate], float]


SCORE_FACTORS: Mapping[str, ScoreFactor] = {
    factor.name: factor
    for factor in (
        ScoreFactor("answer_kind", "bonus", answer_kind),
        ScoreFactor("subject", "bonus", subject),
        ScoreFactor("named", "bonus", named),
        ScoreFactor("version_named", "bonus", version_named),
        ScoreFactor("local", "multiplier", local),
        ScoreFactor("background", "multiplier", background),
        ScoreFactor("in_force", "multiplier", in_force),
        ScoreFactor("coordination", "multiplier", coordination),
        ScoreFactor("cited", "multiplier", cited),
    )
}


def active_factors(disabled: Collection[str] = ()) -> tuple[ScoreFactor, ...]:
    """The factors in table order, without those named in ``disabled``."""
    unknown = sorted(set(disabled) - set(SCORE_FACTORS))
    if unknown:
        raise QueryError("search.unknown_factor", factors=", ".join(unknown), known=", ".join(SCORE_FACTORS))
    return tuple(f for name, f in SCORE_FACTORS.items() if name not in disabled)


def adjusted_score(factors: tuple[ScoreFactor, ...], plan: QueryPlan, candidate: Candidate) -> float:
    bonus = 1.0
    for factor in factors:
        if factor.kind == "bonus":
            bonus += factor.function(plan, candidate)
    score = candidate.bm25 * bonus
    for factor in factors:
        if factor.kind == "multiplier":
            score *= factor.function(plan, candidate)
    return score
