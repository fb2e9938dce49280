"""Markdown markup stripped from document text for display, keeping a map back to the original offsets so a
cited span (given in the original text) can still be highlighted in the clean text.

Only deletions: heading marks (`##### 제11조`), emphasis (`**④**`, `*x*`, `__x__`), backslash escapes (`1\\.`,
`Korea\\'s`), link and image syntax (`[text](url)` keeps `text`), block quotes and inline code ticks."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+", re.MULTILINE)
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$", re.MULTILINE)
_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE)
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)", re.DOTALL)
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!'\"|<>~])")
_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_CODE = re.compile(r"`([^`\n]+)`")
_RULE = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Plain:
    """Clean text and, for each of its characters, the offset of that character in the original text."""

    text: str
    source: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The clean-text span of the original span [start, end); (0, 0) when nothing of it is left."""
        lo = next((i for i, s in enumerate(self.source) if s >= start), len(self.source))
        hi = lo
        while hi < len(self.source) and self.source[hi] < end:
            hi += 1
        return (lo, hi) if hi > lo else (0, 0)


def plain(text: str) -> Plain:
    """`text` without markdown markup, with the offset map (see `Plain`)."""
    drop = bytearray(len(text))

    def cut(a: int, b: int) -> None:
        drop[a:b] = b"\x01" * (b - a)

    for m in _ESCAPE.finditer(text):
        cut(m.start(), m.start() + 1)
    escaped = {m.start() + 1 for m in _ESCAPE.finditer(text)}  # characters kept literally

    def markup(m: re.Match[str], *groups: int) -> bool:
        return not any(m.start(g) in escaped for g in groups if m.start(g) >= 0)

    for m in _RULE.finditer(text):
        cut(m.start(), m.end())
    for m in _HEADING.finditer(text):
        cut(m.start(1), m.end())
    for m in _CLOSING_HASHES.finditer(text):
        if m.start() > 0 and text[m.start() - 1] != "\\":
            cut(m.start(), m.end())
    for m in _QUOTE.finditer(text):
        cut(m.start(), m.end())
    for m in _LINK.finditer(text):
        if m.start() in escaped:
            continue
        cut(m.start(), m.start(2))  # '![' or '['
        cut(m.end(2), m.end())  # '](url)'
    for pattern in (_STRONG,):
        for m in pattern.finditer(text):
            if m.start() in escaped:
                continue
            cut(m.start(), m.start() + 2)
            cut(m.end() - 2, m.end())
    for m in _EMPHASIS.finditer(text):
        if m.start() not in escaped and not drop[m.start()]:
            cut(m.start(), m.start() + 1)
            cut(m.end() - 1, m.end())
    for m in _CODE.finditer(text):
        if m.start() not in escaped:
            cut(m.start(), m.start() + 1)
            cut(m.end() - 1, m.end())
    kept = [i for i in range(len(text)) if not drop[i]]
    return Plain("".join(text[i] for i in kept), tuple(kept))


def clean(text: str) -> str:
    """`text` without markdown markup, spaces collapsed at the ends (titles, quotes, labels)."""
    return plain(text).text.strip()
