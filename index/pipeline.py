"""The overlapped ingest pipeline: files are loaded (parsed, OCR'd) in a worker process while this process chunks
and embeds the documents already loaded.

- `Prefetcher` loads a known list of files in order in a worker process, at most `depth` documents ahead of the
  consumer (a bounded queue: memory for loaded-but-unprocessed documents is bounded whatever the corpus size).
- `EmbedAhead` chunks each loaded document at once and embeds the chunk texts in batches of `window` texts
  (longest first within a window), so the embedder works while the worker loads the next files; the index's
  commit step then takes the chunks and vectors from it instead of computing them again.
- `LoadCache` keeps each loaded document (or its loading error) by file, fingerprint and default id, so an ingest
  that must plan again (another writer committed while it was loading) reuses every file whose bytes did not change.

What waits for the commit stays on disk (`index.spill`): the loaded documents, their chunks and their vectors are
written to unnamed temporary files and read back one document at a time, so memory holds one document per stage
(the worker's queue, the one being planned, the one being written) whatever the number of files.

Loading is the only stage moved to another process: chunking needs the embedder's tokenizer and embedding needs the
model, both of which live here.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import tempfile
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.spill import Spill, Spilled
from ingest.types import Chunk, Document, IngestError

logger = logging.getLogger(__name__)

_DONE = "done"


class WorkerError(RuntimeError):
    """The loading worker failed unexpectedly (not a per-file IngestError); the message carries its traceback."""


def _put(out: Any, item: tuple, parent: int) -> bool:
    """Put `item` on the bounded queue, waiting while it is full; False when the parent process is gone."""
    while True:
        try:
            out.put(item, timeout=0.5)
            return True
        except queue.Full:
            if os.getppid() != parent:
                return False


def _load_worker(tasks: Any, out: Any, load: Callable[[Path, str | None], Document], parent: int) -> None:
    while True:  # wait for the file list; leave if the parent dies first
        try:
            files = tasks.get(timeout=0.5)
            break
        except queue.Empty:
            if os.getppid() != parent:
                return
    for name, default_id in files:
        try:
            item: tuple = ("ok", name, load(Path(name), default_id))
        except IngestError as exc:  # a per-file failure: the consumer records it and carries on
            item = ("ingest_error", name, (exc.path, exc.reason))
        except BaseException:
            _put(out, ("error", name, traceback.format_exc()), parent)
            return
        if not _put(out, item, parent):
            return
    _put(out, (_DONE, "", None), parent)


def default_loader(path: Path, default_id: str | None = None) -> Document:
    """`ingest.guarded.load_file`: any failure of a parser is this file's IngestError."""
    from ingest.guarded import load_file

    return load_file(path, default_id=default_id)


