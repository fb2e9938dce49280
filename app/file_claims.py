"""`FileClaims`: the library files a write is changing, so writes on the same file take turns while writes on other
files run side by side (the index itself serialises their commits)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


def _key(path: Path) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(path)


class FileClaims:
    """`with claims.hold(paths):` waits while another write holds any of `paths`, then holds them until the block
    ends. A write claims every file it creates, replaces or deletes (its set-aside copies are named after them)."""

    def __init__(self) -> None:
        self._held: set[str] = set()
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, paths: Iterable[Path]) -> Iterator[None]:
        wanted = {_key(p) for p in paths}
        with self._changed:
            self._changed.wait_for(lambda: not wanted & self._held)
            self._held |= wanted
        try:
            yield
        finally:
            with self._changed:
                self._held -= wanted
                self._changed.notify_all()

    def held(self) -> set[str]:
        """The paths held now (for status pages and tests)."""
        with self._changed:
            return set(self._held)
