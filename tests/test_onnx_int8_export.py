"""The int8 ONNX export: every weight MatMul becomes a blockwise int8 `MatMulNBits`, the export records how, and an
export made another way is made again."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from index.models import onnx_export
from index.models.onnx_export import INT8, Int8Config


def tiny_graph(path: Path, *, channels: int = 64) -> None:
    """a @ Wa and b @ Wb (constant weights), and their product with each other (no constant weight)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    weights = [
        numpy_helper.from_array(rng.normal(size=(channels, channels)).astype(np.float32), n) for n in ("Wa", "Wb")
    ]
    nodes = [
        helper.make_node("MatMul", ["a", "Wa"], ["ya"], name="mm_a"),
        helper.make_node("MatMul", ["b", "Wb"], ["yb"], name="mm_b"),
        helper.make_node("Transpose", ["yb"], ["yb_t"], perm=[1, 0], name="t"),
        helper.make_node("MatMul", ["ya", "yb_t"], ["y"], name="mm_ab"),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["tokens", channels]) for n in ("a", "b")],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["tokens", "tokens"])],
        initializer=weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


def run(path: Path, feed: dict[str, np.ndarray]) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["y"], feed)[0]


def test_weight_matmuls_become_blockwise_int8_and_keep_their_outputs(tmp_path, caplog):
    import onnx

    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx_ir")
    source, dest = tmp_path / "tiny.onnx", tmp_path / "tiny-int8.onnx"
    tiny_graph(source)
    with caplog.at_level(logging.INFO):
        onnx_export.quantise_int8(source, dest)
    assert not [r for r in caplog.records if r.name.startswith("onnxruntime")]  # no line per visited node
    graph = onnx.load(str(dest)).graph
    ops = [n.op_type for n in graph.node]
    assert ops.count("MatMulNBits") == 2 and ops.count("MatMul") == 1  # mm_ab multiplies two activations
    for node in (n for n in graph.node if n.op_type == "MatMulNBits"):
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        assert (attrs["bits"], attrs["block_size"], attrs["accuracy_level"]) == (8, 32, 4)
        assert (attrs["K"], attrs["N"]) == (64, 64)
        assert len(node.input) == 3  # symmetric: no zero points
    assert not any(i.name in ("Wa", "Wb") for i in graph.initializer)  # the float weights are gone

    rng = np.random.default_rng(1)
    feed = {n: rng.normal(size=(40, 64)).astype(np.float32) for n in ("a", "b")}
    feed["a"][3, 7] = 60.0  # an outlier activation: its block gets a coarse step, the other blocks do not
    want, got = run(source, feed), run(dest, feed)
    rows = np.sum(want * got, axis=1) / (np.linalg.norm(want, axis=1) * np.linalg.norm(got, axis=1))
    assert rows.min() > 0.999
    assert not np.array_equal(want, got)  # it did quantise


def test_config_key_names_every_setting():
    keys = {
        Int8Config().key,
        Int8Config(bits=4).key,
        Int8Config(block_size=64).key,
        Int8Config(accuracy_level=0).key,
        Int8Config(symmetric=False).key,
    }
    assert len(keys) == 5
    record = INT8.to_json()
    assert record["key"] == INT8.key and record["method"] == "MatMulNBits"
    assert (record["bits"], record["block_size"], record["accuracy_level"]) == (8, 32, 4)


