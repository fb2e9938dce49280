"""The ingest pipeline beyond the embedder: length-sorted embedding batches (less padding) that still give every
row its own vector, and the neighbour-window BM25 built per document (also after a re-tokenising open)."""

from __future__ import annotations

import numpy as np
from fakes import FakeEmbedder, make_doc, paragraph_chunker, shared_tokenizer

from index.index import Index
from index.settings import IndexSettings


def _docs():
    return [
        make_doc(
            "a",
            "Short.\n\n"
            + "A much longer paragraph about visa denial for designated persons " * 3
            + "\n\nMedium paragraph on blocked assets.",
        ),
        make_doc("b", "Tiny.\n\n" + "Another long paragraph about humanitarian exemptions and licences " * 2),
    ]


def test_batches_are_sorted_by_length_and_vectors_stay_with_their_rows(tmp_path):
    emb = FakeEmbedder()
    index = Index.create(
        tmp_path / "idx",
        embedder=emb,
        chunker=paragraph_chunker,
        tokenizer=shared_tokenizer(),
        settings=IndexSettings(embedder="fake", batch_size=2),
    )
    index.add_documents(_docs())
    lengths = [len(t) for t in emb.embedded]
    assert lengths == sorted(lengths, reverse=True)
    assert max(len(call) for call in emb.passage_calls) == 2
    state = index._state
    for r, row in enumerate(state.table.rows):
        np.testing.assert_allclose(state.vectors[r], FakeEmbedder()._vector(row["text"]), atol=1e-6)


def test_bm25_neighbour_window_is_built_per_document(tmp_path):
    index = Index.create(
        tmp_path / "idx",
        embedder=FakeEmbedder(),
        chunker=paragraph_chunker,
        tokenizer=shared_tokenizer(),
        settings=IndexSettings(embedder="fake"),
    )
    index.add_documents(_docs())
    lexical = index._state.lexical
    assert lexical.neighbour_weight > 0
    hits = index.search("blocked assets visa", k=3, mode="lexical")
    # the 'assets' paragraph of doc a also sees the visa paragraph before it
    assert hits[0].passage.text.startswith("Medium paragraph")
    reopened = Index.open(
        tmp_path / "idx", embedder=FakeEmbedder(), tokenizer=shared_tokenizer(), chunker=paragraph_chunker
    )
    np.testing.assert_allclose(reopened._state.lexical.scores(["asset"]), lexical.scores(["asset"]))
    assert reopened._state.lexical.neighbour_weight == lexical.neighbour_weight
