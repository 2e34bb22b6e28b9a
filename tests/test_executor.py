"""The executor on its own: any picklable function, a deadline per job, and a job that kills its
process or runs too long costs that job only, in every strategy."""
from __future__ import annotations

import asyncio
import os
import time

import pytest

from pbdocs.executor import CRASHED, RAISED, TIMED_OUT, DaskCluster, Job, LocalPool, Outcome, SharedPool


def _work(item: tuple[str, int]) -> int:
    kind, value = item
    if kind == "crash":
        os._exit(70)  # what a segfault in native code looks like to the pool
    if kind == "hang":
        time.sleep(60)
    if kind == "raise":
        raise ValueError(f"bad item {value}")
    return value * 2


def _jobs(kinds: list[str], deadline: float | None = None) -> list[Job]:
    return [Job(key=f"job-{i}", fn=_work, arg=(kind, i), deadline=deadline) for i, kind in enumerate(kinds)]


def _outcomes(executor, jobs: list[Job]) -> dict[str, Outcome]:
    seen: dict[str, Outcome] = {}

    def on_done(job: Job, outcome: Outcome) -> None:
        assert job.key not in seen, "every job is reported once"
        seen[job.key] = outcome

    executor.run(iter(jobs), on_done)
    assert set(seen) == {job.key for job in jobs}
    return seen


def _assert_only_failures(outcomes: dict[str, Outcome], failures: dict[str, str]) -> None:
    for index in range(len(outcomes)):
        key = f"job-{index}"
        if key in failures:
            assert outcomes[key].failure == failures[key] and outcomes[key].value is None
        else:
            assert outcomes[key] == Outcome(index * 2)


def test_local_pool_a_crashing_job_costs_that_job_only():
    outcomes = _outcomes(LocalPool(2), _jobs(["ok", "ok", "crash", "ok", "ok", "ok"]))
    _assert_only_failures(outcomes, {"job-2": CRASHED})


def test_local_pool_a_job_past_its_deadline_times_out_and_the_rest_go_on():
    started = time.monotonic()
    outcomes = _outcomes(LocalPool(2), _jobs(["ok", "hang", "ok", "ok"], deadline=1.0))
    assert time.monotonic() - started < 30
    _assert_only_failures(outcomes, {"job-1": TIMED_OUT})


def test_local_pool_a_raising_job_says_what_it_raised():
    outcomes = _outcomes(LocalPool(1), _jobs(["ok", "raise"]))
    _assert_only_failures(outcomes, {"job-1": RAISED})
    assert outcomes["job-1"].detail == "ValueError: bad item 1"


def test_local_pool_takes_jobs_only_as_workers_free_up():
    handed_out = []

    def lazily():
        for job in _jobs(["ok"] * 30):
            handed_out.append(job.key)
            yield job

    first_done = []
    LocalPool(1).run(lazily(), lambda job, outcome: first_done.append(len(handed_out)) if not first_done else None)
    assert len(handed_out) == 30
    assert first_done[0] < 30, "the whole batch was queued before the first job finished"


def test_shared_pool_runs_jobs_from_an_event_loop_and_survives_a_crash():
    pool = SharedPool(2)
    try:
        async def scenario():
            return await asyncio.gather(*(pool.submit(job) for job in _jobs(["ok", "crash", "ok", "hang", "ok"],
                                                                             deadline=2.0)))

        outcomes = {f"job-{i}": outcome for i, outcome in enumerate(asyncio.run(scenario()))}
        _assert_only_failures(outcomes, {"job-1": CRASHED, "job-3": TIMED_OUT})
        # The pool that broke was replaced: later callers are served as before.
        _assert_only_failures(_outcomes(pool, _jobs(["ok", "raise"])), {"job-1": RAISED})
    finally:
        pool.shutdown()


@pytest.mark.slow
def test_dask_cluster_runs_the_same_jobs():
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        executor = DaskCluster(cluster.scheduler_address)
        assert executor.shares_files is False
        outcomes = _outcomes(executor, _jobs(["ok", "raise", "ok", "ok"]))
    _assert_only_failures(outcomes, {"job-1": RAISED})


def _reword_interruptions(item: tuple[str, int]) -> str:
    """Like a library that turns anything raised inside it, even an interruption, into its own error."""
    try:
        time.sleep(60)
    except BaseException as exc:  # noqa: BLE001 - the point is to swallow the interruption
        raise RuntimeError(f"config broken while {type(exc).__name__}") from None
    return "finished"


def test_a_job_that_rewords_the_interruption_still_timed_out():
    jobs = [Job(key="job-0", fn=_reword_interruptions, arg=("ok", 0), deadline=0.5)]
    assert _outcomes(LocalPool(1), jobs)["job-0"].failure == TIMED_OUT
