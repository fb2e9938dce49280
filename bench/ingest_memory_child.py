"""One measurement of `policyqa eval ingest-memory`, run in a fresh process so that its peak RSS is its own:
``ingest|open INDEX_DIR CORPUS_DIR DIM``, with the code to measure first on PYTHONPATH (see `bench.ingest_memory`).

It imports only what every version of the index exposes (`Index.create`, `Index.open`, `Index.ingest`), so the same
file measures an older checkout too. It prints one JSON line.

The embedder is `HashingEmbedder`: a bag of hashed words, no model and no state, so that the memory measured is the
ingest's own (loading, chunking, planning, writing) and not a model's. It says nothing about retrieval quality."""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Unit vectors from hashed words; keeps nothing between calls."""

    backend = "hashing"

    def __init__(self, dim: int) -> None:
        self.name = f"hashing-{dim}"
        self.dim = dim
        self.max_tokens = 256

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
            v[int.from_bytes(digest[:4], "little") % self.dim] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(v))
        if norm == 0:
            v[0] = 1.0
            return v
        return v / norm

    def encode_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self._vector(t) for t in texts])

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_passages(texts)

    def count_tokens(self, text: str) -> int:
        return len(_WORD.findall(text))


def _status_mb(field: str) -> float:
    """A memory line of /proc/self/status (VmRSS, VmHWM) in MB. VmHWM is this process image's peak RSS: unlike
    `ru_maxrss`, it does not carry over the parent's peak through fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024.0
    raise KeyError(field)


def main(argv: list[str]) -> dict:
    from index.index import Index
    from index.retrieval.tokenize import LexicalTokenizer

    mode, index_dir, corpus, dim = argv[0], Path(argv[1]), Path(argv[2]), int(argv[3])
    embedder = HashingEmbedder(dim)
    tokenizer = LexicalTokenizer()
    tokenizer.tokenize_many(["warm up", "준비 운동"])  # the Korean analyser: loaded before the baseline
    if mode == "open":
        start = _status_mb("VmRSS")
        index = Index.open(index_dir, embedder=embedder, tokenizer=tokenizer)
        index.search("sanctions on North Korea", k=10)
        return {"mode": mode, "rss_start_mb": start, "rss_mb": _status_mb("VmRSS"), "chunks": len(index)}
    index = Index.create(index_dir, embedder=embedder, tokenizer=tokenizer)
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        """The peak RSS so far when the commit step starts writing documents ("chunk": loading and planning are
        done) and when it has written every row ("dense": the dense and BM25 indexes are built next)."""
        phase = {"chunk": "loaded_peak_mb", "dense": "written_peak_mb"}.get(stage)
        if phase is not None and phase not in marks:
            marks[phase] = _status_mb("VmHWM")

    start = _status_mb("VmRSS")
    started = time.perf_counter()
    report = index.ingest([corpus], on_progress=progress)
    seconds = time.perf_counter() - started
    statuses = [o.status for o in report.outcomes]
    return {
        "mode": mode,
        "files": len(statuses),
        "added": statuses.count("added"),
        "other_outcomes": len(statuses) - statuses.count("added"),
        "chunks": len(index),
        "embedded": report.embedded_chunks,
        "seconds": seconds,
        "rss_start_mb": start,
        **marks,
        "peak_rss_mb": _status_mb("VmHWM"),
        "rss_end_mb": _status_mb("VmRSS"),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])), flush=True)
