"""Bring the upload library (<home>/library) back in line with the index after a crash, at server start:

- `.upload-*.tmp` staging copies of an upload that never finished are deleted;
- `.NAME.previous` (the file a replacing upload set aside) is put back when the index still serves its text, and
  deleted when the index serves the new NAME;
- a library file the index does not know (an upload killed before its commit) is indexed now; if it cannot be,
  it is deleted, as a failed upload's file would have been.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

STAGING_GLOB = ".upload-*.tmp"


@dataclass
class Reconciled:
    staging_removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)  # backups put back (the index serves their text)
    backups_removed: list[str] = field(default_factory=list)
    indexed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # unindexable leftovers

    def changed(self) -> bool:
        return any((self.staging_removed, self.restored, self.backups_removed, self.indexed, self.removed))


def _records_by_file(index: Any) -> dict[str, Any]:
    manifest = getattr(index, "manifest", None)
    docs = getattr(manifest, "documents", None) or {}
    return {rec.file: rec for rec in docs.values() if getattr(rec, "file", None)}


def reconcile_library(index: Any, library: Path) -> Reconciled:
    """Reconcile `library` with `index` (call with the service's write lock held)."""
    from index.index import fingerprint

    done = Reconciled()
    if not library.is_dir():
        return done
    for tmp in library.glob(STAGING_GLOB):
        tmp.unlink(missing_ok=True)
        done.staging_removed.append(tmp.name)
    records = _records_by_file(index)
    for backup in library.glob(".*.previous"):
        target = library / backup.name[1 : -len(".previous")]
        rec = records.get(str(target.resolve()))
        serves_backup = rec is not None and rec.fingerprint == fingerprint(backup)
        if serves_backup or not target.exists():
            os.replace(backup, target)  # the index serves the old text (or the new file is gone): put it back
            done.restored.append(target.name)
        else:
            backup.unlink()
            done.backups_removed.append(backup.name)
    records = _records_by_file(index)
    orphans = [
        p
        for p in sorted(library.iterdir())
        if p.is_file() and not p.name.startswith(".") and str(p.resolve()) not in records
    ]
    if orphans:
        report = index.ingest(orphans)
        failed = {str(Path(o.path).resolve()) for o in report.failed}
        for p in orphans:
            if str(p.resolve()) in failed:
                p.unlink(missing_ok=True)
                done.removed.append(p.name)
            else:
                done.indexed.append(p.name)
    if done.changed():
        log.warning("library reconciled with the index after an interrupted change: %s", done)
    return done
