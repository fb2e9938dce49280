"""How far an answer can be trusted: measured signals in, `high` / `medium` / `low` out (pure functions).

`measure_signals` reads what the engine already computed for the answer — the retrieval ranks and cosines of the
cited passage, the evidence signal of the abstention rule, the support score of every quoted sentence, whether the
asked value is stated, the languages, which parts of a multi-part question the quotes cover — into a
`ConfidenceSignals` record. `confidence_level` turns it into a level with a few thresholds
(`app.settings.ConfidenceSettings`, fitted on the development question sets by bench/calibration/confidence_fit.py)
and says, in plain words, what keeps a medium or low answer from high:

- low: the engine abstained, or the evidence barely clears the abstention threshold: closest passages, not a claim;
- high: strong evidence (less needed when dense and lexical retrieval agree on the passage), every quote well
  supported, the asked value stated, evidence in the question's language, no other document clearly closer, every
  part of the question covered;
- medium: anything between.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from app.answer.abstain import AbstainRule, evidence_signal, retrievers_agree
from app.answer.extractive import ScoredUnit, fills, question_slot
from app.answer.rules.anchors import anchor_found, passage_context, question_anchors
from app.answer.rules.qtype import QuestionType
from app.answer.types import Answer, ConfidenceLevel, ConfidenceSignals
from app.settings import ConfidenceSettings
from index.types import Hit

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Where a question asking two things splits: ", and which …", "; how …", "… and when …", a second question,
# Korean connectives. (The same connectives `app.answer.rules.qtype.is_multi_part` recognises.)
_PART_BREAK = re.compile(
    r"(?:,\s*and|;)\s+(?=(?:(?:on|in|at|by|for|from|under|to|with)\s+)?(?:what|which|who|whom|how|when|where|why|is|"
    r"are|was|were|does|do|did|can|may|must)\b)"
    r"|\band\s+(?=(?:what|which|who|how|when|where|why)\b)|(?<=[?？])\s+(?=\S)|\s(?:그리고|또한)\s|,\s*(?=무엇|어떤|누가|언제|얼마)",
    re.IGNORECASE,
)


def question_language(question: str) -> str:
    """'ko' when the question contains Hangul, else 'en'."""
    return "ko" if _HANGUL.search(question) else "en"


def question_parts(question: str) -> list[str]:
    """The parts of a question that asks several things ("Who may waive it, and for how long?" → two parts);
    one part otherwise. Parts too short to carry a content word stay with the part before."""
    pieces = [p.strip(" ,;") for p in _PART_BREAK.split(question) if p and p.strip(" ,;")]
    return pieces or [question]


def covered_parts(
    parts: Sequence[str], quoted: Sequence[str], tokens: Callable[..., list[str]], share: float
) -> list[bool]:
    """For each part: do the quoted texts hold at least `share` of its content words? A part without content
    words (after question words are dropped) counts as covered."""
    have: set[str] = set()
    for text in quoted:
        have.update(tokens(text))
    out = []
    for part in parts:
        words = set(tokens(part, question=True))
        out.append(not words or len(words & have) >= share * len(words))
    return out


def threshold_for(qtype: QuestionType, hit: Hit, rule: AbstainRule) -> float:
    """The abstention threshold `app.answer.abstain.abstain_reason` applies to a quote from `hit`."""
    threshold = rule.below
    if retrievers_agree(hit, rule.agree_rank):
        threshold = min(threshold, rule.agreed_below)
    if qtype == "section":
        threshold = min(threshold, rule.section_below)
    return threshold


def term_coverage(question_tokens: set[str], context_tokens: set[str], idf: Callable[[str], float]) -> float:
    """IDF-weighted share of the question's content tokens found in the context (1 without tokens)."""
    total = sum(idf(t) for t in question_tokens)
    if total <= 0:
        return 1.0
    return sum(idf(t) for t in question_tokens & context_tokens) / total


def anchors_found(question: str, contexts: Sequence[str]) -> float:
    """Share of the question's anchors (names, long numbers; `app.answer.rules.anchors`) found in the contexts."""
    anchors = question_anchors(question)
    if not anchors:
        return 1.0
    joined = "\n".join(contexts)
    return sum(1 for a in anchors if anchor_found(a, joined)) / len(anchors)


def passage_margin(hits: Sequence[Hit], cited: int) -> float:
    """Dense question cosine of hit `cited` minus the best of the hits from other documents (0 when unknown)."""
    own = hits[cited].dense_score
    others = [
        h.dense_score for h in hits if h.dense_score is not None and h.passage.doc_id != hits[cited].passage.doc_id
    ]
    if own is None:
        known = [h.dense_score for h in hits if h.dense_score is not None]
        own = min(known) if known else None
    if own is None or not others:
        return 0.0
    return round(own - max(others), 4)


