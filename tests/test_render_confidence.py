"""The answer's framing in the UI: high reads as an answer, medium says what is missing, low frames the quotes as
closest passages; the searched query, filters and document count are shown (pure render functions)."""

from __future__ import annotations

from app.answer.types import Answer, AnswerSentence, Citation, Scope
from app.web.callbacks import searched_query
from app.web.render import LOW_FRAME, answer_html, filters_text, scope_html
from index.types import Filters


def _answer(level: str, missing: list[str] | None = None, *, abstained: bool = False) -> Answer:
    citation = Citation(
        n=1,
        chunk_id="d#0",
        doc_id="d",
        label="22 U.S.C. § 9226",
        title="Title",
        doc_type="law",
        source="d.txt",
        text="The President may deny a visa to any alien.",
        span_start=0,
        span_end=43,
        span="The President may deny a visa to any alien.",
    )
    return Answer(
        question="Who may be denied a visa?",
        query="Who may be denied a visa under 22 U.S.C. § 9226?",
        text="The President may deny a visa to any alien. [1]",
        sentences=[AnswerSentence(text="The President may deny a visa to any alien.", citations=[1], supported=True)],
        citations=[citation],
        abstained=abstained,
        confidence=level,  # type: ignore[arg-type]
        missing=missing or [],
        scope=Scope(
            query="Who may be denied a visa under 22 U.S.C. § 9226?", filters=Filters(doc_type=["law"]), documents=39
        ),
    )


def test_high_reads_as_an_answer():
    html = answer_html(_answer("high"))
    assert "High confidence" in html and "Sources" in html and LOW_FRAME not in html


def test_medium_says_what_is_missing():
    html = answer_html(_answer("medium", ["covers the first part of the question only"]))
    assert "Medium confidence" in html and "covers the first part of the question only" in html


def test_low_is_framed_as_closest_passages():
    html = answer_html(_answer("low", ["the documents may not answer this"]))
    assert LOW_FRAME in html and "Closest passages" in html and "High confidence" not in html


def test_scope_shows_query_filters_and_document_count():
    html = answer_html(_answer("high"))
    assert "39 documents" in html and "type law" in html and "9226" in html
    assert filters_text(None) == "none"
    assert filters_text(Filters(language=["ko"], date_from="2020-01-01")) == "language ko · from 2020-01-01"
    assert scope_html(None) == ""
    assert searched_query(_answer("high")).endswith("§ 9226?")


def test_abstained_answer_shows_its_scope():
    html = answer_html(_answer("low", abstained=True))
    assert "39 documents" in html