def test_an_export_made_another_way_is_made_again(tmp_path, monkeypatch):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "model.safetensors").write_bytes(b"weights")
    directory = onnx_export.cache_dir(tmp_path, "m")
    directory.mkdir(parents=True)
    (directory / "model-int8.onnx").write_bytes(b"int8")
    calls = []

    def meta(source_sha: str, int8: dict, version: int = onnx_export.EXPORT_VERSION) -> dict:
        return {
            "export_version": version,
            "source_sha256": source_sha,
            "int8": int8,
            "files": {"int8": {"file": "model-int8.onnx", "sha256": "s" * 64, "bytes": 4}},
        }

    def fake_export(model_dir, directory, *, source_sha):
        calls.append(source_sha)
        return meta(source_sha, INT8.to_json())

    monkeypatch.setattr(onnx_export, "export_all", fake_export)
    sha = onnx_export.file_sha256(model_dir / "model.safetensors")
    write = (directory / onnx_export.META_FILE).write_text
    write(json.dumps(meta(sha, INT8.to_json())))
    assert onnx_export.ensure_onnx(model_dir, home=tmp_path, name="m", precision="int8").sha256 == "s" * 64
    assert calls == []  # current configuration: the cached file is used
    write(json.dumps(meta(sha, Int8Config(block_size=128).to_json())))
    onnx_export.ensure_onnx(model_dir, home=tmp_path, name="m", precision="int8")
    assert calls == [sha]
    write(json.dumps(meta(sha, {"rule": "outlier-ratio-v1 max 50", "float_nodes": []}, version=2)))
    onnx_export.ensure_onnx(model_dir, home=tmp_path, name="m", precision="int8")
    assert calls == [sha, sha]  # a per-tensor (quantize_dynamic) export of an earlier version
    write(json.dumps(meta(sha, INT8.to_json(), version=onnx_export.EXPORT_VERSION - 1)))
    onnx_export.ensure_onnx(model_dir, home=tmp_path, name="m", precision="int8")
    assert calls == [sha, sha, sha]


PASSAGES = [
    "The Secretary of the Treasury may block all property of any person that imports North Korean coal.",
    "남북협력기금은 남북교류협력을 증진하기 위하여 사용한다.",
    "Sanctions",
    "Section 104 requires a report to Congress on the licenses issued and the humanitarian exemptions. " * 12,
]


@pytest.mark.slow
def test_real_int8_export_records_its_method_and_stays_close_to_fp32(model_home):
    import onnx

    from index.models.embedders import load_embedder
    from index.models.onnx_export import META_FILE, cache_dir

    int8 = load_embedder("minilm", home=model_home, backend="onnx-int8")
    fp32 = load_embedder("minilm", home=model_home, backend="onnx-fp32")
    directory = cache_dir(model_home, "minilm")
    meta = json.loads((directory / META_FILE).read_text())
    assert meta["export_version"] == onnx_export.EXPORT_VERSION
    assert meta["int8"] == INT8.to_json()
    assert int8.backend_sha256 == meta["files"]["int8"]["sha256"] != meta["files"]["fp32"]["sha256"]
    graph = onnx.load(str(directory / "model-int8.onnx"), load_external_data=False).graph
    ops = [n.op_type for n in graph.node]
    assert ops.count("MatMulNBits") == 6 * 6  # MiniLM-L6: q, k, v, attention output, intermediate, output per layer
    assert ops.count("GatherBlockQuantized") == 1  # the word-embedding table; position and type tables stay float
    cosines = np.sum(int8.encode_passages(PASSAGES, batch_size=2) * fp32.encode_passages(PASSAGES), axis=1)
    assert cosines.min() > 0.998  # per-tensor int8 (quantize_dynamic) reached 0.993 on law passages


def test_quantising_leaves_the_applications_logging_alone(tmp_path):
    # importing onnxruntime's quantizer calls logging.basicConfig(level=INFO); a library user's root logger must not
    # gain a handler or change level (run in a fresh interpreter, where the quantizer is not imported yet)
    import subprocess
    import sys

    script = f"""
import logging
from pathlib import Path
import sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_onnx_int8_export import tiny_graph
from index.models.onnx_export import quantise_int8
root = logging.getLogger()
before = (list(root.handlers), root.level)
tiny_graph(Path({str(tmp_path)!r}) / "fp32.onnx")
quantise_int8(Path({str(tmp_path)!r}) / "fp32.onnx", Path({str(tmp_path)!r}) / "int8.onnx")
assert (list(root.handlers), root.level) == before, (root.handlers, root.level)
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")
