"""Bytes → normalised text: encoding detection (UTF-8 first, then charset-normalizer), binary refusal."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

# Bytes examined to decide whether a file is binary and, for non-UTF-8 files, which encoding it uses.
SNIFF_BYTES = 64 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Detector answers that are strict subsets of a more useful codec.
_WIDER = {"euc_kr": "cp949", "ks_c_5601_1987": "cp949", "iso8859_1": "cp1252", "latin_1": "cp1252", "ascii": "utf-8"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class NotText(ValueError):
    """The bytes are not text in any encoding we can recognise."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    converted: bool  # True when the bytes were not UTF-8 (or ASCII) and were converted


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first `SNIFF_BYTES` (after any BOM check)."""
    head = data[:SNIFF_BYTES]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head) > 0.05


def decode_bytes(data: bytes) -> Decoded:
    """Decode file bytes. UTF-8 (with or without BOM) and UTF-16/32 with a BOM are taken as is; anything else
    is detected with charset-normalizer on a sample and converted. Raises `NotText` for binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(enc, errors="replace"), enc, enc not in ("utf-8-sig",))
    if looks_binary(data):
        raise NotText("binary content (NUL or control bytes)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:SNIFF_BYTES]).best()
    if best is None:
        raise NotText("no text encoding fits these bytes")
    enc = _WIDER.get(best.encoding, best.encoding)
    text = data.decode(enc, errors="replace")
    if text.count("\ufffd") > max(10, len(text) // 100):
        raise NotText(f"bytes do not decode as {enc}")
    return Decoded(text, enc, True)


def normalise_text(text: str) -> str:
    """Unicode NFC, newlines to ``\\n``, control characters (except tab/newline/form feed) removed, no BOM."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)
