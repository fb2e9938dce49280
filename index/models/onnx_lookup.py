"""Blockwise int8 lookup tables for an ONNX graph: every `Gather` from a constant float table becomes ONNX
Runtime's `GatherBlockQuantized` (8-bit, one scale per block of columns of each row).

A transformer's word-embedding table is most of an int8 export's size once its matrix products are quantised
(multilingual-e5-small: 250,037 × 384 float32 values, 384 MB of a 409 MB file). Each row is read whole for one
token, so quantising it costs no speed; it shrinks the file and the session's memory about fourfold and makes the
session start faster. `quantise_lookup_tables` changes a `ModelProto` in place and is independent of the MatMul
quantiser.
"""

from __future__ import annotations

from typing import Any

import numpy as np

ZERO_POINT = 128  # uint8 storage of symmetric int8 values in [-127, 127]


def quantise_rows(table: np.ndarray, block_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(data uint8 rows × cols, scales float32 rows × cols/block, zero points uint8 rows × cols/block) of a 2-D
    float table, symmetric 8-bit per block of `block_size` columns. Pure."""
    rows, cols = table.shape
    if cols % block_size:
        raise ValueError(f"{cols} columns are not a multiple of the block size {block_size}")
    blocks = table.astype(np.float32).reshape(rows, cols // block_size, block_size)
    scales = np.abs(blocks).max(axis=-1) / 127.0
    safe = np.where(scales > 0, scales, 1.0)
    values = np.clip(np.rint(blocks / safe[..., None]), -127, 127).astype(np.int16) + ZERO_POINT
    zero_points = np.full(scales.shape, ZERO_POINT, dtype=np.uint8)
    return values.reshape(rows, cols).astype(np.uint8), scales.astype(np.float32), zero_points


def dequantise_rows(data: np.ndarray, scales: np.ndarray, block_size: int) -> np.ndarray:
    """The float table `quantise_rows` stands for (for checks). Pure."""
    rows, cols = data.shape
    blocks = data.reshape(rows, cols // block_size, block_size).astype(np.float32) - ZERO_POINT
    return (blocks * scales[..., None]).reshape(rows, cols)


def quantise_lookup_tables(model: Any, *, block_size: int = 32, min_rows: int = 1024) -> list[str]:
    """Replace every `Gather` on axis 0 of a constant 2-D float32 initializer with at least `min_rows` rows (and
    columns a multiple of `block_size`) by `GatherBlockQuantized`. Returns the names of the tables replaced.

    `model` is an `onnx.ModelProto`; it is changed in place."""
    from onnx import TensorProto, helper, numpy_helper

    graph = model.graph
    initializers = {t.name: t for t in graph.initializer}
    users: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            users[name] = users.get(name, 0) + 1
    replaced: list[str] = []
    for position, node in enumerate(list(graph.node)):
        if node.op_type != "Gather" or node.domain not in ("", "ai.onnx"):
            continue
        table = initializers.get(node.input[0])
        axis = next((helper.get_attribute_value(a) for a in node.attribute if a.name == "axis"), 0)
        if (
            table is None
            or table.data_type != TensorProto.FLOAT
            or len(table.dims) != 2
            or table.dims[0] < min_rows
            or table.dims[1] % block_size
            or axis != 0
            or users.get(table.name, 0) != 1
        ):
            continue
        data, scales, zero_points = quantise_rows(numpy_helper.to_array(table), block_size)
        base = table.name
        graph.initializer.remove(table)
        graph.initializer.extend(
            [
                numpy_helper.from_array(data, f"{base}_q8"),
                numpy_helper.from_array(scales, f"{base}_q8_scales"),
                numpy_helper.from_array(zero_points, f"{base}_q8_zero_points"),
            ]
        )
        quantised = helper.make_node(
            "GatherBlockQuantized",
            [f"{base}_q8", node.input[1], f"{base}_q8_scales", f"{base}_q8_zero_points"],
            list(node.output),
            name=f"{node.name or base}_q8",
            domain="com.microsoft",
            gather_axis=0,
            quantize_axis=1,
            block_size=block_size,
            bits=8,
        )
        graph.node.remove(node)
        graph.node.insert(position, quantised)
        replaced.append(base)
    if replaced and not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return replaced
