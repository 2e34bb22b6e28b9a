"""Take the screenshots of the office workspace shown in docs/workspace.md, from a real server.

    python scripts/docs_screenshots.py [OUT_DIR]        # default: docs/images

Runs `pbdocs users add` and `pbdocs serve` on a temporary data folder as an office would, then drives
Debian's Chromium with playwright (as tests/test_web_browser.py does): the login page, a batch of the
example charters once checked, a row under review, and a policy question. Writes PNGs, 1366 px wide.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
OFFICER, PASSWORD = "王科长", "Screenshot-2026"
QUESTION = "社会组织章程里必须写进什么党建条款"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pbdocs(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pbdocs", *args], cwd=REPO, text=True, check=True, **kwargs)


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url + "/api/config", timeout=2)
        except OSError as error:
            # 401 means the server answers: the workspace wants a login for every /api path.
            if getattr(error, "code", None) == 401:
                return
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"pbdocs serve did not start: {error}") from error
            time.sleep(0.5)
        else:
            return


def _shoot(url: str, out: Path) -> list[Path]:
    from playwright.sync_api import expect, sync_playwright

    charters = sorted((REPO / "examples" / "charters").iterdir())
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page.goto(url + "/")
        shots.append(out / "workspace-login.png")
        # The form sits at the top of an otherwise empty page.
        page.screenshot(path=shots[-1], clip={"x": 0, "y": 0, "width": 1366, "height": 440})

        page.fill("#login-name", OFFICER)
        page.fill("#login-password", PASSWORD)
        page.click("#login-button")
        page.wait_for_selector("#upload-form")
        page.fill("#batch-name", "2026 年度年检第一批")
        page.set_input_files("#file-input", [str(path) for path in charters])
        page.click("#check-button")
        # The batch opens once uploaded; its rows fill in as the background check finishes them.
        page.wait_for_selector(f"#batch-rows tr.batch-row >> nth={len(charters) - 1}")
        page.wait_for_selector('#batch-view[data-status="done"]', timeout=300_000)
        shots.append(out / "workspace-batch.png")
        page.screenshot(path=shots[-1], full_page=True)

        row = page.locator("#batch-rows tr.batch-row", has_text="青松公益基金会章程")
        row.locator("select").select_option("partial")
        row.locator("input").fill("第四条缺“坚持中国共产党的全面领导”，已电话告知")
        row.locator("button").first.click()
        expect(row.locator(".review-status")).not_to_be_empty()
        shots.append(out / "workspace-review.png")
        row.screenshot(path=shots[-1])

        page.fill("#search-input", QUESTION)
        page.click("#search-button")
        page.wait_for_selector("#search-results li")
        shots.append(out / "workspace-search.png")
        page.locator("#search-section").screenshot(path=shots[-1])
        browser.close()
    return shots


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        _pbdocs("users", "add", OFFICER, "--admin", "--data", data, input=PASSWORD + "\n", capture_output=True)
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "pbdocs", "serve", "--data", data, "--port", str(port),
                                   "--workers", "1"], cwd=REPO)
        try:
            _wait_until_up(f"http://127.0.0.1:{port}", server)
            for shot in _shoot(f"http://127.0.0.1:{port}", out):
                print(shot.relative_to(REPO) if shot.is_relative_to(REPO) else shot)
        finally:
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "images")
