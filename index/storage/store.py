"""On-disk layout of an index directory and its atomic commit.

    INDEX_DIR/
      CURRENT            one line: the name of the current generation directory (replaced atomically)
      LOCK               flock'ed by the one process allowed to write
      gen-000007/        the current generation: manifest.json, chunks.jsonl and its columns (table/), tokens/,
                         vectors.npy, faiss.index, bm25/ (bm25s arrays + json; nothing pickled)
      .tmp-gen-000008-<pid>/   a generation being written (ignored by readers, removed by the next writer)

A writer builds the next generation in a temporary directory, fsyncs every file, renames the directory to
`gen-N`, then atomically replaces CURRENT (write CURRENT.tmp, fsync, rename, fsync the directory). Killing the
process at any point leaves CURRENT naming a complete generation; stray directories are removed by the next
writer, after its own commit. Reading never deletes anything: a missing or damaged CURRENT makes readers use the
newest complete generation (one holding a manifest) and leaves every file in place; the next commit repairs it.
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
MANIFEST_NAME = "manifest.json"
_GEN = re.compile(r"^(?:\.tmp-)?gen-(\d{6})(?:-\d+)?$")


class IndexLockedError(Exception):
    """Another process holds the index's write lock."""


class IndexNotFoundError(FileNotFoundError):
    """There is no index at this path."""


class IndexDamagedError(Exception):
    """The index directory cannot be read as it is; its files are kept and the message says what to do."""


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
    def _check_root(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise IndexDamagedError(
                f"{self.root} is a file, not an index directory; give --index (or POLICYQA_HOME) a directory"
            )

    def exists(self) -> bool:
        """True when the directory holds an index: a CURRENT pointer or at least one complete generation."""
        self._check_root()
        return (self.root / POINTER).is_file() or bool(self.complete_generations())

    def pointer(self) -> str | None:
        """The generation name CURRENT holds when it is well formed and names an existing directory, else None."""
        try:
            name = (self.root / POINTER).read_text(encoding="utf-8").strip()
        except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
            return None
        if not _GEN.match(name) or name.startswith(".tmp-") or not (self.root / name).is_dir():
            return None
        return name

    def current(self) -> Path:
        """The current generation: the one CURRENT names, or when CURRENT is missing or damaged, the newest
        complete generation (nothing is deleted or rewritten here; the next commit repairs CURRENT)."""
        self._check_root()
        name = self.pointer()
        if name is not None:
            return self.root / name
        complete = self.complete_generations()
        pointer = self.root / POINTER
        if complete:
            logger.warning(
                "%s: CURRENT is %s; using the newest complete generation %s (the next write repairs CURRENT)",
                self.root,
                "damaged" if pointer.exists() else "missing",
                complete[-1].name,
            )
            return complete[-1]
        if pointer.exists():
            raise IndexDamagedError(
                f"{pointer} names no existing generation and {self.root} holds no complete one; the files are "
                "kept as they are: restore the directory from a backup or rebuild with `policyqa ingest --rebuild PATHS`"
            )
        raise IndexNotFoundError(f"{self.root}: no policyqa index here; create one with `policyqa ingest PATHS`")

    def generations(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir() and _GEN.match(p.name))

    def complete_generations(self) -> list[Path]:
        """Committed generation directories (renamed from their temporary name, manifest present), oldest first."""
        return [p for p in self.generations() if not p.name.startswith(".tmp-") and (p / MANIFEST_NAME).is_file()]

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
        self.cleanup(final)
        return final

    def cleanup(self, keep: Path) -> None:
        """After committing `keep`: remove every older generation and every temporary one (write lock held).
        Only a writer calls this, right after its own commit; opening or searching an index never deletes."""
        for path in self.generations():
            if path.name != keep.name:
                logger.debug("removing stale generation %s", path)
                shutil.rmtree(path, ignore_errors=True)
        (self.root / (POINTER + ".tmp")).unlink(missing_ok=True)
