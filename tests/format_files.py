"""Writers of the files the format tests read: DOCX (python-docx), HWPX (an OWPML zip), HWP 5 (an OLE compound
file with a compressed BodyText record stream) and scanned PDFs (text rendered to an image with Pillow)."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

FONT_DIR = Path("/usr/share/fonts/truetype/nanum")
KOREAN_FONT = FONT_DIR / "NanumGothic.ttf"  # Debian fonts-nanum: Hangul and Latin glyphs

# ---------------------------------------------------------------------------------------------------- HWPX
_HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"
_HS = "http://www.hancom.co.kr/hwpml/2011/section"
_HH = "http://www.hancom.co.kr/hwpml/2011/head"


def _hwpx_p(text: str, style: int = 0) -> str:
    return f'<hp:p paraPrIDRef="0" styleIDRef="{style}"><hp:run charPrIDRef="0"><hp:t>{escape(text)}</hp:t></hp:run></hp:p>'


def _hwpx_table(rows: Sequence[Sequence[str]]) -> str:
    trs = "".join(
        "<hp:tr>"
        + "".join(f'<hp:tc><hp:subList>{_hwpx_p(cell)}</hp:subList><hp:cellSpan colSpan="1"/></hp:tc>' for cell in row)
        + "</hp:tr>"
        for row in rows
    )
    return f'<hp:p styleIDRef="0"><hp:run><hp:tbl rowCnt="{len(rows)}">{trs}</hp:tbl></hp:run></hp:p>'


def make_hwpx(
    path: Path, sections: Sequence[Sequence[str | tuple[str, int] | list[list[str]]]], title: str = ""
) -> Path:
    """An .hwpx file. Each section is a list of blocks: a paragraph (str), a styled paragraph (text, style id: 1-3
    are "개요 1"-"개요 3"), or a table (list of rows, the first row the column names)."""
    header = (
        f'<?xml version="1.0" encoding="UTF-8"?><hh:head xmlns:hh="{_HH}"><hh:refList><hh:styles>'
        '<hh:style id="0" type="PARA" name="바탕글" engName="Normal"/>'
        '<hh:style id="1" type="PARA" name="개요 1" engName="Outline 1"/>'
        '<hh:style id="2" type="PARA" name="개요 2" engName="Outline 2"/>'
        '<hh:style id="3" type="PARA" name="개요 3" engName="Outline 3"/>'
        "</hh:styles></hh:refList></hh:head>"
    )
    hpf = (
        '<?xml version="1.0" encoding="UTF-8"?><opf:package xmlns:opf="http://www.idpf.org/2007/opf/">'
        f"<opf:metadata><opf:title>{escape(title)}</opf:title></opf:metadata></opf:package>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/hwp+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("Contents/header.xml", header)
        z.writestr("Contents/content.hpf", hpf)
        for i, blocks in enumerate(sections):
            body = []
            for block in blocks:
                if isinstance(block, str):
                    body.append(_hwpx_p(block))
                elif isinstance(block, tuple):
                    body.append(_hwpx_p(block[0], block[1]))
                else:
                    body.append(_hwpx_table(block))
            xml = f'<?xml version="1.0" encoding="UTF-8"?><hs:sec xmlns:hs="{_HS}" xmlns:hp="{_HP}">{"".join(body)}</hs:sec>'
            z.writestr(f"Contents/section{i}.xml", xml)
    return path


# ---------------------------------------------------------------------------------------------------- HWP 5
_SECTOR = 512
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", left, right, child)
        + b"\0" * 36  # CLSID, state bits, creation and modification times
        + struct.pack("<IQ", start, size)
    )


def compound_file(file_header: bytes, section0: bytes) -> bytes:
    """An OLE compound file (version 3) holding /FileHeader and /BodyText/Section0. Streams are padded to 4096
    bytes so that they live in regular sectors (no mini stream)."""
    streams = [file_header.ljust(4096, b"\0"), section0.ljust(max(4096, len(section0)), b"\0")]
    streams = [s.ljust(-(-len(s) // _SECTOR) * _SECTOR, b"\0") for s in streams]
    fat = [_FATSECT, _END]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for s in streams:
        n = len(s) // _SECTOR
        starts.append(len(fat))
        fat.extend(range(len(fat) + 1, len(fat) + n))
        fat.append(_END)
    assert len(fat) <= _SECTOR // 4
    fat_sector = struct.pack(f"<{_SECTOR // 4}I", *(fat + [_FREE] * (_SECTOR // 4 - len(fat))))
    sizes = [4096, len(section0) if len(section0) > 4096 else 4096]
    directory = (
        _dir_entry("Root Entry", 5, _NOSTREAM, _NOSTREAM, 1, _END, 0)
        + _dir_entry("FileHeader", 2, 2, _NOSTREAM, _NOSTREAM, starts[0], sizes[0])
        + _dir_entry("BodyText", 1, _NOSTREAM, _NOSTREAM, 3, 0, 0)
        + _dir_entry("Section0", 2, _NOSTREAM, _NOSTREAM, _NOSTREAM, starts[1], sizes[1])
    )
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", 0, *([_FREE] * 108))
    )
    assert len(header) == _SECTOR
    return header + fat_sector + directory + b"".join(streams)


def _record(tag: int, payload: bytes, level: int = 0) -> bytes:
    if len(payload) < 0xFFF:
        return struct.pack("<I", tag | (level << 10) | (len(payload) << 20)) + payload
    return struct.pack("<II", tag | (level << 10) | (0xFFF << 20), len(payload)) + payload


def hwp_para_text(text: str) -> bytes:
    """A PARA_TEXT payload for `text`: a tab becomes the 8-unit inline tab control; ends with 13 (paragraph end)."""
    units: list[int] = []
    for ch in text:
        if ch == "\t":
            units += [9] + [0] * 6 + [9]
        else:
            units += list(struct.unpack(f"<{len(ch.encode('utf-16-le')) // 2}H", ch.encode("utf-16-le")))
    units.append(13)
    return struct.pack(f"<{len(units)}H", *units)


def make_hwp(path: Path, paragraphs: Sequence[str], *, compressed: bool = True, flags: int = 0) -> Path:
    """An .hwp (HWP 5) file with one body section holding `paragraphs`; the first paragraph also carries an
    extended control (as a table or picture anchor does)."""
    body = b""
    for i, text in enumerate(paragraphs):
        payload = hwp_para_text(text)
        if i == 0:  # an extended control (11: table / drawing object) before the text: 8 code units
            payload = struct.pack("<8H", 11, 0x7462, 0x6C20, 0, 0, 0, 0, 11) + payload
        body += _record(0x42, b"\0" * 22) + _record(0x43, payload, level=1)
    if compressed:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        body = c.compress(body) + c.flush()
    file_header = b"HWP Document File".ljust(32, b"\0") + struct.pack("<II", 0x05000300, flags | int(compressed))
    path.write_bytes(compound_file(file_header.ljust(256, b"\0"), body))
    return path


# ---------------------------------------------------------------------------------------------------- scans
def render_page(lines: Sequence[str], *, font_size: int = 46, width: int = 1700, margin: int = 110):
    """A white page image (300 dpi scale: 46 px ≈ 11 pt) with `lines` in black, as a scanner would give it."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(KOREAN_FONT), font_size)
    line_height = int(font_size * 1.6)
    height = margin * 2 + line_height * max(len(lines), 1)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * line_height), line, fill=0, font=font)
    return image


def make_scanned_pdf(path: Path, pages: Sequence[Sequence[str]]) -> Path:
    """An image-only PDF: each page one rendered image, no text layer."""
    images = [render_page(lines).convert("RGB") for lines in pages]
    images[0].save(path, "PDF", resolution=300.0, save_all=True, append_images=images[1:])
    return path


def make_mixed_pdf(path: Path, text_pdf: Path, scanned_pages: Sequence[Sequence[str]]) -> Path:
    """The pages of `text_pdf` (with a text layer) followed by scanned pages."""
    from pypdf import PdfReader, PdfWriter

    scanned = make_scanned_pdf(path.with_suffix(".scan.pdf"), scanned_pages)
    writer = PdfWriter()
    for source in (text_pdf, scanned):
        for page in PdfReader(str(source)).pages:
            writer.add_page(page)
    with open(path, "wb") as f:
        writer.write(f)
    return path
