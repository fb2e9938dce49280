"""Incremental ingest through the real loaders and chunker with the fake embedder: what gets (re-)embedded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import FakeEmbedder, make_doc, shared_tokenizer, write_doc

from index.index import Index
from ingest.settings import ChunkingSettings

LAW = """---
title: Synthetic Sanctions Act
doc_type: law
date: 2016-02-18
---
# Sec. 1. Visas

The Secretary of State shall deny a visa to any designated person who exported arms.

# Sec. 2. Funds

Assets of designated persons shall be blocked when they are in the United States.
"""

ORDER = """---
title: Synthetic Executive Order
doc_type: order
date: 2015-01-02
---
# Section 1. Blocking

All property of the Government of North Korea in the United States is blocked.
"""

KO = """---
title: 합성 협력기금법
doc_type: law
date: 2020-01-01
language: ko
---
# 제8조 (기금의 용도)

기금은 남북 주민의 왕래에 필요한 경비를 지원하는 용도에 사용한다.
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write_doc(root / "law.md", LAW)
    write_doc(root / "order.md", ORDER)
    write_doc(root / "fund.md", KO)
    return root


@pytest.fixture
def fake() -> FakeEmbedder:
    return FakeEmbedder()


CHUNKING = ChunkingSettings(min_tokens=0)  # keep each small section its own chunk


def open_index(path: Path, fake: FakeEmbedder) -> Index:
    return Index.open_or_create(path, embedder=fake, chunking=CHUNKING, tokenizer=shared_tokenizer())


def chunk_texts(index: Index, doc_id: str) -> set[str]:
    """The texts the embedder saw for a document's chunks (context when the chunker gives one)."""
    return {r.get("context") or r["text"] for r in index._state.table.rows if r["doc_id"] == doc_id}


def test_first_ingest_embeds_every_chunk_once(tmp_path, corpus, fake):
    index = open_index(tmp_path / "idx", fake)
    stages = []
    report = index.ingest([corpus], on_progress=lambda stage, done, total: stages.append(stage))
    assert sorted(o.status for o in report.outcomes) == ["added"] * 3
    assert report.embedded_chunks == len(index) == len(fake.embedded)
    assert sum(o.chunks for o in report.outcomes) == len(index)
    assert {"load", "embed", "write"} <= set(stages)
    assert {d.doc_id for d in index.documents()} == {"law", "order", "fund"}
    law = next(d for d in index.documents() if d.doc_id == "law")
    assert (law.title, law.doc_type, law.date) == ("Synthetic Sanctions Act", "law", "2016-02-18")


def test_unchanged_reingest_embeds_and_writes_nothing(tmp_path, corpus, fake):
    index = open_index(tmp_path / "idx", fake)
    index.ingest([corpus])
    generation = index._state.directory
    fake.passage_calls.clear()

    again = Index.open(tmp_path / "idx", embedder=fake, chunking=CHUNKING, tokenizer=shared_tokenizer())
    report = again.ingest([corpus])
    assert [o.status for o in report.outcomes] == ["unchanged"] * 3
    assert report.embedded_chunks == 0 and fake.passage_calls == []
    assert again._state.directory == generation  # no new generation committed


def test_documents_cut_by_another_chunker_version_are_re_chunked_on_the_next_ingest(
    tmp_path, corpus, fake, monkeypatch
):
    import ingest

    monkeypatch.setattr(ingest, "CHUNKER_VERSION", "chunker-old")
    index = open_index(tmp_path / "idx", fake)
    index.ingest([corpus])
    assert {r.chunker for r in index.manifest.documents.values()} == {f"chunker-old+{ingest.LOADER_VERSION}"}
    monkeypatch.setattr(ingest, "CHUNKER_VERSION", "chunker-new")
    fake.passage_calls.clear()

    again = Index.open(tmp_path / "idx", embedder=fake, chunking=CHUNKING, tokenizer=shared_tokenizer())
    report = again.ingest([corpus])
    assert sorted(o.status for o in report.outcomes) == ["replaced"] * 3  # re-chunked by the new version …
    assert report.embedded_chunks == 0 and fake.passage_calls == []  # … and the same passages keep their vectors
    assert {r.chunker for r in again.manifest.documents.values()} == {f"chunker-new+{ingest.LOADER_VERSION}"}
    assert [o.status for o in again.ingest([corpus]).outcomes] == ["unchanged"] * 3
    # in-memory documents follow the same rule
    doc = make_doc("mem", "A paragraph.")
    again.add_documents([doc])
    monkeypatch.setattr(ingest, "CHUNKER_VERSION", "chunker-newer")
    assert again.add_documents([doc]).outcomes[0].status == "replaced"
    # a new loader version (the same bytes read into other metadata) reloads files too
    monkeypatch.setattr(ingest, "LOADER_VERSION", "loader-next")
    assert sorted(o.status for o in again.ingest([corpus]).outcomes) == ["replaced"] * 3
    assert {r.chunker for r in again.manifest.documents.values()} >= {"chunker-newer+loader-next"}


