"""Ingest speed of the `auto` backend against torch fp32, end to end, measured in one process.

`policyqa eval ingest-speed [--embedders e5-small] [--rounds 3]` ingests a subset of the law corpus (the smallest
files of each law folder, English and Korean, up to a character budget per folder) into a fresh index with each
backend, alternating the two backends round by round so both see the same machine load. It prints each round's
seconds and ratio, and the median ratio with its spread: the speed-up of a whole ingest (load, chunk, embed, BM25,
write), not only of the embedding call.
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.common import write_result

log = logging.getLogger(__name__)

LAW_FOLDERS = ("us_law_north_korea", "us_executive_orders_north_korea", "kr_law_inter_korean")
CHARS_PER_FOLDER = 20_000


@dataclass(frozen=True)
class IngestRound:
    embedder: str
    round: int
    baseline_backend: str
    backend: str
    chunks: int
    baseline_s: float
    backend_s: float
    baseline_cpu_s: float  # CPU time of this process (the embedder's threads): less sensitive to other load
    backend_cpu_s: float

    @property
    def speedup(self) -> float:
        return self.baseline_s / self.backend_s

    @property
    def cpu_speedup(self) -> float:
        return self.baseline_cpu_s / self.backend_cpu_s


def smallest_files(files: list[tuple[Path, int]], budget: int) -> list[Path]:
    """The smallest files (ties by name) whose sizes add up to at most `budget`, at least one."""
    chosen: list[Path] = []
    total = 0
    for path, size in sorted(files, key=lambda f: (f[1], f[0].name)):
        if chosen and total + size > budget:
            break
        chosen.append(path)
        total += size
    return chosen


def law_subset(data: Path, chars_per_folder: int = CHARS_PER_FOLDER) -> list[Path]:
    """The files `eval ingest-speed` ingests: per law folder, its smallest documents up to `chars_per_folder`."""
    from bench.evalsets import corpus_files

    by_folder: dict[str, list[tuple[Path, int]]] = {}
    for path in corpus_files(data).values():
        if path.parent.name in LAW_FOLDERS:
            by_folder.setdefault(path.parent.name, []).append((path, len(path.read_text(encoding="utf-8"))))
    missing = [f for f in LAW_FOLDERS if f not in by_folder]
    if missing:
        raise FileNotFoundError(f"{data}: no documents in {', '.join(missing)}; ingest-speed needs the law folders")
    return [p for folder in LAW_FOLDERS for p in smallest_files(by_folder[folder], chars_per_folder)]


def timed_ingest(embedder, settings, paths: list[Path]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process, chunks embedded) of a first ingest of `paths` into a new temporary index."""
    from index.index import Index

    index_settings = settings.index.model_copy(update={"embedder": embedder.name})
    with tempfile.TemporaryDirectory(prefix="policyqa-bench-ingest-speed-") as tmp:
        index = Index.create(
            Path(tmp) / "index", embedder=embedder, chunking=settings.chunking, settings=index_settings
        )
        started, cpu = time.perf_counter(), time.process_time()
        report = index.ingest(paths)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    if report.failed:
        raise RuntimeError(f"ingest-speed: {len(report.failed)} files failed to load: {report.failed[:3]}")
    return seconds, cpu_seconds, report.embedded_chunks


