"""An `Embedder` that runs a sentence-transformers model's ONNX export with ONNX Runtime.

The model directory supplies the tokenizer (`tokenizer.json`), the prompts (`config_sentence_transformers.json`),
the input limit (`sentence_bert_config.json`) and the pooling (`1_Pooling/config.json`; mean pooling only); ONNX
Runtime runs the transformer; mean pooling and L2 normalisation happen here in float32, as sentence-transformers
does them.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

import numpy as np

from index.models.onnx_export import OnnxModel

logger = logging.getLogger(__name__)


class OnnxEmbedderError(RuntimeError):
    """The model directory cannot be run by the ONNX backend; the message says why."""


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def model_layout(model_dir: Path) -> tuple[dict[str, str], int]:
    """(prompts {"query", "document"}, max tokens) of a sentence-transformers directory; refuses what the ONNX
    path does not reproduce (pooling other than mean over tokens)."""
    pooling = _read_json(model_dir / "1_Pooling" / "config.json")
    mean = pooling.get("pooling_mode") == "mean" or bool(pooling.get("pooling_mode_mean_tokens"))
    others = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v and k != "pooling_mode_mean_tokens"]
    if not mean or others:
        raise OnnxEmbedderError(
            f"{model_dir}: the ONNX backend supports mean pooling only (found {pooling or 'no 1_Pooling/config.json'}); "
            "use backend 'torch'"
        )
    st_config = _read_json(model_dir / "config_sentence_transformers.json")
    prompts = {k: str(v) for k, v in (st_config.get("prompts") or {}).items()}
    bert = _read_json(model_dir / "sentence_bert_config.json")
    max_tokens = int(
        bert.get("max_seq_length") or _read_json(model_dir / "config.json").get("max_position_embeddings") or 512
    )
    return {"query": prompts.get("query", ""), "document": prompts.get("document", "")}, max_tokens


def session_threads() -> int:
    from index.models.threads import compute_threads

    return compute_threads()


class OnnxEmbedder:
    """`Embedder` over an ONNX Runtime session; `backend` is "onnx-fp32" or "onnx-int8"."""

    def __init__(self, model_dir: Path, onnx: OnnxModel, *, name: str, threads: int | None = None) -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise OnnxEmbedderError(
                "the ONNX backends need onnxruntime: `pip install 'policyqa[onnx]'`, or set POLICYQA_INDEX__BACKEND=torch"
            ) from exc
        from tokenizers import Tokenizer

        self.name = name
        self.backend = f"onnx-{onnx.precision}"
        self.backend_sha256 = onnx.sha256
        self.bf16 = False
        self.prompts, self.max_tokens = model_layout(model_dir)
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._counter = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._tokenizer.enable_truncation(self.max_tokens)
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or session_threads()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(onnx.path), options, providers=["CPUExecutionProvider"])
        self._count_cached = functools.lru_cache(maxsize=65536)(self._count_uncached)
        self.dim = int(self._encode(["dimension probe"], 1).shape[1])

    def __repr__(self) -> str:
        return (
            f"OnnxEmbedder(name={self.name!r}, backend={self.backend!r}, dim={self.dim}, max_tokens={self.max_tokens})"
        )

    def encode_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        prompt = self.prompts["document"]
        return self._encode([prompt + t for t in texts], batch_size)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        prompt = self.prompts["query"]
        return self._encode([prompt + t for t in texts], 32)

    def count_tokens(self, text: str) -> int:
        return self._count_cached(text)

    def _count_uncached(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def count_tokens_batch(self, texts: list[str]) -> list[int]:
        return [len(e.ids) for e in self._counter.encode_batch(list(texts), add_special_tokens=False)]

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        if not texts:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(texts)
        # Longest first, so each batch holds texts of similar length (less padding); order restored below.
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        out: np.ndarray | None = None
        for start in range(0, len(texts), batch_size):
            rows = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for j, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[j, :n] = encodings[i].ids
                mask[j, :n] = 1
            (hidden,) = self._session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            if out is None:
                out = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            out[rows] = pooled
        assert out is not None
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
