"""BM25 over pre-tokenised chunks (bm25s), saved without pickle (bm25s's npy/json layout).

Rows are the index's chunk rows in order; `scores()` returns one BM25 score per row so that metadata filters
can be applied to the whole score vector before taking the top candidates.

The score matrix is computed here with vectorised numpy from the cached token ids (`TokenRows`) -- the same
Lucene BM25 as bm25s (idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf / (tf + k1 (1 - b + b dl / avgdl)), checked
against `bm25s.BM25.index` in the tests) -- and handed to a bm25s object for scoring and saving. bm25s's own
builder loops over tokens in Python: 73 s for 100k chunks on this (busy) machine, against ~2 s here, and every
commit rebuilds BM25 because IDF depends on the whole corpus.

Neighbour window: a chunk cut out of a longer section or abstract loses the words of the text around it (the
claim's subject is named two sentences earlier, in the previous chunk). Besides the chunk's own BM25, a second
BM25 is built over *windows* -- each chunk's tokens plus those of the chunks just before and after it in the same
document -- and a chunk that matches the query itself scores ``own + neighbour_weight * window``. Only chunks
that match on their own are boosted, so the set of lexical candidates (and which rows BM25 could judge) does not
change. Measured on BEIR SciFact (`python -m bench.lexical_tuning`, tuned on the train queries only).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

import bm25s
import numpy as np

from index.retrieval.tokens import TokenRows
from index.storage.npyfile import NpyMap

logger = logging.getLogger(__name__)

# Chosen on SciFact's 809 train queries (`python -m bench.lexical_tuning`, MiniLM dense for the fusion): best train
# hybrid nDCG@10 of k1 in {0.9, 1.2, 1.5} x b in {0.5, 0.75, 0.9} x window weight in {0, 0.5, 1, 1.5, 2, 3}.
# The window helped at every (k1, b): +0.006 to +0.011 train hybrid nDCG@10 at weight 1-2.
K1 = 0.9
B = 0.5
NEIGHBOUR_WEIGHT = 2.0
_WINDOW = "window"
_PARAMS = "policyqa_lexical.json"
# bm25s's file names (`BM25.save` / `BM25.load`)
_DATA = "data.csc.index.npy"
_INDICES = "indices.csc.index.npy"
_INDPTR = "indptr.csc.index.npy"
_VOCAB = "vocab.index.json"
_BM25_PARAMS = "params.index.json"


# Rows per block when building the score matrix: the temporary arrays hold one block's (row, token) pairs.
BUILD_BLOCK_ROWS = 8_192

Pairs = Callable[[int, int], tuple[np.ndarray, np.ndarray]]


def _bm25(
    pairs: Pairs, lengths: np.ndarray, vocab: list[str], *, k1: float, b: float, out: Path | None = None
) -> bm25s.BM25:
    """A bm25s object whose CSC score matrix (token -> rows) is computed block by block: `pairs(a, b)` gives the
    (row, token id) pairs of rows a..b-1 and `lengths[r]` the tokens of row r. Two passes over the blocks (document
    frequencies, then scores written straight into their final places), so memory is the matrix itself plus one
    block, whatever the corpus size. With `out`, the matrix is written into bm25s's files in that directory through
    a memory map whose pages go back to the page cache after each block, and the result reads them back mapped:
    memory is then one block."""
    n = len(lengths)
    vocab_size = max(len(vocab), 1)
    blocks = [(a, min(n, a + BUILD_BLOCK_ROWS)) for a in range(0, n, BUILD_BLOCK_ROWS)]

    def block_terms(a: int, z: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(token, row, tf) of every distinct (token, row) pair of the block, sorted by token then row."""
        rows, ids = pairs(a, z)
        keys, tf = np.unique(ids.astype(np.int64) * (z - a) + (rows - a), return_counts=True)
        return keys // (z - a), keys % (z - a) + a, tf

    df = np.zeros(vocab_size, dtype=np.int64)
    for a, z in blocks:
        df += np.bincount(block_terms(a, z)[0], minlength=vocab_size)
    idf = np.zeros(vocab_size, dtype=np.float64)
    present = df > 0
    idf[present] = np.log(1 + (n - df[present] + 0.5) / (df[present] + 0.5))
    avgdl = float(lengths.mean()) or 1.0
    indptr = np.zeros(vocab_size + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    nnz = int(indptr[-1])
    maps: list[NpyMap] = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        maps = [NpyMap(out / _DATA, np.float32, nnz), NpyMap(out / _INDICES, np.int32, nnz)]
        data, indices = maps[0].array, maps[1].array
    else:
        data = np.empty(nnz, dtype=np.float32)
        indices = np.empty(nnz, dtype=np.int32)
    filled = indptr[:-1].copy()  # next free place of each token's column
    for a, z in blocks:
        t, d, tf64 = block_terms(a, z)
        tf = tf64.astype(np.float64)
        score = idf[t] * tf / (k1 * ((1 - b) + b * lengths[d] / avgdl) + tf)
        rank = np.arange(len(t), dtype=np.int64) - np.searchsorted(t, t, side="left")  # place within its token
        place = filled[t] + rank
        data[place] = score
        indices[place] = d
        filled += np.bincount(t, minlength=vocab_size)
        for m in maps:
            m.release()
    bm25 = bm25s.BM25(k1=k1, b=b)
    bm25.vocab_dict = {tok: i for i, tok in enumerate(vocab)}
    bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
    bm25.nonoccurrence_array = None
    if out is None:
        bm25.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": n}
        return bm25
    del data, indices
    for m in maps:
        m.close()
    bm25.scores = {"data": np.zeros(0, np.float32), "indices": np.zeros(0, np.int32), "indptr": indptr, "num_docs": n}
    _save_bm25(bm25, out, arrays=False)
    return _load_bm25(out)


def _save_bm25(bm25: bm25s.BM25, directory: Path, *, arrays: bool = True) -> None:
    """bm25s's on-disk layout (`BM25.save` without pickle); `arrays=False` leaves the score data and row indices
    already written in `directory` as they are."""
    if arrays:
        bm25.save(str(directory), allow_pickle=False, show_progress=False)
        return
    scores = bm25.scores
    np.save(directory / _INDPTR, scores["indptr"], allow_pickle=False)
    (directory / _VOCAB).write_text(json.dumps(bm25.vocab_dict, ensure_ascii=False), encoding="utf-8")
    params = dict(
        k1=bm25.k1,
        b=bm25.b,
        delta=bm25.delta,
        method=bm25.method,
        idf_method=bm25.idf_method,
        dtype=bm25.dtype,
        int_dtype=bm25.int_dtype,
        num_docs=int(scores["num_docs"]),
        version=bm25s.__version__,
        backend=bm25.backend,
    )
    (directory / _BM25_PARAMS).write_text(json.dumps(params, indent=4), encoding="utf-8")


def _load_bm25(directory: Path) -> bm25s.BM25:
    # memory-mapped: the score matrix stays in the page cache, shared by every process serving the index
    return bm25s.BM25.load(str(directory), mmap=True, allow_pickle=False, load_corpus=False)


def _save_params(directory: Path, neighbour_weight: float) -> None:
    (directory / _PARAMS).write_text(json.dumps({"neighbour_weight": neighbour_weight}), encoding="utf-8")


def neighbour_windows(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(window row, member row) pairs: every row with itself and with the rows just before and after it that
    have the same group (document). Pure; `groups` holds one group id per row, a document's rows contiguous."""
    n = len(groups)
    idx = np.arange(n, dtype=np.int64)
    same_next = np.zeros(n, dtype=bool)
    if n > 1:
        same_next[:-1] = groups[1:] == groups[:-1]
    prev_rows = idx[1:][same_next[:-1]] if n > 1 else idx[:0]  # rows whose previous row is a neighbour
    next_rows = idx[same_next]  # rows whose next row is a neighbour
    window = np.concatenate([idx, prev_rows, next_rows])
    member = np.concatenate([idx, prev_rows - 1, next_rows + 1])
    return window, member


class LexicalIndex:
    """BM25 (Lucene variant) over token lists, one per row, with an optional neighbour-window boost."""

    def __init__(
        self,
        bm25: bm25s.BM25 | None,
        rows: int,
        window: bm25s.BM25 | None = None,
        neighbour_weight: float = 0.0,
        directory: Path | None = None,
    ) -> None:
        self._bm25 = bm25
        self._window = window
        self.neighbour_weight = neighbour_weight if window is not None else 0.0
        self.rows = rows
        self.directory = directory  # where its files are, when it was written or loaded there

    @classmethod
    def build(
        cls,
        corpus_tokens: list[list[str]],
        *,
        k1: float = K1,
        b: float = B,
        groups: np.ndarray | None = None,
        neighbour_weight: float = NEIGHBOUR_WEIGHT,
    ) -> LexicalIndex:
        return cls.from_rows(
            TokenRows.from_lists(corpus_tokens), k1=k1, b=b, groups=groups, neighbour_weight=neighbour_weight
        )

    @classmethod
    def from_rows(
        cls,
        rows: TokenRows,
        *,
        k1: float = K1,
        b: float = B,
        groups: np.ndarray | None = None,
        neighbour_weight: float = NEIGHBOUR_WEIGHT,
        directory: Path | None = None,
    ) -> LexicalIndex:
        """BM25 over `rows`. With `groups` (one document id or number per row, a document's rows contiguous and
        in reading order) and `neighbour_weight` > 0, also the neighbour-window BM25 (see the module doc). With
        `directory`, the matrices are written there as they are built (`save` format) and read back mapped."""
        n = len(rows)
        if n == 0:
            if directory is not None:
                directory.mkdir(parents=True, exist_ok=True)
            return cls(None, 0, directory=directory)
        lengths = rows.lengths()

        def own_pairs(a: int, z: int) -> tuple[np.ndarray, np.ndarray]:
            ids = np.asarray(rows.ids[rows.offsets[a] : rows.offsets[z]])
            return np.repeat(np.arange(a, z, dtype=np.int64), lengths[a:z]), ids

        own = _bm25(own_pairs, lengths, rows.vocab, k1=k1, b=b, out=directory)
        if groups is None or neighbour_weight <= 0:
            return cls(own, n, directory=directory)
        groups = np.asarray(groups)
        if len(groups) != n:
            raise ValueError(f"{len(groups)} groups for {n} rows")
        window, member = neighbour_windows(groups)
        order = np.argsort(window, kind="stable")
        window, member = window[order], member[order]
        del order
        window_lengths = np.bincount(window, weights=lengths[member], minlength=n)

        def window_pairs(a: int, z: int) -> tuple[np.ndarray, np.ndarray]:
            lo, hi = np.searchsorted(window, [a, z])
            members = rows.take(member[lo:hi])
            return np.repeat(window[lo:hi], members.lengths()), members.ids

        win_dir = directory / _WINDOW if directory is not None else None
        win = _bm25(window_pairs, window_lengths, rows.vocab, k1=k1, b=b, out=win_dir)
        if directory is not None:
            _save_params(directory, neighbour_weight)
        return cls(own, n, win, neighbour_weight, directory=directory)

    def save(self, directory: Path) -> None:
        if self.directory is not None and directory.resolve() == self.directory.resolve():
            return  # written there already
        directory.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            _save_bm25(self._bm25, directory)
        if self._window is not None:
            _save_bm25(self._window, directory / _WINDOW)
            _save_params(directory, self.neighbour_weight)

    @classmethod
    def load(cls, directory: Path, rows: int) -> LexicalIndex:
        if rows == 0:
            return cls(None, 0, directory=directory)
        bm25 = _load_bm25(directory)
        num_docs = int(bm25.scores["num_docs"])
        if num_docs != rows:
            raise ValueError(f"{directory}: BM25 state has {num_docs} rows, the chunk table {rows}")
        window, weight = None, 0.0
        if (directory / _WINDOW).is_dir():
            window = _load_bm25(directory / _WINDOW)
            if int(window.scores["num_docs"]) != rows:
                raise ValueError(
                    f"{directory / _WINDOW}: BM25 window state has {int(window.scores['num_docs'])} "
                    f"rows, the chunk table {rows}"
                )
            weight = float(json.loads((directory / _PARAMS).read_text(encoding="utf-8"))["neighbour_weight"])
        return cls(bm25, rows, window, weight, directory=directory)

    def document_frequencies(self, tokens: Iterable[str]) -> dict[str, int]:
        """How many rows contain each token (0 for a token outside the vocabulary): the `df` of BM25's idf, read
        from the score matrix (one stored entry per row and token). Read-only."""
        if self._bm25 is None:
            return {t: 0 for t in tokens}
        vocab, indptr = self._bm25.vocab_dict, self._bm25.scores["indptr"]
        out: dict[str, int] = {}
        for t in tokens:
            i = vocab.get(t)
            out[t] = 0 if i is None or i + 1 >= len(indptr) else int(indptr[i + 1] - indptr[i])
        return out

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every row for the query tokens (zeros when no query token is in the vocabulary); rows
        that match on their own add `neighbour_weight` times their window's score."""
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        ids = self._bm25.get_tokens_ids(query_tokens)
        if not ids:
            return np.zeros(self.rows, dtype=np.float32)
        own = self._bm25.get_scores_from_ids(ids)
        if self._window is None:
            return own
        window = self._window.get_scores_from_ids(ids)
        return np.where(own > 0, own + np.float32(self.neighbour_weight) * window, own).astype(np.float32)
