"""The workspace's records: accounts, batches, their rows and the audit trail, as small dataclasses."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..screen.records import Review

__all__ = ["User", "Batch", "BatchRow", "Review", "AuditEntry", "TokenInfo", "BATCH_STATUSES"]

# A batch is queued when created, running while its documents are checked, done when every row has
# its record. A server stopped mid-batch leaves it running; the next start resumes it.
BATCH_STATUSES = ("queued", "running", "done")


@dataclass(frozen=True)
class User:
    """An account; ``address`` is where the current request came from (not stored), so whatever the
    user does is audited with it."""

    id: int
    name: str
    admin: bool = False
    disabled: bool = False
    created: str = ""
    address: str = field(default="", compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "admin": self.admin, "disabled": self.disabled, "created": self.created}


@dataclass(frozen=True)
class BatchRow:
    """One document of a batch. ``original`` names its bytes in the content-addressed store (None
    when the upload was refused before storing, e.g. an unsafe archive member); ``record`` is the
    :class:`~pbdocs.screen.records.ScreenRecord` in its dict form once checked."""

    position: int
    label: str
    original: str | None
    record: dict[str, Any] | None = None
    review: Review | None = None

    @property
    def pending(self) -> bool:
        return self.record is None


@dataclass(frozen=True)
class Batch:
    id: str
    name: str
    owner: str
    status: str
    created: str
    options: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "owner": self.owner, "status": self.status,
                "created": self.created, "counts": dict(self.counts)}


@dataclass(frozen=True)
class AuditEntry:
    """Who did what to which object, when (UTC, ISO 8601)."""

    at: str
    user: str | None
    action: str
    object: str = ""
    detail: str = ""
    address: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditEntry:
        return cls(str(data["at"]), data.get("user"), str(data["action"]), str(data.get("object") or ""),
                   str(data.get("detail") or ""), str(data.get("address") or ""))

    def text_fields(self) -> list[str]:
        """Its fields for a line of text, each with control characters escaped, so a name or a file
        name cannot start a line of its own or reach the reader's terminal."""
        return [escape_controls(value) for value in (self.at, self.user or "", self.action, self.object,
                                                     self.detail, self.address)]


@dataclass(frozen=True)
class TokenInfo:
    """An API token as it may be shown again: its label and dates, never the token."""

    label: str
    created: str
    expires: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def escape_controls(text: str) -> str:
    """``text`` with backslashes doubled and every control, format or separator character (newline,
    tab, ESC, bidirectional overrides...) written as a ``\\xNN`` / ``\\uNNNN`` escape."""
    import unicodedata

    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)
