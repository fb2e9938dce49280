"""What the HTTP routes and the Gradio callbacks share: the settings, the open index, claims on the library files
being changed, and plain functions (search, ask, list/upload/remove documents, re-index a folder) that raise `ServiceError`s
the adapters map to a 4xx body or a visible UI message. No Gradio or FastAPI here."""

from __future__ import annotations

import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from app.answer.types import Answer
from app.file_claims import FileClaims
from app.library import MetadataEdit
from app.low_priority import at_lower_priority
from app.public_paths import redact, with_public_sources
from app.settings import Settings
from app.web.api_models import check_filter_values
from app.web.limits import MAX_FILENAME_BYTES
from app.web.security import NO_TOKEN_HINT, is_loopback
from index.types import DocumentInfo, FileOutcome, Filters, Hit, IngestReport, Passage
from ingest import SUPPORTED_EXTENSIONS
from ingest.meta import SIDECAR_SUFFIXES

if TYPE_CHECKING:
    from index.index import Index

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES: tuple[str, ...] = SUPPORTED_EXTENSIONS
ANSWERERS: tuple[str, ...] = ("extractive", "llm")

ProgressFn = Callable[[str, int, int], None]
DUPLICATE = "the same file name appears twice in this upload; only the first was indexed (rename the other)"
AnswerFn = Callable[..., Answer]
StreamFn = Callable[..., Iterator["str | Answer"]]


def repo_corpus_dir() -> Path:
    """The sample corpus shipped with the repository (`corpus/` at the repo root)."""
    return Path(__file__).resolve().parents[1] / "corpus"


class ServiceError(Exception):
    """A request the service refuses; `status` is the HTTP status the API answers with."""

    status = 400


class BadRequest(ServiceError):
    status = 400


class Unauthorized(ServiceError):
    status = 401


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class TooLarge(ServiceError):
    status = 413


class UnsupportedType(ServiceError):
    status = 415


class NotReady(ServiceError):
    status = 503


@dataclass(frozen=True)
class Status:
    state: str  # "starting" | "building" | "ok" | "error"
    message: str = ""


def safe_filename(name: str) -> str:
    """A plain file name for an upload: no directories, no leading dot, only word characters, '.', '-', ' ',
    valid UTF-8, at most `MAX_FILENAME_BYTES` bytes (the stem is shortened, the extension kept)."""
    name = name.encode("utf-8", "replace").decode("utf-8", "replace")  # lone surrogates become '?'
    base = Path(name.replace("\\", "/")).name.strip()
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")
    base = base or "upload"
    stem, suffix = (base[: -len(Path(base).suffix)], Path(base).suffix) if Path(base).suffix else (base, "")
    while len((stem + suffix).encode("utf-8")) > MAX_FILENAME_BYTES and stem:
        stem = stem[:-1]
    return (stem.rstrip(" .") or "upload") + suffix


