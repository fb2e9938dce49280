"""Follow-up benchmark: does a chat follow-up find and cite its evidence? (bench/qa/followups.jsonl)

Each conversation is two user turns over the benchmark corpus; the second is a follow-up ("What about vessels?",
"Why was it closed?", "그럼 이산가족의 날은?") whose evidence is given. The first turn is answered by the default
answerer, then the second with that (question, answer) history. Per query rewriter, over the second turns:
- **evidence hit@1 / hit@k**: a passage containing the evidence string (from the evidence document) is the top /
  among the k hits when searching with the rewritten query;
- for the default rewriter also **citation hit**: the answer cites such a passage, and **abstained**.
Rewriters: the follow-up as typed (no rewrite), the whole previous topic carried (`swap=False`), and the default
(`app.answer.followup.standalone_query`: a follow-up naming a new subject keeps only the previous anchors).
Usage: ``policyqa eval followups``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.answer.followup import standalone_query
from bench.evalsets import Evidence
from bench.paths import QA_DIR
from bench.qa_metrics import CitedPassage, Unit, citation_supports

logger = logging.getLogger(__name__)

FOLLOWUP_SET = QA_DIR / "followups.jsonl"

Rewrite = Callable[[str, Sequence[tuple[str, str]]], str]
REWRITERS: dict[str, Rewrite] = {
    "as typed": lambda q, history: q,
    "carry whole topic": lambda q, history: standalone_query(q, history, swap=False),
    "default (anchors on swap)": standalone_query,
}


class Conversation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    turns: list[str] = Field(min_length=2, max_length=2)
    kind: Literal["same", "swap"]  # "same": asks more about the same subject; "swap": names a new subject
    evidence: list[Evidence] = Field(min_length=1)

    def units(self) -> list[Unit]:
        return [Unit(e.doc_id, e.text, e.label) for e in self.evidence]


def load_conversations(path: Path = FOLLOWUP_SET) -> list[Conversation]:
    out = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                out.append(Conversation.model_validate(json.loads(line)))
            except ValueError as exc:
                raise ValueError(f"{path}:{lineno}: {exc}") from exc
    return out


def evidence_rank(hits: Sequence[Any], units: Sequence[Unit]) -> int | None:
    """1-based rank of the first hit whose passage supports a unit (None: none does)."""
    for rank, h in enumerate(hits, start=1):
        p = h.passage
        if citation_supports(CitedPassage(p.doc_id, p.text, p.label), units):
            return rank
    return None


def run(*, settings, index: Any, conversations: Sequence[Conversation]) -> dict:
    from app.answer.pipeline import answer

    k = settings.answer.k
    histories = {}
    for c in conversations:
        first = answer(c.turns[0], index=index, settings=settings)
        histories[c.id] = [(c.turns[0], first.text)]
    rows: dict[str, dict] = {}
    for name, rewrite in REWRITERS.items():
        ranks = {
            c.id: evidence_rank(index.search(rewrite(c.turns[1], histories[c.id]), k=k), c.units())
            for c in conversations
        }
        rows[name] = {
            "hit@1": sum(r == 1 for r in ranks.values()) / len(ranks),
            f"hit@{k}": sum(r is not None for r in ranks.values()) / len(ranks),
            "by_kind": {
                kind: sum(ranks[c.id] is not None for c in conversations if c.kind == kind) for kind in ("same", "swap")
            },
            "ranks": ranks,
        }
    cited, abstained, per = 0, 0, []
    for c in conversations:
        a = answer(c.turns[1], histories[c.id], index=index, settings=settings)
        ok = any(citation_supports(CitedPassage(x.doc_id, x.text, x.label), c.units()) for x in a.citations)
        cited += ok
        abstained += a.abstained
        per.append(
            {
                "id": c.id,
                "kind": c.kind,
                "query": standalone_query(c.turns[1], histories[c.id]),
                "cited": [x.label for x in a.citations],
                "supports": ok,
                "abstained": a.abstained,
            }
        )
    n = len(conversations)
    return {
        "k": k,
        "n": n,
        "kinds": {kind: sum(c.kind == kind for c in conversations) for kind in ("same", "swap")},
        "rewriters": rows,
        "answers": {"citation_hit": cited / n, "abstained": abstained / n},
        "per_conversation": per,
    }


def format_table(result: dict) -> str:
    k, kinds = result["k"], result["kinds"]
    head = f"{'query rewriter':<28} {'evidence hit@1':>14} {f'hit@{k}':>7} {'same':>6} {'swap':>6}"
    lines = [head, "-" * len(head)]
    for name, r in result["rewriters"].items():
        lines.append(
            f"{name:<28} {100 * r['hit@1']:>13.1f}% {100 * r[f'hit@{k}']:>6.1f}% "
            f"{r['by_kind']['same']:>3}/{kinds['same']:<2} {r['by_kind']['swap']:>3}/{kinds['swap']:<2}"
        )
    a = result["answers"]
    lines.append(
        f"default answerer, turn 2: citation hit {100 * a['citation_hit']:.1f}%, abstained {100 * a['abstained']:.1f}%"
    )
    return "\n".join(lines)


def main(*, settings, out_dir: Path) -> int:
    from bench.common import write_result
    from bench.corpus import bench_index

    conversations = load_conversations()
    index = bench_index(
        settings.index.embedder, settings=settings, required={e.doc_id for c in conversations for e in c.evidence}
    )
    result = run(settings=settings, index=index, conversations=conversations)
    print(
        f"Follow-up benchmark: {FOLLOWUP_SET.name} ({result['n']} conversations: "
        f"{result['kinds']['same']} same subject, {result['kinds']['swap']} new subject), "
        f"embedder {settings.index.embedder}, k={result['k']}"
    )
    print(format_table(result))
    print(f"results: {write_result(out_dir, 'followups', result)}")
    return 0
