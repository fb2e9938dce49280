"""Fault injection: SIGKILL at random moments of ingest, upload and remove, and a damaged or missing CURRENT.

Each time the index is opened afterwards, nothing committed is lost (the documents are those after the last
finished operation, or after the one in flight when it had committed), and opening, listing and searching
delete nothing (the directory holds the same files before and after the read).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from fakes import FakeEmbedder, shared_tokenizer

from app.cli import main as cli_main
from index.index import Index
from index.storage.store import IndexDamagedError, IndexStore

REPO = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent

CHILD = textwrap.dedent("""
    import io, sys
    from pathlib import Path
    sys.path[:0] = [{repo!r}, {tests!r}]
    from fakes import FakeEmbedder
    from app.services import NotFound, Services
    from app.settings import Settings
    from index.index import Index

    index_dir, home, work, start = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    settings = Settings(home=home, index_dir=index_dir)
    server = settings.server.model_copy(update={{"api_token": "t" * 32, "reindex_roots": [work]}})
    settings = settings.model_copy(update={{"server": server}})
    services = Services(
        settings,
        open_index=lambda s: Index.open_or_create(index_dir, embedder=FakeEmbedder(delay=0.02)),
        answer_fn=lambda *a, **k: None,
    )
    services.open()
    print("READY", flush=True)
    for i in range(start, start + 100_000):  # runs until killed
        print(f"BEGIN {{i}}", flush=True)
        kind, name = {plan}(i)
        text = f"Report {{name}} on sanctions.\\n\\nIts second paragraph on exemptions for case {{i}}.\\n\\n" * 3
        if kind == "ingest":
            folder = work / f"batch_{{i}}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{{name}}.txt").write_text(text, encoding="utf-8")
            services.reindex(folder)
        elif kind == "upload":
            services.upload([(f"{{name}}.txt", io.BytesIO(text.encode()))])
        else:
            try:
                services.remove(name)
            except NotFound:
                pass
        print(f"DONE {{i}}", flush=True)