def test_changed_document_re_embeds_only_its_changed_chunks(tmp_path, corpus, fake):
    index = open_index(tmp_path / "idx", fake)
    index.ingest([corpus])
    before = chunk_texts(index, "law")
    fake.passage_calls.clear()

    new_text = "Assets of designated persons shall be blocked, including virtual currency wallets."
    write_doc(
        corpus / "law.md",
        LAW.replace("Assets of designated persons shall be blocked when they are in the United States.", new_text),
    )
    report = index.ingest([corpus])
    status = {o.doc_id: o.status for o in report.outcomes}
    assert status == {"law": "replaced", "order": "unchanged", "fund": "unchanged"}
    after = chunk_texts(index, "law")
    changed = after - before
    assert changed and any(new_text in t for t in changed)
    # exactly the chunks whose text changed went to the embedder; the unchanged section was reused
    assert sorted(fake.embedded) == sorted(changed) and report.embedded_chunks == len(changed)
    assert not any("virtual currency" in t for t in before)
    hits = index.search("virtual currency wallets", k=1)
    assert hits[0].passage.doc_id == "law"


def test_new_file_adds_only_its_chunks(tmp_path, corpus, fake):
    index = open_index(tmp_path / "idx", fake)
    index.ingest([corpus])
    fake.passage_calls.clear()
    write_doc(corpus / "extra.txt", "Seminar transcript about humanitarian exemptions.\n\nA second paragraph.")
    report = index.ingest([corpus])
    assert {o.doc_id: o.status for o in report.outcomes}["extra"] == "added"
    assert set(fake.embedded) == chunk_texts(index, "extra")


def test_remove_and_prune(tmp_path, corpus, fake):
    index = open_index(tmp_path / "idx", fake)
    index.ingest([corpus])
    assert index.remove(["order", "no-such-doc"]) == ["order"]
    assert "order" not in {d.doc_id for d in index.documents()}
    assert all(h.passage.doc_id != "order" for h in index.search("property blocked North Korea", k=20))
    reopened = Index.open(tmp_path / "idx", embedder=fake, tokenizer=shared_tokenizer())
    assert {d.doc_id for d in reopened.documents()} == {"law", "fund"}

    (corpus / "fund.md").unlink()
    fake.passage_calls.clear()
    report = reopened.ingest([corpus])  # without prune the document stays
    assert "fund" in {d.doc_id for d in reopened.documents()}
    report = reopened.ingest([corpus], prune=True)
    assert {o.doc_id: o.status for o in report.outcomes}["fund"] == "removed"
    assert {d.doc_id for d in reopened.documents()} == {"law", "order"}  # order re-added from its file
    assert set(fake.embedded) == chunk_texts(reopened, "order")
    assert sum(d.chunks for d in reopened.documents()) == len(reopened)


def test_failed_file_is_reported_and_the_rest_indexed(tmp_path, corpus, fake):
    write_doc(corpus / "empty.txt", "")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 20)
    index = open_index(tmp_path / "idx", fake)
    report = index.ingest([corpus])
    failed = {Path(o.path).name: o.message for o in report.failed}
    assert set(failed) == {"empty.txt", "binary.txt"}
    assert "empty file" in failed["empty.txt"] and "empty.txt" not in failed["empty.txt"]  # the path is o.path
    assert report.count("added") == 3 and len(index) > 0


