"""Export a sentence-transformers model's transformer to ONNX and quantise it to int8, cached under the policyqa home.

`ensure_onnx(model_dir, home=..., name=..., precision="int8"|"fp32")` returns an `OnnxModel` (path and sha256 of the
ONNX file). The export runs once per source model: `torch.onnx.export` (the TorchScript exporter) of a wrapper that
returns `last_hidden_state`, then `onnxruntime.quantization.quantize_dynamic` (int8 weights, per-channel, MatMul
only) of every MatMul except those the calibration keeps in float32 (`index.models.int8_calibration`: MatMuls whose
input activations carry outliers). Files land in `<home>/models/onnx/<name>/` with `onnx.json`, which records the
source weights' sha256, the sha256 of each ONNX file, the rule that chose the float32 MatMuls and the MatMuls it
chose; a changed source model or another rule exports again. Writes go to a temporary directory that is renamed into
place, so a killed export leaves nothing half-written.
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

from index.models.int8_calibration import Int8Plan, plan_int8, rule_key

logger = logging.getLogger(__name__)

EXPORT_VERSION = 2  # 2: int8 keeps the MatMuls with outlier inputs in float32
OPSET = 17
META_FILE = "onnx.json"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
Precision = Literal["fp32", "int8"]


class OnnxExportError(RuntimeError):
    """The model cannot be exported or quantised; the message names the model and what to do."""


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
        and meta.get("int8", {}).get("rule") == rule_key()
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
        plan = calibrate(fp32, model_dir)
        int8 = tmp / "model-int8.onnx"
        quantise_int8(fp32, int8, keep_float=plan.float_nodes)
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
            "quantisation": "onnxruntime quantize_dynamic: QInt8 weights, per-channel, MatMul only, except int8.float_nodes",
            "int8": plan.to_json(),
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


def calibrate(fp32: Path, model_dir: Path) -> Int8Plan:
    """Which MatMuls of the float32 export keep float32 weights in the int8 one (`index.models.int8_calibration`)."""
    try:
        return plan_int8(fp32, model_dir)
    except ImportError as exc:
        raise OnnxExportError(
            f"calibrating the int8 export of {model_dir} needs onnxruntime and onnx: `pip install 'policyqa[onnx]'`"
        ) from exc


def quantise_int8(source: Path, dest: Path, *, keep_float: tuple[str, ...] = ()) -> None:
    """Dynamic int8 quantisation of the MatMul weights, one scale per output channel; the MatMul nodes named in
    `keep_float` stay float32."""
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise OnnxExportError(
            f"quantising {source} needs onnxruntime and onnx: `pip install 'policyqa[onnx]'`"
        ) from exc
    quantize_dynamic(
        str(source),
        str(dest),
        per_channel=True,
        op_types_to_quantize=["MatMul"],
        weight_type=QuantType.QInt8,
        nodes_to_exclude=list(keep_float),
    )
