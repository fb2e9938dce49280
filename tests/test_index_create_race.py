"""Two processes that ingest into an index that does not exist yet both keep their documents: creating the
index is decided under the writer lock, so the slower one opens what the faster one created instead of
committing an empty index over it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from fakes import FakeEmbedder, shared_tokenizer

from index.index import Index
from index.storage.store import IndexStore

REPO = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent

CHILD = textwrap.dedent("""
    import sys, time
    sys.path[:0] = [{repo!r}, {tests!r}]
    from fakes import FakeEmbedder
    from index.index import Index
    index_dir, doc, go = sys.argv[1], sys.argv[2], float(sys.argv[3])
    time.sleep(max(0.0, go - time.time()))  # both start at the same moment
    Index.open_or_create(index_dir, embedder=FakeEmbedder(delay=0.01)).ingest([doc])
""")


def test_a_stale_exists_check_opens_the_index_another_process_created(tmp_path, monkeypatch):
    index_dir = tmp_path / "idx"
    doc_a = tmp_path / "a.txt"
    doc_a.write_text("Alpha report on sanctions.", encoding="utf-8")
    doc_b = tmp_path / "b.txt"
    doc_b.write_text("Beta report on exemptions.", encoding="utf-8")
    Index.create(index_dir, embedder=FakeEmbedder(), tokenizer=shared_tokenizer()).ingest([doc_a])

    real_exists = IndexStore.exists
    calls = []

    def stale_first(self: IndexStore) -> bool:  # the check outside the lock saw no index yet
        calls.append(1)
        return False if len(calls) <= 2 else real_exists(self)

    monkeypatch.setattr(IndexStore, "exists", stale_first)
    late = Index.open_or_create(index_dir, embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    late.ingest([doc_b])
    assert {d.doc_id for d in late.documents()} == {"a", "b"}


def test_two_processes_ingesting_into_a_new_index_both_keep_their_documents(tmp_path):
    import time

    code = CHILD.format(repo=str(REPO), tests=str(TESTS))
    for run in range(3):
        index_dir = tmp_path / f"idx{run}"
        docs = []
        for name in ("one", "two"):
            doc = tmp_path / f"{name}_{run}.txt"
            doc.write_text(f"Report {name} about sanctions, run {run}.", encoding="utf-8")
            docs.append(doc)
        go = time.time() + 4.0
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", code, str(index_dir), str(doc), str(go)],
                stderr=subprocess.PIPE,
                text=True,
                cwd=str(REPO),
            )
            for doc in docs
        ]
        succeeded = set()
        for proc, doc in zip(procs, docs, strict=True):
            _, err = proc.communicate(timeout=120)
            if proc.returncode == 0:
                succeeded.add(doc.stem)
            else:  # refused while the other one writes: said so, never a silent loss
                assert "another policyqa process is writing this index" in err, err[-2000:]
        assert succeeded
        index = Index.open(index_dir, embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
        assert {d.doc_id for d in index.documents()} == succeeded
