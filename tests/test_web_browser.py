"""The upload page in a real browser: Debian's chromium, driven by playwright, against uvicorn."""
from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import pytest

from pbdocs.web import create_app

from helpers import data_module

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "web"
REPORTS = Path(__file__).parent / "data" / "reports"
ENGLISH_CODES = re.compile(r"\b(?:compliant|partial|missing|contradicted|error|present|not_applicable"
                           r"|organization|activities|conditions|leadership|core-values|party-clause)\b")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


render = data_module("web/render.py", "web_render")
EXPECTED = render.expected_verdicts()


def _serving(app):
    """Serve ``app`` with uvicorn in a thread; yields its address, stops it afterwards."""
    import uvicorn

    # Binding the socket here, on port 0, gives a free port with no window for another process to take it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
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
def policy_index(tmp_path_factory):
    from pbdocs.search import build

    index_dir = tmp_path_factory.mktemp("browser-index") / "index"
    # Two versions of one local notice, so that the page shows a superseded hit; two of a regulation
    # whose revision dates its text, so that the page says the date is the revision's.
    build([DATA / "policy", DATA.parent / "search" / "local", DATA.parent / "search" / "title_notes"], index_dir)
    return index_dir


@pytest.fixture(scope="module")
def base_url(policy_index):
    yield from _serving(create_app(index_dir=policy_index))


OFFICER, PASSWORD = "李科员", "correct horse battery"


@pytest.fixture(scope="module")
def office_url(policy_index, tmp_path_factory):
    from pbdocs.office import Office

    data_dir = tmp_path_factory.mktemp("browser-office")
    Office(data_dir).add_user(OFFICER, PASSWORD)
    yield from _serving(create_app(index_dir=policy_index, data_dir=data_dir))


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

    # What the officer reads is Chinese: no verdict, status or element codes anywhere on the page.
    for row in page.locator("#results-table tr.result").all_inner_texts():
        assert not ENGLISH_CODES.search(row.replace("partial-foundation.docx", "").replace(
            "compliant-association.txt", "").replace("missing-center.txt", "")), row
    page.locator("#results-table tr.result button").first.click()
    assert not ENGLISH_CODES.search(page.inner_text("#results-table tr.detail:visible"))
    page.locator("#results-table tr.result button").first.click()
    assert not ENGLISH_CODES.search(page.inner_text("#summary"))

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
    # the fixture's raw provenance (a repository path and a snapshot commit) stays in the JSON
    assert not re.search(r"LawRefBook|commit|github|\.md\b", first_hit.locator(".source").inner_text())
    assert first_hit.locator(".answer mark").count() >= 1
    # Keyword-only search (the fixture index has no vectors) is sure only of a named article: the
    # page says what the command line says.
    assert page.inner_text("#search-status") == "没有把握的答案：下面是最接近的条文，未必回答了这个问题，仅供参考。"
    # A question the corpus does not cover gets the sentence and no list, as on the command line.
    page.fill("#search-input", "今天天气怎么样")
    page.click("#search-button")
    expect(page.locator("#search-status")).to_have_text("没有找到可信的答案：语料库似乎没有涉及这个问题。")
    assert page.locator("#search-results .hit").count() == 0

    page.fill("#search-input", "社会组织应当于每年几月前报送党建工作年度报告")
    page.click("#search-button")
    page.wait_for_selector("#search-results .hit .superseded")
    newer = "《示例市民政局关于报送社会组织党建工作年度报告的通知》(示民发〔2023〕7号)"
    assert page.locator("#search-results .hit").first.locator(".source").inner_text().startswith(f"出处：{newer}")
    assert page.locator("#search-results .hit .superseded").first.inner_text() == f"已被{newer}取代"

    page.fill("#search-input", "示例社会服务机构变更名称多久内申请变更登记")
    page.click("#search-button")
    page.wait_for_selector("#search-results .hit .superseded")
    revised = page.locator("#search-results .hit").first.locator(".source").inner_text()
    assert revised.startswith("出处：《示例社会服务机构条例》(2016修订) 第二条")
    assert "国务院 中华人民共和国国务院令第9999号 2016-02-06修订" in revised

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
    detail = page.inner_text("#results-table tr.detail")
    assert "无法读取：PDF 文件" in detail and not re.search(r"[A-Za-z]{4,}", detail.replace("PDF", "")), detail

    page.set_input_files("#file-input", [{"name": "空的.txt", "mimeType": "text/plain", "buffer": b""}])
    page.click("#check-button")
    empty = page.locator("#results-table tr.result", has_text="空的.txt")
    expect(empty).to_have_count(1)
    empty.locator("button").click()
    assert "无法读取：空文件" in page.locator("#results-table tr.detail:visible").inner_text()

    # A clause standing only in 附则 is flagged in the table itself, not only in the details.
    page.set_input_files("#file-input", [str(REPORTS / "appendix-only.txt")])
    page.click("#check-button")
    expect(row.filter(has_text="appendix-only.txt")).to_have_count(1)
    misplaced = page.locator("#results-table tr.result", has_text="appendix-only.txt")
    assert "合规⚠ 不在第一章 总则" in misplaced.locator(".verdict").inner_text().replace("\n", "")
    # Severity notes only on findings that fall short: the 党建领导机关 (a suggestion) is named here.
    misplaced.locator("button").click()
    shown = page.locator("#results-table tr.detail:visible").inner_text()
    assert "党建领导机关" in shown and "提示项" not in shown
    page.close()



