"""The app's API surfaces in process: `/docs` and `/redoc` load only local assets (they work offline), and the
Gradio app exposes exactly the `ask` and `search` endpoints, which return structured answers and hits."""

from __future__ import annotations

import re

import pytest
from local_client import local_client
from test_services import StandInIndex, stand_in_answer

from app.services import Services
from app.settings import Settings
from app.web.server import create_app

URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")


@pytest.fixture
def client(tmp_path):
    services = Services(
        Settings(home=tmp_path / "home", index_dir=tmp_path / "index"),
        open_index=lambda s: StandInIndex(),
        answer_fn=stand_in_answer,
    )
    services.open(None)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "visas.md").write_text("Visas are issued by the consulate within 30 days.", encoding="utf-8")
    services._index.ingest([corpus])
    with local_client(create_app(services)) as c:
        yield c


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_reference_no_outside_url(client, page):
    r = client.get(page)
    assert r.status_code == 200
    assert "http://" not in r.text and "https://" not in r.text and "//cdn" not in r.text
    refs = [a or b for a, b in URL.findall(r.text)]
    assert any(ref.endswith(".js") for ref in refs)
    for ref in refs:
        assert ref.startswith("/"), ref
        assert client.get(ref).status_code == 200, ref
    assert client.get("/api-docs-assets/../settings.py").status_code == 404


def test_gradio_api_exposes_only_ask_and_search(client):
    info = client.get("/gradio_api/info").json()
    assert set(info["named_endpoints"]) == {"/ask", "/search"}
    assert info["unnamed_endpoints"] == {}
