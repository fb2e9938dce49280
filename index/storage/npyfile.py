"""An `.npy` file written row block by row block, its length known only at the end.

The header is written first with room for any shape (a fixed 128 bytes, as `np.save` writes for 1- and 2-d arrays)
and rewritten with the real shape by `finish()`; the file is then a plain `.npy` that `np.load` reads (memory-mapped
or not). Memory is one block, whatever the number of rows.
"""

from __future__ import annotations

import mmap
import os
import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np

HEADER_BYTES = 128
_MAGIC = b"\x93NUMPY\x01\x00"


def npy_header(dtype: np.dtype, shape: tuple[int, ...]) -> bytes:
    """A version 1.0 `.npy` header of exactly HEADER_BYTES bytes for a C-ordered array."""
    body = repr({"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False, "shape": shape})
    room = HEADER_BYTES - len(_MAGIC) - 2 - 1
    if len(body) > room:
        raise ValueError(f"npy header for shape {shape} does not fit in {HEADER_BYTES} bytes")
    text = body.encode("latin1") + b" " * (room - len(body)) + b"\n"
    return _MAGIC + struct.pack("<H", len(text)) + text


class NpyAppender:
    """Rows of one dtype and row shape appended to `path`; `finish()` fixes the header and returns the rows read
    back memory-mapped. `read(first, last)` reads rows already appended (for a value needed again before the end)."""

    def __init__(self, path: Path, dtype: np.dtype | type, row_shape: tuple[int, ...] = ()) -> None:
        self.path = Path(path)
        self.dtype = np.dtype(dtype)
        self.row_shape = tuple(row_shape)
        self.rows = 0
        self._row_bytes = int(self.dtype.itemsize * int(np.prod(self.row_shape, dtype=np.int64)))
        self._file: BinaryIO | None = open(self.path, "w+b")  # noqa: SIM115 (closed by finish/close)
        self._file.write(npy_header(self.dtype, (0, *self.row_shape)))

    def append(self, block: np.ndarray) -> None:
        assert self._file is not None, "appending to a finished file"
        block = np.ascontiguousarray(block, dtype=self.dtype)
        if block.shape[1:] != self.row_shape:
            raise ValueError(f"{self.path.name}: rows of shape {block.shape[1:]}, expected {self.row_shape}")
        self._file.write(block.tobytes())
        self.rows += len(block)

    def read(self, first: int, last: int) -> np.ndarray:
        """Rows first..last-1 of what was appended so far."""
        assert self._file is not None
        if not 0 <= first <= last <= self.rows:
            raise IndexError(f"rows {first}..{last} of {self.rows}")
        self._file.flush()
        data = os.pread(self._file.fileno(), (last - first) * self._row_bytes, HEADER_BYTES + first * self._row_bytes)
        return np.frombuffer(data, dtype=self.dtype).reshape((last - first, *self.row_shape))

    def finish(self) -> np.ndarray:
        """Write the final header, close the file and return its rows memory-mapped (read-only)."""
        assert self._file is not None
        self._file.seek(0)
        self._file.write(npy_header(self.dtype, (self.rows, *self.row_shape)))
        self._file.close()
        self._file = None
        if self.rows == 0:  # np.load cannot memory-map an empty array
            return np.load(self.path, allow_pickle=False)
        return np.load(self.path, mmap_mode="r", allow_pickle=False)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class NpyMap:
    """A new `.npy` file of `length` values mapped writable: values are written in place (in any order) and the
    pages already written can be handed back to the page cache (`release()`), so the file, not this process,
    holds the array however large it is. `close()` unmaps it; `np.load(path, mmap_mode="r")` reads it."""

    def __init__(self, path: Path, dtype: np.dtype | type, length: int) -> None:
        self.path = Path(path)
        dtype = np.dtype(dtype)
        size = HEADER_BYTES + dtype.itemsize * length
        with open(self.path, "wb") as f:
            f.write(npy_header(dtype, (length,)))
            f.truncate(size)
        self._map: mmap.mmap | None = None
        if length:
            with open(self.path, "r+b") as f:
                self._map = mmap.mmap(f.fileno(), size, access=mmap.ACCESS_WRITE)
            self.array = np.ndarray((length,), dtype=dtype, buffer=self._map, offset=HEADER_BYTES)
        else:
            self.array = np.zeros(0, dtype=dtype)

    def release(self) -> None:
        """Drop the mapped pages from this process (written pages stay in the page cache and reach the file)."""
        if self._map is not None and hasattr(mmap, "MADV_DONTNEED"):
            self._map.madvise(mmap.MADV_DONTNEED)

    def close(self) -> None:
        if self._map is not None:
            self.array = np.zeros(0, dtype=self.array.dtype)
            self._map.flush()
            self._map.close()
            self._map = None
