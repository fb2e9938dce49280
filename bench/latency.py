"""Query latency of `Index.search` (warm process, k=10) at the law-corpus size and at >= 100k chunks.

The large index replicates the SciFact abstracts (distinct doc ids per copy) until it holds the requested number of
chunks; each distinct text is embedded once by the real model (MemoEmbedder), so the vectors are real. Queries are the
300 SciFact test queries (English) plus the bilingual question set when present. Prints p50/p95/max per size and
search mode, peak RSS and index size. Usage: ``policyqa eval latency [--sizes 100000]``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.common import (
    MemoEmbedder,
    dir_size_mb,
    law_corpus_paths,
    peak_rss_mb,
    write_result,
)
from bench.metrics import percentile
from bench.paths import QA_DIR, data_dir
from ingest.types import Document

log = logging.getLogger(__name__)


def replicated_scifact(target_chunks: int, est_chunks_per_doc: float = 3.3) -> Iterator[Document]:
    """Copies of the SciFact abstracts, about `target_chunks` chunks in all (3.3 chunks per abstract measured:
    17,239 chunks for 5,183 abstracts with the default chunker)."""
    from bench.beir import beir_documents, load_beir

    base = list(beir_documents(load_beir(data_dir() / "beir_scifact")))
    copies = max(1, int(target_chunks / (len(base) * est_chunks_per_doc)) + 1)
    for copy in range(copies):
        for doc in base:
            yield Document(
                doc_id=f"{doc.doc_id}-r{copy}",
                title=doc.title,
                source=f"{doc.source}#r{copy}",
                doc_type=doc.doc_type,
                date=doc.date,
                language=doc.language,
                text=doc.text,
                content_hash=hashlib.sha256(f"{copy}:{doc.content_hash}".encode()).hexdigest(),
            )


def load_queries(limit: int = 300) -> list[str]:
    queries = []
    with open(data_dir() / "beir_scifact" / "queries.jsonl", encoding="utf-8") as fh:
        for line in fh:
            queries.append(json.loads(line)["text"])
    test_ids = {line.split("\t")[0] for line in open(data_dir() / "beir_scifact/qrels/test.tsv", encoding="utf-8")}
    qs = [q for i, q in enumerate(queries) if str(i) in test_ids] or queries
    extra = QA_DIR / "bilingual.jsonl"
    if extra.exists():
        qs += [json.loads(line)["query"] for line in extra.read_text(encoding="utf-8").splitlines() if line.strip()]
    return qs[:limit]


def time_queries(index, queries: list[str], mode: str, k: int = 10) -> dict:
    for q in queries[:5]:
        index.search(q, k=k, mode=mode)  # warm-up
    times = []
    for q in queries:
        started = time.perf_counter()
        index.search(q, k=k, mode=mode)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "mode": mode,
        "queries": len(times),
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "max_ms": max(times),
    }


def main(*, settings, out_dir: Path, sizes: list[int] | None = None) -> int:
    from index.index import Index
    from index.models.embedders import load_embedder

    embedder = MemoEmbedder(load_embedder(settings.index.embedder, home=settings.home, bf16=settings.index.bf16))
    bench = settings.home / "bench"
    seeded = embedder.seed_from_indexes(sorted(bench.iterdir()) if bench.is_dir() else [])
    log.info("reusing %d vectors from the cached benchmark indexes of %s", seeded, embedder.name)
    queries = load_queries()
    rows = []
    with tempfile.TemporaryDirectory(prefix="policyqa-bench-latency-") as tmp:
        small = Index.create(Path(tmp) / "laws", embedder=embedder, chunking=settings.chunking, settings=settings.index)
        small.ingest(law_corpus_paths())
        for mode in ("hybrid", "dense", "lexical"):
            rows.append({"corpus": "laws+corpus", "chunks": len(small), **time_queries(small, queries, mode)})
        del small
        for size in sizes or [100_000]:
            path = Path(tmp) / f"big{size}"
            big = Index.create(path, embedder=embedder, chunking=settings.chunking, settings=settings.index)
            started = time.perf_counter()
            big.add_documents(replicated_scifact(size))
            build_s = time.perf_counter() - started
            for mode in ("hybrid", "dense", "lexical"):
                rows.append(
                    {
                        "corpus": f"scifact-rep {size // 1000}k",
                        "chunks": len(big),
                        "build_s": build_s,
                        "index_mb": dir_size_mb(path),
                        **time_queries(big, queries, mode),
                    }
                )
            del big
    print(
        f"Query latency, warm process, k=10, {len(queries)} queries, embedder {settings.index.embedder} "
        f"(target p95 <= 100 ms at 100k chunks)"
    )
    head = f"{'corpus':<16} {'chunks':>8} {'mode':<8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'index MB':>9}"
    print(head + "\n" + "-" * len(head))
    for r in rows:
        print(
            f"{r['corpus']:<16} {r['chunks']:>8} {r['mode']:<8} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{r['max_ms']:>8.1f} {r.get('index_mb', float('nan')):>9.1f}"
        )
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    print(f"results: {write_result(out_dir, 'latency', {'rows': rows, 'peak_rss_mb': peak_rss_mb()})}")
    return 0
