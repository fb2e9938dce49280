"""The chunk table: one row per indexed chunk (chunk fields + its document's fields), aligned with the vectors,
the BM25 rows and the FAISS ids; vectorised metadata filters.

On disk: `chunks.jsonl` (one JSON object a row) and `table/`, its columns as `.npy` files -- `offsets` (int64,
rows + 1: row i is bytes offsets[i]:offsets[i + 1] of chunks.jsonl), `ids` (FAISS ids, increasing), `doc` (int32
document code), `language` (int8 code into LANGUAGES), `text_key` and `chunk_key` (uint64 hashes of the embedded
text and of the chunk id, for lookups) -- and `docs.json` (per document code: id, type code, date). Opening maps the
columns and the file; a row becomes a dict only when it is read."""

from __future__ import annotations

import hashlib
import json
import mmap
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.types import Filters, Passage
from ingest.types import DOC_TYPES, Chunk, Document

LANGUAGES: tuple[str, ...] = ("en", "ko")

CHUNKS = "chunks.jsonl"  # one JSON object a row, in row order
TABLE = "table"  # the columns: offsets (bytes into CHUNKS), ids, doc, language, text_key, chunk_key (.npy), docs.json
DOCS = "docs.json"

PASSAGE_FIELDS = tuple(Passage.model_fields)


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def embed_text(chunk: Chunk) -> str:
    """What is embedded and BM25-indexed for a chunk: its `context` when the chunker gives one, else its text."""
    return getattr(chunk, "context", None) or chunk.text


def make_row(chunk: Chunk, doc: Document, row_id: int) -> dict[str, Any]:
    embedded = embed_text(chunk)
    row: dict[str, Any] = {
        "id": row_id,
        "chunk_id": chunk.chunk_id,
        "doc_id": doc.doc_id,
        "title": doc.title,
        "source": doc.source,
        "doc_type": doc.doc_type,
        "date": doc.date,
        "language": chunk.language,
        "section": chunk.section,
        "label": chunk.label,
        "page": chunk.page,
        "start": chunk.start,
        "end": chunk.end,
        "text": chunk.text,
        "hash": text_hash(embedded),
    }
    if embedded is not chunk.text and embedded != chunk.text:
        row["context"] = embedded
    if getattr(chunk, "lead_in_chunk", None):
        row["lead_in_chunk"] = chunk.lead_in_chunk
    if getattr(chunk, "ocr", False):
        row["ocr"] = True
    return row


def row_passage(row: dict[str, Any]) -> Passage:
    """The passage of a row; optional fields an older row does not have take their defaults."""
    return Passage(**{k: row[k] for k in PASSAGE_FIELDS if k in row})


def row_embed_text(row: dict[str, Any]) -> str:
    return row.get("context") or row["text"]


def validate_filters(filters: Filters, known_doc_ids: Iterable[str]) -> None:
    """Reject values that can never match, naming the allowed ones."""
    if filters.doc_type:
        bad = sorted(set(filters.doc_type) - set(DOC_TYPES))
        if bad:
            raise ValueError(f"unknown doc_type {bad}; allowed: {list(DOC_TYPES)}")
    if filters.language:
        bad = sorted(set(filters.language) - set(LANGUAGES))
        if bad:
            raise ValueError(f"unknown language {bad}; allowed: {list(LANGUAGES)}")
    if filters.doc_id:
        bad = sorted(set(filters.doc_id) - set(known_doc_ids))
        if bad:
            raise ValueError(f"unknown doc_id {bad}; list the indexed documents with `policyqa docs`")
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValueError(f"date_from {filters.date_from} is after date_to {filters.date_to}")


def text_key(text_hash_hex: str) -> int:
    """The 64-bit key of a row's text hash (its first 16 hex digits), kept as a column for lookups."""
    return int(text_hash_hex[:16], 16)


def chunk_key(chunk_id: str) -> int:
    """A 64-bit hash of a chunk id, kept as a column so that a chunk is found without a dict of every id."""
    return int.from_bytes(hashlib.blake2b(chunk_id.encode("utf-8"), digest_size=8).digest(), "little")


class Rows(Sequence[dict[str, Any]]):
    """The rows of a table as a read-only sequence of dicts, each parsed from its JSON line when asked for."""

    def __init__(self, table: ChunkTable) -> None:
        self._table = table

    def __len__(self) -> int:
        return len(self._table)

    def __getitem__(self, i):  # type: ignore[no-untyped-def,override]
        if isinstance(i, slice):
            return [self._table.row(j) for j in range(*i.indices(len(self)))]
        return self._table.row(int(i))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(len(self)):
            yield self._table.row(i)


class _LineSource:
    """Row lines of a table: a memory-mapped chunks.jsonl read by byte offsets, or a list of dicts in memory."""

    def __init__(self, path: Path | None = None, offsets: np.ndarray | None = None, rows: list | None = None) -> None:
        self._rows = rows
        self._offsets = offsets
        self._map: mmap.mmap | None = None
        if path is not None and offsets is not None and len(offsets) > 1:
            with open(path, "rb") as f:
                self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            if len(self._map) < int(offsets[-1]):
                raise ValueError(f"{path}: {len(self._map)} bytes, the offsets need {int(offsets[-1])}")

    def line(self, i: int) -> bytes:
        if self._rows is not None:
            return (json.dumps(self._rows[i], ensure_ascii=False) + "\n").encode("utf-8")
        assert self._map is not None and self._offsets is not None
        return self._map[int(self._offsets[i]) : int(self._offsets[i + 1])]

    def row(self, i: int) -> dict[str, Any]:
        if self._rows is not None:
            return self._rows[i]
        return json.loads(self.line(i))


@dataclass(frozen=True)
class DocColumns:
    """Per-document filter fields, indexed by the document code of `ChunkTable.row_doc`."""

    doc_ids: list[str]
    doc_type: np.ndarray  # int8 code into DOC_TYPES
    doc_date: np.ndarray  # U10, "" for undated


