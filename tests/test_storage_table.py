"""The index's on-disk storage: appendable .npy files, the chunk table read by offset, token and vector files
written as rows come, BM25 matrices written into their files, the streamed commit's atomicity, and search results
equal to those of the version that read the whole table into memory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeEmbedder, make_doc, paragraph_chunker, shared_tokenizer

import index.segments as segments
from index.index import Index
from index.retrieval.lexical import LexicalIndex
from index.retrieval.tokens import TokenRows, TokenRowsWriter
from index.storage.manifest import IndexMismatchError
from index.storage.npyfile import NpyAppender, NpyMap
from index.storage.table import CHUNKS, TABLE, ChunkTable, TableWriter, make_row, row_passage
from index.types import Filters

DATA = Path(__file__).parent / "data"


def test_appended_npy_reads_back_with_np_load(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    blocks = [rng.standard_normal((n, 5)).astype(np.float32) for n in (3, 0, 7, 1)]
    out = NpyAppender(tmp_path / "v.npy", np.float32, (5,))
    for b in blocks:
        out.append(b)
    assert np.array_equal(out.read(2, 5), np.concatenate(blocks)[2:5])
    mapped = out.finish()
    whole = np.concatenate(blocks)
    assert isinstance(mapped, np.memmap) and mapped.shape == (11, 5)
    assert np.array_equal(np.load(tmp_path / "v.npy"), whole) and np.array_equal(mapped, whole)
    with pytest.raises(ValueError, match="rows of shape"):
        NpyAppender(tmp_path / "w.npy", np.float32, (5,)).append(np.zeros((2, 4)))
    empty = NpyAppender(tmp_path / "e.npy", np.int32)
    assert empty.finish().shape == (0,) and np.load(tmp_path / "e.npy").dtype == np.int32


def test_npy_map_keeps_what_was_written_after_release(tmp_path: Path) -> None:
    m = NpyMap(tmp_path / "d.npy", np.float32, 100_000)
    m.array[::7] = 3.0
    m.release()  # pages leave the process; the values stay in the file
    m.array[1::7] = 5.0
    m.close()
    back = np.load(tmp_path / "d.npy")
    assert back.shape == (100_000,) and (back[::7] == 3.0).all() and (back[1::7] == 5.0).all()
    assert back[2] == 0.0


def _rows(n_docs: int = 4, per_doc: int = 5) -> list[dict]:
    rows, next_id = [], 10
    for d in range(n_docs):
        text = "\n\n".join(
            f"Paragraph {i} of document {d} about {'북한 인권' if (d + i) % 3 == 0 else 'export controls'}."
            for i in range(per_doc)
        )
        doc = make_doc(f"doc{d}", text, doc_type="law" if d % 2 else "article", date=f"20{10 + d}-01-02")
        for chunk in paragraph_chunker(doc, None, len):
            rows.append(make_row(chunk, doc, next_id))
            next_id += 3  # ids need only increase
    return rows


def test_table_round_trip_by_offset(tmp_path: Path) -> None:
    rows = _rows()
    writer = TableWriter(tmp_path)
    for r in rows:
        writer.add_row(r)
    table = writer.finish()
    assert len(table) == len(rows) and list(table.rows) == rows
    offsets = np.load(tmp_path / TABLE / "offsets.npy")
    data = (tmp_path / CHUNKS).read_bytes()
    assert offsets[0] == 0 and offsets[-1] == len(data)
    for i, r in enumerate(rows):  # each offset pair is exactly that row's line
        assert json.loads(data[offsets[i] : offsets[i + 1]]) == r and data[offsets[i + 1] - 1 : offsets[i + 1]] == b"\n"
    assert table.ids.tolist() == [r["id"] for r in rows]
    assert [table.doc_ids[c] for c in table.row_doc] == [r["doc_id"] for r in rows]
    for i, r in enumerate(rows):
        assert table.row_of_chunk(r["chunk_id"]) == i
        assert table.row(table.row_of_text(r["hash"]))["hash"] == r["hash"]
    assert table.row_of_text("0" * 40) is None
    with pytest.raises(KeyError):
        table.row_of_chunk("nope@0")
    assert table.rows_of_doc("doc2").tolist() == [i for i, r in enumerate(rows) if r["doc_id"] == "doc2"]
    assert table.rows_of_ids(np.array([rows[3]["id"], rows[0]["id"]])).tolist() == [3, 0]
    assert row_passage(table.row(2)) == row_passage(rows[2])


def test_on_disk_table_filters_like_the_in_memory_one(tmp_path: Path) -> None:
    rows = _rows()
    writer = TableWriter(tmp_path)
    for r in rows:
        writer.add_row(r)
    on_disk, in_memory, scanned = writer.finish(), ChunkTable.from_rows(rows), ChunkTable.scan(tmp_path / CHUNKS)
    cases = [
        Filters(doc_type=["law"]),
        Filters(language=["ko"]),
        Filters(doc_id=["doc1", "doc3"], language=["en"]),
        Filters(date_from="2011-06-01", date_to="2012-12-31"),
    ]
    for f in cases:
        expected = np.array([_matches(r, f) for r in rows])
        for table in (on_disk, in_memory, scanned):
            assert np.array_equal(table.mask(f), expected), f


def _matches(row: dict, f: Filters) -> bool:
    return (
        (not f.doc_type or row["doc_type"] in f.doc_type)
        and (not f.language or row["language"] in f.language)
        and (not f.doc_id or row["doc_id"] in f.doc_id)
        and (not f.date_from or (row["date"] or "") >= f.date_from)
        and (not f.date_to or (row["date"] or "9") <= f.date_to)
    )


def test_copied_rows_keep_their_bytes_and_columns(tmp_path: Path) -> None:
    rows = _rows()
    (tmp_path / "a").mkdir()
    first = TableWriter(tmp_path / "a")
    for r in rows:
        first.add_row(r)
    old = first.finish()
    (tmp_path / "b").mkdir()
    second = TableWriter(tmp_path / "b")
    keep = [i for i, r in enumerate(rows) if r["doc_id"] != "doc1"]
    for i in keep:
        second.copy_row(old, i)
    new = second.finish()
    assert [new.line(j) for j in range(len(new))] == [old.line(i) for i in keep]
    assert new.ids.tolist() == old.ids[keep].tolist() and new.row_language.tolist() == old.row_language[keep].tolist()
    assert new.doc_ids == ["doc0", "doc2", "doc3"] and new.doc_type.tolist() == [
        old.doc_type[old.doc_ids.index(d)] for d in new.doc_ids
    ]
    (tmp_path / "c").mkdir()
    third = TableWriter(tmp_path / "c")
    third.add_row(rows[1])
    with pytest.raises(ValueError, match="strictly increasing"):
        third.add_row(rows[0])
    third.close()


def test_token_writer_equals_token_rows(tmp_path: Path) -> None:
    lists = [["a", "b"], [], ["c", "a", "d"], ["b"]]
    old = TokenRows.from_lists(lists[:2])
    writer = TokenRowsWriter(tmp_path / "tokens", old.vocab)
    writer.add_rows(old)
    writer.add_ids(writer.encode(lists[2:]))
    assert writer.row_ids(2).tolist() == [2, 0, 3]
    rows = writer.finish()
    back = TokenRows.load(tmp_path / "tokens")
    assert [back.tokens(i) for i in range(4)] == lists == [rows.tokens(i) for i in range(4)]
    assert isinstance(back.ids, np.memmap)
    with pytest.raises(ValueError, match="prefix"):
        TokenRowsWriter(tmp_path / "t2", ["z"]).add_rows(old)


def test_bm25_written_into_files_scores_like_in_memory(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    docs = [[f"w{x}" for x in rng.integers(0, 60, rng.integers(0, 25))] for _ in range(300)]
    groups = np.repeat(np.arange(30), 10)
    rows = TokenRows.from_lists(docs)
    in_memory = LexicalIndex.from_rows(rows, groups=groups)
    on_disk = LexicalIndex.from_rows(rows, groups=groups, directory=tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25", 300)
    saved = tmp_path / "saved"
    in_memory.save(saved)
    for query in (["w1", "w7"], ["w59", "w3", "w3"], ["nothing"]):
        expected = in_memory.scores(query)
        assert np.allclose(on_disk.scores(query), expected) and np.allclose(loaded.scores(query), expected)
    for name in ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy"):
        assert np.array_equal(np.load(saved / name), np.load(tmp_path / "bm25" / name))
        assert np.array_equal(np.load(saved / "window" / name), np.load(tmp_path / "bm25" / "window" / name))


# ---------------------------------------------------------------------------------------------- whole index
def test_search_results_equal_those_of_the_in_memory_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/data/search_golden.json was written by the version that held the chunk table in memory
    (`tests/data/make_search_golden.py`, run here with today's code); small segments make every write span
    several of them."""
    import runpy

    monkeypatch.setattr(segments, "SEGMENT_ROWS", 7)
    golden = json.loads((DATA / "search_golden.json").read_text(encoding="utf-8"))
    steps = runpy.run_path(str(DATA / "make_search_golden.py"))["build"](tmp_path)
    assert steps["passages"] == golden["passages"] == 40
    for step in ("first", "more", "removed", "re_added", "reopened"):
        assert len(steps[step]) == len(golden[step])
        for q, g in zip(golden[step], steps[step]):
            assert [h[0] for h in g["hits"]] == [h[0] for h in q["hits"]], (step, q["query"])
            assert np.allclose([h[1] for h in g["hits"]], [h[1] for h in q["hits"]], atol=2e-6), (step, q["query"])


