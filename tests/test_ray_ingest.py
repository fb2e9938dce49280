"""`policyqa ingest --ray`: passages embedded on a local Ray cluster (started here on 127.0.0.1) give the same index
as a single-process ingest: the same chunk ids and vectors equal within float tolerance."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO_ROOT, TEST_DATA

pytest.importorskip("ray")

FILES = ["usc_synthetic.txt", "eo_synthetic.md", "kr_statute_synthetic.md", "article.md"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory):
    """A one-node Ray cluster on 127.0.0.1, in its own process group, stopped by that group's id."""
    port = free_port()
    tmp = tmp_path_factory.mktemp("ray")
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), RAY_USAGE_STATS_ENABLED="0")
    ray_bin = str(Path(sys.executable).with_name("ray"))
    proc = subprocess.Popen(
        [
            ray_bin, "start", "--head", "--block", "--node-ip-address", "127.0.0.1", "--port", str(port),
            "--num-cpus", "2", "--include-dashboard", "false", "--disable-usage-stats",
            "--temp-dir", str(tmp),
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None:
                pytest.fail(f"ray start exited with {proc.returncode}")
            time.sleep(1)
        yield address
    finally:
        import ray

        ray.shutdown()
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.slow
def test_ray_ingest_equals_single_process_ingest(tmp_path, model_home, ray_cluster):
    from index.distributed import ray_embedder
    from index.index import Index
    from index.settings import IndexSettings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in FILES:
        (corpus / name).write_bytes((TEST_DATA / name).read_bytes())
    settings = IndexSettings(embedder="minilm", backend="torch", bf16="off")
    single = Index.create(tmp_path / "single", settings=settings, home=model_home)
    single.ingest([corpus])

    embedder = ray_embedder(settings, model_home, ray_cluster, workers=1)
    embedder.window = 16  # several Ray jobs, each a few batches
    distributed = Index.create(tmp_path / "ray", settings=settings, home=model_home, embedder=embedder)
    report = distributed.ingest([corpus])
    assert not report.failed and report.embedded_chunks > 0

    a, b = single._state, distributed._state
    assert [r["chunk_id"] for r in a.table.rows] == [r["chunk_id"] for r in b.table.rows]
    assert len(a.table.rows) > 10
    np.testing.assert_allclose(np.asarray(a.vectors), np.asarray(b.vectors), atol=1e-5)
    assert distributed.manifest.embedder.backend == single.manifest.embedder.backend == "torch-fp32"
    reopened = Index.open(tmp_path / "ray", settings=settings, home=model_home)
    assert reopened.search("sanctions", k=1)
