"""From a retrieved passage to an answer: the best one or two sentences, and where terms matched."""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..legal import article_heading, is_list_item, opening_condition, proviso
from ..normalize import normalize
from .passages import split_sentences
from .question import (
    ACT_KINDS,
    AMOUNT_PREFIX,
    Cue,
    amount_tokens,
    answers_kind,
    names_asked_term,
    question_acts,
    strong_picks_sentence,
)
from .tokenize import BIGRAM_PREFIX, synonyms

__all__ = ["Highlight", "best_answer", "highlights", "matched_weight", "fold", "names_acts"]

_LEAD_IN = re.compile(r"[：:]\s*$")
_SHORT_SENTENCE = 16
_CONTINUATION_CHARS = 220
_LENGTH_SCALE = 300.0
_NEIGHBOUR_SHARE = 0.6
# A sentence holding the kind of answer asked for (a number of days for 多少天, a body for 由谁,
# a list for 哪些) scores this much more.
_CUE_BONUS = 0.5
# An exception to a rule (但是……除外, 特殊情况下……) keeps this share of its score: a question asks
# what the rule requires, unless its own words are the exception's.
_PROVISO_SHARE = 0.4
# A later paragraph's special case (法定代表人辞任的，……) keeps this share of its score unless the
# question names its condition or an act only it names: asked how the representative is chosen, the
# article's rule answers, not what follows a resignation.
_SPECIAL_CASE_SHARE = 0.6


@dataclass(frozen=True)
class Highlight:
    term: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {"term": self.term, "start": self.start, "end": self.end}


def fold(text: str) -> str:
    """The form query terms are looked up in: normalized and lower-cased."""
    return normalize(text).text.lower()


def matched_weight(text: str, term_weights: Mapping[str, float], *, folded: bool = False) -> float:
    """Sum of the weights of the distinct query terms (words, bigrams, amounts) found in ``text``
    (already :func:`fold`-ed when ``folded``)."""
    return sum(term_weights[t] for t in _present_terms(text if folded else fold(text), term_weights))


def names_acts(acts: Sequence[str], folded: str) -> bool:
    """Whether ``folded`` text names every act of ``acts`` (``acts.txt``: 注销, 成立, and 条件 or 材料),
    each in the question's word or one of its official wordings."""
    return all(any(form in folded for form in _act_forms(act)) for act in acts)


@functools.lru_cache(maxsize=256)
def _act_forms(act: str) -> tuple[str, ...]:
    # Read for every candidate passage of a question: the wordings are folded once per act.
    return (act, *(fold(o) for o in (*question_acts().get(act, ()), *synonyms().get(act, ()))))


def _defines_kind(sentence: str, cue: Cue, acts: Sequence[str], asked: Sequence[str]) -> bool:
    """Whether ``sentence`` holds the wording that defines ``cue``'s kind of answer. For an act's
    conditions, documents or steps it must name that act too: the 登记 steps do not answer 慈善组织认定."""
    normalized = normalize(sentence).text
    defines = (answers_kind(cue, normalized, strong=True)
               or (cue.kind == "definition" and names_asked_term(normalized, asked)))
    return defines and (cue.kind not in ACT_KINDS or names_acts(acts, fold(sentence)))


