"""After a crash, the server start reconciles the upload library with the index: staging copies go, a set-aside
file comes back when the index still serves it, an unindexed leftover is indexed (or removed if it cannot be)."""

from __future__ import annotations

import os

from fakes import FakeEmbedder, shared_tokenizer

from app.library_reconcile import reconcile_library
from app.services import Services
from app.settings import Settings
from index.index import Index


def test_leftovers_of_interrupted_uploads_are_reconciled(tmp_path):
    settings = Settings(home=tmp_path / "home", index_dir=tmp_path / "idx")
    index = Index.create(settings.resolved_index_dir(), embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    library = settings.home / "library"
    library.mkdir(parents=True)
    old = library / "memo.txt"
    old.write_text("The old memo on sanctions.", encoding="utf-8")
    index.ingest([old])
    # a replacing upload was killed after moving the old file aside and the new one in, before its commit
    os.replace(old, library / ".memo.txt.previous")
    old.write_text("The new memo, never indexed.", encoding="utf-8")
    (library / ".upload-abc.tmp").write_bytes(b"half an upload")
    (library / "killed.txt").write_text("An upload killed before its commit.", encoding="utf-8")
    (library / "broken.pdf").write_bytes(b"%PDF-1.4 broken")

    svc = Services(settings, open_index=lambda s: Index.open(s.resolved_index_dir(), embedder=FakeEmbedder()))
    svc.answer_fn = lambda *a, **k: None
    svc.open()

    names = sorted(p.name for p in library.iterdir())
    assert names == ["killed.txt", "memo.txt"]
    assert old.read_text(encoding="utf-8") == "The old memo on sanctions."  # the text the index serves
    docs = {d.doc_id for d in svc.documents()}
    assert docs == {"memo", "killed"}


def test_a_backup_is_dropped_when_the_index_serves_the_new_file(tmp_path):
    index = Index.create(tmp_path / "idx", embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    library = tmp_path / "library"
    library.mkdir()
    (library / "memo.txt").write_text("The new memo.", encoding="utf-8")
    index.ingest([library / "memo.txt"])
    (library / ".memo.txt.previous").write_text("The old memo.", encoding="utf-8")
    done = reconcile_library(index, library)
    assert done.backups_removed == [".memo.txt.previous"] and not done.restored
    assert (library / "memo.txt").read_text(encoding="utf-8") == "The new memo."
