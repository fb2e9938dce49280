"""Citation checks: does the passage an answer sentence cites support it? Pure functions plus a small checker
that owns an injected tokenizer and (optional) embedder.

Two signals, both in 0..1:
- lexical support: the share of the sentence's content tokens that occur in the passage (token recall);
- semantic support: the best cosine between the sentence and any sentence unit of the passage.
Plus a hard rule: every number the sentence states must occur in the passage ("90 days" is not supported by a
passage that says "30 days", however similar the rest is). Thresholds live in `AnswerSettings` and were measured
by bench/calibration/support_thresholds.py on 100 real sentences of the benchmark corpus with all-MiniLM-L6-v2
(pass rates: combined ≥ 0.85 passes 100% of verbatim quotes, 88% of 60% partial quotes, 25% of restated partial
quotes, 0% of claims vs a random other chunk, 17% vs the most similar chunk of another document — an upper
bound, since near-duplicate provisions there often do support the claim; lexical-only ≥ 0.90: 100% / 100% / 34%
/ 0% / 11%). Changed numbers are caught by the numbers rule in 94% of cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from app.answer.sentences import split_units

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def lexical_support(sentence_tokens: Sequence[str], passage_tokens: Sequence[str]) -> float:
    """Share of the sentence's distinct content tokens found in the passage (1.0 for a verbatim quote)."""
    wanted = set(sentence_tokens)
    if not wanted:
        return 0.0
    return len(wanted & set(passage_tokens)) / len(wanted)


def semantic_support(sentence_vec: np.ndarray, unit_vecs: np.ndarray) -> float:
    """Best cosine between the sentence and the passage's units (vectors L2-normalised), clipped to 0..1."""
    if unit_vecs.size == 0:
        return 0.0
    return float(np.clip(np.max(unit_vecs @ sentence_vec), 0.0, 1.0))


def numbers_consistent(sentence: str, passage: str) -> bool:
    """Every number written in the sentence also occurs in the passage (commas ignored)."""
    have = {n.replace(",", "") for n in _NUMBER.findall(passage)}
    return all(n.replace(",", "") in have for n in _NUMBER.findall(sentence))


@dataclass(frozen=True)
class SupportThresholds:
    lexical: float  # supported on lexical recall alone at or above this (used when there is no embedder)
    combined: float  # supported when (lexical + semantic) / 2 reaches this


@dataclass(frozen=True)
class Support:
    lexical: float
    semantic: float | None  # None when no embedder was available
    numbers_ok: bool
    score: float  # the combined score reported as AnswerSentence.support
    supported: bool


def judge(lexical: float, semantic: float | None, numbers_ok: bool, thresholds: SupportThresholds) -> Support:
    """Combine the signals into a verdict (pure)."""
    if semantic is None:
        score = lexical
        ok = lexical >= thresholds.lexical
    else:
        score = (lexical + semantic) / 2
        ok = score >= thresholds.combined or lexical >= max(thresholds.lexical, 0.999)
    return Support(lexical, semantic, numbers_ok, round(score, 4), bool(ok and numbers_ok))


class VectorCache:
    """Encodes texts with an embedder once per answer (a per-call cache, not module state)."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder
        self._passages: dict[str, np.ndarray] = {}
        self._queries: dict[str, np.ndarray] = {}

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._passages))
        if missing:
            vecs = np.asarray(self.embedder.encode_passages(missing), dtype=np.float32)
            self._passages.update(zip(missing, vecs))
        if not texts:
            return np.zeros((0, int(getattr(self.embedder, "dim", 1))), dtype=np.float32)
        return np.stack([self._passages[t] for t in texts])

    def query(self, text: str) -> np.ndarray:
        if text not in self._queries:
            self._queries[text] = np.asarray(self.embedder.encode_queries([text]), dtype=np.float32)[0]
        return self._queries[text]


class SupportChecker:
    """Checks a sentence against a passage. `tokenize`: text -> content tokens; `vectors`: a VectorCache or None."""

    def __init__(
        self,
        tokenize: Callable[[str], list[str]],
        thresholds: SupportThresholds,
        vectors: VectorCache | None = None,
    ) -> None:
        self._tokenize = tokenize
        self._vectors = vectors
        self.thresholds = thresholds

    def check(self, sentence: str, passage: str) -> Support:
        if sentence.strip() and sentence in passage:
            # A verbatim quote is supported by the passage that contains it (cosine with itself is 1): no need
            # to embed the passage's sentences (the extractive answerer's quotes always take this path).
            return judge(1.0, 1.0 if self._vectors is not None else None, True, self.thresholds)
        lexical = lexical_support(self._tokenize(sentence), self._tokenize(passage))
        semantic = None
        if self._vectors is not None:
            units = [u.text for u in split_units(passage)] or [passage]
            # The sentence is encoded as a passage too, so a verbatim quote meets itself at cosine 1.
            sentence_vec = self._vectors.passages([sentence])[0]
            semantic = semantic_support(sentence_vec, self._vectors.passages(units))
        return judge(lexical, semantic, numbers_consistent(sentence, passage), self.thresholds)

    def best(self, sentence: str, passages: Sequence[str]) -> tuple[int, Support] | None:
        """The index and verdict of the cited passage that supports the sentence best (None when no passages)."""
        best: tuple[int, Support] | None = None
        for i, passage in enumerate(passages):
            verdict = self.check(sentence, passage)
            if best is None or (verdict.supported, verdict.score) > (best[1].supported, best[1].score):
                best = (i, verdict)
        return best


def locate_span(
    sentence: str,
    passage: str,
    tokenize: Callable[[str], list[str]],
    vectors: VectorCache | None = None,
) -> tuple[int, int]:
    """The (start, end) of the passage unit that best matches `sentence`: the verbatim occurrence when there is
    one, else the unit with the best lexical recall (+ cosine when vectors are given). The whole passage when it
    has no units."""
    at = passage.find(sentence)
    if at >= 0 and sentence:
        return at, at + len(sentence)
    units = [u for u in split_units(passage) if not u.heading] or split_units(passage)
    if not units:
        return 0, len(passage)
    s_tokens = tokenize(sentence)
    scores = np.array([lexical_support(s_tokens, tokenize(u.text)) for u in units], dtype=np.float32)
    if vectors is not None:
        svec = vectors.passages([sentence])[0]
        scores = scores + vectors.passages([u.text for u in units]) @ svec
    best = units[int(np.argmax(scores))]
    return best.start, best.end
