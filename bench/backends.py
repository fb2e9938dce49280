"""Embedding speed and fidelity per backend, all measured in one run: torch fp32 (the baseline), torch in bf16,
ONNX Runtime fp32 and ONNX Runtime int8, for each embedder. `--rounds N` repeats the measurement in N interleaved
rounds (every backend once per round, order alternating) and reports the median speed-up and its spread.

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
    passages_per_s: float  # median over rounds
    speedup_vs_torch_fp32: float  # median over rounds of (this backend's rate / torch fp32's rate in that round)
    min_cosine_vs_fp32: float
    mean_cosine_vs_fp32: float
    passages: int
    passages_per_cpu_s: float  # median over rounds
    query_ms_median: float
    load_s: float
    rounds: int = 1
    speedup_min: float = 1.0
    speedup_max: float = 1.0
    cpu_speedup_vs_torch_fp32: float = 1.0  # median over rounds, in passages per CPU-second


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


def round_orders(backends: tuple[str, ...], rounds: int) -> list[tuple[str, ...]]:
    """The order backends run in each round: as given, then reversed, alternately, so that on a machine whose load
    drifts no backend is always measured first or last."""
    return [backends if r % 2 == 0 else tuple(reversed(backends)) for r in range(rounds)]


def measure_embedder(
    spec: str,
    *,
    home: Path,
    texts: list[str],
    backends: tuple[str, ...] = BACKENDS,
    batch_size: int = 16,
    rounds: int = 1,
) -> list[BackendRow]:
    """One row per backend; torch fp32 is the reference for speed-up and cosine. Every backend is loaded once, then
    each round embeds `texts` with every backend in turn (order alternating, `round_orders`); a speed-up is the
    ratio of two rates of the same round, and the row reports its median and spread over the rounds."""
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, not {rounds}")
    order = ("torch-fp32",) + tuple(b for b in backends if b != "torch-fp32")
    embedders, load_s = {}, {}
    for backend in order:
        started = time.perf_counter()
        embedders[backend] = load(spec, backend, home)
        load_s[backend] = time.perf_counter() - started
        embedders[backend].encode_passages(texts[:4], batch_size=batch_size)  # warm-up
    vectors: dict[str, np.ndarray] = {}
    rates: dict[str, list[tuple[float, float]]] = {b: [] for b in order}
    for round_order in round_orders(order, rounds):
        for backend in round_order:
            vectors[backend], rate, cpu_rate = timed_encode(embedders[backend], texts, batch_size)
            rates[backend].append((rate, cpu_rate))
    reference = vectors["torch-fp32"]
    rows = []
    for backend in order:
        ratios = [r[0] / base[0] for r, base in zip(rates[backend], rates["torch-fp32"], strict=True)]
        cpu_ratios = [r[1] / base[1] for r, base in zip(rates[backend], rates["torch-fp32"], strict=True)]
        cosines = np.sum(vectors[backend] * reference, axis=1)
        embedder = embedders[backend]
        row = BackendRow(
            embedder=embedder.name,
            backend=getattr(embedder, "backend", backend),
            passages_per_s=statistics.median(r[0] for r in rates[backend]),
            speedup_vs_torch_fp32=statistics.median(ratios),
            min_cosine_vs_fp32=float(cosines.min()),
            mean_cosine_vs_fp32=float(cosines.mean()),
            passages=len(texts),
            passages_per_cpu_s=statistics.median(r[1] for r in rates[backend]),
            query_ms_median=query_ms(embedder),
            load_s=load_s[backend],
            rounds=rounds,
            speedup_min=min(ratios),
            speedup_max=max(ratios),
            cpu_speedup_vs_torch_fp32=statistics.median(cpu_ratios),
        )
        if backend in backends:
            rows.append(row)
    return rows


def format_table(rows: list[BackendRow]) -> str:
    head = (
        f"{'embedder':<10} {'backend':<11} {'passages':>8} {'p/s':>7} {'p/cpu-s':>8} {'vs torch fp32':>13} "
        f"{'spread':>11} {'cpu ratio':>9} {'min cos':>8} {'mean cos':>8} {'query ms':>8} {'load s':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r.embedder:<10} {r.backend:<11} {r.passages:>8} {r.passages_per_s:>7.1f} {r.passages_per_cpu_s:>8.1f} "
            f"{r.speedup_vs_torch_fp32:>12.2f}x {r.speedup_min:>5.2f}-{r.speedup_max:<5.2f} "
            f"{r.cpu_speedup_vs_torch_fp32:>8.2f}x {r.min_cosine_vs_fp32:>8.5f} {r.mean_cosine_vs_fp32:>8.5f} "
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
    rounds: int = 1,
) -> int:
    """`policyqa eval embedders`: the table (or JSON lines) and `<out_dir>/embedder_backends.json`."""
    en, ko = bench_passages(per_language=per_language)
    texts = en + ko
    names = tuple(embedders or ("minilm", "e5-small"))
    if not as_json:
        print(
            f"Embedding backends: {len(en)} English + {len(ko)} Korean law passages, batch {batch_size}, "
            f"{rounds} interleaved round(s) (speed-up: median and spread of same-round ratios), "
            f"load average {os.getloadavg()[0]:.1f}; {cpu_line()}",
            flush=True,
        )
        print(format_table([]), flush=True)
    rows: list[BackendRow] = []
    for spec in names:
        for row in measure_embedder(spec, home=settings.home, texts=texts, batch_size=batch_size, rounds=rounds):
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
