"""Where the workspace keeps its state: a small repository interface and its SQL implementations.

SQLite is the default (one file in the data folder, write-ahead log so readers never wait for the
writer); PostgreSQL serves an office that runs several server processes. Both run the same SQL, with
``?`` placeholders rewritten for the driver, and the same numbered migrations, recorded in
``schema_version``, so an older data folder is brought up to date when it is opened.
"""
from __future__ import annotations

import abc
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import MissingDependency, OfficeError
from .accounts import name_key
from .records import AuditEntry, Batch, BatchRow, Review, TokenInfo, User

__all__ = ["Repository", "SQLiteRepository", "PostgresRepository", "open_repository"]

# Each migration is the statements taking the schema from the version before it to its own: SQL,
# or a function of the cursor for what SQL cannot say in both dialects. Append, never edit: a data
# folder in use has already run the earlier ones. {id} is the dialect's auto-numbered key.
Statement = str | Callable[[Any], None]


def _fill_keys_and_history(cur) -> None:
    """Names' comparison keys, and each row's review as the first entry of its history."""
    cur.execute("SELECT id, name FROM users")
    for user_id, name in cur.fetchall():
        cur.execute("UPDATE users SET name_key = ? WHERE id = ?", (name_key(name), user_id))
    cur.execute("SELECT batch_id, position, review FROM batch_rows WHERE review IS NOT NULL")
    for batch_id, position, review in cur.fetchall():
        entry = Review.from_dict(json.loads(review))
        cur.execute("INSERT INTO reviews (batch_id, position, verdict, note, reviewer, at) VALUES (?, ?, ?, ?, ?, ?)",
                    (batch_id, position, entry.verdict, entry.note, entry.reviewer, entry.at))


MIGRATIONS: list[list[Statement]] = [
    [
        """CREATE TABLE users (id {id}, name TEXT NOT NULL UNIQUE, password TEXT NOT NULL,
           admin INTEGER NOT NULL DEFAULT 0, disabled INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL)""",
        """CREATE TABLE credentials (digest TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
           kind TEXT NOT NULL, created TEXT NOT NULL, expires TEXT)""",
        """CREATE TABLE batches (id TEXT PRIMARY KEY, owner_id INTEGER NOT NULL REFERENCES users(id),
           name TEXT NOT NULL, status TEXT NOT NULL, created TEXT NOT NULL, options TEXT NOT NULL)""",
        """CREATE TABLE batch_rows (batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
           position INTEGER NOT NULL, label TEXT NOT NULL, original TEXT, verdict TEXT, record TEXT,
           review TEXT, PRIMARY KEY (batch_id, position))""",
        "CREATE INDEX batch_rows_original ON batch_rows (original)",
        """CREATE TABLE audit (id {id}, at TEXT NOT NULL, user_name TEXT, action TEXT NOT NULL,
           object TEXT NOT NULL, detail TEXT NOT NULL)""",
        "CREATE INDEX audit_at ON audit (at)",
    ],
    [
        # Names compared case-insensitively after NFKC; tokens named so they can be listed and
        # revoked; the caller's address in the audit trail; every review kept, not only the last.
        "ALTER TABLE users ADD COLUMN name_key TEXT",
        "CREATE INDEX users_by_name_key ON users (name_key)",
        "ALTER TABLE credentials ADD COLUMN label TEXT",
        "ALTER TABLE audit ADD COLUMN address TEXT NOT NULL DEFAULT ''",
        """CREATE TABLE reviews (id {id}, batch_id TEXT NOT NULL, position INTEGER NOT NULL,
           verdict TEXT NOT NULL, note TEXT NOT NULL, reviewer TEXT NOT NULL, at TEXT NOT NULL)""",
        "CREATE INDEX reviews_row ON reviews (batch_id, position)",
        _fill_keys_and_history,
    ],
]


def _user(row) -> User:
    return User(id=row[0], name=row[1], admin=bool(row[2]), disabled=bool(row[3]), created=row[4])


