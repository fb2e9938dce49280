"""Confidence levels and scope: the pure rule over hand-written signals, the question-part splitter, the scope of
a filtered search, and the fields on answers produced end to end (no models)."""

from __future__ import annotations

import pytest
from answer_fixtures import TinyIndex

from app.answer.confidence import (
    anchors_found,
    confidence_level,
    covered_parts,
    question_language,
    question_parts,
    term_coverage,
)
from app.answer.pipeline import answer
from app.answer.scope import in_scope, search_scope
from app.answer.types import ConfidenceSignals
from app.settings import ConfidenceSettings, Settings
from index.types import DocumentInfo, Filters

STRONG = ConfidenceSignals(
    evidence_margin=0.6,
    retrievers_agree=True,
    dense_rank=1,
    lexical_rank=1,
    passage_margin=0.05,
    support=1.0,
    slot="filled",
    same_language=True,
    anchors_found=1.0,
    term_coverage=0.8,
)


def test_strong_agreeing_evidence_is_high():
    assert confidence_level(STRONG, False, ConfidenceSettings()) == ("high", [])


def test_abstained_is_low_whatever_the_signals():
    level, missing = confidence_level(STRONG, True, ConfidenceSettings())
    assert level == "low" and missing


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"retrievers_agree": False}, "loosely"),
        ({"same_language": False}, "across languages"),
        ({"parts": 2, "parts_covered": 1}, "first part of the question only"),
        ({"passage_margin": -0.05}, "another document"),
        ({"support": 0.5}, "weakly supported"),
        ({"slot": "missing"}, "value asked for"),
        ({"term_coverage": 0.1}, "lack some words"),
    ],
)
def test_each_missing_signal_makes_medium_and_says_why(change, reason):
    level, missing = confidence_level(STRONG.model_copy(update=change), False, ConfidenceSettings())
    assert level == "medium"
    assert any(reason in m for m in missing), missing


def test_evidence_below_the_low_margin_is_low():
    weak = STRONG.model_copy(update={"evidence_margin": -0.2})
    assert confidence_level(weak, False, ConfidenceSettings())[0] == "low"


def test_an_answer_that_skips_the_named_other_language_document_is_low():
    # "What may the Inter-Korean Cooperation Fund be spent on?" answered from a seminar report although routing
    # retrieved the fund act's articles: strong signals elsewhere do not make that answer a claim
    level, missing = confidence_level(STRONG.model_copy(update={"named_uncited": True}), False, ConfidenceSettings())
    assert level == "low"
    assert "the documents may not answer this" in missing
    assert any("names a document" in m for m in missing), missing


def test_question_parts_and_coverage():
    assert question_parts("Who may waive the sanctions, and for how long?") == [
        "Who may waive the sanctions",
        "for how long?",
    ]
    assert question_parts("Who may waive the sanctions?") == ["Who may waive the sanctions?"]
    assert len(question_parts("What does the fund pay for? Who manages it?")) == 2
    tokens = lambda text, question=False: [w.lower().strip("?,") for w in text.split() if len(w) > 3]  # noqa: E731
    assert covered_parts(
        ["waive sanctions", "ministry budget"], ["The President may waive sanctions."], tokens, 0.5
    ) == [
        True,
        False,
    ]


def test_term_coverage_and_anchors():
    assert term_coverage({"a", "b"}, {"a"}, lambda t: 3.0 if t == "a" else 1.0) == pytest.approx(0.75)
    assert term_coverage(set(), set(), lambda t: 1.0) == 1.0
    assert anchors_found("What did Executive Order 13722 block?", ["Executive Order 13722 blocks property"]) == 1.0
    assert anchors_found("What did Executive Order 13722 block?", ["Executive Order 13687 blocks property"]) < 1.0
    assert question_language("그 기간은?") == "ko" and question_language("How long?") == "en"


def _doc(doc_id: str, doc_type: str = "law", date: str | None = "2020-01-01", language: str = "en") -> DocumentInfo:
    return DocumentInfo(
        doc_id=doc_id,
        title=doc_id,
        source=doc_id,
        doc_type=doc_type,
        date=date,
        language=language,
        chunks=1,
        content_hash="x",
        indexed_at="2026-01-01T00:00:00",
    )


def test_scope_counts_the_documents_the_filters_keep():
    docs = [_doc("a"), _doc("b", doc_type="article"), _doc("c", date=None), _doc("d", language="ko")]
    assert search_scope("q", None, docs).documents == 4
    assert search_scope("q", Filters(doc_type=["law"]), docs).documents == 3
    assert search_scope("q", Filters(date_from="2019-01-01"), docs).documents == 3  # undated never matches
    assert search_scope("q", Filters(language=["ko"]), docs).documents == 1
    assert not in_scope(_doc("a"), Filters(doc_id=["b"]))


def test_every_answer_carries_confidence_signals_and_scope():
    settings = Settings()
    result = answer("In which city will Trump and Kim Jong-un meet?", index=TinyIndex(), settings=settings)
    assert result.confidence in {"high", "medium", "low"}
    assert result.confidence_signals.same_language
    assert result.scope is not None and result.scope.query == result.query
    assert (result.confidence == "high") == (not result.missing)
    data = result.model_dump(mode="json")
    assert {"confidence", "confidence_signals", "missing", "scope"} <= set(data)


def test_an_abstained_answer_is_low():
    result = answer("What is the capital of Australia?", index=TinyIndex(), settings=Settings())
    assert result.abstained
    assert result.confidence == "low" and result.missing
