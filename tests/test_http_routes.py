"""The API routes in process (FastAPI's TestClient) over the stand-in index of test_services: the error mapping
that the real-server test (test_http_api.py) cannot reach cheaply — 503 while the index builds, a JSON 500."""

from __future__ import annotations

import pytest
from local_client import local_client
from test_services import StandInIndex, stand_in_answer

from app.services import Services
from app.settings import Settings
from app.web.server import create_api


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(home=tmp_path / "home", index_dir=tmp_path / "index")


def test_not_ready_is_503_and_health_says_building(settings):
    services = Services(settings, open_index=lambda s: StandInIndex())
    client = local_client(create_api(services))
    assert client.get("/health").json()["status"] == "building"
    r = client.post("/search", json={"query": "sanctions"})
    assert r.status_code == 503 and "not ready" in r.json()["detail"]
    assert client.get("/documents").status_code == 503


def test_unexpected_errors_are_json_500(settings, tmp_path):
    def broken_answer(*args, **kwargs):
        raise RuntimeError("the answerer broke")

    services = Services(settings, open_index=lambda s: StandInIndex(), answer_fn=broken_answer)
    services.open(None)
    client = local_client(create_api(services), raise_server_exceptions=False)
    r = client.post("/ask", json={"question": "anything?"})
    assert r.status_code == 500 and r.json() == {"detail": "internal error (RuntimeError); see the server log"}


def test_oversized_upload_is_refused_from_its_content_length(settings):
    small = settings.model_copy(update={"server": settings.server.model_copy(update={"max_upload_mb": 1})})
    index = StandInIndex()
    services = Services(small, open_index=lambda s: index, answer_fn=stand_in_answer)
    services.open(None)
    client = local_client(create_api(services))
    r = client.post("/documents", files={"files": ("big.txt", b"x" * (2 * 1024 * 1024), "text/plain")})
    assert r.status_code == 413 and "1 MiB" in r.json()["detail"]
    assert index.ingest_calls == []
    ok = client.post("/documents", files={"files": ("small.txt", b"a small note", "text/plain")})
    assert ok.status_code == 200 and ok.json()["outcomes"][0]["status"] == "added"
