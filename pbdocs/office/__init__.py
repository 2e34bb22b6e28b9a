"""The office workspace behind ``pbdocs serve``: accounts and tokens, screening batches kept in a
database with their uploaded originals, officers' reviews of verdicts, and an audit trail.

No HTTP here: the routes are in :mod:`pbdocs.web.workspace`, the commands in :mod:`pbdocs.cli`.
"""
from __future__ import annotations

from .records import BATCH_STATUSES, AuditEntry, Batch, BatchRow, Review, TokenInfo, User, escape_controls
from .runner import FairQueue, screen_batch
from .store import PostgresRepository, Repository, SQLiteRepository, open_repository
from .throttle import LoginThrottle
from .workspace import REVIEW_VERDICTS, Intake, Office, parse_duration, reviewed_record

__all__ = ["AuditEntry", "BATCH_STATUSES", "Batch", "BatchRow", "Intake", "Office", "PostgresRepository",
           "REVIEW_VERDICTS", "Repository", "Review", "SQLiteRepository", "User", "open_repository",
           "reviewed_record", "screen_batch", "TokenInfo", "escape_controls", "LoginThrottle", "parse_duration",
           "FairQueue"]
