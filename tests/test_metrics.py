"""Metric math of the QA and bilingual benchmarks on hand-written inputs (no models, no index)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bench.bilingual import aggregate, evaluate, format_table, score_query
from bench.evalsets import AnswerQuestion, Relevant, RetrievalQuestion
from bench.qa import format_tables, run_answerer, top_passage_responder
from bench.qa_metrics import CitedPassage, QAOutcome, citation_supports, is_correct, summarize
from bench.relevance import (
    Unit,
    contains_evidence,
    matched_units,
    normalize_for_match,
    unit_hit_at_k,
    unit_mrr_at_k,
    unit_recall_at_k,
)

# ------------------------------------------------------------------ relevance


def test_normalisation_ignores_markup_quotes_space_and_case():
    norm = normalize_for_match("**①** 기금은  통일부장관이\n운용ㆍ관리한다.")
    assert "*" not in norm and "  " not in norm and "\n" not in norm
    assert norm == normalize_for_match("① 기금은 통일부장관이 운용ㆍ관리한다.")  # NFKC on both sides
    assert contains_evidence("**①** 기금은 통일부장관이 운용ㆍ관리한다.", "기금은 통일부장관이 운용ㆍ관리한다")
    assert normalize_for_match("North Korea\u2019s  LEADER") == "north korea's leader"
    assert normalize_for_match(r"  1\. 정부의 출연금") == "1. 정부의 출연금"
    assert contains_evidence("The President may waive, for renewable periods", "PRESIDENT may\nwaive")
    assert not contains_evidence("anything", "")
    assert not contains_evidence("The President may waive", "President may not waive")


def test_matched_units_needs_same_document_and_evidence():
    units = [Unit("a", "30 days"), Unit("b", "30 days"), Unit("a", "1 year")]
    assert matched_units("a", "between 30 days and 1 year", units) == {0, 2}
    assert matched_units("b", "between 30 days and 1 year", units) == {1}
    assert matched_units("c", "between 30 days and 1 year", units) == frozenset()
    assert matched_units("a", "between 30 and 1", units) == frozenset()


def test_unit_recall_mrr_hit():
    m = [frozenset(), frozenset({1}), frozenset(), frozenset({0, 1})]
    assert unit_recall_at_k(m, 2, 2) == 0.5
    assert unit_recall_at_k(m, 2, 4) == 1.0
    assert unit_recall_at_k(m, 0, 4) == 0.0
    assert unit_mrr_at_k(m, 10) == 0.5
    assert unit_mrr_at_k(m, 1) == 0.0
    assert unit_mrr_at_k([], 10) == 0.0
    assert unit_hit_at_k(m, 1) == 0.0 and unit_hit_at_k(m, 2) == 1.0


# ------------------------------------------------------------------ bilingual benchmark math


def _hit(doc_id: str, text: str):
    return SimpleNamespace(passage=SimpleNamespace(doc_id=doc_id, text=text, label=""))


def _rq(qid, group, *units):
    return RetrievalQuestion(
        id=qid,
        query=f"query {qid}",
        group=group,
        relevant=[Relevant(doc_id=d, label="L", evidence=e) for d, e in units],
    )


def test_score_query_ranks_and_recall():
    q = _rq("q1", "en_ko", ("fund", "기금은 통일부장관이"), ("fund", "일시차입금은"))
    hits = [
        _hit("other", "기금은 통일부장관이"),
        _hit("fund", "unrelated"),
        _hit("fund", "**②** 일시차입금은 상환"),
        _hit("fund", "x"),
        _hit("fund", "기금은 통일부장관이 운용"),
    ]
    r = score_query(q, hits)
    assert r.first_rank == 3 and r.mrr == pytest.approx(1 / 3)
    assert r.recall == 1.0  # both units within the top 5
    r4 = score_query(q, hits[:4])
    assert r4.recall == 0.5
    assert score_query(q, []).first_rank is None and score_query(q, []).mrr == 0.0


def test_evaluate_and_aggregate_per_group():
    qs = [_rq("a", "en_ko", ("d1", "alpha")), _rq("b", "ko_ko", ("d2", "beta")), _rq("c", "ko_ko", ("d3", "gamma"))]
    ranked = {"query a": [_hit("d1", "alpha")], "query b": [_hit("x", "y"), _hit("d2", "beta")], "query c": []}
    calls = []

    def search(query, k, mode):
        calls.append((query, k, mode))
        return ranked[query] if mode == "dense" else []

    results = evaluate(search, qs, modes=("dense", "lexical"))
    assert {c[1] for c in calls} == {10}
    agg = aggregate(results["dense"])
    assert agg["en_ko"] == {"n": 1, "recall@5": 1.0, "mrr@10": 1.0}
    assert agg["ko_ko"]["recall@5"] == 0.5 and agg["ko_ko"]["mrr@10"] == pytest.approx(0.25)
    assert agg["all"]["n"] == 3 and agg["all"]["mrr@10"] == pytest.approx(0.5)
    assert "ko_en" not in agg
    assert aggregate(results["lexical"])["all"]["recall@5"] == 0.0
    table = format_table([{"embedder": "minilm", "mode": "lexical", "groups": agg}])
    assert "bm25" in table and "en_ko R@5" in table and "ko_en" not in table and "0.250" in table


# ------------------------------------------------------------------ QA metrics


def test_is_correct_is_case_space_and_label_aware():
    assert is_correct("The waiver runs between 30 Days and 1 year [1].", [], ["30 days and 1 year"])
    assert is_correct("복수방문증명서의 유효기간은 5년이내로 하며", [], ["5년 이내"])
    assert is_correct("The Secretary of State may deny a visa [1].", ["22 U.S.C. § 9226"], ["9226"])
    assert not is_correct("The Secretary of State may deny a visa [1].", ["22 U.S.C. § 9227"], ["9226"])
    assert not is_correct("anything", [], [])
    assert not is_correct("anything", [], [" "])


def test_citation_supports_needs_gold_doc_and_evidence():
    units = [Unit("ch99", "between 30 days and 1 year")]
    assert citation_supports(CitedPassage("ch99", "may waive, for periods of between 30 days and 1 year"), units)
    assert not citation_supports(CitedPassage("ch85", "between 30 days and 1 year"), units)
    assert not citation_supports(CitedPassage("ch99", "between 30 days"), units)


def _o(qid, group, answerable, text="", cites=(), abstained=False, ms=10.0, golds=("gold",)):
    units = (Unit("d", "evidence"),) if answerable else ()
    return QAOutcome(qid, group, answerable, golds if answerable else (), units, text, tuple(cites), abstained, ms)


def test_summarize_hand_computed():
    good = CitedPassage("d", "has the evidence here", "L1")
    wrong_doc = CitedPassage("e", "has the evidence here", "L2")
    outcomes = [
        _o("1", "en", True, "the gold answer", [good], ms=10),  # correct, 1 good citation
        _o("2", "en", True, "no", [good, wrong_doc], ms=20),  # wrong, 1 of 2 citations good
        _o("3", "ko", True, abstained=True, ms=30),  # false abstention (counts as wrong)
        _o("4", "none", False, abstained=True, ms=40),  # correct abstention
        _o("5", "none", False, "made up", [wrong_doc], ms=50),  # missed abstention; its citation not counted
    ]
    s = summarize(outcomes)
    assert s["accuracy"] == pytest.approx(1 / 3)
    assert s["accuracy_when_answered"] == pytest.approx(1 / 2)
    assert s["citations"] == 3
    assert s["citation_precision"] == pytest.approx(2 / 3)
    assert s["citation_doc_precision"] == pytest.approx(2 / 3)
    assert s["abstention_precision"] == pytest.approx(1 / 2)
    assert s["abstention_recall"] == pytest.approx(1 / 2)
    assert s["false_abstention_rate"] == pytest.approx(1 / 3)
    assert s["latency_p50_ms"] == 30 and s["latency_p95_ms"] == pytest.approx(48)
    assert s["groups"]["en"] == {"n": 2, "accuracy": 0.5}
    assert s["groups"]["ko"] == {"n": 1, "accuracy": 0.0}
    assert s["groups"]["none"] == {"n": 2, "abstained": 0.5}


def test_summarize_never_abstaining_has_undefined_precision():
    s = summarize([_o("1", "en", True, "gold"), _o("2", "none", False, "guess")])
    assert s["abstention_precision"] is None and s["abstention_recall"] == 0.0 and s["accuracy"] == 1.0
    assert "n/a" in format_tables({"top-passage": s})


def test_run_answerer_warms_up_and_times_every_question():
    qs = [
        AnswerQuestion(
            id=f"q{i}",
            question=f"question {i}?",
            group="en_factoid",
            answers=["x"],
            evidence=[{"doc_id": "d", "text": "xyz", "label": "L"}],
            answerable=True,
        )
        for i in range(3)
    ]
    asked = []

    def respond(question):
        asked.append(question)
        return "x marks it", [CitedPassage("d", "xyz", "L")], False

    outcomes = run_answerer(respond, qs, warmup=2)
    assert asked == ["question 0?", "question 1?", "question 0?", "question 1?", "question 2?"]
    assert [o.qid for o in outcomes] == ["q0", "q1", "q2"] and all(o.ms >= 0 for o in outcomes)
    assert summarize(outcomes)["accuracy"] == 1.0 and summarize(outcomes)["citation_precision"] == 1.0


def test_top_passage_baseline_answers_with_the_first_hit():
    passage = SimpleNamespace(doc_id="d", text="top text", label="§ 1")

    class FakeIndex:
        def search(self, query, k=10):
            return [SimpleNamespace(passage=passage)] if query != "empty" else []

    respond = top_passage_responder(FakeIndex(), k=5)
    assert respond("q") == ("top text", [CitedPassage("d", "top text", "§ 1")], False)
    assert respond("empty") == ("", [], True)


def test_bilingual_run_covers_every_embedder_and_mode():
    from app.settings import Settings
    from bench.bilingual import run

    qs = [_rq("a", "en_ko", ("d1", "alpha")), _rq("b", "ko_en", ("d2", "beta"))]

    class FakeIndex:
        def __init__(self, good: bool):
            self.good = good

        def __len__(self):
            return 2

        def search(self, query, k=10, mode="hybrid"):
            if self.good and mode != "lexical":
                return [_hit("d1", "alpha"), _hit("d2", "beta")]
            return [_hit("zz", "nothing")]

    result = run(["good", "bad"], settings=Settings(), questions=qs, index_for=lambda name: FakeIndex(name == "good"))
    rows = {(r["embedder"], r["mode"]): r["groups"]["all"] for r in result["rows"]}
    assert set(rows) == {(e, m) for e in ("good", "bad") for m in ("dense", "lexical", "hybrid")}
    assert rows[("good", "dense")]["recall@5"] == 1.0 and rows[("good", "dense")]["mrr@10"] == pytest.approx(0.75)
    assert rows[("good", "lexical")]["recall@5"] == 0.0 and rows[("bad", "hybrid")]["mrr@10"] == 0.0
    assert result["per_query_first_relevant_rank"]["good/hybrid"] == {"a": 1, "b": 2}
