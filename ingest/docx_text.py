"""DOCX → text with its structure, read with python-docx.

The body is written out in document order as the chunker reads markdown and plain statutes:
- a heading (the "Title" style or "Heading N", or a paragraph with an outline level) becomes a ``#`` heading line,
  so the structure tree sees the document's sections;
- a numbered or bulleted list item keeps the number Word shows ("1.", "(a)", "가.", "①"), computed from the
  document's numbering definitions, so "제1조", "①" and "1." lines read as a statute's 조/항/호;
- a table becomes one line per row with its cells named by the first row's column names (`ingest.tables`);
- paragraphs are separated by blank lines.
"""

from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .tables import row_line

logger = logging.getLogger(__name__)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
_HEADING_STYLE = re.compile(r"^(?:heading|제목)\s*(\d)$", re.I)
MAX_HEADING_LEVEL = 6


class DocxProblem(ValueError):
    """A DOCX file that cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class DocxText:
    text: str  # paragraphs separated by blank lines, headings as "#" lines, table rows as lines
    title: str | None  # the Title-styled paragraph, else the document's core "title" property


def _roman(n: int) -> str:
    out = ""
    for value, numeral in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out += numeral
            n -= value
    return out


def _letters(n: int) -> str:
    """1 → a, 26 → z, 27 → aa (Word repeats the letter)."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_GANADA = "가나다라마바사아자차카타파하"
_CHOSUNG = "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ"


def format_number(n: int, fmt: str) -> str:
    """A list counter in one of Word's number formats (`w:numFmt`); unknown formats fall back to decimal."""
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("ganada", "koreanLegal") and 1 <= n <= len(_GANADA):
        return _GANADA[n - 1]
    if fmt == "chosung" and 1 <= n <= len(_CHOSUNG):
        return _CHOSUNG[n - 1]
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str  # lvlText, e.g. "%1." or "(%2)"
    start: int


