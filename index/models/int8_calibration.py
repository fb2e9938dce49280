"""Which MatMuls of an exported transformer keep float32 weights in the int8 export, decided by measurement.

ONNX Runtime's dynamic quantisation turns each MatMul with a constant weight into an integer product: the input
activations are quantised at run time to uint8 with one scale for the whole tensor, from its range, and the weights
to int8 with one scale per output channel. When an input holds a few activations far larger than the rest (in
transformer encoders, a few channels of the separator and start tokens), the range is set by those few and the
ordinary activations get only a handful of the 255 steps: the product loses most of its precision. Such a MatMul
keeps float32 weights and runs as a float MatMul.

The calibration runs the float32 model over a few bundled passages (`index.models.calibration_texts`), each alone
(no padding), and measures every quantisable MatMul's input: its outlier ratio is max |x| / rms(x) over the tensor,
the largest over the passages (`outlier_ratio`). `select_float_nodes` keeps in float32 those whose ratio exceeds
`MAX_OUTLIER_RATIO`. The rule reads only measured numbers, so it applies to any model the ONNX backend runs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

# A MatMul whose input's largest activation exceeds this many times the input's rms keeps float32 weights: above it,
# uint8 quantisation over the tensor's range leaves an activation of typical size fewer than ~5 steps (255 / 50).
MAX_OUTLIER_RATIO = 50.0
RULE_VERSION = 1


@dataclass(frozen=True)
class MatMulStats:
    """One quantisable MatMul and the outlier ratio of its input over the calibration passages."""

    node: str
    outlier_ratio: float


@dataclass(frozen=True)
class Int8Plan:
    """The measured MatMuls and those kept in float32 under `max_outlier_ratio`."""

    stats: tuple[MatMulStats, ...]
    float_nodes: tuple[str, ...]
    max_outlier_ratio: float
    passages: int

    @property
    def rule(self) -> str:
        return rule_key(self.max_outlier_ratio)

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "description": (
                f"MatMuls whose input has max |x| / rms(x) above {self.max_outlier_ratio:g} (the largest over "
                f"{self.passages} calibration passages) keep float32 weights; the others get int8 weights"
            ),
            "float_nodes": list(self.float_nodes),
            "outlier_ratios": {s.node: round(s.outlier_ratio, 1) for s in self.stats},
        }


def rule_key(max_outlier_ratio: float = MAX_OUTLIER_RATIO) -> str:
    """Names the selection rule and its threshold; an export made under another rule is stale."""
    return f"outlier-ratio-v{RULE_VERSION} max {max_outlier_ratio:g}"


def outlier_ratio(x: np.ndarray) -> float:
    """max |x| / rms(x) over the whole tensor (the span dynamic quantisation divides into 255 steps, against the size
    of a typical activation); 0 for an all-zero tensor."""
    rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))
    return float(np.abs(x).max()) / rms if rms > 0 else 0.0


def select_float_nodes(stats: Iterable[MatMulStats], max_outlier_ratio: float = MAX_OUTLIER_RATIO) -> tuple[str, ...]:
    """The MatMuls to keep in float32: those whose input's outlier ratio exceeds `max_outlier_ratio`, in the order
    given."""
    if max_outlier_ratio <= 0:
        raise ValueError(f"max_outlier_ratio must be positive, not {max_outlier_ratio}")
    return tuple(s.node for s in stats if s.outlier_ratio > max_outlier_ratio)


def weight_matmuls(model) -> list[tuple[str, str]]:
    """(node name, input tensor) of every MatMul whose second input is a constant: the MatMuls dynamic quantisation
    turns into integer products."""
    initializers = {i.name for i in model.graph.initializer}
    return [(n.name, n.input[0]) for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in initializers]


def measure(fp32_path: Path, feeds: Sequence[dict[str, np.ndarray]]) -> list[MatMulStats]:
    """Run the float32 ONNX model on each feed and measure the outlier ratio of every weight MatMul's input."""
    import onnx
    import onnxruntime as ort

    model = onnx.load(str(fp32_path))
    matmuls = weight_matmuls(model)
    captured = list(dict.fromkeys(source for _, source in matmuls))
    known = {o.name for o in model.graph.output}
    model.graph.output.extend(onnx.ValueInfoProto(name=name) for name in captured if name not in known)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    del model
    worst = dict.fromkeys(captured, 0.0)
    for feed in feeds:
        for name, value in zip(captured, session.run(captured, feed), strict=True):
            worst[name] = max(worst[name], outlier_ratio(value))
    return [MatMulStats(node=node, outlier_ratio=worst[source]) for node, source in matmuls]


def calibration_feeds(model_dir: Path, texts: Sequence[str]) -> list[dict[str, np.ndarray]]:
    """One feed (input_ids, attention_mask; a batch of one, no padding) per text, encoded as the embedder encodes a
    passage (its document prompt, truncated at the model's input limit)."""
    from tokenizers import Tokenizer

    from index.models.onnx_embedder import model_layout

    prompts, max_tokens = model_layout(model_dir)
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_tokens)
    tokenizer.no_padding()
    feeds = []
    for text in texts:
        ids = np.asarray([tokenizer.encode(prompts["document"] + text).ids], dtype=np.int64)
        feeds.append({"input_ids": ids, "attention_mask": np.ones_like(ids)})
    return feeds


def plan_int8(
    fp32_path: Path,
    model_dir: Path,
    *,
    texts: Sequence[str] | None = None,
    max_outlier_ratio: float = MAX_OUTLIER_RATIO,
) -> Int8Plan:
    """Measure the float32 export on the calibration passages and decide which MatMuls keep float32 weights."""
    if texts is None:
        from index.models.calibration_texts import PASSAGES

        texts = PASSAGES
    stats = tuple(measure(fp32_path, calibration_feeds(model_dir, texts)))
    plan = Int8Plan(
        stats=stats,
        float_nodes=select_float_nodes(stats, max_outlier_ratio),
        max_outlier_ratio=max_outlier_ratio,
        passages=len(texts),
    )
    logger.info(
        "int8 calibration of %s: %d of %d MatMuls keep float32 weights", fp32_path, len(plan.float_nodes), len(stats)
    )
    return plan
