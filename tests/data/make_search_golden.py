"""Writes search_golden.json: the hits of a fixed set of searches over an index built from the text fixtures here
(deterministic fake embedder, real loaders, chunker and BM25 tokenizer), after a sequence of writes (ingest,
ingest more, remove, re-add). `tests/test_storage_table.py` checks that today's index gives the same hits.

    cd REPO && PYTHONPATH=.:tests python tests/data/make_search_golden.py

It was last run on the version that still read the whole chunk table into memory (format version 1), so the test
pins that the on-disk table changed no search result.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRST = ["article.md", "eo_synthetic.md", "notes.txt"]
MORE = ["kr_statute_synthetic.md", "transcript.txt", "usc_synthetic.txt", "kr_statute_lawgokr.txt", "page.html"]
QUERIES = [
    ("sanctions designated persons", "hybrid", {}),
    ("export controls penalties", "dense", {}),
    ("export controls penalties", "lexical", {}),
    ("북한 인권 재단", "hybrid", {}),
    ("humanitarian exemption", "hybrid", {"language": ["en"]}),
    ("the president shall report to congress", "hybrid", {"doc_type": ["law"]}),
    ("통일부 장관", "lexical", {"language": ["ko"]}),
]


def searches(index) -> list[dict]:
    from index.types import Filters

    out = []
    for query, mode, filters in QUERIES:
        hits = index.search(query, k=8, mode=mode, filters=Filters(**filters) if filters else None)
        out.append(
            {
                "query": query,
                "mode": mode,
                "filters": filters,
                "hits": [[h.passage.chunk_id, round(float(h.score), 6)] for h in hits],
            }
        )
    return out


def build(root: Path) -> dict:
    from fakes import FakeEmbedder, shared_tokenizer

    from index.index import Index
    from ingest.settings import ChunkingSettings

    corpus = root / "corpus"
    corpus.mkdir()
    for name in FIRST:
        (corpus / name).write_bytes((HERE / name).read_bytes())
    chunking = ChunkingSettings(max_tokens=60, min_tokens=0)  # small passages: more rows
    index = Index.create(root / "idx", embedder=FakeEmbedder(), chunking=chunking, tokenizer=shared_tokenizer())
    index.ingest([corpus])
    steps = {"first": searches(index)}
    for name in MORE:
        (corpus / name).write_bytes((HERE / name).read_bytes())
    index.ingest([corpus])
    steps["more"] = searches(index)
    removed = sorted(d.doc_id for d in index.documents())[1]
    index.remove([removed])
    steps["removed"] = searches(index)
    index.ingest([corpus])
    steps["re_added"] = searches(index)
    reopened = Index.open(root / "idx", embedder=FakeEmbedder(), chunking=chunking, tokenizer=shared_tokenizer())
    steps["reopened"] = searches(reopened)
    steps["passages"] = len(reopened)
    return steps


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        result = build(Path(tmp))
    (HERE / "search_golden.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'search_golden.json'} ({result['passages']} passages)", file=sys.stderr)
