"""The index the QA and bilingual benchmarks run on: the law corpus of ../shared/data plus corpus/, one index per
embedder, cached under ``$POLICYQA_HOME/bench/<embedder>`` so re-runs do not re-embed (ingest is incremental by
content hash; an index built with other chunking parameters is rebuilt)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from bench.evalsets import corpus_files
from bench.paths import data_dir, sample_corpus_dir

logger = logging.getLogger(__name__)


def bench_dir(home: Path, embedder: str, backend: str = "auto") -> Path:
    """`<home>/bench/<embedder>` (`<embedder>-<backend>` for an explicit ONNX backend, whose vectors are kept
    apart); a model directory spec becomes a safe folder name."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", embedder.strip("/")) or "embedder"
    if backend.startswith("onnx"):
        name += f"-{backend}"
    return Path(home) / "bench" / name


def _log_progress(every: float = 30.0) -> Callable[[str, int, int], None]:
    """An on_progress callback that logs at most every `every` seconds (benchmarks run unattended)."""
    last = [0.0]

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= every or done == total:
            last[0] = now
            logger.info("benchmark index: %s %d/%d", stage, done, total)

    return report


def open_cached_index(path: Path, settings, index_settings=None):
    """Open (or create) a cached benchmark index at `path`; one built by another embedder or format is rebuilt."""
    from index.index import Index
    from index.storage.manifest import IndexMismatchError

    kwargs = dict(settings=index_settings or settings.index, chunking=settings.chunking, home=settings.home)
    try:
        return Index.open_or_create(path, **kwargs)
    except IndexMismatchError as exc:
        logger.info("rebuilding the benchmark index %s: %s", path, exc)
        return Index.open_or_create(path, rebuild=True, **kwargs)


def bench_index(
    embedder: str,
    *,
    settings,
    shared_data: Path | None = None,
    corpus_dir: Path | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    required: Iterable[str] = (),
):
    """Open (or build) the benchmark index for `embedder` ("minilm", "e5-small" or a model directory) and bring it
    up to date with the corpus files. Raises RuntimeError naming the documents when some in `required` (doc ids
    the question sets cite) did not get indexed."""
    files = corpus_files(data_dir(shared_data), corpus_dir or sample_corpus_dir())
    index_settings = settings.index.model_copy(update={"embedder": embedder})
    path = bench_dir(settings.home, embedder, backend=settings.index.backend)
    index = open_cached_index(path, settings, index_settings)
    report = index.ingest(sorted(files.values()), prune=True, on_progress=on_progress or _log_progress())
    if report.failed:
        logger.warning(
            "benchmark corpus: %d files failed: %s",
            len(report.failed),
            "; ".join(f"{o.path}: {o.message}" for o in report.failed),
        )
    logger.info(
        "benchmark index %s: %d documents, %d chunks (%d chunks embedded now, %.1f s)",
        path,
        len(index.documents()),
        len(index),
        report.embedded_chunks,
        report.seconds,
    )
    missing = sorted(set(required) - {d.doc_id for d in index.documents()})
    if missing:
        raise RuntimeError(
            f"{path}: the question sets cite documents that are not in the index: {missing}; "
            f"check ../shared/data and corpus/ (doc ids are slugs of the file stems)"
        )
    return index
