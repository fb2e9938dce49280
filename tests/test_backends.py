"""Embedding backends: what `auto` picks on each kind of CPU, and that vectors of different backends never share an
index silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FakeEmbedder, make_doc, paragraph_chunker, shared_tokenizer

from index.index import Index
from index.models.backends import choose_backend, vector_family
from index.storage.manifest import IndexMismatchError
from ingest.settings import ChunkingSettings

AVX512_BF16 = {"sse4_2", "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16"}
AVX2_ONLY = {"sse4_2", "avx2", "fma"}


def test_auto_on_native_bf16_cpu_runs_torch():
    assert choose_backend("auto", cpu_flags=AVX512_BF16, embedder="e5-small", int8_passed={"e5-small"}) == "torch"
    assert choose_backend("auto", cpu_flags={"avx2", "amx_bf16"}, embedder="minilm") == "torch"


def test_auto_on_avx2_cpu_uses_int8_only_when_its_quality_passed():
    assert choose_backend("auto", cpu_flags=AVX2_ONLY, embedder="e5-small", int8_passed={"e5-small"}) == "onnx-int8"
    assert choose_backend("auto", cpu_flags=AVX2_ONLY, embedder="minilm", int8_passed={"e5-small"}) == "onnx-fp32"
    assert choose_backend("auto", cpu_flags=AVX2_ONLY, embedder="/models/custom", int8_passed=()) == "onnx-fp32"


def test_auto_uses_int8_for_the_packaged_embedders_that_passed_and_float_for_others():
    from index.models.backends import INT8_QUALITY_PASSED

    assert {"e5-small", "minilm"} <= INT8_QUALITY_PASSED
    for name in ("e5-small", "minilm"):
        assert choose_backend("auto", cpu_flags=AVX2_ONLY, embedder=name) == "onnx-int8"
        assert choose_backend("auto", cpu_flags=AVX512_BF16, embedder=name) == "torch"  # bf16 measured faster
    assert choose_backend("auto", cpu_flags=AVX2_ONLY, embedder="/models/custom") == "onnx-fp32"


def test_auto_without_onnxruntime_falls_back_to_torch():
    assert choose_backend("auto", cpu_flags=AVX2_ONLY, embedder="e5-small", onnx_available=False) == "torch"


def test_auto_keeps_the_vector_family_of_an_existing_index():
    # an int8 index stays int8 even on a bf16 CPU; a float index stays float even where int8 passed
    assert choose_backend("auto", cpu_flags=AVX512_BF16, embedder="e5-small", built_with="onnx-int8") == "onnx-int8"
    assert (
        choose_backend(
            "auto", cpu_flags=AVX2_ONLY, embedder="e5-small", built_with="torch-bf16", int8_passed={"e5-small"}
        )
        == "onnx-fp32"
    )


def test_explicit_setting_wins_and_unknown_is_refused():
    assert choose_backend("onnx-int8", cpu_flags=AVX512_BF16, embedder="minilm") == "onnx-int8"
    assert choose_backend("torch", cpu_flags=AVX2_ONLY, embedder="minilm") == "torch"
    with pytest.raises(ValueError, match="backend must be one of"):
        choose_backend("tensorrt", cpu_flags=AVX2_ONLY, embedder="minilm")


def test_vector_families():
    assert {vector_family(b) for b in ("torch-fp32", "torch-bf16", "onnx-fp32", None)} == {"fp32"}
    assert vector_family("onnx-int8") == "int8"


class BackendFake(FakeEmbedder):
    def __init__(self, backend: str) -> None:
        super().__init__(dim=32, name="fake")
        self.backend = backend
        self.backend_sha256 = "ab" * 32 if backend.startswith("onnx") else None


def build(path: Path, backend: str) -> None:
    index = Index.create(
        path,
        embedder=BackendFake(backend),
        chunking=ChunkingSettings(max_tokens=180),
        chunker=paragraph_chunker,
        tokenizer=shared_tokenizer(),
    )
    index.add_documents([make_doc("a", "First paragraph.\n\nSecond paragraph.", doc_type="law")])


def test_manifest_records_the_backend_and_its_hash(tmp_path):
    build(tmp_path / "idx", "onnx-int8")
    index = Index.open(tmp_path / "idx", embedder=BackendFake("onnx-int8"), tokenizer=shared_tokenizer())
    assert index.manifest.embedder.backend == "onnx-int8"
    assert index.manifest.embedder.backend_sha256 == "ab" * 32


def test_int8_index_opened_with_torch_is_refused_with_the_fix(tmp_path):
    build(tmp_path / "idx", "onnx-int8")
    with pytest.raises(IndexMismatchError) as err:
        Index.open(tmp_path / "idx", embedder=BackendFake("torch-bf16"), tokenizer=shared_tokenizer())
    message = str(err.value)
    assert "onnx-int8" in message and "torch-bf16" in message
    assert "--rebuild" in message and "POLICYQA_INDEX__BACKEND=onnx-int8" in message


def test_int8_index_refuses_int8_vectors_of_another_onnx_file(tmp_path):
    build(tmp_path / "idx", "onnx-int8")
    other = BackendFake("onnx-int8")
    other.backend_sha256 = "cd" * 32  # another export of the model: its int8 vectors differ
    with pytest.raises(IndexMismatchError, match="int8 export changed") as err:
        Index.open(tmp_path / "idx", embedder=other, tokenizer=shared_tokenizer())
    assert "--rebuild" in str(err.value)
    Index.open(tmp_path / "idx", embedder=BackendFake("onnx-int8"), tokenizer=shared_tokenizer())  # same file: fine


def test_float_index_refuses_int8_but_accepts_other_float_backends(tmp_path):
    build(tmp_path / "idx", "torch-bf16")
    for backend in ("torch-fp32", "onnx-fp32", "torch-bf16"):
        Index.open(tmp_path / "idx", embedder=BackendFake(backend), tokenizer=shared_tokenizer())
    with pytest.raises(IndexMismatchError, match="POLICYQA_INDEX__BACKEND=torch"):
        Index.open(tmp_path / "idx", embedder=BackendFake("onnx-int8"), tokenizer=shared_tokenizer())


TEXTS = [
    "The Secretary of the Treasury may block all property of any person that imports North Korean coal.",
    "남북협력기금은 남북교류협력을 증진하기 위하여 사용한다.",
    "Sanctions",
    "Section 104 requires a report to Congress. " * 20,
]


@pytest.mark.slow
def test_onnx_backends_match_torch_on_the_real_model_and_are_cached(model_home):
    import numpy as np

    from index.models.embedders import load_embedder
    from index.models.onnx_export import META_FILE, cache_dir

    torch_fp32 = load_embedder("minilm", home=model_home, backend="torch", bf16="off")
    onnx_fp32 = load_embedder("minilm", home=model_home, backend="onnx-fp32")
    meta = cache_dir(model_home, "minilm") / META_FILE
    exported_at = meta.stat().st_mtime_ns
    onnx_int8 = load_embedder("minilm", home=model_home, backend="onnx-int8")
    assert meta.stat().st_mtime_ns == exported_at  # the second precision came from the same export
    assert (onnx_fp32.backend, onnx_int8.backend) == ("onnx-fp32", "onnx-int8")
    assert len(onnx_int8.backend_sha256) == 64 and onnx_int8.backend_sha256 != onnx_fp32.backend_sha256
    reference = torch_fp32.encode_passages(TEXTS)
    assert np.min(np.sum(reference * onnx_fp32.encode_passages(TEXTS, batch_size=3), axis=1)) > 0.9999
    assert np.min(np.sum(reference * onnx_int8.encode_passages(TEXTS), axis=1)) > 0.998  # blockwise int8 (MatMulNBits)
    query = ["who may block property"]
    assert float(np.sum(torch_fp32.encode_queries(query) * onnx_fp32.encode_queries(query))) > 0.9999
    assert onnx_fp32.count_tokens(TEXTS[0]) == torch_fp32.count_tokens(TEXTS[0])
    assert onnx_fp32.max_tokens == torch_fp32.max_tokens


@pytest.mark.slow
def test_index_built_with_onnx_int8_records_it_and_auto_keeps_it(tmp_path, model_home):
    from index.settings import IndexSettings

    settings = IndexSettings(embedder="minilm", backend="onnx-int8")
    index = Index.create(tmp_path / "idx", settings=settings, home=model_home, chunker=paragraph_chunker)
    index.add_documents([make_doc("a", "Coal imports are sanctioned.\n\nReports go to Congress.", doc_type="law")])
    assert index.manifest.embedder.backend == "onnx-int8"
    assert len(index.manifest.embedder.backend_sha256 or "") == 64
    reopened = Index.open(tmp_path / "idx", settings=IndexSettings(embedder="minilm"), home=model_home)
    assert reopened.embedder.backend == "onnx-int8"  # auto follows the index
    forced = Index.open(tmp_path / "idx", settings=IndexSettings(embedder="minilm", backend="torch"), home=model_home)
    with pytest.raises(IndexMismatchError, match="onnx-int8"):
        _ = forced.embedder


def test_isa_caps_remove_the_flags_torch_may_not_use():
    from index.models.bf16 import flags_support_bf16, usable_flags

    flags = AVX512_BF16 | {"amx_bf16"}
    assert usable_flags(flags, {}) == flags
    emulated_avx2 = usable_flags(flags, {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2"})
    assert emulated_avx2 == AVX2_ONLY
    assert not flags_support_bf16(usable_flags(flags, {"ONEDNN_MAX_CPU_ISA": "avx512_core_vnni"}))
    assert usable_flags(flags, {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_BF16"}) == AVX512_BF16
    assert usable_flags(flags, {"ONEDNN_MAX_CPU_ISA": "ALL", "ATEN_CPU_CAPABILITY": "avx512"}) == flags
    # auto then decides as on an AVX2-only CPU
    assert choose_backend("auto", cpu_flags=emulated_avx2, embedder="e5-small", int8_passed=()) == "onnx-fp32"


def test_running_flags_and_bf16_probe_follow_the_isa_cap(tmp_path, monkeypatch):
    from index.models.bf16 import bf16_supported
    from index.models.embedders import running_cpu_flags

    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor : 0\nflags : sse4_2 avx2 fma avx512f avx512_bf16\n", encoding="utf-8")
    monkeypatch.delenv("ATEN_CPU_CAPABILITY", raising=False)
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    monkeypatch.delenv("DNNL_MAX_CPU_ISA", raising=False)
    assert bf16_supported(cpuinfo) and "avx512_bf16" in running_cpu_flags(cpuinfo)
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX2")
    assert not bf16_supported(cpuinfo)
    assert running_cpu_flags(cpuinfo) == {"sse4_2", "avx2", "fma"}
