"""On-disk layout of an index directory and its atomic commit.

    INDEX_DIR/
      CURRENT            one line: the name of the current generation directory (replaced atomically)
      LOCK               flock'ed by the one process allowed to write
      gen-000007/        the current generation: manifest.json, chunks.jsonl, tokens.jsonl, vectors.npy,
                         faiss.index, bm25/ (bm25s arrays + json; nothing pickled)
      .tmp-gen-000008-<pid>/   a generation being written (ignored by readers, removed by the next writer)

A writer builds the next generation in a temporary directory, fsyncs every file, renames the directory to
`gen-N`, then atomically replaces CURRENT (write CURRENT.tmp, fsync, rename, fsync the directory). Killing the
process at any point leaves CURRENT naming a complete generation; stray directories are removed later.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

POINTER = "CURRENT"
LOCK = "LOCK"
_GEN = re.compile(r"^(?:\.tmp-)?gen-(\d{6})(?:-\d+)?$")


class IndexLockedError(Exception):
    """Another process holds the index's write lock."""


class IndexNotFoundError(FileNotFoundError):
    """There is no index at this path."""


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(directory: Path) -> None:
    """fsync every file and directory below `directory`, then the directory itself."""
    for root, dirs, files in os.walk(directory):
        for name in files:
            fsync_path(Path(root) / name)
        for name in dirs:
            fsync_path(Path(root) / name)
    fsync_path(directory)


class IndexStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # ---------------------------------------------------------------- reading
    def exists(self) -> bool:
        return (self.root / POINTER).is_file()

    def current(self) -> Path:
        pointer = self.root / POINTER
        try:
            name = pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise IndexNotFoundError(
                f"{self.root}: no policyqa index here; create one with `policyqa ingest PATHS`"
            ) from None
        if not _GEN.match(name) or name.startswith(".tmp-"):
            raise ValueError(f"{pointer}: unexpected content {name!r}; {self.root} is not a policyqa index")
        return self.root / name

    def generations(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir() and _GEN.match(p.name))

    # ---------------------------------------------------------------- writing
    @contextmanager
    def write_lock(self, timeout: float = 0.0) -> Iterator[None]:
        """Hold the exclusive writer lock; raise IndexLockedError if another process keeps it past `timeout`."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        raise IndexLockedError(
                            f"{self.root}: another policyqa process is writing this index; "
                            "wait for it to finish and retry"
                        ) from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def new_generation(self) -> Path:
        """A fresh temporary directory for the next generation (call with the write lock held)."""
        numbers = [int(m.group(1)) for p in self.generations() if (m := _GEN.match(p.name))]
        n = max(numbers, default=0) + 1
        tmp = self.root / f".tmp-gen-{n:06d}-{os.getpid()}"
        tmp.mkdir(parents=True)
        return tmp

    def commit(self, tmp: Path) -> Path:
        """Make the generation written in `tmp` current, atomically; then delete older generations."""
        m = _GEN.match(tmp.name)
        if not m or not tmp.name.startswith(".tmp-"):
            raise ValueError(f"{tmp} is not a temporary generation directory")
        fsync_tree(tmp)
        final = self.root / f"gen-{m.group(1)}"
        os.rename(tmp, final)
        fsync_path(self.root)
        pointer_tmp = self.root / (POINTER + ".tmp")
        with open(pointer_tmp, "w", encoding="utf-8") as f:
            f.write(final.name + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(pointer_tmp, self.root / POINTER)
        fsync_path(self.root)
        logger.debug("committed %s", final)
        self.cleanup()
        return final

    def cleanup(self) -> None:
        """Remove every generation except the current one (call with the write lock held)."""
        try:
            keep = self.current().name
        except IndexNotFoundError:
            keep = None
        for path in self.generations():
            if path.name != keep:
                logger.debug("removing stale generation %s", path)
                shutil.rmtree(path, ignore_errors=True)
        (self.root / (POINTER + ".tmp")).unlink(missing_ok=True)

    def try_cleanup(self) -> None:
        """Clean stale generations if no writer is active right now; otherwise leave them for later."""
        if not self.root.is_dir():
            return
        try:
            with self.write_lock(timeout=0.0):
                self.cleanup()
        except IndexLockedError:
            pass
        except OSError as exc:  # read-only location: readers still work
            logger.debug("could not clean %s: %s", self.root, exc)
