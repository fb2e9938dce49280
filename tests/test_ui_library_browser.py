"""The Library tab in headless Debian Chromium: a document's metadata corrected in the editor shows in the table,
and the progress of an upload shows on the report line while the documents table stays uncovered."""

from __future__ import annotations

import pytest
from live_server import sample_corpus_server
from test_ui_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api", reason="needs the Python playwright package (test extra)")
if not CHROMIUM.exists():
    pytest.skip(f"needs Debian chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)

TIMEOUT_MS = 120_000
NOTE = "# Orchard quota note\n\nThe annual apple export quota is 4,321 tonnes, reviewed every two years.\n" * 3


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with sample_corpus_server(tmp_path_factory) as live, sync_api.sync_playwright() as p:
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


# Records, at every DOM change, any progress element inside the documents table (even one Gradio keeps invisible)
# or visible over it, and the progress elements shown within the report line's box (not clipped by it). A
# MutationObserver runs before the browser paints, so a flash of a few milliseconds is caught as surely as a long one.
WATCH_PROGRESS = """() => {
  const table = document.querySelector('#pqa-docs');
  const report = document.querySelector('#pqa-report');
  const seen = {overTable: [], onReport: []};
  window.pqaProgress = seen;
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && !el.closest('.hide') && el.checkVisibility({visibilityProperty: true});
  };
  const inside = (a, b) => a.left >= b.left && a.right <= b.right && a.top >= b.top && a.bottom <= b.bottom;
  const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const check = () => {
    const area = table.getBoundingClientRect();
    for (const el of document.querySelectorAll('.progress-text, .eta-bar, .progress-bar, .progress-level')) {
      const name = el.className.split(' ')[0];
      if (table.contains(el) || (shown(el) && overlaps(el.getBoundingClientRect(), area))) seen.overTable.push(name);
      else if (report.contains(el) && shown(el) && inside(el.getBoundingClientRect(), report.getBoundingClientRect()))
        seen.onReport.push(name);
    }
  };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true, attributes: true});
}"""


def test_upload_progress_does_not_cover_the_table(page, tmp_path):
    upload = tmp_path / "orchard-quota-note.md"
    upload.write_text(NOTE, encoding="utf-8")
    page.set_input_files("#pqa-upload input[type=file]", [str(upload)])
    sync_api.expect(page.locator("#pqa-upload a[href$='/orchard-quota-note.md']")).to_have_count(1)
    page.evaluate(WATCH_PROGRESS)
    page.click("#pqa-upload-btn")
    sync_api.expect(page.locator("#pqa-report")).to_contain_text("1 added", timeout=TIMEOUT_MS)
    sync_api.expect(page.locator("#pqa-docs")).to_contain_text("Orchard quota note")
    seen = page.evaluate("window.pqaProgress")
    assert seen["overTable"] == [], seen["overTable"][:10]
    assert "progress-text" in seen["onReport"], seen  # the upload's progress shows on the report line
