import math

import pytest

from bench.metrics import hit_at_k, mrr_at_k, ndcg_at_k, percentile, recall_at_k


def test_ndcg_perfect_and_shifted():
    rel = {"a": 1, "b": 1}
    assert ndcg_at_k(["a", "b", "c"], rel) == pytest.approx(1.0)
    # one relevant at rank 2 only: dcg = 1/log2(3); idcg = 1 + 1/log2(3)
    expected = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(["x", "a", "y"], rel) == pytest.approx(expected)
    assert ndcg_at_k(["x", "y"], rel) == 0.0
    assert ndcg_at_k(["a"], {}) == 0.0


def test_ndcg_graded_and_cutoff():
    rel = {"a": 2, "b": 1}
    assert ndcg_at_k(["b", "a"], rel) < ndcg_at_k(["a", "b"], rel) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "a"], rel, k=1) == 0.0


def test_recall_mrr_hit():
    rel = {"a": 1, "b": 1, "c": 0}
    assert recall_at_k(["a", "c", "x"], rel, 2) == 0.5
    assert recall_at_k(["a", "b"], rel, 2) == 1.0
    assert mrr_at_k(["x", "c", "b"], rel, 10) == pytest.approx(1 / 3)
    assert mrr_at_k(["x", "y", "b"], rel, 2) == 0.0
    assert hit_at_k(["x", "a"], rel, 2) == 1.0 and hit_at_k(["x", "a"], rel, 1) == 0.0


def test_percentile():
    assert percentile([1, 2, 3, 4], 50) == pytest.approx(2.5)
    assert percentile([5], 95) == 5
    assert percentile([], 50) == 0.0
