"""PolicyQA benchmark plumbing: gold spans map into the policy document, relevance by span coverage, metrics."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bench.policyqa_retrieval import (
    PolicyQuestion,
    is_relevant,
    parse_policyqa,
    relevance_of,
    sample_questions,
    score_rankings,
    span_coverage,
)

PAYLOAD = {
    "version": "v1.0",
    "data": [
        {
            "title": "example.com",
            "paragraphs": [
                {
                    "context": "Last updated May 1, 2015.",
                    "qas": [
                        {
                            "id": "q1",
                            "question": "When was the policy changed?",
                            "type": "x",
                            "answers": [{"text": "May 1, 2015", "answer_start": 13}],
                        }
                    ],
                },
                {
                    "context": "We share data with advertisers.",
                    "qas": [
                        {
                            "id": "q2",
                            "question": "Who gets my data?",
                            "type": "x",
                            "answers": [{"text": "advertisers", "answer_start": 19}],
                        }
                    ],
                },
            ],
        },
        {"title": "Other Site", "paragraphs": [{"context": "No cookies.", "qas": []}]},
    ],
}


def test_gold_spans_index_the_policy_document_text():
    data = parse_policyqa(PAYLOAD, "test")
    assert [d.doc_id for d in data.documents] == ["policyqa-example-com", "policyqa-other-site"]
    doc = data.documents[0]
    for q in data.questions:
        ((start, end),) = q.spans
        assert doc.text[start:end] == q.answers[0]
    assert data.questions[1].id == "test:q2" and data.questions[1].doc_id == doc.doc_id


def test_a_span_that_does_not_match_its_paragraph_is_refused():
    bad = {
        "data": [
            {
                "title": "t",
                "paragraphs": [
                    {
                        "context": "abc",
                        "qas": [{"id": "q", "question": "?", "answers": [{"text": "zz", "answer_start": 0}]}],
                    }
                ],
            }
        ]
    }
    with pytest.raises(ValueError, match="does not match"):
        parse_policyqa(bad, "dev")


def test_span_coverage_and_relevance():
    assert span_coverage(0, 10, (5, 15)) == 0.5
    assert span_coverage(20, 30, (5, 15)) == 0.0
    assert span_coverage(0, 10, (3, 3)) == 0.0
    assert is_relevant(0, 10, [(5, 15)]) and not is_relevant(0, 9, [(5, 15)])
    q = PolicyQuestion("q", "?", "d", ((5, 15),), ("x",))
    chunks = [
        SimpleNamespace(chunk_id=c, doc_id=d, start=s, end=e)
        for c, d, s, e in [("a", "d", 0, 8), ("b", "d", 8, 20), ("c", "other", 0, 20)]
    ]
    assert relevance_of(chunks, q) == {"b": 1.0}


def test_scores_skip_questions_without_a_relevant_chunk():
    scores = score_rankings(
        {"q1": ["x", "a"], "q2": ["b"], "q3": ["z"]}, {"q1": {"a": 1.0}, "q2": {"b": 1.0}, "q3": {}}
    )
    assert scores["hit1"] == 0.5 and scores["hit5"] == 1.0 and scores["mrr10"] == 0.75


def test_the_sample_is_fixed_by_its_seed():
    qs = [PolicyQuestion(str(i), "?", "d", ((0, 1),), ("x",)) for i in range(50)]
    assert sample_questions(qs, 10) == sample_questions(qs, 10)
    assert len(sample_questions(qs, 10)) == 10 and sample_questions(qs, None) == qs


def test_answer_summary_counts_quotes_passages_and_abstentions():
    from bench.policyqa_answers import PolicyAnswer, Quote, summarize

    q = PolicyQuestion("q", "Who gets my data?", "d", ((100, 111),), ("advertisers",))
    quoting = PolicyAnswer("We share data with advertisers. [1]", (Quote(80, 200, 81, 112),), False, 10.0)
    near = PolicyAnswer("Cookies are used. [1]", (Quote(80, 200, 120, 150), Quote(300, 400, 300, 350)), False, 20.0)
    abstained = PolicyAnswer(
        "The indexed documents do not answer this question.", (), True, 30.0, evidence_retrieved=True
    )
    s = summarize([q, q, q], [quoting, near, abstained])
    assert s["quote_hit"] == pytest.approx(1 / 3)  # only the first answer quotes the span itself
    assert s["passage_hit"] == pytest.approx(2 / 3)
    assert s["citation_precision"] == pytest.approx(2 / 3)  # 2 of 3 citations point at a covering passage
    assert s["contains_answer"] == pytest.approx(1 / 3)
    assert s["abstained"] == pytest.approx(1 / 3)
    assert s["abstained_evidence_retrieved"] == pytest.approx(1 / 3) and s["evidence_retrieved"] == pytest.approx(1 / 3)
    assert s["p50_ms"] == 20.0
