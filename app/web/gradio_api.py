"""The Gradio app's public API (what `gradio_client` sees): `/ask` and `/search`, returning the same structured
records as the HTTP API (answers with their citations, hits with their passages). Every UI event is private."""

from __future__ import annotations

from typing import Any

from app.services import Services


def register(gr: Any, services: Services) -> None:
    """Add the `ask` and `search` endpoints to the Blocks being built (call inside `with gr.Blocks()`)."""

    def ask(question: str, k: int = 0) -> dict:
        """A cited answer (or an abstention with the closest passages): the text, its sentences, and the citations
        with label, title, date, page, passage text and the supporting span."""
        return services.ask(question, k=int(k) or None).model_dump()

    def search(query: str, k: int = 10) -> list[dict]:
        """Hybrid search: ranked hits with the passage, its citation label and the scores."""
        return [hit.model_dump() for hit in services.search(query, int(k) or 10)]

    gr.api(ask, api_name="ask", concurrency_limit=2)
    gr.api(search, api_name="search", concurrency_limit=2)
