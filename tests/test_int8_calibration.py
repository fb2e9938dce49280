"""The int8 export's mixed precision: which MatMuls keep float32 weights, measured on a small real ONNX graph."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.models import onnx_export
from index.models.int8_calibration import (
    MAX_OUTLIER_RATIO,
    Int8Plan,
    MatMulStats,
    measure,
    outlier_ratio,
    rule_key,
    select_float_nodes,
    weight_matmuls,
)


def test_outlier_ratio_is_the_largest_activation_over_the_rms():
    assert outlier_ratio(np.full((3, 4), -2.0)) == pytest.approx(1.0)
    x = np.zeros((10, 10))
    x[0, 0], x[5, 5] = 10.0, 1.0  # rms = sqrt(101 / 100)
    assert outlier_ratio(x) == pytest.approx(10.0 / np.sqrt(1.01))
    assert outlier_ratio(np.zeros((2, 3))) == 0.0


def test_only_matmuls_above_the_threshold_keep_float32_in_graph_order():
    stats = [MatMulStats("q", 12.0), MatMulStats("down0", 199.0), MatMulStats("up", 50.0), MatMulStats("down1", 50.1)]
    assert select_float_nodes(stats, 50.0) == ("down0", "down1")  # 50.0 itself is not above
    assert select_float_nodes(stats, 1000.0) == ()
    assert select_float_nodes(stats, 1.0) == ("q", "down0", "up", "down1")
    with pytest.raises(ValueError, match="positive"):
        select_float_nodes(stats, 0.0)


def test_plan_records_the_rule_and_every_measurement():
    stats = (MatMulStats("a", 10.04), MatMulStats("b", 75.0))
    plan = Int8Plan(stats=stats, float_nodes=select_float_nodes(stats), max_outlier_ratio=MAX_OUTLIER_RATIO, passages=3)
    record = plan.to_json()
    assert record["rule"] == rule_key() != rule_key(MAX_OUTLIER_RATIO * 2)
    assert record["float_nodes"] == ["b"]
    assert record["outlier_ratios"] == {"a": 10.0, "b": 75.0}
    assert "3 calibration passages" in record["description"]


def tiny_graph(path: Path) -> None:
    """a @ Wa and b @ Wb (constant weights), and their product with each other (no constant weight)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    weights = [numpy_helper.from_array(rng.normal(size=(8, 8)).astype(np.float32), n) for n in ("Wa", "Wb")]
    nodes = [
        helper.make_node("MatMul", ["a", "Wa"], ["ya"], name="mm_a"),
        helper.make_node("MatMul", ["b", "Wb"], ["yb"], name="mm_b"),
        helper.make_node("Transpose", ["yb"], ["yb_t"], perm=[1, 0], name="t"),
        helper.make_node("MatMul", ["ya", "yb_t"], ["y"], name="mm_ab"),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["tokens", 8]) for n in ("a", "b")],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["tokens", "tokens"])],
        initializer=weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


def test_measures_each_weight_matmul_input_and_keeps_the_outlier_one_in_float(tmp_path):
    import onnx

    pytest.importorskip("onnxruntime")
    path = tmp_path / "tiny.onnx"
    tiny_graph(path)
    assert [name for name, _ in weight_matmuls(onnx.load(str(path)))] == ["mm_a", "mm_b"]
    rng = np.random.default_rng(1)
    feeds = []
    for _ in range(3):  # a tensor of n values has max |x| / rms(x) <= sqrt(n): 2048 tokens allow up to 128
        feeds.append({n: rng.normal(size=(2048, 8)).astype(np.float32) for n in ("a", "b")})
    feeds[1]["b"][0, 3] = 500.0  # one token, one channel, in one passage
    stats = measure(path, feeds)
    ratios = {s.node: s.outlier_ratio for s in stats}
    assert ratios["mm_a"] < 5 and ratios["mm_b"] > MAX_OUTLIER_RATIO
    assert select_float_nodes(stats) == ("mm_b",)

    out = tmp_path / "tiny-int8.onnx"
    onnx_export.quantise_int8(path, out, keep_float=("mm_b",))
    quantised = onnx.load(str(out))
    ops = {n.name: n.op_type for n in quantised.graph.node}
    assert ops["mm_b"] == "MatMul" and ops["mm_ab"] == "MatMul"
    assert "MatMulInteger" in ops.values() and "mm_a" not in ops  # mm_a became an integer product


def test_an_export_made_under_another_rule_is_made_again(tmp_path, monkeypatch):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "model.safetensors").write_bytes(b"weights")
    directory = onnx_export.cache_dir(tmp_path, "m")
    directory.mkdir(parents=True)
    (directory / "model-int8.onnx").write_bytes(b"int8")
    calls = []

    def fake_export(model_dir, directory, *, source_sha):
        calls.append(source_sha)
        return meta(source_sha, rule_key())

    def meta(source_sha: str, rule: str) -> dict:
        return {
            "export_version": onnx_export.EXPORT_VERSION,
            "source_sha256": source_sha,
            "int8": {"rule": rule},
            "files": {"int8": {"file": "model-int8.onnx", "sha256": "s" * 64, "bytes": 4}},
        }

    monkeypatch.setattr(onnx_export, "export_all", fake_export)
    sha = onnx_export.file_sha256(model_dir / "model.safetensors")
    (directory / onnx_export.META_FILE).write_text(json.dumps(meta(sha, rule_key())))
    assert onnx_export.ensure_onnx(model_dir, home=tmp_path, name="m", precision="int8").sha256 == "s" * 64
    assert calls == []  # current rule: the cached file is used
    (directory / onnx_export.META_FILE).write_text(json.dumps(meta(sha, rule_key(MAX_OUTLIER_RATIO * 2))))
    onnx_export.ensure_onnx(model_dir, home=tmp_path, name="m", precision="int8")
    assert calls == [sha]
    (directory / onnx_export.META_FILE).write_text(json.dumps({k: v for k, v in meta(sha, "").items() if k != "int8"}))
    onnx_export.ensure_onnx(model_dir, home=tmp_path, name="m", precision="int8")
    assert calls == [sha, sha]  # an export from before the rule existed


@pytest.mark.slow
def test_real_export_keeps_the_measured_matmuls_in_float(model_home):
    import onnx

    from index.models.embedders import load_embedder
    from index.models.onnx_export import META_FILE, cache_dir

    embedder = load_embedder("minilm", home=model_home, backend="onnx-int8")
    meta = json.loads((cache_dir(model_home, "minilm") / META_FILE).read_text())
    plan = meta["int8"]
    assert plan["rule"] == rule_key()
    kept = plan["float_nodes"]
    assert kept == [n for n, r in plan["outlier_ratios"].items() if r > MAX_OUTLIER_RATIO]
    assert 0 < len(kept) < len(plan["outlier_ratios"])  # some MatMuls, not all
    graph = onnx.load(str(cache_dir(model_home, "minilm") / "model-int8.onnx"), load_external_data=False).graph
    ops = {n.name: n.op_type for n in graph.node}
    assert all(ops[name] == "MatMul" for name in kept)
    assert sum(op == "MatMulInteger" for op in ops.values()) == len(plan["outlier_ratios"]) - len(kept)
    assert embedder.backend_sha256 == meta["files"]["int8"]["sha256"]
