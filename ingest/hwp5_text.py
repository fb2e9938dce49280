"""HWP 5 (the binary format of Hangul) → paragraph text, read with olefile.

An HWP 5 file is an OLE compound file. ``FileHeader`` says whether the body is compressed, password-protected or a
distribution (read-only, encrypted) document; ``BodyText/Section0``, ``Section1`` … hold the body as a stream of
records (raw-deflate compressed when the header says so). Each record starts with a 32-bit header: tag id (10
bits), level (10 bits), size (12 bits; 0xFFF means the size follows as 32 bits). A paragraph's text is its
``HWPTAG_PARA_TEXT`` record: UTF-16LE with control characters in it — a control of the "char" kind takes one
code unit (13 ends the paragraph, 10 breaks the line), the "inline" and "extended" kinds take eight (an inline tab
is written as a tab). Table cells are paragraphs too: they are read as paragraphs of their own, in order.

Only the text is read (no styles, numbering or table layout): for a document's structure, save it as HWPX.
"""

from __future__ import annotations

import logging
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

SIGNATURE = b"HWP Document File"
HWPTAG_BEGIN = 0x10
HWPTAG_PARA_TEXT = HWPTAG_BEGIN + 51
_FLAG_COMPRESSED = 0x1
_FLAG_PASSWORD = 0x2
_FLAG_DISTRIBUTION = 0x4
# Control characters that occupy 8 UTF-16 code units (the control, 6 units of data, the control again).
_WIDE_CONTROLS = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23})
_SECTION = re.compile(r"^Section(\d+)$")
MAX_SECTION_BYTES = 256 * 1024 * 1024  # a decompressed section larger than this is refused (a deflate bomb)
SAVE_AS_HWPX = "open it in Hangul (or Hancom Office) and save it as .hwpx, then ingest the .hwpx file"


class HwpProblem(ValueError):
    """An HWP file that cannot be read; the message says why and what to do."""


def records(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(tag id, level, payload) of each record in a decompressed section stream. A truncated last record ends the
    stream."""
    pos, n = 0, len(data)
    while pos + 4 <= n:
        (header,) = struct.unpack_from("<I", data, pos)
        pos += 4
        tag, level, size = header & 0x3FF, (header >> 10) & 0x3FF, header >> 20
        if size == 0xFFF:
            if pos + 4 > n:
                return
            (size,) = struct.unpack_from("<I", data, pos)
            pos += 4
        if pos + size > n:
            logger.debug("truncated HWP record (tag %d) at %d", tag, pos)
            return
        yield tag, level, data[pos : pos + size]
        pos += size


def para_text(payload: bytes) -> str:
    """The text of an ``HWPTAG_PARA_TEXT`` payload, controls removed (tabs and line breaks kept)."""
    units = struct.unpack(f"<{len(payload) // 2}H", payload[: len(payload) // 2 * 2])
    out: list[str] = []
    i = 0
    while i < len(units):
        u = units[i]
        if u >= 32:
            out.append(chr(u))
            i += 1
            continue
        if u == 9:
            out.append("\t")
        elif u in (10, 13):
            out.append("\n")
        elif u == 24:  # hyphen
            out.append("-")
        elif u in (30, 31):  # non-breaking and fixed-width spaces
            out.append(" ")
        i += 8 if u in _WIDE_CONTROLS else 1
    # UTF-16 surrogate pairs arrive as two units: join them
    return "".join(out).encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def section_paragraphs(data: bytes) -> list[str]:
    """The non-empty paragraph texts of one decompressed section stream, in order."""
    out = []
    for tag, _level, payload in records(data):
        if tag == HWPTAG_PARA_TEXT:
            text = re.sub(r"[ \t\u00a0]+", " ", para_text(payload)).strip()
            text = "\n".join(line.strip() for line in text.split("\n") if line.strip())
            if text:
                out.append(text)
    return out


def _decompress(raw: bytes) -> bytes:
    d = zlib.decompressobj(-15)
    out = d.decompress(raw, MAX_SECTION_BYTES)
    if d.unconsumed_tail:
        raise HwpProblem(f"a body section unpacks to more than {MAX_SECTION_BYTES // 2**20} MiB; split the document")
    return out


def hwp_to_text(path: Path) -> str:
    """The paragraphs of an .hwp (HWP 5) file, separated by blank lines. Raises `HwpProblem`."""
    try:
        import olefile
    except ImportError as e:
        raise HwpProblem(f"reading .hwp needs olefile: `pip install 'policyqa[formats]'`, or {SAVE_AS_HWPX}") from e
    if not olefile.isOleFile(str(path)):
        raise HwpProblem(
            "not an HWP 5 file (no OLE compound-file header): it may be an older HWP 3 file, an HWPX file "
            f"renamed .hwp, or corrupt; {SAVE_AS_HWPX}"
        )
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if not ole.exists("FileHeader"):
                raise HwpProblem(f"no FileHeader stream: not an HWP 5 document; {SAVE_AS_HWPX}")
            header = ole.openstream("FileHeader").read()
            if not header.startswith(SIGNATURE) or len(header) < 40:
                raise HwpProblem(f"the FileHeader is not an HWP 5 header; {SAVE_AS_HWPX}")
            (flags,) = struct.unpack_from("<I", header, 36)
            if flags & _FLAG_PASSWORD:
                raise HwpProblem(f"the document is password-protected; remove the password, or {SAVE_AS_HWPX}")
            if flags & _FLAG_DISTRIBUTION:
                raise HwpProblem(f"this is a distribution (encrypted, read-only) document; {SAVE_AS_HWPX}")
            sections = sorted(
                (int(m.group(1)), entry)
                for entry in ole.listdir()
                if len(entry) == 2 and entry[0] == "BodyText" and (m := _SECTION.match(entry[1]))
            )
            if not sections:
                raise HwpProblem(f"no BodyText sections in the file; {SAVE_AS_HWPX}")
            paragraphs: list[str] = []
            for _, entry in sections:
                raw = ole.openstream(entry).read()
                data = _decompress(raw) if flags & _FLAG_COMPRESSED else raw
                paragraphs.extend(section_paragraphs(data))
    except HwpProblem:
        raise
    except Exception as e:  # noqa: BLE001 - olefile and zlib raise several types for damaged files
        raise HwpProblem(
            f"could not read the HWP file, it is likely corrupt ({type(e).__name__}: {e}); {SAVE_AS_HWPX}"
        ) from e
    return "\n\n".join(paragraphs)