_USER_COLUMNS = "users.id, users.name, users.admin, users.disabled, users.created"
_BATCH_SELECT = ("SELECT batches.id, batches.name, users.name, batches.status, batches.created, batches.options "
                 "FROM batches JOIN users ON users.id = batches.owner_id")


class Repository(abc.ABC):
    """The workspace's storage. Implementations are safe to call from several threads."""

    # --- accounts ---
    @abc.abstractmethod
    def add_user(self, name: str, password_hash: str, admin: bool, created: str) -> User: ...

    @abc.abstractmethod
    def user_password(self, name: str) -> tuple[User, str] | None:
        """The user called ``name`` (compared by :func:`~pbdocs.office.accounts.name_key`) and their
        password hash, disabled or not."""

    @abc.abstractmethod
    def users(self) -> list[User]: ...

    @abc.abstractmethod
    def set_disabled(self, name: str, disabled: bool) -> bool:
        """False when there is no such user."""

    @abc.abstractmethod
    def add_credential(self, digest: str, user_id: int, kind: str, created: str, expires: str | None,
                       label: str | None = None) -> None: ...

    @abc.abstractmethod
    def credential_user(self, digest: str, kind: str, now: str) -> User | None:
        """The enabled user a live credential of ``kind`` belongs to."""

    @abc.abstractmethod
    def delete_credential(self, digest: str) -> None: ...

    @abc.abstractmethod
    def tokens(self, user_id: int) -> list[TokenInfo]:
        """The user's API tokens (never their digests), oldest first."""

    @abc.abstractmethod
    def delete_token(self, user_id: int, label: str) -> bool:
        """False when the user has no token of that label."""

    # --- batches ---
    @abc.abstractmethod
    def add_batch(self, batch: Batch, owner_id: int, rows: list[BatchRow]) -> None: ...

    @abc.abstractmethod
    def batches(self, owner: str | None = None, statuses: tuple[str, ...] = ()) -> list[Batch]:
        """Newest first; only ``owner``'s when given, only those in ``statuses`` when given."""

    @abc.abstractmethod
    def batch(self, batch_id: str) -> Batch | None: ...

    @abc.abstractmethod
    def rows(self, batch_id: str) -> list[BatchRow]: ...

    @abc.abstractmethod
    def set_status(self, batch_id: str, status: str) -> None: ...

    @abc.abstractmethod
    def set_record(self, batch_id: str, position: int, verdict: str, record: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    def set_review(self, batch_id: str, position: int, review: Review) -> bool:
        """The row's current review, added to its history; False when the batch has no such row."""

    @abc.abstractmethod
    def reviews(self, batch_id: str, position: int) -> list[Review]:
        """Every review of the row, oldest first."""

    @abc.abstractmethod
    def open_work(self, owner: str) -> tuple[int, int]:
        """The owner's batches not done yet, and their rows not checked yet."""

    @abc.abstractmethod
    def delete_batch(self, batch_id: str) -> list[str]:
        """Delete the batch and its rows; returns the originals no other batch uses."""

    # --- audit ---
    @abc.abstractmethod
    def add_audit(self, entry: AuditEntry) -> None:
        """Record ``entry``; its user, object and detail are stored as given (escaped when shown)."""

    @abc.abstractmethod
    def audit(self, since: str | None = None, user: str | None = None) -> list[AuditEntry]:
        """Oldest first, from ``since`` (an ISO date or time) on, only ``user``'s when given."""


class _SqlRepository(Repository):
    """The repository over a DB-API connection; subclasses say how to connect and spell placeholders."""

    placeholder = "?"
    autonumber = "INTEGER PRIMARY KEY"

    @abc.abstractmethod
    def _connect(self):
        """A new connection, in a transaction on first statement."""

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        connection = self._connect()
        cursor = connection.cursor()
        try:
            yield _Cursor(cursor, self.placeholder)
            # A statement left unread keeps SQLite's lock past close(): finish it first.
            cursor.close()
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.close()

    # A statement serializing migrations between processes starting at once; SQLite's first write
    # takes the database lock already.
    migration_lock: str | None = None

    def migrate(self) -> int:
        """Run the migrations this database has not had; returns the schema version."""
        with self._tx() as cur:
            if self.migration_lock:
                cur.execute(self.migration_lock)
            cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            cur.execute("SELECT MAX(version) FROM schema_version")
            current = cur.fetchone()[0] or 0
            if current > len(MIGRATIONS):
                raise OfficeError("office.newer_schema", version=current, known=len(MIGRATIONS))
            for version in range(current + 1, len(MIGRATIONS) + 1):
                for statement in MIGRATIONS[version - 1]:
                    if callable(statement):
                        statement(cur)
                    else:
                        cur.execute(statement.replace("{id}", self.autonumber))
                cur.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
        return len(MIGRATIONS)

    def add_user(self, name, password_hash, admin, created):
        with self._tx() as cur:
            cur.execute("SELECT name FROM users WHERE name = ? OR name_key = ?", (name, name_key(name)))
            taken = cur.fetchone()
            if taken:
                raise OfficeError("office.name_taken", name=taken[0])
            cur.execute("INSERT INTO users (name, name_key, password, admin, disabled, created) "
                        "VALUES (?, ?, ?, ?, 0, ?)", (name, name_key(name), password_hash, int(admin), created))
            cur.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE name = ?", (name,))
            return _user(cur.fetchone())

    def user_password(self, name):
        with self._tx() as cur:
            # The exact name first: two legacy accounts may share a key.
            cur.execute(f"SELECT {_USER_COLUMNS}, users.password FROM users WHERE users.name = ? OR users.name_key = ? "
                        "ORDER BY CASE WHEN users.name = ? THEN 0 ELSE 1 END, users.id", (name, name_key(name), name))
            row = cur.fetchone()
            cur.fetchall()
        return None if row is None else (_user(row), row[5])

    def users(self):
        with self._tx() as cur:
            cur.execute(f"SELECT {_USER_COLUMNS} FROM users ORDER BY name")
            return [_user(row) for row in cur.fetchall()]

    def set_disabled(self, name, disabled):
        found = self.user_password(name)
        if found is None:
            return False
        with self._tx() as cur:
            cur.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), found[0].id))
            return cur.rowcount > 0

    def add_credential(self, digest, user_id, kind, created, expires, label=None):
        with self._tx() as cur:
            cur.execute("INSERT INTO credentials (digest, user_id, kind, created, expires, label) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (digest, user_id, kind, created, expires, label))

    def tokens(self, user_id):
        with self._tx() as cur:
            cur.execute("SELECT label, created, expires FROM credentials WHERE user_id = ? AND kind = 'token' "
                        "ORDER BY created, label", (user_id,))
            return [TokenInfo(label or "", created, expires) for label, created, expires in cur.fetchall()]

    def delete_token(self, user_id, label):
        with self._tx() as cur:
            cur.execute("DELETE FROM credentials WHERE user_id = ? AND kind = 'token' AND label = ?", (user_id, label))
            return cur.rowcount > 0

    def credential_user(self, digest, kind, now):
        with self._tx() as cur:
            cur.execute(f"SELECT {_USER_COLUMNS} FROM credentials JOIN users ON users.id = credentials.user_id "
                        "WHERE credentials.digest = ? AND credentials.kind = ? AND users.disabled = 0 "
                        "AND (credentials.expires IS NULL OR credentials.expires > ?)", (digest, kind, now))
            row = cur.fetchone()
        return None if row is None else _user(row)

    def delete_credential(self, digest):
        with self._tx() as cur:
            cur.execute("DELETE FROM credentials WHERE digest = ?", (digest,))

    def add_batch(self, batch, owner_id, rows):
        with self._tx() as cur:
            cur.execute("INSERT INTO batches (id, owner_id, name, status, created, options) VALUES (?, ?, ?, ?, ?, ?)",
                        (batch.id, owner_id, batch.name, batch.status, batch.created, json.dumps(batch.options)))
            for row in rows:
                cur.execute("INSERT INTO batch_rows (batch_id, position, label, original, verdict, record) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            (batch.id, row.position, row.label, row.original,
                             row.record["row"]["verdict"] if row.record else None,
                             json.dumps(row.record, ensure_ascii=False) if row.record else None))

    def batches(self, owner=None, statuses=()):
        query, args = _BATCH_SELECT, []
        clauses = []
        if owner is not None:
            clauses.append("users.name = ?")
            args.append(owner)
        if statuses:
            clauses.append(f"batches.status IN ({', '.join('?' for _ in statuses)})")
            args.extend(statuses)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        with self._tx() as cur:
            cur.execute(query + " ORDER BY batches.created DESC, batches.id", tuple(args))
            found = cur.fetchall()
            return [self._batch(cur, row) for row in found]

    def batch(self, batch_id):
        with self._tx() as cur:
            cur.execute(_BATCH_SELECT + " WHERE batches.id = ?", (batch_id,))
            row = cur.fetchone()
            return None if row is None else self._batch(cur, row)

    @staticmethod
    def _batch(cur, row) -> Batch:
        cur.execute("SELECT verdict, COUNT(*) FROM batch_rows WHERE batch_id = ? GROUP BY verdict", (row[0],))
        by_verdict = {verdict: count for verdict, count in cur.fetchall()}
        counts = {"total": sum(by_verdict.values()), "pending": by_verdict.pop(None, 0), **by_verdict}
        return Batch(id=row[0], name=row[1], owner=row[2], status=row[3], created=row[4],
                     options=json.loads(row[5]), counts=counts)

    def rows(self, batch_id):
        with self._tx() as cur:
            cur.execute("SELECT position, label, original, record, review FROM batch_rows WHERE batch_id = ? "
                        "ORDER BY position", (batch_id,))
            return [BatchRow(position=r[0], label=r[1], original=r[2], record=json.loads(r[3]) if r[3] else None,
                             review=Review.from_dict(json.loads(r[4])) if r[4] else None) for r in cur.fetchall()]

    def set_status(self, batch_id, status):
        with self._tx() as cur:
            cur.execute("UPDATE batches SET status = ? WHERE id = ?", (status, batch_id))

    def set_record(self, batch_id, position, verdict, record):
        with self._tx() as cur:
            cur.execute("UPDATE batch_rows SET verdict = ?, record = ? WHERE batch_id = ? AND position = ?",
                        (verdict, json.dumps(record, ensure_ascii=False), batch_id, position))

    def set_review(self, batch_id, position, review):
        with self._tx() as cur:
            cur.execute("UPDATE batch_rows SET review = ? WHERE batch_id = ? AND position = ?",
                        (json.dumps(review.as_dict(), ensure_ascii=False), batch_id, position))
            if cur.rowcount == 0:
                return False
            cur.execute("INSERT INTO reviews (batch_id, position, verdict, note, reviewer, at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (batch_id, position, review.verdict, review.note, review.reviewer, review.at))
            return True

    def reviews(self, batch_id, position):
        with self._tx() as cur:
            cur.execute("SELECT verdict, note, reviewer, at FROM reviews WHERE batch_id = ? AND position = ? "
                        "ORDER BY id", (batch_id, position))
            return [Review(*row) for row in cur.fetchall()]

    def open_work(self, owner):
        with self._tx() as cur:
            cur.execute("SELECT COUNT(*) FROM batches JOIN users ON users.id = batches.owner_id "
                        "WHERE users.name = ? AND batches.status IN ('queued', 'running')", (owner,))
            batches = cur.fetchone()[0]
            cur.execute("SELECT COUNT(*) FROM batch_rows JOIN batches ON batches.id = batch_rows.batch_id "
                        "JOIN users ON users.id = batches.owner_id "
                        "WHERE users.name = ? AND batch_rows.record IS NULL AND batch_rows.original IS NOT NULL",
                        (owner,))
            return batches, cur.fetchone()[0]

    def delete_batch(self, batch_id):
        with self._tx() as cur:
            cur.execute("SELECT DISTINCT original FROM batch_rows WHERE batch_id = ? AND original IS NOT NULL",
                        (batch_id,))
            originals = [row[0] for row in cur.fetchall()]
            cur.execute("DELETE FROM reviews WHERE batch_id = ?", (batch_id,))
            cur.execute("DELETE FROM batch_rows WHERE batch_id = ?", (batch_id,))
            cur.execute("DELETE FROM batches WHERE id = ?", (batch_id,))
            unused = []
            for original in originals:
                cur.execute("SELECT 1 FROM batch_rows WHERE original = ? LIMIT 1", (original,))
                if cur.fetchone() is None:
                    unused.append(original)
            return unused

    def add_audit(self, entry):
        with self._tx() as cur:
            cur.execute("INSERT INTO audit (at, user_name, action, object, detail, address) VALUES (?, ?, ?, ?, ?, ?)",
                        (entry.at, entry.user, entry.action, entry.object, entry.detail, entry.address))

    def audit(self, since=None, user=None):
        query, args = "SELECT at, user_name, action, object, detail, address FROM audit", []
        clauses = []
        if since:
            clauses.append("at >= ?")
            args.append(since)
        if user:
            clauses.append("user_name = ?")
            args.append(user)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        with self._tx() as cur:
            cur.execute(query + " ORDER BY id", tuple(args))
            return [AuditEntry(*row) for row in cur.fetchall()]


class _Cursor:
    """A DB-API cursor taking ``?`` placeholders whatever the driver's style."""

    def __init__(self, cursor, placeholder: str):
        self._cursor = cursor
        self._placeholder = placeholder

    def execute(self, sql: str, args: tuple = ()) -> None:
        if self._placeholder != "?":
            sql = sql.replace("?", self._placeholder)
        self._cursor.execute(sql, args)

    def fetchone(self):
        return self._cursor.fetchone()

    def fetchall(self):
        return self._cursor.fetchall()

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount


class SQLiteRepository(_SqlRepository):
    """The repository in one SQLite file, in write-ahead-log mode."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        _private_files(self.path)
        try:
            with self._tx() as cur:
                # WAL is a property of the file: set once, every later connection uses it.
                cur.execute("PRAGMA journal_mode=WAL")
                cur.fetchone()
        except sqlite3.DatabaseError as exc:
            raise OfficeError("office.bad_sqlite", path=self.path, detail=exc) from None
        self.migrate()
        # The write-ahead log and its index exist now; SQLite creates them like the database, but a
        # folder copied in from elsewhere may have brought them with other permissions.
        _private_files(self.path)

    def _connect(self):
        # A connection per transaction: calls come from the event loop and from worker threads alike.
        # The timeout waits out another process's write instead of failing with "database is locked".
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = NORMAL")
        return connection


def _private_files(database: Path) -> None:
    """The database and its -wal/-shm files readable by their owner only, created so if missing
    (SQLite gives the log files the database's permissions)."""
    if not database.exists():
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))
    for path in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        if path.exists() and path.stat().st_mode & 0o077:
            path.chmod(0o600)