def best_answer(text: str, term_weights: Mapping[str, float], cue: Cue | None = None,
                acts: Sequence[str] = (), asked: Sequence[str] = ()) -> tuple[int, int]:
    """Span in ``text`` of the one or two sentences that best answer.

    A sentence scores the weights of the query terms it contains, each scaled by how rare the
    term is among the passage's sentences: the words a whole passage shares with the question
    (its subject) found the passage, and the sentence that also holds the rarer ones answers.
    A neighbour that scores nearly as well joins it; a sentence leading into a list (ends with a
    colon) takes the list with it and the matching sentence before it, and a very short one its
    successor. A ``cue`` favours the sentences that hold the kind of answer the question wants
    (the 70% of a 比例 question), and a sentence that opens as an exception to the rule before it
    counts less unless the question names the exception. ``asked`` are the question's own words
    (:attr:`.Query.asked_words`): a definition question is answered by the sentence naming one of
    them (……，为法人的法定代表人).
    """
    spans = split_sentences(text)
    if not spans:
        return 0, len(text)
    term_weights = _within_words(term_weights)
    present = [_present_terms(fold(text[a:b]), term_weights) for a, b in spans]
    n = len(spans)
    spread: dict[str, int] = {}
    for terms in present:
        for t in terms:
            spread[t] = spread.get(t, 0) + 1
    scores = [
        sum(term_weights[t] * (1.0 + math.log(n / spread[t])) for t in terms) / (1.0 + (b - a) / _LENGTH_SCALE)
        * (1.0 + _CUE_BONUS * _fits(text[a:b], cue)) * _rule_share(text[a:b], term_weights)
        for terms, (a, b) in zip(present, spans, strict=False)
    ]
    for i, share in enumerate(_special_cases(text, spans, term_weights, acts)):
        scores[i] *= share
    best = max(range(n), key=lambda i: (scores[i], -i))
    if cue is not None and strong_picks_sentence(cue):
        # The wording that defines the kind of answer asked for (本法所称……是指, 从……之日算起,
        # 每年至少召开) answers even where it repeats none of the question's words.
        strong = [_defines_kind(text[a:b], cue, acts, asked) for a, b in spans]
        if any(strong):
            top = max(scores) or 1.0
            best = max(range(n), key=lambda i: (scores[i] + top * strong[i], -i))
            # Its neighbours join by what they share with the question, as any answer's do.
            scores[best] = max(scores[best], top)
    # An exception never answers alone: the rule it is an exception to comes first.
    while best > 0 and _rule_share(text[spans[best][0]:spans[best][1]], term_weights) < 1.0:
        best -= 1
    best = _list_lead(text, spans, best, cue)
    start, end = spans[best]
    neighbours = [j for j in (best - 1, best + 1) if 0 <= j < n and scores[j] >= _NEIGHBOUR_SHARE * scores[best]]
    if neighbours and scores[best] > 0:
        j = max(neighbours, key=lambda j: scores[j])
        if max(end, spans[j][1]) - min(start, spans[j][0]) <= _CONTINUATION_CHARS:
            start, end = min(start, spans[j][0]), max(end, spans[j][1])
    if _LEAD_IN.search(text[start:end]):
        lead = start
        following = [span for span in spans if span[0] >= end and span[1] - lead <= _CONTINUATION_CHARS]
        if not following:
            following = [span for span in spans if span[0] >= end][:1]
        if following:
            end = following[-1][1]
        # What a rule says before its list ("章程必须明确公益性质，...。章程应当载明下列事项：")
        # is half of the answer when it is about the same thing.
        before = [i for i, span in enumerate(spans) if span[1] <= start]
        if before and scores[before[-1]] > 0:
            start = spans[before[-1]][0]
    elif end - start - _label_length(text[start:end]) < _SHORT_SENTENCE:
        following = [span for span in spans if span[0] >= end][:1]
        if following:
            end = following[0][1]
    return start, end


def _special_cases(text: str, spans: Sequence[tuple[int, int]], term_weights: Mapping[str, float],
                   acts: Sequence[str]) -> list[float]:
    """Each sentence's share of its score as part of a later paragraph's special case: 1.0 where it is
    none, or where the question names a word of its condition that the article's first paragraph
    lacks, or an act only the special case names (已经设立的……符合条件的，由民政部门认定 for 认定)."""
    starts = [i for i, (a, _) in enumerate(spans)
              if i and "\n" in text[spans[i - 1][1]:a] and not is_list_item(text[a:spans[i][1]])]
    if not starts:
        return [1.0] * len(spans)
    rule = fold(text[spans[0][0]:spans[starts[0] - 1][1]])
    words = _words(term_weights)
    shares = [1.0] * len(spans)
    for first, following in zip(starts, [*starts[1:], len(spans)], strict=True):
        a, b = spans[first]
        condition = opening_condition(text[a:b])
        if condition is None:
            continue
        own, named = fold(text[a:spans[following - 1][1]]), fold(condition)
        asked = (any(t in named and t not in rule for t in words)
                 or any(names_acts([act], own) and not names_acts([act], rule) for act in acts))
        if not asked:
            shares[first:following] = [_SPECIAL_CASE_SHARE] * (following - first)
    return shares


