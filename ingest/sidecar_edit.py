"""Write a librarian's corrections of a document's metadata into its sidecar file, where the loader reads them
(`ingest.meta.find_sidecar`): they override front matter and inference, and survive every re-ingest.

Fields: ``title``, ``date`` (ISO or any written date `ingest.dates.parse_date` reads), ``doc_type`` (one of
`DOC_TYPES`) and ``aliases`` (other names of the document, searched and matched as its name). A value of None
leaves a field as it is; an empty value removes the correction, so the field is inferred again."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from . import meta as m
from .types import DOC_TYPES

EDITABLE = ("title", "date", "doc_type", "aliases")


def checked_changes(
    *,
    title: str | None = None,
    date: str | None = None,
    doc_type: str | None = None,
    aliases: list[str] | None = None,
) -> dict[str, Any]:
    """The corrections as sidecar values ("" or [] for a removal); ValueError names what is wrong."""
    out: dict[str, Any] = {}
    if title is not None:
        out["title"] = " ".join(title.split())
    if date is not None:
        if date.strip():
            iso = m.parse_date(date)
            if iso is None:
                raise ValueError(f"date {date!r} is not a date; write it as YYYY-MM-DD")
            out["date"] = iso
        else:
            out["date"] = ""
    if doc_type is not None:
        if doc_type.strip() and doc_type.strip() not in DOC_TYPES:
            raise ValueError(f"unknown doc_type {doc_type!r}; allowed: {list(DOC_TYPES)}")
        out["doc_type"] = doc_type.strip()
    if aliases is not None:
        out["aliases"] = m.aliases_of({"aliases": aliases})
    return out


def write_corrections(document: Path, changes: dict[str, Any]) -> Path:
    """Merge `changes` (from `checked_changes`) into the sidecar of `document` (created as
    ``NAME.meta.yaml`` when it has none; a JSON sidecar stays JSON), atomically. Returns the sidecar's path;
    a sidecar left empty is deleted. Raises OSError when the folder cannot be written and ValueError when the
    existing sidecar cannot be read."""
    document = Path(document)
    sidecar = m.find_sidecar(document) or document.with_name(document.name + ".meta.yaml")
    data = m.read_sidecar(sidecar) if sidecar.is_file() else {}
    for key, value in changes.items():
        synonyms = {"title": m.TITLE_KEYS, "date": m.DATE_KEYS, "doc_type": m.TYPE_KEYS, "aliases": m.ALIAS_KEYS}[key]
        for k in [k for k in data if str(k).lower() in synonyms]:
            del data[k]  # one value per field, under its canonical name
        if value not in ("", []):
            data[key] = value
    if not data:
        sidecar.unlink(missing_ok=True)
        return sidecar
    if sidecar.name.endswith(".json"):
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    fd, tmp = tempfile.mkstemp(prefix=f".{sidecar.name}.", suffix=".tmp", dir=sidecar.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, sidecar)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sidecar