def check_suffix(name: str) -> None:
    """Refuse names whose type is not supported, and names that are only an extension ('.txt', '...txt')."""
    shown = name.encode("utf-8", "replace").decode("utf-8", "replace")[:200]
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedType(
            f"{shown}: unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    stem = Path(name.replace("\\", "/")).name[: -len(suffix)]
    if not re.search(r"\w", stem):
        raise UnsupportedType(f"{shown}: the file name has no name before its extension; rename the file")


def _warm_up(index: Index, answer_fn: AnswerFn, settings: Settings) -> None:
    """Load the embedder, the tokenizers and the answerer's tools now rather than on the first question."""
    if not len(index):
        return
    t0 = time.perf_counter()
    try:
        warm_index = getattr(index, "warm_up", None)  # the embedder and the Korean analyser
        if warm_index is not None:
            warm_index()
        answer_fn("What does the law say about sanctions?", [], index=index, settings=settings)
    except Exception as exc:  # a broken model shows up on the first real question with its own message
        log.warning("warm-up question failed: %s", exc)
    log.info("warmed up in %.1f s", time.perf_counter() - t0)


def _open_real_index(settings: Settings) -> Any:
    from index.index import Index  # heavy (faiss, torch): imported only when a real index is opened

    return Index.open_or_create(
        settings.resolved_index_dir(), settings=settings.index, chunking=settings.chunking, home=settings.home
    )


def _real_answer(*args: Any, **kwargs: Any) -> Answer:
    from app.answer.pipeline import answer

    return answer(*args, **kwargs)


def _real_answer_stream(*args: Any, **kwargs: Any) -> Iterator[str | Answer]:
    from app.answer.pipeline import answer_stream

    return answer_stream(*args, **kwargs)


@dataclass
class Services:
    """One per server process. `open_index`, `answer_fn` and `stream_fn` are injectable (tests); by default
    they open the real `index.index.Index` and call `app.answer.pipeline.answer` / `answer_stream`.

    Concurrency: a write claims the library files it changes (`file_claims`), so an upload, remove or metadata edit
    waits only for another write on the same file; the index loads and embeds without its lock and serialises the
    commits. `write_lock` is held while the index opens or builds at start. Reads take no lock, because
    `Index.search` works on an immutable snapshot of the current generation that a write swaps atomically.
    Before each read the index picks up generations committed by other processes (e.g. `policyqa ingest`)."""

    settings: Settings
    open_index: Callable[[Settings], Any] = _open_real_index
    answer_fn: AnswerFn = _real_answer
    stream_fn: StreamFn = _real_answer_stream
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    file_claims: FileClaims = field(default_factory=FileClaims)
    _index: Any = field(default=None, init=False)
    _status: Status = field(default=Status("starting", "opening the index"), init=False)
    _status_lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    # ---- lifecycle -------------------------------------------------------------------------------------------

    @property
    def library_dir(self) -> Path:
        return self.settings.home / "library"

    def public_roots(self) -> list[tuple[str, Path]]:
        """Folders whose paths clients see by name: the upload library, re-index roots, the sample corpus, home."""
        roots = [("library", self.library_dir)]
        roots += [(root.name or "root", root) for root in self.settings.server.reindex_roots]
        roots += [
            ("corpus", repo_corpus_dir()),
            ("index", self.settings.resolved_index_dir()),
            ("home", self.settings.home),
        ]
        return roots

    def public(self, value: Any) -> Any:
        """`value` (models or a message) without absolute server paths."""
        roots = self.public_roots()
        return redact(value, roots) if isinstance(value, str) else with_public_sources(value, roots)

    def status(self) -> Status:
        with self._status_lock:
            return self._status

    def _set_status(self, state: str, message: str = "") -> None:
        with self._status_lock:
            self._status = Status(state, message)

    def open(self, corpus_dir: Path | None = None) -> None:
        """Open the index; when its directory is absent and `corpus_dir` is given, build it from that folder.
        Blocking; `start()` runs it in a background thread so the server answers while the index builds."""
        index_dir = self.settings.resolved_index_dir()
        absent = not index_dir.exists() or not any(index_dir.iterdir())
        try:
            with self.write_lock:
                self._set_status("starting", f"opening the index at {index_dir}")
                index = self.open_index(self.settings)
                if absent and corpus_dir is not None and not Path(corpus_dir).is_dir():
                    log.warning(
                        "no corpus folder at %s: starting with an empty index (upload documents in the "
                        "Library tab or POST /documents)",
                        corpus_dir,
                    )
                elif absent and corpus_dir is not None:
                    self._set_status("building", f"building the index from {corpus_dir}")
                    log.info("index %s is absent: building it from %s", index_dir, corpus_dir)
                    report = index.ingest([corpus_dir], on_progress=self._build_progress())
                    log.info(
                        "built the index: %d added, %d failed, %d chunks embedded in %.1f s",
                        report.count("added"),
                        len(report.failed),
                        report.embedded_chunks,
                        report.seconds,
                    )
                    for failed in report.failed:
                        log.warning("not indexed: %s: %s", failed.path, failed.message)
                if hasattr(index, "manifest"):  # a real index: files left by an interrupted upload
                    from app.library_reconcile import reconcile_library

                    reconcile_library(index, self.library_dir)
                self._set_status("starting", "loading the models")
                _warm_up(index, self.answer_fn, self.settings)
                self._index = index
            self._set_status("ok", "")
        except Exception as exc:
            log.exception("could not open the index at %s", index_dir)
            self._set_status("error", f"could not open the index at {index_dir}: {exc}")
            raise

    def start(self, corpus_dir: Path | None = None) -> threading.Thread:
        def run() -> None:
            try:
                self.open(corpus_dir)
            except Exception:  # already logged and recorded in the status
                pass

        thread = threading.Thread(target=run, name="policyqa-open-index", daemon=True)
        thread.start()
        return thread

    def _build_progress(self) -> ProgressFn:
        last_logged = [0.0]

        def on_progress(stage: str, done: int, total: int) -> None:
            self._set_status("building", f"{stage}: {done}/{total}")
            now = time.monotonic()
            if done == total or now - last_logged[0] > 2.0:
                last_logged[0] = now
                log.info("building the index: %s %d/%d", stage, done, total)

        return on_progress

    def _ready_index(self) -> Any:
        index = self._index
        if index is None:
            status = self.status()
            raise NotReady(f"the index is not ready ({status.state}: {status.message}); retry shortly")
        refresh = getattr(index, "refresh", None)
        if callable(refresh):
            try:
                if refresh():
                    log.info("picked up a newer index generation committed by another process")
            except Exception as exc:  # keep serving the generation we have
                log.warning("could not reload the index changed by another process: %s", exc)
        return index

    # ---- auth ------------------------------------------------------------------------------------------------

    def check_token(self, token: str | None, client: str | None = None) -> None:
        """Mutations need the configured token (POLICYQA_API_TOKEN) when one is set; without one, they are
        accepted only from a loopback `client` (None: an in-process caller such as the CLI or a test)."""
        expected = self.settings.server.api_token
        if not expected:
            if client is not None and not is_loopback(client):
                raise Forbidden(NO_TOKEN_HINT)
            return
        if not token or not secrets.compare_digest(token.encode(), expected.encode()):
            raise Unauthorized("this server requires a token for changes: send 'Authorization: Bearer <token>'")

    # ---- reads -----------------------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        status = self.status()
        index = self._index
        documents = chunks = 0
        if index is not None:
            documents = len(index.documents())
            chunks = len(index)
        manifest = getattr(index, "manifest", None)
        embedder = getattr(getattr(manifest, "embedder", None), "name", None) or self.settings.index.embedder
        return {
            "status": status.state if status.state in ("ok", "building", "error") else "building",
            "documents": documents,
            "chunks": chunks,
            "embedder": self.public(str(embedder)),
            "message": self.public(status.message) if status.message else None,
        }

    def documents(self) -> list[DocumentInfo]:
        index = self._ready_index()
        return self.public(list(index.documents()))

    def document(self, doc_id: str) -> DocumentInfo:
        """One indexed document's metadata (NotFound for an unknown id)."""
        for doc in self.documents():
            if doc.doc_id == doc_id:
                return doc
        raise NotFound(f"no document {doc_id!r}; list them with GET /documents")

    def passages(self, doc_id: str) -> list[Passage]:
        """Every passage of one document in document order (NotFound for an unknown id)."""
        index = self._ready_index()
        try:
            return list(index.passages(doc_id))
        except KeyError as exc:
            raise NotFound(f"no document {doc_id!r}; list them with GET /documents") from exc

    def passage(self, chunk_id: str) -> Passage:
        """One passage by its chunk id (NotFound for an unknown id)."""
        index = self._ready_index()
        try:
            return index.passage(chunk_id)
        except KeyError as exc:
            raise NotFound(f"no passage {chunk_id!r}") from exc

    def search(self, query: str, k: int = 10, filters: Filters | None = None, mode: str = "hybrid") -> list[Hit]:
        query = query.strip()
        if not query:
            raise BadRequest("the query is empty")
        index = self._ready_index()
        filters = self._checked_filters(filters)
        try:
            return self.public(index.search(query, k=k, filters=filters, mode=mode))
        except ValueError as exc:
            raise BadRequest(self.public(str(exc))) from exc

    def _checked_filters(self, filters: Filters | None) -> Filters | None:
        try:
            filters = check_filter_values(filters)
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
        return None if filters is None or filters.is_empty() else filters

    def settings_for(self, k: int | None = None, answerer: str | None = None) -> Settings:
        """The server settings with this request's k / answerer."""
        update: dict[str, Any] = {}
        if k is not None:
            update["k"] = k
        if answerer is not None:
            if answerer not in ANSWERERS:
                raise BadRequest(f"unknown answerer {answerer!r}; allowed: {list(ANSWERERS)}")
            if answerer == "llm" and not self.settings.llm.base_url:
                raise BadRequest("the LLM answerer needs POLICYQA_LLM_BASE_URL (an OpenAI-compatible endpoint)")
            update["answerer"] = answerer
        if not update:
            return self.settings
        answer_settings = self.settings.answer.model_copy(update=update)
        return self.settings.model_copy(update={"answer": answer_settings})

    def ask(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        filters: Filters | None = None,
        *,
        k: int | None = None,
        answerer: str | None = None,
    ) -> Answer:
        question = question.strip()
        if not question:
            raise BadRequest("the question is empty")
        index = self._ready_index()
        filters = self._checked_filters(filters)
        settings = self.settings_for(k, answerer)
        try:
            return self.public(self.answer_fn(question, list(history), index=index, settings=settings, filters=filters))
        except ValueError as exc:
            raise BadRequest(self.public(str(exc))) from exc

    def ask_stream(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        filters: Filters | None = None,
        *,
        k: int | None = None,
        answerer: str | None = None,
    ) -> Iterator[str | Answer]:
        """Yields the growing answer text (LLM answerer) and finally the checked `Answer`."""
        question = question.strip()
        if not question:
            raise BadRequest("the question is empty")
        index = self._ready_index()
        filters = self._checked_filters(filters)
        settings = self.settings_for(k, answerer)
        if settings.answer.answerer != "llm":
            yield self.ask(question, history, filters, k=k, answerer=answerer)
            return
        try:
            for item in self.stream_fn(question, list(history), index=index, settings=settings, filters=filters):
                yield item if isinstance(item, str) else self.public(item)
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc

    # ---- writes ----------------------------------------------------------------------------------------------

    def upload(
        self,
        files: Sequence[tuple[str, BinaryIO]],
        *,
        on_progress: ProgressFn | None = None,
        force_duplicates: bool = False,
    ) -> IngestReport:
        """Store uploaded files under <home>/library/ and index them. A file of an unsupported type or one the
        loader refuses is reported as failed (and not kept), a duplicate of an indexed document too (unless
        `force_duplicates`); the others are still indexed. A failed upload that replaced a library file of the
        same name puts the old file back."""
        if not files:
            raise BadRequest("no files were uploaded")
        index = self._ready_index()
        limit = self.settings.server.max_upload_mb * 1024 * 1024
        self.library_dir.mkdir(parents=True, exist_ok=True)
        refused: list[FileOutcome] = []
        staged: list[tuple[Path, Path]] = []  # (temporary copy, final path)
        try:
            for name, stream in files:
                name = name.encode("utf-8", "replace").decode("utf-8")  # no lone surrogates in messages
                try:
                    check_suffix(name)
                except UnsupportedType as exc:
                    refused.append(FileOutcome(path=name, status="failed", message=str(exc)))
                    continue
                target = self.library_dir / safe_filename(name)
                if any(target == t for _, t in staged):
                    refused.append(FileOutcome(path=name, status="failed", message=f"{target.name}: {DUPLICATE}"))
                    continue
                staged.append((self._stage(name, stream, limit), target))
            if not staged:
                raise UnsupportedType("; ".join(o.message or o.path for o in refused))
            with self.file_claims.hold(target for _, target in staged):
                return self.public(self._ingest_staged(index, staged, refused, on_progress, force_duplicates))
        finally:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)

    def _stage(self, name: str, stream: BinaryIO, limit: int) -> Path:
        fd, tmp_name = tempfile.mkstemp(prefix=".upload-", suffix=".tmp", dir=self.library_dir)
        tmp = Path(tmp_name)
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                while block := stream.read(1 << 20):
                    size += len(block)
                    if size > limit:
                        raise TooLarge(
                            f"{name}: larger than the {self.settings.server.max_upload_mb} MiB upload limit "
                            "(POLICYQA_MAX_UPLOAD_MB)"
                        )
                    out.write(block)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp

    def _ingest_staged(
        self,
        index: Index,
        staged: list[tuple[Path, Path]],
        refused: list[FileOutcome],
        on_progress: ProgressFn | None,
        force_duplicates: bool = False,
    ) -> IngestReport:
        backups: dict[Path, Path] = {}
        targets: list[Path] = []
        for tmp, target in staged:
            if target in targets:  # the same name twice in one upload: the last one wins
                continue
            if target.exists():
                backup = target.with_name(f".{target.name}.previous")
                os.replace(target, backup)
                backups[target] = backup
            os.replace(tmp, target)
            targets.append(target)
        try:
            extra = {"force_duplicates": True} if force_duplicates else {}
            report = (
                at_lower_priority(
                    lambda: index.ingest(targets, on_progress=on_progress, **extra),
                    self.settings.server.ingest_niceness,
                )
                if targets
                else IngestReport()
            )
        except BaseException:
            for target in targets:
                target.unlink(missing_ok=True)
                if target in backups:
                    os.replace(backups[target], target)
            raise
        failed = {Path(o.path).resolve() for o in report.outcomes if o.status in ("failed", "duplicate")}
        for target in targets:
            kept = backups.get(target)
            if target.resolve() in failed:
                target.unlink(missing_ok=True)
                if kept is not None:
                    os.replace(kept, target)
            elif kept is not None:
                kept.unlink(missing_ok=True)
        log.info("upload: %s", ", ".join(f"{o.path}: {o.status}" for o in report.outcomes) or "nothing")
        return report.model_copy(update={"outcomes": [*refused, *report.outcomes]})

    def remove(self, doc_id: str) -> list[str]:
        """Remove a document from the index (404 when unknown); its file goes too when it was uploaded."""
        index = self._ready_index()
        with self.file_claims.hold(self._files_of(index, doc_id)):
            known = {d.doc_id: d for d in index.documents()}
            if doc_id not in known:
                raise NotFound(f"no indexed document has doc_id {doc_id!r}; GET /documents lists them")
            removed = list(index.remove([doc_id]))
            source = Path(known[doc_id].source)
            if self._in_library(source):
                source.unlink(missing_ok=True)
                for sidecar in (source.with_name(source.name + suffix) for suffix in SIDECAR_SUFFIXES):
                    sidecar.unlink(missing_ok=True)
        log.info("removed %s", removed)
        return removed

    def edit_document(self, doc_id: str, edit: MetadataEdit) -> FileOutcome:
        """Correct a document's title, date, type or aliases (kept in its sidecar, applied by re-indexing it)."""
        from app.library import NotEditable, edit_document

        index = self._ready_index()
        with self.file_claims.hold(self._files_of(index, doc_id)):
            try:
                outcome = edit_document(index, doc_id, edit)
            except KeyError as exc:
                raise NotFound(f"{exc.args[0]}; GET /documents lists them") from exc
            except (ValueError, NotEditable) as exc:
                raise BadRequest(str(exc)) from exc
            except OSError as exc:
                raise BadRequest(f"cannot write the metadata sidecar beside {doc_id!r}'s file: {exc}") from exc
        return self.public(outcome)

    @staticmethod
    def _files_of(index: Any, doc_id: str) -> list[Path]:
        """The file an indexed document was loaded from (none for an unknown document or one from no file)."""
        documents = getattr(getattr(index, "manifest", None), "documents", None)
        if documents is None:  # an index without a manifest: its documents' sources
            return [Path(d.source) for d in index.documents() if d.doc_id == doc_id]
        record = documents.get(doc_id)
        return [Path(record.file or record.source)] if record is not None else []

    def _in_library(self, path: Path) -> bool:
        try:
            return path.resolve().is_relative_to(self.library_dir.resolve())
        except OSError:
            return False

    def _check_reindex_allowed(self, path: Path) -> None:
        """Re-indexing a server folder is an admin action: it needs a configured token and a folder below one of
        the configured roots (POLICYQA_REINDEX_ROOTS)."""
        server = self.settings.server
        if not server.api_token or not server.reindex_roots:
            raise Forbidden(
                "re-indexing a server folder is turned off: set POLICYQA_API_TOKEN and POLICYQA_REINDEX_ROOTS "
                "(the folders it may read) on the server, or upload the files instead"
            )
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):
            raise BadRequest("not a usable folder path") from None
        if not any(resolved.is_relative_to(root.expanduser().resolve()) for root in server.reindex_roots):
            names = ", ".join(r.name or "/" for r in server.reindex_roots)
            raise Forbidden(f"only folders below the configured re-index roots may be re-indexed ({names})")

    def reindex(
        self, folder: str | Path, *, prune: bool = False, on_progress: ProgressFn | None = None
    ) -> IngestReport:
        """Index every supported file under `folder` (unchanged files are skipped); `prune` also removes
        documents whose source file no longer exists."""
        path = Path(str(folder).strip()).expanduser()
        self._check_reindex_allowed(path)
        if not str(folder).strip() or not path.is_dir():
            raise BadRequest(f"{folder!s}: not a folder on the server; give the path of a folder of documents")
        index = self._ready_index()
        report = self.public(
            at_lower_priority(
                lambda: index.ingest([path], prune=prune, on_progress=on_progress), self.settings.server.ingest_niceness
            )
        )
        log.info(
            "re-indexed %s: %s",
            path,
            {s: report.count(s) for s in ("added", "replaced", "unchanged", "failed", "removed")},
        )
        return report
