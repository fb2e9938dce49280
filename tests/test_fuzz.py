"""Property-based fuzzing (hypothesis) of the loaders (txt, md with front matter, html, pdf) and the HTTP request
models and routes: whatever the input, a loader returns a Document or raises that file's IngestError, metadata
stays bounded, and a route answers 2xx/4xx, never 500. Example counts keep the whole file well under a minute."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from test_services import StandInIndex, stand_in_answer

from app.services import Services
from app.settings import Settings
from app.web.api_models import AskRequest, SearchRequest
from app.web.server import create_api
from ingest import IngestError, load_document
from ingest.safe_yaml import MAX_TITLE_CHARS, MAX_VALUE_CHARS

TEST_DATA = Path(__file__).resolve().parent / "data"
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


def load_bytes(data: bytes, suffix: str):
    """load_document on `data` saved as a file with `suffix`: a Document, or None for its IngestError."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            return load_document(path)
        except IngestError:
            return None


def check_bounded(doc) -> None:
    if doc is None:
        return
    assert len(doc.title) <= max(MAX_TITLE_CHARS, 10_000)
    for value in doc.metadata.values():
        if isinstance(value, str):
            assert len(value) <= max(MAX_VALUE_CHARS, 10_000)


@FAST
@given(st.binary(max_size=2000))
def test_txt_any_bytes(data):
    check_bounded(load_bytes(data, ".txt"))


yaml_scalar = st.one_of(
    st.text(max_size=40),
    st.integers(),
    st.sampled_from(["&a x", "*a", "[*a, *a]", "{a: 1}", "- x", "!!python/object:os.system", "2024-02-30", "~"]),
)
front_matter_line = st.builds(
    lambda k, v: f"{k}: {v}", st.sampled_from(["title", "date", "doc_type", "language", "id", "tags", "x"]), yaml_scalar
)


@FAST
@given(
    st.lists(front_matter_line, max_size=8),
    st.text(max_size=500),
    st.sampled_from(["---", "...", ""]),
    st.integers(min_value=0, max_value=3000),
)
def test_markdown_with_any_front_matter(lines, body, closer, depth):
    nested = "[" * depth + "]" * depth
    text = "---\n" + "\n".join(lines) + f"\nnest: {nested}\n{closer}\n{body}"
    check_bounded(load_bytes(text.encode("utf-8", "replace"), ".md"))


TAGS = ["div", "p", "span", "table", "tr", "td", "th", "h1", "h2", "br", "nav", "main", "article", "script", "ul", "li"]
html_piece = st.one_of(
    st.builds(lambda t, a: f"<{t}{a}>", st.sampled_from(TAGS), st.sampled_from(["", " class='related'", " hidden"])),
    st.builds(lambda t: f"</{t}>", st.sampled_from(TAGS)),
    st.text(max_size=30),
    st.sampled_from(["<!--", "-->", "<![CDATA[x]]>", "<meta name='date' content='2024-01-01'>", "&amp;", "&#0;", "<"]),
)


@FAST
@given(st.lists(html_piece, max_size=300), st.integers(min_value=0, max_value=5000))
def test_html_tag_soup(pieces, depth):
    html = "<html><body>" + "<div>" * depth + "".join(pieces)
    check_bounded(load_bytes(html.encode("utf-8", "replace"), ".html"))


PDF = (TEST_DATA / "law.pdf").read_bytes()


@SLOW
@given(
    st.lists(st.tuples(st.integers(min_value=0, max_value=len(PDF) - 1), st.integers(0, 255)), max_size=20),
    st.integers(min_value=0, max_value=len(PDF)),
)
def test_pdf_with_flipped_bytes_and_truncation(flips, cut):
    data = bytearray(PDF)
    for at, value in flips:
        data[at] = value
    check_bounded(load_bytes(bytes(data[: max(cut, 1)]), ".pdf"))


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=50)),
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)
request_body = st.fixed_dictionaries(
    {},
    optional={
        "question": st.one_of(st.text(max_size=100), json_value),
        "query": st.one_of(st.text(max_size=100), json_value),
        "history": st.one_of(st.lists(st.tuples(st.text(max_size=50), st.text(max_size=50)), max_size=25), json_value),
        "filters": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "doc_type": st.lists(st.sampled_from(["law", "order", "x"]), max_size=3),
                    "doc_id": st.lists(st.text(max_size=20), max_size=3),
                    "date_from": st.sampled_from(["2020-01-01", "2020-13-01", "x"]),
                },
            ),
            json_value,
        ),
        "k": st.one_of(st.integers(min_value=-5, max_value=200), json_value),
        "mode": st.sampled_from(["hybrid", "dense", "lexical", "x"]),
        "answerer": st.sampled_from(["extractive", "llm", "x"]),
    },
)


@FAST
@given(request_body)
def test_request_models_accept_or_reject_cleanly(body):
    for model in (AskRequest, SearchRequest):
        try:
            model.model_validate(body)
        except ValidationError:
            pass


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz-api")
    corpus = tmp / "corpus"
    corpus.mkdir()
    (corpus / "visas.txt").write_text("Designated persons shall be denied visas.", encoding="utf-8")
    svc = Services(
        Settings(home=tmp / "home", index_dir=tmp / "idx"),
        open_index=lambda s: StandInIndex(),
        answer_fn=stand_in_answer,
    )
    svc.open(corpus)
    return create_api(svc)


@FAST
@given(body=request_body, route=st.sampled_from(["/ask", "/search"]))
def test_routes_never_answer_500(api, body, route):
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=api, client=("127.0.0.1", 1), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:7860") as client:
            return await client.post(route, json=body)

    response = asyncio.run(run())
    assert response.status_code < 500, response.text