class ChunkTable:
    """The chunk rows of one generation. Search needs only the numpy columns (FAISS ids, document code and
    language of every row, per-document filter fields); a row's dict is parsed from its line of chunks.jsonl,
    read by byte offset from a memory map, only for hits and the few rows an operation names."""

    def __init__(
        self,
        lines: _LineSource,
        *,
        ids: np.ndarray,
        row_doc: np.ndarray,
        row_language: np.ndarray,
        text_keys: np.ndarray,
        chunk_keys: np.ndarray,
        docs: DocColumns,
    ) -> None:
        self._lines = lines
        self.ids = ids
        if len(ids) > 1 and not bool(np.all(np.diff(ids) > 0)):
            raise ValueError("chunk table ids must be strictly increasing")
        self.row_doc = row_doc
        self.row_language = row_language
        self.text_keys = text_keys
        self.chunk_keys = chunk_keys
        self.doc_ids = docs.doc_ids
        self.doc_type = docs.doc_type
        self.doc_date = docs.doc_date
        self._doc_index = {d: i for i, d in enumerate(docs.doc_ids)}
        self._sorted: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, Any]]) -> ChunkTable:
        """A table held in memory (an empty generation, or rows built in a test)."""
        rows = list(rows)
        columns = _Columns()
        for r in rows:
            columns.add(r)
        return columns.table(_LineSource(rows=rows))

    @classmethod
    def open(cls, directory: Path) -> ChunkTable:
        """The table of a generation directory: its columns memory-mapped from `table/`; a generation written
        before the columns existed (format version 1) is scanned once to compute them."""
        path, cols = directory / CHUNKS, directory / TABLE
        if not (cols / "offsets.npy").is_file():
            return cls.scan(path)

        def load(name: str) -> np.ndarray:
            return _load_column(cols / f"{name}.npy")

        docs = json.loads((cols / DOCS).read_text(encoding="utf-8"))
        offsets = load("offsets")
        table = cls(
            _LineSource(path, offsets),
            ids=load("ids"),
            row_doc=load("doc"),
            row_language=load("language"),
            text_keys=load("text_key"),
            chunk_keys=load("chunk_key"),
            docs=DocColumns(
                docs["doc_ids"], np.asarray(docs["doc_type"], dtype=np.int8), np.asarray(docs["date"], dtype="U10")
            ),
        )
        n = len(offsets) - 1
        if any(len(a) != n for a in (table.ids, table.row_doc, table.row_language, table.text_keys, table.chunk_keys)):
            raise ValueError(f"{cols}: column lengths differ from the {n} rows of {path.name}")
        return table

    @classmethod
    def scan(cls, path: Path) -> ChunkTable:
        """The table of a chunks.jsonl without column files: one pass computing the offsets and columns."""
        columns = _Columns()
        offsets = array("q", [0])
        with open(path, "rb") as f:
            for line in f:
                if line.strip():
                    columns.add(json.loads(line))
                    offsets.append(offsets[-1] + len(line))
                else:
                    raise ValueError(f"{path}: blank line at byte {offsets[-1]}")
        return columns.table(_LineSource(path, np.frombuffer(offsets, dtype=np.int64)))

    # ------------------------------------------------------------------ rows
    def __len__(self) -> int:
        return len(self.ids)

    @property
    def rows(self) -> Rows:
        return Rows(self)

    def row(self, i: int) -> dict[str, Any]:
        if not 0 <= i < len(self):
            raise IndexError(f"row {i} of {len(self)}")
        return self._lines.row(i)

    def line(self, i: int) -> bytes:
        """Row i's JSON line as stored (with its newline)."""
        return self._lines.line(i)

    def _lookup(self, name: str, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(sorted keys, rows in that order) of a key column, computed at the first lookup."""
        found = self._sorted.get(name)
        if found is None:
            order = np.argsort(keys, kind="stable")
            found = self._sorted[name] = (np.asarray(keys)[order], order)
        return found

    def _find(self, name: str, keys_column: np.ndarray, key: int, field: str, value: str) -> int | None:
        """The row whose `field` equals `value`, among the rows whose 64-bit hash key (column `keys_column`) is
        `key` (hash collisions are resolved by reading those rows), or None."""
        keys, order = self._lookup(name, keys_column)
        wanted = np.uint64(key)
        for pos in range(int(np.searchsorted(keys, wanted)), len(keys)):
            if keys[pos] != wanted:
                break
            row = int(order[pos])
            if self.row(row)[field] == value:
                return row
        return None

    def row_of_chunk(self, chunk_id: str) -> int:
        row = self._find("chunk", self.chunk_keys, chunk_key(chunk_id), "chunk_id", chunk_id)
        if row is None:
            raise KeyError(chunk_id)
        return row

    def row_of_text(self, text_hash: str) -> int | None:
        """A row whose embedded text has this hash (`text_hash`), or None."""
        if not len(self):
            return None
        return self._find("text", self.text_keys, text_key(text_hash), "hash", text_hash)

    def has_text(self, text_hash: str) -> bool:
        return self.row_of_text(text_hash) is not None

    def rows_of_doc(self, doc_id: str) -> np.ndarray:
        code = self._doc_index.get(doc_id)
        if code is None:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.row_doc == code)

    def rows_of_ids(self, ids: np.ndarray) -> np.ndarray:
        """Row numbers of FAISS ids (ids are sorted, so a binary search)."""
        rows = np.searchsorted(self.ids, ids)
        if len(rows) and (rows.max(initial=0) >= len(self.ids) or not np.array_equal(self.ids[rows], ids)):
            raise KeyError("FAISS returned ids that are not in the chunk table; the index is inconsistent")
        return rows

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """Boolean row mask for the filters, or None when nothing is filtered (vectorised: no per-row Python)."""
        if filters is None or filters.is_empty():
            return None
        doc_ok = np.ones(len(self.doc_ids), dtype=bool)
        if filters.doc_type:
            doc_ok &= _lookup(DOC_TYPES, filters.doc_type)[self.doc_type]
        if filters.doc_id:
            wanted = np.zeros(len(self.doc_ids), dtype=bool)
            wanted[[self._doc_index[d] for d in filters.doc_id if d in self._doc_index]] = True
            doc_ok &= wanted
        if filters.date_from or filters.date_to:
            doc_ok &= self.doc_date != ""  # undated documents never match a date range
            if filters.date_from:
                doc_ok &= self.doc_date >= filters.date_from
            if filters.date_to:
                doc_ok &= self.doc_date <= filters.date_to
        mask = doc_ok[self.row_doc] if len(self) else np.zeros(0, dtype=bool)
        if filters.language:
            mask &= _lookup(LANGUAGES, filters.language)[self.row_language]
        return mask


def _load_column(path: Path) -> np.ndarray:
    """A column memory-mapped, as a plain ndarray (a `np.memmap` pays for its subclass on every operation)."""
    try:
        return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
    except ValueError:  # an empty array cannot be memory-mapped
        return np.load(path, allow_pickle=False)


class _Columns:
    """The columns of rows added one at a time (compact typed arrays, no per-row objects kept)."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.row_doc = array("i")
        self.language = array("b")
        self.text_keys = array("Q")
        self.chunk_keys = array("Q")
        self.doc_index: dict[str, int] = {}
        self.doc_type: list[int] = []
        self.doc_date: list[str] = []

    def add(self, row: dict[str, Any]) -> None:
        self.add_values(
            row["id"], row["doc_id"], row["language"], text_key(row["hash"]), chunk_key(row["chunk_id"]), row
        )

    def add_values(
        self, row_id: int, doc_id: str, language: str | int, tkey: int, ckey: int, doc_row: dict[str, Any] | None
    ) -> None:
        """One row's column values (`doc_row`: a row of the document, for its type and date when it is new)."""
        if self.ids and row_id <= self.ids[-1]:
            raise ValueError("chunk table ids must be strictly increasing")
        code = self.doc_index.get(doc_id)
        if code is None:
            if doc_row is None:
                raise ValueError(f"no row of document {doc_id!r} to take its type and date from")
            code = self.doc_index[doc_id] = len(self.doc_index)
            self.doc_type.append(_code(DOC_TYPES, doc_row["doc_type"]))
            self.doc_date.append((doc_row["date"] or "")[:10])
        self.ids.append(row_id)
        self.row_doc.append(code)
        self.language.append(language if isinstance(language, int) else _code(LANGUAGES, language))
        self.text_keys.append(tkey)
        self.chunk_keys.append(ckey)

    def docs(self) -> DocColumns:
        return DocColumns(
            list(self.doc_index), np.asarray(self.doc_type, dtype=np.int8), np.asarray(self.doc_date, dtype="U10")
        )

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "ids": np.frombuffer(self.ids, dtype=np.int64) if self.ids else np.zeros(0, np.int64),
            "doc": np.frombuffer(self.row_doc, dtype=np.int32) if self.row_doc else np.zeros(0, np.int32),
            "language": np.frombuffer(self.language, dtype=np.int8) if self.language else np.zeros(0, np.int8),
            "text_key": np.frombuffer(self.text_keys, dtype=np.uint64) if self.text_keys else np.zeros(0, np.uint64),
            "chunk_key": (
                np.frombuffer(self.chunk_keys, dtype=np.uint64) if self.chunk_keys else np.zeros(0, np.uint64)
            ),
        }

    def table(self, lines: _LineSource) -> ChunkTable:
        a = self.arrays()
        return ChunkTable(
            lines,
            ids=a["ids"],
            row_doc=a["doc"],
            row_language=a["language"],
            text_keys=a["text_key"],
            chunk_keys=a["chunk_key"],
            docs=self.docs(),
        )


