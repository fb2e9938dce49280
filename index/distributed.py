"""Embedding on a Ray cluster: `RayEmbedder` wraps a local embedder; its `encode_passages` runs Ray Data
`map_batches` with one copy of the model per worker, while queries and token counts (which the chunker needs) stay
local. The index is written by this process exactly as in a single-process ingest (same chunk ids, same atomic
commit); only the passage vectors come from the cluster.

Every worker must be able to import policyqa and load the same model (`minilm` ships in a package; `e5-small` is
converted under the worker's policyqa home on first use). Needs the `[ray]` extra.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)


class RayEmbedderError(RuntimeError):
    """The cluster cannot be reached or used; the message says what to check."""


class _EmbedBatch:
    """Ray Data callable class: loads the embedder once per worker, embeds each batch of {"i", "text"} rows."""

    def __init__(self, spec: str, home: str, backend: str, bf16: str, batch_size: int) -> None:
        from index.models.embedders import load_embedder

        self.embedder = load_embedder(spec, home=Path(home), backend=backend, bf16=bf16)  # type: ignore[arg-type]
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        vectors = self.embedder.encode_passages(texts, batch_size=self.batch_size)
        return {"i": np.asarray(batch["i"]), "vector": np.asarray(vectors, dtype=np.float32)}


def worker_backend(local_backend: str | None) -> tuple[str, str]:
    """(backend, bf16) the workers load to compute the same vectors as the local embedder."""
    if local_backend in ("onnx-int8", "onnx-fp32"):
        return local_backend, "off"
    return "torch", "on" if local_backend == "torch-bf16" else "off"


class RayEmbedder:
    """An `Embedder` whose passages are embedded on the Ray cluster at `address`."""

    window = 8192  # texts per Ray job when the ingest pipeline embeds ahead (each job loads the model per worker)

    def __init__(
        self,
        local: Any,
        *,
        address: str,
        spec: str,
        home: Path,
        workers: int | None = None,
        batch_size: int = 32,
        runtime_env: dict | None = None,
    ) -> None:
        self._local = local
        self.name = local.name
        self.dim = local.dim
        self.max_tokens = local.max_tokens
        self.backend = getattr(local, "backend", None)
        self.backend_sha256 = getattr(local, "backend_sha256", None)
        self._address = address
        self._spec = spec
        self._home = str(home)
        self._workers = workers
        self._batch_size = batch_size
        self._runtime_env = runtime_env
        self._connected = False

    def __repr__(self) -> str:
        return f"RayEmbedder(name={self.name!r}, backend={self.backend!r}, address={self._address!r})"

    def connect(self) -> None:
        if self._connected:
            return
        try:
            import ray
        except ImportError as exc:
            raise RayEmbedderError("--ray needs the ray extra: `pip install 'policyqa[ray]'`") from exc
        try:
            ray.init(
                address=self._address, ignore_reinit_error=True, runtime_env=self._runtime_env, log_to_driver=False
            )
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise RayEmbedderError(
                f"cannot connect to the Ray cluster at {self._address!r} ({exc}); start one with "
                "`ray start --head` and pass its address (host:6379), or 'auto' on a cluster node"
            ) from exc
        self._connected = True

    def encode_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.connect()
        import ray

        backend, bf16 = worker_backend(self.backend)
        workers = self._workers or max(1, int(ray.cluster_resources().get("CPU", 1)) // 2)
        ds = ray.data.from_items([{"i": i, "text": t} for i, t in enumerate(texts)])
        out = ds.map_batches(
            _EmbedBatch,
            fn_constructor_kwargs={
                "spec": self._spec,
                "home": self._home,
                "backend": backend,
                "bf16": bf16,
                "batch_size": self._batch_size,
            },
            batch_size=max(batch_size, self._batch_size),
            batch_format="numpy",
            concurrency=workers,
        )
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        seen = np.zeros(len(texts), dtype=bool)
        for batch in out.iter_batches(batch_size=1024, batch_format="numpy"):
            idx = np.asarray(batch["i"], dtype=np.int64)
            vectors[idx] = np.stack(list(batch["vector"]))
            seen[idx] = True
        if not seen.all():
            raise RayEmbedderError(f"the cluster returned vectors for {int(seen.sum())} of {len(texts)} passages")
        return vectors

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._local.encode_queries(texts)

    def count_tokens(self, text: str) -> int:
        return self._local.count_tokens(text)

    def count_tokens_batch(self, texts: list[str]) -> list[int]:
        return self._local.count_tokens_batch(texts)


def ray_embedder(settings: Any, home: Path, address: str, **kwargs: Any) -> RayEmbedder:
    """The configured embedder (loaded locally for queries and token counts) with its passages embedded on Ray."""
    from index.models.embedders import load_embedder

    local = load_embedder(settings.embedder, home=home, bf16=settings.bf16, backend=settings.backend)
    return RayEmbedder(
        local, address=address, spec=settings.embedder, home=home, batch_size=settings.batch_size, **kwargs
    )
