"""Search latency of the real HTTP server under load, idle and while a librarian uploads documents.

Starts the server (uvicorn on 127.0.0.1, a free port) over a temporary home holding a copy of the law-corpus
benchmark index, then runs `--clients` concurrent clients that POST /search for `--seconds`: once with nothing else
happening, once while an uploader sends law files to POST /documents one after another (re-uploads under new names,
so each is loaded, chunked and embedded again). Prints requests, errors, p50/p95/max per phase and the ratio
p95 during ingest / p95 idle (target: 0 errors, ratio <= 2.0). Usage: ``policyqa eval load [--seconds 60]
[--clients 8] [--json]``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from bench.common import law_corpus_paths, write_result
from bench.corpus import bench_index
from bench.metrics import percentile
from bench.paths import QA_DIR

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
LAUNCH = """
import logging, sys
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
from app.settings import Settings
from app.web.server import serve
serve(Settings(), host="127.0.0.1", port=int(sys.argv[1]))
"""


@dataclass
class PhaseResult:
    phase: str
    seconds: float
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    error_samples: list[str] = field(default_factory=list)


@dataclass
class UploadLog:
    uploads: int = 0
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def load_questions() -> list[str]:
    """Researchers' questions (English and Korean) from the QA and bilingual sets."""
    questions: list[str] = []
    for name, key in (("answers.jsonl", "question"), ("bilingual.jsonl", "query")):
        path = QA_DIR / name
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    questions.append(json.loads(line)[key])
    return questions or ["What sanctions apply to North Korean shipping?"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_home(settings, root: Path) -> Path:
    """A home for the server: a copy of the (cached, brought up to date) law-corpus benchmark index as its index,
    and the converted models of `settings.home` linked in read-only use."""
    cached = bench_index(settings.index.embedder, settings=settings)
    source = Path(cached.path)
    home = root / "home"
    home.mkdir(parents=True)
    shutil.copytree(source, home / "index", ignore=shutil.ignore_patterns("LOCK"))
    models = Path(settings.home) / "models"
    if models.is_dir():
        (home / "models").symlink_to(models.resolve(), target_is_directory=True)
    return home


@contextmanager
def running_server(home: Path, embedder: str, timeout: float = 600) -> Iterator[str]:
    """The real server in a subprocess on a free loopback port; yields its URL once /health says ok."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "POLICYQA_HOME": str(home),
        "POLICYQA_INDEX__EMBEDDER": embedder,
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    for name in ("POLICYQA_INDEX_DIR", "POLICYQA_API_TOKEN", "POLICYQA_LLM_BASE_URL"):
        env.pop(name, None)
    log_path = home / "server.log"
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, str(port)], cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}; see {log_path}")
            try:
                if httpx.get(f"{url}/health", timeout=5).json().get("status") == "ok":
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server was not ready after {timeout:.0f} s; see {log_path}")
            time.sleep(0.5)
        yield url
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def search_clients(url: str, questions: list[str], clients: int, seconds: float, phase: str) -> PhaseResult:
    """`clients` threads, each POSTing /search back to back for `seconds`; latency of every request."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            i = n
            while time.monotonic() < stop_at:
                question = questions[i % len(questions)]
                i += clients
                started = time.perf_counter()
                try:
                    r = http.post("/search", json={"query": question, "k": 10})
                    problem = None if r.status_code == 200 else f"HTTP {r.status_code}: {r.text[:200]}"
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return PhaseResult(
        phase=phase,
        seconds=seconds,
        requests=len(latencies),
        errors=len(errors),
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        max_ms=max(latencies, default=0.0),
        error_samples=errors[:5],
    )


def upload_until(url: str, files: list[Path], stop: threading.Event, record: UploadLog) -> None:
    """Upload `files` one at a time, under new names so each is indexed again, until `stop` is set (the upload
    in flight then finishes)."""
    started = time.perf_counter()
    with httpx.Client(base_url=url, timeout=600) as http:
        n = 0
        while not stop.is_set():
            path = files[n % len(files)]
            name = f"load-{n:04d}-{path.name}"
            try:
                r = http.post(
                    "/documents",
                    params={"force_duplicates": "true"},
                    files={"files": (name, path.read_bytes(), "application/octet-stream")},
                )
                if r.status_code != 200 or any(o["status"] == "failed" for o in r.json()["outcomes"]):
                    record.failed.append(f"{name}: HTTP {r.status_code} {r.text[:200]}")
                else:
                    record.uploads += 1
            except httpx.HTTPError as exc:
                record.failed.append(f"{name}: {type(exc).__name__}: {exc}")
            n += 1
    record.seconds = time.perf_counter() - started


def measure(url: str, *, clients: int, seconds: float) -> dict:
    questions = load_questions()
    search_clients(url, questions, clients, min(5.0, seconds), "warm-up")
    idle = search_clients(url, questions, clients, seconds, "idle")
    before = len(httpx.get(f"{url}/documents", timeout=60).json())
    stop, uploads = threading.Event(), UploadLog()
    uploader = threading.Thread(target=upload_until, args=(url, law_corpus_paths(), stop, uploads), daemon=True)
    uploader.start()
    during = search_clients(url, questions, clients, seconds, "ingest")
    stop.set()
    uploader.join()
    after = len(httpx.get(f"{url}/documents", timeout=60).json())
    return {
        "clients": clients,
        "seconds": seconds,
        "phases": [asdict(idle), asdict(during)],
        "uploads": asdict(uploads),
        "documents_before": before,
        "documents_after": after,
        "ratio_p95": during.p95_ms / idle.p95_ms if idle.p95_ms else float("nan"),
    }


def print_table(result: dict, embedder: str) -> None:
    print(
        f"Search latency of the HTTP server, {result['clients']} clients x {result['seconds']:.0f} s per phase, "
        f"embedder {embedder} (targets: 0 errors, p95 during ingest <= 2.0x idle)"
    )
    head = f"{'phase':<8} {'requests':>9} {'errors':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
    print(head + "\n" + "-" * len(head))
    for p in result["phases"]:
        print(
            f"{p['phase']:<8} {p['requests']:>9} {p['errors']:>7} {p['requests'] / p['seconds']:>7.1f} "
            f"{p['p50_ms']:>8.1f} {p['p95_ms']:>8.1f} {p['max_ms']:>8.1f}"
        )
    up = result["uploads"]
    print(
        f"ratio p95 ingest/idle: {result['ratio_p95']:.2f}; uploads indexed during the ingest phase: {up['uploads']} "
        f"(failed {len(up['failed'])}, {up['seconds']:.0f} s); documents {result['documents_before']} -> "
        f"{result['documents_after']}"
    )
    for p in result["phases"]:
        for sample in p["error_samples"]:
            print(f"  {p['phase']} error: {sample}")
    for failure in up["failed"][:5]:
        print(f"  upload failed: {failure}")


def main(*, settings, out_dir: Path, seconds: float = 60.0, clients: int = 8, as_json: bool = False) -> int:
    with tempfile.TemporaryDirectory(prefix="policyqa-bench-load-") as tmp:
        home = prepare_home(settings, Path(tmp))
        with running_server(home, settings.index.embedder) as url:
            result = measure(url, clients=clients, seconds=seconds)
    path = write_result(out_dir, "load", result)
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print_table(result, settings.index.embedder)
        print(f"results: {path}")
    ok = all(p["errors"] == 0 for p in result["phases"]) and not result["uploads"]["failed"]
    grew = result["documents_after"] > result["documents_before"]
    return 0 if ok and grew else 1
