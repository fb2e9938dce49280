"""Start the real policyqa server (`app.server.serve`: uvicorn, API + Gradio) in a subprocess on a free port of
127.0.0.1, over a temporary home whose index is built from a given corpus folder with the real MiniLM embedder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]

LAUNCH = """
import logging, sys
from pathlib import Path
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
from app.settings import Settings
from app.server import serve
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
            [sys.executable, "-c", LAUNCH, str(port), str(corpus)], cwd=REPO_ROOT, env=full_env,
            stdout=log, stderr=subprocess.STDOUT,
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
