"""Benchmark helpers: the memoising embedder reuses vectors stored in other indexes of the same embedder."""

from __future__ import annotations

import numpy as np
from fakes import FakeEmbedder, make_doc, paragraph_chunker, shared_tokenizer

from bench.common import MemoEmbedder
from index.index import Index
from index.settings import IndexSettings


def _index(root, embedder):
    index = Index.create(
        root,
        embedder=embedder,
        chunker=paragraph_chunker,
        tokenizer=shared_tokenizer(),
        settings=IndexSettings(embedder=embedder.name),
    )
    index.add_documents([make_doc("a", "Visa denial for designated persons.\n\nBlocked assets.")])
    return index


def test_memo_embedder_reuses_vectors_of_indexes_built_with_the_same_embedder(tmp_path):
    _index(tmp_path / "same", FakeEmbedder())
    _index(tmp_path / "other", FakeEmbedder(dim=32, name="other"))
    inner = FakeEmbedder()
    memo = MemoEmbedder(inner)
    assert memo.seed_from_indexes([tmp_path / "same", tmp_path / "other", tmp_path / "missing"]) == 2
    vectors = memo.encode_passages(["Blocked assets.", "Visa denial for designated persons.", "New text."])
    assert inner.embedded == ["New text."]  # only the unseen text reaches the model
    np.testing.assert_allclose(vectors[0], inner._vector("Blocked assets."), atol=1e-6)
