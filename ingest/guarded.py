"""`load_file`: `load_document` with every failure turned into that file's `IngestError`, so one bad file never
stops a batch (a parser's RecursionError, MemoryError or internal bug becomes a per-file message)."""

from __future__ import annotations

import logging
from pathlib import Path

from .loaders import load_document
from .types import Document, IngestError

logger = logging.getLogger(__name__)


def load_file(path: Path, *, default_id: str | None = None) -> Document:
    """Load one file; raises only `IngestError` (the message names the file and what went wrong)."""
    try:
        return load_document(path, default_id=default_id)
    except IngestError:
        raise
    except MemoryError:
        raise IngestError(str(path), "ran out of memory reading this file; split it into smaller files") from None
    except RecursionError:
        raise IngestError(str(path), "the file is nested too deeply to read; simplify or convert it") from None
    except Exception as exc:  # noqa: BLE001 - any parser failure is this file's failure, not the batch's
        logger.debug("loading %s failed", path, exc_info=True)
        raise IngestError(str(path), f"could not be read ({type(exc).__name__}: {str(exc)[:300]})") from exc
