"""Where the benchmarks find their data. The question sets and evaluation documents live beside this module
(`bench/qa`, `bench/calibration`); the third-party data (law corpus, BEIR SciFact, PolicyQA) is a folder named by
the ``POLICYQA_BENCH_DATA`` environment variable or passed as an argument."""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "POLICYQA_BENCH_DATA"
QA_DIR = Path(__file__).resolve().parent / "qa"
CALIBRATION_DIR = Path(__file__).resolve().parent / "calibration"


class BenchDataMissing(FileNotFoundError):
    """The third-party benchmark data folder is not configured or not there."""


def data_dir(explicit: Path | str | None = None) -> Path:
    """The benchmark data folder: `explicit`, else ``$POLICYQA_BENCH_DATA``; it must exist."""
    value = explicit or os.environ.get(DATA_ENV)
    if not value:
        raise BenchDataMissing(
            f"set {DATA_ENV} to the benchmark data folder (with us_law_north_korea/, beir_scifact/, "
            "policyqa/, …), e.g. `export POLICYQA_BENCH_DATA=../shared/data`"
        )
    path = Path(value).expanduser().resolve()
    if not path.is_dir():
        raise BenchDataMissing(f"{path}: benchmark data folder not found (from {DATA_ENV} or the command line)")
    return path


def sample_corpus_dir() -> Path:
    """The product's sample corpus (`corpus/`), which the benchmark corpus includes."""
    from app.services import repo_corpus_dir

    return repo_corpus_dir()
