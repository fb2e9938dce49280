"""OCR of PDF pages without a text layer: each such page is rasterised with pypdfium2 and read by the Tesseract
program in Korean and English (`OcrOptions`).

Tesseract's combined ``kor+eng`` model reads English pages well but turns Hangul words it is unsure of into Latin
look-alikes ("SS", "SAO]"); its Korean model alone reads Hangul pages far better but has no Latin letters. So a page
is read with both models first, and a page that reads as mostly Hangul is read again with the Korean model alone;
the reading with more text read more surely is kept (`ocr_image`). Each Tesseract run uses one thread: on a
shared CPU its OpenMP threads mostly wait on each other.

A page is OCR'd when its text layer has fewer than `MIN_PAGE_CHARS` non-space characters (a scanned page, or a
blank one); the OCR text replaces the text layer only when it has more characters. Other pages keep their text
layer, so a PDF mixing text and scanned pages is OCR'd only where it needs to be. Pages keep their numbers.

Tesseract is a system program: on Debian/Ubuntu ``apt-get install tesseract-ocr tesseract-ocr-eng
tesseract-ocr-kor``; the Python side (pypdfium2) is the ``ocr`` extra (``pip install 'policyqa[ocr]'``).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

MIN_PAGE_CHARS = 20  # a page whose text layer has fewer non-space characters than this is OCR'd
OCR_LANGUAGES = ("kor", "eng")  # Tesseract language data used together on every page
HANGUL_ONLY_LANGUAGES = ("kor",)  # the model a mostly-Hangul page is read again with
OCR_DPI = 300  # rendering resolution: Tesseract reads 10-12 pt Hangul reliably from 300 dpi
HANGUL_PAGE_SHARE = 0.5  # a page whose letters are at least this share Hangul is read again in Korean alone
PSM_AUTO, PSM_BLOCK = 3, 6  # Tesseract page segmentation: automatic layout; one uniform block of text
SURE_CONFIDENCE = 90.0  # a first reading this confident is kept; below it the page is read again (`ocr_image`)
LAYOUT_PREFERENCE = 0.9  # the automatic layout's reading is kept while it has this share of the block reading's score
OCR_TIMEOUT = 300  # seconds for one Tesseract run over one page
INSTALL_HINT = (
    "install Tesseract with its Korean and English data (Debian/Ubuntu: "
    "`apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-kor`) and `pip install 'policyqa[ocr]'`"
)


class OcrUnavailable(RuntimeError):
    """OCR cannot run here; the message says what to install."""


@dataclass(frozen=True)
class OcrOptions:
    """How pages are read."""

    languages: tuple[str, ...] = OCR_LANGUAGES  # Tesseract language data used together on every page
    dpi: int = OCR_DPI  # resolution pages are rendered at
    hangul_pass: bool = True  # read mostly-Hangul pages again with the Korean model alone (`HANGUL_ONLY_LANGUAGES`)
    threads: int = 1  # OpenMP threads per Tesseract run (0: Tesseract's default, all cores)
    clean: bool = True  # normalise the text read (`clean_ocr_text`)


@dataclass(frozen=True)
class OcrResult:
    pages: list[str]  # every page's text, OCR'd pages replaced
    ocr_pages: tuple[int, ...]  # 1-based numbers of the pages whose text came from OCR
    skipped: tuple[int, ...]  # 1-based numbers of pages that needed OCR but could not get it (OCR unavailable)
    problem: str | None  # why those pages were skipped


@dataclass(frozen=True)
class OcrText:
    text: str
    confidence: float  # Tesseract's mean word confidence, 0-100, weighted by word length (0 when nothing read)
    psm: int  # the page segmentation mode that read it

    @property
    def score(self) -> float:
        """Confidence times characters read: how much text was read how surely."""
        return self.confidence * non_space_chars(self.text)


def non_space_chars(text: str) -> int:
    return len("".join(text.split()))


def pages_needing_ocr(pages: Sequence[str]) -> list[int]:
    """1-based numbers of the pages whose text layer is (nearly) empty."""
    return [i for i, page in enumerate(pages, start=1) if non_space_chars(page) < MIN_PAGE_CHARS]


def tesseract_program() -> str:
    """The path of the tesseract program. Raises `OcrUnavailable`."""
    program = shutil.which("tesseract")
    if program is None:
        raise OcrUnavailable(f"the tesseract program is not installed; {INSTALL_HINT}")
    return program


def check_tesseract(languages: Sequence[str] = OCR_LANGUAGES) -> str:
    """The tesseract program's path; raises `OcrUnavailable` (saying what to install) unless pypdfium2, the
    program and its language data are all present."""
    try:
        import pypdfium2  # noqa: F401
    except ImportError as e:
        raise OcrUnavailable(f"OCR needs the Python package pypdfium2 ({e}); {INSTALL_HINT}") from e
    program = tesseract_program()
    listed = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=60, check=False)
    installed = {line.strip() for line in (listed.stdout + listed.stderr).splitlines()[1:]}
    missing = [lang for lang in languages if lang not in installed]
    if missing:
        packages = " ".join(f"tesseract-ocr-{lang}" for lang in missing)
        raise OcrUnavailable(f"Tesseract lacks the language data {missing}; install `{packages}`")
    return program


def render_page(pdf: Any, number: int, dpi: int = OCR_DPI) -> Any:
    """Page `number` (1-based) of an open `pypdfium2.PdfDocument` as a greyscale PIL image."""
    page = pdf[number - 1]
    try:
        return page.render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        page.close()


def tsv_confidence(tsv: str) -> float:
    """Mean word confidence of Tesseract's TSV output, weighted by word length."""
    total = weight = 0.0
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        try:
            conf = float(cols[10])
        except ValueError:
            continue
        if conf >= 0:
            total += conf * len(cols[11].strip())
            weight += len(cols[11].strip())
    return total / weight if weight else 0.0


HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
LETTER = re.compile(r"[^\W\d_]")
# Full-width ASCII forms (！ to ～) and the ideographic space, as Korean documents and OCR of them use them
FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Korean middle dots between words of a list ("반출ㆍ반입") are never spaced; Tesseract often spaces them
SPACED_MIDDLE_DOT = re.compile(r"(?<=[\uac00-\ud7a3])[ \t]*([ㆍ·])[ \t]*(?=[\uac00-\ud7a3])")
SPACE_RUN = re.compile(r"[ \t]+")


def hangul_share(text: str) -> float:
    """Share of the letters of `text` that are Hangul (0 when it has no letters)."""
    letters = LETTER.findall(text)
    return len(HANGUL.findall(text)) / len(letters) if letters else 0.0


def clean_ocr_text(text: str) -> str:
    """OCR text normalised: full-width ASCII forms to plain ones, unspaced Korean middle dots, single spaces within
    lines and no trailing spaces; line breaks are kept."""
    text = text.translate(FULL_WIDTH)
    text = SPACED_MIDDLE_DOT.sub(r"\1", text)
    return "\n".join(SPACE_RUN.sub(" ", line).strip() for line in text.splitlines())


def run_tesseract(
    image: Any, *, languages: Sequence[str], psm: int, dpi: int, program: str, threads: int = 1
) -> OcrText:
    """One Tesseract run over `image` in page segmentation mode `psm`: its text and confidence."""
    env = dict(os.environ)
    if threads > 0:
        env["OMP_THREAD_LIMIT"] = str(threads)
    with tempfile.TemporaryDirectory(prefix="policyqa-ocr-") as tmp:
        png, base = Path(tmp) / "page.png", Path(tmp) / "out"
        image.save(png)
        cmd = [program, str(png), str(base), "-l", "+".join(languages), "--psm", str(psm), "--dpi", str(dpi)]
        done = subprocess.run(
            [*cmd, "txt", "tsv"], capture_output=True, text=True, timeout=OCR_TIMEOUT, check=False, env=env
        )
        if done.returncode != 0:
            raise RuntimeError(f"tesseract failed ({done.returncode}): {done.stderr.strip()[-300:]}")
        text = base.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
        tsv = base.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace")
    return OcrText(text, tsv_confidence(tsv), psm)


