"""Tokens for BM25: jieba words (search mode, domain dictionary) plus Han character bigrams.

Passages are indexed with jieba's search-mode words: every word, and in a long word the dictionary
words inside it (公益性 also gives 公益, 党建条款 also 党建), so a question saying 公益 or 党建 finds
them. A question's own words bring their parts too, at half weight. Indexing precise-mode words
only ranked STARD no better (nDCG@10 0.446 / R@100 0.745 against 0.447 / 0.748, see
``benchmarks/stard.py``) and lost the requirement documents' answers to questions that say the
short word (knowledge questions: R@1 0.79 against 0.86).
Words give precise matches on the field's terms (社会组织, 党建工作指导员, 三会一课); bigrams catch
what segmentation splits differently in question and passage (有3名以上正式党员 vs 正式党员三人以上).
Bigrams live in their own namespace (a leading "\u00b7") so that a two-character word and the same
bigram count as two pieces of evidence, which is what made the combination score best here.
Amounts get a third namespace ("#3", "#70%") that reads 三名, 3名 and 三人 alike.

jieba is imported on first use only, so checking charters never pays for its dictionary.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from ..executor import usable_cpus
from ..normalize import normalize
from .question import amount_tokens, analyze

__all__ = [
    "BIGRAM_PREFIX",
    "TOKENIZER_VERSION",
    "domain_terms",
    "query_stopwords",
    "synonyms",
    "word_table",
    "words",
    "search_words",
    "tokenize",
    "count_many",
    "query_terms",
    "content_terms",
    "bigrams",
    "data_fingerprint",
    "jieba_tokenizer",
    "use_prefix_dict",
    "cached_prefix_dict",
    "write_prefix_dict",
]

BIGRAM_PREFIX = "\u00b7"
# Weight of the parts a question's long word brings (党建工作指导员 -> 党建, 指导员): at full weight
# they outweigh the word itself (STARD nDCG@10 0.443 at 1.0, 0.447 at 0.5; the lay questions do
# not move).
PART_WEIGHT = 0.5
# Weight of the official wordings of synonyms.txt and of the article words learned from STARD
# (associations.txt): each below the question's own words, the learned ones lowest.
SYNONYM_WEIGHT = 0.5
ASSOCIATION_WEIGHT = 0.25
# Weight of what a question sets aside (除了纪律处分，还有哪些处理): known to the asker, so below every
# word it asks with; kept, since it still says what the question is about.
SET_ASIDE_WEIGHT = 0.25
# Bump when tokenization changes so that indexes built by older code are rebuilt.
TOKENIZER_VERSION = 4

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD_CHAR = re.compile(r"[\w\u3400-\u4dbf\u4e00-\u9fff]")
_PARALLEL_MIN_TEXTS = 2000
_MIN_BATCH = 200


def _data_text(name: str) -> str:
    return resources.files("pbdocs.data.search").joinpath(name).read_text(encoding="utf-8")


def _data_lines(name: str) -> list[str]:
    return [ln.strip() for ln in _data_text(name).splitlines() if ln.strip() and not ln.startswith("#")]


@functools.lru_cache(maxsize=1)
def domain_terms() -> tuple[str, ...]:
    """The field's terms from the user dictionary, which jieba must keep whole."""
    return tuple(line.split()[0] for line in _data_lines("userdict.txt"))


@functools.lru_cache(maxsize=1)
def query_stopwords() -> frozenset[str]:
    return frozenset(_data_lines("query_stopwords.txt"))


def word_table(text: str) -> dict[str, tuple[str, ...]]:
    """A table of lay words (synonyms.txt, associations.txt): per line, the word, a tab, then the
    words it stands for, comma separated; # starts a comment line."""
    table: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            lay, _, found = line.partition("\t")
            table[lay.strip()] = tuple(w.strip() for w in found.split(",") if w.strip())
    return table


@functools.lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """Lay word -> the official wordings a query using it should also look for."""
    return word_table(_data_text("synonyms.txt"))


@functools.lru_cache(maxsize=1)
def associations() -> dict[str, tuple[str, ...]]:
    """Lay question word -> article words learned to go with it (scripts/learn_associations.py)."""
    return word_table(_data_text("associations.txt"))


