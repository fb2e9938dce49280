"""Formats measured blind: real documents of the benchmark data (U.S. law, executive orders, Korean statutes,
picked by a seeded rule, an excerpt of whole sections each) are written as plain text, Word, HWPX, a text PDF and a
scanned PDF (`bench.formats_files`), each format is ingested by the product into its own temporary index, and
per format and language it measures against the plain-text original:

- text fidelity: character error rate of the loaded text against the source text (whitespace removed, markdown
  heading marks the loaders add removed; Word and HWPX table rows compared in the product's named-cell form);
- structure: share of the source's section labels (`§ 9214`, `Sec. 3`, `제17조`) that some chunk has as its section;
- retrieval: Recall@5 of the right section for one question per section (a sentence of its body): a hit is a
  passage of the right document holding most of the sentence (`EVIDENCE_SHARE` of its character trigrams);
- for scanned PDFs, also the CER of the one-pass baseline OCR reading (`bench.ocr_pages.BASELINE_OPTIONS`) in the same run,
  and OCR seconds per page.

The generated files and the results go under ``--out`` (default ``$POLICYQA_HOME/bench/formats``), never into the
repository. Usage: ``policyqa eval formats [--out DIR] [--docs N] [--seed S]``.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.formats_files import FORMATS, ScanSettings, write
from bench.formats_source import Question, SourceDoc, covered_labels, make_questions, pick_documents, plain_text

logger = logging.getLogger(__name__)

RECALL_K = 5
EVIDENCE_SHARE = 0.6  # share of the question sentence's character trigrams a passage must hold to answer it
NAMED_CELLS = ("docx", "hwpx")  # formats whose tables the product writes as rows of named cells
MARKUP = re.compile(r"^#{1,6}\s+", re.M)


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: Levenshtein distance over the reference length, whitespace removed from both."""
    from rapidfuzz.distance import Levenshtein

    ref, hyp = "".join(reference.split()), "".join(hypothesis.split())
    return Levenshtein.distance(ref, hyp) / max(len(ref), 1)


def trigrams(text: str) -> set[str]:
    s = "".join(text.split()).casefold()
    return {s[i : i + 3] for i in range(max(len(s) - 2, 0))}


def holds(passage: str, sentence: str, share: float = EVIDENCE_SHARE) -> bool:
    """Whether `passage` holds at least `share` of the character trigrams of `sentence` (OCR errors allowed)."""
    want = trigrams(sentence)
    return bool(want) and len(want & trigrams(passage)) / len(want) >= share


@dataclass
class DocResult:
    doc: str
    language: str
    fmt: str
    cer: float
    labels: int
    labels_found: int
    load_s: float
    pages: int
    baseline_cer: float | None = None  # scanned PDFs: the one-pass baseline OCR reading's CER
    error: str | None = None


def load_and_score(doc: SourceDoc, path: Path, fmt: str, chunking: Any, count_tokens: Any) -> DocResult:
    from ingest import chunk_document, load_document
    from ingest.types import IngestError

    labels = {s.label for s in doc.sections}
    started = time.perf_counter()
    try:
        loaded = load_document(path, doc_id=doc.name)
    except IngestError as e:
        return DocResult(doc.name, doc.language, fmt, 1.0, len(labels), 0, 0.0, 0, error=str(e))
    load_s = time.perf_counter() - started
    chunks = chunk_document(loaded, chunking, count_tokens)
    found = set().union(*(covered_labels(c.section) for c in chunks)) & labels
    return DocResult(
        doc.name,
        doc.language,
        fmt,
        cer(plain_text(doc, named_cells=fmt in NAMED_CELLS), MARKUP.sub("", loaded.text)),
        len(labels),
        len(found),
        load_s,
        max(len(loaded.page_spans), 1),
    )


def baseline_ocr_cer(doc: SourceDoc, path: Path) -> float:
    from bench.ocr_pages import BASELINE_OPTIONS
    from ingest.ocr import ocr_pdf_pages
    from ingest.pdf_text import read_pdf

    pages, _ = read_pdf(path, image_only_ok=True)
    texts = ocr_pdf_pages(path, list(range(1, len(pages) + 1)), options=BASELINE_OPTIONS)
    return cer(plain_text(doc), "\n".join(texts[n] for n in sorted(texts)))


def recall_for(index: Any, questions: Sequence[Question]) -> dict[str, float]:
    """question id → 1.0 when a top-`RECALL_K` passage of the right document holds the question's sentence."""
    from ingest.meta import slugify

    out = {}
    for q in questions:
        hits = index.search(q.query, k=RECALL_K)
        doc_id = slugify(q.doc)
        out[q.qid] = float(any(h.passage.doc_id == doc_id and holds(h.passage.text, q.evidence) for h in hits))
    return out


