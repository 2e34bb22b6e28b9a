"""Peak memory and time of `pbdocs extract` on each hostile input of issue 13, against a normal
document of the same format as the floor.

    python benchmarks/hostile.py [--timeout 60]

Builds its inputs with tests/data/hostile.py in a temporary directory. Each file is read by a fresh
`python -m pbdocs extract` process; its peak resident memory comes from os.wait4 (that process
alone) and its time from the wall clock. Every input of the attack must end with exit 3 and exactly
one `错误：` line, and the hostile shapes around a real charter must be read (exit 0), all under
1 GB and within the timeout; the script exits 1 when one does not.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEAK_LIMIT_MB = 1024


def _hostile_module():
    spec = importlib.util.spec_from_file_location("hostile", ROOT / "tests" / "data" / "hostile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_inputs(folder: Path) -> list[tuple[str, Path, Path, int]]:
    """(what, hostile input, normal document of the same format, the exit code it must give): 3 for
    the attack's inputs, 0 for hostile shapes around a real text, which must be read."""
    h = _hostile_module()
    floor_pdf = h.text_pdf(folder / "normal.pdf")
    floor_html = folder / "normal.html"
    floor_html.write_text(f"<html><body><p>{h.CHARTER}</p></body></html>", encoding="utf-8")
    floor_txt = folder / "normal.txt"
    floor_txt.write_text(h.CHARTER, encoding="utf-8")
    floor_docx = h.docx(folder / "normal.docx")
    return [
        ("render bomb (200-inch page, no text)", h.render_bomb_pdf(folder / "bomb.pdf"), floor_pdf, 3),
        ("1 MB of unclosed tags", h.unclosed_tags_html(folder / "unclosed.html"), floor_html, 3),
        (".txt starting with <html>, 1 MB", h.html_as_text(folder / "tags.txt"), floor_txt, 3),
        ("docx 250 deep, 200k runs (5 MB XML)", h.deep_docx(folder / "deep5.docx", size=5 * h.MB), floor_docx, 3),
        ("docx with a malformed part", h.docx_with_broken_core_properties(folder / "core.docx"), floor_docx, 3),
        ("charter in 1 MB nested past DOM depth", h.deep_html(folder / "deep.html"), floor_html, 0),
        ("charter in docx 250 deep, 1 MB of runs", h.deep_docx(folder / "deep.docx"), floor_docx, 0),
    ]


def measure(path: Path, timeout: float) -> dict:
    """Exit code, `错误：` lines, peak RSS (MB) and seconds of one `pbdocs extract` process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "pbdocs", "extract", "--timeout", str(timeout), str(path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    stderr = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return {"exit": process.returncode, "errors": [ln for ln in stderr.splitlines() if ln.startswith("错误：")],
            "traceback": "Traceback" in stderr, "peak_mb": usage.ru_maxrss / 1024, "seconds": seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=60, help="`pbdocs extract --timeout` for each file")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="pbdocs-hostile-") as scratch:
        rows = build_inputs(Path(scratch))
        print(f"{'input':40} {'bytes':>9} {'exit':>4} {'peak MB':>8} {'floor MB':>8} {'s':>6} {'floor s':>7}  error")
        for what, path, floor_path, expected in rows:
            got, floor = measure(path, args.timeout), measure(floor_path, args.timeout)
            ok = (got["exit"] == expected and len(got["errors"]) == (expected == 3) and not got["traceback"]
                  and got["peak_mb"] < PEAK_LIMIT_MB and got["seconds"] < args.timeout + 5)
            failed |= not ok
            error = got["errors"][0][:90] if got["errors"] else ("read" if expected == 0 else "(no 错误： line)")
            print(f"{what:40} {path.stat().st_size:>9,} {got['exit']:>4} {got['peak_mb']:>8.0f} "
                  f"{floor['peak_mb']:>8.0f} {got['seconds']:>6.1f} {floor['seconds']:>7.1f}  "
                  f"{'' if ok else 'FAIL '}{error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
