"""The workspace's records: accounts, batches, their rows and the audit trail, as small dataclasses."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..screen.records import Review

__all__ = ["User", "Batch", "BatchRow", "Review", "AuditEntry", "BATCH_STATUSES"]

# A batch is queued when created, running while its documents are checked, done when every row has
# its record. A server stopped mid-batch leaves it running; the next start resumes it.
BATCH_STATUSES = ("queued", "running", "done")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    admin: bool = False
    disabled: bool = False
    created: str = ""

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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditEntry:
        return cls(str(data["at"]), data.get("user"), str(data["action"]), str(data.get("object") or ""),
                   str(data.get("detail") or ""))
