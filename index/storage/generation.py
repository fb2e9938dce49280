"""One generation of the index in memory (`State`) and its files on disk."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.retrieval.dense import DenseIndex
from index.retrieval.lexical import LexicalIndex
from index.retrieval.tokens import TokenRows
from index.storage.manifest import Manifest
from index.storage.table import ChunkTable, read_jsonl, row_embed_text, write_jsonl

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
TOKENS = "tokens"
VECTORS = "vectors.npy"
FAISS = "faiss.index"
BM25 = "bm25"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class State:
    """Everything a search needs, swapped as one reference after a commit."""

    directory: Path | None  # the generation directory it was loaded from / written to
    manifest: Manifest
    table: ChunkTable
    vectors: np.ndarray  # (rows, dim) float32, row-aligned with the table (memory-mapped when loaded)
    dense: DenseIndex
    lexical: LexicalIndex


def empty_state(manifest: Manifest) -> State:
    dim = manifest.embedder.dim
    return State(
        directory=None,
        manifest=manifest,
        table=ChunkTable([]),
        vectors=np.zeros((0, dim), dtype=np.float32),
        dense=DenseIndex.empty(dim),
        lexical=LexicalIndex(None, 0),
    )


def read_tokens(directory: Path) -> TokenRows:
    """The cached BM25 token ids of every row of a generation."""
    return TokenRows.load(directory / TOKENS)


def retokenise(state: State, tokenize_many: Callable[[list[str]], list[list[str]]]) -> tuple[State, TokenRows]:
    """`state` with its BM25 index rebuilt from fresh tokens of every row (the embedded text: context or text),
    and those tokens, for a generation whose cached tokens come from another tokenizer version."""
    tokens = TokenRows.from_lists(tokenize_many([row_embed_text(r) for r in state.table.rows]))
    return replace(state, lexical=LexicalIndex.from_rows(tokens, groups=state.table.row_doc)), tokens


def load_state(directory: Path, manifest: Manifest) -> State:
    table = ChunkTable(list(read_jsonl(directory / CHUNKS)))
    dim = manifest.embedder.dim
    vectors = np.load(directory / VECTORS, mmap_mode="r", allow_pickle=False)
    if vectors.shape != (len(table), dim):
        raise ValueError(
            f"{directory}: vectors.npy has shape {vectors.shape}, expected ({len(table)}, {dim}); "
            "the index is damaged, rebuild with `policyqa ingest --rebuild PATHS`"
        )
    dense = DenseIndex.load(directory / FAISS, manifest.ann, dim)  # type: ignore[arg-type]
    if len(dense) != len(table):
        raise ValueError(f"{directory}: FAISS holds {len(dense)} vectors for {len(table)} chunks")
    lexical = LexicalIndex.load(directory / BM25, len(table))
    return State(directory, manifest, table, vectors, dense, lexical)


def write_state(
    directory: Path,
    state: State,
    tokens: TokenRows,
    on_progress: Progress | None = None,
) -> None:
    """Write every file of a generation into `directory` (the manifest last)."""
    steps = [
        (CHUNKS, lambda: write_jsonl(directory / CHUNKS, state.table.rows)),
        (TOKENS, lambda: tokens.save(directory / TOKENS)),
        (
            VECTORS,
            lambda: np.save(
                directory / VECTORS, np.ascontiguousarray(state.vectors, dtype=np.float32), allow_pickle=False
            ),
        ),
        (FAISS, lambda: state.dense.save(directory / FAISS)),
        (BM25, lambda: state.lexical.save(directory / BM25)),
        (MANIFEST, lambda: state.manifest.write(directory / MANIFEST)),
    ]
    for i, (name, step) in enumerate(steps):
        if on_progress:
            on_progress("write", i, len(steps))
        logger.debug("writing %s", directory / name)
        step()
    if on_progress:
        on_progress("write", len(steps), len(steps))
