"""Answer benchmark on unseen documents: tests/qa/answers_unseen.jsonl over tests/qa/unseen_docs/.

The ten documents were written for evaluation after the answerer was built (a Security Council resolution, hearing
and seminar transcripts, a law.go.kr-style Korean statute, think-tank and news pages, a public-law PDF, a joint
statement, a press release, an executive order in plain text), none with front matter, and the 44 questions were
committed before the system was run on them. The index holds these documents only (the unanswerable questions
were checked against them), built with the configured embedder and cached under
$POLICYQA_HOME/bench/unseen-<embedder>. Same metrics and baseline as `policyqa eval qa` (`app.bench_qa`).
Usage: ``policyqa eval unseen``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from app.bench_qa import REPO_ROOT, format_tables, run
from index.evalsets import load_answer_set

logger = logging.getLogger(__name__)

UNSEEN_SET = REPO_ROOT / "tests" / "qa" / "answers_unseen.jsonl"
UNSEEN_DOCS = REPO_ROOT / "tests" / "qa" / "unseen_docs"
_NOT_DOCUMENTS = {"README.md"}


def unseen_files(folder: Path = UNSEEN_DOCS) -> list[Path]:
    """The evaluation documents of `folder` (its README and the PDF's generator script are not documents)."""
    from ingest import discover

    return [p for p in discover([folder]) if p.name not in _NOT_DOCUMENTS and p.suffix != ".py"]


def unseen_index(settings):
    """The cached index of the unseen documents for the configured embedder, brought up to date."""
    from index.index import Index
    from index.manifest import IndexMismatchError

    path = settings.home / "bench" / f"unseen-{settings.index.embedder.replace('/', '_')}"
    kwargs = dict(settings=settings.index, chunking=settings.chunking, home=settings.home)
    try:
        index = Index.open_or_create(path, **kwargs)
    except IndexMismatchError as exc:
        logger.info("rebuilding %s: %s", path, exc)
        index = Index.open_or_create(path, rebuild=True, **kwargs)
    report = index.ingest(unseen_files(), prune=True)
    if report.failed:
        raise RuntimeError("unseen documents failed to load: " + "; ".join(f"{o.path}: {o.message}"
                                                                            for o in report.failed))
    return index


def main(*, settings, out_dir: Path) -> int:
    from index.bench_common import write_result

    questions = load_answer_set(UNSEEN_SET)
    index = unseen_index(settings)
    result = run(settings=settings, index=index, questions=questions)
    print(f"\nAnswer benchmark, unseen documents: {UNSEEN_SET.relative_to(REPO_ROOT)} ({len(questions)} questions) "
          f"over {len(index.documents())} documents in {UNSEEN_DOCS.relative_to(REPO_ROOT)}, "
          f"embedder {result['embedder']}, k={result['k']}")
    print(format_tables(result["summaries"]))
    print(f"results: {write_result(out_dir, 'qa-unseen', result)}")
    return 0
