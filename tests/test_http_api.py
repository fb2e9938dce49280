"""The HTTP API against the real server (uvicorn subprocess on 127.0.0.1, real index, real MiniLM embedder) over
a tiny corpus: the two sample documents plus two short executive orders from ../shared/data when present."""

from __future__ import annotations

import io
import shutil

import httpx
import pytest
from live_server import REPO_ROOT, start_server

TOKEN = "test-token-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SHARED_ORDERS = REPO_ROOT.parent / "shared" / "data" / "us_executive_orders_north_korea"
ORDERS = ("2008-06-26-executive-order-13466.md", "2011-04-18-executive-order-13570.md")

ACCORD = (
    "The Kaesong Orchard Accord was signed at Panmunjom on 3 March 2031 by the two agricultural ministries.\n\n"
    "Under the accord, the annual apple export quota is 4,321 tonnes, reviewed every two years.\n\n"
    "Disputes about the quota are settled by a joint committee of six members."
)
ACCORD_QUESTION = "What is the annual apple export quota under the Kaesong Orchard Accord?"
PDF_QUESTION = "How many fishing days per season does the Haeju Fisheries Protocol allow each trawler?"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    for doc in (REPO_ROOT / "corpus").glob("*.md"):
        shutil.copy(doc, corpus / doc.name)
    if SHARED_ORDERS.is_dir():
        for name in ORDERS:
            shutil.copy(SHARED_ORDERS / name, corpus / name)
    live = start_server(
        tmp_path_factory.mktemp("home"), corpus, env={"POLICYQA_API_TOKEN": TOKEN, "POLICYQA_MAX_UPLOAD_MB": "1"}
    )
    yield live
    live.stop()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=120) as c:
        yield c


def _pdf_bytes() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.setTitle("Briefing on fisheries cooperation")
    pdf.drawString(72, 760, "Briefing on fisheries cooperation in the West Sea.")
    pdf.drawString(72, 740, "This first page introduces the parties and the history of the talks.")
    pdf.showPage()
    pdf.drawString(72, 760, "The Haeju Fisheries Protocol limits each trawler to 17 fishing days per season.")
    pdf.drawString(72, 740, "Inspections are carried out jointly at the port of Haeju.")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _cited_docs(answer: dict) -> set[str]:
    return {c["doc_id"] for c in answer["citations"]} | {c["doc_id"] for c in answer["closest"]}


# ---- reads ------------------------------------------------------------------------------------------------------


def test_health_and_docs_pages(client):
    health = client.get("/health").json()
    expected_docs = 2 + (len(ORDERS) if SHARED_ORDERS.is_dir() else 0)
    assert health["status"] == "ok" and health["documents"] == expected_docs
    assert health["chunks"] >= expected_docs and health["embedder"] == "minilm"
    spec = client.get("/openapi.json").json()
    assert {"/health", "/search", "/ask", "/documents", "/documents/{doc_id}"} <= set(spec["paths"])
    assert "swagger" in client.get("/docs").text.lower()
    ui = client.get("/")
    assert ui.status_code == 200 and "gradio" in ui.text.lower()  # the Gradio app is mounted at /


def test_documents_lists_the_corpus(client):
    docs = client.get("/documents").json()
    ids = {d["doc_id"] for d in docs}
    assert {"fpri-sanctions-relief-2019", "seminar-sanctions-exemptions-2025"} <= ids
    assert all(d["chunks"] > 0 and d["indexed_at"] and d["content_hash"] for d in docs)


