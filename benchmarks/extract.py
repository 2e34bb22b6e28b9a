"""Extraction throughput and peak memory per format, and our PDF path against plain pdfplumber.

    python benchmarks/extract.py [--pages 40] [--ocr-pages 2]

Builds its own inputs with tests/data/make_fixtures.py in a temporary directory. Every
measurement runs in a fresh subprocess so that peak memory (ru_maxrss) belongs to that reader
alone; "import+load RSS" is the process after imports and before reading, "peak RSS" the maximum.
The ratio lines compare pbdocs' PDF path with ``pdfplumber``'s ``page.extract_text()`` and with
bare pdfium ``get_text_range()`` (no clean-up: the cost of de-duplication and header removal) on
the same files in the same run. Scans are compared with the scanned PDF of the same pages: as a
multi-page TIFF (the image path) and fed in sideways (the cost of finding the upright orientation).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fixture_maker():
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "tests" / "data" / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_inputs(workdir: Path, pages: int, ocr_pages: int) -> dict[str, tuple[Path, int]]:
    """Benchmark inputs: name -> (path, pages it holds)."""
    import pikepdf

    maker = _fixture_maker()
    two_pages = maker.make_text_pdf(workdir / "two-pages.pdf")
    copies = max(1, pages // 2)
    def repeated(source_pdf: Path, out: Path) -> Path:
        with pikepdf.open(source_pdf) as source:
            combined = pikepdf.new()
            for _ in range(copies):
                combined.pages.extend(source.pages)
            combined.save(out)
        return out

    long_pdf = repeated(two_pages, workdir / "text.pdf")
    fake_bold = maker.make_text_pdf(workdir / "fake-bold-two-pages.pdf", fake_bold=True)
    long_fake_bold = repeated(fake_bold, workdir / "fake-bold.pdf")
    scanned = maker.make_scanned_pdf(workdir / "scanned.pdf", two_pages)
    scanned_tiff = maker.make_tiff(workdir / "scanned.tif", two_pages)
    sideways = maker.make_sideways_scan_pdf(workdir / "scanned-sideways.pdf", two_pages)
    text_file = workdir / "charter.txt"
    # A text or Word charter has no pages; one copy of the charter counts as one page here.
    text_file.write_text("\n".join(maker.CHARTER_PARAGRAPHS * copies * 2), encoding="gb18030")
    docx_file = workdir / "charter.docx"
    maker.make_docx(docx_file)
    return {
        "txt (GB18030)": (text_file, copies * 2),
        "docx": (docx_file, 1),
        "text pdf": (long_pdf, copies * 2),
        "fake-bold pdf": (long_fake_bold, copies * 2),
        "scanned pdf (OCR)": (scanned, min(ocr_pages, 2)),
        "scanned tiff (OCR)": (scanned_tiff, min(ocr_pages, 2)),
        "sideways pdf (OCR)": (sideways, min(ocr_pages, 2)),
    }

# (input, peer input): both read by pbdocs, the peer being the same pages as an upright scanned PDF.
SCAN_PEERS = [("scanned tiff (OCR)", "scanned pdf (OCR)"), ("sideways pdf (OCR)", "scanned pdf (OCR)")]


def _memory_kb() -> tuple[int, int]:
    """(current, peak) resident memory of this process in KB.

    ru_maxrss survives exec on Linux and would report the parent's peak, so /proc is preferred.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak, peak
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def _worker(reader: str, path: str, max_pages: int) -> None:
    """Run in a child process: read ``path`` once and print timing and memory as JSON."""
    if reader == "pbdocs":
        from pbdocs.extract import Budget, ExtractOptions, extract

        options = ExtractOptions(budget=Budget(max_pages=max_pages))
        if path.endswith(".pdf"):
            import pypdfium2  # noqa: F401  loaded before the baseline, like pdfplumber below
        if path.endswith(".tif"):
            import PIL.TiffImagePlugin  # noqa: F401  loaded before the baseline, like pypdfium2
        if "scanned" in path:
            from pbdocs.extract.ocr import load_engine

            load_engine()  # model loading is a one-off per process, not per page

        def run() -> int:
            return len(extract(path, options).text)
    elif reader == "pdfium-raw":
        import pypdfium2 as pdfium

        def run() -> int:
            document = pdfium.PdfDocument(path)
            try:
                return sum(len(document[i].get_textpage().get_text_range())
                           for i in range(min(len(document), max_pages)))
            finally:
                document.close()
    else:
        import pdfplumber

        def run() -> int:
            with pdfplumber.open(path) as pdf:
                return sum(len(page.extract_text() or "") for page in pdf.pages[:max_pages])

    baseline, _ = _memory_kb()
    start = time.perf_counter()
    chars = run()
    seconds = time.perf_counter() - start
    _, peak = _memory_kb()
    print(json.dumps({"seconds": seconds, "chars": chars, "baseline_kb": baseline, "peak_kb": peak}))


def measure(reader: str, path: Path, pages: int) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", reader, str(path), str(pages)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["pages_per_second"] = pages / result["seconds"] if result["seconds"] else float("inf")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40, help="pages in the text PDFs (even)")
    parser.add_argument("--ocr-pages", type=int, default=2, help="scanned pages to OCR (1 or 2)")
    parser.add_argument("--worker", nargs=3, metavar=("READER", "PATH", "PAGES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        reader, path, pages = args.worker
        _worker(reader, path, int(pages))
        return

    with tempfile.TemporaryDirectory(prefix="pbdocs-bench-") as tmp:
        inputs = build_inputs(Path(tmp), args.pages, args.ocr_pages)
        rows = []
        for name, (path, pages) in inputs.items():
            rows.append(("pbdocs", name, pages, measure("pbdocs", path, pages)))
        for name in ("text pdf", "fake-bold pdf"):
            path, pages = inputs[name]
            for peer in ("pdfplumber", "pdfium-raw"):
                rows.append((peer, name, pages, measure(peer, path, pages)))

    print(f"{'reader':<12} {'input':<18} {'pages':>5} {'pages/s':>9} {'import+load RSS':>16} {'peak RSS':>9}")
    for reader, name, pages, result in rows:
        print(
            f"{reader:<12} {name:<18} {pages:>5} {result['pages_per_second']:>9.2f} "
            f"{result['baseline_kb'] / 1024:>13.0f} MB {result['peak_kb'] / 1024:>6.0f} MB"
        )
    ours = {name: result for reader, name, _, result in rows if reader == "pbdocs"}
    for reader, name, _, result in rows:
        if reader != "pbdocs":
            ratio = ours[name]["pages_per_second"] / result["pages_per_second"]
            print(f"ratio pbdocs/{reader} on {name}: {ratio:.2f}x pages per second")
    for name, peer in SCAN_PEERS:
        ratio = ours[name]["pages_per_second"] / ours[peer]["pages_per_second"]
        print(f"ratio {name} / {peer}: {ratio:.2f}x pages per second")


if __name__ == "__main__":
    main()
