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

logger = logging.getLogger(__name__)

# Chosen on SciFact's 809 train queries (`python -m bench.lexical_tuning`, MiniLM dense for the fusion): best train
# hybrid nDCG@10 of k1 in {0.9, 1.2, 1.5} x b in {0.5, 0.75, 0.9} x window weight in {0, 0.5, 1, 1.5, 2, 3}.
# The window helped at every (k1, b): +0.006 to +0.011 train hybrid nDCG@10 at weight 1-2.
K1 = 0.9
B = 0.5
NEIGHBOUR_WEIGHT = 2.0
_WINDOW = "window"
_PARAMS = "policyqa_lexical.json"


# Rows per block when building the score matrix: the temporary arrays hold one block's (row, token) pairs.
BUILD_BLOCK_ROWS = 8_192

Pairs = Callable[[int, int], tuple[np.ndarray, np.ndarray]]


def _bm25(pairs: Pairs, lengths: np.ndarray, vocab: list[str], *, k1: float, b: float) -> bm25s.BM25:
    """A bm25s object whose CSC score matrix (token -> rows) is computed block by block: `pairs(a, b)` gives the
    (row, token id) pairs of rows a..b-1 and `lengths[r]` the tokens of row r. Two passes over the blocks (document
    frequencies, then scores written straight into their final places), so memory is the matrix itself plus one
    block, whatever the corpus size."""
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
    data = np.empty(int(indptr[-1]), dtype=np.float32)
    indices = np.empty(int(indptr[-1]), dtype=np.int32)
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
    bm25 = bm25s.BM25(k1=k1, b=b)
    bm25.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": n}
    bm25.vocab_dict = {tok: i for i, tok in enumerate(vocab)}
    bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
    bm25.nonoccurrence_array = None
    return bm25


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
        self, bm25: bm25s.BM25 | None, rows: int, window: bm25s.BM25 | None = None, neighbour_weight: float = 0.0
    ) -> None:
        self._bm25 = bm25
        self._window = window
        self.neighbour_weight = neighbour_weight if window is not None else 0.0
        self.rows = rows

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
    ) -> LexicalIndex:
        """BM25 over `rows`. With `groups` (one document id or number per row, a document's rows contiguous and
        in reading order) and `neighbour_weight` > 0, also the neighbour-window BM25 (see the module doc)."""
        n = len(rows)
        if n == 0:
            return cls(None, 0)
        lengths = rows.lengths()

        def own_pairs(a: int, z: int) -> tuple[np.ndarray, np.ndarray]:
            ids = rows.ids[rows.offsets[a] : rows.offsets[z]]
            return np.repeat(np.arange(a, z, dtype=np.int64), lengths[a:z]), ids

        own = _bm25(own_pairs, lengths, rows.vocab, k1=k1, b=b)
        if groups is None or neighbour_weight <= 0:
            return cls(own, n)
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

        win = _bm25(window_pairs, window_lengths, rows.vocab, k1=k1, b=b)
        return cls(own, n, win, neighbour_weight)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(directory), allow_pickle=False)
        if self._window is not None:
            self._window.save(str(directory / _WINDOW), allow_pickle=False)
            (directory / _PARAMS).write_text(json.dumps({"neighbour_weight": self.neighbour_weight}), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, rows: int) -> LexicalIndex:
        if rows == 0:
            return cls(None, 0)
        # memory-mapped: the score matrix stays in the page cache, shared by every process serving the index
        bm25 = bm25s.BM25.load(str(directory), mmap=True, allow_pickle=False, load_corpus=False)
        num_docs = int(bm25.scores["num_docs"])
        if num_docs != rows:
            raise ValueError(f"{directory}: BM25 state has {num_docs} rows, the chunk table {rows}")
        window, weight = None, 0.0
        if (directory / _WINDOW).is_dir():
            window = bm25s.BM25.load(str(directory / _WINDOW), mmap=True, allow_pickle=False, load_corpus=False)
            if int(window.scores["num_docs"]) != rows:
                raise ValueError(
                    f"{directory / _WINDOW}: BM25 window state has {int(window.scores['num_docs'])} "
                    f"rows, the chunk table {rows}"
                )
            weight = float(json.loads((directory / _PARAMS).read_text(encoding="utf-8"))["neighbour_weight"])
        return cls(bm25, rows, window, weight)

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