class Prefetcher:
    """Loads `files` in a worker process, in order, at most `depth` documents ahead; `load(file)` returns the
    document (or raises its IngestError). `loader(path, default_id)` loads one file. Files must be asked for in the order given; use as a context manager so
    the worker stops whatever happens."""

    def __init__(
        self,
        *,
        depth: int = 8,
        min_files: int = 2,
        loader: Callable[[Path, str | None], Document] = default_loader,
    ) -> None:
        if depth < 1:
            raise ValueError(f"depth must be at least 1, not {depth}")
        self._depth = depth
        self._min_files = min_files
        self._loader = loader
        self._planned: dict[str, str | None] = {}
        self._process: Any = None
        self._queue: Any = None
        self._tasks: Any = None
        self._started = False

    def start(self, files: Sequence[Path], default_ids: Mapping[Path, str | None] | None = None) -> None:
        """Begin loading `files` in the worker, each with its id from `default_ids` when the document names none
        (fewer than `min_files`: they load inline when asked for)."""
        ids = default_ids or {}
        planned = {str(f): ids.get(Path(f)) for f in files}
        if self._process is None or self._started:
            return
        self._started = True
        if len(planned) < self._min_files:
            planned = {}
        self._tasks.put(list(planned.items()))
        self._planned = planned

    def __enter__(self) -> Prefetcher:
        """Start the worker, idle until `start`. Enter this before taking locks or opening files the worker
        must not hold: a forked worker inherits the open file descriptors of the moment it starts."""
        # fork where it exists: spawn would re-run an unguarded user script's top level in the worker
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        ctx: Any = mp.get_context(method)
        self._tasks = ctx.Queue(maxsize=1)
        self._queue = ctx.Queue(maxsize=self._depth)
        self._process = ctx.Process(
            target=_load_worker,
            args=(self._tasks, self._queue, self._loader, os.getpid()),
            daemon=True,
            name="policyqa-load",
        )
        self._process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join(timeout=10)
            self._queue.close()
            self._tasks.close()
            self._process = None
            self._planned = {}
            self._started = False

    def load(self, file: Path, default_id: str | None = None) -> Document:
        """The document of `file`: from the worker when it was given to `start` with the same `default_id`, else
        loaded here."""
        name = str(file)
        if self._process is None or name not in self._planned or self._planned[name] != default_id:
            return self._loader(Path(name), default_id)
        del self._planned[name]
        while True:
            try:
                kind, got, payload = self._queue.get(timeout=5)
            except queue.Empty:
                if not self._process.is_alive():
                    raise WorkerError(f"the loading worker died (exit code {self._process.exitcode})") from None
                continue
            if kind == _DONE:
                raise KeyError(f"{name}: not among the files given to the loading worker")
            if kind == "error":
                raise WorkerError(f"loading {got} failed in the worker:\n{payload}")
            if got != name:  # the caller skipped this file (e.g. a duplicate found meanwhile)
                continue
            if kind == "ingest_error":
                raise IngestError(*payload)
            return payload


