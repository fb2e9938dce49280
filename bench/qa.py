"""Answer benchmark: the default (extractive) answerer vs "the top passage as the answer", in one run, over the
answer sets of bench/qa/ — `main` (answers.jsonl) and `heldout` (answers_heldout.jsonl, questions nobody tuned
on) — on the law corpus of ../shared/data plus corpus/ (index cached under $POLICYQA_HOME/bench/<embedder>).
Reports, per set, answer accuracy, citation precision, abstention precision/recall and warm `ask` latency
p50/p95; the metric definitions are in `bench.qa_metrics`. Usage: ``policyqa eval qa [--set heldout|main|all]``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.evalsets import AnswerQuestion, load_answer_set
from bench.paths import QA_DIR
from bench.qa_metrics import CitedPassage, QAOutcome, citation_supports, is_correct, summarize

logger = logging.getLogger(__name__)

ANSWER_SET = QA_DIR / "answers.jsonl"
HELDOUT_SET = QA_DIR / "answers_heldout.jsonl"
ANSWER_SETS: dict[str, Path] = {"main": ANSWER_SET, "heldout": HELDOUT_SET}
SET_CHOICES: tuple[str, ...] = ("all", *ANSWER_SETS)
WARMUP = 2

# question → (text, citations, abstained) or (text, citations, abstained, confidence level)
Respond = Callable[[str], tuple]


def extractive_responder(index: Any, settings) -> Respond:
    """The default answerer through the library entry point `app.answer.answer`."""
    from app.answer.pipeline import answer

    def respond(question: str):
        a = answer(question, index=index, settings=settings)
        return a.text, [CitedPassage(c.doc_id, c.text, c.label) for c in a.citations], a.abstained, a.confidence

    return respond


def top_passage_responder(index: Any, k: int) -> Respond:
    """Baseline: the best retrieved passage is the answer (cited as itself); abstains only on an empty result."""

    def respond(question: str):
        hits = index.search(question, k=k)
        if not hits:
            return "", [], True
        p = hits[0].passage
        return p.text, [CitedPassage(p.doc_id, p.text, p.label)], False

    return respond


def run_answerer(
    respond: Respond,
    questions: Sequence[AnswerQuestion],
    warmup: int = WARMUP,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[QAOutcome]:
    """Answer every question (after `warmup` untimed calls) and time each call."""
    for q in questions[:warmup]:
        respond(q.question)
    outcomes = []
    for i, q in enumerate(questions):
        started = time.perf_counter()
        text, citations, abstained, *level = respond(q.question)
        ms = (time.perf_counter() - started) * 1000
        extra = {"confidence": level[0]} if level else {}
        outcomes.append(
            QAOutcome(
                q.id,
                q.group,
                q.answerable,
                tuple(q.answers),
                tuple(q.units()),
                text,
                tuple(citations),
                abstained,
                ms,
                extra,
            )
        )
        if on_progress:
            on_progress(i + 1, len(questions))
    return outcomes


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def format_tables(summaries: dict[str, dict]) -> str:
    head = (
        f"{'answerer':<12} {'accuracy':>9} {'cit.prec':>9} {'cit.doc':>8} {'abst.P':>7} {'abst.R':>7} "
        f"{'false-abst':>10} {'p50 ms':>8} {'p95 ms':>8}"
    )
    lines = [head, "-" * len(head)]
    for name, s in summaries.items():
        lines.append(
            f"{name:<12} {_pct(s['accuracy']):>9} {_pct(s['citation_precision']):>9} "
            f"{_pct(s['citation_doc_precision']):>8} {_pct(s['abstention_precision']):>7} "
            f"{_pct(s['abstention_recall']):>7} {_pct(s['false_abstention_rate']):>10} "
            f"{s['latency_p50_ms']:>8.0f} {s['latency_p95_ms']:>8.0f}"
        )
    groups = list(next(iter(summaries.values()))["groups"]) if summaries else []
    lines += ["", f"{'per group':<12}" + "".join(f" {g:>14}" for g in groups)]
    for name, s in summaries.items():
        cells = []
        for g in groups:
            v = s["groups"][g]
            cells.append(f"acc {_pct(v['accuracy'])}" if "accuracy" in v else f"abst {_pct(v['abstained'])}")
        lines.append(f"{name:<12}" + "".join(f" {c:>14}" for c in cells))
    n = {g: s["groups"][g]["n"] for s in summaries.values() for g in s["groups"]}
    lines.append(f"{'n':<12}" + "".join(f" {n[g]:>14}" for g in groups))
    lines += confidence_lines(summaries)
    return "\n".join(lines)


def confidence_lines(summaries: dict[str, dict]) -> list[str]:
    """Per confidence level of each answerer that reports one: precision and coverage, beside the accuracy of the
    answerers without levels (the top passage) in the same run."""
    lines = ["", f"{'confidence':<12} {'level':<7} {'n':>4} {'precision':>10} {'coverage':>9} {'unanswerable':>13}"]
    for name, s in summaries.items():
        levels = s.get("confidence")
        if not levels:
            # the same definition as a level's precision: right answers among all questions it answered
            answered = s["questions"] - s["abstained"]
            acc = _pct(s["accuracy"] * s["answerable"] / answered if answered and s["accuracy"] is not None else None)
            lines.append(f"{name:<12} {'all':<7} {s['questions']:>4} {acc:>10} {'100.0%':>9} {s['unanswerable']:>13}")
            continue
        for level, v in levels.items():
            lines.append(
                f"{name:<12} {level:<7} {v['n']:>4} {_pct(v['precision']):>10} {_pct(v['coverage']):>9} "
                f"{v['unanswerable']:>13}"
            )
    return lines


def details(outcomes: Sequence[QAOutcome]) -> list[dict]:
    return [
        {
            "id": o.qid,
            "group": o.group,
            "abstained": o.abstained,
            "correct": o.answerable and not o.abstained and is_correct(o.text, [c.label for c in o.citations], o.golds),
            "cited": [f"{c.doc_id} | {c.label}" for c in o.citations],
            "cited_supports": [citation_supports(c, o.units) for c in o.citations],
            "ms": round(o.ms, 1),
            "confidence": o.extra.get("confidence"),
            "answer": o.text[:400],
        }
        for o in outcomes
    ]


def selected_sets(which: str = "all") -> dict[str, Path]:
    """The answer sets to run: one name of `ANSWER_SETS` or "all" (in the order main, heldout)."""
    if which == "all":
        return dict(ANSWER_SETS)
    if which not in ANSWER_SETS:
        raise ValueError(f"unknown answer set {which!r}; choose one of {', '.join(SET_CHOICES)}")
    return {which: ANSWER_SETS[which]}


def run(*, settings, index: Any = None, questions: Sequence[AnswerQuestion] | None = None) -> dict:
    """Both answerers over one question list (default: the main set)."""
    questions = list(questions) if questions is not None else load_answer_set(ANSWER_SET)
    if index is None:
        index = _bench_index(settings, questions)
    responders = {
        "extractive": extractive_responder(index, settings),
        "top-passage": top_passage_responder(index, settings.answer.k),
    }
    summaries, per_question = {}, {}
    for name, respond in responders.items():
        outcomes = run_answerer(respond, questions)
        summaries[name] = summarize(outcomes)
        per_question[name] = details(outcomes)
        logger.info("qa benchmark: %s done", name)
    return {
        "embedder": settings.index.embedder,
        "k": settings.answer.k,
        "summaries": summaries,
        "per_question": per_question,
        "definitions": {
            "accuracy": "a gold string contained in the answer text or its citation labels "
            "(case/space-insensitive); answerable questions; abstaining counts as wrong",
            "citation_precision": "citations of answered answerable questions whose passage is from "
            "an evidence document and contains an evidence string",
            "abstention": "precision = unanswerable among abstained; recall = abstained among unanswerable",
            "latency": f"wall time per question after {WARMUP} warm-up questions",
        },
    }


def _bench_index(settings, questions: Sequence[AnswerQuestion]):
    from bench.corpus import bench_index

    required = {e.doc_id for q in questions for e in q.evidence}
    return bench_index(settings.index.embedder, settings=settings, required=required)


def run_sets(*, settings, sets: dict[str, Path], index: Any = None) -> dict[str, dict]:
    """`run` on each named set, sharing one index: set name → result."""
    loaded = {name: load_answer_set(path) for name, path in sets.items()}
    if index is None:
        index = _bench_index(settings, [q for qs in loaded.values() for q in qs])
    return {name: run(settings=settings, index=index, questions=qs) for name, qs in loaded.items()}


def main(*, settings, out_dir: Path, which: str = "all") -> int:
    from bench.common import write_result

    sets = selected_sets(which)
    results = run_sets(settings=settings, sets=sets)
    for name, result in results.items():
        n = len(result["per_question"]["extractive"])
        print(
            f"\nAnswer benchmark, set {name}: {sets[name].name} ({n} questions), "
            f"embedder {result['embedder']}, k={result['k']}"
        )
        print(format_tables(result["summaries"]))
    suffix = "" if which == "all" else f"-{which}"
    print(f"results: {write_result(out_dir, 'qa' + suffix, {'sets': results})}")
    return 0
