"""LangChain adapter: `PolicyQARetriever(index=Index.open(path), k=5)` is a langchain-core `BaseRetriever`.

retriever = PolicyQARetriever(index=index, k=5, filters=Filters(language=["ko"]))
docs = retriever.invoke("What may the Inter-Korean Cooperation Fund be spent on?")
docs[0].metadata["label"]  # '남북협력기금법 제8조'
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from index.types import Filters, Hit


def hit_to_document(hit: Hit) -> LCDocument:
    p = hit.passage
    metadata: dict[str, Any] = p.model_dump(exclude={"text"})
    metadata.update(
        score=hit.score,
        rank=hit.rank,
        dense_score=hit.dense_score,
        lexical_score=hit.lexical_score,
        rerank_score=hit.rerank_score,
    )
    return LCDocument(page_content=p.text, metadata=metadata, id=p.chunk_id)


class PolicyQARetriever(BaseRetriever):
    """Retrieves cited passages from a policyqa `Index` (hybrid dense + BM25 by default)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any = Field(description="An open index.index.Index")
    k: int = Field(5, ge=1, description="Passages per query")
    filters: Filters | None = Field(None, description="Metadata filters applied before ranking")
    mode: str = Field("hybrid", description="'hybrid', 'dense' or 'lexical'")

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        hits = self.index.search(query, k=self.k, filters=self.filters, mode=self.mode)
        return [hit_to_document(h) for h in hits]