def run(
    *,
    settings: Any,
    out_dir: Path,
    per_corpus: int = 2,
    seed: int = 13,
    max_chars: int = 4000,
    formats: Sequence[str] = FORMATS,
    scan: ScanSettings = ScanSettings(),
    baseline_ocr: bool = True,
) -> dict:
    from index.index import Index
    from index.models.embedders import load_embedder

    data = _data()
    docs = pick_documents(data, per_corpus, seed, max_chars)
    questions = make_questions(docs, seed)
    files_dir = out_dir / "files"
    embedder = load_embedder(settings.index.embedder, home=settings.home)
    results: list[DocResult] = []
    recall: dict[str, dict[str, float]] = {}
    for fmt in formats:
        paths = {doc.name: write(doc, fmt, files_dir, scan) for doc in docs}
        for doc in docs:
            r = load_and_score(doc, paths[doc.name], fmt, settings.chunking, embedder.count_tokens)
            if fmt == "scan" and baseline_ocr and r.error is None:
                r.baseline_cer = baseline_ocr_cer(doc, paths[doc.name])
            results.append(r)
            logger.info("formats: %s %s CER %.3f, %d/%d labels", fmt, doc.name, r.cer, r.labels_found, r.labels)
        with tempfile.TemporaryDirectory(prefix="policyqa-formats-") as tmp:
            index = Index.create(
                Path(tmp) / "index", embedder=embedder, chunking=settings.chunking, settings=settings.index
            )
            index.ingest([paths[d.name] for d in docs])
            recall[fmt] = recall_for(index, questions)
    rows = aggregate(results, recall, questions, formats)
    return {
        "documents": [
            {"name": d.name, "corpus": d.corpus, "language": d.language, "sections": len(d.sections)} for d in docs
        ],
        "questions": len(questions),
        "seed": seed,
        "scan": asdict(scan),
        "rows": rows,
        "per_document": [asdict(r) for r in results],
    }


def _data() -> Path:
    from bench.paths import data_dir

    return data_dir()


def aggregate(
    results: Sequence[DocResult],
    recall: dict[str, dict[str, float]],
    questions: Sequence[Question],
    formats: Sequence[str],
) -> list[dict]:
    """One row per format x language: CER (weighted by source length is not needed: excerpts are of similar
    size, so the mean over documents), label share, Recall@5 and its ratio to the txt row of the same language."""
    rows = []
    for language in ("en", "ko"):
        base_recall = None
        for fmt in formats:
            rs = [r for r in results if r.fmt == fmt and r.language == language]
            qs = [q for q in questions if q.language == language]
            if not rs:
                continue
            rec = sum(recall[fmt][q.qid] for q in qs) / len(qs) if qs else float("nan")
            if fmt == "txt":
                base_recall = rec
            baselines = [r.baseline_cer for r in rs if r.baseline_cer is not None]
            pages = sum(r.pages for r in rs)
            rows.append(
                {
                    "format": fmt,
                    "language": language,
                    "documents": len(rs),
                    "failed": sum(r.error is not None for r in rs),
                    "cer": sum(r.cer for r in rs) / len(rs),
                    "labels": sum(r.labels_found for r in rs) / max(sum(r.labels for r in rs), 1),
                    "questions": len(qs),
                    f"recall@{RECALL_K}": rec,
                    "recall_vs_txt": rec / base_recall if base_recall else float("nan"),
                    "seconds_per_page": sum(r.load_s for r in rs) / max(pages, 1),
                    "baseline_ocr_cer": sum(baselines) / len(baselines) if baselines else None,
                }
            )
    return rows


def format_table(rows: Sequence[dict]) -> str:
    head = (
        f"{'format':<7}{'lang':<5}{'docs':>5}{'CER':>8}{'labels':>8}{'R@5':>7}{'vs txt':>8}{'s/page':>8}"
        f"{'1-pass OCR CER':>16}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        prev = f"{r['baseline_ocr_cer']:.2%}" if r["baseline_ocr_cer"] is not None else "-"
        lines.append(
            f"{r['format']:<7}{r['language']:<5}{r['documents']:>5}{r['cer']:>8.2%}{r['labels']:>8.0%}"
            f"{r[f'recall@{RECALL_K}']:>7.3f}{r['recall_vs_txt']:>8.2f}{r['seconds_per_page']:>8.2f}{prev:>16}"
        )
    return "\n".join(lines)


def main(
    *,
    settings: Any,
    out_dir: Path | None = None,
    per_corpus: int = 2,
    seed: int = 13,
    formats: Sequence[str] | None = None,
    baseline_ocr: bool = True,
) -> int:
    from bench.common import write_result

    out = out_dir or Path(settings.home) / "bench" / "formats"
    chosen = ["txt", *(f for f in FORMATS if f != "txt" and f in (formats or FORMATS))]
    result = run(
        settings=settings,
        out_dir=out,
        per_corpus=per_corpus,
        seed=seed,
        formats=chosen,
        baseline_ocr=baseline_ocr,
    )
    print(format_table(result["rows"]))
    path = write_result(out, "formats", result)
    print(f"\nfiles and results under {out} ({path.name}); {result['questions']} questions")
    return 0
