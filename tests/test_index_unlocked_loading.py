"""An ingest loads, chunks and embeds without the index's write lock: a remove and a second ingest complete while
it is stuck parsing a slow file, and its commit then plans again against their generation, reusing what it loaded,
so every change is in the final index."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from fakes import FakeEmbedder, paragraph_chunker, shared_tokenizer
from test_upload_collisions import ARTICLE, real_services

import ingest.guarded
from app.services import Services
from index.index import Index
from index.types import IngestReport

T = TypeVar("T")


def _open(path: Path, create: bool = False) -> Index:
    make = Index.create if create else Index.open
    return make(path, embedder=FakeEmbedder(), chunker=paragraph_chunker, tokenizer=shared_tokenizer())


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def finishes(call: Callable[[], T], timeout: float = 20.0) -> T:
    """`call()` run in another thread; fails the test when it does not finish within `timeout` seconds."""
    out: list[T] = []
    worker = threading.Thread(target=lambda: out.append(call()), daemon=True)
    worker.start()
    worker.join(timeout)
    assert not worker.is_alive(), "still waiting behind the slow file"
    assert out, "failed (see the thread's traceback above)"
    return out[0]


@pytest.fixture
def slow_loader(monkeypatch):
    """Loading `slow.txt` blocks until `release` is set; `loads` counts how often it was loaded."""
    started, release = threading.Event(), threading.Event()
    loads: list[str] = []
    real = ingest.guarded.load_file

    def load_file(path, default_id=None):
        if Path(path).name == "slow.txt":
            loads.append(str(path))
            started.set()
            assert release.wait(30), "the test never released the slow file"
        return real(path, default_id=default_id)

    monkeypatch.setattr(ingest.guarded, "load_file", load_file)
    return started, release, loads


def test_a_remove_and_a_second_ingest_complete_while_an_ingest_parses_a_slow_file(tmp_path, slow_loader):
    started, release, loads = slow_loader
    index_dir = tmp_path / "idx"
    index = _open(index_dir, create=True)
    old = _write(tmp_path / "old" / "old.txt", "An old memo on shipping licences.\n\nIts second paragraph.")
    index.ingest([old])
    slow = _write(tmp_path / "in" / "slow.txt", "A slow report on sanctions.\n\nIts paragraph on exemptions.")
    other = _write(tmp_path / "other" / "fast.txt", "A fast note on visas.\n\nIts paragraph on waivers.")

    reports: list[IngestReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            reports.append(index.ingest([slow]))
        except BaseException as exc:  # surfaced by the assertions below
            errors.append(exc)

    stuck = threading.Thread(target=run)
    stuck.start()
    try:
        assert started.wait(10), "the ingest never began loading the slow file"
        # a remove through the same Index (another thread of a server) and an ingest through another Index on the
        # same directory (another process) both finish while the slow file is still being parsed
        assert finishes(lambda: index.remove(["old"])) == ["old"]
        second = finishes(lambda: _open(index_dir).ingest([other]))
        assert [o.status for o in second.outcomes] == ["added"]
        assert stuck.is_alive()  # still parsing
    finally:
        release.set()
        stuck.join(timeout=60)
    assert not errors, errors
    assert [(o.doc_id, o.status) for o in reports[0].outcomes] == [("slow", "added")]
    assert len(loads) == 1  # planning again at commit reused the loaded document
    for reader in (index, _open(index_dir)):
        assert {d.doc_id for d in reader.documents()} == {"slow", "fast"}
        assert reader.search("slow report sanctions", k=1)[0].passage.doc_id == "slow"


def test_a_file_changed_while_another_writer_committed_is_loaded_again(tmp_path, slow_loader):
    started, release, loads = slow_loader
    index_dir = tmp_path / "idx"
    index = _open(index_dir, create=True)
    slow = _write(tmp_path / "in" / "slow.txt", "First words of the slow report.")
    other = _write(tmp_path / "other" / "fast.txt", "A fast note on visas.")
    stuck = threading.Thread(target=lambda: index.ingest([slow]))
    stuck.start()
    try:
        assert started.wait(10)
        _open(index_dir).ingest([other])  # a new generation: the slow ingest plans again at commit
        slow.write_text("Second words of the slow report, edited meanwhile.", encoding="utf-8")
    finally:
        release.set()
        stuck.join(timeout=60)
    assert len(loads) == 2  # its fingerprint changed: loaded again, not served from what was loaded first
    assert "edited meanwhile" in index.passages("slow")[0].text
    assert {d.doc_id for d in _open(index_dir).documents()} == {"slow", "fast"}


def test_the_server_removes_and_uploads_while_an_upload_parses_a_slow_file(tmp_path, slow_loader):
    started, release, _ = slow_loader
    svc: Services = real_services(tmp_path)
    svc.upload([("memo.txt", io.BytesIO(b"A memo on shipping licences."))])
    results: list[object] = []
    slow = threading.Thread(target=lambda: results.append(svc.upload([("slow.txt", io.BytesIO(b"A slow report."))])))
    slow.start()
    try:
        assert started.wait(10)
        assert finishes(lambda: svc.remove("memo")) == ["memo"]  # another file: no waiting for the slow upload
        assert not (svc.library_dir / "memo.txt").exists()
        [fast] = finishes(lambda: svc.upload([("fast.txt", io.BytesIO(b"A fast note on visas."))])).outcomes
        assert fast.status == "added"
        assert slow.is_alive()
    finally:
        release.set()
        slow.join(timeout=60)
    [outcome] = results[0].outcomes  # type: ignore[attr-defined]
    assert outcome.status == "added"
    assert {d.doc_id for d in svc.documents()} == {ARTICLE, "fast", "slow"}
    assert sorted(p.name for p in svc.library_dir.iterdir()) == ["fast.txt", "slow.txt"]
