"""Export a sentence-transformers model's transformer to ONNX and quantise it to int8, cached under the policyqa home.

`ensure_onnx(model_dir, home=..., name=..., precision="int8"|"fp32")` returns an `OnnxModel` (path and sha256 of the
ONNX file). The export runs once per source model: `torch.onnx.export` (the TorchScript exporter) of a wrapper that
returns `last_hidden_state`, then ONNX Runtime's `MatMulNBitsQuantizer` turns every MatMul with a constant weight
into a `MatMulNBits` node (`INT8`): int8 weights with one scale per block of 32 input channels of each output column,
and `accuracy_level` 4, under which ONNX Runtime also quantises the activations to int8 per row and per block of 32
at run time and multiplies in integers; the word-embedding table becomes an 8-bit `GatherBlockQuantized`
(`index.models.onnx_lookup`). A block's scale follows only its own 32 values, so the few outlier channels
of transformer activations cost precision in their own blocks only (a per-tensor scale lets them set the step for
the whole batch). Files land in `<home>/models/onnx/<name>/` with `onnx.json`, which records the source weights'
sha256, the sha256 of each ONNX file and the int8 method with its bits, block size and accuracy level; a changed
source model, another export version or another int8 configuration exports again. Writes go to a temporary
directory that is renamed into place, so a killed export leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

logger = logging.getLogger(__name__)

EXPORT_VERSION = 4  # 3: int8 is MatMulNBits (blockwise int8 weights and activations); 4: int8 lookup tables
OPSET = 17
META_FILE = "onnx.json"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
Precision = Literal["fp32", "int8"]


class OnnxExportError(RuntimeError):
    """The model cannot be exported or quantised; the message names the model and what to do."""


@dataclass(frozen=True)
class Int8Config:
    """How the int8 export quantises: ONNX Runtime `MatMulNBits` with `bits`-bit symmetric weights, one scale per
    `block_size` input channels of each output column; `accuracy_level` 4 computes in int8, the activations quantised
    per row and per block of `block_size` at run time."""

    bits: int = 8
    block_size: int = 32
    accuracy_level: int = 4
    symmetric: bool = True
    lookup_tables: bool = True  # embedding tables become 8-bit `GatherBlockQuantized` (index.models.onnx_lookup)

    @property
    def key(self) -> str:
        """Names the configuration; an export made under another is stale."""
        kind = "symmetric" if self.symmetric else "asymmetric"
        tables = f"; lookup tables int8 block {self.block_size}" if self.lookup_tables else ""
        return f"MatMulNBits bits {self.bits} block {self.block_size} accuracy {self.accuracy_level} {kind}{tables}"

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "method": "MatMulNBits",
            "bits": self.bits,
            "block_size": self.block_size,
            "accuracy_level": self.accuracy_level,
            "symmetric": self.symmetric,
            "lookup_tables": self.lookup_tables,
            "description": (
                f"every MatMul with a constant weight: {self.bits}-bit weights, one scale per {self.block_size} "
                f"input channels of each output column; accuracy level {self.accuracy_level} (activations "
                f"quantised to int8 per row and per block of {self.block_size} at run time, integer products)"
                + (
                    f"; every large constant lookup table (word embeddings): 8-bit rows, one scale per "
                    f"{self.block_size} columns"
                    if self.lookup_tables
                    else ""
                )
            ),
        }


INT8 = Int8Config()


@dataclass(frozen=True)
class OnnxModel:
    path: Path
    sha256: str
    precision: str


def file_sha256(path: Path, chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def weights_file(model_dir: Path) -> Path:
    for name in WEIGHT_FILES:
        if (model_dir / name).is_file():
            return model_dir / name
    raise OnnxExportError(f"{model_dir}: no {' or '.join(WEIGHT_FILES)} to export")


def cache_dir(home: Path, name: str) -> Path:
    """`<home>/models/onnx/<name>`; a model given by directory gets a name derived from its path."""
    slug = name if re.fullmatch(r"[A-Za-z0-9._-]+", name) else "dir-" + hashlib.sha256(name.encode()).hexdigest()[:16]
    return Path(home) / "models" / "onnx" / slug


def _stamp(path: Path) -> list:
    st = path.stat()
    return [str(path.resolve()), st.st_size, st.st_mtime_ns]


def _read_meta(directory: Path) -> dict:
    try:
        return json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def source_sha256(model_dir: Path, meta: dict) -> str:
    """The source weights' sha256, reusing the recorded one when the file's path, size and mtime are unchanged."""
    weights = weights_file(model_dir)
    if meta.get("source_stamp") == _stamp(weights) and meta.get("source_sha256"):
        return str(meta["source_sha256"])
    return file_sha256(weights)


def ensure_onnx(model_dir: Path, *, home: Path, name: str, precision: Precision) -> OnnxModel:
    """The cached ONNX model of `model_dir` at `precision`, exported (and quantised) first when missing or stale."""
    if precision not in ("fp32", "int8"):
        raise ValueError(f"precision must be 'fp32' or 'int8', not {precision!r}")
    directory = cache_dir(home, name)
    meta = _read_meta(directory)
    source = source_sha256(Path(model_dir), meta)
    entry = meta.get("files", {}).get(precision)
    fresh = (
        meta.get("export_version") == EXPORT_VERSION
        and meta.get("source_sha256") == source
        and meta.get("int8", {}).get("key") == INT8.key
    )
    if fresh and entry and (directory / entry["file"]).is_file():
        path = directory / entry["file"]
        if path.stat().st_size == entry["bytes"]:
            return OnnxModel(path=path, sha256=entry["sha256"], precision=precision)
    meta = export_all(Path(model_dir), directory, source_sha=source)
    entry = meta["files"][precision]
    return OnnxModel(path=directory / entry["file"], sha256=entry["sha256"], precision=precision)


def export_all(model_dir: Path, directory: Path, *, source_sha: str) -> dict:
    """Export fp32 and int8 ONNX files of `model_dir` into `directory` (replaced atomically); returns the meta."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = directory.parent / f".{directory.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        started = time.perf_counter()
        fp32 = tmp / "model-fp32.onnx"
        export_fp32(model_dir, fp32)
        int8 = tmp / "model-int8.onnx"
        quantise_int8(fp32, int8, config=INT8)
        files = {
            prec: {"file": path.name, "sha256": file_sha256(path), "bytes": path.stat().st_size}
            for prec, path in (("fp32", fp32), ("int8", int8))
        }
        meta = {
            "export_version": EXPORT_VERSION,
            "source": str(model_dir.resolve()),
            "source_sha256": source_sha,
            "source_stamp": _stamp(weights_file(model_dir)),
            "opset": OPSET,
            "int8": INT8.to_json(),
            "versions": _versions(),
            "files": files,
        }
        (tmp / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        for path in tmp.iterdir():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        old = directory.parent / f".{directory.name}.old-{os.getpid()}"
        if directory.exists():
            os.replace(directory, old)
        os.replace(tmp, directory)
        shutil.rmtree(old, ignore_errors=True)
        logger.info("exported %s to ONNX (fp32 + int8) in %.0f s", model_dir, time.perf_counter() - started)
        return meta
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _versions() -> dict[str, str]:
    import onnxruntime
    import torch

    return {"torch": torch.__version__, "onnxruntime": onnxruntime.__version__}


def export_fp32(model_dir: Path, dest: Path) -> None:
    """`torch.onnx.export` of the transformer (input_ids, attention_mask -> last_hidden_state), dynamic axes."""
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:  # pragma: no cover - torch is a core dependency
        raise OnnxExportError(f"exporting {model_dir} needs torch and transformers ({exc})") from exc

    try:
        model = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager")
    except (OSError, ValueError) as exc:
        raise OnnxExportError(f"{model_dir}: cannot load the transformer to export it ({exc})") from exc
    model.eval()

    class LastHiddenState(torch.nn.Module):
        """Calling the model with keywords only: transformers 5 clashes on `use_cache` when traced positionally."""

        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    try:
        with torch.inference_mode(False), torch.no_grad():
            torch.onnx.export(
                LastHiddenState(model),
                (ids, mask),
                str(dest),
                input_names=["input_ids", "attention_mask"],
                output_names=["last_hidden_state"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "tokens"},
                    "attention_mask": {0: "batch", 1: "tokens"},
                    "last_hidden_state": {0: "batch", 1: "tokens"},
                },
                opset_version=OPSET,
                dynamo=False,
            )
    except Exception as exc:  # the exporter raises many kinds; name the model and the cause
        raise OnnxExportError(f"{model_dir}: torch.onnx.export failed ({type(exc).__name__}: {exc})") from exc


def quantise_int8(source: Path, dest: Path, *, config: Int8Config = INT8) -> None:
    """Every MatMul of `source` with a constant weight becomes a `MatMulNBits` node quantised as `config` says;
    MatMuls of two activations (attention scores) stay float32; with `config.lookup_tables` the large constant
    lookup tables (word embeddings) become 8-bit too."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import onnx
        from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    except ImportError as exc:
        raise OnnxExportError(
            f"quantising {source} needs onnxruntime, onnx and onnx-ir: `pip install 'policyqa[onnx]'`"
        ) from exc
    finally:
        # importing the quantizer calls logging.basicConfig(level=INFO): leave the application's logging as it was
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
        root.setLevel(level)
    quantizer = MatMulNBitsQuantizer(
        onnx.load(str(source)),
        bits=config.bits,
        block_size=config.block_size,
        is_symmetric=config.symmetric,
        accuracy_level=config.accuracy_level,
        op_types_to_quantize=("MatMul",),
    )
    # The quantizer logs a line at INFO for every node it visits (~1,100 for e5-small); its warnings still pass.
    quiet = _BelowWarning()
    quantizer_log = logging.getLogger(MatMulNBitsQuantizer.__module__)
    quantizer_log.addFilter(quiet)
    try:
        quantizer.process()
    finally:
        quantizer_log.removeFilter(quiet)
    if config.lookup_tables:
        from index.models.onnx_lookup import quantise_lookup_tables

        tables = quantise_lookup_tables(quantizer.model.model, block_size=config.block_size)
        logger.info("quantised lookup tables %s of %s to 8 bits", tables, source.name)
    quantizer.model.save_model_to_file(str(dest), use_external_data_format=False)


class _BelowWarning(logging.Filter):
    """Drops records below WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING
