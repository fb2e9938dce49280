"""The chunk table: one row per indexed chunk (chunk fields + its document's fields), aligned with the vectors,
the BM25 rows and the FAISS ids; JSONL on disk; vectorised metadata filters."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.types import Filters, Passage
from ingest.types import DOC_TYPES, Chunk, Document

LANGUAGES: tuple[str, ...] = ("en", "ko")

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


@dataclass
class ChunkTable:
    rows: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ids = np.fromiter((r["id"] for r in self.rows), dtype=np.int64, count=len(self.rows))
        if len(self.ids) > 1 and not bool(np.all(np.diff(self.ids) > 0)):
            raise ValueError("chunk table ids must be strictly increasing")
        self._by_chunk_id = {r["chunk_id"]: i for i, r in enumerate(self.rows)}
        docs = sorted({r["doc_id"] for r in self.rows})
        self.doc_ids = docs
        doc_index = {d: i for i, d in enumerate(docs)}
        self.row_doc = np.fromiter((doc_index[r["doc_id"]] for r in self.rows), dtype=np.int32, count=len(self.rows))
        self._doc_index = doc_index
        self.row_language = np.array([_code(LANGUAGES, r["language"]) for r in self.rows], dtype=np.int8)
        first_row: dict[str, dict[str, Any]] = {}
        for r in self.rows:
            first_row.setdefault(r["doc_id"], r)
        self.doc_type = np.array([_code(DOC_TYPES, first_row[d]["doc_type"]) for d in docs], dtype=np.int8)
        self.doc_date = np.array([(first_row[d]["date"] or "")[:10] for d in docs], dtype="U10")

    def __len__(self) -> int:
        return len(self.rows)

    def row_of_chunk(self, chunk_id: str) -> int:
        return self._by_chunk_id[chunk_id]

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
        mask = doc_ok[self.row_doc] if len(self.rows) else np.zeros(0, dtype=bool)
        if filters.language:
            mask &= _lookup(LANGUAGES, filters.language)[self.row_language]
        return mask


def _code(values: tuple[str, ...], value: str) -> int:
    """Index of `value` in `values`; unknown values get the extra last code (never matched by a filter)."""
    return values.index(value) if value in values else len(values)


def _lookup(values: tuple[str, ...], wanted: list[str]) -> np.ndarray:
    table = np.zeros(len(values) + 1, dtype=bool)
    for w in wanted:
        if w in values:
            table[values.index(w)] = True
    return table


def write_jsonl(path: Path, records: Iterable[Any]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False))
            f.write("\n")


def read_jsonl(path: Path) -> Iterator[Any]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def select(seq: Sequence[Any], rows: Iterable[int]) -> list[Any]:
    return [seq[i] for i in rows]
