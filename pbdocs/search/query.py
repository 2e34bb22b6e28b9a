"""A question read once: :class:`Query` holds everything search needs from its text.

Normalization, cutting out the asking phrases (:func:`.question.analyze`) and tokenization each
run once per search; ranking, answers and highlights then read the fields. Nothing here depends
on an index: the searcher resolves a Query against its index (term columns, idf weights, the
documents it names) in :class:`.factors.QueryPlan`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ..legal import ARTICLE_REFERENCE, parse_numeral
from ..normalize import normalize
from .question import AMOUNT_PREFIX, Cue, analyze, question_acts, set_aside
from .tokenize import BIGRAM_PREFIX, SET_ASIDE_WEIGHT, SYNONYM_WEIGHT, content_terms, synonyms

__all__ = ["ArticleReference", "Query", "is_word", "name_forms"]

_BRACKETED = re.compile(r"[(（][^)）]*[)）]")


def is_word(term: str) -> bool:
    """Whether a query term is a word of two or more characters, not a bigram or an amount."""
    return len(term) >= 2 and not term.startswith((BIGRAM_PREFIX, AMOUNT_PREFIX))


def name_forms(text: str) -> frozenset[str]:
    """``text`` and its readings with a common short name put in full (党章 -> 中国共产党章程),
    so that it can be searched for the titles of the laws it names."""
    return frozenset({text} | {text.replace(lay, official) for lay, officials in synonyms().items()
                               if lay in text for official in officials})


@dataclass(frozen=True)
class ArticleReference:
    """An article a question names (社会团体登记管理条例第十四条): its number, and the rest of
    the question in the forms a law's title is looked for in."""

    number: int
    law_forms: frozenset[str]


@dataclass(frozen=True)
class Query:
    """What one question asks, read from its text alone.

    ``normalized`` is the question as :func:`~pbdocs.normalize.normalize` gives it; ``cue`` the kind
    of answer it wants; ``terms`` its weighted tokens (content words, bigrams and amounts at 1,
    official wordings of its lay words at 0.5, what it sets aside at 0.25); ``name_forms`` the forms
    titles are looked for in; ``article`` the article it names, if any; ``meant`` the question
    without what it sets aside (除了纪律处分), which is what the dense stage encodes.
    """

    text: str
    normalized: str
    cue: Cue
    terms: tuple[tuple[str, float], ...]
    name_forms: frozenset[str]
    article: ArticleReference | None
    meant: str

    @classmethod
    def parse(cls, text: str) -> Query:
        normalized = normalize(text).text
        meant, aside = set_aside(normalized)
        content, cue = analyze(meant)
        terms = content_terms(content)
        own = {term for term, _ in terms}
        terms += [(term, weight * SET_ASIDE_WEIGHT) for term, weight in content_terms(aside) if term not in own]
        return cls(text, normalized, cue, tuple(terms), name_forms(normalized), _article_reference(normalized),
                   meant)

    @property
    def words(self) -> list[str]:
        """The word terms (no bigrams, no amounts) in order, official wordings included."""
        return [t for t, _ in self.terms if not t.startswith((BIGRAM_PREFIX, AMOUNT_PREFIX))]

    @cached_property
    def asked_words(self) -> list[str]:
        """The words the question itself asks with, their parts and their official wordings; not
        the words learned to go with them (associations.txt), which only widen the search, nor what
        it sets aside (除了纪律处分)."""
        return [t for t, w in self.terms if w >= SYNONYM_WEIGHT and not t.startswith((BIGRAM_PREFIX, AMOUNT_PREFIX))]

    @cached_property
    def acts(self) -> list[str]:
        """The acts (``acts.txt``: 注销, 成立, and 条件 or 材料) among the question's own words; read
        for every candidate passage, so found once."""
        known = question_acts()
        # 设立登记（备案）names an alternative in brackets: a rule on 登记 answers without 备案.
        outside = _BRACKETED.sub(" ", self.normalized)
        return [t for t, weight in self.terms if weight >= 1.0 and t in known and t in outside]

    @property
    def amounts(self) -> list[str]:
        """The amounts the question states, as ``#<value>`` tokens (三名 -> ``#3``)."""
        return [t for t, _ in self.terms if t.startswith(AMOUNT_PREFIX)]


def _article_reference(normalized: str) -> ArticleReference | None:
    m = ARTICLE_REFERENCE.search(normalized)
    if not m:
        return None
    number = parse_numeral(m.group(1))
    if number is None:
        return None
    named = normalized[: m.start()].strip("《》 ") + normalized[m.end():]
    return ArticleReference(number, name_forms(named))