def test_api_docs_render_and_list_every_operation_offline(base_url, browser):
    """Swagger UI must read the OpenAPI document FastAPI writes (3.1), from local files only."""
    from playwright.sync_api import expect

    page = browser.new_page(locale="zh-CN")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(base_url + "/docs")
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible(timeout=30_000)
    listed = set(operations.all_inner_texts())
    openapi = page.request.get(base_url + "/openapi.json").json()
    assert openapi["openapi"].startswith("3.1")
    assert {path.replace("\u200b", "") for path in listed} >= set(openapi["paths"])
    assert "Unable to render this definition" not in page.inner_text("body")
    assert all(url.startswith(base_url) for url in fetched), [u for u in fetched if not u.startswith(base_url)]
def test_officer_signs_in_uploads_a_batch_reviews_a_row_and_downloads_the_reviewed_report(office_url, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(office_url + "/")
    page.fill("#login-name", OFFICER)
    page.fill("#login-password", "not the password")
    page.click("#login-button")
    expect(page.locator("#login-status")).to_contain_text("用户名或密码错误")
    page.fill("#login-password", PASSWORD)
    page.click("#login-button")
    expect(page.locator("#user-name")).to_have_text(OFFICER)

    names = ["compliant-association.txt", "partial-foundation.txt", "missing-center.txt"]
    page.fill("#batch-name", "年检第一批")
    page.set_input_files("#file-input", [str(DATA / name) for name in names])
    page.click("#check-button")
    view = page.locator("#batch-view")
    expect(view).to_have_attribute("data-status", "done", timeout=120_000)
    expect(page.locator("#batch-rows tr.batch-row")).to_have_count(3)
    verdicts = dict(page.eval_on_selector_all(
        "#batch-rows tr.batch-row",
        "rows => rows.map(row => [row.dataset.path, row.querySelector('.verdict').dataset.verdict])"))
    assert verdicts == {name: EXPECTED[name] for name in names}
    listed = page.locator("#batch-list tbody tr", has_text="年检第一批")
    expect(listed.locator(".batch-status")).to_have_text("已完成")

    # The officer disagrees with the automatic verdict of the partial charter.
    row = page.locator("#batch-rows tr.batch-row", has_text="partial-foundation.txt")
    row.locator("select").select_option("missing")
    row.locator("input").fill("第三条只写了开展活动，未写设立党组织")
    row.locator("button", has_text="保存").click()
    expect(row.locator(".review-status")).to_contain_text("已保存")

    with page.expect_download() as download_info:
        page.click("#batch-csv")
    import csv
    import io

    report = list(csv.DictReader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8-sig"))))
    # The report is Chinese: labels, not codes.
    zh = {"compliant": "合规", "partial": "部分缺失", "missing": "缺失", "contradicted": "明确拒绝"}
    reviewed = {r["文件"]: (r["结论"].split("（")[0], r["复核结论"], r["复核人"]) for r in report}
    assert reviewed["partial-foundation.txt"] == (zh[EXPECTED["partial-foundation.txt"]], "缺失", OFFICER)
    assert reviewed["missing-center.txt"][1] == ""

    # The review is kept: a fresh visit shows it.
    page.reload()
    listed.locator("button").click()
    expect(page.locator("#batch-rows tr.batch-row", has_text="partial-foundation.txt").locator("select")) \
        .to_have_value("missing")
    assert problems == []
    page.close()


@pytest.fixture(scope="module")
def rows_office_url(policy_index, tmp_path_factory):
    from pbdocs.office import Office

    data_dir = tmp_path_factory.mktemp("browser-rows")
    Office(data_dir).add_user("王科长", PASSWORD, admin=True)
    yield from _serving(create_app(index_dir=policy_index, data_dir=data_dir))


def test_the_row_view_shows_evidence_fix_and_basis_and_keeps_an_edited_opinion(rows_office_url, browser, tmp_path):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(rows_office_url + "/")
    page.fill("#login-name", "王科长")
    page.fill("#login-password", PASSWORD)
    page.click("#login-button")
    expect(page.locator("#user-name")).to_have_text("王科长")
    names = ["compliant-association.txt", "partial-foundation.txt", "missing-center.txt"]
    page.fill("#batch-name", "2026年度年检第一批")
    page.set_input_files("#file-input", [str(DATA / name) for name in names])
    page.click("#check-button")
    expect(page.locator("#batch-view")).to_have_attribute("data-status", "done", timeout=120_000)

    # Verdicts are coloured: the badge's background is the stylesheet's, not transparent.
    badge = page.locator("#batch-rows tr.batch-row", has_text="missing-center.txt").locator(".verdict")
    assert page.evaluate("e => getComputedStyle(e).backgroundColor", badge.element_handle()) \
        not in ("rgba(0, 0, 0, 0)", "transparent")
    # The 【提示】 (党建领导机关) is not listed with what the charter must have.
    partial = page.locator("#batch-rows tr.batch-row", has_text="partial-foundation.txt")
    assert "党建领导机关" not in partial.locator(".missing-list").inner_text()

    partial.locator("button", has_text="详情").click()
    view = page.locator("#row-view")
    expect(view).to_be_visible()
    expect(view.locator("blockquote.evidence").first).to_be_visible()
    expect(view.locator(".fix").first).to_contain_text("坚持中国共产党的全面领导")
    expect(view.locator(".basis").first).to_contain_text("民函〔2019〕54号")
    text = page.locator("#row-opinion-text")
    assert "必须修改的内容" in text.input_value()
    text.fill(text.input_value() + "\n请于三十日内报送修改后的章程。")
    page.click("#row-opinion-save")
    expect(page.locator("#row-opinion-status")).to_contain_text("已保存")
    with page.expect_download() as download_info:
        page.click("#row-amended")
    assert download_info.value.suggested_filename.endswith("-修订稿.docx")
    page.screenshot(path=str(tmp_path / "row-view.png"), full_page=True)

    # The 操作记录 panel speaks in words.
    page.reload()
    audit = page.locator("#audit-table")
    expect(audit).to_contain_text("王科长 登录")
    expect(audit).to_contain_text("王科长 上传批次“2026年度年检第一批”（3 份）")
    expect(audit).to_contain_text("修改批次“2026年度年检第一批”第 2 份的审查意见")
    assert "batch:" not in audit.inner_text() and "user:" not in audit.inner_text()
    assert problems == []
    page.close()



def test_two_versions_compared_on_the_page(rows_office_url, browser, tmp_path):
    from playwright.sync_api import expect
    from test_deliver_office import COMPLIANT, _revised

    revised = _revised(tmp_path, drop=4)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(rows_office_url + "/")
    if page.locator("#login-name").count():
        page.fill("#login-name", "王科长")
        page.fill("#login-password", PASSWORD)
        page.click("#login-button")
    expect(page.locator("#user-name")).to_have_text("王科长")
    page.set_input_files("#compare-old", str(COMPLIANT))
    page.set_input_files("#compare-new", str(revised))
    page.click("#compare-button")
    result = page.locator("#compare-result")
    expect(result).to_be_visible(timeout=60_000)
    expect(page.locator("#compare-summary")).to_contain_text("删除 1 条")
    expect(page.locator("#compare-judgement")).to_contain_text("新版本不如原版本合规")
    expect(page.locator("#compare-table tr.change-removed")).to_contain_text("第四条")
    with page.expect_download() as download_info:
        page.click("#compare-download")
    assert download_info.value.suggested_filename.endswith(".docx")
    page.locator("#compare-section").screenshot(path=str(tmp_path / "compare.png"))
    assert problems == []
    page.close()
