"""Fit the confidence thresholds (`app.settings.ConfidenceSettings`) on the development answer sets.

    POLICYQA_BENCH_DATA=../shared/data nice -n 10 python -m bench.calibration.confidence_fit collect --out /tmp/conf.jsonl
    python -m bench.calibration.confidence_fit fit /tmp/conf.jsonl

`collect` answers every question of the development sets (main, heldout, unseen, unseen2, unseen3 — never a blind
set) with the default answerer and writes one row per question: the set, whether it is answerable, whether the
answer is right (`bench.qa_metrics.is_correct`), whether it abstained, and its `ConfidenceSignals`.

`fit` searches a grid of thresholds, computing each level with the product's own `confidence_level`, for the
largest share of answerable questions answered `high` subject to: `high` right in at least `--precision` of cases
(pooled over the sets), no unanswerable question `high`. The `low` margin is then the evidence margin below which
answered questions are more often wrong than right. It prints the chosen thresholds and the per-set table
(precision and coverage of each level) that docs/confidence.md reports.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app.answer.confidence import confidence_level
from app.answer.types import ConfidenceSignals
from app.settings import ConfidenceSettings, Settings

DEV_SETS: tuple[str, ...] = ("main", "heldout", "unseen", "unseen2", "unseen3")


def collect(sets: Sequence[str], out: Path) -> None:
    from app.answer.pipeline import answer
    from bench.evalsets import load_answer_set
    from bench.qa import ANSWER_SETS, _bench_index
    from bench.qa_metrics import is_correct
    from bench.unseen import UNSEEN_SETS, unseen_index

    settings = Settings()
    rows: list[dict[str, Any]] = []
    for name in sets:
        if name in ANSWER_SETS:
            questions = load_answer_set(ANSWER_SETS[name])
            index = _bench_index(settings, questions)
        else:
            questions = load_answer_set(UNSEEN_SETS[name][0])
            index = unseen_index(settings, name)
        for q in questions:
            a = answer(q.question, index=index, settings=settings)
            right = q.answerable and not a.abstained and is_correct(a.text, [c.label for c in a.citations], q.answers)
            rows.append(
                {
                    "set": name,
                    "id": q.id,
                    "answerable": q.answerable,
                    "abstained": a.abstained,
                    "right": right,
                    "level": a.confidence,
                    "signals": a.confidence_signals.model_dump(),
                }
            )
        print(f"{name}: {len(questions)} questions")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {out}")


def levels(rows: Iterable[dict], settings: ConfidenceSettings) -> list[str]:
    return [confidence_level(ConfidenceSignals(**r["signals"]), r["abstained"], settings)[0] for r in rows]


def table(rows: Sequence[dict], settings: ConfidenceSettings) -> dict[str, dict[str, Any]]:
    """Per level: answered questions, precision (right among answerable ones at that level), coverage (share of
    answerable questions at that level), unanswerable questions at that level."""
    lv = levels(rows, settings)
    answerable = sum(r["answerable"] for r in rows)
    out: dict[str, dict[str, Any]] = {}
    for level in ("high", "medium", "low"):
        at = [r for r, x in zip(rows, lv) if x == level]
        ans = [r for r in at if r["answerable"]]
        out[level] = {
            "n": len(at),
            "precision": sum(r["right"] for r in ans) / len(at) if at else None,
            "coverage": len(ans) / answerable if answerable else None,
            "right_coverage": sum(r["right"] for r in ans) / answerable if answerable else None,
            "unanswerable": sum(not r["answerable"] for r in at),
        }
    return out


def fit(rows: Sequence[dict], precision: float, max_unanswerable: int = 0) -> ConfidenceSettings:
    base = ConfidenceSettings()
    best: tuple[float, ConfidenceSettings] | None = None
    grid = itertools.product(
        [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 10.0],  # high_evidence_margin (10: only with retriever agreement)
        [0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5],  # high_agreed_evidence_margin
        [-1.0, -0.02, 0.0],  # high_passage_margin
        [0.0, 0.5, 0.75, 1.0],  # high_anchors_found
        [0.0, 0.3, 0.4, 0.5, 0.6],  # high_term_coverage
    )
    for e, ea, pm, an, tc in grid:
        if ea > e:
            continue
        candidate = base.model_copy(
            update={
                "high_evidence_margin": e,
                "high_agreed_evidence_margin": ea,
                "high_passage_margin": pm,
                "high_anchors_found": an,
                "high_term_coverage": tc,
                "low_evidence_margin": -10.0,
            }
        )
        t = table(rows, candidate)["high"]
        if t["n"] == 0 or t["unanswerable"] > max_unanswerable or (t["precision"] or 0) < precision:
            continue
        # most right answers at high; ties: the stricter thresholds (safer off the development sets)
        key = t["right_coverage"] + 1e-6 * (min(e, 1.0) + ea + pm + an + tc)
        if best is None or key > best[0]:
            best = (key, candidate)
    if best is None:
        raise SystemExit(f"no threshold reaches precision {precision} with <= {max_unanswerable} unanswerable high")
    chosen = best[1]
    answered = sorted(
        (r["signals"]["evidence_margin"], r["right"]) for r in rows if not r["abstained"]
    )  # low: below the margin where wrong answers outnumber right ones the most
    score, cut, acc = 0, -10.0, 0
    for margin, right in answered:
        acc += -1 if right else 1
        if acc > score:
            score, cut = acc, margin + 1e-4
    return chosen.model_copy(update={"low_evidence_margin": round(cut, 4)})


def format_table(by_set: dict[str, dict[str, dict[str, Any]]]) -> str:
    def pct(x: float | None) -> str:
        return "–" if x is None else f"{100 * x:.1f}%"

    lines = ["| set | high: right / coverage | unanswerable high | medium: right / coverage | low: n (unanswerable) |"]
    lines.append("|---|---|---|---|---|")
    for name, t in by_set.items():
        h, m, lo = t["high"], t["medium"], t["low"]
        lines.append(
            f"| {name} | {pct(h['precision'])} / {pct(h['coverage'])} | {h['unanswerable']} | "
            f"{pct(m['precision'])} / {pct(m['coverage'])} | {lo['n']} ({lo['unanswerable']}) |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--sets", nargs="+", default=list(DEV_SETS))
    c.add_argument("--out", type=Path, required=True)
    f = sub.add_parser("fit")
    f.add_argument("rows", type=Path)
    f.add_argument("--precision", type=float, default=0.95)
    f.add_argument("--max-unanswerable", type=int, default=0, help="unanswerable questions allowed at high")
    f.add_argument("--current", action="store_true", help="report the configured thresholds instead of fitting")
    args = parser.parse_args(argv)
    if args.cmd == "collect":
        collect(args.sets, args.out)
        return 0
    rows = [json.loads(line) for line in args.rows.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["set"] in DEV_SETS]  # never fit on a blind set
    chosen = Settings().confidence if args.current else fit(rows, args.precision, args.max_unanswerable)
    print(json.dumps(chosen.model_dump(), indent=1))
    by_set = {
        name: table([r for r in rows if r["set"] == name], chosen) for name in dict.fromkeys(r["set"] for r in rows)
    }
    by_set["all (dev)"] = table(rows, chosen)
    print(format_table(by_set))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
