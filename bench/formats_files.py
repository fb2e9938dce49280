"""Writers of the formats benchmark's files: each source document (`bench.formats_source.SourceDoc`) as plain text,
Word (.docx: Title and Heading styles, Word-numbered lists, a real table), HWPX (outline-styled headings, 조 lines
starting their article's first paragraph, 항/호 lines as written, a real table), a PDF with a text layer (reportlab,
A4, 11 pt NanumGothic) and a scanned PDF (the text PDF's pages rendered to greyscale images at a scanner's
resolution, with slight noise and rotation, wrapped as an image-only PDF).

Needs python-docx (the `formats` extra), reportlab, pypdfium2 (the `ocr` extra), Pillow, numpy and Debian
fonts-nanum."""

from __future__ import annotations

import random
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bench.formats_source import LIST_ITEM, Block, SourceDoc, plain_text

FONT_DIR = Path("/usr/share/fonts/truetype/nanum")
FONT, BOLD_FONT = FONT_DIR / "NanumGothic.ttf", FONT_DIR / "NanumGothicBold.ttf"
FORMATS: tuple[str, ...] = ("txt", "docx", "hwpx", "pdf", "scan")
EXTENSIONS = {"txt": ".txt", "docx": ".docx", "hwpx": ".hwpx", "pdf": ".pdf", "scan": ".pdf"}


@dataclass(frozen=True)
class ScanSettings:
    dpi: int = 300  # a scanner's usual resolution for text
    noise: float = 6.0  # standard deviation of the grey-level noise added to every pixel
    max_rotation: float = 0.4  # degrees; each page is turned by a seeded angle within ±this
    seed: int = 0


def write(doc: SourceDoc, fmt: str, folder: Path, scan: ScanSettings = ScanSettings()) -> Path:
    """`doc` written in format `fmt` (one of `FORMATS`) under `folder/fmt/`; returns the file's path."""
    out = folder / fmt / f"{doc.name}{EXTENSIONS[fmt]}"
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "txt":
        out.write_text(plain_text(doc), encoding="utf-8")
    elif fmt == "docx":
        write_docx(doc, out)
    elif fmt == "hwpx":
        write_hwpx(doc, out)
    elif fmt == "pdf":
        write_pdf(doc, out)
    elif fmt == "scan":
        text_pdf = write(doc, "pdf", folder) if not (folder / "pdf" / f"{doc.name}.pdf").exists() else None
        write_scan(text_pdf or folder / "pdf" / f"{doc.name}.pdf", out, scan)
    else:
        raise ValueError(f"unknown format {fmt!r}; use one of {FORMATS}")
    return out


# ------------------------------------------------------------------------------------------------ list numbers
@dataclass(frozen=True)
class Marker:
    fmt: str  # Word's numFmt
    pattern: str  # Word's lvlText
    number: int


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_GANADA = "가나다라마바사아자차카타파하"


def list_marker(text: str) -> tuple[Marker, str] | None:
    """The list number at the start of an item as Word would number it, and the item's text without it; None
    when Word has no number format for it ("1의2.")."""
    m = LIST_ITEM.match(text)
    if not m:
        return None
    token, rest = m.group(1), text[m.end() :]
    inner = token.strip("().")
    if re.fullmatch(r"\d+", inner):
        return Marker("decimal", "(%1)" if token.startswith("(") else "%1.", int(inner)), rest
    if token.startswith("(") and inner in _ROMAN and inner not in ("i", "v", "x"):
        return Marker("lowerRoman", "(%1)", _ROMAN[inner]), rest
    if token.startswith("(") and re.fullmatch(r"[a-z]", inner):
        return Marker("lowerLetter", "(%1)", ord(inner) - 96), rest
    if token.startswith("(") and re.fullmatch(r"[A-Z]", inner):
        return Marker("upperLetter", "(%1)", ord(inner) - 64), rest
    if len(inner) == 1 and inner in _GANADA and token.endswith("."):
        return Marker("ganada", "%1.", _GANADA.index(inner) + 1), rest
    if "①" <= token <= "⑳":
        return Marker("decimalEnclosedCircle", "%1", ord(token) - 0x2460 + 1), rest
    return None


