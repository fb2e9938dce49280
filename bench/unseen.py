"""Answer benchmark on unseen documents: five sets of documents written for evaluation, each with its questions.

- `unseen`: bench/qa/answers_unseen.jsonl (44 questions) over bench/qa/unseen_docs/ (a Security Council
  resolution, hearing and seminar transcripts, a law.go.kr-style Korean statute, think-tank and news pages, a
  public-law PDF, a joint statement, a press release, an executive order in plain text). Written blind; measured
  first in session 4, then used to find general failures (a development set since).
- `unseen2`: bench/qa/answers_unseen2.jsonl (51 questions) over bench/qa/unseen_docs2/ (a Panel-of-Experts report,
  a press briefing, a Korean statute, a 국회 회의록, a 경축사, an interview page, a 보도자료, a CRS-style PDF, a fact
  sheet, the 1991 Basic Agreement), written blind by someone who never saw the first set; the final measure of
  session 4, a development set since session 5.
- `unseen3`: bench/qa/answers_unseen3.jsonl (68 questions) over bench/qa/unseen_docs3/ (a Treasury press-release
  page, a House bill, a Security Council meeting record, an EU implementing regulation, a think-tank analysis, a
  podcast transcript, a Korean 통일백서 chapter PDF, a 군사분야 합의서, a Korean news page, a 시행령), written blind in
  session 5 without reading the earlier sets' documents or questions; measured once, a development set since.
- `unseen4`: bench/qa/answers_unseen4.jsonl (67 questions) over bench/qa/unseen_docs4/ (a State Department
  trafficking-report chapter page, an OFAC general license in Federal Register text, a 국회입법조사처 issue brief PDF,
  a 통일부 정례브리핑 transcript, a 헌법재판소 결정요지, a UN Special Rapporteur report excerpt, a working paper with a
  table and footnotes, a hearing testimony page, a 경기도 조례, a news-wire story), written blind in session 5 without
  reading the earlier sets' documents or questions; measured once at the end of a session.
- `unseen5`: bench/qa/answers_unseen5.jsonl (71 questions) over bench/qa/unseen_docs5/ (an OFAC sanctions FAQ page, a
  federal indictment, an IAEA Director General report, GAO report highlights, a House members' letter, a Japanese Chief
  Cabinet Secretary statement page, a 대법원 판결, a 국회예산정책처 예산안 분석 PDF, a 통일의식조사 results page, a
  국회 검토보고서), written blind without running policyqa's search or answerer on it: the final honest measure
  (nobody looks at its failures to tune).
None of the documents has front matter. Each set's index holds its documents only (its unanswerable questions were
checked against them), built with the configured embedder and cached under $POLICYQA_HOME/bench/<set>-<embedder>.
Same metrics and baseline as `policyqa eval qa` (`bench.qa`). Usage: ``policyqa eval unseen [--set unseen5]``.
"""

from __future__ import annotations

from pathlib import Path

from bench.evalsets import load_answer_set
from bench.paths import QA_DIR
from bench.qa import format_tables, run

UNSEEN_SETS: dict[str, tuple[Path, Path]] = {  # name -> (questions, documents folder)
    "unseen": (QA_DIR / "answers_unseen.jsonl", QA_DIR / "unseen_docs"),
    "unseen2": (QA_DIR / "answers_unseen2.jsonl", QA_DIR / "unseen_docs2"),
    "unseen3": (QA_DIR / "answers_unseen3.jsonl", QA_DIR / "unseen_docs3"),
    "unseen4": (QA_DIR / "answers_unseen4.jsonl", QA_DIR / "unseen_docs4"),
    "unseen5": (QA_DIR / "answers_unseen5.jsonl", QA_DIR / "unseen_docs5"),
}
# Blind sets are run once, by name, to judge a finished change; `--set all` runs the development sets only.
BLIND_SETS = frozenset({"unseen5"})
_NOT_DOCUMENTS = {"README.md"}


def unseen_files(folder: Path) -> list[Path]:
    """The evaluation documents of `folder` (its README and the PDF's generator script are not documents)."""
    from ingest import discover

    return [p for p in discover([folder]) if p.name not in _NOT_DOCUMENTS and p.suffix != ".py"]


def unseen_index(settings, name: str = "unseen"):
    """The cached index of one unseen set's documents for the configured embedder, brought up to date."""
    from bench.corpus import open_cached_index

    folder = UNSEEN_SETS[name][1]
    index = open_cached_index(settings.home / "bench" / f"{name}-{settings.index.embedder.replace('/', '_')}", settings)
    report = index.ingest(unseen_files(folder), prune=True)
    if report.failed:
        raise RuntimeError(
            "unseen documents failed to load: " + "; ".join(f"{o.path}: {o.message}" for o in report.failed)
        )
    return index


def main(*, settings, out_dir: Path, which: str = "all") -> int:
    """Run the named set ("unseen", "unseen2", "unseen3", "unseen4", "unseen5") or all of them ("all"), one table per set."""
    from bench.common import write_result

    names = [n for n in UNSEEN_SETS if n not in BLIND_SETS] if which == "all" else [which]
    for name in names:
        if name not in UNSEEN_SETS:
            raise ValueError(f"unknown unseen set {name!r}; choose one of all, {', '.join(UNSEEN_SETS)}")
        questions_path, folder = UNSEEN_SETS[name]
        questions = load_answer_set(questions_path)
        index = unseen_index(settings, name)
        result = run(settings=settings, index=index, questions=questions)
        print(
            f"\nAnswer benchmark, set {name}: {questions_path.name} ({len(questions)} questions) "
            f"over {len(index.documents())} documents in {folder.name}, "
            f"embedder {result['embedder']}, k={result['k']}"
        )
        print(format_tables(result["summaries"]))
        print(f"results: {write_result(out_dir, 'qa-' + name, result)}")
    return 0
