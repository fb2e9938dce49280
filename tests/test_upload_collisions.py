"""An upload never silently replaces another document: a name that slugs to an indexed document's id gets another
id (with a message saying why), `x.md` then `x.txt` are two documents, an `id:` that names a document from another
file is refused with a message, and nothing is orphaned (every library file is an indexed document's file).
Real loaders, chunker and index through `Services`; a fake embedder."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from fakes import FakeEmbedder, shared_tokenizer
from test_services import stand_in_answer

from app.services import Services
from app.settings import Settings
from index.index import Index

REPO = Path(__file__).resolve().parents[1]
ARTICLE = "fpri-sanctions-relief-2019"


def real_services(tmp_path: Path) -> Services:
    """Services over a real index (fake embedder) built from a copy of the sample article."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPO / "corpus" / f"{ARTICLE}.md", corpus)
    settings = Settings(home=tmp_path / "home", index_dir=tmp_path / "index")
    services = Services(
        settings,
        open_index=lambda s: Index.open_or_create(
            s.resolved_index_dir(), embedder=FakeEmbedder(), tokenizer=shared_tokenizer()
        ),
        answer_fn=stand_in_answer,
    )
    services.open(corpus)
    return services


@pytest.fixture
def svc(tmp_path) -> Services:
    return real_services(tmp_path)


def texts(svc: Services, doc_id: str) -> list[str]:
    return [p.text for p in svc.passages(doc_id)]


def assert_nothing_orphaned(svc: Services) -> None:
    """Every file in the library is the file of an indexed document."""
    sources = {Path(d.source).name for d in svc._ready_index().documents()}
    assert {p.name for p in svc.library_dir.iterdir()} <= sources


def test_a_name_that_slugs_to_an_indexed_id_gets_another_id_and_says_so(svc):
    article = texts(svc, ARTICLE)
    report = svc.upload([(f"{ARTICLE}.md", io.BytesIO(b"# A memo\n\nA memo on shipping licences for Kaesong."))])
    [outcome] = report.outcomes
    assert outcome.status == "added" and outcome.doc_id != ARTICLE
    assert f"id {ARTICLE!r} is already used" in (outcome.message or "")
    assert texts(svc, ARTICLE) == article  # the sample article is untouched
    assert "Kaesong" in " ".join(texts(svc, outcome.doc_id))
    assert_nothing_orphaned(svc)


def test_x_md_then_x_txt_are_two_documents(svc):
    svc.upload([("x.md", io.BytesIO(b"# Notes\n\nNotes on fishing rights in the West Sea."))])
    report = svc.upload([("x.txt", io.BytesIO(b"A transcript on tourism to Mount Kumgang."))])
    [outcome] = report.outcomes
    assert outcome.status == "added" and outcome.doc_id == "x-txt" and "already used" in (outcome.message or "")
    docs = {d.doc_id: d.source for d in svc.documents()}
    assert docs["x"] == "library/x.md" and docs["x-txt"] == "library/x.txt"
    assert "fishing" in " ".join(texts(svc, "x")) and "Kumgang" in " ".join(texts(svc, "x-txt"))
    assert_nothing_orphaned(svc)


def test_an_id_in_front_matter_naming_another_files_document_is_refused(svc):
    article = texts(svc, ARTICLE)
    body = f"---\nid: {ARTICLE}\ntitle: A memo\n---\nA memo on shipping licences for Kaesong.\n".encode()
    report = svc.upload([("memo.md", io.BytesIO(body))])
    [outcome] = report.outcomes
    assert outcome.status == "failed"
    assert f"{ARTICLE!r} is already used by" in (outcome.message or "") and "id:" in (outcome.message or "")
    assert texts(svc, ARTICLE) == article
    assert not (svc.library_dir / "memo.md").exists()  # refused: not kept
    assert_nothing_orphaned(svc)


def test_uploading_the_same_name_again_replaces_that_upload_only(svc):
    svc.upload([("memo.txt", io.BytesIO(b"First version of the memo on visas."))])
    report = svc.upload([("memo.txt", io.BytesIO(b"Second version of the memo on visas."))])
    assert [(o.doc_id, o.status) for o in report.outcomes] == [("memo", "replaced")]
    assert "Second version" in " ".join(texts(svc, "memo")) and ARTICLE in {d.doc_id for d in svc.documents()}
    assert [p.name for p in svc.library_dir.iterdir()] == ["memo.txt"]
