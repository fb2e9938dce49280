"""OCR speed and accuracy on scanned pages of real statutes: A4 pages of the first lines of a Korean act and of a
U.S. Code chapter (from the benchmark data) are rendered at 300 dpi in 11 pt NanumGothic into an image-only PDF,
then read by the product's OCR (`ingest.ocr.ocr_pdf_pages`), with its options (`current`) and, in the same run, with
the plain single reading in Korean and English together, Tesseract's default threads and no clean-up (`baseline`).
Prints seconds per page and the character error rate (edit distance over the rendered characters, whitespace
ignored) per language and reading.

Usage: ``policyqa eval ocr`` or ``POLICYQA_BENCH_DATA=../shared/data python -m bench.ocr_pages [--pages 2] [--json]``.
Needs the tesseract program (kor, eng) and Debian fonts-nanum.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path

from bench.paths import data_dir
from ingest.ocr import OCR_DPI, OcrOptions, ocr_pdf_pages

FONT = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
PAGE_W, PAGE_H, MARGIN, FONT_PX = 2480, 3508, 240, 46  # A4 at 300 dpi, 11 pt text
SOURCES = {
    "ko": ("kr_law_inter_korean", "inter_korean_exchange_and_cooperation_act__act.md"),
    "en": ("us_law_north_korea", "22usc_ch85_north_korean_human_rights.txt"),
}
# The same-run baseline: one reading with the Korean and English models together, Tesseract's default threads, no
# Hangul pass and no clean-up.
BASELINE_OPTIONS = OcrOptions(hangul_pass=False, threads=0, clean=False)
READINGS = {"baseline": BASELINE_OPTIONS, "current": OcrOptions()}


def body_lines(path: Path) -> list[str]:
    """The file's text without front matter and markdown marks, one paragraph a line."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^#+\s*|\\(?=[.\-*_#()\[\]])|\*\*", "", line).strip()
        if line:
            lines.append(line)
    return lines


def wrap(paragraphs: list[str], font, width: int) -> list[str]:
    out = []
    for para in paragraphs:
        line = ""
        for word in para.split():
            candidate = f"{line} {word}".strip()
            if line and font.getlength(candidate) > width:
                out.append(line)
                line = word
            else:
                line = candidate
        if line:
            out.append(line)
    return out


def render_pages(paragraphs: list[str], pages: int) -> list[tuple[object, str]]:
    """(image, rendered text) for `pages` full A4 pages."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), FONT_PX)
    lines = wrap(paragraphs, font, PAGE_W - 2 * MARGIN)
    per_page = (PAGE_H - 2 * MARGIN) // int(FONT_PX * 1.5)
    out = []
    for p in range(pages):
        chunk = lines[p * per_page : (p + 1) * per_page]
        image = Image.new("L", (PAGE_W, PAGE_H), 255)
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(chunk):
            draw.text((MARGIN, MARGIN + i * int(FONT_PX * 1.5)), line, fill=0, font=font)
        out.append((image, "\n".join(chunk)))
    return out


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edit distance over the reference length, whitespace removed from both."""
    ref, hyp = "".join(reference.split()), "".join(hypothesis.split())
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[len(hyp)] / max(len(ref), 1)


def measure(language: str, pages: int, readings: dict[str, OcrOptions] = READINGS) -> list[dict]:
    folder, name = SOURCES[language]
    rendered = render_pages(body_lines(data_dir() / folder / name), pages)
    out = []
    with tempfile.TemporaryDirectory(prefix="policyqa-ocr-bench-") as tmp:
        pdf = Path(tmp) / f"{language}.pdf"
        images = [image.convert("RGB") for image, _ in rendered]  # type: ignore[attr-defined]
        images[0].save(pdf, "PDF", resolution=float(OCR_DPI), save_all=True, append_images=images[1:])
        for reading, options in readings.items():
            started = time.perf_counter()
            texts = ocr_pdf_pages(pdf, list(range(1, pages + 1)), options=options)
            seconds = time.perf_counter() - started
            rates = [cer(ref, texts[i + 1]) for i, (_, ref) in enumerate(rendered)]
            chars = sum(len("".join(ref.split())) for _, ref in rendered)
            out.append(
                {
                    "language": language,
                    "reading": reading,
                    "pages": pages,
                    "chars_per_page": chars / pages,
                    "seconds_per_page": seconds / pages,
                    "cer": sum(r * len("".join(ref.split())) for r, (_, ref) in zip(rates, rendered)) / chars,
                    "cer_per_page": rates,
                }
            )
    return out


def format_table(results: list[dict]) -> str:
    lines = [f"{'language':<9}{'reading':<10}{'pages':>6}{'chars/page':>12}{'s/page':>9}{'CER':>8}"]
    for r in results:
        lines.append(
            f"{r['language']:<9}{r['reading']:<10}{r['pages']:>6}{r['chars_per_page']:>12.0f}"
            f"{r['seconds_per_page']:>9.1f}{r['cer']:>8.2%}"
        )
    return "\n".join(lines)


def run(pages: int = 2) -> list[dict]:
    return [row for lang in ("en", "ko") for row in measure(lang, pages)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=2, help="pages per language")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    results = run(args.pages)
    print(json.dumps(results, indent=2, ensure_ascii=False) if args.json else format_table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
