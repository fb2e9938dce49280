"""Peak memory of a real-file ingest as the number of files grows: does it stay bounded, or grow with the corpus?

`policyqa eval ingest-memory [--files 200] [--baseline DIR]` writes 4N real-looking text files (the law texts of
../shared/data, U.S. and Korean, replicated; every copy marks its long lines with its copy number so that no two
files, and few chunks, share a text), then in a fresh process per measurement ingests the first N files and then
all 4N into an empty index and reads that process's peak RSS (VmHWM). A third process opens the finished 4N index
and searches it once: the memory the index itself takes, which any ingest of that corpus ends up holding.

The embedder is a stateless word-hashing embedder (`bench.ingest_memory_child.HashingEmbedder`), not a model: this
measures the ingest's memory (loading, chunking, planning, writing), not retrieval quality. Loading, chunking and BM25
tokenising are the real ones. `--baseline DIR` measures the code in DIR (e.g. an export of an older commit:
``git archive main | tar -x -C DIR``) the same way, in the same run.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import write_result

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
CHILD = Path(__file__).with_name("ingest_memory_child.py")
# run by path, not as `bench.…`: the measured tree need not have this module, and the child's own folder (bench/,
# which holds an `ingest.py`) must not come first on the import path
RUN_CHILD = "import runpy, sys; runpy.run_path(sys.argv.pop(1), run_name='__main__')"
LONG_LINE = 60  # characters: lines at least this long carry the copy marker
DIM = 384  # the dimension of the packaged embedders


def base_files() -> list[Path]:
    """The law texts of ../shared/data (U.S. Code chapters, executive orders, Korean statutes)."""
    from bench.evalsets import corpus_files
    from bench.paths import data_dir

    return sorted(corpus_files(data_dir()).values())


def mark_copy(text: str, copy: int) -> str:
    """`text` with ` [copy N]` after every long line outside its front matter: a distinct document (and distinct
    passages), of the same structure and size."""
    lines = text.split("\n")
    body = 0
    if lines and lines[0].strip() == "---":
        ends = [i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"]
        body = ends[0] + 1 if ends else 0
    marker = f" [copy {copy}]"
    return "\n".join(line + marker if i >= body and len(line) >= LONG_LINE else line for i, line in enumerate(lines))


def write_corpus(folder: Path, count: int, sources: list[Path]) -> list[Path]:
    """`count` files in `folder`: copy k of source file s is ``{s.stem}--{k:05d}{s.suffix}``, the sources taken in
    turn, so any first n files hold about n / len(sources) copies of each source."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = [s.read_text(encoding="utf-8") for s in sources]
    written = []
    for n in range(count):
        k, source = divmod(n, len(sources))
        path = folder / f"{sources[source].stem}--{k:05d}{sources[source].suffix}"
        path.write_text(mark_copy(texts[source], k), encoding="utf-8")
        written.append(path)
    return written


