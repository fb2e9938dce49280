"""The researcher's workspace in headless Debian Chromium against the real server: a citation opens the document
viewer with the quoted span marked; the copy button copies text with numbered references; the conversation
survives a reload, can be exported and deleted; at 420 px the Ask and Library tabs stay usable. Screenshots go
to test-artifacts/ for a person to look at."""

from __future__ import annotations

import shutil

import httpx
import pytest
from live_server import sample_corpus_server
from test_ui_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _ask, _tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the Python playwright package (test extra)")
if not CHROMIUM.exists():
    pytest.skip(f"needs Debian chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)

QUESTION = "Why was the Mount Kumgang tourism zone shut down?"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sample_corpus_server(tmp_path_factory) as live:
        yield live


@pytest.fixture(scope="module")
def context(server, tmp_path_factory):
    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
        ctx.set_default_timeout(60_000)
        yield ctx
        ctx.close()


@pytest.fixture(scope="module")
def page(server, context):
    pg = context.new_page()
    pg.goto(server.url + "/")
    pg.wait_for_selector("#pqa-question textarea")
    sync_api.expect(pg.locator("#pqa-status")).to_contain_text("Index ready")
    yield pg


@pytest.fixture(scope="module")
def answer(page):
    return _ask(page, QUESTION)


def test_first_screen_says_what_the_library_holds(page):
    welcome = page.locator("#pqa-welcome")
    sync_api.expect(welcome).to_contain_text("The library holds 2 documents")
    sync_api.expect(welcome).to_contain_text("English or Korean")
    sync_api.expect(page.locator("#pqa-status")).not_to_contain_text("embedder")
    examples = page.locator(".pqa-example")
    sync_api.expect(examples.first).to_be_visible()
    examples.first.click()
    sync_api.expect(page.locator("#pqa-question textarea")).to_have_value(examples.first.inner_text())
    page.fill("#pqa-question textarea", "")


def test_citation_opens_the_viewer_with_the_span_marked(page, context, answer):
    with context.expect_page() as opened:
        answer.locator("a.pqa-open").first.click()
    viewer = opened.value
    viewer.wait_for_load_state()
    assert "/documents/fpri-sanctions-relief-2019/view?chunk=" in viewer.url
    cited = viewer.locator("#cited")
    sync_api.expect(cited.locator("mark").first).to_contain_text("shut down")
    sync_api.expect(viewer.locator("h1")).to_contain_text("Of Course North Korea Wants Sanctions Relief")
    sync_api.expect(viewer.locator("nav a[rel=next]").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    viewer.screenshot(path=str(ARTIFACTS / "viewer.png"), full_page=True)
    viewer.close()


def test_copied_answer_is_text_with_references(page, answer):
    answer.locator(".pqa-copy").click()
    sync_api.expect(answer.locator(".pqa-copy")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "shut down" in copied and "[1]" in copied
    assert "\n\nReferences:\n[1] FPRI article" in copied and "Of Course North Korea" in copied
    assert "<" not in copied and "pqa-" not in copied


def test_history_survives_a_reload_exports_and_deletes(page, server, answer):
    page.reload()
    page.wait_for_selector("#pqa-question textarea")
    restored = page.locator("#pqa-chat .pqa-msg")
    sync_api.expect(restored).to_have_count(1)
    sync_api.expect(restored.first.locator(".pqa-card mark").first).to_contain_text("shut down")
    link = page.locator("#pqa-export-md")
    sync_api.expect(link).to_be_visible()
    markdown = httpx.get(server.url + link.get_attribute("href"), timeout=30).text
    assert f"## 1. {QUESTION}" in markdown and "[1] FPRI article" in markdown
    exported = httpx.get(server.url + page.locator("#pqa-export-json").get_attribute("href"), timeout=30).json()
    assert exported["turn_list"][0]["answer"]["citations"][0]["doc_id"] == "fpri-sanctions-relief-2019"
    picker = page.locator("#pqa-convo-pick input")
    picker.click()
    page.get_by_role("option", name=QUESTION, exact=False).first.click()
    page.click("#pqa-convo-delete")
    sync_api.expect(page.locator("#pqa-chat .pqa-msg")).to_have_count(0)
    page.reload()
    page.wait_for_selector("#pqa-question textarea")
    page.wait_for_timeout(1500)
    sync_api.expect(page.locator("#pqa-chat .pqa-msg")).to_have_count(0)


def test_abstention_shows_its_statement_and_folds_the_non_answers(page):
    abstained = _ask(page, "What is the boiling point of liquid nitrogen in kelvin?")
    sync_api.expect(abstained.locator(".pqa-abstained")).to_be_visible()
    sync_api.expect(abstained.locator(".pqa-closest-list summary")).to_contain_text("do not answer")
    sync_api.expect(abstained.locator(".pqa-closest").first).to_be_hidden()  # folded
    abstained.locator(".pqa-closest-list summary").click()
    sync_api.expect(abstained.locator(".pqa-not-answer").first).to_be_visible()
    assert abstained.locator(".pqa-closest mark").count() == 0


NARROW = {"width": 420, "height": 900}

# Measures the page at phone width: horizontal overflow of the page, and each table header's text height in lines.
MEASURE = """() => ({
  scrollWidth: document.scrollingElement.scrollWidth,
  headerLines: [...document.querySelectorAll('#pqa-docs th .header')].map((el) => {
    const line = parseFloat(getComputedStyle(el).lineHeight) || 1.5 * parseFloat(getComputedStyle(el).fontSize);
    return [el.innerText.trim(), el.getBoundingClientRect().height / line];
  }),
})"""

# The first row's cells (Gradio draws them as grid cells apart from the header table): text, width and how far
# each starts from its column header.
FIRST_ROW = """() => {
  const heads = [...document.querySelectorAll('#pqa-docs th')].map((h) => h.getBoundingClientRect());
  return [...document.querySelectorAll('#pqa-docs .body-cell[data-row="0"]')].map((cell) => {
    const box = cell.getBoundingClientRect();
    return [cell.innerText.trim(), box.width, box.left - heads[Number(cell.dataset.col)].left];
  });
}"""


def _within_width(page, selector: str, full: bool = True) -> None:
    """The control is visible and, scrolled into view, lies wholly inside the 420 px viewport (and spans most of
    it when `full`: inputs and cards are not squeezed beside other controls)."""
    control = page.locator(selector).first
    sync_api.expect(control).to_be_visible()
    control.scroll_into_view_if_needed()
    box = control.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], (selector, box)
    assert not full or box["width"] >= 0.6 * NARROW["width"], (selector, box)


def test_narrow_screen(context, server, tmp_path):
    page = context.new_page()
    page.set_viewport_size(NARROW)
    try:
        page.goto(server.url + "/")
        sync_api.expect(page.locator("#pqa-status")).to_contain_text("Index ready")
        page.click("#pqa-clear")
        assert page.evaluate(MEASURE)["scrollWidth"] <= NARROW["width"]
        for selector in ("#pqa-question textarea", "#pqa-query textarea", "#pqa-conversations", "#pqa-convo-pick"):
            _within_width(page, selector)
        answer = _ask(page, QUESTION)
        assert page.evaluate(MEASURE)["scrollWidth"] <= NARROW["width"]
        card = answer.locator(".pqa-card").first
        _within_width(page, "#pqa-chat .pqa-msg .pqa-card")
        _within_width(page, "#pqa-chat .pqa-msg a.pqa-open", full=False)
        sync_api.expect(card.locator("mark").first).to_contain_text("shut down")
        size = card.locator(".pqa-passage").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 12, size  # readable without zooming
        _within_width(page, "#pqa-query textarea")
        sync_api.expect(page.locator("#pqa-query textarea")).to_have_value(QUESTION)
        _within_width(page, "#pqa-ask")
        answer.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "ask-420.png"), full_page=True)
        _tab(page, "Library")
        sync_api.expect(page.locator("#pqa-docs")).to_contain_text("fpri-sanctions-relief-2019")
        measured = page.evaluate(MEASURE)
        assert measured["scrollWidth"] <= NARROW["width"], measured
        assert measured["headerLines"] and all(lines <= 2.05 for _, lines in measured["headerLines"]), measured
        cells = page.evaluate(FIRST_ROW)  # cells wrap at words, not letter by letter, under their own header
        assert len(cells) == len(measured["headerLines"]), cells
        assert all(width >= 48 and abs(shift) < 2 for _, width, shift in cells), cells
        page.screenshot(path=str(tmp_path / "library-420.png"), full_page=True)
        ARTIFACTS.mkdir(exist_ok=True)
        for name in ("ask-420.png", "library-420.png"):
            shutil.copy(tmp_path / name, ARTIFACTS / name)
    finally:
        page.close()
