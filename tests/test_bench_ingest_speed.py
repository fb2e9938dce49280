"""The ingest-speed benchmark's file choice and timing loop, with the fake embedder (plumbing only)."""

from __future__ import annotations

from pathlib import Path

from fakes import FakeEmbedder

from app.settings import Settings
from bench.ingest_speed import IngestRound, format_rows, smallest_files, summary, timed_ingest

DATA = Path(__file__).parent / "data"


def test_smallest_files_fill_the_budget_from_the_smallest_and_keep_at_least_one():
    files = [(Path("c.md"), 300), (Path("a.md"), 100), (Path("b.md"), 100), (Path("d.md"), 50)]
    assert smallest_files(files, 260) == [Path("d.md"), Path("a.md"), Path("b.md")]
    assert smallest_files(files, 10) == [Path("d.md")]


def test_timed_ingest_embeds_every_chunk_into_a_fresh_index(tmp_path):
    paths = [DATA / "usc_synthetic.txt", DATA / "kr_statute_synthetic.md"]
    settings = Settings(home=tmp_path)
    seconds, cpu, chunks = timed_ingest(FakeEmbedder(), settings, paths)
    again, _, chunks_again = timed_ingest(FakeEmbedder(), settings, paths)
    assert (
        seconds > 0 and cpu > 0 and chunks > 2 and chunks_again == chunks
    )  # a new index each time: nothing is skipped


def test_summary_reports_median_and_spread_of_the_ratios():
    rows = [
        IngestRound("e5-small", i + 1, "torch-fp32", "torch-bf16", 100, base, new, base * 2, new)
        for i, (base, new) in enumerate([(30.0, 10.0), (30.0, 15.0), (40.0, 10.0)])
    ]
    s = summary(rows)
    assert (s["median_speedup"], s["min_speedup"], s["max_speedup"]) == (3.0, 2.0, 4.0)
    assert s["median_cpu_speedup"] == 6.0
    assert "torch-bf16" in format_rows(rows)
