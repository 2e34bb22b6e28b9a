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
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from ..legal import is_list_item, parse_numeral

__all__ = ["ACT_KINDS", "AMOUNT_PREFIX", "Cue", "QuestionKind", "analyze", "amount_tokens", "answers_kind",
           "has_amount", "is_agency_sentence", "is_list_lead", "question_acts", "question_kinds"]

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
# Three or more things named in a row and closed by 等 (实物、知识产权、土地使用权等).
_INLINE_LIST = re.compile(r"(?:[^、，。；：]{1,10}、){2,}[^、，。；：]{1,10}等")
_PERIOD_COUNTERS = frozenset({"年", "个月", "月", "天", "日", "届"})
_ONCE = re.compile(r"[^，,。？?]{0,10}?一次")
# 基金会是组织吗, 分公司是独立法人吗, 私立幼儿园属于民办吗: a yes-or-no question about what a thing is wants the article
# that says what it is, not a permission; a modal verb (可以, 需要) or lawfulness (是合法的吗) makes it
# one again.
_CLASSIFYING = re.compile(r"^[^，,。；;？?]{1,16}?(?:(?<!是)是(?![否不])|属于|算是)[^，,。；;？?]{1,12}吗[?？]?$")
_MAY_OR_LAWFUL = re.compile(r"可以|能|允许|需要|要|应|必须|得|合法|违法|违规")


@dataclass(frozen=True)
class Cue:
    """The kind of answer a question wants: one of :func:`question_kinds` (``definition``,
    ``period``, ``quantity``, ``agency``, ``conditions``, ``penalty``, ``permission``), or
    ``date``, ``list``, ``wording`` (how a clause must be worded) of question_cues.txt, or None;
    for amounts and periods, the units documents would write it in (empty: any number)."""

    kind: str | None = None
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionKind:
    """One kind of question of ``question_types.toml``: how it is asked and what answers it."""

    name: str
    asks: re.Pattern | None
    marks: tuple[str, ...]
    passage: re.Pattern | None
    sentence: re.Pattern | None
    units: tuple[str, ...]
    strong: re.Pattern | None = None
    # Only a passage in the strong wording answers with confidence (a sentence of 有期徒刑 for 判几年).
    confident_needs_strong: bool = False
    # The strong wording picks the answer sentence even without the question's words (本法所称……
    # 是指); where it does not (a bound, 不得超过), the sentence must share the question's words too.
    strong_sentence: bool = True
    # A question with no asking word that still asks for this kind by its shape: the name of a
    # service-guide task (基金会注销, 社会团体住所变更登记) asks how it is done.
    task: re.Pattern | None = None


