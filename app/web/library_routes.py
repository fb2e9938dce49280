"""HTTP routes for a librarian's corrections: ``PATCH /documents/{doc_id}`` (title, date, type, aliases)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, FastAPI

from app.library import MetadataEdit
from app.services import Services
from index.types import FileOutcome


def add_library_routes(api: FastAPI, services: Services, require_token: Callable[..., None]) -> None:
    errors = {code: {"description": "see `detail`"} for code in (400, 401, 404, 422, 503)}

    @api.patch(
        "/documents/{doc_id}",
        response_model=FileOutcome,
        responses=errors,  # type: ignore[arg-type]
        tags=["library"],
        dependencies=[Depends(require_token)],
    )
    def edit_document(doc_id: str, body: MetadataEdit) -> FileOutcome:
        """Correct the document's title, date, doc_type or aliases. The corrections are kept in a sidecar beside
        its file (`NAME.meta.yaml`), so they survive re-ingests; the document is re-indexed at once. An absent
        field is unchanged; an empty one ("" or []) goes back to what is inferred from the document."""
        return services.edit_document(doc_id, body)
