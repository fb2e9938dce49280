"""PolicyQA benchmark: evidence retrieval over privacy policies with gold answer spans (../shared/data/policyqa).

PolicyQA (Ahmad et al., 2020) asks reading-comprehension questions about 20 website privacy policies per split;
each answer is a gold span (a character offset) in one policy paragraph. Here each policy is one policyqa
document (its paragraphs joined by blank lines, so the gold offsets map exactly into the document text), chunked
and indexed like any other document, and each question is searched **within its policy** (a `doc_id` filter:
the questions are generic, "How does the site inform users of policy changes?", and only make sense per policy,
as the dataset's SOURCE.md says). A chunk is relevant when it covers at least half of a gold span.

Reports Hit@1, Hit@5 (the span is inside a top-k passage), MRR@10 and nDCG@10 for bm25, dense and the default
hybrid, per embedder, in one run. Usage: ``policyqa eval policyqa [../shared/data/policyqa] [--embedders …]``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.metrics import hit_at_k, mean, mrr_at_k, ndcg_at_k, percentile
from index.types import Filters
from ingest.types import Document

log = logging.getLogger(__name__)

PARAGRAPH_SEPARATOR = "\n\n"
MIN_SPAN_COVERAGE = 0.5
MODES = ("lexical", "dense", "hybrid")


@dataclass(frozen=True)
class PolicyQuestion:
    id: str
    question: str
    doc_id: str
    spans: tuple[tuple[int, int], ...]  # gold answer spans, character offsets into the policy's document text
    answers: tuple[str, ...]  # the gold answer texts (document[start:end] of each span)


@dataclass(frozen=True)
class PolicyData:
    documents: list[Document]
    questions: list[PolicyQuestion]


def policy_doc_id(title: str) -> str:
    return "policyqa-" + "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")


def parse_policyqa(payload: dict[str, Any], split: str) -> PolicyData:
    """SQuAD-format PolicyQA → one Document per policy and questions with spans in that document's text.
    Pure: the parsed JSON in, records out. Raises ValueError when a gold span does not match its text."""
    documents, questions = [], []
    for policy in payload["data"]:
        doc_id = policy_doc_id(policy["title"])
        parts, offset = [], 0
        for paragraph in policy["paragraphs"]:
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                spans, texts = [], []
                for ans in qa["answers"]:
                    start = offset + ans["answer_start"]
                    spans.append((start, start + len(ans["text"])))
                    texts.append(ans["text"])
                    if context[ans["answer_start"] : ans["answer_start"] + len(ans["text"])] != ans["text"]:
                        raise ValueError(f"PolicyQA {qa['id']}: gold span does not match its paragraph")
                questions.append(
                    PolicyQuestion(f"{split}:{qa['id']}", qa["question"], doc_id, tuple(spans), tuple(texts))
                )
            parts.append(context)
            offset += len(context) + len(PARAGRAPH_SEPARATOR)
        text = PARAGRAPH_SEPARATOR.join(parts)
        documents.append(
            Document(
                doc_id=doc_id,
                title=f"{policy['title']} privacy policy",
                source=f"policyqa-{split}:{policy['title']}",
                doc_type="other",
                date=None,
                language="en",
                text=text,
                content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            )
        )
    return PolicyData(documents, questions)


def load_policyqa(path: Path, split: str = "test") -> PolicyData:
    return parse_policyqa(json.loads((Path(path) / f"{split}.json").read_text(encoding="utf-8")), split)


def sample_questions(questions: Sequence[PolicyQuestion], limit: int | None, seed: int = 13) -> list[PolicyQuestion]:
    """A fixed random sample (same seed → same questions), or all when `limit` is None or ≥ the count."""
    if limit is None or limit >= len(questions):
        return list(questions)
    return random.Random(seed).sample(list(questions), limit)


def span_coverage(start: int, end: int, span: tuple[int, int]) -> float:
    """The fraction of `span` that lies inside [start, end)."""
    s, e = span
    if e <= s:
        return 0.0
    return max(0, min(end, e) - max(start, s)) / (e - s)


def is_relevant(
    start: int, end: int, spans: Sequence[tuple[int, int]], min_coverage: float = MIN_SPAN_COVERAGE
) -> bool:
    return any(span_coverage(start, end, span) >= min_coverage for span in spans)


def relevance_of(chunks: Sequence[Any], question: PolicyQuestion) -> dict[str, float]:
    """chunk id → 1.0 for the chunks of the question's policy that cover a gold span (objects with chunk_id,
    doc_id, start, end, e.g. `Passage`)."""
    return {
        c.chunk_id: 1.0 for c in chunks if c.doc_id == question.doc_id and is_relevant(c.start, c.end, question.spans)
    }


@dataclass(frozen=True)
class RetrievalRow:
    embedder: str
    mode: str
    hit1: float
    hit5: float
    mrr10: float
    ndcg10: float
    uncovered: int  # questions whose gold span no chunk covers (chunking can split a span in two)
    ms_p50: float


def score_rankings(rankings: dict[str, list[str]], relevance: dict[str, dict[str, float]]) -> dict[str, float]:
    """Mean Hit@1/Hit@5/MRR@10/nDCG@10 over the questions that have a relevant chunk. Pure."""
    ids = [q for q in rankings if relevance.get(q)]
    return {
        "hit1": mean([hit_at_k(rankings[q], relevance[q], 1) for q in ids]),
        "hit5": mean([hit_at_k(rankings[q], relevance[q], 5) for q in ids]),
        "mrr10": mean([mrr_at_k(rankings[q], relevance[q], 10) for q in ids]),
        "ndcg10": mean([ndcg_at_k(rankings[q], relevance[q], 10) for q in ids]),
    }


def open_policy_index(data: PolicyData, settings, embedder_name: str, split: str):
    """The PolicyQA index for this embedder and chunker, cached under $POLICYQA_HOME/bench (built once)."""
    from index.index import Index

    key = hashlib.sha256(settings.chunking.model_dump_json().encode()).hexdigest()[:8]
    path = settings.home / "bench" / f"policyqa-{split}-{embedder_name.replace('/', '_')}-{key}"
    index = Index.open_or_create(
        path,
        settings=settings.index.model_copy(update={"embedder": embedder_name}),
        chunking=settings.chunking,
        home=settings.home,
    )
    report = index.add_documents(data.documents)  # idempotent: unchanged policies are skipped
    if report.embedded_chunks:
        log.info("PolicyQA index for %s at %s: %d chunks embedded", embedder_name, path, report.embedded_chunks)
    return index


def evaluate_index(
    index, questions: Sequence[PolicyQuestion], embedder: str, modes: Sequence[str] = MODES
) -> tuple[list[RetrievalRow], dict[str, dict[str, int | None]]]:
    """Search every question within its policy in each mode; rows of metrics and the first relevant rank per
    question (for the result file)."""
    chunks_of: dict[str, list[Any]] = {}
    relevance = {}
    for q in questions:
        if q.doc_id not in chunks_of:
            chunks_of[q.doc_id] = index.passages(q.doc_id)
        relevance[q.id] = relevance_of(chunks_of[q.doc_id], q)
    missing = sum(1 for q in questions if not relevance[q.id])
    rows, first_ranks = [], {}
    for mode in modes:
        rankings, times = {}, []
        for q in questions:
            started = time.perf_counter()
            hits = index.search(q.question, k=10, mode=mode, filters=Filters(doc_id=[q.doc_id]))
            times.append((time.perf_counter() - started) * 1000)
            rankings[q.id] = [h.passage.chunk_id for h in hits]
        scores = score_rankings(rankings, relevance)
        rows.append(RetrievalRow(embedder, mode, uncovered=missing, ms_p50=percentile(times, 50), **scores))
        first_ranks[f"{embedder}/{mode}"] = {
            q.id: next((i + 1 for i, c in enumerate(rankings[q.id]) if c in relevance[q.id]), None) for q in questions
        }
    return rows, first_ranks


def format_rows(rows: Sequence[RetrievalRow], baseline_mode: str = "lexical") -> str:
    base = {r.embedder: r.ndcg10 for r in rows if r.mode == baseline_mode}
    head = (
        f"{'embedder':<10} {'mode':<8} {'Hit@1':>6} {'Hit@5':>6} {'MRR@10':>7} {'nDCG@10':>8} "
        f"{'nDCG vs bm25':>13} {'p50 ms':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        ratio = f"{r.ndcg10 / base[r.embedder]:.3f}x" if base.get(r.embedder) else "-"
        lines.append(
            f"{r.embedder:<10} {r.mode.replace('lexical', 'bm25'):<8} {r.hit1:>6.3f} {r.hit5:>6.3f} "
            f"{r.mrr10:>7.3f} {r.ndcg10:>8.4f} {ratio:>13} {r.ms_p50:>7.1f}"
        )
    return "\n".join(lines)


def run_retrieval(
    data: PolicyData, questions: Sequence[PolicyQuestion], *, settings, embedders: Sequence[str], split: str = "test"
) -> tuple[list[RetrievalRow], dict, dict[str, Any]]:
    """Rows for every embedder × mode, first relevant ranks, and the opened index of each embedder."""
    rows, first_ranks, indexes = [], {}, {}
    for name in embedders:
        indexes[name] = open_policy_index(data, settings, name, split)
        r, f = evaluate_index(indexes[name], questions, name)
        rows += r
        first_ranks.update(f)
    return rows, first_ranks, indexes


def describe(
    data: PolicyData, questions: Sequence[PolicyQuestion], split: str, chunks: int, rows: Sequence[RetrievalRow]
) -> str:
    lines = [
        f"PolicyQA {split}: {len(questions)} of {len(data.questions)} questions (seeded sample), "
        f"{len(data.documents)} policies, {chunks} chunks; each question searched within its policy; a passage "
        f"is relevant when it covers >= {MIN_SPAN_COVERAGE:.0%} of a gold answer span"
    ]
    if rows and rows[0].uncovered:
        lines.append(f"({rows[0].uncovered} questions have no chunk covering their span and are left out)")
    return "\n".join(lines)
