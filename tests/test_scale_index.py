"""Memory-bounded index building: batched BM25 tokens, the block-wise BM25 matrix, the IVF dense index."""

from __future__ import annotations

import numpy as np
import pytest

import index.retrieval.lexical as lexical
from index.retrieval.dense import DenseIndex, choose_kind, exact_scan, ivf_lists
from index.retrieval.tokens import TokenRows, TokenRowsBuilder, tokenize_rows


def _corpus(rows: int = 600, seed: int = 0) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    return [[f"w{x}" for x in rng.integers(0, 200, rng.integers(0, 30))] for _ in range(rows)]


def test_token_builder_matches_extend_and_keeps_the_vocabulary_order() -> None:
    lists = _corpus(50)
    builder = TokenRowsBuilder(["w3"])
    builder.add(lists[:20])
    builder.add(lists[20:])
    built = builder.build()
    assert built.vocab[0] == "w3"
    assert built.ids.dtype == np.int32 and len(built) == 50
    assert [built.tokens(i) for i in range(50)] == lists
    assert [TokenRows.empty(["w3"]).extend(lists).tokens(i) for i in range(50)] == lists


def test_tokenize_rows_batches_give_the_same_rows() -> None:
    texts = [" ".join(t) for t in _corpus(40)]
    split = str.split

    def tokenize_many(batch: list[str]) -> list[list[str]]:
        return [split(t) for t in batch]

    one = tokenize_rows(texts, tokenize_many, [], batch=1000)
    many = tokenize_rows(texts, tokenize_many, [], batch=3)
    assert one.vocab == many.vocab
    assert np.array_equal(one.ids, many.ids) and np.array_equal(one.offsets, many.offsets)


def test_take_in_blocks_equals_take_at_once() -> None:
    rows = TokenRows.from_lists(_corpus(300))
    pick = np.random.default_rng(1).integers(0, 300, 500)
    a, b = rows.take(pick), rows.take(pick, block=7)
    assert np.array_equal(a.ids, b.ids) and np.array_equal(a.offsets, b.offsets)
    assert [a.tokens(i) for i in range(len(pick))] == [rows.tokens(int(r)) for r in pick]
    assert rows.is_identity(np.arange(300)) and not rows.is_identity(pick)


def test_block_wise_bm25_equals_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = _corpus(600)
    groups = np.repeat(np.arange(60), 10)
    whole = lexical.LexicalIndex.build(docs, groups=groups)
    monkeypatch.setattr(lexical, "BUILD_BLOCK_ROWS", 37)
    blocks = lexical.LexicalIndex.build(docs, groups=groups)
    for a, b in ((whole._bm25, blocks._bm25), (whole._window, blocks._window)):
        assert a is not None and b is not None
        for key in ("data", "indices", "indptr"):
            assert np.array_equal(a.scores[key], b.scores[key]), key
    query = ["w1", "w17", "w150"]
    assert np.array_equal(whole.scores(query), blocks.scores(query))


def _clustered(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, dim))
    v = centres[rng.integers(0, 40, n)] + 0.6 * rng.standard_normal((n, dim))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_ivf_above_threshold_finds_the_exact_neighbours_and_round_trips(tmp_path) -> None:
    vectors = _clustered(6000)
    ids = np.arange(6000, dtype=np.int64) * 3 + 5  # ids are not row numbers
    assert choose_kind(6000, 5000) == "ivf" and choose_kind(5000, 5000) == "flat"
    dense = DenseIndex.build(vectors, ids, "ivf", 32)
    assert len(dense) == 6000 and ivf_lists(6000) == 77
    queries = _clustered(50, seed=9)
    hits = 0
    for q in queries:
        rows, _ = exact_scan(vectors, np.arange(6000), q, 10)
        found = dense.search(q, 10).ids
        hits += len(set(found.tolist()) & set(ids[rows].tolist()))
    assert hits / 500 >= 0.95
    dense.save(tmp_path / "faiss.index")
    loaded = DenseIndex.load(tmp_path / "faiss.index", "ivf", 32)
    assert np.array_equal(loaded.search(queries[0], 10).ids, dense.search(queries[0], 10).ids)
    # removal in place, and a filter restricts the results
    assert loaded.can_remove
    gone = loaded.search(queries[0], 3).ids
    loaded.remove(gone)
    assert len(loaded) == 6000 - 3 and not set(gone.tolist()) & set(loaded.search(queries[0], 10).ids.tolist())
    allowed = ids[:3000]
    assert set(loaded.search(queries[1], 10, allowed_ids=allowed).ids.tolist()) <= set(allowed.tolist())


def test_ivf_cannot_be_created_empty() -> None:
    with pytest.raises(ValueError, match="built from its vectors"):
        DenseIndex.empty(8, "ivf")
