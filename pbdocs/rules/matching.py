"""Finding an element of a rule in a charter: exact, then normalized, then OCR-tolerant, then fuzzy.

Each hit carries a confidence that says how it was found:

- 1.00 ``exact``: the canonical wording, character for character in the original text;
- 0.95 ``normalized``: the canonical wording once width, spacing, line breaks and traditional
  characters are normalized;
- 0.90 ``variant``: an accepted variant wording (建立党的组织, 依照《中国共产党章程》...);
- 0.85 ``paraphrase``: other words for the same duty (设立中共XX协会党支部, 保证党组织活动经费);
- 0.80 ``ocr``: a wording that matches only when OCR look-alikes (觉 for 党...) are allowed;
- <= 0.75 ``fuzzy``: within a small edit distance of the canonical wording.

Hits also say whether they are negated or deferred (不设立, 暂不设立, 可以不设立, 视情况设立,
设立党组织的条件尚不具备...; a double negative such as 不得拒绝设立 is an obligation) and are
dropped where they are not the charter's own obligation (a preamble or 附则 citing the notice
unless the charter is the subject, quotations, sentences about member units' party organizations).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .packs import ElementSpec, Lexicon
from .structure import Layout, Segment

__all__ = ["TextMatch", "Matcher", "expand_ocr"]

CONFIDENCE = {"exact": 1.0, "normalized": 0.95, "variant": 0.9, "paraphrase": 0.85, "ocr": 0.8}
FUZZY_SCALE = 0.75
_QUOTES = {"“": "”", "「": "」", "『": "』", "‘": "’"}
_QUOTE_CHAR = re.compile('[“”「」『』‘’"]')
# Where a subject word can begin the charter's own statement (not after 要求 or a colon).
_ADOPTING_BREAK = frozenset(",;。!?")


@dataclass(frozen=True)
class TextMatch:
    """Where an element's wording was found in the normalized text, how sure, and whether negated."""
    start: int
    end: int
    confidence: float
    method: str
    negated: bool = False


