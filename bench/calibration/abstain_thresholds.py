"""Measure the abstention threshold (AnswerSettings.abstain.below / abstain_below_lexical) and check the answer
engine on real questions over a real index of the benchmark corpus.

    PYTHONPATH=. nice -n 10 .venv/bin/python -m bench.calibration.abstain_thresholds \
        [--questions bench/calibration/abstain_questions.jsonl] [--index /tmp/policyqa-calib-index] [--lexical]

Calibrate on bench/calibration/abstain_questions.jsonl (30 questions written for calibration: 18 answerable,
12 not), then evaluate unchanged on the benchmark set bench/qa/answers.jsonl (`--questions`), so the threshold
is not fitted to the benchmark. For every question it records the best sentence score (the abstention signal),
whether the answer contains a gold string, and prints the threshold that maximises balanced accuracy
(mean of abstention recall on unanswerable and answer rate on answerable questions) plus both rates at the
configured threshold.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from app.answer.abstain import best_score
from app.answer.pipeline import answer, make_tools, retrieve
from app.settings import Settings
from bench.calibration.common import load_embedder, open_or_build_index, require_data
from bench.paths import CALIBRATION_DIR


def balanced(thr: float, pos: np.ndarray, neg: np.ndarray) -> tuple[float, float, float]:
    answered = float(np.mean(pos >= thr)) if len(pos) else 0.0
    abstained = float(np.mean(neg < thr)) if len(neg) else 0.0
    return (answered + abstained) / 2, answered, abstained


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", default=str(CALIBRATION_DIR / "abstain_questions.jsonl"))
    ap.add_argument("--index", default="/tmp/policyqa-calib-index")
    ap.add_argument("--lexical", action="store_true", help="score without the embedder (lexical-only path)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    require_data()
    embedder = load_embedder("minilm")
    index = open_or_build_index(Path(args.index), embedder)
    settings = Settings()
    rows = [json.loads(line) for line in Path(args.questions).read_text().splitlines() if line.strip()]
    scores, answerable, correct, abstained, seconds = [], [], [], [], []
    for r in rows:
        t0 = time.perf_counter()
        emb = None if args.lexical else embedder
        result = answer(r["question"], index=index, settings=settings, embedder=emb)
        seconds.append(time.perf_counter() - t0)
        hits = retrieve(index, result.query, settings.answer.k, None)
        tools = make_tools(index, settings, embedder=emb)
        s = best_score(tools.scorer.score(result.query, hits))
        ok = any(a.lower() in result.text.lower() for a in r.get("answers") or [])
        scores.append(s)
        answerable.append(bool(r["answerable"]))
        correct.append(ok)
        abstained.append(result.abstained)
        if args.verbose:
            mark = "ABST" if result.abstained else ("ok  " if ok else "MISS")
            print(f"{r['id']:10} {s:.3f} {mark} {r['question'][:60]!r} -> {result.text[:150]!r}")
    scores_a = np.array(scores)
    ans = np.array(answerable)
    pos, neg = scores_a[ans], scores_a[~ans]
    print(
        f"\n{len(rows)} questions ({ans.sum()} answerable, {(~ans).sum()} not); embedder: "
        f"{'none (lexical)' if args.lexical else embedder.name}"
    )
    print(
        f"best-sentence score answerable:   p10 {np.percentile(pos, 10):.3f} p50 {np.median(pos):.3f} "
        f"min {pos.min():.3f}"
    )
    print(
        f"best-sentence score unanswerable: p50 {np.median(neg):.3f} p90 {np.percentile(neg, 90):.3f} "
        f"max {neg.max():.3f}"
    )
    grid = np.round(np.arange(0.2, 1.2, 0.01), 2)
    best_t = max(grid, key=lambda t: (balanced(t, pos, neg)[0], -abs(t - 0.5)))
    b, a_rate, ab_rate = balanced(best_t, pos, neg)
    print(
        f"best threshold {best_t:.2f}: balanced {b:.1%} (answered {a_rate:.1%} of answerable, abstained on "
        f"{ab_rate:.1%} of unanswerable)"
    )
    configured = settings.answer.abstain_below_lexical if args.lexical else settings.answer.abstain.below
    b, a_rate, ab_rate = balanced(configured, pos, neg)
    ab = np.array(abstained)
    cor = np.array(correct)
    print(
        f"configured threshold {configured:.2f}: answered {np.mean(~ab[ans]):.1%} of answerable, abstained on "
        f"{np.mean(ab[~ans]):.1%} of unanswerable; abstention precision "
        f"{(ab & ~ans).sum() / max(ab.sum(), 1):.1%}; gold string contained in {cor[ans].mean():.1%} of answerable"
    )
    lat = np.array(seconds)
    print(f"latency per answer: p50 {np.median(lat) * 1000:.0f} ms, p95 {np.percentile(lat, 95) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
