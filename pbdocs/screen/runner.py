"""Run the per-document check on many documents: a local process pool, or a Dask cluster.

Both executors call the same picklable :func:`screen_document` on a :class:`Task` and hand each
result to a callback in the driver process as soon as it arrives, so the driver can journal it.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import tempfile
import threading
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable

from .. import __version__
from ..errors import PbdocsError, ReadError
from ..extract import ExtractOptions

__all__ = ["CheckSettings", "Task", "screen_document", "error_record", "run_local", "run_dask"]

ResultCallback = Callable[["Task", dict[str, Any]], None]
# Documents queued per worker beyond the one it is reading: keeps workers busy without holding
# the whole batch in the executor's queue.
_QUEUE_PER_WORKER = 4


@dataclass(frozen=True)
class CheckSettings:
    """What ``pbdocs.rules.check_path`` is called with, for every document of a batch.

    ``rules_text`` carries a user rule file's content rather than its path, so a worker on another
    machine checks with exactly the rules the user gave.
    """

    pack: str = "party"
    org_type: str | None = None
    rules_name: str | None = None
    rules_text: str | None = None
    extract_options: ExtractOptions = field(default_factory=ExtractOptions)

    @classmethod
    def from_rules_file(cls, rules_file: str | os.PathLike | None, **kwargs) -> "CheckSettings":
        if rules_file is None:
            return cls(**kwargs)
        from ..rules import list_rules

        path = Path(rules_file)
        # Validated here, where the error can name the user's own file.
        list_rules(kwargs.get("pack", "party"), path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ReadError(path, f"cannot read rules file: {exc}") from None
        return cls(rules_name=path.name, rules_text=text, **kwargs)

    def fingerprint(self) -> dict[str, Any]:
        """JSON-native identity of these settings: a journal is only reused under the same one."""
        rules_hash = hashlib.sha256(self.rules_text.encode("utf-8")).hexdigest() if self.rules_text else None
        return {
            "pbdocs": __version__,
            "pack": self.pack,
            "org_type": self.org_type,
            "rules_sha256": rules_hash,
            "extract": asdict(self.extract_options),
        }


@dataclass(frozen=True)
class Task:
    """One document to check. ``content`` is set when the worker may not see the driver's files;
    ``timeout`` (seconds) bounds the time a worker process spends on it."""

    sha256: str
    path: str
    settings: CheckSettings
    content: bytes | None = None
    timeout: float | None = None


class _TimedOut(BaseException):
    """The document took longer than its task's timeout.

    A BaseException, like KeyboardInterrupt, so that the checker's and third-party readers'
    ``except Exception`` guards let it through to the batch runner instead of rewording it."""


@contextlib.contextmanager
def _deadline(seconds: float | None):
    """Raise :class:`_TimedOut` in this code after ``seconds``. Only a process's main thread can
    take the alarm signal, so in threaded workers (Dask) documents run without a deadline."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def error_record(path: str, reason: str) -> dict[str, Any]:
    """The check object and report row of a document that could not be screened."""
    from ..rules.results import CheckResult

    result = CheckResult(path=path, verdict="error", error=reason)
    return {"check": result.as_dict(), "row": result.row()}


def screen_document(task: Task) -> dict[str, Any]:
    """Check one document; never raises, so one bad file cannot stop a batch."""
    try:
        with _deadline(task.timeout), contextlib.ExitStack() as cleanup:
            scratch = None
            if task.content is not None or task.settings.rules_text is not None:
                scratch = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="pbdocs-doc-"))
            path = task.path
            if task.content is not None:
                # Same file name as the original: readers may use it (format sniffing, title hints).
                path = os.path.join(scratch, Path(task.path).name)
                with open(path, "wb") as fh:
                    fh.write(task.content)
            rules_file = None
            if task.settings.rules_text is not None:
                rules_file = os.path.join(scratch, task.settings.rules_name or "rules.toml")
                with open(rules_file, "w", encoding="utf-8") as fh:
                    fh.write(task.settings.rules_text)
            return _relabel(_check(path, rules_file, task), path, task.path)
    except _TimedOut:
        return error_record(task.path, f"gave up after {task.timeout:g} s: the document is too slow to read")
    except PbdocsError as exc:
        return error_record(task.path, str(exc))
    except Exception as exc:  # noqa: BLE001 - any crash of a reader must become an error row
        return error_record(task.path, f"internal error while checking: {type(exc).__name__}: {exc}")


