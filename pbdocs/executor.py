"""Run a picklable function on many items in other processes, each call with a deadline, so that
one item that hangs or kills its process costs that item only.

A :class:`Job` is one call, ``fn(arg)``, given up after ``deadline`` seconds. An executor runs
jobs and hands each :class:`Outcome` (the value, or why there is none) to a callback in the
calling process as soon as it arrives. Three strategies share the interface:

- :class:`LocalPool`: processes on this machine, started for one run;
- :class:`DaskCluster`: the workers of a Dask distributed cluster;
- :class:`SharedPool`: a bounded pool started once and shared by every caller of a long-lived
  server, with :meth:`SharedPool.submit` to await one job from an event loop.

This module knows nothing of what the jobs do.
"""
from __future__ import annotations

import abc
import contextlib
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from .errors import ExecutorError, MissingDependency

__all__ = ["Job", "Outcome", "Executor", "LocalPool", "DaskCluster", "SharedPool", "call_within", "usable_cpus",
           "CRASHED", "TIMED_OUT", "RAISED", "LOST"]

# Why a job has no value.
CRASHED = "crashed"      # its process died, even when the job ran alone
TIMED_OUT = "timed out"  # it was still running at its deadline
RAISED = "raised"        # the function raised; ``detail`` says what
LOST = "lost"            # the cluster lost it (a worker or the connection went away)

# Jobs queued per worker beyond the one it is running: keeps workers busy without holding the
# whole batch in the pool's queue.
QUEUE_PER_WORKER = 4


def usable_cpus() -> int:
    """The CPUs this process may run on: a container's or a task set's CPU set where the platform
    tells it, else the machine's count; the default number of worker processes everywhere."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on this platform (macOS, Windows)
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Job:
    """One call ``fn(arg)``. ``key`` names it (unique within a run); ``deadline`` is in seconds."""

    key: str
    fn: Callable[[Any], Any]
    arg: Any
    deadline: float | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of a job: its ``value``, or a ``failure`` (CRASHED, TIMED_OUT, RAISED, LOST)."""

    value: Any = None
    failure: str | None = None
    detail: str = ""


OnDone = Callable[[Job, Outcome], None]


class Executor(abc.ABC):
    """Runs jobs in other processes; each job's outcome goes to ``on_done`` in the caller's process."""

    #: Whether the workers see the caller's files; when not, a job's argument must carry its data.
    shares_files: bool = True

    @abc.abstractmethod
    def run(self, jobs: Iterable[Job], on_done: OnDone) -> None:
        """Run every job; ``jobs`` is consumed only as workers free up, so it may be lazy."""


class _TimedOut(BaseException):
    """The job ran past its deadline.

    A BaseException, like KeyboardInterrupt, so that ``except Exception`` guards inside the job
    (the function's own, a third-party library's) let it through instead of rewording it."""


class _Alarm:
    """Whether a deadline has passed. Kept apart from the exception, because code that catches
    too much (a library cleaning up after ``except BaseException``) may reword the interruption
    into an error of its own."""

    expired = False


@contextlib.contextmanager
def _deadline(seconds: float | None):
    """Raise :class:`_TimedOut` in this code after ``seconds``. Only a process's main thread can
    take the alarm signal, so in threaded workers (Dask) jobs run without a deadline."""
    alarm = _Alarm()
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield alarm
        return

    def expire(signum, frame):
        alarm.expired = True
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield alarm
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _call(fn: Callable[[Any], Any], arg: Any, deadline: float | None) -> Outcome:
    """In a worker: ``fn(arg)`` under its deadline; never raises. Whatever a job returns or raises
    once its deadline has passed, it timed out."""
    alarm = _Alarm()
    try:
        with _deadline(deadline) as alarm, _cpu_backstop(deadline):
            value = fn(arg)
    except _TimedOut:
        return Outcome(failure=TIMED_OUT)
    except Exception as exc:  # noqa: BLE001 - one job's failure must not end the run
        if alarm.expired:
            return Outcome(failure=TIMED_OUT)
        return Outcome(failure=RAISED, detail=f"{type(exc).__name__}: {exc}")
    return Outcome(failure=TIMED_OUT) if alarm.expired else Outcome(value)


