"""A librarian's corrections of an indexed document's metadata: written to the document's sidecar (so they survive
every re-ingest) and applied by re-ingesting that one file. One library call for the CLI, HTTP and the UI."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from index.types import FileOutcome
from ingest.sidecar_edit import checked_changes, write_corrections

log = logging.getLogger(__name__)


class MetadataEdit(BaseModel):
    """Corrections of a document's metadata. An absent field is left as it is; an empty value ("" or [])
    removes the correction, so the field is inferred from the document again."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, max_length=500, description="The document's title, as citations name it")
    date: str | None = Field(None, max_length=40, description="Its date, YYYY-MM-DD (or any written date)")
    doc_type: str | None = Field(None, description="law, order, transcript, article or other")
    aliases: list[str] | None = Field(
        None, max_length=50, description="Other names (e.g. a Korean statute's English name), searched and matched"
    )


class NotEditable(Exception):
    """The document has no file on disk to hold a sidecar."""


def edit_document(index: Any, doc_id: str, edit: MetadataEdit) -> FileOutcome:
    """Apply `edit` to the indexed document `doc_id`: merge it into the sidecar of its file and re-ingest the file.
    Raises KeyError (unknown id), ValueError (a bad value; nothing is written), NotEditable (no file) and OSError
    (the sidecar cannot be written). A re-ingest that fails puts the old sidecar back."""
    record = index.manifest.documents.get(doc_id)
    if record is None:
        raise KeyError(f"no indexed document has doc_id {doc_id!r}")
    changes = checked_changes(**edit.model_dump())
    if not changes:
        raise ValueError("nothing to change: give title, date, doc_type or aliases")
    file = _document_file(record)
    if file is None:
        raise NotEditable(f"{doc_id!r} was not loaded from a file on this machine ({record.source}); edit its source")
    from ingest.meta import find_sidecar

    old_sidecar = find_sidecar(file)
    old_bytes = old_sidecar.read_bytes() if old_sidecar else None
    sidecar = write_corrections(file, changes)
    try:
        report = index.ingest([file], force_duplicates=True)
    except BaseException:
        _restore(sidecar, old_sidecar, old_bytes)
        raise
    outcome = next((o for o in report.outcomes if o.doc_id == doc_id), None) or report.outcomes[0]
    if outcome.status == "failed":
        _restore(sidecar, old_sidecar, old_bytes)
        raise ValueError(f"{file}: {outcome.message}")
    log.info("metadata of %s corrected in %s: %s", doc_id, sidecar, changes)
    return outcome


def _document_file(record: Any) -> Path | None:
    for candidate in (record.file, record.source):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def _restore(sidecar: Path, old: Path | None, old_bytes: bytes | None) -> None:
    if old is not None and old_bytes is not None:
        if old != sidecar:
            sidecar.unlink(missing_ok=True)
        old.write_bytes(old_bytes)
    else:
        sidecar.unlink(missing_ok=True)