def data_fingerprint() -> str:
    """Changes whenever the dictionary or the tokenizer does: part of an index's freshness key."""
    import hashlib

    digest = hashlib.sha256(f"v{TOKENIZER_VERSION}".encode())
    digest.update(_data_text("userdict.txt").encode())
    return digest.hexdigest()[:16]


# The prefix dictionary to segment with instead of jieba's own; see :func:`use_prefix_dict`.
_prefix_dict: list[Path] = []


def use_prefix_dict(folder: str | os.PathLike) -> bool:
    """Segment with the memory-mapped prefix dictionary in ``folder`` (written at index build by
    :func:`write_prefix_dict`) instead of loading jieba's whole dictionary, which costs a second
    per process. Only a dictionary made for this tokenizer and user dictionary is taken, and only
    before segmentation was first used here; returns whether it is the one in use."""
    folder = Path(folder)
    if _segmenter.cache_info().currsize:
        return bool(_prefix_dict) and _prefix_dict[0] == folder
    from .prefixdict import META_FILE

    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if meta.get("fingerprint") != data_fingerprint():
        return False
    _prefix_dict[:] = [folder]
    return True


def cached_prefix_dict(folder: str | os.PathLike) -> bool:
    """Segment with the prefix dictionary kept in ``folder`` (a per-user cache) when the index
    brought none this tokenizer takes: taken when it is there and current, else written there for
    the next process, which then starts without loading jieba's dictionary. Returns whether this
    process uses it."""
    import shutil

    folder = Path(folder)
    if _prefix_dict:
        return _prefix_dict[0] == folder
    if use_prefix_dict(folder):
        return True
    tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        write_prefix_dict(tmp)
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    except OSError:
        # A cache that cannot be written only costs the next process a second.
        shutil.rmtree(tmp, ignore_errors=True)
    return False


def write_prefix_dict(folder: str | os.PathLike) -> None:
    """Write the dictionary this tokenizer segments with (jieba's, with the user dictionary) into
    ``folder`` as a :class:`~.prefixdict.PrefixDict`."""
    from .prefixdict import write_prefix_dict as write

    segmenter = _segmenter()
    write(segmenter.freq, segmenter.total, folder, data_fingerprint())


@functools.lru_cache(maxsize=1)
def _segmenter():
    from .segment import Segmenter

    if _prefix_dict:
        from .prefixdict import PrefixDict

        prefix = PrefixDict(_prefix_dict[0])
        return Segmenter(prefix, prefix.total)
    tokenizer = jieba_tokenizer()
    return Segmenter(tokenizer.FREQ, tokenizer.total)


def jieba_tokenizer(prefix_dict: str | os.PathLike | None = None):
    """A jieba ``Tokenizer`` with the user dictionary: over the prefix dictionary in the folder
    ``prefix_dict`` (see :mod:`.prefixdict`; the user dictionary is in it already), or with
    jieba's own dictionary loaded. Segmentation itself goes through :class:`~.segment.Segmenter`,
    which gives jieba's words faster; this is its dictionary and its reference."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    if prefix_dict is not None:
        from .prefixdict import PrefixDict

        # jieba's own DAG, route and search-mode code then runs over it unchanged.
        prefix = PrefixDict(prefix_dict)
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = prefix, prefix.total, True
        return tokenizer
    tokenizer.initialize()
    with resources.as_file(resources.files("pbdocs.data.search").joinpath("userdict.txt")) as path:
        tokenizer.load_userdict(str(path))
    return tokenizer


def words(text: str, *, normalized: bool = False) -> list[str]:
    """jieba's words of ``text`` (precise mode), no punctuation."""
    if not normalized:
        text = normalize(text).text
    return [w for w in _segmenter().cut(text.lower()) if _WORD_CHAR.search(w)]


def search_words(text: str) -> list[str]:
    """jieba search-mode words of normalized ``text``: its words, long ones also with their parts."""
    return [w for w in _segmenter().cut_for_search(text.lower()) if _WORD_CHAR.search(w)]


def bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in _HAN_RUN.findall(text):
        if len(run) == 1:
            out.append(BIGRAM_PREFIX + run)
        else:
            out.extend(BIGRAM_PREFIX + run[i:i + 2] for i in range(len(run) - 1))
    return out


def tokenize(text: str, *, normalized: bool = False) -> list[str]:
    """Index tokens of ``text``: search-mode words, bigrams, then amounts. ``normalized`` skips
    normalization."""
    if not normalized:
        text = normalize(text).text
    return search_words(text) + bigrams(text) + amount_tokens(text)


def _count_batch(texts: Sequence[str]):
    from .bm25 import count_terms

    return count_terms(tokenize(t) for t in texts)


def _pool(processes: int):
    """Worker processes forked after the dictionary is loaded here, so they share it instead
    of each loading it again (where fork is unavailable they load it themselves). Normalization
    runs in the workers too: per character with an offset map, it costs as much as segmentation."""
    import gc
    import multiprocessing

    _segmenter()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    # Forked workers would otherwise garbage-collect (and so copy) every object the parent
    # holds, such as a big list of documents; frozen objects are left alone.
    gc.freeze()
    try:
        return multiprocessing.get_context(method).Pool(processes)
    finally:
        gc.unfreeze()


def count_many(texts: Sequence[str], *, processes: int | None = None):
    """Tokenize and count texts into one :class:`~pbdocs.search.bm25.TermCounts`.

    Workers count their own batches, so the parent only merges one small vocabulary per batch
    instead of touching every token: building costs little more than tokenizing.
    """
    from .bm25 import merge_counts

    processes = processes or usable_cpus()
    if processes <= 1 or len(texts) < _PARALLEL_MIN_TEXTS:
        return merge_counts([_count_batch(texts)])
    size = max(_MIN_BATCH, len(texts) // (processes * 8))
    batches = [texts[i:i + size] for i in range(0, len(texts), size)]
    with _pool(processes) as pool:
        return merge_counts(pool.map(_count_batch, batches, chunksize=1))


def query_terms(query: str) -> list[tuple[str, float]]:
    """Weighted query tokens of a raw question; see :func:`content_terms`."""
    return content_terms(analyze(normalize(query).text)[0])


def content_terms(content: str) -> list[tuple[str, float]]:
    """Weighted query tokens: content words, their bigrams and amounts; synonyms at half weight.

    ``content`` is the normalized question with the phrases that only say what kind of answer is
    wanted (多少天, 由谁, 哪些) cut out already (see :func:`.question.analyze`). Stop words of lay
    questions (请问, 怎么办...) are dropped along with their bigrams, so a question's phrasing does
    not pull in passages that merely share it.
    """
    stop = query_stopwords()
    content_words: list[str] = []
    runs: list[str] = []
    # Bigrams only within runs of content words, so that none straddles a dropped stop word or
    # a cut-out asking phrase.
    for segment in content.lower().split():
        kept_words = [w for w in _segmenter().cut(segment) if _WORD_CHAR.search(w)]
        content_words.extend(w for w in kept_words if w not in stop)
        runs.extend(_content_runs(kept_words, stop))
    terms: list[tuple[str, float]] = []
    for w in content_words:
        terms.extend((t, 1.0 if t == w else PART_WEIGHT) for t in search_words(w))
    for run in runs:
        terms.extend((t, 1.0) for t in bigrams(run))
    terms.extend((t, 1.0) for t in amount_tokens(content))
    table = synonyms()
    learned = associations()
    for w in content_words:
        for official in table.get(w, ()):
            terms.extend((t, SYNONYM_WEIGHT) for t in words(official, normalized=True) + bigrams(official)
                         if t not in stop)
        if w not in table:
            terms.extend((t, ASSOCIATION_WEIGHT) for t in learned.get(w, ()))
    return terms


def _content_runs(tokens: Iterable[str], stop: frozenset[str]) -> list[str]:
    runs: list[str] = []
    current: list[str] = []
    for tok in tokens:
        if tok in stop:
            if current:
                runs.append("".join(current))
            current = []
        else:
            current.append(tok)
    if current:
        runs.append("".join(current))
    return runs