def call_within(fn: Callable[[Any], Any], arg: Any, seconds: float | None) -> Any:
    """``fn(arg)`` in this process under a deadline, for one-document commands that need no pool:
    its value, or what it raised; :class:`TimeoutError` once ``seconds`` have passed. No CPU
    backstop here: it would end the caller itself."""
    alarm = _Alarm()
    try:
        with _deadline(seconds) as alarm:
            value = fn(arg)
    except _TimedOut:
        raise TimeoutError(seconds) from None
    except Exception:
        if alarm.expired:
            raise TimeoutError(seconds) from None
        raise
    if alarm.expired:
        raise TimeoutError(seconds)
    return value


@contextlib.contextmanager
def _cpu_backstop(deadline: float | None):
    """Let the kernel end this worker if a job burns twice its deadline in CPU time on every core.

    The alarm interrupts Python code only: native code stuck in a loop (a reader library) never
    returns to take it. The soft RLIMIT_CPU then sends SIGXCPU, which kills the worker; its pool
    reports the job CRASHED and goes on. CPU time counts every thread (OCR runs one per core), so
    the allowance is per core: a job that is merely busy meets its wall-clock deadline first. The
    limit is set per job, above the CPU time the process
    has already used, and lifted afterwards. Memory is not limited this way (RLIMIT_AS breaks
    onnxruntime and numpy, which reserve address space they never touch): sizes are checked
    before work instead (pbdocs.extract.Budget).
    """
    try:
        import resource
    except ImportError:  # not on this platform
        resource = None  # type: ignore[assignment]
    if (not deadline or resource is None
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cores = usable_cpus()
    limit = int(usage.ru_utime + usage.ru_stime + 2 * deadline * cores) + 1
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


# How often a worker checks that the process that started it is still there, where the kernel
# cannot be asked to end it with its parent.
PARENT_CHECK_SECONDS = 1.0


def _die_with_parent(parent: int) -> None:
    """In a worker: end this process when ``parent`` (the one running the pool) dies, even by
    ``kill -9``, instead of finishing jobs nobody will collect.

    On Linux the kernel sends SIGKILL as soon as the parent thread exits (PR_SET_PDEATHSIG); a
    thread watching the parent's id covers other systems and the race before the call.
    """
    import ctypes
    import ctypes.util
    import sys
    import time

    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass  # the watcher below still applies
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="pbdocs-parent-watch", daemon=True).start()


def _init_worker(parent: int) -> None:
    _die_with_parent(parent)
    # Ctrl-C is the caller's to handle: it stops the run; the workers must not die mid-job first.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool(workers: int, context: multiprocessing.context.BaseContext | None = None) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                               initargs=(os.getpid(),))


class LocalPool(Executor):
    """``workers`` processes on this machine, started for each run.

    A worker that dies (native code crashing the interpreter) breaks the whole pool; the jobs in
    flight at that moment are then re-run one at a time, and one that breaks its pool alone is
    reported CRASHED while the run goes on.
    """

    def __init__(self, workers: int):
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers

    def run(self, jobs: Iterable[Job], on_done: OnDone) -> None:
        pending = iter(jobs)
        suspects: deque[Job] = deque()
        while True:
            if suspects:
                job = suspects.popleft()
                if self._drain(iter([job]), 1, on_done):
                    on_done(job, Outcome(failure=CRASHED))
                continue
            broken = self._drain(pending, self.workers, on_done)
            if not broken:
                return
            suspects.extend(broken)

    @staticmethod
    def _drain(pending: Iterator[Job], workers: int, on_done: OnDone) -> list[Job]:
        """Run ``pending`` through one pool; returns the jobs in flight if the pool broke."""
        in_flight: dict[Future, Job] = {}
        pool = _pool(workers)
        try:
            while True:
                while len(in_flight) < workers * QUEUE_PER_WORKER:
                    job = next(pending, None)
                    if job is None:
                        break
                    in_flight[pool.submit(_call, job.fn, job.arg, job.deadline)] = job
                if not in_flight:
                    return []
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    outcome = future.result()
                    on_done(in_flight.pop(future), outcome)
        except BrokenProcessPool:
            return list(in_flight.values())
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            pool.shutdown(wait=True)


