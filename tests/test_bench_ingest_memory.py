"""`policyqa eval ingest-memory`: the replicated corpus and one measurement in a child process, on fixture files."""

from __future__ import annotations

from pathlib import Path

from bench.ingest_memory import REPO, format_table, growth_lines, mark_copy, measure, write_corpus

DATA = Path(__file__).parent / "data"


def test_a_copy_marks_its_long_lines_and_keeps_its_front_matter():
    text = "---\ntitle: " + "x" * 80 + "\n---\n\n# Short heading\n\n" + "A long line of the statute. " * 4 + "\n"
    marked = mark_copy(text, 7)
    assert marked.startswith("---\ntitle: " + "x" * 80 + "\n---\n")  # front matter unchanged, however long
    assert "# Short heading\n" in marked
    assert marked.count(" [copy 7]") == 1 and mark_copy(text, 8) != marked


def test_the_corpus_takes_the_sources_in_turn_as_distinct_files(tmp_path):
    sources = [DATA / "usc_synthetic.txt", DATA / "kr_statute_synthetic.md"]
    files = write_corpus(tmp_path / "c", 5, sources)
    assert [f.name for f in files] == [
        "usc_synthetic--00000.txt",
        "kr_statute_synthetic--00000.md",
        "usc_synthetic--00001.txt",
        "kr_statute_synthetic--00001.md",
        "usc_synthetic--00002.txt",
    ]
    assert len({f.read_text(encoding="utf-8") for f in files}) == 5


def test_a_measurement_ingests_every_file_in_a_child_and_reports_each_phase(tmp_path):
    sources = [DATA / "usc_synthetic.txt", DATA / "kr_statute_synthetic.md", DATA / "eo_synthetic.md"]
    every = write_corpus(tmp_path / "all", 6, sources)
    small = tmp_path / "small"
    small.mkdir()
    for path in every[:3]:
        (small / path.name).write_bytes(path.read_bytes())
    rows = measure(REPO, "this", {3: small, 6: tmp_path / "all"}, tmp_path)
    assert [(r["corpus_files"], r["added"], r["other_outcomes"]) for r in rows] == [(3, 3, 0), (6, 6, 0)]
    for r in rows:
        assert r["chunks"] > r["added"] and r["embedded"] > 0
        assert r["rss_start_mb"] <= r["loaded_peak_mb"] <= r["written_peak_mb"] <= r["peak_rss_mb"]
    assert rows[1]["index_alone_mb"] >= 0
    assert "this" in format_table(rows) and growth_lines(rows)[0].startswith("this: from 3 to 6 files")