class PostgresRepository(_SqlRepository):
    """The repository in a PostgreSQL database (``postgresql://user:password@host/db``), via psycopg 3."""

    placeholder = "%s"
    autonumber = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    # Held to the end of the migrating transaction: several server processes may start at once.
    migration_lock = "SELECT pg_advisory_xact_lock(7154)"

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError:
            raise MissingDependency("office.needs_psycopg", path=redacted(url)) from None
        self._psycopg = psycopg
        self._url = url
        self.migrate()

    def _connect(self):
        try:
            return self._psycopg.connect(self._url)
        except self._psycopg.OperationalError as exc:
            raise OfficeError("office.postgres_unreachable", database=redacted(self._url),
                              detail=str(exc).strip() or type(exc).__name__) from None



def redacted(url: str) -> str:
    """A database address without its user name and password, for messages."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{netloc}{parts.path}" if parts.scheme else "(not an address)"


def open_repository(data_dir: Path, database: str | None = None) -> Repository:
    """PostgreSQL when ``database`` is a ``postgresql://`` address, else SQLite in ``data_dir``."""
    if database:
        if not database.startswith(("postgresql://", "postgres://")):
            raise OfficeError("office.bad_database_address", database=repr(redacted(database)))
        return PostgresRepository(database)
    return SQLiteRepository(data_dir / "pbdocs.sqlite3")
