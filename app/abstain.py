"""When to say "the indexed documents do not answer this" instead of guessing (pure functions).

The signal is the best sentence score of the extractive scorer (`ScoredUnit.score`: question-token recall,
embedding similarity, answer-shape bonus) over the retrieved passages; it is comparable across questions,
unlike raw BM25 or fused retrieval scores. The threshold (AnswerSettings.abstain_below, and
abstain_below_lexical when no embedder is available) was measured on answerable vs unanswerable questions by
tests/calibration/abstain_thresholds.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.extractive import ScoredUnit

NO_ANSWER_EN = "The indexed documents do not answer this question."
NO_ANSWER_KO = "색인된 문서에는 이 질문에 대한 답이 없습니다."
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def best_score(scored: Sequence[ScoredUnit]) -> float:
    """The best non-heading sentence score (0 when nothing was retrieved)."""
    return max((s.score for s in scored if not s.unit.heading), default=0.0)


def should_abstain(scored: Sequence[ScoredUnit], threshold: float) -> bool:
    """Abstain when no sentence of the retrieved passages scores at or above `threshold`."""
    return best_score(scored) < threshold


def no_answer_text(question: str) -> str:
    """The abstention sentence, in the question's language (Korean when it contains Hangul)."""
    return NO_ANSWER_KO if _HANGUL.search(question) else NO_ANSWER_EN


_DECLINE = re.compile(
    r"\b(?:do(?:es)? not|don't|doesn't|cannot|can't|could not|unable to)\s+(?:\w+\s+){0,3}"
    r"(?:answer|contain|mention|say|provide|address|specify|include)\b|\bnot (?:mentioned|stated|specified|"
    r"found|provided|covered)\b|\bno (?:information|answer|mention)\b|답이 없|나와 있지 않|언급되어 있지 않|알 수 없",
    re.IGNORECASE,
)


def is_decline(text: str) -> bool:
    """True when a generated answer says the passages do not answer (the LLM's own abstention)."""
    return bool(_DECLINE.search(text))
