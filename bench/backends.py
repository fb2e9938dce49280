"""Embedding speed and fidelity per backend, all measured in one run: torch fp32 (the baseline), torch under bf16
autocast, ONNX Runtime fp32 and ONNX Runtime int8, for each embedder.

`policyqa eval embedders` prints a table; `--json` prints one JSON object per embedder and backend:
`{"embedder", "backend", "passages_per_s", "speedup_vs_torch_fp32", "min_cosine_vs_fp32", ...}`. Passages are law
paragraphs of the benchmark data (English and Korean, as `bench.embedders` picks them); the minimum cosine compares
each backend's vector of every passage with torch fp32's.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bench.common import write_result
from bench.embedders import EN_QUERIES, KO_QUERIES, bench_passages

log = logging.getLogger(__name__)

BACKENDS = ("torch-fp32", "torch-bf16", "onnx-fp32", "onnx-int8")


@dataclass(frozen=True)
class BackendRow:
    embedder: str
    backend: str
    passages_per_s: float
    speedup_vs_torch_fp32: float
    min_cosine_vs_fp32: float
    mean_cosine_vs_fp32: float
    passages: int
    passages_per_cpu_s: float
    query_ms_median: float
    load_s: float


def load(spec: str, backend: str, home: Path):
    from index.models.embedders import load_embedder

    if backend.startswith("torch"):
        return load_embedder(spec, home=home, backend="torch", bf16="on" if backend == "torch-bf16" else "off")
    return load_embedder(spec, home=home, backend=backend)


def timed_encode(embedder, texts: list[str], batch_size: int) -> tuple[np.ndarray, float, float]:
    """(vectors, passages per wall second, passages per CPU second of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    vectors = embedder.encode_passages(texts, batch_size=batch_size)
    return vectors, len(texts) / (time.perf_counter() - wall), len(texts) / max(time.process_time() - cpu, 1e-9)


def query_ms(embedder) -> float:
    queries = EN_QUERIES + KO_QUERIES
    embedder.encode_queries(queries[:2])  # warm-up
    times = []
    for q in queries:
        t0 = time.perf_counter()
        embedder.encode_queries([q])
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure_embedder(
    spec: str, *, home: Path, texts: list[str], backends: tuple[str, ...] = BACKENDS, batch_size: int = 16
) -> list[BackendRow]:
    """One row per backend; torch fp32 runs first and is the reference for speed-up and cosine."""
    order = ("torch-fp32",) + tuple(b for b in backends if b != "torch-fp32")
    reference: np.ndarray | None = None
    base_rate = 0.0
    rows = []
    for backend in order:
        started = time.perf_counter()
        embedder = load(spec, backend, home)
        load_s = time.perf_counter() - started
        embedder.encode_passages(texts[:4], batch_size=batch_size)  # warm-up
        vectors, rate, cpu_rate = timed_encode(embedder, texts, batch_size)
        if reference is None:
            reference, base_rate = vectors, rate
        cosines = np.sum(vectors * reference, axis=1)
        row = BackendRow(
            embedder=embedder.name,
            backend=getattr(embedder, "backend", backend),
            passages_per_s=rate,
            speedup_vs_torch_fp32=rate / base_rate,
            min_cosine_vs_fp32=float(cosines.min()),
            mean_cosine_vs_fp32=float(cosines.mean()),
            passages=len(texts),
            passages_per_cpu_s=cpu_rate,
            query_ms_median=query_ms(embedder),
            load_s=load_s,
        )
        if backend in backends:
            rows.append(row)
        del embedder
    return rows


def format_table(rows: list[BackendRow]) -> str:
    head = (
        f"{'embedder':<10} {'backend':<11} {'passages':>8} {'p/s':>7} {'p/cpu-s':>8} {'vs torch fp32':>13} "
        f"{'min cos':>8} {'mean cos':>8} {'query ms':>8} {'load s':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r.embedder:<10} {r.backend:<11} {r.passages:>8} {r.passages_per_s:>7.1f} {r.passages_per_cpu_s:>8.1f} "
            f"{r.speedup_vs_torch_fp32:>12.2f}x {r.min_cosine_vs_fp32:>8.5f} {r.mean_cosine_vs_fp32:>8.5f} "
            f"{r.query_ms_median:>8.1f} {r.load_s:>7.1f}"
        )
    return "\n".join(lines)


def cpu_line() -> str:
    from index.models.bf16 import flags_support_bf16
    from index.models.embedders import running_cpu_flags

    flags = running_cpu_flags()
    shown = sorted(f for f in flags if f.startswith(("avx", "amx")) or f in ("fma", "f16c"))
    return f"CPU flags: {' '.join(shown)}; native bf16: {'yes' if flags_support_bf16(flags) else 'no'}"


def main(
    *,
    settings,
    out_dir: Path,
    embedders: list[str] | None = None,
    per_language: int = 48,
    batch_size: int = 16,
    as_json: bool = False,
) -> int:
    """`policyqa eval embedders`: the table (or JSON lines) and `<out_dir>/embedder_backends.json`."""
    en, ko = bench_passages(per_language=per_language)
    texts = en + ko
    names = tuple(embedders or ("minilm", "e5-small"))
    if not as_json:
        print(
            f"Embedding backends: {len(en)} English + {len(ko)} Korean law passages, batch {batch_size}, "
            f"load average {os.getloadavg()[0]:.1f}; {cpu_line()}",
            flush=True,
        )
        print(format_table([]), flush=True)
    rows: list[BackendRow] = []
    for spec in names:
        for row in measure_embedder(spec, home=settings.home, texts=texts, batch_size=batch_size):
            rows.append(row)
            if as_json:
                print(json.dumps(asdict(row)), flush=True)
            else:
                print(format_table([row]).splitlines()[-1], flush=True)
    path = write_result(
        out_dir,
        "embedder_backends",
        {"rows": [asdict(r) for r in rows], "cpu": cpu_line(), "load_average": os.getloadavg()[0]},
    )
    if not as_json:
        print(f"results: {path}")
    return 0
