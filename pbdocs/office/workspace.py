"""The office workspace: accounts, batches with their rows and reviews, and the audit trail.

Every action a person takes goes through :class:`Office`, which records it in the audit trail; the
web routes and the ``pbdocs users`` / ``pbdocs audit`` commands are thin shells over it.
"""
from __future__ import annotations

import datetime as _dt
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import OfficeError
from ..messages import catalogue
from ..present import NO_OPINION_VERDICTS
from ..screen.records import ScreenRecord
from ..screen.reports import VERDICTS
from .credentials import hash_password, new_token, token_digest, verify_password
from .originals import Originals
from .records import AuditEntry, Batch, BatchRow, Review, User
from .store import Repository, open_repository

__all__ = ["Office", "Intake", "REVIEW_VERDICTS", "SESSION_HOURS"]

# What an officer may record: any verdict the checker gives.
REVIEW_VERDICTS = VERDICTS
SESSION_HOURS = 12
MIN_PASSWORD = 8
MAX_NAME = 64
MAX_NOTE = 2000
# An edited opinion: at most this many paragraphs of this many characters.
MAX_OPINION_LINES, MAX_OPINION_LINE = 200, 2000
TOKEN_PREFIX, SESSION_PREFIX = "pbdocs-api-", "pbdocs-session-"


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def _stamp(moment: _dt.datetime | None = None) -> str:
    return (moment or _now()).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Intake:
    """One document of a new batch: its name for people, its file (None when refused before
    reading) and, when refused, why."""

    label: str
    path: str | None
    error: str | None = None


