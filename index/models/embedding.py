"""The embedder interface the index depends on. Real implementations live in `index.models.embedders`."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str  # recorded in the index manifest, e.g. "minilm", "e5-small" or a model directory
    dim: int
    max_tokens: int  # the model's input limit in word-pieces; the chunker's budget follows it

    def encode_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int:
        """Word-pieces the model sees for `text` (without special tokens)."""
        ...