def expand_ocr(pattern: str, confusions: dict[str, str]) -> str:
    """``pattern`` with each confusable character also matching its OCR look-alikes."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            out.append(ch + confusions.get(ch, "") if ch != "]" else ch)
        elif ch == "[":
            in_class = True
            out.append(ch)
        elif ch in confusions:
            out.append(f"[{ch}{confusions[ch]}]")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


@functools.lru_cache(maxsize=1024)
def _compiled_ocr(pattern: str, confusions: tuple[tuple[str, str], ...]) -> re.Pattern:
    return re.compile(expand_ocr(pattern, dict(confusions)))


class Matcher:
    """Finds elements in one charter's :class:`Layout`."""

    def __init__(self, layout: Layout, lexicon: Lexicon, subject: re.Pattern[str]):
        """``subject`` matches the words a charter calls itself by (the domain registry's)."""
        self.layout = layout
        self.text = layout.text
        self.lexicon = lexicon
        self._negation = _compiled("|".join(f"(?:{p})" for p in lexicon.negation))
        self._exempt = _compiled("|".join(f"(?:{p})" for p in lexicon.negation_exempt))
        self._negation_after = _compiled("|".join(f"(?:{p})" for p in lexicon.negation_after))
        self._mention = _compiled("|".join(f"(?:{p})" for p in lexicon.mention))
        self._citation = _compiled("|".join(f"(?:{p})" for p in lexicon.citation))
        self._subject = subject
        self._confusions = tuple(sorted(lexicon.ocr_confusions.items()))
        self._quoted = self._quote_spans()
        self._ineligible = {id(s) for s in layout.segments if self._describes_notice(s)}

    # -- where a hit counts ---------------------------------------------------------------------

    def _describes_notice(self, seg: Segment) -> bool:
        """A preamble, or an article of the 附则, that cites the notice: it reports, not adopts."""
        if seg.kind == "preamble" or (seg.chapter is not None and seg.chapter.is_appendix):
            return bool(self._citation.search(self.text, seg.start, seg.end))
        return False

    def _quote_spans(self) -> list[tuple[int, int]]:
        """Quotations introduced as what a notice requires (see ``[quotation]`` in the lexicon)."""
        cue = _compiled("|".join(re.escape(c) for c in self.lexicon.quotation_cues))
        window = self.lexicon.quotation_window
        return [(qs, qe) for qs, qe in self._all_quotes() if cue.search(self.text, max(0, qs - window), qs)]

    def _all_quotes(self) -> list[tuple[int, int]]:
        spans, stack = [], []
        straight_open: int | None = None
        for m in _QUOTE_CHAR.finditer(self.text):
            i, ch = m.start(), m.group()
            if ch in _QUOTES:
                stack.append((i, _QUOTES[ch]))
            elif stack and ch == stack[-1][1]:
                start, _ = stack.pop()
                spans.append((start, i + 1))
            elif ch == '"':
                if straight_open is None:
                    straight_open = i
                else:
                    spans.append((straight_open, i + 1))
                    straight_open = None
        return spans

    def _in_quotes(self, start: int, end: int) -> bool:
        return any(qs < start and end < qe for qs, qe in self._quoted)

    def _adopted(self, start: int) -> bool:
        """Whether the charter itself is the subject of the sentence up to ``start``.

        根据民政部通知要求，本会坚持…… adopts the clause even in a 附则 that cites the notice;
        社会组织应在章程中写明…… and 本次修订增加了…… only report it.
        """
        ss, _ = self.layout.sentence(start, start)
        for m in self._subject.finditer(self.text, ss, start):
            if m.start() == ss or self.text[m.start() - 1] in _ADOPTING_BREAK:
                return True
        return False

    def eligible(self, start: int, end: int) -> bool:
        seg = self.layout.segment_at(start)
        if seg is not None and id(seg) in self._ineligible and not self._adopted(start):
            return False
        if self._in_quotes(start, end):
            return False
        cs, ce = self.layout.clause(start, end)
        if self._mention.search(self.text, cs, ce):
            return False
        # 本会支持会员单位设立党组织，开展党的活动，…: later clauses of the sentence keep talking
        # about the member units until a subject word (本会…) takes the sentence back.
        ss, _ = self.layout.sentence(start, end)
        mention_ends = [m.end() for m in self._mention.finditer(self.text, ss, cs)]
        return not mention_ends or bool(self._subject.search(self.text, mention_ends[-1], start))

    def negated(self, start: int, end: int) -> bool:
        clause_start, clause_end = self.layout.clause(start, end)
        # Exempt negations are masked over the whole clause first, so that the window never cuts
        # 不得拒绝 down to a bare 拒绝.
        masked = self._exempt.sub(lambda m: "\0" * len(m.group()), self.text[clause_start:end])
        before, inside = masked[:start - clause_start], masked[start - clause_start:]
        if self._negation.search(before[-self.lexicon.negation_window:]) or self._negation.search(inside):
            return True
        return bool(self._negation_after.match(self.text, end, clause_end))

    # -- finding --------------------------------------------------------------------------------

    def regex_hits(self, element: ElementSpec, patterns: tuple[str, ...], *, obligations: bool,
                   paraphrase: bool = False) -> list[TextMatch]:
        """Hits of ``patterns``; with ``obligations`` only those that state the charter's own duty;
        with ``paraphrase`` the patterns are an element's paraphrases (method ``paraphrase``)."""
        hits: dict[tuple[int, int], TextMatch] = {}
        for _index, pattern in enumerate(patterns):
            plain = _compiled(pattern)
            lookalikes = _compiled_ocr(pattern, self._confusions)
            for m in lookalikes.finditer(self.text):
                start, end = m.span()
                if start == end or (start, end) in hits:
                    continue
                if obligations and not self.eligible(start, end):
                    continue
                method = self._method(element, m.group(), plain, start, end)
                if paraphrase and method != "ocr":
                    method = "paraphrase"
                negated = obligations and self.negated(start, end)
                hits[(start, end)] = TextMatch(start, end, CONFIDENCE[method], method, negated)
        return sorted(hits.values(), key=lambda h: h.start)

    def _method(self, element: ElementSpec, found: str, plain: re.Pattern, start: int, end: int) -> str:
        if not plain.fullmatch(found):
            return "ocr"
        if element.canonical and found == element.canonical:
            a, b = self.layout.norm.span(start, end)
            return "exact" if self.layout.doc.text[a:b] == element.canonical else "normalized"
        return "variant"

    def fuzzy_hits(self, element: ElementSpec) -> list[TextMatch]:
        """Near-misses of the canonical wording, for OCR errors no look-alike table foresees.

        Only stretches holding an anchor character (党...) qualify, and only within a small edit
        distance, so that 为会员的活动提供必要条件 or a shortened 坚持中国共产党的领导 never pass.
        """
        canonical = element.canonical
        if not canonical or len(canonical) < 6:
            return []
        from rapidfuzz.distance import Levenshtein
        from rapidfuzz.fuzz import partial_ratio_alignment

        anchors = set(element.anchors)
        for ch in element.anchors:
            anchors.update(self.lexicon.ocr_confusions.get(ch, ""))
        allowed = max(1, len(canonical) // 6)
        # Known look-alikes are read back first, so that the edit budget is left for the unknown
        # error beside them (没立中国共产觉旳組鋭).
        text = self.text.translate(self._read_back(canonical))
        hits = []
        for seg in self.layout.segments:
            start = seg.body_start
            while start < seg.end:
                s, e = self.layout.sentence(start, start)
                e = max(e, start + 1)
                sentence = text[s:e]
                start = e
                if anchors and not anchors.intersection(sentence):
                    continue
                aligned = partial_ratio_alignment(canonical, sentence, score_cutoff=70)
                if aligned is None:
                    continue
                a, b, distance = self._closest(canonical, text, s + aligned.dest_start, s, e, Levenshtein.distance)
                candidate = text[a:b]
                if distance > allowed:
                    continue
                if anchors and not anchors.intersection(candidate):
                    continue
                if not self.eligible(a, b):
                    continue
                score = round((1 - distance / len(canonical)) * FUZZY_SCALE, 2)
                hits.append(TextMatch(a, b, score, "fuzzy", self.negated(a, b)))
        return hits

    def _read_back(self, canonical: str) -> dict[int, str]:
        """Look-alike -> the character of ``canonical`` it stands for (never one ``canonical`` uses)."""
        table: dict[int, str] = {}
        for ch in set(canonical):
            for lookalike in self.lexicon.ocr_confusions.get(ch, ""):
                if lookalike not in canonical:
                    table[ord(lookalike)] = ch
        return table

    def _closest(self, canonical: str, text: str, near: int, lo: int, hi: int, distance) -> tuple[int, int, int]:
        """The stretch around ``near`` of about the canonical length that is closest to it.

        partial-ratio alignments can be off by a character or two (",设立...的组" for "设立...的组锐").
        """
        n = len(canonical)
        best = (near, near + n, n)
        for a in range(max(lo, near - 2), min(hi, near + 3)):
            for length in (n, n - 1, n + 1):
                b = a + length
                if b > hi:
                    continue
                d = distance(canonical, text[a:b])
                if d < best[2]:
                    best = (a, b, d)
        return best
