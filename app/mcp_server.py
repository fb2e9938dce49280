"""policyqa as an MCP server (the official `mcp` SDK, `pip install 'policyqa[mcp]'`), for AI assistants.

Tools: `search`, `ask`, `list_documents`, `get_passage`. Each result is structured data; passages and citations
carry their citation label, the document's title and the span (character offsets and text) they rest on.
Transports: stdio (`policyqa mcp`) and streamable HTTP, mounted by the HTTP server at `/mcp` (`mount_mcp`)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from pydantic import BaseModel, Field

from app.answer.types import Citation
from app.services import ServiceError, Services
from app.web.cards import document_url
from index.types import DocumentInfo, Filters, Passage

log = logging.getLogger(__name__)

INSTRUCTIONS = (
    "Search and question a library of policy documents (laws, executive orders, transcripts, articles; English "
    "and Korean). `ask` returns an extractive answer whose sentences quote the cited passages, or an abstention "
    "with the closest passages; `search` returns ranked passages. Quote the citation labels when you use them."
)


class CitedPassage(BaseModel):
    """A passage with what is needed to cite it."""

    n: int | None = Field(None, description="The answer's marker number [n] (citations only)")
    chunk_id: str = Field(description="Passage id; `get_passage` takes it")
    doc_id: str
    label: str = Field(description="Citation label, e.g. '22 U.S.C. § 9214(b)'")
    title: str = Field(description="The document's title")
    doc_type: str
    date: str | None = None
    page: int | None = None
    section: str | None = None
    text: str = Field(description="The passage text")
    span_start: int = Field(description="Start of the cited span within `text`")
    span_end: int = Field(description="End of the cited span within `text`")
    span: str = Field(description="text[span_start:span_end]: what the citation rests on")
    score: float | None = Field(None, description="Search score (search results only)")
    viewer_path: str = Field(description="Path of the document viewer at this passage on the policyqa server")


class SearchResult(BaseModel):
    query: str
    hits: list[CitedPassage]


class AskResult(BaseModel):
    question: str
    answer: str = Field(description="The answer text with [n] citation markers")
    abstained: bool = Field(description="True when the documents do not answer the question")
    citations: list[CitedPassage] = Field(description="The numbered citations of the answer")
    closest: list[CitedPassage] = Field(description="When abstaining: the closest passages (not an answer)")


class DocumentList(BaseModel):
    documents: list[DocumentInfo]


def from_citation(c: Citation) -> CitedPassage:
    return CitedPassage(
        n=c.n,
        chunk_id=c.chunk_id,
        doc_id=c.doc_id,
        label=c.label,
        title=c.title,
        doc_type=c.doc_type,
        date=c.date,
        page=c.page,
        section=c.section,
        text=c.text,
        span_start=c.span_start,
        span_end=c.span_end,
        span=c.span,
        viewer_path=document_url(c.doc_id, c.chunk_id, [(c.span_start, c.span_end)]),
    )


def from_passage(p: Passage, score: float | None = None) -> CitedPassage:
    return CitedPassage(
        chunk_id=p.chunk_id,
        doc_id=p.doc_id,
        label=p.label,
        title=p.title,
        doc_type=p.doc_type,
        date=p.date,
        page=p.page,
        section=p.section,
        text=p.text,
        span_start=0,
        span_end=len(p.text),
        span=p.text,
        score=score,
        viewer_path=document_url(p.doc_id, p.chunk_id),
    )


def _filters(doc_types: list[str] | None, languages: list[str] | None, doc_ids: list[str] | None) -> Filters | None:
    filters = Filters(doc_type=doc_types or None, language=languages or None, doc_id=doc_ids or None)
    return None if filters.is_empty() else filters


def build_server(services: Services) -> Any:
    """The MCP server over `services` (its tools call the same `Services` methods as the HTTP routes)."""
    from mcp.server import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer("policyqa", instructions=INSTRUCTIONS)

    def checked(call: Any) -> Any:
        try:
            return call()
        except ServiceError as exc:  # a clear message for the assistant, not a stack trace
            raise ToolError(str(exc)) from exc

    @server.tool()
    def search(
        query: str,
        k: int = 5,
        doc_types: list[str] | None = None,
        languages: list[str] | None = None,
        doc_ids: list[str] | None = None,
    ) -> SearchResult:
        """Hybrid (meaning + keyword) search of the library. Returns ranked passages with their citation label,
        document title and text. doc_types: law, executive_order, transcript, article, other; languages: en, ko."""
        hits = checked(lambda: services.search(query, k, _filters(doc_types, languages, doc_ids)))
        return SearchResult(query=query, hits=[from_passage(h.passage, h.score) for h in hits])

    @server.tool()
    def ask(
        question: str,
        doc_types: list[str] | None = None,
        languages: list[str] | None = None,
        doc_ids: list[str] | None = None,
    ) -> AskResult:
        """Answer a question from the library, in English or Korean. The answer quotes the documents; each
        citation gives its label, title and the exact span quoted. When the documents do not answer, `abstained`
        is true and `closest` lists the nearest passages (which do not answer)."""
        answer = checked(lambda: services.ask(question, (), _filters(doc_types, languages, doc_ids)))
        return AskResult(
            question=question,
            answer=answer.text,
            abstained=answer.abstained,
            citations=[from_citation(c) for c in answer.citations],
            closest=[from_citation(c) for c in answer.closest],
        )

    @server.tool()
    def list_documents() -> DocumentList:
        """Every document in the library: id, title, type, date, language and number of passages."""
        return DocumentList(documents=checked(services.documents))

    @server.tool()
    def get_passage(chunk_id: str) -> CitedPassage:
        """One passage by its chunk_id (from `search` or `ask`), with its citation label and title."""
        return from_passage(checked(lambda: services.passage(chunk_id)))

    return server


def mount_mcp(api: Any, services: Services, *, path: str = "/mcp", host: str = "127.0.0.1") -> bool:
    """Serve the MCP server over streamable HTTP at `path` of the FastAPI app `api` (before the Gradio app is
    mounted), running its session manager in the app's lifespan. False (logged) when `mcp` is not installed."""
    try:
        server = build_server(services)
    except ImportError:
        log.info("MCP over HTTP is off: install the mcp extra (pip install 'policyqa[mcp]')")
        return False
    app = server.streamable_http_app(streamable_http_path=path, host=host)
    api.router.routes.extend(app.routes)
    previous = api.router.lifespan_context
    manager = server.session_manager

    @contextlib.asynccontextmanager
    async def lifespan(app_: Any) -> AsyncIterator[Any]:
        async with manager.run():
            async with previous(app_) as state:
                yield state

    api.router.lifespan_context = lifespan
    return True


def run_stdio(services: Services) -> None:
    """Serve over stdio until the client closes it (the index is opened first)."""
    services.open(None)
    build_server(services).run("stdio")
