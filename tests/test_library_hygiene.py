"""A library that stays clean: ids unique per file path, ignored boilerplate, duplicates, and ids that never let one
file replace another (real loaders and chunker, fake embedder)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fakes import FakeEmbedder, shared_tokenizer, write_doc

from index.index import Index
from ingest import load_document
from ingest.discovery import find_files
from ingest.ids import assign_ids, candidate_ids
from ingest.settings import ChunkingSettings

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CHUNKING = ChunkingSettings(min_tokens=0)

LAW = "# Sec. 1. Visas\n\nThe Secretary of State shall deny a visa to any designated person who exported arms.\n"
PAGE = "<html><head><title>{t}</title></head><body><h1>{t}</h1><p>{body}</p></body></html>"


@pytest.fixture
def fake() -> FakeEmbedder:
    return FakeEmbedder()


def open_index(path: Path, fake: FakeEmbedder) -> Index:
    return Index.open_or_create(path, embedder=fake, chunking=CHUNKING, tokenizer=shared_tokenizer())


def by_status(report) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for o in report.outcomes:
        out.setdefault(o.status, []).append(Path(o.path).name)
    return out


# ---- ids ---------------------------------------------------------------------------------------------------------


def test_candidate_ids_go_from_the_plain_name_to_the_folders():
    assert candidate_ids(Path("/lib/briefings/Index.html")) == [
        "index",
        "index-html",
        "briefings-index",
        "lib-briefings-index",
    ]
    assert candidate_ids(Path("/lib/a/x.md"), by_extension=False)[:2] == ["x", "a-x"]


def test_assign_ids_keeps_known_files_and_separates_same_names():
    files = [Path("/d/a/index.html"), Path("/d/b/index.html"), Path("/d/x.md"), Path("/d/x.txt"), Path("/d/y.md")]
    ids = {f: a.doc_id for f, a in assign_ids(files, {}).items()}
    assert ids == {files[0]: "a-index", files[1]: "b-index", files[2]: "x-md", files[3]: "x-txt", files[4]: "y"}
    again = assign_ids([Path("/d/y.md"), Path("/d/z/y.md")], {"y": "/d/y.md"})
    assert again[Path("/d/y.md")].doc_id == "y" and again[Path("/d/y.md")].note is None
    assert again[Path("/d/z/y.md")].doc_id == "z-y" and "already used by /d/y.md" in (
        again[Path("/d/z/y.md")].note or ""
    )


def test_two_index_html_in_two_folders_are_two_documents_with_stable_ids(tmp_path, fake):
    root = tmp_path / "site"
    write_doc(root / "a" / "index.html", PAGE.format(t="Sanctions briefing", body="Visas are denied to officials."))
    write_doc(root / "b" / "index.html", PAGE.format(t="Trade report", body="Exports of coal fell in 2017."))
    index = open_index(tmp_path / "idx", fake)
    report = index.ingest([root])
    assert sorted(o.doc_id or "" for o in report.outcomes) == ["a-index", "b-index"]
    assert report.count("added") == 2 and not report.failed
    again = open_index(tmp_path / "idx", fake).ingest([root])
    assert sorted((o.doc_id, o.status) for o in again.outcomes) == [("a-index", "unchanged"), ("b-index", "unchanged")]


def test_an_index_with_old_ids_keeps_them_and_gains_no_duplicates(tmp_path, fake):
    """An index built before ids were unique per path: `a/index.html` holds the plain id `index`. Ingesting the
    folder with the second `index.html` keeps `index` for the first file and gives the second its own id; a
    document recorded without its file (older manifests) is matched by its source path."""
    root = tmp_path / "site"
    first = write_doc(root / "a" / "index.html", PAGE.format(t="Briefing", body="Visas are denied."))
    index = open_index(tmp_path / "idx", fake)
    index.add_documents([load_document(first)])  # recorded with its source but no file
    assert [d.doc_id for d in index.documents()] == ["index"]
    write_doc(root / "b" / "index.html", PAGE.format(t="Trade report", body="Exports of coal fell."))
    report = index.ingest([root])
    assert sorted(d.doc_id for d in index.documents()) == ["b-index", "index"]
    assert {o.doc_id: o.status for o in report.outcomes}["b-index"] == "added"
    assert sum(1 for d in index.documents() if d.title == "Briefing") == 1


def test_x_md_then_x_txt_does_not_orphan_x_md(tmp_path, fake):
    lib = tmp_path / "lib"
    write_doc(lib / "x.md", LAW)
    index = open_index(tmp_path / "idx", fake)
    index.ingest([lib / "x.md"])
    write_doc(lib / "x.txt", "A different text: the fund supports the travel of separated families.")
    report = index.ingest([lib / "x.txt"])
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.doc_id) == ("added", "x-txt")
    assert "'x' is already used by" in (outcome.message or "") and "x.md" in (outcome.message or "")
    docs = {d.doc_id: d for d in index.documents()}
    assert set(docs) == {"x", "x-txt"} and docs["x"].source.endswith("x.md")


# ---- ignore rules -------------------------------------------------------------------------------------------------


def test_boilerplate_is_skipped_as_ignored_and_policyqaignore_patterns_apply(tmp_path, fake):
    root = tmp_path / "docs"
    for name in ("SOURCE.md", "README.txt", "LICENSE", "CHANGELOG.md", "readme.md"):
        write_doc(root / name, "About this folder: where the files came from.")
    write_doc(root / "law.md", LAW)
    write_doc(root / "drafts" / "draft.md", "A draft not to be indexed.")
    write_doc(root / "keep" / "README.md", "# Keep\n\nThis README is a document of the collection.")
    write_doc(root / ".policyqaignore", "drafts/\n!keep/README.md\n")
    reasons = {
        f.path.name if f.path.parent == root else f.path.relative_to(root).as_posix(): f.ignored
        for f in find_files([root])
    }
    assert reasons["law.md"] is None and reasons["keep/README.md"] is None
    assert "source.*" in (reasons["SOURCE.md"] or "") and ".policyqaignore" in (reasons["drafts/draft.md"] or "")
    assert "LICENSE" not in reasons  # no supported extension: not a candidate at all
    report = open_index(tmp_path / "idx", fake).ingest([root])
    statuses = by_status(report)
    assert sorted(statuses["skipped"]) == ["CHANGELOG.md", "README.txt", "SOURCE.md", "draft.md", "readme.md"]
    assert sorted(statuses["added"]) == ["README.md", "law.md"]
    assert all(o.message and o.message.startswith("ignored (") for o in report.outcomes if o.status == "skipped")


def test_a_file_named_explicitly_is_not_ignored(tmp_path, fake):
    source = write_doc(tmp_path / "SOURCE.md", "# Provenance\n\nDownloaded from the Federal Register.")
    report = open_index(tmp_path / "idx", fake).ingest([source])
    assert [o.status for o in report.outcomes] == ["added"]


def test_an_indexed_file_that_is_now_ignored_is_removed(tmp_path, fake):
    root = tmp_path / "docs"
    write_doc(root / "law.md", LAW)
    write_doc(root / "notes.md", "Working notes on the law.")
    index = open_index(tmp_path / "idx", fake)
    index.ingest([root])
    write_doc(root / ".policyqaignore", "notes.md\n")
    report = index.ingest([root])
    assert {o.doc_id: o.status for o in report.outcomes}["notes"] == "removed"
    assert [d.doc_id for d in index.documents()] == ["law"]


@pytest.mark.skipif(not DATA.is_dir(), reason="needs ../shared/data")
def test_shared_data_folders_skip_source_md_and_same_names_get_three_ids(tmp_path, fake):
    folders = ["us_law_north_korea", "us_executive_orders_north_korea", "kr_law_inter_korean"]
    copies = []
    for name in folders:  # the SOURCE.md files and one document of each folder
        src = DATA / name
        dst = tmp_path / "data" / name
        dst.mkdir(parents=True)
        shutil.copy(src / "SOURCE.md", dst / "SOURCE.md")
        shutil.copy(sorted(p for p in src.iterdir() if p.name != "SOURCE.md")[0], dst)
        copies.append(dst)
    found = find_files(copies)
    sources = [f for f in found if f.path.name == "SOURCE.md"]
    assert len(sources) == 3 and all(f.ignored for f in sources)
    index = open_index(tmp_path / "idx", fake)
    report = index.ingest(copies)
    assert report.count("skipped") == 3 and report.count("added") == 3 and not report.failed
    assert not any("source" in d.doc_id for d in index.documents())
    # indexed on purpose (a .policyqaignore re-includes them): three files, three ids
    for dst in copies:
        write_doc(dst / ".policyqaignore", "!SOURCE.md\n")
    report = index.ingest(copies)
    ids = sorted(o.doc_id or "" for o in report.outcomes if o.path.endswith("SOURCE.md"))
    assert ids == sorted(f"{name}-source" for name in folders)
    assert not report.failed and all(o.status == "added" for o in report.outcomes if o.path.endswith("SOURCE.md"))


# ---- duplicates ---------------------------------------------------------------------------------------------------


def test_exact_and_near_duplicates_are_reported_and_not_indexed(tmp_path, fake):
    root = tmp_path / "docs"
    write_doc(root / "law.md", LAW)
    index = open_index(tmp_path / "idx", fake)
    index.ingest([root])
    chunks = len(index)
    write_doc(root / "copy-of-law.md", LAW)  # exact
    write_doc(root / "law-as-text.txt", LAW.replace("# ", "").replace("\n\n", "\n").upper())  # re-formatted
    write_doc(root / "amended.md", LAW.replace("exported arms", "imported arms"))  # a different text
    report = index.ingest([root])
    dups = {Path(o.path).name: o for o in report.outcomes if o.status == "duplicate"}
    assert set(dups) == {"copy-of-law.md", "law-as-text.txt"}
    assert all(o.duplicate_of == "law" and "duplicate of law" in (o.message or "") for o in dups.values())
    assert {o.doc_id: o.status for o in report.outcomes}["amended"] == "added"
    assert sorted(d.doc_id for d in index.documents()) == ["amended", "law"]
    hits = index.search("deny a visa designated person exported arms", k=5)
    assert {h.passage.doc_id for h in hits} == {"law", "amended"}  # never the same text twice
    assert len(index) == 2 * chunks


def test_duplicates_in_one_batch_and_forcing_them(tmp_path, fake):
    root = tmp_path / "docs"
    write_doc(root / "a.md", LAW)
    write_doc(root / "b.md", LAW)
    index = open_index(tmp_path / "idx", fake)
    report = index.ingest([root])
    assert sorted(o.status for o in report.outcomes) == ["added", "duplicate"]
    forced = index.ingest([root], force_duplicates=True)
    assert {o.doc_id: o.status for o in forced.outcomes} == {"a": "unchanged", "b": "added"}


def test_a_moved_file_is_not_a_duplicate_of_its_old_self(tmp_path, fake):
    root = tmp_path / "docs"
    write_doc(root / "old-name.md", LAW)
    index = open_index(tmp_path / "idx", fake)
    index.ingest([root])
    (root / "old-name.md").rename(root / "new-name.md")
    report = index.ingest([root], prune=True)
    assert {o.doc_id: o.status for o in report.outcomes} == {"new-name": "added", "old-name": "removed"}


def test_the_report_shows_what_was_inferred(tmp_path, fake):
    path = write_doc(
        tmp_path / "eo.md", "# Executive Order 13687\n\nJanuary 2, 2015\n\nSection 1. Property is blocked."
    )
    (outcome,) = open_index(tmp_path / "idx", fake).ingest([path]).outcomes
    assert outcome.title == "Executive Order 13687" and outcome.doc_type == "order"
    assert (outcome.date, outcome.language) == ("2015-01-02", "en")


def test_a_moved_folder_keeps_its_ids_and_a_copy_of_an_old_record_is_a_duplicate(tmp_path, fake):
    """Migration: records of an older index have no normalised-text key; a folder moved elsewhere keeps its ids
    (same bytes, old file gone), and a copy beside the original is still found a duplicate by its bytes."""
    old_root = tmp_path / "old"
    write_doc(old_root / "law.md", LAW)
    index = open_index(tmp_path / "idx", fake)
    index.ingest([old_root])
    for rec in index._state.manifest.documents.values():
        rec.text_key = None  # as an index written before the key existed
    new_root = tmp_path / "new"
    old_root.rename(new_root)
    fake.passage_calls.clear()
    report = index.ingest([new_root], prune=True)
    assert [(o.doc_id, o.status) for o in report.outcomes] == [("law", "replaced")]  # its new place recorded
    assert "moved from" in (report.outcomes[0].message or "") and fake.passage_calls == []  # nothing re-embedded
    again = index.ingest([new_root], prune=True)
    assert [(o.doc_id, o.status) for o in again.outcomes] == [("law", "unchanged")]
    write_doc(tmp_path / "copy" / "law.md", LAW)
    for rec in index._state.manifest.documents.values():
        rec.text_key = None
    copied = index.ingest([tmp_path / "copy"])
    assert [(o.status, o.duplicate_of) for o in copied.outcomes] == [("duplicate", "law")]
    assert [d.doc_id for d in index.documents()] == ["law"]
