"""The ingest benchmark's measurement on a few real fixture files, with the fake embedder (plumbing only)."""

from __future__ import annotations

from pathlib import Path

from fakes import FakeEmbedder

from app.settings import Settings
from bench.ingest import format_table, measure

DATA = Path(__file__).parent / "data"


def test_measure_reports_encode_ingest_and_reingest(tmp_path):
    paths = [DATA / "usc_synthetic.txt", DATA / "kr_statute_synthetic.md", DATA / "article.md"]
    emb = FakeEmbedder()
    row = measure(emb, "off", Settings(home=tmp_path), paths)
    assert row["documents"] == 3 and row["failed"] == 0
    assert row["chunks"] == row["encoded_texts"] > 3  # the pipeline embeds exactly the texts the ceiling encodes
    assert row["reingest_embedded"] == 0
    assert row["encode_cpu_s"] >= 0 and row["ingest_cpu_s"] > 0
    assert "fake" in format_table([row])
