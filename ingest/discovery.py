"""Folders → the files to ingest, each with the folder it was found in and, when it is skipped, why
(`ingest.ignore`: ``.policyqaignore`` files and the folder-boilerplate defaults)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import meta as m
from .ignore import IGNORE_FILE, IgnoreRules


@dataclass(frozen=True)
class Found:
    path: Path
    root: Path | None  # the folder walked to find it; None for a file named explicitly
    ignored: str | None = None  # the pattern that skips it, None for a document to ingest


def find_files(
    paths: Iterable[Path], *, is_supported: Callable[[Path], bool] | None = None, use_defaults: bool = True
) -> list[Found]:
    """Expand folders recursively to supported files, sorted by path, each file once. Hidden files and folders and
    metadata sidecars (``*.meta.yaml``/``*.meta.json``) are left out; files a folder's ignore rules skip are kept
    with the reason in `Found.ignored`. Files named explicitly are kept even with an unsupported extension (so that
    the loader can refuse them with a clear message) and are never ignored."""
    if is_supported is None:
        from .loaders import supported

        is_supported = supported
    found: dict[Path, Found] = {}
    for p in paths:
        p = Path(p)
        if p.is_dir():
            rules = IgnoreRules.for_folder(p, use_defaults=use_defaults)
            for f in p.rglob("*"):
                rel = f.relative_to(p).parts
                if any(part.startswith(".") for part in rel) or not f.is_file() or f.name == IGNORE_FILE:
                    continue
                if is_supported(f) and not m.is_sidecar(f) and f not in found:
                    found[f] = Found(f, p, rules.reason(f))
        elif not m.is_sidecar(p):
            found[p] = Found(p, None)
    return [found[p] for p in sorted(found)]
