"""The LangChain BaseRetriever adapter over an Index."""

from __future__ import annotations

from fakes import FakeEmbedder, make_doc, paragraph_chunker, shared_tokenizer
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever

from index.index import Index
from index.langchain import PolicyQARetriever
from index.types import Filters


def test_retriever_returns_documents_with_citation_metadata(tmp_path):
    index = Index.create(
        tmp_path / "idx", embedder=FakeEmbedder(), chunker=paragraph_chunker, tokenizer=shared_tokenizer()
    )
    index.add_documents(
        [
            make_doc(
                "visa_act",
                "Deny visas to designated persons.\n\nBlock their assets.",
                doc_type="law",
                date="2016-02-18",
            ),
            make_doc("memo", "A memo on humanitarian exemptions.", doc_type="article"),
        ]
    )
    retriever = PolicyQARetriever(index=index, k=2)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("visas for designated persons")
    assert len(docs) == 2 and all(isinstance(d, LCDocument) for d in docs)
    top = docs[0]
    assert top.page_content == "Deny visas to designated persons."
    md = top.metadata
    assert md["chunk_id"] == "visa_act@0" and md["doc_id"] == "visa_act" and md["label"] == "Visa Act, ¶1"
    assert md["doc_type"] == "law" and md["date"] == "2016-02-18" and md["rank"] == 1
    assert md["score"] > docs[1].metadata["score"] and "text" not in md
    filtered = PolicyQARetriever(index=index, k=5, filters=Filters(doc_type=["article"]), mode="lexical")
    assert [d.metadata["doc_id"] for d in filtered.invoke("humanitarian exemptions")] == ["memo"]