class Office:
    """The workspace in ``data_dir`` (created private), its database there or at ``database``."""

    def __init__(self, data_dir: str | Path, database: str | None = None):
        self.data_dir = Path(data_dir)
        try:
            self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise OfficeError(f"{self.data_dir}: cannot create the data folder: {exc.strerror or exc}") from None
        self.repo: Repository = open_repository(self.data_dir, database)
        self.originals = Originals(self.data_dir / "originals")

    def _audit(self, user: str | None, action: str, obj: str = "", detail: str = "") -> None:
        self.repo.add_audit(AuditEntry(_stamp(), user, action, obj, detail))

    # --- accounts ---------------------------------------------------------------------------

    def add_user(self, name: str, password: str, admin: bool = False) -> User:
        if not name or len(name) > MAX_NAME or not name.isprintable() or name != name.strip():
            raise OfficeError(f"a user name is 1 to {MAX_NAME} printable characters without spaces at the ends")
        if len(password) < MIN_PASSWORD:
            raise OfficeError(f"the password is too short: at least {MIN_PASSWORD} characters")
        user = self.repo.add_user(name, hash_password(password), admin, _stamp())
        self._audit(None, "user.add", f"user:{name}", "admin" if admin else "")
        return user

    def users(self) -> list[User]:
        return self.repo.users()

    def disable_user(self, name: str) -> None:
        if not self.repo.set_disabled(name, True):
            raise OfficeError(f"no user {name}")
        self._audit(None, "user.disable", f"user:{name}")

    def issue_token(self, name: str) -> str:
        """A new API token for ``name``, returned once: only its digest is kept."""
        found = self.repo.user_password(name)
        if found is None or found[0].disabled:
            raise OfficeError(f"no enabled user {name}")
        token = new_token(TOKEN_PREFIX)
        self.repo.add_credential(token_digest(token), found[0].id, "token", _stamp(), None)
        self._audit(None, "token.issue", f"user:{name}")
        return token

    def login(self, name: str, password: str) -> tuple[User, str] | None:
        """The user and a new session secret, or None (wrong name, password, or disabled)."""
        found = self.repo.user_password(name)
        matches = verify_password(password, found[1] if found else None)
        if found is None or not matches or found[0].disabled:
            self._audit(None, "login.failed", f"user:{name[:MAX_NAME]}")
            return None
        session = new_token(SESSION_PREFIX)
        expires = _now() + _dt.timedelta(hours=SESSION_HOURS)
        self.repo.add_credential(token_digest(session), found[0].id, "session", _stamp(), _stamp(expires))
        self._audit(name, "login", f"user:{name}")
        return found[0], session

    def logout(self, user: User, session: str) -> None:
        self.repo.delete_credential(token_digest(session))
        self._audit(user.name, "logout", f"user:{user.name}")

    def session_user(self, session: str) -> User | None:
        return self.repo.credential_user(token_digest(session), "session", _stamp())

    def token_user(self, token: str) -> User | None:
        return self.repo.credential_user(token_digest(token), "token", _stamp())

    # --- batches ----------------------------------------------------------------------------

    def create_batch(self, user: User, name: str, documents: list[Intake], options: dict[str, Any]) -> Batch:
        """A queued batch of ``documents``, their files copied into the originals store. A document
        refused before reading gets its error row at once."""
        rows = []
        for position, document in enumerate(documents, start=1):
            if document.path is None:
                record = ScreenRecord.failed(document.label, document.error or "not stored").as_dict()
                rows.append(BatchRow(position, document.label, None, record))
            else:
                rows.append(BatchRow(position, document.label, self.originals.put(document.path)))
        status = "queued" if any(row.pending for row in rows) else "done"
        batch = Batch(id=secrets.token_hex(8), name=name.strip()[:200] or _default_name(), owner=user.name,
                      status=status, created=_stamp(), options=options)
        self.repo.add_batch(batch, user.id, rows)
        self._audit(user.name, "upload", f"batch:{batch.id}", f"{len(rows)} documents")
        created = self.repo.batch(batch.id)
        assert created is not None
        return created

    def batches(self, user: User) -> list[Batch]:
        """The user's batches; an administrator's list has everyone's."""
        return self.repo.batches(None if user.admin else user.name)

    def batch(self, user: User, batch_id: str) -> Batch | None:
        """The batch if ``user`` may see it: theirs, or any for an administrator."""
        batch = self.repo.batch(batch_id)
        if batch is None or not (user.admin or batch.owner == user.name):
            return None
        return batch

    def rows(self, batch: Batch) -> list[BatchRow]:
        return self.repo.rows(batch.id)

    def unfinished(self) -> list[Batch]:
        """Batches a stopped server left queued or running: the next start resumes them."""
        return self.repo.batches(statuses=("queued", "running"))

    def set_status(self, batch_id: str, status: str) -> None:
        self.repo.set_status(batch_id, status)

    def set_record(self, batch_id: str, position: int, record: ScreenRecord) -> None:
        self.repo.set_record(batch_id, position, record.verdict, record.as_dict())

    def review(self, user: User, batch: Batch, position: int, verdict: str, note: str) -> Review | None:
        """Record ``user``'s verdict on a checked row; None when the batch has no such checked row."""
        if verdict not in REVIEW_VERDICTS:
            raise OfficeError(f"unknown verdict {verdict!r}; one of {', '.join(REVIEW_VERDICTS)}")
        row = next((r for r in self.repo.rows(batch.id) if r.position == position), None)
        if row is None or row.pending:
            return None
        # An opinion the officer edited stays with the review when the verdict is reviewed again.
        kept = row.review.opinion if row.review is not None else None
        review = Review(verdict, note.strip()[:MAX_NOTE], user.name, _stamp(), kept)
        self.repo.set_review(batch.id, position, review)
        automatic = (row.record or {}).get("row", {}).get("verdict")
        self._audit(user.name, "review", f"batch:{batch.id}/row:{position}", f"{automatic} -> {verdict}")
        return review

    def records(self, batch: Batch) -> list[ScreenRecord]:
        """The batch's checked rows as report records, each with its review beside the verdict."""
        return [reviewed_record(row) for row in self.repo.rows(batch.id) if not row.pending]

    def opinion_records(self, batch: Batch) -> list[ScreenRecord]:
        """The records review opinions are written from: each under its reviewed verdict when an
        officer reviewed it, and none for a row the officer found compliant (or unreadable, or not
        a charter): their decision stands over the checker's."""
        kept = []
        for row in self.repo.rows(batch.id):
            if row.pending:
                continue
            record = ScreenRecord.from_dict(row.record)
            if row.review is not None:
                if row.review.verdict in NO_OPINION_VERDICTS:
                    continue
                record = ScreenRecord(replace(record.result, verdict=row.review.verdict)).reviewed(row.review)
            kept.append(record)
        return kept

    # --- one row: its original, its amended charter, its opinion as edited ------------------

    def row(self, batch: Batch, position: int) -> BatchRow | None:
        return next((r for r in self.repo.rows(batch.id) if r.position == position), None)

    def original(self, row: BatchRow) -> Path | None:
        """Where the row's uploaded bytes are kept (their suffix the upload's); None when refused."""
        return self.originals.path(row.original) if row.original else None

    def edit_opinion(self, user: User, batch: Batch, position: int, text: list[str] | None) -> Review | None:
        """Keep ``user``'s edited text of the row's review opinion with its review (``text`` None:
        back to the text written from the check). A row not reviewed yet is reviewed with its
        automatic verdict. None when the batch has no such checked row."""
        row = self.row(batch, position)
        if row is None or row.pending:
            return None
        lines = [line.strip()[:MAX_OPINION_LINE] for line in text or [] if line.strip()][:MAX_OPINION_LINES]
        automatic = str((row.record or {}).get("row", {}).get("verdict") or "error")
        base = row.review or Review(automatic, "", user.name, _stamp())
        review = replace(base, reviewer=user.name, at=_stamp(), opinion=lines or None)
        self.repo.set_review(batch.id, position, review)
        detail = f"{sum(len(line) for line in lines)} characters" if lines else "reset"
        self._audit(user.name, "opinion.edit", f"batch:{batch.id}/row:{position}", detail)
        return review

    def compared(self, user: User, old: str, new: str, less_compliant: bool) -> None:
        """Audit a comparison of two versions of a charter (nothing of it is kept)."""
        self._audit(user.name, "compare", "", f"{old} -> {new}{' (less compliant)' if less_compliant else ''}")

    def downloaded(self, user: User, batch: Batch, what: str) -> None:
        self._audit(user.name, "download", f"batch:{batch.id}", what)

    def delete_batch(self, user: User, batch: Batch) -> None:
        for key in self.repo.delete_batch(batch.id):
            self.originals.remove(key)
        self._audit(user.name, "delete", f"batch:{batch.id}", batch.name)

    def audit(self, since: str | None = None, user: str | None = None) -> list[AuditEntry]:
        return self.repo.audit(since, user)


def _default_name() -> str:
    return catalogue().text("office.default_batch_name", when=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"))


def reviewed_record(row: BatchRow) -> ScreenRecord:
    """The row's record with the review beside the automatic verdict: ``review`` in the check
    object, ``reviewed_verdict``/``review_note``/``reviewer`` in the report row (empty when not
    reviewed yet, so a batch's reports always have the same columns)."""
    return ScreenRecord.from_dict(row.record).reviewed(row.review)
