"""An ingest of many files keeps a few loaded documents in memory at a time: the rest wait for the commit on disk
(`index.spill`), in unnamed files that are gone once the ingest ends, whether it succeeds or fails. What it indexes
is what indexing the same documents from memory gives."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeEmbedder, paragraph_chunker, shared_tokenizer, write_doc

from index.index import Index
from index.segments import SegmentBuild
from index.settings import IndexSettings
from index.spill import Spill
from index.storage.store import IndexStore
from ingest.guarded import load_file
from ingest.types import Chunk, Document

DATA = Path(__file__).parent / "data"


def _index(path: Path, embedder: FakeEmbedder | None = None, chunker=paragraph_chunker) -> Index:
    return Index.create(
        path,
        embedder=embedder or FakeEmbedder(),
        chunker=chunker,
        tokenizer=shared_tokenizer(),
        settings=IndexSettings(embedder="fake", batch_size=4),
    )


def _corpus(folder: Path, n: int, tag: str = "memo") -> Path:
    for i in range(n):
        write_doc(
            folder / f"{tag}_{i:03d}.txt",
            f"Memo {i} of the {tag} series on export licences for entity {tag}{i}.\n\n"
            f"Its second paragraph lists {i * 3} designated vessels and their flags.\n\n"
            f"A closing paragraph of memo {i} on reports to Congress.",
        )
    return folder


def _live_documents() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is Document)


def _spill_files(directory: Path) -> list[str]:
    """This process's open files in `directory` that have no name (unlinked or never linked): the spills."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(directory) + os.sep) and target.endswith("(deleted)"):
            found.append(target)
    return found


def test_the_spill_gives_back_documents_and_chunks_exactly(tmp_path):
    doc = Document(
        doc_id="brief",
        title="A briefing",
        source=str(tmp_path / "brief.pdf"),
        doc_type="article",
        date="2024-03-01",
        language="en",
        text="Page one.\fPage two on sanctions.",
        content_hash="ab" * 32,
        page_spans=((0, 9), (10, 33)),
        metadata={"aliases": ["Briefing 7"], "year": 2024, "tags": ["a", "b"], "nested": {"k": [1, 2]}},
        warnings=("encoding converted",),
        ocr_pages=(2,),
    )
    chunk = Chunk("brief@10", "brief", "Page two on sanctions.", 10, 33, None, "p. 2", 2, "en", context="A briefing")
    with Spill(tmp_path) as spill:
        places = [spill.put(doc), spill.put([chunk]), spill.put(doc)]
        assert spill.count == 3 and spill.bytes == sum(p.length for p in places)
        assert spill.get(places[1]) == [chunk]
        again = spill.get(places[0])
        assert again == doc and again is not doc and again.page_spans == ((0, 9), (10, 33))
        assert _spill_files(tmp_path)  # open, and nameless: nothing to list in the directory
        assert list(tmp_path.iterdir()) == []
    assert spill.closed and not _spill_files(tmp_path)


def test_an_ingest_of_many_files_keeps_a_few_documents_in_memory(tmp_path):
    corpus = _corpus(tmp_path / "in", 40)
    index = _index(tmp_path / "idx")
    live: dict[str, int] = {}
    spills: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage in ("load", "chunk"):  # planning (every file loaded) and writing (every document re-read)
            live[stage] = max(live.get(stage, 0), _live_documents())
            if not spills:
                spills.extend(_spill_files(index.path))

    gc.collect()
    before = _live_documents()  # other tests' documents, kept by caches
    report = index.ingest([corpus], on_progress=progress)
    assert report.count("added") == 40 and not report.failed
    assert set(live) == {"load", "chunk"}
    assert max(live.values()) - before <= 3, (before, live)  # not 40: the plan keeps places, not documents
    assert spills  # the documents, chunks and vectors waited in the index's directory, in nameless files
    assert not _spill_files(index.path)
    assert len(index.documents()) == 40
    assert index.search("designated vessels memo 17", k=1)[0].passage.doc_id == "memo_017"


