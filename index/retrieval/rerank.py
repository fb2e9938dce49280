"""Optional reranking of fused candidates by a cross-encoder. None ships with policyqa; off by default."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol, runtime_checkable

logger = logging.getLogger(__name__)


@runtime_checkable
class Reranker(Protocol):
    def score(self, query: str, texts: list[str]) -> list[float]:
        """One relevance score per text, higher is better."""
        ...


class CrossEncoderReranker:
    """A sentence-transformers CrossEncoder loaded from a local directory (never from a hub)."""

    def __init__(self, directory: Path, *, batch_size: int = 16) -> None:
        directory = Path(directory)
        if not directory.is_dir():
            raise FileNotFoundError(
                f"{directory}: reranker directory not found; set POLICYQA_INDEX__RERANKER_DIR to a local "
                "cross-encoder directory or unset it"
            )
        from sentence_transformers import CrossEncoder

        self.name = str(directory)
        self._model = CrossEncoder(str(directory), local_files_only=True)
        self._batch_size = batch_size

    def score(self, query: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        scores = self._model.predict([(query, t) for t in texts], batch_size=self._batch_size, show_progress_bar=False)
        return [float(s) for s in scores]


def load_reranker(directory: Path | None) -> Reranker | None:
    if directory is None:
        return None
    logger.info("loading reranker from %s", directory)
    return CrossEncoderReranker(directory)
