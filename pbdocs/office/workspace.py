"""The office workspace: accounts, batches with their rows and reviews, and the audit trail.

Every action a person takes goes through :class:`Office`, which records it in the audit trail; the
web routes and the ``pbdocs users`` / ``pbdocs audit`` commands are thin shells over it.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import secrets
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import Notice, OfficeError
from ..messages import catalogue
from ..present import NO_OPINION_VERDICTS
from ..screen.records import ScreenRecord
from ..screen.reports import VERDICTS
from .accounts import MAX_NAME, check_name, check_password, normalized_name
from .credentials import hash_password, new_token, token_digest, verify_password
from .originals import Originals
from .records import AuditEntry, Batch, BatchRow, Review, TokenInfo, User
from .store import Repository, open_repository

__all__ = ["Office", "Intake", "REVIEW_VERDICTS", "SESSION_HOURS", "parse_duration", "private_folder"]

# What an officer may record: any verdict the checker gives.
REVIEW_VERDICTS = VERDICTS
SESSION_HOURS = 12
MAX_NOTE = 2000
# An edited opinion: at most this many paragraphs of this many characters.
MAX_OPINION_LINES, MAX_OPINION_LINE = 200, 2000
# A token without --expires lives this long; "never" must be asked for.
DEFAULT_TOKEN_DAYS = 90
_DURATION = re.compile(r"(\d{1,5})\s*([hdw])", re.IGNORECASE)
_DURATION_UNITS = {"h": _dt.timedelta(hours=1), "d": _dt.timedelta(days=1), "w": _dt.timedelta(weeks=1)}
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
    error: Notice | None = None


def parse_duration(text: str) -> _dt.timedelta | None:
    """``90d``, ``12h``, ``4w`` as a time span; None for ``never``; :class:`OfficeError` otherwise."""
    if text.strip().lower() == "never":
        return None
    match = _DURATION.fullmatch(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise OfficeError("office.bad_duration", value=text)
    return int(match.group(1)) * _DURATION_UNITS[match.group(2).lower()]


def private_folder(folder: Path) -> int | None:
    """Create ``folder`` readable by its owner only (0700), or make it so. Returns the mode it had
    when that let others in (the caller warns), None otherwise; :class:`OfficeError` when it cannot
    be created or tightened."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        mode = stat.S_IMODE(folder.stat().st_mode)
    except OSError as exc:
        raise OfficeError("office.cannot_create_data", path=folder, detail=exc.strerror or exc) from None
    if not mode & 0o077:
        return None
    try:
        if hasattr(os, "getuid") and folder.stat().st_uid != os.getuid():
            raise PermissionError(1, "the folder belongs to another user")
        folder.chmod(0o700)
    except OSError as exc:
        raise OfficeError("office.folder_open", path=folder, mode=oct(mode), reason=exc.strerror or str(exc)) from None
    return mode


