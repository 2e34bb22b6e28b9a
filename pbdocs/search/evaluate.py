"""Answer-containment evaluation of search on questions with known answer strings.

A hit is relevant when its passage contains one of the question's answer strings, compared with
whitespace and punctuation removed (and width and script folded), so "凡是有正式党员三人以上的"
matches however the source punctuates it. Answer@1 asks the same of the top hit's ``answer``.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ReadError
from ..normalize import normalize

__all__ = ["Question", "EvalReport", "load_questions", "evaluate", "contains_answer"]

_NOISE = re.compile(r"[\s\W_]+")


@dataclass(frozen=True)
class Question:
    q: str
    answers: tuple[str, ...]


@dataclass
class EvalReport:
    n: int
    r_at_1: float
    r_at_5: float
    mrr_at_10: float
    answer_at_1: float
    rows: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "R@1": round(self.r_at_1, 4),
            "R@5": round(self.r_at_5, 4),
            "MRR@10": round(self.mrr_at_10, 4),
            "Answer@1": round(self.answer_at_1, 4),
        }


def _fold(text: str) -> str:
    return _NOISE.sub("", normalize(text).text.lower())


def contains_answer(text: str, answers: Iterable[str]) -> bool:
    folded = _fold(text)
    return any(_fold(a) and _fold(a) in folded for a in answers)


def load_questions(path: str | os.PathLike) -> list[Question]:
    """Questions from JSON Lines of ``{"q": ..., "answers": [...]}``."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ReadError("read.cannot_read", path=p, detail=exc.strerror or exc) from None
    out: list[Question] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            out.append(Question(item["q"], tuple(item["answers"])))
        except (json.JSONDecodeError, KeyError, TypeError):
            raise ReadError("eval.bad_line", path=p, line=number) from None
    return out


def evaluate(searcher, questions: list[Question], k: int = 10, *,
             disabled_factors: Collection[str] = ()) -> EvalReport:
    """R@1, R@5 and MRR@10 over hit passages, Answer@1 over the top hit's answer sentence;
    ``disabled_factors`` measures the searcher without those score factors."""
    r1 = r5 = mrr = a1 = 0.0
    rows = []
    for question in questions:
        result = searcher.search(question.q, k=k, disabled_factors=disabled_factors)
        rank = next((h.rank for h in result.hits if contains_answer(h.text, question.answers)), None)
        answered = bool(result.hits) and contains_answer(result.hits[0].answer, question.answers)
        r1 += rank == 1
        r5 += rank is not None and rank <= 5
        mrr += 1.0 / rank if rank else 0.0
        a1 += answered
        rows.append({
            "q": question.q,
            "rank": rank,
            "answered": answered,
            "confident": result.confident,
            "top": result.hits[0].title if result.hits else None,
            "answer": result.hits[0].answer if result.hits else None,
        })
    n = max(len(questions), 1)
    return EvalReport(len(questions), r1 / n, r5 / n, mrr / n, a1 / n, rows)
