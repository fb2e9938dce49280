"""Building the next generation segment by segment: new documents are chunked into rows, and every `SEGMENT_ROWS`
rows are given vectors and BM25 token ids and appended to the generation's files (`GenerationWriter`).

A text already in the current generation (same hash) takes its vector and tokens from there; a text seen earlier in
the same build takes them from the rows already written; an identical text is embedded and tokenised once. Within
a segment the texts to embed are sorted longest first, so each batch holds texts of similar length (a batch is
padded to its longest text)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sized
from typing import Any, TypeVar

import numpy as np

from index.pipeline import EmbedAhead
from index.retrieval.tokens import TokenRows
from index.storage.generation import Progress, State
from index.storage.table import make_row, row_embed_text
from index.storage.writer import GenerationWriter
from ingest.types import Chunk, Document, IngestError

logger = logging.getLogger(__name__)

T = TypeVar("T")

SEGMENT_ROWS = 8_192  # new rows held in memory before they are embedded, tokenised and written
TOKENIZE_BATCH = 1_024  # texts tokenised together: their token strings are held until they are turned into ids

Embed = Callable[[list[str]], np.ndarray]
TokenizeMany = Callable[[list[str]], list[list[str]]]


class SegmentBuild:
    """One generation being built into `writer` from the current `state` (whose rows' tokens are `old_tokens`)."""

    def __init__(
        self,
        state: State,
        old_tokens: TokenRows,
        writer: GenerationWriter,
        *,
        chunk: Callable[[Document], list[Chunk]],
        embed: Embed,
        tokenize_many: TokenizeMany,
        batch_size: int,
        next_id: int,
        on_progress: Progress | None = None,
        reuse: bool = True,
        ahead: EmbedAhead | None = None,
    ) -> None:
        self.state = state
        self.old_tokens = old_tokens
        self.writer = writer
        self._chunk = chunk
        self._embed = embed
        self._tokenize_many = tokenize_many
        self._batch = batch_size
        self.next_id = next_id
        self._progress = on_progress
        self._reuse = reuse
        self._ahead = ahead
        self.embedded = 0  # texts embedded (here or ahead of the build)
        self._seen: dict[bytes, int] = {}  # text hash -> first written row of this build with that text
        self._pending: list[tuple[dict[str, Any], int]] = []  # (row, current-generation row to copy from or -1)

    def start(self, keep: np.ndarray) -> None:
        """Copy the kept rows of the current generation."""
        if len(keep):
            self.writer.copy_rows(self.state.table, self.state.vectors, self.old_tokens, keep)

    def add_documents(
        self, to_add: Iterable[tuple[Document, Any]], replacing: set[str], describe: Callable[[Document, int], T]
    ) -> tuple[list[str], list[T]]:
        """Chunk and append every document, consuming `to_add` once (an IngestError from the chunker is that
        file's failure, recorded on its outcome). Returns the replaced documents that failed (their old rows are
        to be kept) and `describe(document, chunk count)` of each document added (no document is kept)."""
        failed: list[str] = []
        added: list[T] = []
        total = len(to_add) if isinstance(to_add, Sized) else 0
        i = 0
        for i, (doc, outcome) in enumerate(to_add):
            if self._progress:
                self._progress("chunk", i, total)
            chunks = self._chunk_or_fail(doc, outcome)
            if chunks is None:
                if doc.doc_id in replacing:
                    failed.append(doc.doc_id)
                continue
            outcome.chunks = len(chunks)
            added.append(describe(doc, len(chunks)))
            for chunk in chunks:
                self._pending.append((make_row(chunk, doc, self.next_id), -1))
                self.next_id += 1
            del chunks
            if len(self._pending) >= SEGMENT_ROWS:
                self.flush()
        if self._progress:
            self._progress("chunk", total or i + 1, total or i + 1)
        return failed, added

    def add_old_rows(self, rows: np.ndarray) -> None:
        """Rows of the current generation appended again under new ids (with their vectors and tokens)."""
        for i in rows.tolist():
            row = dict(self.state.table.row(i))
            row["id"] = self.next_id
            self.next_id += 1
            self._pending.append((row, i))
            if len(self._pending) >= SEGMENT_ROWS:
                self.flush()

    def _chunk_or_fail(self, doc: Document, outcome: Any) -> list[Chunk] | None:
        try:
            return (self._ahead.take(doc) if self._ahead else None) or self._chunk(doc)
        except IngestError as exc:
            logger.warning("%s", exc)
            outcome.status, outcome.message = "failed", exc.reason
        except (ValueError, RecursionError, MemoryError, IndexError, KeyError, TypeError) as exc:
            logger.warning("%s: chunking failed", doc.source, exc_info=True)
            outcome.status = "failed"
            outcome.message = f"{doc.source}: could not be cut into passages ({type(exc).__name__}: {exc})"
        return None

    def flush(self) -> None:
        """Give the pending rows vectors and token ids and append them to the generation."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        rows = [row for row, _ in pending]
        vectors = self._vectors(pending)
        token_ids = self._token_ids(pending)
        base = len(self.writer)
        for j, row in enumerate(rows):
            self._seen.setdefault(bytes.fromhex(row["hash"]), base + j)
        self.writer.add(rows, vectors, token_ids)

    def _source(self, row: dict[str, Any], old_row: int) -> tuple[int, int]:
        """Where a row's vector and tokens can be copied from: (current-generation row, -1), (-1, row written in
        this build), or (-1, -1) when they are to be computed."""
        if old_row >= 0:
            return old_row, -1
        if self._reuse:
            found = self.state.table.row_of_text(row["hash"])
            if found is not None:
                return found, -1
        return -1, self._seen.get(bytes.fromhex(row["hash"]), -1)

    def _vectors(self, pending: list[tuple[dict[str, Any], int]]) -> np.ndarray:
        dim = self.writer.dim
        vectors = np.zeros((len(pending), dim), dtype=np.float32)
        first: dict[str, int] = {}  # hash -> first pending row with that text, to embed
        ahead_vectors = self._ahead.vectors if self._ahead is not None else {}
        for j, (row, old_row) in enumerate(pending):
            old, written = self._source(row, old_row)
            h = row["hash"]
            if old >= 0:
                vectors[j] = self.state.vectors[old]
            elif written >= 0:
                vectors[j] = self.writer.vector(written)
            elif h in ahead_vectors:
                vectors[j] = ahead_vectors[h]
                if h not in first:
                    first[h] = j
                    self.embedded += 1
            elif h not in first:
                first[h] = j
        ahead_done = {h for h in first if h in ahead_vectors}
        need = sorted(
            (j for h, j in first.items() if h not in ahead_done),
            key=lambda j: -len(row_embed_text(pending[j][0])),
        )
        for start in range(0, len(need), self._batch):
            if self._progress:
                self._progress("embed", self.embedded + start, self.embedded + len(need))
            part = need[start : start + self._batch]
            vecs = np.asarray(self._embed([row_embed_text(pending[j][0]) for j in part]), dtype=np.float32)
            if vecs.shape != (len(part), dim):
                raise ValueError(f"the embedder returned shape {vecs.shape}, expected ({len(part)}, {dim})")
            vectors[part] = vecs
        self.embedded += len(need)
        if self._progress:
            self._progress("embed", self.embedded, self.embedded)
        for j, (row, _) in enumerate(pending):
            f = first.get(row["hash"])
            if f is not None and f != j:
                vectors[j] = vectors[f]
        return vectors

    def _token_ids(self, pending: list[tuple[dict[str, Any], int]]) -> list[np.ndarray]:
        """BM25 token ids of the pending rows, over the writer's vocabulary: copied for texts already tokenised,
        computed (each text once) for the others."""
        out: list[np.ndarray | None] = [None] * len(pending)
        todo: dict[str, list[int]] = {}
        for j, (row, old_row) in enumerate(pending):
            old, written = self._source(row, old_row)
            if old >= 0:
                out[j] = np.asarray(self.old_tokens.row_ids(old), dtype=np.int32)
            elif written >= 0:
                out[j] = self.writer.token_ids(written)
            else:
                todo.setdefault(row["hash"], []).append(j)
        if self._progress:
            self._progress("tokenize", 0, len(todo))
        groups = list(todo.values())
        for first in range(0, len(groups), TOKENIZE_BATCH):  # the token strings of one batch at a time
            part = groups[first : first + TOKENIZE_BATCH]
            texts = [row_embed_text(pending[js[0]][0]) for js in part]
            for js, ids in zip(part, self.writer.encode(self._tokenize_many(texts))):
                for j in js:
                    out[j] = ids
        if self._progress:
            self._progress("tokenize", len(todo), len(todo))
        return [ids if ids is not None else np.zeros(0, np.int32) for ids in out]
