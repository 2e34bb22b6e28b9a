"""What a lay question asks for, and amounts written any way as comparable tokens.

A question's wording says what kind of answer it wants: 多少天 wants a sentence with a number of
days, 由谁 a body that does it, 哪些 a rule with its list; without such a phrase, a noun naming a
value (比例, 期限, 任期) says it. :func:`analyze` cuts those phrases out
(they are not content) and returns the cue; the searcher favours passages and sentences that
hold that kind of answer. :func:`amount_tokens` turns 三名, 3名, 三人 all into ``#3`` and
百分之七十, 70% into ``#70%``, on both the index and the query side.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from ..legal import parse_numeral

__all__ = ["AMOUNT_PREFIX", "Cue", "analyze", "amount_tokens", "has_amount", "is_agency_sentence",
           "is_list_lead"]

AMOUNT_PREFIX = "#"

_CN_DIGITS = "零〇一二三四五六七八九十百千两"
# Counters after a Chinese numeral that make it an amount (一切, 统一 are not). 条 is left out:
# 第十条 is an article label, not an amount.
_COUNTERS = "个名人位家日天年月次项元万届岁周倍期"
_AMOUNT = re.compile(
    rf"百分之([{_CN_DIGITS}]+|\d+(?:\.\d+)?)"
    rf"|(\d+(?:\.\d+)?)\s*(%|‰)?"
    rf"|(?<!第)([{_CN_DIGITS}]+)(?=[{_COUNTERS}])"
)
_ASK_AMOUNT = re.compile(r"(多少|几)(个月|块钱|个人|[天日年月人名位个家次项岁届钱元万倍])?")
_LIST_LEAD = re.compile(r"[：:]\s*$")


@dataclass(frozen=True)
class Cue:
    """The kind of answer a question wants: ``quantity``, ``date``, ``agency``, ``list``,
    ``wording`` (how a clause must be worded) or None;
    for amounts, the units documents would write it in (empty: any number)."""

    kind: str | None = None
    units: tuple[str, ...] = ()


def _data_lines(name: str) -> list[list[str]]:
    text = resources.files("pbdocs.data.search").joinpath(name).read_text(encoding="utf-8")
    return [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _listed(field: str) -> tuple[str, ...]:
    return tuple(u for u in field.split(",") if u)


def _cue(fields: list[str]) -> Cue:
    """The cue of a data line: its kind (second field) and units (third, comma-separated, optional)."""
    return Cue(fields[1], _listed(fields[2] if len(fields) > 2 else ""))


@functools.lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[str, str, Cue], ...]:
    out = []
    for fields in _data_lines("question_cues.txt"):
        asking, _, context = fields[0].partition("|")
        out.append((asking, context, _cue(fields)))
    # Longest first, so 多大年纪 is read before 多大.
    return tuple(sorted(out, key=lambda item: -len(item[0] + item[1])))


@functools.lru_cache(maxsize=1)
def _value_nouns() -> tuple[tuple[str, Cue], ...]:
    return tuple((fields[0], _cue(fields)) for fields in _data_lines("value_nouns.txt"))


@functools.lru_cache(maxsize=1)
def _units() -> dict[str, tuple[str, ...]]:
    return {fields[0]: _listed(fields[1]) for fields in _data_lines("units.txt")}


def analyze(question: str) -> tuple[str, Cue]:
    """The question with its asking phrases replaced by spaces, and the first cue found.

    ``question`` should be normalized already.
    """
    cue: Cue | None = None
    text = question
    for asking, context, phrase_cue in _phrases():
        if asking + context in text:
            cue = cue or phrase_cue
            text = text.replace(asking + context, " " + context)

    def amount(m: re.Match) -> str:
        nonlocal cue
        counter = m.group(2)
        if cue is None or cue.kind == "list":
            cue = Cue("quantity", _units().get(counter, ()) if counter else ())
        return " "

    text = _ASK_AMOUNT.sub(amount, text)
    if cue is None:
        # 年度支出比例 asks for a ratio without saying 多少: the noun naming the value is the cue.
        cue = next((noun_cue for noun, noun_cue in _value_nouns() if noun in text), None)
    return text, cue or Cue()


def _amounts(text: str):
    for m in _AMOUNT.finditer(text):
        percent, digits, sign, chinese = m.groups()
        if percent is not None:
            value = _number(percent)
            yield m, (f"{value}%" if value is not None else None)
        elif digits is not None:
            yield m, digits + (sign or "")
        else:
            number = parse_numeral(chinese)
            yield m, (str(number) if number is not None else None)


def _number(numeral: str) -> str | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", numeral):
        return numeral
    value = parse_numeral(numeral)
    return None if value is None else str(value)


def amount_tokens(text: str) -> list[str]:
    """``#<value>`` for every amount in normalized ``text``, whether written in digits or Chinese."""
    return [AMOUNT_PREFIX + value for _, value in _amounts(text) if value]


def has_amount(text: str, units: tuple[str, ...] = ()) -> bool:
    """Whether normalized ``text`` states an amount, in one of ``units`` when given."""
    for m, value in _amounts(text):
        if not value:
            continue
        if not units:
            return True
        if "%" in value and ("%" in units or "百分之" in units):
            return True
        after = text[m.end():m.end() + 3]
        if any(after.startswith(u) for u in units):
            return True
    return False


@functools.lru_cache(maxsize=1)
def _agencies() -> re.Pattern:
    return re.compile("|".join(re.escape(fields[0].strip()) for fields in _data_lines("agencies.txt")))


def is_agency_sentence(text: str) -> bool:
    return bool(_agencies().search(text))


def is_list_lead(text: str) -> bool:
    return bool(_LIST_LEAD.search(text))