def _alternatives(patterns: list[str]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


@functools.lru_cache(maxsize=1)
def question_kinds() -> dict[str, QuestionKind]:
    """The kinds of ``pbdocs/data/search/question_types.toml``, in its order."""
    import tomllib

    raw = tomllib.loads(resources.files("pbdocs.data.search").joinpath("question_types.toml")
                        .read_text(encoding="utf-8"))
    kinds = {}
    for name, spec in raw.items():
        # Longest asking phrase first, so that 需要什么材料 is read before 什么.
        asks = sorted(spec.get("asks", []), key=len, reverse=True)
        passage = spec.get("passage", [])
        # A kind extending an earlier one is answered by that kind's strong wording too (a duration
        # question's 多长时间 may still ask how often: 每年至少召开).
        strong = [*raw.get(spec.get("extends", ""), {}).get("strong", []), *spec.get("strong", [])]
        kinds[name] = QuestionKind(name, _alternatives(asks), tuple(spec.get("marks", [])), _alternatives(passage),
                                   _alternatives(spec.get("sentence", passage)), tuple(spec.get("units", [])),
                                   _alternatives(strong),
                                   bool(spec.get("confident_needs_strong", False)),
                                   bool(spec.get("strong_sentence", True)), _alternatives(spec.get("task", [])))
    return kinds


# Kinds whose answer must name the act the question asks about (acts.txt): the conditions, documents
# or steps of 注销 are not those of 成立.
ACT_KINDS = frozenset({"conditions", "materials", "procedure"})
_HEAD_COUNT_UNITS = frozenset({"人", "名"})
# Kinds answered by an amount in the units asked (多少天: a number of days).
_COUNTED_KINDS = frozenset({"quantity", "date", "period", "duration"})
_SHARE = re.compile(r"\d+\s*/\s*\d+|[一二三四五六七八九十]+分之[一二三四五六七八九十]+|过半数|半数以上")


# The term a definition defines: 本法所称慈善组织，是指…… defines 慈善组织.
_DEFINED_TERM = re.compile(r"所称(?:的)?[“\"]?([^，,。；“”\"]{1,30}?)[”\"]?[，,]?(?:是指|指)")


def strong_picks_sentence(cue: Cue | None) -> bool:
    """Whether the strong wording of ``cue``'s kind chooses the answer sentence on its own."""
    kind = question_kinds().get(cue.kind) if cue is not None and cue.kind else None
    return kind is not None and kind.strong is not None and kind.strong_sentence


def confidently_answers(cue: Cue, text: str) -> bool:
    """Whether normalized ``text`` may answer ``cue`` with confidence: for most kinds any passage may
    (the ranking weighs the kind); a kind whose answer only one wording gives (a criminal sentence,
    有期徒刑, and not a pointer such as 依法追究刑事责任) needs that wording."""
    kind = question_kinds().get(cue.kind) if cue.kind else None
    return kind is None or not kind.confident_needs_strong or answers_kind(cue, text, strong=True)


def defined_terms(text: str) -> list[str]:
    """The terms the 所称 clauses of normalized ``text`` define, in order: 慈善组织 of 本法所称慈善组织，
    是指……, and 慈善信托 of 本法所称慈善信托属于公益信托，是指…… (what it is a kind of is not the term)."""
    return [term.split("属于", 1)[0] for term in _DEFINED_TERM.findall(text)]


# A code defines by naming too: 代表法人从事民事活动的负责人，为法人的法定代表人; ……的法人，为非营利法人.
_NAMED_AS = re.compile(r"[，,]为([^。；，,：:]{2,16})[。；]")


def names_asked_term(text: str, terms: Iterable[str]) -> bool:
    """Whether normalized ``text`` defines one of the question's word ``terms`` (two characters or
    more) by naming it at the end of a sentence: ……，为法人的法定代表人 for 法定代表人."""
    words = [t for t in terms if len(t) >= 2]
    return any(m.group(1).endswith(term) for m in _NAMED_AS.finditer(text) for term in words)


def defines_asked_term(text: str, question: str) -> bool:
    """Whether a definition in normalized ``text`` defines a term the question names: asked about
    基金会, the 条例's 基金会 and not its 境外基金会. Without a 所称 clause, any definition may."""
    defined = defined_terms(text)
    return not defined or any(term in question for term in defined)


def answers_kind(cue: Cue | None, text: str, *, sentence: bool = False, strong: bool = False) -> bool:
    """Whether normalized ``text`` (a passage, or with ``sentence`` one sentence of it) holds the
    kind of answer ``cue`` asks for: a definition for 什么是, a period for 多久, a body for 由谁…;
    with ``strong``, the wording that defines that kind of answer (本法所称……是指)."""
    if cue is None or cue.kind is None:
        return False
    if strong:
        kind = question_kinds().get(cue.kind)
        if kind is None or kind.strong is None or not kind.strong.search(text):
            return False
        # 三人以上 is the rule for 几个人, 10万元以上 is not.
        return cue.kind != "quantity" or not cue.units or answers_kind(cue, text, sentence=sentence)
    if cue.kind == "list":
        if not sentence:
            return any(is_list_lead(line) for line in text.splitlines())
        # 哪些 is answered by a list, run on in a sentence too (用实物、知识产权、土地使用权、股权、债权等……
        # 作价出资); an item of a numbered list that names a few things is one item, not the list.
        return is_list_lead(text) or (_INLINE_LIST.search(text) is not None and not is_list_item(text))
    if cue.kind in _COUNTED_KINDS and cue.units:
        # 多少钱 asks for 元 and 几名 for 名: a limit in other terms (50个以上会员) does not answer.
        # How many people is also answered by a share of a body (2/3以上理事出席, 过半数).
        counts_people = any(unit in _HEAD_COUNT_UNITS for unit in cue.units)
        return has_amount(text, cue.units) or (counts_people and bool(_SHARE.search(text)))
    kind = question_kinds().get(cue.kind)
    pattern = None if kind is None else (kind.sentence if sentence else kind.passage)
    if pattern is not None and pattern.search(text):
        return True
    if cue.kind == "agency":
        return is_agency_sentence(text)
    if cue.kind in _COUNTED_KINDS:
        return has_amount(text, cue.units)
    return False


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
def question_acts() -> dict[str, tuple[str, ...]]:
    """The acts of ``acts.txt`` (注销, 成立, 评估…, and 条件, 材料) a question can ask the
    conditions of, each with the other wordings that stand for it."""
    return {fields[0].strip(): _listed(fields[1] if len(fields) > 1 else "") for fields in _data_lines("acts.txt")}


@functools.lru_cache(maxsize=1)
def _value_nouns() -> tuple[tuple[str, Cue, bool], ...]:
    return tuple((fields[0], _cue(fields), len(fields) > 3 and fields[3] == "asked")
                 for fields in _data_lines("value_nouns.txt"))


@functools.lru_cache(maxsize=1)
def _units() -> dict[str, tuple[str, ...]]:
    return {fields[0]: _listed(fields[1]) for fields in _data_lines("units.txt")}


# 除了纪律处分，还有哪些处理: what a question sets aside it knows already, and asks for the rest. Only
# with what follows (还, 也, 其他) is 除了 read so: 除了党员以外的人 alone names whom it asks about.
# 除 ends verbs too (解除合同还要赔偿吗), so a bare 除 needs its 以外 or 之外.
_ASIDE = r"((?:(?!以外|之外)[^，,。；;？?]){2,16}?)"
_GOES_ON = r"(?:还|也|另外|其[他它])"
_SET_ASIDE = re.compile(r"(?<![解免删排清废消拆扣剔根开破革去摒铲切割祛])除"
                        rf"(?:了{_ASIDE}(?:以外|之外)?|{_ASIDE}(?:以外|之外))"
                        rf"(?={_GOES_ON}|[，,][^，,。；;？?]{{0,8}}?{_GOES_ON})")


def set_aside(question: str) -> tuple[str, str]:
    """``question`` without what it sets aside (除了纪律处分), and that part (纪律处分); the question
    itself and ``""`` when it sets nothing aside."""
    match = _SET_ASIDE.search(question)
    if match is None:
        return question, ""
    return question[:match.start()] + question[match.end():], match.group(1) or match.group(2)


def analyze(question: str) -> tuple[str, Cue]:
    """The question with its asking phrases replaced by spaces, and the first cue found.

    ``question`` should be normalized already.
    """
    cue: Cue | None = None
    text = question
    asked, asking = _asked_kind(text)
    # A question closing on a bare 吗 (你知道党代会几年开一次吗, 股东人数有上限吗) may ask something
    # more definite inside it: a phrase of question_cues.txt, a count or a period (几年……一次) says what.
    particle_only = asked is not None and asked.name == "permission" and asking.rstrip("?？") == "吗"
    if asked is not None:
        cue = Cue(asked.name, asked.units)
        for kind in question_kinds().values():
            if kind.asks is not None:
                text = kind.asks.sub(" ", text)
    for asking, context, phrase_cue in _phrases():
        if asking + context in text:
            if cue is None or particle_only:
                cue, particle_only = phrase_cue, False
            text = text.replace(asking + context, " " + context)

    def amount(m: re.Match) -> str:
        nonlocal cue, particle_only
        counter = m.group(2)
        if cue is None or cue.kind == "list" or particle_only:
            particle_only = False
            kind = "quantity"
            if counter in _PERIOD_COUNTERS and _ONCE.match(m.string, m.end()):
                # 几年召开一次, 多少个月换届一次 ask how often: 每五年举行一次 answers.
                kind = "period"
            cue = Cue(kind, _units().get(counter, ()) if counter else ())
        return " "

    text = _ASK_AMOUNT.sub(amount, text)
    if cue is not None and cue.kind == "permission" and _CLASSIFYING.match(question) \
            and not _MAY_OR_LAWFUL.search(question):
        definition = question_kinds().get("definition")
        if definition is not None:
            cue = Cue(definition.name, definition.units)
    if cue is not None and cue.kind == "list":
        # 有哪些禁止性行为 asks for the prohibitions more than for a list: 不得 answers, list or not.
        penalty = question_kinds().get("penalty")
        if penalty is not None and any(mark in text for mark in penalty.marks):
            cue = Cue(penalty.name, penalty.units)
    asked_count = cue is not None and (particle_only or (cue.kind == "quantity" and not cue.units))
    if cue is None or asked_count:
        # 年度支出比例 asks for a ratio without saying 多少: the noun naming the value is the cue. It
        # also says in what a bare 多少 or 有……吗 is counted (股东人数有上限吗: in 人, 名, 个).
        found = next(((noun, noun_cue, cut) for noun, noun_cue, cut in _value_nouns() if noun in text), None)
        if found is not None:
            noun, cue, cut_when_asked = found
            if asked_count and cut_when_asked:
                # Asked for, 人数 is the count wanted, not a word of the answer: a rule writes
                # 五十个以下股东, and 股东人数较少的 is another rule.
                text = text.replace(noun, " ")
    if cue is None:
        # A service guide's task name (民办学校设立审批) is read by its shape before its words.
        cue = next((Cue(kind.name, kind.units) for kind in question_kinds().values()
                    if kind.task is not None and kind.task.search(text.strip())), None)
    if cue is None:
        cue = _marked_kind(text)
    if cue is not None and cue.kind == "period":
        # A period question naming a term of office asks how long it runs; one naming a duration
        # (有效期, 最长) how long a thing lasts. Without either it may ask how often (多久开一次会).
        for name in ("term", "duration"):
            narrower = question_kinds().get(name)
            if narrower is not None and any(mark in question for mark in narrower.marks):
                cue = Cue(narrower.name, cue.units or narrower.units)
                break
    return text, cue or Cue()


def _marked_kind(text: str) -> Cue | None:
    """The cue of the kind whose mark ends last in ``text``: a Chinese noun phrase ends in its head,
    so 审批流程 asks for a 流程 (procedure) and not for who approves (审批, agency). On a tie, the
    longer mark, then the kind first in ``question_types.toml``."""
    best: tuple[tuple[int, int, int], Cue] | None = None
    for order, kind in enumerate(question_kinds().values()):
        for mark in kind.marks:
            start = text.rfind(mark)
            if start < 0:
                continue
            key = (start + len(mark), len(mark), -order)
            if best is None or key > best[0]:
                best = (key, Cue(kind.name, kind.units))
    return best[1] if best else None


def _asked_kind(text: str) -> tuple[QuestionKind | None, str]:
    """The kind whose asking phrase in ``text`` is longest (the first kind on a tie), with that
    phrase."""
    best: tuple[QuestionKind, str] | None = None
    for kind in question_kinds().values():
        if kind.asks is None:
            continue
        for m in kind.asks.finditer(text):
            if best is None or len(m.group(0)) > len(best[1]):
                best = (kind, m.group(0))
    return best if best else (None, "")


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