class DaskCluster(Executor):
    """The workers of the Dask cluster at ``scheduler`` (e.g. ``tcp://10.0.0.5:8786``).

    Dask workers run jobs in threads, where no alarm can interrupt them: deadlines do not apply.
    """

    shares_files = False

    def __init__(self, scheduler: str):
        self.scheduler = scheduler

    def run(self, jobs: Iterable[Job], on_done: OnDone) -> None:
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise MissingDependency("executor.needs_dask") from None
        try:
            # The connect timeout is dask's own setting (distributed.comm.timeouts.connect).
            client = Client(self.scheduler)
        except (OSError, TimeoutError) as exc:
            raise ExecutorError("executor.scheduler_unreachable", scheduler=self.scheduler, detail=exc) from None
        pending = iter(jobs)
        try:
            window = max(1, sum(client.nthreads().values())) * QUEUE_PER_WORKER
            in_flight: dict[Any, Job] = {}
            completed = as_completed()

            def submit_next() -> None:
                job = next(pending, None)
                if job is not None:
                    future = client.submit(_call, job.fn, job.arg, job.deadline, key=job.key, pure=False)
                    in_flight[future.key] = job
                    completed.add(future)

            for _ in range(window):
                submit_next()
            for future in completed:
                job = in_flight.pop(future.key)
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker must not stop the run
                    outcome = Outcome(failure=LOST, detail=f"{type(exc).__name__}: {exc}")
                future.release()
                on_done(job, outcome)
                submit_next()
        finally:
            client.close()


def _spawn_context() -> multiprocessing.context.BaseContext:
    # Never fork: a server process has threads (an event loop's helpers), and a forked child could
    # inherit a lock one of them holds. Not forkserver either: its Unix socket lives under TMPDIR,
    # and a long TMPDIR makes the path too long to bind.
    return multiprocessing.get_context("spawn")


class SharedPool(Executor):
    """``workers`` processes started on first use and shared by every caller until :meth:`shutdown`.

    When a job crashes its worker, the whole pool breaks and every job in flight fails with it.
    Each of those is then re-run alone in a fresh process, one at a time: the innocent ones
    succeed, and the one that crashes alone is CRASHED.
    """

    def __init__(self, workers: int):
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._isolation = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pbdocs-isolate")

    async def submit(self, job: Job) -> Outcome:
        """Run ``job`` without blocking the event loop."""
        import asyncio  # here: batch runs on the other strategies never load it

        pool = self._shared()
        try:
            return await asyncio.wrap_future(pool.submit(_call, job.fn, job.arg, job.deadline))
        except BrokenProcessPool:
            self._discard(pool)
        return await asyncio.get_running_loop().run_in_executor(self._isolation, self._run_alone, job)

    def run(self, jobs: Iterable[Job], on_done: OnDone) -> None:
        """Run ``jobs`` from a thread that has no event loop running."""
        import asyncio

        async def each(job: Job) -> None:
            on_done(job, await self.submit(job))

        async def every() -> None:
            await asyncio.gather(*(each(job) for job in jobs))

        asyncio.run(every())

    def shutdown(self, *, wait: bool = False) -> None:
        """Stop the workers; ``wait`` until they have exited (a server stopping for good: workers
        still exiting when the process ends leave their semaphores to the resource tracker, which
        warns of them as leaked)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)
        self._isolation.shutdown(wait=wait, cancel_futures=True)

    def _shared(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = _pool(self.workers, _spawn_context())
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _run_alone(job: Job) -> Outcome:
        alone = _pool(1, _spawn_context())
        try:
            return alone.submit(_call, job.fn, job.arg, job.deadline).result()
        except BrokenProcessPool:
            return Outcome(failure=CRASHED)
        finally:
            alone.shutdown(wait=True)
