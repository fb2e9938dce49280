"""Chunker parameters (a section of `app.settings.Settings`); recorded in the index manifest."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ChunkingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_tokens: int = Field(
        200,
        ge=32,
        le=512,
        description="Token budget per chunk in the embedder's word-pieces (must stay below the model's limit, "
        "256 for MiniLM, 512 for e5-small, leaving room for the prompt and special tokens)",
    )
    overlap_sentences: int = Field(
        1,
        ge=0,
        le=5,
        description="Sentences repeated at the start of the next chunk when a section is split",
    )
    min_tokens: int = Field(
        24,
        ge=0,
        le=256,
        description="Sections shorter than this are merged with their neighbour in the same parent section",
    )
