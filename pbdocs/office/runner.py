"""Checking a batch's documents in the background, row by row, so a restart loses no finished row."""
from __future__ import annotations

import asyncio
from dataclasses import replace

from ..executor import SharedPool
from ..rules.options import CheckOptions
from ..screen.task import document_job, outcome_record
from .workspace import Office

__all__ = ["screen_batch"]


async def screen_batch(office: Office, pool: SharedPool, batch_id: str, options: CheckOptions,
                       timeout: float | None) -> None:
    """Check every row of the batch that has no record yet, storing each record as it arrives.

    The batch's own pack and organization type apply on top of ``options`` (the server's OCR mode
    and rules file). A row deleted meanwhile (the batch was deleted) is simply not updated.
    """
    stored = office.repo.batch(batch_id)
    if stored is None:
        return
    batch_options = replace(options, pack=stored.options.get("pack", options.pack),
                            org_type=stored.options.get("org_type"))
    office.set_status(batch_id, "running")

    async def one(position: int, label: str, original: str) -> None:
        job = document_job(str(office.originals.path(original)), batch_options, timeout,
                           key=f"{batch_id}-{position}")
        record = outcome_record(job, await pool.submit(job)).labelled(label)
        office.set_record(batch_id, position, record)

    pending = [row for row in office.repo.rows(batch_id) if row.pending and row.original]
    await asyncio.gather(*(one(row.position, row.label, row.original) for row in pending if row.original))
    if office.repo.batch(batch_id) is not None:
        office.set_status(batch_id, "done")
