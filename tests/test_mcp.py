"""The MCP server with the official SDK's client against the real policyqa server (real index, MiniLM embedder):
over streamable HTTP at /mcp of the running HTTP server, and over stdio (`python -m app.cli mcp`) on the same home.
Each tool's result carries citation labels, titles and spans."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest
from live_server import REPO_ROOT, sample_corpus_server

pytest.importorskip("mcp", reason="needs the mcp extra (pip install 'policyqa[mcp]')")

from mcp.client.session import ClientSession  # noqa: E402
from mcp.client.stdio import StdioServerParameters, stdio_client  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402

pytestmark = pytest.mark.slow
TOOLS = {"search", "ask", "list_documents", "get_passage"}
QUESTION = "Why was the Mount Kumgang tourism zone shut down?"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sample_corpus_server(tmp_path_factory) as live:
        yield live


async def _exercise(session: ClientSession) -> dict:
    await session.initialize()
    tools = await session.list_tools()
    assert {t.name for t in tools.tools} == TOOLS
    out = {}
    for name, args in (
        ("list_documents", {}),
        ("search", {"query": "Mount Kumgang tourism", "k": 3}),
        ("ask", {"question": QUESTION}),
    ):
        result = await session.call_tool(name, args)
        assert not result.is_error, result.content
        out[name] = result.structured_content
    chunk = out["search"]["hits"][0]["chunk_id"]
    result = await session.call_tool("get_passage", {"chunk_id": chunk})
    out["get_passage"] = result.structured_content
    missing = await session.call_tool("get_passage", {"chunk_id": "no-such-passage"})
    assert missing.is_error and "no passage" in str(missing.content)
    return out


def _check(out: dict) -> None:
    docs = {d["doc_id"]: d["title"] for d in out["list_documents"]["documents"]}
    assert "fpri-sanctions-relief-2019" in docs
    hit = out["search"]["hits"][0]
    assert hit["doc_id"] == "fpri-sanctions-relief-2019" and hit["label"] and hit["title"] == docs[hit["doc_id"]]
    answer = out["ask"]
    assert not answer["abstained"] and "[1]" in answer["answer"]
    cited = answer["citations"][0]
    assert cited["label"] and cited["title"].startswith("Of Course North Korea")
    assert cited["span"] == cited["text"][cited["span_start"] : cited["span_end"]] and "shut down" in cited["text"]
    assert cited["viewer_path"].startswith("/documents/fpri-sanctions-relief-2019/view?chunk=")
    assert out["get_passage"]["chunk_id"] == hit["chunk_id"] and out["get_passage"]["text"] == hit["text"]


def test_mcp_over_streamable_http(server):
    async def run() -> dict:
        async with streamable_http_client(f"{server.url}/mcp") as (read, write):
            async with ClientSession(read, write) as session:
                return await _exercise(session)

    _check(asyncio.run(run()))


def test_mcp_over_stdio(server):
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "POLICYQA_HOME": str(server.home),
        "POLICYQA_INDEX__EMBEDDER": "minilm",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    params = StdioServerParameters(command=sys.executable, args=["-m", "app.cli", "mcp"], env=env, cwd=str(REPO_ROOT))

    async def run() -> dict:
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                return await _exercise(session)

    _check(asyncio.run(run()))
