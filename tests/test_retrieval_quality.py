"""Retrieval quality with the real packaged model (the default embedder) over real texts from ../shared/data:
the right citation unit ranks first for questions a researcher would ask."""

from __future__ import annotations

import pytest
from real_indexes import real_index

from index.settings import IndexSettings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def law_index(shared_data, model_home, tmp_path_factory):
    return real_index(
        tmp_path_factory.mktemp("quality") / "idx",
        [
            shared_data / "us_law_north_korea" / "22usc_ch99_north_korea_sanctions_and_policy_enhancement.txt",
            shared_data / "us_law_north_korea" / "22usc_ch85_north_korean_human_rights.txt",
            shared_data / "kr_law_inter_korean" / "inter_korean_cooperation_fund_act__act.md",
        ],
        embedder_name=IndexSettings().embedder,
        model_home=model_home,
    )  # the default embedder, as users get it


@pytest.mark.parametrize(
    "question, label",
    [
        ("denying visas to persons designated under the North Korea sanctions act", "22 U.S.C. § 9226"),
        ("Who appoints the Special Envoy on North Korean human rights?", "22 U.S.C. § 7817"),
        ("남북협력기금의 용도", "남북협력기금법 제8조"),
    ],
)
def test_right_unit_ranks_first(law_index, question, label):
    hits = law_index.search(question, k=5)
    assert hits[0].passage.label.startswith(label), [h.passage.label for h in hits]


def test_language_filter_keeps_the_right_unit_first(law_index):
    from index.types import Filters

    hits = law_index.search("Inter-Korean Cooperation Fund uses", k=3, filters=Filters(language=["ko"]))
    assert hits and all(h.passage.language == "ko" for h in hits)
    hits = law_index.search(
        "deny visas designated persons",
        k=3,
        filters=Filters(doc_id=["22usc_ch99_north_korea_sanctions_and_policy_enhancement"]),
    )
    assert hits[0].passage.label.startswith("22 U.S.C. § 9226"), [h.passage.label for h in hits]