def _list_lead(text: str, spans: Sequence[tuple[int, int]], best: int, cue: Cue | None) -> int:
    """The sentence that answers for ``best``: an item of a list answers with the sentence that leads
    into the list (应当提交下列材料：（一）申办报告), without which it does not say what it is an item of.
    An item that holds the kind of answer asked (（一）有50个以上的会员 for 多少人) answers alone, and so
    does an item that is a whole sentence of a list of sentences (the 党章's （三）党的最高领导机关，是……。
    before （四）): a list of fragments ends only its last item with 。."""
    item = text[spans[best][0]:spans[best][1]]
    whole_sentence = item.rstrip().endswith("。") and any(is_list_item(text[a:b]) for a, b in spans[best + 1:])
    if not is_list_item(item) or _fits(item, cue) or whole_sentence:
        return best
    lead = best - 1
    while lead >= 0 and is_list_item(text[spans[lead][0]:spans[lead][1]]):
        lead -= 1
    if (lead >= 0 and _LEAD_IN.search(text[spans[lead][0]:spans[lead][1]])
            and spans[best][1] - spans[lead][0] <= _CONTINUATION_CHARS):
        return lead
    return best


def _label_length(sentence: str) -> int:
    """How much of ``sentence`` is the article label it opens with (第七十四条 of 第七十四条 法人可以
    依法设立分支机构。): the label says where the rule is, not what it says."""
    heading = article_heading(sentence)
    return len(sentence) - len(sentence[heading.end:].lstrip()) if heading is not None else 0


def _within_words(term_weights: Mapping[str, float]) -> dict[str, float]:
    """The terms that choose a sentence: a character bigram counts only inside one of the
    question's words, where it stands in for a misspelt or split word. A bigram across two words
    (会委 of 委员会委员) is rare in every text, so it would outweigh the word the question is about."""
    words = _words(term_weights)
    return {t: w for t, w in term_weights.items()
            if not t.startswith(BIGRAM_PREFIX) or any(t[len(BIGRAM_PREFIX):] in word for word in words)}


def _words(term_weights: Mapping[str, float]) -> list[str]:
    """The question's words among its terms: no character bigram, amount or single character."""
    return [t for t in term_weights if len(t) > 1 and not t.startswith((AMOUNT_PREFIX, BIGRAM_PREFIX))]


def _fits(sentence: str, cue: Cue | None) -> bool:
    return answers_kind(cue, normalize(sentence).text, sentence=True)


def _rule_share(sentence: str, term_weights: Mapping[str, float]) -> float:
    marker = proviso(sentence)
    if marker is None:
        return 1.0
    folded = fold(marker)
    asked = any(t in folded for t in _words(term_weights))
    return 1.0 if asked else _PROVISO_SHARE


def _present_terms(folded: str, term_weights: Mapping[str, float]) -> list[str]:
    present: list[str] = []
    amounts: set[str] | None = None
    for term in term_weights:
        if term.startswith(AMOUNT_PREFIX):
            if amounts is None:
                amounts = set(amount_tokens(folded))
            if term in amounts:
                present.append(term)
        elif (term[1:] if term.startswith(BIGRAM_PREFIX) else term) in folded:
            present.append(term)
    return present


def highlights(text: str, terms: list[str]) -> list[Highlight]:
    """Where the query's words occur in ``text``: longest terms first, no overlaps, in order."""
    norm = normalize(text)
    folded = norm.text.lower()
    taken: list[tuple[int, int]] = []
    out: list[Highlight] = []
    for term in sorted(set(terms), key=lambda t: (-len(t), t)):
        if len(term) < 2 and not _is_han(term):
            continue
        pos = folded.find(term)
        while pos >= 0:
            end = pos + len(term)
            if all(end <= a or pos >= b for a, b in taken):
                taken.append((pos, end))
                a, b = norm.span(pos, end)
                out.append(Highlight(text[a:b], a, b))
            pos = folded.find(term, end)
    out.sort(key=lambda h: h.start)
    return out


def _is_han(term: str) -> bool:
    return bool(term) and all("\u3400" <= ch <= "\u9fff" for ch in term)