def test_search(client):
    r = client.post("/search", json={"query": "Mount Kumgang tourism zone shut down", "k": 3})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert 1 <= len(hits) <= 3 and [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    assert hits[0]["passage"]["doc_id"] == "fpri-sanctions-relief-2019"
    assert "Kumgang" in hits[0]["passage"]["text"] and hits[0]["passage"]["label"]
    only = client.post(
        "/search", json={"query": "sanctions", "k": 20, "filters": {"doc_id": ["seminar-sanctions-exemptions-2025"]}}
    ).json()["hits"]
    assert only and {h["passage"]["doc_id"] for h in only} == {"seminar-sanctions-exemptions-2025"}


@pytest.mark.skipif(not SHARED_ORDERS.is_dir(), reason=f"needs the executive orders in {SHARED_ORDERS}")
def test_search_doc_type_and_date_filters(client):
    orders = client.post(
        "/search", json={"query": "blocking property North Korea", "k": 10, "filters": {"doc_type": ["order"]}}
    ).json()["hits"]
    assert orders and {h["passage"]["doc_type"] for h in orders} == {"order"}
    recent = client.post(
        "/search", json={"query": "sanctions", "k": 10, "filters": {"date_from": "2019-01-01"}}
    ).json()["hits"]
    assert recent and all(h["passage"]["date"] >= "2019" for h in recent)


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"query": ""}, 422, "at least 1 character"),
        ({"query": "   "}, 422, "at least 1 character"),
        ({"query": "sanctions", "k": 0}, 422, "greater than or equal to 1"),
        ({"query": "sanctions", "k": 101}, 422, "less than or equal to 100"),
        ({"query": "sanctions", "filters": {"author": ["x"]}}, 422, "Extra inputs are not permitted"),
        ({"query": "sanctions", "filters": {"doc_type": ["memo"]}}, 422, "allowed"),
        ({"query": "sanctions", "filters": {"date_from": "March 2019"}}, 422, "date"),
        ({"query": "sanctions", "colour": "red"}, 422, "Extra inputs"),
        ({}, 422, "Field required"),
    ],
)
def test_search_rejects_bad_input_with_a_clear_body(client, body, status, needle):
    r = client.post("/search", json=body)
    assert r.status_code == status
    assert needle in r.text


def test_ask_cites_and_abstains(client):
    r = client.post("/ask", json={"question": "Why was the Mount Kumgang tourism zone shut down?"})
    assert r.status_code == 200
    answer = r.json()
    assert not answer["abstained"] and answer["citations"]
    assert "2008" in answer["text"] and "[1]" in answer["text"]
    c = answer["citations"][0]
    assert c["doc_id"] == "fpri-sanctions-relief-2019" and c["text"][c["span_start"] : c["span_end"]] == c["span"]
    assert all(s["supported"] for s in answer["sentences"])

    none = client.post("/ask", json={"question": "What is the boiling point of liquid nitrogen in kelvin?"}).json()
    assert none["abstained"] and not none["citations"]

    follow = client.post(
        "/ask",
        json={
            "question": "and when was it shut down?",
            "history": [["What do we know about the Mount Kumgang tourism zone?", answer["text"]]],
        },
    ).json()
    assert "Kumgang" in follow["query"]  # the follow-up became a standalone query

    r = client.post("/ask", json={"question": "Why was Kumgang closed?", "answerer": "llm"})
    assert r.status_code == 400 and "POLICYQA_LLM_BASE_URL" in r.json()["detail"]  # no LLM configured here


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"question": ""}, "at least 1 character"),
        ({"question": "sanctions?", "k": 0}, "greater than or equal to 1"),
        ({"question": "sanctions?", "filters": {"lang": ["en"]}}, "Extra inputs are not permitted"),
        ({"question": "sanctions?", "filters": {"language": ["fr"]}}, "allowed"),
        ({"question": "sanctions?", "history": [["only one side"]]}, "history"),
        ({"question": "sanctions?", "answerer": "oracle"}, "extractive"),
    ],
)
def test_ask_rejects_bad_input(client, body, needle):
    r = client.post("/ask", json=body)
    assert r.status_code == 422
    assert needle in r.text


# ---- writes -----------------------------------------------------------------------------------------------------


def test_mutations_need_the_token(client):
    files = {"files": ("accord.txt", ACCORD.encode(), "text/plain")}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        r = client.post("/documents", files=files, headers=headers)
        assert r.status_code == 401 and "Bearer" in r.json()["detail"]
        assert r.headers["www-authenticate"] == "Bearer"
    assert client.delete("/documents/fpri-sanctions-relief-2019").status_code == 401
    assert "fpri-sanctions-relief-2019" in {d["doc_id"] for d in client.get("/documents").json()}


def test_upload_refuses_unsupported_types_and_oversized_files(client):
    r = client.post("/documents", files={"files": ("slides.pptx", b"PK\x03\x04", "application/zip")}, headers=AUTH)
    assert r.status_code == 415
    assert ".pdf" in r.json()["detail"] and ".txt" in r.json()["detail"]
    big = b"sanctions " * (120 * 1024)  # 1.2 MB > the 1 MiB limit of this server
    r = client.post("/documents", files={"files": ("big.txt", big, "text/plain")}, headers=AUTH)
    assert r.status_code == 413 and "1 MiB" in r.json()["detail"]
    assert client.post("/documents", headers=AUTH).status_code == 422  # no files at all
    ids = {d["doc_id"] for d in client.get("/documents").json()}
    assert not ids & {"slides", "big"}


