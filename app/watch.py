"""Keep an index in step with folders: `watch_folders` re-ingests them whenever files change (new, changed, removed,
a sidecar or a ``.policyqaignore`` edited), using watchfiles. Changes are debounced: a burst of writes (a copy of a
whole folder) becomes one ingest. Each ingest is the ordinary incremental one (unchanged files are skipped by their
fingerprint, removed files pruned), and commits atomically, so stopping at any point — Ctrl-C, SIGTERM, even in
the middle of an ingest — leaves the index as the last commit left it."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.types import IngestReport
from ingest import SUPPORTED_EXTENSIONS
from ingest.ignore import IGNORE_FILE
from ingest.meta import SIDECAR_SUFFIXES

log = logging.getLogger(__name__)

DEFAULT_DEBOUNCE_MS = 1600


def relevant(path: Path, *, skip: Sequence[Path] = ()) -> bool:
    """A change that can alter the index: a document, a sidecar or an ignore file, outside the `skip` folders
    (the index's own directory when it lies inside a watched folder)."""
    name = path.name
    if any(path.is_relative_to(s) for s in skip):
        return False
    return (
        name == IGNORE_FILE
        or any(name.endswith(s) for s in SIDECAR_SUFFIXES)
        or path.suffix.lower() in SUPPORTED_EXTENSIONS
    )


def watch_folders(
    index: Any,
    folders: Sequence[Path],
    *,
    on_report: Callable[[IngestReport], None] | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    stop: threading.Event | None = None,
    debounce_ms: int = DEFAULT_DEBOUNCE_MS,
    force_duplicates: bool = False,
    initial: bool = True,
) -> None:
    """Ingest `folders` (when `initial`), then again after every batch of relevant changes, until `stop` is set
    (or KeyboardInterrupt). `on_report` gets each ingest's report."""
    import watchfiles

    folders = [Path(f).resolve() for f in folders]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        raise ValueError(f"not a folder: {', '.join(missing)}")
    skip = [Path(index.path).resolve()]

    def run() -> None:
        report = index.ingest(folders, prune=True, on_progress=on_progress, force_duplicates=force_duplicates)
        if on_report is not None:
            on_report(report)

    if initial:
        run()
    for changes in watchfiles.watch(
        *folders,
        watch_filter=lambda _change, path: relevant(Path(path), skip=skip),
        debounce=debounce_ms,
        stop_event=stop,
        raise_interrupt=False,
    ):
        log.info("%d change(s): %s", len(changes), ", ".join(sorted(Path(p).name for _, p in changes))[:300])
        run()
        if stop is not None and stop.is_set():
            break


@contextmanager
def interrupt_on_sigterm() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C (KeyboardInterrupt) in the main thread, so a stopped watcher unwinds cleanly."""

    def handler(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
