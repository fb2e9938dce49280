"""Citation-unit relevance for evaluation: does a retrieved passage contain a gold evidence string?

Question sets (bench/qa/) name relevant units as (doc_id, evidence): a passage is relevant to a unit when it
comes from that document and its text contains the evidence string. This is robust to how the chunker splits a
section. Matching is done on normalised text (NFKC, markdown emphasis and escapes removed, curly quotes made
straight, whitespace collapsed, case folded) so that a loader's cosmetic changes do not break it.

All functions here are pure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_MARKUP = re.compile(r"\*\*|\\(?=[.\-*_#()\[\]])")
_SPACE = re.compile(r"\s+")


def normalize_for_match(text: str) -> str:
    """Text as compared for evidence matching (see module docstring)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _MARKUP.sub("", text)
    return _SPACE.sub(" ", text).strip().casefold()


def contains_evidence(text: str, evidence: str) -> bool:
    """True when `evidence` occurs in `text` after normalisation of both. Empty evidence never matches."""
    needle = normalize_for_match(evidence)
    return bool(needle) and needle in normalize_for_match(text)


@dataclass(frozen=True)
class Unit:
    """A gold citation unit: a document and a verbatim string inside the relevant part of it."""

    doc_id: str
    evidence: str
    label: str = ""


def matched_units(doc_id: str, text: str, units: Sequence[Unit]) -> frozenset[int]:
    """Indices of the units a passage (from `doc_id`, with `text`) is relevant to."""
    norm = normalize_for_match(text)
    return frozenset(
        i
        for i, u in enumerate(units)
        if u.doc_id == doc_id and (needle := normalize_for_match(u.evidence)) and needle in norm
    )


def unit_recall_at_k(matches: Sequence[frozenset[int]], n_units: int, k: int) -> float:
    """Fraction of the `n_units` gold units covered by the top-k passages (`matches[i]` = units passage i hits)."""
    if n_units <= 0:
        return 0.0
    covered: set[int] = set()
    for m in matches[:k]:
        covered |= m
    return len(covered) / n_units


def unit_mrr_at_k(matches: Sequence[frozenset[int]], k: int = 10) -> float:
    """Reciprocal rank of the first passage in the top k that is relevant to any unit, else 0."""
    for i, m in enumerate(matches[:k]):
        if m:
            return 1.0 / (i + 1)
    return 0.0


def unit_hit_at_k(matches: Sequence[frozenset[int]], k: int) -> float:
    """1.0 when any of the top-k passages is relevant to any unit."""
    return 1.0 if any(matches[:k]) else 0.0
