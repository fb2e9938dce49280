"""Cached BM25 tokens of every chunk, as integer ids over a vocabulary (no re-tokenising of unchanged chunks).

On disk (a generation's `tokens/`): `vocab.json` (list of token strings), `ids.npy` (int32, all rows' token ids
concatenated) and `offsets.npy` (int64, rows + 1): row i's tokens are `ids[offsets[i]:offsets[i + 1]]`.
Loading is an np.load, not a parse; the vocabulary only grows (unused entries are harmless to BM25).
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.storage.npyfile import NpyAppender


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

    def take(self, rows: Sequence[int] | np.ndarray, block: int = 65_536) -> TokenRows:
        """The given rows, in that order (same vocabulary); gathered `block` rows at a time, so the temporary
        index arrays stay small whatever the number of tokens."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 0:
            return TokenRows.empty(self.vocab)
        lengths = self.offsets[rows + 1] - self.offsets[rows]
        offsets = np.zeros(len(rows) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        ids = np.empty(int(offsets[-1]), dtype=np.int32)
        for first in range(0, len(rows), block):
            part = rows[first : first + block]
            starts, part_lengths = self.offsets[part], lengths[first : first + block]
            local = offsets[first : first + len(part) + 1] - offsets[first]
            # index of every kept token: start of its row + position within the row
            pos = np.arange(local[-1], dtype=np.int64) - np.repeat(local[:-1], part_lengths)
            pos += np.repeat(starts, part_lengths)
            ids[offsets[first] : offsets[first + len(part)]] = self.ids[pos]
        return TokenRows(self.vocab, ids, offsets)

    def is_identity(self, rows: Sequence[int] | np.ndarray) -> bool:
        """True when `rows` is every row in order (`take(rows)` would copy `self`)."""
        rows = np.asarray(rows)
        return len(rows) == len(self) and bool(np.array_equal(rows, np.arange(len(self))))

    def extend(self, token_lists: Iterable[Sequence[str]]) -> TokenRows:
        """These rows plus new rows given as token strings (the vocabulary grows as needed)."""
        builder = TokenRowsBuilder(list(self.vocab))
        builder.add(token_lists)
        return self.concat(builder.build())

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
        """The rows saved in `directory`, the token ids memory-mapped."""
        vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        try:
            ids = np.load(directory / "ids.npy", mmap_mode="r", allow_pickle=False)
        except ValueError:  # no tokens at all: an empty array cannot be mapped
            ids = np.load(directory / "ids.npy", allow_pickle=False)
        offsets = np.load(directory / "offsets.npy", allow_pickle=False)
        return cls(vocab, ids, offsets)


@dataclass
class TokenRowsBuilder:
    """Accumulates rows of token strings as int32 id arrays, one batch at a time: memory is the ids (4 bytes a
    token) plus one batch of strings, never a Python list of every token."""

    vocab: list[str] = field(default_factory=list)
    _index: dict[str, int] = field(init=False, repr=False)
    _ids: list[np.ndarray] = field(init=False, repr=False, default_factory=list)
    _lengths: list[np.ndarray] = field(init=False, repr=False, default_factory=list)

    def __post_init__(self) -> None:
        self._index = {t: i for i, t in enumerate(self.vocab)}

    def add(self, token_lists: Iterable[Sequence[str]]) -> None:
        ids, lengths = self.encode(token_lists)
        self._ids.append(ids)
        self._lengths.append(lengths)

    def encode(self, token_lists: Iterable[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """(int32 token ids of every row concatenated, int64 length of each row); the vocabulary grows as needed."""
        index, vocab = self._index, self.vocab
        ids: list[int] = []
        lengths: list[int] = []
        for tokens in token_lists:
            for t in tokens:
                i = index.get(t)
                if i is None:
                    i = index[t] = len(vocab)
                    vocab.append(t)
                ids.append(i)
            lengths.append(len(tokens))
        return np.asarray(ids, dtype=np.int32), np.asarray(lengths, dtype=np.int64)

    def build(self) -> TokenRows:
        lengths = np.concatenate(self._lengths) if self._lengths else np.zeros(0, np.int64)
        offsets = np.zeros(len(lengths) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        ids = np.concatenate(self._ids) if self._ids else np.zeros(0, np.int32)
        return TokenRows(self.vocab, ids.astype(np.int32, copy=False), offsets)


def tokenize_rows(
    texts: Sequence[str], tokenize_many: Callable[[list[str]], list[list[str]]], vocab: list[str], batch: int = 4096
) -> TokenRows:
    """Token ids of `texts` (the vocabulary `vocab` extended as needed), tokenised `batch` texts at a time."""
    builder = TokenRowsBuilder(list(vocab))
    for first in range(0, len(texts), batch):
        builder.add(tokenize_many(list(texts[first : first + batch])))
    return builder.build()


class TokenRowsWriter:
    """Token rows written into a `tokens/` directory as they come (ids appended to ids.npy): memory is the
    vocabulary and one length a row. Rows are added as token strings (`add_lists`) or copied as ids from rows over
    a prefix of this vocabulary (`add_rows`); `finish()` returns them read back, the ids memory-mapped."""

    def __init__(self, directory: Path, vocab: list[str]) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._builder = TokenRowsBuilder(list(vocab))
        self._ids = NpyAppender(self.directory / "ids.npy", np.int32)
        self._offsets = array("q", [0])

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def add_lists(self, token_lists: Iterable[Sequence[str]]) -> None:
        ids, lengths = self._builder.encode(token_lists)
        self._append(ids, lengths)

    def encode(self, token_lists: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """The int32 ids of each token list (the vocabulary grows as needed), not written."""
        ids, lengths = self._builder.encode(token_lists)
        return np.split(ids, np.cumsum(lengths)[:-1]) if len(lengths) else []

    def add_ids(self, rows: Sequence[np.ndarray]) -> None:
        """Rows given as int32 id arrays over this writer's vocabulary."""
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        ids = np.concatenate(rows).astype(np.int32, copy=False) if len(rows) else np.zeros(0, np.int32)
        if len(ids) and (ids.min() < 0 or ids.max() >= len(self._builder.vocab)):
            raise ValueError("token ids outside the vocabulary")
        self._append(ids, lengths)

    def add_rows(self, rows: TokenRows) -> None:
        if len(rows.vocab) > len(self._builder.vocab) or rows.vocab != self._builder.vocab[: len(rows.vocab)]:
            raise ValueError("the rows' vocabulary is not a prefix of this writer's")
        self._append(np.asarray(rows.ids), rows.lengths())

    def row_ids(self, i: int) -> np.ndarray:
        """The token ids of row i, already written."""
        return self._ids.read(self._offsets[i], self._offsets[i + 1])

    def _append(self, ids: np.ndarray, lengths: np.ndarray) -> None:
        self._ids.append(ids)
        end = self._offsets[-1]
        for n in lengths.tolist():
            end += n
            self._offsets.append(end)

    def finish(self) -> TokenRows:
        ids = self._ids.finish()
        offsets = np.frombuffer(self._offsets, dtype=np.int64).copy()
        np.save(self.directory / "offsets.npy", offsets, allow_pickle=False)
        (self.directory / "vocab.json").write_text(
            json.dumps(self._builder.vocab, ensure_ascii=False), encoding="utf-8"
        )
        return TokenRows(self._builder.vocab, ids, offsets)

    def close(self) -> None:
        self._ids.close()