def measure_signals(
    query: str,
    qtype: QuestionType,
    hits: Sequence[Hit],
    scored: Sequence[ScoredUnit],
    selected: Sequence[ScoredUnit],
    answer: Answer,
    rule: AbstainRule,
    tokens: Callable[..., list[str]],
    part_share: float,
    idf: Callable[[str], float] = lambda _t: 1.0,
) -> ConfidenceSignals:
    """The confidence signals of `answer` (see `ConfidenceSignals` for each)."""
    candidates = [s for s in scored if not s.unit.heading]
    if not hits or not candidates:
        return ConfidenceSignals(evidence_margin=-1.0, same_language=False, parts_covered=0)
    by_chunk = {h.passage.chunk_id: i for i, h in enumerate(hits)}
    cited = [by_chunk[c.chunk_id] for c in answer.citations if c.chunk_id in by_chunk]
    quoted_units = [s for s in selected if not answer.citations or s.hit_index in cited] or list(selected)
    best = quoted_units[0] if quoted_units else candidates[0]
    top = cited[0] if cited else best.hit_index
    hit = hits[top]
    margin = max(
        evidence_signal(s, hits, rule.passage_weight, rule.shape_weight) for s in (best, candidates[0])
    ) - threshold_for(qtype, hits[best.hit_index], rule)
    slot_value = question_slot(query, rule.slot_kinds)
    slot = "none"
    if slot_value is not None:
        slot = "filled" if any(fills(slot_value, s, hits) for s in quoted_units) else "missing"
    supported = [s for s in answer.sentences if s.supported]
    support = min((s.support for s in supported), default=0.0)
    unsupported = sum(1 for s in answer.sentences if not s.supported)
    language = question_language(query)
    cited_hits = [hits[i] for i in cited] or [hit]
    same_language = any(h.passage.language == language for h in cited_hits)
    parts = question_parts(query)
    quoted_texts = [s.text for s in supported] or [s.unit.text for s in quoted_units]
    quoted_texts += [h.passage.label for h in cited_hits]
    covered = covered_parts(parts, quoted_texts, tokens, part_share)
    contexts = [passage_context(h.passage) for h in cited_hits]
    context_tokens: set[str] = set()
    for c in contexts:
        context_tokens.update(tokens(c))
    return ConfidenceSignals(
        evidence_margin=round(margin, 4),
        retrievers_agree=retrievers_agree(hit, rule.agree_rank),
        dense_rank=hit.dense_rank,
        lexical_rank=hit.lexical_rank,
        passage_margin=passage_margin(hits, top),
        support=round(support, 4),
        unsupported=unsupported,
        slot=slot,  # type: ignore[arg-type]
        same_language=same_language,
        anchors_found=round(anchors_found(query, contexts), 4),
        term_coverage=round(term_coverage(set(tokens(query, question=True)), context_tokens, idf), 4),
        parts=len(parts),
        parts_covered=sum(covered),
        named_uncited=any(h.routed for h in hits) and not any(h.routed for h in cited_hits),
    )


def confidence_level(
    signals: ConfidenceSignals, abstained: bool, settings: ConfidenceSettings
) -> tuple[ConfidenceLevel, list[str]]:
    """The level and what keeps it from high (plain words, for the reader). Pure."""
    if abstained:
        return "low", ["no passage found that answers the question"]
    missing: list[str] = []
    if signals.named_uncited:
        missing.append("the question names a document in another language, and the answer quotes another one")
    if signals.parts > 1 and signals.parts_covered < signals.parts:
        missing.append(
            "covers the first part of the question only"
            if signals.parts_covered == 1 and signals.parts == 2
            else f"covers {signals.parts_covered} of the {signals.parts} parts of the question"
        )
    if signals.slot == "missing":
        missing.append("the quoted text does not state the value asked for")
    if settings.high_same_language and not signals.same_language:
        missing.append("matched only across languages")
    needed = settings.high_agreed_evidence_margin if signals.retrievers_agree else settings.high_evidence_margin
    if signals.evidence_margin < needed:
        missing.append("the passage matches the question only loosely")
    if signals.anchors_found < settings.high_anchors_found:
        missing.append("a name or number of the question is not in the cited passages")
    elif signals.term_coverage < settings.high_term_coverage:
        missing.append("the cited passages lack some words of the question")
    if signals.passage_margin < settings.high_passage_margin:
        missing.append("another document is about as close to the question")
    if signals.unsupported or signals.support < settings.high_support:
        missing.append("a quoted sentence is only weakly supported by its passage")
    if signals.evidence_margin < settings.low_evidence_margin or signals.named_uncited:
        return "low", ["the documents may not answer this", *missing]
    return ("high", []) if not missing else ("medium", missing)
