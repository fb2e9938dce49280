"""Index-side scaling benchmark: where exact FAISS search stops meeting the latency target, HNSW recall vs
efSearch, BM25 build/load time, and `Index.search` / commit / open times at 100k chunks.

Vectors are synthetic (unit vectors seeded by the text hash: the FAISS cost does not depend on the model), texts
are the SciFact abstracts replicated with a copy marker (realistic BM25 posting lengths). The query-embedding time
of a real model is not included here (MiniLM: ~12 ms per query, see ../shared/MODELS.md); `policyqa eval latency`
measures the end-to-end figure with the real model. Usage:

    python -m bench.ann [--rows 100000] [--flat-sizes 100000,200000,400000] [--out result.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.paths import data_dir

logger = logging.getLogger(__name__)


class HashVectors:
    """Deterministic unit vectors from a text's hash (a timing stand-in for an embedder; no semantics)."""

    def __init__(self, dim: int = 384) -> None:
        self.name = f"hash-vectors-{dim}"
        self.dim = dim
        self.max_tokens = 512

    def _vec(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def encode_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts])

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_passages(texts)

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def clustered_vectors(n: int, dim: int, seed: int, clusters: int = 2000) -> np.ndarray:
    """Unit vectors around random cluster centres (closer to real embeddings than uniform noise)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    v = centres[rng.integers(0, clusters, n)] + 0.9 * rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def lowrank_vectors(n: int, dim: int, seed: int, latent: int = 32, noise: float = 0.3) -> np.ndarray:
    """Unit vectors with a low intrinsic dimension (a random projection of a `latent`-d Gaussian plus
    isotropic noise at `noise` x the signal norm): sentence embeddings behave like this, not like noise."""
    rng = np.random.default_rng(1234)  # one projection for corpus and queries
    proj = rng.standard_normal((latent, dim)).astype(np.float32)
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, latent)).astype(np.float32) @ proj
    v += noise * np.sqrt(latent) * rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def percentiles(ms: list[float]) -> dict[str, float]:
    a = np.asarray(ms)
    return {
        "p50": round(float(np.percentile(a, 50)), 2),
        "p95": round(float(np.percentile(a, 95)), 2),
        "max": round(float(a.max()), 2),
    }


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def scifact(limit: int | None = None) -> tuple[list[tuple[str, str, str]], list[str]]:
    docs = []
    with open(data_dir() / "beir_scifact" / "corpus.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs.append((d["_id"], d.get("title", ""), d["text"]))
    queries = [
        json.loads(line)["text"] for line in open(data_dir() / "beir_scifact" / "queries.jsonl", encoding="utf-8")
    ]
    return docs[:limit] if limit else docs, queries


def bench_flat(sizes: list[int], dim: int, k: int, queries: int) -> dict:
    from index.retrieval.dense import DenseIndex

    out = {}
    for n in sizes:
        vectors = clustered_vectors(n, dim, seed=n)
        flat = DenseIndex.build(vectors, np.arange(n, dtype=np.int64), "flat", dim)
        it = iter(clustered_vectors(queries, dim, seed=7))
        out[n] = percentiles(timed(lambda: flat.search(next(it), k), queries))  # noqa: B023
        logger.info("flat n=%d: %s", n, out[n])

    return out


def bench_hnsw(n: int, dim: int, k: int, queries: int, efs: list[int], kind: str = "lowrank") -> dict:
    import faiss

    from index.retrieval.dense import DenseIndex

    make = lowrank_vectors if kind == "lowrank" else clustered_vectors
    vectors = make(n, dim, seed=n)
    ids = np.arange(n, dtype=np.int64)
    t = time.perf_counter()
    hnsw = DenseIndex.build(vectors, ids, "hnsw", dim)
    build_s = time.perf_counter() - t
    flat = DenseIndex.build(vectors, ids, "flat", dim)
    qs = make(queries, dim, seed=11)
    truth = [set(flat.search(q, k).ids.tolist()) for q in qs]
    inner = faiss.downcast_index(hnsw._index.index)
    import index.retrieval.dense as dmod

    result: dict = {
        "rows": n,
        "vectors": kind,
        "M": dmod.HNSW_M,
        "ef_construction": dmod.HNSW_EF_CONSTRUCTION,
        "build_s": round(build_s, 1),
        "ef": {},
    }
    import index.retrieval.dense as dense_mod

    saved = dense_mod.HNSW_EF_SEARCH
    try:
        for ef in efs:
            dense_mod.HNSW_EF_SEARCH = ef
            inner.hnsw.efSearch = ef
            found = [hnsw.search(q, k) for q in qs]
            recall = float(np.mean([len(set(f.ids.tolist()) & t) / len(t) for f, t in zip(found, truth)]))
            it = iter(qs)
            lat = percentiles(timed(lambda: hnsw.search(next(it), k), queries))  # noqa: B023 - called at once
            result["ef"][ef] = {"recall_at_k": round(recall, 4), **lat}
            logger.info("hnsw n=%d ef=%d: recall %.4f %s", n, ef, recall, lat)
    finally:
        dense_mod.HNSW_EF_SEARCH = saved
    return result


def bench_index(rows: int, queries: int) -> dict:
    """End-to-end `Index` at `rows` chunks: add_documents, open, search latency per mode, a one-doc commit."""
    from index.index import Index
    from index.settings import IndexSettings
    from index.types import Filters
    from ingest.settings import ChunkingSettings
    from ingest.types import Chunk, Document

    base, qtexts = scifact()

    def whole(doc: Document, chunking: ChunkingSettings, count_tokens) -> list[Chunk]:
        return [
            Chunk(
                chunk_id=f"{doc.doc_id}@0",
                doc_id=doc.doc_id,
                text=doc.text,
                start=0,
                end=len(doc.text),
                section=None,
                label=doc.title,
                page=None,
                language="en",
            )
        ]

    def documents():
        for i in range(rows):
            doc_id, title, text = base[i % len(base)]
            text = f"{title}\n\n{text}\n\ncopy {i // len(base)}"
            yield Document(
                doc_id=f"{doc_id}-{i}",
                title=title,
                source=f"scifact://{doc_id}/{i}",
                doc_type="article" if i % 2 else "law",
                date=None,
                language="en",
                text=text,
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
            )

    out: dict = {"rows": rows}
    settings = IndexSettings(ann_threshold=10**9)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "idx"
        embedder = HashVectors()
        index = Index.create(path, embedder=embedder, chunker=whole, settings=settings)
        t = time.perf_counter()
        index.add_documents(documents())
        out["add_documents_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        index = Index.open(path, embedder=embedder, chunker=whole, settings=settings)
        out["open_s"] = round(time.perf_counter() - t, 2)
        from index.retrieval.lexical import LexicalIndex
        from index.storage.generation import BM25, read_tokens

        gen = index._state.directory
        tokens = read_tokens(gen)
        t = time.perf_counter()
        LexicalIndex.from_rows(tokens)
        out["bm25_rebuild_from_cached_tokens_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        LexicalIndex.load(gen / BM25, len(tokens))
        out["bm25_load_saved_s"] = round(time.perf_counter() - t, 3)
        del tokens
        qs = qtexts[:queries]
        for mode in ("hybrid", "dense", "lexical"):
            for q in qs[:5]:
                index.search(q, k=10, mode=mode)
            it = iter(qs)
            out[f"search_{mode}_ms"] = percentiles(timed(lambda: index.search(next(it), k=10, mode=mode), len(qs)))  # noqa: B023
        it = iter(qs)
        out["search_hybrid_filtered_ms"] = percentiles(
            timed(lambda: index.search(next(it), k=10, filters=Filters(doc_type=["law"])), len(qs))
        )
        extra = Document(
            doc_id="extra",
            title="extra",
            source="mem://extra",
            doc_type="other",
            date=None,
            language="en",
            text="one more document",
            content_hash="0" * 64,
        )
        t = time.perf_counter()
        index.add_documents([extra])
        out["commit_one_doc_s"] = round(time.perf_counter() - t, 1)
        out["disk_mb"] = round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--flat-sizes", default="100000,200000,400000")
    parser.add_argument("--hnsw-rows", type=int, default=100_000)
    parser.add_argument("--efs", default="64,128,256")
    parser.add_argument("--vectors", choices=["lowrank", "clustered"], default="lowrank")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--candidates", type=int, default=100, help="k per retriever (IndexSettings.candidates)")
    parser.add_argument("--skip", default="", help="comma list of parts to skip: flat,hnsw,index")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    skip = set(filter(None, args.skip.split(",")))
    result: dict = {}
    if "flat" not in skip:
        result["flat_ms"] = bench_flat([int(s) for s in args.flat_sizes.split(",")], 384, args.candidates, args.queries)
    if "hnsw" not in skip:
        result["hnsw"] = bench_hnsw(
            args.hnsw_rows, 384, args.candidates, args.queries, [int(e) for e in args.efs.split(",")], args.vectors
        )
    if "index" not in skip:
        result["index"] = bench_index(args.rows, args.queries)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
