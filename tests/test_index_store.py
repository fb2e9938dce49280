"""The index directory: atomic generation commit, the writer lock, stale generation clean-up."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from fakes import FakeEmbedder, make_doc, paragraph_chunker, shared_tokenizer

from index.index import Index
from index.storage.store import IndexLockedError, IndexStore


def test_commit_swaps_the_pointer_and_removes_the_old_generation(tmp_path):
    store = IndexStore(tmp_path / "idx")
    with store.write_lock():
        g1 = store.new_generation()
        (g1 / "f").write_text("one")
        first = store.commit(g1)
        g2 = store.new_generation()
        (g2 / "f").write_text("two")
        second = store.commit(g2)
    assert (first.name, second.name) == ("gen-000001", "gen-000002")
    assert store.current() == second and (second / "f").read_text() == "two"
    assert not first.exists() and [p.name for p in store.generations()] == ["gen-000002"]


def test_a_second_writer_is_refused_while_the_lock_is_held(tmp_path):
    index = Index.create(
        tmp_path / "idx", embedder=FakeEmbedder(), chunker=paragraph_chunker, tokenizer=shared_tokenizer()
    )
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR); fcntl.flock(fd, fcntl.LOCK_EX); "
            "print('locked', flush=True); time.sleep(30)",
            str(tmp_path / "idx" / "LOCK"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexLockedError, match="another policyqa process is writing"):
            index.add_documents([make_doc("a", "text")])
        assert index.search("text") == []  # reading needs no lock
    finally:
        holder.kill()
        holder.wait()
    index.add_documents([make_doc("a", "text")])  # free again
    assert len(index) == 1


def test_stale_generations_are_ignored_by_readers_kept_on_open_and_cleaned_by_the_next_commit(tmp_path):
    index = Index.create(
        tmp_path / "idx", embedder=FakeEmbedder(), chunker=paragraph_chunker, tokenizer=shared_tokenizer()
    )
    index.add_documents([make_doc("a", "alpha text")])
    root = tmp_path / "idx"
    (root / ".tmp-gen-000009-12345").mkdir()
    (root / ".tmp-gen-000009-12345" / "chunks.jsonl").write_text("garbage")
    (root / "gen-000010").mkdir()  # renamed but never made current
    reopened = Index.open(root, embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    assert [d.doc_id for d in reopened.documents()] == ["a"]
    before = sorted(p.name for p in root.iterdir())
    assert before == [".tmp-gen-000009-12345", "CURRENT", "LOCK", "gen-000002", "gen-000010"]  # a read deletes nothing
    # the next generation number skips past anything seen, so a new commit never collides with a leftover
    reopened.add_documents([make_doc("b", "beta text")])
    assert reopened._state.directory.name > "gen-000010"
    assert sorted(p.name for p in root.iterdir()) == ["CURRENT", "LOCK", reopened._state.directory.name]


def test_another_process_commit_is_picked_up_before_writing(tmp_path):
    a = Index.create(tmp_path / "idx", embedder=FakeEmbedder(), chunker=paragraph_chunker, tokenizer=shared_tokenizer())
    b = Index.open(tmp_path / "idx", embedder=FakeEmbedder(), chunker=paragraph_chunker, tokenizer=shared_tokenizer())
    a.add_documents([make_doc("from_a", "written by a")])
    time.sleep(0.01)
    b.add_documents([make_doc("from_b", "written by b")])  # must not drop a's document
    assert {d.doc_id for d in b.documents()} == {"from_a", "from_b"}
    assert b.refresh() is False and a.refresh() is True
    assert {d.doc_id for d in a.documents()} == {"from_a", "from_b"}
