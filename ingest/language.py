"""Language detection by script: Korean when Hangul is a meaningful share of the letters, else English."""

from __future__ import annotations

import re

from .types import Language

# Share of letters that must be Hangul for a text to count as Korean. Korean statutes quote English
# names and numbers, English texts quote a few Korean words; 0.3 separates both cleanly.
KO_SHARE = 0.3


_NOT_LETTER = re.compile(r"[\W\d_]+")
_NOT_HANGUL = re.compile(r"[^\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+")


def hangul_share(text: str) -> float:
    """Fraction of alphabetic characters that are Hangul (0.0 for text without letters)."""
    letters = len(_NOT_LETTER.sub("", text))
    return len(_NOT_HANGUL.sub("", text)) / letters if letters else 0.0


def detect_language(text: str, *, sample: int = 200_000) -> Language:
    """`ko` when Hangul is at least `KO_SHARE` of the letters (of the first `sample` characters), else `en`."""
    return "ko" if hangul_share(text[:sample]) >= KO_SHARE else "en"
