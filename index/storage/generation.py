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
from index.storage.npyfile import NpyAppender
from index.storage.table import CHUNKS, TABLE, ChunkTable, row_embed_text, write_table
from index.storage.writer import TOKENS, VECTORS

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
FAISS = "faiss.index"
BM25 = "bm25"
FILES = (MANIFEST, CHUNKS, TABLE, TOKENS, VECTORS, FAISS, BM25)  # what a generation directory holds

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
        table=ChunkTable.from_rows([]),
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
    table = ChunkTable.open(directory)
    dim = manifest.embedder.dim
    vectors = load_vectors(directory / VECTORS)
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


def load_vectors(path: Path) -> np.ndarray:
    """vectors.npy memory-mapped (an empty one read as it is: an empty array cannot be mapped)."""
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError:
        return np.load(path, allow_pickle=False)


def copy_vectors(path: Path, vectors: np.ndarray, block: int = 65_536) -> np.ndarray:
    """Write `vectors` (memory-mapped or not) to `path` as float32, `block` rows at a time; returns them mapped."""
    out = NpyAppender(path, np.float32, (vectors.shape[1],))
    try:
        for first in range(0, len(vectors), block):
            out.append(np.asarray(vectors[first : first + block], dtype=np.float32))
        return out.finish()
    finally:
        out.close()


def write_state(
    directory: Path,
    state: State,
    tokens: TokenRows,
    on_progress: Progress | None = None,
) -> State:
    """Write every file of a generation into `directory` (the manifest last); returns the state reading its
    table and vectors from there."""
    written: dict[str, object] = {}
    steps = [
        (TABLE, lambda: written.update(table=write_table(directory, state.table))),
        (TOKENS, lambda: tokens.save(directory / TOKENS)),
        (VECTORS, lambda: written.update(vectors=copy_vectors(directory / VECTORS, state.vectors))),
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
    return replace(state, table=written["table"], vectors=written["vectors"])  # type: ignore[arg-type]
