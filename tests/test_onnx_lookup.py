"""8-bit lookup tables in the int8 export: a large constant `Gather` becomes `GatherBlockQuantized`, returns the
same rows within the quantisation step, and small or shared tables are left alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.models.onnx_lookup import dequantise_rows, quantise_lookup_tables, quantise_rows

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def test_quantised_rows_come_back_within_half_a_step_of_each_block():
    rng = np.random.default_rng(0)
    table = rng.normal(size=(50, 64)).astype(np.float32)
    table[3, :32] = 0.0  # an all-zero block keeps a usable scale
    table[7, 5] = 40.0  # an outlier costs precision only in its own block
    data, scales, zero_points = quantise_rows(table, 32)
    assert data.dtype == np.uint8 and data.shape == (50, 64)
    assert scales.shape == zero_points.shape == (50, 2)
    back = dequantise_rows(data, scales, 32)
    step = np.repeat(scales, 32, axis=1)
    assert np.all(np.abs(back - table) <= step / 2 + 1e-6)
    assert np.all(back[3, :32] == 0.0)
    assert np.abs(back[7, 32:] - table[7, 32:]).max() < 0.02


def test_quantise_rows_needs_whole_blocks():
    with pytest.raises(ValueError, match="multiple of the block size"):
        quantise_rows(np.zeros((4, 40), dtype=np.float32), 32)


def lookup_graph(path: Path, *, rows: int, shared: bool = False) -> np.ndarray:
    """ids → Gather(table, ids); with `shared`, the table also feeds a second node (a tied output projection)."""
    from onnx import TensorProto, helper, numpy_helper

    table = np.random.default_rng(1).normal(size=(rows, 64)).astype(np.float32)
    nodes = [helper.make_node("Gather", ["table", "ids"], ["y"], name="embed")]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)]
    if shared:
        nodes.append(helper.make_node("Identity", ["table"], ["t"], name="tied"))
        outputs.append(helper.make_tensor_value_info("t", TensorProto.FLOAT, None))
    graph = helper.make_graph(
        nodes,
        "lookup",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "tokens"])],
        outputs,
        initializer=[numpy_helper.from_array(table, "table")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return table


def test_a_large_table_becomes_gather_block_quantized_and_returns_its_rows(tmp_path):
    source, dest = tmp_path / "f.onnx", tmp_path / "q.onnx"
    table = lookup_graph(source, rows=2048)
    model = onnx.load(str(source))
    assert quantise_lookup_tables(model, block_size=32) == ["table"]
    onnx.save(model, str(dest))
    ops = [(n.op_type, n.domain) for n in model.graph.node]
    assert ops == [("GatherBlockQuantized", "com.microsoft")]
    assert "table" not in {t.name for t in model.graph.initializer}
    assert dest.stat().st_size < source.stat().st_size / 3
    ids = np.array([[0, 5, 2047], [9, 9, 1]], dtype=np.int64)
    got = ort.InferenceSession(str(dest), providers=["CPUExecutionProvider"]).run(["y"], {"ids": ids})[0]
    want = table[ids]
    assert got.shape == want.shape
    cosine = np.sum(got * want, axis=-1) / (np.linalg.norm(got, axis=-1) * np.linalg.norm(want, axis=-1))
    assert cosine.min() > 0.9999 and np.abs(got - want).max() < 0.02


@pytest.mark.parametrize(("rows", "shared"), [(100, False), (2048, True)])
def test_small_or_shared_tables_stay_float(tmp_path, rows, shared):
    source = tmp_path / "f.onnx"
    lookup_graph(source, rows=rows, shared=shared)
    model = onnx.load(str(source))
    assert quantise_lookup_tables(model, block_size=32) == []
    assert [n.op_type for n in model.graph.node][0] == "Gather"
