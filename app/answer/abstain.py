"""When to say "the indexed documents do not answer this" instead of guessing (pure functions).

`abstain_reason` combines three signals:
- the evidence signal: the best sentence score of the extractive scorer (`ScoredUnit.score`: question-token
  recall, embedding similarity, answer-shape bonus, retrieval-rank prior), with only a share of its answer-shape
  bonus (none for e5-small: a sentence stating *some* number or period is no evidence that the documents answer),
  plus a weight × the dense cosine between the question and that sentence's passage (`Hit.dense_score`, computed
  by the index);
- retrieval evidence: when the dense and the lexical retriever both rank the quoted passage near the top
  (`Hit.dense_rank`, `Hit.lexical_rank`), a lower signal may suffice; "which section" questions, answered by
  the passage's label, have their own lower threshold;
- anchors (`app.answer.rules.anchors`): a long number the question is about (a year, an order number) must occur in the
  quoted documents (names as well when `anchor_names` is on).
Thresholds are per embedder (`AnswerSettings.abstain_by_embedder`; e5 cosines sit higher than MiniLM's), measured
on bench/calibration/abstain_questions.jsonl by bench/calibration/abstain_features.py; the lexical-only scorer
uses AnswerSettings.abstain_below_lexical (bench/calibration/abstain_thresholds.py --lexical).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.answer.extractive import ScoredUnit, fills, question_slot
from app.answer.rules.anchors import missing_anchors, passage_context, question_anchors
from app.answer.rules.qtype import states_number
from app.answer.rules.slots import SLOT_KINDS
from index.types import Hit
from ingest.script import HANGUL as _HANGUL

NO_ANSWER_EN = "The indexed documents do not answer this question."
NO_ANSWER_KO = "색인된 문서에는 이 질문에 대한 답이 없습니다."


def best_score(scored: Sequence[ScoredUnit]) -> float:
    """The best non-heading sentence score (0 when nothing was retrieved)."""
    return max((s.score for s in scored if not s.unit.heading), default=0.0)


def should_abstain(scored: Sequence[ScoredUnit], threshold: float) -> bool:
    """Abstain when no sentence of the retrieved passages scores at or above `threshold`."""
    return best_score(scored) < threshold


@dataclass(frozen=True)
class AbstainRule:
    """Thresholds of the abstention decision (from AnswerSettings; measured by bench/calibration)."""

    below: float  # abstain when the evidence signal (see `evidence_signal`) is below this …
    agreed_below: float  # … or below this when both retrievers rank the quoted passage high (retrieval evidence)
    section_below: float  # "which section" questions are answered by a label: the passage must be relevant
    agree_rank: int = 3  # "both retrievers rank it high": dense and lexical rank both at most this
    check_anchors: bool = True  # numbers of the question must occur in the quoted documents
    anchor_names: bool = False  # … and its names too (names are often paraphrased: "Pyongyang", "Americans")
    passage_weight: float = 0.0  # weight of the quoted passage's dense (question ↔ passage) cosine in the signal
    shape_weight: float = 1.0  # share of the sentence's answer-shape bonus (`ScoredUnit.shape_bonus`) in the signal
    check_measure: bool = (
        True  # a question asking for a value of a known kind (`app.answer.rules.slots.asked_slot`: an amount
    )
    # of money, a count of a noun, a date, a year, a percentage, a numbered order, a penalty) needs a quote stating
    # one, and any other "how many / how much" question a quote stating a number (`app.answer.rules.qtype.states_number`)
    slot_kinds: frozenset[str] = frozenset(SLOT_KINDS)  # the slot kinds checked


def evidence_signal(best: ScoredUnit, hits: Sequence[Hit], passage_weight: float, shape_weight: float = 1.0) -> float:
    """The abstention signal: the best sentence score, with only `shape_weight` of its answer-shape bonus
    (`ScoredUnit.shape_bonus`), plus `passage_weight` × the dense retriever's cosine between the question and that
    sentence's passage (`Hit.dense_score`, already computed by the index; a passage the dense retriever did not
    return takes the lowest cosine among the hits). The sentence score says a sentence matches the question's
    words, the passage cosine that the passage is about the question. The shape bonus (a sentence states *a*
    period, date or number) helps to pick the quote but says little about whether the documents answer: an
    unanswerable "how many … in 2023?" always finds a sentence stating some number (bench/calibration/
    abstain_features.py: the shape's ROC AUC answerable vs not is 0.59 on the calibration set, 0.36 held out)."""
    score = best.score - (1.0 - shape_weight) * best.shape_bonus
    if passage_weight == 0:
        return score
    cosines = [h.dense_score for h in hits if h.dense_score is not None]
    if not cosines:
        return score
    own = hits[best.hit_index].dense_score
    return score + passage_weight * (own if own is not None else min(cosines))


def retrievers_agree(hit: Hit, rank: int) -> bool:
    """True when the dense and the lexical retriever both put `hit` within their top `rank`."""
    return (
        hit.dense_rank is not None
        and hit.dense_rank <= rank
        and hit.lexical_rank is not None
        and hit.lexical_rank <= rank
    )


def abstain_reason(
    question: str,
    qtype: str,
    scored: Sequence[ScoredUnit],
    hits: Sequence[Hit],
    selected: Sequence[ScoredUnit],
    rule: AbstainRule,
) -> str | None:
    """Why the engine should not answer (None: answer). `selected`: the units the extractive answerer would quote.

    1. nothing retrieved or no sentence to quote;
    2. the evidence signal (`evidence_signal`) is below the threshold — a lower one when both retrievers
       independently rank its passage near the top (strong evidence the passage is on the question), or for a
       "which section" question (its answer is the passage's label, so a short or list-like provision still
       answers it);
    3. a number the question is about (a year, an order or resolution number; `app.answer.rules.anchors`) occurs in none of
       the retrieved passages of the quoted documents — and, with `anchor_names`, a name too. Names are off by
       default: they are paraphrased ("Pyongyang" for the Government of North Korea, "Americans" for United
       States citizens), numbers are not.
    """
    candidates = [s for s in scored if not s.unit.heading]
    if not hits or not candidates or not selected:
        return "nothing retrieved"
    best = candidates[0]
    threshold = rule.below
    if retrievers_agree(hits[best.hit_index], rule.agree_rank):
        threshold = min(threshold, rule.agreed_below)
    if qtype == "section":
        threshold = min(threshold, rule.section_below)
    # the best sentence, and the best-scoring one when a preferred answer shape moved another before it
    # (`app.answer.extractive.slot_first`, `shape_first`): the signal says the retrieved text is on the question
    top = max(candidates, key=lambda s: s.score)
    signal = max(evidence_signal(s, hits, rule.passage_weight, rule.shape_weight) for s in (best, top))
    if signal < threshold:
        return f"evidence signal {signal:.3f} < {threshold:.3f}"
    if rule.check_measure and (slot := question_slot(question, rule.slot_kinds)) is not None:
        if not any(fills(slot, s, hits) for s in selected):
            return f"the question asks for a value ({slot.kind}) none of the quoted sentences states"
    elif rule.check_measure and qtype == "quantity" and not any(states_number(s.unit.text) for s in selected):
        return "the question asks how many / how much and none of the quoted sentences states a number"
    if rule.check_anchors:
        anchors = [a for a in question_anchors(question) if rule.anchor_names or a.isdigit()]
        quoted_docs = {hits[s.hit_index].passage.doc_id for s in selected}
        # every retrieved passage of the quoted documents: the document is what must fit
        contexts = [passage_context(h.passage) for h in hits if h.passage.doc_id in quoted_docs]
        missing = missing_anchors(anchors, contexts)
        if missing:
            return "the quoted passages do not mention " + ", ".join(missing)
    return None


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
