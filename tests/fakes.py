"""Deterministic test doubles for plumbing tests (never used by product code).

`FakeEmbedder`: a bag-of-hashed-tokens vector, L2-normalised: texts sharing words get a positive inner product,
so rankings are meaningful enough to test plumbing; it records every text it was asked to embed.
`paragraph_chunker`: one chunk per blank-line-separated paragraph, honouring the Chunk invariants.
"""

from __future__ import annotations

import hashlib
import re
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.retrieval.tokenize import LexicalTokenizer
from ingest.settings import ChunkingSettings
from ingest.types import Chunk, Document

_WORD = re.compile(r"\w+", re.UNICODE)


class FakeEmbedder:
    def __init__(self, dim: int = 64, name: str = "fake", delay: float = 0.0) -> None:
        self.name = name
        self.dim = dim
        self.max_tokens = 256
        self.delay = delay  # seconds per encode_passages call (for the kill test)
        self.passage_calls: list[list[str]] = []
        self.query_calls: list[str] = []

    @property
    def embedded(self) -> list[str]:
        return [t for call in self.passage_calls for t in call]

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            digest = hashlib.sha1(word.encode("utf-8")).digest()
            idx = int.from_bytes(digest[:4], "little") % self.dim
            v[idx] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(v))
        if norm == 0:
            v[0] = 1.0
            return v
        return v / norm

    def encode_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        self.passage_calls.append(list(texts))
        if self.delay:
            time.sleep(self.delay)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.query_calls.extend(texts)
        return np.stack([self._vector(t) for t in texts])

    def count_tokens(self, text: str) -> int:
        return len(_WORD.findall(text))


def paragraph_chunker(doc: Document, chunking: ChunkingSettings, count_tokens) -> list[Chunk]:
    chunks = []
    for m in re.finditer(r"\S(?:.*\S)?(?:\n(?!\s*\n).*\S)*", doc.text):
        start, end = m.start(), m.end()
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}@{start}",
                doc_id=doc.doc_id,
                text=doc.text[start:end],
                start=start,
                end=end,
                section=f"¶{len(chunks) + 1}",
                label=f"{doc.title}, ¶{len(chunks) + 1}",
                page=None,
                language="ko" if re.search(r"[\uac00-\ud7a3]", m.group()) else "en",
            )
        )
    return chunks


def make_doc(
    doc_id: str,
    text: str,
    *,
    title: str | None = None,
    doc_type: str = "article",
    date: str | None = None,
    language: str = "en",
    source: str | None = None,
) -> Document:
    return Document(
        doc_id=doc_id,
        title=title or doc_id.replace("_", " ").title(),
        source=source or f"mem://{doc_id}",
        doc_type=doc_type,
        date=date,
        language=language,
        text=text,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def write_doc(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@lru_cache(maxsize=1)
def shared_tokenizer() -> LexicalTokenizer:
    """One BM25 tokenizer for the whole test session (Kiwi takes seconds to load)."""
    return LexicalTokenizer()
