"""Pure fusion functions for hybrid retrieval (no models, no I/O).

A *ranking* is a sequence of ids, best first; a *scored* list maps ids to raw retriever scores.

Cross-lingual fairness: a retriever may be unable to judge some candidates at all — BM25 shares no tokens between
an English query and a Korean article, so its silence there says nothing about relevance. Each function takes an
optional `abstain` argument: per retriever, the ids it could not judge. Such an id is scored by the retrievers
that could judge it, re-weighted to the full total weight (a weighted mean instead of a sum), so a strong dense
match in the other language is not drowned by same-language documents that merely share keywords. An id a
retriever *could* judge but did not return still counts as a miss (0), as in plain RRF. `abstain_credit` in [0, 1]
sets how far that re-weighting goes: 1 = a full weighted mean, 0 = abstention counts as a miss (plain fusion).
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
    parts: list[dict], weights: list[float], abstain: list[Collection], abstain_credit: float = 1.0
) -> list[tuple[Hashable, float]]:
    """sum_i w_i * part_i(id), rescaled towards total weight / weight of the retrievers that could judge id."""
    if not 0.0 <= abstain_credit <= 1.0:
        raise ValueError(f"abstain_credit must be within [0, 1], got {abstain_credit}")
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
            score *= 1.0 + abstain_credit * (total / judged - 1.0)
        fused.append((i, score))
    fused.sort(key=lambda t: -t[1])  # stable: ties keep first-seen order
    return fused


def rrf(
    *rankings: Sequence[Id] | Mapping[Id, int],
    k: int = 60,
    weights: Sequence[float] | None = None,
    abstain: Sequence[Collection | None] | None = None,
    abstain_credit: float = 1.0,
) -> list[tuple[Id, float]]:
    """Reciprocal-rank fusion: score(id) = sum_i w_i / (k + rank_i(id)), ranks 1-based; best first.

    A ranking is a sequence (best first) or a mapping id → 1-based rank (ties and gaps allowed, e.g. ranks taken
    within each language)."""
    if k < 1:
        raise ValueError("k must be >= 1")
    w = _weights(len(rankings), weights)
    parts = [{doc: 1.0 / (k + r) for doc, r in _rank_map(ranking).items()} for ranking in rankings]
    return _combine(parts, w, _abstain(len(rankings), abstain), abstain_credit)  # type: ignore[return-value]


def _rank_map(ranking: Sequence[Id] | Mapping[Id, int]) -> dict[Id, int]:
    if isinstance(ranking, Mapping):
        return dict(ranking)
    ranks: dict[Id, int] = {}
    for r, doc in enumerate(ranking, start=1):
        ranks.setdefault(doc, r)
    return ranks


def language_fair_ranks(
    languages: Sequence[Hashable], scores: Sequence[float], own: Collection[Hashable], margin: float
) -> list[int]:
    """Ranks (1-based) for one retriever's candidate list (best first) that let another language compete when close.

    A multilingual embedder scores a passage in the query's own language higher than the same content in another
    language, so a cross-lingual answer sits below many same-language passages. A candidate in another language
    whose score is within `margin` of the best score in the query's languages (`own`) is ranked within its own
    language (its language's best can then stand next to the query language's best); every other candidate keeps
    its position in the whole list, so an unrelated passage is not lifted just for being the best of its language.
    """
    if len(languages) != len(scores):
        raise ValueError(f"got {len(languages)} languages for {len(scores)} scores")
    own_scores = [s for lang, s in zip(languages, scores) if lang in own]
    floor = max(own_scores) - margin if own_scores else float("-inf")
    seen: dict[Hashable, int] = {}
    ranks = []
    for position, (lang, score) in enumerate(zip(languages, scores), start=1):
        seen[lang] = seen.get(lang, 0) + 1
        ranks.append(seen[lang] if lang not in own and score >= floor else position)
    return ranks


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
    abstain_credit: float = 1.0,
) -> list[tuple[Id, float]]:
    """Convex combination of per-retriever normalised scores (missing = 0); best first."""
    w = _weights(len(scored), weights)
    normalise = minmax if norm == "minmax" else zscore
    parts = [normalise(s) for s in scored]
    return _combine(parts, w, _abstain(len(scored), abstain), abstain_credit)  # type: ignore[return-value]
