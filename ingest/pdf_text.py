"""PDF → page texts with pypdf, with clear errors for corrupt, encrypted and image-only files."""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)

# A PDF whose pages yield fewer non-whitespace characters than this in total has no usable text layer.
MIN_TEXT_CHARS = 20


class PdfProblem(ValueError):
    """A PDF that cannot be turned into text; the message says why and what to do."""


def read_pdf(path: Path, *, image_only_ok: bool = False) -> tuple[list[str], dict[str, str]]:
    """(page texts, document info such as /Title). Raises `PdfProblem`, also for a PDF without a text layer
    unless `image_only_ok` (the caller OCRs it)."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, LimitReachedError, PdfReadError, PyPdfError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as e:  # noqa: BLE001 - pypdf raises several types for unsupported crypto
                raise PdfProblem(
                    f"the PDF is encrypted and could not be opened ({e}); "
                    "decrypt it first (e.g. `qpdf --decrypt in.pdf out.pdf`)"
                ) from e
            if not ok:
                raise PdfProblem(
                    "the PDF is encrypted with a password; decrypt it first "
                    "(e.g. `qpdf --password=… --decrypt in.pdf out.pdf`) and ingest the decrypted copy"
                )
        pages = [page.extract_text() or "" for page in reader.pages]
        info = {}
        try:
            meta = reader.metadata
            if meta and meta.title:
                info["title"] = str(meta.title)
        except Exception:  # noqa: BLE001 - broken info dictionaries are common and harmless
            logger.debug("unreadable PDF info dictionary in %s", path)
    except PdfProblem:
        raise
    except FileNotDecryptedError as e:
        raise PdfProblem("the PDF is encrypted; decrypt it first (e.g. `qpdf --decrypt in.pdf out.pdf`)") from e
    except LimitReachedError as e:
        raise PdfProblem(
            f"the PDF expands beyond the reader's safety limit ({e}); it may be a decompression bomb, or re-export it "
            "with smaller pages or images"
        ) from e
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as e:
        raise PdfProblem(
            f"could not read the PDF, it is likely corrupt or truncated ({type(e).__name__}: {e}); "
            "re-export or re-download it"
        ) from e
    except (PyPdfError, RecursionError, ZeroDivisionError, ArithmeticError, UnicodeError, LookupError) as e:
        raise PdfProblem(
            f"could not read the PDF, it is likely corrupt ({type(e).__name__}: {e}); re-export or re-download it"
        ) from e
    if not pages:
        raise PdfProblem("the PDF has no pages")
    if not image_only_ok and sum(len("".join(p.split())) for p in pages) < MIN_TEXT_CHARS:
        raise PdfProblem(
            f"no extractable text in {len(pages)} page(s): it is probably scanned or image-only; "
            "OCR it first (e.g. `ocrmypdf in.pdf out.pdf`) and ingest the result"
        )
    return pages, info
