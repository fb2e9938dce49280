"""Shared helpers of the benchmark commands: where the data is, result files, memory, disk size."""

from __future__ import annotations

import json
import platform
import resource
import time
from pathlib import Path

import numpy as np


def law_corpus_paths() -> list[Path]:
    """The whole ../shared/data law corpus (U.S. Code, executive orders, Korean statutes) plus the sample corpus:
    the document files only (no SOURCE.md), the same set the QA and bilingual benchmarks index."""
    from bench.evalsets import corpus_files
    from bench.paths import data_dir, sample_corpus_dir

    return sorted(corpus_files(data_dir(), sample_corpus_dir()).values())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def machine_line() -> str:
    import torch

    return f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} torch threads, python {platform.python_version()}"


def write_result(out_dir: Path, name: str, payload: dict) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    payload = {
        "benchmark": name,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine_line(),
        **payload,
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return path


class MemoEmbedder:
    """Wraps a real embedder and remembers vectors by text, so replicated corpora (the 100k-chunk latency index)
    are embedded once per distinct text. Same vectors as the wrapped model; used only by benchmarks."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.dim, self.max_tokens = inner.name, inner.dim, inner.max_tokens
        self.cache: dict[str, np.ndarray] = {}

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def seed_from_indexes(self, roots: list[Path]) -> int:
        """Remember the vectors already stored in other indexes built with the same embedder (e.g. the cached
        SciFact benchmark index): the same model gives the same vector for the same text, so a latency index
        over replicated SciFact needs no re-embedding. Returns how many texts were added."""
        from index.storage.generation import CHUNKS, MANIFEST, VECTORS
        from index.storage.store import IndexStore
        from index.storage.table import read_jsonl, row_embed_text

        added = 0
        for root in roots:
            store = IndexStore(root)
            if not store.exists():
                continue
            gen = store.current()
            manifest = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
            if manifest["embedder"]["name"] != self.name or manifest["embedder"]["dim"] != self.dim:
                continue
            vectors = np.load(gen / VECTORS, mmap_mode="r", allow_pickle=False)
            for row, vector in zip(read_jsonl(gen / CHUNKS), vectors):
                text = row_embed_text(row)
                if text not in self.cache:
                    self.cache[text] = np.array(vector, dtype=np.float32)
                    added += 1
        return added

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if todo:
            vectors = self.inner.encode_passages(todo, batch_size=batch_size)
            self.cache.update(zip(todo, vectors))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.cache[t] for t in texts]).astype(np.float32)