class TableWriter:
    """Writes a generation's chunk table row by row: chunks.jsonl and its columns (`table/`); `finish()` returns
    the table read back from disk. Memory is the columns (about 40 bytes a row), never the rows."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._file = open(self.directory / CHUNKS, "wb")  # noqa: SIM115 (closed by finish/close)
        self._offsets = array("q", [0])
        self._columns = _Columns()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def add_row(self, row: dict[str, Any]) -> None:
        self._columns.add(row)
        self._write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))

    def copy_row(self, table: ChunkTable, i: int) -> None:
        """Row i of another generation's table, as it is (same id)."""
        doc_id = table.doc_ids[int(table.row_doc[i])]
        first = None if doc_id in self._columns.doc_index else table.row(i)
        self._columns.add_values(
            int(table.ids[i]),
            doc_id,
            int(table.row_language[i]),
            int(table.text_keys[i]),
            int(table.chunk_keys[i]),
            first,
        )
        self._write(table.line(i))

    def _write(self, line: bytes) -> None:
        self._file.write(line)
        self._offsets.append(self._offsets[-1] + len(line))

    def finish(self) -> ChunkTable:
        self._file.close()
        cols = self.directory / TABLE
        cols.mkdir(exist_ok=True)
        np.save(cols / "offsets.npy", np.frombuffer(self._offsets, dtype=np.int64), allow_pickle=False)
        for name, values in self._columns.arrays().items():
            np.save(cols / f"{name}.npy", values, allow_pickle=False)
        docs = self._columns.docs()
        (cols / DOCS).write_text(
            json.dumps(
                {"doc_ids": docs.doc_ids, "doc_type": docs.doc_type.tolist(), "date": docs.doc_date.tolist()},
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        self._columns = _Columns()  # the arrays are on disk now
        return ChunkTable.open(self.directory)

    def close(self) -> None:
        self._file.close()


def write_table(directory: Path, table: ChunkTable) -> ChunkTable:
    """A copy of `table` in `directory` (chunks.jsonl and its columns)."""
    writer = TableWriter(directory)
    try:
        for i in range(len(table)):
            writer.copy_row(table, i)
        return writer.finish()
    finally:
        writer.close()


def _code(values: tuple[str, ...], value: str) -> int:
    """Index of `value` in `values`; unknown values get the extra last code (never matched by a filter)."""
    return values.index(value) if value in values else len(values)


def _lookup(values: tuple[str, ...], wanted: list[str]) -> np.ndarray:
    table = np.zeros(len(values) + 1, dtype=bool)
    for w in wanted:
        if w in values:
            table[values.index(w)] = True
    return table


def read_jsonl(path: Path) -> Iterator[Any]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