def test_duplicate_explicit_doc_id_is_a_per_file_failure(tmp_path, corpus, fake):
    write_doc(tmp_path / "other" / "statute.md", "---\nid: law\n---\nA different law given the same id.")
    index = open_index(tmp_path / "idx", fake)
    report = index.ingest([corpus, tmp_path / "other"])
    assert len(report.failed) == 1 and "also used by" in report.failed[0].message
    assert str(tmp_path / "other") not in report.failed[0].message.split("also used by")[0]


def test_rebuild_re_embeds_everything_and_drops_what_is_not_given(tmp_path, corpus, fake):
    index = open_index(tmp_path / "idx", fake)
    index.ingest([corpus])
    fake.passage_calls.clear()
    report = index.ingest([corpus / "law.md"], rebuild=True)
    assert [o.status for o in report.outcomes] == ["added"]
    assert {d.doc_id for d in index.documents()} == {"law"}
    assert len(fake.embedded) == len(index)


def test_unexpected_error_propagates_and_leaves_the_index_as_it_was(tmp_path, corpus, fake):
    index = open_index(tmp_path / "idx", fake)
    index.ingest([corpus / "law.md"])
    n = len(index)

    class Boom(FakeEmbedder):
        def encode_passages(self, texts, batch_size=32):
            raise RuntimeError("embedder crashed")

    broken = Index.open(tmp_path / "idx", embedder=Boom(), tokenizer=shared_tokenizer())
    with pytest.raises(RuntimeError, match="embedder crashed"):
        broken.ingest([corpus])
    assert len(Index.open(tmp_path / "idx", embedder=fake)) == n
    assert not [p for p in (tmp_path / "idx").iterdir() if p.name.startswith(".tmp-")]


def test_add_documents_in_memory_and_metadata_only_change(tmp_path, fake):
    index = Index.create(tmp_path / "idx", embedder=fake, tokenizer=shared_tokenizer())
    doc = make_doc("memo", "Para one about sanctions.\n\nPara two about exemptions.", doc_type="article")
    report = index.add_documents([doc])
    assert report.count("added") == 1 and report.embedded_chunks == len(index)
    fake.passage_calls.clear()
    assert index.add_documents([doc]).count("unchanged") == 1
    redated = make_doc("memo", doc.text, doc_type="article", date="2019-02-01")
    report = index.add_documents([redated])
    assert report.count("replaced") == 1 and fake.passage_calls == []  # same texts: vectors reused
    assert index.documents()[0].date == "2019-02-01"
    assert {h.passage.date for h in index.search("sanctions", k=5)} == {"2019-02-01"}
    retitled = make_doc("memo", doc.text, title="A better title", doc_type="article", date="2019-02-01")
    index.add_documents([retitled])  # the title is part of the embedded context: those chunks are re-embedded
    assert fake.embedded and all("A better title" in t for t in fake.embedded)


def test_on_disk_layout_has_no_pickle(tmp_path, corpus, fake):
    index = open_index(tmp_path / "idx", fake)
    index.ingest([corpus])
    gen = index._state.directory
    names = {p.name for p in gen.iterdir()}
    assert {"manifest.json", "chunks.jsonl", "tokens", "vectors.npy", "faiss.index", "bm25"} <= names
    for p in gen.rglob("*"):
        assert p.suffix not in {".pkl", ".pickle"}
    first = json.loads((gen / "chunks.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert {"chunk_id", "doc_id", "title", "label", "start", "end", "text", "doc_type"} <= set(first)


def test_identical_texts_are_embedded_once(tmp_path, fake):
    from fakes import paragraph_chunker

    index = Index.create(tmp_path / "idx", embedder=fake, chunker=paragraph_chunker, tokenizer=shared_tokenizer())
    boiler = "This section is reserved."
    report = index.add_documents([make_doc("a", f"Alpha text.\n\n{boiler}"), make_doc("b", f"{boiler}\n\nBeta text.")])
    assert len(index) == 4 and report.embedded_chunks == 3
    assert sorted(fake.embedded) == sorted(["Alpha text.", boiler, "Beta text."])
    vectors = index._state.vectors
    rows = [i for i, r in enumerate(index._state.table.rows) if r["text"] == boiler]
    assert len(rows) == 2 and (vectors[rows[0]] == vectors[rows[1]]).all() and vectors[rows[0]].any()
