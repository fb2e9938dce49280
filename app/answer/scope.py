"""What an answer searched: the query, the active filters and how many documents they leave (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.answer.types import Scope
from index.types import DocumentInfo, Filters


def as_filters(filters: Filters | Mapping[str, Any] | None) -> Filters | None:
    """The filters as a `Filters` record, None when nothing is filtered."""
    if isinstance(filters, Mapping):
        filters = Filters.model_validate(dict(filters))
    if filters is None or filters.is_empty():
        return None
    return filters


def in_scope(doc: DocumentInfo, filters: Filters | None) -> bool:
    """True when the filters keep `doc` (the index's own rules: undated documents never match a date range)."""
    if filters is None:
        return True
    date = (doc.date or "")[:10]
    return not (
        (filters.doc_type and doc.doc_type not in filters.doc_type)
        or (filters.doc_id and doc.doc_id not in filters.doc_id)
        or (filters.language and doc.language not in filters.language)
        or ((filters.date_from or filters.date_to) and not date)
        or (filters.date_from and date < filters.date_from)
        or (filters.date_to and date > filters.date_to)
    )


def search_scope(query: str, filters: Filters | None, documents: Iterable[DocumentInfo]) -> Scope:
    """The scope record of one search."""
    return Scope(query=query, filters=filters, documents=sum(1 for d in documents if in_scope(d, filters)))
