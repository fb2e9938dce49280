"""Language detection by script: Korean when Hangul is a meaningful share of the letters, else English."""

from __future__ import annotations

from .types import Language

# Share of letters that must be Hangul for a text to count as Korean. Korean statutes quote English
# names and numbers, English texts quote a few Korean words; 0.3 separates both cleanly.
KO_SHARE = 0.3


def _is_hangul(ch: str) -> bool:
    o = ord(ch)
    return 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F


def hangul_share(text: str) -> float:
    """Fraction of alphabetic characters that are Hangul (0.0 for text without letters)."""
    letters = hangul = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if _is_hangul(ch):
                hangul += 1
    return hangul / letters if letters else 0.0


def detect_language(text: str, *, sample: int = 200_000) -> Language:
    """`ko` when Hangul is at least `KO_SHARE` of the letters (of the first `sample` characters), else `en`."""
    return "ko" if hangul_share(text[:sample]) >= KO_SHARE else "en"
