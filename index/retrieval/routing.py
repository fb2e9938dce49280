"""Routing a question to the documents it names, for documents whose words it cannot match (pure functions).

BM25 cannot judge a Korean statute for an English question: they share no words, so hybrid search is left with
the multilingual embedder alone, and among thousands of passages it ranks the right article of the right statute
low ("What may the Inter-Korean Cooperation Fund be spent on?" -> 남북협력기금법 제8조). The question often names
the document, though, and a document's *name* is written in more than its own language: its title, its aliases
(front matter or the librarian's `aliases`, e.g. a Korean statute's English name) and its file name
(`inter_korean_cooperation_fund_act__act.md`). Routing matches the question's words against the names of the
documents in the other language(s) with BM25 over the names; the passages of the best-named documents then form a
third ranking for fusion, ordered by the embedder within those documents (the embedder is much better at picking
the article once the statute is known than at picking it among every passage of every statute).

Names shared by many documents ("North Korea", "Act") carry little weight (BM25's idf over the names), and a
question that names no document routes nowhere, so fusion works as without routing. A question *names* a document
only when it mentions most of one of its names (`DocumentNames.coverage`): "the 2012 Leap Day deal" shares one word
with "Liberation Day Address 2024" but does not name it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np

_SEPARATORS = re.compile(r"[-_.]+")
K1, B = 1.2, 0.75  # standard BM25 constants: names are short, so length normalisation barely matters


def document_names(title: str, source: str, aliases: Iterable[str] = ()) -> tuple[str, ...]:
    """Each name a document goes by: its title, its other names (`aliases`, e.g. a Korean statute's English name)
    and its file name without extension, separators as spaces (empty ones left out)."""
    stem = PurePath(source).stem if source else ""
    return tuple(n for n in (title.strip(), *(a.strip() for a in aliases), _SEPARATORS.sub(" ", stem).strip()) if n)


def document_name(title: str, source: str, aliases: Iterable[str] = ()) -> str:
    """All of a document's names (`document_names`) as one text."""
    return " ".join(document_names(title, source, aliases))


@dataclass(frozen=True)
class DocumentNames:
    """BM25 over the documents' names. `doc_ids[i]` is document i (the chunk table's document order);
    `languages[i, c]`: document i has passages in language code c (so routing needs no pass over every passage);
    `variants[i]`: each of document i's names as (its distinct tokens, their total idf), for `coverage`."""

    doc_ids: tuple[str, ...]
    postings: dict[str, tuple[np.ndarray, np.ndarray]]  # token -> (document numbers, BM25 weights)
    languages: np.ndarray  # bool (documents, language codes)
    idf: dict[str, float]
    variants: tuple[tuple[tuple[frozenset[str], float], ...], ...]

    @classmethod
    def build(
        cls,
        doc_ids: Sequence[str],
        names: Sequence[str | tuple[str, ...]],
        tokenize_many: Callable[[list[str]], list[list[str]]],
        languages: np.ndarray | None = None,
    ) -> DocumentNames:
        """`names[i]`: document i's name, or each of its names (`document_names`)."""
        if len(doc_ids) != len(names):
            raise ValueError(f"got {len(names)} names for {len(doc_ids)} documents")
        if languages is None:
            languages = np.ones((len(doc_ids), 1), dtype=bool)
        if len(languages) != len(doc_ids):
            raise ValueError(f"got languages for {len(languages)} documents, expected {len(doc_ids)}")
        per_doc = [(name,) if isinstance(name, str) else tuple(name) for name in names]
        flat = [v for doc_names in per_doc for v in doc_names]
        flat_tokens = tokenize_many(flat) if flat else []
        variant_tokens: list[list[list[str]]] = []
        at = 0
        for doc_names in per_doc:
            variant_tokens.append(flat_tokens[at : at + len(doc_names)])
            at += len(doc_names)
        tokens = [[tok for v in vs for tok in v] for vs in variant_tokens]
        counts = [Counter(t) for t in tokens]
        n = len(counts)
        avg_len = (sum(len(t) for t in tokens) / n) if n else 0.0
        df: Counter[str] = Counter(tok for c in counts for tok in c)
        idf = {tok: math.log(1 + (n - d + 0.5) / (d + 0.5)) for tok, d in df.items()}
        docs: dict[str, list[int]] = {}
        weights: dict[str, list[float]] = {}
        for i, (c, toks) in enumerate(zip(counts, tokens)):
            norm = K1 * (1 - B + B * len(toks) / avg_len) if avg_len else K1
            for tok, tf in c.items():
                docs.setdefault(tok, []).append(i)
                weights.setdefault(tok, []).append(idf[tok] * tf * (K1 + 1) / (tf + norm))
        postings = {
            tok: (np.asarray(docs[tok], dtype=np.int64), np.asarray(weights[tok], dtype=np.float64)) for tok in docs
        }
        variants = tuple(tuple((frozenset(v), sum(idf[t] for t in set(v))) for v in vs if v) for vs in variant_tokens)
        return cls(tuple(doc_ids), postings, np.asarray(languages, dtype=bool), idf, variants)

    def scores(self, query_tokens: Iterable[str]) -> np.ndarray:
        """BM25 score of every document's name for the query (each distinct query token counted once)."""
        out = np.zeros(len(self.doc_ids), dtype=np.float64)
        for tok in set(query_tokens):
            hit = self.postings.get(tok)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out

    def coverage(self, query_tokens: Iterable[str], docs: np.ndarray) -> np.ndarray:
        """For each document number in `docs`, the largest share of one of its names (by idf weight) that the
        query's words cover: 1 when the question spells out a whole name, small when it shares one common word."""
        query = set(query_tokens)
        out = np.zeros(len(docs), dtype=np.float64)
        for j, doc in enumerate(docs):
            shares = [
                sum(self.idf[t] for t in tokens & query) / mass for tokens, mass in self.variants[int(doc)] if mass
            ]
            out[j] = max(shares, default=0.0)
        return out


def document_languages(row_doc: np.ndarray, row_language: np.ndarray, n_docs: int, n_codes: int) -> np.ndarray:
    """bool (documents, language codes): which languages each document has passages in."""
    counts = np.bincount(row_doc.astype(np.int64) * n_codes + row_language.astype(np.int64), minlength=n_docs * n_codes)
    return counts[: n_docs * n_codes].reshape(n_docs, n_codes) > 0


def routed_documents(
    scores: np.ndarray,
    eligible: np.ndarray,
    *,
    share: float,
    max_docs: int,
    coverage: Callable[[np.ndarray], np.ndarray] | None = None,
    min_coverage: float = 0.0,
) -> np.ndarray:
    """Document numbers the question is routed to: eligible documents whose name scores at least `share` of the
    best eligible name score and (with `coverage`, e.g. `DocumentNames.coverage` bound to the query) whose name the
    question covers at least `min_coverage` of, at most `max_docs`, best first; empty when none qualifies."""
    if share <= 0 or share > 1:
        raise ValueError(f"share must be within (0, 1], got {share}")
    candidates = np.flatnonzero(eligible & (scores > 0))
    if coverage is not None and len(candidates) and min_coverage > 0:
        candidates = candidates[coverage(candidates) >= min_coverage]
    if len(candidates) == 0 or max_docs < 1:
        return np.zeros(0, dtype=np.int64)
    best = float(scores[candidates].max())
    kept = candidates[scores[candidates] >= share * best]
    order = np.argsort(-scores[kept], kind="stable")
    return kept[order][:max_docs].astype(np.int64)
