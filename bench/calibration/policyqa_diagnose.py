"""Why does the extractive answerer miss PolicyQA evidence that retrieval found? Per question of the PolicyQA answer
sample (the first `--n` of the seeded 1,000 that `policyqa eval policyqa` uses; the cached e5-small index), record
where the covering passages rank, which passage the answer quotes and why, and the abstention decision; print
counts and write one JSON line per question.

    OMP_NUM_THREADS=1 PYTHONPATH=. nice -n 10 .venv/bin/python -m bench.calibration.policyqa_diagnose \
        [--n 300] [--out /tmp/policyqa_diag.jsonl]

Also prints the answer table of `bench.policyqa_answers` for the extractive answerer (without the retrieval part of the
benchmark and its warm-up, so the first latencies are cold), so answerer changes can be measured on PolicyQA in ~1
minute. Session 4 diagnosis (e5-small, before the shape-free abstention signal): the top passage covered the gold
span for 50 of 300 questions; the answer cited it for 35, abstained on 14; the best unit came from the top passage
for 48 of the 50; abstentions on the 172 questions with the evidence retrieved: 54, all by the evidence signal.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from app.answer.abstain import abstain_reason, evidence_signal, retrievers_agree
from app.answer.extractive import choose_units
from app.answer.pipeline import answer, make_tools, retrieve
from app.answer.rules.qtype import question_type
from app.settings import Settings
from bench.calibration.abstain_features import coverages
from bench.paths import data_dir
from bench.policyqa_answers import PolicyAnswer, Quote, format_table, summarize
from bench.policyqa_retrieval import is_relevant, load_policyqa, open_policy_index, sample_questions
from index.types import Filters


def diagnose(index, settings: Settings, q) -> tuple[dict, PolicyAnswer]:
    a = settings.answer
    filters = Filters(doc_id=[q.doc_id])
    hits = retrieve(index, q.question, a.k, filters)
    rel = [is_relevant(h.passage.start, h.passage.end, q.spans) for h in hits]
    tools = make_tools(index, settings)
    qtype = question_type(q.question)
    scored = tools.scorer.score(q.question, hits, qtype) if hits else []
    selected = choose_units(q.question, scored, hits, max_sentences=a.max_sentences, closeness=a.closeness)
    reason = abstain_reason(q.question, qtype, scored, hits, selected, tools.abstain)
    cands = [s for s in scored if not s.unit.heading]
    best = cands[0] if cands else None
    best_rel = next((s for s in cands if rel[s.hit_index]), None)
    started = time.perf_counter()
    ans = answer(q.question, index=index, settings=settings, filters=filters)
    ms = (time.perf_counter() - started) * 1000
    quotes = []
    for c in ans.citations:
        p = index.passage(c.chunk_id)
        quotes.append(Quote(p.start, p.end, p.start + c.span_start, p.start + c.span_end))
    pa = PolicyAnswer(ans.text, tuple(quotes), ans.abstained, ms, evidence_retrieved=any(rel))
    row = {
        "id": q.id,
        "question": q.question,
        "qtype": qtype,
        "gold": q.answers[0][:200],
        "rel_ranks": [i for i, r in enumerate(rel) if r],
        "top_rel": bool(rel and rel[0]),
        "abstained": ans.abstained,
        "reason": reason,
        "signal": round(evidence_signal(best, hits, tools.abstain.passage_weight, tools.abstain.shape_weight), 4)
        if best
        else None,
        "vocab": coverages(index, tools, q.question, hits, selected) if best else None,
        "agree": retrievers_agree(hits[best.hit_index], tools.abstain.agree_rank) if best else False,
        "best_hit": best.hit_index if best else None,
        "best": {
            "score": best.score,
            "lex": best.lexical,
            "sem": best.semantic,
            "shape": best.shape,
            "prior": best.prior,
            "text": best.unit.text[:200],
        }
        if best
        else None,
        "best_rel": {
            "hit": best_rel.hit_index,
            "score": best_rel.score,
            "lex": best_rel.lexical,
            "sem": best_rel.semantic,
            "shape": best_rel.shape,
            "prior": best_rel.prior,
            "text": best_rel.unit.text[:200],
        }
        if best_rel
        else None,
        "dense": [None if h.dense_rank is None else h.dense_rank for h in hits],
        "lexical": [None if h.lexical_rank is None else h.lexical_rank for h in hits],
        "cited_rel": [is_relevant(x.passage_start, x.passage_end, q.spans) for x in quotes],
        "quote_hit": any(is_relevant(x.span_start, x.span_end, q.spans) for x in quotes),
        "answer": ans.text[:300],
    }
    return row, pa


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--embedder", default="e5-small")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    settings = Settings(index={"embedder": args.embedder})
    data = load_policyqa(data_dir() / "policyqa", "test")
    questions = sample_questions(data.questions, 1000)[: args.n]
    index = open_policy_index(data, settings, args.embedder, "test")
    rows, answers = [], []
    for q in questions:
        row, pa = diagnose(index, settings, q)
        rows.append(row)
        answers.append(pa)
    if args.out:
        Path(args.out).write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    print(format_table({"extractive": summarize(questions, answers)}))
    n = len(rows)
    retrieved = [r for r in rows if r["rel_ranks"]]
    top = [r for r in rows if r["top_rel"]]
    print(f"\n{n} questions; evidence retrieved {len(retrieved)}, top passage covers it {len(top)}")
    print(
        f"top covers: answered citing it {sum(not r['abstained'] and r['cited_rel'] and r['cited_rel'][0] for r in top)}"
        f", answered citing another {sum(not r['abstained'] and not any(r['cited_rel']) for r in top)}"
        f", abstained {sum(r['abstained'] for r in top)}"
    )
    print("best unit's hit when top covers:", Counter(r["best_hit"] for r in top))
    print(
        "abstention reasons (evidence retrieved):",
        Counter(
            (r["reason"] or "-").split(" ")[0] + (" " + r["reason"].split(" ")[1] if r["reason"] else "")
            for r in retrieved
            if r["abstained"]
        ),
    )
    print("qtypes (all):", Counter(r["qtype"] for r in rows))


if __name__ == "__main__":
    main()
