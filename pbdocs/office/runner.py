"""Checking a batch's documents in the background, row by row, so a restart loses no finished row,
taking turns between users so that one user's long batch does not hold up everyone else's."""
from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from dataclasses import replace

from ..executor import Job, Outcome, SharedPool
from ..rules.options import CheckOptions
from ..screen.task import document_job, outcome_record
from .workspace import Office

__all__ = ["screen_batch", "FairQueue"]


class FairQueue:
    """Runs jobs on ``pool`` at most ``slots`` at a time, taking owners in turn: with alice's
    forty documents queued and bob's one, bob's starts as soon as a slot frees, not after hers.
    Each owner's own jobs keep their order."""

    def __init__(self, pool: SharedPool, slots: int | None = None):
        self.pool = pool
        self.slots = slots or pool.workers
        self._running = 0
        # Owners with waiting jobs, in turn order; each owner's waiting jobs, oldest first.
        self._waiting: OrderedDict[str, deque[asyncio.Future[None]]] = OrderedDict()

    async def submit(self, owner: str, job: Job) -> Outcome:
        await self._turn(owner)
        try:
            return await self.pool.submit(job)
        finally:
            self._running -= 1
            self._next()

    def for_owner(self, owner: str) -> _OwnerQueue:
        """The queue as ``owner`` sees it: ``submit(job)``, like a pool's."""
        return _OwnerQueue(self, owner)

    async def _turn(self, owner: str) -> None:
        if self._running < self.slots and not self._waiting:
            self._running += 1
            return
        ticket: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(owner, deque()).append(ticket)
        try:
            await ticket
        except asyncio.CancelledError:
            if ticket.done() and not ticket.cancelled():
                # The slot was given to us as we were cancelled: hand it on.
                self._running -= 1
                self._next()
            else:
                self._withdraw(owner, ticket)
            raise

    def _withdraw(self, owner: str, ticket: asyncio.Future[None]) -> None:
        tickets = self._waiting.get(owner)
        if tickets is not None and ticket in tickets:
            tickets.remove(ticket)
            if not tickets:
                del self._waiting[owner]

    def _next(self) -> None:
        while self._running < self.slots and self._waiting:
            owner, tickets = next(iter(self._waiting.items()))
            ticket = tickets.popleft()
            # The owner goes to the back of the line, with its remaining jobs.
            del self._waiting[owner]
            if tickets:
                self._waiting[owner] = tickets
            if ticket.done():
                continue
            self._running += 1
            ticket.set_result(None)


class _OwnerQueue:
    def __init__(self, queue: FairQueue, owner: str):
        self.queue = queue
        self.owner = owner
        self.workers = queue.slots

    async def submit(self, job: Job) -> Outcome:
        return await self.queue.submit(self.owner, job)


async def screen_batch(office: Office, pool: SharedPool | FairQueue, batch_id: str, options: CheckOptions,
                       timeout: float | None) -> None:
    """Check every row of the batch that has no record yet, storing each record as it arrives.

    The batch's own pack and organization type apply on top of ``options`` (the server's OCR mode
    and rules file). A row deleted meanwhile (the batch was deleted) is simply not updated. Given
    a :class:`FairQueue`, the documents take turns with other owners' documents.
    """
    stored = office.repo.batch(batch_id)
    if stored is None:
        return
    batch_options = replace(options, pack=stored.options.get("pack", options.pack),
                            org_type=stored.options.get("org_type"))
    office.set_status(batch_id, "running")

    async def run(job: Job) -> Outcome:
        if isinstance(pool, FairQueue):
            return await pool.submit(stored.owner, job)
        return await pool.submit(job)

    async def one(position: int, label: str, original: str) -> None:
        job = document_job(str(office.originals.path(original)), batch_options, timeout,
                           key=f"{batch_id}-{position}")
        record = outcome_record(job, await run(job)).labelled(label)
        office.set_record(batch_id, position, record)

    pending = [row for row in office.repo.rows(batch_id) if row.pending and row.original]
    await asyncio.gather(*(one(row.position, row.label, row.original) for row in pending if row.original))
    if office.repo.batch(batch_id) is not None:
        office.set_status(batch_id, "done")