class SpilledVectors(Mapping[str, np.ndarray]):
    """Vectors by text hash, written to an unnamed temporary file (gone when closed or when the process dies), so
    that an ingest's vectors wait for the commit on disk: memory is the hash -> row map."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self._file = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 (closed by close())
        self._rows: dict[str, int] = {}
        self._dim = 0

    def put(self, hashes: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if len(hashes) != len(vectors):
            raise ValueError(f"{len(vectors)} vectors for {len(hashes)} hashes")
        if not len(hashes):
            return
        if not self._dim:
            self._dim = vectors.shape[1]
        elif vectors.shape[1] != self._dim:
            raise ValueError(f"vectors of dimension {vectors.shape[1]}, expected {self._dim}")
        self._file.seek(0, os.SEEK_END)
        first = self._file.tell() // (4 * self._dim)
        self._file.write(vectors.tobytes())
        for i, h in enumerate(hashes):
            self._rows.setdefault(h, first + i)

    def __getitem__(self, h: str) -> np.ndarray:
        row = self._rows[h]
        self._file.flush()
        data = os.pread(self._file.fileno(), 4 * self._dim, 4 * self._dim * row)
        return np.frombuffer(data, dtype=np.float32).copy()

    def __contains__(self, h: object) -> bool:
        return h in self._rows

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def close(self) -> None:
        self._file.close()


class EmbedAhead:
    """Chunks loaded documents and embeds their texts while loading continues.

    `chunk(doc)` -> chunks, `rows(doc, chunks)` -> rows with "hash" and the embed text (`text_of(row)`),
    `embed(texts)` -> float32 vectors. Identical texts are embedded once. `known(hash)` says a text already has a
    vector in the index (not embedded again). Chunks and vectors wait for the commit in unnamed temporary files in
    `spill_dir` (None: the system's temporary directory); memory holds their places and the current window."""

    def __init__(
        self,
        *,
        chunk: Callable[[Document], list[Chunk]],
        rows: Callable[[Document, list[Chunk]], list[dict[str, Any]]],
        text_of: Callable[[dict[str, Any]], str],
        embed: Callable[[list[str]], np.ndarray],
        known: Callable[[str], bool] = lambda h: False,
        window: int = 128,
        batch_size: int = 32,
        on_progress: Callable[[str, int, int], None] | None = None,
        spill_dir: Path | str | None = None,
    ) -> None:
        self._chunk, self._rows, self._text_of, self._embed, self._known = chunk, rows, text_of, embed, known
        self._window = max(1, window)
        self._batch = max(1, batch_size)
        self._on_progress = on_progress
        self._texts_seen = 0
        self._chunks: dict[tuple[str, str], Spilled] = {}  # (doc id, content hash) -> its chunks in the spill
        self._pending: dict[str, str] = {}  # hash -> text, not embedded yet
        self.vectors = SpilledVectors(spill_dir)
        self._spill: Spill[list[Chunk]] = Spill(spill_dir)

    def add(self, doc: Document) -> None:
        if (doc.doc_id, doc.content_hash) in self._chunks:  # planned again: chunked and queued already
            return
        try:
            chunks = self._chunk(doc)
        except (IngestError, ValueError, RecursionError, MemoryError, IndexError, KeyError, TypeError):
            return  # the commit step chunks it again and records the failure
        self._chunks[(doc.doc_id, doc.content_hash)] = self._spill.put(chunks)
        for row in self._rows(doc, chunks):
            h = row["hash"]
            if h not in self.vectors and h not in self._pending and not self._known(h):
                self._pending[h] = self._text_of(row)
                self._texts_seen += 1
        if len(self._pending) >= self._window:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        items = sorted(self._pending.items(), key=lambda kv: -len(kv[1]))
        for start in range(0, len(items), self._batch):
            part = items[start : start + self._batch]
            if self._on_progress:  # the total grows as the worker loads more files
                self._on_progress("embed", len(self.vectors), self._texts_seen)
            vectors = np.asarray(self._embed([t for _, t in part]), dtype=np.float32)
            if vectors.shape[0] != len(part):
                raise ValueError(f"the embedder returned {vectors.shape[0]} vectors for {len(part)} texts")
            self.vectors.put([h for h, _ in part], vectors)
        self._pending.clear()

    def close(self) -> None:
        self.vectors.close()
        self._spill.close()

    def chunks(self, doc: Document) -> list[Chunk] | None:
        """The chunks made for `doc` (same id and content), or None if it was not seen (or failed)."""
        place = self._chunks.get((doc.doc_id, doc.content_hash))
        return self._spill.get(place) if place is not None else None

    def take(self, doc: Document) -> list[Chunk] | None:
        """`chunks(doc)`, no longer kept here (the commit step takes each document's chunks once)."""
        place = self._chunks.pop((doc.doc_id, doc.content_hash), None)
        return self._spill.get(place) if place is not None else None


class LoadCache:
    """Documents loaded during one ingest, by (file, fingerprint, default id), kept in an unnamed temporary file in
    `spill_dir` (None: the system's temporary directory) until `close`. `load` returns the document and its place
    in the spill (`document(place)` reads it back): the cached one (or the cached IngestError raised again) when the
    file's fingerprint is the one it was loaded with, else one loaded through `prefetch` (inline once the prefetcher
    has stopped). A file whose fingerprint is unknown (None) is never served from the cache."""

    def __init__(self, prefetch: Prefetcher, spill_dir: Path | str | None = None) -> None:
        self._prefetch = prefetch
        self._done: dict[tuple[str, str, str | None], Spilled | IngestError] = {}
        self._spill: Spill[Document] = Spill(spill_dir)

    def start(self, files: Sequence[Path], default_ids: Mapping[Path, str | None]) -> None:
        """Hand the files to load to the prefetcher (a no-op once it has started or stopped)."""
        self._prefetch.start(files, default_ids)

    def load(self, file: Path, default_id: str | None, fingerprint: str | None) -> tuple[Document, Spilled]:
        key = (str(file), fingerprint, default_id) if fingerprint is not None else None
        if key is not None and key in self._done:
            found = self._done[key]
            if isinstance(found, IngestError):
                raise found
            return self._spill.get(found), found
        try:
            doc = self._prefetch.load(file, default_id)
        except IngestError as exc:
            if key is not None:
                self._done[key] = exc
            raise
        place = self._spill.put(doc)
        if key is not None:
            self._done[key] = place
        return doc, place

    def document(self, place: Spilled) -> Document:
        """The document `load` returned with `place`, read back from the spill."""
        return self._spill.get(place)

    def close(self) -> None:
        self._spill.close()

    def __len__(self) -> int:
        return len(self._done)
