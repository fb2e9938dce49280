"""`policyqa watch`: a real temporary folder, real filesystem events (watchfiles), the fake embedder; and a
watcher stopped with SIGTERM in the middle of an ingest leaves a usable index."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from fakes import FakeEmbedder, shared_tokenizer, write_doc

from app.watch import relevant, watch_folders
from index.index import Index
from ingest.settings import ChunkingSettings

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent


def test_relevant_changes():
    assert relevant(Path("/d/a.md")) and relevant(Path("/d/a.md.meta.yaml")) and relevant(Path("/d/.policyqaignore"))
    assert not relevant(Path("/d/a.png")) and not relevant(Path("/d/idx/chunks.jsonl"))
    assert not relevant(Path("/d/idx/x.md"), skip=[Path("/d/idx")])


def test_watch_indexes_new_changed_and_removed_files(tmp_path):
    folder = tmp_path / "docs"
    write_doc(folder / "law.md", "# Sec. 1\n\nVisas are denied to designated persons.")
    index = Index.open_or_create(
        tmp_path / "idx", embedder=FakeEmbedder(), chunking=ChunkingSettings(min_tokens=0), tokenizer=shared_tokenizer()
    )
    reports: queue.Queue = queue.Queue()
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_folders, args=(index, [folder]), kwargs=dict(on_report=reports.put, stop=stop, debounce_ms=200)
    )
    watcher.start()
    try:

        def next_statuses() -> dict[str, str]:
            report = reports.get(timeout=30)
            return {o.doc_id or Path(o.path).name: o.status for o in report.outcomes if o.status != "unchanged"}

        assert next_statuses() == {"law": "added"}  # the first ingest
        time.sleep(0.5)  # the watcher is running
        write_doc(folder / "order.md", "# Section 1\n\nProperty of the Government of North Korea is blocked.")
        assert next_statuses() == {"order": "added"}
        write_doc(folder / "law.md", "# Sec. 1\n\nVisas are denied to designated persons and their families.")
        assert next_statuses() == {"law": "replaced"}
        (folder / "order.md").unlink()
        assert next_statuses() == {"order": "removed"}
        write_doc(folder / "README.md", "About this folder.")
        assert next_statuses() == {"README.md": "skipped"}
    finally:
        stop.set()
        watcher.join(timeout=30)
    assert not watcher.is_alive()
    assert [d.doc_id for d in Index.open(tmp_path / "idx", embedder=FakeEmbedder()).documents()] == ["law"]


SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    sys.path[:0] = [{tests!r}, {repo!r}]
    from fakes import FakeEmbedder
    from app.watch import interrupt_on_sigterm, watch_folders
    from index.index import Index
    index = Index.open_or_create(Path({idx!r}), embedder=FakeEmbedder(delay=0.5))
    def progress(stage, done, total):
        if stage == "embed":
            print("embedding", flush=True)
    try:
        with interrupt_on_sigterm():
            watch_folders(index, [Path({folder!r})], on_progress=progress)
    except KeyboardInterrupt:
        print("stopped", flush=True)
    """
)


@pytest.mark.timeout(120)
def test_sigterm_in_the_middle_of_an_ingest_leaves_a_usable_index(tmp_path):
    folder = tmp_path / "docs"
    first = write_doc(folder / "a.md", "# A\n\nThe first document about visas.")
    idx = tmp_path / "idx"
    index = Index.open_or_create(idx, embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    index.ingest([folder])
    for i in range(40):  # enough batches of slow embedding to be stopped in the middle
        write_doc(folder / f"doc{i}.md", f"# Doc {i}\n\n" + f"Paragraph {i} about sanctions number {i}. " * 60)
    script = SCRIPT.format(tests=str(TESTS), repo=str(REPO), idx=str(idx), folder=str(folder))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "embedding"
        os.kill(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "stopped" in out
    reopened = Index.open(idx, embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    assert [d.doc_id for d in reopened.documents()] == ["a"]  # the interrupted ingest committed nothing
    assert reopened.search("first document visas", k=1)[0].passage.source == str(first)
    assert not [p for p in idx.iterdir() if p.name.startswith(".tmp") or p.name.endswith(".tmp")]