def test_an_ingest_indexes_what_adding_the_same_documents_from_memory_does(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    for name in ("article.md", "eo_synthetic.md", "kr_statute_synthetic.md", "law.pdf", "page.html", "notes.txt"):
        shutil.copy(DATA / name, corpus / name)
    shutil.copy(DATA / "notes.txt.meta.yaml", corpus / "notes.txt.meta.yaml")
    files = sorted(p for p in corpus.iterdir() if not p.name.endswith(".meta.yaml"))
    from_files = _index(tmp_path / "a", chunker=None)
    from_memory = _index(tmp_path / "b", chunker=None)

    got = from_files.ingest([corpus])
    want = from_memory.add_documents([load_file(p) for p in files])

    def summary(report):
        return sorted((o.doc_id, o.status, o.chunks) for o in report.outcomes)

    assert summary(got) == summary(want) and got.count("added") == len(files)
    assert got.embedded_chunks == want.embedded_chunks
    rows_a, rows_b = list(from_files._state.table.rows), list(from_memory._state.table.rows)
    assert [r["chunk_id"] for r in rows_a] == [r["chunk_id"] for r in rows_b]
    assert rows_a == rows_b  # text, offsets, pages, sections, labels, context
    assert any(r["page"] for r in rows_a)  # the PDF's pages survived the spill
    np.testing.assert_array_equal(np.asarray(from_files._state.vectors), np.asarray(from_memory._state.vectors))
    for doc_id, rec in from_memory.manifest.documents.items():
        other = from_files.manifest.documents[doc_id]
        keep = {"file", "fingerprint", "indexed_at"}  # only a file ingest records the file it read
        assert other.model_dump(exclude=keep) == rec.model_dump(exclude=keep)


class FailingEmbedder(FakeEmbedder):
    """Fails its third encode call (the loading is still going on: texts are embedded while files load)."""

    def encode_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if len(self.passage_calls) == 2:
            raise RuntimeError("the embedder ran out of memory")
        return super().encode_passages(texts, batch_size)


@pytest.mark.parametrize("where", ["loading", "writing"])
def test_a_failed_ingest_leaves_the_index_usable_and_no_spill(tmp_path, monkeypatch, where):
    index_dir = tmp_path / "idx"
    first = _index(index_dir)
    first.ingest([_corpus(tmp_path / "old", 3, "old")])
    before = {d.doc_id: d.content_hash for d in first.documents()}
    current = IndexStore(index_dir).current()
    embedder = FailingEmbedder() if where == "loading" else FakeEmbedder()
    index = Index.open(
        index_dir,
        embedder=embedder,
        chunker=paragraph_chunker,
        tokenizer=shared_tokenizer(),
        settings=IndexSettings(embedder="fake", batch_size=4),
    )
    spills: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        spills.extend(_spill_files(index_dir))

    if where == "writing":

        def flush(self) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(SegmentBuild, "flush", flush)
    with pytest.raises((RuntimeError, OSError)):
        index.ingest([_corpus(tmp_path / "new", 30, "new")], on_progress=progress)
    assert spills  # the spills were open during the ingest ...
    assert not _spill_files(index_dir)  # ... and are closed (so gone) after its failure
    assert IndexStore(index_dir).generations() == [current]  # no half-written generation left
    for reader in (index, Index.open(index_dir, embedder=FakeEmbedder(), tokenizer=shared_tokenizer())):
        assert {d.doc_id: d.content_hash for d in reader.documents()} == before
        assert reader.search("export licences old1", k=1)[0].passage.doc_id == "old_001"


def test_tokenising_a_segment_in_small_batches_gives_the_same_token_ids(tmp_path, monkeypatch):
    import index.segments as segments
    from index.storage.generation import read_tokens

    corpus = _corpus(tmp_path / "in", 6)
    write_doc(
        corpus / "kr.txt", "제1조(목적) 이 법은 남북협력기금을 설치한다.\n\n제2조(정의) 기금은 통일부장관이 관리한다."
    )
    whole = _index(tmp_path / "a")
    whole.ingest([corpus])
    monkeypatch.setattr(segments, "TOKENIZE_BATCH", 2)
    batched = _index(tmp_path / "b")
    batched.ingest([corpus])
    a, b = read_tokens(whole._state.directory), read_tokens(batched._state.directory)
    assert a.vocab == b.vocab and len(a) == len(b) > 12
    np.testing.assert_array_equal(np.asarray(a.ids), np.asarray(b.ids))
    np.testing.assert_array_equal(np.asarray(a.offsets), np.asarray(b.offsets))
