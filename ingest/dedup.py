"""Duplicate documents: the same text under another name (pure functions).

Two files hold the same document when their texts agree after normalisation: Unicode NFKC, case folded, markup
and punctuation dropped, whitespace ignored. So a law saved once as markdown and once as plain text, re-wrapped,
or with other front matter, is one document; a law amended by one word is not."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def normalised_words(text: str) -> list[str]:
    """The words of `text` (letters and digits in any script), NFKC-normalised and case folded."""
    return [w for w in _NOT_WORD.split(unicodedata.normalize("NFKC", text).casefold()) if w]


def content_key(text: str) -> str:
    """A hash equal for texts that differ only in case, markup, punctuation and white space (the words of
    `normalised_words`, found without splitting the whole text into a list first)."""
    if not unicodedata.is_normalized("NFKC", text):  # a quick check; most texts need no normalising
        text = unicodedata.normalize("NFKC", text)
    return hashlib.sha256(" ".join(_WORD.findall(text.casefold())).encode("utf-8")).hexdigest()
