"""`eval embedders` rounds: every backend once per round, order alternating, same-round ratios."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fakes import FakeEmbedder

import bench.backends as backends


def test_round_orders_alternate_so_no_backend_is_always_first():
    orders = backends.round_orders(("a", "b", "c"), 3)
    assert orders == [("a", "b", "c"), ("c", "b", "a"), ("a", "b", "c")]


def test_measure_embedder_reports_median_and_spread_of_same_round_ratios(monkeypatch):
    calls: list[str] = []
    # torch-fp32 / onnx-int8 rates per round: ratios 2.0, 3.0, 4.0 -> median 3.0, spread 2.0-4.0
    rates = {"torch-fp32": [10.0, 10.0, 5.0], "onnx-int8": [20.0, 30.0, 20.0]}

    def fake_load(spec: str, backend: str, home: Path) -> FakeEmbedder:
        embedder = FakeEmbedder(dim=8, name=spec)
        embedder.backend = backend  # type: ignore[attr-defined]
        return embedder

    def fake_timed(embedder, texts: list[str], batch_size: int) -> tuple[np.ndarray, float, float]:
        calls.append(embedder.backend)
        rate = rates[embedder.backend][calls.count(embedder.backend) - 1]
        return embedder.encode_passages(texts), rate, rate / 2

    monkeypatch.setattr(backends, "load", fake_load)
    monkeypatch.setattr(backends, "timed_encode", fake_timed)
    rows = backends.measure_embedder(
        "fake", home=Path("."), texts=["one passage", "another"], backends=("torch-fp32", "onnx-int8"), rounds=3
    )
    assert calls == ["torch-fp32", "onnx-int8", "onnx-int8", "torch-fp32", "torch-fp32", "onnx-int8"]
    int8 = rows[1]
    assert (int8.backend, int8.rounds) == ("onnx-int8", 3)
    assert (int8.speedup_vs_torch_fp32, int8.speedup_min, int8.speedup_max) == (3.0, 2.0, 4.0)
    assert int8.cpu_speedup_vs_torch_fp32 == 3.0
    assert rows[0].speedup_vs_torch_fp32 == 1.0 and int8.min_cosine_vs_fp32 == pytest.approx(1.0)
    with pytest.raises(ValueError, match="rounds"):
        backends.measure_embedder("fake", home=Path("."), texts=["x"], rounds=0)
