"""How often a login may be tried: per source address and per account name, counted before the
password is checked, with a pause that doubles with each failure past the allowance.

Kept in memory, per process: a restart forgives, which costs an attacker a restart. Every
decision is made synchronously (no awaiting between the check and the count), so attempts sent
in parallel are counted one by one: the sixth of twenty simultaneous guesses already waits.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["LoginThrottle", "BACKOFF_S", "MAX_BACKOFF_S", "FORGET_S", "ADDRESS_FACTOR"]

# The first pause after the allowance is used up; each further failure doubles it, up to the cap.
BACKOFF_S = 30.0
MAX_BACKOFF_S = 900.0
# Failures are forgotten this long after the last one.
FORGET_S = 3600.0
# One address may fail this many times the per-account allowance: an office behind one NAT
# address has several officers, each of whom mistypes now and then.
ADDRESS_FACTOR = 4
# Entries kept before stale ones are dropped: random names must not grow memory without end.
MAX_ENTRIES = 10_000


@dataclass
class _Count:
    failures: int = 0
    pending: int = 0
    last: float = 0.0


class LoginThrottle:
    """``attempts`` failed logins per account name (``attempts * ADDRESS_FACTOR`` per address)
    before a pause of BACKOFF_S seconds, doubled with each later failure."""

    def __init__(self, attempts: int, clock: Callable[[], float] = time.monotonic):
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.attempts = attempts
        self._clock = clock
        self._counts: dict[tuple[str, str], _Count] = {}

    def begin(self, address: str, account: str) -> int:
        """Count an attempt of ``account`` from ``address`` as failed until :meth:`succeeded` says
        otherwise; returns 0, or the seconds to wait (the attempt is then not counted)."""
        now = self._clock()
        keys = (("address", address), ("account", account))
        limits = (self.attempts * ADDRESS_FACTOR, self.attempts)
        wait = max(self._wait(self._count(key, now), limit, now) for key, limit in zip(keys, limits, strict=True))
        if wait:
            return wait
        for key in keys:
            self._count(key, now).pending += 1
        return 0

    def failed(self, address: str, account: str) -> None:
        now = self._clock()
        for key in (("address", address), ("account", account)):
            count = self._count(key, now)
            count.pending = max(0, count.pending - 1)
            count.failures += 1
            count.last = now

    def succeeded(self, address: str, account: str) -> None:
        """The password was right: the attempt is not a failure, and the account's own failures
        are forgiven; nobody else's count changes."""
        now = self._clock()
        address_count = self._count(("address", address), now)
        address_count.pending = max(0, address_count.pending - 1)
        self._counts.pop(("account", account), None)

    def _count(self, key: tuple[str, str], now: float) -> _Count:
        count = self._counts.get(key)
        if count is None:
            if len(self._counts) >= MAX_ENTRIES:
                self._forget(now)
            count = self._counts[key] = _Count()
        elif count.failures and not count.pending and now - count.last > FORGET_S:
            count.failures = 0
        return count

    def _forget(self, now: float) -> None:
        for key in [k for k, c in self._counts.items() if not c.pending and now - c.last > FORGET_S]:
            del self._counts[key]

    @staticmethod
    def _wait(count: _Count, limit: int, now: float) -> int:
        if count.failures + count.pending < limit:
            return 0
        if count.pending:
            return 1  # the allowance is taken by attempts still being checked
        pause = min(BACKOFF_S * 2 ** (count.failures - limit), MAX_BACKOFF_S)
        remaining = count.last + pause - now
        return math.ceil(remaining) if remaining > 0 else 0
