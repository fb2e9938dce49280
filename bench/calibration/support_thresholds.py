"""Measure the citation-check thresholds (AnswerSettings.support_lexical / support_combined) on the real corpus.

    PYTHONPATH=. nice -n 10 .venv/bin/python -m bench.calibration.support_thresholds [--n 200]

Pairs are built from real chunks of the benchmark corpus (chunked by the product chunker):
  positives  verbatim  a sentence unit vs the chunk it comes from
             partial   a contiguous 60% window of the sentence's words (what a generator's compressed claim
                       looks like) vs the same chunk
             restated  the partial window behind a framing lead ("According to the document, …"), which adds
                       content words the passage lacks, as generated answers do
  negatives  random    the sentence vs a random chunk of another document
             hard      the sentence vs the chunk of another document with the highest lexical support that
                       does not contain the sentence's middle 60% (compared on letters and digits only: EOs and
                       statutes repeat boilerplate verbatim, and such a chunk does support the sentence) — a claim cited to a similar-looking wrong passage
             number    the sentence with one number changed vs its own chunk (must fail the numbers rule)
For each signal (lexical recall, best-unit cosine, their mean) it prints percentiles per pair type, then picks
each threshold as the smallest value that keeps the false-support rate on `hard` negatives ≤ 5% and reports
the pass rate of `partial` positives at that threshold.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path

import numpy as np

from app.answer.sentences import split_units
from app.answer.support import SupportChecker, SupportThresholds, VectorCache, lexical_support, numbers_consistent
from app.answer.tokens import Tokenizer
from bench.calibration.common import corpus_dirs, load_embedder, require_data


def load_chunks(count_tokens) -> list[tuple[str, str]]:
    """(doc_id, chunk text) for every chunk of the corpus."""
    from ingest import chunk_document, discover, load_document
    from ingest.settings import ChunkingSettings

    out = []
    for path in discover([d for d in corpus_dirs() if d.exists()]):
        doc = load_document(path)
        for c in chunk_document(doc, ChunkingSettings(), count_tokens):
            out.append((doc.doc_id, c.text))
    return out


def change_number(sentence: str) -> str | None:
    m = re.search(r"\d+", sentence)
    if not m:
        return None
    n = int(m.group())
    return sentence[: m.start()] + str(n + 7 if n < 1000 else n + 1) + sentence[m.end() :]


def pick(values_pos: np.ndarray, values_neg: np.ndarray, max_fpr: float = 0.05) -> tuple[float, float, float]:
    """Smallest threshold t with mean(neg >= t) <= max_fpr; returns (t, tpr on pos, fpr on neg)."""
    for t in np.round(np.arange(0.0, 1.0001, 0.01), 2):
        fpr = float(np.mean(values_neg >= t))
        if fpr <= max_fpr:
            return float(t), float(np.mean(values_pos >= t)), fpr
    return 1.0, float(np.mean(values_pos >= 1.0)), float(np.mean(values_neg >= 1.0))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200, help="sentences sampled")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--chunks-cache", default="", help="JSON file to keep the chunk list between runs")
    args = ap.parse_args()
    require_data()
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    embedder = load_embedder("minilm")
    tok = Tokenizer()
    cache = Path(args.chunks_cache) if args.chunks_cache else None
    if cache and cache.exists():
        chunks = [tuple(x) for x in json.loads(cache.read_text())]
    else:
        chunks = load_chunks(embedder.count_tokens)
        if cache:
            cache.write_text(json.dumps(chunks, ensure_ascii=False))
    print(f"{len(chunks)} chunks from {len({d for d, _ in chunks})} documents ({time.perf_counter() - t0:.0f}s)")
    chunk_tokens = [set(tok.tokens(t)) for _, t in chunks]

    candidates = []
    for ci, (_doc, text) in enumerate(chunks):
        for u in split_units(text):
            if not u.heading and len(u.text.split()) >= 8:
                candidates.append((ci, u.text))
    sample = rng.sample(candidates, min(args.n, len(candidates)))
    vectors = VectorCache(embedder)
    checker = SupportChecker(tok.tokens, SupportThresholds(0, 0), vectors)
    rows: dict[str, list[tuple[float, float]]] = {k: [] for k in ("verbatim", "partial", "restated", "random", "hard")}
    leads = ["According to the document,", "The text states that", "The passage explains that", "In short,"]
    squash = lambda t: re.sub(r"\W+", "", t).lower()  # noqa: E731  (markdown, spacing and numbering ignored)
    norm = [squash(t) for _, t in chunks]
    number_fail = []
    pairs: list[tuple[str, str, str]] = []
    for ci, sent in sample:
        doc, own = chunks[ci]
        words = sent.split()
        w = max(4, int(len(words) * 0.6))
        s0 = rng.randrange(0, len(words) - w + 1)
        partial = " ".join(words[s0 : s0 + w])
        others = [j for j, (d, _) in enumerate(chunks) if d != doc]
        rand = chunks[rng.choice(others)][1]
        s_tok = tok.tokens(sent)
        words_s = sent.split()
        core = squash(" ".join(words_s[len(words_s) // 5 : len(words_s) - len(words_s) // 5]))
        hard_j = max((j for j in others if core not in norm[j]), key=lambda j: lexical_support(s_tok, chunk_tokens[j]))
        restated = f"{rng.choice(leads)} {partial}"
        pairs += [
            ("verbatim", sent, own),
            ("partial", partial, own),
            ("restated", restated, own),
            ("random", sent, rand),
            ("hard", sent, chunks[hard_j][1]),
        ]
        changed = change_number(sent)
        if changed:
            number_fail.append(not numbers_consistent(changed, own))
    # One batched encode of every text the checks need (many small encode calls are far slower).
    texts = {claim for _, claim, _ in pairs} | {u.text for _, _, p in pairs for u in split_units(p)}
    texts |= {p for _, _, p in pairs if not split_units(p)}
    vectors.passages(sorted(texts))
    print(f"{len(sample)} sentences, {len(texts)} texts embedded, {time.perf_counter() - t0:.0f}s")
    for kind, claim, passage in pairs:
        v = checker.check(claim, passage)
        rows[kind].append((v.lexical, v.semantic or 0.0))
    print()
    print(f"{'pairs':9} {'signal':9} {'p5':>6} {'p25':>6} {'p50':>6} {'p75':>6} {'p95':>6}")
    arrays = {k: np.array(v) for k, v in rows.items()}
    for kind, arr in arrays.items():
        for name, col in (("lexical", arr[:, 0]), ("semantic", arr[:, 1]), ("combined", arr.mean(axis=1))):
            q = np.percentile(col, [5, 25, 50, 75, 95])
            print(f"{kind:9} {name:9} " + " ".join(f"{x:6.3f}" for x in q))
    print()
    for name, f in (("lexical", lambda a: a[:, 0]), ("combined", lambda a: a.mean(axis=1))):
        t, _, fpr = pick(f(arrays["restated"]), f(arrays["hard"]))
        passes = ", ".join(f"{k} pass {np.mean(f(arrays[k]) >= t):.1%}" for k in ("verbatim", "partial", "restated"))
        rnd = float(np.mean(f(arrays["random"]) >= t))
        print(
            f"{name:9} threshold {t:.2f}: {passes}; "
            f"hard-negative false support {fpr:.1%}, random-negative false support {rnd:.1%}"
        )
    print("\npass rate by threshold (positives want high, negatives low):")
    print(f"{'signal':9} {'t':>5} " + " ".join(f"{k:>9}" for k in arrays))
    for name, f in (("lexical", lambda a: a[:, 0]), ("combined", lambda a: a.mean(axis=1))):
        for t in (0.75, 0.8, 0.85, 0.9, 0.95):
            print(f"{name:9} {t:5.2f} " + " ".join(f"{np.mean(f(a) >= t):9.1%}" for a in arrays.values()))
    print(f"number-changed claims rejected by the numbers rule: {np.mean(number_fail):.1%} of {len(number_fail)}")


if __name__ == "__main__":
    main()
