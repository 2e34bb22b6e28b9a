"""What a check runs with: decided once by the shell, then handed unchanged to every document."""
from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import RulePackError
from ..extract import ExtractOptions
from .packs import Pack, parse_pack, resolve_packs

__all__ = ["CheckOptions"]

# Parsed user packs by (text, source): a batch checks thousands of documents with one rules file.
_parse_user_pack = functools.lru_cache(maxsize=8)(parse_pack)


@dataclass(frozen=True)
class CheckOptions:
    """The rule pack, the organization type (canonical, or None to detect it from each text), the
    user's own rules file and the extraction options (OCR mode, limits).

    The rules file travels as its name and its text rather than as a path, so a worker on another
    machine checks with exactly the rules the user gave. The value is picklable for that reason.
    """

    pack: str = "party"
    org_type: str | None = None
    rules_name: str | None = None
    rules_text: str | None = None
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    # The document kind's code (social_organization, company, ...), or None to detect it.
    kind: str | None = None

    def __post_init__(self):
        if self.org_type:
            from . import org_type_name

            object.__setattr__(self, "org_type", org_type_name(self.org_type))
        if self.kind:
            from ..domain import registry

            object.__setattr__(self, "kind", registry().kind(self.kind).code)

    @classmethod
    def build(cls, *, pack: str = "party", org_type: str | None = None,
              rules_file: str | os.PathLike | None = None, extract: ExtractOptions | None = None,
              kind: str | None = None) -> CheckOptions:
        """Options for ``pack`` plus ``rules_file``, both validated here, once, so that a bad pack
        raises :class:`~pbdocs.errors.RulePackError` naming the user's file instead of turning
        every document into an error row. An unknown ``org_type`` raises InvalidOption."""
        rules_name = rules_text = None
        if rules_file is not None:
            path = Path(rules_file)
            resolve_packs(pack, path)
            try:
                rules_text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise RulePackError("rules.cannot_read", path=path, detail=exc) from None
            rules_name = str(path)
        options = cls(pack=pack, org_type=org_type, rules_name=rules_name, rules_text=rules_text,
                      extract=extract or ExtractOptions(), kind=kind)
        options.packs()
        return options

    def packs(self) -> list[Pack]:
        """The packs a check runs; raises RulePackError for an unknown pack or a broken rules file."""
        if self.rules_text is None:
            return resolve_packs(self.pack)
        return resolve_packs(self.pack, _parse_user_pack(self.rules_text, self.rules_name or "rules.toml"))

    def fingerprint(self) -> dict[str, Any]:
        """JSON-native identity of these options: results are only reused under the same one."""
        from .._version import __version__

        rules_hash = hashlib.sha256(self.rules_text.encode("utf-8")).hexdigest() if self.rules_text else None
        return {
            "pbdocs": __version__,
            "pack": self.pack,
            "org_type": self.org_type,
            "kind": self.kind,
            "rules_sha256": rules_hash,
            "extract": asdict(self.extract),
        }
