"""Dense retrieval: FAISS inner product over L2-normalised float32 vectors with stable int64 ids.

`flat` (exact, IndexFlatIP) by default; `hnsw` (IndexHNSWFlat, inner product) above the ANN threshold. Both are
wrapped in IndexIDMap2 so a chunk keeps its id and can be removed. HNSW cannot delete in place: after a removal
the caller rebuilds it from the vectors it keeps in `vectors.npy`.

Filters are applied inside the search (an id bitmap selector), not by truncating an unfiltered top-k; when a
filter leaves few rows, an exact scan of just those rows is both faster and exact.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import faiss
import numpy as np

logger = logging.getLogger(__name__)

AnnKind = Literal["flat", "hnsw"]

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
# Measured by `python -m bench.ann` at 100k low-rank synthetic 384-d vectors, k=100: efSearch 128 -> recall
# 0.953, 256 -> 0.992 (p95 22 ms), 512 -> 0.9993 (p95 33 ms); 256 is the smallest meeting recall >= 0.98.
HNSW_EF_SEARCH = 256
# A filter that leaves at most this many rows is answered by an exact scan of those rows.
EXACT_SCAN_ROWS = 20_000


@contextmanager
def single_thread() -> Iterator[None]:
    """Run one FAISS call on one OpenMP thread. A single query gains nothing from threads, and on a busy 2-core
    machine OpenMP's spin-waiting made a flat search of 100k vectors 4-5x slower (145 ms vs 32 ms, measured)."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def choose_kind(rows: int, ann_threshold: int) -> AnnKind:
    return "hnsw" if rows > ann_threshold else "flat"


@dataclass(frozen=True)
class DenseResult:
    ids: np.ndarray  # int64 chunk ids, best first
    scores: np.ndarray  # float32 inner products (cosine similarity)


def _as_matrix(vectors: np.ndarray, dim: int) -> np.ndarray:
    v = np.ascontiguousarray(vectors, dtype=np.float32)
    if v.ndim != 2 or v.shape[1] != dim:
        raise ValueError(f"expected vectors of shape (n, {dim}), got {v.shape}")
    return v


class DenseIndex:
    def __init__(self, index: faiss.Index, kind: AnnKind, dim: int) -> None:
        self._index = index
        self.kind: AnnKind = kind
        self.dim = dim

    @classmethod
    def empty(cls, dim: int, kind: AnnKind = "flat") -> DenseIndex:
        if kind == "hnsw":
            inner = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            inner = faiss.IndexFlatIP(dim)
        return cls(faiss.IndexIDMap2(inner), kind, dim)

    @classmethod
    def build(cls, vectors: np.ndarray, ids: np.ndarray, kind: AnnKind, dim: int) -> DenseIndex:
        index = cls.empty(dim, kind)
        index.add(vectors, ids)
        return index

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def can_remove(self) -> bool:
        return self.kind == "flat"

    def add(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        if len(ids) == 0:
            return
        self._index.add_with_ids(_as_matrix(vectors, self.dim), np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: np.ndarray) -> None:
        if not self.can_remove:
            raise NotImplementedError("HNSW cannot remove ids in place; rebuild from the kept vectors")
        if len(ids):
            self._index.remove_ids(np.ascontiguousarray(ids, dtype=np.int64))

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, kind: AnnKind, dim: int) -> DenseIndex:
        index = faiss.read_index(str(path))
        if index.d != dim:
            raise ValueError(f"{path}: FAISS index has dimension {index.d}, the manifest says {dim}")
        if kind == "hnsw":
            faiss.downcast_index(index.index).hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index, kind, dim)

    def search(self, query: np.ndarray, k: int, allowed_ids: np.ndarray | None = None) -> DenseResult:
        """Top-k ids by inner product, restricted to `allowed_ids` when given."""
        q = _as_matrix(query.reshape(1, -1), self.dim)
        n = len(self)
        if n == 0 or k < 1:
            return DenseResult(np.zeros(0, np.int64), np.zeros(0, np.float32))
        params = None
        bitmap = sel = None  # referenced until the search returns (FAISS keeps raw pointers)
        if allowed_ids is not None:
            if len(allowed_ids) == 0:
                return DenseResult(np.zeros(0, np.int64), np.zeros(0, np.float32))
            bitmap = _id_bitmap(allowed_ids)
            sel = faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap))
            if self.kind == "hnsw":
                params = faiss.SearchParametersHNSW(sel=sel, efSearch=max(HNSW_EF_SEARCH, k))
            else:
                params = faiss.SearchParameters(sel=sel)
        elif self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
        kk = min(k, n)
        with single_thread():
            scores, ids = self._index.search(q, kk, params=params)
        del bitmap, sel
        keep = ids[0] >= 0
        return DenseResult(ids[0][keep].astype(np.int64), scores[0][keep].astype(np.float32))


def _id_bitmap(ids: np.ndarray) -> np.ndarray:
    """A little-endian bitmap with bit `id` set for every id (FAISS IDSelectorBitmap layout)."""
    ids = np.asarray(ids, dtype=np.int64)
    bits = np.zeros(int(ids.max()) + 1, dtype=bool)
    bits[ids] = True
    return np.packbits(bits, bitorder="little")


def exact_scan(vectors: np.ndarray, rows: np.ndarray, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-k over `vectors[rows]`; returns (rows, scores) best first."""
    if len(rows) == 0:
        return rows.astype(np.int64), np.zeros(0, np.float32)
    scores = vectors[rows] @ query.astype(np.float32).ravel()
    kk = min(k, len(rows))
    top = np.argpartition(-scores, kk - 1)[:kk]
    top = top[np.argsort(-scores[top], kind="stable")]
    return rows[top].astype(np.int64), scores[top].astype(np.float32)
