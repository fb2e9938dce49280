"""Fusion functions on hand-written rankings (no models)."""

from __future__ import annotations

import pytest

from index.retrieval.fusion import convex, language_fair_ranks, minmax, rrf, zscore


def ids(fused):
    return [i for i, _ in fused]


def test_rrf_scores_are_reciprocal_ranks():
    fused = dict(rrf(["a", "b", "c"], ["b", "c"], k=60))
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["c"] == pytest.approx(1 / 63 + 1 / 62)
    assert ids(rrf(["a", "b", "c"], ["b", "c"], k=60)) == ["b", "c", "a"]


def test_rrf_weights_shift_the_order():
    dense, lexical = ["x", "y"], ["y", "x"]
    assert ids(rrf(dense, lexical, weights=[3.0, 1.0]))[0] == "x"
    assert ids(rrf(dense, lexical, weights=[1.0, 3.0]))[0] == "y"
    with pytest.raises(ValueError, match="2 weights for 3"):
        rrf(dense, lexical, dense, weights=[1, 1])
    with pytest.raises(ValueError, match="non-negative"):
        rrf(dense, lexical, weights=[1, -1])


def test_rrf_keeps_the_best_rank_of_a_duplicated_id():
    assert dict(rrf(["a", "b", "a"], k=1))["a"] == pytest.approx(1 / 2)


# An English question about a Korean statute. Dense (multilingual) ranks the Korean article `ko_art8` first;
# BM25 cannot see Korean text and ranks English chunks that share keywords ("inter-korean", "fund").
DENSE = ["ko_art8", "en_a", "en_b", "en_c", "ko_art9"]
LEXICAL = ["en_a", "en_b", "en_d", "en_c"]
BLIND = {"ko_art8", "ko_art9"}  # written in a language the query has no tokens in


def test_plain_rrf_lets_keyword_matches_drown_the_cross_lingual_match():
    assert ids(rrf(DENSE, LEXICAL))[0] == "en_a"  # the failure the abstain rule fixes


def test_rrf_with_abstention_keeps_the_cross_lingual_dense_match_first():
    fused = rrf(DENSE, LEXICAL, abstain=[None, BLIND])
    assert ids(fused)[0] == "ko_art8"
    scores = dict(fused)
    assert scores["ko_art8"] == pytest.approx(2 / 61)  # dense alone, re-weighted to the full weight
    assert scores["en_a"] == pytest.approx(1 / 62 + 1 / 61)  # same-language chunks are scored as before
    assert scores["ko_art9"] == pytest.approx(2 / 65)


def test_abstention_does_not_help_a_weak_cross_lingual_match():
    # the Korean chunk is only 4th for dense; same-language chunks ranked by both retrievers stay ahead
    fused = ids(rrf(["en_a", "en_b", "en_c", "ko_x"], ["en_a", "en_b", "en_c"], abstain=[None, {"ko_x"}]))
    assert fused.index("ko_x") == 3


def test_abstention_only_applies_to_ids_a_retriever_could_not_judge():
    # "en_z" was judgeable by BM25 but not retrieved: it is a miss, not an abstention
    fused = dict(rrf(["en_z", "en_a"], ["en_a"], abstain=[None, set()]))
    assert fused["en_z"] == pytest.approx(1 / 61)


def test_minmax_and_zscore():
    assert minmax({"a": 2.0, "b": 4.0, "c": 3.0}) == {"a": 0.0, "b": 1.0, "c": 0.5}
    assert minmax({"a": 5.0}) == {"a": 1.0}
    assert minmax({}) == {}
    z = zscore({"a": 1.0, "b": 2.0, "c": 3.0})
    assert z["b"] == pytest.approx(0.5) and 0 < z["a"] < z["b"] < z["c"] < 1


def test_convex_combination_and_cross_lingual_abstention():
    dense = {"ko_art8": 0.86, "en_a": 0.80, "en_b": 0.70}
    lexical = {"en_a": 12.0, "en_b": 9.0}
    plain = convex(dense, lexical, weights=[0.5, 0.5])
    assert ids(plain)[0] == "en_a"
    fair = convex(dense, lexical, weights=[0.5, 0.5], abstain=[None, {"ko_art8"}])
    assert ids(fair)[0] == "ko_art8"
    assert dict(fair)["ko_art8"] == pytest.approx(1.0)  # its dense score is the best: normalised 1.0, weight 1.0
    assert ids(convex(dense, lexical, weights=[0.5, 0.5], norm="zscore", abstain=[None, {"ko_art8"}]))[0] == "ko_art8"


def test_rrf_rejects_bad_k():
    with pytest.raises(ValueError):
        rrf(["a"], k=0)


def test_abstain_credit_interpolates_between_a_miss_and_full_credit():
    assert rrf(DENSE, LEXICAL, abstain=[None, BLIND], abstain_credit=0.0) == rrf(DENSE, LEXICAL)
    partial = dict(rrf(DENSE, LEXICAL, abstain=[None, BLIND], abstain_credit=0.5))
    assert partial["ko_art8"] == pytest.approx(1.5 / 61)
    assert partial["en_a"] == pytest.approx(1 / 62 + 1 / 61)  # judged by both: unaffected
    with pytest.raises(ValueError, match="abstain_credit"):
        rrf(DENSE, LEXICAL, abstain=[None, BLIND], abstain_credit=1.5)


def test_rrf_takes_explicit_ranks():
    fused = dict(rrf({"a": 1, "b": 1, "c": 3}, ["b"], k=60))
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(2 / 61)
    assert fused["c"] == pytest.approx(1 / 63)


def test_language_fair_ranks_lift_a_close_other_language_candidate_only():
    # an English query: five English passages, then the best Korean one (close), then a distant Korean one
    langs = ["en", "en", "en", "ko", "en", "en", "ko"]
    scores = [0.86, 0.85, 0.84, 0.83, 0.82, 0.81, 0.70]
    ranks = language_fair_ranks(langs, scores, {"en"}, margin=0.06)
    assert ranks == [1, 2, 3, 1, 5, 6, 7]  # the close Korean passage is ranked within Korean; the distant one is not
    assert language_fair_ranks(langs, scores, {"en"}, margin=0.0) == [1, 2, 3, 4, 5, 6, 7]
    # an other-language passage already ahead keeps its place and pushes the query language's passages down
    assert language_fair_ranks(["ko", "en", "en"], [0.9, 0.8, 0.7], {"en"}, margin=0.06) == [1, 2, 3]
    # a query with words in both languages treats both as its own
    assert language_fair_ranks(langs, scores, {"en", "ko"}, margin=0.06) == [1, 2, 3, 4, 5, 6, 7]
    with pytest.raises(ValueError):
        language_fair_ranks(["en"], [0.1, 0.2], {"en"}, margin=0.06)
