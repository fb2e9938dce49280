"""Record the abstention signals of every question (best sentence score, whether the dense and lexical retrievers
agree on the quoted passage, question type, anchors missing from the quoted passages) over an existing benchmark
index, and sweep the thresholds of `app.abstain.AbstainRule` on them.

    cd /work/main && POLICYQA_HOME=... PYTHONPATH=. nice -n 5 .venv/bin/python -m tests.calibration.abstain_features \
        --embedder e5-small [--questions tests/calibration/abstain_questions.jsonl] [--out /tmp/feat.jsonl]

Tune on the calibration set (the default --questions); report on tests/qa/answers.jsonl.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from app.abstain import retrievers_agree
from app.anchors import missing_anchors, question_anchors
from app.answer import make_tools, retrieve
from app.extractive import ExtractiveAnswerer, select_units
from app.qtype import question_type
from app.settings import Settings
from tests.calibration.common import REPO


def features(index, settings: Settings, question: str, ranks=(1, 2, 3, 5)) -> dict:
    a = settings.answer
    hits = retrieve(index, question, a.k, None)
    tools = make_tools(index, settings)
    qtype = question_type(question)
    scored = tools.scorer.score(question, hits, qtype)
    selected = select_units(scored, hits, max_sentences=a.max_sentences, closeness=a.closeness)
    cands = [s for s in scored if not s.unit.heading]
    if not cands:
        return {"qtype": qtype, "best": 0.0, "agree": {}, "missing": [], "text": ""}
    best = cands[0]
    hit = hits[best.hit_index]
    contexts = [" ".join(x for x in (hits[s.hit_index].passage.text, hits[s.hit_index].passage.title,
                                     hits[s.hit_index].passage.label, hits[s.hit_index].passage.section or "",
                                     hits[s.hit_index].passage.date or "") if x) for s in selected]
    draft = ExtractiveAnswerer(tools.scorer, max_sentences=a.max_sentences, closeness=a.closeness).draft(
        question, hits, scored)
    text = " ".join((hits[d.sources[0]].passage.label + ": " if qtype == "section" else "") + d.text
                    for d in draft.sentences)
    return {"qtype": qtype, "best": best.score, "agree": {r: retrievers_agree(hit, r) for r in ranks},
            "dense_rank": hit.dense_rank, "lexical_rank": hit.lexical_rank,
            "missing": missing_anchors(question_anchors(question), contexts),
            "missing_all": missing_anchors(question_anchors(question), [_context(h) for h in hits]),
            "missing_docs": missing_anchors(question_anchors(question), [
                _context(h) for h in hits if h.passage.doc_id in {hits[s.hit_index].passage.doc_id for s in selected}]),
            "text": text}


def _context(hit) -> str:
    p = hit.passage
    return " ".join(x for x in (p.text, p.title, p.label, p.section or "", p.date or "") if x)


def decide(f: dict, below: float, agreed: float, section: float, rank: int, anchors: bool) -> bool:
    """True = abstain (mirrors app.abstain.abstain_reason on recorded features)."""
    t = below
    if f["agree"].get(rank):
        t = min(t, agreed)
    if f["qtype"] == "section":
        t = min(t, section)
    return f["best"] < t or (anchors and bool(f["missing"]))


def sweep(rows: list[dict]) -> list[tuple]:
    grid = [x / 100 for x in range(30, 80, 2)]
    out = []
    for below, agreed, section, rank in itertools.product(grid, grid, grid[:1], (1, 2, 3, 5)):
        if agreed > below or section > below:
            continue
        ab = [decide(r, below, agreed, section, rank, True) for r in rows]
        pos = [a for a, r in zip(ab, rows) if r["answerable"]]
        neg = [a for a, r in zip(ab, rows) if not r["answerable"]]
        answered_ok = sum(1 for a, r in zip(ab, rows) if r["answerable"] and not a and r["correct"])
        bal = ((len(pos) - sum(pos)) / max(len(pos), 1) + sum(neg) / max(len(neg), 1)) / 2
        out.append((round(bal, 3), answered_ok, below, agreed, section, rank))
    out.sort(key=lambda x: (-x[0], -x[1], -x[2]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", default=str(REPO / "tests/calibration/abstain_questions.jsonl"))
    ap.add_argument("--embedder", default="e5-small")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    from index.bench_corpus import bench_index

    settings = Settings(index={"embedder": args.embedder})
    index = bench_index(args.embedder, settings=settings)
    rows = []
    for line in Path(args.questions).read_text().splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        f = features(index, settings, q["question"])
        f.update(id=q["id"], answerable=bool(q["answerable"]),
                 correct=any(g.lower() in f["text"].lower() for g in q.get("answers") or []))
        rows.append(f)
        print(f"{f['id']:10} {'A' if f['answerable'] else '-'} {'ok' if f['correct'] else '  '} {f['qtype']:10} "
              f"best {f['best']:.3f} ranks d{f['dense_rank']} l{f['lexical_rank']} missing {f['missing']} "
              f"| {f['text'][:90]!r}")
    if args.out:
        Path(args.out).write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    for row in sweep(rows)[:10]:
        print("balanced %.3f answered-correct %d below %.2f agreed %.2f section %.2f rank %d" % row)


if __name__ == "__main__":
    main()
