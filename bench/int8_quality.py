"""Retrieval quality of the int8 ONNX backend against the float one, in one run: BEIR SciFact nDCG@10 (test queries)
and bilingual Recall@5 (bench/qa/bilingual.jsonl), dense and hybrid, per embedder.

`policyqa eval int8 [--embedders ...] [--scifact-docs N]`. The float indexes are the cached benchmark indexes built
by the configured backend (torch: bf16 autocast on CPUs with native bf16, cosine >= 0.9999 to fp32); the int8 ones
are cached beside them (`…-onnx-int8`). int8 passes for an embedder when every measured metric is within
`TOLERANCE` of float. `--scifact-docs N` indexes a subset: every document a test query judges relevant plus
seeded-random others up to N (for slow embedders); the table says so.
"""

from __future__ import annotations

import logging
import random
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from bench.beir import BeirData, dedupe_docs, load_beir, open_bench_index, ranked, score_system
from bench.bilingual import RECALL_K, evaluate, load_questions
from bench.bilingual import aggregate as bilingual_aggregate

log = logging.getLogger(__name__)

TOLERANCE = 0.005
MODES = ("dense", "hybrid")


@dataclass(frozen=True)
class QualityRow:
    embedder: str
    metric: str  # e.g. "scifact nDCG@10 hybrid"
    float_value: float
    int8_value: float

    @property
    def delta(self) -> float:
        return self.int8_value - self.float_value

    @property
    def passed(self) -> bool:
        return self.delta >= -TOLERANCE


def subset(data: BeirData, docs: int, seed: int = 13) -> BeirData:
    """Every document judged by a test query plus seeded-random others, `docs` in all (at least the judged ones)."""
    judged = {d for rels in data.qrels["test"].values() for d in rels}
    others = sorted(set(data.corpus) - judged)
    random.Random(seed).shuffle(others)
    keep = judged | set(others[: max(0, docs - len(judged))])
    return replace(data, corpus={d: v for d, v in data.corpus.items() if d in keep})


def scifact_scores(data: BeirData, settings, name: str) -> dict[str, float]:
    index = open_bench_index(data, settings, name)
    test = sorted(data.qrels["test"])
    out = {}
    for mode in MODES:
        rankings = {q: dedupe_docs(ranked(index.search(data.queries[q], k=100, mode=mode)), 100) for q in test}
        out[f"scifact nDCG@10 {mode}"] = score_system(mode, rankings, data.qrels["test"]).ndcg10
    return out


def bilingual_scores(settings, name: str) -> dict[str, float]:
    from bench.corpus import bench_index

    questions = load_questions()
    index = bench_index(name, settings=settings, required={u.doc_id for q in questions for u in q.units()})
    results = evaluate(lambda q, k, m: index.search(q, k=k, mode=m), questions, MODES)
    return {f"bilingual R@{RECALL_K} {m}": bilingual_aggregate(results[m])["all"][f"recall@{RECALL_K}"] for m in MODES}


def with_backend(settings, backend: str):
    return settings.model_copy(update={"index": settings.index.model_copy(update={"backend": backend})})


def compare(settings, name: str, data: BeirData | None) -> list[QualityRow]:
    rows = []
    float_settings, int8_settings = with_backend(settings, "torch"), with_backend(settings, "onnx-int8")
    if data is not None:
        a, b = scifact_scores(data, float_settings, name), scifact_scores(data, int8_settings, name)
        rows += [QualityRow(name, k, a[k], b[k]) for k in a]
    a, b = bilingual_scores(float_settings, name), bilingual_scores(int8_settings, name)
    rows += [QualityRow(name, k, a[k], b[k]) for k in a]
    return rows


def format_table(rows: list[QualityRow]) -> str:
    head = f"{'embedder':<10} {'metric':<28} {'float':>7} {'int8':>7} {'delta':>8} {'pass':>5}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r.embedder:<10} {r.metric:<28} {r.float_value:>7.4f} {r.int8_value:>7.4f} {r.delta:>+8.4f} "
            f"{'yes' if r.passed else 'NO':>5}"
        )
    return "\n".join(lines)


def main(
    *, settings, out_dir: Path, scifact: Path | None, embedders: list[str] | None = None, scifact_docs: int = 0
) -> int:
    from bench.common import write_result

    data = load_beir(scifact) if scifact is not None else None
    full = len(data.corpus) if data else 0
    if data is not None and scifact_docs:
        data = subset(data, scifact_docs)
    rows: list[QualityRow] = []
    for name in embedders or ["minilm", "e5-small"]:
        rows += compare(settings, name, data)
        log.info("int8 quality: %s done", name)
    corpus = f"SciFact {len(data.corpus)} of {full} documents" if data else "no SciFact"
    print(
        f"int8 vs float retrieval quality ({corpus}; {len(load_questions())} bilingual queries); pass = delta >= -{TOLERANCE}"
    )
    print(format_table(rows))
    verdict = {
        name: all(r.passed for r in rows if r.embedder == name) for name in dict.fromkeys(r.embedder for r in rows)
    }
    print("int8 passes for: " + (", ".join(n for n, ok in verdict.items() if ok) or "none"))
    payload = {
        "rows": [asdict(r) | {"delta": r.delta, "passed": r.passed} for r in rows],
        "scifact_docs": len(data.corpus) if data else 0,
        "scifact_full": full,
        "passed": verdict,
    }
    print(f"results: {write_result(out_dir, 'int8-quality', payload)}")
    return 0
