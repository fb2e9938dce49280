"""Which engine runs the embedder: the setting, the decision `auto` makes, and which vectors may share an index.

Backends:
- `torch`: sentence-transformers on PyTorch, in float32, or under bfloat16 autocast when the `bf16` setting says so
  (resolved names `torch-fp32`, `torch-bf16`);
- `onnx-fp32`: the same model exported to ONNX (`torch.onnx.export`) and run by ONNX Runtime;
- `onnx-int8`: that export with every weight MatMul turned into ONNX Runtime's `MatMulNBits`: int8 weights and int8
  activations, each with one scale per block of 32 input channels (`index.models.onnx_export.INT8`).

`auto` is a pure function of the CPU's feature flags (`choose_backend`): native bf16 (avx512_bf16 / amx_bf16) ->
torch in bf16 (the fastest path measured there, ahead of int8 ONNX; cosine >= 0.9999 to fp32); otherwise ONNX
Runtime, int8 when its retrieval quality was measured within tolerance of fp32 for that embedder, fp32 otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from index.models.bf16 import flags_support_bf16

BackendSetting = Literal["auto", "torch", "onnx-int8", "onnx-fp32"]
Backend = Literal["torch-fp32", "torch-bf16", "onnx-fp32", "onnx-int8"]
BACKEND_SETTINGS: tuple[str, ...] = ("auto", "torch", "onnx-int8", "onnx-fp32")
BACKENDS: tuple[str, ...] = ("torch-fp32", "torch-bf16", "onnx-fp32", "onnx-int8")

# Embedders whose int8 ONNX vectors keep retrieval quality within 0.005 of fp32 (SciFact nDCG@10 and bilingual
# Recall@5, dense and hybrid: `policyqa eval int8`): `auto` uses int8 only for these. An embedder not listed (a custom
# model directory) gets a float backend. Measured with the blockwise int8 export (export version 3, SciFact 1000
# documents, 99 bilingual queries), worst difference: e5-small SciFact dense nDCG@10 -0.0037, MiniLM -0.0013.
INT8_QUALITY_PASSED: frozenset[str] = frozenset({"e5-small", "minilm"})


def vector_family(backend: str | None) -> str:
    """Backends whose vectors may share one index: torch fp32, torch bf16 and ONNX fp32 agree to cosine >= 0.9999
    ("fp32"); int8 vectors differ more (cosine >= 0.999 to fp32; an earlier int8 export ~0.99) and form their
    own family, tied to one ONNX file by the manifest's `backend_sha256`. None (an index recorded before backends
    existed) was built by torch."""
    return "int8" if backend == "onnx-int8" else "fp32"


def choose_backend(
    setting: str,
    *,
    cpu_flags: Iterable[str],
    embedder: str,
    onnx_available: bool = True,
    built_with: str | None = None,
    int8_passed: Iterable[str] = INT8_QUALITY_PASSED,
) -> str:
    """The backend setting -> the engine to run (`torch`, `onnx-fp32` or `onnx-int8`; torch's precision follows the
    `bf16` setting).

    `auto` keeps the vector family of an existing index (`built_with`, its manifest's backend) so opening an index
    never mixes vectors; for a new index it picks by CPU: native bf16 -> torch; else int8 when `embedder` passed the
    int8 quality check, else onnx-fp32; torch whenever ONNX Runtime is not installed.
    """
    if setting not in BACKEND_SETTINGS:
        raise ValueError(f"backend must be one of {', '.join(BACKEND_SETTINGS)}, not {setting!r}")
    if setting != "auto":
        return setting
    flags = set(cpu_flags)
    if built_with is not None and vector_family(built_with) == "int8":
        return "onnx-int8" if onnx_available else "torch"  # torch then refuses with a clear message
    if flags_support_bf16(flags) or not onnx_available:
        return "torch"
    if built_with is None and embedder in set(int8_passed):
        return "onnx-int8"
    return "onnx-fp32"
