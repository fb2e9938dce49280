"""BM25 over pre-tokenised chunks (bm25s), saved without pickle (bm25s's npz/json layout).

Rows are the index's chunk rows in order; `scores()` returns one BM25 score per row so that metadata filters
can be applied to the whole score vector before taking the top candidates.
"""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

logger = logging.getLogger(__name__)


class LexicalIndex:
    """A BM25 (Lucene variant, k1=1.5, b=0.75) index over token lists, one per row."""

    def __init__(self, bm25: bm25s.BM25 | None, rows: int) -> None:
        self._bm25 = bm25
        self.rows = rows

    @classmethod
    def build(cls, corpus_tokens: list[list[str]], *, k1: float = 1.5, b: float = 0.75) -> LexicalIndex:
        if not corpus_tokens:
            return cls(None, 0)
        bm25 = bm25s.BM25(k1=k1, b=b)
        bm25.index(corpus_tokens, show_progress=False)
        return cls(bm25, len(corpus_tokens))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(directory), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path, rows: int) -> LexicalIndex:
        if rows == 0:
            return cls(None, 0)
        bm25 = bm25s.BM25.load(str(directory), mmap=False, allow_pickle=False, load_corpus=False)
        num_docs = int(bm25.scores["num_docs"])
        if num_docs != rows:
            raise ValueError(f"{directory}: BM25 state has {num_docs} rows, the chunk table {rows}")
        return cls(bm25, rows)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every row for the query tokens (zeros when no query token is in the vocabulary)."""
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        ids = self._bm25.get_tokens_ids(query_tokens)
        if not ids:
            return np.zeros(self.rows, dtype=np.float32)
        return self._bm25.get_scores_from_ids(ids)
