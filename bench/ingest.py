"""Ingest throughput on the whole ../shared/data law corpus plus the sample corpus.

For each embedder (and fp32 vs bf16) it measures, in one process:
- raw `encode_passages` throughput on exactly the chunk texts the pipeline embeds (the ceiling on this CPU),
- a first ingest into an empty index (load, chunk, embed, BM25, write), and its overhead beyond encoding,
- a re-ingest of the unchanged corpus (must embed nothing; target <= 5% of the first ingest),
- peak RSS and the index size on disk.
Usage: ``policyqa eval ingest [--embedders minilm e5-small]``.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

from bench.common import dir_size_mb, law_corpus_paths, peak_rss_mb, write_result

log = logging.getLogger(__name__)


def chunk_texts(paths: list[Path], chunking, embedder) -> list[str]:
    """The texts the index embeds for these files (same loader and chunker as the pipeline)."""
    from ingest import chunk_document, discover, load_document
    from ingest.types import IngestError

    texts: list[str] = []
    for path in discover(paths):
        try:
            doc = load_document(path)
        except IngestError:
            continue
        texts.extend(
            getattr(c, "context", None) or c.text for c in chunk_document(doc, chunking, embedder.count_tokens)
        )
    return texts


def measure(embedder, bf16: str, settings, paths: list[Path]) -> dict:
    """Raw encode, first ingest and re-ingest of `paths` with `embedder` (loaded by the caller). Wall time and
    process CPU time (all threads: torch, Kiwi) are both recorded: on a shared machine the wall-clock ratio moves
    with the other users' load, the CPU-time ratio much less."""
    from index.index import Index

    index_settings = settings.index.model_copy(update={"embedder": embedder.name, "bf16": bf16})
    texts = chunk_texts(paths, settings.chunking, embedder)
    embedder.encode_passages(texts[:16], batch_size=index_settings.batch_size)  # warm-up

    started, cpu = time.perf_counter(), time.process_time()
    embedder.encode_passages(texts, batch_size=index_settings.batch_size)
    encode_s, encode_cpu = time.perf_counter() - started, time.process_time() - cpu

    with tempfile.TemporaryDirectory(prefix="policyqa-bench-ingest-") as tmp:
        path = Path(tmp) / "index"
        index = Index.create(path, embedder=embedder, chunking=settings.chunking, settings=index_settings)
        started, cpu = time.perf_counter(), time.process_time()
        first = index.ingest(paths)
        first_s, first_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        again = index.ingest(paths)
        again_s = time.perf_counter() - started
        size = dir_size_mb(path)
    chunks = first.embedded_chunks
    return {
        "embedder": embedder.name,
        "bf16": bf16,
        "documents": first.count("added"),
        "failed": len(first.failed),
        "chunks": chunks,
        "encoded_texts": len(texts),
        "encode_s": encode_s,
        "encode_chunks_per_s": len(texts) / encode_s,
        "encode_cpu_s": encode_cpu,
        "ingest_s": first_s,
        "ingest_chunks_per_s": chunks / first_s,
        "ingest_cpu_s": first_cpu,
        "overhead_beyond_encode": first_s / encode_s - 1.0,
        "cpu_overhead_beyond_encode": first_cpu / encode_cpu - 1.0 if encode_cpu > 0 else float("nan"),
        "reingest_s": again_s,
        "reingest_ratio": again_s / first_s,
        "reingest_embedded": again.embedded_chunks,
        "index_mb": size,
        "peak_rss_mb": peak_rss_mb(),
    }


def format_table(rows: list[dict]) -> str:
    head = (
        f"{'embedder':<10} {'bf16':<5} {'docs':>5} {'chunks':>6} {'encode/s':>9} {'ingest/s':>9} "
        f"{'overhead':>9} {'cpu ovh':>8} {'ingest s':>9} {'re-ingest s':>11} {'re/first':>9} {'re-embedded':>11} "
        f"{'index MB':>9} {'peak RSS MB':>11}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['embedder']:<10} {r['bf16']:<5} {r['documents']:>5} {r['chunks']:>6} {r['encode_chunks_per_s']:>9.1f} "
            f"{r['ingest_chunks_per_s']:>9.1f} {r['overhead_beyond_encode']:>8.1%} "
            f"{r['cpu_overhead_beyond_encode']:>7.1%} {r['ingest_s']:>9.1f} "
            f"{r['reingest_s']:>11.2f} {r['reingest_ratio']:>8.1%} {r['reingest_embedded']:>11} "
            f"{r['index_mb']:>9.1f} {r['peak_rss_mb']:>11.0f}"
        )
    return "\n".join(lines)


def main(*, settings, out_dir: Path, embedders: list[str] | None = None) -> int:
    from index.models.bf16 import bf16_supported

    paths = law_corpus_paths()
    modes = ["off", "on"] if bf16_supported() else ["off"]
    from index.models.embedders import load_embedder

    rows = [
        measure(load_embedder(name, home=settings.home, bf16=mode), mode, settings, paths)
        for name in (embedders or [settings.index.embedder])
        for mode in modes
    ]
    print(
        "Ingest: ../shared/data laws + executive orders + Korean statutes + corpus/ "
        "(overhead = ingest time / raw encode time of the same chunks - 1, wall clock and process CPU time; "
        "target <= 15%; re/first target <= 5%)"
    )
    print(format_table(rows))
    print(f"results: {write_result(out_dir, 'ingest', {'rows': rows})}")
    return 0
