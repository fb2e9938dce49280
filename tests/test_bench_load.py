"""`policyqa eval load` plumbing: its options parse, and `measure` runs search clients and an uploader against a
real uvicorn server on 127.0.0.1 (real index, fake embedder) for a second per phase and reports both phases."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from test_upload_collisions import real_services

from app.cli import build_parser
from app.web.server import create_api
from bench.load import free_port, measure, print_table


def test_the_load_options_parse():
    args = build_parser().parse_args(["eval", "load", "--seconds", "3", "--clients", "2", "--json"])
    assert (args.what, args.seconds, args.clients, args.json) == ("load", 3.0, 2, True)


@pytest.fixture
def server_url(tmp_path) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_api(real_services(tmp_path)), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.mark.slow  # about 7 s: index, server and two phases
def test_measure_reports_both_phases_and_the_new_documents(server_url, shared_data, monkeypatch, capsys):
    monkeypatch.setenv("POLICYQA_BENCH_DATA", str(shared_data))
    result = measure(server_url, clients=2, seconds=1.0)
    idle, during = result["phases"]
    assert (idle["phase"], during["phase"]) == ("idle", "ingest")
    assert idle["requests"] > 0 and during["requests"] > 0
    assert idle["errors"] == 0 and during["errors"] == 0, (idle["error_samples"], during["error_samples"])
    assert result["uploads"]["uploads"] >= 1 and not result["uploads"]["failed"]
    assert result["documents_after"] == result["documents_before"] + result["uploads"]["uploads"]
    print_table(result, "fake")
    assert "ratio p95 ingest/idle" in capsys.readouterr().out
