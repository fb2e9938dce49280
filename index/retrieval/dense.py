"""Dense retrieval: FAISS inner product over L2-normalised vectors with stable int64 ids.

`flat` (exact, IndexFlatIP in IndexIDMap2) by default; `ivf` above the ANN threshold: an inverted file of
`sqrt(n)` k-means lists holding the vectors as float16 (IndexIVFScalarQuantizer, QT_fp16: 2 bytes a dimension,
scores within ~1e-3 of float32), searched in `IVF_NPROBE` lists. IVF builds in seconds where HNSW took most of an
hour at a million vectors, removes ids in place, and holds half the memory of a float32 graph index. `hnsw`
(IndexHNSWFlat in IndexIDMap2) is still read and searched; the next write rebuilds it as `ivf`.

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

AnnKind = Literal["flat", "ivf", "hnsw"]

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
# Measured by `python -m bench.ann` at 100k low-rank synthetic 384-d vectors, k=100: efSearch 128 -> recall
# 0.953, 256 -> 0.992 (p95 22 ms), 512 -> 0.9993 (p95 33 ms); 256 is the smallest meeting recall >= 0.98.
HNSW_EF_SEARCH = 256
# IVF: lists = sqrt(rows) (at least IVF_MIN_LISTS), trained by k-means on IVF_TRAIN_PER_LIST sampled vectors per
# list; a search scans IVF_NPROBE lists (a filtered one IVF_NPROBE_FILTERED, as the filter thins every list).
# Measured by `policyqa eval scale` (recall@10 of the dense index against exact search).
IVF_MIN_LISTS = 64
IVF_TRAIN_PER_LIST = 40
IVF_TRAIN_ITERATIONS = 10
IVF_NPROBE = 32
IVF_NPROBE_FILTERED = 96
IVF_ADD_BATCH = 65_536
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
    return "ivf" if rows > ann_threshold else "flat"


def ivf_lists(rows: int) -> int:
    """sqrt(rows) lists, at least IVF_MIN_LISTS, never more lists than rows (k-means needs a point a centre)."""
    return max(1, min(rows, max(IVF_MIN_LISTS, int(np.sqrt(rows)))))


def _train_ivf(vectors: np.ndarray, dim: int) -> faiss.Index:
    """An empty IVF-float16 index whose lists are k-means centres of a seeded sample of `vectors`."""
    lists = ivf_lists(len(vectors))
    index = faiss.IndexIVFScalarQuantizer(
        faiss.IndexFlatIP(dim), dim, lists, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
    )
    index.cp.niter = IVF_TRAIN_ITERATIONS
    index.cp.seed = 1234
    index.cp.max_points_per_centroid = IVF_TRAIN_PER_LIST
    sample = min(len(vectors), lists * IVF_TRAIN_PER_LIST)
    rows = np.sort(np.random.default_rng(1234).choice(len(vectors), size=sample, replace=False))
    index.train(_as_matrix(vectors[rows], dim))
    index.nprobe = IVF_NPROBE
    return index


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
        if kind == "ivf":  # an IVF index is trained on the vectors it will hold: see `build`
            raise ValueError("an IVF index is built from its vectors (DenseIndex.build)")
        if kind == "hnsw":
            inner = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            inner = faiss.IndexFlatIP(dim)
        return cls(faiss.IndexIDMap2(inner), kind, dim)

    @classmethod
    def build(cls, vectors: np.ndarray, ids: np.ndarray, kind: AnnKind, dim: int) -> DenseIndex:
        if kind == "ivf" and len(vectors):
            index = cls(_train_ivf(vectors, dim), kind, dim)
        else:
            index = cls.empty(dim, kind)
        for first in range(0, len(ids), IVF_ADD_BATCH):  # float32 copies of one batch at a time
            index.add(vectors[first : first + IVF_ADD_BATCH], ids[first : first + IVF_ADD_BATCH])
        return index

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def can_remove(self) -> bool:
        return self.kind in ("flat", "ivf")

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
        elif kind == "ivf":
            faiss.extract_index_ivf(index).nprobe = IVF_NPROBE  # (a downcast copy would not own the index)
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
            elif self.kind == "ivf":
                params = faiss.SearchParametersIVF(sel=sel, nprobe=IVF_NPROBE_FILTERED)
            else:
                params = faiss.SearchParameters(sel=sel)
        elif self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
        elif self.kind == "ivf":
            params = faiss.SearchParametersIVF(nprobe=IVF_NPROBE)
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
    scores = np.asarray(vectors[rows], dtype=np.float32) @ query.astype(np.float32).ravel()
    kk = min(k, len(rows))
    top = np.argpartition(-scores, kk - 1)[:kk]
    top = top[np.argsort(-scores[top], kind="stable")]
    return rows[top].astype(np.int64), scores[top].astype(np.float32)
