"""A seeded mutation fuzzer over small valid documents of every format (issue 13).

Mutants of .txt (UTF-8, GBK), .html, .docx, .pdf, .png, .jpg, .tif and .zip are read in a few
worker processes (tests/fuzz_worker.py), in batches, each mutant under a CPU-time alarm and a
memory check; a worker that dies or falls silent is replaced and the mutant it was reading is
the culprit. Any untyped failure (a traceback in `pbdocs extract`), hang, crash or memory overrun
fails the test, and the input is saved under tests/data/fuzz/ as a regression fixture, which
every later run reads first.

PBDOCS_FUZZ_MUTANTS (default 240) sets how many mutants, PBDOCS_FUZZ_SEED (default 13) the seed.
"""
from __future__ import annotations

import io
import json
import os
import random
import selectors
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

from helpers import data_module

hostile = data_module("hostile.py", "hostile_inputs")

REGRESSIONS = Path(__file__).parent / "data" / "fuzz"
WORKER = Path(__file__).parent / "fuzz_worker.py"
WORKERS = 2
# Seconds a worker may stay silent on one mutant (its own alarm fires at 10 s of CPU): past this it
# hangs in native code, or the machine is swapping.
SILENCE_LIMIT_S = 60
INTERESTING = [b"\x00", b"\xff", b"\x7f", b"\x80", b"\xff\xff\xff\xff", b"<", b"<html>", b"</", b">",
               b"9999999999", b"-1", b"obj", b"endobj", b"/MediaBox [0 0 99999 99999]", b"%%EOF"]


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not out:
            out += rng.choice(INTERESTING)
            continue
        at = rng.randrange(len(out))
        choice = rng.randrange(6)
        if choice == 0:
            out[at] ^= 1 << rng.randrange(8)
        elif choice == 1:
            out[at:at + 1] = rng.choice(INTERESTING)
        elif choice == 2:
            del out[at:at + rng.randint(1, 64)]
        elif choice == 3:
            size = rng.randint(1, 64)
            out[at:at] = out[at:at + size] * rng.randint(1, 8)
        elif choice == 4:
            del out[at:]
        else:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return bytes(out)


def _mutate_member(data: bytes, rng: random.Random) -> bytes:
    """A valid archive with one member's bytes mutated: reaches the parsers behind the zip layer."""
    source = zipfile.ZipFile(io.BytesIO(data))
    infos = source.infolist()
    victim = rng.randrange(len(infos))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for index, info in enumerate(infos):
            member = source.read(info)
            target.writestr(info.filename, _mutate_bytes(member, rng) if index == victim else member)
    return buffer.getvalue()


def _mutants(seeds: list[Path], count: int, seed: int, folder: Path) -> list[Path]:
    rng = random.Random(seed)
    made = []
    for number in range(count):
        original = seeds[number % len(seeds)]
        data = original.read_bytes()
        if original.suffix in (".docx", ".zip") and rng.random() < 0.6:
            data = _mutate_member(data, rng)
        else:
            data = _mutate_bytes(data, rng)
        path = folder / f"{original.stem}-{seed}-{number}{original.suffix}"
        path.write_bytes(data)
        made.append(path)
    return made


def _run_batch(paths: list[Path], listing: Path, results: dict[int, dict]) -> None:
    """Read ``paths`` in one worker at a time, replacing it when it dies or falls silent."""
    listing.write_text("\n".join(str(p) for p in paths), encoding="utf-8")
    start = 0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    while start < len(paths):
        worker = subprocess.Popen([sys.executable, str(WORKER), str(listing), str(start)], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=env, text=True)
        current, started = start, False
        with selectors.DefaultSelector() as selector:
            selector.register(worker.stdout, selectors.EVENT_READ)
            while True:
                if not selector.select(SILENCE_LIMIT_S):
                    results[current] = {"status": "hang", "detail": f"silent for {SILENCE_LIMIT_S} s"}
                    break
                line = worker.stdout.readline()
                if not line:
                    worker.wait()
                    assert started, f"the fuzz worker could not start (exit {worker.returncode})"
                    if current < len(paths) and current not in results:
                        results[current] = {"status": "crash", "detail": f"worker died ({worker.returncode})"}
                    break
                if line.startswith("START "):
                    current, started = int(line.split()[1]), True
                    continue
                verdict = json.loads(line)
                results[verdict["index"]] = verdict
                current = verdict["index"] + 1
                if verdict["status"] == "memory":
                    break
        worker.kill()
        worker.wait()
        start = current + 1 if current in results else current


def _fuzz(paths: list[Path], folder: Path) -> list[tuple[Path, dict]]:
    batches = [paths[i::WORKERS] for i in range(WORKERS)]
    outcomes: list[dict[int, dict]] = [{} for _ in batches]
    threads = [threading.Thread(target=_run_batch, args=(batch, folder / f"batch{i}.txt", outcomes[i]))
               for i, batch in enumerate(batches)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failures = []
    for batch, outcome in zip(batches, outcomes, strict=True):
        assert len(outcome) == len(batch), "a worker lost track of its batch"
        failures += [(batch[i], v) for i, v in sorted(outcome.items()) if v["status"] != "ok"]
    return failures


def test_mutants_of_every_format_give_typed_errors_only(tmp_path):
    count = int(os.environ.get("PBDOCS_FUZZ_MUTANTS", "240"))
    seed = int(os.environ.get("PBDOCS_FUZZ_SEED", "13"))
    seeds = hostile.seeds(tmp_path / "seeds")
    mutants = _mutants(seeds, count, seed, tmp_path)
    regressions = sorted(REGRESSIONS.glob("*")) if REGRESSIONS.is_dir() else []
    failures = _fuzz(regressions + mutants, tmp_path)
    new = [(path, verdict) for path, verdict in failures if path.parent != REGRESSIONS]
    if new:
        REGRESSIONS.mkdir(exist_ok=True)
        for path, _ in new:
            (REGRESSIONS / path.name).write_bytes(path.read_bytes())
    assert not failures, "\n".join(f"{path.name}: {v['status']}: {v['detail']}" for path, v in failures)
    assert len(seeds) >= 9 and len(mutants) == count
