"""OCR of PDF pages without a text layer: each such page is rasterised with pypdfium2 and read by the Tesseract
program in Korean and English.

A page is OCR'd when its text layer has fewer than `MIN_PAGE_CHARS` non-space characters (a scanned page, or a
blank one); the OCR text replaces the text layer only when it has more characters. Other pages keep their text
layer, so a PDF mixing text and scanned pages is OCR'd only where it needs to be. Pages keep their numbers.

Tesseract is a system program: on Debian/Ubuntu ``apt-get install tesseract-ocr tesseract-ocr-eng
tesseract-ocr-kor``; the Python side (pypdfium2) is the ``ocr`` extra (``pip install 'policyqa[ocr]'``).
"""

from __future__ import annotations

import logging
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
OCR_DPI = 300  # rendering resolution: Tesseract reads 10-12 pt Hangul reliably from 300 dpi
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


def run_tesseract(image: Any, *, languages: Sequence[str], psm: int, dpi: int, program: str) -> OcrText:
    """One Tesseract run over `image` in page segmentation mode `psm`: its text and confidence."""
    with tempfile.TemporaryDirectory(prefix="policyqa-ocr-") as tmp:
        png, base = Path(tmp) / "page.png", Path(tmp) / "out"
        image.save(png)
        cmd = [program, str(png), str(base), "-l", "+".join(languages), "--psm", str(psm), "--dpi", str(dpi)]
        done = subprocess.run([*cmd, "txt", "tsv"], capture_output=True, text=True, timeout=OCR_TIMEOUT, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"tesseract failed ({done.returncode}): {done.stderr.strip()[-300:]}")
        text = base.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
        tsv = base.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace")
    return OcrText(text, tsv_confidence(tsv), psm)


def ocr_image(
    image: Any, languages: Sequence[str] = OCR_LANGUAGES, *, dpi: int = OCR_DPI, program: str | None = None
) -> OcrText:
    """The text Tesseract reads in `image`: automatic page segmentation first (it keeps columns apart). Unless that
    reading is sure (`SURE_CONFIDENCE`), the page is read again as one block of text, and the reading with more
    text read more surely (`OcrText.score`) is kept, the automatic one on a near tie (`LAYOUT_PREFERENCE`). Tesseract's
    layout analysis can take whole Hangul lines for pictures and drop them, with a fair confidence in what is left."""
    program = program or tesseract_program()
    first = run_tesseract(image, languages=languages, psm=PSM_AUTO, dpi=dpi, program=program)
    if first.confidence >= SURE_CONFIDENCE:
        return first
    second = run_tesseract(image, languages=languages, psm=PSM_BLOCK, dpi=dpi, program=program)
    return first if first.score >= LAYOUT_PREFERENCE * second.score else second


def ocr_pdf_pages(
    path: Path,
    numbers: Sequence[int],
    *,
    languages: Sequence[str] = OCR_LANGUAGES,
    dpi: int = OCR_DPI,
    on_page: Callable[[int, int], None] | None = None,
) -> dict[int, str]:
    """OCR text of the given 1-based pages of the PDF at `path`. Raises `OcrUnavailable`; `on_page(done, total)`
    is called after each page."""
    program = check_tesseract(languages)
    import pypdfium2

    out: dict[int, str] = {}
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        for done, number in enumerate(numbers, start=1):
            out[number] = ocr_image(render_page(pdf, number, dpi), languages, dpi=dpi, program=program).text
            logger.info("%s: OCR of page %d (%d/%d)", path, number, done, len(numbers))
            if on_page:
                on_page(done, len(numbers))
    finally:
        pdf.close()
    return out


def fill_missing_pages(path: Path, pages: Sequence[str], *, languages: Sequence[str] = OCR_LANGUAGES) -> OcrResult:
    """`pages` with the pages that have no text layer OCR'd. When OCR is unavailable the pages stay as they are,
    listed in `skipped` with the reason in `problem`."""
    numbers = pages_needing_ocr(pages)
    out = list(pages)
    if not numbers:
        return OcrResult(out, (), (), None)
    try:
        texts = ocr_pdf_pages(path, numbers, languages=languages)
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
