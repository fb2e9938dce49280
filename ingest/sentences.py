"""Sentence boundaries, and the units chunk packing works with.

The boundary pieces here are shared with the answer engine's quote units (`app.answer.sentences.split_units`):
`SENTENCE_END` (a terminator ``. ? ! 。`` with its closing quotes or brackets), the abbreviations whose period ends
no sentence (`ABBREVIATIONS`, from ingest/data/abbreviations.yaml) and `strip_span`.

`segment` splits a span of text into units for packing: paragraphs, then legal items (``(1)``, ``1.``, ``①``) and
sentences (English ``. ? !``; Korean ``다.`` and friends). Units are (start, end, paragraph_start) spans into the
original text, so chunk offsets stay exact."""

from __future__ import annotations

import re
from collections.abc import Callable

from .vocabulary import word_list

# Words whose trailing period does not end a sentence (ingest/data/abbreviations.yaml).
ABBREVIATIONS = frozenset(
    word_list("ingest", "abbreviations.yaml", "common") + word_list("ingest", "abbreviations.yaml", "packing")
)
_PARA_BREAK = re.compile(r"\n[ \t]*\n\s*")
# A line that starts a legal item: (a) (1) (A) (iv)  1.  1\.  1의2.  ①  **①**  가.
_ITEM_LINE = re.compile(r"^[ \t]*(?:\(\w{1,5}\)|\d+(?:의\d+)?\\?\.|\*\*[①-⑳]\*\*|[①-⑳]|[가-하]\.)", re.M)
# A sentence terminator with the closing quotes or brackets after it.
SENTENCE_END = r"[.!?。](?:[\"'”’)\]]*)"
_SENT_END = re.compile(SENTENCE_END + r"(?=\s+\S)|(?<=[다요음함임])\.(?=\s)")
_CLAUSE = re.compile(r"(?<=[;:,，、])\s+")


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    """True when the period at `dot` belongs to an abbreviation, an initial, or a number like "1." or "§ 9214."."""
    j = dot
    while j > 0 and not text[j - 1].isspace():
        j -= 1
    word = text[j:dot].lstrip("(\"'“‘[").lower()
    if not word:
        return True
    if word in ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", word):
        return True
    return bool(re.fullmatch(r"[\d§]+[a-z]?|\d+(?:의\d+)?", word))


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    s = start
    for m in _SENT_END.finditer(text, start, end):
        ch = text[m.start()]
        if (
            ch == "."
            and text[m.start() - 1 : m.start()] not in "다요음함임"
            and _ends_with_abbreviation(text, m.start())
        ):
            continue
        nxt = m.end()
        while nxt < end and text[nxt].isspace():
            nxt += 1
        if nxt < end and text[nxt].islower():
            continue
        if m.end() > s:
            spans.append((s, m.end()))
        s = nxt
    if s < end and text[s:end].strip():
        spans.append((s, end))
    return spans


def strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    """The span `text[s:e]` without its leading and trailing whitespace."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def segment(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Units covering every non-whitespace character of ``text[start:end]``: (start, end, starts_paragraph)."""
    units: list[tuple[int, int, bool]] = []
    para_bounds = []
    pos = start
    for m in _PARA_BREAK.finditer(text, start, end):
        para_bounds.append((pos, m.start()))
        pos = m.end()
    para_bounds.append((pos, end))
    for ps, pe in para_bounds:
        ps, pe = strip_span(text, ps, pe)
        if ps >= pe:
            continue
        # items on their own lines inside a paragraph
        cuts = [ps] + [m.start() for m in _ITEM_LINE.finditer(text, ps, pe) if m.start() > ps] + [pe]
        first = True
        for a, b in zip(cuts, cuts[1:]):
            a, b = strip_span(text, a, b)
            if a >= b:
                continue
            for s, e in _sentence_spans(text, a, b):
                s, e = strip_span(text, s, e)
                if s < e:
                    units.append((s, e, first))
                    first = False
    return units


def split_to_budget(
    text: str, start: int, end: int, budget: int, count_tokens: Callable[[str], int]
) -> list[tuple[int, int]]:
    """Split one over-long unit at clause boundaries, then between words, then (for a single run of
    characters with no space, e.g. a long URL) anywhere, so that each piece has at most `budget` tokens."""
    if count_tokens(text[start:end]) <= budget:
        return [(start, end)]
    for pattern in (_CLAUSE, re.compile(r"\s+")):
        cuts = [m.end() for m in pattern.finditer(text, start, end)]
        if cuts:
            return _pack_at(text, start, end, cuts, budget, count_tokens)
    return _pack_at(text, start, end, list(range(start + 1, end)), budget, count_tokens)


def _pack_at(
    text: str, start: int, end: int, cuts: list[int], budget: int, count_tokens: Callable[[str], int]
) -> list[tuple[int, int]]:
    """Greedy: the furthest cut point (binary search) whose piece fits; recurse into pieces that still don't."""
    out: list[tuple[int, int]] = []
    s = start
    points = [c for c in cuts if start < c < end] + [end]
    i = 0
    while s < end:
        lo, hi, best = i, len(points) - 1, -1
        while lo <= hi:
            mid = (lo + hi) // 2
            if count_tokens(text[s : points[mid]]) <= budget:
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
        if best == -1:  # even the first piece is too long: split it finer
            e = points[i]
            a, b = strip_span(text, s, e)
            if a < b:
                finer = (
                    split_to_budget(text, a, b, budget, count_tokens)
                    if (a, b) != (start, end)
                    else _pack_at(text, a, b, list(range(a + 1, b)), budget, count_tokens)
                )
                out.extend(finer)
            s, i = e, i + 1
            continue
        e = points[best]
        a, b = strip_span(text, s, e)
        if a < b:
            out.append((a, b))
        s, i = e, best + 1
    return out