def _check(path: str, rules_file: str | None, task: Task) -> dict[str, Any]:
    from ..rules import check_path

    result = check_path(path, pack=task.settings.pack, org_type=task.settings.org_type,
                        rules_file=rules_file, extract_options=task.settings.extract_options)
    return {"check": result.as_dict(), "row": result.row()}


def _relabel(result: dict[str, Any], checked_path: str, path: str) -> dict[str, Any]:
    """Name the document by ``path`` even where it was checked under a scratch copy's name."""
    for part in (result["check"], result["row"]):
        part["path"] = path
        if isinstance(part.get("error"), str):
            part["error"] = part["error"].replace(checked_path, path)
    return result


def run_local(tasks: Iterable[Task], workers: int, on_result: ResultCallback) -> None:
    """Check ``tasks`` on ``workers`` local processes.

    A worker that dies (a reader crashing the interpreter) breaks the whole pool; the documents in
    flight at that moment are then re-run one at a time, and the one that breaks its pool alone is
    reported as an error while the batch goes on.
    """
    queue = deque(tasks)
    suspects: deque[Task] = deque()
    while queue or suspects:
        if suspects:
            task = suspects.popleft()
            broken = _run_pool(deque([task]), 1, on_result)
            if broken:
                on_result(task, error_record(task.path, "the reader crashed on this file"))
        else:
            suspects.extend(_run_pool(queue, workers, on_result))


def _ignore_interrupts() -> None:
    # Ctrl-C is the driver's to handle: it stops the pool and keeps the journal for a resume.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_pool(queue: deque[Task], workers: int, on_result: ResultCallback) -> list[Task]:
    """Drain ``queue`` through one pool; returns the tasks in flight if the pool broke."""
    in_flight: dict[Any, Task] = {}
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)
    try:
        while queue or in_flight:
            while queue and len(in_flight) < workers * _QUEUE_PER_WORKER:
                task = queue.popleft()
                in_flight[pool.submit(screen_document, task)] = task
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                result = future.result()
                on_result(in_flight.pop(future), result)
    except BrokenProcessPool:
        return list(in_flight.values())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
    return []


def run_dask(tasks: Iterable[Task], scheduler: str, on_result: ResultCallback) -> None:
    """Check ``tasks`` on the Dask cluster at ``scheduler`` (e.g. ``tcp://10.0.0.5:8786``)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        from ..errors import MissingDependency

        raise MissingDependency("--executor dask", "needs dask.distributed: pip install 'pbdocs[dask]'") from None
    from ..errors import ScreenError

    queue = deque(tasks)
    try:
        # The connect timeout is dask's own setting (distributed.comm.timeouts.connect).
        client = Client(scheduler)
    except (OSError, TimeoutError) as exc:
        raise ScreenError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        window = max(1, sum(client.nthreads().values())) * _QUEUE_PER_WORKER
        in_flight: dict[str, Task] = {}
        completed = as_completed()
        while queue and len(in_flight) < window:
            _submit_dask(client, completed, in_flight, queue.popleft())
        for future in completed:
            task = in_flight.pop(future.key)
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker must not stop the batch
                result = error_record(task.path, f"cluster error: {type(exc).__name__}: {exc}")
            future.release()
            on_result(task, result)
            if queue:
                _submit_dask(client, completed, in_flight, queue.popleft())
    finally:
        client.close()


def _submit_dask(client, completed, in_flight: dict[str, Task], task: Task) -> None:
    # The bytes travel with the task: a worker on another machine need not see this file system.
    # They are read only now, so a large batch is never held in memory all at once. A file the
    # driver cannot read goes by path, and the worker reports why it cannot read it either.
    try:
        with open(task.path, "rb") as fh:
            task = replace(task, content=fh.read())
    except OSError:
        pass
    future = client.submit(screen_document, task, key=f"pbdocs-screen-{task.sha256}", pure=False)
    in_flight[future.key] = task
    completed.add(future)
