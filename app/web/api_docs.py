"""`/docs` (Swagger UI) and `/redoc` served with their scripts and styles from a local package (fastapi-offline
ships them), so the API documentation works without any outside network."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse

ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")
PREFIX = "/api-docs-assets"


def assets_dir() -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


def add_api_docs(app: FastAPI) -> None:
    """Add `/docs` and `/redoc` to an app created with `docs_url=None, redoc_url=None`."""
    folder = assets_dir()
    router = APIRouter(include_in_schema=False)
    title = f"{app.title} — API"

    @router.get("/docs", response_class=HTMLResponse)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=title,
            swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{PREFIX}/favicon.png",
            oauth2_redirect_url="/docs/oauth2-redirect",
        )

    @router.get("/docs/oauth2-redirect", response_class=HTMLResponse)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @router.get("/redoc", response_class=HTMLResponse)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=title,
            redoc_js_url=f"{PREFIX}/redoc.standalone.js",
            redoc_favicon_url=f"{PREFIX}/favicon.png",
            with_google_fonts=False,
        )

    @router.get(PREFIX + "/{name}")
    def asset(name: str) -> FileResponse:
        if name not in ASSETS:
            from app.services import NotFound

            raise NotFound(f"no asset {name!r}")
        return FileResponse(folder / name)

    app.include_router(router)