class Office:
    """The workspace in ``data_dir`` (created private, or made so: ``opened_mode`` is the mode an
    existing folder had when it let others in), its database there or at ``database``."""

    def __init__(self, data_dir: str | Path, database: str | None = None):
        self.data_dir = Path(data_dir)
        self.opened_mode = private_folder(self.data_dir)
        self.repo: Repository = open_repository(self.data_dir, database)
        self.originals = Originals(self.data_dir / "originals")

    def folder_warning(self) -> str | None:
        """The warning to show when opening tightened a folder others could read, else None."""
        if self.opened_mode is None:
            return None
        return catalogue().text("security.folder_tightened", path=self.data_dir, mode=oct(self.opened_mode))

    def _audit(self, user: str | None, action: str, obj: str = "", detail: str = "", address: str = "") -> None:
        self.repo.add_audit(AuditEntry(_stamp(), user, action, obj, detail, address))

    def _audit_by(self, user: User, action: str, obj: str = "", detail: str = "") -> None:
        self._audit(user.name, action, obj, detail, user.address)

    def _user(self, name: str, enabled: bool = False) -> User:
        found = self.repo.user_password(name)
        if found is None or (enabled and found[0].disabled):
            raise OfficeError("office.no_enabled_user" if enabled else "office.no_user", name=name)
        return found[0]

    # --- accounts ---------------------------------------------------------------------------

    def add_user(self, name: str, password: str, admin: bool = False) -> User:
        """A new account; :class:`OfficeError` for a name that is malformed, taken or looks like
        another (see :mod:`pbdocs.office.accounts`), or a weak password."""
        name = check_name(name, [user.name for user in self.repo.users()])
        check_password(password, name)
        user = self.repo.add_user(name, hash_password(password), admin, _stamp())
        self._audit(None, "user.add", f"user:{name}", "admin" if admin else "")
        return user

    def users(self) -> list[User]:
        return self.repo.users()

    def disable_user(self, name: str) -> None:
        user = self._user(name)
        self.repo.set_disabled(user.name, True)
        self._audit(None, "user.disable", f"user:{user.name}")

    def issue_token(self, name: str, expires: _dt.timedelta | None = _dt.timedelta(days=DEFAULT_TOKEN_DAYS),
                    label: str | None = None) -> str:
        """A new API token for ``name``, returned once: only its digest is kept. It stops working
        after ``expires`` (None: never) or when revoked by its ``label`` (default token-N)."""
        return self.issue_labelled_token(name, expires, label)[0]

    def issue_labelled_token(self, name: str, expires: _dt.timedelta | None = _dt.timedelta(days=DEFAULT_TOKEN_DAYS),
                             label: str | None = None) -> tuple[str, TokenInfo]:
        """:meth:`issue_token`, with what :meth:`tokens` will show of it."""
        user = self._user(name, enabled=True)
        taken = {token.label for token in self.repo.tokens(user.id)}
        if label is None:
            label = next(f"token-{n}" for n in range(1, len(taken) + 2) if f"token-{n}" not in taken)
        label = normalized_name(label.strip())
        if not label or len(label) > MAX_NAME or not label.isprintable():
            raise OfficeError("office.token_label_invalid", max=MAX_NAME)
        if label in taken:
            raise OfficeError("office.token_label_taken", name=user.name, label=label)
        token, created = new_token(TOKEN_PREFIX), _stamp()
        until = None if expires is None else _stamp(_now() + expires)
        self.repo.add_credential(token_digest(token), user.id, "token", created, until, label)
        self._audit(None, "token.issue", f"user:{user.name}", label)
        return token, TokenInfo(label, created, until)

    def tokens(self, name: str) -> list[TokenInfo]:
        """The user's API tokens by label and dates, oldest first (expired ones too, until revoked)."""
        return self.repo.tokens(self._user(name).id)

    def revoke_token(self, name: str, label: str) -> None:
        """The user's token ``label`` stops working at once."""
        user = self._user(name)
        if not self.repo.delete_token(user.id, label):
            raise OfficeError("office.no_token", name=user.name, label=label)
        self._audit(None, "token.revoke", f"user:{user.name}", label)

    def login(self, name: str, password: str, address: str = "") -> tuple[User, str] | None:
        """The user and a new session secret, or None (wrong name, password, or disabled); either
        way audited with the caller's ``address``."""
        found = self.repo.user_password(name)
        matches = verify_password(password, found[1] if found else None)
        if found is None or not matches or found[0].disabled:
            self._audit(None, "login.failed", f"user:{name[:MAX_NAME]}", address=address)
            return None
        user = found[0]
        session = new_token(SESSION_PREFIX)
        expires = _now() + _dt.timedelta(hours=SESSION_HOURS)
        self.repo.add_credential(token_digest(session), user.id, "session", _stamp(), _stamp(expires))
        self._audit(user.name, "login", f"user:{user.name}", address=address)
        return user, session

    def logout(self, user: User, session: str) -> None:
        self.repo.delete_credential(token_digest(session))
        self._audit_by(user, "logout", f"user:{user.name}")

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
                record = ScreenRecord.failed(document.label, document.error or Notice.of("web.not_stored")).as_dict()
                rows.append(BatchRow(position, document.label, None, record))
            else:
                rows.append(BatchRow(position, document.label, self.originals.put(document.path)))
        status = "queued" if any(row.pending for row in rows) else "done"
        batch = Batch(id=secrets.token_hex(8), name=name.strip()[:200] or _default_name(), owner=user.name,
                      status=status, created=_stamp(), options=options)
        self.repo.add_batch(batch, user.id, rows)
        self._audit_by(user, "upload", f"batch:{batch.id}", f"{len(rows)} documents")
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
            raise OfficeError("office.unknown_verdict", verdict=verdict, verdicts=", ".join(REVIEW_VERDICTS))
        row = next((r for r in self.repo.rows(batch.id) if r.position == position), None)
        if row is None or row.pending:
            return None
        # An opinion the officer edited stays with the review when the verdict is reviewed again.
        kept = row.review.opinion if row.review is not None else None
        review = Review(verdict, note.strip()[:MAX_NOTE], user.name, _stamp(), kept)
        self.repo.set_review(batch.id, position, review)
        automatic = (row.record or {}).get("row", {}).get("verdict")
        self._audit_by(user, "review", f"batch:{batch.id}/row:{position}", f"{automatic} -> {verdict}")
        return review

    def review_history(self, batch: Batch, position: int) -> list[Review]:
        """Every review of the row, oldest first: a later one never erases an earlier note."""
        return self.repo.reviews(batch.id, position)

    def open_work(self, user: User) -> tuple[int, int]:
        """The user's batches not finished, and their documents waiting to be checked."""
        return self.repo.open_work(user.name)

    def checked(self, user: User, report_id: str, documents: int) -> None:
        """A one-off check (``POST /api/check``) of ``documents`` documents, kept as ``report_id``."""
        self._audit_by(user, "check", f"report:{report_id}", f"{documents} documents")

    def downloaded_report(self, user: User, report_id: str, what: str) -> None:
        """A download of a one-off check's report or opinions."""
        self._audit_by(user, "download", f"report:{report_id}", what)

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
        self._audit_by(user, "opinion.edit", f"batch:{batch.id}/row:{position}", detail)
        return review

    def compared(self, user: User, old: str, new: str, less_compliant: bool) -> None:
        """Audit a comparison of two versions of a charter (nothing of it is kept)."""
        self._audit_by(user, "compare", "", f"{old} -> {new}{' (less compliant)' if less_compliant else ''}")

    def downloaded(self, user: User, batch: Batch, what: str) -> None:
        self._audit_by(user, "download", f"batch:{batch.id}", what)

    def delete_batch(self, user: User, batch: Batch) -> None:
        for key in self.repo.delete_batch(batch.id):
            self.originals.remove(key)
        self._audit_by(user, "delete", f"batch:{batch.id}", batch.name)

    def audit(self, since: str | None = None, user: str | None = None) -> list[AuditEntry]:
        return self.repo.audit(since, user)


def _default_name() -> str:
    return catalogue().text("office.default_batch_name", when=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"))


def reviewed_record(row: BatchRow) -> ScreenRecord:
    """The row's record with the review beside the automatic verdict: ``review`` in the check
    object, ``reviewed_verdict``/``review_note``/``reviewer`` in the report row (empty when not
    reviewed yet, so a batch's reports always have the same columns)."""
    return ScreenRecord.from_dict(row.record).reviewed(row.review)
