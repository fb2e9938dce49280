"""Metrics of the answer benchmark, as pure functions over plain records (no models, no index).

Definitions (also printed by `policyqa eval qa`):
- **answer accuracy** (answerable questions only): the answer is correct when a gold answer string occurs in what
  the user sees — the answer text followed by the labels of its citations (a "which section?" answer is the
  citation label) — compared after normalisation (`bench.relevance.normalize_for_match`) with all whitespace
  removed (so case and spacing do not matter). An abstention counts as wrong.
- **citation precision** (answerable questions that were answered): the fraction of the answers' citations whose
  passage comes from an evidence document *and* contains one of the question's evidence strings (micro-averaged
  over citations). `citation_doc_precision` is the looser document-level variant (the passage comes from an
  evidence document).
- **abstention precision** = abstained ∧ unanswerable / abstained; **abstention recall** = abstained ∧ unanswerable /
  unanswerable. `false_abstention_rate` = abstained ∧ answerable / answerable.
- **latency**: p50/p95 (linear interpolation) of the per-question wall time in milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.metrics import mean, percentile
from bench.relevance import Unit, normalize_for_match

_ALL_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class CitedPassage:
    doc_id: str
    text: str
    label: str = ""


@dataclass(frozen=True)
class QAOutcome:
    """One question answered by one answerer."""

    qid: str
    group: str
    answerable: bool
    golds: tuple[str, ...]
    units: tuple[Unit, ...]
    text: str
    citations: tuple[CitedPassage, ...] = ()
    abstained: bool = False
    ms: float = 0.0
    extra: dict = field(default_factory=dict, compare=False)


def _squash(text: str) -> str:
    return _ALL_SPACE.sub("", normalize_for_match(text))


def answer_surface(text: str, labels: Sequence[str]) -> str:
    """What the user sees: the answer text and the citation labels."""
    return "\n".join([text, *labels])


def is_correct(text: str, labels: Sequence[str], golds: Sequence[str]) -> bool:
    """A gold string occurs in the answer text or its citation labels (case-, space- and markup-insensitive)."""
    surface = _squash(answer_surface(text, labels))
    return any((g := _squash(gold)) and g in surface for gold in golds)


def citation_supports(citation: CitedPassage, units: Sequence[Unit]) -> bool:
    """The cited passage comes from a gold document and contains that unit's evidence string."""
    norm = normalize_for_match(citation.text)
    return any(u.doc_id == citation.doc_id and normalize_for_match(u.evidence) in norm for u in units)


def citation_in_gold_doc(citation: CitedPassage, units: Sequence[Unit]) -> bool:
    return any(u.doc_id == citation.doc_id for u in units)


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


CONFIDENCE_LEVELS: tuple[str, ...] = ("high", "medium", "low")


def by_confidence(outcomes: Sequence[QAOutcome]) -> dict[str, dict] | None:
    """Per confidence level (`extra["confidence"]`): questions at that level, precision (right answers among them;
    an unanswerable question answered counts as wrong, an abstention as not right), coverage (share of the
    answerable questions at that level) and the unanswerable questions at it. None when no outcome has a level."""
    if not any("confidence" in o.extra for o in outcomes):
        return None
    answerable = sum(o.answerable for o in outcomes)
    out: dict[str, dict] = {}
    for level in CONFIDENCE_LEVELS:
        at = [o for o in outcomes if o.extra.get("confidence") == level]
        right = [
            o
            for o in at
            if o.answerable and not o.abstained and is_correct(o.text, [c.label for c in o.citations], o.golds)
        ]
        out[level] = {
            "n": len(at),
            "precision": _ratio(len(right), len(at)),
            "coverage": _ratio(sum(o.answerable for o in at), answerable),
            "unanswerable": sum(not o.answerable for o in at),
        }
    return out


def summarize(outcomes: Sequence[QAOutcome]) -> dict:
    """All benchmark numbers for one answerer (see the module docstring). Ratios with an empty denominator are
    None (e.g. abstention precision of an answerer that never abstains)."""
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    correct = [o for o in answerable if not o.abstained and is_correct(o.text, [c.label for c in o.citations], o.golds)]
    answered = [o for o in answerable if not o.abstained]
    correct_ids = {o.qid for o in correct}
    cites = [(c, o.units) for o in answered for c in o.citations]
    abstained = [o for o in outcomes if o.abstained]
    groups: dict[str, dict] = {}
    for g in dict.fromkeys(o.group for o in outcomes):
        members = [o for o in outcomes if o.group == g]
        if members[0].answerable:
            ok = sum(1 for o in members if o.qid in correct_ids)
            groups[g] = {"n": len(members), "accuracy": ok / len(members)}
        else:
            groups[g] = {"n": len(members), "abstained": sum(o.abstained for o in members) / len(members)}
    times = [o.ms for o in outcomes]
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "accuracy": _ratio(len(correct), len(answerable)),
        "accuracy_when_answered": _ratio(len(correct), len(answered)),
        "citations": len(cites),
        "citation_precision": _ratio(sum(citation_supports(c, u) for c, u in cites), len(cites)),
        "citation_doc_precision": _ratio(sum(citation_in_gold_doc(c, u) for c, u in cites), len(cites)),
        "abstained": len(abstained),
        "abstention_precision": _ratio(sum(not o.answerable for o in abstained), len(abstained)),
        "abstention_recall": _ratio(sum(o.abstained for o in unanswerable), len(unanswerable)),
        "false_abstention_rate": _ratio(sum(o.abstained for o in answerable), len(answerable)),
        "latency_p50_ms": percentile(times, 50),
        "latency_p95_ms": percentile(times, 95),
        "latency_mean_ms": mean(times),
        "groups": groups,
        "confidence": by_confidence(outcomes),
    }
