"""Typed records shared by the ingest pipeline and everything downstream.

A `Document` is one loaded file: its normalised text plus metadata. A `Chunk` is a span of that
text that follows the document's own structure (a law's section, an executive order's `Sec. 3`,
a Korean statute's `제17조`, a markdown heading, a speaker turn, a PDF page). Invariant:
``document.text[chunk.start:chunk.end] == chunk.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DocType = Literal["law", "order", "transcript", "article", "other"]
DOC_TYPES: tuple[str, ...] = ("law", "order", "transcript", "article", "other")

Language = Literal["en", "ko"]


class IngestError(Exception):
    """A file that cannot be ingested. The message names the file and says what to do."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Document:
    doc_id: str  # stable id, by default a slug of the file name stem
    title: str
    source: str  # the path the document was loaded from
    doc_type: DocType
    date: str | None  # ISO date (YYYY-MM-DD) when known
    language: Language  # dominant language of the text
    text: str  # normalised full text; chunk offsets index into it
    content_hash: str  # sha256 hex of the file's bytes
    # For PDFs: (start, end) character span of each page in `text`, page 1 first. Empty otherwise.
    page_spans: tuple[tuple[int, int], ...] = ()
    metadata: dict = field(default_factory=dict)  # other front-matter fields (str/int/list values)
    warnings: tuple[str, ...] = ()  # non-fatal problems found while loading (e.g. encoding converted)
    ocr_pages: tuple[int, ...] = ()  # 1-based PDF pages whose text came from OCR (scanned pages)


@dataclass(frozen=True)
class Chunk:
    chunk_id: str  # f"{doc_id}@{start}": stable while the document is unchanged
    doc_id: str
    text: str  # == document.text[start:end]
    start: int
    end: int
    section: str | None  # structural label within the document: "§ 9214(b)", "Sec. 2", "제17조", "Findings"
    label: str  # human citation label: "22 U.S.C. § 9214(b)", "EO 13687 Sec. 2", "남북협력기금법 제8조", "p. 3"
    page: int | None  # 1-based PDF page of the chunk start, None for non-paged documents
    language: Language  # detected per chunk
    # Text to embed and to index for BM25 when set: the document title and the headings above the chunk, then
    # the chunk text without markdown markup. The index uses ``chunk.context or chunk.text``.
    context: str | None = None
    # The chunk holding the lead-in of the list this chunk continues ("… shall be fined or imprisoned: … (3) …"),
    # when that lead-in is in another chunk: what an answer quoting an item may also need.
    lead_in_chunk: str | None = None
    ocr: bool = False  # the chunk's text (all or part) came from OCR of a scanned page
