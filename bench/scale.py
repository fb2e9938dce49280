"""A large index on one machine: build time, peak RSS, size on disk, hybrid search p50/p95 and the recall@10 of the
approximate (IVF) dense index against exact search.

`policyqa eval scale [--sizes 1000000]`. Passages are the SciFact abstracts plus the law corpus paragraphs (English
and Korean), replicated with a copy marker (`… [r12]`) until the index holds the requested number; 100 passages make
one document. Vectors are synthetic so that the index, not the model, is timed: each base passage gets a unit vector
around one of 2,000 random centres and each copy a small perturbation of it (near-duplicates, as replicated text
would embed). Query vectors are likewise synthetic; the time a real model takes to embed a query (12-50 ms, see
`policyqa eval embedders`) is not included. Queries are the SciFact test queries and the bilingual question set (BM25
runs on their real tokens). The first Korean query of a process pays for loading the Korean analyser (~2 s) unless
`Index.warm_up()` ran first; the table shows that query cold and then every query warm.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from bench.common import dir_size_mb, peak_rss_mb, write_result
from bench.metrics import percentile
from ingest.types import Chunk, Document

log = logging.getLogger(__name__)

PER_DOC = 100
NOISE = 0.9  # base passages around their centre
COPY_NOISE = 0.25  # each copy around its base passage


def _rng(text: str, salt: str) -> np.random.Generator:
    return np.random.default_rng(int.from_bytes(hashlib.sha1(f"{salt}:{text}".encode()).digest()[:8], "little"))


class SyntheticVectors:
    """Embedder stand-in: clustered unit vectors from the text (base passage and copy marker), no model."""

    def __init__(self, dim: int = 384, clusters: int = 2000) -> None:
        self.name = f"synthetic-{dim}"
        self.dim = dim
        self.max_tokens = 512
        self.backend = "synthetic"
        self._centres = np.random.default_rng(7).standard_normal((clusters, dim)).astype(np.float32)
        self._base: dict[str, np.ndarray] = {}

    def base_vector(self, base: str) -> np.ndarray:
        v = self._base.get(base)
        if v is None:
            rng = _rng(base, "base")
            v = self._centres[rng.integers(len(self._centres))] + NOISE * rng.standard_normal(self.dim)
            v = self._base[base] = (v / np.linalg.norm(v)).astype(np.float32)
        return v

    def vector(self, text: str) -> np.ndarray:
        base, _, copy = text.rpartition(" [r")
        if not base:
            return self.base_vector(text)
        v = self.base_vector(base) + COPY_NOISE * _rng(copy, "copy").standard_normal(self.dim) / np.sqrt(self.dim)
        return (v / np.linalg.norm(v)).astype(np.float32)

    def encode_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return np.stack([self.vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.base_vector("query:" + t) for t in texts])

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def base_passages() -> list[tuple[str, str]]:
    """(text, language) of every SciFact abstract and law-corpus paragraph group."""
    from bench.beir import load_beir
    from bench.embedders import EN_FOLDERS, KO_FOLDERS, KO_MAX_WORDS, KO_MIN_WORDS, MAX_WORDS, _passages
    from bench.paths import data_dir

    folder = data_dir()
    out = [(" ".join(f"{t}. {x}".split()), "en") for t, x in load_beir(folder / "beir_scifact").corpus.values()]
    for name in EN_FOLDERS:
        out += [(p, "en") for p in _passages(folder / name, 60, MAX_WORDS)]
    for name in KO_FOLDERS:
        out += [(p, "ko") for p in _passages(folder / name, KO_MIN_WORDS // 2, KO_MAX_WORDS)]
    return out


def replicated_documents(base: list[tuple[str, str]], size: int) -> Iterator[Document]:
    """Documents of `PER_DOC` passages, `size` passages in all, copy r of a passage ending in ` [r<r>]`."""
    for first in range(0, size, PER_DOC):
        texts, langs = [], []
        for n in range(first, min(size, first + PER_DOC)):
            text, lang = base[n % len(base)]
            texts.append(f"{text} [r{n // len(base)}]")
            langs.append(lang)
        body = "\n\n".join(texts)
        language = "ko" if langs.count("ko") > len(langs) / 2 else "en"
        yield Document(
            doc_id=f"scale-{first // PER_DOC:06d}",
            title=f"Replicated passages {first}-{first + len(texts) - 1}",
            source=f"scale:{first}",
            doc_type="article",
            date=None,
            language=language,  # type: ignore[arg-type]
            text=body,
            content_hash=hashlib.sha256(body.encode()).hexdigest(),
        )


def passage_chunker(doc: Document, chunking, count_tokens) -> list[Chunk]:
    """One chunk per blank-line-separated passage (the passages are already cut to size)."""
    from ingest.language import detect_language

    chunks: list[Chunk] = []
    start = 0
    for text in doc.text.split("\n\n"):
        end = start + len(text)
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}@{start}",
                doc_id=doc.doc_id,
                text=text,
                start=start,
                end=end,
                section=None,
                label=f"¶{len(chunks) + 1}",
                page=None,
                language=detect_language(text),  # type: ignore[arg-type]
            )
        )
        start = end + 2
    return chunks


def current_rss_mb() -> float:
    """Resident set size of this process now (Linux /proc; 0 where unavailable)."""
    return _statm()[0]


def _statm() -> tuple[float, float]:
    """(resident MB, of which not file-backed MB) of this process now: pages of memory-mapped index files count as
    resident while they are mapped and cached, but the kernel can drop them at any time (0 where unavailable)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            fields = f.read().split()
        page = os.sysconf("SC_PAGE_SIZE") / 2**20
        return int(fields[1]) * page, (int(fields[1]) - int(fields[2])) * page
    except (OSError, ValueError, IndexError):
        return 0.0, 0.0


