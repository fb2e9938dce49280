"""Pure fusion functions for hybrid retrieval (no models, no I/O).

A *ranking* is a sequence of ids, best first; a *scored* list maps ids to raw retriever scores.

Cross-lingual fairness: a retriever may be unable to judge some candidates at all — BM25 shares no tokens between
an English query and a Korean article, so its silence there says nothing about relevance. Each function takes an
optional `abstain` argument: per retriever, the ids it could not judge. Such an id is scored by the retrievers
that could judge it, re-weighted to the full total weight (a weighted mean instead of a sum), so a strong dense
match in the other language is not drowned by same-language documents that merely share keywords. An id a
retriever *could* judge but did not return still counts as a miss (0), as in plain RRF.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import Literal, TypeVar

import numpy as np

Id = TypeVar("Id", bound=Hashable)


def _weights(n: int, weights: Sequence[float] | None) -> list[float]:
    if weights is None:
        return [1.0] * n
    if len(weights) != n:
        raise ValueError(f"got {len(weights)} weights for {n} retrievers")
    if any(w < 0 for w in weights):
        raise ValueError("fusion weights must be non-negative")
    return [float(w) for w in weights]


def _abstain(n: int, abstain: Sequence[Collection | None] | None) -> list[Collection]:
    if abstain is None:
        return [()] * n
    if len(abstain) != n:
        raise ValueError(f"got {len(abstain)} abstain sets for {n} retrievers")
    return [a if a is not None else () for a in abstain]


def _combine(
    parts: list[dict], weights: list[float], abstain: list[Collection]
) -> list[tuple[Hashable, float]]:
    """sum_i w_i * part_i(id), rescaled by total weight / weight of the retrievers that could judge id."""
    total = sum(weights)
    ids: dict = {}
    for part in parts:
        for i in part:
            ids.setdefault(i, None)
    fused: list[tuple[Hashable, float]] = []
    for i in ids:
        judged = 0.0
        score = 0.0
        for part, w, abst in zip(parts, weights, abstain):
            if i in abst:
                continue
            judged += w
            score += w * part.get(i, 0.0)
        if judged > 0 and judged < total:
            score *= total / judged
        fused.append((i, score))
    fused.sort(key=lambda t: -t[1])  # stable: ties keep first-seen order
    return fused


def rrf(
    *rankings: Sequence[Id],
    k: int = 60,
    weights: Sequence[float] | None = None,
    abstain: Sequence[Collection | None] | None = None,
) -> list[tuple[Id, float]]:
    """Reciprocal-rank fusion: score(id) = sum_i w_i / (k + rank_i(id)), ranks 1-based; best first."""
    if k < 1:
        raise ValueError("k must be >= 1")
    w = _weights(len(rankings), weights)
    parts = [{doc: 1.0 / (k + r) for r, doc in reversed(list(enumerate(ranking, start=1)))} for ranking in rankings]
    return _combine(parts, w, _abstain(len(rankings), abstain))  # type: ignore[return-value]


def minmax(scores: Mapping[Id, float]) -> dict[Id, float]:
    """Scale to [0, 1] by the list's min and max; a constant list maps to 1.0 (all equally good)."""
    if not scores:
        return {}
    values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    lo, hi = float(values.min()), float(values.max())
    if hi - lo <= 1e-12:
        return {i: 1.0 for i in scores}
    return {i: (float(s) - lo) / (hi - lo) for i, s in scores.items()}


def zscore(scores: Mapping[Id, float]) -> dict[Id, float]:
    """Standardise, then squash to (0, 1) with a logistic so a missing candidate (0) stays below every hit."""
    if not scores:
        return {}
    values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    mu, sd = float(values.mean()), float(values.std())
    if sd <= 1e-12:
        return {i: 1.0 for i in scores}
    return {i: float(1.0 / (1.0 + np.exp(-(float(s) - mu) / sd))) for i, s in scores.items()}


def convex(
    *scored: Mapping[Id, float],
    weights: Sequence[float] | None = None,
    norm: Literal["minmax", "zscore"] = "minmax",
    abstain: Sequence[Collection | None] | None = None,
) -> list[tuple[Id, float]]:
    """Convex combination of per-retriever normalised scores (missing = 0); best first."""
    w = _weights(len(scored), weights)
    normalise = minmax if norm == "minmax" else zscore
    parts = [normalise(s) for s in scored]
    return _combine(parts, w, _abstain(len(scored), abstain))  # type: ignore[return-value]
