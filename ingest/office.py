"""Word-processor files → structured text: .docx (`docx_text`), .hwpx (`hwpx_text`), .hwp 5 (`hwp5_text`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .docx_text import DocxProblem, docx_to_text
from .hwp5_text import HwpProblem, hwp_to_text
from .hwpx_text import HwpxProblem, hwpx_to_text

DOCX_EXTENSIONS = (".docx",)
HWPX_EXTENSIONS = (".hwpx",)
HWP_EXTENSIONS = (".hwp",)
OFFICE_EXTENSIONS = DOCX_EXTENSIONS + HWPX_EXTENSIONS + HWP_EXTENSIONS


class OfficeProblem(ValueError):
    """A word-processor file that cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class OfficeText:
    text: str
    title: str | None  # the file's own title property, when it has one


def read_office(path: Path) -> OfficeText:
    """The text of a .docx, .hwpx or .hwp file. Raises `OfficeProblem`."""
    ext = path.suffix.lower()
    try:
        if ext in DOCX_EXTENSIONS:
            docx = docx_to_text(path)
            return OfficeText(docx.text, docx.title)
        if ext in HWPX_EXTENSIONS:
            hwpx = hwpx_to_text(path)
            return OfficeText(hwpx.text, hwpx.title)
        if ext in HWP_EXTENSIONS:
            return OfficeText(hwp_to_text(path), None)
    except (DocxProblem, HwpxProblem, HwpProblem) as e:
        raise OfficeProblem(str(e)) from e
    raise OfficeProblem(f"not a word-processor file: {ext}")