class PhaseProfile:
    """Seconds and peak RSS of each build phase: an ``on_progress`` callback (phases are the ingest stages:
    chunk, embed, tokenize, dense, bm25, write) plus `phase(name)` for the steps after it (open, search), with RSS
    sampled every `interval` seconds by a background thread while `running`."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.phases: dict[str, dict[str, float]] = {}
        self._current: str | None = None
        self._started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PhaseProfile:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.phase(None)
        self._stop.set()
        self._thread.join()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self._current:
            self.phase(stage)

    def phase(self, name: str | None) -> None:
        now = time.perf_counter()
        if self._current is not None:
            self.phases[self._current]["s"] += now - self._started
        self._current, self._started = name, now
        if name is not None:
            self._record(self.phases.setdefault(name, {"s": 0.0, "peak_rss_mb": 0.0, "peak_anon_mb": 0.0}))

    def _record(self, entry: dict[str, float]) -> None:
        rss, anon = _statm()
        entry["peak_rss_mb"] = max(entry["peak_rss_mb"], rss)
        entry["peak_anon_mb"] = max(entry["peak_anon_mb"], anon)

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            name = self._current
            if name is not None:
                self._record(self.phases[name])


def phase_line(phases: dict[str, dict[str, float]]) -> str:
    return "  ".join(
        f"{k} {v['s']:.0f} s / {v['peak_rss_mb']:.0f} MB ({v.get('peak_anon_mb', 0):.0f} anon)"
        for k, v in phases.items()
    )


def _vector_blocks(path: Path, rows: int = 20_000) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, float32 block) of a vectors.npy, read with plain file reads: the index's own memory map of the
    file is left alone, so the exact search does not count the whole file as this process's resident memory."""
    with open(path, "rb") as f:
        fmt = np.lib.format
        version = fmt.read_magic(f)
        read_header = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        shape, _, dtype = read_header(f)
        dim, first = shape[1], 0
        while first < shape[0]:
            block = np.fromfile(f, dtype=dtype, count=min(rows, shape[0] - first) * dim).reshape(-1, dim)
            yield first, block.astype(np.float32, copy=False)
            first += len(block)


def recall_at_10(index, embedder: SyntheticVectors, queries: int = 200, seed: int = 3) -> float:
    """Mean overlap of the FAISS top-10 with the exact top-10 (inner product over all vectors), for query vectors
    near random passages (as real queries are near their answers)."""
    state = index._state
    vectors = state.vectors
    dim = vectors.shape[1]
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(vectors), queries)
    q = np.asarray(vectors[picks], dtype=np.float32) + 0.5 * rng.standard_normal((queries, dim)).astype(
        np.float32
    ) / np.sqrt(dim)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    # exact top-10 by inner product over every vector, 20k rows at a time (bounded memory)
    best_scores = np.full((queries, 0), -np.inf, dtype=np.float32)
    best_rows = np.zeros((queries, 0), dtype=np.int64)
    for first, block in _vector_blocks(state.directory / "vectors.npy"):
        scores = q @ block.T
        k = min(10, scores.shape[1])
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        best_scores = np.concatenate([best_scores, np.take_along_axis(scores, top, axis=1)], axis=1)
        best_rows = np.concatenate([best_rows, top + first], axis=1)
        order = np.argsort(-best_scores, axis=1, kind="stable")[:, :10]
        best_scores = np.take_along_axis(best_scores, order, axis=1)
        best_rows = np.take_along_axis(best_rows, order, axis=1)
    exact = best_rows
    hits = 0
    for i in range(queries):
        found = state.table.rows_of_ids(state.dense.search(q[i], 10).ids)
        hits += len(set(found.tolist()) & set(exact[i].tolist()))
    return hits / (10 * queries)


