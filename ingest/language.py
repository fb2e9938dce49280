"""Language detection by script: Korean when Hangul is a meaningful share of the letters, else English."""

from __future__ import annotations

from .script import hangul_share
from .types import Language

__all__ = ["KO_SHARE", "detect_language", "hangul_share"]

# Share of letters that must be Hangul for a text to count as Korean. Korean statutes quote English
# names and numbers, English texts quote a few Korean words; 0.3 separates both cleanly.
KO_SHARE = 0.3


def detect_language(text: str, *, sample: int = 200_000) -> Language:
    """`ko` when Hangul is at least `KO_SHARE` of the letters (of the first `sample` characters), else `en`."""
    return "ko" if hangul_share(text[:sample]) >= KO_SHARE else "en"
