"""Tune the BM25 parameters (k1, b, neighbour-window weight) on BEIR SciFact's *train* queries.

The lexical side needs no re-embedding: the cached SciFact index of an embedder (`policyqa eval beir` builds it)
provides the chunk tokens and the dense rankings; each BM25 variant is built from the cached tokens with
`LexicalIndex.from_rows`. For every variant it prints train nDCG@10 of BM25 alone and of the best fusion
(`bench_beir.tune_fusion`, train only); test is printed for the chosen variant only, so nothing is picked on test.
Usage: ``python -m bench.lexical_tuning ../shared/data/beir_scifact [--embedder minilm]``.
"""

from __future__ import annotations

import argparse
import itertools
import logging
from pathlib import Path

import numpy as np

from bench.beir import (
    FusionConfig,
    collect_rankings,
    dedupe_docs,
    fuse_rankings,
    load_beir,
    open_bench_index,
    ranked,
    tune_fusion,
)
from bench.metrics import mean, ndcg_at_k
from index.retrieval.lexical import LexicalIndex

log = logging.getLogger(__name__)

FUSION_GRID = [FusionConfig("rrf", k, 1.0) for k in (10, 30, 60)] + [
    FusionConfig("convex", dense_weight=a) for a in (0.4, 0.5, 0.6)
]


def lexical_rankings(lexical: LexicalIndex, table, query_tokens: dict[str, list[str]], n: int) -> dict:
    """(chunk id, doc id, score) best first, the top n rows with a positive BM25 score, per query."""
    out = {}
    for qid, tokens in query_tokens.items():
        scores = lexical.scores(tokens)
        positive = np.flatnonzero(scores > 0)
        top = positive[np.argsort(-scores[positive], kind="stable")[:n]]
        out[qid] = [(table.rows[r]["chunk_id"], table.rows[r]["doc_id"], float(scores[r])) for r in top]
    return out


def doc_ndcg(rankings: dict, qrels: dict) -> float:
    return mean([ndcg_at_k(dedupe_docs(rankings[q], 100), rel, 10) for q, rel in qrels.items()])


def main(argv: list[str] | None = None) -> int:
    from app.settings import Settings
    from index.storage.generation import read_tokens

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--k1", type=float, nargs="+", default=[0.9, 1.2, 1.5])
    parser.add_argument("--b", type=float, nargs="+", default=[0.5, 0.75, 0.9])
    parser.add_argument("--window", type=float, nargs="+", default=[0.0, 0.5, 1.0, 2.0])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)

    settings = Settings()
    data = load_beir(args.path)
    index = open_bench_index(data, settings, args.embedder)
    state = index._state
    tokens, table = read_tokens(state.directory), state.table
    splits = {s: sorted(data.qrels[s]) for s in ("train", "test")}
    search = lambda q, mode: ranked(index.search(q, k=args.candidates, mode=mode))  # noqa: E731
    dense = {s: collect_rankings(search, data.queries, ids, "dense")[0] for s, ids in splits.items()}
    qtok = {s: {q: index.tokenizer.tokenize(data.queries[q]) for q in ids} for s, ids in splits.items()}

    rows = []
    for k1, b, w in itertools.product(args.k1, args.b, args.window):
        lexical = LexicalIndex.from_rows(tokens, k1=k1, b=b, groups=table.row_doc, neighbour_weight=w)
        lex_train = lexical_rankings(lexical, table, qtok["train"], args.candidates)
        best_score, best = tune_fusion(dense["train"], lex_train, data.qrels["train"], FUSION_GRID)[0]
        rows.append((best_score, doc_ndcg(lex_train, data.qrels["train"]), k1, b, w, best))
        print(
            f"k1={k1:<4} b={b:<5} window={w:<4} train: bm25 {rows[-1][1]:.4f}  hybrid {best_score:.4f} "
            f"({best.label()})",
            flush=True,
        )
    best_score, lex_score, k1, b, w, fusion = max(rows, key=lambda r: r[0])
    lexical = LexicalIndex.from_rows(tokens, k1=k1, b=b, groups=table.row_doc, neighbour_weight=w)
    lex_test = lexical_rankings(lexical, table, qtok["test"], args.candidates)
    hybrid_test = {q: fuse_rankings(dense["test"][q], lex_test[q], fusion) for q in splits["test"]}
    print(
        f"chosen on train: k1={k1} b={b} window={w}, {fusion.label()} (train bm25 {lex_score:.4f}, "
        f"hybrid {best_score:.4f})"
    )
    print(
        f"test ({len(splits['test'])} queries): bm25 {doc_ndcg(lex_test, data.qrels['test']):.4f}  "
        f"hybrid {doc_ndcg(hybrid_test, data.qrels['test']):.4f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
