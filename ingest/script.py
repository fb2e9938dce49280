"""Writing systems: the Hangul character classes and the checks built on them, shared by ingest, index and app.

`HANGUL_SYLLABLES` (가-힣, U+AC00–U+D7A3) is what Korean words are written in; `HANGUL_LETTERS` adds the
conjoining and compatibility jamo (ㄱ, ㅏ …) for measuring how much of a text is Korean. Both are character-class
bodies, to compose into larger patterns (`rf"[A-Z0-9{HANGUL_SYLLABLES}]"`).
"""

from __future__ import annotations

import re

HANGUL_SYLLABLES = "\uac00-\ud7a3"
HANGUL_LETTERS = HANGUL_SYLLABLES + "\u1100-\u11ff\u3130-\u318f"
# Circled item numbers of Korean statutes (①–⑳), also a character-class body.
CIRCLED_NUMBERS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

HANGUL = re.compile(f"[{HANGUL_SYLLABLES}]")
HANGUL_WORD = re.compile(f"[{HANGUL_SYLLABLES}]+")
_HANGUL_LETTER = re.compile(f"[{HANGUL_LETTERS}]")
_NOT_HANGUL_LETTER = re.compile(f"[^{HANGUL_LETTERS}]+")
_NOT_LETTER = re.compile(r"[\W\d_]+")
_LATIN = re.compile(r"[A-Za-z]")


def is_hangul(ch: str) -> bool:
    """True when `ch` (one character) is a Hangul syllable."""
    return "\uac00" <= ch <= "\ud7a3"


def has_hangul(text: str) -> bool:
    """True when `text` contains a Hangul syllable."""
    return HANGUL.search(text) is not None


def has_hangul_letter(text: str) -> bool:
    """True when `text` contains a Hangul syllable or jamo."""
    return _HANGUL_LETTER.search(text) is not None


def hangul_share(text: str) -> float:
    """Fraction of alphabetic characters that are Hangul (syllables or jamo; 0.0 for text without letters)."""
    letters = len(_NOT_LETTER.sub("", text))
    return len(_NOT_HANGUL_LETTER.sub("", text)) / letters if letters else 0.0


def mostly_hangul(text: str) -> bool:
    """True when `text` has more Hangul syllables than Latin letters."""
    return len(HANGUL.findall(text)) > len(_LATIN.findall(text))
