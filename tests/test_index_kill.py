"""A real SIGKILL in the middle of an ingest leaves the previous generation intact and usable.

A child `python -c` process ingests many files with a slow fake embedder and announces when it reaches the
point to kill at; the test SIGKILLs it there, then opens the index, checks it holds exactly the previous
documents and searches, and runs a second ingest that must succeed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from fakes import FakeEmbedder, shared_tokenizer, write_doc

from index.index import Index
from index.settings import IndexSettings

REPO = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent

CHILD = textwrap.dedent("""
    import os, sys, time
    sys.path[:0] = [{repo!r}, {tests!r}]
    from fakes import FakeEmbedder
    from index.index import Index
    from index.settings import IndexSettings
    import index.storage.store as store

    path, corpus, point = sys.argv[1], sys.argv[2], sys.argv[3]
    settings = IndexSettings(batch_size=8)
    index = Index.open(path, embedder=FakeEmbedder(delay=0.05), settings=settings)

    def announce_and_wait():
        print("KILL-NOW", flush=True)
        time.sleep(60)  # the parent kills us here

    def progress(stage, done, total):
        if point == "embed" and stage == "embed" and done >= 40:
            print("KILL-NOW", flush=True)  # keep embedding: the kill lands inside an encode call
        if point == "write" and stage == "write" and done == 3:
            announce_and_wait()  # chunks, tokens and vectors of the new generation are on disk, the rest not

    if point == "swap":
        real_replace = os.replace
        def slow_replace(src, dst):
            if str(dst).endswith("CURRENT"):
                announce_and_wait()  # the new generation directory is complete and renamed, not yet current
            return real_replace(src, dst)
        store.os.replace = slow_replace

    index.ingest([corpus], on_progress=progress)
    print("FINISHED", flush=True)
""")


def make_corpus(root: Path, n: int, tag: str) -> Path:
    for i in range(n):
        write_doc(
            root / f"{tag}_{i:03d}.txt",
            f"Report {tag} number {i} on sanctions against designated entity {tag}{i}.\n\n"
            f"The second paragraph of {tag} report {i} discusses humanitarian exemptions.\n\n"
            f"A third paragraph closes {tag} report {i}.",
        )
    return root


def run_and_kill(index_dir: Path, corpus: Path, point: str) -> None:
    code = CHILD.format(repo=str(REPO), tests=str(TESTS))
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(index_dir), str(corpus), point],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=str(REPO),
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError(f"child ended before the kill point: {proc.stderr.read()[-2000:]}")
            if line.strip() == "FINISHED":
                raise AssertionError("child finished before it was killed")
            if line.strip() == "KILL-NOW":
                if point == "embed":
                    time.sleep(0.12)  # land inside a later encode call
                os.kill(proc.pid, signal.SIGKILL)
                break
        else:
            raise AssertionError("child never reached the kill point")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("point", ["embed", "write", "swap"])
def test_sigkill_mid_ingest_keeps_the_previous_generation(tmp_path, point):
    index_dir = tmp_path / "idx"
    first = make_corpus(tmp_path / "first", 5, "alpha")
    index = Index.create(
        index_dir, embedder=FakeEmbedder(), settings=IndexSettings(batch_size=8), tokenizer=shared_tokenizer()
    )
    index.ingest([first])
    before = {d.doc_id: d.content_hash for d in index.documents()}
    chunks_before = len(index)
    assert len(before) == 5

    second = make_corpus(tmp_path / "second", 60, "beta")
    run_and_kill(index_dir, second, point)

    current = (index_dir / "CURRENT").read_text().strip()
    stale = [p.name for p in index_dir.iterdir() if p.name.startswith(("gen-", ".tmp-")) and p.name != current]
    if point == "write":
        assert len(stale) == 1 and stale[0].startswith(".tmp-gen-")  # a half-written generation was left behind
    if point == "swap":
        assert len(stale) == 1 and stale[0].startswith("gen-")  # complete and renamed, but never made current

    reopened = Index.open(index_dir, embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    assert {d.doc_id: d.content_hash for d in reopened.documents()} == before
    assert len(reopened) == chunks_before
    hits = reopened.search("sanctions designated entity alpha3", k=3)
    assert hits and hits[0].passage.doc_id == "alpha_003"
    left = sorted(p.name for p in index_dir.iterdir() if p.name.startswith(("gen-", ".tmp-")))
    assert left == sorted([current, *stale])  # opening (a read) deletes nothing
    others = {p.name for p in index_dir.iterdir()} - set(left)
    assert others <= {"CURRENT", "CURRENT.tmp", "LOCK"}  # the killed ingest's spills had no names: nothing left

    report = reopened.ingest([first, second])  # a second ingest after the kill succeeds
    assert report.count("unchanged") == 5 and report.count("added") == 60 and not report.failed
    assert [p.name for p in index_dir.iterdir() if p.name.startswith(("gen-", ".tmp-"))] == [
        (index_dir / "CURRENT").read_text().strip()
    ]  # the next commit removed the stale generations
    final = Index.open(index_dir, embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    assert len(final.documents()) == 65
    assert final.search("humanitarian exemptions beta report 42", k=1)[0].passage.doc_id.startswith("beta_")
