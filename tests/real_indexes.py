"""Indexes over real files with a real packaged embedder, for the retrieval-quality tests."""

from __future__ import annotations

from pathlib import Path


def real_index(directory: Path, paths: list[Path], *, embedder_name: str, model_home: Path):
    """A new index at `directory` over real files, embedded by a real packaged model (loaded from `model_home`)."""
    from index.index import Index
    from index.models.embedders import load_embedder
    from index.settings import IndexSettings

    settings = IndexSettings(embedder=embedder_name)
    index = Index.create(directory, embedder=load_embedder(embedder_name, home=model_home), settings=settings)
    report = index.ingest(paths)
    assert not report.failed, report.failed
    return index