def measure(spec: str, *, settings, paths: list[Path], rounds: int, on_round=None) -> list[IngestRound]:
    """Rounds of (torch fp32 ingest, `auto` ingest), alternating which goes first."""
    from index.models.embedders import load_embedder

    baseline = load_embedder(spec, home=settings.home, backend="torch", bf16="off")
    chosen = load_embedder(spec, home=settings.home, backend="auto", bf16="auto")
    warm = ["warm-up passage " * 20] * 4
    baseline.encode_passages(warm)
    chosen.encode_passages(warm)
    out = []
    for r in range(rounds):
        pair = [("base", baseline), ("auto", chosen)]
        if r % 2:
            pair.reverse()
        seconds: dict[str, float] = {}
        cpu: dict[str, float] = {}
        chunks = 0
        for key, embedder in pair:
            seconds[key], cpu[key], chunks = timed_ingest(embedder, settings, paths)
        row = IngestRound(
            embedder=baseline.name,
            round=r + 1,
            baseline_backend=baseline.backend,
            backend=chosen.backend,
            chunks=chunks,
            baseline_s=seconds["base"],
            backend_s=seconds["auto"],
            baseline_cpu_s=cpu["base"],
            backend_cpu_s=cpu["auto"],
        )
        out.append(row)
        if on_round is not None:
            on_round(row)
    return out


def format_rows(rows: list[IngestRound]) -> str:
    head = (
        f"{'embedder':<10} {'round':>5} {'chunks':>6} {'torch fp32 s':>12} {'backend':<11} {'s':>7} {'speed-up':>8} "
        f"{'cpu speed-up':>12}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r.embedder:<10} {r.round:>5} {r.chunks:>6} {r.baseline_s:>12.1f} {r.backend:<11} {r.backend_s:>7.1f} "
            f"{r.speedup:>7.2f}x {r.cpu_speedup:>11.2f}x"
        )
    return "\n".join(lines)


def summary(rows: list[IngestRound]) -> dict:
    ratios = [r.speedup for r in rows]
    cpu_ratios = [r.cpu_speedup for r in rows]
    return {
        "embedder": rows[0].embedder,
        "backend": rows[0].backend,
        "rounds": len(rows),
        "median_speedup": statistics.median(ratios),
        "min_speedup": min(ratios),
        "max_speedup": max(ratios),
        "median_cpu_speedup": statistics.median(cpu_ratios),
        "min_cpu_speedup": min(cpu_ratios),
        "max_cpu_speedup": max(cpu_ratios),
    }


def main(*, settings, out_dir: Path, embedders: list[str] | None = None, rounds: int = 3) -> int:
    from bench.backends import cpu_line
    from bench.paths import data_dir

    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, not {rounds}")
    paths = law_subset(data_dir())
    load_before = os.getloadavg()
    print(
        f"Ingest speed, auto vs torch fp32: {len(paths)} law documents (the smallest of each law folder, up to "
        f"{CHARS_PER_FOLDER:,} characters per folder), {rounds} alternating rounds; load average "
        f"{load_before[0]:.1f}; {cpu_line()}",
        flush=True,
    )
    print(format_rows([]), flush=True)
    results: list[dict] = []
    for spec in embedders or [settings.index.embedder]:
        rows = measure(
            spec,
            settings=settings,
            paths=paths,
            rounds=rounds,
            on_round=lambda r: print(format_rows([r]).splitlines()[-1], flush=True),
        )
        results.append(
            {
                "summary": summary(rows),
                "rounds": [asdict(r) | {"speedup": r.speedup, "cpu_speedup": r.cpu_speedup} for r in rows],
            }
        )
    load_after = os.getloadavg()[0]
    for result in results:
        s: dict = result["summary"]
        print(
            f"{s['embedder']}: {s['backend']} ingests {s['median_speedup']:.2f}x as fast as torch fp32 "
            f"(median of {s['rounds']} rounds, spread {s['min_speedup']:.2f}-{s['max_speedup']:.2f}x); "
            f"CPU time {s['median_cpu_speedup']:.2f}x (spread {s['min_cpu_speedup']:.2f}-{s['max_cpu_speedup']:.2f}x)"
        )
    print(f"load average after: {load_after:.1f}")
    payload = {
        "results": results,
        "documents": [p.name for p in paths],
        "cpu": cpu_line(),
        "load_average": [load_before[0], load_after],
    }
    print(f"results: {write_result(out_dir, 'ingest-speed', payload)}")
    return 0
