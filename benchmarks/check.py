"""`pbdocs check` throughput (charters per second) for .txt, .docx and text .pdf, and peak memory.

    python benchmarks/check.py [--rounds 5] [--pack party]

Inputs: the development charters (../shared/eval/charters) and the project's phenomenon
charters (tests/data/check/charters), plus each padded to a realistic length (~15,000
characters, sixty ordinary articles), rendered as .docx and text .pdf by
tests/data/check/render.py into a temporary directory. Everything runs in this one process,
after a warm-up, on one core.

Peers measured in the same run on the same files: reading alone (``pbdocs.extract``) and a naive
check (read, then ``canonical sentence in text``). The ratios say what the checker costs on top
of reading and how far it is from the cheapest possible, wrong-on-real-documents test.
The target is >= 50 .txt/.docx charters per second per core; the script also verifies that
checking never imported the search stack or jieba.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval" / "charters"
OWN = ROOT / "tests" / "data" / "check" / "charters"
TARGET_PER_SECOND = 50
CANONICAL = "根据中国共产党章程的规定，设立中国共产党的组织，开展党的活动，为党组织的活动提供必要条件"
FILLER = ("第{n}条 本会的会员享有下列权利：参加本会的活动；获得本会服务的优先权；对本会工作的批评建议权和监督权；"
          "入会自愿、退会自由。会员应当遵守本会的章程，执行本会的决议，维护本会合法权益，按规定交纳会费。"
          "理事会每年至少召开一次会议，情况特殊的也可采用通讯形式召开。")


def _render_module():
    spec = importlib.util.spec_from_file_location("check_render", ROOT / "tests" / "data" / "check" / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _padded(text: str) -> str:
    """The charter with sixty ordinary articles appended before its 附则: real charters are long."""
    lines = text.rstrip("\n").split("\n")
    cut = next((i for i, line in enumerate(lines) if "附则" in line and "章" in line), len(lines))
    filler = [FILLER.format(n=f"{100 + k}") for k in range(60)]
    return "\n".join(lines[:cut] + filler + lines[cut:]) + "\n"


def build_inputs(workdir: Path) -> dict[str, list[Path]]:
    render = _render_module()
    sources = sorted(SHARED.glob("*.txt")) + sorted(OWN.glob("*.txt"))
    if not sources:
        raise SystemExit(f"no charters found under {SHARED} or {OWN}")
    made: dict[str, list[Path]] = {"txt": [], "docx": [], "pdf": [], "txt (long)": [], "docx (long)": []}
    for source in sources:
        text = source.read_text(encoding="utf-8")
        stem = f"{source.parent.name}-{source.stem}"
        made["txt"].append(source)
        made["docx"].append(render.render_docx(text, workdir / f"{stem}.docx"))
        made["pdf"].append(render.render_pdf(text, workdir / f"{stem}.pdf", header=text.splitlines()[0]))
        long_text = _padded(text)
        long_txt = workdir / f"{stem}-long.txt"
        long_txt.write_text(long_text, encoding="utf-8")
        made["txt (long)"].append(long_txt)
        made["docx (long)"].append(render.render_docx(long_text, workdir / f"{stem}-long.docx"))
    return made


def _peak_rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields["VmHWM"].split()[0]) / 1024


def _rate(function, paths: list[Path], rounds: int) -> float:
    function(paths[0])  # warm-up: imports, caches, compiled patterns
    start = time.perf_counter()
    for _ in range(rounds):
        for path in paths:
            function(path)
    return rounds * len(paths) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pack", default="party", choices=["party", "statutory", "all"])
    args = parser.parse_args()

    from pbdocs.extract import extract
    from pbdocs.rules import CheckOptions, check_path

    def checked(path: Path):
        result = check_path(path, CheckOptions(pack=args.pack))
        if result.verdict == "error":
            raise SystemExit(f"{path}: {result.error}")

    def naive(path: Path):
        return CANONICAL in extract(path).text

    rss_before = _peak_rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        inputs = build_inputs(Path(tmp))
        print(f"{'format':<13} {'files':>5} {'check/s':>9} {'extract/s':>10} {'naive/s':>9} "
              f"{'check:extract':>14} {'check:naive':>12}")
        rates = {}
        for fmt, paths in inputs.items():
            check_rate = _rate(checked, paths, args.rounds)
            extract_rate = _rate(extract, paths, args.rounds)
            naive_rate = _rate(naive, paths, args.rounds)
            rates[fmt] = check_rate
            print(f"{fmt:<13} {len(paths):>5} {check_rate:>9.1f} {extract_rate:>10.1f} {naive_rate:>9.1f} "
                  f"{extract_rate / check_rate:>13.2f}x {naive_rate / check_rate:>11.2f}x")
    print(f"peak RSS {_peak_rss_mb():.0f} MB (before building inputs {rss_before:.0f} MB)")

    loaded = sorted(m for m in sys.modules if m == "jieba" or m.startswith(("pbdocs.search", "rank_bm25")))
    print(f"search stack / jieba imported while checking: {loaded or 'none'}")
    if loaded:
        print("FAIL: checking imported the search stack")
        return 1
    slow = {fmt: rate for fmt, rate in rates.items() if fmt.split()[0] in ("txt", "docx")
            and rate < TARGET_PER_SECOND}
    for fmt, rate in slow.items():
        print(f"FAIL: {fmt} at {rate:.1f} charters/s, under the {TARGET_PER_SECOND}/s per core target")
    if not slow:
        print(f"OK: every .txt/.docx set at >= {TARGET_PER_SECOND} charters/s per core")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
