"""Documents → structure-aware chunks with citation labels.

Public API: `discover`, `load_document`, `load_text`, `chunk_document`, plus the shared records `Document`,
`Chunk` and the per-file error `IngestError`.
"""

from .chunking import CHUNKER_VERSION, chunk_document
from .loaders import DEFAULT_MAX_BYTES, LOADER_VERSION, SUPPORTED_EXTENSIONS, discover, load_document, load_text
from .types import DOC_TYPES, Chunk, Document, IngestError

__all__ = [
    "CHUNKER_VERSION",
    "DEFAULT_MAX_BYTES",
    "DOC_TYPES",
    "LOADER_VERSION",
    "SUPPORTED_EXTENSIONS",
    "Chunk",
    "Document",
    "IngestError",
    "chunk_document",
    "discover",
    "load_document",
    "load_text",
    "pipeline_version",
]


def pipeline_version() -> str:
    """What an index records for each document it ingests with the default loader and chunker: a document recorded
    under another version is reloaded and re-chunked on the next ingest (unchanged passages keep their vectors)."""
    return f"{CHUNKER_VERSION}+{LOADER_VERSION}"
