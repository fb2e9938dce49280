"""`Index`: the persistent hybrid index and its retrieval API.

    index = Index.open_or_create(path, settings=settings.index, chunking=settings.chunking, home=settings.home)
    report = index.ingest(["corpus/"], prune=True, on_progress=cb)
    hits = index.search("Who may be denied a visa?", k=10, filters=Filters(doc_type=["law"]))

Every write (ingest, add_documents, remove) builds a new generation beside the current one and commits it
atomically (see `index.storage.store`); searches keep using the previous generation until the swap.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from contextlib import ExitStack, closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.models.embedding import Embedder
from index.pipeline import EmbedAhead, LoadCache, Prefetcher
from index.retrieval.dense import IVF_ADD_BATCH as ADD_BATCH
from index.retrieval.dense import DenseIndex, choose_kind
from index.retrieval.lexical import LexicalIndex
from index.retrieval.rerank import Reranker, load_reranker
from index.retrieval.retrieve import MODES, Mode, search_state
from index.retrieval.routing import DocumentNames, document_languages, document_names
from index.retrieval.tokenize import TOKENIZER_VERSION, LexicalTokenizer
from index.retrieval.tokens import TokenRows
from index.segments import SegmentBuild
from index.settings import IndexSettings
from index.spill import Spill, Spilled
from index.storage.generation import (
    BM25,
    FAISS,
    MANIFEST,
    Progress,
    State,
    empty_state,
    load_state,
    read_tokens,
    retokenise,
    write_state,
)
from index.storage.manifest import (
    FORMAT_VERSION,
    DocRecord,
    EmbedderInfo,
    IndexMismatchError,
    Manifest,
    check_chunking,
    check_embedder,
)
from index.storage.store import IndexDamagedError, IndexLockedError, IndexNotFoundError, IndexStore
from index.storage.table import LANGUAGES, ChunkTable, make_row, row_embed_text, validate_filters
from index.storage.writer import GenerationWriter
from index.types import DocumentInfo, FileOutcome, Filters, Hit, IngestReport, Passage
from ingest.dedup import content_key
from ingest.settings import ChunkingSettings
from ingest.types import Chunk, Document, IngestError

logger = logging.getLogger(__name__)

Chunker = Callable[[Document, ChunkingSettings, Callable[[str], int]], list[Chunk]]

__all__ = ["Index", "IndexMismatchError", "Chunker"]

COMMIT_WAIT = 120.0  # seconds an ingest waits for another process's commit before giving up


@dataclasses.dataclass(frozen=True)
class _IngestOptions:
    rebuild: bool = False
    prune: bool = False
    force_duplicates: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class _Planned:
    """A document to add: its id, where it waits in a `Spill` (the ingest's `LoadCache`) and its outcome."""

    doc_id: str
    place: Spilled
    outcome: FileOutcome


@dataclasses.dataclass
class _IngestPlan:
    """What one ingest commits: documents to add (with their outcomes; the documents themselves wait on disk),
    ids to remove, every file's outcome, and the resolved file and fingerprint of each added document."""

    to_add: list[_Planned] = dataclasses.field(default_factory=list)
    remove: set[str] = dataclasses.field(default_factory=set)
    outcomes: list[FileOutcome] = dataclasses.field(default_factory=list)
    files_of: dict[str, str] = dataclasses.field(default_factory=dict)
    prints_of: dict[str, str | None] = dataclasses.field(default_factory=dict)
    text_keys: dict[str, str] = dataclasses.field(default_factory=dict)  # doc id -> `content_key` of its text


@dataclasses.dataclass(frozen=True)
class _Reread(Sized, Iterable[tuple[Document, FileOutcome]]):
    """The planned documents with their outcomes, each read back from the spill (`read`) as the commit step comes to
    it: one document in memory at a time."""

    planned: list[_Planned]
    read: Callable[[Spilled], Document]

    def __len__(self) -> int:
        return len(self.planned)

    def __iter__(self) -> Iterator[tuple[Document, FileOutcome]]:
        for item in self.planned:
            yield self.read(item.place), item.outcome


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def fingerprint(path: Path) -> str:
    """sha256 over a file's bytes and its metadata sidecar's (if any): equal means nothing to re-load."""
    from ingest.meta import find_sidecar

    h = hashlib.sha256()
    for p in (path, find_sidecar(path)):
        if p is None:
            continue
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        h.update(b"\0")
    return h.hexdigest()


def damaged(directory: Path, exc: BaseException | None = None) -> IndexDamagedError:
    """The error for a generation that cannot be read; its files stay where they are."""
    why = f" ({type(exc).__name__}: {str(exc)[:200]})" if exc is not None else ""
    return IndexDamagedError(
        f"{directory}: this index generation cannot be read{why}; its files are kept: restore the index directory "
        "from a backup or rebuild with `policyqa ingest --rebuild PATHS`"
    )


def _generation_number(directory: Path | None) -> int:
    """The sequence number of a committed generation directory (`gen-000012` -> 12); -1 for none."""
    if directory is None:
        return -1
    digits = directory.name.rpartition("-")[2]
    return int(digits) if digits.isdigit() else -1


def _fingerprint_or_none(file: Path) -> str | None:
    """The file's fingerprint; None when it is not a readable file (loading it then reports why)."""
    try:
        return fingerprint(file) if file.is_file() else None
    except OSError:
        return None


def _plan_ids(
    found: Sequence[Any], docs: dict[str, DocRecord]
) -> tuple[dict[str, str | None], dict[str, str], dict[Path, Any]]:
    """Against the indexed `docs`: each document's file (moved files adopted), file → document id, and the id each
    file not ignored gets (`ingest.ids`)."""
    from ingest.ids import assign_ids

    known_files = {doc_id: _record_file(rec) for doc_id, rec in docs.items()}
    _adopt_moved(found, docs, known_files)
    by_file = {f: doc_id for doc_id, f in known_files.items() if f}
    ids = assign_ids([f.path for f in found if f.ignored is None], known_files)
    return known_files, by_file, ids


def _resolved(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:
        return str(path)


def _record_file(rec: DocRecord) -> str | None:
    """The resolved file a document was ingested from: its recorded file, else its source when that is a file."""
    if rec.file:
        return rec.file
    source = Path(rec.source)
    return _resolved(source) if rec.source and source.is_file() else None


def _adopt_moved(found: Sequence[Any], docs: dict[str, DocRecord], known_files: dict[str, str | None]) -> None:
    """A file not indexed under its path whose bytes and plain id are those of an indexed document whose file is
    gone is that document, moved: it keeps the document's id (`known_files` is updated), so a re-ingest from the
    new place neither renames nor duplicates it."""
    from ingest.meta import slugify

    indexed = set(filter(None, known_files.values()))
    for item in found:
        path = Path(item.path)
        doc_id = slugify(path.stem)
        rec = docs.get(doc_id)
        if item.ignored is not None or rec is None or _resolved(path) in indexed or not path.is_file():
            continue
        old = known_files.get(doc_id)
        if old and Path(old).exists():  # a copy, not a move: a duplicate when its text is the same
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() == rec.content_hash:
            resolved = _resolved(path)
            known_files[doc_id] = resolved
            indexed.add(resolved)


def _describe(outcome: FileOutcome, doc: Document) -> None:
    """Put what the loader found or inferred (title, type, date, language, aliases) on the outcome."""
    outcome.title, outcome.doc_type, outcome.date, outcome.language = doc.title, doc.doc_type, doc.date, doc.language
    outcome.aliases = list(doc.metadata.get("aliases") or [])


def _normalise_spec(spec: str) -> str:
    """The manifest name an embedder setting loads: 'minilm', 'e5-small' or a resolved model directory."""
    spec = spec.strip()
    if spec not in ("minilm", "e5-small") and Path(spec).expanduser().is_dir():
        return str(Path(spec).expanduser().resolve())
    return spec


def _default_chunker() -> Chunker:
    from ingest import chunk_document

    return chunk_document


def chunker_version(chunker: Chunker | None) -> str:
    """The version recorded for documents cut by `chunker` (None: the default loader and chunker,
    `ingest.pipeline_version()`: a new loader or chunker version makes the next ingest reload every file)."""
    if chunker is None:
        from ingest import pipeline_version

        return pipeline_version()
    return str(getattr(chunker, "version", "custom"))


class Index:
    """A persistent hybrid (FAISS + BM25) index in a directory. Use `create`, `open` or `open_or_create`."""

    def __init__(
        self,
        store: IndexStore,
        state: State,
        *,
        embedder: Embedder | None,
        embedder_spec: str,
        settings: IndexSettings,
        chunking: ChunkingSettings,
        home: Path | None,
        reranker: Reranker | None,
        chunker: Chunker | None,
        tokenizer: LexicalTokenizer | None = None,
    ) -> None:
        self.path = store.root
        self.settings = settings
        self.chunking = chunking
        self._store = store
        self._state = state
        self._embedder = embedder
        self._embedder_spec = embedder_spec
        self._home = home
        self._reranker = reranker if reranker is not None else load_reranker(settings.reranker_dir)
        self._chunker = chunker
        self._tokenizer = tokenizer or LexicalTokenizer()
        self._write_mutex = threading.Lock()
        self._state_lock = threading.Lock()  # orders swaps of `_state` between readers' refresh and writers
        self._names: tuple[State, DocumentNames] | None = None  # the documents' names of one generation

    # ------------------------------------------------------------------ construction
    @classmethod
    def create(
        cls,
        path: Path | str,
        *,
        embedder: Embedder | None = None,
        chunking: ChunkingSettings | None = None,
        settings: IndexSettings = IndexSettings(),
        home: Path | None = None,
        reranker: Reranker | None = None,
        chunker: Chunker | None = None,
        tokenizer: LexicalTokenizer | None = None,
        overwrite: bool = False,
    ) -> Index:
        """A new empty index at `path`. With `overwrite`, an existing index stays current (and searchable by
        other processes) until this one's first commit replaces it."""
        store = IndexStore(Path(path))
        exists = store.exists()
        if exists and not overwrite:
            raise FileExistsError(
                f"{store.root}: an index already exists; open it, or rebuild with `policyqa ingest --rebuild PATHS`"
            )
        if embedder is None:
            embedder = cls._load_embedder(settings, home)
        spec = embedder.name
        chunking = chunking or ChunkingSettings()
        manifest = Manifest(
            embedder=EmbedderInfo(
                name=embedder.name,
                dim=embedder.dim,
                spec=spec,
                backend=getattr(embedder, "backend", None),
                backend_sha256=getattr(embedder, "backend_sha256", None),
            ),
            chunking=chunking.model_dump(mode="json"),
            tokenizer=TOKENIZER_VERSION,
        )
        index = cls(
            store,
            empty_state(manifest),
            embedder=embedder,
            embedder_spec=spec,
            settings=settings,
            chunking=chunking,
            home=home,
            reranker=reranker,
            chunker=chunker,
            tokenizer=tokenizer,
        )
        if not exists:
            with store.write_lock(timeout=30.0):  # held only for the empty first commit
                if store.exists():  # another process created it since the check above: never replace its data
                    raise FileExistsError(f"{store.root}: an index was created by another process meanwhile")
                index._commit(index._state, TokenRows.empty(), None)
        return index

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        embedder: Embedder | None = None,
        settings: IndexSettings = IndexSettings(),
        chunking: ChunkingSettings | None = None,
        home: Path | None = None,
        reranker: Reranker | None = None,
        chunker: Chunker | None = None,
        tokenizer: LexicalTokenizer | None = None,
    ) -> Index:
        """Open an existing index; raise IndexMismatchError if it was built with another format, embedder or
        chunker than the ones given (the embedder itself is loaded lazily when not injected). An index whose
        BM25 tokens come from an older tokenizer version is re-tokenised here, once: the result is committed
        as a new generation unless another process is writing (then it only serves this process)."""
        store = IndexStore(Path(path))  # reading never deletes: stale generations go at the next commit
        tokenizer = tokenizer or LexicalTokenizer()
        state, fresh_tokens = cls._load_current(store, tokenizer)
        manifest = state.manifest
        if embedder is not None:
            check_embedder(
                manifest,
                name=embedder.name,
                dim=embedder.dim,
                where=store.root,
                backend=getattr(embedder, "backend", None),
                backend_sha256=getattr(embedder, "backend_sha256", None),
            )
            spec = embedder.name
        else:
            spec = _normalise_spec(settings.embedder)
            check_embedder(manifest, name=spec, dim=None, where=store.root)
        if chunking is not None:
            check_chunking(manifest, chunking, where=store.root)
        else:
            chunking = ChunkingSettings.model_validate(manifest.chunking)
        index = cls(
            store,
            state,
            embedder=embedder,
            embedder_spec=spec,
            settings=settings,
            chunking=chunking,
            home=home,
            reranker=reranker,
            chunker=chunker,
            tokenizer=tokenizer,
        )
        if fresh_tokens is not None:
            index._persist_tokens(fresh_tokens)
        return index

    @classmethod
    def open_or_create(
        cls,
        path: Path | str,
        *,
        embedder: Embedder | None = None,
        settings: IndexSettings = IndexSettings(),
        chunking: ChunkingSettings | None = None,
        home: Path | None = None,
        reranker: Reranker | None = None,
        chunker: Chunker | None = None,
        tokenizer: LexicalTokenizer | None = None,
        rebuild: bool = False,
    ) -> Index:
        """Open the index at `path`, or create it; `rebuild` starts a fresh one that replaces the old one
        (atomically, at its first commit) whatever it was built with."""
        kwargs: dict[str, Any] = dict(
            embedder=embedder,
            settings=settings,
            chunking=chunking,
            home=home,
            reranker=reranker,
            chunker=chunker,
            tokenizer=tokenizer,
        )
        if rebuild:
            return cls.create(path, overwrite=True, **kwargs)
        if IndexStore(Path(path)).exists():
            return cls.open(path, **kwargs)
        try:
            return cls.create(path, **kwargs)
        except FileExistsError:  # a concurrent `create` won the race: use its index
            return cls.open(path, **kwargs)

    @staticmethod
    def _load_embedder(settings: IndexSettings, home: Path | None, built_with: str | None = None) -> Embedder:
        from index.models.embedders import load_embedder

        if home is None:
            from index.settings import default_home

            home = default_home()
        return load_embedder(
            settings.embedder, home=home, bf16=settings.bf16, backend=settings.backend, built_with=built_with
        )

    @staticmethod
    def _load_current(
        store: IndexStore, tokenizer: LexicalTokenizer, attempts: int = 3
    ) -> tuple[State, TokenRows | None]:
        """The current generation, and its fresh BM25 tokens when the cached ones were stale (else None)."""
        for attempt in range(attempts):
            directory = store.current()
            try:
                manifest = Manifest.read(directory / MANIFEST)
                state = load_state(directory, manifest)
            except FileNotFoundError:
                # a writer replaced and deleted this generation while we were reading it: read the new one
                if attempt == attempts - 1 or store.current() == directory:
                    raise damaged(directory) from None
                continue
            except (ValueError, OSError) as exc:  # truncated or corrupt files (json, npy, faiss, pydantic)
                if store.current() != directory and attempt < attempts - 1:
                    continue
                raise damaged(directory, exc) from exc
            if manifest.tokenizer != TOKENIZER_VERSION:
                logger.info(
                    "%s: BM25 tokens from %s, re-tokenising with %s", directory, manifest.tokenizer, TOKENIZER_VERSION
                )
                return retokenise(state, tokenizer.tokenize_many)
            return state, None
        raise IndexNotFoundError(f"{store.root}: could not read the current generation")

    # ------------------------------------------------------------------ properties
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            built = self._state.manifest.embedder
            embedder = self._load_embedder(self.settings, self._home, built.backend or "torch-fp32")
            check_embedder(
                self._state.manifest,
                name=embedder.name,
                dim=embedder.dim,
                where=self.path,
                backend=getattr(embedder, "backend", None),
                backend_sha256=getattr(embedder, "backend_sha256", None),
            )
            self._embedder = embedder
        return self._embedder

    @property
    def manifest(self) -> Manifest:
        return self._state.manifest

    @property
    def tokenizer(self) -> LexicalTokenizer:
        """The lexical tokenizer BM25 uses (English stems, Korean morphemes); answerers reuse it."""
        return self._tokenizer

    def __len__(self) -> int:
        return len(self._state.table)

    def documents(self) -> list[DocumentInfo]:
        docs = self._state.manifest.documents
        return [
            DocumentInfo(doc_id=d, **docs[d].model_dump(exclude={"file", "fingerprint", "text_key"}))
            for d in sorted(docs)
        ]

    def passage(self, chunk_id: str) -> Passage:
        state = self._state
        try:
            row = state.table.row_of_chunk(chunk_id)
        except KeyError:
            raise KeyError(f"no chunk {chunk_id!r} in {self.path}") from None
        from index.storage.table import row_passage

        return row_passage(state.table.row(row))

    def lead_in(self, chunk_id: str) -> Passage | None:
        """The passage holding the lead-in of the list that `chunk_id` continues ("Whoever violates … shall be
        fined …: (1) … (6) …" for a chunk of item 6), or None when the chunk continues no list (or holds its
        lead-in itself). KeyError for an unknown chunk."""
        state = self._state
        try:
            row = state.table.row(state.table.row_of_chunk(chunk_id))
        except KeyError:
            raise KeyError(f"no chunk {chunk_id!r} in {self.path}") from None
        holder = row.get("lead_in_chunk")
        if not holder:
            return None
        try:
            return self.passage(holder)
        except KeyError:
            return None

    def document_frequencies(self, tokens: Iterable[str]) -> dict[str, int]:
        """How many passages of the index contain each token (tokens as `Index.tokenizer` gives them: English stems,
        Korean morphemes; 0 for a token in no passage). Read-only; what the answerer uses to tell that the
        documents never use a word of the question."""
        return self._state.lexical.document_frequencies(tokens)

    def passages(self, doc_id: str) -> list[Passage]:
        """Every passage of one document, in document order (KeyError for an unknown document)."""
        from index.storage.table import row_passage

        state = self._state
        if doc_id not in state.manifest.documents:
            raise KeyError(f"no document {doc_id!r} in {self.path}; list them with `policyqa docs`")
        rows = [state.table.row(int(i)) for i in state.table.rows_of_doc(doc_id)]
        return [row_passage(row) for row in sorted(rows, key=lambda r: r["start"])]

    def refresh(self) -> bool:
        """Reload if another process committed a newer generation; True when something changed."""
        if self._store.current() == self._state.directory:
            return False
        state, _ = self._load_current(self._store, self._tokenizer)  # a writer persists fresh tokens anyway
        check_embedder(
            state.manifest,
            name=self._state.manifest.embedder.name,
            dim=self._state.manifest.embedder.dim,
            where=self.path,
            backend=getattr(self._embedder, "backend", None),
            backend_sha256=getattr(self._embedder, "backend_sha256", None),
        )
        with self._state_lock:
            if _generation_number(state.directory) < _generation_number(self._state.directory):
                return False  # a writer of this process committed a newer one meanwhile
            self._state = state
        return True

    def warm_up(self) -> float:
        """Load what the first query would otherwise wait for (the embedder and the Korean analyser, ~2 s) and
        run one search; returns the seconds spent. Servers call it once at start."""
        started = time.perf_counter()
        self.embedder.encode_queries(["warm up"])
        self._tokenizer.tokenize_many(["warm up", "준비 운동"])
        if len(self):
            self.search("warm up", k=1)
        return time.perf_counter() - started

    # ------------------------------------------------------------------ search
    def search(
        self,
        query: str,
        k: int = 10,
        filters: Filters | None = None,
        mode: Mode = "hybrid",
    ) -> list[Hit]:
        """The top-k passages for `query`, best first. Filters restrict the candidates before ranking.

        Raises ValueError for an empty query, k < 1, an unknown mode or filter values that cannot match
        (the message lists the allowed values). An empty index returns [].
        """
        if not isinstance(query, str) or not query.strip():
            raise ValueError("the query is empty; ask a question or give keywords")
        if not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; allowed: {list(MODES)}")
        state = self._state
        if filters is not None:
            validate_filters(filters, state.manifest.documents)
        if len(state.table) == 0:
            return []
        mask = state.table.mask(filters)
        if mask is not None and not mask.any():
            return []

        def encode(q: str) -> np.ndarray:
            return self.embedder.encode_queries([q])[0]

        return search_state(
            state,
            query,
            k=k,
            mode=mode,
            mask=mask,
            settings=self.settings,
            encode_query=encode,
            tokenizer=self._tokenizer,
            reranker=self._reranker,
            names=self._document_names(state) if mode == "hybrid" and self.settings.route_by_name else None,
        )

    def _document_names(self, state: State) -> DocumentNames:
        """BM25 over the names of `state`'s documents (title, aliases, file name), built once per generation."""
        cached = self._names
        if cached is not None and cached[0] is state:
            return cached[1]
        records = state.manifest.documents
        doc_ids = state.table.doc_ids
        names = [
            document_names(records[d].title, records[d].source, records[d].aliases) if d in records else d
            for d in doc_ids
        ]
        table = state.table
        languages = document_languages(table.row_doc, table.row_language, len(doc_ids), len(LANGUAGES) + 1)
        built = DocumentNames.build(doc_ids, names, self._tokenizer.tokenize_many, languages)
        self._names = (state, built)
        return built

    # ------------------------------------------------------------------ writing
    def ingest(
        self,
        paths: Sequence[Path | str],
        *,
        prune: bool = False,
        rebuild: bool = False,
        on_progress: Progress | None = None,
        force_duplicates: bool = False,
    ) -> IngestReport:
        """Index the files under `paths`: add new documents, replace changed ones (by content hash), skip
        unchanged ones without loading, chunking or embedding them; `prune` removes documents whose source
        file is gone; `rebuild` drops everything not (re)loaded from `paths`. Per-file IngestErrors become
        `failed` outcomes (the rest is still indexed); other exceptions propagate and leave the index as it was.

        Files a folder's ignore rules skip are `skipped` (and removed when indexed before); a file with the same
        normalised text as another document is a `duplicate` and not indexed unless `force_duplicates`. Each file
        gets an id unique to its path (`ingest.ids`); an indexed file keeps the id it has.

        Loading, chunking and embedding run without the index's write lock, so other writers are not held up by a
        slow file; the lock is taken only to commit (waiting up to `COMMIT_WAIT` seconds for another process)."""
        from ingest.discovery import find_files

        t0 = time.perf_counter()
        found = find_files([Path(p) for p in paths])
        options = _IngestOptions(rebuild=rebuild, prune=prune, force_duplicates=force_duplicates)
        spill_dir = self.path if self.path.is_dir() else None  # the index's disk, not a RAM-backed /tmp
        # The loaded documents, their chunks and vectors wait for the commit on disk (unnamed files, gone when
        # closed or when the process dies): memory holds a few documents at a time, whatever the number of files.
        with ExitStack() as spills:
            # Load, chunk and embed against a snapshot of the current generation, without the write lock: other
            # writers (an upload, a remove) go on meanwhile. The spills are opened after the loading worker has
            # forked, so it does not hold them open.
            with Prefetcher() as prefetch:
                base = self._state if rebuild else self._snapshot()
                loads = spills.enter_context(closing(LoadCache(prefetch, spill_dir)))
                ahead = spills.enter_context(
                    closing(self._embed_ahead(base if not rebuild else None, on_progress, spill_dir))
                )
                plan = self._plan_ingest(found, base, loads, ahead, options, on_progress)
                ahead.flush()
            # Commit under the lock; when another writer committed since the snapshot, plan again against its
            # generation, reusing each file loaded with the same fingerprint (the rest is loaded here).
            with self._write_mutex, self._store.write_lock(timeout=COMMIT_WAIT):
                if rebuild:
                    plan.remove = set(self._state.manifest.documents)
                else:
                    self._refresh_under_lock()
                    if self._state.directory != base.directory:
                        logger.info(
                            "%s: changed while loading; planning again against %s", self.path, self._state.directory
                        )
                        plan = self._plan_ingest(found, self._state, loads, ahead, options, None)
                indexed = self._state.manifest.documents
                embedded = self._apply(
                    _Reread(plan.to_add, loads.document),
                    plan.remove,
                    plan.outcomes,
                    on_progress,
                    plan.files_of,
                    plan.prints_of,
                    reuse=not rebuild,
                    ahead=ahead,
                    text_keys=plan.text_keys,
                    replacing={p.doc_id for p in plan.to_add if p.doc_id in indexed},
                )
        return IngestReport(outcomes=plan.outcomes, embedded_chunks=embedded, seconds=time.perf_counter() - t0)

    def _snapshot(self) -> State:
        """The current generation, read without the write lock: what an ingest plans against."""
        if self._state.directory is not None and self._store.exists():
            self.refresh()
        return self._state

    def _plan_ingest(
        self,
        found: Sequence[Any],
        state: State,
        loads: LoadCache,
        ahead: EmbedAhead,
        options: _IngestOptions,
        on_progress: Progress | None,
    ) -> _IngestPlan:
        """What ingesting `found` into `state` does to each file: the documents to add or replace (loaded through
        `loads`, chunked and embedded ahead by `ahead`), the ones to remove, and every file's outcome."""
        docs = {} if options.rebuild else dict(state.manifest.documents)
        known_files, by_file, ids = _plan_ids(found, docs)
        gone = {doc_id for doc_id, f in known_files.items() if f and not Path(f).exists()}
        # normalised text → (doc id, source) of the documents a new file would duplicate
        originals = {rec.text_key: (d, rec.source) for d, rec in docs.items() if rec.text_key and d not in gone}
        same_bytes = {rec.content_hash: (d, rec.source) for d, rec in docs.items() if d not in gone}
        prints = {Path(f.path): _fingerprint_or_none(Path(f.path)) for f in found if f.ignored is None}
        default_ids = {file: (a.doc_id if (a := ids.get(file)) else None) for file in prints}
        to_load = [
            file
            for file in prints
            if self._unchanged_id(file, prints[file], by_file.get(_resolved(file)), docs) is None
        ]
        loads.start(to_load, default_ids)
        plan = _IngestPlan()
        outcomes = plan.outcomes
        seen: dict[str, str] = {}
        for i, item in enumerate(found):
            if on_progress:
                on_progress("load", i, len(found))
            file = Path(item.path)
            known = by_file.get(_resolved(file))
            if item.ignored is not None:
                outcome = FileOutcome(path=str(file), status="skipped", message=f"ignored ({item.ignored})")
                if known is not None and known not in seen:
                    plan.remove.add(known)
                    outcome.status, outcome.doc_id, outcome.chunks = "removed", known, docs[known].chunks
                outcomes.append(outcome)
                continue
            fp = prints[file]
            if known not in seen and self._unchanged_id(file, fp, known, docs) is not None:
                assert known is not None
                seen[known] = str(file)
                outcomes.append(
                    FileOutcome(path=str(file), doc_id=known, status="unchanged", chunks=docs[known].chunks)
                )
                continue
            assigned = ids.get(file)
            try:
                doc, place = loads.load(file, default_ids[file], fp)
            except IngestError as exc:
                logger.warning("%s", exc)
                outcomes.append(FileOutcome(path=str(file), status="failed", message=exc.reason))
                continue
            owner = known_files.get(doc.doc_id)
            if owner and owner != _resolved(file) and Path(owner).exists():  # an `id:` naming another file's document
                outcomes.append(
                    FileOutcome(
                        path=str(file),
                        doc_id=doc.doc_id,
                        status="failed",
                        message=f"document id {doc.doc_id!r} is already used by {docs[doc.doc_id].source}; give "
                        f"{file.name} another `id:` in its front matter or sidecar, or remove {doc.doc_id!r} first",
                    )
                )
                continue
            outcome = self._classify(doc, docs, seen, str(file), self._chunker_version)
            moved_from = docs[doc.doc_id].file if doc.doc_id in docs else None
            if outcome.status == "unchanged" and moved_from != _resolved(file):  # record the file's new place
                outcome.status, outcome.message = "replaced", f"moved from {moved_from or docs[doc.doc_id].source}"
            if outcome.status in ("added", "replaced"):
                _describe(outcome, doc)
                key = content_key(doc.text)
                original = originals.get(key) or same_bytes.get(doc.content_hash)
                if original is not None and original[0] != doc.doc_id and not options.force_duplicates:
                    outcome.status, outcome.duplicate_of = "duplicate", original[0]
                    outcome.message = (
                        f"duplicate of {original[0]} ({original[1]}): the same text, not indexed again "
                        "(index it anyway with --force-duplicates)"
                    )
                    outcomes.append(outcome)
                    continue
                originals.setdefault(key, (doc.doc_id, str(file)))
                if assigned is not None and assigned.note and doc.doc_id == assigned.doc_id:
                    outcome.message = f"{assigned.note}; indexed as {doc.doc_id!r}"
                plan.to_add.append(_Planned(doc.doc_id, place, outcome))
                ahead.add(doc)
                plan.files_of[doc.doc_id] = _resolved(file)
                plan.prints_of[doc.doc_id] = fp
                plan.text_keys[doc.doc_id] = key
            outcomes.append(outcome)
        if on_progress:
            on_progress("load", len(found), len(found))
        if options.rebuild:
            plan.remove = set(state.manifest.documents)
        elif options.prune:
            for doc_id in sorted(gone - set(seen)):
                rec = docs[doc_id]
                plan.remove.add(doc_id)
                outcomes.append(FileOutcome(path=rec.source, doc_id=doc_id, status="removed", chunks=rec.chunks))
        return plan

    def _embed_ahead(
        self, state: State | None, on_progress: Progress | None, spill_dir: Path | None = None
    ) -> EmbedAhead:
        """Chunks and embeds loaded documents while the worker loads the next ones (texts already in `state`
        keep their vectors); chunks and vectors wait for the commit in `spill_dir`."""
        known = state.table.has_text if state is not None else (lambda _: False)
        return EmbedAhead(
            chunk=self._chunk,
            rows=lambda doc, chunks: [make_row(c, doc, 0) for c in chunks],
            text_of=row_embed_text,
            embed=lambda texts: self.embedder.encode_passages(texts, batch_size=self.settings.batch_size),
            known=known,
            window=getattr(self.embedder, "window", self.settings.batch_size * 4),
            batch_size=self.settings.batch_size,
            on_progress=on_progress,
            spill_dir=spill_dir,
        )

    def add_documents(self, docs: Iterable[Document], on_progress: Progress | None = None) -> IngestReport:
        """Index in-memory documents (e.g. for benchmarks) with the same add/replace/skip rules as `ingest`."""
        t0 = time.perf_counter()
        with self._write_mutex, self._store.write_lock():
            self._refresh_under_lock()
            known = dict(self._state.manifest.documents)
            seen: dict[str, str] = {}
            outcomes: list[FileOutcome] = []

            def classified() -> Iterator[tuple[Document, FileOutcome]]:
                for doc in docs:
                    outcome = self._classify(doc, known, seen, doc.source, self._chunker_version)
                    outcomes.append(outcome)
                    if outcome.status in ("added", "replaced"):
                        yield doc, outcome

            if known:  # which documents are replaced must be known before the kept rows are written: they wait on disk
                with Spill[Document](self.path if self.path.is_dir() else None) as spill:
                    planned = [_Planned(doc.doc_id, spill.put(doc), outcome) for doc, outcome in classified()]
                    replacing = {p.doc_id for p in planned if p.doc_id in known}
                    embedded = self._apply(
                        _Reread(planned, spill.get), set(), outcomes, on_progress, replacing=replacing
                    )
            else:  # nothing to replace: each document is chunked as it comes and dropped once written
                embedded = self._apply(classified(), set(), outcomes, on_progress, replacing=set())
        return IngestReport(outcomes=outcomes, embedded_chunks=embedded, seconds=time.perf_counter() - t0)

    def remove(self, doc_ids: Iterable[str]) -> list[str]:
        """Remove documents by id; returns the ids that were indexed (and are now gone)."""
        with self._write_mutex, self._store.write_lock():
            self._refresh_under_lock()
            present = [d for d in dict.fromkeys(doc_ids) if d in self._state.manifest.documents]
            if present:
                self._apply([], set(present), [], None)
        return present

    # ------------------------------------------------------------------ internals
    def _unchanged_id(self, file: Path, fp: str | None, known: str | None, docs: dict[str, DocRecord]) -> str | None:
        """The id of the indexed document `file` still is (same bytes, same chunker, same place), else None."""
        if fp is None or known is None:
            return None
        rec = docs[known]
        unchanged = rec.fingerprint == fp and rec.chunker == self._chunker_version and rec.file == _resolved(file)
        return known if unchanged else None

    def _refresh_under_lock(self) -> None:
        if self._state.directory is not None and self._store.exists():
            self.refresh()

    @property
    def _chunker_version(self) -> str:
        return chunker_version(self._chunker)

    @staticmethod
    def _classify(
        doc: Document, known: dict[str, DocRecord], seen: dict[str, str], where: str, version: str
    ) -> FileOutcome:
        if doc.doc_id in seen:
            return FileOutcome(
                path=where,
                doc_id=doc.doc_id,
                status="failed",
                message=f"document id {doc.doc_id!r} is also used by {seen[doc.doc_id]}; give one of them another "
                "`id:` in its front matter or sidecar",
            )
        seen[doc.doc_id] = where
        rec = known.get(doc.doc_id)
        if (
            rec is not None
            and rec.content_hash == doc.content_hash
            and rec.chunker == version
            and (rec.title, rec.doc_type, rec.date, rec.language) == (doc.title, doc.doc_type, doc.date, doc.language)
            and rec.aliases == list(doc.metadata.get("aliases") or [])
        ):
            return FileOutcome(path=where, doc_id=doc.doc_id, status="unchanged", chunks=rec.chunks)
        return FileOutcome(path=where, doc_id=doc.doc_id, status="replaced" if rec is not None else "added")

    def _chunk(self, doc: Document) -> list[Chunk]:
        chunker = self._chunker or _default_chunker()
        return chunker(doc, self.chunking, self.embedder.count_tokens)

    def _apply(
        self,
        to_add: Iterable[tuple[Document, FileOutcome]],
        remove: set[str],
        outcomes: list[FileOutcome],
        on_progress: Progress | None,
        files_of: dict[str, str] | None = None,
        prints_of: dict[str, str | None] | None = None,
        reuse: bool = True,
        ahead: EmbedAhead | None = None,
        text_keys: dict[str, str] | None = None,
        replacing: set[str] | None = None,
    ) -> int:
        """Build, write and commit the next generation: drop `remove` and the old versions of `to_add`, add
        `to_add`. Returns how many chunk texts were embedded. Call with the write lock held. `to_add` may be an
        iterator (consumed once) when `replacing`, the indexed documents it replaces, is given.

        The new generation is written as it is built: the kept rows first (copied with their vectors and BM25
        tokens), then the new documents a segment of `SEGMENT_ROWS` chunks at a time (chunked, embedded,
        tokenised, appended), so memory holds one segment, not every new chunk. A replaced document that fails to
        chunk keeps its old chunks (appended again, under new FAISS ids). Any failure removes the half-written
        generation and leaves the current one as it was."""
        state = self._state
        if isinstance(to_add, Sized) and not len(to_add) and not remove and state.directory is not None:
            return 0
        manifest = state.manifest.model_copy(deep=True)
        if replacing is None:
            to_add = list(to_add)
            replacing = {doc.doc_id for doc, _ in to_add if doc.doc_id in manifest.documents}
        dropped = remove | replacing
        old = state.table
        drop_codes = [i for i, d in enumerate(old.doc_ids) if d in dropped]
        keep = np.flatnonzero(~np.isin(old.row_doc, drop_codes)) if len(old) else np.zeros(0, np.int64)
        chunker_version = self._chunker_version

        def describe(doc: Document, chunks: int) -> tuple[str, DocRecord]:
            """The manifest record of an added document (taken as it is chunked: the document is not kept)."""
            return doc.doc_id, DocRecord(
                content_hash=doc.content_hash,
                source=doc.source,
                title=doc.title,
                doc_type=doc.doc_type,
                date=doc.date,
                language=doc.language,
                chunks=chunks,
                indexed_at="",
                file=(files_of or {}).get(doc.doc_id),
                fingerprint=(prints_of or {}).get(doc.doc_id),
                chunker=chunker_version,
                aliases=list(doc.metadata.get("aliases") or []),
                text_key=(text_keys or {}).get(doc.doc_id) or content_key(doc.text),
            )

        tmp = self._store.new_generation()
        try:
            old_tokens = self._old_tokens(state)
            build = SegmentBuild(
                state,
                old_tokens,
                GenerationWriter(tmp, manifest.embedder.dim, old_tokens.vocab),
                chunk=self._chunk,
                embed=lambda texts: self.embedder.encode_passages(texts, batch_size=self.settings.batch_size),
                tokenize_many=self._tokenizer.tokenize_many,
                batch_size=self.settings.batch_size,
                next_id=manifest.next_id,
                on_progress=on_progress,
                reuse=reuse,
                ahead=ahead,
            )
            try:
                build.start(keep)
                failed_replacements, new_docs = build.add_documents(to_add, replacing, describe)
                changed = bool(new_docs) or bool(remove) or len(keep) < len(old)
                if not changed and state.directory is not None:
                    shutil.rmtree(tmp, ignore_errors=True)
                    return 0
                for doc_id in failed_replacements:  # its old version stays
                    build.add_old_rows(old.rows_of_doc(doc_id))
                build.flush()
                written = build.writer.finish()
                if on_progress:
                    on_progress("write", 3, 6)  # chunks, tokens and vectors are on disk
            finally:
                build.writer.close()
            table = written.table
            kind = choose_kind(len(table), self.settings.ann_threshold)
            removed_ids = np.setdiff1d(old.ids, table.ids[: len(keep)], assume_unique=True)
            if on_progress:
                on_progress("dense", 0, len(table))
            dense = self._next_dense(state, kind, table, written.vectors, removed_ids, len(keep))
            if on_progress:
                on_progress("bm25", 0, len(table))
            lexical = LexicalIndex.from_rows(written.tokens, groups=table.row_doc, directory=tmp / BM25)
            if on_progress:
                on_progress("manifest", 0, len(new_docs))
            now = _now()
            for doc_id in dropped - set(failed_replacements):
                manifest.documents.pop(doc_id, None)
            for doc_id, record in new_docs:
                manifest.documents[doc_id] = record.model_copy(update={"indexed_at": now})
            manifest.format_version = FORMAT_VERSION
            manifest.next_id = build.next_id
            manifest.ann = kind
            manifest.tokenizer = TOKENIZER_VERSION
            manifest.counts = {"documents": len(manifest.documents), "chunks": len(table)}
            manifest.updated_at = now
            if on_progress:
                on_progress("write", 4, 6)
            dense.save(tmp / FAISS)
            if on_progress:
                on_progress("write", 5, 6)
            manifest.write(tmp / MANIFEST)
            if on_progress:
                on_progress("write", 6, 6)
            new_state = State(None, manifest, table, written.vectors, dense, lexical)
            final = self._store.commit(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        with self._state_lock:
            self._state = dataclasses.replace(new_state, directory=final)
        return build.embedded

    def _old_tokens(self, state: State) -> TokenRows:
        """The BM25 token ids of the current generation's rows (re-tokenised when they come from another
        tokenizer version)."""
        if not len(state.table):
            return TokenRows.empty()
        if state.directory is not None and state.manifest.tokenizer == TOKENIZER_VERSION:
            tokens = read_tokens(state.directory)
        else:
            tokens = TokenRows.from_lists(self._tokenizer.tokenize_many([row_embed_text(r) for r in state.table.rows]))
        if len(tokens) != len(state.table):
            raise ValueError(f"{state.directory}: {len(tokens)} cached token rows for {len(state.table)} chunks")
        return tokens

    def _next_dense(
        self,
        state: State,
        kind: str,
        table: ChunkTable,
        vectors: np.ndarray,
        removed_ids: np.ndarray,
        kept: int,
    ) -> DenseIndex:
        """The next FAISS index: updated in place (ids removed, rows `kept:` added) when possible, else rebuilt."""
        current = state.dense
        if current.kind == kind and (not len(removed_ids) or current.can_remove) and len(current) == len(state.table):
            # work on a copy so a failed commit leaves the searchable state untouched
            import faiss

            dense = DenseIndex(faiss.clone_index(current._index), current.kind, current.dim)
            dense.remove(np.asarray(removed_ids, dtype=np.int64)) if len(removed_ids) else None
            for first in range(kept, len(table), ADD_BATCH):
                dense.add(vectors[first : first + ADD_BATCH], table.ids[first : first + ADD_BATCH])
            return dense
        logger.info("building a %s FAISS index over %d chunks", kind, len(table))
        return DenseIndex.build(vectors, table.ids, kind, state.manifest.embedder.dim)  # type: ignore[arg-type]

    def _persist_tokens(self, tokens: TokenRows) -> bool:
        """Commit the current state with `tokens` (re-tokenised at open with this TOKENIZER_VERSION) as a new
        generation, so the next open reads them instead of re-tokenising. Skipped when another process holds
        the write lock or has committed since the open, or when the index directory is read-only: searches
        here use the in-memory tokens either way. True when committed."""
        state = self._state
        try:
            with self._write_mutex, self._store.write_lock(timeout=0.0):
                if self._store.current() != state.directory:
                    logger.info("%s: changed since it was opened; not saving re-tokenised BM25 tokens", self.path)
                    return False
                manifest = state.manifest.model_copy(deep=True)
                manifest.tokenizer = TOKENIZER_VERSION
                manifest.updated_at = _now()
                self._commit(dataclasses.replace(state, directory=None, manifest=manifest), tokens, None)
        except IndexLockedError:
            logger.info("%s: another process is writing; re-tokenised BM25 tokens kept in memory only", self.path)
            return False
        except OSError as exc:
            logger.warning(
                "%s: could not save re-tokenised BM25 tokens (%s); they are re-computed at each open", self.path, exc
            )
            return False
        logger.info("%s: saved BM25 tokens of %s as %s", self.path, TOKENIZER_VERSION, self._state.directory)
        return True

    def _commit(self, state: State, tokens: TokenRows, on_progress: Progress | None) -> None:
        """Write `state` whole as the next generation and commit it."""
        tmp = self._store.new_generation()
        try:
            written = write_state(tmp, state, tokens, on_progress)
            final = self._store.commit(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        with self._state_lock:
            self._state = dataclasses.replace(written, directory=final)
