"""BM25 over pre-tokenised chunks (bm25s), saved without pickle (bm25s's npy/json layout).

Rows are the index's chunk rows in order; `scores()` returns one BM25 score per row so that metadata filters
can be applied to the whole score vector before taking the top candidates.

The score matrix is computed here with vectorised numpy from the cached token ids (`TokenRows`) -- the same
Lucene BM25 as bm25s (idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf / (tf + k1 (1 - b + b dl / avgdl)), checked
against `bm25s.BM25.index` in the tests) -- and handed to a bm25s object for scoring and saving. bm25s's own
builder loops over tokens in Python: 73 s for 100k chunks on this (busy) machine, against ~2 s here, and every
commit rebuilds BM25 because IDF depends on the whole corpus.
"""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

from index.tokens import TokenRows

logger = logging.getLogger(__name__)


class LexicalIndex:
    """A BM25 (Lucene variant, k1=1.5, b=0.75) index over token lists, one per row."""

    def __init__(self, bm25: bm25s.BM25 | None, rows: int) -> None:
        self._bm25 = bm25
        self.rows = rows

    @classmethod
    def build(cls, corpus_tokens: list[list[str]], *, k1: float = 1.5, b: float = 0.75) -> LexicalIndex:
        return cls.from_rows(TokenRows.from_lists(corpus_tokens), k1=k1, b=b)

    @classmethod
    def from_rows(cls, rows: TokenRows, *, k1: float = 1.5, b: float = 0.75) -> LexicalIndex:
        n = len(rows)
        if n == 0:
            return cls(None, 0)
        vocab_size = max(len(rows.vocab), 1)
        lengths = rows.lengths()
        doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
        keys, tf = np.unique(doc * vocab_size + rows.ids.astype(np.int64), return_counts=True)
        d, t = keys // vocab_size, keys % vocab_size
        df = np.bincount(t, minlength=vocab_size)
        idf = np.zeros(vocab_size, dtype=np.float64)
        present = df > 0
        idf[present] = np.log(1 + (n - df[present] + 0.5) / (df[present] + 0.5))
        avgdl = float(lengths.mean()) or 1.0
        tf = tf.astype(np.float64)
        score = idf[t] * tf / (k1 * ((1 - b) + b * lengths[d] / avgdl) + tf)
        order = np.argsort(t, kind="stable")
        indptr = np.zeros(vocab_size + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        bm25 = bm25s.BM25(k1=k1, b=b)
        bm25.scores = {
            "data": score[order].astype(np.float32),
            "indices": d[order].astype(np.int32),
            "indptr": indptr,
            "num_docs": n,
        }
        bm25.vocab_dict = {tok: i for i, tok in enumerate(rows.vocab)}
        bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
        bm25.nonoccurrence_array = None
        return cls(bm25, n)

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
