"""Bilingual retrieval benchmark: Recall@5 and MRR@10 per query group (en_ko, ko_ko, ko_en, en_en) for each
embedder × retrieval mode (dense, bm25 = `lexical`, hybrid), in one run.

Queries: bench/qa/bilingual.jsonl plus the English answerable questions of bench/qa/answers.jsonl (en_en).
Relevance is judged at the citation-unit level (`bench.relevance`): a passage is relevant to a unit when it comes
from the unit's document and contains its evidence string. Recall@5 = fraction of a query's units covered by the
top 5 passages (averaged over queries); MRR@10 = reciprocal rank of the first relevant passage in the top 10.
Indexes are cached under $POLICYQA_HOME/bench/<embedder>. Usage: ``policyqa eval bilingual [--embedders ...]``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.evalsets import RetrievalQuestion, en_en_from_answers, load_answer_set, load_retrieval_set
from bench.metrics import mean
from bench.paths import QA_DIR
from bench.relevance import matched_units, unit_mrr_at_k, unit_recall_at_k

logger = logging.getLogger(__name__)

BILINGUAL_SET = QA_DIR / "bilingual.jsonl"
ANSWER_SET = QA_DIR / "answers.jsonl"
GROUP_ORDER: tuple[str, ...] = ("en_ko", "ko_ko", "ko_en", "en_en")
MODES: tuple[str, ...] = ("dense", "lexical", "hybrid")
MODE_NAMES = {"dense": "dense", "lexical": "bm25", "hybrid": "hybrid"}
DEFAULT_EMBEDDERS: tuple[str, ...] = ("minilm", "e5-small")
RECALL_K, MRR_K = 5, 10


@dataclass(frozen=True)
class QueryResult:
    qid: str
    group: str
    recall: float
    mrr: float
    first_rank: int | None  # 1-based rank of the first relevant passage within the top MRR_K


def load_questions(
    bilingual_path: Path = BILINGUAL_SET, answers_path: Path | None = ANSWER_SET
) -> list[RetrievalQuestion]:
    questions = load_retrieval_set(bilingual_path)
    if answers_path is not None and Path(answers_path).exists():
        questions += en_en_from_answers(load_answer_set(answers_path))
    return questions


def score_query(question: RetrievalQuestion, hits: Sequence[Any]) -> QueryResult:
    """Score one ranked hit list (objects with `.passage.doc_id` / `.passage.text`) against the gold units."""
    units = question.units()
    matches = [matched_units(h.passage.doc_id, h.passage.text, units) for h in hits]
    first = next((i + 1 for i, m in enumerate(matches[:MRR_K]) if m), None)
    return QueryResult(
        question.id,
        question.group,
        unit_recall_at_k(matches, len(units), RECALL_K),
        unit_mrr_at_k(matches, MRR_K),
        first,
    )


def evaluate(
    search: Callable[[str, int, str], Sequence[Any]],
    questions: Sequence[RetrievalQuestion],
    modes: Sequence[str] = MODES,
) -> dict[str, list[QueryResult]]:
    """mode → per-query results. `search(query, k, mode)` is e.g. `lambda q, k, m: index.search(q, k=k, mode=m)`."""
    k = max(RECALL_K, MRR_K)
    return {mode: [score_query(q, search(q.query, k, mode)) for q in questions] for mode in modes}


def aggregate(results: Sequence[QueryResult], groups: Sequence[str] = GROUP_ORDER) -> dict[str, dict[str, float]]:
    """group (and "all") → {n, recall@5, mrr@10}; groups without queries are left out."""
    out: dict[str, dict[str, float]] = {}
    for g in [*groups, "all"]:
        rs = [r for r in results if g == "all" or r.group == g]
        if rs:
            out[g] = {
                "n": len(rs),
                f"recall@{RECALL_K}": mean([r.recall for r in rs]),
                f"mrr@{MRR_K}": mean([r.mrr for r in rs]),
            }
    return out


def format_table(rows: Sequence[dict]) -> str:
    """rows: {embedder, mode, groups: aggregate(...)} → a fixed-width table, one column pair per group."""
    groups = [g for g in [*GROUP_ORDER, "all"] if any(g in r["groups"] for r in rows)]
    head = f"{'embedder':<10} {'mode':<7}" + "".join(f" {g + ' R@5':>10} {g + ' MRR':>10}" for g in groups)
    counts = f"{'':<10} {'n':<7}" + "".join(
        f" {int(next(r['groups'][g]['n'] for r in rows if g in r['groups'])):>10} {'':>10}" for g in groups
    )
    lines = [head, counts, "-" * len(head)]
    for r in rows:
        cells = "".join(
            f" {r['groups'][g][f'recall@{RECALL_K}']:>10.3f} {r['groups'][g][f'mrr@{MRR_K}']:>10.3f}"
            if g in r["groups"]
            else f" {'-':>10} {'-':>10}"
            for g in groups
        )
        lines.append(f"{r['embedder']:<10} {MODE_NAMES.get(r['mode'], r['mode']):<7}{cells}")
    return "\n".join(lines)


def run(
    embedders: Sequence[str],
    *,
    settings,
    questions: Sequence[RetrievalQuestion] | None = None,
    modes: Sequence[str] = MODES,
    index_for: Callable[[str], Any] | None = None,
) -> dict:
    """Evaluate every embedder × mode. `index_for(embedder)` returns an index (default: the cached benchmark
    index from `bench.corpus.bench_index`). Returns {rows: [...], per_query: {...}}."""
    questions = list(questions) if questions is not None else load_questions()
    required = {u.doc_id for q in questions for u in q.units()}
    if index_for is None:
        from bench.corpus import bench_index

        def index_for(name: str):
            return bench_index(name, settings=settings, required=required)

    rows, per_query = [], {}
    for name in embedders:
        index = index_for(name)
        results = evaluate(lambda q, k, m, index=index: index.search(q, k=k, mode=m), questions, modes)
        for mode in modes:
            rows.append({"embedder": name, "mode": mode, "chunks": len(index), "groups": aggregate(results[mode])})
            per_query[f"{name}/{mode}"] = {r.qid: r.first_rank for r in results[mode]}
        logger.info("bilingual benchmark: %s done", name)
    return {
        "rows": rows,
        "per_query_first_relevant_rank": per_query,
        "definition": f"citation-unit relevance; Recall@{RECALL_K} averaged over queries; MRR@{MRR_K}",
    }


def main(*, settings, out_dir: Path, embedders: list[str] | None = None) -> int:
    from bench.common import write_result

    names = list(embedders or DEFAULT_EMBEDDERS)
    questions = load_questions()
    result = run(names, settings=settings, questions=questions)
    print(
        f"Bilingual retrieval: {len(questions)} queries (bench/qa/bilingual.jsonl + English answerable questions "
        f"of bench/qa/answers.jsonl as en_en); relevance = passage from the gold document containing the gold "
        f"evidence string; Recall@{RECALL_K} and MRR@{MRR_K}"
    )
    print(format_table(result["rows"]))
    print(f"results: {write_result(out_dir, 'bilingual', result)}")
    return 0