""")


def plan(i: int) -> tuple[str, str]:
    """Operation i of the scripted workload: ingest a folder, upload a file, or remove an earlier document."""
    if i % 3 == 0:
        return "ingest", f"ing_{i}"
    if i % 3 == 1:
        return "upload", f"up_{i}"
    return "remove", f"ing_{i - 2}"


def expected_after(i: int) -> set[str]:
    """The document ids after operations 0..i."""
    docs: set[str] = set()
    for j in range(i + 1):
        kind, name = plan(j)
        if kind == "remove":
            docs.discard(name)
        else:
            docs.add(name)
    return docs


def snapshot(root: Path) -> list[tuple[str, int]]:
    """Every file and directory below `root` with its size (what a read must leave untouched)."""
    out = []
    for base, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(base) / name
            out.append((str(p.relative_to(root)), p.stat().st_size if p.is_file() else -1))
    return sorted(out)


def read_index(index_dir: Path) -> set[str]:
    """Open, list and search: the read-only things `policyqa docs`, `policyqa search` and a server start do."""
    index = Index.open(index_dir, embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    docs = {d.doc_id for d in index.documents()}
    if docs:
        assert index.search("sanctions exemptions", k=3)
    return docs


def run_and_kill(index_dir: Path, home: Path, work: Path, start: int, delay: float) -> int:
    """Run the workload from operation `start`, SIGKILL it `delay` s after it is ready; the last finished op."""
    code = CHILD.format(repo=str(REPO), tests=str(TESTS), plan="__import__('test_index_faults').plan")
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(index_dir), str(home), str(work), str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=str(REPO),
    )
    last_done = start - 1
    try:
        line = proc.stdout.readline()
        if line.strip() != "READY":
            raise AssertionError(f"child failed to start: {line!r} {proc.stderr.read()[-2000:]}")
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        for line in proc.stdout.read().splitlines():
            if line.startswith("DONE "):
                last_done = int(line.split()[1])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()[-2000:]
    return last_done


def damage_pointer(index_dir: Path, how: str) -> None:
    pointer = index_dir / "CURRENT"
    if how == "remove":
        pointer.unlink()
    elif how == "garbage":
        pointer.write_bytes(b"\xff\xfe not a generation \x00")
    elif how == "dangling":
        pointer.write_text("gen-999999\n")
    elif how == "empty":
        pointer.write_text("")


@pytest.mark.parametrize("seed", [1, 2])
def test_random_sigkills_and_damaged_pointers_lose_nothing_committed(tmp_path, seed):
    rng = random.Random(seed)
    index_dir, home, work = tmp_path / "idx", tmp_path / "home", tmp_path / "work"
    start, committed = 0, set()
    for round_ in range(4):
        last_done = run_and_kill(index_dir, home, work, start, delay=rng.uniform(0.2, 2.5))
        if not index_dir.exists():
            start = 0
            continue
        before = snapshot(index_dir)
        docs = read_index(index_dir)
        assert snapshot(index_dir) == before, "a read changed the index directory"
        allowed = [expected_after(last_done), expected_after(last_done + 1)]
        assert docs in allowed, f"round {round_}: {sorted(docs)} not in {[sorted(a) for a in allowed]}"

        how = rng.choice(["remove", "garbage", "dangling", "empty", None])
        if how:
            damage_pointer(index_dir, how)
            before = snapshot(index_dir)
            # the newest complete generation: the committed one, or the in-flight operation's when the kill came
            # after its generation was complete and renamed but before CURRENT named it
            docs = read_index(index_dir)
            assert docs in allowed, f"damaged CURRENT ({how}) lost documents: {sorted(docs)}"
            assert snapshot(index_dir) == before, f"a read with a damaged CURRENT ({how}) deleted files"
        committed = docs
        start = last_done + 1
    # after all that, a write repairs the pointer and serves everything
    final = Index.open_or_create(index_dir, embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    (work / "last.txt").write_text("A last report on sanctions.", encoding="utf-8")
    final.ingest([work / "last.txt"])
    assert IndexStore(index_dir).pointer() is not None
    assert {d.doc_id for d in final.documents()} == committed | {"last"}


def _index_with_docs(tmp_path: Path) -> Path:
    index_dir = tmp_path / "idx"
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a", "b"):
        (src / f"{name}.txt").write_text(f"Document {name} about sanctions.\n\nMore on {name}.", encoding="utf-8")
    Index.create(index_dir, embedder=FakeEmbedder(), tokenizer=shared_tokenizer()).ingest([src])
    return index_dir


@pytest.mark.parametrize("how", ["remove", "garbage", "dangling", "empty"])
def test_a_damaged_pointer_is_recovered_from_the_newest_complete_generation(tmp_path, how):
    index_dir = _index_with_docs(tmp_path)
    (index_dir / ".tmp-gen-000099-1").mkdir()  # an unfinished generation is never chosen
    damage_pointer(index_dir, how)
    before = snapshot(index_dir)
    assert read_index(index_dir) == {"a", "b"}
    assert snapshot(index_dir) == before


def test_no_generation_left_refuses_with_a_message_and_keeps_the_files(tmp_path):
    index_dir = _index_with_docs(tmp_path)
    gen = IndexStore(index_dir).current()
    gen.rename(index_dir / "saved-copy")
    before = snapshot(index_dir)
    with pytest.raises(IndexDamagedError, match="files are kept"):
        Index.open(index_dir, embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    assert snapshot(index_dir) == before


def test_a_truncated_manifest_is_exit_3_with_a_message(tmp_path, capsys):
    index_dir = _index_with_docs(tmp_path)
    manifest = IndexStore(index_dir).current() / "manifest.json"
    manifest.write_text(manifest.read_text()[:40])
    before = snapshot(index_dir)
    assert cli_main(["docs", "--index", str(index_dir)]) == 3
    err = capsys.readouterr().err
    assert "cannot be read" in err and "Traceback" not in err
    assert snapshot(index_dir) == before


def test_index_pointing_at_a_file_is_exit_3_with_a_message(tmp_path, capsys):
    not_a_dir = tmp_path / "file.txt"
    not_a_dir.write_text("hello")
    assert cli_main(["docs", "--index", str(not_a_dir)]) == 3
    assert "is a file, not an index directory" in capsys.readouterr().err
    doc = tmp_path / "d.txt"
    doc.write_text("Some text about sanctions.")
    assert cli_main(["ingest", str(doc), "--index", str(not_a_dir)]) == 3
    assert not_a_dir.read_text() == "hello"
