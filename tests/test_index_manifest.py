"""manifest.json contents and the checks `Index.open` makes (format, embedder, chunker)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import FakeEmbedder, make_doc, paragraph_chunker, shared_tokenizer

from index.index import Index
from index.settings import IndexSettings
from index.storage.manifest import FORMAT_VERSION, IndexMismatchError
from index.storage.store import IndexNotFoundError
from ingest.settings import ChunkingSettings


@pytest.fixture
def built(tmp_path) -> Path:
    path = tmp_path / "idx"
    index = Index.create(
        path,
        embedder=FakeEmbedder(dim=32, name="fake"),
        chunking=ChunkingSettings(max_tokens=180),
        chunker=paragraph_chunker,
        tokenizer=shared_tokenizer(),
    )
    index.add_documents(
        [
            make_doc("a", "First paragraph.\n\nSecond paragraph.", doc_type="law", date="2016-02-18"),
            make_doc("b", "Another document.", doc_type="article"),
        ]
    )
    return path


def current_manifest(path: Path) -> Path:
    return path / (path / "CURRENT").read_text().strip() / "manifest.json"


def test_manifest_records_what_built_the_index(built):
    m = json.loads(current_manifest(built).read_text())
    assert m["format_version"] == FORMAT_VERSION
    assert m["embedder"]["name"] == "fake" and m["embedder"]["dim"] == 32
    assert m["chunking"] == ChunkingSettings(max_tokens=180).model_dump(mode="json")
    assert m["counts"] == {"documents": 2, "chunks": 3}
    assert m["ann"] == "flat"
    doc = m["documents"]["a"]
    assert {"content_hash", "source", "title", "doc_type", "date", "language", "chunks", "indexed_at"} <= set(doc)
    assert doc["chunks"] == 2 and doc["date"] == "2016-02-18" and len(doc["content_hash"]) == 64


def test_open_with_the_same_embedder_works(built):
    index = Index.open(built, embedder=FakeEmbedder(dim=32, name="fake"), tokenizer=shared_tokenizer())
    assert len(index) == 3
    assert index.chunking == ChunkingSettings(max_tokens=180)  # taken from the manifest when not given


def test_other_embedder_name_is_refused_with_the_fix(built):
    with pytest.raises(IndexMismatchError) as err:
        Index.open(built, embedder=FakeEmbedder(dim=32, name="other"))
    msg = str(err.value)
    assert "'fake'" in msg and "'other'" in msg and str(built) in msg
    assert "policyqa ingest --rebuild PATHS" in msg and "POLICYQA_INDEX__EMBEDDER=fake" in msg


def test_other_embedder_dimension_is_refused(built):
    with pytest.raises(IndexMismatchError, match=r"32-d.*64-d.*--rebuild"):
        Index.open(built, embedder=FakeEmbedder(dim=64, name="fake"))


def test_embedder_setting_is_checked_before_loading_any_model(built):
    # the default setting is 'minilm'; the index was built by 'fake': refused without loading MiniLM
    with pytest.raises(IndexMismatchError, match="POLICYQA_INDEX__EMBEDDER=fake"):
        Index.open(built, settings=IndexSettings())
    with pytest.raises(IndexMismatchError, match="'e5-small'"):
        Index.open(built, settings=IndexSettings(embedder="e5-small"))


def test_format_version_mismatch_is_refused(built):
    path = current_manifest(built)
    m = json.loads(path.read_text())
    m["format_version"] = FORMAT_VERSION + 1
    path.write_text(json.dumps(m))
    with pytest.raises(IndexMismatchError, match=rf"format version {FORMAT_VERSION + 1}.*--rebuild"):
        Index.open(built, embedder=FakeEmbedder(dim=32, name="fake"))


def test_chunker_parameter_mismatch_names_the_difference(built):
    with pytest.raises(IndexMismatchError) as err:
        Index.open(built, embedder=FakeEmbedder(dim=32, name="fake"), chunking=ChunkingSettings(max_tokens=120))
    msg = str(err.value)
    assert "max_tokens: index 180 vs requested 120" in msg and "--rebuild" in msg
    assert "overlap_sentences" not in msg.split("(")[1].split(")")[0]  # only what differs is listed


def test_rebuild_replaces_a_mismatched_index(built):
    new = Index.open_or_create(
        built,
        embedder=FakeEmbedder(dim=64, name="other"),
        chunker=paragraph_chunker,
        tokenizer=shared_tokenizer(),
        rebuild=True,
    )
    # until the rebuild commits, the old index is still the one on disk
    assert len(Index.open(built, embedder=FakeEmbedder(dim=32, name="fake"))) == 3
    new.add_documents([make_doc("c", "Only this one.")])
    reopened = Index.open(built, embedder=FakeEmbedder(dim=64, name="other"))
    assert [d.doc_id for d in reopened.documents()] == ["c"]


def test_open_missing_index_and_create_over_existing(tmp_path, built):
    with pytest.raises(IndexNotFoundError, match="policyqa ingest"):
        Index.open(tmp_path / "nothing", embedder=FakeEmbedder())
    with pytest.raises(FileExistsError, match="--rebuild"):
        Index.create(built, embedder=FakeEmbedder(dim=32))
