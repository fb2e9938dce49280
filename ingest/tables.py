"""Tables as quotable lines: each row one line, its cells named by their column headers (pure functions).

A table read cell by cell ("기관", "릉라도건설", "해외노동자 송출" as separate paragraphs) or as a markdown row
("| 기관 | 릉라도건설 | 해외노동자 송출 |") cannot be quoted as an answer: the row loses what its cells are. A row
line "구분: 기관; 성명/기관명: 릉라도건설; 지정 사유: 해외노동자 송출" can — the extractive answerer quotes it
whole and the citation check finds it verbatim in the passage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_MD_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_MD_SEPARATOR = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?\|?[ \t]*$")


def row_line(cells: Sequence[str], header: Sequence[str] | None = None) -> str:
    """One table row as a line: "header: cell; …" when the header has as many columns, else cells joined by
    " | "; empty cells are left out."""
    if header and len(header) == len(cells):
        return "; ".join(f"{h}: {c}" if h else c for h, c in zip(header, cells) if c)
    return " | ".join(c for c in cells if c)


def _md_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [re.sub(r"\s+", " ", c).strip() for c in re.split(r"(?<!\\)\|", inner)]


def markdown_tables_as_rows(text: str) -> str:
    """`text` with every pipe table (a header row, a ``|---|---|`` separator, body rows) replaced by its body rows
    as `row_line`s, one paragraph each. Everything else is unchanged."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and _MD_ROW.match(lines[i]) and _MD_SEPARATOR.match(lines[i + 1]):
            header = _md_cells(lines[i])
            j = i + 2
            rows = []
            while j < len(lines) and _MD_ROW.match(lines[j]):
                rows.append(row_line(_md_cells(lines[j]), header))
                j += 1
            rows = [r for r in rows if r] or [row_line(header)]
            if out and out[-1].strip():
                out.append("")
            out.append("\n\n".join(rows))
            if j < len(lines) and lines[j].strip():
                out.append("")
            i = j
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)
