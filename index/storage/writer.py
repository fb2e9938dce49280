"""The next generation's row-aligned files, written as rows come: chunks.jsonl with its columns, the BM25 token ids
and the vectors. Rows kept from the current generation are copied first (their ids are the smallest), then the new
rows are appended a segment at a time; nothing of the whole corpus is held in memory but the columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.retrieval.tokens import TokenRows, TokenRowsWriter
from index.storage.npyfile import NpyAppender
from index.storage.table import ChunkTable, TableWriter

TOKENS = "tokens"
VECTORS = "vectors.npy"

COPY_BLOCK = 65_536  # kept rows' vectors and tokens are copied this many rows at a time


@dataclass(frozen=True)
class Written:
    """The row-aligned files of a generation, read back from disk (ids and vectors memory-mapped)."""

    table: ChunkTable
    tokens: TokenRows
    vectors: np.ndarray


class GenerationWriter:
    """Writes `directory`'s table, tokens and vectors; `finish()` closes them and returns them read back."""

    def __init__(self, directory: Path, dim: int, vocab: list[str]) -> None:
        self.directory = Path(directory)
        self.dim = dim
        self._table = TableWriter(self.directory)
        self._tokens = TokenRowsWriter(self.directory / TOKENS, vocab)
        self._vectors = NpyAppender(self.directory / VECTORS, np.float32, (dim,))

    def __len__(self) -> int:
        return len(self._table)

    def copy_rows(self, table: ChunkTable, vectors: np.ndarray, tokens: TokenRows, rows: np.ndarray) -> None:
        """Rows of the current generation, as they are (same ids), with their vectors and token ids."""
        for first in range(0, len(rows), COPY_BLOCK):
            part = np.asarray(rows[first : first + COPY_BLOCK], dtype=np.int64)
            for i in part.tolist():
                self._table.copy_row(table, i)
            self._vectors.append(np.asarray(vectors[part], dtype=np.float32))
            self._tokens.add_rows(tokens.take(part))

    def add(self, rows: Sequence[dict[str, Any]], vectors: np.ndarray, token_ids: Sequence[np.ndarray]) -> None:
        """New rows with their vectors and token ids (one int32 array a row, over this writer's vocabulary)."""
        if not (len(rows) == len(vectors) == len(token_ids)):
            raise ValueError(f"{len(rows)} rows, {len(vectors)} vectors, {len(token_ids)} token rows")
        for row in rows:
            self._table.add_row(row)
        self._vectors.append(vectors)
        self._tokens.add_ids(token_ids)

    def encode(self, token_lists: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Token ids of each token list (the vocabulary grows as needed)."""
        return self._tokens.encode(token_lists)

    def vector(self, row: int) -> np.ndarray:
        """The vector of a row already written."""
        return self._vectors.read(row, row + 1)[0]

    def token_ids(self, row: int) -> np.ndarray:
        """The token ids of a row already written."""
        return self._tokens.row_ids(row)

    def finish(self) -> Written:
        return Written(self._table.finish(), self._tokens.finish(), self._vectors.finish())

    def close(self) -> None:
        self._table.close()
        self._tokens.close()
        self._vectors.close()