class _Numbering:
    """Word's list numbering: which number each numbered paragraph shows."""

    def __init__(self, numbering_element: Any | None) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.num_abstract: dict[str, str] = {}
        self.start_override: dict[tuple[str, int], int] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering_element is None:
            return
        for an in numbering_element.findall(f"{_W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in an.findall(f"{_W}lvl"):
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = _Level(
                    fmt=_val(lvl.find(f"{_W}numFmt")) or "decimal",
                    text=_val(lvl.find(f"{_W}lvlText")) or "",
                    start=int(_val(lvl.find(f"{_W}start")) or 1),
                )
            self.abstract[an.get(f"{_W}abstractNumId", "")] = levels
        for num in numbering_element.findall(f"{_W}num"):
            num_id = num.get(f"{_W}numId", "")
            self.num_abstract[num_id] = _val(num.find(f"{_W}abstractNumId")) or ""
            for override in num.findall(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    self.start_override[(num_id, int(override.get(f"{_W}ilvl", "0")))] = int(_val(start) or 1)

    def label(self, num_id: str, ilvl: int) -> str | None:
        """The number shown before the next paragraph of list `num_id` at level `ilvl` ("3.", "(b)", "- ")."""
        levels = self.abstract.get(self.num_abstract.get(num_id, ""))
        if not levels or ilvl not in levels or num_id == "0":
            return None
        counts = self.counters.setdefault(num_id, {})
        counts[ilvl] = counts.get(ilvl, self._start(num_id, ilvl, levels) - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        level = levels[ilvl]
        if level.fmt == "bullet":
            return "-"
        if level.fmt == "none":
            return None

        def number(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k)
            n = counts.get(k, lv.start if lv else 1)
            return format_number(n, lv.fmt if lv else "decimal")

        shown = re.sub(r"%(\d)", number, level.text).strip()
        return shown or None

    def _start(self, num_id: str, ilvl: int, levels: dict[int, _Level]) -> int:
        return self.start_override.get((num_id, ilvl), levels[ilvl].start)


def _val(el: Any | None) -> str | None:
    return None if el is None else el.get(f"{_W}val")


def _style_chain(style: Any) -> list[Any]:
    out: list[Any] = []
    while style is not None and len(out) < 10:
        out.append(style)
        style = style.base_style
    return out


def _heading_level(paragraph: Any) -> int | None:
    """1 for the Title style, N + 1 for "Heading N" (or an outline level N - 1), else None."""
    p_pr = paragraph._p.pPr
    outline = p_pr.find(f"{_W}outlineLvl") if p_pr is not None else None
    if outline is not None and (_val(outline) or "").isdigit() and int(_val(outline) or 9) < 9:
        return int(_val(outline) or 0) + 2
    for style in _style_chain(paragraph.style):
        name = (style.name or "").strip()
        if name.lower() in ("title", "제목"):
            return 1
        m = _HEADING_STYLE.match(name)
        if m:
            return int(m.group(1)) + 1
        s_pr = style.element.pPr
        outline = s_pr.find(f"{_W}outlineLvl") if s_pr is not None else None
        if outline is not None and (_val(outline) or "").isdigit() and int(_val(outline) or 9) < 9:
            return int(_val(outline) or 0) + 2
    return None


def _num_pr(paragraph: Any) -> tuple[str, int] | None:
    """(numId, ilvl) of a list paragraph, from its own properties or its style's."""
    p_pr = paragraph._p.pPr
    candidates = [p_pr] + [s.element.pPr for s in _style_chain(paragraph.style)]
    num_id: str | None = None
    ilvl: int | None = None
    for pr in candidates:
        num_pr = pr.find(f"{_W}numPr") if pr is not None else None
        if num_pr is None:
            continue
        if num_id is None:
            num_id = _val(num_pr.find(f"{_W}numId"))
        if ilvl is None and _val(num_pr.find(f"{_W}ilvl")) is not None:
            ilvl = int(_val(num_pr.find(f"{_W}ilvl")) or 0)
    return (num_id, ilvl or 0) if num_id else None


def _clean(s: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", s).strip()


def _cell_text(cell: Any) -> str:
    return _clean(" ".join(p.text for p in cell.paragraphs))


def table_lines(table: Any) -> list[str]:
    """A table as one line per row; the first row names the columns when the table has more than one row.
    A cell merged across columns counts once."""
    rows: list[list[str]] = []
    for row in table.rows:
        seen: set[int] = set()
        cells = []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(_cell_text(cell))
        if any(cells):
            rows.append(cells)
    if not rows:
        return []
    if len(rows) == 1:
        return [row_line(rows[0])]
    header, body = rows[0], rows[1:]
    return [line for line in (row_line(r, header) for r in body) if line]


def docx_to_text(path: Path) -> DocxText:
    """The document body of a .docx file as structured text (see the module docstring). Raises `DocxProblem`."""
    try:
        import docx
    except ImportError as e:
        raise DocxProblem("reading .docx needs python-docx: `pip install 'policyqa[formats]'`") from e
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise DocxProblem(
            f"could not read the Word file, it is likely corrupt, encrypted or not a .docx ({type(e).__name__}: {e}); "
            "open it in Word and save it again as .docx"
        ) from e
    except Exception as e:  # noqa: BLE001 - python-docx raises its own types (PackageNotFoundError, …)
        raise DocxProblem(
            f"could not read the Word file ({type(e).__name__}: {e}); open it in Word and save it again as .docx"
        ) from e
    try:
        numbering_element = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        numbering_element = None
    numbering = _Numbering(numbering_element)

    blocks: list[tuple[int | None, str]] = []  # (heading level or None, text)
    for item in document.iter_inner_content():
        if hasattr(item, "rows"):
            blocks.extend((None, line) for line in table_lines(item))
            continue
        text = _clean(item.text.replace("\n", " \n ")).replace(" \n ", "\n")
        num = _num_pr(item)
        shown = numbering.label(*num) if num else None
        if not text:
            continue
        if shown:
            text = f"{shown} {text}"
        blocks.append((_heading_level(item), text))

    has_title = any(level == 1 for level, _ in blocks)
    parts = []
    for level, text in blocks:
        if level is None:
            parts.append(text)
            continue
        level = level if has_title else max(level - 1, 1)
        parts.append("#" * min(level, MAX_HEADING_LEVEL) + " " + text.replace("\n", " "))
    # the Title-styled paragraph names the document; the core property is often a template's leftover
    title = next((text for level, text in blocks if level == 1), None) or _clean(document.core_properties.title or "")
    return DocxText(text="\n\n".join(parts), title=title or None)
