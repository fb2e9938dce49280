"""What the answer engine needs from an index, as a Protocol: `index.index.Index` satisfies it, and so does any
object with the same `search` (tests use small in-memory ones). Optional capabilities, used when present:
`documents()` (named-source matching), `lead_in(chunk_id)` (list lead-ins), `embedder` and `tokenizer`."""

from __future__ import annotations

from typing import Protocol

from index.retrieval.retrieve import Mode
from index.types import Filters, Hit


class SearchIndex(Protocol):
    def search(self, query: str, k: int = ..., filters: Filters | None = ..., mode: Mode = ...) -> list[Hit]: ...
