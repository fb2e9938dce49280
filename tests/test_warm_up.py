"""`Index.warm_up` loads what the first query would wait for: the Korean analyser (seconds) and the embedder."""

from __future__ import annotations

from fakes import FakeEmbedder, make_doc, paragraph_chunker

from index.index import Index
from index.retrieval.tokenize import LexicalTokenizer


def test_warm_up_loads_the_korean_analyser_before_the_first_korean_query(tmp_path):
    tokenizer = LexicalTokenizer()  # a fresh one: Kiwi not loaded yet
    embedder = FakeEmbedder()
    index = Index.create(tmp_path / "idx", embedder=embedder, chunker=paragraph_chunker, tokenizer=tokenizer)
    index.add_documents([make_doc("a", "Sanctions on coal.\n\n남북협력기금의 용도.")])
    fresh = Index.open(tmp_path / "idx", embedder=embedder, tokenizer=LexicalTokenizer())
    assert fresh.tokenizer._kiwi is None
    seconds = fresh.warm_up()
    assert fresh.tokenizer._kiwi is not None and seconds > 0
    assert embedder.query_calls  # the embedder ran once
    assert fresh.search("남북협력기금", k=1)[0].passage.doc_id == "a"
