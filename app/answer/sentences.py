"""Split passage text into sentence units (English and Korean) with exact character offsets.

Legal items count as units of their own: a line starting with "(1)", "(A)", "1.", "1\\.", "①" or "**①**", and
an inline circled number ("… 한다. ② …"). Markdown decoration (heading hashes, bullets, bold paragraph markers) and
trailing Korean amendment notes ("<개정 2020.12.8>") are trimmed from a unit's span (an item's number stays), so `text[start:end]` is always
the verbatim quote a citation points at. Pure functions, no models.

The sentence terminator, the abbreviations and whitespace trimming are `ingest.sentences`' (shared with chunk
packing). What differs from packing units is what a quote needs: a block also ends at a single line break after
a sentence or a heading line; inline circled numbers and Korean sub-items ("나.") start units; no cut inside a
parenthesis or after a provision's number ("§ 9201. Findings"); decoration and amendment notes are trimmed from
the span, and title-like units are marked as headings. Packing keeps every character in some unit instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.script import CIRCLED_NUMBERS, HANGUL_SYLLABLES
from ingest.sentences import SENTENCE_END, strip_span
from ingest.vocabulary import word_list


@dataclass(frozen=True)
class Unit:
    """One sentence unit: `text == passage[start:end]`. `heading` marks a title-like line (no sentence)."""

    start: int
    end: int
    text: str
    heading: bool = False


_CIRCLED = CIRCLED_NUMBERS
_KO_ITEM = "[가나다라마바사아자차카타파하]"  # Korean statutes number sub-items 가. 나. 다. … ("가\\." in markdown)
# A line that starts a new legal item / list entry / heading: a break before it is a unit boundary.
_ITEM_START = re.compile(
    r"[ \t]*(?:#{1,6}\s|[-*+•]\s|>\s?|\*\*[" + _CIRCLED + r"\d(]|[" + _CIRCLED + r"]|"
    r"\((?:[0-9]{1,3}|[A-Za-z]{1,4}|[ivxlc]{1,6})\)\s|\d{1,3}(?:의\d+)?\\?\.\s|" + _KO_ITEM + r"\\?\.\s|제\d+조|§)"
)
_LINE_END_SENTENCE = re.compile(r"[.!?:;。)\]\"”’]\s*$|다\.?\s*$")
_SENTENCE_START = re.compile(r"[ \t]*[\"“'‘(\[]?[A-Z0-9" + HANGUL_SYLLABLES + r"§*#\-" + _CIRCLED + r"]")
# Candidate sentence boundary inside a paragraph: terminator, optional closing quotes, whitespace.
_BOUNDARY = re.compile(SENTENCE_END + r"(?=\s+)")
_NEXT_START = re.compile(r"\s+[\"“'‘(\[]?[A-Z0-9" + HANGUL_SYLLABLES + _CIRCLED + r"§*]")
_INLINE_CIRCLED = re.compile(r"(?<=\S)\s+(?=(?:\*\*)?[" + _CIRCLED + r"])")
# "… 조사ㆍ연구     나\\. 북한인권 …": a Korean sub-item marker after a run of spaces (a chunk that lost its line breaks)
_INLINE_KO_ITEM = re.compile(r"(?<=\S)\s{2,}(?=" + _KO_ITEM + r"\\?\.\s)")
# Words whose trailing period does not end a sentence (ingest/data/abbreviations.yaml).
_ABBREVIATIONS = frozenset(
    word_list("ingest", "abbreviations.yaml", "common") + word_list("ingest", "abbreviations.yaml", "quoting")
)
# (an item's number, "1\\." or "가\\.", stays in its unit: a quoted list item keeps its number)
_LEADING_DECORATION = re.compile(r"(?:#{1,6}\s+|[-*+•]\s+|>\s*|(?:\*\*|__)[^*_\n]{1,8}?(?:\*\*|__)\s*)")
_ESCAPED_ITEM = re.compile(r"(?:\d{1,3}(?:의\d+)?|" + _KO_ITEM + r")\\\.\s")  # a markdown list item "1\\. …"
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|])")
_TRAILING_NOTE = re.compile(r"(?:\s*<(?:개정|신설|전문개정|본조신설|제목개정|삭제|시행일)[^>\n]*>)+\s*$")
_HEADING_LINE = re.compile(r"^#{1,6}\s")
_PROVISION_TITLE = re.compile(r"(?:§|Sec\.|Section\s+\d|SUBCHAPTER|CHAPTER|제\d+조)")
_TERMINAL = re.compile(r"(?:[.!?。:;,다]|\band|\bor)\s*[\"'”’)\]]*$")


def unescape_markdown(text: str) -> str:
    """A quote as a reader sees it: markdown escapes removed ("1\\. 남북한 …" -> "1. 남북한 …")."""
    return _MARKDOWN_ESCAPE.sub(r"\1", text)


def is_complete(text: str) -> bool:
    """True when a unit ends like a sentence or a legal item ("." "다" ";" ", and" …), not mid-sentence (a chunk
    boundary can cut a long sentence)."""
    return bool(_TERMINAL.search(text))


def _paragraph_breaks(text: str) -> list[int]:
    """Offsets where a new block starts: after a blank line, or at a line starting a legal item/heading, or after
    a line that ends a sentence or is a markdown heading. Soft line wraps inside a sentence are not breaks."""
    breaks = [0]
    pos = 0
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        nxt_start = pos + len(line) + 1
        nxt = lines[i + 1]
        if (
            not line.strip()
            or not nxt.strip()
            or _ITEM_START.match(nxt)
            or (_LINE_END_SENTENCE.search(line) and _SENTENCE_START.match(nxt))
            or _HEADING_LINE.match(line.lstrip())
        ):
            breaks.append(nxt_start)
        pos = nxt_start
    return breaks


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at `dot` ends an abbreviation or an initial, not a sentence."""
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and not text[j - 1].isspace() and text[j - 1] not in "(\"“'‘[":
        j -= 1
    word = text[j:dot].lower().rstrip(".")
    if word in _ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith", "(b)." is not this case
        return True
    if re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):  # "u.s", "e.g", "d.p.r.k"
        return True
    return False


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = strip_span(text, start, end)
    while True:
        m = _LEADING_DECORATION.match(text, start, end)
        if not m or m.end() == start:
            break
        start = m.end()
    m = _TRAILING_NOTE.search(text, start, end)
    if m and m.start() > start:
        end = m.start()
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = {start}
    for m in _INLINE_CIRCLED.finditer(text, start, end):
        cuts.add(m.end())
    for m in _INLINE_KO_ITEM.finditer(text, start, end):
        cuts.add(m.end())
    for m in _BOUNDARY.finditer(text, start, end):
        dot = m.start()
        if not _NEXT_START.match(text, m.end(), end) or _is_abbreviation(text, dot):
            continue
        before = text[max(c for c in cuts if c <= dot) : dot]
        if re.fullmatch(r"\s*(?:\d{1,3}(?:의\d+)?\\?|[A-Za-z]|" + _KO_ITEM + r"\\?)", before):
            continue  # "1." / "1\\." / "b." at the start of a block numbers an item, it does not end a sentence
        if re.fullmatch(r"\s*(?:#+\s*)?(?:§+|Sec\.|Section|Article|Art\.)\s*[\w()-]+", before):
            continue  # "§ 9201. Findings" / "Section 1. (a) …": the number of the provision that starts the unit
        if before.count("(") > before.count(")"):
            continue  # inside a parenthesis: "(… 포함한다. 이하 같다)"
        cuts.add(m.end())
    ordered = sorted(cuts) + [end]
    return [(a, b) for a, b in zip(ordered, ordered[1:]) if b > a]


def split_units(text: str) -> list[Unit]:
    """Sentence units of `text` in order, each with `text[start:end]` verbatim; empty pieces are dropped."""
    breaks = _paragraph_breaks(text) + [len(text)]
    units: list[Unit] = []
    for b_start, b_end in zip(breaks, breaks[1:]):
        block = text[b_start:b_end]
        if not block.strip():
            continue
        is_md_heading = bool(_HEADING_LINE.match(block.lstrip()))
        for a, b in _split_block(text, b_start, b_end):
            s, e = _trim(text, a, b)
            if e <= s or not re.search(r"\w", text[s:e]):
                continue
            piece = text[s:e]
            n_words = len(piece.split())
            heading = (is_md_heading and n_words <= 12) or (
                not _TERMINAL.search(piece)
                and not _ESCAPED_ITEM.match(piece)  # "7\\. 차입금의 원리금 상환": a short list item, not a title
                and (n_words <= 4 or (n_words <= 14 and _PROVISION_TITLE.match(piece) is not None))
            )
            units.append(Unit(s, e, piece, heading))
    return units
