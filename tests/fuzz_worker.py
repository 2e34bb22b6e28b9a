"""The process of the fuzz test (tests/test_fuzz.py) that reads mutants.

``python fuzz_worker.py LIST START``: reads the files named in LIST (one per line) from line START
on, each under a CPU-time alarm, and prints for each ``START i`` before and a JSON verdict after:
``ok`` (read, or refused with a typed error), ``bug`` (an untyped failure, i.e. a traceback
in `pbdocs extract`), ``hang`` (past the alarm) or ``memory`` (the process's peak memory passed
the limit). The parent watches for silence and death, which a native crash or hang gives.

OCR is replaced by a stand-in that decodes the whole picture and reads nothing: what is fuzzed is
the parsing of files, and the OCR model would only make each mutant slower.
"""
from __future__ import annotations

import json
import resource
import sys
import tempfile
from pathlib import Path

SECONDS = 10
MEMORY_LIMIT_KB = 1024 * 1024  # 1 GB peak


def _stub_ocr() -> None:
    import importlib

    # By name: the package pbdocs.extract is shadowed by the function pbdocs exports.
    ocr = importlib.import_module("pbdocs.extract.ocr")

    def read_nothing(image):
        image.convert("RGB").tobytes()  # decode every pixel, as OCR would
        return []

    ocr.ocr_image = read_nothing
    ocr.ocr_available = lambda: True


def _read(path: Path) -> str:
    """Read one mutant; the outcome's kind, or raise what is a bug."""
    from pbdocs.errors import ReaderFailure, ReadError
    from pbdocs.executor import call_within
    from pbdocs.extract import extract
    from pbdocs.screen.inputs import collect_sources

    def read_one(target):
        try:
            extract(target)
        except ReaderFailure:
            raise
        except ReadError as exc:
            if "too large to read in memory" in exc.reason:
                raise MemoryError(exc.reason) from None
        return "ok"

    def read_archive(target):
        with tempfile.TemporaryDirectory(prefix="pbdocs-fuzz-") as work:
            for source in collect_sources([str(target)], Path(work) / "unpacked"):
                if source.local:
                    read_one(Path(source.local))
        return "ok"

    return call_within(read_archive if path.suffix == ".zip" else read_one, path, SECONDS)


def _peak_kb() -> int:
    """This process's peak resident memory. getrusage's ru_maxrss keeps the peak of the process that
    forked it (a test runner of a gigabyte); VmHWM belongs to this program alone."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    listing, start = Path(sys.argv[1]), int(sys.argv[2])
    _stub_ocr()
    paths = listing.read_text(encoding="utf-8").splitlines()
    for index in range(start, len(paths)):
        print(f"START {index}", flush=True)
        try:
            status, detail = _read(Path(paths[index])), ""
        except TimeoutError:
            status, detail = "hang", f"still reading after {SECONDS} s"
        except MemoryError as exc:
            status, detail = "memory", str(exc)
        except Exception as exc:  # noqa: BLE001 - what the fuzz test is looking for
            status, detail = "bug", f"{type(exc).__name__}: {exc}"
        peak = _peak_kb()
        if peak > MEMORY_LIMIT_KB and status == "ok":
            status, detail = "memory", f"peak {peak // 1024} MB"
        print(json.dumps({"index": index, "status": status, "detail": detail}), flush=True)
        if status == "memory":
            return  # the peak stays: a fresh process judges the next mutant


if __name__ == "__main__":
    main()
