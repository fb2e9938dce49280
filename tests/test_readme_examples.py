"""Every example in README.md and the UI's question placeholder works over the sample corpus (corpus/): questions are
answered correctly with a citation, searches find the passage they point to. A README example without an expected
answer here fails the first test, so the README cannot gain an unchecked example."""

from __future__ import annotations

import re

import pytest
from conftest import REPO_ROOT
from real_indexes import real_index

README = REPO_ROOT / "README.md"
UI = REPO_ROOT / "app" / "web" / "ui.py"

# question -> a string the answer must contain
ANSWERS = {
    "Which countries are most crucial for sanctions implementation?": "China and Russia",
    "When was the Mount Kumgang tourism zone shut down?": "2008",
    "What does the UN exemption mechanism allow despite sanctions?": "humanitarian aid",
}
# follow-up -> (the question before it, a string the answer must contain)
FOLLOW_UPS = {"Why?": ("When was the Mount Kumgang tourism zone shut down?", "shot to death")}
# search query -> a string the top passage must contain
SEARCHES = {"Mount Kumgang tourism zone": "Mount Kumgang"}

_QUESTION_PATTERNS = (
    r'policyqa ask "([^"]+)"',
    r'"question": "([^"]+)"',
    r'history=\[\("([^"]+)"',
)
_FOLLOW_UP_PATTERN = r'answer\(\s*"([^"]+)",\s*history='
_SEARCH_PATTERNS = (r'policyqa search "([^"]+)"', r'index\.search\("([^"]+)"', r'retriever\.invoke\("([^"]+)"')


def readme_examples() -> tuple[set[str], set[str], set[str]]:
    """(questions, follow-ups, searches) written in README.md and the UI's question placeholder."""
    text = README.read_text(encoding="utf-8")
    questions = {q for p in _QUESTION_PATTERNS for q in re.findall(p, text)}
    questions |= set(re.findall(r'placeholder="e\.g\. ([^"]+)"', UI.read_text(encoding="utf-8")))
    follow_ups = set(re.findall(_FOLLOW_UP_PATTERN, text))
    searches = {q for p in _SEARCH_PATTERNS for q in re.findall(p, text)}
    return questions, follow_ups, searches


def test_every_readme_example_has_an_expected_answer():
    questions, follow_ups, searches = readme_examples()
    assert questions and follow_ups and searches, "the README's examples were not found: update the patterns"
    assert questions <= set(ANSWERS), questions - set(ANSWERS)
    assert follow_ups <= set(FOLLOW_UPS), follow_ups - set(FOLLOW_UPS)
    assert searches <= set(SEARCHES), searches - set(SEARCHES)


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory, model_home):
    return real_index(
        tmp_path_factory.mktemp("sample-index"),
        [REPO_ROOT / "corpus"],
        embedder_name="e5-small",
        model_home=model_home,
    )


@pytest.fixture(scope="module")
def settings(model_home):
    from app.settings import Settings

    return Settings(home=model_home)


@pytest.mark.slow
@pytest.mark.parametrize("question", sorted(ANSWERS))
def test_readme_question_is_answered(question, sample_index, settings):
    from app.answer import answer

    result = answer(question, index=sample_index, settings=settings)
    assert not result.abstained, result.text
    assert result.citations
    assert ANSWERS[question] in result.text, result.text
    assert result.confidence != "low", (result.confidence, result.missing)


@pytest.mark.slow
@pytest.mark.parametrize("follow_up", sorted(FOLLOW_UPS))
def test_readme_follow_up_keeps_its_subject(follow_up, sample_index, settings):
    from app.answer import answer

    before, expected = FOLLOW_UPS[follow_up]
    result = answer(follow_up, history=[(before, "...")], index=sample_index, settings=settings)
    assert not result.abstained, result.text
    assert expected in result.text, (result.query, result.text)


@pytest.mark.slow
@pytest.mark.parametrize("query", sorted(SEARCHES))
def test_readme_search_finds_its_passage(query, sample_index):
    hits = sample_index.search(query, k=5)
    assert hits and SEARCHES[query] in hits[0].passage.text
