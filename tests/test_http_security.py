"""The HTTP guard and request bounds, on the real FastAPI app (API routes + `RequestGuard`) over the stand-in
index of test_services, driven through ASGI with a chosen client address: bounded request fields (422/413),
auth before the body is read, the upload limit enforced while streaming, loopback-only changes without a token,
Origin/Host checks, per-file upload errors, and no absolute server paths in any body."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from test_services import StandInIndex, stand_in_answer

from app.services import Services, check_suffix, safe_filename
from app.settings import Settings
from app.web.security import GuardConfig, RequestGuard
from app.web.server import create_api

LOCAL = ("127.0.0.1", 40000)
REMOTE = ("203.0.113.7", 40000)
HOST = "127.0.0.1:7860"


def make_services(tmp_path: Path, **server) -> Services:
    settings = Settings(home=tmp_path / "home", index_dir=tmp_path / "index")
    settings = settings.model_copy(update={"server": settings.server.model_copy(update=server)})
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "visas.txt").write_text("Designated persons shall be denied visas.", encoding="utf-8")
    svc = Services(settings, open_index=lambda s: StandInIndex(), answer_fn=stand_in_answer)
    svc.open(corpus)
    return svc


def call(app, method: str, url: str, *, client=LOCAL, headers=None, **kwargs) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=client, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{HOST}") as c:
            return await c.request(method, url, headers={"host": HOST, **(headers or {})}, **kwargs)

    return asyncio.run(run())


@pytest.fixture
def svc(tmp_path) -> Services:
    return make_services(tmp_path)


@pytest.fixture
def api(svc):
    return create_api(svc)


@pytest.mark.parametrize(
    "body, status, needle",
    [
        ({"question": "visas?", "history": [["q", "a"]] * 21}, 422, "20"),
        ({"question": "visas?", "history": [["q" * 9000, "a"]]}, 422, "8,000"),
        ({"question": "visas?", "history": [["q" * 7000, "a" * 7000]] * 5}, 422, "64,000"),
        ({"question": "visas?", "filters": {"doc_id": ["x"] * 51}}, 422, "at most 50"),
        ({"question": "visas?", "filters": {"doc_id": ["x" * 201]}}, 422, "at most 200"),
        ({"question": "q" * 4001}, 422, "4000"),
        ({"question": "visas?", "k": 0}, 422, "greater than or equal"),
        ({"question": "visas?", "history": [["h" * 60_000, "a"]] * 5}, 413, "larger than"),
    ],
)
def test_ask_fields_are_bounded(api, body, status, needle):
    r = call(api, "POST", "/ask", json=body)
    assert r.status_code == status, r.text
    assert needle in r.text


def test_search_fields_are_bounded_and_a_lone_surrogate_is_a_422(api):
    raw = '{"query": "visas \\ud800"}'
    r = call(api, "POST", "/search", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "unicode" in r.text
    r = call(api, "POST", "/ask", content='{"question": "\\udfff?"}', headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert call(api, "POST", "/search", json={"query": "visas", "k": 101}).status_code == 422
    assert call(api, "POST", "/search", json={"query": "visas"}).status_code == 200


def test_without_a_token_changes_come_only_from_loopback(api):
    files = {"files": ("note.txt", b"A note on sanctions.", "text/plain")}
    r = call(api, "POST", "/documents", client=REMOTE, files=files)
    assert r.status_code == 403 and "POLICYQA_API_TOKEN" in r.json()["detail"]
    assert call(api, "DELETE", "/documents/visas", client=REMOTE).status_code == 403
    assert call(api, "POST", "/search", client=REMOTE, json={"query": "visas"}).status_code == 200  # reads stay open
    assert call(api, "POST", "/documents", files=files).status_code == 200
    assert call(api, "DELETE", "/documents/note").status_code == 200


def test_gradio_upload_route_follows_the_same_rule():
    seen = []

    async def inner(scope, receive, send):
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guard = RequestGuard(inner, GuardConfig.build(token=None, max_upload_mb=1))
    files = {"files": ("x.txt", b"x", "text/plain")}
    assert call(guard, "POST", "/gradio_api/upload", client=REMOTE, files=files).status_code == 403
    assert call(guard, "POST", "/gradio_api/upload", client=LOCAL, files=files).status_code == 200
    assert seen == ["/gradio_api/upload"]


PART_HEAD = (
    b'--zz\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n'
)


def streamed(total: int, counter: list[int], block: int = 64 * 1024):
    async def body():
        yield PART_HEAD
        sent = 0
        while sent < total:
            counter[0] += block
            sent += block
            yield b"x" * block

    return body()


def test_auth_is_checked_before_the_body_is_read(tmp_path):
    api = create_api(make_services(tmp_path, api_token="s3cret"))
    read = [0]
    headers = {"content-type": "multipart/form-data; boundary=zz"}
    r = call(api, "POST", "/documents", content=streamed(20 * 2**20, read), headers=headers)
    assert r.status_code == 401
    assert read[0] <= 64 * 1024  # at most the first block was pulled by the client, none consumed by the server


def test_the_upload_limit_is_enforced_while_streaming(tmp_path):
    svc = make_services(tmp_path, max_upload_mb=1)
    api = create_api(svc)
    read = [0]
    headers = {"content-type": "multipart/form-data; boundary=zz"}  # chunked: no Content-Length
    r = call(api, "POST", "/documents", content=streamed(64 * 2**20, read), headers=headers)
    assert r.status_code == 413 and "1 MiB" in r.json()["detail"]
    assert read[0] < 3 * 2**20  # stopped soon after the limit, not after the whole 64 MiB
    assert not any(svc.library_dir.glob("*")) if svc.library_dir.exists() else True


def test_origin_and_host_are_checked(api):
    files = {"files": ("note.txt", b"A note.", "text/plain")}
    foreign = {"origin": "http://localhost:9999"}
    assert call(api, "POST", "/documents", files=files, headers=foreign).status_code == 403
    assert call(api, "DELETE", "/documents/visas", headers=foreign).status_code == 403
    assert call(api, "OPTIONS", "/documents", headers=foreign).status_code == 403
    own = {"origin": f"http://{HOST}"}
    assert call(api, "POST", "/documents", files=files, headers=own).status_code == 200
    r = call(api, "GET", "/health", headers={"host": "evil.example:7860"})
    assert r.status_code == 421
    r = call(api, "GET", "/health", headers={"origin": "http://evil.example"})
    assert not any(k.lower().startswith("access-control-") for k in r.headers)


def test_upload_files_are_judged_one_by_one(api, svc):
    files = [
        ("files", ("good.txt", b"A good note on sanctions.", "text/plain")),
        ("files", ("bad.exe", b"MZ", "application/octet-stream")),
        ("files", ("...txt", b"dots only", "text/plain")),
        ("files", ("good.txt", b"The same name again.", "text/plain")),
        ("files", ("n" * 300 + ".txt", b"A long name.", "text/plain")),
    ]
    r = call(api, "POST", "/documents", files=files)
    assert r.status_code == 200, r.text
    outcomes = r.json()["outcomes"]
    failed = [o["message"] for o in outcomes if o["status"] == "failed"]
    assert len(failed) == 3
    assert any("unsupported file type .exe" in m for m in failed)
    assert any("no name before its extension" in m for m in failed)
    assert any("appears twice" in m for m in failed)
    assert sum(o["status"] == "added" for o in outcomes) == 2
    only_bad = call(api, "POST", "/documents", files=[("files", ("bad.exe", b"MZ", "x/y"))])
    assert only_bad.status_code == 415


def test_no_absolute_server_paths_leave_the_server(api, svc, tmp_path):
    call(api, "POST", "/documents", files={"files": ("memo.txt", b"A memo on visas.", "text/plain")})
    bodies = [
        call(api, "GET", "/health").text,
        call(api, "GET", "/documents").text,
        call(api, "POST", "/search", json={"query": "memo visas"}).text,
        call(api, "POST", "/ask", json={"question": "memo visas"}).text,
    ]
    for body in bodies:
        assert str(tmp_path) not in body, body
    docs = {d["doc_id"]: d["source"] for d in json.loads(bodies[1])}
    assert docs["memo"] == "library/memo.txt" and docs["visas"] == "visas.txt"


def test_an_unexpected_error_body_names_no_internals(tmp_path):
    svc = make_services(tmp_path)

    def broken(*args, **kwargs):
        raise RuntimeError(f"boom at {tmp_path}/secret")

    svc.answer_fn = broken
    r = call(create_api(svc), "POST", "/ask", json={"question": "visas"})
    assert r.status_code == 500 and "secret" not in r.text and str(tmp_path) not in r.text


def test_file_names_are_bounded_and_valid():
    assert len(safe_filename("é" * 300 + ".txt").encode()) <= 200 and safe_filename("é" * 300 + ".txt").endswith(".txt")
    assert safe_filename("bad\udc80name.txt").encode("utf-8")
    with pytest.raises(Exception, match="no name before"):
        check_suffix("...txt")
    with pytest.raises(Exception, match="unsupported file type"):
        check_suffix(".txt")
    check_suffix("a.txt")