def _small_index(path: Path, fake: FakeEmbedder) -> Index:
    index = Index.create(path, embedder=fake, chunker=paragraph_chunker, tokenizer=shared_tokenizer())
    index.add_documents(
        [make_doc(f"d{i}", "\n\n".join(f"Doc {i} paragraph {j} on sanctions." for j in range(6))) for i in range(5)]
    )
    return index


def test_a_failure_mid_build_leaves_the_previous_generation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segments, "SEGMENT_ROWS", 4)
    fake = FakeEmbedder()
    index = _small_index(tmp_path / "idx", fake)
    before = index._state.directory
    hits = [h.passage.chunk_id for h in index.search("sanctions paragraph 3", k=5)]
    calls = {"n": 0}
    real = fake.encode_passages

    def failing(texts, batch_size=32):
        calls["n"] += 1
        if calls["n"] == 3:  # two segments already written into the new generation
            raise RuntimeError("embedder died")
        return real(texts, batch_size)

    monkeypatch.setattr(fake, "encode_passages", failing)
    new_docs = [make_doc(f"n{i}", "\n\n".join(f"New {i} part {j}." for j in range(5))) for i in range(3)]
    with pytest.raises(RuntimeError, match="embedder died"):
        index.add_documents(new_docs)
    assert index._state.directory == before
    assert sorted(p.name for p in (tmp_path / "idx").iterdir() if p.is_dir()) == [before.name]
    reopened = Index.open(tmp_path / "idx", embedder=FakeEmbedder(), chunker=paragraph_chunker)
    assert len(reopened) == 30 and [h.passage.chunk_id for h in reopened.search("sanctions paragraph 3", k=5)] == hits


