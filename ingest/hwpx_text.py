"""HWPX (the OWPML zip of Hangul/Hancom Office) → text with its structure.

An HWPX file is a zip whose ``Contents/section0.xml``, ``section1.xml`` … hold the body as OWPML paragraphs
(``hp:p`` → ``hp:run`` → ``hp:t``) and tables (``hp:tbl`` → ``hp:tr`` → ``hp:tc`` → paragraphs). The text is written
out as the chunker reads plain statutes and markdown:
- each paragraph on its own, separated by blank lines, in document order, so "제1조(목적) …", "① …" and "1. …"
  lines read as a statute's 조/항/호;
- a short paragraph in an outline or heading style ("개요 1", "Outline 2", "제목 1") becomes a ``#`` heading line;
- a table becomes one line per row, its cells named by the first row's column names (`ingest.tables`).
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .tables import row_line

logger = logging.getLogger(__name__)

_SECTION = re.compile(r"^Contents/section(\d+)\.xml$", re.I)
# styles whose short paragraphs are headings: Hangul's outline styles and heading styles, Korean or English names
_HEADING_STYLE = re.compile(r"^(?:개요|outline|heading|제목)\s*(\d)$", re.I)
HEADING_MAX_CHARS = 60  # a longer paragraph in an outline style is body text (Hangul numbers body items that way)
MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # refuse zip bombs: the XML parts together may not unpack to more


class HwpxProblem(ValueError):
    """An HWPX file that cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class HwpxText:
    text: str
    title: str | None  # the package's <title> metadata, when set


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parse(data: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    return etree.fromstring(data, parser=parser)


def _text_of_t(t: Any) -> str:
    """An ``hp:t`` element's text: its own text plus tabs and line breaks written as child elements."""
    out = [t.text or ""]
    for child in t:
        name = _local(child.tag)
        if name == "tab":
            out.append("\t")
        elif name == "lineBreak":
            out.append("\n")
        out.append(child.tail or "")
    return "".join(out)


def _clean(s: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in s.split("\n")]
    return "\n".join(line for line in lines if line)


def _walk_paragraph(p: Any) -> Iterator[tuple[str, Any]]:
    """("text", str) pieces and ("table", element) items of one paragraph, in order; nested paragraphs of a
    table stay inside the table."""
    for node in p.iter():
        name = _local(node.tag)
        if name == "t" and not _inside(node, p, "tbl"):
            yield "text", _text_of_t(node)
        elif name == "tbl" and not _inside(node, p, "tbl"):
            yield "table", node


def _inside(node: Any, top: Any, name: str) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not top:
        if _local(parent.tag) == name:
            return True
        parent = parent.getparent()
    return False


def _cell_text(tc: Any) -> str:
    texts = [_text_of_t(t) for t in tc.iter() if _local(t.tag) == "t"]
    return re.sub(r"\s+", " ", " ".join(texts)).strip()


def table_lines(tbl: Any) -> list[str]:
    """A table as one line per row; the first row names the columns when there is more than one row."""
    rows: list[list[str]] = []
    for tr in (el for el in tbl if _local(el.tag) == "tr"):
        cells = [_cell_text(tc) for tc in tr if _local(tc.tag) == "tc"]
        if any(cells):
            rows.append(cells)
    if not rows:
        return []
    if len(rows) == 1:
        return [row_line(rows[0])]
    header, body = rows[0], rows[1:]
    return [line for line in (row_line(r, header) for r in body) if line]


def _heading_styles(header: Any | None) -> dict[str, int]:
    """Style id → heading level for the outline and heading styles declared in ``Contents/header.xml``."""
    out: dict[str, int] = {}
    if header is None:
        return out
    for style in header.iter():
        if _local(style.tag) != "style":
            continue
        for name in (style.get("name") or "", style.get("engName") or ""):
            m = _HEADING_STYLE.match(name.strip())
            if m:
                out[style.get("id") or ""] = int(m.group(1))
                break
    return out


def _is_heading(text: str) -> bool:
    return 0 < len(text) <= HEADING_MAX_CHARS and "\n" not in text and not text.endswith((".", "다", "다.", ":"))


def section_text(root: Any, heading_styles: dict[str, int]) -> list[str]:
    """The blocks (paragraphs, heading lines, table rows) of one section's XML, in order."""
    blocks: list[str] = []
    for p in (el for el in root.iter() if _local(el.tag) == "p" and not _inside(el, root, "p")):
        pending: list[str] = []
        for kind, value in _walk_paragraph(p):
            if kind == "text":
                pending.append(value)
                continue
            if _clean("".join(pending)):
                blocks.append(_clean("".join(pending)))
            pending = []
            blocks.extend(table_lines(value))
        text = _clean("".join(pending))
        if not text:
            continue
        level = heading_styles.get(p.get("styleIDRef") or "")
        if level and _is_heading(text):
            text = "#" * min(level + 1, 6) + " " + text
        blocks.append(text)
    return blocks


def hwpx_to_text(path: Path) -> HwpxText:
    """The body of an .hwpx file as structured text (see the module docstring). Raises `HwpxProblem`."""
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            sections = sorted(
                ((int(m.group(1)), n) for n in names if (m := _SECTION.match(n))),
                key=lambda pair: pair[0],
            )
            if not sections:
                raise HwpxProblem(
                    "no Contents/section*.xml in the file: it is not an HWPX document; "
                    "open it in Hangul and save it again as .hwpx"
                )
            if sum(i.file_size for i in z.infolist()) > MAX_UNPACKED_BYTES:
                raise HwpxProblem(
                    f"the file unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MiB; split the document"
                )
            header = _parse(z.read("Contents/header.xml")) if "Contents/header.xml" in names else None
            styles = _heading_styles(header)
            blocks: list[str] = []
            for _, name in sections:
                blocks.extend(section_text(_parse(z.read(name)), styles))
            title = _package_title(z, names)
    except HwpxProblem:
        raise
    except zipfile.BadZipFile as e:
        raise HwpxProblem(
            f"not a valid HWPX (zip) file ({e}); it may be corrupt, or an HWP 5 file renamed .hwpx: "
            "open it in Hangul and save it again as .hwpx"
        ) from e
    except Exception as e:  # noqa: BLE001 - lxml's XMLSyntaxError and zip read errors have several types
        raise HwpxProblem(
            f"could not read the HWPX file, it is likely corrupt ({type(e).__name__}: {e}); "
            "open it in Hangul and save it again as .hwpx"
        ) from e
    return HwpxText(text="\n\n".join(blocks), title=title)


def _package_title(z: zipfile.ZipFile, names: list[str]) -> str | None:
    hpf = next((n for n in names if n.lower().endswith("content.hpf")), None)
    if hpf is None:
        return None
    root = _parse(z.read(hpf))
    for el in root.iter():
        if _local(el.tag) == "title" and (el.text or "").strip():
            return re.sub(r"\s+", " ", el.text or "").strip()
    return None
