"""Checking charters against rule packs: the party-building clause, core values, statutory contents.

``check_document(doc, options)`` checks a :class:`~pbdocs.models.Document`; ``check_path(path,
options)`` reads a file first and never raises for an unreadable one (its verdict is ``error``).
:class:`CheckOptions` holds the pack, organization type, user rules and extraction options. Rule
packs are TOML package data under ``pbdocs/data/rules/``; ``load_pack`` and ``list_rules`` expose them.
"""
from __future__ import annotations

import os
import re

from ..domain import registry
from ..errors import Notice, PbdocsError, ReadError
from ..messages import catalogue
from ..models import Document
from .options import CheckOptions
from .packs import LegalBasis, Pack, RuleSpec, builtin_pack_names, lexicon, list_rules, load_pack
from .results import STATUSES, VERDICTS, CheckResult, ElementResult, Finding, Fix

__all__ = [
    "check_document", "check_path", "check_pages", "CheckOptions", "load_pack", "list_rules", "builtin_pack_names",
    "org_type_name",
    "CheckResult", "Finding", "ElementResult", "Fix", "LegalBasis", "Pack", "RuleSpec",
    "STATUSES", "VERDICTS", "MIN_TEXT_CHARS",
]

# Fewer meaningful characters than this is a failed extraction, never a charter without a clause.
MIN_TEXT_CHARS = 40


def org_type_name(value: str) -> str:
    """The canonical organization type for ``value``, any spelling the domain registry accepts."""
    return registry().org_type(value).name


_WORD_CHAR = re.compile(r"[^\W_]")


def _meaningful_chars(doc: Document, enough: int) -> int:
    """Letters, digits and Han characters in ``doc``, counted up to ``enough``."""
    count = 0
    for _ in _WORD_CHAR.finditer(doc.text):
        count += 1
        if count >= enough:
            break
    return count


def _garbled_reason(doc: Document) -> str | None:
    from ..extract.quality import garbled

    found = garbled(doc.text)
    if found is None:
        return None
    if found.common_share is None:
        return catalogue().text("garbled.latin")
    return catalogue().text("garbled.hanzi", common=f"{found.common_share:.0%}")


def _garbled_pages(doc: Document) -> list[Notice]:
    from ..extract.quality import garbled

    return [Notice.of("warn.garbled_page", page=p.number) for p in doc.pages
            if len(doc.pages) > 1 and garbled(p.text)]


def check_document(doc: Document, options: CheckOptions | None = None) -> CheckResult:
    """Check ``doc`` with ``options`` (default: the party pack, the organization type detected).

    Raises :class:`~pbdocs.errors.RulePackError` for a bad pack; a near-empty document gets the
    verdict ``error``.
    """
    from .engine import evaluate

    options = options or CheckOptions()
    packs = options.packs()
    chars = _meaningful_chars(doc, MIN_TEXT_CHARS)
    if chars < MIN_TEXT_CHARS:
        return CheckResult.unreadable(doc.path, Notice.of("check.near_empty", chars=chars),
                                      org_type=options.org_type, ocr_pages=doc.ocr_pages)
    unreadable = _garbled_reason(doc)
    if unreadable:
        # Mojibake is never a charter without a clause: no verdict on it, no advice to add one.
        return CheckResult.unreadable(doc.path, Notice.of("check.garbled", reason=unreadable),
                                      org_type=options.org_type, reason=unreadable, ocr_pages=doc.ocr_pages)
    result = evaluate(doc, packs, lexicon(), options.org_type, options.kind)
    result.warnings.extend(_garbled_pages(doc))
    return result


def check_path(path: str | os.PathLike, options: CheckOptions | None = None) -> CheckResult:
    """Read and check ``path``. An unreadable file gives ``verdict="error"`` with the reason."""
    from ..extract import extract

    return _read_and_check(str(path), lambda o: extract(path, o), options or CheckOptions(), name_file=False)


def check_pages(paths: list[str | os.PathLike], options: CheckOptions | None = None) -> CheckResult:
    """Read ``paths`` as the pages of one charter, in order, and check it once. Its ``path`` names
    every file (``p1.jpg+p2.jpg``); a file that cannot be read makes the whole an ``error``."""
    from ..extract import extract_pages, pages_label

    label = pages_label([str(p) for p in paths])
    return _read_and_check(label, lambda o: extract_pages(list(paths), o), options or CheckOptions(), name_file=True)


def _read_and_check(label: str, read, options: CheckOptions, *, name_file: bool) -> CheckResult:
    """``name_file``: the label names several files, so a read error says which one failed."""
    options.packs()  # a bad pack is the caller's mistake: raise before reading
    try:
        doc = read(options.extract)
    except PbdocsError as exc:
        # The row already names the file; its error says why it could not be read.
        reason = exc.reason if isinstance(exc, ReadError) and not name_file else str(exc)
        return CheckResult.unreadable(label, exc, error=reason, org_type=options.org_type)
    except Exception as exc:  # noqa: BLE001 - a reader crash on one file must not stop a batch
        return CheckResult.unreadable(label, Notice.of("check.cannot_read", detail=f"{type(exc).__name__}: {exc}"),
                                      org_type=options.org_type)
    result = check_document(doc, options)
    result.warnings[:0] = doc.warnings
    return result