def test_replaced_document_that_fails_to_chunk_keeps_its_chunks(tmp_path: Path) -> None:
    def chunker(doc, chunking, count):
        if "BROKEN" in doc.text:
            raise ValueError("cannot cut")
        return paragraph_chunker(doc, chunking, count)

    index = Index.create(tmp_path / "idx", embedder=FakeEmbedder(), chunker=chunker, tokenizer=shared_tokenizer())
    index.add_documents([make_doc("a", "Alpha one.\n\nAlpha two."), make_doc("b", "Beta one.")])
    before = [p.chunk_id for p in index.passages("a")]
    report = index.add_documents([make_doc("a", "BROKEN now."), make_doc("c", "Gamma one.")])
    assert [o.status for o in report.outcomes] == ["failed", "added"]
    assert [p.chunk_id for p in index.passages("a")] == before and len(index) == 4
    assert index.search("Alpha two", k=1)[0].passage.chunk_id == "a@12"
    reopened = Index.open(tmp_path / "idx", embedder=FakeEmbedder(), chunker=chunker)
    assert [p.text for p in reopened.passages("a")] == ["Alpha one.", "Alpha two."]


def test_an_index_of_format_version_1_opens_and_is_upgraded_by_the_next_write(tmp_path: Path) -> None:
    fake = FakeEmbedder()
    index = _small_index(tmp_path / "idx", fake)
    hits = [(h.passage.chunk_id, h.score) for h in index.search("paragraph 4 sanctions", k=6)]
    gen = index._state.directory
    shutil.rmtree(gen / TABLE)  # what version 1 wrote: no column files
    manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
    manifest["format_version"] = 1
    (gen / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    old = Index.open(tmp_path / "idx", embedder=FakeEmbedder(), chunker=paragraph_chunker)
    assert [(h.passage.chunk_id, h.score) for h in old.search("paragraph 4 sanctions", k=6)] == hits
    old.add_documents([make_doc("z", "Zeta paragraph.")])
    new_gen = old._state.directory
    assert (new_gen / TABLE / "offsets.npy").is_file()
    assert json.loads((new_gen / "manifest.json").read_text(encoding="utf-8"))["format_version"] == 2
    manifest["format_version"] = 0
    (new_gen / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="format version 0.*--rebuild"):
        Index.open(tmp_path / "idx", embedder=FakeEmbedder(), chunker=paragraph_chunker)


def test_identical_texts_in_different_segments_are_embedded_and_tokenised_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(segments, "SEGMENT_ROWS", 2)
    fake = FakeEmbedder()
    index = Index.create(tmp_path / "idx", embedder=fake, chunker=paragraph_chunker, tokenizer=shared_tokenizer())
    boiler = "This section is reserved."
    docs = [make_doc(f"d{i}", f"Own text {i}.\n\nMore {i}.\n\n{boiler}") for i in range(4)]
    report = index.add_documents(docs)
    assert len(index) == 12 and report.embedded_chunks == 9 and fake.embedded.count(boiler) == 1
    rows = [i for i, r in enumerate(index._state.table.rows) if r["text"] == boiler]
    vectors = index._state.vectors
    assert len(rows) == 4 and all((vectors[r] == vectors[rows[0]]).all() for r in rows)
    tokens = TokenRows.load(index._state.directory / "tokens")
    assert all(tokens.tokens(r) == tokens.tokens(rows[0]) != [] for r in rows)
    assert index.search("reserved section", k=4, mode="lexical")[0].passage.text == boiler


def test_spilled_vectors_read_back_by_hash() -> None:
    from index.pipeline import SpilledVectors

    rng = np.random.default_rng(5)
    spill = SpilledVectors()
    a, b = rng.standard_normal((3, 8)).astype(np.float32), rng.standard_normal((2, 8)).astype(np.float32)
    spill.put(["h1", "h2", "h3"], a)
    spill.put(["h4", "h1"], b)  # a hash already stored keeps its first vector
    assert len(spill) == 4 and "h4" in spill and "h9" not in spill and sorted(spill) == ["h1", "h2", "h3", "h4"]
    assert np.array_equal(spill["h1"], a[0]) and np.array_equal(spill["h3"], a[2]) and np.array_equal(spill["h4"], b[0])
    with pytest.raises(ValueError, match="dimension"):
        spill.put(["h5"], np.zeros((1, 4), np.float32))
    spill.close()
