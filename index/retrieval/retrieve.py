"""Search over one in-memory generation: dense and lexical candidates (filters applied first), fusion,
optional reranking, typed hits."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from index.retrieval.dense import EXACT_SCAN_ROWS, exact_scan
from index.retrieval.fusion import convex, language_fair_ranks, rrf
from index.retrieval.rerank import Reranker
from index.retrieval.routing import DocumentNames, routed_documents
from index.retrieval.tokenize import LexicalTokenizer, has_hangul
from index.settings import IndexSettings
from index.storage.generation import State
from index.storage.table import LANGUAGES, row_embed_text, row_passage
from index.types import Hit

logger = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "lexical"]
MODES: tuple[str, ...] = ("hybrid", "dense", "lexical")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Candidates:
    rows: np.ndarray  # int64 row numbers, best first
    scores: np.ndarray  # float32

    def ranks(self) -> dict[int, tuple[int, float]]:
        return {int(r): (i + 1, float(s)) for i, (r, s) in enumerate(zip(self.rows, self.scores))}


def dense_candidates(state: State, qvec: np.ndarray, n: int, mask: np.ndarray | None) -> Candidates:
    if mask is None:
        res = state.dense.search(qvec, n)
        return Candidates(state.table.rows_of_ids(res.ids), res.scores)
    allowed = np.flatnonzero(mask)
    # a flat index filters cheaply with an id selector (50 ms vs 37 ms unfiltered at 100k, measured); an
    # approximate index loses recall when the filter removes most of it, so a small allowed set is scanned exactly
    limit = min(EXACT_SCAN_ROWS, 2_000) if state.dense.kind == "flat" else EXACT_SCAN_ROWS
    if len(allowed) <= limit:
        rows, scores = exact_scan(state.vectors, allowed, qvec, n)
        return Candidates(rows, scores)
    res = state.dense.search(qvec, n, allowed_ids=state.table.ids[allowed])
    return Candidates(state.table.rows_of_ids(res.ids), res.scores)


def dense_candidates_per_language(
    state: State, qvec: np.ndarray, n: int, mask: np.ndarray | None, per_language: int
) -> Candidates:
    """The global dense top-n, topped up so that every chunk language present holds at least `per_language`
    candidates. A query embeds closer to passages in its own language, so the best passage in another language can
    sit below the global top-n; a filtered search per under-represented language finds it."""
    dense = dense_candidates(state, qvec, n, mask)
    lang = state.table.row_language
    allowed = lang if mask is None else lang[mask]
    present = np.bincount(allowed, minlength=len(LANGUAGES))
    found = np.bincount(lang[dense.rows], minlength=len(LANGUAGES)) if len(dense.rows) else np.zeros_like(present)
    extra_rows, extra_scores = [dense.rows], [dense.scores]
    for code, (have, total) in enumerate(zip(found, present)):
        want = min(per_language, int(total))
        if have >= want:
            continue
        lang_mask = lang == code if mask is None else mask & (lang == code)
        more = dense_candidates(state, qvec, want, lang_mask)
        extra_rows.append(more.rows)
        extra_scores.append(more.scores)
    if len(extra_rows) == 1:
        return dense
    rows = np.concatenate(extra_rows)
    scores = np.concatenate(extra_scores)
    rows, first = np.unique(rows, return_index=True)
    scores = scores[first]
    order = np.argsort(-scores, kind="stable")
    return Candidates(rows[order], scores[order])


def query_languages(query: str) -> set[int]:
    """Language codes (`LANGUAGES` indices) the query has words in."""
    codes = set()
    if has_hangul(query):
        codes.add(LANGUAGES.index("ko"))
    if _LATIN.search(query):
        codes.add(LANGUAGES.index("en"))
    return codes


def language_fair_dense_ranks(state: State, query: str, dense: Candidates, margin: float) -> dict[int, int]:
    """Row → dense rank for fusion, computed by `index.retrieval.fusion.language_fair_ranks` (see there)."""
    codes = state.table.row_language[dense.rows] if len(dense.rows) else np.zeros(0, np.int8)
    ranks = language_fair_ranks(codes.tolist(), dense.scores.tolist(), query_languages(query), margin)
    return {int(r): rank for r, rank in zip(dense.rows, ranks)}


def lexical_candidates(state: State, tokens: list[str], n: int, mask: np.ndarray | None) -> Candidates:
    scores = state.lexical.scores(tokens)
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    positive = np.flatnonzero(scores > 0)
    if len(positive) == 0:
        return Candidates(np.zeros(0, np.int64), np.zeros(0, np.float32))
    if len(positive) > n:
        top = positive[np.argpartition(-scores[positive], n - 1)[:n]]
    else:
        top = positive
    top = top[np.argsort(-scores[top], kind="stable")]
    return Candidates(top.astype(np.int64), scores[top].astype(np.float32))


def lexical_blind_rows(state: State, query: str, rows: np.ndarray, lexical_hits: set[int]) -> set[int]:
    """Rows BM25 cannot judge for this query: written in a language the query has no words in, and not matched."""
    covered_codes = query_languages(query)
    lang = state.table.row_language
    return {int(r) for r in rows if int(r) not in lexical_hits and int(lang[int(r)]) not in covered_codes}


def routed_candidates(
    state: State,
    names: DocumentNames,
    query: str,
    tokens: list[str],
    qvec: np.ndarray,
    n: int,
    mask: np.ndarray | None,
    settings: IndexSettings,
) -> Candidates | None:
    """The embedder's top-n among the passages of the other-language document(s) the question names
    (`index.retrieval.routing`), or None when it names none, or names a document in its own language better (BM25
    reads that one already). Only passages in a language the query has no words in are routed: those are the ones
    BM25 cannot judge."""
    own = query_languages(query)
    if not own or not tokens:
        return None
    scores = names.scores(tokens)
    if not scores.any():
        return None  # it names no document: no pass over the passages
    foreign_codes = [c for c in range(names.languages.shape[1]) if c not in own]
    eligible: np.ndarray = np.asarray(names.languages[:, foreign_codes].any(axis=1))
    table = state.table
    if mask is not None:
        allowed_rows = mask & ~np.isin(table.row_language, sorted(own))
        eligible &= np.bincount(table.row_doc[allowed_rows], minlength=len(table.doc_ids)) > 0
    if not eligible.any() or scores.max() > scores[eligible].max(initial=0):
        return None  # it names a document in its own language better: BM25 reads that one already
    docs = routed_documents(
        scores,
        eligible,
        share=settings.route_share,
        max_docs=settings.route_max_docs,
        coverage=lambda candidates: names.coverage(tokens, candidates),
        min_coverage=settings.route_min_coverage,
    )
    if len(docs) == 0:
        return None
    in_docs = table.row_doc == docs[0] if len(docs) == 1 else np.isin(table.row_doc, docs)
    routed = in_docs & ~np.isin(table.row_language, sorted(own))
    if mask is not None:
        routed &= mask
    rows, cosines = exact_scan(state.vectors, np.flatnonzero(routed), qvec, n)
    return Candidates(rows, cosines)


def fuse(
    state: State,
    query: str,
    dense: Candidates,
    lexical: Candidates,
    settings: IndexSettings,
    routed: Candidates | None = None,
) -> list[tuple[int, float]]:
    """Fuse the dense and lexical candidates. BM25 abstains on the rows it cannot read (another language, no word
    in common); when the question names other-language documents (`routed`), their passages are judged instead of
    abstained on: ranked by the embedder within those documents, ahead of the passages BM25 can read."""
    lexical_hits = {int(r) for r in lexical.rows}
    seen = dense.rows if routed is None else np.concatenate([dense.rows, routed.rows])
    blind = lexical_blind_rows(state, query, seen, lexical_hits)
    lexical_ranking: dict[int, int] = {int(r): i for i, r in enumerate(lexical.rows, start=1)}
    lexical_scored = {int(r): float(s) for r, s in zip(lexical.rows, lexical.scores)}
    if routed is not None:
        judged = [(int(r), i, float(s)) for i, (r, s) in enumerate(zip(routed.rows, routed.scores), start=1)]
        judged = [(r, i, s) for r, i, s in judged if r in blind]
        # The question's words name the document, so BM25, could it read those passages, would match that name in
        # each of them: they rank first in the lexical view, in the embedder's order, ahead of BM25's own hits.
        lexical_ranking = {r: i + len(judged) for r, i in lexical_ranking.items()}
        lexical_ranking.update({r: i for r, i, _ in judged})
        top = max(lexical_scored.values(), default=1.0)
        lexical_scored.update({r: top * s for r, _, s in judged})  # convex fusion min-max scales each list anyway
        blind -= {r for r, _, _ in judged}
    abstain = [None, blind]
    credit = settings.abstain_credit
    if settings.fusion == "convex":
        return convex(
            {int(r): float(s) for r, s in zip(dense.rows, dense.scores)},
            lexical_scored,
            weights=(settings.dense_weight, settings.lexical_weight),
            abstain=abstain,
            abstain_credit=credit,
        )
    weights = (settings.dense_weight, settings.lexical_weight) if settings.fusion == "weighted_rrf" else None
    dense_ranking = (
        language_fair_dense_ranks(state, query, dense, settings.cross_lingual_margin)
        if settings.dense_rank_by_language
        else {int(r): i for i, r in enumerate(dense.rows, start=1)}
    )
    if routed is not None:
        # the named document's passages compete on their own terms, as a close other-language passage does
        for r, i, _ in judged:
            dense_ranking[r] = min(dense_ranking.get(r, i), i)
    return rrf(
        dense_ranking, lexical_ranking, k=settings.rrf_k, weights=weights, abstain=abstain, abstain_credit=credit
    )


def search_state(
    state: State,
    query: str,
    *,
    k: int,
    mode: Mode,
    mask: np.ndarray | None,
    settings: IndexSettings,
    encode_query: Callable[[str], np.ndarray],
    tokenizer: LexicalTokenizer,
    reranker: Reranker | None = None,
    names: DocumentNames | None = None,
) -> list[Hit]:
    n = max(settings.candidates, k)
    if reranker is not None:
        n = max(n, settings.rerank_top)
    empty = Candidates(np.zeros(0, np.int64), np.zeros(0, np.float32))
    qvec = encode_query(query) if mode in ("hybrid", "dense") else None
    tokens = tokenizer.tokenize(query) if mode in ("hybrid", "lexical") else []
    if qvec is not None and mode == "hybrid" and settings.dense_rank_by_language:
        dense = dense_candidates_per_language(state, qvec, n, mask, settings.per_language_candidates)
    elif qvec is not None:
        dense = dense_candidates(state, qvec, n, mask)
    else:
        dense = empty
    lexical = lexical_candidates(state, tokens, n, mask) if mode in ("hybrid", "lexical") else empty
    routed = None
    if qvec is not None and mode == "hybrid" and names is not None and settings.route_by_name:
        routed = routed_candidates(state, names, query, tokens, qvec, n, mask, settings)

    if mode == "dense":
        fused = [(int(r), float(s)) for r, s in zip(dense.rows, dense.scores)]
    elif mode == "lexical":
        fused = [(int(r), float(s)) for r, s in zip(lexical.rows, lexical.scores)]
    else:
        fused = fuse(state, query, dense, lexical, settings, routed)

    rerank: dict[int, float] = {}
    if reranker is not None and fused:
        head = fused[: settings.rerank_top]
        scores = reranker.score(query, [row_embed_text(state.table.rows[r]) for r, _ in head])
        if len(scores) != len(head):
            raise ValueError(f"reranker returned {len(scores)} scores for {len(head)} passages")
        rerank = {r: float(s) for (r, _), s in zip(head, scores)}
        order = sorted(range(len(head)), key=lambda i: -rerank[head[i][0]])
        fused = [head[i] for i in order] + fused[len(head) :]

    d_ranks, l_ranks = dense.ranks(), lexical.ranks()
    cosines = {int(r): float(c) for r, c in zip(routed.rows, routed.scores)} if routed is not None else {}
    hits = []
    for rank, (row, score) in enumerate(fused[:k], start=1):
        d = d_ranks.get(row)
        lx = l_ranks.get(row)
        hits.append(
            Hit(
                passage=row_passage(state.table.rows[row]),
                rank=rank,
                score=score,
                dense_score=d[1] if d else cosines.get(row),
                dense_rank=d[0] if d else None,
                lexical_score=lx[1] if lx else None,
                lexical_rank=lx[0] if lx else None,
                rerank_score=rerank.get(row),
                routed=row in cosines,
            )
        )
    return hits
