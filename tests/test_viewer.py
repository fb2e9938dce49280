"""The document viewer: the context chosen around a cited passage (its section, or its page for a PDF), the page's
marks and links, and the HTTP route over an in-memory index of passages (FastAPI's TestClient)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from local_client import local_client

from app.services import BadRequest, NotFound, Services
from app.settings import Settings
from app.web.server import create_api
from app.web.viewer import context, parse_marks, render_view
from index.types import DocumentInfo, Passage

SECTIONS = [
    ("§ 1", "## Sec. 1 Findings\nCongress finds the following."),
    ("§ 1", "More findings **here**."),
    ("§ 2", "Sec. 2 Designation. The President shall designate persons."),
    ("§ 3", "Sec. 3 Penalties apply."),
]


def _doc(doc_id: str = "act", title: str = "**The** Sanctions Act") -> DocumentInfo:
    return DocumentInfo(
        doc_id=doc_id,
        title=title,
        source=f"{doc_id}.md",
        doc_type="law",
        date="2016-02-18",
        language="en",
        chunks=4,
        content_hash="x",
        indexed_at="2026-01-01T00:00:00",
    )


def _passages(pages: bool = False) -> list[Passage]:
    out, at = [], 0
    for i, (section, text) in enumerate(SECTIONS):
        out.append(
            Passage(
                chunk_id=f"act@{at}",
                doc_id="act",
                title="The Sanctions Act",
                source="act.md",
                doc_type="law",
                language="en",
                section=None if pages else section,
                label=f"Act {section}",
                page=(i // 2 + 1) if pages else None,
                start=at,
                end=at + len(text),
                text=text,
            )
        )
        at += len(text) + 2
    return out


def test_context_is_the_section_with_links_to_its_neighbours():
    passages = _passages()
    ctx = context(passages, 1)
    assert [p.chunk_id for p in ctx.shown] == [passages[0].chunk_id, passages[1].chunk_id]
    assert ctx.previous is None and ctx.following == passages[2] and ctx.name == "§ 1"
    ctx = context(passages, 2)
    assert ctx.shown == [passages[2]] and ctx.previous == passages[0] and ctx.following == passages[3]


def test_context_of_a_paged_document_is_the_page():
    passages = _passages(pages=True)
    ctx = context(passages, 3)
    assert ctx.kind == "page" and ctx.name == "Page 2" and ctx.shown == passages[2:4]
    assert ctx.previous == passages[0] and ctx.following is None


def test_page_marks_the_span_in_clean_text_and_links_neighbours():
    passages = _passages()
    text = passages[2].text
    start = text.index("The President")
    page = render_view(_doc(), passages, passages[2].chunk_id, [(start, len(text))])
    assert '<div class="passage cited" id="cited">' in page
    assert "<mark>The President shall designate persons.</mark>" in page
    assert "previous section: § 1" in page and "next section: § 3" in page
    assert "**" not in page and "##" not in page and "<h1>The Sanctions Act</h1>" in page
    assert "2016-02-18" in page and "law" in page and "Act § 2" in page
    assert "http://" not in page and "https://" not in page  # self-contained
    with pytest.raises(NotFound):
        render_view(_doc(), passages, "act@999", [])


def test_paged_document_shows_the_page_number():
    passages = _passages(pages=True)
    page = render_view(_doc(), passages, passages[2].chunk_id, [])
    assert "Page 2" in page and "previous page: page 1" in page and "<dt>Page</dt><dd>2</dd>" in page


def test_parse_marks():
    assert parse_marks(["3-9", "10-12"]) == [(3, 9), (10, 12)]
    for bad in ("9-3", "a-b", "5"):
        with pytest.raises(BadRequest):
            parse_marks([bad])


class PassageIndex:
    """Just what the viewer route reads: the documents and their passages."""

    def __len__(self) -> int:
        return len(SECTIONS)

    def documents(self) -> list[DocumentInfo]:
        return [_doc()]

    def passages(self, doc_id: str) -> list[Passage]:
        if doc_id != "act":
            raise KeyError(doc_id)
        return _passages()

    def passage(self, chunk_id: str) -> Passage:
        return next(p for p in _passages() if p.chunk_id == chunk_id)


def test_view_route(tmp_path):
    services = Services(Settings(home=tmp_path / "home", index_dir=tmp_path / "i"), open_index=lambda s: PassageIndex())
    services.open(None)
    client = local_client(create_api(services))
    chunk = _passages()[2].chunk_id
    text = _passages()[2].text
    mark = f"{text.index('The President')}-{len(text)}"
    r = client.get("/documents/act/view", params={"chunk": chunk, "mark": mark})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<mark>The President shall designate persons.</mark>" in r.text
    nxt = r.text.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    assert parse_qs(urlparse(nxt).query)["chunk"] == [_passages()[3].chunk_id]
    assert "Sec. 3 Penalties apply." in client.get(nxt).text
    assert client.get("/documents/nope/view", params={"chunk": chunk}).status_code == 404
    assert client.get("/documents/act/view", params={"chunk": "act@1234"}).status_code == 404
    assert client.get("/documents/act/view", params={"chunk": chunk, "mark": "9-1"}).status_code == 400
