"""The Library tab in headless Debian Chromium: a document's metadata corrected in the editor shows in the table,
and the progress of an upload shows on the report line while the documents table stays uncovered."""

from __future__ import annotations

import shutil

import pytest
from live_server import REPO_ROOT, start_server
from test_ui_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api", reason="needs the Python playwright package (test extra)")
if not CHROMIUM.exists():
    pytest.skip(f"needs Debian chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)

TIMEOUT_MS = 120_000
NOTE = "# Orchard quota note\n\nThe annual apple export quota is 4,321 tonnes, reviewed every two years.\n" * 3


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    for doc in (REPO_ROOT / "corpus").glob("*.md"):
        shutil.copy(doc, corpus / doc.name)
    live = start_server(tmp_path_factory.mktemp("home"), corpus)
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        pg.goto(live.url + "/")
        sync_api.expect(pg.locator("#pqa-status")).to_contain_text("Index ready", timeout=TIMEOUT_MS)
        pg.get_by_role("tab", name="Library").click()
        yield pg
        context.close()
    live.stop()


def test_metadata_editor_corrects_the_title(page):
    page.get_by_text("Correct a document's metadata").click()
    picker = page.locator("#pqa-edit-pick input")
    picker.click()
    picker.fill("seminar")
    page.get_by_role("option").filter(has_text="seminar-sanctions-exemptions-2025").first.click()
    title = page.locator("#pqa-edit-title textarea, #pqa-edit-title input").first
    sync_api.expect(title).not_to_have_value("")
    title.fill("Seminar on Sanctions Exemptions (corrected)")
    page.locator("#pqa-edit-aliases textarea, #pqa-edit-aliases input").first.fill("Humanitarian exemptions seminar")
    page.click("#pqa-edit-save")
    sync_api.expect(page.locator("#pqa-report")).to_contain_text(
        "Saved seminar-sanctions-exemptions-2025", timeout=TIMEOUT_MS
    )
    sync_api.expect(page.locator("#pqa-docs")).to_contain_text("Seminar on Sanctions Exemptions (corrected)")


# Records, on every DOM change, each progress element inside the documents table that a user could see: Gradio keeps
# a status tracker in every component, hidden (class `hide`, opacity 0) unless an event shows progress on it, so only
# a visible one counts. A MutationObserver sees a flash that polling would miss.
WATCH_TABLE_PROGRESS = """() => {
  window.__pqaCovered = [];
  const check = () => {
    const docs = document.querySelector('#pqa-docs');
    if (!docs) return;
    for (const el of docs.querySelectorAll('.eta-bar, .progress-text, .progress-bar, .progress-level')) {
      const wrap = el.closest('.wrap.default') || el;
      const rect = el.getBoundingClientRect();
      const shown = !wrap.classList.contains('hide') && getComputedStyle(wrap).opacity !== '0'
        && getComputedStyle(el).visibility !== 'hidden' && rect.width > 0 && rect.height > 0;
      if (shown && (el.textContent || '').trim()) window.__pqaCovered.push(el.className + ': ' + el.textContent.trim());
    }
  };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true, attributes: true,
                                                     characterData: true});
}"""


def test_upload_progress_does_not_cover_the_table(page, tmp_path):
    upload = tmp_path / "orchard-quota-note.md"
    upload.write_text(NOTE, encoding="utf-8")
    page.evaluate(WATCH_TABLE_PROGRESS)
    page.set_input_files("#pqa-upload input[type=file]", [str(upload)])
    sync_api.expect(page.locator("#pqa-upload a[href$='/orchard-quota-note.md']")).to_have_count(1)
    page.click("#pqa-upload-btn")
    sync_api.expect(page.locator("#pqa-report")).to_contain_text("1 added", timeout=TIMEOUT_MS)
    sync_api.expect(page.locator("#pqa-docs")).to_contain_text("Orchard quota note")
    page.wait_for_timeout(2500)  # a timer tick refreshes the table after the upload
    assert page.evaluate("window.__pqaCovered") == []


def test_phone_width_keeps_both_tabs_usable(page, tmp_path):
    page.set_viewport_size({"width": 420, "height": 900})
    try:
        page.reload()  # laid out at phone width from the start, as on a phone
        sync_api.expect(page.locator("#pqa-status")).to_contain_text("Index ready", timeout=TIMEOUT_MS)
        page.get_by_role("tab", name="Library").click()
        sync_api.expect(page.locator("#pqa-docs")).to_contain_text("fpri-sanctions-relief-2019")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 420  # the page itself never scrolls sideways
        headers = page.evaluate(
            "() => [...document.querySelectorAll('#pqa-docs th')].map(th => th.getBoundingClientRect().height)"
        )
        assert headers and max(headers) <= 50, headers  # one line of header text, not a letter per line
        cells = page.evaluate(
            "() => [...document.querySelectorAll('#pqa-docs [role=gridcell]')].map(c => c.getBoundingClientRect().height)"
        )
        assert cells and max(cells) <= 120, cells  # a row is a few lines, not a column of single letters
        page.screenshot(path=str(tmp_path / "library-420.png"), full_page=True)

        page.get_by_role("tab", name="Ask").click()
        question = page.locator("#pqa-question textarea, #pqa-question input").first
        question.fill("Which countries are most crucial for sanctions implementation?")
        question.press("Enter")
        answer = page.locator("#pqa-chat .pqa-msg").last
        sync_api.expect(answer).to_contain_text("China and Russia", timeout=TIMEOUT_MS)
        box = answer.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 420
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 420
        page.screenshot(path=str(tmp_path / "ask-420.png"), full_page=True)
    finally:
        page.set_viewport_size({"width": 1400, "height": 1000})
