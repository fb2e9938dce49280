"""The overlapped ingest pipeline: a worker process loads files in order through a bounded queue while this
process chunks and embeds; the index it builds equals one built by loading inline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fakes import FakeEmbedder, make_doc, paragraph_chunker, shared_tokenizer

from index.index import Index
from index.pipeline import EmbedAhead, Prefetcher
from index.settings import IndexSettings
from index.storage.table import make_row, row_embed_text
from ingest.types import IngestError


def write_corpus(folder: Path, n: int = 6) -> list[Path]:
    folder.mkdir()
    paths = []
    for i in range(n):
        path = folder / f"doc{i}.md"
        path.write_text(
            f"# Document {i}\n\nSection {i} blocks property of designated persons.\n\n"
            f"Paragraph {i} on licences, waivers and reports to Congress number {i * 7}.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_prefetcher_loads_in_order_in_a_worker_and_skips_what_the_caller_skips(tmp_path):
    paths = write_corpus(tmp_path / "c")
    (tmp_path / "c" / "empty.txt").write_text("", encoding="utf-8")
    files = [*paths, tmp_path / "c" / "empty.txt"]
    with Prefetcher(depth=2) as prefetch:
        prefetch.start(files)
        assert prefetch._process is not None and prefetch._process.is_alive()
        first = prefetch.load(paths[0])
        assert "Section 0" in first.text
        assert "Section 3" in prefetch.load(paths[3]).text  # 1 and 2 skipped by the caller
        assert "Section 5" in prefetch.load(paths[5]).text
        with pytest.raises(IngestError, match="empty"):
            prefetch.load(files[-1])
        worker = prefetch._process
    assert not worker.is_alive()  # stopped on exit


def test_prefetcher_loads_inline_below_min_files_and_for_unplanned_files(tmp_path):
    paths = write_corpus(tmp_path / "c", n=2)
    with Prefetcher(min_files=3) as prefetch:
        prefetch.start(paths)
        assert not prefetch._planned  # too few files: nothing handed to the worker
        assert "Section 1" in prefetch.load(paths[1]).text


def test_embed_ahead_embeds_each_new_text_once_in_windows():
    emb = FakeEmbedder()
    docs = [make_doc("a", "One.\n\nTwo two.\n\nOne."), make_doc("b", "Three three three.\n\nKnown text.")]
    known_hash = make_row(paragraph_chunker(docs[1], None, None)[1], docs[1], 0)["hash"]
    ahead = EmbedAhead(
        chunk=lambda d: paragraph_chunker(d, None, None),
        rows=lambda d, cs: [make_row(c, d, 0) for c in cs],
        text_of=row_embed_text,
        embed=emb.encode_passages,
        known={known_hash}.__contains__,
        window=3,
        batch_size=2,
    )
    for doc in docs:
        ahead.add(doc)
    ahead.flush()
    assert sorted(emb.embedded) == ["One.", "Three three three.", "Two two."]
    assert [len(c) for c in emb.passage_calls] == [2, 1]  # one window of three new texts, batches of two
    assert ahead.chunks(docs[0]) is not None and len(ahead.chunks(docs[0])) == 3


def build(path: Path, corpus: Path, monkeypatch, overlapped: bool) -> Index:
    if not overlapped:
        monkeypatch.setattr(Prefetcher, "start", lambda self, files, default_ids=None: None)  # every file loads inline
    index = Index.create(
        path,
        embedder=FakeEmbedder(),
        chunker=paragraph_chunker,
        tokenizer=shared_tokenizer(),
        settings=IndexSettings(embedder="fake", batch_size=2),
    )
    report = index.ingest([corpus])
    assert report.embedded_chunks == len({r["hash"] for r in index._state.table.rows})
    return index


def test_overlapped_ingest_builds_the_same_index_as_inline_loading(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    write_corpus(corpus, n=8)
    fast = build(tmp_path / "a", corpus, monkeypatch, overlapped=True)
    slow = build(tmp_path / "b", corpus, monkeypatch, overlapped=False)
    assert [r["chunk_id"] for r in fast._state.table.rows] == [r["chunk_id"] for r in slow._state.table.rows]
    np.testing.assert_allclose(fast._state.vectors, slow._state.vectors, atol=1e-6)
    assert sorted(d.doc_id for d in fast.documents()) == sorted(d.doc_id for d in slow.documents())
    again = fast.ingest([corpus])  # unchanged: nothing loaded, nothing embedded
    assert again.embedded_chunks == 0 and {o.status for o in again.outcomes} == {"unchanged"}
