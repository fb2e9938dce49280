"""`policyqa eval …`: the benchmark sub-command, registered by `app.cli` when this package can be imported (a source
checkout). Each benchmark prints a table and writes JSON to ``--out``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from bench.formats_files import FORMATS
from bench.paths import data_dir

BENCHMARKS = (
    "beir",
    "bilingual",
    "qa",
    "unseen",
    "followups",
    "policyqa",
    "ingest",
    "ingest-speed",
    "ingest-memory",
    "latency",
    "load",
    "embedders",
    "int8",
    "scale",
    "formats",
    "ocr",
)
ANSWER_SETS = ("all", "main", "heldout", "unseen", "unseen2", "unseen3", "unseen4", "unseen5")
DEFAULT_OUT = "bench-results"
UNSEEN_SETS = ("unseen", "unseen2", "unseen3", "unseen4", "unseen5")


def cmd_eval(args: argparse.Namespace, settings) -> int:
    out = Path(args.out)
    if args.data:
        import os

        from bench.paths import DATA_ENV

        os.environ[DATA_ENV] = str(Path(args.data).resolve())
    if args.what == "beir":
        from bench.beir import main as run_beir

        return run_beir(
            Path(args.path) if args.path else data_dir() / "beir_scifact",
            settings=settings,
            tune=args.tune,
            out_dir=out,
            embedders=args.embedders,
        )
    if args.what == "bilingual":
        from bench.bilingual import main as run_bilingual

        return run_bilingual(settings=settings, out_dir=out, embedders=args.embedders)
    if args.what in ("qa", "unseen") and (args.set in UNSEEN_SETS or args.what == "unseen"):
        from bench.unseen import main as run_unseen

        return run_unseen(settings=settings, out_dir=out, which=args.set)
    if args.what == "qa":
        from bench.qa import main as run_qa

        return run_qa(settings=settings, out_dir=out, which=args.set)
    if args.what == "followups":
        from bench.followups import main as run_followups

        return run_followups(settings=settings, out_dir=out)
    if args.what == "policyqa":
        from bench.policyqa_answers import main as run_policyqa

        return run_policyqa(
            Path(args.path) if args.path else data_dir() / "policyqa",
            settings=settings,
            out_dir=out,
            embedders=args.embedders,
            limit=args.limit or None,
        )
    if args.what == "ingest":
        from bench.ingest import main as run_ingest

        return run_ingest(settings=settings, out_dir=out, embedders=args.embedders)
    if args.what == "ingest-speed":
        from bench.ingest_speed import main as run_ingest_speed

        return run_ingest_speed(settings=settings, out_dir=out, embedders=args.embedders, rounds=args.rounds)
    if args.what == "ingest-memory":
        from bench.ingest_memory import main as run_ingest_memory

        return run_ingest_memory(out_dir=out, files=args.files, baseline=Path(args.baseline) if args.baseline else None)
    if args.what == "latency":
        from bench.latency import main as run_latency

        return run_latency(settings=settings, out_dir=out, sizes=args.sizes)
    if args.what == "load":
        from bench.load import main as run_load

        return run_load(settings=settings, out_dir=out, seconds=args.seconds, clients=args.clients, as_json=args.json)
    if args.what == "scale":
        from bench.scale import main as run_scale

        return run_scale(settings=settings, out_dir=out, sizes=args.sizes)
    if args.what == "formats":
        from bench.formats import main as run_formats

        return run_formats(
            settings=settings,
            out_dir=Path(args.out) if args.out != DEFAULT_OUT else None,
            per_corpus=args.docs,
            seed=args.seed,
            formats=args.formats,
        )
    if args.what == "ocr":
        from bench.ocr_pages import main as run_ocr

        return run_ocr(["--pages", str(args.pages)] + (["--json"] if args.json else []))
    if args.what == "int8":
        from bench.int8_quality import main as run_int8

        scifact = Path(args.path) if args.path else data_dir() / "beir_scifact"
        return run_int8(
            settings=settings,
            out_dir=out,
            scifact=None if args.scifact_docs < 0 else scifact,
            embedders=args.embedders,
            scifact_docs=max(args.scifact_docs, 0),
        )
    from bench.backends import main as run_backends

    return run_backends(settings=settings, out_dir=out, embedders=args.embedders, as_json=args.json, rounds=args.rounds)


def register(
    sub: argparse._SubParsersAction,
    *,
    with_index: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
    build_settings: Callable[[argparse.Namespace], object],
) -> None:
    """Add `eval` to the `policyqa` parser."""
    p = with_index(sub.add_parser("eval", help="benchmarks that print a table (and write JSON to --out)"))
    p.add_argument("what", choices=BENCHMARKS)
    p.add_argument(
        "path",
        nargs="?",
        help="data folder for beir / policyqa (default: $POLICYQA_BENCH_DATA/beir_scifact, "
        "$POLICYQA_BENCH_DATA/policyqa)",
    )
    p.add_argument("--data", metavar="DIR", help="the benchmark data folder (default: $POLICYQA_BENCH_DATA)")
    p.add_argument("--tune", action="store_true", help="beir: tune fusion on the train qrels first")
    p.add_argument("--embedders", nargs="+", help="embedders to compare (default: the configured one)")
    p.add_argument(
        "--limit", type=int, default=1000, help="policyqa: how many test questions (a seeded random sample; 0 = all)"
    )
    p.add_argument("--sizes", nargs="+", type=int, help="latency, scale: index sizes in chunks")
    p.add_argument(
        "--set",
        default="all",
        choices=ANSWER_SETS,
        help="qa: which answer set (main = bench/qa/answers.jsonl, heldout = answers_heldout.jsonl); "
        "unseen: which unseen-documents set (unseen, unseen2, unseen3, unseen4, unseen5); "
        "all prints one table per development set (blind sets run only by name)",
    )
    p.add_argument(
        "--scifact-docs",
        type=int,
        default=0,
        help="int8: index only the judged SciFact documents plus random others up to N (0 = all, -1 = skip SciFact)",
    )
    p.add_argument(
        "--rounds", type=int, default=3, help="ingest-speed, embedders: interleaved rounds of the backends compared"
    )
    p.add_argument("--seconds", type=float, default=60.0, help="load: seconds per phase (idle, during ingest)")
    p.add_argument("--clients", type=int, default=8, help="load: concurrent search clients")
    p.add_argument(
        "--json", action="store_true", help="embedders: one JSON object per embedder and backend; load: the result"
    )
    p.add_argument("--docs", type=int, default=2, help="formats: documents drawn from each corpus folder")
    p.add_argument("--seed", type=int, default=13, help="formats: the seed that picks documents and questions")
    p.add_argument(
        "--formats", nargs="+", choices=FORMATS, help="formats: which formats (default all; txt is always measured)"
    )
    p.add_argument("--pages", type=int, default=2, help="ocr: pages per language")
    p.add_argument(
        "--files", type=int, default=200, help="ingest-memory: N (the files of the smaller corpus; the larger has 4N)"
    )
    p.add_argument(
        "--baseline",
        metavar="DIR",
        help="ingest-memory: also measure the source tree in DIR (e.g. `git archive main | tar -x -C DIR`)",
    )
    p.add_argument(
        "--out",
        default=DEFAULT_OUT,
        help="where JSON results go (formats: files and results, default $POLICYQA_HOME/bench/formats)",
    )
    p.set_defaults(func=lambda args: cmd_eval(args, build_settings(args)))