class _WordLists:
    """Numbering definitions added to a python-docx document: one abstract list per number format, one list
    instance per run of consecutive items (restarting at the item's number)."""

    def __init__(self, document: Any) -> None:
        self.numbering = document.part.numbering_part.element
        self.abstract: dict[tuple[str, str], int] = {}
        self.current: tuple[tuple[str, str], int, int] | None = None  # (format key, num id, last number)
        ids = [int(n.get(_w("numId"))) for n in self.numbering.findall(_w("num"))]
        abstract_ids = [int(a.get(_w("abstractNumId"))) for a in self.numbering.findall(_w("abstractNum"))]
        self.next_num, self.next_abstract = max(ids, default=0) + 1, max(abstract_ids, default=0) + 1

    def num_id(self, marker: Marker) -> int:
        key = (marker.fmt, marker.pattern)
        if self.current and self.current[0] == key and marker.number == self.current[2] + 1:
            self.current = (key, self.current[1], marker.number)
            return self.current[1]
        if key not in self.abstract:
            self.abstract[key] = self._add_abstract(marker)
        num_id = self.next_num
        self.next_num += 1
        num = _element(
            f'<w:num {_NS} w:numId="{num_id}"><w:abstractNumId w:val="{self.abstract[key]}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{marker.number}"/></w:lvlOverride></w:num>'
        )
        self.numbering.append(num)
        self.current = (key, num_id, marker.number)
        return num_id

    def _add_abstract(self, marker: Marker) -> int:
        aid = self.next_abstract
        self.next_abstract += 1
        abstract = _element(
            f'<w:abstractNum {_NS} w:abstractNumId="{aid}"><w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{marker.fmt}"/>'
            f'<w:lvlText w:val="{marker.pattern}"/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'
        )
        first_num = self.numbering.find(_w("num"))  # abstract definitions come before the list instances
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            self.numbering.append(abstract)
        return aid

    def break_run(self) -> None:
        self.current = None


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = f'xmlns:w="{_W_NS}"'


def _w(tag: str) -> str:
    return f"{{{_W_NS}}}{tag}"


def _element(xml: str) -> Any:
    from docx.oxml import parse_xml

    return parse_xml(xml)


