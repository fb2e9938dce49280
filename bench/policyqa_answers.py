"""Answer quotes on PolicyQA: does the default (extractive) answerer quote the gold evidence span of questions
nobody wrote for policyqa? (privacy-policy questions from the PolicyQA dataset, ../shared/data/policyqa).

Every PolicyQA question is answerable within its policy (the question is asked with a `doc_id` filter, as the
retrieval benchmark in `bench.policyqa_retrieval` does). Per answerer, over a seeded sample:
- **quote hit**: a supporting span the answer cites covers >= 50% of a gold answer span (the answer quotes the
  evidence itself, not just a passage around it);
- **passage hit**: a cited passage covers >= 50% of a gold span; **citation precision**: the fraction of all
  citations whose passage does;
- **contains answer**: the gold answer text occurs in the answer text (normalised, as in `policyqa eval qa`);
- **abstained**: answers that said the documents do not answer; **abstained, evidence retrieved**: abstentions
  although a passage covering the gold span was among the k passages retrieved for the question (the clear
  false abstentions: every PolicyQA question is answerable, but when retrieval misses the evidence, abstaining
  is the right call); **evidence retrieved**: questions with such a passage in the top k; p50/p95 latency in ms.
The baseline answers with the top passage, cited whole. Usage: part of ``policyqa eval policyqa``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bench.metrics import mean, percentile
from bench.policyqa_retrieval import PolicyQuestion, is_relevant
from bench.relevance import normalize_for_match
from index.types import Filters

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Quote:
    """What one citation points at, in document offsets: the passage and the span the answer rests on."""

    passage_start: int
    passage_end: int
    span_start: int
    span_end: int


@dataclass(frozen=True)
class PolicyAnswer:
    text: str
    quotes: tuple[Quote, ...]
    abstained: bool
    ms: float
    evidence_retrieved: bool = False  # a passage covering a gold span was among the k retrieved


Respond = Callable[[PolicyQuestion], PolicyAnswer]


def _contains(answer: str, golds: Sequence[str]) -> bool:
    text = "".join(normalize_for_match(answer).split())
    return any((g := "".join(normalize_for_match(gold).split())) and g in text for gold in golds)


def summarize(questions: Sequence[PolicyQuestion], answers: Sequence[PolicyAnswer]) -> dict[str, float]:
    """Quote hit, passage hit, citation precision, contains-answer and abstention rates, latency. Pure."""
    quotes = [(q, x) for q, a in zip(questions, answers) for x in a.quotes]
    return {
        "quote_hit": mean(
            [
                float(any(is_relevant(x.span_start, x.span_end, q.spans) for x in a.quotes))
                for q, a in zip(questions, answers)
            ]
        ),
        "passage_hit": mean(
            [
                float(any(is_relevant(x.passage_start, x.passage_end, q.spans) for x in a.quotes))
                for q, a in zip(questions, answers)
            ]
        ),
        "citation_precision": mean([float(is_relevant(x.passage_start, x.passage_end, q.spans)) for q, x in quotes])
        if quotes
        else 0.0,
        "contains_answer": mean(
            [float(not a.abstained and _contains(a.text, q.answers)) for q, a in zip(questions, answers)]
        ),
        "abstained": mean([float(a.abstained) for a in answers]),
        "abstained_evidence_retrieved": mean([float(a.abstained and a.evidence_retrieved) for a in answers]),
        "evidence_retrieved": mean([float(a.evidence_retrieved) for a in answers]),
        "p50_ms": percentile([a.ms for a in answers], 50),
        "p95_ms": percentile([a.ms for a in answers], 95),
    }


def evidence_in_top_k(index: Any, q: PolicyQuestion, k: int) -> bool:
    hits = index.search(q.question, k=k, filters=Filters(doc_id=[q.doc_id]))
    return any(is_relevant(h.passage.start, h.passage.end, q.spans) for h in hits)


def extractive_responder(index: Any, settings) -> Respond:
    from app.answer.pipeline import answer

    def respond(q: PolicyQuestion) -> PolicyAnswer:
        started = time.perf_counter()
        a = answer(q.question, index=index, settings=settings, filters=Filters(doc_id=[q.doc_id]))
        ms = (time.perf_counter() - started) * 1000
        quotes = []
        for c in a.citations:
            p = index.passage(c.chunk_id)
            quotes.append(Quote(p.start, p.end, p.start + c.span_start, p.start + c.span_end))
        return PolicyAnswer(
            a.text, tuple(quotes), a.abstained, ms, evidence_retrieved=evidence_in_top_k(index, q, settings.answer.k)
        )

    return respond


def top_passage_responder(index: Any, k: int) -> Respond:
    def respond(q: PolicyQuestion) -> PolicyAnswer:
        started = time.perf_counter()
        hits = index.search(q.question, k=k, filters=Filters(doc_id=[q.doc_id]))
        ms = (time.perf_counter() - started) * 1000
        if not hits:
            return PolicyAnswer("", (), True, ms)
        p = hits[0].passage
        retrieved = any(is_relevant(h.passage.start, h.passage.end, q.spans) for h in hits)
        return PolicyAnswer(p.text, (Quote(p.start, p.end, p.start, p.end),), False, ms, evidence_retrieved=retrieved)

    return respond


def run(index: Any, questions: Sequence[PolicyQuestion], settings) -> dict[str, dict[str, float]]:
    responders = {
        "extractive": extractive_responder(index, settings),
        "top-passage": top_passage_responder(index, settings.answer.k),
    }
    out = {}
    for name, respond in responders.items():
        for q in questions[:2]:  # warm-up
            respond(q)
        out[name] = summarize(questions, [respond(q) for q in questions])
        logger.info("policyqa answers: %s done", name)
    return out


def format_table(summaries: dict[str, dict[str, float]]) -> str:
    head = (
        f"{'answerer':<12} {'quote hit':>9} {'passage hit':>11} {'cit.prec':>8} {'contains':>8} "
        f"{'abstained':>9} {'abst. w/ evidence':>17} {'p50 ms':>7} {'p95 ms':>7}"
    )
    lines = [head, "-" * len(head)]
    for name, s in summaries.items():
        lines.append(
            f"{name:<12} {s['quote_hit']:>9.1%} {s['passage_hit']:>11.1%} {s['citation_precision']:>8.1%} "
            f"{s['contains_answer']:>8.1%} {s['abstained']:>9.1%} {s['abstained_evidence_retrieved']:>17.1%} "
            f"{s['p50_ms']:>7.0f} {s['p95_ms']:>7.0f}"
        )
    return "\n".join(lines)


def main(
    path,
    *,
    settings,
    out_dir,
    embedders: list[str] | None = None,
    split: str = "test",
    limit: int | None = 1000,
    answer_limit: int = 300,
) -> int:
    """Retrieval table (bm25 / dense / hybrid per embedder) and the answer table (default embedder)."""
    from bench.common import write_result
    from bench.policyqa_retrieval import describe, format_rows, load_policyqa, run_retrieval, sample_questions

    data = load_policyqa(path, split)
    questions = sample_questions(data.questions, limit)
    names = embedders or [settings.index.embedder]
    rows, first_ranks, indexes = run_retrieval(data, questions, settings=settings, embedders=names, split=split)
    print(describe(data, questions, split, len(indexes[names[-1]]), rows))
    print(format_rows(rows))
    name = settings.index.embedder if settings.index.embedder in indexes else names[-1]
    asked = questions[:answer_limit]
    answers = run(indexes[name], asked, settings)
    print(
        f"\nAnswers ({name}, {len(asked)} of the sampled questions, k={settings.answer.k}; the gold span is in "
        f"a retrieved passage for {answers['top-passage']['evidence_retrieved']:.1%} of them):"
    )
    print(format_table(answers))
    out = write_result(
        out_dir,
        f"policyqa-{split}",
        {
            "retrieval": [r.__dict__ for r in rows],
            "answers": {"embedder": name, "n": len(asked), **answers},
            "first_relevant_rank": first_ranks,
        },
    )
    print(f"results: {out}")
    return 0
