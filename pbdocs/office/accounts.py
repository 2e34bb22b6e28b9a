"""The rules for user names and passwords, without storage.

Names are compared after NFKC (full-width ａｌｉｃｅ is alice) and case folding, so "Alice" and
"ALICE" are one account; a name whose letters mix scripts (Latin with Cyrillic or Greek) or whose
look-alike skeleton equals an existing name's (Cyrillic а for Latin a) is refused, so nobody can
pass for someone else in the batch list or the audit trail. Passwords are at least ten characters,
not of one character class only, not on the small list of common passwords shipped as package
data, and do not contain the user name.
"""
from __future__ import annotations

import functools
import unicodedata
from importlib import resources

from ..errors import OfficeError

__all__ = ["MIN_PASSWORD", "MAX_NAME", "normalized_name", "name_key", "skeleton", "check_name",
           "check_password", "script_of"]

MIN_PASSWORD = 10
MAX_NAME = 64
# Letters of these scripts drawn like Latin ones: the look-alikes a skeleton maps back to Latin.
_LOOKALIKES = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "һ": "h", "ӏ": "l", "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w", "μ": "u",
    # digits and signs read as letters
    "0": "o", "1": "l", "|": "l", "5": "s",
})
# Scripts a name may combine: Chinese names often carry Latin letters or digits (王科长2, li四).
_COMBINABLE = frozenset({"LATIN", "CJK", "HAN"})


def normalized_name(name: str) -> str:
    """The name as stored: NFKC, so full-width letters and digits become the ordinary ones."""
    return unicodedata.normalize("NFKC", name)


def name_key(name: str) -> str:
    """What two names must not share: the NFKC form, case-folded."""
    return normalized_name(name).casefold()


def skeleton(name: str) -> str:
    """The name as it looks: its key with look-alike letters mapped to Latin ones."""
    return name_key(name).translate(_LOOKALIKES)


def script_of(char: str) -> str | None:
    """The script of a letter (LATIN, CYRILLIC, GREEK, CJK...), None for digits and signs."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else None


def check_name(name: str, existing: list[str]) -> str:
    """The normalized ``name``, or :class:`OfficeError` when it is malformed, taken, mixes scripts
    or looks like one of ``existing``."""
    normal = normalized_name(name)
    if not normal or len(normal) > MAX_NAME or not normal.isprintable() or normal != normal.strip():
        raise OfficeError("office.name_invalid", max=MAX_NAME)
    scripts = {s for s in map(script_of, normal) if s is not None}
    if len(scripts) > 1 and not scripts <= _COMBINABLE:
        raise OfficeError("office.name_mixed", name=normal)
    for other in existing:
        if name_key(other) == name_key(normal):
            raise OfficeError("office.name_taken", name=other)
        if skeleton(other) == skeleton(normal):
            raise OfficeError("office.name_confusable", name=normal, other=other)
    return normal


def _character_class(char: str) -> str:
    if char.isdigit():
        return "digit"
    if char.islower():
        return "lower"
    if char.isupper():
        return "upper"
    if char.isalpha():
        return "letter"  # scripts without case: Chinese characters
    return "symbol"  # punctuation, spaces, everything else


@functools.cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("pbdocs").joinpath("data", "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip()
                     and not line.startswith("#"))


def check_password(password: str, name: str = "") -> None:
    """:class:`OfficeError` (its text in Chinese) when ``password`` is too weak for ``name``."""
    if len(password) < MIN_PASSWORD:
        raise OfficeError("office.password_short", min=MIN_PASSWORD)
    if len({_character_class(c) for c in password}) < 2:
        raise OfficeError("office.password_classes")
    if password.casefold() in _common_passwords():
        raise OfficeError("office.password_common")
    if name and name_key(name) in password.casefold():
        raise OfficeError("office.password_name")
