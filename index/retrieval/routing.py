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
question that names no document routes nowhere, so fusion works as without routing.
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


def document_name(title: str, source: str, aliases: Iterable[str] = ()) -> str:
    """What a document is called: its title, its other names (`aliases`, e.g. a Korean statute's English name)
    and its file name without extension, separators as spaces."""
    stem = PurePath(source).stem if source else ""
    return " ".join([title, *aliases, _SEPARATORS.sub(" ", stem)]).strip()


@dataclass(frozen=True)
class DocumentNames:
    """BM25 over the documents' names. `doc_ids[i]` is document i (the chunk table's document order);
    `languages[i, c]`: document i has passages in language code c (so routing needs no pass over every passage)."""

    doc_ids: tuple[str, ...]
    postings: dict[str, tuple[np.ndarray, np.ndarray]]  # token -> (document numbers, BM25 weights)
    languages: np.ndarray  # bool (documents, language codes)

    @classmethod
    def build(
        cls,
        doc_ids: Sequence[str],
        names: Sequence[str],
        tokenize_many: Callable[[list[str]], list[list[str]]],
        languages: np.ndarray | None = None,
    ) -> DocumentNames:
        if len(doc_ids) != len(names):
            raise ValueError(f"got {len(names)} names for {len(doc_ids)} documents")
        if languages is None:
            languages = np.ones((len(doc_ids), 1), dtype=bool)
        if len(languages) != len(doc_ids):
            raise ValueError(f"got languages for {len(languages)} documents, expected {len(doc_ids)}")
        tokens = tokenize_many(list(names)) if names else []
        counts = [Counter(t) for t in tokens]
        n = len(counts)
        avg_len = (sum(len(t) for t in tokens) / n) if n else 0.0
        df: Counter[str] = Counter(tok for c in counts for tok in c)
        docs: dict[str, list[int]] = {}
        weights: dict[str, list[float]] = {}
        for i, (c, toks) in enumerate(zip(counts, tokens)):
            norm = K1 * (1 - B + B * len(toks) / avg_len) if avg_len else K1
            for tok, tf in c.items():
                idf = math.log(1 + (n - df[tok] + 0.5) / (df[tok] + 0.5))
                docs.setdefault(tok, []).append(i)
                weights.setdefault(tok, []).append(idf * tf * (K1 + 1) / (tf + norm))
        postings = {
            tok: (np.asarray(docs[tok], dtype=np.int64), np.asarray(weights[tok], dtype=np.float64)) for tok in docs
        }
        return cls(tuple(doc_ids), postings, np.asarray(languages, dtype=bool))

    def scores(self, query_tokens: Iterable[str]) -> np.ndarray:
        """BM25 score of every document's name for the query (each distinct query token counted once)."""
        out = np.zeros(len(self.doc_ids), dtype=np.float64)
        for tok in set(query_tokens):
            hit = self.postings.get(tok)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out


def document_languages(row_doc: np.ndarray, row_language: np.ndarray, n_docs: int, n_codes: int) -> np.ndarray:
    """bool (documents, language codes): which languages each document has passages in."""
    counts = np.bincount(row_doc.astype(np.int64) * n_codes + row_language.astype(np.int64), minlength=n_docs * n_codes)
    return counts[: n_docs * n_codes].reshape(n_docs, n_codes) > 0


def routed_documents(scores: np.ndarray, eligible: np.ndarray, *, share: float, max_docs: int) -> np.ndarray:
    """Document numbers the question is routed to: eligible documents whose name scores at least `share` of the
    best eligible name score, at most `max_docs`, best first; empty when no eligible name matches at all."""
    if share <= 0 or share > 1:
        raise ValueError(f"share must be within (0, 1], got {share}")
    candidates = np.flatnonzero(eligible & (scores > 0))
    if len(candidates) == 0 or max_docs < 1:
        return np.zeros(0, dtype=np.int64)
    best = float(scores[candidates].max())
    kept = candidates[scores[candidates] >= share * best]
    order = np.argsort(-scores[kept], kind="stable")
    return kept[order][:max_docs].astype(np.int64)