def _number_paragraph(paragraph: Any, num_id: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(_element(f'<w:numPr {_NS}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))


def write_docx(doc: SourceDoc, path: Path) -> None:
    import docx

    d = docx.Document()
    lists = _WordLists(d)
    d.add_heading(doc.title, 0)
    for block in doc.blocks()[1:]:
        if block.kind in ("heading", "chapter"):
            d.add_heading(block.text, 1 if block.kind == "chapter" else 2)
            lists.break_run()
            continue
        marked = list_marker(block.text) if block.kind == "item" else None
        if marked is None:
            d.add_paragraph(block.text)
            continue
        marker, rest = marked
        paragraph = d.add_paragraph(rest, style="List Paragraph")
        _number_paragraph(paragraph, lists.num_id(marker))
    table = d.add_table(rows=len(doc.table), cols=len(doc.table[0]))
    for r, row in enumerate(doc.table):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.save(str(path))


# ------------------------------------------------------------------------------------------------ HWPX
_HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"
_HS = "http://www.hancom.co.kr/hwpml/2011/section"
_HH = "http://www.hancom.co.kr/hwpml/2011/head"
_HWPX_HEADER = (
    f'<?xml version="1.0" encoding="UTF-8"?><hh:head xmlns:hh="{_HH}"><hh:refList><hh:styles>'
    '<hh:style id="0" type="PARA" name="바탕글" engName="Normal"/>'
    '<hh:style id="1" type="PARA" name="개요 1" engName="Outline 1"/>'
    '<hh:style id="2" type="PARA" name="개요 2" engName="Outline 2"/>'
    "</hh:styles></hh:refList></hh:head>"
)


def _hwpx_p(text: str, style: int = 0) -> str:
    return (
        f'<hp:p paraPrIDRef="0" styleIDRef="{style}"><hp:run charPrIDRef="0"><hp:t>{escape(text)}</hp:t>'
        "</hp:run></hp:p>"
    )


def _hwpx_table(rows: list[list[str]]) -> str:
    trs = "".join(
        "<hp:tr>"
        + "".join(f'<hp:tc><hp:subList>{_hwpx_p(cell)}</hp:subList><hp:cellSpan colSpan="1"/></hp:tc>' for cell in row)
        + "</hp:tr>"
        for row in rows
    )
    return f'<hp:p styleIDRef="0"><hp:run><hp:tbl rowCnt="{len(rows)}">{trs}</hp:tbl></hp:run></hp:p>'


def hwpx_paragraphs(doc: SourceDoc) -> list[str]:
    """The body as HWPX paragraphs: the title and chapters in "개요 1"; a Korean article's 조 line starts its first
    paragraph or 항 ("제1조 (목적) 이 법은 …", "제3조 (기본원칙) ① …") as in Korean statutes, other headings are
    "개요 2" paragraphs."""
    out = [_hwpx_p(doc.title, 1)]
    blocks = doc.blocks()[1:]
    i = 0
    while i < len(blocks):
        block = blocks[i]
        nxt: Block | None = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.kind == "chapter":
            out.append(_hwpx_p(block.text, 1))
        elif block.kind == "heading" and doc.language == "ko" and nxt is not None and nxt.kind in ("para", "item"):
            out.append(_hwpx_p(f"{block.text} {nxt.text}"))
            i += 1
        elif block.kind == "heading":
            out.append(_hwpx_p(block.text, 2))
        else:
            out.append(_hwpx_p(block.text))
        i += 1
    return out


def write_hwpx(doc: SourceDoc, path: Path) -> None:
    hpf = (
        '<?xml version="1.0" encoding="UTF-8"?><opf:package xmlns:opf="http://www.idpf.org/2007/opf/">'
        f"<opf:metadata><opf:title>{escape(doc.title)}</opf:title></opf:metadata></opf:package>"
    )
    body = "".join(hwpx_paragraphs(doc)) + _hwpx_table(doc.table)
    section = f'<?xml version="1.0" encoding="UTF-8"?><hs:sec xmlns:hs="{_HS}" xmlns:hp="{_HP}">{body}</hs:sec>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/hwp+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("Contents/header.xml", _HWPX_HEADER)
        z.writestr("Contents/content.hpf", hpf)
        z.writestr("Contents/section0.xml", section)


# ------------------------------------------------------------------------------------------------ PDF
def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for word in text.split():
        while stringWidth(word, font, size) > width:  # a URL or a long token: break it by characters
            cut = max(1, next((k for k in range(len(word), 0, -1) if stringWidth(word[:k], font, size) <= width), 1))
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}".strip()
        if line and stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def write_pdf(doc: SourceDoc, path: Path) -> None:
    """A4, 11 pt body text, 12-16 pt bold headings, 2.5 cm margins, via reportlab with the NanumGothic fonts."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    rl_config.invariant = 1  # reproducible bytes
    for name, file in (("Nanum", FONT), ("NanumBold", BOLD_FONT)):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(file)))
    width, height = A4
    margin = 72 * 2.5 / 2.54
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle(doc.title)
    y = height - margin

    def put(text: str, font: str, size: float, gap: float) -> None:
        nonlocal y
        for line in _wrap(text, font, size, width - 2 * margin):
            if y - size * 1.45 < margin:
                c.showPage()
                y = height - margin
            y -= size * 1.45
            c.setFont(font, size)
            c.drawString(margin, y, line)
        y -= gap

    for block in doc.blocks():
        if block.kind == "chapter":
            put(block.text, "NanumBold", 16 if block.text == doc.title else 13, 8)
        elif block.kind == "heading":
            put(block.text, "NanumBold", 12, 4)
        else:
            put(block.text, "Nanum", 11, 5)
    for row in doc.table:
        put("    ".join(row), "Nanum", 11, 2)
    c.save()


def write_scan(text_pdf: Path, path: Path, scan: ScanSettings) -> None:
    """The pages of `text_pdf` as a scanner gives them: greyscale images at `scan.dpi`, turned by a small seeded
    angle, with grey-level noise, in an image-only PDF."""
    import numpy as np
    import pypdfium2
    from PIL import Image

    rng = random.Random(f"{scan.seed}:{text_pdf.name}")
    noise = np.random.default_rng(rng.randrange(2**32))
    images = []
    pdf = pypdfium2.PdfDocument(str(text_pdf))
    try:
        for page in pdf:
            image = page.render(scale=scan.dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            angle = rng.uniform(-scan.max_rotation, scan.max_rotation)
            image = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
            pixels = np.asarray(image, dtype=np.float32) + noise.normal(0.0, scan.noise, (image.height, image.width))
            images.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L"))
    finally:
        pdf.close()
    images[0].save(path, "PDF", resolution=float(scan.dpi), save_all=True, append_images=images[1:])