def run_child(code: Path, mode: str, index_dir: Path, corpus: Path, dim: int = DIM) -> dict:
    """One measurement in a fresh process, with `code` (a source tree) first on the import path."""
    inherited = os.environ.get("PYTHONPATH")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(code), inherited]) if inherited else str(code))
    done = subprocess.run(
        [sys.executable, "-c", RUN_CHILD, str(CHILD), mode, str(index_dir), str(corpus), str(dim)],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"measuring {mode} with {code} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(code: Path, label: str, corpora: dict[int, Path], work: Path) -> list[dict]:
    """Ingest each corpus (files -> folder) into an empty index with `code`; then open the largest index alone."""
    rows = []
    for files, corpus in sorted(corpora.items()):
        index_dir = work / f"{label}-{files}"
        row = run_child(code, "ingest", index_dir, corpus)
        row.update(code=label, corpus_files=files)
        rows.append(row)
    largest = rows[-1]
    opened = run_child(code, "open", work / f"{label}-{largest['corpus_files']}", corpora[largest["corpus_files"]])
    largest["index_alone_mb"] = opened["rss_mb"] - opened["rss_start_mb"]
    return rows


def format_table(rows: list[dict]) -> str:
    head = (
        f"{'code':<10} {'files':>6} {'added':>6} {'chunks':>7} {'ingest s':>9} {'start MB':>9} {'+loaded MB':>10} "
        f"{'+written MB':>11} {'+peak MB':>9} {'index alone MB':>14}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        alone = f"{r['index_alone_mb']:>14.0f}" if "index_alone_mb" in r else f"{'':>14}"
        lines.append(
            f"{r['code']:<10} {r['corpus_files']:>6} {r['added']:>6} {r['chunks']:>7} {r['seconds']:>9.1f} "
            f"{r['rss_start_mb']:>9.0f} {r['loaded_peak_mb'] - r['rss_start_mb']:>10.0f} "
            f"{r['written_peak_mb'] - r['rss_start_mb']:>11.0f} {r['peak_rss_mb'] - r['rss_start_mb']:>9.0f} {alone}"
        )
    return "\n".join(lines)


def growth_lines(rows: list[dict]) -> list[str]:
    """Per code: how much each phase's peak above the start grew from N to 4N files (the start itself differs by a
    few MB between processes), beside what the finished index itself takes."""
    out = []
    for label in dict.fromkeys(r["code"] for r in rows):
        mine = [r for r in rows if r["code"] == label]
        small, large = mine[0], mine[-1]
        grew = {
            k: (large[k] - large["rss_start_mb"]) - (small[k] - small["rss_start_mb"])
            for k in ("loaded_peak_mb", "written_peak_mb", "peak_rss_mb")
        }
        out.append(
            f"{label}: from {small['corpus_files']} to {large['corpus_files']} files the peak RSS grew by "
            f"{grew['loaded_peak_mb']:.0f} MB while loading and planning, {grew['written_peak_mb']:.0f} MB by the "
            f"time every row was written, {grew['peak_rss_mb']:.0f} MB overall (with the dense and BM25 builds); "
            f"the finished {large['corpus_files']}-file index alone takes {large.get('index_alone_mb', float('nan')):.0f} MB"
        )
    return out


def main(*, out_dir: Path, files: int = 200, baseline: Path | None = None) -> int:
    sources = base_files()
    codes = ([("baseline", baseline.resolve())] if baseline is not None else []) + [("this", REPO)]
    with tempfile.TemporaryDirectory(prefix="policyqa-bench-ingest-memory-") as tmp:
        work = Path(tmp)
        every = write_corpus(work / "corpus-all", 4 * files, sources)
        small = work / "corpus-small"
        small.mkdir()
        for path in every[:files]:
            (small / path.name).write_bytes(path.read_bytes())
        corpora = {files: small, 4 * files: work / "corpus-all"}
        text_mb = sum(p.stat().st_size for p in every) / 2**20
        rows = [row for label, code in codes for row in measure(code, label, corpora, work)]
    print(
        f"Ingest memory: {files} and {4 * files} files replicated from the ../shared/data law texts "
        f"({len(sources)} sources, {text_mb:.1f} MB of text at {4 * files} files), each ingested into an empty index "
        "in a fresh process. Embedder: a stateless word-hashing stand-in (no model; this measures the ingest's "
        "memory, not retrieval quality); loading, chunking and BM25 are the real ones. start = RSS before the "
        "ingest; +loaded, +written, +peak = the process's peak RSS (VmHWM) above start when loading and planning "
        "are done, when every row is written, and at the end (after the dense and BM25 builds); index alone = what "
        "opening the finished index and searching it adds to a fresh process."
    )
    if baseline is not None:
        print(f"baseline = {baseline}; this = {REPO}")
    print(format_table(rows))
    for line in growth_lines(rows):
        print(line)
    print(f"results: {write_result(out_dir, 'ingest-memory', {'files': files, 'rows': rows})}")
    return 0
