"""Metadata a librarian can fix: sidecar corrections through `PATCH /documents/{id}` and the Library tab's callback,
kept across re-ingests, and aliases used by search and by named-source matching (real index, fake embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import FakeEmbedder, shared_tokenizer, write_doc
from local_client import local_client
from test_services import stand_in_answer

from app.answer.rules.named import index_names, named_documents
from app.services import Services
from app.settings import Settings
from app.web import callbacks as cb
from app.web.server import create_api
from index.index import Index
from ingest.settings import ChunkingSettings
from ingest.sidecar_edit import checked_changes, write_corrections

KR_LAW = """---
제목: 남북협력기금법
법령구분: 법률
공포일자: 2020-12-29
---
# 남북협력기금법

## 제8조(기금의 용도)

기금은 남북한 주민의 왕래에 필요한 경비를 지원하는 용도에 사용한다.
"""

ARTICLE = "# Coal exports\n\nNorth Korean coal exports fell sharply after the 2017 resolutions.\n"


@pytest.fixture
def setup(tmp_path):
    root = tmp_path / "docs"
    write_doc(root / "fund-act.md", KR_LAW)
    write_doc(root / "coal.md", ARTICLE)
    settings = Settings(home=tmp_path / "home", index_dir=tmp_path / "index")
    fake = FakeEmbedder()

    def open_index(_: Settings) -> Index:
        return Index.open_or_create(
            tmp_path / "index", embedder=fake, chunking=ChunkingSettings(min_tokens=0), tokenizer=shared_tokenizer()
        )

    services = Services(settings, open_index=open_index, answer_fn=stand_in_answer)
    services.open(None)
    services._index.ingest([root])
    return services, root


def test_checked_changes_validate_and_normalise():
    assert checked_changes(title="  A  title ", date="March 5, 2024", doc_type="law", aliases=["X", " X ", "Y"]) == {
        "title": "A title",
        "date": "2024-03-05",
        "doc_type": "law",
        "aliases": ["X", "Y"],
    }
    with pytest.raises(ValueError, match="not a date"):
        checked_changes(date="someday")
    with pytest.raises(ValueError, match="allowed"):
        checked_changes(doc_type="memo")


def test_write_corrections_merges_keeps_json_and_removes_an_emptied_sidecar(tmp_path):
    doc = write_doc(tmp_path / "a.md", "text")
    sidecar = write_corrections(doc, {"title": "T", "aliases": ["A"]})
    assert sidecar.name == "a.md.meta.yaml" and "title: T" in sidecar.read_text(encoding="utf-8")
    write_corrections(doc, {"title": ""})
    assert "title" not in sidecar.read_text(encoding="utf-8") and "aliases" in sidecar.read_text(encoding="utf-8")
    write_corrections(doc, {"aliases": []})
    assert not sidecar.exists()
    other = write_doc(tmp_path / "b.md", "text")
    (tmp_path / "b.md.meta.json").write_text('{"Title": "Old", "source_url": "u"}', encoding="utf-8")
    write_corrections(other, {"title": "New"})
    assert json.loads((tmp_path / "b.md.meta.json").read_text(encoding="utf-8")) == {"source_url": "u", "title": "New"}


def test_patch_corrects_metadata_and_it_survives_reingest(setup):
    services, root = setup
    client = local_client(create_api(services))
    body = {
        "title": "Inter-Korean Cooperation Fund Act",
        "date": "2021-01-01",
        "doc_type": "law",
        "aliases": ["Inter-Korean Cooperation Fund Act", "South-North Cooperation Fund Act"],
    }
    r = client.patch("/documents/fund-act", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "replaced" and r.json()["title"] == body["title"]
    doc = next(d for d in client.get("/documents").json() if d["doc_id"] == "fund-act")
    assert (doc["title"], doc["date"], doc["doc_type"]) == (body["title"], "2021-01-01", "law")
    assert doc["aliases"] == body["aliases"]
    assert (root / "fund-act.md.meta.yaml").is_file()
    report = services._index.ingest([root])  # the corrections are read again from the sidecar
    assert {o.doc_id: o.status for o in report.outcomes}["fund-act"] == "unchanged"
    rebuilt = services._index.ingest([root], rebuild=True)
    assert {o.doc_id: o.title for o in rebuilt.outcomes}["fund-act"] == body["title"]


def test_patch_errors(setup, tmp_path):
    services, _ = setup
    client = local_client(create_api(services))
    assert client.patch("/documents/nope", json={"title": "x"}).status_code == 404
    bad = client.patch("/documents/coal", json={"date": "someday"})
    assert bad.status_code == 400 and "not a date" in bad.json()["detail"]
    assert client.patch("/documents/coal", json={"colour": "red"}).status_code == 422
    assert client.patch("/documents/coal", json={}).status_code == 400
    locked = Services(
        services.settings.model_copy(
            update={"server": services.settings.server.model_copy(update={"api_token": "s3cret"})}
        ),
        open_index=lambda s: services._index,
        answer_fn=stand_in_answer,
    )
    locked.open(None)
    locked_client = local_client(create_api(locked))
    assert locked_client.patch("/documents/coal", json={"title": "x"}).status_code == 401
    ok = locked_client.patch("/documents/coal", json={"title": "Coal"}, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200


def test_aliases_are_searched_and_name_the_document(setup):
    services, _ = setup
    index = services._index
    before = index.search("South-North Cooperation Fund Act", k=5, mode="lexical")
    assert not before or before[0].passage.doc_id != "fund-act"
    services.edit_document("fund-act", _edit(aliases=["South-North Cooperation Fund Act"]))
    after = index.search("South-North Cooperation Fund Act", k=5, mode="lexical")
    assert after and after[0].passage.doc_id == "fund-act"
    tokens = index.tokenizer.tokenize
    names = index_names(index.documents(), tokens)
    question = tokens("What may the fund be used for under the South-North Cooperation Fund Act?")
    retrieved = {"fund-act": set(tokens(KR_LAW)), "coal": set(tokens(ARTICLE))}
    assert named_documents(question, names, retrieved) == {"fund-act"}


def test_library_tab_callbacks_show_and_save_metadata(setup):
    services, _ = setup
    title, date, doc_type, aliases = cb.metadata_fields(services, "coal")
    assert (title, doc_type) == ("Coal exports", "other") and aliases == ""
    message = cb.save_metadata(services, "coal", "Coal exports after 2017", "2018-02-01", "article", "Coal; 석탄", None)
    assert "Saved" in message and "Coal exports after 2017" in message
    doc = next(d for d in services.documents() if d.doc_id == "coal")
    assert (doc.title, doc.date, doc.aliases) == ("Coal exports after 2017", "2018-02-01", ["Coal", "석탄"])
    assert "⚠" in cb.save_metadata(services, "coal", None, "someday", None, None, None)
    assert "Pick a document" in cb.save_metadata(services, None, "x", None, None, None, None)


def _edit(**kwargs):
    from app.library import MetadataEdit

    return MetadataEdit(**kwargs)


def test_document_without_a_file_is_not_editable(tmp_path):
    from app.library import NotEditable, edit_document
    from ingest import load_text

    index = Index.open_or_create(tmp_path / "i", embedder=FakeEmbedder(), tokenizer=shared_tokenizer())
    index.add_documents([load_text("Some text about sanctions.", doc_id="mem", source="memory")])
    with pytest.raises(NotEditable):
        edit_document(index, "mem", _edit(title="x"))
    assert not any(Path(tmp_path).glob("*.meta.yaml"))


def test_an_upload_never_replaces_a_different_document(setup):
    """`x.md` then `x.txt` (same id slug, different files): both stay indexed, the second under its own id, and
    the report says why. Uploading `x.md` again replaces that same document (a new version)."""
    import io

    services, _ = setup
    note = "# Sanctions note\n\nThe panel of experts reported ship-to-ship transfers.\n"
    first = services.upload([("x.md", io.BytesIO(note.encode()))])
    assert [(o.doc_id, o.status) for o in first.outcomes] == [("x", "added")]
    second = services.upload([("x.txt", io.BytesIO(b"A different note about separated families."))])
    (outcome,) = second.outcomes
    assert (outcome.doc_id, outcome.status) == ("x-txt", "added") and "already used by" in (outcome.message or "")
    docs = {d.doc_id: d for d in services.documents()}
    assert Path(docs["x"].source).name == "x.md" and Path(docs["x-txt"].source).name == "x.txt"
    again = services.upload([("x.md", io.BytesIO((note + "\nA later paragraph.\n").encode()))])
    assert [(o.doc_id, o.status) for o in again.outcomes] == [("x", "replaced")]


def test_a_duplicate_upload_is_reported_not_kept_unless_forced(setup):
    services, _ = setup
    client = local_client(create_api(services))
    r = client.post("/documents", files={"files": ("coal-copy.md", ARTICLE.encode(), "text/markdown")})
    (outcome,) = r.json()["outcomes"]
    assert (outcome["status"], outcome["duplicate_of"]) == ("duplicate", "coal")
    assert not (services.library_dir / "coal-copy.md").exists()
    forced = client.post(
        "/documents?force_duplicates=true", files={"files": ("coal-copy.md", ARTICLE.encode(), "text/markdown")}
    )
    assert forced.json()["outcomes"][0]["status"] == "added"
    assert (services.library_dir / "coal-copy.md").exists()


def test_report_markdown_shows_inferred_metadata_skips_and_duplicates():
    from app.web.render import report_markdown
    from index.types import FileOutcome, IngestReport

    report = IngestReport(
        outcomes=[
            FileOutcome(path="/l/SOURCE.md", status="skipped", message="ignored (default pattern 'source.*')"),
            FileOutcome(
                path="/l/copy.md", status="duplicate", duplicate_of="law", message="duplicate of law (/l/law.md)"
            ),
            FileOutcome(
                path="/l/x.txt",
                doc_id="x-txt",
                status="added",
                chunks=3,
                title="Coal exports",
                doc_type="article",
                date=None,
                language="en",
                message="id 'x' is already used by /l/x.md; indexed as 'x-txt'",
            ),
        ]
    )
    text = report_markdown(report)
    assert "1 added, 1 skipped, 1 duplicate" in text
    assert "skipped: SOURCE.md: ignored" in text and "duplicate: copy.md: duplicate of law" in text
    assert "“Coal exports” (article, no date, en)" in text and "already used by" in text
