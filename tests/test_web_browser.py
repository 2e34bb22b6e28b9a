"""The upload page in a real browser: Debian's chromium, driven by playwright, against uvicorn."""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from pbdocs.web import create_app

from helpers import data_module

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "web"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


render = data_module("web/render.py", "web_render")
EXPECTED = render.expected_verdicts()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    import uvicorn

    from pbdocs.search import build

    index_dir = tmp_path_factory.mktemp("browser-index") / "index"
    build([DATA / "policy"], index_dir)
    # Binding the socket here, on port 0, gives a free port with no window for another process to take it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(index_dir=index_dir), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _row_verdicts(page) -> dict[str, str]:
    return dict(page.eval_on_selector_all(
        "#results-table tr.result",
        "rows => rows.map(row => [row.dataset.path, row.querySelector('.verdict').dataset.verdict])"))


def test_officer_uploads_charters_reads_verdicts_and_asks_a_question(base_url, browser, tmp_path):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(base_url + "/")
    assert page.title() == "社会组织章程党建条款审查"
    # Polling with wait_for_function would need eval, which the page's CSP rightly forbids.
    expect(page.locator("#limits-hint")).to_contain_text("200 个文件")

    docx = render.render(DATA / "partial-foundation.txt", ".docx", tmp_path)
    page.set_input_files("#file-input", [str(DATA / "compliant-association.txt"), str(docx)])
    # A third charter arrives by drag and drop, as officers drop files from a folder window.
    dropped = (DATA / "missing-center.txt").read_text(encoding="utf-8")
    page.evaluate("""([name, text]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], name, {type: "text/plain"}));
        const zone = document.getElementById("drop-zone");
        zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }""", ["missing-center.txt", dropped])
    assert page.locator("#chosen-files li").count() == 3

    page.click("#check-button")
    page.wait_for_selector("#results-table tr.result >> nth=2")
    assert _row_verdicts(page) == {
        "compliant-association.txt": EXPECTED["compliant-association.txt"],
        "partial-foundation.docx": EXPECTED["partial-foundation.txt"],
        "missing-center.txt": EXPECTED["missing-center.txt"],
    }
    assert "共 3 份" in page.inner_text("#summary")

    partial_row = page.locator("#results-table tr.result", has_text="partial-foundation.docx")
    assert "坚持中国共产党的全面领导" in partial_row.inner_text()
    partial_row.locator("button").click()
    detail = page.locator("#results-table tr.detail:visible")
    assert detail.count() == 1
    assert "修改建议" in detail.inner_text() and "坚持中国共产党的全面领导" in detail.inner_text()

    xlsx_link = page.get_attribute("#download-xlsx", "href")
    with page.expect_download() as download_info:
        page.click("#download-csv")
    csv_text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "partial-foundation.docx" in csv_text
    assert page.request.get(base_url + xlsx_link).status == 200

    page.fill("#search-input", "社会团体的章程应当包括哪些事项？")
    page.click("#search-button")
    page.wait_for_selector("#search-results .hit")
    first_hit = page.locator("#search-results .hit").first
    assert "第十四条" in first_hit.locator(".source").inner_text()
    assert first_hit.locator(".answer mark").count() >= 1

    screenshot = tmp_path / "pbdocs-web.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    assert problems == []
    page.close()


def test_the_page_refuses_unknown_types_and_explains_unreadable_files(base_url, browser):
    from playwright.sync_api import expect

    page = browser.new_page(locale="zh-CN")
    page.goto(base_url + "/")
    expect(page.locator("#limits-hint")).to_contain_text("20 MB")
    heic = {"name": "照片.heic", "mimeType": "image/heic", "buffer": b"\x00\x00\x00\x18ftypheic"}
    page.set_input_files("#file-input", [heic])
    assert "不支持的文件类型" in page.inner_text("#check-status")
    assert page.is_disabled("#check-button")
    page.click("#chosen-files button[aria-label='移除 照片.heic']")
    assert page.locator("#chosen-files li").count() == 0
    assert page.is_disabled("#check-button")

    page.set_input_files("#file-input", [{"name": "损坏的章程.pdf", "mimeType": "application/pdf",
                                          "buffer": b"%PDF-1.7 this file was cut off in transfer"}])
    page.click("#check-button")
    row = page.locator("#results-table tr.result")
    expect(row).to_have_count(1)
    assert _row_verdicts(page) == {"损坏的章程.pdf": "error"}
    row.locator("button").click()
    assert "无法读取" in page.inner_text("#results-table tr.detail")
    page.close()