def read_layout(image: Any, languages: Sequence[str], *, options: OcrOptions, program: str) -> OcrText:
    """Automatic page segmentation first (it keeps columns apart). Unless that reading is sure (`SURE_CONFIDENCE`),
    the page is read again as one block of text, and the reading with more text read more surely
    (`OcrText.score`) is kept, the automatic one on a near tie (`LAYOUT_PREFERENCE`). Tesseract's layout analysis
    can take whole Hangul lines for pictures and drop them, with a fair confidence in what is left."""

    def read(psm: int) -> OcrText:
        return run_tesseract(
            image, languages=languages, psm=psm, dpi=options.dpi, program=program, threads=options.threads
        )

    first = read(PSM_AUTO)
    if first.confidence >= SURE_CONFIDENCE:
        return first
    second = read(PSM_BLOCK)
    return first if first.score >= LAYOUT_PREFERENCE * second.score else second


def ocr_image(image: Any, options: OcrOptions = OcrOptions(), *, program: str | None = None) -> OcrText:
    """The text Tesseract reads in `image` with `options.languages` (`read_layout`). A page that reads as mostly
    Hangul (`HANGUL_PAGE_SHARE`) is read again with the Korean model alone, as one block of text (the automatic
    layout analysis drops Hangul lines even when it is sure of the rest), and that reading is kept when it has the
    better score: it has no Latin look-alikes for Hangul words, but cannot read Latin words."""
    program = program or tesseract_program()
    best = read_layout(image, options.languages, options=options, program=program)
    korean_alone = tuple(lang for lang in options.languages if lang in HANGUL_ONLY_LANGUAGES)
    if options.hangul_pass and korean_alone and len(korean_alone) < len(options.languages):
        if hangul_share(best.text) >= HANGUL_PAGE_SHARE:
            again = run_tesseract(
                image,
                languages=korean_alone,
                psm=PSM_BLOCK,
                dpi=options.dpi,
                program=program,
                threads=options.threads,
            )
            if again.score > best.score:
                best = again
    if options.clean:
        return OcrText(clean_ocr_text(best.text), best.confidence, best.psm)
    return best


def ocr_pdf_pages(
    path: Path,
    numbers: Sequence[int],
    *,
    options: OcrOptions = OcrOptions(),
    on_page: Callable[[int, int], None] | None = None,
) -> dict[int, str]:
    """OCR text of the given 1-based pages of the PDF at `path`. Raises `OcrUnavailable`; `on_page(done, total)`
    is called after each page."""
    program = check_tesseract(options.languages)
    import pypdfium2

    out: dict[int, str] = {}
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        for done, number in enumerate(numbers, start=1):
            out[number] = ocr_image(render_page(pdf, number, options.dpi), options, program=program).text
            logger.info("%s: OCR of page %d (%d/%d)", path, number, done, len(numbers))
            if on_page:
                on_page(done, len(numbers))
    finally:
        pdf.close()
    return out


def fill_missing_pages(path: Path, pages: Sequence[str], *, options: OcrOptions = OcrOptions()) -> OcrResult:
    """`pages` with the pages that have no text layer OCR'd. When OCR is unavailable the pages stay as they are,
    listed in `skipped` with the reason in `problem`."""
    numbers = pages_needing_ocr(pages)
    out = list(pages)
    if not numbers:
        return OcrResult(out, (), (), None)
    try:
        texts = ocr_pdf_pages(path, numbers, options=options)
    except OcrUnavailable as e:
        return OcrResult(out, (), tuple(numbers), str(e))
    except Exception as e:  # noqa: BLE001 - pdfium and tesseract fail in many ways on damaged pages; keep the rest
        logger.warning("%s: OCR failed: %s", path, e)
        return OcrResult(out, (), tuple(numbers), f"OCR failed ({type(e).__name__}: {e})")
    used = []
    for number, text in texts.items():
        if non_space_chars(text) > non_space_chars(out[number - 1]):
            out[number - 1] = text
            used.append(number)
    return OcrResult(out, tuple(used), (), None)
