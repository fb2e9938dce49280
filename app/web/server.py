"""One server: the HTTP API routes (`/health`, `/search`, `/ask`, `/documents`) and the Gradio app at `/`.
The routes are thin adapters over `Services`; its errors become 4xx/5xx JSON bodies `{"detail": ...}`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Header, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.answer.types import Answer
from app.mcp_server import mount_mcp
from app.runtime import configure_process
from app.services import ServiceError, Services, TooLarge, repo_corpus_dir
from app.settings import Settings
from app.web import history, viewer
from app.web.api_docs import add_api_docs
from app.web.api_models import AskRequest, ErrorBody, HealthResponse, RemoveResponse, SearchRequest, SearchResponse
from app.web.assets import WORKSPACE_JS
from app.web.library_routes import add_library_routes
from app.web.security import add_request_guard, with_bind_host
from app.web.ui import CSS, build_ui
from index.types import DocumentInfo, IngestReport

log = logging.getLogger(__name__)

ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 401, 404, 413, 415, 422, 503)}


def create_api(services: Services) -> FastAPI:
    """The FastAPI app with the API routes only (the Gradio app is mounted by `create_app`)."""
    api = FastAPI(
        docs_url=None,
        redoc_url=None,
        title="policyqa",
        version="0.1.0",
        description="Cited answers and hybrid search over policy documents. Mutating routes need "
        "`Authorization: Bearer <token>` when POLICYQA_API_TOKEN is set.",
    )

    @api.exception_handler(ServiceError)
    async def service_error(_: Request, exc: ServiceError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse({"detail": str(exc)}, status_code=exc.status, headers=headers)

    @api.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": f"internal error ({type(exc).__name__}); see the server log"}, status_code=500)

    def require_token(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
        token = None
        if authorization and authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        services.check_token(token, request.client.host if request.client else None)

    max_mb = services.settings.server.max_upload_mb
    upload_limit = max_mb * 1024 * 1024
    add_request_guard(api, services.settings.server)

    @api.get("/health", response_model=HealthResponse, tags=["status"])
    def health() -> dict:
        """Index status and size; `status` is 'building' while the first index is built from corpus/."""
        return services.health()

    @api.post("/search", response_model=SearchResponse, responses=ERRORS, tags=["retrieval"])
    def search(body: SearchRequest) -> SearchResponse:
        """Hybrid (dense + BM25) search; hits carry the passage, its citation label and the scores."""
        return SearchResponse(hits=services.search(body.query, body.k, body.filters, body.mode))

    @api.post("/ask", response_model=Answer, responses=ERRORS, tags=["answers"])
    def ask(body: AskRequest) -> Answer:
        """A cited answer (or an abstention with the closest passages)."""
        return services.ask(body.question, body.history, body.filters, k=body.k, answerer=body.answerer)

    @api.get("/documents", response_model=list[DocumentInfo], responses=ERRORS, tags=["library"])
    def documents() -> list[DocumentInfo]:
        return services.documents()

    @api.post(
        "/documents",
        response_model=IngestReport,
        responses=ERRORS,
        tags=["library"],
        dependencies=[Depends(require_token)],
    )
    async def upload(
        files: Annotated[list[UploadFile], File(description="txt, md, html or pdf files")],
        force_duplicates: bool = False,
    ):
        """Store the files under <home>/library/ and index them; per-file errors are in the report's outcomes.
        A request may carry at most `max_upload_mb` MiB (413 beyond); other file types get 415. A file with the
        same text as an indexed document is reported as `duplicate` and not kept, unless `force_duplicates`."""
        for f in files:
            if f.size is not None and f.size > upload_limit:
                raise TooLarge(f"{f.filename}: larger than the {max_mb} MiB upload limit")
        return await run_in_threadpool(
            services.upload, [(f.filename or "upload", f.file) for f in files], force_duplicates=force_duplicates
        )

    @api.delete(
        "/documents/{doc_id}",
        response_model=RemoveResponse,
        responses=ERRORS,
        tags=["library"],
        dependencies=[Depends(require_token)],
    )
    def remove(doc_id: str) -> RemoveResponse:
        return RemoveResponse(removed=services.remove(doc_id))

    add_library_routes(api, services, require_token)
    api.include_router(viewer.router(services))
    api.include_router(history.router(services))
    add_api_docs(api)
    return api


def create_app(services: Services) -> FastAPI:
    """The API routes with the Gradio app mounted at `/` (routes registered first take precedence)."""
    import gradio as gr

    api = create_api(services)
    mount_mcp(api, services)  # streamable HTTP at /mcp, when the mcp extra is installed
    blocks = build_ui(services)
    return gr.mount_gradio_app(
        api,
        blocks,
        path="/",
        css=CSS,
        js=WORKSPACE_JS,
        footer_links=["api"],
        max_file_size=f"{services.settings.server.max_upload_mb}mb",
        show_error=True,
    )


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 7860,
    index_dir: Path | None = None,
    *,
    corpus_dir: Path | None = None,
) -> None:
    """Run the app: open the index (building it from `corpus_dir`, default the repo's corpus/, when it is
    absent — progress in the log and the UI) in the background and serve the API and the UI with uvicorn."""
    import uvicorn

    configure_process()
    if index_dir is not None:
        settings = settings.model_copy(update={"index_dir": Path(index_dir)})
    settings = with_bind_host(settings, host)
    services = Services(settings)
    services.start(corpus_dir if corpus_dir is not None else repo_corpus_dir())
    app = create_app(services)
    log.info("policyqa app on http://%s:%d/ (API docs at /docs), index %s", host, port, settings.resolved_index_dir())
    uvicorn.run(app, host=host, port=port, log_level="info")
