"""What an ingest holds from loading to commit — loaded documents and their chunks — kept on disk, not in memory.

`Spill` appends objects to an unnamed temporary file and hands back their place (`Spilled`); `get` reads one back.
Memory holds the places, so an ingest of 50,000 files keeps a few documents in memory at a time, not 50,000.

The file has no name: the operating system removes it when it is closed or when the process ends, however it ends
(an exception, a kill), so no run leaves spill files behind and none has leftovers to clean. Objects are pickled:
pickle gives back a `Document` or `Chunk` exactly as the loader made it (tuples, front-matter values), and the usual
reasons to keep pickle off disk do not apply to a file no other process can open by name, written and read by the
same process within one call.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Spilled:
    """Where one object is in a `Spill`: its byte offset and length."""

    offset: int
    length: int


class Spill(Generic[T]):
    """Objects written to an unnamed temporary file in `directory` (None: the system's temporary directory).
    Use as a context manager, or call `close`."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self._file = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 (closed by close())
        self._end = 0
        self.count = 0  # objects written

    def put(self, obj: T) -> Spilled:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        place = Spilled(self._end, len(data))
        self._file.seek(self._end)
        self._file.write(data)
        self._end += len(data)
        self.count += 1
        return place

    def get(self, place: Spilled) -> T:
        self._file.flush()
        data = os.pread(self._file.fileno(), place.length, place.offset)
        if len(data) != place.length:
            raise ValueError(f"spill file truncated: {len(data)} of {place.length} bytes at {place.offset}")
        obj: T = pickle.loads(data)  # written by this process (module docstring)
        return obj

    @property
    def bytes(self) -> int:
        """Bytes written so far."""
        return self._end

    @property
    def closed(self) -> bool:
        return self._file.closed

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spill[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