def time_search(index, queries: list[str], k: int = 10) -> list[float]:
    times = []
    for q in queries:
        started = time.perf_counter()
        index.search(q, k=k)
        times.append((time.perf_counter() - started) * 1000)
    return times


def measure(size: int, *, base: list[tuple[str, str]], queries: list[str], workdir: Path) -> dict:
    from index.index import Index
    from index.retrieval.tokenize import has_hangul
    from index.settings import IndexSettings

    embedder = SyntheticVectors()
    settings = IndexSettings(embedder=embedder.name)
    path = workdir / f"scale-{size}"
    with PhaseProfile() as profile:
        profile.phase("documents")
        index = Index.create(path, embedder=embedder, settings=settings, chunker=passage_chunker)
        started = time.perf_counter()
        index.add_documents(replicated_documents(base, size), on_progress=profile)
        build_s = time.perf_counter() - started
        rss_build = peak_rss_mb()
        profile.phase("close")
        del index
        profile.phase("open")
        started = time.perf_counter()
        index = Index.open(path, embedder=embedder, settings=settings, chunker=passage_chunker)
        open_s = time.perf_counter() - started
        profile.phase("search")
        korean = next(q for q in queries if has_hangul(q))
        cold_korean_ms = time_search(index, [korean])[0]
        warm_s = index.warm_up()
        time_search(index, queries[:5])
        times = time_search(index, queries)
        profile.phase("recall")
        recall = recall_at_10(index, embedder)
    return {
        "passages": len(index),
        "ann": index.manifest.ann,
        "build_s": build_s,
        "open_s": open_s,
        "peak_rss_mb_build": rss_build,
        "peak_rss_mb": peak_rss_mb(),
        "index_mb": dir_size_mb(path),
        "cold_korean_query_ms": cold_korean_ms,
        "warm_up_s": warm_s,
        "queries": len(times),
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "max_ms": max(times),
        "recall_at_10": recall,
        "phases": profile.phases,
    }


def main(*, settings, out_dir: Path, sizes: list[int] | None = None) -> int:
    from bench.backends import cpu_line
    from bench.latency import load_queries

    base = base_passages()
    queries = load_queries(limit=10_000)
    rows = []
    print(
        f"Scale: {len(base)} base passages (SciFact + law corpus) replicated; synthetic clustered vectors; "
        f"{len(queries)} queries, hybrid k=10, query embedding not included; {cpu_line()}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    head = (
        f"{'passages':>9} {'ann':<5} {'build s':>8} {'open s':>7} {'build RSS MB':>12} {'peak RSS MB':>11} {'disk MB':>8} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'cold ko ms':>10} {'recall@10':>9}"
    )
    print(head + "\n" + "-" * len(head), flush=True)
    with tempfile.TemporaryDirectory(prefix="policyqa-bench-scale-", dir=settings.home) as tmp:
        for size in sizes or [1_000_000]:
            r = measure(size, base=base, queries=queries, workdir=Path(tmp))
            rows.append(r)
            print(
                f"{r['passages']:>9} {r['ann']:<5} {r['build_s']:>8.0f} {r['open_s']:>7.1f} "
                f"{r['peak_rss_mb_build']:>12.0f} {r['peak_rss_mb']:>11.0f} "
                f"{r['index_mb']:>8.0f} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} {r['max_ms']:>7.1f} "
                f"{r['cold_korean_query_ms']:>10.0f} {r['recall_at_10']:>9.3f}",
                flush=True,
            )
            print(f"  phases (seconds / peak RSS, of which not file-backed): {phase_line(r['phases'])}", flush=True)
    print(f"results: {write_result(out_dir, 'scale', {'rows': rows, 'cpu': cpu_line()})}")
    return 0
