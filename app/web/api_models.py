"""Request/response bodies of the HTTP API. Answers, hits and documents reuse the Python API's own models."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.web.limits import MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, check_filter_sizes, check_history, check_text
from index.types import Filters, Hit
from ingest.types import DOC_TYPES

LANGUAGES: tuple[str, ...] = ("en", "ko")
MAX_K = 100

NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUESTION_CHARS)]


def check_filter_values(filters: Filters | None) -> Filters | None:
    """Reject filter values the index does not know, naming the allowed ones (unknown *fields* are
    already rejected by `Filters`' extra="forbid")."""
    if filters is None:
        return None
    bad_types = [t for t in filters.doc_type or [] if t not in DOC_TYPES]
    if bad_types:
        raise ValueError(f"unknown doc_type {bad_types}; allowed: {list(DOC_TYPES)}")
    bad_langs = [lang for lang in filters.language or [] if lang not in LANGUAGES]
    if bad_langs:
        raise ValueError(f"unknown language {bad_langs}; allowed: {list(LANGUAGES)}")
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValueError(f"date_from {filters.date_from} is after date_to {filters.date_to}")
    return filters


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: NonEmptyText = Field(description="What to search for (English or Korean)")
    k: int = Field(10, ge=1, le=MAX_K, description="How many hits to return (1..100)")
    filters: Filters | None = Field(None, description="Metadata filters; all given conditions must hold")
    mode: Literal["hybrid", "dense", "lexical"] = Field("hybrid", description="Which retrievers to use")

    @field_validator("filters")
    @classmethod
    def _known_values(cls, value: Filters | None) -> Filters | None:
        return check_filter_values(check_filter_sizes(value))

    @field_validator("query")
    @classmethod
    def _valid_text(cls, value: str) -> str:
        return check_text(value, "query")


class SearchResponse(BaseModel):
    hits: list[Hit]


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: NonEmptyText = Field(description="The question; follow-ups are resolved with `history`")
    history: list[tuple[str, str]] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_TURNS,
        description=f"Earlier (question, answer) turns of this conversation (at most {MAX_HISTORY_TURNS})",
    )
    filters: Filters | None = Field(None, description="Metadata filters applied to retrieval")
    k: int | None = Field(None, ge=1, le=50, description="Passages retrieved; default from settings (answer.k)")
    answerer: Literal["extractive", "llm"] | None = Field(
        None, description="Default from settings; 'llm' needs POLICYQA_LLM_BASE_URL on the server (else 400)"
    )

    @field_validator("filters")
    @classmethod
    def _known_values(cls, value: Filters | None) -> Filters | None:
        return check_filter_values(check_filter_sizes(value))

    @field_validator("question")
    @classmethod
    def _valid_text(cls, value: str) -> str:
        return check_text(value, "question")

    @field_validator("history")
    @classmethod
    def _bounded_history(cls, value: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return check_history(value)


class HealthResponse(BaseModel):
    status: Literal["ok", "building", "error"] = Field(description="'building' while the first index is built")
    documents: int
    chunks: int
    embedder: str | None
    message: str | None = Field(None, description="Progress while building, the error when status is 'error'")


class ErrorBody(BaseModel):
    detail: str | list = Field(description="What was wrong with the request and how to fix it")


class RemoveResponse(BaseModel):
    removed: list[str]
