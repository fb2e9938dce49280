"""Cached BM25 tokens of every chunk, as integer ids over a vocabulary (no re-tokenising of unchanged chunks).

On disk (a generation's `tokens/`): `vocab.json` (list of token strings), `ids.npy` (int32, all rows' token ids
concatenated) and `offsets.npy` (int64, rows + 1): row i's tokens are `ids[offsets[i]:offsets[i + 1]]`.
Loading is an np.load, not a parse; the vocabulary only grows (unused entries are harmless to BM25).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class TokenRows:
    vocab: list[str]
    ids: np.ndarray  # int32
    offsets: np.ndarray  # int64, len(rows) + 1

    @classmethod
    def empty(cls, vocab: list[str] | None = None) -> TokenRows:
        return cls(list(vocab or []), np.zeros(0, np.int32), np.zeros(1, np.int64))

    @classmethod
    def from_lists(cls, token_lists: Sequence[Sequence[str]]) -> TokenRows:
        return cls.empty().extend(token_lists)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def row_ids(self, i: int) -> np.ndarray:
        return self.ids[self.offsets[i] : self.offsets[i + 1]]

    def tokens(self, i: int) -> list[str]:
        return [self.vocab[t] for t in self.row_ids(i)]

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def take(self, rows: Sequence[int] | np.ndarray) -> TokenRows:
        """The given rows, in that order (same vocabulary)."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 0:
            return TokenRows.empty(self.vocab)
        starts, ends = self.offsets[rows], self.offsets[rows + 1]
        lengths = ends - starts
        offsets = np.zeros(len(rows) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        # index of every kept token: start of its row + position within the row
        pos = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1], lengths) + np.repeat(starts, lengths)
        return TokenRows(self.vocab, self.ids[pos], offsets)

    def extend(self, token_lists: Sequence[Sequence[str]]) -> TokenRows:
        """These rows plus new rows given as token strings (the vocabulary grows as needed)."""
        vocab = list(self.vocab)
        index = {t: i for i, t in enumerate(vocab)}
        new_ids: list[int] = []
        lengths = []
        for tokens in token_lists:
            for t in tokens:
                i = index.get(t)
                if i is None:
                    i = index[t] = len(vocab)
                    vocab.append(t)
                new_ids.append(i)
            lengths.append(len(tokens))
        return self.concat(
            TokenRows(
                vocab,
                np.asarray(new_ids, dtype=np.int32),
                np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64),
            )
        )

    def concat(self, other: TokenRows) -> TokenRows:
        """Rows of `self` then rows of `other`; `other`'s vocabulary must extend `self`'s."""
        if other.vocab[: len(self.vocab)] != self.vocab:
            raise ValueError("vocabularies differ: extend the first TokenRows instead")
        return TokenRows(
            other.vocab,
            np.concatenate([self.ids, other.ids]).astype(np.int32),
            np.concatenate([self.offsets, self.offsets[-1] + other.offsets[1:]]).astype(np.int64),
        )

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        np.save(directory / "ids.npy", self.ids, allow_pickle=False)
        np.save(directory / "offsets.npy", self.offsets, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> TokenRows:
        vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        ids = np.load(directory / "ids.npy", allow_pickle=False)
        offsets = np.load(directory / "offsets.npy", allow_pickle=False)
        return cls(vocab, ids, offsets)