def test_upload_ask_delete_round_trip(client, server):
    files = [
        ("files", ("kaesong-orchard-accord.txt", ACCORD.encode(), "text/plain")),
        ("files", ("haeju-fisheries.pdf", _pdf_bytes(), "application/pdf")),
        ("files", ("blank.txt", b"", "text/plain")),
        ("files", ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "application/pdf")),
    ]
    r = client.post("/documents", files=files, headers=AUTH)
    assert r.status_code == 200, r.text
    outcomes = {o["path"].rsplit("/", 1)[-1]: o for o in r.json()["outcomes"]}
    assert outcomes["kaesong-orchard-accord.txt"]["status"] == "added"
    assert outcomes["haeju-fisheries.pdf"]["status"] == "added"
    assert outcomes["blank.txt"]["status"] == "failed" and outcomes["blank.txt"]["message"]
    broken = outcomes["broken.pdf"]  # the outcome names the file; its message says what is wrong, once
    assert broken["status"] == "failed" and "corrupt" in broken["message"] and "broken.pdf" not in broken["message"]
    accord_id = outcomes["kaesong-orchard-accord.txt"]["doc_id"]
    pdf_id = outcomes["haeju-fisheries.pdf"]["doc_id"]
    library = server.home / "library"
    assert sorted(p.name for p in library.iterdir()) == ["haeju-fisheries.pdf", "kaesong-orchard-accord.txt"]

    answer = client.post("/ask", json={"question": ACCORD_QUESTION}).json()
    assert not answer["abstained"] and "4,321 tonnes" in answer["text"]
    assert answer["citations"][0]["doc_id"] == accord_id
    pdf_answer = client.post("/ask", json={"question": PDF_QUESTION}).json()
    assert "17 fishing days" in pdf_answer["text"]
    pdf_citation = next(c for c in pdf_answer["citations"] if c["doc_id"] == pdf_id)
    assert pdf_citation["page"] in (1, 2)  # PDF citations carry their page (the chunk's first page)

    assert client.delete(f"/documents/{accord_id}", headers=AUTH).json() == {"removed": [accord_id]}
    assert client.delete(f"/documents/{pdf_id}", headers=AUTH).status_code == 200
    assert not library.joinpath("kaesong-orchard-accord.txt").exists()
    ids = {d["doc_id"] for d in client.get("/documents").json()}
    assert accord_id not in ids and pdf_id not in ids
    after = client.post("/ask", json={"question": ACCORD_QUESTION}).json()
    assert accord_id not in _cited_docs(after) and "4,321" not in after["text"]
    hits = client.post("/search", json={"query": "Kaesong Orchard Accord apple quota", "k": 20}).json()["hits"]
    assert accord_id not in {h["passage"]["doc_id"] for h in hits}

    r = client.delete(f"/documents/{accord_id}", headers=AUTH)
    assert r.status_code == 404 and accord_id in r.json()["detail"]


def test_reads_run_while_a_write_is_in_progress(client, server):
    """Questions keep being answered while an upload is indexed (reads use the index's current snapshot)."""
    from concurrent.futures import ThreadPoolExecutor

    note = ("The Wonsan ferry schedule lists three crossings a week.\n\n" * 40).encode()
    with ThreadPoolExecutor(max_workers=5) as pool, httpx.Client(base_url=server.url, timeout=180) as other:
        upload = pool.submit(
            other.post, "/documents", headers=AUTH, files={"files": ("wonsan-ferry.txt", note, "text/plain")}
        )
        reads = [
            pool.submit(other.post, "/ask", json={"question": "Why was the Mount Kumgang tourism zone shut down?"})
            for _ in range(2)
        ]
        reads += [pool.submit(other.post, "/search", json={"query": "sanctions relief", "k": 5}) for _ in range(2)]
        assert [r.result().status_code for r in reads] == [200, 200, 200, 200]
        assert upload.result().status_code == 200
    assert "wonsan-ferry" in {d["doc_id"] for d in client.get("/documents").json()}
    assert client.delete("/documents/wonsan-ferry", headers=AUTH).status_code == 200
