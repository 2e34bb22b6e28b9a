"""The HTML report in a real headless browser (Debian chromium): sort, filter, expand, screenshot."""
from __future__ import annotations

from pathlib import Path

import pytest

from pbdocs.screen import screen

from helpers import data_module

DATA = Path(__file__).parent / "data" / "screen"
batch = data_module("screen/batch.py", "screen_batch")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("screen-html")
    folder = root / "in"
    folder.mkdir()
    for name, text in batch.charter_texts().items():
        (folder / name).write_text(text, encoding="utf-8")
    batch.write_corrupt_pdf(folder / "扫描件损坏.pdf")
    result = screen([str(folder)], root / "report.html", workers=2)
    return root / "report.html", result


@pytest.fixture(scope="module")
def page(report):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, offline=True)
        tab = context.new_page()
        requests = []
        tab.on("request", lambda request: requests.append(request.url))
        errors = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.goto(report[0].as_uri())
        yield tab
        assert errors == []
        assert all(url.startswith("file://") for url in requests), requests
        browser.close()


def _column(page, key: str) -> list[str]:
    index = page.eval_on_selector_all("thead th", f"hs => hs.findIndex(h => h.dataset.key === '{key}')")
    return page.eval_on_selector_all(
        "#results > tbody:not([hidden]) > tr.doc", f"rows => rows.map(r => r.cells[{index}].textContent.trim())")


@pytest.mark.slow
def test_table_sorts_by_a_clicked_column_both_ways(page, report):
    page.click("th[data-key=name]")
    names = _column(page, "name")
    assert page.get_attribute("th[data-key=name]", "aria-sort") == "ascending"
    page.click("th[data-key=name]")
    assert _column(page, "name") == names[::-1]
    page.click("th[data-key=verdict]")
    order = ["error", "contradicted", "missing", "partial", "not_applicable", "compliant"]
    verdicts = page.eval_on_selector_all("#results > tbody", "bs => bs.map(b => b.dataset.verdict)")
    assert verdicts == sorted(verdicts, key=order.index)
    assert len(verdicts) == len(report[1].records)


@pytest.mark.slow
def test_filters_by_text_and_by_verdict(page, report):
    rows = report[1].rows
    page.select_option("#verdict-filter", "error")
    assert page.inner_text("#shown") == f"显示 {sum(r['verdict'] == 'error' for r in rows)} / {len(rows)}"
    page.select_option("#verdict-filter", "")
    target = next(r for r in rows if r["verdict"] == "partial")
    page.fill("#filter", target["name"])
    assert _column(page, "name") == [target["name"]]
    page.fill("#filter", "")
    assert page.inner_text("#shown") == f"显示 {len(rows)} / {len(rows)}"
    page.click("#summary .card.missing")
    assert page.input_value("#verdict-filter") == "missing"
    assert set(page.eval_on_selector_all("#results > tbody:not([hidden])", "bs => bs.map(b => b.dataset.verdict)")) \
        == {"missing"}
    page.click("#summary .card.total")
    assert page.inner_text("#shown") == f"显示 {len(rows)} / {len(rows)}"


@pytest.mark.slow
def test_row_expands_to_evidence_and_fix_and_screenshot(page, report, tmp_path):
    record = next(r for r in report[1].records if r.verdict == "partial")
    row = page.locator("tr.doc", has_text=record.row["name"])
    detail = page.locator("#results > tbody", has=row).locator("tr.detail")
    assert not detail.is_visible()
    row.click()
    assert detail.is_visible() and row.get_attribute("aria-expanded") == "true"
    text = detail.inner_text()
    clause = next(f for f in record.check["findings"] if f["rule"] == "party-clause")
    assert clause["fix"]["text"] in text
    found = next(e for e in clause["elements"].values() if e["found"])
    assert found["evidence"]["text"] in text
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000
    row.click()
    assert not detail.is_visible()


@pytest.mark.slow
def test_the_table_fits_1280_pixels_with_citations_collapsed(page, report):
    page.set_viewport_size({"width": 1280, "height": 900})
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        # The file column is wide enough for a file name, not a character or two a line.
        widths = page.eval_on_selector_all("#results > tbody > tr.doc > td.path",
                                           "cells => cells.map(c => c.getBoundingClientRect().width)")
        assert min(widths) >= 120
        row = page.locator("tr.doc", has=page.locator("td.basis details")).first
        citation = row.locator("td.basis details").first
        assert citation.locator("summary").inner_text().strip() == "民函〔2019〕54号"
        assert not citation.locator("p").first.is_visible()
        citation.locator("summary").click()
        assert citation.locator("p").first.is_visible() and "《民政部关于" in citation.locator("p").first.inner_text()
        # Opening a citation does not open the row's details.
        assert row.get_attribute("aria-expanded") == "false"
        citation.locator("summary").click()
    finally:
        page.set_viewport_size({"width": 1400, "height": 1000})
