"""Typed records of the retrieval API: what `Index.search` returns and what the CLI/HTTP emit as JSON."""

from __future__ import annotations

from datetime import date as _date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Passage(BaseModel):
    """One indexed chunk with its document's metadata: everything needed to cite it."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    doc_id: str
    title: str
    source: str
    doc_type: str
    date: str | None = None
    language: str
    section: str | None = None
    label: str = Field(description="Human citation label, e.g. '22 U.S.C. § 9214(b)'")
    page: int | None = None
    start: int = Field(description="Character offset of the passage in the document text")
    end: int
    text: str
    ocr: bool = Field(False, description="The passage's text (all or part) was read by OCR from a scanned page")


class Hit(BaseModel):
    """A ranked search result. `score` is the fused score; per-retriever scores/ranks are None when
    that retriever did not return the passage."""

    model_config = ConfigDict(frozen=True)

    passage: Passage
    rank: int = Field(description="1-based rank in the result list")
    score: float
    dense_score: float | None = None
    dense_rank: int | None = None
    lexical_score: float | None = None
    lexical_rank: int | None = None
    rerank_score: float | None = None
    routed: bool = Field(
        False,
        description="The passage belongs to an other-language document the question names (routing by document "
        "name, `index.retrieval.routing`)",
    )


class Filters(BaseModel):
    """Metadata filters; all given conditions must hold. Unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc_type: list[str] | None = None
    doc_id: list[str] | None = None
    language: list[str] | None = None
    date_from: str | None = Field(None, description="inclusive ISO date YYYY-MM-DD")
    date_to: str | None = Field(None, description="inclusive ISO date YYYY-MM-DD")

    @field_validator("date_from", "date_to")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None:
            _date.fromisoformat(value)
        return value

    def is_empty(self) -> bool:
        return not any(v for v in self.model_dump().values())


class DocumentInfo(BaseModel):
    """One indexed document as listed by `Index.documents()`."""

    doc_id: str
    title: str
    source: str
    doc_type: str
    date: str | None = None
    language: str
    chunks: int
    content_hash: str
    indexed_at: str = Field(description="ISO timestamp (UTC) of when this version was indexed")
    aliases: list[str] = Field(default_factory=list, description="Other names of the document, searched and matched")


class FileOutcome(BaseModel):
    """What an ingest did with one file. `skipped`: ignored (`.policyqaignore` or a default pattern, see
    `message`); `duplicate`: the same text as an indexed document (`duplicate_of`), not indexed again. For an added
    or replaced document, `title`, `doc_type`, `date`, `language` and `aliases` show what the loader inferred."""

    path: str
    doc_id: str | None = None
    status: Literal["added", "replaced", "unchanged", "failed", "removed", "skipped", "duplicate"]
    chunks: int = 0
    message: str | None = None
    duplicate_of: str | None = None
    title: str | None = None
    doc_type: str | None = None
    date: str | None = None
    language: str | None = None
    aliases: list[str] = Field(default_factory=list)


class IngestReport(BaseModel):
    """What an ingest did, per file; `failed` lists the per-file errors (the rest was still indexed)."""

    outcomes: list[FileOutcome] = []
    embedded_chunks: int = 0  # how many chunk texts were sent to the embedder
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]
